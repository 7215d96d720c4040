//! aperture-orchestrator: generate, validate, explain, test and troubleshoot Aperture by Tailscale configs.
//!
//! The library does all the work; the binary's CLI and the MCP server are thin adapters
//! over the tool functions in [`tools`].

pub mod access;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod diagnose;
pub mod diagnostic;
pub mod explain;
pub mod glob;
pub mod hujson;
pub mod logging;
pub mod mcp;
pub mod net;
pub mod probe;
pub mod redact;
pub mod reference;
pub mod render;
pub mod rules;
pub mod skill;
pub mod tools;
