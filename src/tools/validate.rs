//! `validate_config`: check a document against every rule; save mode promotes warnings to errors.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::input::{ConfigInput, PathPolicy, ToolError};
use crate::config::Document;
use crate::diagnostic::{Counts, Diagnostic, Severity};

/// Which Aperture path to mirror.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Saving through the API or dashboard: warnings count as errors.
    #[default]
    Save,
    /// Loading at startup: warnings are only logged.
    Load,
}

/// Arguments of `validate_config`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct ValidateInput {
    #[serde(flatten)]
    pub source: ConfigInput,
    /// `save` (default; warnings count as errors, as Aperture's save does) or `load`.
    #[serde(default)]
    pub mode: Mode,
}

/// Result of `validate_config`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidateOutput {
    /// True when there are no errors (after save-mode promotion).
    pub valid: bool,
    pub mode: Mode,
    pub counts: Counts,
    /// Findings sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// Run `validate_config`.
pub fn validate(input: &ValidateInput, policy: PathPolicy) -> Result<ValidateOutput, ToolError> {
    let bytes = input.source.read(policy)?;
    Ok(validate_bytes(&bytes, input.mode))
}

/// Validate raw document bytes.
pub fn validate_bytes(bytes: &[u8], mode: Mode) -> ValidateOutput {
    let diagnostics = match Document::from_bytes(bytes) {
        Ok(doc) => crate::rules::check(&doc),
        Err(e) => vec![*e.0],
    };
    finish(diagnostics, mode)
}

/// Validate an already parsed document.
pub fn validate_document(doc: &Document, mode: Mode) -> ValidateOutput {
    finish(crate::rules::check(doc), mode)
}

fn finish(mut diagnostics: Vec<Diagnostic>, mode: Mode) -> ValidateOutput {
    if mode == Mode::Save {
        for d in &mut diagnostics {
            if d.severity == Severity::Warning {
                d.severity = Severity::Error;
            }
        }
    }
    let counts = Counts::of(&diagnostics);
    ValidateOutput {
        valid: counts.error == 0,
        mode,
        counts,
        diagnostics,
    }
}
