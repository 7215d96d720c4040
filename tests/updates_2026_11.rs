//! One test per fact of the Nov-2026 docs update (`shared/aperture/updates-2026-11.md`) that
//! the validator, generators, probes or their texts act on: each documented example config
//! validates clean in save mode (strict too), and each corrected fact shows in the output.
//! Facts that only diagnosis can act on are tested with the symptom catalog.

use crate::support;

use std::collections::BTreeSet;

use aperture_orchestrator::catalog::providers::Kind;
use aperture_orchestrator::config::model::config_schema;
use aperture_orchestrator::diagnostic::{Diagnostic, Severity};
use aperture_orchestrator::probe::findings;
use aperture_orchestrator::tools::PathPolicy;
use aperture_orchestrator::tools::client::{Client, ClientInput, generate_client_config};
use aperture_orchestrator::tools::explain::{ExplainInput, explain_access};
use aperture_orchestrator::tools::migrate::migrate_text;
use aperture_orchestrator::tools::validate::{Mode, validate_bytes, validate_bytes_with};
use support::rust_source::source_literals;

/// A config with these providers, hooks and extra top-level members, and grants using them.
fn config(providers: &str, hooks: &str, extra: &str) -> String {
    let send_hooks = if hooks.is_empty() {
        String::new()
    } else {
        r#", { "send_hooks": [ { "name": "h", "events": ["pre_request"], "send": ["user_message"] } ] }"#.to_owned()
    };
    format!(
        r#"{{
  "providers": {{ {providers} }},
  {hooks}
  {extra}
  "grants": [
    {{ "src": ["ops@example.com"], "app": {{ "tailscale.com/cap/aperture": [ {{ "role": "admin" }} ] }} }},
    {{ "src": ["*"], "app": {{ "tailscale.com/cap/aperture": [ {{ "role": "user" }}, {{ "models": "**" }}{send_hooks} ] }} }},
  ],
}}"#
    )
}

const OPENAI: &str = r#""openai": { "baseurl": "https://api.openai.com", "apikey": "sk-PLACEHOLDER", "models": ["gpt-5"] }"#;

fn save(text: &str) -> Vec<Diagnostic> {
    validate_bytes(text.as_bytes(), Mode::Save).diagnostics
}

fn codes(diagnostics: &[Diagnostic]) -> BTreeSet<String> {
    diagnostics.iter().map(|d| d.code.clone()).collect()
}

fn errors(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{} {}: {}", d.code, d.path, d.message))
        .collect()
}

#[test]
fn every_documented_example_validates_with_no_error_in_save_mode_even_strict() {
    let files: Vec<_> = support::fixtures("configs/valid", &["hujson"])
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("updates-2026-11-"))
        .collect();
    assert!(files.len() >= 4, "the examples of the update are fixtures");
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let out = validate_bytes_with(&bytes, Mode::Save, true);
        let bad: Vec<String> = out
            .diagnostics
            .iter()
            .filter(|d| d.severity != Severity::Info)
            .map(|d| format!("{} {}: {}", d.code, d.path, d.message))
            .collect();
        assert!(bad.is_empty(), "{}:\n{}", path.display(), bad.join("\n"));
        assert!(out.valid, "{}", path.display());
    }
}

#[test]
fn hooks_accept_all_five_authorization_values() {
    for value in [
        "bearer",
        "x-api-key",
        "x-goog-api-key",
        "hec",
        "cf-aig-authorization",
    ] {
        let hooks = format!(
            r#""hooks": {{ "h": {{ "url": "https://hook.example.com", "apikey": "PLACEHOLDER", "authorization": "{value}" }} }},"#
        );
        let found = save(&config(OPENAI, &hooks, ""));
        assert!(!codes(&found).contains("AP403"), "{value}: {found:#?}");
        assert_eq!(errors(&found), Vec::<String>::new(), "{value}");
    }
    // A value outside the five is still refused, and the fix lists all five.
    let hooks = r#""hooks": { "h": { "url": "https://hook.example.com", "apikey": "PLACEHOLDER", "authorization": "basic" } },"#;
    let found = save(&config(OPENAI, hooks, ""));
    let ap403 = found.iter().find(|d| d.code == "AP403").expect("AP403");
    assert!(ap403.fix.description.contains("cf-aig-authorization"));
}

#[test]
fn a_provider_with_a_hook_only_authorization_gets_a_warning_naming_the_uncertainty() {
    for value in ["hec", "cf-aig-authorization"] {
        let provider = format!(
            r#""gw": {{ "baseurl": "https://gateway.example.com", "apikey": "PLACEHOLDER", "authorization": "{value}", "models": ["gpt-5"] }}"#
        );
        let found = save(&config(&provider, "", ""));
        assert_eq!(
            errors(&found),
            Vec::<String>::new(),
            "{value}: never an error"
        );
        let warning = found.iter().find(|d| d.code == "AP127").expect("AP127");
        assert_eq!(warning.severity, Severity::Warning);
        assert!(warning.message.contains("UNCERTAIN"), "{}", warning.message);
        assert!(!codes(&found).contains("AP102"));
    }
}

#[test]
fn retention_copies_are_known_keys_and_zero_retention_advice_names_them() {
    let database = &config_schema()["$defs"]["Database"]["properties"];
    for key in ["save_raws", "keep_encrypted_blobs"] {
        assert_eq!(
            database[key]["type"],
            serde_json::json!(["boolean", "null"]),
            "{key}"
        );
    }
    let extra = r#""database": { "retention": { "duration": "0" }, "save_raws": true, "keep_encrypted_blobs": false },"#;
    let found = save(&config(OPENAI, "", extra));
    assert!(!codes(&found).contains("AP010"), "{found:#?}");
    let advice = found.iter().find(|d| d.code == "AP606").expect("AP606");
    assert_eq!(advice.path, "/database/save_raws");
    assert!(
        advice.fix.description.contains("save_raws")
            && advice.fix.description.contains("keep_encrypted_blobs")
    );
    // The retention advice names them too.
    let retention = &config_schema()["$defs"]["Retention"]["properties"];
    assert!(
        retention["duration"]["description"]
            .as_str()
            .unwrap()
            .contains("keep_encrypted_blobs")
    );
    let extra = r#""database": { "retention": { "duration": "5m" } },"#;
    let short = save(&config(OPENAI, "", extra));
    let ap604 = short.iter().find(|d| d.code == "AP604").expect("AP604");
    assert!(ap604.fix.description.contains("save_raws"));
    // Retention that is not zero: copies are the admin's choice.
    let extra = r#""database": { "retention": { "duration": "30d" }, "save_raws": true },"#;
    assert!(!codes(&save(&config(OPENAI, "", extra))).contains("AP606"));
}

#[test]
fn the_filterable_header_list_is_a_known_key() {
    let database = &config_schema()["$defs"]["Database"]["properties"];
    assert!(
        database["filterable"]["description"]
            .as_str()
            .unwrap()
            .contains("UNCERTAIN")
    );
    let extra = r#""database": { "filterable": ["X-Team"] },"#;
    assert_eq!(
        errors(&save(&config(OPENAI, "", extra))),
        Vec::<String>::new()
    );
}

#[test]
fn the_unplaced_keys_are_never_a_save_mode_error_wherever_they_are() {
    let extra = r#""filterable": ["X-Team"], "keep_encrypted_blobs": false,"#;
    let found = validate_bytes_with(config(OPENAI, "", extra).as_bytes(), Mode::Save, true);
    assert!(found.valid, "{:#?}", found.diagnostics);
    let infos: Vec<_> = found
        .diagnostics
        .iter()
        .filter(|d| d.code == "AP016")
        .collect();
    assert_eq!(infos.len(), 2);
    assert!(
        infos
            .iter()
            .all(|d| d.severity == Severity::Info && d.message.contains("UNCERTAIN"))
    );
}

#[test]
fn unknown_fields_directly_under_connectors_are_open() {
    let extra = r#""connectors": { "servers": {}, "defaults": { "timeout": "30s" } },"#;
    let found = validate_bytes_with(config(OPENAI, "", extra).as_bytes(), Mode::Save, true);
    assert!(
        found
            .diagnostics
            .iter()
            .all(|d| d.severity == Severity::Info),
        "{:#?}",
        found.diagnostics
    );
}

#[test]
fn the_connectors_flag_is_kept_needed_on_older_builds_harmless_on_newer() {
    let extra = r#""flags": { "connectors": { "value": true } }, "connectors": { "servers": {} },"#;
    let text = config(OPENAI, "", extra);
    let found = save(&text);
    let advice = found.iter().find(|d| d.code == "AP508").expect("AP508");
    assert_eq!(advice.severity, Severity::Info);
    assert!(advice.message.contains("older builds") && advice.message.contains("no harm"));
    assert!(advice.fix.description.starts_with("keep the flag"));
    assert!(advice.fix.patch.is_none(), "no patch removes it");
    // Nor does migrate_config.
    let migrated = migrate_text(&text).unwrap();
    assert!(
        migrated
            .config
            .contains(r#""connectors": { "value": true }"#)
    );
}

#[test]
fn providers_may_be_omitted_when_only_connectors_are_used() {
    let text = r#"{
  "connectors": { "servers": { "github": { "protocol": "http", "url": "https://api.github.com", "auth": { "type": "bearer_token", "secret": "ghp_PLACEHOLDER" } } } },
  "grants": [
    { "src": ["ops@example.com"], "app": { "tailscale.com/cap/aperture": [ { "role": "admin" } ] } },
    { "src": ["*"], "app": { "tailscale.com/cap/aperture": [ { "role": "user" }, { "connectors": ["github/proxy"] } ] } },
  ],
}"#;
    let found = save(text);
    assert_eq!(errors(&found), Vec::<String>::new());
    assert!(!codes(&found).contains("AP014"));
}

#[test]
fn a_self_hosted_v1_baseurl_is_an_info_and_a_cloud_v1_baseurl_stays_a_warning() {
    let vllm = r#""vllm": { "baseurl": "http://100.64.0.1:8080/v1", "models": ["m"] }"#;
    let found = validate_bytes_with(config(vllm, "", "").as_bytes(), Mode::Save, true);
    let info = found
        .diagnostics
        .iter()
        .find(|d| d.code == "AP126")
        .expect("AP126");
    assert_eq!(info.severity, Severity::Info);
    assert!(info.message.contains("/chat/completions") && info.message.contains("UNCERTAIN"));
    assert!(found.valid && !codes(&found.diagnostics).contains("AP105"));
    for cloud in [
        r#""openai": { "baseurl": "https://api.openai.com/v1", "apikey": "sk-PLACEHOLDER", "models": ["gpt-5"] }"#,
        r#""vercel": { "baseurl": "https://ai-gateway.vercel.sh/v1", "apikey": "vck_PLACEHOLDER", "models": ["openai/gpt-5.4-nano"], "cost_basis": "vercel" }"#,
    ] {
        assert!(
            codes(&save(&config(cloud, "", ""))).contains("AP105"),
            "{cloud}"
        );
    }
}

#[test]
fn hook_timeouts_take_go_durations_such_as_500ms() {
    let hooks = r#""hooks": { "h": { "url": "https://hook.example.com", "timeout": "500ms" } },"#;
    assert!(!codes(&save(&config(OPENAI, hooks, ""))).contains("AP405"));
}

#[test]
fn generators_default_to_the_current_model_ids() {
    let anthropic = Kind::Anthropic.row().example_models;
    for id in ["claude-sonnet-4-6", "claude-opus-4-8", "claude-haiku-4-5"] {
        assert!(anthropic.contains(&id), "{id}");
    }
    let vercel = Kind::Vercel.row().example_models;
    assert!(
        vercel.contains(&"anthropic/claude-sonnet-4-6") && vercel.contains(&"openai/gpt-5.4-nano")
    );
    for (client, id) in [
        (Client::Codex, "gpt-5.3-codex"),
        (Client::ClaudeCodeLegacy, "claude-sonnet-4-6"),
        (Client::AnthropicSdk, "claude-sonnet-4-6"),
    ] {
        assert_eq!(client.default_model(), Some(id));
        let out = generate_client_config(&ClientInput {
            client,
            host: None,
            model: None,
            gateway: Default::default(),
        })
        .unwrap();
        let text = serde_json::to_string(&out).unwrap();
        assert!(text.contains(id), "{client}: {text}");
    }
}

#[test]
fn bedrock_and_foundry_credentials_are_described_as_documented() {
    let bedrock = Kind::Bedrock.row().notes.join(" ");
    assert!(
        bedrock.contains("long-term Bedrock API key") && bedrock.contains("no SigV4"),
        "{bedrock}"
    );
    let foundry = Kind::Foundry.row().notes.join(" ");
    assert!(
        foundry.contains("Foundry API key") && foundry.contains("deployment names"),
        "{foundry}"
    );
}

#[test]
fn the_doubled_v1_probe_finding_cites_the_v1_rule() {
    assert!(findings::DOUBLED_V1.fix.contains("AP105"));
    assert!(!findings::DOUBLED_V1.fix.contains("AP107"));
}

#[test]
fn the_s3_exporter_is_enabled_by_a_non_empty_bucket_name() {
    let s3 = &config_schema()["$defs"]["S3Exporter"]["description"];
    assert!(
        s3.as_str()
            .unwrap()
            .contains("non-empty `bucket_name` enables it")
    );
}

#[test]
fn per_user_oauth_connectors_name_the_https_callback_to_register() {
    let input: ExplainInput = serde_json::from_value(serde_json::json!({
        "config": std::fs::read_to_string("tests/fixtures/explain/connectors.hujson").unwrap(),
        "identity": { "login": "dan@example.com", "groups": ["group:support"] },
        "connector": "jira",
    }))
    .unwrap();
    let out = serde_json::to_string(&explain_access(&input, PathPolicy::Allowed).unwrap()).unwrap();
    assert!(
        out.contains("https://<aperture-hostname>/aperture/auth/jira/callback"),
        "{out}"
    );
}

#[test]
fn passthrough_falls_back_to_the_configured_key() {
    let notes = Kind::ClaudeSubscription.row().notes.join(" ");
    assert!(
        notes.contains("neither header") && notes.contains("configured provider key"),
        "{notes}"
    );
}

#[test]
fn alias_destinations_name_the_provider_key_not_its_display_name() {
    let providers = r#""anthropic": { "name": "Claude", "baseurl": "https://api.anthropic.com", "apikey": "sk-ant-PLACEHOLDER", "authorization": "x-api-key", "models": ["claude-sonnet-4-6"] }"#;
    let extra =
        r#""model_aliases": { "models": { "smart": { "dst": ["Claude/claude-sonnet-4-6"] } } },"#;
    let found = save(&config(providers, "", extra));
    let unknown = found.iter().find(|d| d.code == "AP801").expect("AP801");
    assert!(unknown.fix.description.contains("not its display name"));
}

/// Research notes of the team that users do not have: no output may send them there.
const PRIVATE_FILES: &[&str] = &[
    "config-schema section",
    "config-schema.md",
    "clients.md §",
    "http-api.md",
    "seed-corrections",
    "quotas-hooks-connectors.md",
    "updates-2026-11",
];

#[test]
fn no_output_points_to_files_the_user_does_not_have() {
    let mut found = Vec::new();
    for (rel, literal) in source_literals("src") {
        if let Some(name) = PRIVATE_FILES.iter().find(|p| literal.contains(**p)) {
            found.push(format!("{rel}: {name}"));
        }
    }
    for dir in ["prompts", "tools", "skill/reference"] {
        let entries = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path());
        for path in entries.filter(|p| p.extension().is_some_and(|e| e == "md")) {
            let text = std::fs::read_to_string(&path).unwrap();
            if let Some(name) = PRIVATE_FILES.iter().find(|p| text.contains(**p)) {
                found.push(format!("{}: {name}", path.display()));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// What settles an uncertain statement: a request or page on the user's gateway, or a docs
/// page (item 6 of issue 18).
const NEXT_STEPS: &[&str] = &[
    "GET ",
    "curl",
    "http://",
    "https://",
    "dashboard",
    "test_endpoint",
    "explain_access",
    "admin console",
];

#[test]
fn every_unconfirmed_statement_says_what_settles_it() {
    let mut bare = Vec::new();
    for (rel, literal) in source_literals("src") {
        let uncertain = literal.contains("UNCONFIRMED") || literal.contains("UNCERTAIN");
        // A bare marker (`" UNCONFIRMED"`) is a label its caller completes.
        let statement = literal.split_whitespace().count() > 3;
        if uncertain && statement && !NEXT_STEPS.iter().any(|s| literal.contains(s)) {
            bare.push(format!("{rel}: {literal}"));
        }
    }
    // The symptom catalog's texts reach the user as they are.
    for (path, text) in support::symptom_strings() {
        let uncertain = text.contains("UNCONFIRMED") || text.contains("UNCERTAIN");
        if uncertain && !NEXT_STEPS.iter().any(|s| text.contains(s)) {
            bare.push(format!("{}: {text}", path.display()));
        }
    }
    assert!(
        bare.is_empty(),
        "{} without a next step:\n{}",
        bare.len(),
        bare.join("\n")
    );
}
