//! What both transports share: the message size limit, the HTTP options and the serve error.

use std::net::SocketAddr;

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
