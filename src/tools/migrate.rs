//! `migrate`: rewrite the forms old guides teach (temp_grants, `authorization` objects, seed
//! flag names, `"tailnet": true`, ...) into the current form, on the concrete syntax tree,
//! returning the patch that was applied and a diff preview.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::input::{ConfigInput, PathPolicy, ToolError};
use crate::config::Document;
use crate::config::edit::Editor;
use crate::diagnostic::{Diagnostic, PatchOp};
use crate::rules::catalog::{self, Legacy};
use crate::tools::validate::{Mode, validate_bytes};

/// Arguments of `migrate`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct MigrateInput {
    #[serde(flatten)]
    pub source: ConfigInput,
}

/// One migration step.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Change {
    pub code: String,
    pub path: String,
    pub description: String,
}

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

/// Enough for any real config; each step removes at least one legacy finding.
const MAX_STEPS: usize = 500;

pub fn migrate(input: &MigrateInput, policy: PathPolicy) -> Result<MigrateOutput, ToolError> {
    let bytes = input.source.read(policy)?;
    migrate_text(crate::config::document::decode(&bytes)?)
}

pub fn migrate_text(original: &str) -> Result<MigrateOutput, ToolError> {
    Document::parse(original)?;
    let mut text = original.to_owned();
    let mut patch = Vec::new();
    let mut changes = Vec::new();
    let mut notes = Vec::new();
    let mut skipped: Vec<(String, String)> = Vec::new();
    for _ in 0..MAX_STEPS {
        let diagnostics = validate_bytes(text.as_bytes(), Mode::Load).diagnostics;
        let next = diagnostics.into_iter().find(|d| {
            is_legacy(&d.code, Legacy::Migrated)
                && d.fix.patch.is_some()
                && !skipped.contains(&(d.code.clone(), d.path.clone()))
        });
        let Some(d) = next else { break };
        let ops = d.fix.patch.clone().unwrap_or_default();
        let mut editor = Editor::parse(&text)?;
        match editor.apply(&ops) {
            Ok(()) => {
                text = editor.text();
                patch.extend(ops);
                changes.push(Change {
                    code: d.code.clone(),
                    path: d.path.clone(),
                    description: d.fix.description.clone(),
                });
            }
            Err(e) => {
                notes.push(format!(
                    "{} at {}: not migrated automatically ({e}); {}",
                    d.code, d.path, d.fix.description
                ));
                skipped.push((d.code, d.path));
            }
        }
    }
    if changes.iter().any(|c| c.code == "AP701") {
        notes.push("temp_grants entries were rewritten as `grants`; comments inside the old entries are not carried over".into());
    }
    let remaining: Vec<&str> = catalog::ALL
        .iter()
        .filter(|rule| rule.legacy == Legacy::Manual)
        .map(|rule| rule.code)
        .filter(|code| {
            validate_bytes(text.as_bytes(), Mode::Load)
                .diagnostics
                .iter()
                .any(|d| d.code == *code)
        })
        .collect();
    if !remaining.is_empty() {
        notes.push(format!(
            "still to migrate by hand: {} (see diagnostics)",
            remaining.join(", ")
        ));
    }
    if changes.is_empty() && notes.is_empty() {
        notes.push("nothing to migrate: the document uses the current forms".into());
    }
    // The diff is a preview: keys in it are masked (the migrated `config` keeps them, it is the artifact).
    let diff: String = similar::TextDiff::from_lines(original, &text)
        .unified_diff()
        .context_radius(3)
        .header("before", "after")
        .to_string()
        .lines()
        .map(|l| crate::redact::mask_line(l) + "\n")
        .collect();
    let diagnostics = validate_bytes(text.as_bytes(), Mode::Save).diagnostics;
    Ok(MigrateOutput {
        changed: !changes.is_empty(),
        config: text,
        patch,
        changes,
        diff,
        diagnostics,
        notes,
    })
}

/// The rule behind `code` flags a legacy form of this kind.
fn is_legacy(code: &str, kind: Legacy) -> bool {
    catalog::by_code(code).is_some_and(|rule| rule.legacy == kind)
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
