//! `migrate`: rewrite the forms old guides teach (temp_grants, `authorization` objects, seed
//! flag names, `"tailnet": true`, ...) into the current form, on the concrete syntax tree,
//! returning the patch that was applied and a diff preview.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::fix::{Selection, apply_fixes, preview_diff};
use super::input::{ConfigInput, PathPolicy, ToolError};
use crate::diagnostic::{Diagnostic, PatchOp};
use crate::rules::catalog::{self, Applicability, Legacy};
use crate::tools::validate::{Mode, validate_bytes};

/// Arguments of `migrate`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct MigrateInput {
    #[serde(flatten)]
    pub source: ConfigInput,
}

/// One migration step.
pub type Change = crate::diagnostic::AppliedFix;

/// Result of `migrate`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct MigrateOutput {
    /// True when something was rewritten.
    pub changed: bool,
    /// The migrated document (comments and formatting of untouched parts kept).
    pub config: String,
    /// The applied RFC 6902 operations, in order (each against the result of the previous).
    pub patch: Vec<PatchOp>,
    pub changes: Vec<Change>,
    /// Unified diff of the original and the migrated text.
    pub diff: String,
    /// Validation of the migrated document (save mode).
    pub diagnostics: Vec<Diagnostic>,
    pub notes: Vec<String>,
}

pub fn migrate(input: &MigrateInput, policy: PathPolicy) -> Result<MigrateOutput, ToolError> {
    let bytes = input.source.read(policy)?;
    migrate_text(crate::config::document::decode(&bytes)?)
}

/// Legacy rewrites and every other safe fix (the rule table's `Safe` column, which every
/// `Legacy::Migrated` rule has), through the same loop as `validate --fix`.
pub fn migrate_text(original: &str) -> Result<MigrateOutput, ToolError> {
    let run = apply_fixes(original, Selection::Safe)?;
    let mut notes = run.notes;
    if run.fixed.iter().any(|c| c.code == "AP701") {
        notes.push("temp_grants entries were rewritten as `grants`; comments inside the old entries are not carried over".into());
    }
    let diagnostics = validate_bytes(run.text.as_bytes(), Mode::Save).diagnostics;
    let remaining: Vec<&str> = catalog::ALL
        .iter()
        .filter(|rule| rule.legacy == Legacy::Manual)
        .map(|rule| rule.code)
        .filter(|code| diagnostics.iter().any(|d| d.code == *code))
        .collect();
    if !remaining.is_empty() {
        notes.push(format!(
            "still to migrate by hand: {} (see diagnostics)",
            remaining.join(", ")
        ));
    }
    let review = diagnostics
        .iter()
        .filter(|d| d.fix.patch.is_some() && is_unsafe(&d.code))
        .count();
    if review > 0 {
        notes.push(format!(
            "{} left change what the gateway does: review them in diagnostics (each `fix.patch` applies one)",
            if review == 1 { "1 fix".to_owned() } else { format!("{review} fixes") }
        ));
    }
    if run.fixed.is_empty() && notes.is_empty() {
        notes.push("nothing to migrate: the document uses the current forms".into());
    }
    Ok(MigrateOutput {
        changed: !run.fixed.is_empty(),
        diff: preview_diff(original, &run.text),
        config: run.text,
        patch: run.patch,
        changes: run.fixed,
        diagnostics,
        notes,
    })
}

/// The rule behind `code` has a fix to apply only after review.
fn is_unsafe(code: &str) -> bool {
    catalog::by_code(code).is_some_and(|rule| rule.applicability == Applicability::Unsafe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_guide_document_is_migrated_and_keeps_comments() {
        let old = r#"{
  // our gateway
  "providers": {
    "anthropic": {
      "baseurl": "https://api.anthropic.com",
      "authorization": { "type": "X-API-Key", "value": "sk-ant-PLACEHOLDER" },
      "models": ["claude-sonnet-4-5"],
      "compatibility": { "anthropic": true, "openai_chat": false }, // flags
      "tailnet": true,
    },
  },
  "temp_grants": [
    { "src": ["admin@example.com"], "grants": [ { "role": "admin" } ] },
    { "src": ["*"], "grants": [ { "role": "user" }, { "providers": [ { "provider": "anthropic", "model": "claude-sonnet-4-5" } ] } ] },
  ],
}"#;
        let out = migrate_text(old).unwrap();
        assert!(out.changed);
        assert!(
            out.config.contains("// our gateway") && out.config.contains("// flags"),
            "{}",
            out.config
        );
        assert!(
            out.config.contains("\"anthropic_messages\": true")
                && !out.config.contains("temp_grants")
        );
        assert!(
            out.config.contains("\"apikey\": \"sk-ant-PLACEHOLDER\"")
                && !out.config.contains("tailnet")
        );
        assert!(
            out.config
                .contains("\"models\": \"anthropic/claude-sonnet-4-5\"")
        );
        assert_eq!(
            out.diagnostics
                .iter()
                .filter(|d| d.severity == crate::diagnostic::Severity::Error)
                .count(),
            0,
            "{:?}",
            out.diagnostics
        );
        assert!(out.diff.contains("-  \"temp_grants\""));
        assert!(
            !out.diff.contains("sk-ant-PLACEHOLDER"),
            "diff masks keys:\n{}",
            out.diff
        );
        let again = migrate_text(&out.config).unwrap();
        assert!(!again.changed && again.config == out.config);
    }
}
