//! The config API on the wire (`http-api.md` §4): which generation a gateway speaks, reading
//! the live document with its version, and the write carrying that version back.

use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::probe::http::Exchange;
use crate::tools::gateway::{failure, get, request, root_of, send};
use crate::tools::input::ToolError;

/// Which config API the gateway speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConfigApi {
    /// `GET/PUT /aperture/config` with ETag / If-Match (seen from May 2026).
    Aperture,
    /// `GET/PUT /api/config` with a body `hash` (the older generation).
    Legacy,
}

impl ConfigApi {
    fn path(self) -> &'static str {
        match self {
            ConfigApi::Aperture => "/aperture/config",
            ConfigApi::Legacy => "/api/config",
        }
    }

    /// Whether reads through this API are documented to redact provider keys.
    pub fn redacts_keys(self) -> bool {
        self == ConfigApi::Aperture
    }
}

/// A live document as served.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LiveConfig {
    /// The gateway root.
    pub url: String,
    pub api: ConfigApi,
    /// The version read (ETag or hash): pass it back as `base_version` when applying a change
    /// made from this document.
    pub version: String,
    /// The HuJSON text exactly as served (the current API redacts provider keys).
    pub config: String,
}

/// Arguments of `get_config`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct GetInput {
    /// The gateway, e.g. `http://ai` (needs an admin role there).
    pub url: String,
}

/// A config API answer: its JSON body and the document in its `config` string.
fn config_body(what: &str, ex: &Exchange) -> Result<(Value, String), ToolError> {
    let body: Value = serde_json::from_slice(&ex.body)
        .map_err(|e| ToolError::Gateway(format!("{what}: not JSON ({e})")))?;
    let config = body["config"]
        .as_str()
        .ok_or_else(|| ToolError::Gateway(format!("{what}: the answer has no `config` string")))?
        .to_owned();
    Ok((body, config))
}

/// Read the live document, detecting which config API the gateway speaks.
pub async fn get_config(input: &GetInput) -> Result<LiveConfig, ToolError> {
    let root = root_of(&input.url)?;
    let current = get(&root, ConfigApi::Aperture.path()).await;
    if current.status == Some(200) {
        let (_, config) = config_body("GET /aperture/config", &current)?;
        let version = current.etag.clone().ok_or_else(|| {
            ToolError::Gateway(
                "GET /aperture/config answered without an ETag; a safe write is impossible".into(),
            )
        })?;
        return Ok(LiveConfig {
            url: root,
            api: ConfigApi::Aperture,
            version,
            config,
        });
    }
    if !matches!(current.status, Some(404 | 405)) {
        return Err(failure("GET /aperture/config", &current));
    }
    let legacy = get(&root, ConfigApi::Legacy.path()).await;
    if legacy.status != Some(200) {
        return Err(failure(
            "GET /api/config (GET /aperture/config answered 404 too)",
            &legacy,
        ));
    }
    let (body, config) = config_body("GET /api/config", &legacy)?;
    let version = body["hash"]
        .as_str()
        .ok_or_else(|| {
            ToolError::Gateway(
                "GET /api/config answered without a `hash`; a safe write is impossible".into(),
            )
        })?
        .to_owned();
    Ok(LiveConfig {
        url: root,
        api: ConfigApi::Legacy,
        version,
        config,
    })
}

/// Send the write, carrying the version that was read.
pub async fn put(live: &LiveConfig, document: &str) -> Exchange {
    let url = format!("{}{}", live.url, live.api.path());
    let request = match live.api {
        ConfigApi::Aperture => request(
            Method::PUT,
            url,
            vec![("if-match", live.version.clone())],
            Some(json!({"config": document})),
        ),
        ConfigApi::Legacy => request(
            Method::PUT,
            url,
            vec![],
            Some(json!({"config": document, "hash": live.version})),
        ),
    };
    send(request).await
}

/// The version a successful write reports, when it reports one.
pub fn version_after(api: ConfigApi, answer: &Exchange) -> Option<String> {
    match api {
        ConfigApi::Aperture => answer.etag.clone(),
        ConfigApi::Legacy => serde_json::from_slice::<Value>(&answer.body)
            .ok()
            .and_then(|v| v["hash"].as_str().map(str::to_owned)),
    }
}
