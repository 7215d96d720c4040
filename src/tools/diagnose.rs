//! `diagnose_symptom`: from a user's description (and optional status, error text, config and
//! gateway URL) to ranked causes, each confirmed or ruled out by the evidence where it can be.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::input::{ConfigInput, PathPolicy, ToolError};
use super::test_endpoint::{TestInput, TestOutput};
use super::validate::{Mode, ValidateOutput, validate_bytes_with};
use crate::diagnose::{self, Diagnosis, Evidence, Query};

/// Arguments of `diagnose_symptom`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct DiagnoseInput {
    /// The problem in the user's words.
    pub symptom: String,
    /// The HTTP status seen, if any.
    #[serde(default)]
    pub http_status: Option<u16>,
    /// The exact error text (body or client message).
    #[serde(default)]
    pub error_text: Option<String>,
    #[serde(flatten)]
    pub source: ConfigInput,
    /// The gateway (e.g. `http://ai`): runs test_endpoint's free probes as evidence.
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
    if input.symptom.trim().is_empty() && input.error_text.is_none() && input.http_status.is_none()
    {
        return Err(ToolError::BadArguments(
            "describe the problem in `symptom` (e.g. \"Claude Code says 405\"), and add `http_status` and `error_text` when you have them".into(),
        ));
    }
    if let Some(status) = input.http_status
        && !(100..=599).contains(&status)
    {
        return Err(ToolError::BadArguments(format!(
            "http_status must be an HTTP status code between 100 and 599 (got {status})"
        )));
    }
    let config: Option<ValidateOutput> = input
        .source
        .read_optional_bytes(policy)?
        .map(|bytes| validate_bytes_with(&bytes, Mode::Save, false));
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
    };
    let evidence = Evidence {
        config: config.as_ref(),
        probe: probe.as_ref().map(|p| &p.report),
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
