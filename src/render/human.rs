//! Human rendering: one block per finding with the source line and a caret, then a summary line.

use std::fmt::Write;

use crate::diagnostic::{Counts, Mode, ValidateOutput};
use crate::rules::catalog::Applicability;

/// Render for a terminal. `source` is the document text (for the quoted lines).
pub fn human(output: &ValidateOutput, source: Option<&str>, file_name: &str) -> String {
    let lines: Vec<&str> = source.map(|s| s.lines().collect()).unwrap_or_default();
    let mut out = String::new();
    for d in &output.diagnostics {
        let _ = writeln!(out, "{}[{}]: {}", d.severity.as_str(), d.code, d.message);
        let gutter = d.line.map_or(1, |l| l.to_string().len());
        let pad = " ".repeat(gutter);
        match (d.line, d.column) {
            (Some(line), Some(column)) => {
                let _ = writeln!(out, "{pad}--> {file_name}:{line}:{column}");
                if let Some(text) = lines.get(line as usize - 1) {
                    let (shown, caret_at) =
                        expand_tabs(&crate::redact::mask_line(text), column as usize);
                    let _ = writeln!(out, "{pad} |");
                    let _ = writeln!(out, "{line} | {shown}");
                    let _ = writeln!(out, "{pad} | {}^", " ".repeat(caret_at));
                }
            }
            _ => {
                let _ = writeln!(out, "{pad}--> {file_name}");
            }
        }
        if !d.path.is_empty() {
            let _ = writeln!(out, "{pad} = path: {}", d.path);
        }
        if let Some(aperture) = &d.aperture_message {
            let _ = writeln!(out, "{pad} = aperture says: {aperture}");
        }
        let _ = writeln!(out, "{pad} = fix: {}", d.fix.description);
        if d.fix.patch.is_some() {
            let _ = writeln!(out, "{pad} = {}", fix_hint(&d.code));
        }
        let _ = writeln!(out, "{pad} = docs: {}", d.docs);
        out.push('\n');
    }
    let c = output.counts;
    let verdict = if output.valid { "valid" } else { "invalid" };
    let mode = match output.mode {
        Mode::Save => "save mode: warnings Aperture reports count as errors",
        Mode::Load => "load mode",
    };
    let _ = writeln!(out, "{file_name}: {verdict} ({}; {mode})", counts_text(c));
    out
}

/// How to apply a finding's patch, by the rule table's applicability.
fn fix_hint(code: &str) -> &'static str {
    match crate::rules::catalog::by_code(code).map(|rule| rule.applicability) {
        Some(Applicability::Safe) => "safe fix: `validate --fix` applies it",
        _ => {
            "fix changes what the gateway does: `validate --fix --unsafe-fixes` applies it (preview with --diff)"
        }
    }
}

/// "1 error, 2 warnings": the severities that occur, or "no findings".
fn counts_text(c: Counts) -> String {
    let parts: Vec<String> = [(c.error, "error"), (c.warning, "warning"), (c.info, "info")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, word)| format!("{n} {word}{}", if n == 1 { "" } else { "s" }))
        .collect();
    if parts.is_empty() {
        "no findings".into()
    } else {
        parts.join(", ")
    }
}

/// Replace tabs with four spaces and return the caret offset for a 1-based column.
fn expand_tabs(line: &str, column: usize) -> (String, usize) {
    let mut shown = String::with_capacity(line.len());
    let mut caret = 0;
    for (i, ch) in line.chars().enumerate() {
        let width = if ch == '\t' { 4 } else { 1 };
        if i + 1 < column {
            caret += width;
        }
        if ch == '\t' {
            shown.push_str("    ");
        } else {
            shown.push(ch);
        }
    }
    if column > line.chars().count() + 1 {
        caret = shown.chars().count();
    }
    (shown, caret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_names_only_the_severities_that_occur() {
        let counts = |error, warning, info| Counts {
            error,
            warning,
            info,
        };
        assert_eq!(counts_text(counts(0, 0, 0)), "no findings");
        assert_eq!(counts_text(counts(0, 1, 1)), "1 warning, 1 info");
        assert_eq!(counts_text(counts(2, 0, 3)), "2 errors, 3 infos");
    }

    #[test]
    fn caret_sits_under_the_column() {
        assert_eq!(expand_tabs("\t\"a\": 1", 2), ("    \"a\": 1".into(), 4));
        assert_eq!(expand_tabs("abc", 3), ("abc".into(), 2));
    }
}
