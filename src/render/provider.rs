//! A `generate_provider` result as text for a terminal: the merged config (unless it was
//! written back; the command says where), then diagnostics and notes.

use super::blocks::{diagnostics_block, notes_block};
use super::text::HumanText;
use crate::tools::provider::ProviderOutput;

/// The diagnostics and notes alone: what goes to stderr when stdout carries the document.
pub fn provider_notes(out: &ProviderOutput) -> String {
    format!(
        "{}{}",
        diagnostics_block(&out.diagnostics),
        notes_block(&out.notes)
    )
}

/// `written`: the config was written back to its file (the write itself is reported on
/// stderr), so it is not repeated here.
pub fn provider_report(out: &ProviderOutput, written: bool) -> HumanText {
    let body = if written {
        String::new()
    } else {
        format!("{}\n", out.config.trim_end())
    };
    HumanText::new().verbatim(body).prose(format!(
        "{}{}",
        diagnostics_block(&out.diagnostics),
        notes_block(&out.notes)
    ))
}
