//! `test_endpoint`: probe a live Aperture (or another gateway) and name what is wrong.

use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::input::{PathPolicy, ToolError};
use crate::catalog::apis::Api;
use crate::probe::{self, ApiKey, Options, Report};

/// Default budget for a whole run (a first completion can take seconds).
pub const DEFAULT_TIMEOUT_MS: u64 = 10_000;
/// Largest budget accepted.
pub const MAX_TIMEOUT_MS: u64 = 120_000;

/// Which API format completions use.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema, clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
pub enum ApiChoice {
    // Every API the model list says the model supports (or a guess from its name).
    #[default]
    Auto,
    OpenaiChat,
    OpenaiResponses,
    AnthropicMessages,
    GeminiGenerateContent,
    GoogleGenerateContent,
    GoogleRawPredict,
    BedrockModelInvoke,
    BedrockConverse,
}

impl ApiChoice {
    pub fn api(self) -> Option<Api> {
        Some(match self {
            ApiChoice::Auto => return None,
            ApiChoice::OpenaiChat => Api::OpenaiChat,
            ApiChoice::OpenaiResponses => Api::OpenaiResponses,
            ApiChoice::AnthropicMessages => Api::AnthropicMessages,
            ApiChoice::GeminiGenerateContent => Api::GeminiGenerateContent,
            ApiChoice::GoogleGenerateContent => Api::GoogleGenerateContent,
            ApiChoice::GoogleRawPredict => Api::GoogleRawPredict,
            ApiChoice::BedrockModelInvoke => Api::BedrockModelInvoke,
            ApiChoice::BedrockConverse => Api::BedrockConverse,
        })
    }
}

/// Arguments of `test_endpoint`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestInput {
    /// The gateway, e.g. `http://ai`.
    pub url: String,
    /// Model to check (and to send a completion to).
    #[serde(default)]
    pub model: Option<String>,
    /// API of completions; `auto`: those the model list gives the model.
    #[serde(default)]
    pub api: ApiChoice,
    /// Send one minimal request per API (`max_tokens: 1`; costs tokens).
    #[serde(default)]
    pub send_completion: bool,
    /// Budget for the whole run (default 10000).
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// Env var holding a key for key-based gateways (Aperture needs none); never shown.
    #[serde(default)]
    pub api_key_env: Option<String>,
}

/// Result of `test_endpoint`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TestOutput {
    /// The gateway root the probes called.
    pub url: String,
    #[serde(flatten)]
    pub report: Report,
}

/// Check the arguments, then probe.
pub async fn test_endpoint(input: &TestInput, policy: PathPolicy) -> Result<TestOutput, ToolError> {
    let (target, options) = prepare(input, policy)?;
    let report = probe::run(&target, &options).await;
    Ok(TestOutput {
        url: target.base(),
        report,
    })
}

fn prepare(input: &TestInput, policy: PathPolicy) -> Result<(probe::Target, Options), ToolError> {
    super::input::bounded(
        "the URL",
        &input.url,
        super::input::MAX_URL_CHARS,
        "pass the gateway's root, e.g. `http://ai`",
    )?;
    if let Some(model) = &input.model {
        super::input::bounded(
            "the model name",
            model,
            super::input::MAX_NAME_CHARS,
            "pass a model ID as the gateway lists it",
        )?;
    }
    let target = probe::target::parse(&input.url)?;
    let timeout_ms = input.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
    if timeout_ms == 0 || timeout_ms > MAX_TIMEOUT_MS {
        return Err(ToolError::BadArguments(format!(
            "timeout_ms must be between 1 and {MAX_TIMEOUT_MS} (got {timeout_ms}); the default is {DEFAULT_TIMEOUT_MS}"
        )));
    }
    let model = input
        .model
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty());
    if let Some(model) = model
        && (model.len() > 256 || model.chars().any(char::is_control))
    {
        return Err(ToolError::BadArguments(
            "`model` must be a model name (at most 256 characters, no control characters), e.g. claude-sonnet-4-5".into(),
        ));
    }
    let key = match &input.api_key_env {
        None => None,
        Some(_) if policy == PathPolicy::Refused => {
            return Err(ToolError::BadArguments(
                "`api_key_env` is refused by this server (it serves HTTP without --allow-paths): a remote caller must not send the server's secrets elsewhere. Aperture itself needs no key".into(),
            ));
        }
        Some(name) => {
            let valid =
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if !valid {
                return Err(ToolError::BadArguments(format!(
                    "`api_key_env` must be an environment variable name such as LITELLM_KEY (got `{}`)",
                    crate::redact::excerpt(name, 40)
                )));
            }
            match std::env::var(name) {
                Ok(value) if !value.is_empty() => Some(ApiKey {
                    value,
                    shown_as: format!("${name}"),
                }),
                _ => {
                    return Err(ToolError::BadArguments(format!(
                        "the environment variable {name} (api_key_env) is not set or empty"
                    )));
                }
            }
        }
    };
    Ok((
        target,
        Options {
            model: model.map(str::to_owned),
            api: input.api.api(),
            send_completion: input.send_completion,
            timeout: Duration::from_millis(timeout_ms),
            key,
            resolver: probe::Resolver::default(),
        },
    ))
}
