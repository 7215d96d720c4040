//! `explain_access`: simulate a request against a config and show, step by step, why it is
//! allowed or refused; optionally the access matrix of every identity, or only the matrix.

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
    /// The caller (omit it, and `model`, with `matrix: true` for the access matrix alone).
    #[serde(default)]
    pub identity: Identity,
    /// The request's model (or alias, or `provider/model`); required unless only the matrix is asked for.
    #[serde(default)]
    pub model: Option<String>,
    /// Path called, e.g. `/v1/messages`; omitted: API not checked.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// Also return the access matrix.
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
        self.matrix && self.model.is_none() && !self.has_identity()
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

/// The config's grants with legacy `temp_grants` translated (shared with the access table).
pub use crate::access::AllGrants as Grants;

/// The error when `model` is missing and more than the matrix is asked for.
pub const MISSING_MODEL: &str = "no model: give `model` (e.g. claude-sonnet-4-5) with an `identity`, or `matrix: true` alone (no identity, no model) for the access matrix";

pub fn explain_access(
    input: &ExplainInput,
    policy: PathPolicy,
) -> Result<ExplainOutput, ToolError> {
    let matrix_only = input.is_matrix_only();
    if input.model.is_none() && !matrix_only {
        return Err(ToolError::BadArguments(MISSING_MODEL.into()));
    }
    let bytes = input.source.read(policy)?;
    let doc = Document::from_bytes(&bytes)?;
    if !matrix_only && !input.has_identity() {
        return Err(ToolError::BadArguments(
            "no identity: give `identity.login` (e.g. alice@example.com) or `identity.tags` (e.g. [\"tag:ci\"])".into(),
        ));
    }
    let grants = Grants::new(doc);
    let refs = grants.refs();
    let explanation = input.model.as_deref().map(|model| {
        crate::explain::explain(
            grants.root(),
            &refs,
            &input.identity,
            model,
            input.endpoint.as_deref(),
        )
    });
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
