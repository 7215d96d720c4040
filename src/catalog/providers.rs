//! The provider catalog: for every provider kind, its base URL, auth, compatibility flags,
//! cost basis, example models and the notes a user needs. One source of truth for the
//! validator (recognising a provider's upstream from its `baseurl`), the generators and
//! the generated reference docs. Facts from `config-schema.md` section 4.3.

use schemars::JsonSchema;

use crate::catalog::apis::Flag;
use crate::net::host_of;
use serde::Serialize;

/// One provider kind.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProviderKind {
    /// Kind name used by `generate_provider` (e.g. `anthropic`).
    pub kind: &'static str,
    pub title: &'static str,
    /// Suggested provider ID.
    pub default_id: &'static str,
    /// Base URL to configure (`{region}` is filled for Bedrock); never ends in `/v1`.
    pub baseurl: &'static str,
    /// Hosts that identify this upstream in an existing config (suffix match).
    pub hosts: &'static [&'static str],
    /// `authorization` value to set; null when the key form decides (Vertex `keyfile::`).
    pub authorization: Option<&'static str>,
    /// `auth_mode` to set (passthrough kinds).
    pub auth_mode: Option<&'static str>,
    /// Flags to enable when generating.
    pub flags: &'static [Flag],
    /// At least one of these must be on for the provider to be reachable at all.
    pub required_any_flag: &'static [Flag],
    /// Cost basis to set, if any.
    pub cost_basis: Option<&'static str>,
    /// True when Aperture cannot infer the cost basis (Bedrock, Vercel).
    pub cost_basis_required: bool,
    pub example_models: &'static [&'static str],
    pub notes: &'static [&'static str],
}

macro_rules! kinds {
    ($($kind:literal => { $($field:ident : $value:expr),* $(,)? }),* $(,)?) => {
        /// Every provider kind, in documentation order.
        pub static KINDS: &[ProviderKind] = &[$(ProviderKind { kind: $kind, $($field: $value),* }),*];
    };
}

kinds! {
    "openai" => {
        title: "OpenAI", default_id: "openai", baseurl: "https://api.openai.com",
        hosts: &["api.openai.com"], authorization: Some("bearer"), auth_mode: None,
        flags: &[Flag::OpenaiChat, Flag::OpenaiResponses], required_any_flag: &[Flag::OpenaiChat, Flag::OpenaiResponses],
        cost_basis: Some("openai"), cost_basis_required: false,
        example_models: &["gpt-5", "gpt-5-mini"],
        notes: &["The Responses API (Codex) must be enabled explicitly with openai_responses; once a compatibility block exists, list both OpenAI flags."],
    },
    "anthropic" => {
        title: "Anthropic", default_id: "anthropic", baseurl: "https://api.anthropic.com",
        hosts: &["api.anthropic.com"], authorization: Some("x-api-key"), auth_mode: None,
        flags: &[Flag::AnthropicMessages], required_any_flag: &[Flag::AnthropicMessages],
        cost_basis: Some("anthropic"), cost_basis_required: false,
        example_models: &["claude-sonnet-4-5", "claude-opus-4-5", "claude-haiku-4-5"],
        notes: &["Set authorization to x-api-key: the new-instance default omits it, and whether Aperture infers it is UNCONFIRMED."],
    },
    "gemini" => {
        title: "Google Gemini (AI Studio key)", default_id: "gemini", baseurl: "https://generativelanguage.googleapis.com",
        hosts: &["generativelanguage.googleapis.com"], authorization: Some("x-goog-api-key"), auth_mode: None,
        flags: &[Flag::GeminiGenerateContent], required_any_flag: &[Flag::GeminiGenerateContent],
        cost_basis: Some("google"), cost_basis_required: false,
        example_models: &["gemini-2.5-pro", "gemini-2.5-flash"],
        notes: &["Uses the Gemini API path /v1beta/models/{model}:generateContent; -latest model aliases work."],
    },
    "vertex" => {
        title: "Vertex AI / Gemini Enterprise Agent Platform (service account)", default_id: "vertex",
        baseurl: "https://aiplatform.googleapis.com",
        hosts: &["aiplatform.googleapis.com"], authorization: None, auth_mode: None,
        flags: &[Flag::GoogleGenerateContent, Flag::GoogleRawPredict], required_any_flag: &[Flag::GoogleGenerateContent, Flag::GoogleRawPredict],
        cost_basis: Some("vertex"), cost_basis_required: false,
        example_models: &["gemini-2.5-pro", "claude-sonnet-4-5@20250929"],
        notes: &[
            "apikey is keyfile::<base64 of the service-account JSON>; Aperture mints tokens itself and ignores authorization.",
            "The service account needs roles/aiplatform.user and roles/serviceusage.serviceUsageConsumer.",
            "Clients may send _aperture_auto_vertex_project_id_ and _aperture_auto_vertex_region_ path segments; how the region is chosen is UNCONFIRMED.",
        ],
    },
    "vertex_express" => {
        title: "Vertex AI Express (API key)", default_id: "vertex-express", baseurl: "https://aiplatform.googleapis.com",
        hosts: &[], authorization: Some("x-goog-api-key"), auth_mode: None,
        flags: &[Flag::GoogleGenerateContent], required_any_flag: &[Flag::GoogleGenerateContent],
        cost_basis: Some("vertex"), cost_basis_required: false,
        example_models: &["gemini-2.5-flash"],
        notes: &["No google_raw_predict (Claude on Vertex needs a service account) and no project-ID auto-fill."],
    },
    "bedrock" => {
        title: "Amazon Bedrock", default_id: "bedrock-us", baseurl: "https://bedrock-runtime.{region}.amazonaws.com",
        hosts: &[".amazonaws.com"], authorization: Some("bearer"), auth_mode: None,
        flags: &[Flag::BedrockModelInvoke, Flag::BedrockConverse], required_any_flag: &[Flag::BedrockModelInvoke, Flag::BedrockConverse],
        cost_basis: Some("bedrock-us"), cost_basis_required: true,
        example_models: &["us.anthropic.claude-sonnet-4-5-20250929-v1:0", "us.anthropic.claude-haiku-4-5-20251001-v1:0"],
        notes: &[
            "Use a Bedrock long-term API key (bearer); SigV4 is not supported.",
            "One provider per region (e.g. bedrock-us, bedrock-eu); cost_basis must be explicit (bedrock, bedrock-us, bedrock-eu).",
        ],
    },
    "openrouter" => {
        title: "OpenRouter", default_id: "openrouter", baseurl: "https://openrouter.ai/api/",
        hosts: &["openrouter.ai"], authorization: Some("bearer"), auth_mode: None,
        flags: &[Flag::OpenaiChat], required_any_flag: &[Flag::OpenaiChat],
        cost_basis: Some("openrouter"), cost_basis_required: false,
        example_models: &["anthropic/claude-sonnet-4-5", "openai/gpt-5"],
        notes: &["No Responses API. Model IDs contain a slash; how Aperture strips a provider prefix from such IDs is UNCONFIRMED."],
    },
    "vercel" => {
        title: "Vercel AI Gateway", default_id: "vercel", baseurl: "https://ai-gateway.vercel.sh",
        hosts: &["ai-gateway.vercel.sh"], authorization: Some("bearer"), auth_mode: None,
        flags: &[Flag::OpenaiChat, Flag::OpenaiResponses], required_any_flag: &[Flag::OpenaiChat, Flag::OpenaiResponses],
        cost_basis: Some("vercel"), cost_basis_required: true,
        example_models: &["anthropic/claude-sonnet-4-5", "openai/gpt-5"],
        notes: &["No /v1 in baseurl: ai-gateway.vercel.sh/v1 gives HTTP 405 on every request.", "cost_basis must be explicit (vercel)."],
    },
    "foundry" => {
        title: "Microsoft Foundry", default_id: "foundry", baseurl: "https://<resource>.services.ai.azure.com/api/projects/<project>",
        hosts: &[".services.ai.azure.com"], authorization: None, auth_mode: None,
        flags: &[Flag::OpenaiChat, Flag::OpenaiResponses], required_any_flag: &[Flag::OpenaiChat, Flag::OpenaiResponses, Flag::AnthropicMessages],
        cost_basis: None, cost_basis_required: false,
        example_models: &["<deployment-name>"],
        notes: &[
            "UNCONFIRMED: the rest of the base URL path, the authorization header and the cost basis mapping (likely azure/azure-eu).",
            "Foundry has separate /openai and /anthropic endpoints: configure one provider per endpoint (anthropic_messages for the Anthropic one). Model names are deployment names.",
        ],
    },
    "openai_compatible" => {
        title: "Generic OpenAI-compatible (Groq, Together, Fireworks, Mistral, DeepSeek, ...)", default_id: "openai-compatible",
        baseurl: "https://api.example.com", hosts: &[], authorization: Some("bearer"), auth_mode: None,
        flags: &[Flag::OpenaiChat], required_any_flag: &[Flag::OpenaiChat],
        cost_basis: None, cost_basis_required: false,
        example_models: &["<model-id>"],
        notes: &[
            "baseurl is the prefix before /v1/...; for an API root with another version (e.g. .../v4) set the full root and have clients call Aperture's version-less /chat/completions.",
            "No cost_basis by default: set one if you want cost estimates and quotas.",
        ],
    },
    "self_hosted" => {
        title: "Self-hosted (llama.cpp, vLLM, Ollama) on the tailnet", default_id: "self-hosted",
        baseurl: "http://100.64.0.1:8080", hosts: &[], authorization: Some("bearer"), auth_mode: None,
        flags: &[Flag::OpenaiChat], required_any_flag: &[Flag::OpenaiChat],
        cost_basis: None, cost_basis_required: false,
        example_models: &["<model-name-as-served>"],
        notes: &[
            "Use the server's tailnet IP or MagicDNS name over http:// (tailnet traffic is already encrypted).",
            "Omit apikey if the server has no auth. Leave /v1 out of baseurl unless clients call Aperture's version-less /chat/completions (the self-hosted how-to disagrees; see config-schema section 5).",
        ],
    },
    "claude_subscription" => {
        title: "Claude Pro/Max subscription via passthrough", default_id: "claude-subscription",
        baseurl: "https://api.anthropic.com", hosts: &[], authorization: Some("x-api-key"), auth_mode: Some("passthrough"),
        flags: &[Flag::AnthropicMessages], required_any_flag: &[Flag::AnthropicMessages],
        cost_basis: Some("anthropic"), cost_basis_required: false,
        example_models: &["claude-opus-4-5", "claude-sonnet-4-5"],
        notes: &["The client sends its own OAuth token; no apikey is stored. Passthrough models show requires_client_auth in /v1/models."],
    },
    "chatgpt_subscription" => {
        title: "ChatGPT subscription via passthrough", default_id: "chatgpt-subscription",
        baseurl: "https://chatgpt.com/backend-api/codex", hosts: &["chatgpt.com"], authorization: Some("bearer"), auth_mode: Some("passthrough"),
        flags: &[Flag::OpenaiResponses], required_any_flag: &[Flag::OpenaiResponses, Flag::OpenaiChat],
        cost_basis: None, cost_basis_required: false,
        example_models: &["gpt-5-codex"],
        notes: &["The ChatGPT backend rejects platform API keys; the base URL comes from a third-party doc and cost_basis is UNCONFIRMED."],
    },
}

/// Look a kind up by name.
pub fn kind(name: &str) -> Option<&'static ProviderKind> {
    KINDS.iter().find(|k| k.kind == name)
}

/// Which kind an existing provider is, from its base URL host (and auth mode).
pub fn recognise(baseurl: &str, auth_mode: Option<&str>) -> Option<&'static ProviderKind> {
    let host = host_of(baseurl)?;
    let by_host = KINDS.iter().find(|k| {
        k.hosts.iter().any(|h| {
            if h.starts_with('.') {
                host.ends_with(h)
            } else {
                host == *h || host.ends_with(&format!(".{h}"))
            }
        })
    })?;
    if by_host.kind == "anthropic" && auth_mode == Some("passthrough") {
        return kind("claude_subscription");
    }
    if by_host.kind == "bedrock" && !host.starts_with("bedrock-runtime") {
        return None;
    }
    Some(by_host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_upstreams_from_base_urls() {
        let k = |u: &str| recognise(u, None).map(|k| k.kind);
        assert_eq!(k("https://api.anthropic.com"), Some("anthropic"));
        assert_eq!(
            k("https://bedrock-runtime.eu-west-1.amazonaws.com"),
            Some("bedrock")
        );
        assert_eq!(k("https://s3.amazonaws.com"), None);
        assert_eq!(k("https://openrouter.ai/api/"), Some("openrouter"));
        assert_eq!(k("http://100.64.0.1:8080"), None);
        assert_eq!(
            recognise("https://api.anthropic.com", Some("passthrough")).map(|k| k.kind),
            Some("claude_subscription")
        );
        assert_eq!(
            host_of("http://user@[fd7a::1]:80/x").as_deref(),
            Some("fd7a::1")
        );
    }

    #[test]
    fn catalog_base_urls_never_end_in_v1() {
        for k in KINDS {
            assert!(
                !k.baseurl.trim_end_matches('/').ends_with("/v1"),
                "{}",
                k.kind
            );
        }
    }
}
