//! What `validate --fix` did, as text for a terminal: the preview diff (with `--diff`), one
//! line per applied fix, and where the result went; the validation of the result follows it.

use std::fmt::Write;

use crate::diagnostic::ValidateOutput;

/// Where the fixed document went.
#[derive(Debug, Clone, Copy)]
pub enum FixedTo<'a> {
    /// `--diff`: previewed, nothing written.
    Preview,
    /// Written back to this file, the previous version kept as `FILE.bak`.
    File(&'a str),
}

/// The fixes of `output` (which carries the fixed `config`); `diff` is the preview diff.
pub fn fix_report(output: &ValidateOutput, to: FixedTo<'_>, diff: &str) -> String {
    let mut out = String::new();
    if let FixedTo::Preview = to {
        out.push_str(diff);
    }
    let verb = match to {
        FixedTo::Preview => "would fix",
        FixedTo::File(_) => "fixed",
    };
    for f in &output.fixed {
        let _ = writeln!(out, "{verb} {} {}: {}", f.code, f.path, f.description);
    }
    let _ = match (to, output.fixed.is_empty()) {
        (_, true) => writeln!(
            out,
            "nothing to fix: no finding has a fix of the kind asked for"
        ),
        (FixedTo::Preview, false) => writeln!(out, "nothing written (--diff previews)"),
        (FixedTo::File(path), false) => {
            writeln!(out, "wrote {path} (previous version: {path}.bak)")
        }
    };
    out.push('\n');
    out
}
