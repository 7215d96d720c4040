//! Whole `explain_access` outputs (every step, path, outcome, upstream and notes) as JSON
//! snapshots: one per kind of ending, so a refactor of the stages cannot change a trace
//! unnoticed. The table tests in `tests/explain.rs` check single facts; these pin the rest.
// Test code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;
use aperture_orchestrator::access::Identity;
use aperture_orchestrator::tools::explain::{ExplainInput, explain_access};
use aperture_orchestrator::tools::{ConfigInput, PathPolicy};

fn config(name: &str) -> String {
    support::explain_fixture(name)
}

/// A caller from a login (or none), tags and groups.
fn who(login: Option<&str>, tags: &[&str], groups: &[&str]) -> Identity {
    support::identity(login, tags, groups)
}

fn login(l: &str) -> Identity {
    who(Some(l), &[], &[])
}

/// Snapshot name, fixture config, caller, model, endpoint.
type Trace = (
    &'static str,
    &'static str,
    Identity,
    &'static str,
    Option<&'static str>,
);

fn traces() -> Vec<Trace> {
    let messages = Some("/v1/messages");
    let chat = Some("/v1/chat/completions");
    vec![
        (
            "allowed",
            "main",
            login("bob@example.com"),
            "claude-haiku-4-5",
            messages,
        ),
        (
            "identity_unresolved",
            "main",
            who(None, &[], &["group:eng"]),
            "claude-haiku-4-5",
            messages,
        ),
        (
            "tagged_login_ignored",
            "main",
            who(Some("bob@example.com"), &["tag:ci"], &[]),
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            None,
        ),
        (
            "autogroup_unconfirmed",
            "main",
            who(Some("bob@example.com"), &[], &["autogroup:member"]),
            "claude-haiku-4-5",
            messages,
        ),
        (
            "no_grant_matches",
            "strict",
            login("zoe@example.com"),
            "gpt-5",
            chat,
        ),
        (
            "no_role",
            "strict",
            login("dave@example.com"),
            "gpt-5",
            chat,
        ),
        ("no_model", "main", login("bob@example.com"), "", chat),
        (
            "unknown_model",
            "main",
            login("alice@example.com"),
            "gpt-9",
            chat,
        ),
        (
            "disabled_provider",
            "main",
            login("bob@example.com"),
            "retired-model",
            chat,
        ),
        (
            "misrouted",
            "main",
            login("alice@example.com"),
            "gpt-5",
            messages,
        ),
        (
            "models_grant_denied",
            "main",
            login("bob@example.com"),
            "claude-sonnet-4-5",
            messages,
        ),
        (
            "models_grant_elsewhere",
            "edges",
            login("picky@example.com"),
            "dup-model",
            chat,
        ),
        (
            "alias_allowed",
            "main",
            who(Some("bob@example.com"), &[], &["group:eng"]),
            "smart",
            messages,
        ),
        (
            "alias_denied",
            "main",
            login("bob@example.com"),
            "smart",
            messages,
        ),
        (
            "alias_without_destinations",
            "edges",
            login("bob@example.com"),
            "broken",
            chat,
        ),
        (
            "qualified_model_unconfirmed",
            "main",
            login("alice@example.com"),
            "openai/gpt-5",
            chat,
        ),
        (
            "literal_model_with_slash",
            "main",
            login("bob@example.com"),
            "anthropic/claude-sonnet-4-5",
            chat,
        ),
        (
            "preference_tie_unconfirmed",
            "main",
            login("bob@example.com"),
            "shared-model",
            chat,
        ),
        (
            "preference_wins",
            "main",
            login("bob@example.com"),
            "ha-model",
            chat,
        ),
        (
            "flag_missing_unconfirmed",
            "main",
            login("bob@example.com"),
            "amb-model",
            chat,
        ),
        (
            "model_from_path",
            "main",
            who(None, &["tag:ci"], &[]),
            "",
            Some("/bedrock/model/us.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke"),
        ),
        (
            "doubled_v1",
            "main",
            login("bob@example.com"),
            "legacy-model",
            chat,
        ),
        (
            "doubled_v1_vercel",
            "main",
            login("bob@example.com"),
            "vercel-model",
            chat,
        ),
        (
            "unknown_endpoint",
            "main",
            login("bob@example.com"),
            "claude-haiku-4-5",
            Some("/v1/embeddings"),
        ),
        (
            "no_endpoint",
            "main",
            login("bob@example.com"),
            "claude-haiku-4-5",
            None,
        ),
        (
            "no_baseurl",
            "edges",
            login("bob@example.com"),
            "lost-model",
            chat,
        ),
        (
            "quota_charged_and_hook",
            "main",
            who(Some("bob@example.com"), &[], &["group:eng"]),
            "claude-sonnet-4-5",
            messages,
        ),
        (
            "quota_zero_capacity",
            "main",
            login("carol@example.com"),
            "gpt-5",
            chat,
        ),
        (
            "quota_undefined",
            "main",
            login("erin@example.com"),
            "gpt-5",
            chat,
        ),
        (
            "quota_malformed_capacity",
            "edges",
            login("odd@example.com"),
            "gpt-5",
            chat,
        ),
        (
            "hook_pre_request_fail_closed",
            "main",
            who(None, &["tag:ci"], &[]),
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            None,
        ),
        (
            "hooks_undefined_disabled_repeated",
            "edges",
            login("hooked@example.com"),
            "gpt-5",
            chat,
        ),
        (
            "passthrough_credential",
            "main",
            login("bob@example.com"),
            "claude-sub",
            messages,
        ),
        (
            "legacy_pair",
            "legacy",
            login("bob@example.com"),
            "claude-sonnet-4-5",
            messages,
        ),
    ]
}

#[test]
fn whole_traces_are_stable() {
    for (name, fixture, identity, model, endpoint) in traces() {
        let input = ExplainInput {
            source: ConfigInput::text(config(fixture)),
            identity,
            model: Some(model.into()),
            connector: None,
            endpoint: endpoint.map(Into::into),
            matrix: false,
        };
        let output =
            explain_access(&input, PathPolicy::Allowed).unwrap_or_else(|e| panic!("{name}: {e}"));
        insta::assert_json_snapshot!(name, output);
    }
}
