//! The explanation as callers see it (CLI and MCP JSON): the outcome, the trace's steps with
//! their stage and result, and the quotas and hooks that apply. A leaf: the stages and the
//! driver in `explain/mod.rs` build these, nothing here knows how.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How the request would end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Aperture forwards it upstream.
    Allowed,
    /// 403: no role, or no `models` grant for the model (or `connectors` grant for the connector).
    Denied,
    /// 404: no enabled provider serves the model (or no such connector).
    NotFound,
    /// The model exists, but not on the API the client called (compatibility flag off); or the
    /// connector exists, but not on the endpoint called (MCP vs HTTP proxy).
    Misrouted,
    /// 429: a quota bucket that applies cannot pay (capacity `$0`, or undefined: fail closed).
    QuotaRejected,
}

/// The stage of the simulation a step belongs to, in the order Aperture runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Resolving the caller's identity string (login, or sorted tags).
    Identity,
    /// Which grants' `src` match the caller.
    Grants,
    /// The role the matching grants give.
    Role,
    /// `model_aliases` rewriting the requested model.
    Alias,
    /// The model named, and the provider chosen for it.
    Routing,
    /// The endpoint's compatibility flag on the serving providers.
    Compatibility,
    /// A `models` pattern granting `provider/model`.
    ModelsGrant,
    /// Quota buckets charged.
    Quotas,
    /// Hooks that fire.
    Hooks,
    /// The upstream URL and credential.
    Upstream,
    /// The connector asked for: declared (or built in), and reached the way its protocol says.
    Connector,
    /// A `connectors` pattern granting the connector (or the part of it asked for).
    ConnectorsGrant,
}

impl Stage {
    /// The wire name (as serialized).
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Identity => "identity",
            Stage::Grants => "grants",
            Stage::Role => "role",
            Stage::Alias => "alias",
            Stage::Routing => "routing",
            Stage::Compatibility => "compatibility",
            Stage::ModelsGrant => "models_grant",
            Stage::Quotas => "quotas",
            Stage::Hooks => "hooks",
            Stage::Upstream => "upstream",
            Stage::Connector => "connector",
            Stage::ConnectorsGrant => "connectors_grant",
        }
    }
}

impl fmt::Display for Stage {
    // `pad` so width and alignment (`{:<13}` in the human rendering) apply.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// What a step found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepResult {
    /// This stage lets the request through.
    Pass,
    /// This stage refuses the request (or a part of it, such as a hook, does not work).
    Fail,
    /// Worth knowing, decides nothing.
    Info,
    /// Depends on Aperture behaviour that is not documented.
    Unconfirmed,
}

impl StepResult {
    /// The wire name (as serialized).
    pub fn as_str(self) -> &'static str {
        match self {
            StepResult::Pass => "pass",
            StepResult::Fail => "fail",
            StepResult::Info => "info",
            StepResult::Unconfirmed => "unconfirmed",
        }
    }
}

impl fmt::Display for StepResult {
    // `pad` so width and alignment (`{:<11}` in the human rendering) apply.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// One step of the trace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Step {
    pub stage: Stage,
    pub result: StepResult,
    pub detail: String,
    /// The config path that decided this step (JSON pointer), when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// A quota bucket that applies to the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct QuotaUse {
    /// Bucket name as referenced (template) and as resolved for this caller.
    pub bucket: String,
    pub resolved: String,
    pub defined: bool,
    pub capacity: Option<String>,
    pub rate: Option<String>,
    /// The grant capability that attached it.
    pub path: String,
}

/// A hook that fires for the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HookUse {
    pub name: String,
    pub events: Vec<String>,
    pub send: Vec<String>,
    pub defined: bool,
    pub disabled: bool,
    /// `fail_open` or `fail_closed` (pre_request only).
    pub fail_policy: String,
}

/// The explanation of one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Explanation {
    pub outcome: Outcome,
    /// The HTTP status Aperture would answer with (200 when forwarded; the upstream decides after that).
    pub expected_status: u16,
    /// The identity string Aperture matches grants against.
    pub identity: Option<String>,
    pub steps: Vec<Step>,
    /// The connector asked for (connector requests only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector: Option<String>,
    /// The provider the request is routed to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The model ID sent upstream.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream_model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream_url: Option<String>,
    /// The credential Aperture would send (header name only; never the value).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream_auth: Option<String>,
    pub quotas: Vec<QuotaUse>,
    pub hooks: Vec<HookUse>,
}

impl Explanation {
    /// A request that nothing has refused yet: the stages fill it in or end it.
    pub fn allowed(identity: Option<String>) -> Explanation {
        Explanation {
            outcome: Outcome::Allowed,
            expected_status: 200,
            identity,
            steps: Vec::new(),
            connector: None,
            provider: None,
            upstream_model: None,
            upstream_url: None,
            upstream_auth: None,
            quotas: Vec::new(),
            hooks: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_are_the_serde_names() {
        use Stage::*;
        for stage in [
            Identity,
            Grants,
            Role,
            Alias,
            Routing,
            Compatibility,
            ModelsGrant,
            Quotas,
            Hooks,
            Upstream,
            Connector,
            ConnectorsGrant,
        ] {
            assert_eq!(
                serde_json::to_value(stage).unwrap(),
                serde_json::Value::from(stage.as_str())
            );
        }
        use StepResult::*;
        for result in [Pass, Fail, Info, Unconfirmed] {
            assert_eq!(
                serde_json::to_value(result).unwrap(),
                serde_json::Value::from(result.as_str())
            );
        }
    }

    #[test]
    fn display_honours_width() {
        assert_eq!(format!("[{:<13}]", Stage::ModelsGrant), "[models_grant ]");
        assert_eq!(format!("[{:<11}]", StepResult::Pass), "[pass       ]");
    }
}
