//! A `generate_provider` result as text for a terminal: the merged config (or where it was
//! written), then diagnostics and notes.

use super::blocks::{diagnostics_block, notes_block};
use crate::tools::provider::ProviderOutput;

/// The diagnostics and notes alone: what goes to stderr when stdout carries the document.
pub fn provider_notes(out: &ProviderOutput) -> String {
    format!(
        "{}{}",
        diagnostics_block(&out.diagnostics),
        notes_block(&out.notes)
    )
}

/// `written_to`: the config file the result was written back to, if it was.
pub fn provider_report(out: &ProviderOutput, written_to: Option<&str>) -> String {
    let (body, written) = match written_to {
        Some(path) => (
            String::new(),
            format!("wrote {path} (backup: {path}.bak)\n"),
        ),
        None => (format!("{}\n", out.config.trim_end()), String::new()),
    };
    format!(
        "{body}{written}{}{}",
        diagnostics_block(&out.diagnostics),
        notes_block(&out.notes)
    )
}
