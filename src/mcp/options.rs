//! What both transports share: the message size limit, the HTTP options and the serve error.

use std::net::SocketAddr;
use std::time::Duration;

use super::server::DEFAULT_CALL_BUDGET;

/// Largest JSON-RPC message accepted, on either transport (a stdio line or an HTTP body).
/// A larger stdio request is answered with an error for its id (the session goes on); a larger
/// HTTP body gets 413.
pub const MAX_MESSAGE_BYTES: usize = 4 * 1024 * 1024;

/// Options of `serve --http`.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub addr: SocketAddr,
    /// Bearer token required on every request; mandatory for a non-loopback bind.
    pub token: Option<String>,
    /// Allow `config_path` arguments (reading the server's files) over HTTP.
    pub allow_paths: bool,
    /// Extra allowed `Host` values (loopback stays allowed).
    pub allowed_hosts: Vec<String>,
    /// Allowed `Origin` values (`scheme://host[:port|:*]`); loopback origins stay allowed.
    pub allowed_origins: Vec<String>,
    /// Serve without sessions (one server per request).
    pub stateless: bool,
    /// Offer the live config tools (they change a running gateway).
    pub allow_write: bool,
    /// Open connections served at once; more are answered 503 and closed.
    pub max_connections: usize,
    /// Sessions kept at once; a new one evicts the least recently used.
    pub max_sessions: usize,
    /// A session unused this long is closed.
    pub session_idle: Duration,
    /// How long one tool call may run.
    pub call_budget: Duration,
}

impl HttpOptions {
    pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
    pub const DEFAULT_MAX_SESSIONS: usize = 1000;
    pub const DEFAULT_SESSION_IDLE: Duration = Duration::from_secs(600);

    /// Loopback-safe defaults for serving at `addr`: no token, no paths, sessions on.
    pub fn new(addr: SocketAddr) -> Self {
        Self {
            addr,
            token: None,
            allow_paths: false,
            allowed_hosts: Vec::new(),
            allowed_origins: Vec::new(),
            stateless: false,
            allow_write: false,
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
            max_sessions: Self::DEFAULT_MAX_SESSIONS,
            session_idle: Self::DEFAULT_SESSION_IDLE,
            call_budget: DEFAULT_CALL_BUDGET,
        }
    }
}

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The options are unsafe or unusable; the text says how to fix them.
    #[error("{0}")]
    Refused(String),
    /// The MCP session failed at the protocol or transport level.
    #[error("MCP transport failed: {0}")]
    Transport(String),
    /// Binding or serving failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}
