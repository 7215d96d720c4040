//! `gateway_status`: what an agent needs before acting on a gateway, in one call: whether it
//! answers (the free probes of `test_endpoint`), who the caller is, its role (the config API
//! answers only admins; the model list answers anyone with a role), the models it can call
//! and on which APIs, its budgets, the providers and connectors the gateway lists, and which
//! config API generation it speaks.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::gateway::{get, root_of};
use super::input::{PathPolicy, ToolError};
use super::live_config::{self, Caller, ConfigApi, Daemon, GetInput};
use super::quota::{Bucket, QuotaInput, get_quotas};
use super::test_endpoint::{TestInput, test_endpoint};
use crate::access::Role;
use crate::catalog::apis::Api;
use crate::probe::classify::{Listing, parse_listing};
use crate::probe::{Finding, Verdict};

/// Arguments of `gateway_status`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct StatusInput {
    // The gateway, e.g. `http://ai`.
    pub url: String,
}

/// The caller's role as the gateway's answers show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SeenRole {
    /// The config API answered.
    Admin,
    /// The model list answered, the config API refused.
    User,
    /// Everything answered 403 "no role granted".
    None,
    /// The answers do not tell.
    Unknown,
}

impl From<Role> for SeenRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Admin => SeenRole::Admin,
            Role::User => SeenRole::User,
        }
    }
}

/// A model the caller can call, and through which APIs.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CallableModel {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Compatibility flags of the APIs it is served on (`anthropic_messages`, ...).
    pub apis: Vec<String>,
}

/// Result of `gateway_status`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct GatewayStatus {
    pub url: String,
    /// Answers HTTP as Aperture does.
    pub reachable: bool,
    /// The free probes' verdict and why.
    pub verdict: Verdict,
    pub summary: String,
    pub caller: Caller,
    pub role: SeenRole,
    /// The config API generation, when the caller may read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_api: Option<ConfigApi>,
    pub models: Vec<CallableModel>,
    pub budgets: Vec<Bucket>,
    /// Provider IDs `GET /api/providers` lists (disabled ones included).
    pub providers: Vec<String>,
    /// Connector IDs `GET /api/connectors` lists, with their status when given.
    pub connectors: Vec<String>,
    /// What is wrong: the probes' findings (models missing their native API included).
    pub findings: Vec<Finding>,
    pub notes: Vec<String>,
}

/// Everything in one call; the reads run concurrently.
pub async fn gateway_status(
    input: &StatusInput,
    policy: PathPolicy,
    daemon: &Daemon,
) -> Result<GatewayStatus, ToolError> {
    let root = root_of(&input.url)?;
    let probes = TestInput {
        url: root.clone(),
        ..TestInput::default()
    };
    let daemon = daemon.clone();
    let who = tokio::task::spawn_blocking(move || live_config::caller::resolve(None, &daemon));
    let quotas = QuotaInput {
        url: root.clone(),
        ..QuotaInput::default()
    };
    let read_config = GetInput { url: root.clone() };
    let (report, config, models, budgets, providers, connectors) = tokio::join!(
        test_endpoint(&probes, policy),
        live_config::get_config(&read_config),
        get(&root, "/v1/models"),
        get_quotas(&quotas, policy),
        get(&root, "/api/providers"),
        get(&root, "/api/connectors"),
    );
    let report = report?.report;
    let caller = who
        .await
        .unwrap_or_else(|_| live_config::caller::resolve(None, &Daemon::Off));
    let mut notes = Vec::new();
    let listing = (models.status == Some(200))
        .then(|| parse_listing(&models.body))
        .flatten();
    let role = match (&config, models.status) {
        (Ok(_), _) => SeenRole::Admin,
        (Err(_), Some(200)) => SeenRole::User,
        (Err(_), Some(403)) => SeenRole::None,
        _ => SeenRole::Unknown,
    };
    if role == SeenRole::User {
        notes.push("the config API refused this caller: not an admin (reading or changing the config needs `role: admin`)".into());
    }
    let findings = report.findings.clone();
    let budgets = match budgets {
        Ok(status) => status.buckets,
        Err(e) => {
            notes.push(format!("budgets: {e}"));
            Vec::new()
        }
    };
    notes.push("Aperture reports no caller identity over HTTP (UNCONFIRMED that any endpoint does): `caller` is what the local Tailscale daemon says; the dashboard shows whom the gateway sees".into());
    Ok(GatewayStatus {
        url: root,
        reachable: models.status.is_some() || report.verdict != Verdict::Failed,
        verdict: report.verdict,
        summary: report.summary,
        caller,
        role,
        config_api: config.as_ref().ok().map(|c| c.api),
        models: listing.as_ref().map(callable).unwrap_or_default(),
        budgets,
        providers: ids(&providers.body, "providers"),
        connectors: ids(&connectors.body, "connectors"),
        findings,
        notes,
    })
}

fn callable(listing: &Listing) -> Vec<CallableModel> {
    let mut out: Vec<CallableModel> = Vec::new();
    for m in &listing.models {
        let apis: Vec<String> = m
            .endpoints
            .iter()
            .filter_map(|e| Api::for_endpoint(e))
            .map(|a| a.flag().to_owned())
            .collect();
        match out
            .iter_mut()
            .find(|c| c.id == m.id && c.provider == m.provider)
        {
            Some(c) => c.apis.extend(apis),
            None => out.push(CallableModel {
                id: m.id.clone(),
                provider: m.provider.clone(),
                apis,
            }),
        }
    }
    out
}

/// The IDs in a discovery answer: a bare array, `{key: [...]}` or `{key: {id: ...}}`.
fn ids(body: &[u8], key: &str) -> Vec<String> {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Vec::new();
    };
    let inner = value.get(key).unwrap_or(&value);
    match inner {
        Value::Array(items) => items
            .iter()
            .filter_map(|i| i.get("id").and_then(Value::as_str).map(str::to_owned))
            .collect(),
        Value::Object(map) => map.keys().cloned().collect(),
        _ => Vec::new(),
    }
}
