//! The tools: each takes typed input and returns typed output; the CLI and MCP server both call them.

pub mod client;
pub mod client_check;
pub mod connector;
pub mod diagnose;
pub mod explain;
pub mod fix;
pub mod gateway;
pub mod grant_merge;
pub mod grants;
pub mod init;
pub mod input;
pub mod live_config;
pub mod migrate;
pub mod provider;
pub mod quota;
pub mod status;
pub mod test_endpoint;
pub mod validate;
pub mod write;

pub use input::{ConfigInput, PathPolicy, ToolError};
