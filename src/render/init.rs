//! An `init` result as text for a terminal: where the new config went (or the config itself),
//! then the notes. The document and the human text are separate so a caller can print the
//! document alone on stdout.

use super::blocks::notes_block;
use crate::tools::init::InitOutput;

/// The human text beside the document: `wrote FILE` when it was written, then the notes.
pub fn init_report(out: &InitOutput, written_to: Option<&str>) -> String {
    let written = written_to
        .map(|path| format!("wrote {path}: a config Aperture's save accepts\n"))
        .unwrap_or_default();
    format!("{written}{}", notes_block(&out.notes))
}
