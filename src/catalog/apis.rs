//! The API formats Aperture passes through (one per compatibility flag): the path a client
//! calls, the smallest valid request body, and the headers each format needs.
//!
//! Source: `http-api.md` §2. `test_endpoint` builds its completion probes from this table,
//! and maps `/v1/models` `supported_endpoints` back to formats with [`Api::for_endpoint`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The compatibility flags and API formats, from one list: every API format is named by the
/// flag that enables it, and the option flags are flags without a format. Generates `Flag`
/// (with `ALL` and `name`, the one place flag names are spelled), `Api` (with `ALL`) and
/// `Api::compat`.
macro_rules! compatibility {
    (
        formats: { $($api:ident = $api_name:literal,)* }
        options: { $($option:ident = $option_name:literal,)* }
    ) => {
        /// A documented compatibility flag (config-schema.md §4.4): one per API format, plus
        /// Aperture's option flags. The typed model's schema, the provider catalog, the rules,
        /// `explain` and the probes all derive from it.
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            JsonSchema,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum Flag {
            $($api,)*
            $($option,)*
        }

        impl Flag {
            /// Every documented flag, in documentation order.
            pub const ALL: &'static [Flag] = &[$(Flag::$api,)* $(Flag::$option,)*];

            /// The key in a provider's `compatibility` block.
            pub fn name(self) -> &'static str {
                match self {
                    $(Flag::$api => $api_name,)*
                    $(Flag::$option => $option_name,)*
                }
            }
        }

        /// One API format, named by the compatibility flag that enables it.
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            JsonSchema,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum Api {
            $($api,)*
        }

        impl Api {
            /// Every API format, in documentation order.
            pub const ALL: &'static [Api] = &[$(Api::$api,)*];

            /// The compatibility flag a provider needs for this format.
            pub fn compat(self) -> Flag {
                match self {
                    $(Api::$api => Flag::$api,)*
                }
            }
        }
    };
}

compatibility! {
    formats: {
        OpenaiChat = "openai_chat",
        OpenaiResponses = "openai_responses",
        AnthropicMessages = "anthropic_messages",
        GeminiGenerateContent = "gemini_generate_content",
        GoogleGenerateContent = "google_generate_content",
        GoogleRawPredict = "google_raw_predict",
        BedrockModelInvoke = "bedrock_model_invoke",
        BedrockConverse = "bedrock_converse",
    }
    options: {
        ExperimentalGeminiCliVertexCompat = "experimental_gemini_cli_vertex_compat",
    }
}

impl Flag {
    pub fn from_name(name: &str) -> Option<Flag> {
        Flag::ALL.iter().copied().find(|flag| flag.name() == name)
    }

    /// Every flag name, in documentation order.
    pub fn names() -> impl Iterator<Item = &'static str> {
        Flag::ALL.iter().copied().map(Flag::name)
    }

    /// On when a provider has no `compatibility` block at all (only `openai_chat`).
    pub fn on_without_block(self) -> bool {
        self == Flag::OpenaiChat
    }
}

impl std::fmt::Display for Flag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Vertex project and region placeholders Aperture fills in (http-api.md §2).
const VERTEX_PREFIX: &str =
    "/v1/projects/_aperture_auto_vertex_project_id_/locations/_aperture_auto_vertex_region_";

impl Api {
    /// The name of the compatibility flag a provider needs for this format.
    pub fn flag(self) -> &'static str {
        self.compat().name()
    }

    pub fn from_flag(flag: &str) -> Option<Api> {
        Api::ALL.iter().copied().find(|api| api.flag() == flag)
    }

    /// The format of a path as `/v1/models` lists it in `supported_endpoints`.
    pub fn for_endpoint(endpoint: &str) -> Option<Api> {
        Api::of_endpoint(endpoint).map(|(api, _)| api)
    }

    /// The format of an Aperture endpoint, and the model named in its path.
    pub fn of_endpoint(endpoint: &str) -> Option<(Api, Option<String>)> {
        let path = endpoint.split('?').next().unwrap_or(endpoint);
        let between = |prefix: &str, suffix: &str| {
            path.strip_prefix(prefix)
                .and_then(|rest| rest.split_once(suffix))
                .map(|(m, _)| m.to_owned())
        };
        let vertex_model = |p: &str| {
            p.split("/models/")
                .nth(1)
                .map(|m| m.split(':').next().unwrap_or(m).to_owned())
        };
        match path {
            "/v1/chat/completions" | "/chat/completions" => Some((Api::OpenaiChat, None)),
            "/v1/responses" | "/responses" => Some((Api::OpenaiResponses, None)),
            "/v1/messages" => Some((Api::AnthropicMessages, None)),
            p if p.starts_with("/v1beta/models/") => {
                Some((Api::GeminiGenerateContent, between("/v1beta/models/", ":")))
            }
            p if p.starts_with("/v1/projects/") && p.contains("/publishers/google/") => {
                Some((Api::GoogleGenerateContent, vertex_model(p)))
            }
            p if p.starts_with("/v1/projects/") && p.contains("/publishers/anthropic/") => {
                Some((Api::GoogleRawPredict, vertex_model(p)))
            }
            p if p.starts_with("/bedrock/model/")
                && (p.ends_with("/converse") || p.ends_with("/converse-stream")) =>
            {
                Some((Api::BedrockConverse, between("/bedrock/model/", "/")))
            }
            p if p.starts_with("/bedrock/model/") => {
                Some((Api::BedrockModelInvoke, between("/bedrock/model/", "/")))
            }
            _ => None,
        }
    }

    /// The path a client calls for `model` (model names in paths are percent-encoded).
    pub fn path(self, model: &str) -> String {
        let m = encode_path_segment(model);
        match self {
            Api::OpenaiChat => "/v1/chat/completions".into(),
            Api::OpenaiResponses => "/v1/responses".into(),
            Api::AnthropicMessages => "/v1/messages".into(),
            Api::GeminiGenerateContent => format!("/v1beta/models/{m}:generateContent"),
            Api::GoogleGenerateContent => {
                format!("{VERTEX_PREFIX}/publishers/google/models/{m}:generateContent")
            }
            Api::GoogleRawPredict => {
                format!("{VERTEX_PREFIX}/publishers/anthropic/models/{m}:rawPredict")
            }
            Api::BedrockModelInvoke => format!("/bedrock/model/{m}/invoke"),
            Api::BedrockConverse => format!("/bedrock/model/{m}/converse"),
        }
    }

    /// The smallest request that makes the model answer (one output token where the format
    /// allows it).
    pub fn minimal_body(self, model: &str) -> Value {
        let messages = json!([{"role": "user", "content": "ping"}]);
        match self {
            Api::OpenaiChat => json!({"model": model, "messages": messages, "max_tokens": 1}),
            // The Responses API refuses max_output_tokens below 16.
            Api::OpenaiResponses => {
                json!({"model": model, "input": "ping", "max_output_tokens": 16})
            }
            Api::AnthropicMessages => {
                json!({"model": model, "max_tokens": 1, "messages": messages})
            }
            Api::GeminiGenerateContent | Api::GoogleGenerateContent => json!({
                "contents": [{"role": "user", "parts": [{"text": "ping"}]}],
                "generationConfig": {"maxOutputTokens": 1}
            }),
            Api::GoogleRawPredict => json!({
                "anthropic_version": "vertex-2023-10-16", "max_tokens": 1, "messages": messages
            }),
            // InvokeModel bodies are model-specific; this is the Anthropic-on-Bedrock shape.
            Api::BedrockModelInvoke => json!({
                "anthropic_version": "bedrock-2023-05-31", "max_tokens": 1, "messages": messages
            }),
            Api::BedrockConverse => json!({
                "messages": [{"role": "user", "content": [{"text": "ping"}]}],
                "inferenceConfig": {"maxTokens": 1}
            }),
        }
    }

    /// Headers the format needs besides `content-type` (never credentials).
    pub fn headers(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Api::AnthropicMessages => &[("anthropic-version", "2023-06-01")],
            _ => &[],
        }
    }

    /// The header a client puts its key in, for gateways that want one (Aperture does not).
    pub fn key_header(self) -> KeyHeader {
        match self {
            Api::AnthropicMessages => KeyHeader::XApiKey,
            Api::GeminiGenerateContent => KeyHeader::XGoogApiKey,
            _ => KeyHeader::Bearer,
        }
    }

    /// The format a model name suggests, when nothing better is known.
    pub fn guess_for_model(model: &str) -> Api {
        let m = model.to_ascii_lowercase();
        if m.contains("claude") {
            Api::AnthropicMessages
        } else if m.contains("gemini") {
            Api::GeminiGenerateContent
        } else {
            Api::OpenaiChat
        }
    }
}

/// Where a client puts its API key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyHeader {
    Bearer,
    XApiKey,
    XGoogApiKey,
}

impl KeyHeader {
    pub fn name(self) -> &'static str {
        match self {
            KeyHeader::Bearer => "authorization",
            KeyHeader::XApiKey => "x-api-key",
            KeyHeader::XGoogApiKey => "x-goog-api-key",
        }
    }

    /// The header value for `key` (`Bearer <key>` or the bare key).
    pub fn value(self, key: &str) -> String {
        match self {
            KeyHeader::Bearer => format!("Bearer {key}"),
            _ => key.to_owned(),
        }
    }
}

/// Percent-encode what cannot stand in a path segment; `/` and `:` stay (model IDs such as
/// `anthropic.claude-v2:1` and `openai/gpt-oss` are sent as written).
fn encode_path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:@!$&'()*+,;=".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_round_trips_through_its_endpoint() {
        for &api in Api::ALL {
            let path = api.path("m-1");
            assert_eq!(Api::for_endpoint(&path), Some(api), "{path}");
            assert_eq!(Api::from_flag(api.flag()), Some(api));
        }
        assert_eq!(
            Api::path(Api::BedrockConverse, "a b?"),
            "/bedrock/model/a%20b%3F/converse"
        );
        assert_eq!(
            Api::guess_for_model("claude-sonnet-4-5"),
            Api::AnthropicMessages
        );
    }
}
