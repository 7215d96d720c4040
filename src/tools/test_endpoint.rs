//! `test_endpoint`: probe a live Aperture (or another gateway) and name what is wrong.

use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::client::Client;
use super::input::{PathPolicy, ToolError};
use crate::catalog::apis::Api;
use crate::probe::{self, ApiKey, ClientCalls, Options, Report};

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
    // The gateway, e.g. `http://ai`.
    pub url: String,
    // Model to check.
    #[serde(default)]
    pub model: Option<String>,
    /// API of completions (`auto`: from the model list).
    #[serde(default)]
    pub api: ApiChoice,
    // Probe as this client would.
    #[serde(default)]
    #[schemars(with = "Client")]
    pub client: Option<Client>,
    /// Send one `max_tokens: 1` request per API (costs tokens).
    #[serde(default)]
    pub send_completion: bool,
    // Run budget (default 10000).
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    // Env var with a key for key-based gateways (not Aperture).
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
    let mut report = probe::run(&target, &options).await;
    if let (Some(client), None, Some(model)) = (&options.client, &input.model, &options.model) {
        report.notes.push(format!(
            "no model given: checked {model}, this tool's default for {} (pass `model` for the one your client sends)",
            client.name
        ));
    }
    Ok(TestOutput {
        url: target.base(),
        report,
    })
}

/// With `client`: what it calls, and the model it sends (the user's, or its default).
fn client_plan(
    input: &TestInput,
    model: Option<&str>,
) -> Result<(Option<ClientCalls>, Option<String>), ToolError> {
    let Some(client) = input.client else {
        return Ok((None, model.map(str::to_owned)));
    };
    if input.api != ApiChoice::Auto {
        return Err(ToolError::BadArguments(format!(
            "give `client` or `api`, not both: {client} calls its own API"
        )));
    }
    let model = model.or(client.default_model()).map(str::to_owned);
    let apis = client.calls(model.as_deref().unwrap_or_default());
    if apis.is_empty() {
        return Err(ToolError::BadArguments(format!(
            "client `{client}` calls Aperture's MCP endpoint /v1/mcp, not a model API: test_endpoint probes model APIs; use explain_access with `connector` to check connector access"
        )));
    }
    Ok((
        Some(ClientCalls {
            name: client.name().to_owned(),
            apis,
        }),
        model,
    ))
}

/// Every client with the APIs it may call: OpenCode's depend on the model, so each client is
/// asked with every client's default model (one of each family).
fn known_clients() -> Vec<ClientCalls> {
    let models: Vec<&str> = Client::ALL
        .iter()
        .filter_map(|c| c.default_model())
        .collect();
    Client::ALL
        .iter()
        .map(|c| {
            let mut apis: Vec<Api> = models.iter().flat_map(|m| c.calls(m)).collect();
            apis.sort();
            apis.dedup();
            ClientCalls {
                name: c.name().to_owned(),
                apis,
            }
        })
        .collect()
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
            "`model` must be a model name (at most 256 characters, no control characters), e.g. claude-sonnet-4-6".into(),
        ));
    }
    let (client, model) = client_plan(input, model)?;
    let key = match &input.api_key_env {
        None => None,
        Some(_) if policy == PathPolicy::Refused => {
            return Err(ToolError::BadArguments(
                "`api_key_env` is refused by this server (it serves HTTP without --allow-paths): a remote caller must not send the server's secrets elsewhere. Aperture itself needs no key".into(),
            ));
        }
        Some(name) => Some(ApiKey {
            value: super::input::env_secret("api_key_env", name)?,
            shown_as: format!("${name}"),
        }),
    };
    Ok((
        target,
        Options {
            model,
            api: input.api.api(),
            client,
            known_clients: known_clients(),
            send_completion: input.send_completion,
            timeout: Duration::from_millis(timeout_ms),
            key,
            resolver: probe::Resolver::default(),
        },
    ))
}
