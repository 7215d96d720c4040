//! `diagnose_symptom`: from a user's description (and optional status, error text, config and
//! gateway URL) to ranked causes, each confirmed or ruled out by the evidence where it can be.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::client::Client;
use super::input::{ConfigInput, PathPolicy, ToolError};
use super::test_endpoint::{TestInput, TestOutput};
use super::validate::{Mode, ValidateOutput, validate_bytes_with};
use crate::access::{AllGrants, Identity};
use crate::config::Document;
use crate::diagnose::{self, Caller, CallerEvidence, Diagnosis, Evidence, Query};

/// Arguments of `diagnose_symptom`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct DiagnoseInput {
    // The problem in the user's words.
    #[serde(default)]
    pub symptom: String,
    // A symptom's ID (symptoms resource) instead of words.
    #[serde(default)]
    pub symptom_id: Option<String>,
    // The caller, evaluated against `config`.
    #[serde(default)]
    pub identity: Option<Identity>,
    #[serde(default)]
    pub model: Option<String>,
    // Path called, e.g. `/v1/messages`.
    #[serde(default)]
    pub endpoint: Option<String>,
    // e.g. `claude-code`, `codex` (sets `endpoint`).
    #[serde(default)]
    pub client: Option<String>,
    // The HTTP status seen, if any.
    #[serde(default)]
    pub http_status: Option<u16>,
    // Exact error text.
    #[serde(default)]
    pub error_text: Option<String>,
    #[serde(flatten)]
    pub source: ConfigInput,
    // The gateway, e.g. `http://ai` (probed as evidence).
    #[serde(default)]
    pub url: Option<String>,
}

/// Result of `diagnose_symptom`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct DiagnoseOutput {
    #[serde(flatten)]
    pub diagnosis: Diagnosis,
    /// The probe run used as evidence (with `url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probe: Option<ProbeSummary>,
    pub notes: Vec<String>,
}

/// The parts of a probe run a diagnosis shows.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ProbeSummary {
    pub url: String,
    pub verdict: crate::probe::Verdict,
    pub summary: String,
    /// Finding codes.
    pub findings: Vec<String>,
}

/// Diagnose with the evidence given (a probe run when `url` is set).
pub async fn diagnose_symptom(
    input: &DiagnoseInput,
    policy: PathPolicy,
) -> Result<DiagnoseOutput, ToolError> {
    let probe = match &input.url {
        Some(url) => {
            let test = TestInput {
                url: url.clone(),
                ..TestInput::default()
            };
            Some(super::test_endpoint::test_endpoint(&test, policy).await?)
        }
        None => None,
    };
    diagnose_with(input, policy, probe)
}

/// Diagnose without network access (a probe run may be passed in).
pub fn diagnose_with(
    input: &DiagnoseInput,
    policy: PathPolicy,
    probe: Option<TestOutput>,
) -> Result<DiagnoseOutput, ToolError> {
    // The symptom and error text need no bound here: the matcher reads only their start.
    if let Some(url) = &input.url {
        use super::input::{MAX_URL_CHARS, bounded};
        bounded(
            "the URL",
            url,
            MAX_URL_CHARS,
            "pass the gateway's root, e.g. `http://ai`",
        )?;
    }
    if input.symptom.trim().is_empty()
        && input.error_text.is_none()
        && input.http_status.is_none()
        && input.symptom_id.is_none()
    {
        return Err(ToolError::BadArguments(
            "describe the problem in `symptom` (e.g. \"Claude Code says 405\"), and add `http_status` and `error_text` when you have them; or pass a `symptom_id` from the symptoms resource".into(),
        ));
    }
    if let Some(client) = &input.client {
        client.parse::<Client>()?;
    }
    if let Some(id) = &input.symptom_id
        && crate::catalog::symptoms::find(id).is_none()
    {
        return Err(ToolError::BadArguments(unknown_symptom(id)));
    }
    if let Some(status) = input.http_status
        && !(100..=599).contains(&status)
    {
        return Err(ToolError::BadArguments(format!(
            "http_status must be an HTTP status code between 100 and 599 (got {status})"
        )));
    }
    let bytes = input.source.read_optional_bytes(policy)?;
    let config: Option<ValidateOutput> = bytes
        .as_deref()
        .map(|bytes| validate_bytes_with(bytes, Mode::Save, false));
    let mut notes = Vec::new();
    if input.symptom.chars().count() > diagnose::matcher::MAX_QUERY_CHARS {
        notes.push(format!(
            "only the first {} characters of the description were read",
            diagnose::matcher::MAX_QUERY_CHARS
        ));
    }
    let query = Query {
        text: &input.symptom,
        status: input.http_status,
        error_text: input.error_text.as_deref(),
        symptom_id: input.symptom_id.as_deref(),
    };
    let caller = caller_evidence(input, bytes.as_deref(), &mut notes);
    let evidence = Evidence {
        config: config.as_ref(),
        probe: probe.as_ref().map(|p| &p.report),
        caller: caller.as_ref(),
    };
    let diagnosis = diagnose::diagnose(&query, &evidence);
    if config.is_some() {
        notes.push("config evidence covers the Aperture config only: grants kept in the tailnet policy file are not visible".into());
    }
    Ok(DiagnoseOutput {
        diagnosis,
        probe: probe.map(|p| ProbeSummary {
            url: p.url,
            verdict: p.report.verdict,
            summary: p.report.summary,
            findings: p.report.findings.iter().map(|f| f.code.clone()).collect(),
        }),
        notes,
    })
}

/// The endpoint a client calls for a model: the first API it speaks (`Client::calls`, the
/// one place that knows), none for a client that calls no model API.
fn client_endpoint(client: Client, model: Option<&str>) -> Option<String> {
    let model = model.unwrap_or_default();
    client.calls(model).first().map(|api| api.path(model))
}

/// The caller evaluated against the config, when both are given.
fn caller_evidence(
    input: &DiagnoseInput,
    bytes: Option<&[u8]>,
    notes: &mut Vec<String>,
) -> Option<CallerEvidence> {
    let identity = input.identity.as_ref()?;
    let Some(bytes) = bytes else {
        notes.push(
            "`identity` needs the gateway's config (`config` or `config_path`) to be evaluated"
                .into(),
        );
        return None;
    };
    let Ok(doc) = Document::from_bytes(bytes) else {
        notes.push(
            "the config does not load, so the caller could not be evaluated (see validate_config)"
                .into(),
        );
        return None;
    };
    let endpoint = input.endpoint.clone().or_else(|| {
        // Checked in `diagnose_with`: an unknown client never gets here.
        let client = input.client.as_deref()?.parse::<Client>().ok()?;
        client_endpoint(client, input.model.as_deref())
    });
    let grants = AllGrants::new(doc);
    let refs = grants.refs();
    let caller = Caller {
        identity,
        model: input.model.as_deref(),
        endpoint: endpoint.as_deref(),
    };
    if grants.has_legacy() {
        notes.push("legacy temp_grants were evaluated as their current-form translation".into());
    }
    if !identity.groups.is_empty() {
        notes.push("group matches assume the tailnet policy makes those groups visible to the Aperture node".into());
    }
    Some(diagnose::caller::evaluate(grants.root(), &refs, &caller))
}

/// The error for a `symptom_id` the catalog does not have, naming the closest IDs.
fn unknown_symptom(id: &str) -> String {
    // Jaro-Winkler favours a shared prefix: `foundry` finds `foundry-deployment`.
    let mut ids: Vec<(f64, &str)> = crate::catalog::symptoms::symptoms()
        .iter()
        .map(|s| (strsim::jaro_winkler(id, &s.id), s.id.as_str()))
        .collect();
    ids.sort_by(|a, b| b.0.total_cmp(&a.0));
    let near: Vec<&str> = ids.iter().take(3).map(|(_, s)| *s).collect();
    format!(
        "unknown symptom_id `{id}`: the IDs are in the symptoms resource (aperture://catalog/symptoms.json) and the troubleshooting reference; closest: {}",
        near.join(", ")
    )
}
