//! Renderers: turn a validation result into human text, JSON, SARIF 2.1.0 or GitHub annotations,
//! and every other tool's typed output (probe report, diagnosis, explanation, access matrix,
//! live-config plan, grants, client, migration, provider, rule catalog, skill install) into
//! human text.
//! Renderers are separate from checks and never change what was found.

mod blocks;
mod client;
mod diagnosis;
mod explain;
mod github;
mod grants;
mod human;
mod matrix;
mod migrate;
mod plan;
mod probe;
mod provider;
mod rules;
mod sarif;
mod skill;

pub use client::client_report;
pub use diagnosis::diagnosis_report;
pub use explain::explain_report;
pub use github::github;
pub use grants::grants_report;
pub use human::human;
pub use matrix::access_matrix;
pub use migrate::migrate_report;
pub use plan::{apply_report, plan_report, pulled_config};
pub use probe::probe_report;
pub use provider::provider_report;
pub use rules::rules_table;
pub use sarif::sarif;
pub use skill::install_report;

use std::borrow::Cow;

use crate::diagnostic::ValidateOutput;

/// A character that must not reach a terminal as it is: control characters (escape
/// sequences, carriage returns) and bidirectional overrides.
fn hidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Push `c` as a visible `\u{..}` escape.
fn push_escaped(out: &mut String, c: char) {
    out.push_str(&format!("\\u{{{:x}}}", c as u32));
}

/// Text safe to print on a terminal: control characters (escape sequences, carriage returns,
/// line breaks inside one field) and bidirectional overrides become visible `\u{..}`
/// escapes, so a config's keys or comments cannot move the cursor or recolour the screen.
pub fn visible(text: &str) -> Cow<'_, str> {
    escape_where(text, |_, c| hidden(c))
}

/// A whole human report safe for a terminal: as [`visible`], but line breaks, tabs and
/// CRLF line ends stay, so the layout (and a pulled document's bytes) are kept.
pub fn terminal_text(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    escape_where(text, |i, c| {
        hidden(c) && !(c == '\n' || c == '\t' || (c == '\r' && bytes.get(i + 1) == Some(&b'\n')))
    })
}

fn escape_where(text: &str, escape: impl Fn(usize, char) -> bool) -> Cow<'_, str> {
    if !text.char_indices().any(|(i, c)| escape(i, c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for (i, c) in text.char_indices() {
        if escape(i, c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A validation result in `format`; `source` is the document (quoted by the human format).
pub fn validation_report(
    output: &ValidateOutput,
    source: &[u8],
    file_name: &str,
    format: Format,
) -> Result<String, serde_json::Error> {
    Ok(match format {
        Format::Human => human(output, std::str::from_utf8(source).ok(), file_name),
        Format::Json => serde_json::to_string_pretty(output)? + "\n",
        Format::Sarif => serde_json::to_string_pretty(&sarif(output, file_name))? + "\n",
        Format::Github => github(output, file_name),
    })
}

/// Output formats of `validate`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source line with a caret under the column, like rustc.
    #[default]
    Human,
    /// The contract's JSON, exactly as the MCP tool's structuredContent.
    Json,
    /// SARIF 2.1.0 for code-scanning tools (rule ids are the codes).
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...`).
    Github,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_the_terminal() {
        assert_eq!(visible("a\u{1b}[31mb\n"), "a\\u{1b}[31mb\\u{a}");
        assert_eq!(visible("plain é"), "plain é");
        assert_eq!(
            terminal_text("k\u{202e}x\r\n\tok\rno\u{7}\n"),
            "k\\u{202e}x\r\n\tok\\u{d}no\\u{7}\n"
        );
    }
}
