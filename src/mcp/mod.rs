//! The MCP server (stdio and streamable HTTP): a thin adapter over the tools.
//!
//! * [`server`]: the handler (identity, instructions, tools, prompts, resources).
//! * [`prompts`]: prompts from `prompts/*.md`; [`resources`]: schema, catalogs and skill text.
//! * [`serve_stdio`] and [`serve_http`]: the transports `aperture-orchestrator serve` runs.
//!
//! Architecture invariant: stdout carries only JSON-RPC in stdio mode; logs go to stderr.

use std::net::SocketAddr;

use rmcp::{ServiceExt, service::ServerInitializeError, transport::async_rw::AsyncRwTransport};

pub mod http;
pub mod prompts;
pub mod resources;
mod schema;
pub mod server;
mod stdio;

pub use server::{INSTRUCTIONS, LIVE_CONFIG_TOOLS, Server, tool_names};

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

/// Serve MCP over stdin/stdout until stdin closes.
pub async fn serve_stdio(allow_write: bool) -> Result<(), ServeError> {
    // Non-blocking pipes when the client spawned us with pipes (the usual case), which avoids a
    // thread hand-off per message; plain blocking stdio otherwise.
    let (stdin, stdout) = rmcp::transport::stdio_pipes();
    // The guard answers oversized lines; rmcp's own limit (which drops silently) stays above it.
    let stdin = stdio::OversizeGuard::new(stdin, MAX_MESSAGE_BYTES);
    let transport = stdio::Lenient::new(
        AsyncRwTransport::new_server(stdin, stdout).with_max_line_length(MAX_MESSAGE_BYTES + 1024),
    );
    let running = match Server::new(crate::tools::PathPolicy::Allowed)
        .with_live_config(allow_write)
        .serve(transport)
        .await
    {
        Ok(running) => running,
        Err(ServerInitializeError::ConnectionClosed(_)) => {
            tracing::debug!("stdin closed before initialize");
            return Ok(());
        }
        Err(e) => return Err(ServeError::Transport(e.to_string())),
    };
    let reason = running
        .waiting()
        .await
        .map_err(|e| ServeError::Transport(e.to_string()))?;
    tracing::debug!(?reason, "stdio session ended");
    Ok(())
}

/// Serve MCP over streamable HTTP at `/mcp` until Ctrl-C or SIGTERM.
pub async fn serve_http(options: HttpOptions) -> Result<(), ServeError> {
    http::serve(options).await
}
