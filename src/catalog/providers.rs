//! The provider catalog: for every provider kind, its base URL, auth, compatibility flags,
//! cost basis, example models and the notes a user needs. One source of truth for the
//! validator (recognising a provider's upstream from its `baseurl`), the generators and
//! the generated reference docs. Facts from `config-schema.md` section 4.3.
//!
//! Kind names are spelled here only: code that must name a kind uses its `Kind` handle, and
//! what used to be a branch on a name is a field of the row (key form, region, ...).
//! Adding a kind is one `kinds!` row (`tests/single_source.rs` checks the rest).

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
    // What the generator and the validator need besides the documented facts above; not
    // serialized, so the catalog resource and the reference show only the facts.
    /// How the upstream key goes in `apikey`.
    #[serde(skip)]
    pub key: KeyForm,
    /// The kind whose upstream this one shares, told apart by `auth_mode` or the key form.
    #[serde(skip)]
    pub variant_of: Option<Kind>,
    /// Set when `baseurl` is only an example: what the user must give instead.
    #[serde(skip)]
    pub custom_baseurl: Option<&'static str>,
    /// Set for upstreams with one endpoint per region.
    #[serde(skip)]
    pub regional: Option<Regional>,
    /// The flag old guides meant by `"<kind>": true` in `compatibility`.
    #[serde(skip)]
    pub seed_flag: Option<Flag>,
}

/// How a kind's upstream key is written in `apikey`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyForm {
    /// An API key.
    ApiKey,
    /// `keyfile::` + base64 of a service-account JSON; Aperture mints tokens itself.
    /// `api_key_hint` says what to use instead when all the user has is an API key.
    Keyfile { api_key_hint: &'static str },
    /// No key unless the server asks for one.
    Optional,
}

/// The `apikey` prefix of a service-account key file.
pub const KEYFILE_PREFIX: &str = "keyfile::";

impl KeyForm {
    /// Whether an `apikey` value (or its absence) has this form.
    pub fn accepts(self, apikey: Option<&str>) -> bool {
        match self {
            KeyForm::ApiKey => apikey.is_some_and(|k| !k.starts_with(KEYFILE_PREFIX)),
            KeyForm::Keyfile { .. } => apikey.is_some_and(|k| k.starts_with(KEYFILE_PREFIX)),
            KeyForm::Optional => true,
        }
    }
}

/// An upstream with one endpoint per region (`{region}` in its base URL): the provider ID,
/// the example model IDs and the cost basis follow the region's geography (`eu` of
/// `eu-west-1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Regional {
    /// The region when none is given.
    pub default_region: &'static str,
    /// The provider ID is `<id_prefix>-<geography>`.
    pub id_prefix: &'static str,
    /// The cost basis of each geography that has its own pricing table.
    pub cost_bases: &'static [(&'static str, &'static str)],
    /// The cost basis of any other geography.
    pub other_cost_basis: &'static str,
}

impl Regional {
    /// The geography of a region: its first segment.
    pub fn geography(region: &str) -> &str {
        region.split('-').next().unwrap_or(region)
    }

    /// The cost basis for a region.
    pub fn cost_basis(&self, region: &str) -> &'static str {
        let geography = Self::geography(region);
        self.cost_bases
            .iter()
            .find(|(g, _)| *g == geography)
            .map_or(self.other_cost_basis, |(_, basis)| basis)
    }

    /// Example model IDs name the default region's geography (`us.anthropic...`): name the
    /// region's instead.
    pub fn model_for(&self, example: &str, region: &str) -> String {
        example.replacen(
            &format!("{}.", Self::geography(self.default_region)),
            &format!("{}.", Self::geography(region)),
            1,
        )
    }
}

// One row per kind: the typed handle and its catalog row are declared together, in the
// same order, so `Kind::row` can index `KINDS`.
macro_rules! kinds {
    ($($variant:ident = $kind:literal => { $($field:ident : $value:expr),* $(,)? }),* $(,)?) => {
        /// A provider kind, for code that must name one; its facts are in its catalog row.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Kind { $($variant),* }

        impl Kind {
            /// Every kind, in documentation order (the order of `KINDS`).
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];
        }

        /// Every provider kind, in documentation order.
        pub static KINDS: &[ProviderKind] = &[$(ProviderKind { kind: $kind, $($field: $value),* }),*];
    };
}

impl Kind {
    /// This kind's catalog row.
    pub fn row(self) -> &'static ProviderKind {
        // `kinds!` declares the variants and the rows in the same order.
        &KINDS[self as usize]
    }

    /// The kind name (`vertex`).
    pub fn name(self) -> &'static str {
        self.row().kind
    }
}

impl ProviderKind {
    /// Whether this row is the given kind.
    pub fn is(&self, kind: Kind) -> bool {
        std::ptr::eq(self, kind.row())
    }
}

kinds! {
    Openai = "openai" => {
        title: "OpenAI", default_id: "openai", baseurl: "https://api.openai.com",
        hosts: &["api.openai.com"], authorization: Some("bearer"), auth_mode: None,
        flags: &[Flag::OpenaiChat, Flag::OpenaiResponses], required_any_flag: &[Flag::OpenaiChat, Flag::OpenaiResponses],
        cost_basis: Some("openai"), cost_basis_required: false,
        example_models: &["gpt-5", "gpt-5-mini"],
        notes: &["The Responses API (Codex) must be enabled explicitly with openai_responses; once a compatibility block exists, list both OpenAI flags."],
        key: KeyForm::ApiKey, variant_of: None, custom_baseurl: None, regional: None, seed_flag: Some(Flag::OpenaiChat),
    },
    Anthropic = "anthropic" => {
        title: "Anthropic", default_id: "anthropic", baseurl: "https://api.anthropic.com",
        hosts: &["api.anthropic.com"], authorization: Some("x-api-key"), auth_mode: None,
        flags: &[Flag::AnthropicMessages], required_any_flag: &[Flag::AnthropicMessages],
        cost_basis: Some("anthropic"), cost_basis_required: false,
        example_models: &["claude-sonnet-4-6", "claude-opus-4-8", "claude-haiku-4-5"],
        notes: &["Set authorization to x-api-key: the new-instance default omits it, and whether Aperture infers it is UNCONFIRMED: a 401 from test_endpoint with send_completion means it does not."],
        key: KeyForm::ApiKey, variant_of: None, custom_baseurl: None, regional: None, seed_flag: Some(Flag::AnthropicMessages),
    },
    Gemini = "gemini" => {
        title: "Google Gemini (AI Studio key)", default_id: "gemini", baseurl: "https://generativelanguage.googleapis.com",
        hosts: &["generativelanguage.googleapis.com"], authorization: Some("x-goog-api-key"), auth_mode: None,
        flags: &[Flag::GeminiGenerateContent], required_any_flag: &[Flag::GeminiGenerateContent],
        cost_basis: Some("google"), cost_basis_required: false,
        example_models: &["gemini-2.5-pro", "gemini-2.5-flash"],
        notes: &["Uses the Gemini API path /v1beta/models/{model}:generateContent; -latest model aliases work."],
        key: KeyForm::ApiKey, variant_of: None, custom_baseurl: None, regional: None, seed_flag: Some(Flag::GeminiGenerateContent),
    },
    Vertex = "vertex" => {
        title: "Vertex AI / Gemini Enterprise Agent Platform (service account)", default_id: "vertex",
        baseurl: "https://aiplatform.googleapis.com",
        hosts: &["aiplatform.googleapis.com"], authorization: None, auth_mode: None,
        flags: &[Flag::GoogleGenerateContent, Flag::GoogleRawPredict], required_any_flag: &[Flag::GoogleGenerateContent, Flag::GoogleRawPredict],
        cost_basis: Some("vertex"), cost_basis_required: false,
        example_models: &["gemini-2.5-pro", "claude-sonnet-4-5@20250929"],
        notes: &[
            "apikey is keyfile::<base64 of the service-account JSON>; Aperture mints tokens itself and ignores authorization.",
            "The service account needs roles/aiplatform.user and roles/serviceusage.serviceUsageConsumer.",
            "Clients may send _aperture_auto_vertex_project_id_ and _aperture_auto_vertex_region_ path segments; how the region is chosen is UNCONFIRMED: the dashboard's Logs page shows the upstream each request used.",
        ],
        key: KeyForm::Keyfile {
            api_key_hint: "for a Vertex API key use kind `vertex_express` (no Claude models: raw predict needs a service account)",
        },
        variant_of: None, custom_baseurl: None, regional: None, seed_flag: Some(Flag::GoogleGenerateContent),
    },
    VertexExpress = "vertex_express" => {
        title: "Vertex AI Express (API key)", default_id: "vertex-express", baseurl: "https://aiplatform.googleapis.com",
        hosts: &[], authorization: Some("x-goog-api-key"), auth_mode: None,
        flags: &[Flag::GoogleGenerateContent], required_any_flag: &[Flag::GoogleGenerateContent],
        cost_basis: Some("vertex"), cost_basis_required: false,
        example_models: &["gemini-2.5-flash"],
        notes: &["No google_raw_predict (Claude on Vertex needs a service account) and no project-ID auto-fill."],
        key: KeyForm::ApiKey, variant_of: Some(Kind::Vertex), custom_baseurl: None, regional: None, seed_flag: None,
    },
    Bedrock = "bedrock" => {
        title: "Amazon Bedrock", default_id: "bedrock-us", baseurl: "https://bedrock-runtime.{region}.amazonaws.com",
        hosts: &[".amazonaws.com"], authorization: Some("bearer"), auth_mode: None,
        flags: &[Flag::BedrockModelInvoke, Flag::BedrockConverse], required_any_flag: &[Flag::BedrockModelInvoke, Flag::BedrockConverse],
        cost_basis: Some("bedrock-us"), cost_basis_required: true,
        example_models: &["us.anthropic.claude-sonnet-4-5-20250929-v1:0", "us.anthropic.claude-haiku-4-5-20251001-v1:0"],
        notes: &[
            "Use a long-term Bedrock API key, sent as a bearer token: no SigV4, no IAM access keys (https://tailscale.com/docs/aperture/how-to/use-amazon-bedrock).",
            "One provider per region (e.g. bedrock-us, bedrock-eu); cost_basis must be explicit (bedrock, bedrock-us, bedrock-eu).",
        ],
        key: KeyForm::ApiKey, variant_of: None, custom_baseurl: None,
        regional: Some(Regional {
            default_region: "us-east-1", id_prefix: "bedrock",
            // Looked up in this order by the validator's suggestion (`.eu-` before `.us-`).
            cost_bases: &[("eu", "bedrock-eu"), ("us", "bedrock-us"), ("ap", "bedrock-ap")],
            other_cost_basis: "bedrock",
        }),
        seed_flag: Some(Flag::BedrockModelInvoke),
    },
    Openrouter = "openrouter" => {
        title: "OpenRouter", default_id: "openrouter", baseurl: "https://openrouter.ai/api/",
        hosts: &["openrouter.ai"], authorization: Some("bearer"), auth_mode: None,
        flags: &[Flag::OpenaiChat], required_any_flag: &[Flag::OpenaiChat],
        cost_basis: Some("openrouter"), cost_basis_required: false,
        example_models: &["anthropic/claude-sonnet-4-6", "openai/gpt-5"],
        notes: &["No Responses API. Model IDs contain a slash; how Aperture strips a provider prefix from such IDs is UNCONFIRMED: use an ID that GET http://<host>/v1/models lists and send one request with test_endpoint."],
        key: KeyForm::ApiKey, variant_of: None, custom_baseurl: None, regional: None, seed_flag: None,
    },
    Vercel = "vercel" => {
        title: "Vercel AI Gateway", default_id: "vercel", baseurl: "https://ai-gateway.vercel.sh",
        hosts: &["ai-gateway.vercel.sh"], authorization: Some("bearer"), auth_mode: None,
        flags: &[Flag::OpenaiChat, Flag::OpenaiResponses], required_any_flag: &[Flag::OpenaiChat, Flag::OpenaiResponses],
        cost_basis: Some("vercel"), cost_basis_required: true,
        example_models: &["anthropic/claude-sonnet-4-6", "openai/gpt-5.4-nano"],
        notes: &["No /v1 in baseurl: ai-gateway.vercel.sh/v1 gives HTTP 405 on every request.", "cost_basis must be explicit (vercel)."],
        key: KeyForm::ApiKey, variant_of: None, custom_baseurl: None, regional: None, seed_flag: None,
    },
    Foundry = "foundry" => {
        title: "Microsoft Foundry", default_id: "foundry", baseurl: "https://<resource>.services.ai.azure.com/api/projects/<project>",
        hosts: &[".services.ai.azure.com"], authorization: None, auth_mode: None,
        flags: &[Flag::OpenaiChat, Flag::OpenaiResponses], required_any_flag: &[Flag::OpenaiChat, Flag::OpenaiResponses, Flag::AnthropicMessages],
        cost_basis: None, cost_basis_required: false,
        example_models: &["<deployment-name>"],
        notes: &[
            "apikey is a Foundry API key for your resource; model names are your deployment names, not the catalog model IDs (https://tailscale.com/docs/aperture/how-to/use-microsoft-foundry).",
            "UNCONFIRMED: the rest of the base URL path, the authorization header and the cost basis mapping (likely azure/azure-eu); copy the endpoint from your resource's Keys and Endpoint page in the Azure portal and compare with https://tailscale.com/docs/aperture/how-to/use-microsoft-foundry.",
            "Foundry has separate /openai and /anthropic endpoints: configure one provider per endpoint (anthropic_messages for the Anthropic one).",
        ],
        key: KeyForm::ApiKey, variant_of: None, custom_baseurl: Some("your Foundry resource/project endpoint"),
        regional: None, seed_flag: None,
    },
    OpenaiCompatible = "openai_compatible" => {
        title: "Generic OpenAI-compatible (Groq, Together, Fireworks, Mistral, DeepSeek, ...)", default_id: "openai-compatible",
        baseurl: "https://api.example.com", hosts: &[], authorization: Some("bearer"), auth_mode: None,
        flags: &[Flag::OpenaiChat], required_any_flag: &[Flag::OpenaiChat],
        cost_basis: None, cost_basis_required: false,
        example_models: &["<model-id>"],
        notes: &[
            "baseurl is the prefix before /v1/...; for an API root with another version (e.g. .../v4) set the full root and have clients call Aperture's version-less /chat/completions.",
            "No cost_basis by default: set one if you want cost estimates and quotas.",
        ],
        key: KeyForm::ApiKey, variant_of: None, custom_baseurl: Some("the provider's API root"),
        regional: None, seed_flag: None,
    },
    SelfHosted = "self_hosted" => {
        title: "Self-hosted (llama.cpp, vLLM, Ollama) on the tailnet", default_id: "self-hosted",
        baseurl: "http://100.64.0.1:8080", hosts: &[], authorization: Some("bearer"), auth_mode: None,
        flags: &[Flag::OpenaiChat], required_any_flag: &[Flag::OpenaiChat],
        cost_basis: None, cost_basis_required: false,
        example_models: &["<model-name-as-served>"],
        notes: &[
            "Use the server's tailnet IP or MagicDNS name over http:// (tailnet traffic is already encrypted).",
            "Omit apikey if the server has no auth. The self-hosted how-to puts the server's path prefix in baseurl (http://100.64.0.1:8080/v1 for vLLM); clients then call Aperture's version-less /chat/completions (UNCERTAIN for /v1/chat/completions: see https://tailscale.com/docs/aperture/how-to/use-self-hosted, and try both paths with curl).",
        ],
        key: KeyForm::Optional, variant_of: None, custom_baseurl: Some("the server's tailnet address over http://"),
        regional: None, seed_flag: None,
    },
    ClaudeSubscription = "claude_subscription" => {
        title: "Claude Pro/Max subscription via passthrough", default_id: "claude-subscription",
        baseurl: "https://api.anthropic.com", hosts: &[], authorization: Some("x-api-key"), auth_mode: Some("passthrough"),
        flags: &[Flag::AnthropicMessages], required_any_flag: &[Flag::AnthropicMessages],
        cost_basis: Some("anthropic"), cost_basis_required: false,
        example_models: &["claude-opus-4-8", "claude-sonnet-4-6"],
        notes: &[
            "The client sends its own OAuth token; no apikey is stored. Passthrough models show requires_client_auth in /v1/models.",
            "If the client sends neither header, Aperture uses the configured provider key (get-started, Sep 2026): with no apikey stored, such a request fails upstream with 401.",
        ],
        key: KeyForm::ApiKey, variant_of: Some(Kind::Anthropic), custom_baseurl: None, regional: None, seed_flag: None,
    },
    ChatgptSubscription = "chatgpt_subscription" => {
        title: "ChatGPT subscription via passthrough", default_id: "chatgpt-subscription",
        baseurl: "https://chatgpt.com/backend-api/codex", hosts: &["chatgpt.com"], authorization: Some("bearer"), auth_mode: Some("passthrough"),
        flags: &[Flag::OpenaiResponses], required_any_flag: &[Flag::OpenaiResponses, Flag::OpenaiChat],
        cost_basis: None, cost_basis_required: false,
        example_models: &["gpt-5.3-codex"],
        notes: &["The ChatGPT backend rejects platform API keys; the base URL comes from a third-party doc and cost_basis is UNCONFIRMED: after one request, the dashboard's Logs page shows whether it was priced."],
        key: KeyForm::ApiKey, variant_of: None, custom_baseurl: None, regional: None, seed_flag: None,
    },
}

/// Look a kind up by name.
pub fn kind(name: &str) -> Option<&'static ProviderKind> {
    KINDS.iter().find(|k| k.kind == name)
}

/// Which kind an existing provider is, from its base URL host, its `auth_mode` and the form
/// of its `apikey`.
pub fn recognise(
    baseurl: &str,
    auth_mode: Option<&str>,
    apikey: Option<&str>,
) -> Option<&'static ProviderKind> {
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
    // A regional host must also start like the base URL template (`bedrock-runtime`), or any
    // other service under the same domain would pass for this upstream.
    if by_host.regional.is_some() {
        let template_host = by_host.baseurl.split("://").nth(1).unwrap_or_default();
        let fixed_start = template_host
            .split("{region}")
            .next()
            .unwrap_or_default()
            .trim_end_matches('.');
        if !host.starts_with(fixed_start) {
            return None;
        }
    }
    let variant = KINDS.iter().find(|v| {
        v.variant_of.is_some_and(|base| by_host.is(base))
            && is_told_apart(v, by_host, auth_mode, apikey)
    });
    Some(variant.unwrap_or(by_host))
}

/// Whether a provider of `base`'s upstream is really `variant`: it has the `auth_mode` or the
/// key form that sets the variant apart.
fn is_told_apart(
    variant: &ProviderKind,
    base: &ProviderKind,
    auth_mode: Option<&str>,
    apikey: Option<&str>,
) -> bool {
    let by_mode = variant.auth_mode != base.auth_mode;
    let by_key = std::mem::discriminant(&variant.key) != std::mem::discriminant(&base.key);
    (by_mode || by_key)
        && (!by_mode || auth_mode == variant.auth_mode)
        && (!by_key || variant.key.accepts(apikey))
}

/// Every `cost_basis` value the validator accepts (the pricing tables).
pub const COST_BASES: &[&str] = &[
    "anthropic",
    "openai",
    "google",
    "bedrock",
    "bedrock-us",
    "bedrock-eu",
    // Listed among hook cost_basis prefixes (quotas-hooks-connectors.md §2.2); accepted cautiously.
    "bedrock-ap",
    "vertex",
    "azure",
    "azure-eu",
    "openrouter",
    "vercel",
];

/// Cost bases accepted but not documented as `cost_basis` values: never suggested.
pub const UNDOCUMENTED_COST_BASES: &[&str] = &["bedrock-ap"];

/// The documented cost bases (the config schema's examples).
pub fn documented_cost_bases() -> Vec<&'static str> {
    COST_BASES
        .iter()
        .copied()
        .filter(|c| !UNDOCUMENTED_COST_BASES.contains(c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_upstreams_from_base_urls() {
        let k = |u: &str| recognise(u, None, None).map(|k| k.kind);
        assert_eq!(k("https://api.anthropic.com"), Some("anthropic"));
        assert_eq!(
            k("https://bedrock-runtime.eu-west-1.amazonaws.com"),
            Some("bedrock")
        );
        assert_eq!(k("https://s3.amazonaws.com"), None);
        assert_eq!(k("https://openrouter.ai/api/"), Some("openrouter"));
        assert_eq!(k("http://100.64.0.1:8080"), None);
        assert_eq!(
            recognise("https://api.anthropic.com", Some("passthrough"), None).map(|k| k.kind),
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
