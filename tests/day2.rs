//! Day-2 operations against the fake Aperture: budgets in dollars (read, refill, capped,
//! unknown buckets refused), and a gateway's status in one call on healthy, no-role and
//! missing-flag gateways.
// Test code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use aperture_orchestrator::tools::live_config::Daemon;
use aperture_orchestrator::tools::quota::{QuotaInput, RefillInput, get_quotas, refill_quota};
use aperture_orchestrator::tools::status::{SeenRole, StatusInput, gateway_status};
use aperture_orchestrator::tools::{ConfigInput, PathPolicy};
use support::fake_aperture::{FakeAperture, FakeBucket, Grant, Provider, Role, Spec};

const ALICE_DAILY: &str = "daily:alice@example.com";

fn buckets() -> Vec<FakeBucket> {
    vec![
        FakeBucket {
            name: ALICE_DAILY.into(),
            current: 1_250_000_000,
            capacity: 10_000_000_000,
            rate: "$5.00/day".into(),
        },
        FakeBucket {
            name: "team-pool".into(),
            current: 99_000_000_000,
            capacity: 100_000_000_000,
            rate: "$100.00/month".into(),
        },
    ]
}

async fn gateway(admin: bool) -> FakeAperture {
    let role = if admin { Role::Admin } else { Role::User };
    FakeAperture::start(Spec {
        grants: vec![Grant {
            role: Some(role),
            ..Grant::user("alice@example.com", &["*"])
        }],
        buckets: buckets(),
        connectors: vec![("github".into(), "mcp".into())],
        ..Spec::default()
    })
    .await
}

const CONFIG: &str = r#"{
  "quotas": {
    "daily:<user>": {"capacity": "$10.00", "rate": "$5.00/day", "on_exceed": "reject"},
    "team-pool": {"capacity": "$100.00", "rate": "$100.00/month", "on_exceed": "reject"},
  },
  "grants": [
    {"src": ["alice@example.com"], "app": {"tailscale.com/cap/aperture": [{"role": "admin"}, {"models": "**", "quotas": [{"bucket": "daily:<user>"}]}]}},
    {"src": ["group:eng"], "app": {"tailscale.com/cap/aperture": [{"role": "user"}, {"models": "**", "quotas": [{"bucket": "team-pool"}]}]}},
  ],
}"#;

#[tokio::test]
async fn budgets_are_shown_in_dollars_with_the_grants_that_charge_them() {
    let fake = gateway(true).await;
    let input = QuotaInput {
        url: fake.url(),
        config: ConfigInput::text(CONFIG),
    };
    let status = get_quotas(&input, PathPolicy::Allowed).await.unwrap();
    let daily = status
        .buckets
        .iter()
        .find(|b| b.name == ALICE_DAILY)
        .unwrap();
    assert_eq!(daily.balance.as_deref(), Some("$1.25"));
    assert_eq!(daily.capacity.as_deref(), Some("$10.00"));
    assert_eq!(daily.percent_used, Some(87.5));
    assert_eq!(daily.charged_by, ["grants[0] (src: alice@example.com)"]);
    let pool = status
        .buckets
        .iter()
        .find(|b| b.name == "team-pool")
        .unwrap();
    assert_eq!(pool.charged_by, ["grants[1] (src: group:eng)"]);
    assert!(status.notes.iter().any(|n| n.contains("UNCONFIRMED")));
}

#[tokio::test]
async fn a_refill_adds_exactly_the_amount_capped_at_capacity() {
    let fake = gateway(true).await;
    let refill = |bucket: &str, amount: &str| RefillInput {
        url: fake.url(),
        bucket: bucket.into(),
        amount: amount.into(),
    };
    let out = refill_quota(&refill(ALICE_DAILY, "$2.50")).await.unwrap();
    assert_eq!(out.before.balance.as_deref(), Some("$1.25"));
    assert_eq!(
        out.after.as_ref().unwrap().balance.as_deref(),
        Some("$3.75")
    );
    assert_eq!(
        fake.buckets.lock().unwrap()[0].current,
        3_750_000_000,
        "raised by exactly $2.50"
    );
    // The pool has $1.00 of room: capped, and said so.
    let out = refill_quota(&refill("team-pool", "$2.50")).await.unwrap();
    assert_eq!(
        out.after.as_ref().unwrap().balance.as_deref(),
        Some("$100.00")
    );
    assert!(
        out.notes.iter().any(|n| n.contains("capped")),
        "{:?}",
        out.notes
    );
    // An unknown bucket: refused with the known ones, nothing changed.
    let err = refill_quota(&refill("daily:bob@example.com", "$1"))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("unknown bucket") && err.contains(ALICE_DAILY) && err.contains("team-pool"),
        "{err}"
    );
    let err = refill_quota(&refill(ALICE_DAILY, "2.50"))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("`$2.50`"), "{err}");
    // A user may not refill.
    let user = gateway(false).await;
    let err = refill_quota(&RefillInput {
        url: user.url(),
        bucket: ALICE_DAILY.into(),
        amount: "$1".into(),
    })
    .await
    .unwrap_err()
    .to_string();
    assert!(err.contains("403"), "{err}");
}

#[tokio::test]
async fn the_cli_prints_budgets_and_refills() {
    let fake = gateway(true).await;
    let out = support::async_bin()
        .args(["quota", "status", &fake.url()])
        .output()
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("daily:alice@example.com: $1.25 of $10.00 (87.5% used)"),
        "{text}"
    );
    let out = support::async_bin()
        .args([
            "quota",
            "refill",
            &fake.url(),
            "--bucket",
            ALICE_DAILY,
            "--amount",
            "$2.50",
        ])
        .output()
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("before: daily:alice@example.com: $1.25")
            && text.contains("after:  daily:alice@example.com: $3.75"),
        "{text}"
    );
}

async fn status_of(spec: Spec) -> aperture_orchestrator::tools::status::GatewayStatus {
    let fake = FakeAperture::start(spec).await;
    gateway_status(
        &StatusInput { url: fake.url() },
        PathPolicy::Allowed,
        &Daemon::Off,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn the_status_of_a_healthy_gateway_says_what_an_agent_needs() {
    let status = status_of(Spec {
        grants: vec![Grant {
            role: Some(Role::Admin),
            ..Grant::user("alice@example.com", &["*"])
        }],
        buckets: buckets(),
        connectors: vec![("github".into(), "mcp".into())],
        config_api: Some(support::fake_aperture::ConfigApiSpec {
            current: true,
            initial: "{}".into(),
            ..Default::default()
        }),
        ..Spec::default()
    })
    .await;
    assert!(status.reachable);
    assert_eq!(status.role, SeenRole::Admin);
    assert_eq!(
        status.config_api,
        Some(aperture_orchestrator::tools::live_config::ConfigApi::Aperture)
    );
    let claude = status
        .models
        .iter()
        .find(|m| m.id == "claude-sonnet-4-5")
        .unwrap();
    assert_eq!(claude.apis, ["anthropic_messages"]);
    assert_eq!(status.budgets.len(), 2);
    assert_eq!(status.providers, ["anthropic", "openai"]);
    assert_eq!(status.connectors, ["github"]);
    assert!(status.findings.is_empty(), "{:?}", status.findings);
}

#[tokio::test]
async fn the_status_of_a_gateway_without_a_role_says_so() {
    let status = status_of(Spec {
        grants: vec![Grant {
            role: None,
            ..Grant::user("bob@example.com", &["**"])
        }],
        ..Spec::default()
    })
    .await;
    assert!(status.reachable);
    assert_eq!(status.role, SeenRole::None);
    assert!(status.models.is_empty());
    assert!(!status.findings.is_empty(), "the probes name the 403");
}

#[tokio::test]
async fn the_status_of_a_gateway_missing_a_flag_names_it() {
    let status = status_of(Spec {
        providers: vec![Provider::new(
            "anthropic",
            &["claude-sonnet-4-5"],
            &["openai_chat"],
        )],
        ..Spec::default()
    })
    .await;
    assert_eq!(status.role, SeenRole::User);
    let finding = status
        .findings
        .iter()
        .find(|f| f.message.contains("claude-sonnet-4-5"))
        .unwrap_or_else(|| panic!("{:?}", status.findings));
    assert!(
        finding.message.contains("anthropic_messages") && finding.message.contains("claude-code")
    );
}
