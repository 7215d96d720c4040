//! `generate_client_config`: how to point a client (Claude Code, Codex, Gemini CLI, OpenCode,
//! SDKs, Aperture's own MCP endpoint) at Aperture, per `clients.md`, with its pitfalls.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::input::ToolError;

/// Clients we can configure, with what each needs.
pub const CLIENTS: &[(&str, &str)] = &[
    (
        "claude-code",
        "Claude Code (settings.json apiKeyHelper + ANTHROPIC_BASE_URL)",
    ),
    (
        "claude-code-legacy",
        "Claude Code v1.x (ANTHROPIC_AUTH_TOKEN placeholder + pinned model)",
    ),
    (
        "claude-code-bedrock",
        "Claude Code through Aperture's Bedrock endpoint",
    ),
    (
        "claude-code-vertex",
        "Claude Code through Aperture's Vertex endpoint",
    ),
    (
        "claude-code-subscription",
        "Claude Code with a Claude Pro/Max subscription (passthrough provider)",
    ),
    ("codex", "OpenAI Codex CLI (config.toml, Responses API)"),
    ("gemini-cli", "Gemini CLI (Gemini API flavour)"),
    ("opencode", "OpenCode (opencode.json)"),
    ("openai-sdk", "OpenAI SDKs and OpenAI-compatible tools"),
    ("anthropic-sdk", "Anthropic SDKs"),
    (
        "mcp-aperture",
        "Aperture's own MCP endpoint (/v1/mcp) in an MCP client",
    ),
];

/// Arguments of `generate_client_config`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct ClientInput {
    /// claude-code, claude-code-legacy, claude-code-bedrock, claude-code-vertex,
    /// claude-code-subscription, codex, gemini-cli, opencode, openai-sdk, anthropic-sdk, mcp-aperture.
    pub client: String,
    /// MagicDNS name (default `ai`), FQDN, or `localhost:PORT`.
    #[serde(default)]
    pub host: Option<String>,
    /// Model to pin.
    #[serde(default)]
    pub model: Option<String>,
}

/// One file to write.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ClientFile {
    /// Where it goes (`~` is the user's home).
    pub path: String,
    /// `json`, `toml`, `shell`.
    pub format: String,
    pub content: String,
    /// The section of the Aperture client docs this follows.
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
}

const CLIENTS_DOC: &str = "clients.md";

pub fn generate_client_config(input: &ClientInput) -> Result<ClientOutput, ToolError> {
    let client = input.client.trim().to_ascii_lowercase();
    let mut notes = Vec::new();
    let host = normalise_host(input.host.as_deref().unwrap_or("ai"), &mut notes)?;
    let base = format!("http://{host}");
    let mut files = Vec::new();
    let mut env = BTreeMap::new();
    let mut commands = Vec::new();
    let json_file = |path: &str, value: serde_json::Value, section: &str| ClientFile {
        path: path.to_owned(),
        format: "json".into(),
        content: serde_json::to_string_pretty(&value).unwrap_or_default() + "\n",
        source: format!("{CLIENTS_DOC} {section}"),
    };
    match client.as_str() {
        "claude-code" => {
            files.push(json_file(
                "~/.claude/settings.json",
                json!({ "apiKeyHelper": "echo '-'", "env": { "ANTHROPIC_BASE_URL": base } }),
                "§1 Claude Code, current documented form",
            ));
            env.insert("ANTHROPIC_BASE_URL".into(), base.clone());
            notes.push("the gateway's Claude provider needs `anthropic_messages`; Anthropic-style clients use the bare host (no /v1)".into());
            notes.push("an `env` block in ~/.claude/settings.json overrides the shell environment: edit it there, not only in your shell".into());
            notes.push(
                "merge these keys into an existing settings.json instead of replacing it".into(),
            );
        }
        "claude-code-legacy" => {
            let model = input
                .model
                .clone()
                .unwrap_or_else(|| "claude-sonnet-4-5".into());
            files.push(json_file(
                "~/.claude/settings.json",
                json!({ "model": model, "env": { "ANTHROPIC_AUTH_TOKEN": "bearer-managed", "ANTHROPIC_BASE_URL": base } }),
                "§1 Claude Code, legacy form (v1.x)",
            ));
            notes.push("for Claude Code versions before apiKeyHelper; newer versions should use `claude-code`".into());
            notes.push(format!("`{model}` must be a model the gateway routes (listed in a provider's `models` and granted to you)"));
        }
        "claude-code-bedrock" => {
            let model = input
                .model
                .clone()
                .unwrap_or_else(|| "claude-sonnet-4-5".into());
            let vars = [
                ("ANTHROPIC_MODEL", model.clone()),
                ("ANTHROPIC_BEDROCK_BASE_URL", format!("{base}/bedrock")),
                ("CLAUDE_CODE_USE_BEDROCK", "1".into()),
                ("CLAUDE_CODE_SKIP_BEDROCK_AUTH", "1".into()),
            ];
            files.push(json_file(
                "~/.claude/settings.json",
                json!({ "env": vars.iter().cloned().collect::<BTreeMap<_, _>>() }),
                "§1 Claude Code, through Amazon Bedrock",
            ));
            env.extend(vars.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
            notes.push("the gateway needs a Bedrock provider with `bedrock_model_invoke`, and the model ID must be one it lists (Bedrock IDs look like `us.anthropic.claude-…-v1:0`; the docs' example uses a short name, UNCONFIRMED how it maps)".into());
            notes.push("VS Code extension: also set `\"claudeCode.disableLoginPrompt\": true` in VS Code user settings".into());
        }
        "claude-code-vertex" => {
            let vars = [
                ("CLOUD_ML_REGION", "global".to_owned()),
                (
                    "ANTHROPIC_VERTEX_PROJECT_ID",
                    "_aperture_auto_vertex_project_id_".to_owned(),
                ),
                ("CLAUDE_CODE_USE_VERTEX", "1".into()),
                ("CLAUDE_CODE_SKIP_VERTEX_AUTH", "1".into()),
                ("ANTHROPIC_VERTEX_BASE_URL", base.clone()),
            ];
            files.push(json_file(
                "~/.claude/settings.json",
                json!({ "env": vars.iter().cloned().collect::<BTreeMap<_, _>>() }),
                "§1 Claude Code, through Vertex AI",
            ));
            env.extend(vars.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
            notes.push("the gateway needs a Vertex provider with `google_raw_predict` and a `keyfile::` service-account key; Aperture fills `_aperture_auto_vertex_project_id_` from the key file (or set your real project ID)".into());
            notes.push("the Apr-2026 doc uses the bare host as ANTHROPIC_VERTEX_BASE_URL; the later aperture-cli launcher uses `<host>/v1`: check which your gateway version expects (UNCONFIRMED)".into());
        }
        "claude-code-subscription" => {
            files.push(json_file(
                "~/.claude/settings.json",
                json!({ "env": { "ANTHROPIC_BASE_URL": base } }),
                "§1 Claude Code, Claude Pro/Max subscription",
            ));
            env.insert("ANTHROPIC_BASE_URL".into(), base.clone());
            commands.push("claude /login   # sign Claude Code in to the subscription; Aperture forwards the OAuth token".into());
            notes.push("the gateway's Anthropic provider must use `\"auth_mode\": \"passthrough\"` with `\"authorization\": \"x-api-key\"` (generate it with `provider claude_subscription`)".into());
            notes.push("no apiKeyHelper here: it would replace the subscription token. Exact client settings beyond this are UNCONFIRMED (see the \"Route a Claude subscription\" page)".into());
        }
        "codex" => {
            let model = input
                .model
                .clone()
                .unwrap_or_else(|| "gpt-5.2-codex".into());
            let content = format!(
                "# Source: Aperture docs, Use Codex ({CLIENTS_DOC} §2)\nmodel = \"{model}\"\nmodel_provider = \"aperture\"\nmodel_reasoning_effort = \"high\"\n\n[model_providers.aperture]\nname = \"Tailscale AI Gateway\"\nbase_url = \"{base}/v1\"\nwire_api = \"responses\"\n"
            );
            files.push(ClientFile {
                path: "~/.codex/config.toml".into(),
                format: "toml".into(),
                content,
                source: format!("{CLIENTS_DOC} §2 OpenAI Codex CLI"),
            });
            notes.push("the gateway's OpenAI provider needs `openai_responses` (list it next to `openai_chat` in its compatibility block)".into());
            notes.push(
                "without `base_url` Codex talks to api.openai.com directly; no API key is needed"
                    .into(),
            );
        }
        "gemini-cli" => {
            let https_host = if host.contains('.') && !host.starts_with("localhost") {
                format!("https://{host}")
            } else {
                format!("https://{host}.<tailnet>.ts.net")
            };
            env.insert("GEMINI_API_KEY".into(), "not-needed".into());
            env.insert("GOOGLE_GEMINI_BASE_URL".into(), https_host.clone());
            env.insert("GEMINI_BASE_URL".into(), https_host.clone());
            files.push(json_file(
                "~/.gemini/settings.json",
                json!({ "security": { "auth": { "selectedType": "gemini-api-key" } } }),
                "§3 Gemini CLI, Gemini API flavour",
            ));
            notes.push("Gemini CLI ≥ 0.40 refuses custom base URLs that are not https:// with a fully-qualified host, so this uses the node's *.ts.net name; whether Aperture serves API traffic over HTTPS is UNCONFIRMED".into());
            notes.push("the gateway needs a Gemini provider with `gemini_generate_content`; newer CLIs read GOOGLE_GEMINI_BASE_URL, older ones GEMINI_BASE_URL".into());
        }
        "opencode" => {
            files.push(json_file(
                "opencode.json",
                json!({
                    "$schema": "https://opencode.ai/config.json",
                    "provider": {
                        "anthropic": { "options": { "baseURL": base } },
                        "openai": { "options": { "baseURL": format!("{base}/v1") } }
                    }
                }),
                "§4 OpenCode",
            ));
            commands.push("opencode auth login   # for each provider choose \"Manually enter an API Key\" and enter `-`".into());
            notes.push("include only providers your gateway configures; Anthropic uses the bare host, OpenAI uses /v1".into());
        }
        "openai-sdk" => {
            env.insert("OPENAI_BASE_URL".into(), format!("{base}/v1"));
            env.insert("OPENAI_API_KEY".into(), "not-needed".into());
            let model = input.model.clone().unwrap_or_else(|| "gpt-5".into());
            commands.push(format!(
                "curl -s {base}/v1/chat/completions -H 'content-type: application/json' -d '{{\"model\": \"{model}\", \"messages\": [{{\"role\": \"user\", \"content\": \"ping\"}}]}}'"
            ));
            notes.push("OpenAI-style clients use `/v1` in the base URL; any non-empty key works (Aperture injects the real one)".into());
            notes.push(
                "don't add another /v1: the SDK appends /chat/completions to the base URL".into(),
            );
        }
        "anthropic-sdk" => {
            env.insert("ANTHROPIC_BASE_URL".into(), base.clone());
            env.insert("ANTHROPIC_API_KEY".into(), "not-needed".into());
            let model = input
                .model
                .clone()
                .unwrap_or_else(|| "claude-sonnet-4-5".into());
            commands.push(format!(
                "curl -s {base}/v1/messages -H 'content-type: application/json' -H 'anthropic-version: 2023-06-01' -d '{{\"model\": \"{model}\", \"max_tokens\": 16, \"messages\": [{{\"role\": \"user\", \"content\": \"ping\"}}]}}'"
            ));
            notes.push("Anthropic SDKs take the bare host (they append /v1/messages) and require some key; the provider needs `anthropic_messages`".into());
        }
        "mcp-aperture" => {
            files.push(json_file(
                ".mcp.json",
                json!({ "mcpServers": { "aperture": { "type": "http", "url": format!("{base}/v1/mcp") } } }),
                "§7 Registering Aperture's own MCP endpoint",
            ));
            commands.push(format!(
                "claude mcp add --transport http aperture {base}/v1/mcp"
            ));
            notes.push("no token needed: identity is the tailnet; tools appear prefixed by connector ID and only those your grants allow (`connectors` patterns)".into());
            notes.push("per-user OAuth connectors show their tools only after you authorize them in the dashboard".into());
        }
        other => {
            return Err(ToolError::BadArguments(format!(
                "unknown client `{other}`; clients: {}",
                CLIENTS
                    .iter()
                    .map(|(c, _)| *c)
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    notes.push(format!(
        "verify: send one request, then find it on the dashboard's Logs page ({base}/)"
    ));
    Ok(ClientOutput {
        client,
        files,
        env,
        commands,
        notes,
    })
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
            client: "openai-sdk".into(),
            host: Some("https://ai.example.ts.net/v1/".into()),
            model: None,
        })
        .unwrap();
        assert_eq!(out.env["OPENAI_BASE_URL"], "http://ai.example.ts.net/v1");
        assert!(
            out.notes.iter().any(|n| n.contains("http://"))
                && out.notes.iter().any(|n| n.contains("/v1"))
        );
        assert!(
            generate_client_config(&ClientInput {
                client: "cursor".into(),
                ..Default::default()
            })
            .is_err()
        );
        assert!(
            generate_client_config(&ClientInput {
                client: "codex".into(),
                host: Some("a b".into()),
                model: None
            })
            .is_err()
        );
    }
}
