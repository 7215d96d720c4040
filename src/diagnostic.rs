//! Diagnostics as data: the contract's `Diagnostic` shape, severities, fixes and counts.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How serious a finding is. Aperture itself has two levels (warning, error); `info`
/// carries our advice that never blocks a save.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// An RFC 6902 operation name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Add,
    Remove,
    Replace,
    Move,
    Copy,
    Test,
}

/// One RFC 6902 JSON Patch operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchOp {
    /// `add`, `remove`, `replace`, `move`, `copy` or `test`.
    pub op: Op,
    /// RFC 6901 pointer the operation applies to.
    pub path: String,
    /// Source pointer for `move` and `copy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// New value for `add`, `replace` and `test`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
}

impl PatchOp {
    pub fn add(path: impl Into<String>, value: serde_json::Value) -> Self {
        Self {
            op: Op::Add,
            path: path.into(),
            from: None,
            value: Some(value),
        }
    }
    pub fn replace(path: impl Into<String>, value: serde_json::Value) -> Self {
        Self {
            op: Op::Replace,
            path: path.into(),
            from: None,
            value: Some(value),
        }
    }
    pub fn remove(path: impl Into<String>) -> Self {
        Self {
            op: Op::Remove,
            path: path.into(),
            from: None,
            value: None,
        }
    }
    pub fn test(path: impl Into<String>, value: serde_json::Value) -> Self {
        Self {
            op: Op::Test,
            path: path.into(),
            from: None,
            value: Some(value),
        }
    }
    pub fn move_to(from: impl Into<String>, path: impl Into<String>) -> Self {
        Self {
            op: Op::Move,
            path: path.into(),
            from: Some(from.into()),
            value: None,
        }
    }
}

/// How to fix a finding: always a description, plus a patch where a mechanical fix exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fix {
    pub description: String,
    /// RFC 6902 patch against the parsed document, or null when the fix needs a human.
    pub patch: Option<Vec<PatchOp>>,
}

/// One finding, in the contract's exact shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Diagnostic {
    /// Stable rule code, e.g. `AP101`.
    pub code: String,
    pub severity: Severity,
    pub message: String,
    /// RFC 6901 JSON pointer; "" is the whole document.
    pub path: String,
    /// 1-based line, null when the input was not text.
    pub line: Option<u32>,
    /// 1-based column in Unicode scalar values, null when the input was not text.
    pub column: Option<u32>,
    /// The exact text Aperture emits for this condition, or null when Aperture stays silent.
    pub aperture_message: Option<String>,
    pub fix: Fix,
    /// Documentation link.
    pub docs: String,
}

/// Number of diagnostics per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

impl Counts {
    pub fn of(diagnostics: &[Diagnostic]) -> Self {
        let mut counts = Counts::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => counts.error += 1,
                Severity::Warning => counts.warning += 1,
                Severity::Info => counts.info += 1,
            }
        }
        counts
    }
}

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

/// Result of `validate_config`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidateOutput {
    /// True when there are no errors (after save-mode promotion).
    pub valid: bool,
    pub mode: Mode,
    pub counts: Counts,
    /// Findings sorted by position (with `fix`: those left after fixing).
    pub diagnostics: Vec<Diagnostic>,
    /// Rules with more than [`MAX_FINDINGS_PER_RULE`] findings: how many more were not listed
    /// (`counts` includes them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub truncated: Vec<Truncated>,
    /// With `fix`: the fixes applied, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixed: Vec<AppliedFix>,
    /// With `fix`: the fixed document (comments kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
}

/// Findings listed per rule; the rest are counted in [`ValidateOutput::truncated`], so a
/// generated config with thousands of the same mistake gives a readable, bounded report.
pub const MAX_FINDINGS_PER_RULE: usize = 100;

/// Findings of one rule that were counted but not listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Truncated {
    pub code: String,
    pub count: usize,
}

impl Truncated {
    /// `N more AP123 findings not shown`, as every format says it.
    pub fn sentence(&self) -> String {
        let s = if self.count == 1 { "" } else { "s" };
        format!(
            "{} more {} finding{s} not shown (at most {MAX_FINDINGS_PER_RULE} per rule)",
            self.count, self.code
        )
    }
}

impl ValidateOutput {
    /// Build the output from every finding: counts and validity over all of them, at most
    /// [`MAX_FINDINGS_PER_RULE`] listed per rule (the first ones, in the given order).
    pub fn new(mode: Mode, diagnostics: Vec<Diagnostic>) -> Self {
        let counts = Counts::of(&diagnostics);
        let mut per_rule: std::collections::BTreeMap<String, usize> = Default::default();
        let mut listed = Vec::with_capacity(diagnostics.len().min(1024));
        for d in diagnostics {
            let seen = match per_rule.get_mut(d.code.as_str()) {
                Some(n) => {
                    *n += 1;
                    *n
                }
                None => *per_rule.entry(d.code.clone()).or_insert(1),
            };
            if seen <= MAX_FINDINGS_PER_RULE {
                listed.push(d);
            }
        }
        let truncated = per_rule
            .into_iter()
            .filter(|(_, n)| *n > MAX_FINDINGS_PER_RULE)
            .map(|(code, n)| Truncated {
                code,
                count: n - MAX_FINDINGS_PER_RULE,
            })
            .collect();
        ValidateOutput {
            valid: counts.error == 0,
            mode,
            counts,
            diagnostics: listed,
            truncated,
            fixed: Vec::new(),
            config: None,
        }
    }
}

/// A fix that was applied (`validate --fix`, `migrate`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AppliedFix {
    pub code: String,
    pub path: String,
    pub description: String,
}
