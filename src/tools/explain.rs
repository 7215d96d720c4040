//! `explain_access`: simulate a request against a config and show, step by step, why it is
//! allowed or refused; optionally the access matrix of every source.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::input::{ConfigInput, PathPolicy, ToolError};
use crate::access::Identity;
use crate::config::Document;
use crate::explain::{Explanation, Matrix};

/// Arguments of `explain_access`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct ExplainInput {
    #[serde(flatten)]
    pub source: ConfigInput,
    /// The caller.
    pub identity: Identity,
    /// The request's model (or alias, or `provider/model`).
    pub model: String,
    /// Path called, e.g. `/v1/messages`; omitted: API not checked.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// Also return the access matrix.
    #[serde(default)]
    pub matrix: bool,
}

/// Result of `explain_access`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ExplainOutput {
    #[serde(flatten)]
    pub explanation: Explanation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matrix: Option<Matrix>,
    /// What this simulation cannot see (tailnet-policy grants, group visibility, ...).
    pub notes: Vec<String>,
}

/// The config's grants with legacy `temp_grants` translated (shared with the access table).
pub use crate::access::AllGrants as Grants;

pub fn explain_access(
    input: &ExplainInput,
    policy: PathPolicy,
) -> Result<ExplainOutput, ToolError> {
    let bytes = input.source.read(policy)?;
    let doc = Document::from_bytes(&bytes)?;
    if input.identity.login.is_none()
        && input.identity.tags.is_empty()
        && input.identity.groups.is_empty()
    {
        return Err(ToolError::BadArguments(
            "no identity: give `identity.login` (e.g. alice@example.com) or `identity.tags` (e.g. [\"tag:ci\"])".into(),
        ));
    }
    let grants = Grants::new(doc);
    let refs = grants.refs();
    let explanation = crate::explain::explain(
        grants.root(),
        &refs,
        &input.identity,
        &input.model,
        input.endpoint.as_deref(),
    );
    let mut notes = vec![
        "grants kept in the tailnet policy file are not visible here; Aperture adds them to these"
            .to_owned(),
    ];
    if grants.has_legacy() {
        notes.push("legacy temp_grants were evaluated as their current-form translation (their exact semantics are UNCONFIRMED)".into());
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
