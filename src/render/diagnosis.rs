//! A `diagnose_symptom` result as text for a terminal: the matched symptom, each cause with
//! its status, evidence and fix, then the next steps.

use crate::diagnose::{CauseStatus, CheckKind};
use crate::tools::diagnose::DiagnoseOutput;

pub fn diagnosis_report(out: &DiagnoseOutput) -> String {
    let d = &out.diagnosis;
    let mut text = String::new();
    match d.symptoms.first() {
        Some(top) => {
            text.push_str(&format!("symptom: {} ({})\n", top.title, top.id));
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
