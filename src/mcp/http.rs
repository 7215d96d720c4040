//! Streamable HTTP at `/mcp`, hardened: Host and Origin allow-lists, bearer token, body limit,
//! refusal to listen beyond loopback without a token, `config_path` refused unless allowed, and
//! an unauthenticated `GET /healthz`. Bounded: a connection cap and timeouts
//! ([`super::listener`]), a session cap with idle expiry ([`super::sessions`]), and a budget
//! per tool call. Every body gets a JSON-RPC answer: one that is not a readable message gets
//! 400 with the error JSON-RPC prescribes ([`super::jsonrpc`]); `DELETE` answers 204.

use std::sync::Arc;

use axum::{
    Json, Router,
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio_util::sync::CancellationToken;

use super::jsonrpc::{self, Incoming};
use super::listener::{self, Limits};
use super::options::{HttpOptions, MAX_MESSAGE_BYTES, ServeError};
use super::server::Server;
use super::sessions::BoundedSessions;
use crate::tools::PathPolicy;

/// Host names that are always allowed (rmcp's default list).
const LOOPBACK_HOSTS: &[&str] = &["localhost", "127.0.0.1", "::1"];

/// Origins that are always allowed: pages served from this machine.
const LOOPBACK_ORIGINS: &[&str] = &[
    "http://localhost:*",
    "https://localhost:*",
    "http://127.0.0.1:*",
    "https://127.0.0.1:*",
    "http://[::1]:*",
    "https://[::1]:*",
];

/// Check the options before binding anything; the error text says how to fix each problem.
pub fn check_options(options: &HttpOptions) -> Result<(), ServeError> {
    if options
        .token
        .as_deref()
        .is_some_and(|t| t.trim().is_empty())
    {
        return Err(ServeError::Refused(
            "the --token (or APERTURE_ORCHESTRATOR_TOKEN) is empty; set a long random value, e.g. `openssl rand -hex 32`".into(),
        ));
    }
    if !options.addr.ip().is_loopback() && options.token.is_none() {
        return Err(ServeError::Refused(format!(
            "refusing to serve MCP on the non-loopback address {} without a token: anyone who can reach it could use the server. Pass --token TOKEN (or set APERTURE_ORCHESTRATOR_TOKEN) and give clients the header `Authorization: Bearer TOKEN`, or bind 127.0.0.1",
            options.addr
        )));
    }
    for origin in &options.allowed_origins {
        if origin != "null" && !origin.contains("://") {
            return Err(ServeError::Refused(format!(
                "--allow-origin `{origin}` needs a scheme, e.g. https://{origin}:443 (`:*` allows any port)"
            )));
        }
    }
    for host in &options.allowed_hosts {
        if host.is_empty() || host.contains('/') {
            return Err(ServeError::Refused(format!(
                "--allow-host `{host}` must be a host name or host:port as clients send it in the Host header, without a scheme or path"
            )));
        }
    }
    Ok(())
}

/// The rmcp transport configuration for these options.
fn transport_config(
    options: &HttpOptions,
    cancel: CancellationToken,
) -> StreamableHttpServerConfig {
    let mut hosts: Vec<String> = LOOPBACK_HOSTS.iter().map(|h| (*h).to_owned()).collect();
    let ip = options.addr.ip();
    if !ip.is_unspecified() && !hosts.contains(&ip.to_string()) {
        // Clients of an explicitly bound address (127.0.0.2 too) send it as their Host; an IP
        // literal cannot be used for DNS rebinding.
        hosts.push(ip.to_string());
    }
    hosts.extend(options.allowed_hosts.iter().cloned());
    let mut origins: Vec<String> = LOOPBACK_ORIGINS.iter().map(|o| (*o).to_owned()).collect();
    origins.extend(options.allowed_origins.iter().cloned());
    StreamableHttpServerConfig::default()
        .with_legacy_session_mode(!options.stateless)
        .with_json_response(options.stateless)
        .with_allowed_hosts(hosts)
        .with_allowed_origins(origins)
        .with_max_request_body_bytes(MAX_MESSAGE_BYTES)
        .with_cancellation_token(cancel)
}

/// The HTTP application: `/mcp` (behind the token check when a token is set) and `/healthz`.
/// Cancelling `cancel` closes every MCP session.
pub fn app(options: &HttpOptions, cancel: CancellationToken) -> Result<Router, ServeError> {
    check_options(options)?;
    let policy = if options.allow_paths {
        PathPolicy::Allowed
    } else {
        PathPolicy::Refused
    };
    // Built once; each session (or stateless request) gets a cheap clone.
    let prototype = Server::new(policy)
        .with_live_config(options.allow_write)
        .with_call_budget(options.call_budget);
    let service = StreamableHttpService::new(
        move || Ok(prototype.clone()),
        BoundedSessions::new(options.max_sessions, options.session_idle).into(),
        transport_config(options, cancel),
    );
    let mut mcp = Router::new()
        .route_service("/mcp", service)
        .layer(middleware::from_fn(answer_every_body));
    if let Some(token) = &options.token {
        let token: Arc<[u8]> = Arc::from(token.as_bytes());
        mcp = mcp.layer(middleware::from_fn_with_state(token, require_bearer));
    }
    Ok(mcp.route("/healthz", get(healthz)).fallback(not_found))
}

/// A JSON-RPC error reply as an HTTP 400 (the message could not be handed to rmcp).
fn rpc_error(reply: serde_json::Value) -> Response {
    (StatusCode::BAD_REQUEST, Json(reply)).into_response()
}

/// Read each POSTed JSON body before rmcp does, answering what is not a readable message as
/// JSON-RPC says (rmcp would answer 415 for invalid JSON and -32601 for params that do not fit
/// their method); and answer `DELETE` with 204 (rmcp's 202 makes clients log a failure). The
/// body is parsed twice when it is fine, which costs far less than the call it carries.
async fn answer_every_body(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if method != Method::POST || !json {
        let mut response = next.run(request).await;
        if method == Method::DELETE && response.status() == StatusCode::ACCEPTED {
            *response.status_mut() = StatusCode::NO_CONTENT;
            *response.body_mut() = Body::empty();
        }
        return response;
    }
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    let bytes = match axum::body::to_bytes(body, MAX_MESSAGE_BYTES).await {
        Ok(bytes) => bytes,
        Err(e) => {
            if declared.is_none_or(|n| n > MAX_MESSAGE_BYTES) {
                return (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("Payload Too Large: request body exceeds {MAX_MESSAGE_BYTES} bytes; pass a large config as config_path"),
                )
                    .into_response();
            }
            return (
                StatusCode::BAD_REQUEST,
                format!("cannot read the request body: {e}"),
            )
                .into_response();
        }
    };
    match jsonrpc::read_message(&bytes) {
        Incoming::Message(_) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Incoming::Reply(reply) => rpc_error(reply),
        Incoming::Nothing if bytes.trim_ascii().is_empty() => rpc_error(jsonrpc::error(
            serde_json::Value::Null,
            jsonrpc::PARSE_ERROR,
            "parse error: the body is empty; POST one JSON-RPC message",
        )),
        // A batch of notifications only: nothing to answer.
        Incoming::Nothing => StatusCode::ACCEPTED.into_response(),
    }
}

async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "status": "ok",
        "name": env!("CARGO_PKG_NAME"),
        "version": env!("CARGO_PKG_VERSION"),
    }))
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(serde_json::json!({ "error": "not found: the MCP endpoint is /mcp, health is /healthz" })),
    )
        .into_response()
}

/// Compare in time that depends only on the lengths, not on where the bytes differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    diff == 0
}

/// The token of an `Authorization: Bearer TOKEN` header (scheme case-insensitive).
fn bearer_token(value: &HeaderValue) -> Option<&[u8]> {
    let bytes = value.as_bytes();
    let (scheme, rest) = bytes.split_at_checked(7)?;
    if !scheme.eq_ignore_ascii_case(b"bearer ") {
        return None;
    }
    Some(rest.trim_ascii())
}

async fn require_bearer(State(token): State<Arc<[u8]>>, request: Request, next: Next) -> Response {
    let authorized = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(bearer_token)
        .is_some_and(|given| constant_time_eq(given, &token));
    if authorized {
        return next.run(request).await;
    }
    tracing::warn!(
        method = %request.method(),
        "rejected an MCP request without a valid bearer token"
    );
    let mut response = (
        StatusCode::UNAUTHORIZED,
        Json(serde_json::json!({
            "error": "missing or wrong bearer token: send `Authorization: Bearer TOKEN` with the token the server was started with"
        })),
    )
        .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"aperture-orchestrator\""),
    );
    response
}

/// Bind, serve until Ctrl-C or SIGTERM, then close sessions and drain connections.
pub async fn serve(options: HttpOptions) -> Result<(), ServeError> {
    let cancel = CancellationToken::new();
    let router = app(&options, cancel.clone())?;
    let listener = tokio::net::TcpListener::bind(options.addr)
        .await
        .map_err(|e| {
            ServeError::Refused(format!(
                "cannot listen on {}: {e}; pick a free address, e.g. --http 127.0.0.1:8765",
                options.addr
            ))
        })?;
    let local = listener.local_addr()?;
    tracing::info!(
        addr = %local,
        auth = if options.token.is_some() { "bearer token" } else { "none (loopback only)" },
        stateless = options.stateless,
        allow_paths = options.allow_paths,
        "serving MCP over streamable HTTP at http://{local}/mcp"
    );
    if options.addr.ip().is_unspecified() && options.allowed_hosts.is_empty() {
        tracing::warn!(
            "listening on all interfaces, but only loopback Host headers are allowed; add --allow-host NAME for the name clients use"
        );
    }
    run(listener, router, &options, async move {
        shutdown_signal().await;
        tracing::info!("shutting down");
        cancel.cancel();
    })
    .await?;
    Ok(())
}

/// Serve `router` on `listener` within the bounds of `options` until `shutdown` completes,
/// then drain connections.
pub async fn run(
    listener: tokio::net::TcpListener,
    router: Router,
    options: &HttpOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = Limits {
        max_connections: options.max_connections,
        header_read_timeout: listener::HEADER_READ_TIMEOUT,
        // A call in stateless mode answers with one body at its end: no byte moves meanwhile.
        idle_timeout: listener::IDLE_TIMEOUT + options.call_budget,
    };
    listener::serve(listener, router, limits, shutdown).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(addr: &str) -> HttpOptions {
        HttpOptions::new(addr.parse().unwrap())
    }

    #[test]
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret2"));
        assert!(!constant_time_eq(b"", b"x"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn bearer_token_parses_the_scheme_case_insensitively() {
        let v = |s: &'static str| HeaderValue::from_static(s);
        assert_eq!(bearer_token(&v("Bearer abc")), Some(&b"abc"[..]));
        assert_eq!(bearer_token(&v("bearer  abc ")), Some(&b"abc"[..]));
        assert_eq!(bearer_token(&v("Basic abc")), None);
        assert_eq!(bearer_token(&v("Bear")), None);
    }

    #[test]
    fn options_are_checked_before_binding() {
        assert!(check_options(&options("127.0.0.1:0")).is_ok());
        assert!(check_options(&options("[::1]:0")).is_ok());
        let e = check_options(&options("0.0.0.0:0"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("--token"), "{e}");
        let mut o = options("0.0.0.0:0");
        o.token = Some("t".into());
        assert!(check_options(&o).is_ok());
        o.token = Some("  ".into());
        assert!(check_options(&o).unwrap_err().to_string().contains("empty"));
        let mut o = options("127.0.0.1:0");
        o.allowed_origins = vec!["example.com".into()];
        assert!(
            check_options(&o)
                .unwrap_err()
                .to_string()
                .contains("scheme")
        );
        let mut o = options("127.0.0.1:0");
        o.allowed_hosts = vec!["https://example.com/".into()];
        assert!(
            check_options(&o)
                .unwrap_err()
                .to_string()
                .contains("--allow-host")
        );
    }

    #[test]
    fn an_explicit_bind_address_is_an_allowed_host() {
        let mut o = options("10.1.2.3:8765");
        o.token = Some("t".into());
        o.allowed_hosts = vec!["mcp.example.com".into()];
        let config = transport_config(&o, CancellationToken::new());
        assert!(config.allowed_hosts.contains(&"10.1.2.3".to_owned()));
        assert!(config.allowed_hosts.contains(&"mcp.example.com".to_owned()));
        assert!(config.allowed_hosts.contains(&"localhost".to_owned()));
        let config = transport_config(&options("127.0.0.2:8765"), CancellationToken::new());
        assert!(config.allowed_hosts.contains(&"127.0.0.2".to_owned()));
        let config = transport_config(&options("127.0.0.1:8765"), CancellationToken::new());
        assert_eq!(config.allowed_hosts.len(), LOOPBACK_HOSTS.len());
        let config = transport_config(&options("0.0.0.0:1"), CancellationToken::new());
        assert_eq!(config.allowed_hosts.len(), LOOPBACK_HOSTS.len());
        assert_eq!(config.max_request_body_bytes, MAX_MESSAGE_BYTES);
    }
}
