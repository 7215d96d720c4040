//! Text blocks several human renderers end with: the notes and the diagnostics.

use crate::diagnostic::Diagnostic;

/// One `note:` line per note.
pub fn notes_block(notes: &[String]) -> String {
    notes.iter().map(|n| format!("note: {n}\n")).collect()
}

/// Each diagnostic as `severity[code] path: message`, then its fix.
pub fn diagnostics_block(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}[{}] {}: {}\n  fix: {}\n",
                d.severity.as_str(),
                d.code,
                d.path,
                d.message,
                d.fix.description
            )
        })
        .collect()
}
