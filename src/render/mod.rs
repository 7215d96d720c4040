//! Renderers: turn a validation result into human text, JSON, SARIF 2.1.0 or GitHub annotations,
//! and a probe report or a diagnosis into human text.
//! Renderers are separate from checks and never change what was found.

mod diagnosis;
mod github;
mod human;
mod probe;
mod sarif;

pub use diagnosis::diagnosis_report;
pub use github::github;
pub use human::human;
pub use probe::probe_report;
pub use sarif::sarif;

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
