//! Applying the patches findings carry, one at a time through the comment-keeping editor, to a
//! fixed point: the one loop behind `validate --fix` and `migrate`.

use crate::config::Document;
use crate::config::edit::Editor;
use crate::diagnostic::{AppliedFix, PatchOp};
use crate::rules::catalog::{self, Applicability, Rule};

use super::input::ToolError;

/// Which fixes to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// The rule table's `Safe` fixes (they keep what the config means).
    Safe,
    /// `Safe` and `Unsafe` fixes (`--unsafe-fixes`: they change what the gateway does).
    SafeAndUnsafe,
}

impl Selection {
    fn takes(self, rule: &Rule) -> bool {
        match rule.applicability {
            Applicability::Safe => true,
            Applicability::Unsafe => self == Self::SafeAndUnsafe,
            Applicability::DisplayOnly => false,
        }
    }
}

/// What a run of fixes did.
#[derive(Debug, Clone, Default)]
pub struct Fixed {
    /// The document after every applied fix (untouched text byte-identical).
    pub text: String,
    /// The applied RFC 6902 operations, in order (each against the result of the previous).
    pub patch: Vec<PatchOp>,
    pub fixed: Vec<AppliedFix>,
    /// Fixes whose patch did not apply, with why.
    pub notes: Vec<String>,
}

/// Enough for any real config: every step removes a finding, and no finding is fixed twice.
const MAX_STEPS: usize = 500;

/// Apply every selected fix of `original`, re-checking after each one (a fix may change or
/// remove other findings), until none is left or [`MAX_STEPS`] is reached.
pub fn apply_fixes(original: &str, selection: Selection) -> Result<Fixed, ToolError> {
    Document::parse(original)?;
    let mut run = Fixed {
        text: original.to_owned(),
        ..Fixed::default()
    };
    // A finding fixed (or failed) once is not tried again: a patch that does not remove its
    // own finding cannot loop.
    let mut tried: Vec<(String, String)> = Vec::new();
    for _ in 0..MAX_STEPS {
        let Ok(doc) = Document::parse(&run.text) else {
            break;
        };
        let next = crate::rules::check(&doc).into_iter().find(|d| {
            d.fix.patch.is_some()
                && catalog::by_code(&d.code).is_some_and(|rule| selection.takes(rule))
                && !tried.contains(&(d.code.clone(), d.path.clone()))
        });
        let Some(d) = next else { break };
        tried.push((d.code.clone(), d.path.clone()));
        let ops = d.fix.patch.clone().unwrap_or_default();
        let mut editor = Editor::parse(&run.text)?;
        match editor.apply(&ops) {
            Ok(()) => {
                run.text = editor.text();
                run.patch.extend(ops);
                run.fixed.push(AppliedFix {
                    code: d.code,
                    path: d.path,
                    description: d.fix.description,
                });
            }
            Err(e) => run.notes.push(format!(
                "{} at {}: not fixed automatically ({e}); {}",
                d.code, d.path, d.fix.description
            )),
        }
    }
    Ok(run)
}

/// A unified diff of two versions, for a preview: keys in it are masked (the fixed text keeps
/// them, it is the artifact).
pub fn preview_diff(before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header("before", "after")
        .to_string()
        .lines()
        .map(|l| crate::redact::mask_line(l) + "\n")
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = r#"{
  // our gateway
  "providers": {
    "anthropic": {
      "baseurl": "https://api.anthropic.com/v1", // copied from a guide
      "authorization": { "type": "X-API-Key", "value": "sk-ant-PLACEHOLDER" },
      "models": ["claude-sonnet-4-5"],
      "compatibility": { "anthropic": true },
      "tailnet": true,
    },
  },
}"#;

    #[test]
    fn safe_fixes_keep_comments_and_leave_unsafe_ones() {
        let run = apply_fixes(OLD, Selection::Safe).unwrap();
        let codes: Vec<&str> = run.fixed.iter().map(|f| f.code.as_str()).collect();
        assert!(
            codes.contains(&"AP103") && codes.contains(&"AP111") && codes.contains(&"AP015"),
            "{codes:?}"
        );
        assert!(!codes.contains(&"AP105"), "AP105 is unsafe: {codes:?}");
        assert!(run.text.contains("// our gateway") && run.text.contains("// copied from a guide"));
        assert!(run.text.contains("/v1\""), "{}", run.text);
        // A fixed point: nothing safe is left to apply.
        assert!(
            apply_fixes(&run.text, Selection::Safe)
                .unwrap()
                .fixed
                .is_empty()
        );
    }

    #[test]
    fn unsafe_fixes_also_change_meaning() {
        let run = apply_fixes(OLD, Selection::SafeAndUnsafe).unwrap();
        assert!(
            run.fixed.iter().any(|f| f.code == "AP105"),
            "{:?}",
            run.fixed
        );
        assert!(
            run.text.contains("\"https://api.anthropic.com\""),
            "{}",
            run.text
        );
        assert!(preview_diff(OLD, &run.text).contains("-      \"baseurl\""));
    }

    #[test]
    fn every_migrated_legacy_rule_has_a_safe_fix() {
        // `migrate` applies the `Safe` fixes: a migrated rule with another applicability
        // would silently stop being migrated.
        for rule in catalog::ALL {
            if rule.legacy == catalog::Legacy::Migrated {
                assert_eq!(rule.applicability, Applicability::Safe, "{}", rule.code);
            }
        }
    }

    #[test]
    fn a_document_that_does_not_parse_is_an_error() {
        assert!(apply_fixes("{", Selection::Safe).is_err());
    }
}
