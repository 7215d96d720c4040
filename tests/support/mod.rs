//! Shared test helpers: a fake Aperture gateway and an in-process MCP client.
#![allow(dead_code)]

pub mod fake_aperture;
pub mod mcp;
