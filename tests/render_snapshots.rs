//! What users read: every human renderer fed a real tool result on a fixture config, the real
//! binary's human output (exit code + stdout) per command, and `explain --matrix` served the
//! same by the MCP tool and the CLI.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use aperture_orchestrator::render;
use aperture_orchestrator::tools::explain::{ExplainInput, ExplainOutput, explain_access};
use aperture_orchestrator::tools::live_config::Daemon;
use aperture_orchestrator::tools::live_config::{ApplyOutput, ConfigApi, LiveConfig, plan_against};
use aperture_orchestrator::tools::{PathPolicy, ToolError};
use serde_json::{Value, json};

fn read(relative: &str) -> String {
    std::fs::read_to_string(format!("{}/{relative}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// A tool input as an MCP client would send it.
fn input<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap()
}

fn explain(value: Value) -> Result<ExplainOutput, ToolError> {
    explain_access(&input::<ExplainInput>(value), PathPolicy::Allowed)
}

// --- renderers, fed by the real tools -------------------------------------------------------

#[test]
fn explain_allowed_renders_the_trace_upstream_and_notes() {
    let out = explain(json!({
        "config": read("examples/gateway.hujson"),
        "identity": { "login": "alice@example.com" },
        "model": "claude-sonnet-4-6",
        "endpoint": "/v1/messages",
    }))
    .unwrap();
    insta::assert_snapshot!("explain_allowed", render::explain_report(&out));
}

#[test]
fn explain_refused_renders_the_failing_step() {
    let out = explain(json!({
        "config": read("tests/fixtures/explain/strict.hujson"),
        "identity": { "login": "dave@example.com" },
        "model": "gpt-5",
    }))
    .unwrap();
    insta::assert_snapshot!("explain_refused", render::explain_report(&out));
}

#[test]
fn explain_with_matrix_renders_the_trace_then_the_matrix() {
    let out = explain(json!({
        "config": read("tests/fixtures/explain/legacy.hujson"),
        "identity": { "login": "frank@example.com", "groups": ["group:eng"] },
        "model": "claude-sonnet-4-5",
        "matrix": true,
    }))
    .unwrap();
    insta::assert_snapshot!("explain_with_matrix", render::explain_report(&out));
}

#[test]
fn matrix_alone_renders_only_the_matrix() {
    let out =
        explain(json!({ "config": read("examples/gateway.hujson"), "matrix": true })).unwrap();
    let matrix = out.matrix.as_ref().unwrap();
    assert_eq!(render::explain_report(&out), render::access_matrix(matrix));
    insta::assert_snapshot!("matrix", render::access_matrix(matrix));
}

/// The live config is the example; the proposal drops a model, changes a key and moves the
/// admin role from a group to one login.
fn proposed_change() -> (LiveConfig, String) {
    let live = read("examples/gateway.hujson");
    let proposed = live
        .replace(r#"["gpt-5", "gpt-5-mini"]"#, r#"["gpt-5"]"#)
        .replace("sk-REPLACE_ME", "sk-ROTATED_KEY")
        .replace("group:aperture-admins", "ops@example.com");
    assert_ne!(
        live, proposed,
        "the fixture still has the lines this test changes"
    );
    let live = LiveConfig {
        url: "http://127.0.0.1:8080".into(),
        api: ConfigApi::Aperture,
        version: "\"etag-1\"".into(),
        config: live,
    };
    (live, proposed)
}

#[test]
fn plan_renders_diff_access_changes_and_notes() {
    let (live, proposed) = proposed_change();
    let plan = plan_against(&live, &proposed, Some("ops@example.com"));
    insta::assert_snapshot!("plan", render::plan_report(&plan));
}

#[test]
fn plan_of_a_lockout_renders_the_errors_and_the_lockout() {
    let (live, _) = proposed_change();
    let proposed = live
        .config
        .replace(r#"{ "role": "admin" }"#, r#"{ "role": "user" }"#)
        .replace(r#""rate": "$20.00/day""#, r#""rate": "soon""#);
    let plan = plan_against(&live, &proposed, Some("someone@example.com"));
    assert!(!plan.valid && plan.lockout.is_some(), "{plan:?}");
    insta::assert_snapshot!("plan_lockout", render::plan_report(&plan));
}

#[test]
fn apply_and_pull_render_what_was_done() {
    let (live, proposed) = proposed_change();
    let applied = ApplyOutput {
        plan: plan_against(&live, &proposed, None),
        applied: true,
        refused: None,
        refusal: None,
        backup: Some("aperture-backups/127.0.0.1-etag-1.hujson".into()),
        new_version: Some("\"etag-2\"".into()),
        reread: Some("the gateway serves the applied document".into()),
        answer: None,
        served_after: None,
        keys_written: Default::default(),
    };
    let text = format!(
        "{}---\n{}---\n{}",
        render::apply_report(&applied),
        render::pulled_config(&live, Some("live.hujson")),
        render::pulled_config(&live, None)
            .to_string()
            .lines()
            .take(3)
            .collect::<Vec<_>>()
            .join("\n")
    );
    insta::assert_snapshot!("apply_and_pull", text);
}

#[test]
fn grants_render_json_access_and_notes() {
    use aperture_orchestrator::tools::grants::{GrantsInput, generate_grants};
    let grants: GrantsInput = input(json!({
        "rules": [
            { "src": ["ops@example.com"], "role": "admin" },
            { "src": ["*"], "role": "user", "models": ["anthropic/**"], "quotas": ["daily:<user>"] },
        ],
    }));
    let out = generate_grants(&grants, PathPolicy::Allowed).unwrap();
    insta::assert_snapshot!("grants", render::grants_report(&out));
}

#[test]
fn client_renders_files_environment_and_notes() {
    use aperture_orchestrator::tools::client::generate_client_config;
    let out =
        generate_client_config(&input(json!({ "client": "codex", "model": "gpt-5" }))).unwrap();
    insta::assert_snapshot!("client", render::client_report(&out));
}

#[test]
fn migrate_renders_diff_changes_and_diagnostics() {
    let out =
        aperture_orchestrator::tools::migrate::migrate_text(&read("examples/old-guide.hujson"))
            .unwrap();
    insta::assert_snapshot!("migrate", render::migrate_report(&out));
}

#[test]
fn connector_renders_the_config_the_callback_or_where_it_was_written() {
    use aperture_orchestrator::tools::connector::{ConnectorInput, generate_connector};
    let request = |config: Option<String>| -> ConnectorInput {
        input(json!({
            "id": "google",
            "url": "https://mcp.example.com/mcp",
            "protocol": "mcp",
            "auth": "oauth2",
            "client_id": "aperture-client",
            "auth_url": "https://accounts.example.com/o/oauth2/auth",
            "token_url": "https://oauth2.example.com/token",
            "scopes": ["openid"],
            "grants": ["group:eng"],
            "host": "ai.example.ts.net",
            "config": config,
        }))
    };
    let alone = generate_connector(&request(None), PathPolicy::Allowed).unwrap();
    let merged = request(Some(read("examples/gateway.hujson")));
    let merged = generate_connector(&merged, PathPolicy::Allowed).unwrap();
    let text = format!(
        "{}---\n{}",
        render::connector_report(&alone, None),
        render::connector_report(&merged, Some("gateway.hujson"))
    );
    insta::assert_snapshot!("connector", text);
}

#[test]
fn provider_renders_the_config_or_where_it_was_written() {
    use aperture_orchestrator::tools::provider::{ProviderInput, generate_provider};
    let request = |config: Option<String>| -> ProviderInput {
        input(json!({
            "kind": "bedrock",
            "models": ["eu.anthropic.claude-sonnet-4-5-20250929-v1:0"],
            "region": "eu-west-1",
            "config": config,
        }))
    };
    let alone = generate_provider(&request(None), PathPolicy::Allowed, &Daemon::Off).unwrap();
    let merged = request(Some(read("examples/gateway.hujson")));
    let merged = generate_provider(&merged, PathPolicy::Allowed, &Daemon::Off).unwrap();
    let text = format!(
        "{}---\n{}",
        render::provider_report(&alone, false),
        render::provider_report(&merged, true)
    );
    insta::assert_snapshot!("provider", text);
}

// --- the real binary, human format ------------------------------------------------------------

/// Exit code and stdout of the binary run in the crate root (fixture paths stay relative).
fn cli(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_aperture-orchestrator"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("error:"), "{args:?} failed: {stderr}");
    // stderr carries the human text beside a document printed on stdout.
    let stderr = if stderr.is_empty() {
        String::new()
    } else {
        format!("--- stderr\n{stderr}")
    };
    format!(
        "exit: {}\n---\n{}{stderr}",
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap()
    )
}

#[test]
fn cli_explain_allowed() {
    insta::assert_snapshot!(cli(&[
        "explain",
        "--config",
        "examples/gateway.hujson",
        "--as",
        "alice@example.com",
        "--model",
        "claude-sonnet-4-6",
        "--endpoint",
        "/v1/messages",
    ]));
}

#[test]
fn cli_explain_refused() {
    insta::assert_snapshot!(cli(&[
        "explain",
        "--config",
        "tests/fixtures/explain/strict.hujson",
        "--as",
        "dave@example.com",
        "--model",
        "gpt-5",
    ]));
}

#[test]
fn cli_explain_matrix() {
    insta::assert_snapshot!(cli(&[
        "explain",
        "--config",
        "examples/gateway.hujson",
        "--matrix"
    ]));
}

#[test]
fn cli_grants() {
    insta::assert_snapshot!(cli(&[
        "grants",
        "--admin",
        "ops@example.com",
        "--user",
        "*",
        "--models",
        "anthropic/**",
        "--quota",
        "daily:<user>",
    ]));
}

#[test]
fn cli_client() {
    insta::assert_snapshot!(cli(&[
        "client",
        "claude-code",
        "--host",
        "ai.example.ts.net"
    ]));
}

#[test]
fn cli_migrate() {
    insta::assert_snapshot!(cli(&["migrate", "examples/old-guide.hujson"]));
}

#[test]
fn cli_provider() {
    insta::assert_snapshot!(cli(&[
        "provider",
        "openai",
        "--model",
        "gpt-5",
        "--config",
        "examples/gateway.hujson",
        "--replace",
    ]));
}

// --- the matrix alone, through the MCP tool and the CLI ---------------------------------------

#[test]
fn the_mcp_tool_returns_the_matrix_without_a_model_and_the_cli_prints_the_same() {
    let out =
        explain(json!({ "config": read("examples/gateway.hujson"), "matrix": true })).unwrap();
    assert!(out.explanation.is_none(), "no request was simulated");
    let matrix = serde_json::to_value(out.matrix.as_ref().unwrap()).unwrap();
    assert!(!matrix["rows"].as_array().unwrap().is_empty(), "{matrix}");
    // structuredContent: the matrix and the notes, no trace fields.
    let structured = serde_json::to_value(&out).unwrap();
    let mut keys: Vec<&str> = structured
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["matrix", "notes"]);

    let cli = Command::new(env!("CARGO_BIN_EXE_aperture-orchestrator"))
        .args(["explain", "--config", "examples/gateway.hujson", "--matrix"])
        .args(["--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(cli.status.code(), Some(0));
    let printed: Value = serde_json::from_slice(&cli.stdout).unwrap();
    assert_eq!(printed, matrix);
}

#[test]
fn a_request_without_a_model_is_refused_with_a_clear_error() {
    let gateway = read("examples/gateway.hujson");
    for request in [
        json!({ "config": gateway, "identity": { "login": "a@example.com" } }),
        json!({ "config": gateway, "identity": { "login": "a@example.com" }, "matrix": true }),
        json!({ "config": gateway }),
    ] {
        let error = explain(request.clone()).unwrap_err().to_string();
        assert!(
            error.starts_with("no model: give `model`"),
            "{request}: {error}"
        );
    }
    // A model without an identity keeps today's refusal, matrix or not.
    for matrix in [false, true] {
        let request = json!({ "config": gateway, "model": "gpt-5", "matrix": matrix });
        let error = explain(request).unwrap_err().to_string();
        assert!(
            error.starts_with("no identity: give `identity.login`"),
            "{error}"
        );
    }
    // The CLI says it in the words of its flags, as before.
    let cli = Command::new(env!("CARGO_BIN_EXE_aperture-orchestrator"))
        .args([
            "explain",
            "--config",
            "examples/gateway.hujson",
            "--as",
            "a@example.com",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(cli.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&cli.stderr),
        "error: --model or --connector is required (or use --matrix alone for the access matrix)\n"
    );
}
