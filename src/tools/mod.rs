//! The tools: each takes typed input and returns typed output; the CLI and MCP server both call them.

pub mod input;
pub mod validate;

pub use input::{ConfigInput, PathPolicy, ToolError};
