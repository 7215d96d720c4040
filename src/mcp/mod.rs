//! The MCP server (stdio and streamable HTTP): a thin adapter over the tools.
//!
//! * [`server`]: the handler (identity, instructions, tools, prompts, resources).
//! * [`prompts`]: prompts from `prompts/*.md`; [`resources`]: schema, catalogs and skill text.
//! * [`serve_stdio`] and [`serve_http`]: the transports `aperture-orchestrator serve` runs.
//!
//! Architecture invariant: stdout carries only JSON-RPC in stdio mode; logs go to stderr.

use std::time::Duration;

pub mod http;
mod jsonrpc;
mod listener;
mod options;
pub mod prompts;
pub mod resources;
mod schema;
pub mod server;
mod sessions;
mod stdio;

pub use options::{HttpOptions, MAX_MESSAGE_BYTES, ServeError};
pub use server::{DEFAULT_CALL_BUDGET, INSTRUCTIONS, Server, WRITE_TOOLS, tool_names};

/// Serve MCP over stdin/stdout until stdin closes; each tool call may take `call_budget`.
pub async fn serve_stdio(allow_write: bool, call_budget: Duration) -> Result<(), ServeError> {
    stdio::serve(allow_write, call_budget).await
}

/// [`serve_stdio`] on a one-thread runtime of its own (plenty for one client, and a small
/// start-up). Tool calls still running on the blocking pool when stdin closes are not waited
/// for: nobody will read their answers (dropping the runtime would wait).
pub fn run_stdio(allow_write: bool, call_budget: Duration) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let served = runtime.block_on(serve_stdio(allow_write, call_budget));
    runtime.shutdown_background();
    served
}

/// [`serve_http`] on a multi-threaded runtime of its own, not waiting for stray calls at exit.
pub fn run_http(options: HttpOptions) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let served = runtime.block_on(serve_http(options));
    runtime.shutdown_background();
    served
}

/// Serve MCP over streamable HTTP at `/mcp` until Ctrl-C or SIGTERM.
pub async fn serve_http(options: HttpOptions) -> Result<(), ServeError> {
    http::serve(options).await
}
