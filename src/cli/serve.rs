//! `serve`: MCP over stdio, or over streamable HTTP with `--http`.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Args;

use crate::mcp::HttpOptions;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Serve streamable HTTP at http://ADDR/mcp instead of stdio (e.g. 127.0.0.1:8765).
    #[arg(long, value_name = "ADDR")]
    pub http: Option<SocketAddr>,
    /// Bearer token every HTTP request must carry (required for a non-loopback address).
    #[arg(long, env = "APERTURE_ORCHESTRATOR_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Let HTTP callers pass `config_path` (read files on this machine).
    #[arg(long)]
    pub allow_paths: bool,
    /// Extra allowed Host header values (loopback names stay allowed).
    #[arg(long = "allow-host", value_name = "HOST")]
    pub allow_hosts: Vec<String>,
    /// Allowed Origin values, e.g. https://app.example.com:443 (loopback origins stay allowed).
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allow_origins: Vec<String>,
    /// Serve without sessions (one server per request).
    #[arg(long)]
    pub stateless: bool,
    /// Offer the live config tools (get_config, plan_config, apply_config), which read and
    /// change running gateways.
    #[arg(long)]
    pub allow_write: bool,
    /// Longest a tool call may run before its caller gets an error (stdio and HTTP).
    #[arg(long, value_name = "SECS", default_value_t = crate::mcp::DEFAULT_CALL_BUDGET.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
    pub call_budget_secs: u64,
    /// HTTP connections served at once; more get 503.
    #[arg(long, value_name = "N", default_value_t = HttpOptions::DEFAULT_MAX_CONNECTIONS, value_parser = at_least_one)]
    pub max_connections: usize,
    /// HTTP sessions kept at once; a new one closes the least recently used.
    #[arg(long, value_name = "N", default_value_t = HttpOptions::DEFAULT_MAX_SESSIONS, value_parser = at_least_one)]
    pub max_sessions: usize,
    /// Close an HTTP session unused for this long.
    #[arg(long, value_name = "SECS", default_value_t = HttpOptions::DEFAULT_SESSION_IDLE.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
    pub session_idle_secs: u64,
}

fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("`{text}` is not a whole number of at least 1")),
    }
}

pub(super) fn run_serve(args: ServeArgs) -> anyhow::Result<()> {
    let call_budget = Duration::from_secs(args.call_budget_secs);
    let Some(addr) = args.http else {
        crate::mcp::run_stdio(args.allow_write, call_budget)?;
        return Ok(());
    };
    crate::mcp::run_http(HttpOptions {
        token: args.token,
        allow_paths: args.allow_paths,
        allowed_hosts: args.allow_hosts,
        allowed_origins: args.allow_origins,
        stateless: args.stateless,
        allow_write: args.allow_write,
        max_connections: args.max_connections,
        max_sessions: args.max_sessions,
        session_idle: Duration::from_secs(args.session_idle_secs),
        call_budget,
        ..HttpOptions::new(addr)
    })?;
    Ok(())
}
