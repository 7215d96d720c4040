//! Live config against the fake Aperture's config API (both generations): clean apply, stale
//! ETag/hash, server-side 422, lockout refusal and the confirm override, the backup written
//! before the write, a re-read mismatch, the CLI's dry-run default, and no key in any diff or
//! log line.
// Test code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use aperture_orchestrator::tools::live_config::{
    ApplyOptions, ApplyOutput, ChangeInput, ConfigApi, Daemon, GetInput, Refusal, apply_config,
    get_config,
};
use aperture_orchestrator::tools::{ConfigInput, PathPolicy};
use support::fake_aperture::{
    ConfigApiSpec, DEFAULT_MASK, FakeAperture, Grant, Role, Spec, mask_keys,
};

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
        ..ChangeInput::default()
    };
    apply_input(&input, dir).await
}

/// Apply with the local daemon never asked: the caller is `as` or unknown.
async fn apply_input(input: &ChangeInput, dir: &std::path::Path) -> ApplyOutput {
    let options = ApplyOptions {
        daemon: Daemon::Off,
        ..ApplyOptions::new(dir)
    };
    apply_config(input, PathPolicy::Allowed, &options)
        .await
        .expect("the gateway answered")
}

/// The live document as each API serves it: the current one redacts keys.
fn served(spec: &ConfigApiSpec, text: &str) -> String {
    if spec.current {
        mask_keys(text, spec.mask.as_deref().unwrap_or(DEFAULT_MASK))
    } else {
        text.to_owned()
    }
}

#[tokio::test]
async fn reads_detect_the_api_generation_and_keep_the_text() {
    for (spec, api, version) in [
        (current(), ConfigApi::Aperture, "\"v1\""),
        (legacy(), ConfigApi::Legacy, "h1"),
    ] {
        let fake = gateway(spec.clone()).await;
        let got = get_config(&GetInput { url: fake.url() }).await.unwrap();
        assert_eq!(got.api, api);
        assert_eq!(got.version, version);
        assert_eq!(
            got.config,
            served(&spec, &live()),
            "the HuJSON text exactly as served, comments included"
        );
    }
    // The current API redacts keys on read.
    let fake = gateway(current()).await;
    let got = get_config(&GetInput { url: fake.url() }).await.unwrap();
    assert!(!got.config.contains(OLD_KEY) && got.config.contains(DEFAULT_MASK));
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
        let fake = gateway(spec.clone()).await;
        let dir = backups();
        let proposed = document(NEW_KEY, "alice@example.com", true);
        let out = apply(&fake, &proposed, Some("alice@example.com"), false, &dir).await;
        assert!(out.applied, "{:?}", out.refused);
        assert_eq!(fake.config.lock().unwrap().text, proposed);
        let backup = out.backup.expect("a backup");
        assert_eq!(
            std::fs::read_to_string(&backup).unwrap(),
            served(&spec, &live()),
            "the previous live document as served"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&backup).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "backups are owner-only");
        }
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
            ..spec.clone()
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
            served(&spec, &live())
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
    assert_eq!(
        std::fs::read_to_string(backup).unwrap(),
        served(&current(), &live())
    );
    let _ = std::fs::remove_file(backup);
    let _ = std::fs::remove_dir(dir);
    client.cancel().await.unwrap();
}

/// `config pull|plan|push` as a user runs them, on this test's runtime (the fake keeps
/// serving meanwhile); the caller is never asked of a local daemon.
async fn cli(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let out = support::async_bin()
        .args(args)
        .envs(env.iter().copied())
        .env("RUST_LOG", "trace")
        .output()
        .await
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_pulled_document_on_stdout_is_the_served_text_byte_for_byte() {
    // Words the CLI would reword in its own prose, and a bidirectional override a terminal
    // would be shown escaped: into a pipe or a file the document keeps them.
    let commented = format!(
        "// checked with validate_config; pass `replace` to overwrite it \u{202e}rtl\n{}",
        live()
    );
    let fake = FakeAperture::start(Spec {
        grants: vec![Grant {
            role: Some(Role::Admin),
            ..Grant::user("alice@example.com", &["**"])
        }],
        config_api: Some(ConfigApiSpec {
            initial: commented,
            ..current()
        }),
        ..Spec::default()
    })
    .await;
    let (code, stdout, stderr) = cli(&["config", "pull", &fake.url()], &[]).await;
    assert_eq!(code, Some(0), "{stderr}");
    let (_, json, _) = cli(&["config", "pull", &fake.url(), "--format", "json"], &[]).await;
    let served: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(stdout, served["config"].as_str().unwrap());
    assert!(stdout.starts_with("// checked with validate_config; pass `replace`"));

    // On a terminal (util-linux `script` gives the command one) the override is escaped.
    if std::path::Path::new("/usr/bin/script").exists() {
        let command = format!(
            "{} config pull {}",
            env!("CARGO_BIN_EXE_aperture-orchestrator"),
            fake.url()
        );
        let shown = tokio::process::Command::new("/usr/bin/script")
            .args(["-qec", &command, "/dev/null"])
            .env("APERTURE_ORCHESTRATOR_TAILSCALE", "")
            .output()
            .await
            .unwrap();
        let shown = String::from_utf8_lossy(&shown.stdout);
        assert!(shown.contains("\\u{202e}rtl"), "{shown}");
        assert!(!shown.contains('\u{202e}'), "{shown}");
    }
}

/// Pull into a file, add a user grant to it, as a person editing the pulled text would.
async fn pull_and_edit(fake: &FakeAperture, file: &std::path::Path) {
    let (code, _, stderr) = cli(
        &[
            "config",
            "pull",
            &fake.url(),
            "--out",
            file.to_str().unwrap(),
        ],
        &[],
    )
    .await;
    assert_eq!(code, Some(0), "{stderr}");
    let pulled = std::fs::read_to_string(file).unwrap();
    let edited = pulled.replacen(
        "  \"grants\": [\n",
        "  \"grants\": [\n    {\"src\": [\"carol@example.com\"], \"app\": {\"tailscale.com/cap/aperture\": [{\"role\": \"user\"}, {\"models\": \"openai/gpt-5\"}]}},\n",
        1,
    );
    assert_ne!(pulled, edited, "the pulled text has a grants array to edit");
    std::fs::write(file, edited).unwrap();
}

/// `config push URL FILE --apply --as alice@example.com` plus `extra`, backups beside FILE.
async fn push_as_alice(
    fake: &FakeAperture,
    file: &std::path::Path,
    extra: &[&str],
    env: &[(&str, &str)],
) -> (Option<i32>, String, String) {
    let (url, backups) = (fake.url(), file.with_file_name("b"));
    let mut args = vec![
        "config",
        "push",
        &url,
        file.to_str().unwrap(),
        "--apply",
        "--as",
        "alice@example.com",
        "--backup-dir",
        backups.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    cli(&args, env).await
}

#[tokio::test]
async fn a_push_never_writes_the_served_mask_over_a_real_key() {
    // Two marker spellings: the check does not depend on one.
    for mask in [DEFAULT_MASK, "opaque-7f3a"] {
        let spec = ConfigApiSpec {
            mask: Some(mask.into()),
            ..current()
        };
        let fake = gateway(spec).await;
        let dir = backups();
        let file = dir.join("gw.hujson");
        pull_and_edit(&fake, &file).await;
        let (code, stdout, stderr) = push_as_alice(&fake, &file, &[], &[]).await;
        assert_eq!(code, Some(1), "refused: {stdout}{stderr}");
        assert!(
            stdout.contains("`openai`") && stdout.contains("--secret-env"),
            "names the provider and the flag: {stdout}"
        );
        assert_eq!(fake.config.lock().unwrap().writes, 0);
        assert!(
            fake.config.lock().unwrap().text.contains(OLD_KEY),
            "live key intact"
        );
        // With the key from the environment: applied, the key is the environment's, never shown.
        const ROTATED: &str = "plainlowercasekeyvalue42";
        let (code, stdout, stderr) = push_as_alice(
            &fake,
            &file,
            &["--secret-env", "openai=TEST_OPENAI_KEY"],
            &[("TEST_OPENAI_KEY", ROTATED)],
        )
        .await;
        assert_eq!(code, Some(0), "{stdout}{stderr}");
        let stored = fake.config.lock().unwrap().text.clone();
        assert!(stored.contains(ROTATED) && stored.contains("carol@example.com"));
        assert!(!stored.contains(mask), "no mask stored: {stored}");
        for text in [&stdout, &stderr] {
            assert!(!text.contains(ROTATED), "the key was printed:\n{text}");
        }
        for backup in std::fs::read_dir(dir.join("b")).unwrap() {
            let text = std::fs::read_to_string(backup.unwrap().path()).unwrap();
            assert!(!text.contains(ROTATED));
        }
        // The same push again: the key written is known, so there is nothing to apply.
        let writes = fake.config.lock().unwrap().writes;
        let (code, stdout, _) = push_as_alice(
            &fake,
            &file,
            &["--secret-env", "openai=TEST_OPENAI_KEY"],
            &[("TEST_OPENAI_KEY", ROTATED)],
        )
        .await;
        assert_eq!(code, Some(1), "{stdout}");
        assert!(stdout.contains("nothing to apply"), "{stdout}");
        assert_eq!(
            fake.config.lock().unwrap().writes,
            writes,
            "a re-run writes nothing"
        );
    }
}

#[tokio::test]
async fn an_admin_change_by_an_unknown_caller_needs_confirm() {
    let fake = gateway(current()).await;
    let dir = backups();
    // Bob becomes admin too; who is calling is not known.
    let more_admins = document(NEW_KEY, "alice@example.com", false).replace(
        "\"src\": [\"alice@example.com\"]",
        "\"src\": [\"alice@example.com\", \"bob@example.com\"]",
    );
    let out = apply(&fake, &more_admins, None, false, &dir).await;
    assert!(!out.applied);
    assert_eq!(
        out.refusal,
        Some(Refusal::UnknownCaller),
        "{:?}",
        out.refused
    );
    assert!(out.refused.unwrap().contains("`as`"));
    assert_eq!(fake.config.lock().unwrap().writes, 0);
    assert!(out.backup.is_none());
    let out = apply(&fake, &more_admins, None, true, &dir).await;
    assert!(out.applied, "{:?}", out.refused);
    // A change that leaves the admins alone needs no identity.
    let fake = gateway(current()).await;
    let out = apply(
        &fake,
        &document(NEW_KEY, "alice@example.com", true),
        None,
        false,
        &dir,
    )
    .await;
    assert!(out.applied, "{:?}", out.refused);
}

#[cfg(unix)]
#[tokio::test]
async fn the_caller_comes_from_the_local_daemon() {
    let dir = backups();
    let script = support::fake_tailscale(&dir, "alice@example.com");
    let fake = gateway(current()).await;
    // Alice hands the admin role to bob: the daemon says the caller is alice, a lockout.
    let input = ChangeInput {
        url: fake.url(),
        source: ConfigInput::text(document(NEW_KEY, "bob@example.com", false)),
        ..ChangeInput::default()
    };
    let options = ApplyOptions {
        daemon: Daemon::Cli(script.clone()),
        ..ApplyOptions::new(dir.join("b"))
    };
    let out = apply_config(&input, PathPolicy::Allowed, &options)
        .await
        .unwrap();
    assert_eq!(
        out.plan.caller.identity.as_deref(),
        Some("alice@example.com")
    );
    assert_eq!(out.refusal, Some(Refusal::Lockout), "{:?}", out.refused);
    assert!(out.refused.unwrap().contains("your own admin role"));
}

#[tokio::test]
async fn a_change_made_before_a_colleagues_edit_is_refused_as_stale() {
    let fake = gateway(current()).await;
    let dir = backups();
    let file = dir.join("gw.hujson");
    pull_and_edit(&fake, &file).await;
    // A colleague makes dave an admin meanwhile.
    {
        let mut state = fake.config.lock().unwrap();
        state.text = state.text.replacen(
            "  \"grants\": [\n",
            "  \"grants\": [\n    {\"src\": [\"dave@example.com\"], \"app\": {\"tailscale.com/cap/aperture\": [{\"role\": \"admin\"}]}},\n",
            1,
        );
        state.version += 1;
    }
    let key = [("TEST_OPENAI_KEY", NEW_KEY)];
    let args = ["--secret-env", "openai=TEST_OPENAI_KEY", "--format", "json"];
    let (code, stdout, stderr) = push_as_alice(&fake, &file, &args, &key).await;
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    let out: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(out["refusal"], "stale", "{out}");
    assert!(
        out["stale"]["diff"]
            .as_str()
            .unwrap()
            .contains("+    {\"src\": [\"dave@example.com\"]")
    );
    assert_eq!(out["stale"]["access"][0]["src"], "dave@example.com");
    assert_eq!(out["stale"]["access"][0]["role_after"], "admin");
    assert!(
        out["refused"]
            .as_str()
            .unwrap()
            .contains("dave@example.com")
    );
    assert_eq!(fake.config.lock().unwrap().writes, 0);
    assert!(
        fake.config
            .lock()
            .unwrap()
            .text
            .contains("dave@example.com")
    );
    // --base says which version the file was made from: the current one is accepted.
    let with_base = [&args[..], &["--base", "\"v2\""]].concat();
    let (code, stdout, stderr) = push_as_alice(&fake, &file, &with_base, &key).await;
    assert_eq!(code, Some(0), "{stdout}{stderr}");
}

#[tokio::test]
async fn a_push_records_its_new_base_and_a_rerun_changes_nothing() {
    let fake = gateway(current()).await;
    let dir = backups();
    let file = dir.join("gw.hujson");
    pull_and_edit(&fake, &file).await;
    let json = ["--format", "json"];
    let (code, stdout, _) = push_as_alice(&fake, &file, &json, &[]).await;
    // The pulled key is the mask: refused, and nothing recorded changes.
    assert_eq!(code, Some(1), "{stdout}");
    // Put the real key in the file instead, as a user may.
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace(DEFAULT_MASK, OLD_KEY);
    std::fs::write(&file, text).unwrap();
    let (code, stdout, stderr) = push_as_alice(&fake, &file, &json, &[]).await;
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert_eq!(fake.config.lock().unwrap().writes, 1);
    // The same push again: the base moved with the write, and there is nothing to apply.
    let (code, stdout, _) = push_as_alice(&fake, &file, &json, &[]).await;
    let out: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(out["refusal"], "unchanged", "{out}");
    assert_eq!(code, Some(1));
    assert_eq!(
        fake.config.lock().unwrap().writes,
        1,
        "a re-run writes nothing"
    );
}

/// A clean change applied to a gateway that commits it and answers `status`.
async fn apply_answered(status: u16) -> ApplyOutput {
    let fake = gateway(ConfigApiSpec {
        committed_status: Some(status),
        ..current()
    })
    .await;
    let proposed = document(NEW_KEY, "alice@example.com", true);
    apply(
        &fake,
        &proposed,
        Some("alice@example.com"),
        false,
        &backups(),
    )
    .await
}

#[tokio::test]
async fn any_2xx_is_success_and_a_late_500_is_settled_by_rereading() {
    for status in [201, 204] {
        let out = apply_answered(status).await;
        assert!(out.applied, "{status}: {:?}", out.refused);
        assert!(out.new_version.is_some(), "{status}");
        assert!(out.reread.unwrap().contains("exactly the applied document"));
    }
    let out = apply_answered(500).await;
    let answer = out.answer.clone().unwrap();
    assert!(
        answer.contains("HTTP 500") && answer.contains("may or may not"),
        "{answer}"
    );
    assert!(out.applied, "the re-read shows it applied: {out:?}");
    assert!(out.reread.unwrap().contains("it was applied"));
    assert_eq!(out.refusal, None);
}

#[tokio::test]
async fn two_concurrent_pushes_from_one_base_write_once() {
    let fake = gateway(current()).await;
    let dir = backups();
    let input = |who: &str| ChangeInput {
        url: fake.url(),
        source: ConfigInput::text(
            document(NEW_KEY, "alice@example.com", true)
                .replace("\"src\": [\"*\"]", &format!("\"src\": [\"{who}\"]")),
        ),
        as_identity: Some("alice@example.com".into()),
        base_version: Some("\"v1\"".into()),
        ..ChangeInput::default()
    };
    let (a, b) = (input("x@example.com"), input("y@example.com"));
    let (a, b) = tokio::join!(apply_input(&a, &dir), apply_input(&b, &dir));
    let applied = [&a, &b].iter().filter(|o| o.applied).count();
    assert_eq!(applied, 1, "{:?} / {:?}", a.refused, b.refused);
    let loser = if a.applied { &b } else { &a };
    assert_eq!(loser.refusal, Some(Refusal::Stale), "{:?}", loser.refused);
    assert_eq!(fake.config.lock().unwrap().writes, 1);
}

#[tokio::test]
async fn secrets_env_is_refused_over_http_without_allow_paths() {
    let fake = gateway(current()).await;
    let input = ChangeInput {
        url: fake.url(),
        source: ConfigInput::text(live()),
        secrets_env: [("openai".to_owned(), "PATH".to_owned())].into(),
        ..ChangeInput::default()
    };
    let options = ApplyOptions {
        daemon: Daemon::Off,
        ..ApplyOptions::new(backups().path())
    };
    let err = apply_config(&input, PathPolicy::Refused, &options)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("`secrets_env` is refused"),
        "{err}"
    );
}
