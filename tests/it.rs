//! Every integration test in one binary: one link of the library and its dependencies
//! instead of one per test file (each file below is a module, as it was a crate).
// Test code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod ci_examples;
mod cli_words;
mod client_check;
mod connector_access;
mod connector_generate;
mod day2;
mod diagnose;
mod edit_roundtrip;
mod explain;
mod explain_traces;
mod file_safety;
mod fix;
mod fuzz_regressions;
mod generate;
mod grants_edit;
mod hostile;
mod live_config;
mod mcp_http;
mod mcp_in_process;
mod mcp_stdio;
mod newcomer;
mod per_person;
mod readme;
mod reference;
mod render_snapshots;
mod scaling;
mod secrets;
mod single_source;
mod skill_examples;
mod symptom_catalog;
mod test_endpoint;
mod tidy;
mod updates_2026_11;
mod validate_cli;
mod validate_fixtures;
