//! Human rendering: one block per finding with the source line and a caret, then a summary line.

use std::fmt::Write;

use super::terminal::visible;
use crate::config::LineIndex;
use crate::diagnostic::{Counts, Mode, ValidateOutput};
use crate::rules::catalog::Applicability;

/// Characters of the source line shown on each side of the column: a one-line (minified)
/// document shows a window, not the whole line, for every finding.
const CONTEXT_CHARS: usize = 100;

/// Characters masked around the window, so a secret cut by the window's edge is still seen
/// whole by the masker (masking keeps widths, so the window can be cut afterwards).
const MASK_SLACK_CHARS: usize = 600;

/// Render for a terminal. `source` is the document text (for the quoted lines).
pub fn human(output: &ValidateOutput, source: Option<&str>, file_name: &str) -> String {
    let index = source.map(|s| (s, LineIndex::new(s)));
    let file_name = visible(file_name);
    let mut out = String::new();
    for d in &output.diagnostics {
        let _ = writeln!(
            out,
            "{}[{}]: {}",
            d.severity.as_str(),
            d.code,
            visible(&d.message)
        );
        let gutter = d.line.map_or(1, |l| l.to_string().len());
        let pad = " ".repeat(gutter);
        match (d.line, d.column) {
            (Some(line), Some(column)) => {
                let _ = writeln!(out, "{pad}--> {file_name}:{line}:{column}");
                if let Some((shown, caret_at)) = index
                    .as_ref()
                    .and_then(|(text, index)| source_window(text, index, line, column))
                {
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
            let _ = writeln!(out, "{pad} = path: {}", visible(&d.path));
        }
        if let Some(aperture) = &d.aperture_message {
            let _ = writeln!(out, "{pad} = aperture says: {}", visible(aperture));
        }
        let _ = writeln!(out, "{pad} = fix: {}", visible(&d.fix.description));
        if d.fix.patch.is_some() {
            let _ = writeln!(out, "{pad} = {}", fix_hint(&d.code));
        }
        let _ = writeln!(out, "{pad} = docs: {}", d.docs);
        out.push('\n');
    }
    for t in &output.truncated {
        let _ = writeln!(
            out,
            "note: {}; --format json lists the counts",
            t.sentence()
        );
    }
    if !output.truncated.is_empty() {
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

/// The part of a source line shown for a finding (at most `CONTEXT_CHARS` each side of the
/// column, `…` where cut, secrets masked, tabs expanded, control characters escaped) and the
/// caret's offset under it. Costs the window, not the line.
fn source_window(text: &str, index: &LineIndex, line: u32, column: u32) -> Option<(String, usize)> {
    if text.is_empty() {
        return None;
    }
    let range = index.line_range(text, line)?;
    let at = index.offset(text, line, column)?;
    let back = |n: usize| {
        text[range.start..at]
            .char_indices()
            .rev()
            .take(n)
            .last()
            .map_or(at, |(i, _)| range.start + i)
    };
    let forward = |n: usize| {
        text[at..range.end]
            .char_indices()
            .nth(n)
            .map_or(range.end, |(i, _)| at + i)
    };
    let (start, end) = (back(CONTEXT_CHARS), forward(CONTEXT_CHARS));
    let (outer_start, outer_end) = (
        back(CONTEXT_CHARS + MASK_SLACK_CHARS),
        forward(CONTEXT_CHARS + MASK_SLACK_CHARS),
    );
    let masked = crate::redact::mask_line(&text[outer_start..outer_end]);
    // Masking keeps every character's position, so the window is cut by character counts.
    let skip = text[outer_start..start].chars().count();
    let take = text[start..end].chars().count();
    let window: String = masked.chars().skip(skip).take(take).collect();
    let caret_chars = text[start..at].chars().count();
    let (mut shown, mut caret) = expand(&window, caret_chars);
    if start > range.start {
        shown.insert(0, '…');
        caret += 1;
    }
    if end < range.end {
        shown.push('…');
    }
    Some((shown, caret))
}

/// Expand tabs to four spaces and escape control characters; return the caret offset for a
/// 0-based character index.
fn expand(line: &str, caret_chars: usize) -> (String, usize) {
    let mut shown = String::with_capacity(line.len());
    let mut caret = 0;
    for (i, ch) in line.chars().enumerate() {
        let piece = match ch {
            '\t' => "    ".into(),
            _ => visible(ch.encode_utf8(&mut [0; 4])).into_owned(),
        };
        if i < caret_chars {
            caret += piece.chars().count();
        }
        shown.push_str(&piece);
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
        assert_eq!(expand("\t\"a\": 1", 1), ("    \"a\": 1".into(), 4));
        assert_eq!(expand("abc", 2), ("abc".into(), 2));
        assert_eq!(expand("a\u{1b}b", 2), ("a\\u{1b}b".into(), 7));
    }

    #[test]
    fn a_long_line_shows_a_window_around_the_column() {
        let text = format!("{}X{}", "a".repeat(5_000), "b".repeat(5_000));
        let index = LineIndex::new(&text);
        let (shown, caret) = source_window(&text, &index, 1, 5_001).unwrap();
        assert_eq!(shown.chars().count(), 2 * CONTEXT_CHARS + 2);
        assert_eq!(shown.chars().nth(caret), Some('X'));
        let (shown, caret) = source_window("ab", &LineIndex::new("ab"), 1, 3).unwrap();
        assert_eq!((shown.as_str(), caret), ("ab", 2));
    }
}
