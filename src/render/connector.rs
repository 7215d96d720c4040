//! A `generate_connector` result as text for a terminal: the merged config with every
//! secret masked (or where it was written), the OAuth callback, then diagnostics and notes.

use super::blocks::{diagnostics_block, notes_block};
use super::text::HumanText;
use crate::redact::mask_text;
use crate::tools::connector::ConnectorOutput;

/// `written_to`: the config file the result was written back to, if it was.
pub fn connector_report(out: &ConnectorOutput, written_to: Option<&str>) -> HumanText {
    let id = &out.connector_id;
    let body = match (written_to, out.changed) {
        (Some(path), _) => HumanText::new().prose(format!("connector `{id}` merged into {path}\n")),
        (None, Some(false)) => HumanText::new().prose(format!(
            "unchanged: the config already has connector `{id}` and its grants\n"
        )),
        // Every secret-looking value of the document is masked, not only the connector's.
        (None, _) => HumanText::new().verbatim(format!("{}\n", mask_text(out.config.trim_end()))),
    };
    let callback = out
        .callback
        .as_ref()
        .map(|url| format!("OAuth callback: {url}\n"))
        .unwrap_or_default();
    body.prose(format!(
        "{callback}{}{}",
        diagnostics_block(&out.diagnostics),
        notes_block(&out.notes)
    ))
}
