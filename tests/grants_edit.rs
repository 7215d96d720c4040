//! Issue 15: grant edits that mean what they say. `generate_grants` in modes add (idempotent),
//! replace and remove, judged by `explain_access` on the result; the CLI's per-source `=` form
//! and its refusal of an ambiguous `--models`; admin rules without models named; budgets that
//! define buckets, validate and show as charged.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use aperture_orchestrator::access::{Identity, Role};
use aperture_orchestrator::explain::{Outcome, StepResult};
use aperture_orchestrator::tools::explain::{ExplainInput, explain_access};
use aperture_orchestrator::tools::grants::{
    Budget, BudgetScope, EditMode, GrantRule, GrantsInput, GrantsOutput, generate_grants,
};
use aperture_orchestrator::tools::{ConfigInput, PathPolicy};
use serde_json::Value;

/// alice admin with `**`, everyone user with `**`, with comments to keep.
const BASE: &str = r#"{
  // the gateway's one provider
  "providers": {
    "anthropic": {
      "baseurl": "https://api.anthropic.com",
      "apikey": "k",
      "authorization": "x-api-key",
      "models": ["claude-opus-4-8", "claude-haiku-4-5", "claude-sonnet-4-6"],
      "compatibility": { "anthropic_messages": true },
    },
  },
  "grants": [
    // alice runs the gateway
    { "src": ["alice@example.com"], "app": { "tailscale.com/cap/aperture": [ { "role": "admin" }, { "models": "**" } ] } },
    // everyone may use everything (for now)
    { "src": ["*"], "app": { "tailscale.com/cap/aperture": [ { "role": "user" }, { "models": "**" } ] } },
  ],
}
"#;

const OPUS: &str = "claude-opus-4-8";
const HAIKU: &str = "claude-haiku-4-5";

fn rule(src: &str, role: Role, models: &[&str]) -> GrantRule {
    GrantRule {
        src: vec![src.into()],
        role: Some(role),
        models: (!models.is_empty()).then(|| models.iter().map(|m| (*m).to_owned()).collect()),
        ..Default::default()
    }
}

/// The acceptance rules: alice admin `**`; senior engineers Opus; everyone else Haiku.
fn tiers() -> Vec<GrantRule> {
    vec![
        rule("alice@example.com", Role::Admin, &["**"]),
        rule("group:senior-eng", Role::User, &["anthropic/claude-opus-*"]),
        rule("*", Role::User, &["anthropic/claude-haiku-*"]),
    ]
}

fn edit(config: &str, rules: Vec<GrantRule>, mode: EditMode) -> GrantsOutput {
    generate_grants(
        &GrantsInput {
            rules,
            mode,
            source: ConfigInput::text(config),
            ..Default::default()
        },
        PathPolicy::Allowed,
    )
    .unwrap()
}

fn who(login: &str, groups: &[&str]) -> Identity {
    support::identity(Some(login), &[], groups)
}

fn explain(
    config: &str,
    identity: Identity,
    model: &str,
) -> aperture_orchestrator::explain::Explanation {
    explain_access(
        &ExplainInput {
            source: ConfigInput::text(config),
            identity,
            model: Some(model.into()),
            ..Default::default()
        },
        PathPolicy::Allowed,
    )
    .unwrap()
    .explanation
    .unwrap()
}

fn outcome(config: &str, identity: Identity, model: &str) -> Outcome {
    explain(config, identity, model).outcome
}

/// The tiers as explain sees them: a plain user gets Haiku only, a senior engineer Opus.
fn assert_tiers(config: &str) {
    let plain = || who("bob@example.com", &[]);
    let senior = || who("carol@example.com", &["group:senior-eng"]);
    assert_eq!(outcome(config, plain(), OPUS), Outcome::Denied, "{config}");
    assert_eq!(
        outcome(config, plain(), HAIKU),
        Outcome::Allowed,
        "{config}"
    );
    assert_eq!(
        outcome(config, senior(), OPUS),
        Outcome::Allowed,
        "{config}"
    );
    assert_eq!(
        outcome(config, who("alice@example.com", &[]), OPUS),
        Outcome::Allowed
    );
}

#[test]
fn replace_makes_the_grants_exactly_the_rules_and_keeps_comments() {
    assert_eq!(
        outcome(BASE, who("bob@example.com", &[]), OPUS),
        Outcome::Allowed,
        "before: everyone gets Opus"
    );
    let out = edit(BASE, tiers(), EditMode::Replace);
    let config = out.config.unwrap();
    assert_tiers(&config);
    for comment in [
        "// the gateway's one provider",
        "// alice runs the gateway",
        "// everyone may use everything (for now)",
    ] {
        assert!(config.contains(comment), "lost {comment}:\n{config}");
    }
    // alice's grant already said exactly her rule: its line is untouched.
    assert!(config.contains(r#"{ "src": ["alice@example.com"], "app": { "tailscale.com/cap/aperture": [ { "role": "admin" }, { "models": "**" } ] } },"#), "{config}");
    assert!(!config.contains(
        r#"{ "models": "**" } ] } },
  ],"#
    ));
    assert_eq!(out.changed, Some(true));
    assert!(
        support::save_errors(&config).is_empty(),
        "{:?}",
        support::save_errors(&config)
    );
    let grants = aperture_orchestrator::config::Document::parse(&config).unwrap();
    assert_eq!(
        grants.root.get("grants").unwrap().as_array().unwrap().len(),
        3,
        "one grant per rule: {config}"
    );
}

#[test]
fn add_with_the_same_rules_returns_the_same_text_byte_for_byte() {
    let replaced = edit(BASE, tiers(), EditMode::Replace).config.unwrap();
    let again = edit(&replaced, tiers(), EditMode::Add);
    assert_eq!(again.config.as_deref(), Some(replaced.as_str()));
    assert_eq!(again.changed, Some(false));
    // Running the same add twice does not duplicate grants either.
    let once = edit(BASE, tiers(), EditMode::Add).config.unwrap();
    let twice = edit(&once, tiers(), EditMode::Add).config.unwrap();
    assert_eq!(once, twice);
    // And a replace that changes nothing leaves the bytes as they are.
    let replaced_again = edit(&replaced, tiers(), EditMode::Replace).config.unwrap();
    assert_eq!(replaced_again, replaced);
}

#[test]
fn replace_keeps_hooks_and_other_capabilities() {
    let config = r#"{
  "hooks": { "guard": { "url": "https://guard.example.ts.net/check" } },
  "grants": [
    { "src": ["alice@example.com"], "app": { "tailscale.com/cap/aperture": [ { "role": "admin" } ] } },
    // the guardrail for everyone
    { "src": ["*"], "app": {
        "tailscale.com/cap/aperture": [ { "role": "user" }, { "models": "**" }, { "send_hooks": [ { "name": "guard", "events": ["pre_request"], "send": ["user_message"] } ] } ],
        "mycompany.com/cap/policy": [ { "tier": "enterprise" } ],
    } },
    { "src": ["bob@example.com"], "app": { "tailscale.com/cap/aperture": [ { "models": "openai/**" } ], "mycompany.com/cap/policy": [ { "tier": "free" } ] } },
  ],
}"#;
    let out = edit(
        config,
        vec![
            rule("alice@example.com", Role::Admin, &["**"]),
            rule("*", Role::User, &["anthropic/claude-haiku-*"]),
        ],
        EditMode::Replace,
    );
    let text = out.config.unwrap();
    let doc: Value = serde_json::from_str(
        &aperture_orchestrator::config::Document::parse(&text)
            .unwrap()
            .root
            .to_json()
            .to_string(),
    )
    .unwrap();
    let grants = doc["grants"].as_array().unwrap();
    let everyone = &grants[1]["app"];
    assert_eq!(
        everyone["tailscale.com/cap/aperture"],
        serde_json::json!([
            { "role": "user" },
            { "send_hooks": [ { "name": "guard", "events": ["pre_request"], "send": ["user_message"] } ] },
            { "models": "anthropic/claude-haiku-*" }
        ]),
        "{text}"
    );
    assert_eq!(
        everyone["mycompany.com/cap/policy"][0]["tier"],
        "enterprise"
    );
    // bob's grant keeps its own capability, without Aperture access.
    assert_eq!(
        grants[2]["app"],
        serde_json::json!({ "mycompany.com/cap/policy": [ { "tier": "free" } ] }),
        "{text}"
    );
    assert!(text.contains("// the guardrail for everyone"));
    assert_eq!(
        outcome(&text, who("bob@example.com", &[]), "openai/gpt-5"),
        Outcome::NotFound,
        "no provider serves it; bob's models grant is gone either way"
    );
}

#[test]
fn remove_drops_the_sources_access() {
    let tiered = edit(BASE, tiers(), EditMode::Replace).config.unwrap();
    let out = edit(
        &tiered,
        vec![GrantRule {
            src: vec!["group:senior-eng".into()],
            ..Default::default()
        }],
        EditMode::Remove,
    );
    let text = out.config.unwrap();
    assert!(!text.contains("group:senior-eng"), "{text}");
    assert_eq!(
        outcome(&text, who("carol@example.com", &["group:senior-eng"]), OPUS),
        Outcome::Denied
    );
    assert!(out.grants.is_empty());
    // A grant that names others too keeps them.
    let shared = r#"{"grants": [
      {"src": ["alice@example.com"], "app": {"tailscale.com/cap/aperture": [{"role": "admin"}]}},
      {"src": ["bob@example.com", "dave@example.com"], "app": {"tailscale.com/cap/aperture": [{"role": "user"}, {"models": "**"}]}}
    ]}"#;
    let out = edit(
        shared,
        vec![GrantRule {
            src: vec!["bob@example.com".into()],
            ..Default::default()
        }],
        EditMode::Remove,
    );
    let text = out.config.unwrap();
    let doc = aperture_orchestrator::config::Document::parse(&text).unwrap();
    assert_eq!(
        doc.root.pointer("/grants/1/src").unwrap().to_json(),
        serde_json::json!(["dave@example.com"]),
        "{text}"
    );
    assert!(!text.contains("bob@example.com"), "{text}");
    // Removing the only admin is the lockout the guard refuses.
    let lockout = generate_grants(
        &GrantsInput {
            rules: vec![GrantRule {
                src: vec!["alice@example.com".into()],
                ..Default::default()
            }],
            mode: EditMode::Remove,
            source: ConfigInput::text(shared),
            ..Default::default()
        },
        PathPolicy::Allowed,
    )
    .unwrap_err()
    .to_string();
    assert!(lockout.contains("lockout"), "{lockout}");
}

#[test]
fn replace_and_remove_need_a_config() {
    for mode in [EditMode::Replace, EditMode::Remove] {
        let err = generate_grants(
            &GrantsInput {
                rules: tiers(),
                mode,
                ..Default::default()
            },
            PathPolicy::Allowed,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("config"), "{err}");
    }
}

#[test]
fn an_admin_rule_without_models_is_named() {
    let out = edit(
        BASE,
        vec![
            rule("alice@example.com", Role::Admin, &[]),
            rule("group:eng", Role::User, &["**"]),
        ],
        EditMode::Replace,
    );
    assert_eq!(out.admins_without_models, ["alice@example.com"]);
    let note = out
        .notes
        .iter()
        .find(|n| n.contains("admin `alice@example.com`"))
        .unwrap_or_else(|| panic!("{:?}", out.notes));
    assert!(note.contains("403") && note.contains("`models`"), "{note}");
    // What the note says is what explain finds.
    assert_eq!(
        outcome(
            out.config.as_deref().unwrap(),
            who("alice@example.com", &[]),
            "claude-sonnet-4-6"
        ),
        Outcome::Denied
    );
    // With models, no note.
    let out = edit(r#"{"grants": []}"#, tiers(), EditMode::Add);
    assert!(out.admins_without_models.is_empty(), "{:?}", out.notes);
}

#[test]
fn budgets_define_buckets_that_validate_and_are_charged() {
    let rules = vec![
        rule("alice@example.com", Role::Admin, &["**"]),
        GrantRule {
            budgets: Some(vec![
                Budget {
                    capacity: "$10".into(),
                    rate: "$5.00/day".into(),
                    per: BudgetScope::User,
                    name: None,
                },
                Budget {
                    capacity: "500".into(),
                    rate: "$500/month".into(),
                    per: BudgetScope::Shared,
                    name: Some("team".into()),
                },
            ]),
            ..rule("*", Role::User, &["anthropic/claude-haiku-*"])
        },
    ];
    let out = edit(BASE, rules.clone(), EditMode::Replace);
    let text = out.config.clone().unwrap();
    assert!(
        support::save_errors(&text).is_empty(),
        "{:?}\n{text}",
        support::save_errors(&text)
    );
    assert_eq!(
        out.quotas.keys().collect::<Vec<_>>(),
        ["everyone:<user>", "team"]
    );
    assert_eq!(out.quotas["team"]["capacity"], "$500");
    assert!(
        out.notes
            .iter()
            .any(|n| n.contains("2 buckets") && n.contains("every one of them has balance")),
        "{:?}",
        out.notes
    );
    let explained = explain(&text, who("bob@example.com", &[]), HAIKU);
    assert_eq!(explained.outcome, Outcome::Allowed);
    let charged: Vec<&str> = explained
        .quotas
        .iter()
        .map(|q| q.resolved.as_str())
        .collect();
    assert_eq!(charged, ["everyone:bob@example.com", "team"]);
    assert!(
        explained
            .steps
            .iter()
            .filter(|s| s.detail.contains("is charged"))
            .all(|s| s.result == StepResult::Pass)
            && explained
                .steps
                .iter()
                .filter(|s| s.detail.contains("is charged"))
                .count()
                == 2,
        "{:?}",
        explained.steps
    );
    // The same budgets again change nothing; a different definition is refused in add mode.
    assert_eq!(
        edit(&text, rules.clone(), EditMode::Add).config.as_deref(),
        Some(text.as_str())
    );
    let mut cheaper = rules;
    cheaper[1].budgets.as_mut().unwrap()[0].capacity = "$1".into();
    let err = generate_grants(
        &GrantsInput {
            rules: cheaper.clone(),
            source: ConfigInput::text(text.as_str()),
            ..Default::default()
        },
        PathPolicy::Allowed,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("everyone:<user>") && err.contains("replace"),
        "{err}"
    );
    let redefined = edit(&text, cheaper, EditMode::Replace);
    assert!(redefined.config.unwrap().contains(r#""capacity": "$1""#));
    // Without a config, the buckets come back to be defined by hand.
    let alone = generate_grants(
        &GrantsInput {
            rules: edit_rules_with_budget(),
            ..Default::default()
        },
        PathPolicy::Allowed,
    )
    .unwrap();
    assert_eq!(alone.quotas["everyone:<user>"]["rate"], "$5/day");
}

fn edit_rules_with_budget() -> Vec<GrantRule> {
    vec![
        rule("alice@example.com", Role::Admin, &["**"]),
        GrantRule {
            budgets: Some(vec![Budget {
                capacity: "$10".into(),
                rate: "$5/day".into(),
                per: BudgetScope::User,
                name: None,
            }]),
            ..rule("*", Role::User, &["**"])
        },
    ]
}

#[test]
fn bad_budgets_are_refused_with_the_form() {
    let mut rules = edit_rules_with_budget();
    rules[1].budgets.as_mut().unwrap()[0].rate = "$5 a day".into();
    let err = generate_grants(
        &GrantsInput {
            rules,
            ..Default::default()
        },
        PathPolicy::Allowed,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("$5.00/day"), "{err}");
}

// The real binary.

fn cli(args: &[&str]) -> std::process::Output {
    support::bin().args(args).output().unwrap()
}

#[test]
fn the_cli_equals_form_gives_the_same_access_as_the_tool() {
    let dir = support::TempDir::new("grants-edit");
    let path = dir.path().join("aperture.hujson");
    std::fs::write(&path, BASE).unwrap();
    let path = path.to_str().unwrap();
    let output = cli(&[
        "grants",
        "--admin",
        "alice@example.com=**",
        "--user",
        "group:senior-eng=anthropic/claude-opus-*",
        "--user",
        "*=anthropic/claude-haiku-*",
        "--config",
        path,
        "--replace",
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{output:?}");
    let out: Value = serde_json::from_slice(&output.stdout).unwrap();
    let config = out["config"].as_str().unwrap();
    assert_tiers(config);
    let tool = edit(BASE, tiers(), EditMode::Replace).config.unwrap();
    assert_eq!(config, tool, "the CLI and the tool make the same text");
    // --write, then the same command again in add mode: nothing changes on disk.
    let written = cli(&[
        "grants",
        "--admin",
        "alice@example.com=**",
        "--user",
        "group:senior-eng=anthropic/claude-opus-*",
        "--user",
        "*=anthropic/claude-haiku-*",
        "--config",
        path,
        "--replace",
        "--write",
    ]);
    assert!(written.status.success(), "{written:?}");
    let again = cli(&[
        "grants",
        "--admin",
        "alice@example.com=**",
        "--user",
        "group:senior-eng=anthropic/claude-opus-*",
        "--user",
        "*=anthropic/claude-haiku-*",
        "--config",
        path,
        "--write",
    ]);
    assert!(again.status.success(), "{again:?}");
    assert!(String::from_utf8_lossy(&again.stdout).contains("config: unchanged"));
    assert_eq!(std::fs::read_to_string(path).unwrap(), tool);
}

#[test]
fn the_cli_refuses_models_that_could_belong_to_several_users() {
    let output = cli(&[
        "grants",
        "--admin",
        "alice@example.com",
        "--user",
        "group:senior-eng",
        "--models",
        "anthropic/claude-opus-*",
        "--user",
        "*",
        "--models",
        "anthropic/claude-haiku-*",
    ]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("ambiguous"), "{stderr}");
    assert!(
        stderr
            .contains("--user 'group:senior-eng=anthropic/claude-opus-*,anthropic/claude-haiku-*'")
            && stderr.contains("--user '*=")
            && stderr.contains("`=` form"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty(), "nothing generated");
    // One bare --user with --models is still fine.
    let one = cli(&[
        "grants",
        "--admin",
        "alice@example.com=**",
        "--user",
        "group:eng",
        "--models",
        "anthropic/**",
    ]);
    assert!(one.status.success(), "{one:?}");
}

#[test]
fn the_cli_names_an_admin_without_models_in_its_own_flags() {
    let output = cli(&[
        "grants",
        "--admin",
        "alice@example.com",
        "--user",
        "group:eng",
    ]);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("admin `alice@example.com` is given no models")
            && stdout.contains("--admin 'alice@example.com=**'"),
        "{stdout}"
    );
    assert!(!stdout.contains("`models` in its rule"), "{stdout}");
}

#[test]
fn the_cli_budget_flag_defines_the_bucket() {
    let output = cli(&[
        "grants",
        "--admin",
        "alice@example.com=**",
        "--user",
        "*=anthropic/**",
        "--budget",
        "*=$10,$5/day,node",
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{output:?}");
    let out: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(out["quotas"]["everyone:<node>"]["capacity"], "$10");
    assert_eq!(
        out["grants"][1]["app"]["tailscale.com/cap/aperture"][1]["quotas"][0]["bucket"],
        "everyone:<node>"
    );
    let unknown = cli(&[
        "grants",
        "--admin",
        "a@example.com",
        "--budget",
        "b@example.com=$1,$1/day",
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no --admin or --user"));
}
