//! Binary entry point: parse arguments, send logs to stderr, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

// Validation builds and drops many small nodes; mimalloc keeps that cheap (see benches/validate.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = aperture_orchestrator::cli::Cli::parse();
    // stdout carries results (and JSON-RPC in stdio mode); logs go to stderr, masked.
    aperture_orchestrator::logging::init();
    aperture_orchestrator::cli::run(cli).into()
}
