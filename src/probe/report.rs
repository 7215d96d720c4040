//! What a probe run reports: the verdict, each probe's outcome and timings, the findings, and
//! the options a run takes. Shared by the engine and its helpers (classification, curl).

use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::findings::{FindingKind, Severity};
use super::resolver::Resolver;
use crate::catalog::apis::Api;

/// Overall result of a probe run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Every probe passed.
    Ok,
    /// Reachable, but something is off (warnings).
    Degraded,
    /// A probe that should pass failed (errors).
    Failed,
}

/// How one probe went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Ok,
    Warning,
    Failed,
    Skipped,
}

/// Timings of one probe, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Timings {
    /// TCP connect time to the host, measured once by the `tcp` probe (HTTP probes share it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_ms: Option<f64>,
    /// Until the response headers arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_byte_ms: Option<f64>,
    pub total_ms: f64,
}

/// One probe's result.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Probe {
    /// `dns`, `tcp`, `dashboard`, `models` or `completion:<api>`.
    pub name: String,
    /// HTTP method, or `DNS` / `TCP`.
    pub method: String,
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    pub latency_ms: f64,
    pub timings: Timings,
    pub outcome: Outcome,
    pub detail: String,
    /// Up to 2 KB of the response body, secrets masked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_excerpt: Option<String>,
    /// The same probe as a curl command (keys as `$VARIABLE`, never their value).
    pub curl: String,
}

/// A classified problem (or context) with its cause and fix.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// Stable code (`TE1xx`), see the probe findings catalog.
    pub code: String,
    pub slug: String,
    pub severity: Severity,
    /// What was seen.
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    pub fix: String,
    /// The probes that showed it.
    pub probes: Vec<String>,
}

impl Finding {
    /// A finding of `kind` seen by `probe`: what was seen, and the kind's cause unless a more
    /// specific one is given.
    pub fn of(kind: FindingKind, probe: &str, message: String, cause: Option<String>) -> Finding {
        Finding {
            code: kind.code.to_owned(),
            slug: kind.slug.to_owned(),
            severity: kind.severity,
            message,
            cause: Some(cause.unwrap_or_else(|| kind.cause.to_owned())),
            fix: kind.fix.to_owned(),
            probes: vec![probe.to_owned()],
        }
    }
}

/// A key for gateways that want one (Aperture does not): the value is sent, never shown.
#[derive(Clone)]
pub struct ApiKey {
    pub value: String,
    /// How curl commands refer to it, e.g. `$LITELLM_KEY`.
    pub shown_as: String,
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKey")
            .field("shown_as", &self.shown_as)
            .finish_non_exhaustive()
    }
}

/// A client by name and the APIs it calls (the tools layer knows clients; probes get data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCalls {
    /// The client's name (`claude-code`).
    pub name: String,
    pub apis: Vec<Api>,
}

/// What to probe besides the free probes.
#[derive(Debug, Clone)]
pub struct Options {
    pub model: Option<String>,
    /// `None`: every API the model list says the model supports (or the client's APIs).
    pub api: Option<Api>,
    /// Probe exactly what this client calls, with `model`, and say whether it will work.
    pub client: Option<ClientCalls>,
    /// Every known client, to name those a model missing its native API breaks.
    pub known_clients: Vec<ClientCalls>,
    pub send_completion: bool,
    /// Budget for the whole run; every probe is bounded by what is left of it.
    pub timeout: Duration,
    pub key: Option<ApiKey>,
    /// Name lookups of every probe (the system resolver by default).
    pub resolver: Resolver,
}

/// Everything a probe run found.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    pub verdict: Verdict,
    /// One line: the verdict and its main reason.
    pub summary: String,
    pub probes: Vec<Probe>,
    pub findings: Vec<Finding>,
    /// The probes as curl commands, to rerun by hand.
    pub curl: Vec<String>,
    /// What was assumed or could not be checked.
    pub notes: Vec<String>,
    /// With `client`: whether that client will work, and why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "ClientVerdict")]
    pub client: Option<ClientVerdict>,
}

/// Whether the client asked about will work against this gateway.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ClientVerdict {
    pub client: String,
    /// The model it was checked with.
    pub model: String,
    /// The endpoints it calls.
    pub endpoints: Vec<String>,
    /// `false`: it will fail; `null`: the gateway did not say (see `why`).
    pub works: Option<bool>,
    pub why: String,
}
