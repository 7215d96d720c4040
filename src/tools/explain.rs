//! `explain_access`: simulate a request against a config and show, step by step, why it is
//! allowed or refused; the request names a model, or a connector (`connector`, or a
//! `/v1/connectors/<id>/...` endpoint); optionally the access matrix of every identity, or only
//! the matrix.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::input::{ConfigInput, PathPolicy, ToolError};
use crate::access::{AllGrants, Identity};
use crate::config::Document;
use crate::explain::{Explanation, Matrix, connector_in_endpoint};

/// Arguments of `explain_access`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct ExplainInput {
    #[serde(flatten)]
    pub source: ConfigInput,
    // The caller (omit with `model` for the matrix alone).
    #[serde(default)]
    pub identity: Identity,
    // Model, alias or `provider/model`.
    #[serde(default)]
    pub model: Option<String>,
    // Connector ID or part, e.g. `github/proxy`.
    #[serde(default)]
    pub connector: Option<String>,
    // Path called, e.g. `/v1/messages`; omitted: API not checked.
    #[serde(default)]
    pub endpoint: Option<String>,
    // Also return the access matrix.
    #[serde(default)]
    pub matrix: bool,
}

impl ExplainInput {
    fn has_identity(&self) -> bool {
        self.identity.login.is_some()
            || !self.identity.tags.is_empty()
            || !self.identity.groups.is_empty()
    }

    /// No request to simulate: only the access matrix is asked for.
    pub fn is_matrix_only(&self) -> bool {
        self.matrix
            && self.model.is_none()
            && self.connector_asked().is_none()
            && !self.has_identity()
    }

    /// The connector asked for: `connector`, or the one a `/v1/connectors/<id>/...` endpoint
    /// names when no model is given.
    fn connector_asked(&self) -> Option<&str> {
        self.connector.as_deref().or_else(|| {
            self.model
                .is_none()
                .then(|| self.endpoint.as_deref().and_then(connector_in_endpoint))
                .flatten()
        })
    }
}

/// Result of `explain_access`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ExplainOutput {
    /// The simulated request; absent when only the matrix was asked for.
    #[serde(flatten)]
    pub explanation: Option<Explanation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matrix: Option<Matrix>,
    /// What this simulation cannot see (tailnet-policy grants, group visibility, ...).
    pub notes: Vec<String>,
}

/// The error when `model` is missing and more than the matrix is asked for.
pub const MISSING_MODEL: &str = "no model: give `model` (e.g. claude-sonnet-4-6) or `connector` (e.g. github) with an `identity`, or `matrix: true` alone (no identity, no model) for the access matrix";

/// The error when `/v1/mcp` is asked for without a connector.
pub const MISSING_CONNECTOR: &str = "`/v1/mcp` serves connectors, not models: give `connector` (a connector ID, e.g. github, or a tool such as github/tools/create_issue)";

/// The error when both a model and a connector are given.
pub const MODEL_AND_CONNECTOR: &str =
    "give `model` or `connector`, not both: a request calls a model or a connector";

pub fn explain_access(
    input: &ExplainInput,
    policy: PathPolicy,
) -> Result<ExplainOutput, ToolError> {
    use super::input::{MAX_NAME_CHARS, MAX_URL_CHARS, bounded};
    for (what, value, max) in [
        ("the model name", &input.model, MAX_NAME_CHARS),
        ("the connector", &input.connector, MAX_NAME_CHARS),
        ("the endpoint", &input.endpoint, MAX_URL_CHARS),
    ] {
        if let Some(value) = value {
            bounded(
                what,
                value,
                max,
                "pass it as the request names it, e.g. `claude-sonnet-4-5` or `/v1/messages`",
            )?;
        }
    }
    let matrix_only = input.is_matrix_only();
    let connector = input.connector_asked();
    if input.model.is_some() && input.connector.is_some() {
        return Err(ToolError::BadArguments(MODEL_AND_CONNECTOR.into()));
    }
    if input.model.is_none() && connector.is_none() && input.endpoint.as_deref() == Some("/v1/mcp")
    {
        return Err(ToolError::BadArguments(MISSING_CONNECTOR.into()));
    }
    if input.model.is_none() && connector.is_none() && !matrix_only {
        return Err(ToolError::BadArguments(MISSING_MODEL.into()));
    }
    let bytes = input.source.read(policy)?;
    let doc = Document::from_bytes(&bytes)?;
    if !matrix_only && !input.has_identity() {
        return Err(ToolError::BadArguments(
            "no identity: give `identity.login` (e.g. alice@example.com) or `identity.tags` (e.g. [\"tag:ci\"])".into(),
        ));
    }
    let grants = AllGrants::new(doc);
    let refs = grants.refs();
    let endpoint = input.endpoint.as_deref();
    let explanation = match (input.model.as_deref(), connector) {
        (Some(model), _) => Some(crate::explain::explain(
            grants.root(),
            &refs,
            &input.identity,
            model,
            endpoint,
        )),
        (None, Some(_)) => Some(crate::explain::explain_connector(
            grants.root(),
            &refs,
            &input.identity,
            // A connector named only by the endpoint is read from it.
            input.connector.as_deref().unwrap_or_default(),
            endpoint,
        )),
        (None, None) => None,
    };
    let mut notes = vec![
        "grants kept in the tailnet policy file are not visible here; Aperture adds them to these"
            .to_owned(),
    ];
    if grants.has_legacy() {
        notes.push("legacy temp_grants were evaluated as their current-form translation (their exact semantics are UNCONFIRMED: a request from that identity on the dashboard's Logs page shows what the gateway does)".into());
    }
    if !input.identity.groups.is_empty() {
        notes.push("group matches assume the tailnet policy makes those groups visible to the Aperture node".into());
    }
    let matrix = input
        .matrix
        .then(|| crate::explain::matrix(grants.root(), &refs));
    Ok(ExplainOutput {
        explanation,
        matrix,
        notes,
    })
}
