//! From a user's words to causes: rank symptoms (see [`matcher`]), then weigh each cause with
//! the evidence at hand (a config's rule findings, `test_endpoint` findings) and say which
//! evidence decided.

pub mod matcher;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub mod caller;

use crate::catalog::symptoms::{Cause, Symptom};
use crate::diagnostic::ValidateOutput;
use crate::probe::Report;
pub use caller::{Caller, CallerEvidence};
pub use matcher::{Query, Ranked};

/// Whether the evidence decided a cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CauseStatus {
    /// A check found the defect.
    Confirmed,
    /// Nothing decided it yet (no evidence, or only the user can check).
    Possible,
    /// Evidence contradicts it (never for lack of evidence).
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
    /// The access evaluator for the caller given (`identity`, `model`, `endpoint`).
    Caller,
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
    /// 0..1.
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
    /// The access evaluator's verdict for the caller the user named.
    pub caller: Option<&'a CallerEvidence>,
}

impl Evidence<'_> {
    fn any(&self) -> bool {
        self.config.is_some() || self.probe.is_some() || self.caller.is_some()
    }
}

/// A symptom the match could not tell from the best one, with the question that tells them
/// apart.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Candidate {
    pub id: String,
    pub title: String,
    /// 0..1, the scale of every score.
    pub score: f64,
    pub question: String,
}

/// The diagnosis.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Diagnosis {
    /// Best matches first (at most five); `score` 0..1.
    pub symptoms: Vec<SymptomMatch>,
    /// When the best match is weak or others are close: choose with each one's question, then
    /// call again with `symptom_id`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<Candidate>,
    /// Confirmed causes first, then by confidence (0..1); ruled-out ones last.
    pub causes: Vec<CauseReport>,
    /// The caller as the access evaluator sees it (with `identity`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller: Option<CallerEvidence>,
    /// Every finding that moved a cause or a score (config codes, probe codes, caller facts).
    pub counted: Vec<String>,
    pub next_steps: Vec<String>,
}

/// Symptoms whose causes are listed: the best one, and close runners-up.
const RUNNER_UP_RATIO: f64 = 0.75;
const MAX_SYMPTOMS_WITH_CAUSES: usize = 3;
/// Below this the best match is weak (on the 0..1 scale).
const WEAK: f64 = 0.5;
/// A runner-up at this share of the best score or more is close.
const CLOSE: f64 = 0.9;
const MAX_CANDIDATES: usize = 4;
/// The raw score of a symptom chosen by `symptom_id`: it scales to 1.00.
const CHOSEN: f64 = 1e9;

/// The matcher's raw score (sums of word, error, status and evidence weights) on the one 0..1
/// scale every output uses: monotonic, so the order is kept; a raw 0.35 (a weak match) is 0.5.
pub fn scale(raw: f64) -> f64 {
    let raw = raw.max(0.0);
    round(raw / (raw + 0.35))
}

/// Diagnose a query with the evidence given.
pub fn diagnose(query: &Query, evidence: &Evidence) -> Diagnosis {
    let has_evidence = evidence.any();
    let mut counted: Vec<String> = Vec::new();
    // Each ranked symptom with its causes weighed once (only when there is evidence: without
    // it no cause can be confirmed, and only the listed symptoms' causes are weighed).
    let chosen = query.symptom_id.and_then(crate::catalog::symptoms::find);
    let mut ranked: Vec<(Ranked, Option<Vec<Weighed>>)> = match chosen {
        Some(symptom) => vec![Ranked {
            symptom,
            score: CHOSEN,
            matched: vec!["chosen by symptom_id".into()],
        }],
        None => matcher::rank(query),
    }
    .into_iter()
    .map(|r| (r, None))
    .collect();
    // A symptom the probe reproduced, or whose cause the evidence confirms, moves up.
    for (r, weighed) in &mut ranked {
        if let Some(report) = evidence.probe {
            for code in &r.symptom.reproduced_by {
                if report.findings.iter().any(|f| f.code == *code) {
                    r.score += 0.5;
                    r.matched
                        .push(format!("test_endpoint reproduced it ({code})"));
                    push_unique(&mut counted, format!("probe {code}"));
                }
            }
        }
        if has_evidence {
            let all = weigh(r.symptom, evidence);
            if all.iter().any(|w| w.status == CauseStatus::Confirmed) {
                r.score += 0.2;
            }
            *weighed = Some(all);
        }
    }
    ranked.sort_by(|a, b| b.0.score.total_cmp(&a.0.score));

    let top_score = ranked.first().map_or(0.0, |(r, _)| r.score);
    let mut causes = Vec::new();
    for (r, weighed) in ranked
        .iter_mut()
        .take(MAX_SYMPTOMS_WITH_CAUSES)
        .filter(|(r, _)| r.score >= RUNNER_UP_RATIO * top_score)
    {
        let strength = scale(r.score);
        let weighed = weighed.take().unwrap_or_else(|| weigh(r.symptom, evidence));
        for (cause, weighed) in r.symptom.causes.iter().zip(weighed) {
            for c in &weighed.counted {
                push_unique(&mut counted, c.clone());
            }
            causes.push(cause_report(r, cause, strength, weighed));
        }
    }
    causes.sort_by(|a, b| {
        rank_of(a.status)
            .cmp(&rank_of(b.status))
            .then(b.confidence.total_cmp(&a.confidence))
    });
    let candidates = if chosen.is_some() {
        Vec::new()
    } else {
        candidates(&ranked)
    };
    let legacy = legacy_codes(evidence);
    for code in &legacy {
        push_unique(&mut counted, format!("config {code} (legacy form)"));
    }
    let next_steps = next_steps(
        ranked.first().map(|(r, _)| r),
        &causes,
        evidence,
        &candidates,
        &legacy,
    );
    Diagnosis {
        symptoms: ranked
            .iter()
            .take(5)
            .map(|(r, _)| SymptomMatch {
                id: r.symptom.id.to_owned(),
                title: r.symptom.title.to_owned(),
                score: scale(r.score),
                matched: r.matched.clone(),
            })
            .collect(),
        candidates,
        causes,
        caller: evidence.caller.cloned(),
        counted,
        next_steps,
    }
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// The symptoms to choose between when the best match is weak, or others are close to it.
fn candidates(ranked: &[(Ranked, Option<Vec<Weighed>>)]) -> Vec<Candidate> {
    let Some(top) = ranked.first().map(|(r, _)| scale(r.score)) else {
        return Vec::new();
    };
    let close: Vec<&Ranked> = ranked
        .iter()
        .map(|(r, _)| r)
        .filter(|r| scale(r.score) >= CLOSE * top)
        .take(MAX_CANDIDATES)
        .collect();
    if top >= WEAK && close.len() < 2 {
        return Vec::new();
    }
    let list: Vec<&Ranked> = if close.len() >= 2 {
        close
    } else {
        ranked.iter().map(|(r, _)| r).take(3).collect()
    };
    list.into_iter()
        .map(|r| Candidate {
            id: r.symptom.id.clone(),
            title: r.symptom.title.clone(),
            score: scale(r.score),
            question: r.symptom.question.clone(),
        })
        .collect()
}

/// Rule codes of legacy forms the config still uses (`migrate_config` rewrites or lists them).
fn legacy_codes(evidence: &Evidence) -> Vec<String> {
    let mut codes = Vec::new();
    for d in evidence
        .config
        .map(|c| c.diagnostics.as_slice())
        .unwrap_or_default()
    {
        let legacy = crate::rules::catalog::by_code(&d.code)
            .is_some_and(|r| r.legacy != crate::rules::catalog::Legacy::No);
        if legacy && !codes.contains(&d.code) {
            codes.push(d.code.clone());
        }
    }
    codes
}

/// A cause weighed against the evidence: its status, its checks, what they showed, and the
/// findings that counted.
struct Weighed {
    status: CauseStatus,
    /// Confirmed by a check that singles this cause out.
    specific: bool,
    checks: Vec<CheckReport>,
    notes: Vec<String>,
    counted: Vec<String>,
}

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

/// What the checks of one cause found so far.
#[derive(Default)]
struct Tally {
    checks: Vec<CheckReport>,
    notes: Vec<String>,
    counted: Vec<String>,
    found: bool,
    /// Found by a check that singles the cause out (a rule, a probe, a specific caller fact).
    specific: bool,
    contradicted: bool,
}

/// A cause's status from the evidence, with its checks and what they showed. It is confirmed
/// when a check finds the defect, ruled out only when evidence contradicts it, else possible.
fn status_of(cause: &Cause, evidence: &Evidence) -> Weighed {
    let mut t = Tally::default();
    config_checks(cause, evidence, &mut t);
    save_check(cause, evidence, &mut t);
    probe_check(cause, evidence, &mut t);
    caller_check(cause, evidence, &mut t);
    for question in &cause.ask {
        t.checks.push(CheckReport {
            kind: CheckKind::Ask,
            what: question.clone(),
            result: CheckResult::ForTheUser,
        });
    }
    let status = if t.found {
        CauseStatus::Confirmed
    } else if t.contradicted {
        CauseStatus::RuledOut
    } else {
        CauseStatus::Possible
    };
    Weighed {
        status,
        specific: t.specific,
        checks: t.checks,
        notes: t.notes,
        counted: t.counted,
    }
}

/// Config rules: `rules` confirm the cause, `requires` only make it possible. A clean config
/// contradicts a cause the config alone decides; one that depends on the caller
/// (`caller_confirms`) stays possible, since no rule sees who calls.
fn config_checks(cause: &Cause, evidence: &Evidence, t: &mut Tally) {
    let parsed = evidence.config.is_some_and(|c| {
        !c.diagnostics
            .iter()
            .any(|d| crate::rules::catalog::by_code(&d.code).is_some_and(|r| r.is_document_level()))
    });
    let needs_caller = !cause.caller_confirms.is_empty();
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
                    t.notes
                        .push(format!("config: {} at {at}: {}", d.code, d.message));
                    t.counted.push(format!("config {} at {at}", d.code));
                }
                if !hits.is_empty() {
                    t.found |= confirms;
                    t.specific |= confirms;
                    CheckResult::Found
                } else if needs_caller {
                    t.notes.push(if evidence.caller.is_some() {
                        format!("config: none of {what} applies; the caller's evaluation decides this one")
                    } else {
                        format!("config: none of {what} applies; the config alone cannot rule this out, it depends on the caller (give `identity`)")
                    });
                    CheckResult::Clean
                } else {
                    t.notes.push(format!(
                        "config: none of {what} applies, which rules this out as far as this document shows"
                    ));
                    t.contradicted = true;
                    CheckResult::Clean
                }
            }
            Some(_) => {
                t.notes.push(
                    "config: it does not parse, so its rules could not run (see validate_config)"
                        .into(),
                );
                CheckResult::NotRun
            }
            None => CheckResult::NotRun,
        };
        t.checks.push(CheckReport {
            kind: CheckKind::Config,
            what: if confirms {
                what
            } else {
                format!("{what} (precondition)")
            },
            result,
        });
    }
}

/// A save-mode validation: any error confirms a save-blocking cause, none contradicts it.
fn save_check(cause: &Cause, evidence: &Evidence, t: &mut Tally) {
    if !cause.save_blocking {
        return;
    }
    let result = match evidence.config {
        Some(config) => {
            let errors = config.counts.error;
            if errors > 0 {
                t.notes.push(format!(
                    "config: a save would be refused: {errors} error(s) in save mode"
                ));
                t.counted
                    .push(format!("config: {errors} save-mode error(s)"));
                t.found = true;
                CheckResult::Found
            } else {
                t.notes
                    .push("config: a save-mode validation finds no error".into());
                t.contradicted = true;
                CheckResult::Clean
            }
        }
        None => CheckResult::NotRun,
    };
    t.checks.push(CheckReport {
        kind: CheckKind::Save,
        what: "validate_config in save mode".into(),
        result,
    });
}

/// test_endpoint findings confirm; a passing free probe that decides it contradicts.
fn probe_check(cause: &Cause, evidence: &Evidence, t: &mut Tally) {
    if cause.probes.is_empty() {
        return;
    }
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
                    t.notes.push(format!("probe: {} {}", f.code, f.message));
                    t.counted.push(format!("probe {}", f.code));
                    t.found = true;
                    t.specific = true;
                    CheckResult::Found
                }
                (None, true) => {
                    t.notes.push(format!(
                        "probe: the {} probe passed",
                        cause.ruled_out_by_probe.as_deref().unwrap_or_default()
                    ));
                    t.contradicted = true;
                    CheckResult::Clean
                }
                // The free probes cannot show this one (it needs a completion): undecided.
                (None, false) => CheckResult::NotRun,
            }
        }
        None => CheckResult::NotRun,
    };
    t.checks.push(CheckReport {
        kind: CheckKind::Probe,
        what,
        result,
    });
}

/// The caller's evaluation: a fact in `caller_confirms` confirms, one in `caller_rules_out`
/// contradicts; with no `identity` the check does not run (and rules nothing out).
fn caller_check(cause: &Cause, evidence: &Evidence, t: &mut Tally) {
    if cause.caller_confirms.is_empty() && cause.caller_rules_out.is_empty() {
        return;
    }
    let names = |facts: &[crate::catalog::symptoms::CallerFact]| {
        facts
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut what = names(&cause.caller_confirms);
    if !cause.caller_rules_out.is_empty() {
        what = format!(
            "{what} (contradicted by {})",
            names(&cause.caller_rules_out)
        );
    }
    let result = match evidence.caller {
        Some(caller) => {
            let confirms: Vec<_> = cause
                .caller_confirms
                .iter()
                .filter(|f| caller.has(**f))
                .collect();
            let contradicts: Vec<_> = cause
                .caller_rules_out
                .iter()
                .filter(|f| caller.has(**f))
                .collect();
            let who = caller.identity.as_deref().unwrap_or("the caller");
            for f in &confirms {
                t.notes
                    .push(format!("caller: `{who}` shows {}", f.as_str()));
                t.counted.push(format!("caller {}", f.as_str()));
            }
            if !confirms.is_empty() {
                t.found = true;
                t.specific |= confirms.iter().any(|f| f.is_specific());
                CheckResult::Found
            } else if let Some(f) = contradicts.first() {
                t.notes.push(format!(
                    "caller: `{who}` shows {}, which contradicts this cause",
                    f.as_str()
                ));
                t.counted.push(format!("caller {}", f.as_str()));
                t.contradicted = true;
                CheckResult::Clean
            } else {
                CheckResult::Clean
            }
        }
        None => CheckResult::NotRun,
    };
    t.checks.push(CheckReport {
        kind: CheckKind::Caller,
        what,
        result,
    });
}

fn cause_report(r: &Ranked, cause: &Cause, strength: f64, w: Weighed) -> CauseReport {
    // Evidence that found the defect outweighs the words (most when it singles this cause
    // out); a possible cause is as likely as its symptom's match, discounted for being
    // undecided.
    let confidence = match w.status {
        CauseStatus::Confirmed if w.specific => 0.9 + 0.1 * strength,
        CauseStatus::Confirmed => 0.6 + 0.3 * strength,
        CauseStatus::Possible => strength * 0.8,
        CauseStatus::RuledOut => strength * 0.1,
    };
    let mut notes = w.notes;
    if cause.unconfirmed {
        notes.push("this cause rests on behaviour the Aperture docs leave UNCONFIRMED: test_endpoint or the dashboard's Logs page shows what your gateway does".into());
    }
    CauseReport {
        id: format!("{}/{}", r.symptom.id, cause.id),
        symptom: r.symptom.id.to_owned(),
        title: cause.title.to_owned(),
        confidence: round(confidence.clamp(0.0, 1.0)),
        status: w.status,
        matched: r.matched.clone(),
        checks: w.checks,
        fixes: cause.fixes.clone(),
        evidence: notes,
        unconfirmed: cause.unconfirmed,
    }
}

fn next_steps(
    top: Option<&Ranked>,
    causes: &[CauseReport],
    evidence: &Evidence,
    candidates: &[Candidate],
    legacy: &[String],
) -> Vec<String> {
    let mut steps = Vec::new();
    let Some(top) = top else {
        return vec![
            "Nothing in the description matches a known Aperture symptom: add the HTTP status and the exact error text, run test_endpoint against the gateway, or pick a symptom from the symptoms resource and pass its `symptom_id`.".into(),
        ];
    };
    if !legacy.is_empty() {
        steps.push(format!(
            "The config uses legacy forms ({}): run migrate_config to rewrite them to the current forms, then diagnose again.",
            legacy.join(", ")
        ));
    }
    for cause in causes.iter().filter(|c| c.status == CauseStatus::Confirmed) {
        if let Some(fix) = cause.fixes.first() {
            steps.push(format!("Fix {} (confirmed): {fix}", cause.id));
        }
    }
    if !candidates.is_empty() {
        let asks: Vec<String> = candidates
            .iter()
            .map(|c| format!("{} — {}", c.id, c.question))
            .collect();
        steps.push(format!(
            "The description fits several symptoms; the answer to each question tells them apart, then pass the chosen `symptom_id`: {}",
            asks.join(" | ")
        ));
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
    let all_causes = || symptoms.iter().flat_map(|s| &s.causes);
    if evidence.config.is_none() && all_causes().any(|c| !c.rules.is_empty() || c.save_blocking) {
        steps.push("Pass the gateway's config (`config` or `config_path`) to confirm or rule out the config causes.".into());
    }
    if evidence.caller.is_none() && all_causes().any(|c| !c.caller_confirms.is_empty()) {
        steps.push("Pass the caller's `identity` (login, or the node's tags; groups) and the `model` to evaluate its access against the config.".into());
    }
    let probe_would_help = symptoms
        .iter()
        .any(|s| !s.reproduced_by.is_empty() || s.causes.iter().any(|c| !c.probes.is_empty()));
    if evidence.probe.is_none() && probe_would_help {
        steps.push("Pass the gateway's `url` (e.g. http://ai) to run test_endpoint's free probes, or run test_endpoint with the model and send_completion.".into());
    }
    for cause in causes
        .iter()
        .filter(|c| c.status == CauseStatus::Possible && c.symptom == top.symptom.id)
    {
        if let Some(question) = cause.checks.iter().find(|c| c.kind == CheckKind::Ask) {
            steps.push(format!("Check ({}): {}", cause.id, question.what));
        }
    }
    if scale(top.score) < WEAK && candidates.is_empty() {
        steps.push("The match is weak: add the HTTP status (http_status) and the exact error text (error_text).".into());
    }
    steps
}
