//! Live config against the fake Aperture's config API (both generations): clean apply, stale
//! ETag/hash, server-side 422, lockout refusal and the confirm override, the backup written
//! before the write, a re-read mismatch, the CLI's dry-run default, and no key in any diff or
//! log line.
// Test code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use aperture_orchestrator::tools::live_config::{
    ApplyOutput, ChangeInput, ConfigApi, GetInput, apply_config, get_config,
};
use aperture_orchestrator::tools::{ConfigInput, PathPolicy};
use support::fake_aperture::{ConfigApiSpec, FakeAperture, Grant, Role, Spec};

const OLD_KEY: &str = "sk-proj-LIVEkeyOLD0123456789abcdefXYZ";
const NEW_KEY: &str = "sk-proj-LIVEkeyNEW9876543210zyxwvuABC";

fn document(key: &str, admin: &str, extra_provider: bool) -> String {
    format!(
        r#"// the gateway
{{
  "providers": {{
    "openai": {{"baseurl": "https://api.openai.com", "apikey": "{key}", "models": ["gpt-5"]}},{}
  }},
  "grants": [
    {{"src": ["{admin}"], "app": {{"tailscale.com/cap/aperture": [{{"role": "admin"}}]}}}},
    {{"src": ["*"], "app": {{"tailscale.com/cap/aperture": [{{"role": "user"}}, {{"models": "**"}}]}}}},
  ],
}}
"#,
        if extra_provider {
            "\n    \"anthropic\": {\"baseurl\": \"https://api.anthropic.com\", \"apikey\": \"sk-ant-PLACEHOLDER\", \"authorization\": \"x-api-key\", \"models\": [\"claude-sonnet-4-5\"], \"compatibility\": {\"anthropic_messages\": true}},"
        } else {
            ""
        }
    )
}

fn live() -> String {
    document(OLD_KEY, "alice@example.com", false)
}

async fn gateway(api: ConfigApiSpec) -> FakeAperture {
    FakeAperture::start(Spec {
        grants: vec![Grant {
            role: Some(Role::Admin),
            ..Grant::user("alice@example.com", &["**"])
        }],
        config_api: Some(ConfigApiSpec {
            initial: live(),
            ..api
        }),
        ..Spec::default()
    })
    .await
}

fn current() -> ConfigApiSpec {
    ConfigApiSpec {
        current: true,
        legacy: true,
        ..ConfigApiSpec::default()
    }
}

fn legacy() -> ConfigApiSpec {
    ConfigApiSpec {
        legacy: true,
        ..ConfigApiSpec::default()
    }
}

fn backups() -> support::TempDir {
    support::TempDir::new("live")
}

async fn apply(
    fake: &FakeAperture,
    proposed: &str,
    as_identity: Option<&str>,
    confirm: bool,
    dir: &std::path::Path,
) -> ApplyOutput {
    let input = ChangeInput {
        url: fake.url(),
        source: ConfigInput::text(proposed),
        as_identity: as_identity.map(str::to_owned),
        confirm,
    };
    apply_config(&input, PathPolicy::Allowed, false, dir)
        .await
        .expect("the gateway answered")
}

#[tokio::test]
async fn reads_detect_the_api_generation_and_keep_the_text() {
    for (spec, api, version) in [
        (current(), ConfigApi::Aperture, "\"v1\""),
        (legacy(), ConfigApi::Legacy, "h1"),
    ] {
        let fake = gateway(spec).await;
        let got = get_config(&GetInput { url: fake.url() }).await.unwrap();
        assert_eq!(got.api, api);
        assert_eq!(got.version, version);
        assert_eq!(
            got.config,
            live(),
            "the HuJSON text exactly as served, comments included"
        );
    }
    // Not an admin: the 403 says so.
    let fake = FakeAperture::start(Spec {
        config_api: Some(current()),
        ..Spec::default()
    })
    .await;
    let err = get_config(&GetInput { url: fake.url() }).await.unwrap_err();
    assert!(err.to_string().contains("role: admin"), "{err}");
}

#[tokio::test]
async fn a_clean_apply_writes_backs_up_and_confirms_on_both_generations() {
    for spec in [current(), legacy()] {
        let fake = gateway(spec).await;
        let dir = backups();
        let proposed = document(NEW_KEY, "alice@example.com", true);
        let out = apply(&fake, &proposed, Some("alice@example.com"), false, &dir).await;
        assert!(out.applied, "{:?}", out.refused);
        assert_eq!(fake.config.lock().unwrap().text, proposed);
        let backup = out.backup.expect("a backup");
        assert_eq!(
            std::fs::read_to_string(&backup).unwrap(),
            live(),
            "the previous live document"
        );
        assert!(out.reread.unwrap().contains("exactly the applied document"));
        assert!(out.new_version.is_some());
        assert!(
            out.plan
                .access
                .iter()
                .any(|c| c.models_gained.iter().any(|m| m.contains("claude"))),
            "{:?}",
            out.plan.access
        );
    }
}

#[tokio::test]
async fn a_concurrent_edit_is_reported_as_stale_and_nothing_is_written() {
    for spec in [current(), legacy()] {
        let fake = gateway(ConfigApiSpec {
            concurrent_editor: true,
            ..spec
        })
        .await;
        let dir = backups();
        let out = apply(
            &fake,
            &document(OLD_KEY, "alice@example.com", true),
            None,
            false,
            &dir,
        )
        .await;
        assert!(!out.applied);
        assert!(
            out.refused.as_deref().unwrap().starts_with("stale"),
            "{:?}",
            out.refused
        );
        assert_eq!(fake.config.lock().unwrap().writes, 0);
        // The backup was written before the attempt.
        assert_eq!(
            std::fs::read_to_string(out.backup.unwrap()).unwrap(),
            live()
        );
    }
}

#[tokio::test]
async fn a_server_side_rejection_is_reported() {
    let fake = gateway(ConfigApiSpec {
        reject: Some("unknown config key \"basurl\"".into()),
        ..current()
    })
    .await;
    let dir = backups();
    let out = apply(
        &fake,
        &document(OLD_KEY, "alice@example.com", true),
        None,
        false,
        &dir,
    )
    .await;
    assert!(!out.applied);
    let why = out.refused.unwrap();
    assert!(why.contains("422") && why.contains("basurl"), "{why}");
}

#[tokio::test]
async fn lockouts_are_refused_unless_confirmed() {
    let fake = gateway(current()).await;
    let dir = backups();
    // Removing your own admin role.
    let hand_over = document(OLD_KEY, "bob@example.com", false);
    let out = apply(&fake, &hand_over, Some("alice@example.com"), false, &dir).await;
    assert!(!out.applied);
    assert!(
        out.refused
            .as_deref()
            .unwrap()
            .contains("your own admin role"),
        "{:?}",
        out.refused
    );
    assert_eq!(fake.config.lock().unwrap().writes, 0);
    assert!(
        out.backup.is_none(),
        "a refused change writes nothing, not even a backup"
    );
    // The same change, confirmed.
    let out = apply(&fake, &hand_over, Some("alice@example.com"), true, &dir).await;
    assert!(out.applied, "{:?}", out.refused);
    // Nobody admin at all.
    let nobody = live().replace("{\"role\": \"admin\"}", "{\"role\": \"user\"}");
    let fake = gateway(current()).await;
    let out = apply(&fake, &nobody, None, false, &dir).await;
    assert!(!out.applied);
    let why = out.refused.unwrap();
    assert!(
        why.contains("save-mode error") || why.contains("nobody could manage"),
        "{why}"
    );
}

#[tokio::test]
async fn an_invalid_document_is_refused_before_anything_is_sent() {
    let fake = gateway(current()).await;
    let dir = backups();
    let broken = live().replace(
        "\"apikey\": \"",
        "\"authorization\": {\"type\": \"bearer\", \"value\": \"",
    );
    let broken = broken.replacen("\", \"models\"", "\"}, \"models\"", 1);
    let out = apply(&fake, &broken, None, false, &dir).await;
    assert!(!out.applied);
    assert!(out.refused.unwrap().contains("save-mode error"));
    assert!(!out.plan.valid && out.plan.errors.iter().any(|e| e.code == "AP103"));
    assert_eq!(fake.config.lock().unwrap().writes, 0);
}

#[tokio::test]
async fn a_reread_that_differs_is_reported() {
    let fake = gateway(ConfigApiSpec {
        normalise: true,
        ..current()
    })
    .await;
    let dir = backups();
    let out = apply(
        &fake,
        &document(OLD_KEY, "alice@example.com", true),
        None,
        false,
        &dir,
    )
    .await;
    assert!(out.applied);
    let reread = out.reread.unwrap();
    assert!(
        reread.starts_with("MISMATCH") && reread.contains("normalised by the gateway"),
        "{reread}"
    );
}

#[tokio::test]
async fn the_cli_dry_runs_by_default_and_never_shows_a_key() {
    let fake = gateway(current()).await;
    let dir = backups();
    let file = dir.join("proposed.hujson");
    // The key changes: the diff must show a changed line, not the key.
    std::fs::write(&file, document(NEW_KEY, "alice@example.com", false)).unwrap();
    // tokio's process API: the fake gateway runs on this test's runtime and must keep serving.
    let run = |extra: &'static [&'static str]| {
        support::async_bin()
            .args([
                "config",
                "push",
                &fake.url(),
                file.to_str().unwrap(),
                "--backup-dir",
                dir.join("b").to_str().unwrap(),
            ])
            .args(extra)
            .env("RUST_LOG", "trace")
            .output()
    };
    let dry = run(&[]).await.unwrap();
    let stdout = String::from_utf8_lossy(&dry.stdout);
    assert_eq!(dry.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("dry run"), "{stdout}");
    assert_eq!(
        fake.config.lock().unwrap().writes,
        0,
        "a dry run writes nothing"
    );
    assert!(
        stdout.contains("-    \"openai\"") && stdout.contains("+    \"openai\""),
        "the changed key shows as a changed line:\n{stdout}"
    );
    let applied = run(&["--apply", "--format", "json"]).await.unwrap();
    assert_eq!(
        applied.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&applied.stderr)
    );
    assert_eq!(fake.config.lock().unwrap().writes, 1);
    for output in [&dry, &applied] {
        for channel in [&output.stdout, &output.stderr] {
            let text = String::from_utf8_lossy(channel);
            for key in [OLD_KEY, NEW_KEY] {
                assert!(!text.contains(&key[8..]), "a key leaked:\n{text}");
            }
        }
    }
}

#[tokio::test]
async fn the_mcp_tools_plan_and_apply_through_the_server() {
    use rmcp::model::CallToolRequestParams;
    let fake = gateway(current()).await;
    let client = support::mcp::connect_to(
        aperture_orchestrator::mcp::Server::new(PathPolicy::Allowed).with_live_config(true),
    )
    .await;
    let call = |name: &'static str, args: serde_json::Value| {
        let serde_json::Value::Object(map) = args else {
            unreachable!()
        };
        client.call_tool(CallToolRequestParams::new(name).with_arguments(map))
    };
    let got = call("get_config", serde_json::json!({"url": fake.url()}))
        .await
        .unwrap();
    assert_eq!(got.structured_content.unwrap()["api"], "aperture");
    let proposed = document(OLD_KEY, "alice@example.com", true);
    let plan = call(
        "plan_config",
        serde_json::json!({"url": fake.url(), "config": proposed, "as": "alice@example.com"}),
    )
    .await
    .unwrap()
    .structured_content
    .unwrap();
    assert_eq!(plan["valid"], true);
    assert!(plan["lockout"].is_null());
    assert!(
        !plan.to_string().contains(&OLD_KEY[8..]),
        "the plan shows no key"
    );
    assert_eq!(
        fake.config.lock().unwrap().writes,
        0,
        "planning writes nothing"
    );
    let dir = std::env::current_dir().unwrap().join("aperture-backups");
    let applied = call(
        "apply_config",
        serde_json::json!({"url": fake.url(), "config": proposed, "as": "alice@example.com"}),
    )
    .await
    .unwrap()
    .structured_content
    .unwrap();
    assert_eq!(applied["applied"], true, "{applied}");
    assert_eq!(fake.config.lock().unwrap().text, proposed);
    let backup = applied["backup"].as_str().unwrap();
    assert_eq!(std::fs::read_to_string(backup).unwrap(), live());
    let _ = std::fs::remove_file(backup);
    let _ = std::fs::remove_dir(dir);
    client.cancel().await.unwrap();
}
