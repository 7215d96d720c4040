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
                        replace: false,
                    };
                    let out = generate_provider(&input, PathPolicy::Allowed)
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
                    file.source.starts_with("clients.md §"),
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
    let again = support::bin()
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
        again.status.code(),
        Some(2),
        "an existing provider is not overwritten without --replace"
    );
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("--replace")
            || String::from_utf8_lossy(&again.stderr).contains("replace")
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        written,
        "a refused write changes nothing"
    );
}
