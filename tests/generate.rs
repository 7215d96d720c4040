//! Generators are right the first time: every generated provider, grant set and migrated
//! document validates with zero errors in save mode (with the admin grant it needs), and
//! every client config is pinned by a snapshot.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use aperture_orchestrator::access::Role;
use aperture_orchestrator::catalog::providers::KINDS;
use aperture_orchestrator::diagnostic::Severity;
use aperture_orchestrator::tools::client::{Client, ClientInput, generate_client_config};
use aperture_orchestrator::tools::grants::{GrantRule, GrantsInput, Target, generate_grants};
use aperture_orchestrator::tools::live_config::Daemon;
use aperture_orchestrator::tools::migrate::migrate_text;
use aperture_orchestrator::tools::provider::{ProviderInput, generate_provider};
use aperture_orchestrator::tools::validate::{Mode, validate_bytes};
use aperture_orchestrator::tools::{ConfigInput, PathPolicy};

const BASE: &str = r#"{
  // base config: an admin and a user grant for everyone
  "grants": [
    { "src": ["ops@example.com"], "app": { "tailscale.com/cap/aperture": [ { "role": "admin" } ] } },
    { "src": ["*"], "app": { "tailscale.com/cap/aperture": [ { "role": "user" }, { "models": "**" } ] } },
  ],
}
"#;

/// Arguments a kind cannot do without (its catalog entry has placeholders instead).
fn required_args(kind: &str) -> (Option<String>, Option<Vec<String>>) {
    match kind {
        "self_hosted" => (
            Some("http://100.101.102.103:8080".into()),
            Some(vec!["qwen3-coder-30b".into()]),
        ),
        "openai_compatible" => (
            Some("https://api.groq.com/openai".into()),
            Some(vec!["llama-3.3-70b-versatile".into()]),
        ),
        "foundry" => (
            Some("https://acme.services.ai.azure.com/api/projects/prod".into()),
            Some(vec!["gpt-5-deployment".into()]),
        ),
        _ => (None, None),
    }
}

#[test]
fn every_generated_provider_validates_in_save_mode() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for kind in KINDS {
        let (baseurl, models) = required_args(kind.kind);
        for region in [
            None,
            Some("eu-central-1"),
            Some("ap-southeast-2"),
            Some("us-west-2"),
        ] {
            for id in [None, Some("custom-id")] {
                let key = if kind.kind == "vertex" {
                    "keyfile::eyJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCJ9"
                } else {
                    "sk-test-0123456789"
                };
                for apikey in [None, Some(key)] {
                    let input = ProviderInput {
                        kind: kind.kind.into(),
                        id: id.map(Into::into),
                        models: models.clone(),
                        baseurl: baseurl.clone(),
                        region: region.map(Into::into),
                        apikey: apikey.map(Into::into),
                        source: ConfigInput::text(BASE),
                        ..Default::default()
                    };
                    let out = generate_provider(&input, PathPolicy::Allowed, &Daemon::Off)
                        .unwrap_or_else(|e| panic!("{}: {e}", kind.kind));
                    checked += 1;
                    assert!(out.config.contains("// base config"), "comments kept");
                    let errs = support::save_errors(&out.config);
                    if !errs.is_empty() {
                        failures.push(format!(
                            "{} region={region:?} id={id:?}: {errs:?}",
                            kind.kind
                        ));
                    }
                    // Strict mode too: no silent-failure lint on anything we generate.
                    let strict = aperture_orchestrator::tools::validate::validate_bytes_with(
                        out.config.as_bytes(),
                        Mode::Save,
                        true,
                    );
                    let lints: Vec<_> = strict
                        .diagnostics
                        .iter()
                        .filter(|d| d.severity == Severity::Error)
                        .map(|d| &d.code)
                        .collect();
                    if !lints.is_empty() {
                        failures.push(format!(
                            "{} region={region:?} (strict): {lints:?}",
                            kind.kind
                        ));
                    }
                }
            }
        }
    }
    assert!(checked >= KINDS.len() * 16);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn vertex_with_an_api_key_is_refused_with_the_fix() {
    let err = generate_provider(
        &ProviderInput {
            kind: "vertex".into(),
            apikey: Some("AQ.Ab8-key".into()),
            ..Default::default()
        },
        PathPolicy::Allowed,
        &Daemon::Off,
    )
    .unwrap_err();
    assert!(err.to_string().contains("vertex_express"), "{err}");
}

#[test]
fn every_generated_grant_set_validates_in_save_mode() {
    let sources = [
        vec!["*".to_owned()],
        vec!["alice@example.com".into(), "group:eng".into()],
        vec!["tag:prod, tag:api".into()],
        vec!["tag:ci".into()],
    ];
    let patterns = [
        vec!["**".to_owned()],
        vec!["anthropic/**".into(), "openai/gpt-5".into()],
        vec!["*/claude-sonnet*".into()],
    ];
    let config = r#"{
  "providers": {
    "anthropic": { "baseurl": "https://api.anthropic.com", "apikey": "k", "authorization": "x-api-key", "models": ["claude-sonnet-4-5"], "compatibility": { "anthropic_messages": true, "openai_chat": false } },
    "openai": { "baseurl": "https://api.openai.com", "apikey": "k", "models": ["gpt-5"], "compatibility": { "openai_chat": true, "openai_responses": true } },
  },
  "quotas": { "daily:<user>": { "capacity": "$10.00", "rate": "$5.00/day", "on_exceed": "reject" } },
}"#;
    let mut failures = Vec::new();
    for src in &sources {
        for models in &patterns {
            for quotas in [None, Some(vec!["daily:<user>".to_owned()])] {
                for target in [Target::Config, Target::Legacy] {
                    if target == Target::Legacy
                        && (quotas.is_some()
                            || models.iter().any(|m| m.starts_with('*') && m != "**"))
                    {
                        continue;
                    }
                    let rules = vec![
                        GrantRule {
                            src: vec!["ops@example.com".into()],
                            role: Some(Role::Admin),
                            ..Default::default()
                        },
                        GrantRule {
                            src: src.clone(),
                            role: Some(Role::User),
                            models: Some(models.clone()),
                            quotas: quotas.clone(),
                            ..Default::default()
                        },
                    ];
                    let out = generate_grants(
                        &GrantsInput {
                            rules,
                            target,
                            source: ConfigInput::text(config),
                            ..Default::default()
                        },
                        PathPolicy::Allowed,
                    )
                    .unwrap_or_else(|e| panic!("{src:?} {models:?}: {e}"));
                    let merged = out.config.expect("merged config");
                    // Legacy grants are deprecated by design (AP701): everything else must be clean.
                    let errs: Vec<_> = support::save_errors(&merged)
                        .into_iter()
                        .filter(|e| !e.starts_with("AP701"))
                        .collect();
                    if !errs.is_empty() {
                        failures.push(format!(
                            "{target:?} {src:?} {models:?} {quotas:?}: {errs:?}"
                        ));
                    }
                    assert!(
                        out.access
                            .iter()
                            .any(|r| r.src == "ops@example.com" && r.role == Some(Role::Admin))
                    );
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_migrated_fixture_has_no_legacy_findings_left() {
    let mut migrated = 0;
    let mut failures = Vec::new();
    for path in support::fixtures("configs/invalid", &["hujson", "json"]) {
        let Ok(text) = String::from_utf8(support::read_failing(&path)) else {
            continue;
        };
        let codes: Vec<&str> = aperture_orchestrator::rules::catalog::ALL
            .iter()
            .filter(|r| r.legacy == aperture_orchestrator::rules::catalog::Legacy::Migrated)
            .map(|r| r.code)
            .collect();
        if !codes.iter().any(|c| text.contains(&format!("expect: {c}"))) {
            continue;
        }
        let Ok(out) = migrate_text(&text) else {
            continue;
        };
        migrated += 1;
        let left: Vec<_> = validate_bytes(out.config.as_bytes(), Mode::Load)
            .diagnostics
            .into_iter()
            .filter(|d| codes.contains(&d.code.as_str()) && d.fix.patch.is_some())
            .map(|d| format!("{} {}", d.code, d.path))
            .collect();
        if !left.is_empty() {
            failures.push(format!("{}: {left:?}", path.display()));
        }
    }
    assert!(migrated >= 10, "only {migrated} legacy fixtures migrated");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_old_guide_example_migrates_to_a_save_clean_config() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/old-guide.hujson"
    ))
    .unwrap();
    let out = migrate_text(&text).unwrap();
    assert!(out.changed);
    assert_eq!(support::save_errors(&out.config), Vec::<String>::new());
}

#[test]
fn client_configs_are_stable_and_cite_their_source() {
    for client in Client::ALL {
        for host in ["ai", "ai.example.ts.net"] {
            let out = generate_client_config(&ClientInput {
                client: *client,
                host: Some(host.into()),
                model: None,
                gateway: Default::default(),
            })
            .unwrap();
            for file in &out.files {
                assert!(
                    file.source
                        .starts_with("https://tailscale.com/docs/aperture/"),
                    "{client}: {}",
                    file.source
                );
                if file.format == "json" {
                    serde_json::from_str::<serde_json::Value>(&file.content)
                        .unwrap_or_else(|e| panic!("{client}: {e}"));
                }
                if file.format == "toml" {
                    assert!(
                        file.content.starts_with("# Source:"),
                        "{client}: TOML cites its source in a comment"
                    );
                }
            }
            let rendered = serde_json::to_string_pretty(&out).unwrap();
            assert!(
                !rendered.contains("https://ai/") && !rendered.contains("/v1/v1"),
                "{client}: {rendered}"
            );
            insta::assert_snapshot!(format!("client-{client}-{host}"), rendered);
        }
    }
}

#[test]
fn provider_write_keeps_a_backup_and_the_comments() {
    let dir = support::TempDir::new("gen");
    let path = dir.join("aperture.hujson");
    std::fs::write(&path, BASE).unwrap();
    let out = support::bin()
        .args([
            "provider",
            "anthropic",
            "--config",
            path.to_str().unwrap(),
            "--write",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(
        written.contains("// base config") && written.contains("\"anthropic\""),
        "{written}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("aperture.hujson.bak")).unwrap(),
        BASE
    );
    let run = |extra: &[&str]| {
        support::bin()
            .args(["provider", "anthropic", "--config", path.to_str().unwrap()])
            .args(extra)
            .arg("--write")
            .output()
            .unwrap()
    };
    // The same request again: nothing to do, and it says so.
    let again = run(&[]);
    assert_eq!(again.status.code(), Some(0));
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&again.stdout),
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(said.contains("nothing changed"), "{said}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), written);
    // A different one is not written over the existing provider without --replace.
    let other = run(&["--model", "claude-opus-4-8"]);
    assert_eq!(
        other.status.code(),
        Some(2),
        "an existing provider is not overwritten without --replace"
    );
    assert!(String::from_utf8_lossy(&other.stderr).contains("--replace"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        written,
        "a refused write changes nothing"
    );
}

/// A config whose provider the user has filled in: a real key, their models, a key this tool
/// does not write, and comments.
const FILLED: &str = r#"{
  "providers": {
    // production
    "openai": {
      "baseurl": "https://old.example.com",
      "apikey": "sk-proj-the-real-key-4242", // rotated monthly
      "models": ["gpt-4o", "o3"],
      "add_headers": {"X-Team": "ml"},
    },
  },
  "grants": [
    { "src": ["ops@example.com"], "app": { "tailscale.com/cap/aperture": [ { "role": "admin" }, { "models": "**" } ] } },
  ],
}
"#;

fn provider_edit(input: ProviderInput) -> aperture_orchestrator::tools::provider::ProviderOutput {
    generate_provider(
        &ProviderInput {
            kind: "openai".into(),
            source: ConfigInput::text(FILLED),
            ..input
        },
        PathPolicy::Allowed,
        &Daemon::Off,
    )
    .unwrap()
}

#[test]
fn replace_keeps_the_key_the_models_and_the_users_keys() {
    let out = provider_edit(ProviderInput {
        replace: true,
        ..Default::default()
    });
    assert_eq!(out.provider["apikey"], "sk-proj-the-real-key-4242");
    assert_eq!(out.provider["models"], serde_json::json!(["gpt-4o", "o3"]));
    assert_eq!(
        out.provider["add_headers"],
        serde_json::json!({"X-Team": "ml"})
    );
    // What the kind defines is regenerated.
    assert_eq!(out.provider["baseurl"], "https://api.openai.com");
    assert_eq!(out.provider["authorization"], "bearer");
    assert!(
        out.config.contains("// production") && out.config.contains("// rotated monthly"),
        "{}",
        out.config
    );
    assert!(
        !out.config.contains("REPLACE_WITH"),
        "no placeholder over a real key"
    );
    assert!(
        out.notes
            .iter()
            .any(|n| n.contains("kept") && n.contains("apikey"))
    );
    // Given values win.
    let out = provider_edit(ProviderInput {
        replace: true,
        models: Some(vec!["gpt-5".into()]),
        apikey: Some("sk-proj-new-key-0001".into()),
        ..Default::default()
    });
    assert_eq!(out.provider["apikey"], "sk-proj-new-key-0001");
    assert_eq!(out.provider["models"], serde_json::json!(["gpt-5"]));
    assert_eq!(
        out.provider["add_headers"],
        serde_json::json!({"X-Team": "ml"})
    );
}

#[test]
fn add_model_adds_exactly_one_model_and_remove_model_one() {
    // The MCP arguments, as a client sends them.
    let input: ProviderInput = serde_json::from_value(serde_json::json!({
        "kind": "openai",
        "add_models": ["gpt-5"],
        "config": FILLED,
    }))
    .unwrap();
    let out = generate_provider(&input, PathPolicy::Allowed, &Daemon::Off).unwrap();
    assert_eq!(
        out.provider["models"],
        serde_json::json!(["gpt-4o", "o3", "gpt-5"])
    );
    // Nothing else changed: removing the model gives back the user's bytes.
    let without: String = out.config.replacen(", \"gpt-5\"", "", 1);
    assert_eq!(without, FILLED);
    // Adding a present model and removing an absent one change nothing, and say so.
    let again = provider_edit(ProviderInput {
        add_models: vec!["o3".into()],
        remove_models: vec!["gpt-9".into()],
        ..Default::default()
    });
    assert_eq!(again.config, FILLED);
    assert!(
        again
            .notes
            .iter()
            .any(|n| n.contains("already in") && n.contains("o3"))
    );
    assert!(
        again
            .notes
            .iter()
            .any(|n| n.contains("nothing to remove") && n.contains("gpt-9"))
    );
    let removed = provider_edit(ProviderInput {
        remove_models: vec!["gpt-4o".into()],
        ..Default::default()
    });
    assert_eq!(removed.provider["models"], serde_json::json!(["o3"]));
    assert_eq!(removed.provider["apikey"], "sk-proj-the-real-key-4242");
    // A provider that is not there, or no config: refused with what to do.
    for (source, wanted) in [
        (
            ConfigInput::text(BASE),
            "no provider `openai` in the config, so its models",
        ),
        (ConfigInput::default(), "pass the config"),
    ] {
        let err = generate_provider(
            &ProviderInput {
                kind: "openai".into(),
                add_models: vec!["gpt-5".into()],
                source,
                ..Default::default()
            },
            PathPolicy::Allowed,
            &Daemon::Off,
        )
        .unwrap_err();
        assert!(err.to_string().contains(wanted), "{err}");
    }
}

#[test]
fn add_model_on_the_command_line_writes_one_model() {
    let dir = support::TempDir::new("add-model");
    let path = dir.join("aperture.hujson");
    std::fs::write(&path, FILLED).unwrap();
    let out = support::bin()
        .args(["provider", "openai", "--add-model", "gpt-5", "--config"])
        .arg(&path)
        .arg("--write")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written.replacen(", \"gpt-5\"", "", 1), FILLED);
    assert_eq!(
        std::fs::read_to_string(dir.join("aperture.hujson.bak")).unwrap(),
        FILLED
    );
    let out = support::bin()
        .args([
            "provider",
            "openai",
            "--model",
            "x",
            "--add-model",
            "y",
            "--config",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "--model and --add-model conflict"
    );
}

/// The generators read a config exactly as validate does: a byte order mark and U+2028 /
/// U+2029 (as whitespace, in strings and in comments) mean the same document to both.
#[test]
fn generators_parse_what_validate_parses() {
    use aperture_orchestrator::config::Document;
    let body = "{\u{2028}\"providers\":\u{2029}{\"self\": {\"baseurl\": \"http://10.0.0.1\u{2028}x\", \"models\": [\"m\"]}}, // a\u{2028} \"grants\": []\n \"grants\": [{ \"src\": [\"ops@example.com\"], \"app\": { \"tailscale.com/cap/aperture\": [ { \"role\": \"admin\" }, { \"models\": \"**\" } ] } }],\n}\n";
    let with_bom = format!("\u{feff}{body}");
    let validated = Document::from_bytes(with_bom.as_bytes())
        .unwrap()
        .root
        .to_json();
    assert_eq!(validated, Document::parse(body).unwrap().root.to_json());
    assert_eq!(validated["grants"].as_array().unwrap().len(), 1);
    let provider = generate_provider(
        &ProviderInput {
            kind: "anthropic".into(),
            source: ConfigInput::text(with_bom.clone()),
            ..Default::default()
        },
        PathPolicy::Allowed,
        &Daemon::Off,
    )
    .unwrap();
    let mut merged = Document::parse(&provider.config).unwrap().root.to_json();
    merged["providers"]
        .as_object_mut()
        .unwrap()
        .remove("anthropic");
    assert_eq!(merged, validated, "provider merge");
    let grants = generate_grants(
        &GrantsInput {
            rules: vec![GrantRule {
                src: vec!["ops@example.com".into()],
                role: Some(Role::Admin),
                models: Some(vec!["**".into()]),
                ..Default::default()
            }],
            source: ConfigInput::text(with_bom),
            ..Default::default()
        },
        PathPolicy::Allowed,
    )
    .unwrap();
    assert_eq!(
        grants.changed,
        Some(false),
        "the same grants are seen: {:?}",
        grants.config
    );
}

/// A hostile model name (command substitution, both quotes, a newline) only ever sets itself:
/// the `export` lines run in `sh` set exactly it and run nothing, the curl commands pass it as
/// one JSON argument, and Codex's TOML line holds it as one escaped string.
#[test]
fn a_hostile_model_name_sets_only_itself_in_every_output() {
    let dir = support::TempDir::new("client-quoting");
    let model = "x$(touch pwned)`touch pwned2`'\"\nmodel_provider = \"evil\"";
    let run_sh = |script: &str| {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{script}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    for client in [
        Client::ClaudeCodeBedrock,
        Client::OpenaiSdk,
        Client::AnthropicSdk,
        Client::Codex,
    ] {
        let input = ClientInput {
            client,
            host: None,
            model: Some(model.into()),
            gateway: Default::default(),
        };
        let out = generate_client_config(&input).unwrap();
        let report = aperture_orchestrator::render::client_report(&out).to_string();
        let exports: String = report
            .lines()
            .filter(|l| l.starts_with("export "))
            .map(|l| format!("{l}\n"))
            .collect();
        // Values span lines when they hold a newline: take the export block whole.
        let exports = match report.find("# environment\n") {
            Some(at) => report[at..].split("\n\n").next().unwrap().to_owned(),
            None => exports,
        };
        if client == Client::ClaudeCodeBedrock {
            let shown = run_sh(&format!("{exports}\nprintf %s \"$ANTHROPIC_MODEL\""));
            assert_eq!(shown, model);
        }
        for command in &out.commands {
            if let Some(curl) = command.strip_prefix("curl ") {
                // Replace curl with a printer of its last argument (the body).
                let body = run_sh(&format!(
                    "f() {{ for a; do last=$a; done; printf %s \"$last\"; }}; f {curl}"
                ));
                let json: serde_json::Value = serde_json::from_str(&body).unwrap();
                assert_eq!(json["model"], model);
            }
        }
        for file in &out.files {
            if file.format == "toml" {
                let line = file
                    .content
                    .lines()
                    .find(|l| l.starts_with("model = "))
                    .unwrap();
                // TOML basic-string escapes as emitted are a subset of JSON's.
                let value: String = serde_json::from_str(&line["model = ".len()..]).unwrap();
                assert_eq!(value, model);
                let keys: Vec<&str> = file
                    .content
                    .lines()
                    .filter(|l| l.starts_with("model_provider"))
                    .collect();
                assert_eq!(keys, ["model_provider = \"aperture\""], "no injected key");
            }
        }
    }
    assert!(
        !dir.join("pwned").exists() && !dir.join("pwned2").exists(),
        "nothing ran"
    );
    let long = ClientInput {
        client: Client::Codex,
        host: None,
        model: Some("m".repeat(300)),
        gateway: Default::default(),
    };
    let err = generate_client_config(&long).unwrap_err().to_string();
    assert!(err.contains("1 to 256 characters"), "{err}");
}
