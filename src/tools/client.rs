//! `generate_client_config`: how to point a client (Claude Code, Codex, Gemini CLI, OpenCode,
//! SDKs, Aperture's own MCP endpoint) at Aperture, per `clients.md`, with its pitfalls.
//!
//! Client names are spelled here only. Adding a client is one `clients!` row, one setup
//! function and its arm in `Client::setup`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::json;

use super::input::{MAX_NAME_CHARS, ToolError};
use crate::catalog::apis::Api;
use crate::explain::Outcome;

// One row per client: its name (CLI value, MCP `client`, snapshot and reference heading) and
// its title (CLI help, reference). `Client::setup` has one arm per client.
macro_rules! clients {
    ($($variant:ident = $name:literal : $title:literal),* $(,)?) => {
        /// A client we can configure, with what it needs.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
        pub enum Client {
            $(#[doc = $title] #[value(name = $name)] $variant),*
        }

        impl Client {
            /// Every client, in documentation order.
            pub const ALL: &'static [Client] = &[$(Client::$variant),*];

            /// The client's name (`claude-code`).
            pub fn name(self) -> &'static str {
                match self { $(Client::$variant => $name),* }
            }

            /// What the client is and how it is configured.
            pub fn title(self) -> &'static str {
                match self { $(Client::$variant => $title),* }
            }
        }
    };
}

clients! {
    ClaudeCode = "claude-code": "Claude Code (settings.json apiKeyHelper + ANTHROPIC_BASE_URL)",
    ClaudeCodeLegacy = "claude-code-legacy": "Claude Code v1.x (ANTHROPIC_AUTH_TOKEN placeholder + pinned model)",
    ClaudeCodeBedrock = "claude-code-bedrock": "Claude Code through Aperture's Bedrock endpoint",
    ClaudeCodeVertex = "claude-code-vertex": "Claude Code through Aperture's Vertex endpoint",
    ClaudeCodeSubscription = "claude-code-subscription": "Claude Code with a Claude Pro/Max subscription (passthrough provider)",
    Codex = "codex": "OpenAI Codex CLI (config.toml, Responses API)",
    GeminiCli = "gemini-cli": "Gemini CLI (Gemini API flavour)",
    Opencode = "opencode": "OpenCode (opencode.json)",
    OpenaiSdk = "openai-sdk": "OpenAI SDKs and OpenAI-compatible tools",
    AnthropicSdk = "anthropic-sdk": "Anthropic SDKs",
    McpAperture = "mcp-aperture": "Aperture's own MCP endpoint (/v1/mcp) in an MCP client",
}

impl Client {
    /// The APIs the client calls for a model (`[]`: no model API, e.g. the MCP endpoint).
    /// OpenCode calls each provider on its own API, so the model decides.
    pub fn calls(self, model: &str) -> Vec<Api> {
        match self {
            Client::ClaudeCode
            | Client::ClaudeCodeLegacy
            | Client::ClaudeCodeSubscription
            | Client::AnthropicSdk => vec![Api::AnthropicMessages],
            Client::ClaudeCodeBedrock => vec![Api::BedrockModelInvoke],
            Client::ClaudeCodeVertex => vec![Api::GoogleRawPredict],
            Client::Codex => vec![Api::OpenaiResponses],
            Client::GeminiCli => vec![Api::GeminiGenerateContent],
            Client::OpenaiSdk => vec![Api::OpenaiChat],
            Client::Opencode => match Api::guess_for_model(model) {
                Api::AnthropicMessages => vec![Api::AnthropicMessages],
                _ => vec![Api::OpenaiChat],
            },
            Client::McpAperture => Vec::new(),
        }
    }

    /// The model the generated setup pins (or the client sends) when the user names none:
    /// the current IDs of the docs' examples (updates of Nov 2026).
    pub fn default_model(self) -> Option<&'static str> {
        match self {
            Client::ClaudeCode
            | Client::ClaudeCodeLegacy
            | Client::ClaudeCodeBedrock
            | Client::ClaudeCodeVertex
            | Client::ClaudeCodeSubscription
            | Client::AnthropicSdk
            | Client::Opencode => Some("claude-sonnet-4-6"),
            Client::Codex => Some("gpt-5.3-codex"),
            Client::GeminiCli => Some("gemini-2.5-pro"),
            Client::OpenaiSdk => Some("gpt-5"),
            Client::McpAperture => None,
        }
    }
}

impl fmt::Display for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Client {
    type Err = ToolError;

    /// Names are matched case-insensitively, ignoring surrounding blanks.
    fn from_str(text: &str) -> Result<Self, ToolError> {
        let wanted = text.trim().to_ascii_lowercase();
        Client::ALL
            .iter()
            .copied()
            .find(|c| c.name() == wanted)
            .ok_or_else(|| {
                ToolError::BadArguments(format!(
                    "unknown client `{wanted}`; clients: {}",
                    Client::ALL
                        .iter()
                        .map(|c| c.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })
    }
}

impl<'de> Deserialize<'de> for Client {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Client {
    fn schema_name() -> Cow<'static, str> {
        "Client".into()
    }

    // A plain string enum inside the tool's input schema, not a `$ref`.
    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = Client::ALL.iter().map(|c| c.name()).collect();
        json_schema!({ "type": "string", "enum": names })
    }
}

/// Arguments of `generate_client_config`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct ClientInput {
    // The client to configure.
    pub client: Client,
    /// MagicDNS name (default `ai`), FQDN, or `localhost:PORT`.
    #[serde(default)]
    pub host: Option<String>,
    // Model to pin.
    #[serde(default)]
    pub model: Option<String>,
    #[serde(flatten)]
    pub gateway: GatewayInput,
}

/// The gateway config (and caller) a client's settings are checked against.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct GatewayInput {
    // The gateway's config text.
    #[serde(default)]
    pub config: Option<String>,
    /// Caller: login or `tag:a,tag:b`.
    #[serde(default, rename = "as")]
    pub as_identity: Option<String>,
}

/// The verdict on one client against one config.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct GatewayCheck {
    /// The model checked (the pinned one, or the client's default).
    pub model: String,
    /// The endpoint the client calls.
    pub endpoint: String,
    /// explain_access's outcome for that request.
    pub outcome: Outcome,
    /// Why, in one line (the deciding step).
    pub detail: String,
}

/// `value` as one shell word that expands to exactly itself: single quotes, each `'` inside
/// written as `'"'"'`. Nothing in it can run (`$(…)`, backticks) or split the word.
pub fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r#"'"'"'"#))
}

/// `value` as a TOML basic string: `"` and `\` escaped, control characters as escapes, so
/// no value can end the string or start a new line (a new key).
pub fn toml_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One file to write.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ClientFile {
    /// Where it goes (`~` is the user's home).
    pub path: String,
    /// `json`, `toml`, `shell`.
    pub format: String,
    pub content: String,
    /// The Aperture docs page this follows.
    pub source: String,
}

/// Result of `generate_client_config`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ClientOutput {
    pub client: String,
    pub files: Vec<ClientFile>,
    /// Environment variables to set instead of (or as well as) the files.
    pub env: BTreeMap<String, String>,
    /// Commands to run (setup and a first check).
    pub commands: Vec<String>,
    /// Pitfalls and what the gateway needs (compatibility flags, grants).
    pub notes: Vec<String>,
    /// With a config: whether it serves this client's model to the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<GatewayCheck>,
}

/// Where Aperture is, as each client setup needs it.
struct Gateway<'a> {
    /// `host[:port]`.
    host: &'a str,
    /// `http://host[:port]`.
    base: &'a str,
    /// The model to pin, if the user gave one.
    model: Option<&'a str>,
}

impl Gateway<'_> {
    /// The user's model, or the client's default.
    fn model_for(&self, client: Client) -> String {
        self.model
            .or(client.default_model())
            .unwrap_or_default()
            .to_owned()
    }
}

/// The clients that take no model: `--model` is refused rather than ignored.
const NO_MODEL: &[(Client, &str)] = &[
    (
        Client::Opencode,
        "OpenCode picks models in its own UI (`provider/model`)",
    ),
    (
        Client::McpAperture,
        "Aperture's MCP endpoint calls connectors, not models",
    ),
];

/// The client's settings; `client_check::generate_client_config_in` adds the gateway check
/// when `config` is given.
pub fn generate_client_config(input: &ClientInput) -> Result<ClientOutput, ToolError> {
    if let (Some(_), Some((client, why))) = (
        &input.model,
        NO_MODEL.iter().find(|(c, _)| *c == input.client),
    ) {
        return Err(ToolError::BadArguments(format!(
            "`model` does not apply to {client}: {why}; leave it out"
        )));
    }
    let mut notes = Vec::new();
    let host = normalise_host(input.host.as_deref().unwrap_or("ai"), &mut notes)?;
    if let Some(model) = &input.model
        && (model.trim().is_empty() || model.chars().count() > MAX_NAME_CHARS)
    {
        return Err(ToolError::BadArguments(format!(
            "model `{}` is {} characters; give a model ID of 1 to {MAX_NAME_CHARS} characters as the gateway lists it (e.g. `claude-sonnet-4-5`)",
            crate::redact::excerpt(model, 40).escape_debug(),
            model.chars().count()
        )));
    }
    let base = format!("http://{host}");
    let mut out = ClientOutput {
        client: input.client.name().to_owned(),
        files: Vec::new(),
        env: BTreeMap::new(),
        commands: Vec::new(),
        notes,
        gateway: None,
    };
    let gateway = Gateway {
        host: &host,
        base: &base,
        model: input.model.as_deref(),
    };
    input.client.setup(&gateway, &mut out);
    out.notes.push(format!(
        "verify: send one request, then find it on the dashboard's Logs page ({base}/)"
    ));
    Ok(out)
}

/// A Claude Code settings object with `model` pinned when one was given.
fn with_model(mut settings: serde_json::Value, model: Option<&str>) -> serde_json::Value {
    if let (Some(model), Some(object)) = (model, settings.as_object_mut()) {
        object.insert("model".into(), json!(model));
    }
    settings
}

fn json_file(path: &str, value: serde_json::Value, source: &str) -> ClientFile {
    ClientFile {
        path: path.to_owned(),
        format: "json".into(),
        content: serde_json::to_string_pretty(&value).unwrap_or_default() + "\n",
        source: source.to_owned(),
    }
}

/// Environment variables as the `env` object of a settings file.
fn env_object(vars: &[(&str, String)]) -> serde_json::Value {
    json!({ "env": vars.iter().cloned().collect::<BTreeMap<_, _>>() })
}

fn set_env(out: &mut ClientOutput, vars: &[(&str, String)]) {
    out.env
        .extend(vars.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
}

impl Client {
    /// Add this client's files, environment, commands and notes.
    fn setup(self, gateway: &Gateway<'_>, out: &mut ClientOutput) {
        match self {
            Client::ClaudeCode => claude_code(gateway, out),
            Client::ClaudeCodeLegacy => claude_code_legacy(gateway, out),
            Client::ClaudeCodeBedrock => claude_code_bedrock(gateway, out),
            Client::ClaudeCodeVertex => claude_code_vertex(gateway, out),
            Client::ClaudeCodeSubscription => claude_code_subscription(gateway, out),
            Client::Codex => codex(gateway, out),
            Client::GeminiCli => gemini_cli(gateway, out),
            Client::Opencode => opencode(gateway, out),
            Client::OpenaiSdk => openai_sdk(gateway, out),
            Client::AnthropicSdk => anthropic_sdk(gateway, out),
            Client::McpAperture => mcp_aperture(gateway, out),
        }
    }
}

fn claude_code(gateway: &Gateway<'_>, out: &mut ClientOutput) {
    let base = gateway.base;
    out.files.push(json_file(
        "~/.claude/settings.json",
        with_model(
            json!({ "apiKeyHelper": "echo '-'", "env": { "ANTHROPIC_BASE_URL": base } }),
            gateway.model,
        ),
        "https://tailscale.com/docs/aperture/how-to/use-claude-code (current form)",
    ));
    out.env.insert("ANTHROPIC_BASE_URL".into(), base.to_owned());
    out.notes.push("the gateway's Claude provider needs `anthropic_messages`; Anthropic-style clients use the bare host (no /v1)".into());
    out.notes.push("an `env` block in ~/.claude/settings.json overrides the shell environment: edit it there, not only in your shell".into());
    out.notes
        .push("merge these keys into an existing settings.json instead of replacing it".into());
}

fn claude_code_legacy(gateway: &Gateway<'_>, out: &mut ClientOutput) {
    let base = gateway.base;
    let model = gateway.model_for(Client::ClaudeCodeLegacy);
    out.files.push(json_file(
        "~/.claude/settings.json",
        json!({ "model": model, "env": { "ANTHROPIC_AUTH_TOKEN": "bearer-managed", "ANTHROPIC_BASE_URL": base } }),
        "https://tailscale.com/docs/aperture/how-to/use-claude-code (legacy form, v1.x)",
    ));
    out.notes.push(
        "for Claude Code versions before apiKeyHelper; newer versions should use `claude-code`"
            .into(),
    );
    out.notes.push(format!("`{model}` must be a model the gateway routes (listed in a provider's `models` and granted to you)"));
}

fn claude_code_bedrock(gateway: &Gateway<'_>, out: &mut ClientOutput) {
    let base = gateway.base;
    let model = gateway.model_for(Client::ClaudeCodeBedrock);
    let vars = [
        ("ANTHROPIC_MODEL", model.clone()),
        ("ANTHROPIC_BEDROCK_BASE_URL", format!("{base}/bedrock")),
        ("CLAUDE_CODE_USE_BEDROCK", "1".into()),
        ("CLAUDE_CODE_SKIP_BEDROCK_AUTH", "1".into()),
    ];
    out.files.push(json_file(
        "~/.claude/settings.json",
        env_object(&vars),
        "https://tailscale.com/docs/aperture/how-to/use-claude-code (through Amazon Bedrock)",
    ));
    set_env(out, &vars);
    out.notes.push(format!("the gateway needs a Bedrock provider with `bedrock_model_invoke`, and the model ID must be one it lists (Bedrock IDs look like `us.anthropic.claude-…-v1:0`; the docs' example uses a short name, UNCONFIRMED how it maps: pick an ID from `GET {base}/v1/models` whose supported_endpoints include /bedrock/model/…/invoke)"));
    out.notes.push("VS Code extension: also set `\"claudeCode.disableLoginPrompt\": true` in VS Code user settings".into());
}

fn claude_code_vertex(gateway: &Gateway<'_>, out: &mut ClientOutput) {
    let base = gateway.base;
    let vars = [
        ("CLOUD_ML_REGION", "global".to_owned()),
        (
            "ANTHROPIC_VERTEX_PROJECT_ID",
            "_aperture_auto_vertex_project_id_".to_owned(),
        ),
        ("CLAUDE_CODE_USE_VERTEX", "1".into()),
        ("CLAUDE_CODE_SKIP_VERTEX_AUTH", "1".into()),
        ("ANTHROPIC_VERTEX_BASE_URL", base.to_owned()),
    ];
    let vars: Vec<(&str, String)> = vars
        .into_iter()
        .chain(gateway.model.map(|m| ("ANTHROPIC_MODEL", m.to_owned())))
        .collect();
    out.files.push(json_file(
        "~/.claude/settings.json",
        env_object(&vars),
        "https://tailscale.com/docs/aperture/how-to/use-claude-code (through Vertex AI)",
    ));
    set_env(out, &vars);
    out.notes.push("the gateway needs a Vertex provider with `google_raw_predict` and a `keyfile::` service-account key; Aperture fills `_aperture_auto_vertex_project_id_` from the key file (or set your real project ID)".into());
    out.notes.push("the Apr-2026 doc uses the bare host as ANTHROPIC_VERTEX_BASE_URL; the later aperture-cli launcher uses `<host>/v1`: check which your gateway version expects (UNCONFIRMED: run test_endpoint with client `claude-code-vertex`, or send one request and look for it on the dashboard's Logs page)".into());
}

fn claude_code_subscription(gateway: &Gateway<'_>, out: &mut ClientOutput) {
    let base = gateway.base;
    out.files.push(json_file(
        "~/.claude/settings.json",
        with_model(
            json!({ "env": { "ANTHROPIC_BASE_URL": base } }),
            gateway.model,
        ),
        "https://tailscale.com/docs/aperture/how-to/use-passthrough-mode/claude-subscriptions",
    ));
    out.env.insert("ANTHROPIC_BASE_URL".into(), base.to_owned());
    out.commands.push("claude /login   # sign Claude Code in to the subscription; Aperture forwards the OAuth token".into());
    out.notes.push("the gateway's Anthropic provider must use `\"auth_mode\": \"passthrough\"` with `\"authorization\": \"x-api-key\"` (generate it with `provider claude_subscription`)".into());
    out.notes.push(format!("no apiKeyHelper here: it would replace the subscription token. Exact client settings beyond this are UNCONFIRMED: see https://tailscale.com/docs/aperture/how-to/use-passthrough-mode/claude-subscriptions and check `GET {base}/v1/models` shows the model with requires_client_auth"));
}

fn codex(gateway: &Gateway<'_>, out: &mut ClientOutput) {
    let base = gateway.base;
    let model = gateway.model_for(Client::Codex);
    let (model, base_url) = (toml_string(&model), toml_string(&format!("{base}/v1")));
    let content = format!(
        "# Source: https://tailscale.com/docs/aperture/how-to/use-codex\nmodel = {model}\nmodel_provider = \"aperture\"\nmodel_reasoning_effort = \"high\"\n\n[model_providers.aperture]\nname = \"Tailscale AI Gateway\"\nbase_url = {base_url}\nwire_api = \"responses\"\n"
    );
    out.files.push(ClientFile {
        path: "~/.codex/config.toml".into(),
        format: "toml".into(),
        content,
        source: "https://tailscale.com/docs/aperture/how-to/use-codex".into(),
    });
    out.notes.push("the gateway's OpenAI provider needs `openai_responses` (list it next to `openai_chat` in its compatibility block)".into());
    out.notes.push(
        "without `base_url` Codex talks to api.openai.com directly; no API key is needed".into(),
    );
}

fn gemini_cli(gateway: &Gateway<'_>, out: &mut ClientOutput) {
    let host = gateway.host;
    let https_host = if host.contains('.') && !host.starts_with("localhost") {
        format!("https://{host}")
    } else {
        format!("https://{host}.<tailnet>.ts.net")
    };
    out.env.insert("GEMINI_API_KEY".into(), "not-needed".into());
    if let Some(model) = gateway.model {
        out.env.insert("GEMINI_MODEL".into(), model.to_owned());
    }
    out.env
        .insert("GOOGLE_GEMINI_BASE_URL".into(), https_host.clone());
    out.env.insert("GEMINI_BASE_URL".into(), https_host.clone());
    out.files.push(json_file(
        "~/.gemini/settings.json",
        json!({ "security": { "auth": { "selectedType": "gemini-api-key" } } }),
        "https://tailscale.com/docs/aperture/how-to/use-openai-compatible-tools (Gemini CLI, Gemini API flavour)",
    ));
    out.notes.push("Gemini CLI ≥ 0.40 refuses custom base URLs that are not https:// with a fully-qualified host, so this uses the node's *.ts.net name; whether Aperture serves API traffic over HTTPS is UNCONFIRMED: check with `curl -s https://<host>.<tailnet>.ts.net/v1/models`".into());
    out.notes.push("the gateway needs a Gemini provider with `gemini_generate_content`; newer CLIs read GOOGLE_GEMINI_BASE_URL, older ones GEMINI_BASE_URL".into());
}

fn opencode(gateway: &Gateway<'_>, out: &mut ClientOutput) {
    let base = gateway.base;
    out.files.push(json_file(
        "opencode.json",
        json!({
            "$schema": "https://opencode.ai/config.json",
            "provider": {
                "anthropic": { "options": { "baseURL": base } },
                "openai": { "options": { "baseURL": format!("{base}/v1") } }
            }
        }),
        "https://tailscale.com/docs/aperture/how-to/use-opencode",
    ));
    out.commands.push("opencode auth login   # for each provider choose \"Manually enter an API Key\" and enter `-`".into());
    out.notes.push("include only providers your gateway configures; Anthropic uses the bare host, OpenAI uses /v1".into());
}

fn openai_sdk(gateway: &Gateway<'_>, out: &mut ClientOutput) {
    let base = gateway.base;
    out.env
        .insert("OPENAI_BASE_URL".into(), format!("{base}/v1"));
    out.env.insert("OPENAI_API_KEY".into(), "not-needed".into());
    let model = gateway.model_for(Client::OpenaiSdk);
    let body = json!({ "model": model, "messages": [{ "role": "user", "content": "ping" }] });
    out.commands.push(format!(
        "curl -s {} -H 'content-type: application/json' -d {}",
        shell_quote(&format!("{base}/v1/chat/completions")),
        shell_quote(&body.to_string())
    ));
    out.notes.push("OpenAI-style clients use `/v1` in the base URL; any non-empty key works (Aperture injects the real one)".into());
    out.notes
        .push("don't add another /v1: the SDK appends /chat/completions to the base URL".into());
}

fn anthropic_sdk(gateway: &Gateway<'_>, out: &mut ClientOutput) {
    let base = gateway.base;
    out.env.insert("ANTHROPIC_BASE_URL".into(), base.to_owned());
    out.env
        .insert("ANTHROPIC_API_KEY".into(), "not-needed".into());
    let model = gateway.model_for(Client::AnthropicSdk);
    let body = json!({ "model": model, "max_tokens": 16, "messages": [{ "role": "user", "content": "ping" }] });
    out.commands.push(format!(
        "curl -s {} -H 'content-type: application/json' -H 'anthropic-version: 2023-06-01' -d {}",
        shell_quote(&format!("{base}/v1/messages")),
        shell_quote(&body.to_string())
    ));
    out.notes.push("Anthropic SDKs take the bare host (they append /v1/messages) and require some key; the provider needs `anthropic_messages`".into());
}

fn mcp_aperture(gateway: &Gateway<'_>, out: &mut ClientOutput) {
    let base = gateway.base;
    out.files.push(json_file(
        ".mcp.json",
        json!({ "mcpServers": { "aperture": { "type": "http", "url": format!("{base}/v1/mcp") } } }),
        "https://tailscale.com/docs/aperture/mcp-server",
    ));
    out.commands.push(format!(
        "claude mcp add --transport http aperture {base}/v1/mcp"
    ));
    out.notes.push("no token needed: identity is the tailnet; tools appear prefixed by connector ID and only those your grants allow (`connectors` patterns)".into());
    out.notes.push(
        "per-user OAuth connectors show their tools only after you authorize them in the dashboard"
            .into(),
    );
}

/// Reduce what users type as a host to `host[:port]`, explaining each correction.
fn normalise_host(raw: &str, notes: &mut Vec<String>) -> Result<String, ToolError> {
    let mut host = raw.trim().trim_end_matches('/').to_owned();
    if let Some(rest) = host.strip_prefix("https://") {
        notes.push("use http:// for Aperture: tailnet traffic is already WireGuard-encrypted and HTTPS tends to cause TLS errors (Gemini CLI is the exception)".into());
        host = rest.to_owned();
    } else if let Some(rest) = host.strip_prefix("http://") {
        host = rest.to_owned();
    }
    for suffix in ["/v1", "/bedrock", "/v1/mcp"] {
        if let Some(rest) = host.strip_suffix(suffix) {
            notes.push(format!("`{suffix}` removed from the host: each client adds its own path (a second /v1 breaks requests)"));
            host = rest.to_owned();
        }
    }
    // Host names, IPv4/IPv6 literals and a port: anything else (quotes, newlines, `$`) would
    // end up inside shell exports and settings files.
    let host_char =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '_');
    if host.is_empty() || host.len() > 253 || !host.chars().all(host_char) {
        return Err(ToolError::BadArguments(format!(
            "host `{}` is not a host name: give Aperture's MagicDNS name (`ai`), its FQDN (`ai.example.ts.net`) or `localhost:PORT` for ts-unplug",
            crate::redact::excerpt(raw, 80).escape_debug()
        )));
    }
    Ok(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_normalised_with_notes() {
        let out = generate_client_config(&ClientInput {
            client: Client::OpenaiSdk,
            host: Some("https://ai.example.ts.net/v1/".into()),
            model: None,
            gateway: GatewayInput::default(),
        })
        .unwrap();
        assert_eq!(out.env["OPENAI_BASE_URL"], "http://ai.example.ts.net/v1");
        assert!(
            out.notes.iter().any(|n| n.contains("http://"))
                && out.notes.iter().any(|n| n.contains("/v1"))
        );
        assert!(
            generate_client_config(&ClientInput {
                client: Client::Codex,
                host: Some("a b".into()),
                model: None,
                gateway: GatewayInput::default(),
            })
            .is_err()
        );
    }

    #[test]
    fn client_names_are_read_leniently_and_unknown_ones_listed() {
        let input: ClientInput = serde_json::from_str(r#"{"client": " Gemini-CLI "}"#).unwrap();
        assert_eq!(input.client, Client::GeminiCli);
        let err = serde_json::from_str::<ClientInput>(r#"{"client": "cursor"}"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("unknown client `cursor`; clients: ")
                && Client::ALL.iter().all(|c| err.contains(c.name())),
            "{err}"
        );
    }

    #[test]
    fn clap_reads_the_same_names_as_serde() {
        use clap::ValueEnum;
        for client in Client::ALL {
            let parsed = <Client as ValueEnum>::from_str(client.name(), false).unwrap();
            assert_eq!(parsed, *client);
            assert_eq!(client.name().parse::<Client>().unwrap(), *client);
        }
        assert_eq!(Client::value_variants(), Client::ALL);
    }
}
