//! Text blocks several human renderers end with: the notes and the diagnostics.

use crate::diagnostic::Diagnostic;

/// One `note:` line per note.
pub fn notes_block(notes: &[String]) -> String {
    notes.iter().map(|n| format!("note: {n}\n")).collect()
}

/// Each diagnostic as `severity[code] path: message` (no path for the whole document), then
/// its fix.
pub fn diagnostics_block(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| {
            let at = if d.path.is_empty() {
                String::new()
            } else {
                format!(" {}", d.path)
            };
            format!(
                "{}[{}]{at}: {}\n  fix: {}\n",
                d.severity.as_str(),
                d.code,
                d.message,
                d.fix.description
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Fix, Severity};

    #[test]
    fn a_whole_document_finding_shows_no_empty_path() {
        let d = Diagnostic {
            code: "AP207".into(),
            severity: Severity::Warning,
            message: "nobody is admin".into(),
            path: String::new(),
            line: None,
            column: None,
            aperture_message: None,
            fix: Fix {
                description: "add an admin".into(),
                patch: None,
            },
            docs: String::new(),
        };
        assert_eq!(
            diagnostics_block(&[d]),
            "warning[AP207]: nobody is admin\n  fix: add an admin\n"
        );
    }
}
