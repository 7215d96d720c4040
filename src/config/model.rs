//! The typed model of the Aperture config. It exists for its JSON Schema: nothing
//! deserializes a config into it (the rules read the positioned tree, so nothing the user
//! wrote can be lost to a typed round trip).
//!
//! Every documented key is a field. Unknown keys are kept in `extra` maps (never dropped).
//! Objects whose shape is only partly documented carry `x-aperture-open`, so the
//! structure check does not call their undocumented keys unknown. The schema drives the
//! structure check (unknown keys, wrong types), the `schema` command and the MCP resource.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

type Extra = BTreeMap<String, Json>;

/// An Aperture gateway configuration (HuJSON).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "Aperture by Tailscale configuration")]
pub struct Config {
    /// Upstream LLM providers keyed by provider ID (the `provider` part of `provider/model`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub providers: Option<BTreeMap<String, Provider>>,
    /// Access grants (capability `tailscale.com/cap/aperture`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grants: Option<Vec<Grant>>,
    /// Deprecated alpha grant form; migrate to `grants`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("deprecated" = true))]
    pub temp_grants: Option<Vec<TempGrant>>,
    /// Dollar token buckets keyed by bucket name (`<user>`/`<node>` templates after a colon).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quotas: Option<BTreeMap<String, Quota>>,
    /// Webhooks referenced by `send_hooks` grants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hooks: Option<BTreeMap<String, Hook>>,
    /// Session-log exporters (only `s3` is documented).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exporters: Option<Exporters>,
    /// Infer `cost_basis` from compatibility flags (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_cost_basis: Option<bool>,
    /// Capture retention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<Database>,
    /// Deprecated MCP proxy configuration; use `connectors`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("deprecated" = true))]
    pub mcp: Option<Mcp>,
    /// MCP and HTTP connectors (alpha).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connectors: Option<Connectors>,
    /// Feature flags: `{"name": {"value": ...}}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<BTreeMap<String, Flag>>,
    /// Model aliases (Oct 2026; shape partly UNCONFIRMED: the dashboard's config editor checks it on save).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_aliases: Option<ModelAliases>,
    /// Chat UI model picker (shape UNCONFIRMED: the dashboard's config editor checks it on save).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_models: Option<Json>,
    /// Unknown keys, kept so nothing the user wrote is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One upstream provider.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Provider {
    /// Upstream prefix; Aperture appends the client's request path (so no `/v1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseurl: Option<String>,
    /// Model IDs exactly as the upstream expects them (no wildcards).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub models: Option<Vec<String>>,
    /// Upstream credential; `keyfile::<base64 service-account JSON>` for Vertex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apikey: Option<String>,
    /// How the key is sent: `bearer` (default), `x-api-key`, `x-goog-api-key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("examples" = ["bearer", "x-api-key", "x-goog-api-key"]))]
    pub authorization: Option<String>,
    /// Outbound auth: `override` (default), `passthrough`, `none` (UNCONFIRMED: try one request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("examples" = ["override", "passthrough"]))]
    pub auth_mode: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Display description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Which client APIs this provider's models are exposed on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compatibility: Option<Compatibility>,
    /// Pricing table for cost estimates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("examples" = crate::catalog::providers::documented_cost_bases()))]
    pub cost_basis: Option<String>,
    /// Price unknown model names as known ones; first match wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_cost_map: Option<Vec<ModelCostMapEntry>>,
    /// Higher wins when several providers serve a model (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preference: Option<i64>,
    /// Keep the config but route nothing here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// Extra upstream headers, each `Header-Name: value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_headers: Option<Vec<String>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Compatibility flags. Absent block: only `openai_chat` is on. The flag set is open-ended.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("x-aperture-open" = true))]
pub struct Compatibility {
    /// `POST /v1/chat/completions` (default true without a block).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openai_chat: Option<bool>,
    /// `POST /v1/responses`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openai_responses: Option<bool>,
    /// `POST /v1/messages`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anthropic_messages: Option<bool>,
    /// `POST /v1beta/models/{model}:generateContent` (Gemini API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gemini_generate_content: Option<bool>,
    /// Vertex `publishers/google/models/{model}:generateContent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub google_generate_content: Option<bool>,
    /// Vertex `publishers/anthropic/models/{model}:rawPredict` (needs `keyfile::`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub google_raw_predict: Option<bool>,
    /// `POST /bedrock/model/{model}/invoke`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bedrock_model_invoke: Option<bool>,
    /// `POST /bedrock/model/{model}/converse`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bedrock_converse: Option<bool>,
    /// Rewrites Gemini CLI short paths to Vertex paths (experimental).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experimental_gemini_cli_vertex_compat: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// One `model_cost_map` entry.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct ModelCostMapEntry {
    /// Go `path.Match` glob on the model name.
    #[serde(default, rename = "match", skip_serializing_if = "Option::is_none")]
    pub match_: Option<String>,
    /// Known model name to price against.
    #[serde(default, rename = "as", skip_serializing_if = "Option::is_none")]
    pub as_: Option<String>,
    /// Price multiplier (default 1.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjustment: Option<f64>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A grant in the Aperture config (no `dst`: the destination is this Aperture).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Grant {
    /// Identities: logins, `group:...`, `tag:a,tag:b` (sorted, comma-joined), `*`, `(loopback)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src: Option<Vec<String>>,
    /// Capabilities by capability name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<App>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The `app` map: Aperture reads `tailscale.com/cap/aperture`; other keys pass through to hooks.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("x-aperture-open" = true))]
pub struct App {
    /// Aperture capabilities.
    #[serde(
        default,
        rename = "tailscale.com/cap/aperture",
        skip_serializing_if = "Option::is_none"
    )]
    pub aperture: Option<Vec<Capability>>,
    /// Custom capabilities, forwarded to hooks.
    #[serde(flatten)]
    pub other: Extra,
}

/// One capability object inside `tailscale.com/cap/aperture`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Capability {
    /// `admin` or `user`; required to use Aperture at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("examples" = ["admin", "user"]))]
    pub role: Option<String>,
    /// One `provider/model` glob (`*` one segment, `**` any).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub models: Option<String>,
    /// Buckets charged when this grant matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quotas: Option<Vec<BucketRef>>,
    /// Hooks fired for matching requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_hooks: Option<Vec<SendHook>>,
    /// Extra upstream headers, each `Header-Name: value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_headers: Option<Vec<String>>,
    /// Chat UI access (on by default in later versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_chat_ui: Option<bool>,
    /// Access to `/metrics`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_metrics: Option<bool>,
    /// Connector patterns `connectorID/category/resource` or `label:<name>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connectors: Option<Vec<String>>,
    /// Deprecated: use `connectors`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mcp_tools: Option<String>,
    /// Deprecated: use `connectors`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mcp_resources: Option<String>,
    /// Deprecated: use `connectors`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mcp_templates: Option<String>,
    /// CORS for browser callers (field names UNCONFIRMED: the dashboard's config editor checks it on save).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_cors: Option<bool>,
    /// Paths CORS applies to (UNCONFIRMED, as `set_cors`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cors_paths: Option<Vec<String>>,
    /// CORS header value (UNCONFIRMED, as `set_cors`).
    #[serde(
        default,
        rename = "Access-Control-Allow-Origin",
        skip_serializing_if = "Option::is_none"
    )]
    pub cors_allow_origin: Option<String>,
    /// CORS header value (UNCONFIRMED, as `set_cors`).
    #[serde(
        default,
        rename = "Access-Control-Allow-Methods",
        skip_serializing_if = "Option::is_none"
    )]
    pub cors_allow_methods: Option<String>,
    /// CORS header value (UNCONFIRMED, as `set_cors`).
    #[serde(
        default,
        rename = "Access-Control-Allow-Headers",
        skip_serializing_if = "Option::is_none"
    )]
    pub cors_allow_headers: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A reference to a quota bucket.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct BucketRef {
    /// Bucket name, e.g. `daily:<user>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Which hook fires, on which events, with what data.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct SendHook {
    /// A key of `hooks`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `pre_request`, `entire_request`, `tool_call_entire_request`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<String>>,
    /// Payload parts: `request_body`, `response_body`, `raw_responses`, `user_message`, `tools`, `estimated_cost`, `grants`, `quotas`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send: Option<Vec<String>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Legacy `temp_grants` entry; inner capability shapes are UNCONFIRMED (explain_access shows the
/// translation used), so they stay raw.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct TempGrant {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grants: Option<Vec<Json>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A dollar token bucket.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Quota {
    /// Maximum and starting balance, `"$10.00"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<String>,
    /// Refill rate, `"$5.00/day"` (unit `min`, `hour`, `day`, `week`, `month`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<String>,
    /// Only `reject` (HTTP 429).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_exceed: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A webhook endpoint.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Hook {
    /// `http://` or `https://` URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apikey: Option<String>,
    /// `bearer` (default), `x-api-key`, `x-goog-api-key`, `hec`, `cf-aig-authorization`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("examples" = ["bearer", "x-api-key", "x-goog-api-key", "hec", "cf-aig-authorization"]))]
    pub authorization: Option<String>,
    /// Go duration, default `5s`; `0` disables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// `fail_open` (default) or `fail_closed` (503; `pre_request` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_policy: Option<String>,
    /// Higher runs first; ties by key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preference: Option<i64>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Exporters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Exporters {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3: Option<S3Exporter>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// S3-compatible session-log export; a non-empty `bucket_name` enables it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct S3Exporter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Must not end with `/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_secret: Option<String>,
    /// Seconds between exports (default 3600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<i64>,
    /// Records per export (default 1000, capped at 10000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Database settings (the dashboard's Database settings page).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Database {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<Retention>,
    /// Keep raw request copies (default false; false for zero data retention).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub save_raws: Option<bool>,
    /// Keep encrypted copies of request content (default false; false for zero data retention).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_encrypted_blobs: Option<bool>,
    /// Headers Aperture indexes for log filtering (location UNCERTAIN: the dashboard's Database
    /// settings page or Administration > Reporting shows it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filterable: Option<Vec<String>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Capture retention.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Retention {
    /// `30d`, `720h`; `0` = none kept (zero retention also needs `save_raws` and
    /// `keep_encrypted_blobs` false); empty = forever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// Purge local content only after it is exported to S3, its window passed and the purge ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_export: Option<bool>,
    /// `captures` and/or `tools`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purge: Option<Vec<String>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Deprecated MCP proxy configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Mcp {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_registrations: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub servers: Option<BTreeMap<String, McpServer>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A legacy MCP server.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct McpServer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Connectors section. The Oct-2026 reference says it takes several top-level fields but shows
/// only `servers`, so other keys are not flagged.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("x-aperture-open" = true))]
pub struct Connectors {
    /// Connectors keyed by ID (`[a-zA-Z][a-zA-Z0-9]*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub servers: Option<BTreeMap<String, Connector>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// One connector. Only part of its fields are documented, so unknown keys are not flagged.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("x-aperture-open" = true))]
pub struct Connector {
    /// `mcp` or `http`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// Upstream endpoint or API root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Default `Custom`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<ConnectorAuth>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Connector authentication; OAuth key spellings are UNCONFIRMED (the dashboard's config editor checks it on save), so unknown keys are
/// not flagged.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("x-aperture-open" = true))]
pub struct ConnectorAuth {
    /// `bearer_token`, `api_key`, `basic`, `oauth2_client_credentials`, `oauth2_authorization_code`, `oauth2_dcr`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `header` or `query`.
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    pub in_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A feature flag.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Flag {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Json>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Model aliases (partly documented, so unknown keys are not flagged).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("x-aperture-open" = true))]
pub struct ModelAliases {
    /// Global selection strategy (values UNCONFIRMED: the dashboard's Logs page shows the model used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<String>,
    /// Aliases keyed by the alias name clients send.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub models: Option<BTreeMap<String, ModelAlias>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// One alias.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("x-aperture-open" = true))]
pub struct ModelAlias {
    /// Ordered `provider/model` destinations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dst: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The JSON Schema of the config, generated once. Closed objects get
/// `additionalProperties: false` so editors flag unknown keys as Aperture does.
pub fn config_schema() -> &'static Json {
    static SCHEMA: OnceLock<Json> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut schema = serde_json::to_value(schemars::schema_for!(Config)).unwrap_or(Json::Null);
        close_objects(&mut schema);
        schema
    })
}

fn close_objects(schema: &mut Json) {
    match schema {
        Json::Object(map) => {
            let open = map.get("x-aperture-open") == Some(&Json::Bool(true));
            if map.contains_key("properties")
                && map.get("additionalProperties") == Some(&Json::Bool(true))
                && !open
            {
                map.insert("additionalProperties".into(), Json::Bool(false));
            }
            for value in map.values_mut() {
                close_objects(value);
            }
        }
        Json::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::apis::Flag;

    #[test]
    fn the_compatibility_schema_lists_exactly_the_documented_flags() {
        let schema = serde_json::to_value(schemars::schema_for!(Compatibility)).unwrap();
        let properties: Vec<&str> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(properties, Flag::names().collect::<Vec<_>>());
    }
}
