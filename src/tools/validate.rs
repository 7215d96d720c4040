//! `validate_config`: check a document against every rule; save mode promotes warnings to errors.

use schemars::JsonSchema;
use serde::Deserialize;

use super::fix::{Selection, apply_fixes};
use super::input::{ConfigInput, PathPolicy, ToolError};
use crate::config::Document;
use crate::diagnostic::{Diagnostic, Severity};
pub use crate::diagnostic::{Mode, ValidateOutput};

/// Arguments of `validate_config`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct ValidateInput {
    #[serde(flatten)]
    pub source: ConfigInput,
    // `save` (default) or `load`.
    #[serde(default)]
    pub mode: Mode,
    /// Also fail on this tool's own lints.
    #[serde(default)]
    pub strict: bool,
    /// Apply the safe fixes; returns the fixed `config`.
    #[serde(default)]
    pub fix: bool,
}

/// Run `validate_config`.
pub fn validate(input: &ValidateInput, policy: PathPolicy) -> Result<ValidateOutput, ToolError> {
    let bytes = input.source.read(policy)?;
    if input.fix {
        return validate_fixed(&bytes, input.mode, input.strict, Selection::Safe);
    }
    Ok(validate_bytes_with(&bytes, input.mode, input.strict))
}

/// Apply the selected fixes, then validate the result: `config` is the fixed document and
/// `diagnostics` what is left. A document that cannot be loaded is reported as it is (its
/// load error is the finding to fix first).
pub fn validate_fixed(
    bytes: &[u8],
    mode: Mode,
    strict: bool,
    selection: Selection,
) -> Result<ValidateOutput, ToolError> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(validate_bytes_with(bytes, mode, strict));
    };
    if Document::parse(text).is_err() {
        return Ok(validate_bytes_with(bytes, mode, strict));
    }
    let run = apply_fixes(text, selection)?;
    let mut output = validate_bytes_with(run.text.as_bytes(), mode, strict);
    output.fixed = run.fixed;
    output.config = Some(run.text);
    Ok(output)
}

/// Validate raw document bytes.
pub fn validate_bytes(bytes: &[u8], mode: Mode) -> ValidateOutput {
    validate_bytes_with(bytes, mode, false)
}

/// Validate raw document bytes; `strict` also promotes this tool's own warnings in save mode.
pub fn validate_bytes_with(bytes: &[u8], mode: Mode, strict: bool) -> ValidateOutput {
    let diagnostics = match Document::from_bytes(bytes) {
        Ok(doc) => crate::rules::check(&doc),
        Err(e) => vec![crate::rules::load_error_diagnostic(&e)],
    };
    finish(diagnostics, mode, strict)
}

/// Save mode promotes the warnings Aperture's save refuses (those Aperture reports itself);
/// with `strict`, also this tool's own lints. config-schema.md §5 asks that lints such as the
/// `/v1` base URL not reject a config by default (self-hosted servers may need it).
fn finish(mut diagnostics: Vec<Diagnostic>, mode: Mode, strict: bool) -> ValidateOutput {
    if mode == Mode::Save {
        for d in &mut diagnostics {
            let reported =
                crate::rules::catalog::by_code(&d.code).is_some_and(|r| r.aperture_reports);
            if d.severity == Severity::Warning && (strict || reported) {
                d.severity = Severity::Error;
            }
        }
    }
    ValidateOutput::new(mode, diagnostics)
}
