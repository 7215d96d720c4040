//! A fake Aperture gateway for tests, on loopback at a random port, following
//! `../shared/aperture/http-api.md`: the model list filtered by grants, per-format endpoints
//! gated by compatibility flags, 403 without a role, quotas answering 429 with Retry-After,
//! a fail-closed hook answering 503, guardrail blocks, upstream errors passed through, and a
//! slow mode. A request header stands in for the caller's Tailscale identity. The config API
//! comes in both generations (`/aperture/config` with ETag/If-Match, `/api/config` with a
//! body hash), admin only, with stale-version, 422 and normalising modes.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

/// Header that names the caller (stands in for Tailscale's WhoIs).
pub const IDENTITY_HEADER: &str = "x-fake-tailscale-identity";

/// What the upstream provider does with a request Aperture forwards.
#[derive(Debug, Clone)]
pub enum Upstream {
    /// A normal answer in the format's native shape.
    Answer,
    /// The provider's baseurl ends in /v1: the upstream sees /v1/v1/... and answers 405.
    DoubledV1,
    /// Any status and body, passed through unchanged.
    Status(u16, String),
}

#[derive(Debug, Clone)]
pub struct Provider {
    pub id: String,
    pub models: Vec<String>,
    /// Compatibility flags that are on.
    pub flags: Vec<&'static str>,
    pub disabled: bool,
    pub passthrough: bool,
    pub upstream: Upstream,
}

impl Provider {
    pub fn new(id: &str, models: &[&str], flags: &[&'static str]) -> Self {
        Provider {
            id: id.into(),
            models: models.iter().map(|m| (*m).to_owned()).collect(),
            flags: flags.to_vec(),
            disabled: false,
            passthrough: false,
            upstream: Upstream::Answer,
        }
    }

    pub fn upstream(mut self, upstream: Upstream) -> Self {
        self.upstream = upstream;
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    User,
    Admin,
}

#[derive(Debug, Clone)]
pub struct Grant {
    /// Identities (`*` for everyone), as Aperture compares them: exact strings.
    pub src: Vec<String>,
    pub role: Option<Role>,
    /// `provider/model` patterns: `*`, `provider/*` or exact.
    pub models: Vec<String>,
    pub quotas: Vec<String>,
}

impl Grant {
    pub fn user(src: &str, models: &[&str]) -> Self {
        Grant {
            src: vec![src.into()],
            role: Some(Role::User),
            models: models.iter().map(|m| (*m).to_owned()).collect(),
            quotas: Vec::new(),
        }
    }
}

/// How the server behaves as a whole.
#[derive(Debug, Clone)]
pub enum Personality {
    Aperture,
    /// A gateway that wants `Authorization: Bearer <key>` (like LiteLLM): 401 without it.
    KeyGateway {
        key: String,
    },
    /// Not a gateway at all: 404 `{"detail":"Not Found"}` for everything.
    Plain404,
}

#[derive(Debug, Clone)]
pub struct Spec {
    pub personality: Personality,
    /// The caller when no identity header is sent.
    pub identity: String,
    pub providers: Vec<Provider>,
    pub grants: Vec<Grant>,
    /// Empty buckets: (name, seconds until refill).
    pub empty_buckets: Vec<(String, u64)>,
    /// A fail-closed pre_request hook that cannot be reached.
    pub hook_fail_closed: bool,
    /// A guardrail hook that blocks every request.
    pub guardrail_blocks: bool,
    /// Answer `aperture is restarting` to everything.
    pub restarting: bool,
    /// Slow mode: every response waits this long.
    pub delay: Duration,
    /// `/ui/` redirects here (to test redirects that leave the host).
    pub ui_redirect: Option<String>,
    /// A response header carrying this value on every answer (secret-echo tests).
    pub echo_header: Option<String>,
    /// The config API, when served.
    pub config_api: Option<ConfigApiSpec>,
    /// Budget buckets `GET /api/quotas` lists and `POST /api/quotas/refill` tops up.
    pub buckets: Vec<FakeBucket>,
    /// Connectors `GET /api/connectors` lists: (id, protocol).
    pub connectors: Vec<(String, String)>,
}

/// One budget bucket, amounts in nanodollars as Aperture keeps them.
#[derive(Debug, Clone, PartialEq)]
pub struct FakeBucket {
    pub name: String,
    pub current: i64,
    pub capacity: i64,
    pub rate: String,
}

/// How the fake serves its configuration API.
#[derive(Debug, Clone, Default)]
pub struct ConfigApiSpec {
    /// Serve `/aperture/config` (ETag / If-Match).
    pub current: bool,
    /// Serve `/api/config` (body hash).
    pub legacy: bool,
    /// The stored document at start.
    pub initial: String,
    /// Someone else edits after every read: every write is stale.
    pub concurrent_editor: bool,
    /// Refuse every write with 422 and this detail.
    pub reject: Option<String>,
    /// Store what is written with a comment added (a re-read sees a different document).
    pub normalise: bool,
    /// What `GET /aperture/config` shows instead of each provider `apikey` (the current API
    /// redacts keys on read; the real marker is UNCONFIRMED, so tests vary it). `None`: the
    /// default marker. The legacy `/api/config` serves keys as stored.
    pub mask: Option<String>,
    /// Answer a write that was committed with this status instead of 200 (201, 204, or a 500
    /// after the commit, as a gateway that fails late does).
    pub committed_status: Option<u16>,
}

/// The fake's default redaction marker for keys read through `/aperture/config`.
pub const DEFAULT_MASK: &str = "**********";

/// `text` with every `"apikey": "…"` string value replaced by `mask` (a scan of the text, so
/// comments and layout stay as stored, as a server-side redaction would keep them).
pub fn mask_keys(text: &str, mask: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\"apikey\"") {
        let (head, tail) = rest.split_at(at + "\"apikey\"".len());
        out.push_str(head);
        let after_colon = tail.trim_start().strip_prefix(':').map(str::trim_start);
        match after_colon.and_then(|t| t.strip_prefix('"')) {
            Some(value) => {
                let end = value.find('"').unwrap_or(value.len());
                out.push_str(&tail[..tail.len() - value.len()]);
                out.push_str(mask);
                rest = &value[end..];
            }
            None => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

/// The stored config and its version (`text` holds the real keys; reads may mask them).
#[derive(Debug, Default)]
pub struct ConfigState {
    pub text: String,
    pub version: u64,
    pub writes: u64,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            personality: Personality::Aperture,
            identity: "alice@example.com".into(),
            providers: vec![
                Provider::new("anthropic", &["claude-sonnet-4-5"], &["anthropic_messages"]),
                Provider::new("openai", &["gpt-5"], &["openai_chat", "openai_responses"]),
            ],
            grants: vec![Grant::user("*", &["*"])],
            empty_buckets: Vec::new(),
            hook_fail_closed: false,
            guardrail_blocks: false,
            restarting: false,
            delay: Duration::ZERO,
            ui_redirect: None,
            echo_header: None,
            config_api: None,
            buckets: Vec::new(),
            connectors: Vec::new(),
        }
    }
}

/// A running fake gateway; stops when dropped.
pub struct FakeAperture {
    pub addr: SocketAddr,
    /// The config API's stored document (tests read it after a write).
    pub config: Arc<std::sync::Mutex<ConfigState>>,
    /// The budget buckets as they stand (refills change them).
    pub buckets: Arc<std::sync::Mutex<Vec<FakeBucket>>>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeAperture {
    pub async fn start(spec: Spec) -> FakeAperture {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let config = Arc::new(std::sync::Mutex::new(ConfigState {
            text: spec
                .config_api
                .as_ref()
                .map(|c| c.initial.clone())
                .unwrap_or_default(),
            version: 1,
            writes: 0,
        }));
        let buckets = Arc::new(std::sync::Mutex::new(spec.buckets.clone()));
        let spec = Arc::new(spec);
        let state = config.clone();
        let budget = buckets.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let spec = spec.clone();
                let state = state.clone();
                let budget = budget.clone();
                async move { handle(&spec, &state, &budget, method, uri, headers, body).await }
            },
        );
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeAperture {
            addr,
            config,
            buckets,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for FakeAperture {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn json(status: u16, body: serde_json::Value) -> Response {
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// The API formats, as http-api.md §2 lays out their paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    OpenaiChat,
    OpenaiResponses,
    Anthropic,
    Gemini,
    VertexGoogle,
    VertexAnthropic,
    BedrockInvoke,
    BedrockConverse,
}

impl Format {
    fn flag(self) -> &'static str {
        match self {
            Format::OpenaiChat => "openai_chat",
            Format::OpenaiResponses => "openai_responses",
            Format::Anthropic => "anthropic_messages",
            Format::Gemini => "gemini_generate_content",
            Format::VertexGoogle => "google_generate_content",
            Format::VertexAnthropic => "google_raw_predict",
            Format::BedrockInvoke => "bedrock_model_invoke",
            Format::BedrockConverse => "bedrock_converse",
        }
    }

    fn endpoint(flag: &str) -> &'static str {
        match flag {
            "openai_chat" => "/v1/chat/completions",
            "openai_responses" => "/v1/responses",
            "anthropic_messages" => "/v1/messages",
            "gemini_generate_content" => "/v1beta/models/{model}:generateContent",
            "google_generate_content" => {
                "/v1/projects/{project}/locations/{region}/publishers/google/models/{model}:generateContent"
            }
            "google_raw_predict" => {
                "/v1/projects/{project}/locations/{region}/publishers/anthropic/models/{model}:rawPredict"
            }
            "bedrock_model_invoke" => "/bedrock/model/{model}/invoke",
            "bedrock_converse" => "/bedrock/model/{model}/converse",
            _ => "/unknown",
        }
    }

    /// The format and the model named in the path (body formats read it from the body).
    fn of(path: &str) -> Option<(Format, Option<String>)> {
        let path_model =
            |rest: &str, end: char| rest.split(end).next().map(|m| m.replace("%20", " "));
        Some(match path {
            "/v1/chat/completions" | "/chat/completions" => (Format::OpenaiChat, None),
            "/v1/responses" => (Format::OpenaiResponses, None),
            "/v1/messages" => (Format::Anthropic, None),
            p if p.starts_with("/v1beta/models/") && p.ends_with(":generateContent") => (
                Format::Gemini,
                path_model(&p["/v1beta/models/".len()..], ':'),
            ),
            p if p.starts_with("/v1/projects/") && p.contains("/publishers/google/models/") => (
                Format::VertexGoogle,
                p.split("/models/").nth(1).and_then(|r| path_model(r, ':')),
            ),
            p if p.starts_with("/v1/projects/") && p.contains("/publishers/anthropic/models/") => (
                Format::VertexAnthropic,
                p.split("/models/").nth(1).and_then(|r| path_model(r, ':')),
            ),
            p if p.starts_with("/bedrock/model/") && p.ends_with("/invoke") => (
                Format::BedrockInvoke,
                path_model(&p["/bedrock/model/".len()..], '/'),
            ),
            p if p.starts_with("/bedrock/model/") && p.ends_with("/converse") => (
                Format::BedrockConverse,
                path_model(&p["/bedrock/model/".len()..], '/'),
            ),
            _ => return None,
        })
    }

    /// An error in the format's native envelope (http-api.md §7.2, §7.3).
    fn error(
        self,
        status: u16,
        kind: &str,
        message: &str,
        headers: &mut Vec<(&'static str, String)>,
    ) -> serde_json::Value {
        use serde_json::json;
        match self {
            Format::Anthropic | Format::VertexAnthropic => {
                json!({"type": "error", "error": {"type": kind, "message": message}})
            }
            Format::OpenaiChat | Format::OpenaiResponses => {
                json!({"error": {"message": message, "type": kind, "code": kind}})
            }
            Format::BedrockInvoke | Format::BedrockConverse => {
                headers.push(("x-amzn-errortype", kind.to_owned()));
                json!({"message": message})
            }
            Format::Gemini | Format::VertexGoogle => {
                json!({"error": {"code": status, "message": message, "status": kind}})
            }
        }
    }

    fn answer(self, model: &str) -> serde_json::Value {
        use serde_json::json;
        match self {
            Format::OpenaiChat => {
                json!({"id": "chatcmpl-1", "object": "chat.completion", "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": "p"}, "finish_reason": "length"}]})
            }
            Format::OpenaiResponses => {
                json!({"id": "resp_1", "object": "response", "model": model, "status": "incomplete"})
            }
            Format::Anthropic | Format::VertexAnthropic | Format::BedrockInvoke => {
                json!({"id": "msg_1", "type": "message",
                "model": model, "content": [{"type": "text", "text": "p"}], "stop_reason": "max_tokens"})
            }
            Format::Gemini | Format::VertexGoogle => {
                json!({"candidates": [{"content": {"parts": [{"text": "p"}]}, "finishReason": "MAX_TOKENS"}]})
            }
            Format::BedrockConverse => {
                json!({"output": {"message": {"role": "assistant", "content": [{"text": "p"}]}}, "stopReason": "max_tokens"})
            }
        }
    }
}

fn pattern_matches(pattern: &str, provider: &str, model: &str) -> bool {
    match pattern.split_once('/') {
        None => pattern == "*",
        Some((p, m)) => (p == "*" || p == provider) && (m == "*" || m == model),
    }
}

fn grants_for<'a>(spec: &'a Spec, identity: &str) -> Vec<&'a Grant> {
    spec.grants
        .iter()
        .filter(|g| g.src.iter().any(|s| s == "*" || s == identity))
        .collect()
}

async fn handle(
    spec: &Spec,
    state: &std::sync::Mutex<ConfigState>,
    buckets: &std::sync::Mutex<Vec<FakeBucket>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !spec.delay.is_zero() {
        tokio::time::sleep(spec.delay).await;
    }
    let path = uri.path();
    let mut response = match config_route(spec, state, &method, path, &headers, &body) {
        Some(r) => r,
        None => match discovery_route(spec, buckets, &method, path, &headers, &body) {
            Some(r) => r,
            None => route(spec, &method, path, &headers, &body),
        },
    };
    if let Some(value) = &spec.echo_header
        && let Ok(v) = value.parse()
    {
        response.headers_mut().insert("x-upstream-debug", v);
    }
    response
}

fn route(spec: &Spec, method: &Method, path: &str, headers: &HeaderMap, body: &[u8]) -> Response {
    use serde_json::json;
    match &spec.personality {
        Personality::Plain404 => return json(404, json!({"detail": "Not Found"})),
        Personality::KeyGateway { key } => {
            let sent = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "));
            if sent != Some(key.as_str()) {
                return json(
                    401,
                    json!({"error": {"message": "Authentication Error, No api key passed in.", "type": "auth_error", "code": "401"}}),
                );
            }
        }
        Personality::Aperture => {}
    }
    if spec.restarting {
        return json(
            503,
            json!({"error": "aperture is restarting, retry this request"}),
        );
    }
    let identity = headers
        .get(IDENTITY_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or(&spec.identity)
        .to_owned();
    let grants = grants_for(spec, &identity);
    let role = grants.iter().filter_map(|g| g.role).max();
    if method == Method::GET && (path == "/ui" || path == "/ui/") {
        if let Some(to) = &spec.ui_redirect {
            return (StatusCode::FOUND, [("location", to.clone())]).into_response();
        }
        return (
            [("content-type", "text/html")],
            "<!doctype html><title>Aperture</title>",
        )
            .into_response();
    }
    let no_role = || json(403, json!({"error": "access denied: no role granted"}));
    if method == Method::GET && path == "/v1/models" {
        if role.is_none() {
            return no_role();
        }
        let mut data = Vec::new();
        for p in spec.providers.iter().filter(|p| !p.disabled) {
            for m in &p.models {
                if grants
                    .iter()
                    .any(|g| g.models.iter().any(|pat| pattern_matches(pat, &p.id, m)))
                {
                    data.push(json!({
                        "id": m, "object": "model",
                        "supported_endpoints": p.flags.iter().map(|f| Format::endpoint(f)).collect::<Vec<_>>(),
                        "metadata": {"provider": {"id": p.id, "name": p.id, "description": "",
                            "requires_client_auth": p.passthrough, "upstream": p.id}},
                    }));
                }
            }
        }
        return json(200, json!({"object": "list", "data": data}));
    }
    let Some((format, path_model)) = Format::of(path).filter(|_| method == Method::POST) else {
        return (StatusCode::NOT_FOUND, "404 page not found\n").into_response();
    };
    if role.is_none() {
        return no_role();
    }
    let model = path_model.or_else(|| {
        serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| v.get("model").and_then(|m| m.as_str()).map(str::to_owned))
    });
    let Some(model) = model else {
        return json(400, json!({"error": "request has no model"}));
    };
    // Routing: enabled providers that serve the model and that a grant gives this caller.
    let serving: Vec<(&Provider, Vec<&Grant>)> = spec
        .providers
        .iter()
        .filter(|p| !p.disabled && p.models.contains(&model))
        .map(|p| {
            let granting = grants
                .iter()
                .copied()
                .filter(|g| {
                    g.models
                        .iter()
                        .any(|pat| pattern_matches(pat, &p.id, &model))
                })
                .collect::<Vec<_>>();
            (p, granting)
        })
        .filter(|(_, g)| !g.is_empty())
        .collect();
    let mut extra = Vec::new();
    let Some((provider, granting)) = serving
        .into_iter()
        .find(|(p, _)| p.flags.contains(&format.flag()))
    else {
        // Not granted, not served, or no provider with this format's flag: the model is not here.
        return json(
            404,
            json!({"error": {"message": format!("model {model} not found"), "type": "not_found_error"}}),
        );
    };
    for bucket in granting.iter().flat_map(|g| g.quotas.iter()) {
        if let Some((_, retry)) = spec.empty_buckets.iter().find(|(name, _)| name == bucket) {
            let kind = match format {
                Format::Anthropic | Format::VertexAnthropic => "rate_limit_error",
                Format::OpenaiChat | Format::OpenaiResponses => "insufficient_quota",
                Format::BedrockInvoke | Format::BedrockConverse => "ThrottlingException",
                Format::Gemini | Format::VertexGoogle => "RESOURCE_EXHAUSTED",
            };
            let body = format.error(
                429,
                kind,
                &format!("quota exceeded: bucket {bucket}"),
                &mut extra,
            );
            let mut response = json(429, body);
            response
                .headers_mut()
                .insert("retry-after", retry.to_string().parse().expect("digits"));
            for (name, value) in extra {
                response
                    .headers_mut()
                    .insert(name, value.parse().expect("header"));
            }
            return response;
        }
    }
    if spec.hook_fail_closed {
        return json(
            503,
            json!({"error": "pre_request hook unavailable (fail_closed)"}),
        );
    }
    if spec.guardrail_blocks {
        let kind = match format {
            Format::OpenaiChat | Format::OpenaiResponses => "guardrail_blocked",
            Format::Anthropic | Format::VertexAnthropic => "invalid_request_error",
            Format::Gemini | Format::VertexGoogle => "PERMISSION_DENIED",
            Format::BedrockInvoke | Format::BedrockConverse => "AccessDeniedException",
        };
        let body = format.error(403, kind, "request blocked by guardrail", &mut extra);
        let mut response = json(403, body);
        for (name, value) in extra {
            response
                .headers_mut()
                .insert(name, value.parse().expect("header"));
        }
        return response;
    }
    match &provider.upstream {
        Upstream::Answer => json(200, format.answer(&model)),
        Upstream::DoubledV1 => {
            (StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed").into_response()
        }
        Upstream::Status(status, body) => (
            StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_GATEWAY),
            [("content-type", "application/json")],
            body.clone(),
        )
            .into_response(),
    }
}

/// The config API (http-api.md §4): admin only; `None` for other paths.
fn config_route(
    spec: &Spec,
    state: &std::sync::Mutex<ConfigState>,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Option<Response> {
    use serde_json::json;
    let api = spec.config_api.as_ref()?;
    let current = path == "/aperture/config" && api.current;
    let legacy = path == "/api/config" && api.legacy;
    if !current && !legacy {
        return None;
    }
    let identity = headers
        .get(IDENTITY_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or(&spec.identity)
        .to_owned();
    if grants_for(spec, &identity)
        .iter()
        .filter_map(|g| g.role)
        .max()
        != Some(Role::Admin)
    {
        return Some(json(
            403,
            json!({"error": "access denied: no role granted"}),
        ));
    }
    let mut stored = state.lock().expect("config state");
    if method == Method::GET {
        let version = stored.version;
        let text = stored.text.clone();
        if api.concurrent_editor {
            stored.version += 1;
        }
        return Some(if current {
            let shown = mask_keys(&text, api.mask.as_deref().unwrap_or(DEFAULT_MASK));
            let mut r = json(200, json!({"config": shown}));
            r.headers_mut()
                .insert("etag", format!("\"v{version}\"").parse().expect("etag"));
            r
        } else {
            json(
                200,
                json!({"config": text, "exists": true, "hash": format!("h{version}")}),
            )
        });
    }
    if method != Method::PUT {
        return Some((StatusCode::METHOD_NOT_ALLOWED, "").into_response());
    }
    let Ok(request) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Some(json(400, json!({"error": "body is not JSON"})));
    };
    let fresh = if current {
        headers.get("if-match").and_then(|v| v.to_str().ok())
            == Some(&format!("\"v{}\"", stored.version))
    } else {
        request["hash"].as_str() == Some(&format!("h{}", stored.version))
    };
    if !fresh {
        return Some(if current {
            json(
                412,
                json!({"title": "Precondition Failed", "status": 412, "detail": "config was modified"}),
            )
        } else {
            json(409, json!({"error": "config hash mismatch"}))
        });
    }
    if let Some(detail) = &api.reject {
        return Some(json(
            422,
            json!({"title": "Unprocessable Entity", "status": 422, "detail": detail}),
        ));
    }
    let Some(text) = request["config"].as_str() else {
        return Some(json(400, json!({"error": "no config"})));
    };
    stored.text = if api.normalise {
        format!("// normalised by the gateway\n{text}")
    } else {
        text.to_owned()
    };
    stored.version += 1;
    stored.writes += 1;
    let version = stored.version;
    match api.committed_status {
        Some(204) => {
            let mut r = StatusCode::NO_CONTENT.into_response();
            if current {
                r.headers_mut()
                    .insert("etag", format!("\"v{version}\"").parse().expect("etag"));
            }
            return Some(r);
        }
        Some(status) if status >= 300 => {
            return Some(json(
                status,
                json!({"title": "Internal Server Error", "status": status, "detail": "upstream store timed out"}),
            ));
        }
        _ => {}
    }
    let status = api.committed_status.unwrap_or(200);
    Some(if current {
        let shown = mask_keys(&stored.text, api.mask.as_deref().unwrap_or(DEFAULT_MASK));
        let mut r = json(status, json!({"config": shown}));
        r.headers_mut()
            .insert("etag", format!("\"v{version}\"").parse().expect("etag"));
        r
    } else {
        json(status, json!({"hash": format!("h{version}")}))
    })
}

/// Budgets and discovery (http-api.md §3, §5): `GET /api/quotas` (admins see every bucket,
/// users their own and shared ones), `POST /api/quotas/refill` (admin only; capped at the
/// capacity), `GET /api/providers` (disabled ones too) and `GET /api/connectors`.
fn discovery_route(
    spec: &Spec,
    buckets: &std::sync::Mutex<Vec<FakeBucket>>,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Option<Response> {
    use serde_json::json;
    let identity = headers
        .get(IDENTITY_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or(&spec.identity)
        .to_owned();
    let role = grants_for(spec, &identity)
        .iter()
        .filter_map(|g| g.role)
        .max();
    let no_role = || json(403, json!({"error": "access denied: no role granted"}));
    match (method.as_str(), path) {
        ("GET", "/api/quotas") => {
            if role.is_none() {
                return Some(no_role());
            }
            let mut listed = serde_json::Map::new();
            for (name, _) in &spec.empty_buckets {
                listed.insert(
                    name.clone(),
                    json!({"current": 0, "capacity": 1_000_000_000, "rate": "$1.00/day"}),
                );
            }
            for b in buckets.lock().expect("buckets").iter() {
                let own = !b.name.contains(':') || b.name.ends_with(&format!(":{identity}"));
                if role == Some(Role::Admin) || own {
                    listed.insert(
                        b.name.clone(),
                        json!({"current": b.current, "capacity": b.capacity, "rate": b.rate}),
                    );
                }
            }
            Some(json(200, serde_json::Value::Object(listed)))
        }
        ("POST", "/api/quotas/refill") => {
            if role != Some(Role::Admin) {
                return Some(json(
                    403,
                    json!({"error": "access denied: admin role required"}),
                ));
            }
            let request: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
            let amount = request["amount"]
                .as_str()
                .and_then(|a| a.strip_prefix('$'))
                .and_then(|a| a.parse::<f64>().ok())
                .map(|dollars| (dollars * 1e9).round() as i64);
            let (Some(bucket), Some(amount)) = (request["bucket"].as_str(), amount) else {
                return Some(json(
                    400,
                    json!({"error": "bucket and amount are required"}),
                ));
            };
            let mut all = buckets.lock().expect("buckets");
            let Some(b) = all.iter_mut().find(|b| b.name == bucket) else {
                return Some(json(
                    404,
                    json!({"error": format!("unknown bucket {bucket:?}")}),
                ));
            };
            b.current = (b.current + amount).min(b.capacity);
            Some(json(200, json!({"bucket": bucket, "current": b.current})))
        }
        ("GET", "/api/providers") => {
            if role.is_none() {
                return Some(no_role());
            }
            let listed: Vec<_> = spec
                .providers
                .iter()
                .map(|p| {
                    json!({"id": p.id, "name": p.id, "description": "", "models": p.models,
                        "compatibility": p.flags.iter().map(|f| (f.to_string(), json!(true))).collect::<serde_json::Map<_, _>>()})
                })
                .collect();
            Some(json(200, json!(listed)))
        }
        ("GET", "/api/connectors") => {
            if role.is_none() {
                return Some(no_role());
            }
            let listed: Vec<_> = spec
                .connectors
                .iter()
                .map(|(id, protocol)| json!({"id": id, "description": "", "protocol": protocol, "provider": "Custom", "category": "", "status": "ready"}))
                .collect();
            Some(json(200, json!({"connectors": listed})))
        }
        _ => None,
    }
}
