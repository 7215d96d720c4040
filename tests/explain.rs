//! Table-driven tests for `explain_access`: identity kinds, globs, legacy grants, aliases,
//! preference ties, disabled providers, missing flags, `/v1/v1`, quotas and hooks.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;
use aperture_orchestrator::access::Identity;
use aperture_orchestrator::explain::Outcome;
use aperture_orchestrator::tools::explain::{ExplainInput, ExplainOutput, explain_access};
use aperture_orchestrator::tools::{ConfigInput, PathPolicy};

fn config(name: &str) -> String {
    support::explain_fixture(name)
}

fn login(l: &str) -> Identity {
    Identity {
        login: Some(l.into()),
        ..Default::default()
    }
}

fn tags(t: &[&str]) -> Identity {
    Identity {
        tags: t.iter().map(|s| (*s).to_owned()).collect(),
        ..Default::default()
    }
}

fn member(l: &str, groups: &[&str]) -> Identity {
    Identity {
        login: Some(l.into()),
        groups: groups.iter().map(|s| (*s).to_owned()).collect(),
        ..Default::default()
    }
}

struct Case {
    name: &'static str,
    config: &'static str,
    who: Identity,
    model: &'static str,
    endpoint: Option<&'static str>,
    outcome: Outcome,
    status: u16,
    provider: Option<&'static str>,
    /// Text that must appear in the trace (any step's detail), or the upstream URL / auth.
    expect: &'static [&'static str],
}

fn run(case: &Case) -> ExplainOutput {
    let input = ExplainInput {
        source: ConfigInput::text(config(case.config)),
        identity: case.who.clone(),
        model: Some(case.model.into()),
        connector: None,
        endpoint: case.endpoint.map(Into::into),
        matrix: false,
    };
    explain_access(&input, PathPolicy::Allowed).unwrap_or_else(|e| panic!("{}: {e}", case.name))
}

#[allow(clippy::too_many_lines)]
fn cases() -> Vec<Case> {
    use Outcome::*;
    let c = |name, config, who, model, endpoint, outcome, status, provider, expect| Case {
        name,
        config,
        who,
        model,
        endpoint,
        outcome,
        status,
        provider,
        expect,
    };
    vec![
        c(
            "login via * gets haiku",
            "main",
            login("bob@example.com"),
            "claude-haiku-4-5",
            Some("/v1/messages"),
            Allowed,
            200,
            Some("anthropic"),
            &["via `*`", "https://api.anthropic.com/v1/messages"],
        ),
        c(
            "login without a matching models grant",
            "main",
            login("bob@example.com"),
            "claude-sonnet-4-5",
            Some("/v1/messages"),
            Denied,
            403,
            Some("anthropic"),
            &["no `models` pattern", "UNCONFIRMED"],
        ),
        c(
            "group member gets sonnet with quota and hook",
            "main",
            member("bob@example.com", &["group:eng"]),
            "claude-sonnet-4-5",
            Some("/v1/messages"),
            Allowed,
            200,
            Some("anthropic"),
            &["visible groups", "daily:bob@example.com", "audit"],
        ),
        c(
            "group member gets opus",
            "main",
            member("bob@example.com", &["group:eng"]),
            "claude-opus-4-5",
            Some("/v1/messages"),
            Allowed,
            200,
            Some("anthropic"),
            &["anthropic/**"],
        ),
        c(
            "exact login grant, chat completions",
            "main",
            login("alice@example.com"),
            "gpt-5",
            Some("/v1/chat/completions"),
            Allowed,
            200,
            Some("openai"),
            &["https://api.openai.com/v1/chat/completions", "openai/*"],
        ),
        c(
            "exact login grant, responses",
            "main",
            login("alice@example.com"),
            "gpt-5",
            Some("/v1/responses"),
            Allowed,
            200,
            Some("openai"),
            &["openai_responses"],
        ),
        c(
            "openai model on the anthropic endpoint",
            "main",
            login("alice@example.com"),
            "gpt-5",
            Some("/v1/messages"),
            Misrouted,
            404,
            None,
            &["anthropic_messages", "does not translate"],
        ),
        c(
            "login grant does not cover another provider",
            "main",
            login("alice@example.com"),
            "claude-opus-4-5",
            Some("/v1/messages"),
            Denied,
            403,
            Some("anthropic"),
            &["no `models` pattern"],
        ),
        c(
            "tag set matches its sorted identity",
            "main",
            tags(&["tag:prod", "tag:ci"]),
            "claude-sonnet-4-5",
            Some("/v1/messages"),
            Allowed,
            200,
            Some("anthropic"),
            &["tag:ci,tag:prod", "*/claude-sonnet*"],
        ),
        c(
            "one tag does not match a two-tag grant",
            "main",
            tags(&["tag:ci"]),
            "claude-sonnet-4-5",
            Some("/v1/messages"),
            Denied,
            403,
            Some("anthropic"),
            &["no `models` pattern"],
        ),
        c(
            "bedrock invoke, model from the path",
            "main",
            tags(&["tag:ci"]),
            "",
            Some("/bedrock/model/us.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke"),
            Allowed,
            200,
            Some("bedrock-us"),
            &[
                "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke",
            ],
        ),
        c(
            "bedrock converse without the flag",
            "main",
            tags(&["tag:ci"]),
            "",
            Some("/bedrock/model/us.anthropic.claude-sonnet-4-5-20250929-v1:0/converse"),
            Misrouted,
            404,
            None,
            &["bedrock_converse"],
        ),
        c(
            "pre_request hook with fail_closed",
            "main",
            tags(&["tag:ci"]),
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            None,
            Allowed,
            200,
            Some("bedrock-us"),
            &["guard", "503"],
        ),
        c(
            "unsorted tag grant never matches",
            "main",
            tags(&["tag:a", "tag:b"]),
            "gpt-5",
            Some("/v1/chat/completions"),
            Denied,
            403,
            Some("openai"),
            &["tag:a,tag:b"],
        ),
        c(
            "tagged node is part of *",
            "main",
            tags(&["tag:kiosk"]),
            "claude-haiku-4-5",
            Some("/v1/messages"),
            Allowed,
            200,
            Some("anthropic"),
            &["tagged nodes included"],
        ),
        c(
            "tagged-devices src matches nobody",
            "main",
            tags(&["tag:kiosk"]),
            "gpt-5",
            Some("/v1/chat/completions"),
            Denied,
            403,
            Some("openai"),
            &["no `models` pattern"],
        ),
        c(
            "zero-capacity quota rejects",
            "main",
            login("carol@example.com"),
            "gpt-5",
            Some("/v1/chat/completions"),
            QuotaRejected,
            429,
            Some("openai"),
            &["frozen", "$0.00"],
        ),
        c(
            "undefined quota fails closed",
            "main",
            login("erin@example.com"),
            "gpt-5",
            Some("/v1/chat/completions"),
            QuotaRejected,
            429,
            Some("openai"),
            &["nowhere", "fails closed"],
        ),
        c(
            "admin role from its own grant",
            "main",
            login("ops@example.com"),
            "claude-haiku-4-5",
            Some("/v1/messages"),
            Allowed,
            200,
            Some("anthropic"),
            &["role `admin`"],
        ),
        c(
            "SCIM group by e-mail",
            "main",
            member("sam@example.com", &["group:sales@example.com"]),
            "gpt-5-mini",
            Some("/v1/chat/completions"),
            Allowed,
            200,
            Some("openai"),
            &["openai/gpt-5-mini"],
        ),
        c(
            "SCIM group grant is exact",
            "main",
            member("sam@example.com", &["group:sales@example.com"]),
            "gpt-5",
            Some("/v1/chat/completions"),
            Denied,
            403,
            Some("openai"),
            &["no `models` pattern"],
        ),
        c(
            "unknown model",
            "main",
            login("alice@example.com"),
            "gpt-9",
            Some("/v1/chat/completions"),
            NotFound,
            404,
            None,
            &["no provider lists `gpt-9`"],
        ),
        c(
            "model IDs are case-sensitive",
            "main",
            login("bob@example.com"),
            "Claude-Haiku-4-5",
            Some("/v1/messages"),
            NotFound,
            404,
            None,
            &["case-sensitive"],
        ),
        c(
            "disabled provider",
            "main",
            login("bob@example.com"),
            "retired-model",
            Some("/v1/chat/completions"),
            NotFound,
            404,
            None,
            &["disabled"],
        ),
        c(
            "equal preference tie",
            "main",
            login("bob@example.com"),
            "shared-model",
            Some("/v1/chat/completions"),
            Allowed,
            200,
            Some("mirror-a"),
            &["tie-break is undocumented"],
        ),
        c(
            "higher preference wins",
            "main",
            login("bob@example.com"),
            "ha-model",
            Some("/v1/chat/completions"),
            Allowed,
            200,
            Some("primary"),
            &["highest preference, 10"],
        ),
        c(
            "baseurl with /v1 doubles the path",
            "main",
            login("bob@example.com"),
            "legacy-model",
            Some("/v1/chat/completions"),
            Misrouted,
            404,
            Some("openai-v1"),
            &["https://api.example.com/v1/v1/chat/completions"],
        ),
        c(
            "vercel /v1 gives 405",
            "main",
            login("bob@example.com"),
            "vercel-model",
            Some("/v1/chat/completions"),
            Misrouted,
            405,
            Some("vercel"),
            &["405"],
        ),
        c(
            "self-hosted, default flags",
            "main",
            login("bob@example.com"),
            "qwen",
            Some("/v1/chat/completions"),
            Allowed,
            200,
            Some("gpu"),
            &[
                "http://100.64.0.5:8080/v1/chat/completions",
                "no credential",
            ],
        ),
        c(
            "self-hosted, version-less path",
            "main",
            login("bob@example.com"),
            "qwen",
            Some("/chat/completions"),
            Allowed,
            200,
            Some("gpu"),
            &["http://100.64.0.5:8080/chat/completions"],
        ),
        c(
            "self-hosted on the messages API",
            "main",
            login("bob@example.com"),
            "qwen",
            Some("/v1/messages"),
            Misrouted,
            404,
            None,
            &["anthropic_messages"],
        ),
        c(
            "present block without openai_chat",
            "main",
            login("bob@example.com"),
            "amb-model",
            Some("/v1/chat/completions"),
            Allowed,
            200,
            Some("ambiguous"),
            &["UNCONFIRMED"],
        ),
        c(
            "present block, declared flag",
            "main",
            login("bob@example.com"),
            "amb-model",
            Some("/v1/messages"),
            Allowed,
            200,
            Some("ambiguous"),
            &["`anthropic_messages` on"],
        ),
        c(
            "alias for a granted model",
            "main",
            member("bob@example.com", &["group:eng"]),
            "smart",
            Some("/v1/messages"),
            Allowed,
            200,
            Some("anthropic"),
            &["alias", "first destination"],
        ),
        c(
            "alias applies before authorization",
            "main",
            login("bob@example.com"),
            "smart",
            Some("/v1/messages"),
            Denied,
            403,
            Some("anthropic"),
            &["alias"],
        ),
        c(
            "qualified provider/model",
            "main",
            login("alice@example.com"),
            "openai/gpt-5",
            Some("/v1/chat/completions"),
            Allowed,
            200,
            Some("openai"),
            &["strip the prefix"],
        ),
        c(
            "model ID with a slash is literal",
            "main",
            login("bob@example.com"),
            "anthropic/claude-sonnet-4-5",
            Some("/v1/chat/completions"),
            Allowed,
            200,
            Some("openrouter"),
            &["https://openrouter.ai/api/v1/chat/completions"],
        ),
        c(
            "gemini path carries the model",
            "main",
            login("bob@example.com"),
            "",
            Some("/v1beta/models/gemini-2.5-pro:generateContent"),
            Allowed,
            200,
            Some("gemini"),
            &[
                "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:generateContent",
                "x-goog-api-key",
            ],
        ),
        c(
            "no endpoint: API not checked",
            "main",
            login("bob@example.com"),
            "claude-haiku-4-5",
            None,
            Allowed,
            200,
            Some("anthropic"),
            &["the client's request path"],
        ),
        c(
            "unknown endpoint",
            "main",
            login("bob@example.com"),
            "claude-haiku-4-5",
            Some("/v1/embeddings"),
            Allowed,
            200,
            Some("anthropic"),
            &["not a model endpoint"],
        ),
        c(
            "passthrough forwards the client's credential",
            "main",
            login("bob@example.com"),
            "claude-sub",
            Some("/v1/messages"),
            Allowed,
            200,
            Some("sub"),
            &["passthrough"],
        ),
        c(
            "keyfile mints tokens",
            "main",
            login("bob@example.com"),
            "claude-sonnet-4-5@20250929",
            Some(
                "/v1/projects/_aperture_auto_vertex_project_id_/locations/global/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict",
            ),
            Allowed,
            200,
            Some("vertex"),
            &["minted", "google_raw_predict"],
        ),
        c(
            "no role anywhere",
            "strict",
            login("dave@example.com"),
            "gpt-5",
            Some("/v1/chat/completions"),
            Denied,
            403,
            None,
            &["no role granted"],
        ),
        c(
            "nobody matches",
            "strict",
            login("zoe@example.com"),
            "gpt-5",
            Some("/v1/chat/completions"),
            Denied,
            403,
            None,
            &["deny by default"],
        ),
        c(
            "admin without models",
            "strict",
            login("ops@example.com"),
            "gpt-5",
            Some("/v1/chat/completions"),
            Denied,
            403,
            Some("openai"),
            &["no `models` pattern"],
        ),
        c(
            "role and exact model",
            "strict",
            login("frank@example.com"),
            "gpt-5",
            Some("/v1/responses"),
            Allowed,
            200,
            Some("openai"),
            &["openai/gpt-5"],
        ),
        c(
            "legacy pair grants one model",
            "legacy",
            login("bob@example.com"),
            "claude-sonnet-4-5",
            Some("/v1/messages"),
            Allowed,
            200,
            Some("anthropic"),
            &["/temp_grants/1"],
        ),
        c(
            "legacy pair does not grant another",
            "legacy",
            login("bob@example.com"),
            "claude-opus-4-5",
            Some("/v1/messages"),
            Denied,
            403,
            Some("anthropic"),
            &["no `models` pattern"],
        ),
        c(
            "legacy wildcard pair grants everything",
            "legacy",
            login("admin@example.com"),
            "claude-opus-4-5",
            Some("/v1/messages"),
            Allowed,
            200,
            Some("anthropic"),
            &["role `admin`"],
        ),
    ]
}

#[test]
fn explain_table() {
    let cases = cases();
    assert!(cases.len() >= 40);
    let mut failures = Vec::new();
    for case in &cases {
        let out = run(case);
        let e = out.explanation.as_ref().expect("a request was simulated");
        let mut text: Vec<String> = e
            .steps
            .iter()
            .map(|s| format!("{} {}", s.detail, s.path.clone().unwrap_or_default()))
            .collect();
        text.extend(e.upstream_url.clone());
        text.extend(e.upstream_auth.clone());
        text.extend(e.identity.clone());
        let all = text.join("\n");
        let mut problems = Vec::new();
        if e.outcome != case.outcome || e.expected_status != case.status {
            problems.push(format!(
                "got {:?}/{} want {:?}/{}",
                e.outcome, e.expected_status, case.outcome, case.status
            ));
        }
        if case.provider.is_some() && e.provider.as_deref() != case.provider {
            problems.push(format!(
                "provider {:?} want {:?}",
                e.provider, case.provider
            ));
        }
        for needle in case.expect {
            if !all.contains(needle) {
                problems.push(format!("missing `{needle}`"));
            }
        }
        for step in &e.steps {
            assert!(!step.detail.contains("\"k\""), "no key values in the trace");
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {}\n    trace:\n      {}",
                case.name,
                problems.join("; "),
                all.replace('\n', "\n      ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn generators_and_explain_share_one_evaluator() {
    let text = config("main");
    let doc = aperture_orchestrator::config::Document::parse(&text).unwrap();
    let grants = aperture_orchestrator::access::grants(&doc.root);
    let table = aperture_orchestrator::access::access_table(&grants);
    let matrix = aperture_orchestrator::explain::matrix(&doc.root, &grants);
    for row in &table {
        let m = matrix.rows.iter().find(|r| r.src == row.src).unwrap();
        assert_eq!(m.role, row.role, "{}", row.src);
    }
    let tag_row = matrix
        .rows
        .iter()
        .find(|r| r.src == "tag:ci,tag:prod")
        .unwrap();
    assert!(
        tag_row
            .allowed
            .contains(&"anthropic/claude-sonnet-4-5".to_owned())
    );
    assert!(
        !tag_row
            .allowed
            .contains(&"anthropic/claude-opus-4-5".to_owned())
    );
    let bad = matrix.rows.iter().find(|r| r.src == "tag:b,tag:a").unwrap();
    assert!(
        !bad.allowed.iter().any(|m| m.starts_with("openai/")),
        "a non-canonical tag src gets nothing of its own"
    );
}
