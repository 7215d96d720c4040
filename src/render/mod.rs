//! Renderers: turn a validation result into human text, JSON, SARIF 2.1.0 or GitHub annotations,
//! and every other tool's typed output (probe report, diagnosis, explanation, access matrix,
//! live-config plan, grants, client, connector, migration, provider, init, fixes, rule catalog,
//! skill install) into human text.
//! Renderers are separate from checks and never change what was found.

mod blocks;
mod client;
mod connector;
mod day2;
mod diagnosis;
mod explain;
mod fix;
mod github;
mod grants;
mod human;
mod init;
mod matrix;
mod migrate;
mod plan;
mod probe;
mod provider;
mod rules;
mod sarif;
mod skill;
mod terminal;
mod text;

pub use client::client_report;
pub use connector::connector_report;
pub use day2::{quota_report, refill_report, status_report};
pub use diagnosis::diagnosis_report;
pub use explain::explain_report;
pub use fix::{FixedTo, fix_report};
pub use github::github;
pub use grants::grants_report;
pub use human::human;
pub use init::init_report;
pub use matrix::access_matrix;
pub use migrate::migrate_report;
pub use plan::{apply_report, plan_report, pulled_config};
pub use probe::probe_report;
pub use provider::{provider_notes, provider_report};
pub use rules::rules_table;
pub use sarif::sarif;
pub use skill::install_report;
pub use terminal::{terminal_text, visible};
pub use text::HumanText;

use crate::diagnostic::ValidateOutput;

/// A validation result in `format`; `source` is the document (quoted by the human format).
pub fn validation_report(
    output: &ValidateOutput,
    source: &[u8],
    file_name: &str,
    format: Format,
) -> Result<String, serde_json::Error> {
    Ok(match format {
        Format::Human => human(output, std::str::from_utf8(source).ok(), file_name),
        Format::Json => serde_json::to_string_pretty(output)? + "\n",
        Format::Sarif => serde_json::to_string_pretty(&sarif(output, file_name))? + "\n",
        Format::Github => github(output, file_name),
    })
}

/// Output formats of `validate`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source line with a caret under the column, like rustc.
    #[default]
    Human,
    /// The contract's JSON, exactly as the MCP tool's structuredContent.
    Json,
    /// SARIF 2.1.0 for code-scanning tools (rule ids are the codes).
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...`).
    Github,
}
