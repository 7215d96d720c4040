//! Effective access per person (issue 15): the plan's gains and losses are the difference of
//! each identity's access before and after (through `plan_against`), and the access table of
//! `generate_grants` agrees with `explain_access` for every identity it lists, over configs
//! and rule sets from a small deterministic generator.
// Test code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use aperture_orchestrator::access::{AccessRow, Person, PersonKind, Role};
use aperture_orchestrator::explain::{Outcome, Stage};
use aperture_orchestrator::glob::matches_model;
use aperture_orchestrator::tools::explain::{ExplainInput, explain_access};
use aperture_orchestrator::tools::grants::{GrantRule, GrantsInput, generate_grants};
use aperture_orchestrator::tools::live_config::{
    AccessChange, ConfigApi, LiveConfig, plan_against,
};
use aperture_orchestrator::tools::{ConfigInput, PathPolicy};

const PROVIDERS: &str = r#"
  "providers": {
    "anthropic": { "baseurl": "https://api.anthropic.com", "apikey": "sk-ant-PLACEHOLDER", "authorization": "x-api-key", "models": ["claude-opus-4-8", "claude-sonnet-4-6", "claude-haiku-4-5"], "compatibility": { "anthropic_messages": true, "openai_chat": false } },
    "openai": { "baseurl": "https://api.openai.com", "apikey": "sk-PLACEHOLDER", "models": ["gpt-5", "gpt-5-mini"] },
  },
  "quotas": {
    "daily:<user>": { "capacity": "$10.00", "rate": "$5.00/day", "on_exceed": "reject" },
    "team": { "capacity": "$500.00", "rate": "$500.00/month", "on_exceed": "reject" },
  },"#;

/// Every `(provider, model)` the providers above serve.
const SERVED: &[(&str, &str)] = &[
    ("anthropic", "claude-opus-4-8"),
    ("anthropic", "claude-sonnet-4-6"),
    ("anthropic", "claude-haiku-4-5"),
    ("openai", "gpt-5"),
    ("openai", "gpt-5-mini"),
];

fn config(grants: &str) -> String {
    format!("// the gateway\n{{{PROVIDERS}\n  \"grants\": [\n{grants}\n  ],\n}}\n")
}

fn live(text: String) -> LiveConfig {
    LiveConfig {
        url: "http://127.0.0.1:8080".into(),
        api: ConfigApi::Aperture,
        version: "\"etag-1\"".into(),
        config: text,
    }
}

fn change<'a>(changes: &'a [AccessChange], src: &str) -> Option<&'a AccessChange> {
    changes.iter().find(|c| c.src == src)
}

const NARROWED_BEFORE: &str = r#"
    { "src": ["alice@example.com"], "app": { "tailscale.com/cap/aperture": [ { "role": "admin" } ] } },
    { "src": ["bob@example.com"], "app": { "tailscale.com/cap/aperture": [ { "models": "**" } ] } },
    { "src": ["carol@example.com"], "app": { "tailscale.com/cap/aperture": [ { "role": "user" } ] } },
    { "src": ["group:senior-eng"], "app": { "tailscale.com/cap/aperture": [ { "models": "anthropic/claude-opus-*" } ] } },
    { "src": ["*"], "app": { "tailscale.com/cap/aperture": [ { "role": "user" }, { "models": "**" } ] } },"#;

#[test]
fn narrowing_everyone_reports_exactly_the_lost_models_per_person() {
    let before = config(NARROWED_BEFORE);
    let after = before.replace(
        r#"{ "role": "user" }, { "models": "**" }"#,
        r#"{ "role": "user" }, { "models": "anthropic/claude-haiku-*" }"#,
    );
    assert_ne!(before, after);
    let plan = plan_against(&live(before), &after, Some("alice@example.com"));
    assert!(plan.lockout.is_none(), "{:?}", plan.lockout);
    let everything_but_haiku = vec![
        "anthropic/claude-opus-4-8".to_owned(),
        "anthropic/claude-sonnet-4-6".into(),
        "openai/gpt-5".into(),
        "openai/gpt-5-mini".into(),
    ];
    // A plain user (anyone no `src` names) and a login named only for a role lose exactly
    // what `*` no longer gives.
    for plain in ["*", "carol@example.com"] {
        let c = change(&plan.access, plain).unwrap_or_else(|| panic!("{plain}: {:?}", plan.access));
        assert_eq!(c.models_lost, everything_but_haiku, "{plain}");
        assert!(c.models_gained.is_empty(), "{plain}");
        assert_eq!(
            (c.role_before, c.role_after),
            (Some(Role::User), Some(Role::User))
        );
    }
    // bob keeps every model through his own grant: no change at all.
    assert!(
        change(&plan.access, "bob@example.com").is_none(),
        "{:?}",
        plan.access
    );
    // A senior engineer keeps Opus through the group's grant, and loses only the rest.
    let senior = change(&plan.access, "group:senior-eng").unwrap();
    assert_eq!(
        senior.models_lost,
        vec![
            "anthropic/claude-sonnet-4-6".to_owned(),
            "openai/gpt-5".into(),
            "openai/gpt-5-mini".into()
        ]
    );
    // The admin had her models through `*` too: she loses them, and stays admin.
    let alice = change(&plan.access, "alice@example.com").unwrap();
    assert_eq!(
        (alice.role_before, alice.role_after),
        (Some(Role::Admin), Some(Role::Admin))
    );
    assert_eq!(alice.models_lost, everything_but_haiku);
    assert_eq!(plan.access.len(), 4, "{:?}", plan.access);
}

#[test]
fn an_admin_who_already_was_one_is_not_reported_as_new() {
    let before = config(
        r#"
    { "src": ["*"], "app": { "tailscale.com/cap/aperture": [ { "role": "admin" } ] } },
    { "src": ["*"], "app": { "tailscale.com/cap/aperture": [ { "role": "user" }, { "models": "**" } ] } },"#,
    );
    let after = before.replace(
        r#"{ "src": ["*"], "app": { "tailscale.com/cap/aperture": [ { "role": "admin" } ] } }"#,
        r#"{ "src": ["alice@example.com"], "app": { "tailscale.com/cap/aperture": [ { "role": "admin" } ] } }"#,
    );
    assert_ne!(before, after);
    // Without `as`: the plan still judges alice by her access on both sides.
    let plan = plan_against(&live(before), &after, None);
    assert!(
        change(&plan.access, "alice@example.com").is_none(),
        "alice was admin through `*` already: {:?}",
        plan.access
    );
    let everyone = change(&plan.access, "*").unwrap();
    assert_eq!(
        (everyone.role_before, everyone.role_after),
        (Some(Role::Admin), Some(Role::User))
    );
    assert!(everyone.models_lost.is_empty() && everyone.models_gained.is_empty());
    assert_eq!(plan.access.len(), 1, "{:?}", plan.access);
    assert_eq!(plan.admins_after, vec!["alice@example.com".to_owned()]);
}

/// A small deterministic generator (a 64-bit LCG): the same sequence on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % below as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next(items.len())]
    }

    fn some(&mut self, items: &[&str], at_most: usize) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for _ in 0..self.next(at_most + 1) {
            let item = self.pick(items).to_owned();
            if !out.contains(&item) {
                out.push(item);
            }
        }
        out
    }
}

const SOURCES: &[&str] = &[
    "*",
    "alice@example.com",
    "bob@example.com",
    "group:eng",
    "group:senior-eng",
    "tag:ci",
    "tag:api,tag:prod",
];
const PATTERNS: &[&str] = &[
    "**",
    "anthropic/**",
    "anthropic/claude-opus-*",
    "anthropic/claude-haiku-*",
    "openai/gpt-5",
    "*/claude-sonnet*",
    "openai/*",
];
const BUCKETS: &[&str] = &["daily:<user>", "team"];

fn random_rule(rng: &mut Lcg) -> GrantRule {
    let mut src = rng.some(SOURCES, 2);
    if src.is_empty() {
        src.push(rng.pick(SOURCES).to_owned());
    }
    let role = [None, Some(Role::User), Some(Role::Admin)][rng.next(3)];
    let models = rng.some(PATTERNS, 2);
    let quotas = rng.some(BUCKETS, 2);
    GrantRule {
        src,
        role: if role.is_none() && models.is_empty() {
            Some(Role::User)
        } else {
            role
        },
        models: (!models.is_empty()).then_some(models),
        quotas: (!quotas.is_empty()).then_some(quotas),
        ..Default::default()
    }
}

/// An existing grant in JSON, for the config the rules are merged into.
fn random_grant(rng: &mut Lcg) -> String {
    let src = rng.pick(SOURCES);
    let mut caps = Vec::new();
    match rng.next(3) {
        0 => caps.push(r#"{ "role": "user" }"#.to_owned()),
        1 => caps.push(r#"{ "role": "admin" }"#.to_owned()),
        _ => {}
    }
    let pattern = rng.pick(PATTERNS);
    match rng.next(3) {
        0 => caps.push(format!(r#"{{ "models": "{pattern}" }}"#)),
        1 => caps.push(format!(
            r#"{{ "models": "{pattern}", "quotas": [ {{ "bucket": "team" }} ] }}"#
        )),
        _ => {}
    }
    if caps.is_empty() {
        caps.push(r#"{ "role": "user" }"#.to_owned());
    }
    format!(
        r#"    {{ "src": ["{src}"], "app": {{ "tailscale.com/cap/aperture": [ {} ] }} }},"#,
        caps.join(", ")
    )
}

/// What the table row claims for one model, checked against `explain_access` for the row's
/// identity (a stand-in member for a group, a stand-in login for anyone else).
fn check_row(merged: &str, row: &AccessRow, seen: &mut [usize; 2], failures: &mut Vec<String>) {
    let person = Person::of_selector(&row.src);
    assert_eq!(person.kind, row.kind, "{}", row.src);
    for (provider, model) in SERVED {
        let expected =
            row.role.is_some() && row.models.iter().any(|p| matches_model(p, provider, model));
        let out = explain_access(
            &ExplainInput {
                source: ConfigInput::text(merged),
                identity: person.example(),
                model: Some((*model).to_owned()),
                ..Default::default()
            },
            PathPolicy::Allowed,
        )
        .unwrap();
        let e = out.explanation.unwrap();
        let allowed = e.outcome == Outcome::Allowed;
        seen[usize::from(allowed)] += 1;
        if allowed != expected {
            failures.push(format!(
                "{} {provider}/{model}: table says {expected}, explain says {:?}\n{merged}",
                row.src, e.outcome
            ));
            continue;
        }
        if let Some(role) = row.role {
            let traced = e
                .steps
                .iter()
                .any(|s| s.stage == Stage::Role && s.detail == format!("role `{role}`"));
            if !traced {
                failures.push(format!("{}: role {role} not in the trace", row.src));
            }
        }
        for q in &e.quotas {
            if !row.quotas.contains(&q.bucket) {
                failures.push(format!(
                    "{} {model}: explain charges `{}`, the table lists {:?}",
                    row.src, q.bucket, row.quotas
                ));
            }
        }
    }
}

#[test]
fn the_access_table_agrees_with_explain_for_every_identity_it_lists() {
    let mut rng = Lcg(15);
    let mut failures = Vec::new();
    let mut rows_checked = 0;
    let mut kinds = std::collections::BTreeSet::new();
    // Denied and allowed answers both occur, so agreement is not trivial.
    let mut seen = [0usize; 2];
    for _ in 0..60 {
        let existing: Vec<String> = (0..rng.next(4)).map(|_| random_grant(&mut rng)).collect();
        let rules: Vec<GrantRule> = (0..1 + rng.next(4))
            .map(|_| random_rule(&mut rng))
            .collect();
        let out = generate_grants(
            &GrantsInput {
                rules: rules.clone(),
                source: ConfigInput::text(config(&existing.join("\n"))),
                allow_no_admin: true,
                ..Default::default()
            },
            PathPolicy::Allowed,
        )
        .unwrap();
        let merged = out.config.expect("the merged config");
        assert!(!out.access.is_empty());
        for row in &out.access {
            kinds.insert(format!("{:?}", row.kind));
            check_row(&merged, row, &mut seen, &mut failures);
            rows_checked += 1;
        }
        // The matrix lists the same identities, with the same role.
        let matrix = explain_access(
            &ExplainInput {
                source: ConfigInput::text(merged.as_str()),
                matrix: true,
                ..Default::default()
            },
            PathPolicy::Allowed,
        )
        .unwrap()
        .matrix
        .unwrap();
        let srcs: Vec<&str> = matrix.rows.iter().map(|r| r.src.as_str()).collect();
        let table: Vec<&str> = out.access.iter().map(|r| r.src.as_str()).collect();
        assert_eq!(srcs, table);
        for (m, t) in matrix.rows.iter().zip(&out.access) {
            assert_eq!(m.role, t.role, "{}", t.src);
        }
    }
    assert!(rows_checked >= 200, "only {rows_checked} rows");
    assert!(seen[0] >= 100 && seen[1] >= 100, "denied/allowed: {seen:?}");
    assert_eq!(
        kinds.len(),
        4,
        "every kind of identity was generated: {kinds:?}"
    );
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_login_row_includes_what_everyone_gets_and_several_buckets_are_called_out() {
    let out = generate_grants(
        &GrantsInput {
            rules: vec![
                GrantRule {
                    src: vec!["alice@example.com".into()],
                    role: Some(Role::Admin),
                    ..Default::default()
                },
                GrantRule {
                    src: vec!["*".into()],
                    role: Some(Role::User),
                    models: Some(vec!["anthropic/claude-haiku-*".into()]),
                    quotas: Some(vec!["daily:<user>".into(), "team".into()]),
                    ..Default::default()
                },
            ],
            source: ConfigInput::text(config("")),
            ..Default::default()
        },
        PathPolicy::Allowed,
    )
    .unwrap();
    let alice = out
        .access
        .iter()
        .find(|r| r.src == "alice@example.com")
        .unwrap();
    assert_eq!(alice.kind, PersonKind::Login);
    assert_eq!(alice.role, Some(Role::Admin));
    assert_eq!(alice.models, vec!["anthropic/claude-haiku-*".to_owned()]);
    assert_eq!(alice.quotas, vec!["daily:<user>".to_owned(), "team".into()]);
    assert!(
        alice
            .notes
            .iter()
            .any(|n| n.contains("every one has balance")),
        "{:?}",
        alice.notes
    );
    let anyone = out.access.iter().find(|r| r.src == "*").unwrap();
    assert_eq!(anyone.kind, PersonKind::AnyoneElse);
    assert_eq!(anyone.role, Some(Role::User));
}

#[test]
fn the_matrix_gains_connector_columns_when_the_config_has_connectors() {
    let text = r#"{
  "providers": { "openai": { "baseurl": "https://api.openai.com", "apikey": "sk-PLACEHOLDER", "models": ["gpt-5"] } },
  "connectors": { "servers": {
    "github": { "protocol": "http", "url": "https://api.github.com", "auth": { "type": "bearer_token", "secret": "x" } },
    "stripe": { "protocol": "http", "url": "https://api.stripe.com/v1", "auth": { "type": "bearer_token", "secret": "y" } },
  } },
  "grants": [
    { "src": ["ops@example.com"], "app": { "tailscale.com/cap/aperture": [ { "role": "admin" }, { "connectors": ["**"] } ] } },
    { "src": ["group:eng"], "app": { "tailscale.com/cap/aperture": [ { "connectors": ["github/proxy"] } ] } },
    { "src": ["tag:ci"], "app": { "tailscale.com/cap/aperture": [ { "connectors": ["stripe/**"] } ] } },
    { "src": ["*"], "app": { "tailscale.com/cap/aperture": [ { "role": "user" }, { "models": "**" } ] } },
  ],
}"#;
    let doc = aperture_orchestrator::config::Document::parse(text).unwrap();
    let grants = aperture_orchestrator::access::grants(&doc.root);
    let matrix = aperture_orchestrator::explain::matrix(&doc.root, &grants);
    assert_eq!(
        matrix.connectors,
        vec!["github".to_owned(), "stripe".into()]
    );
    let reached = |src: &str| {
        matrix
            .rows
            .iter()
            .find(|r| r.src == src)
            .unwrap()
            .connectors
            .clone()
    };
    assert_eq!(
        reached("ops@example.com"),
        vec!["github".to_owned(), "stripe".into()]
    );
    assert_eq!(reached("group:eng"), vec!["github".to_owned()]);
    assert_eq!(reached("tag:ci"), vec!["stripe".to_owned()]);
    assert!(reached("*").is_empty());
    let human = aperture_orchestrator::render::access_matrix(&matrix);
    assert!(human.contains("connectors: github, stripe"), "{human}");
    assert!(human.contains("connectors: none"), "{human}");
    // Without connectors the matrix has no connector columns (and its JSON no field).
    let plain = text.replace(
        "\"connectors\": { \"servers\"",
        "\"x_unused\": { \"servers\"",
    );
    let doc = aperture_orchestrator::config::Document::parse(&plain).unwrap();
    let grants = aperture_orchestrator::access::grants(&doc.root);
    let matrix = aperture_orchestrator::explain::matrix(&doc.root, &grants);
    assert!(
        serde_json::to_value(&matrix)
            .unwrap()
            .get("connectors")
            .is_none()
    );
}

#[test]
fn a_bucket_added_to_everyone_reaches_every_identity_in_the_plan() {
    let before = config(NARROWED_BEFORE);
    let after = before.replace(
        r#"{ "role": "user" }, { "models": "**" }"#,
        r#"{ "role": "user" }, { "models": "**", "quotas": [ { "bucket": "team" } ] }"#,
    );
    let plan = plan_against(&live(before), &after, Some("alice@example.com"));
    for src in [
        "*",
        "alice@example.com",
        "bob@example.com",
        "group:senior-eng",
    ] {
        let c = change(&plan.access, src).unwrap_or_else(|| panic!("{src}: {:?}", plan.access));
        assert_eq!(c.quotas_added, vec!["team".to_owned()], "{src}");
        assert!(
            c.models_gained.is_empty() && c.models_lost.is_empty(),
            "{src}"
        );
    }
    let text = aperture_orchestrator::render::plan_report(&plan).to_string();
    assert!(
        text.contains("access bob@example.com: buckets + [team]"),
        "{text}"
    );
}

#[test]
fn an_admin_without_models_is_named_in_the_output() {
    let rules = vec![
        GrantRule {
            src: vec!["alice@example.com".into()],
            role: Some(Role::Admin),
            ..Default::default()
        },
        GrantRule {
            src: vec!["group:eng".into()],
            role: Some(Role::User),
            models: Some(vec!["anthropic/**".into()]),
            ..Default::default()
        },
    ];
    for source in [ConfigInput::text(config("")), ConfigInput::default()] {
        let with_config = source.config.is_some();
        let out = generate_grants(
            &GrantsInput {
                rules: rules.clone(),
                source,
                ..Default::default()
            },
            PathPolicy::Allowed,
        )
        .unwrap();
        let alice = out
            .access
            .iter()
            .find(|r| r.src == "alice@example.com")
            .unwrap();
        assert!(
            alice
                .notes
                .iter()
                .any(|n| n.contains("`alice@example.com` is an admin")),
            "{:?}",
            alice.notes
        );
        if with_config {
            assert!(
                out.diagnostics
                    .iter()
                    .any(|d| d.code == "AP230" && d.message.contains("alice@example.com")),
                "{:?}",
                out.diagnostics
            );
        }
    }
}
