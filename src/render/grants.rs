//! A `generate_grants` result as text for a terminal: the grants as JSON, the effective
//! access of every identity (with its buckets and what the row alone does not show), then
//! diagnostics and notes.

use super::blocks::{diagnostics_block, notes_block};
use crate::access::Role;
use crate::tools::grants::GrantsOutput;

pub fn grants_report(out: &GrantsOutput) -> String {
    let mut text = serde_json::to_string_pretty(&out.grants).unwrap_or_default();
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
