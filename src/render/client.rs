//! A `generate_client_config` result as text for a terminal: each file with its path, the
//! environment as `export` lines, the commands, then the notes.

use super::blocks::notes_block;
use super::terminal::visible;
use super::text::HumanText;
use crate::tools::client::{ClientOutput, shell_quote};

pub fn client_report(out: &ClientOutput) -> HumanText {
    let mut report = HumanText::new();
    for f in &out.files {
        report = report
            .prose(format!("# {} ({}; {})\n", f.path, f.format, f.source))
            .verbatim(format!("{}\n", f.content.trim_end()));
    }
    let mut text = String::new();
    if !out.env.is_empty() {
        text.push_str("\n# environment\n");
        for (k, v) in &out.env {
            // Single-quoted: a value can hold `$(…)` or quotes and still only set itself.
            text.push_str(&format!("export {k}={}\n", shell_quote(v)));
        }
    }
    for c in &out.commands {
        text.push_str(&format!("\n$ {c}"));
    }
    if !out.commands.is_empty() {
        text.push('\n');
    }
    let notes: Vec<String> = out.notes.iter().map(|n| visible(n).into_owned()).collect();
    report.prose(format!("{text}\n{}", notes_block(&notes)))
}
