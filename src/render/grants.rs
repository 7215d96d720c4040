//! A `generate_grants` result as text for a terminal: the grants as JSON, the bucket
//! definitions of budgets, whether the config changed, the effective access of every identity
//! (with its buckets and what the row alone does not show), then diagnostics and notes.

use super::blocks::{diagnostics_block, notes_block};
use crate::access::Role;
use crate::tools::grants::GrantsOutput;

pub fn grants_report(out: &GrantsOutput) -> String {
    let mut text = serde_json::to_string_pretty(&out.grants).unwrap_or_default();
    if !out.quotas.is_empty() {
        text.push_str("\n\nquotas (budget buckets):\n");
        text.push_str(&serde_json::to_string_pretty(&out.quotas).unwrap_or_default());
    }
    match out.changed {
        Some(true) => text
            .push_str("\n\nconfig: changed (--write saves it, --format json shows it in `config`)"),
        Some(false) => text.push_str("\n\nconfig: unchanged (byte for byte)"),
        None => {}
    }
    text.push_str("\n\neffective access:\n");
    for row in &out.access {
        let role = row.role.map_or("none", Role::as_str);
        text.push_str(&format!(
            "  {:<32} role={:<6} models={}\n",
            row.src,
            role,
            if row.models.is_empty() {
                "none".to_owned()
            } else {
                row.models.join(", ")
            }
        ));
        if !row.quotas.is_empty() {
            text.push_str(&format!("  {:<32} quotas={}\n", "", row.quotas.join(", ")));
        }
        for note in &row.notes {
            text.push_str(&format!("  {:<32} note: {note}\n", ""));
        }
    }
    format!(
        "{text}{}{}",
        diagnostics_block(&out.diagnostics),
        notes_block(&out.notes)
    )
}
