//! Connector access (issue 15, item 7): `explain_access` with `connector` instead of `model`,
//! the trace naming the grant that decided (or the grants that give the connector to others),
//! the CLI's `--connector`, connector rules of `generate_grants`, and the matrix's connector
//! columns. Whole traces are pinned as snapshots.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use aperture_orchestrator::explain::{Outcome, Stage, StepResult};
use aperture_orchestrator::render;
use aperture_orchestrator::tools::explain::{ExplainInput, ExplainOutput, explain_access};
use aperture_orchestrator::tools::grants::{GrantsInput, generate_grants};
use aperture_orchestrator::tools::{PathPolicy, ToolError};
use serde_json::{Value, json};

const FIXTURE: &str = "tests/fixtures/explain/connectors.hujson";

fn read(relative: &str) -> String {
    std::fs::read_to_string(format!("{}/{relative}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// `explain_access` called with an MCP client's arguments.
fn explain(value: Value) -> Result<ExplainOutput, ToolError> {
    let input: ExplainInput = serde_json::from_value(value).unwrap();
    explain_access(&input, PathPolicy::Allowed)
}

fn ask(config: &str, identity: Value, connector: &str, endpoint: Option<&str>) -> ExplainOutput {
    let mut request = json!({ "config": config, "identity": identity, "connector": connector });
    if let Some(endpoint) = endpoint {
        request["endpoint"] = endpoint.into();
    }
    explain(request).unwrap()
}

fn step_with(
    out: &ExplainOutput,
    stage: Stage,
    result: StepResult,
) -> Vec<&aperture_orchestrator::explain::Step> {
    let e = out.explanation.as_ref().unwrap();
    e.steps
        .iter()
        .filter(|s| s.stage == stage && s.result == result)
        .collect()
}

#[test]
fn a_group_member_reaches_the_connector_and_the_trace_names_the_grant() {
    let config = read(FIXTURE);
    let member = json!({ "login": "bob@example.com", "groups": ["group:senior-eng"] });
    let out = ask(&config, member, "github", None);
    let e = out.explanation.as_ref().unwrap();
    assert_eq!((e.outcome, e.expected_status), (Outcome::Allowed, 200));
    assert_eq!(e.connector.as_deref(), Some("github"));
    let granted = step_with(&out, Stage::ConnectorsGrant, StepResult::Pass);
    assert_eq!(granted.len(), 1, "{:#?}", e.steps);
    assert!(granted[0].detail.contains("`github/proxy` in grant 2"));
    assert_eq!(
        granted[0].path.as_deref(),
        Some("/grants/2/app/tailscale.com~1cap~1aperture/0/connectors/0")
    );
    assert_eq!(e.upstream_url.as_deref(), Some("https://api.github.com/"));
    // Never the secret, only how it is sent.
    assert_eq!(
        e.upstream_auth.as_deref(),
        Some("Authorization: Bearer <secret>")
    );
    assert!(!serde_json::to_string(&out).unwrap().contains("ghp_example"));
}

#[test]
fn anyone_else_is_denied_and_the_trace_names_the_grant_they_lack() {
    let config = read(FIXTURE);
    for identity in [
        json!({ "login": "carol@example.com" }),
        json!({ "login": "carol@example.com", "groups": ["group:support"] }),
    ] {
        let out = ask(&config, identity.clone(), "github", None);
        let e = out.explanation.as_ref().unwrap();
        assert_eq!(
            (e.outcome, e.expected_status),
            (Outcome::Denied, 403),
            "{identity}"
        );
        let refusal = step_with(&out, Stage::ConnectorsGrant, StepResult::Fail);
        assert_eq!(refusal.len(), 1);
        assert!(refusal[0].detail.contains("403 `access denied`"));
        let named = step_with(&out, Stage::ConnectorsGrant, StepResult::Info);
        assert!(
            named.iter().any(|s| s
                .detail
                .starts_with("grant 2 gives it by `github/proxy` to `group:senior-eng`")
                && s.path.as_deref() == Some("/grants/2/src")),
            "{:#?}",
            e.steps
        );
    }
}

#[test]
fn mcp_tools_are_granted_by_pattern_and_hidden_otherwise() {
    let config = read(FIXTURE);
    let anyone = json!({ "login": "carol@example.com" });
    let search = ask(
        &config,
        anyone.clone(),
        "docs/tools/search_pages",
        Some("/v1/mcp"),
    );
    assert_eq!(
        search.explanation.as_ref().unwrap().outcome,
        Outcome::Allowed
    );
    let delete = ask(
        &config,
        anyone.clone(),
        "docs/tools/delete_page",
        Some("/v1/mcp"),
    );
    let e = delete.explanation.as_ref().unwrap();
    assert_eq!(e.outcome, Outcome::Denied);
    // Hidden ≠ enforced is not documented either way: said, not assumed.
    assert_eq!(
        step_with(&delete, Stage::ConnectorsGrant, StepResult::Unconfirmed).len(),
        1
    );
    // A bare ID granted in part says so.
    let part = ask(&config, anyone, "docs", None);
    let pass = step_with(&part, Stage::ConnectorsGrant, StepResult::Pass);
    assert!(pass[0].detail.contains("only part of it"), "{pass:?}");
}

#[test]
fn the_endpoint_names_the_connector_and_must_fit_its_protocol() {
    let config = read(FIXTURE);
    let member = json!({ "login": "bob@example.com", "groups": ["group:senior-eng"] });
    // No `connector`: the proxy path names it.
    let out = explain(json!({
        "config": config, "identity": member, "endpoint": "/v1/connectors/github/user/repos",
    }))
    .unwrap();
    let e = out.explanation.as_ref().unwrap();
    assert_eq!(e.outcome, Outcome::Allowed);
    assert_eq!(
        e.upstream_url.as_deref(),
        Some("https://api.github.com/user/repos")
    );
    // An MCP connector has no proxy; an HTTP connector no tools.
    for (connector, endpoint) in [("docs", "/v1/connectors/docs/x"), ("github", "/v1/mcp")] {
        let out = ask(&config, member.clone(), connector, Some(endpoint));
        let e = out.explanation.as_ref().unwrap();
        assert_eq!(e.outcome, Outcome::Misrouted, "{connector} at {endpoint}");
    }
    // A connector and an endpoint naming another one disagree.
    let other = ask(
        &config,
        member.clone(),
        "docs",
        Some("/v1/connectors/github/x"),
    );
    assert_eq!(
        other.explanation.as_ref().unwrap().outcome,
        Outcome::Misrouted
    );
    // Sub-path matching under `proxy` is UNCONFIRMED: not counted, and said.
    let ci = ask(
        &config,
        json!({ "tags": ["tag:ci"] }),
        "github",
        Some("/v1/connectors/github/repos/x"),
    );
    assert_eq!(ci.explanation.as_ref().unwrap().outcome, Outcome::Denied);
    let maybe = step_with(&ci, Stage::ConnectorsGrant, StepResult::Unconfirmed);
    assert!(
        maybe[0]
            .detail
            .contains("`github/proxy/repos/*` in grant 4")
    );
}

#[test]
fn unknown_connectors_labels_and_built_ins() {
    let config = read(FIXTURE);
    let anyone = json!({ "login": "carol@example.com" });
    let typo = ask(&config, anyone.clone(), "gitHub", None);
    let e = typo.explanation.as_ref().unwrap();
    assert_eq!((e.outcome, e.expected_status), (Outcome::NotFound, 404));
    assert!(
        e.steps
            .last()
            .unwrap()
            .detail
            .contains("did you mean `github`?")
    );
    // `label:system` is how everyone reaches the built-in `aperture` connector (documented).
    let system = ask(&config, anyone.clone(), "aperture", None);
    assert_eq!(
        system.explanation.as_ref().unwrap().outcome,
        Outcome::Allowed
    );
    assert_eq!(
        step_with(&system, Stage::ConnectorsGrant, StepResult::Pass).len(),
        1
    );
    // A label on a declared connector: the field's name is UNCONFIRMED, and the trace says so.
    let support = json!({ "login": "dan@example.com", "groups": ["group:support"] });
    let jira = ask(&config, support, "jira", None);
    assert_eq!(jira.explanation.as_ref().unwrap().outcome, Outcome::Allowed);
    assert_eq!(
        step_with(&jira, Stage::ConnectorsGrant, StepResult::Unconfirmed).len(),
        1
    );
    assert!(
        step_with(&jira, Stage::Connector, StepResult::Info)[0]
            .detail
            .contains("per-user OAuth")
    );
    let other = ask(&config, anyone, "jira", None);
    assert_eq!(other.explanation.as_ref().unwrap().outcome, Outcome::Denied);
}

#[test]
fn a_request_names_a_model_or_a_connector() {
    let config = read(FIXTURE);
    let who = json!({ "login": "carol@example.com" });
    let both = explain(json!({
        "config": config, "identity": who, "model": "claude-haiku-4-5", "connector": "github",
    }));
    assert!(both.unwrap_err().to_string().contains("not both"));
    let mcp = explain(json!({ "config": config, "identity": who, "endpoint": "/v1/mcp" }));
    assert!(mcp.unwrap_err().to_string().contains("give `connector`"));
    // A model request on the same config is unchanged: no connector field in its output.
    let model = explain(json!({
        "config": config, "identity": who, "model": "claude-haiku-4-5", "endpoint": "/v1/messages",
    }))
    .unwrap();
    let text = serde_json::to_value(&model).unwrap();
    assert_eq!(text["outcome"], "allowed");
    assert!(text.get("connector").is_none());
}

#[test]
fn generated_connector_rules_are_explained_as_granted() {
    let config = read(FIXTURE);
    let input: GrantsInput = serde_json::from_value(json!({
        "config": config,
        "rules": [{ "src": ["group:platform"], "role": "user", "connectors": ["github/**", "docs/proxy"] }],
    }))
    .unwrap();
    let out = generate_grants(&input, PathPolicy::Allowed).unwrap();
    let cap = &out.grants[0]["app"]["tailscale.com/cap/aperture"];
    assert_eq!(cap[1], json!({ "connectors": ["github/**", "docs/proxy"] }));
    let merged = out.config.unwrap();
    let member = json!({ "login": "erin@example.com", "groups": ["group:platform"] });
    let allowed = ask(&merged, member, "github", None);
    let e = allowed.explanation.as_ref().unwrap();
    assert_eq!(e.outcome, Outcome::Allowed);
    let pass = step_with(&allowed, Stage::ConnectorsGrant, StepResult::Pass);
    assert!(
        pass[0].detail.contains("`github/**` in grant 5"),
        "{pass:?}"
    );
    let other = ask(
        &merged,
        json!({ "login": "erin@example.com" }),
        "github",
        None,
    );
    let e = other.explanation.as_ref().unwrap();
    assert_eq!(e.outcome, Outcome::Denied);
    assert!(
        e.steps
            .iter()
            .any(|s| s.path.as_deref() == Some("/grants/5/src"))
    );
}

#[test]
fn the_matrix_gains_connector_columns_only_when_the_config_has_connectors() {
    let with = explain(json!({ "config": read(FIXTURE), "matrix": true })).unwrap();
    let matrix = with.matrix.unwrap();
    assert_eq!(matrix.connectors, ["github", "docs", "jira"]);
    let row = |src: &str| matrix.rows.iter().find(|r| r.src == src).unwrap();
    assert_eq!(row("*").connectors, ["docs"]);
    assert_eq!(row("group:senior-eng").connectors, ["github", "docs"]);
    assert_eq!(row("group:support").connectors, ["docs", "jira"]);
    insta::assert_snapshot!("connector_matrix", render::access_matrix(&matrix));
    let without = explain(json!({ "config": read("examples/gateway.hujson"), "matrix": true }))
        .unwrap()
        .matrix
        .unwrap();
    let json = serde_json::to_value(&without).unwrap();
    assert!(json.get("connectors").is_none());
    assert!(json["rows"][0].get("connectors").is_none());
}

#[test]
fn whole_connector_traces_are_stable() {
    let config = read(FIXTURE);
    let member = json!({ "login": "bob@example.com", "groups": ["group:senior-eng"] });
    let anyone = json!({ "login": "carol@example.com" });
    let cases = [
        ("connector_allowed", member.clone(), "github", None),
        ("connector_denied", anyone.clone(), "github", None),
        (
            "connector_tool_hidden",
            anyone.clone(),
            "docs/tools/delete_page",
            Some("/v1/mcp"),
        ),
        (
            "connector_proxy_subpath",
            json!({ "tags": ["tag:ci"] }),
            "",
            Some("/v1/connectors/github/repos/x"),
        ),
        (
            "connector_misrouted",
            member,
            "docs",
            Some("/v1/connectors/docs/x"),
        ),
        ("connector_unknown", anyone.clone(), "gitHub", None),
        (
            "connector_label_oauth",
            json!({ "login": "dan@example.com", "groups": ["group:support"] }),
            "jira",
            None,
        ),
    ];
    for (name, identity, connector, endpoint) in cases {
        let mut request = json!({ "config": config, "identity": identity });
        if !connector.is_empty() {
            request["connector"] = connector.into();
        }
        if let Some(endpoint) = endpoint {
            request["endpoint"] = endpoint.into();
        }
        let out = explain(request).unwrap_or_else(|e| panic!("{name}: {e}"));
        insta::assert_json_snapshot!(name, out);
    }
    let denied = ask(&config, anyone, "github", None);
    insta::assert_snapshot!("connector_denied_human", render::explain_report(&denied));
}

// --- the real binary ----------------------------------------------------------------------

fn cli(args: &[&str]) -> std::process::Output {
    support::bin()
        .arg("explain")
        .args(["--config", FIXTURE])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

#[test]
fn the_cli_flag_explains_a_connector() {
    let member = cli(&[
        "--as",
        "bob@example.com",
        "--group",
        "group:senior-eng",
        "--connector",
        "github",
        "--format",
        "json",
    ]);
    assert_eq!(member.status.code(), Some(0), "{member:?}");
    let json: Value = serde_json::from_slice(&member.stdout).unwrap();
    assert_eq!(json["outcome"], "allowed");
    assert_eq!(json["connector"], "github");
    let other = cli(&["--as", "carol@example.com", "--connector", "github"]);
    assert_eq!(other.status.code(), Some(1));
    let text = String::from_utf8_lossy(&other.stdout);
    assert!(
        text.starts_with("carol@example.com → denied (HTTP 403)"),
        "{text}"
    );
    assert!(text.contains("grant 2 gives it by `github/proxy` to `group:senior-eng`"));
    // A model and a connector at once is a usage error; so is /v1/mcp without a connector.
    let both = cli(&[
        "--as",
        "a@example.com",
        "--model",
        "m",
        "--connector",
        "github",
    ]);
    assert_eq!(both.status.code(), Some(2));
    let mcp = cli(&["--as", "a@example.com", "--endpoint", "/v1/mcp"]);
    assert_eq!(mcp.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&mcp.stderr),
        "error: --endpoint /v1/mcp serves connectors: give --connector ID\n"
    );
}

#[test]
fn a_token_in_a_connector_url_is_masked() {
    let key = "sk-live-0123456789abcdefABCDEF";
    let config = read(FIXTURE).replace(
        "https://api.github.com/",
        &format!("https://api.github.com/?key={key}"),
    );
    let member = json!({ "login": "bob@example.com", "groups": ["group:senior-eng"] });
    let out = ask(&config, member, "github", None);
    let url = out
        .explanation
        .as_ref()
        .unwrap()
        .upstream_url
        .clone()
        .unwrap();
    assert!(url.starts_with("https://api.github.com/?key=sk-l"), "{url}");
    assert!(!serde_json::to_string(&out).unwrap().contains(key));
    assert!(!render::explain_report(&out).contains(key));
}
