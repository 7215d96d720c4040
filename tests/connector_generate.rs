//! `connector` / `generate_connector`: the issue's acceptance command through the real binary
//! (a config that validates, `explain` allowing the granted group and denying others, a re-run
//! changing nothing, the token in no output), IDs refused in the rules' words, each auth type's
//! fields, the OAuth callback, and an existing connector (and its secret) kept unless `replace`.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Output;

use crate::support;

use aperture_orchestrator::catalog::connectors::AuthType;
use aperture_orchestrator::diagnostic::Severity;
use aperture_orchestrator::tools::connector::{ConnectorInput, generate_connector};
use aperture_orchestrator::tools::validate::{Mode, validate_bytes};
use aperture_orchestrator::tools::{ConfigInput, PathPolicy, ToolError};
use serde_json::{Value, json};

const BASE: &str = r#"{
  // the team's gateway
  "grants": [
    { "src": ["ops@example.com"], "app": { "tailscale.com/cap/aperture": [ { "role": "admin" } ] } },
  ],
}
"#;

/// A token shaped like a GitHub PAT, so any leak is unmistakable.
const TOKEN: &str = "ghp_h7PlantedToken0123456789abcdefXYZ";

/// The acceptance command (with `extra` flags), `GITHUB_TOKEN` set in the child only.
fn connector_cli(path: &Path, extra: &[&str]) -> Output {
    support::bin()
        .args([
            "connector",
            "github",
            "--url",
            "https://api.githubcopilot.com/mcp/",
            "--protocol",
            "mcp",
            "--auth",
            "bearer",
            "--secret-env",
            "GITHUB_TOKEN",
            "--grant",
            "group:eng",
            "--config",
            path.to_str().unwrap(),
            "--write",
        ])
        .args(extra)
        .env("GITHUB_TOKEN", TOKEN)
        .output()
        .unwrap()
}

fn assert_no_token(out: &Output) {
    for (channel, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains(TOKEN), "the token is in {channel}: {text}");
    }
}

/// `explain --connector github` for a caller; the outcome word.
fn explain(path: &Path, caller: &[&str]) -> String {
    let out = support::bin()
        .args([
            "explain",
            "--config",
            path.to_str().unwrap(),
            "--connector",
            "github",
            "--format",
            "json",
        ])
        .args(caller)
        .output()
        .unwrap();
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    value["outcome"].as_str().unwrap().to_owned()
}

#[test]
fn acceptance_command_writes_a_valid_config_that_explain_agrees_with() {
    let dir = support::TempDir::new("connector");
    let path = dir.join("gw.hujson");
    std::fs::write(&path, BASE).unwrap();

    let out = connector_cli(&path, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_no_token(&out);
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains("// the team's gateway"), "{written}");
    assert!(written.contains(TOKEN), "the token is written: {written}");
    assert_eq!(
        std::fs::read_to_string(dir.join("gw.hujson.bak")).unwrap(),
        BASE
    );

    let validate = support::bin()
        .args(["validate", path.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert_no_token(&validate);
    assert_eq!(
        validate.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&validate.stdout)
    );
    let report: Value = serde_json::from_slice(&validate.stdout).unwrap();
    assert_eq!(report["counts"]["error"], 0, "{report:#}");

    let member = ["--as", "bob@example.com", "--group", "group:eng"];
    assert_eq!(explain(&path, &member), "allowed");
    assert_eq!(explain(&path, &["--as", "carol@example.com"]), "denied");
    // The admin has a role but no connectors grant.
    assert_eq!(explain(&path, &["--as", "ops@example.com"]), "denied");

    // The same command again changes nothing, in either output format.
    for format in ["human", "json"] {
        let again = connector_cli(&path, &["--format", format]);
        assert_eq!(again.status.code(), Some(0));
        assert_no_token(&again);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), written);
        if format == "json" {
            let result: Value = serde_json::from_slice(&again.stdout).unwrap();
            assert_eq!(result["changed"], false, "{result:#}");
            assert!(result.get("writable").is_none(), "{result:#}");
        } else {
            let text = String::from_utf8_lossy(&again.stdout);
            assert!(text.contains("unchanged"), "{text}");
        }
    }
}

#[test]
fn the_token_is_masked_when_the_result_is_printed() {
    let dir = support::TempDir::new("connector");
    let path = dir.join("gw.hujson");
    std::fs::write(&path, BASE).unwrap();
    let out = support::bin()
        .args([
            "connector",
            "github",
            "--url",
            "https://api.github.com",
            "--protocol",
            "http",
            "--auth",
            "bearer_token",
            "--secret-env",
            "GITHUB_TOKEN",
            "--config",
            path.to_str().unwrap(),
        ])
        .env("GITHUB_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_no_token(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("\"github\"") && text.contains("redacted"),
        "{text}"
    );
    // Without --write the file is untouched.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), BASE);
}

fn input(id: &str, auth: &str) -> ConnectorInput {
    ConnectorInput {
        id: id.into(),
        url: "https://mcp.example.com/mcp".into(),
        protocol: "mcp".into(),
        auth: auth.into(),
        source: ConfigInput::text(BASE),
        ..ConnectorInput::default()
    }
}

fn refusal(input: &ConnectorInput) -> String {
    match generate_connector(input, PathPolicy::Allowed) {
        Err(ToolError::BadArguments(message)) => message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn invalid_and_reserved_ids_are_refused_in_the_rules_words() {
    let message = refusal(&input("my-github", "none"));
    assert!(
        message.contains("AP501") && message.contains("must match `[a-zA-Z][a-zA-Z0-9]*`"),
        "{message}"
    );
    assert!(message.contains("mygithub"), "the rule's fix: {message}");
    for reserved in ["aperture", "Tailscale", "internal"] {
        let message = refusal(&input(reserved, "none"));
        assert!(
            message.contains("AP502") && message.contains("is reserved"),
            "{message}"
        );
    }
    let mut local = input("local", "none");
    local.url = "http://127.0.0.1:8080/mcp".into();
    assert!(refusal(&local).contains("AP504"));
    let mut wrong = input("github", "none");
    wrong.protocol = "grpc".into();
    assert!(refusal(&wrong).contains("`mcp`"));
    assert!(refusal(&input("github", "token")).contains("bearer"));

    // The CLI refuses too, with exit 2, naming the rule.
    let out = support::bin()
        .args([
            "connector",
            "my_tools",
            "--url",
            "https://mcp.example.com",
            "--protocol",
            "mcp",
            "--auth",
            "none",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("AP501"));
    // The CLI names its flags, not the MCP fields.
    let out = support::bin()
        .args([
            "connector",
            "tools",
            "--url",
            "https://mcp.example.com",
            "--protocol",
            "mcp",
            "--auth",
            "basic",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("needs `--username`"), "{stderr}");
}

/// Each auth type with the inputs it needs (no secret: a placeholder).
fn complete(auth: AuthType) -> ConnectorInput {
    let mut i = input("svc", auth.word());
    match auth {
        AuthType::Basic => i.username = Some("robot".into()),
        AuthType::Oauth2ClientCredentials => {
            i.client_id = Some("client".into());
            i.token_url = Some("https://idp.example.com/token".into());
        }
        AuthType::Oauth2AuthorizationCode => {
            i.client_id = Some("client".into());
            i.auth_url = Some("https://idp.example.com/authorize".into());
            i.token_url = Some("https://idp.example.com/token".into());
            i.scopes = Some(vec!["read".into()]);
        }
        _ => {}
    }
    i
}

#[test]
fn each_auth_type_gets_the_fields_it_needs() {
    for auth in AuthType::ALL {
        let out = generate_connector(&complete(auth), PathPolicy::Allowed).unwrap();
        let object = &out.connector["auth"];
        assert_eq!(object["type"], auth.name());
        for field in auth.required().iter().chain(auth.secret_field().iter()) {
            assert!(
                object.get(*field).is_some(),
                "{auth:?} lacks {field}: {object}"
            );
        }
        // The result passes the connector auth rule (AP505) and has no errors at all.
        let errors: Vec<_> = out
            .diagnostics
            .iter()
            .filter(|d| d.code == "AP505" || d.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{auth:?}: {errors:?}");
        if let Some(field) = auth.secret_field() {
            assert!(
                out.notes
                    .iter()
                    .any(|n| n.contains(&format!("`auth.{field}` is a placeholder"))),
                "{auth:?}: {:?}",
                out.notes
            );
        }
    }
    // The api_key default says where the key goes.
    let out = generate_connector(&complete(AuthType::ApiKey), PathPolicy::Allowed).unwrap();
    assert_eq!(out.connector["auth"]["name"], "X-Api-Key");
    assert_eq!(out.connector["auth"]["in"], "header");
    assert!(out.notes.iter().any(|n| n.contains("X-Api-Key")));

    // What a type needs and does not take.
    assert!(refusal(&input("svc", "basic")).contains("`username`"));
    let message = refusal(&input("svc", "oauth2"));
    assert!(
        ["`client_id`", "`auth_url`", "`token_url`"]
            .iter()
            .all(|f| message.contains(f)),
        "{message}"
    );
    let mut extra = complete(AuthType::BearerToken);
    extra.username = Some("robot".into());
    assert!(refusal(&extra).contains("`username` is for auth basic only"));
    // A source the grants refuse is named as given.
    let mut bad_source = input("svc", "none");
    bad_source.grants = vec!["tagged-devices".into()];
    let message = refusal(&bad_source);
    assert!(
        message.starts_with("`grants` source `tagged-devices`: "),
        "{message}"
    );
    bad_source.grants = vec![" ".into()];
    assert!(refusal(&bad_source).contains("empty source"));
    let mut no_secret = input("svc", "oauth2_dcr");
    no_secret.secret_env = Some("HOME".into());
    assert!(refusal(&no_secret).contains("takes no secret"));
}

#[test]
fn per_user_oauth_names_the_https_callback() {
    let mut i = complete(AuthType::Oauth2AuthorizationCode);
    i.host = Some("ai.example.ts.net".into());
    let out = generate_connector(&i, PathPolicy::Allowed).unwrap();
    assert_eq!(
        out.callback.as_deref(),
        Some("https://ai.example.ts.net/aperture/auth/svc/callback")
    );
    assert!(out.notes.iter().any(|n| n.contains("UNCONFIRMED")));
    // A short name or none: a placeholder, and a note saying why.
    for host in [Some("ai"), None] {
        i.host = host.map(str::to_owned);
        let out = generate_connector(&i, PathPolicy::Allowed).unwrap();
        assert_eq!(
            out.callback.as_deref(),
            Some("https://<aperture-hostname>/aperture/auth/svc/callback")
        );
        assert!(
            out.notes
                .iter()
                .any(|n| n.contains("`<aperture-hostname>`")),
            "{:?}",
            out.notes
        );
    }
    // Shared types have no callback.
    let out = generate_connector(&complete(AuthType::BearerToken), PathPolicy::Allowed).unwrap();
    assert_eq!(out.callback, None);
}

const WITH_GITHUB: &str = r#"{
  "grants": [
    { "src": ["ops@example.com"], "app": { "tailscale.com/cap/aperture": [ { "role": "admin" } ] } },
  ],
  "connectors": { "servers": {
    // the real one
    "github": { "protocol": "http", "url": "https://api.github.com",
                "auth": { "type": "bearer_token", "secret": "ghp_existingRealSecret0123456789AB" } },
  } },
}
"#;

#[test]
fn an_existing_connector_and_its_secret_are_kept_unless_replace() {
    let mut i = input("github", "bearer");
    i.url = "https://api.github.com".into();
    i.protocol = "http".into();
    i.source = ConfigInput::text(WITH_GITHUB);
    // The same connector without a new secret (it was filled in by hand): nothing changes.
    let same = generate_connector(&i, PathPolicy::Allowed).unwrap();
    assert_eq!(same.changed, Some(false));
    assert_eq!(same.writable, WITH_GITHUB);

    i.url = "https://api.github.com/v3".into();
    let message = refusal(&i);
    assert!(
        message.contains("already exists") && message.contains("`replace`"),
        "{message}"
    );

    // Replaced without a new secret: the real one stays, never a placeholder.
    i.replace = true;
    let out = generate_connector(&i, PathPolicy::Allowed).unwrap();
    assert!(
        out.writable.contains("ghp_existingRealSecret0123456789AB"),
        "{}",
        out.writable
    );
    assert!(!out.writable.contains("REPLACE_WITH"), "{}", out.writable);
    assert!(out.writable.contains("https://api.github.com/v3"));
    assert!(out.writable.contains("// the real one"));
    assert!(!out.config.contains("ghp_existingRealSecret0123456789AB"));
    assert!(out.notes.iter().any(|n| n.contains("kept the existing")));

    // A new secret from the environment replaces it (CARGO_PKG_NAME is set for every test).
    i.secret_env = Some("CARGO_PKG_NAME".into());
    let out = generate_connector(&i, PathPolicy::Allowed).unwrap();
    let secret = env!("CARGO_PKG_NAME");
    assert!(out.writable.contains(&format!("\"secret\": \"{secret}\"")));
    assert!(!out.writable.contains("ghp_existingRealSecret"));
    assert!(
        !serde_json::to_string(&out)
            .unwrap()
            .contains(&format!("\"{secret}\""))
    );

    // A remote caller cannot make the server read its environment.
    match generate_connector(&i, PathPolicy::Refused) {
        Err(ToolError::BadArguments(m)) => assert!(m.contains("--allow-paths"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn grants_give_a_role_only_to_sources_without_one() {
    let mut i = input("github", "none");
    i.grants = vec!["ops@example.com".into(), "*".into()];
    let out = generate_connector(&i, PathPolicy::Allowed).unwrap();
    let grants: Vec<Value> = out.grants.clone();
    let ops = grants
        .iter()
        .find(|g| g["src"] == json!(["ops@example.com"]))
        .unwrap();
    let everyone = grants.iter().find(|g| g["src"] == json!(["*"])).unwrap();
    let caps = |g: &Value| g["app"]["tailscale.com/cap/aperture"].to_string();
    assert!(!caps(ops).contains("role"), "{ops}");
    assert!(caps(everyone).contains("\"role\":\"user\""), "{everyone}");
    assert!(caps(everyone).contains("github/**"), "{everyone}");
    // Without a config: a new document, only the connector's own findings.
    i.source = ConfigInput::default();
    let out = generate_connector(&i, PathPolicy::Allowed).unwrap();
    assert_eq!(out.changed, None);
    assert!(
        out.diagnostics
            .iter()
            .all(|d| d.path.starts_with("/connectors/servers/github")),
        "{:?}",
        out.diagnostics
    );
    let standalone = validate_bytes(out.config.as_bytes(), Mode::Load);
    assert!(
        standalone
            .diagnostics
            .iter()
            .all(|d| !d.code.starts_with("AP5")),
        "{:?}",
        standalone.diagnostics
    );
}
