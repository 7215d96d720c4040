//! A `test_endpoint` report as text for a terminal: one line per probe, then the findings
//! with cause and fix, then the curl commands.

use crate::probe::findings::Severity;
use crate::probe::{Outcome, Verdict};
use crate::tools::test_endpoint::TestOutput;

pub fn probe_report(out: &TestOutput) -> String {
    let report = &out.report;
    let verdict = match report.verdict {
        Verdict::Ok => "ok",
        Verdict::Degraded => "DEGRADED",
        Verdict::Failed => "FAILED",
    };
    let mut text = format!("{} → {verdict}\n", out.url);
    if let Some(client) = &report.client {
        let works = match client.works {
            Some(true) => "will work",
            Some(false) => "will FAIL",
            None => "not settled",
        };
        text.push_str(&format!(
            "  {} with {} ({}): {works}: {}\n",
            client.client,
            client.model,
            client.endpoints.join(", "),
            client.why
        ));
    }
    for probe in &report.probes {
        let mark = match probe.outcome {
            Outcome::Ok => "ok  ",
            Outcome::Warning => "warn",
            Outcome::Failed => "FAIL",
            Outcome::Skipped => "skip",
        };
        let status = probe.status.map(|s| format!(" {s}")).unwrap_or_default();
        let timing = match probe.timings.first_byte_ms {
            Some(first) => format!("{first:.1}/{:.1} ms", probe.timings.total_ms),
            None => format!("{:.1} ms", probe.timings.total_ms),
        };
        text.push_str(&format!(
            "  {mark} {:<34} {:>16}{status}  {}\n",
            probe.name, timing, probe.detail
        ));
    }
    for finding in &report.findings {
        let level = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        text.push_str(&format!(
            "\n{level}[{}] {}\n",
            finding.code, finding.message
        ));
        if let Some(cause) = &finding.cause {
            text.push_str(&format!("  cause: {cause}\n"));
        }
        text.push_str(&format!("  fix:   {}\n", finding.fix));
    }
    if !report.curl.is_empty() {
        text.push_str("\nrerun by hand:\n");
        for command in &report.curl {
            text.push_str(&format!("  {command}\n"));
        }
    }
    for note in &report.notes {
        text.push_str(&format!("note: {note}\n"));
    }
    text
}
