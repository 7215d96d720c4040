//! A `diagnose_symptom` result as text for a terminal: the matched symptom, each cause with
//! its status, evidence and fix, then the next steps.

use crate::diagnose::{CauseStatus, CheckKind};
use crate::tools::diagnose::DiagnoseOutput;

pub fn diagnosis_report(out: &DiagnoseOutput) -> String {
    let d = &out.diagnosis;
    let mut text = String::new();
    match d.symptoms.first() {
        Some(top) => {
            text.push_str(&format!(
                "symptom: {} ({}) {:.2}\n",
                top.title, top.id, top.score
            ));
            if !top.matched.is_empty() {
                text.push_str(&format!("  matched: {}\n", top.matched.join("; ")));
            }
            let others: Vec<String> = d.symptoms[1..]
                .iter()
                .take(3)
                .map(|s| format!("{} {:.2}", s.id, s.score))
                .collect();
            if !others.is_empty() {
                text.push_str(&format!("  also considered: {}\n", others.join(", ")));
            }
        }
        None => text.push_str("symptom: no known Aperture symptom matches\n"),
    }
    if !d.candidates.is_empty() {
        text.push_str("  close or weak match; which is it?\n");
        for c in &d.candidates {
            text.push_str(&format!("    {} {:.2}: {}\n", c.id, c.score, c.question));
        }
    }
    if let Some(caller) = &d.caller {
        let who = caller.identity.as_deref().unwrap_or("(no identity)");
        text.push_str(&format!("caller: {who}\n"));
        for f in &caller.findings {
            text.push_str(&format!("  {f}\n"));
        }
    }
    if let Some(probe) = &out.probe {
        text.push_str(&format!("probe: {} → {}\n", probe.url, probe.summary));
    }
    for cause in &d.causes {
        let status = match cause.status {
            CauseStatus::Confirmed => "CONFIRMED",
            CauseStatus::Possible => "possible ",
            CauseStatus::RuledOut => "ruled out",
        };
        text.push_str(&format!(
            "\n{status} {:.2}  {}\n  {}\n",
            cause.confidence, cause.id, cause.title
        ));
        for e in &cause.evidence {
            text.push_str(&format!("  evidence: {e}\n"));
        }
        if cause.status != CauseStatus::RuledOut {
            for check in cause.checks.iter().filter(|c| c.kind == CheckKind::Ask) {
                text.push_str(&format!("  check: {}\n", check.what));
            }
            for fix in &cause.fixes {
                text.push_str(&format!("  fix: {fix}\n"));
            }
        }
    }
    if !d.counted.is_empty() {
        text.push_str(&format!("\ncounted: {}\n", d.counted.join(", ")));
    }
    if !d.next_steps.is_empty() {
        text.push_str("\nnext steps:\n");
        for (i, step) in d.next_steps.iter().enumerate() {
            text.push_str(&format!("  {}. {step}\n", i + 1));
        }
    }
    for note in &out.notes {
        text.push_str(&format!("note: {note}\n"));
    }
    text
}
