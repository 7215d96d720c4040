//! Binary entry point: parse arguments, send logs to stderr, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

// Validation builds and drops many small nodes; mimalloc keeps that cheap (see benches/validate.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = aperture_orchestrator::cli::Cli::parse();
    // stdout carries results (and JSON-RPC in stdio mode); logs always go to stderr.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,rmcp=warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    aperture_orchestrator::cli::run(cli).into()
}
