//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per finding.

use crate::diagnostic::Severity;
use crate::diagnostic::ValidateOutput;

pub fn github(output: &ValidateOutput, file_name: &str) -> String {
    let mut out = String::new();
    for d in &output.diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = vec![format!("file={}", escape_property(file_name))];
        if let Some(line) = d.line {
            props.push(format!("line={line}"));
        }
        if let Some(column) = d.column {
            props.push(format!("col={column}"));
        }
        props.push(format!("title={}", escape_property(&d.code)));
        let message = format!("{} (fix: {})", d.message, d.fix.description);
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            escape_data(&message)
        ));
    }
    for t in &output.truncated {
        out.push_str(&format!(
            "::notice file={},title={}::{}\n",
            escape_property(file_name),
            escape_property(&t.code),
            escape_data(&t.sentence())
        ));
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
