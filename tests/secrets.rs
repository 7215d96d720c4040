//! A known secret planted in a config (provider key, an `authorization` object from old
//! guides, a malformed header, a hook key) never appears in any output channel: every CLI
//! command in every format (stdout and stderr, with trace logging), and the MCP server over
//! stdio (JSON-RPC responses on stdout, trace logs on stderr). Only the fields that return the
//! user's own document (the merged or migrated `config`, a generated `provider` block) may
//! hold it, and only because the input did.
// Test code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use serde_json::{Value, json};
use support::stdio::Session;
use support::{TempDir, bin, bounded};

const KEY: &str = "sk-ant-api03-PLANTEDkey0123456789abc";
const HEADER_TOKEN: &str = "sk-proj-PLANTEDheader9876543210zyx";
const HOOK_KEY: &str = "PLANTEDhookKey0123456789ABCdefGHIjk";
/// Secrets that only the field they sit in (or their own shape) gives away.
const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJQTEFOVEVEand0In0.UExBTlRFRHNpZw";
const AWS_KEY_ID: &str = "AKIAPLANTEDAWSKEY123";
const PASSWORD: &str = "plantedpass";
const URL_PASSWORD: &str = "plantedurlpw";
const LOWER_TOKEN: &str = "plantedlowercasetoken";

fn config() -> String {
    format!(
        r#"// a gateway with secrets in it
{{
  "providers": {{
    "anthropic": {{
      "baseurl": "https://api.anthropic.com/v1",
      "apikey": "{KEY}",
      "models": ["claude-sonnet-4-5"],
      "add_headers": ["Authorization Bearer {HEADER_TOKEN}", "X-Id: {AWS_KEY_ID}", "X-Jwt: {JWT}", "x-api-key: {LOWER_TOKEN}"],
    }},
    "legacy": {{
      "baseurl": "https://api.openai.com",
      "authorization": {{"type": "bearer", "value": "{KEY}"}},
      "models": ["gpt-5"],
    }},
  }},
  "hooks": {{"guard": {{"url": "ftp://hooks.example.com", "apikey": "{HOOK_KEY}"}}, "audit": {{"url": "https://bot:{URL_PASSWORD}@audit.example.com/h"}}}},
  "connectors": {{"servers": {{"jenkins": {{"protocol": "http", "url": "http://jenkins.tail1234.ts.net:8080", "auth": {{"type": "basic", "username": "aperture-bot", "password": "{PASSWORD}"}}}}}}}},
  "grants": [{{"src": ["*"], "app": {{"tailscale.com/cap/aperture": [{{"role": "admin"}}, {{"models": "**"}}]}}}}],
}}
"#
    )
}

/// Fragments of each secret long enough to identify it (a masked form keeps four characters).
fn leaks(text: &str) -> Vec<&'static str> {
    [KEY, HEADER_TOKEN, HOOK_KEY, JWT, AWS_KEY_ID]
        .into_iter()
        .filter(|secret| text.contains(&secret[6..]))
        .chain(
            [PASSWORD, URL_PASSWORD, LOWER_TOKEN]
                .into_iter()
                .filter(|secret| text.contains(secret)),
        )
        .collect()
}

/// Drop the fields that return the user's own document.
fn without_documents(mut value: Value) -> Value {
    if let Value::Object(map) = &mut value {
        map.remove("config");
        map.remove("provider");
    }
    value
}

#[test]
fn no_cli_output_shows_a_planted_secret() {
    let dir = TempDir::new("secrets");
    let file = dir.join("gateway.hujson");
    std::fs::write(&file, config()).unwrap();
    let path = file.to_str().unwrap();
    let runs: Vec<(Vec<&str>, &[&str])> = vec![
        (
            vec!["validate", path],
            &["human", "json", "sarif", "github"],
        ),
        (
            vec!["validate", path, "--mode", "load", "--strict"],
            &["human", "json"],
        ),
        (
            vec![
                "explain",
                "--config",
                path,
                "--as",
                "alice@example.com",
                "--model",
                "claude-sonnet-4-5",
                "--endpoint",
                "/v1/messages",
            ],
            &["human", "json"],
        ),
        (
            vec!["explain", "--config", path, "--matrix"],
            &["human", "json"],
        ),
        (
            vec![
                "diagnose",
                "Claude Code says 405 and 401 invalid x-api-key",
                "--config",
                path,
            ],
            &["human", "json"],
        ),
        (vec!["migrate", path], &["human", "json"]),
        (vec!["provider", "openai", "--config", path], &["json"]),
        (
            vec!["grants", "--admin", "alice@example.com", "--config", path],
            &["json"],
        ),
        // The connector's token comes from the environment (HOOK_KEY, set below).
        (
            vec![
                "connector",
                "vault",
                "--url",
                "https://vault.example.com",
                "--protocol",
                "http",
                "--auth",
                "bearer",
                "--secret-env",
                "PLANTED_CONNECTOR_TOKEN",
                "--config",
                path,
            ],
            &["human", "json"],
        ),
    ];
    let mut checked = 0;
    for (args, formats) in runs {
        for format in formats {
            let output = bin()
                .args(&args)
                .args(["--format", format])
                .env("RUST_LOG", "trace")
                .env("PLANTED_CONNECTOR_TOKEN", HOOK_KEY)
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
            let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
            assert_ne!(output.status.code(), Some(2), "{args:?} {format}: {stderr}");
            let shown = match serde_json::from_str::<Value>(&stdout) {
                Ok(json) if *format == "json" => without_documents(json).to_string(),
                _ => stdout.clone(),
            };
            assert!(
                leaks(&shown).is_empty(),
                "{args:?} --format {format} stdout shows {:?}:\n{shown}",
                leaks(&shown)
            );
            assert!(
                leaks(&stderr).is_empty(),
                "{args:?} --format {format} stderr shows {:?}:\n{stderr}",
                leaks(&stderr)
            );
            checked += 1;
        }
    }
    eprintln!("{checked} CLI runs checked");
}

#[tokio::test]
async fn no_mcp_response_or_log_line_shows_a_planted_secret() {
    bounded(async {
    let mut session = Session::spawn_keeping_stderr("trace");
    let config = config();
    let calls = [
        ("validate_config", json!({"config": config})),
        (
            "explain_access",
            json!({"config": config, "identity": {"login": "alice@example.com"}, "model": "gpt-5"}),
        ),
        (
            "diagnose_symptom",
            json!({"symptom": "401 invalid x-api-key", "config": config}),
        ),
        ("migrate_config", json!({"config": config})),
        (
            "generate_provider",
            json!({"kind": "anthropic", "id": "second", "apikey": KEY, "config": config}),
        ),
        (
            "generate_grants",
            json!({"rules": [{"src": ["alice@example.com"], "role": "admin"}], "config": config}),
        ),
        (
            "generate_connector",
            json!({"id": "vault", "url": "https://vault.example.com", "protocol": "http", "auth": "bearer", "grants": ["alice@example.com"], "config": config}),
        ),
        // A bad call: the error text must not echo the key either.
        (
            "validate_config",
            json!({"config": config, "config_path": KEY}),
        ),
    ];
    session.initialize(json!(0)).await;
    let mut responses = Vec::new();
    for (name, args) in &calls {
        responses.push(session.call(name, args).await);
    }
    let stderr = session.finish().await;
    // Trace logs carry whole requests: the keys were there, masked.
    assert!(
        stderr.contains("redacted"),
        "trace logging showed the requests:\n{stderr}"
    );
    assert!(
        leaks(&stderr).is_empty(),
        "log lines show {:?}",
        leaks(&stderr)
    );
    for response in responses {
        let result = &response["result"];
        let shown = match result.get("structuredContent") {
            Some(structured) => without_documents(structured.clone()).to_string(),
            // Error results: their text is all there is.
            None => response.to_string(),
        };
        assert!(
            leaks(&shown).is_empty(),
            "response shows {:?}: {shown}",
            leaks(&shown)
        );
    }
    })
    .await;
}
