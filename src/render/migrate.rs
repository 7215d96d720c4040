//! A `migrate_config` result as text for a terminal: the diff, one line per migration, then
//! diagnostics and notes.

use super::blocks::{diagnostics_block, notes_block};
use super::text::HumanText;
use crate::tools::migrate::MigrateOutput;

pub fn migrate_report(out: &MigrateOutput) -> HumanText {
    let body = if out.changed {
        out.diff.clone()
    } else {
        String::new()
    };
    let changes: String = out
        .changes
        .iter()
        .map(|c| format!("migrated {} {}: {}\n", c.code, c.path, c.description))
        .collect();
    HumanText::new().verbatim(body).prose(format!(
        "{changes}{}{}",
        diagnostics_block(&out.diagnostics),
        notes_block(&out.notes)
    ))
}
