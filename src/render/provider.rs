//! A `generate_provider` result as text for a terminal: the merged config (unless it was
//! written back; the command says where), then diagnostics and notes.

use super::blocks::{diagnostics_block, notes_block};
use crate::tools::provider::ProviderOutput;

/// `written`: the config was written back to its file, so it is not repeated here.
pub fn provider_report(out: &ProviderOutput, written: bool) -> String {
    let body = if written {
        String::new()
    } else {
        format!("{}\n", out.config.trim_end())
    };
    format!(
        "{body}{}{}",
        diagnostics_block(&out.diagnostics),
        notes_block(&out.notes)
    )
}
