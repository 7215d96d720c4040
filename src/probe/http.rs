//! The shared HTTP client and one bounded exchange: capped body, redirects kept on-host,
//! network failures sorted into kinds.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use reqwest::{Client, ClientBuilder, Method, redirect};
use tokio::time::Instant;

use super::resolver::Resolver;
use crate::catalog::apis::KeyHeader;

/// Bytes read of a response body; the rest is dropped unread.
pub const BODY_READ_CAP: usize = 64 * 1024;
/// Redirects followed on the same host before giving up.
const MAX_REDIRECTS: usize = 5;

/// Install the process-wide rustls crypto provider (ring). reqwest is built without one, so
/// this must run before any client is built; repeated calls are harmless.
pub fn install_crypto_provider() {
    // An error only means a provider is already installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The one client every probe uses, built on first use (start-up does not pay for it).
pub fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        builder()
            .build()
            // Building fails only on a broken TLS setup, which would fail every probe anyway;
            // fall back to the default client so the failure shows up per probe.
            .unwrap_or_default()
    })
}

/// The client for probes whose names `resolver` looks up: the shared one for the system
/// resolver, else one of its own.
pub fn client_for(resolver: &Resolver) -> Client {
    if resolver.is_system() {
        return client().clone();
    }
    builder()
        .dns_resolver(Arc::new(resolver.clone()))
        .build()
        .unwrap_or_default()
}

/// The settings every probe client shares.
fn builder() -> ClientBuilder {
    install_crypto_provider();
    let same_host_only = redirect::Policy::custom(|attempt| {
        let first = attempt.previous().first();
        let same = first.is_some_and(|f| {
            f.scheme() == attempt.url().scheme()
                && f.host_str() == attempt.url().host_str()
                && f.port_or_known_default() == attempt.url().port_or_known_default()
        });
        if same && attempt.previous().len() <= MAX_REDIRECTS {
            attempt.follow()
        } else {
            attempt.stop()
        }
    });
    Client::builder()
        // Tailnet traffic does not go through HTTP proxies; an inherited proxy would hide
        // exactly the failures these probes look for.
        .no_proxy()
        .redirect(same_host_only)
        .user_agent(concat!(
            "aperture-orchestrator/",
            env!("CARGO_PKG_VERSION"),
            " (test_endpoint)"
        ))
        .pool_idle_timeout(Duration::from_secs(10))
}

/// Why an exchange produced no HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetError {
    Dns(String),
    Refused,
    /// No route, host unreachable, reset: the network failed before HTTP.
    Unreachable(String),
    Tls(String),
    /// The deadline passed before a response arrived.
    Timeout,
    /// Bytes arrived but were not HTTP (a TLS port called with http://, another protocol).
    NotHttp(String),
    Other(String),
}

impl std::fmt::Display for NetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NetError::Dns(e) => write!(f, "the name did not resolve: {e}"),
            NetError::Refused => f.write_str("the connection was refused"),
            NetError::Unreachable(e) => write!(f, "the host is unreachable: {e}"),
            NetError::Tls(e) => write!(f, "TLS failed: {e}"),
            NetError::Timeout => f.write_str("no answer before the timeout"),
            NetError::NotHttp(e) => write!(f, "the answer was not HTTP: {e}"),
            NetError::Other(e) => f.write_str(e),
        }
    }
}

impl NetError {
    /// Whether the request certainly never reached the server (so nothing it asked for
    /// happened); otherwise it may have been received and acted on.
    pub fn before_sending(&self) -> bool {
        matches!(
            self,
            NetError::Dns(_) | NetError::Refused | NetError::Tls(_)
        )
    }
}

/// One HTTP exchange as the probes see it.
#[derive(Debug, Clone, Default)]
pub struct Exchange {
    pub status: Option<u16>,
    pub retry_after: Option<String>,
    pub location: Option<String>,
    pub content_type: Option<String>,
    /// `x-amzn-ErrorType` (Bedrock's error kind lives in a header).
    pub amzn_error_type: Option<String>,
    /// `ETag` (the current config API's version).
    pub etag: Option<String>,
    pub body: Vec<u8>,
    pub truncated: bool,
    pub first_byte: Option<Duration>,
    pub total: Duration,
    pub error: Option<NetError>,
}

/// A request to send: method, URL, headers (name, value) and an optional JSON body.
#[derive(Clone)]
pub struct Request {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    /// The key and where it goes; sent, never shown (curl renders its variable instead).
    pub key: Option<(KeyHeader, String)>,
}

impl std::fmt::Debug for Request {
    // Never the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.headers)
            .field("key", &self.key.as_ref().map(|(h, _)| h.name()))
            .finish_non_exhaustive()
    }
}

/// Send `request` and read at most [`BODY_READ_CAP`] bytes of the answer, all before `deadline`.
pub async fn exchange(client: &Client, request: &Request, deadline: Instant) -> Exchange {
    exchange_capped(client, request, deadline, BODY_READ_CAP).await
}

/// [`exchange`] with another body cap (the config API returns whole documents).
pub async fn exchange_capped(
    client: &Client,
    request: &Request,
    deadline: Instant,
    cap: usize,
) -> Exchange {
    let start = Instant::now();
    let mut out = Exchange::default();
    let mut builder = client.request(request.method.clone(), &request.url);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    if let Some((header, key)) = &request.key {
        builder = builder.header(header.name(), header.value(key));
    }
    if let Some(body) = &request.body {
        builder = builder.body(body.clone());
    }
    let response = match tokio::time::timeout_at(deadline, builder.send()).await {
        Err(_) => {
            out.error = Some(NetError::Timeout);
            out.total = start.elapsed();
            return out;
        }
        Ok(Err(e)) => {
            out.error = Some(classify_error(&e));
            out.total = start.elapsed();
            return out;
        }
        Ok(Ok(response)) => response,
    };
    out.first_byte = Some(start.elapsed());
    out.status = Some(response.status().as_u16());
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    out.retry_after = header("retry-after");
    out.location = header("location");
    out.content_type = header("content-type");
    out.amzn_error_type = header("x-amzn-errortype");
    out.etag = header("etag");
    let mut response = response;
    loop {
        match tokio::time::timeout_at(deadline, response.chunk()).await {
            Err(_) => {
                // Headers arrived; a body that stalls is reported with what was read.
                out.truncated = true;
                break;
            }
            Ok(Ok(Some(chunk))) => {
                let room = cap - out.body.len();
                if chunk.len() >= room {
                    out.body.extend_from_slice(&chunk[..room]);
                    out.truncated = true;
                    break;
                }
                out.body.extend_from_slice(&chunk);
            }
            Ok(Ok(None)) => break,
            Ok(Err(_)) => {
                out.truncated = true;
                break;
            }
        }
    }
    out.total = start.elapsed();
    out
}

/// Sort a reqwest failure by walking its source chain (hyper and rustls wrap each other).
pub fn classify_error(error: &reqwest::Error) -> NetError {
    if error.is_timeout() {
        return NetError::Timeout;
    }
    let https = error.url().is_some_and(|u| u.scheme() == "https");
    let mut chain = Vec::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return NetError::Tls(tls.to_string());
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::ConnectionRefused {
                return NetError::Refused;
            }
            // After TCP connected, a failing https connect is the TLS handshake (a plain-HTTP
            // port, a wrong certificate); rustls's error type does not survive the wrapping.
            let handshake_kind = matches!(
                io.kind(),
                std::io::ErrorKind::Other
                    | std::io::ErrorKind::InvalidData
                    | std::io::ErrorKind::UnexpectedEof
            );
            if https && error.is_connect() && handshake_kind && !io.to_string().contains("dns") {
                return NetError::Tls(io.to_string());
            }
        }
        chain.push(e.to_string());
        source = e.source();
    }
    let text = chain.join(": ");
    let lower = text.to_ascii_lowercase();
    if lower.contains("dns error") || lower.contains("failed to lookup address") {
        NetError::Dns(text)
    } else if lower.contains("certificate") || lower.contains("handshake") || lower.contains("tls")
    {
        NetError::Tls(text)
    } else if lower.contains("invalid http")
        || lower.contains("parse")
        || lower.contains("invalid status")
    {
        NetError::NotHttp(text)
    } else if lower.contains("unreachable") || lower.contains("reset") || lower.contains("no route")
    {
        NetError::Unreachable(text)
    } else {
        NetError::Other(text)
    }
}
