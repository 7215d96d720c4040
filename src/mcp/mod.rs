//! The MCP server (stdio and streamable HTTP): a thin adapter over the tools.

use std::net::SocketAddr;

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
}

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    #[error("{0}")]
    Refused(String),
    #[error("MCP transport failed: {0}")]
    Transport(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Serve MCP over stdin/stdout until stdin closes.
pub async fn serve_stdio() -> Result<(), ServeError> {
    Err(ServeError::Refused("the MCP server is being built".into()))
}

/// Serve MCP over streamable HTTP at `/mcp`.
pub async fn serve_http(_options: HttpOptions) -> Result<(), ServeError> {
    Err(ServeError::Refused("the MCP server is being built".into()))
}
