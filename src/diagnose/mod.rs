//! From a user's words to causes: rank symptoms (see [`matcher`]), then weigh each cause with
//! the evidence at hand (a config's rule findings, `test_endpoint` findings) and say which
//! evidence decided.

pub mod matcher;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::catalog::symptoms::{Cause, Symptom};
use crate::diagnostic::ValidateOutput;
use crate::probe::Report;
pub use matcher::{Query, Ranked};

/// Whether the evidence decided a cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CauseStatus {
    /// A check found the defect.
    Confirmed,
    /// Nothing decided it yet (no evidence, or only the user can check).
    Possible,
    /// Every check that can decide it ran and found nothing.
    RuledOut,
}

/// What kind of check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// Config rules (validate_config codes).
    Config,
    /// A save-mode validation of the whole config.
    Save,
    /// test_endpoint findings.
    Probe,
    /// A question or command for the user.
    Ask,
}

/// What a check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    Found,
    Clean,
    NotRun,
    ForTheUser,
}

/// One check of a cause.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CheckReport {
    pub kind: CheckKind,
    /// What is checked (codes, or the question).
    pub what: String,
    pub result: CheckResult,
}

/// A ranked symptom.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SymptomMatch {
    pub id: String,
    pub title: String,
    pub score: f64,
    pub matched: Vec<String>,
}

/// One cause, as the contract lists them.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CauseReport {
    /// `symptom/cause`.
    pub id: String,
    pub symptom: String,
    pub title: String,
    /// 0..1.
    pub confidence: f64,
    pub status: CauseStatus,
    /// What in the input pointed here.
    pub matched: Vec<String>,
    pub checks: Vec<CheckReport>,
    pub fixes: Vec<String>,
    /// What the evidence showed, and which evidence decided.
    pub evidence: Vec<String>,
    /// Rests on an UNCONFIRMED fact about Aperture.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unconfirmed: bool,
}

/// The evidence a diagnosis can use.
#[derive(Debug, Default)]
pub struct Evidence<'a> {
    /// A save-mode validation of the user's config.
    pub config: Option<&'a ValidateOutput>,
    /// A free-probe run against the user's gateway.
    pub probe: Option<&'a Report>,
}

/// The diagnosis.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Diagnosis {
    /// Best matches first (at most five).
    pub symptoms: Vec<SymptomMatch>,
    /// Confirmed causes first, then by confidence; ruled-out ones last.
    pub causes: Vec<CauseReport>,
    pub next_steps: Vec<String>,
}

/// Symptoms whose causes are listed: the best one, and close runners-up.
const RUNNER_UP_RATIO: f64 = 0.75;
const MAX_SYMPTOMS_WITH_CAUSES: usize = 3;

/// Diagnose a query with the evidence given.
pub fn diagnose(query: &Query, evidence: &Evidence) -> Diagnosis {
    let has_evidence = evidence.config.is_some() || evidence.probe.is_some();
    // Each ranked symptom with its causes weighed once (only when there is evidence: without
    // it no cause can be confirmed, and only the listed symptoms' causes are weighed).
    let mut ranked: Vec<(Ranked, Option<Vec<Weighed>>)> = matcher::rank(query)
        .into_iter()
        .map(|r| (r, None))
        .collect();
    // A symptom the probe reproduced, or whose cause the config confirms, moves up.
    for (r, weighed) in &mut ranked {
        if let Some(report) = evidence.probe {
            for code in &r.symptom.reproduced_by {
                if report.findings.iter().any(|f| f.code == *code) {
                    r.score += 0.5;
                    r.matched
                        .push(format!("test_endpoint reproduced it ({code})"));
                }
            }
        }
        if has_evidence {
            let all = weigh(r.symptom, evidence);
            if all.iter().any(|w| w.0 == CauseStatus::Confirmed) {
                r.score += 0.2;
            }
            *weighed = Some(all);
        }
    }
    ranked.sort_by(|a, b| b.0.score.total_cmp(&a.0.score));

    let top_score = ranked.first().map_or(0.0, |(r, _)| r.score);
    let saturation = top_score / (top_score + 0.3);
    let mut causes = Vec::new();
    for (r, weighed) in ranked
        .iter_mut()
        .take(MAX_SYMPTOMS_WITH_CAUSES)
        .filter(|(r, _)| r.score >= RUNNER_UP_RATIO * top_score)
    {
        let symptom_confidence = r.score / top_score * saturation;
        let weighed = weighed.take().unwrap_or_else(|| weigh(r.symptom, evidence));
        for (cause, weighed) in r.symptom.causes.iter().zip(weighed) {
            causes.push(cause_report(r, cause, symptom_confidence, weighed));
        }
    }
    causes.sort_by(|a, b| {
        rank_of(a.status)
            .cmp(&rank_of(b.status))
            .then(b.confidence.total_cmp(&a.confidence))
    });
    let next_steps = next_steps(ranked.first().map(|(r, _)| r), &causes, evidence);
    Diagnosis {
        symptoms: ranked
            .iter()
            .take(5)
            .map(|(r, _)| SymptomMatch {
                id: r.symptom.id.to_owned(),
                title: r.symptom.title.to_owned(),
                score: round(r.score),
                matched: r.matched.clone(),
            })
            .collect(),
        causes,
        next_steps,
    }
}

/// A cause weighed against the evidence: its status, its checks, and what they showed.
type Weighed = (CauseStatus, Vec<CheckReport>, Vec<String>);

/// Every cause of a symptom, weighed.
fn weigh(symptom: &Symptom, evidence: &Evidence) -> Vec<Weighed> {
    symptom
        .causes
        .iter()
        .map(|c| status_of(c, evidence))
        .collect()
}

fn rank_of(status: CauseStatus) -> u8 {
    match status {
        CauseStatus::Confirmed => 0,
        CauseStatus::Possible => 1,
        CauseStatus::RuledOut => 2,
    }
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A cause's status from the evidence, with its checks and what they showed.
fn status_of(cause: &Cause, evidence: &Evidence) -> Weighed {
    let mut checks = Vec::new();
    let mut notes = Vec::new();
    let mut found = false;
    let mut ruled_out = false;
    let parsed = evidence.config.is_some_and(|c| {
        !c.diagnostics
            .iter()
            .any(|d| crate::rules::catalog::by_code(&d.code).is_some_and(|r| r.is_document_level()))
    });
    // Config rules: `rules` confirm the cause, `requires` only make it possible.
    for (codes, confirms) in [(&cause.rules, true), (&cause.requires, false)] {
        if codes.is_empty() {
            continue;
        }
        let what = codes.join(", ");
        let result = match evidence.config {
            Some(config) if parsed => {
                let hits: Vec<_> = config
                    .diagnostics
                    .iter()
                    .filter(|d| codes.contains(&d.code))
                    .collect();
                for d in hits.iter().take(3) {
                    let at = if d.path.is_empty() { "/" } else { &d.path };
                    notes.push(format!("config: {} at {at}: {}", d.code, d.message));
                }
                if hits.is_empty() {
                    notes.push(format!(
                        "config: none of {what} applies, which rules this out as far as this document shows"
                    ));
                    ruled_out = true;
                    CheckResult::Clean
                } else {
                    found |= confirms;
                    CheckResult::Found
                }
            }
            Some(_) => {
                notes.push(
                    "config: it does not parse, so its rules could not run (see validate_config)"
                        .into(),
                );
                CheckResult::NotRun
            }
            None => CheckResult::NotRun,
        };
        checks.push(CheckReport {
            kind: CheckKind::Config,
            what: if confirms {
                what
            } else {
                format!("{what} (precondition)")
            },
            result,
        });
    }
    if cause.save_blocking {
        let result = match evidence.config {
            Some(config) => {
                let errors = config.counts.error;
                notes.push(if errors > 0 {
                    format!("config: a save would be refused: {errors} error(s) in save mode")
                } else {
                    "config: a save-mode validation finds no error".into()
                });
                if errors > 0 {
                    found = true;
                    CheckResult::Found
                } else {
                    ruled_out = true;
                    CheckResult::Clean
                }
            }
            None => CheckResult::NotRun,
        };
        checks.push(CheckReport {
            kind: CheckKind::Save,
            what: "validate_config in save mode".into(),
            result,
        });
    }
    if !cause.probes.is_empty() {
        let what = cause.probes.join(", ");
        let result = match evidence.probe {
            Some(report) => {
                let hit = report
                    .findings
                    .iter()
                    .find(|f| cause.probes.contains(&f.code));
                let passed = cause.ruled_out_by_probe.as_deref().is_some_and(|name| {
                    report
                        .probes
                        .iter()
                        .any(|p| p.name == name && p.outcome == crate::probe::Outcome::Ok)
                });
                match (hit, passed) {
                    (Some(f), _) => {
                        notes.push(format!("probe: {} {}", f.code, f.message));
                        found = true;
                        CheckResult::Found
                    }
                    (None, true) => {
                        notes.push(format!(
                            "probe: the {} probe passed",
                            cause.ruled_out_by_probe.as_deref().unwrap_or_default()
                        ));
                        ruled_out = true;
                        CheckResult::Clean
                    }
                    // The free probes cannot show this one (it needs a completion): undecided.
                    (None, false) => CheckResult::NotRun,
                }
            }
            None => CheckResult::NotRun,
        };
        checks.push(CheckReport {
            kind: CheckKind::Probe,
            what,
            result,
        });
    }
    for question in &cause.ask {
        checks.push(CheckReport {
            kind: CheckKind::Ask,
            what: question.clone(),
            result: CheckResult::ForTheUser,
        });
    }
    let status = if found {
        CauseStatus::Confirmed
    } else if ruled_out {
        CauseStatus::RuledOut
    } else {
        CauseStatus::Possible
    };
    (status, checks, notes)
}

fn cause_report(
    r: &Ranked,
    cause: &Cause,
    symptom_confidence: f64,
    (status, checks, mut notes): Weighed,
) -> CauseReport {
    let confidence = match status {
        CauseStatus::Confirmed => symptom_confidence.max(0.95),
        CauseStatus::Possible => symptom_confidence * 0.8,
        CauseStatus::RuledOut => symptom_confidence * 0.1,
    };
    if cause.unconfirmed {
        notes.push("this cause rests on behaviour the Aperture docs leave UNCONFIRMED: test_endpoint or the dashboard's Logs page shows what your gateway does".into());
    }
    CauseReport {
        id: format!("{}/{}", r.symptom.id, cause.id),
        symptom: r.symptom.id.to_owned(),
        title: cause.title.to_owned(),
        confidence: round(confidence.min(1.0)),
        status,
        matched: r.matched.clone(),
        checks,
        fixes: cause.fixes.clone(),
        evidence: notes,
        unconfirmed: cause.unconfirmed,
    }
}

fn next_steps(top: Option<&Ranked>, causes: &[CauseReport], evidence: &Evidence) -> Vec<String> {
    let mut steps = Vec::new();
    let Some(top) = top else {
        return vec![
            "Nothing in the description matches a known Aperture symptom: add the HTTP status and the exact error text, or run test_endpoint against the gateway.".into(),
        ];
    };
    for cause in causes.iter().filter(|c| c.status == CauseStatus::Confirmed) {
        if let Some(fix) = cause.fixes.first() {
            steps.push(format!("Fix {} (confirmed): {fix}", cause.id));
        }
    }
    let symptoms: Vec<&Symptom> = causes
        .iter()
        .filter_map(|c| crate::catalog::symptoms::find(&c.symptom))
        .fold(Vec::new(), |mut acc, s| {
            if !acc.iter().any(|x: &&Symptom| x.id == s.id) {
                acc.push(s);
            }
            acc
        });
    let config_would_help = symptoms
        .iter()
        .flat_map(|s| &s.causes)
        .any(|c| !c.rules.is_empty() || c.save_blocking);
    if evidence.config.is_none() && config_would_help {
        steps.push("Pass the gateway's config (`config` or `config_path`; CLI --config FILE) to confirm or rule out the config causes.".into());
    }
    let probe_would_help = symptoms
        .iter()
        .any(|s| !s.reproduced_by.is_empty() || s.causes.iter().any(|c| !c.probes.is_empty()));
    if evidence.probe.is_none() && probe_would_help {
        steps.push("Pass the gateway's `url` (e.g. http://ai; CLI --url) to run test_endpoint's free probes, or run test_endpoint with the model and send_completion.".into());
    }
    for cause in causes
        .iter()
        .filter(|c| c.status == CauseStatus::Possible && c.symptom == top.symptom.id)
    {
        if let Some(question) = cause.checks.iter().find(|c| c.kind == CheckKind::Ask) {
            steps.push(format!("Check ({}): {}", cause.id, question.what));
        }
    }
    if top.score < 0.35 {
        steps.push("The match is weak: add the HTTP status (http_status) and the exact error text (error_text).".into());
    }
    steps
}
