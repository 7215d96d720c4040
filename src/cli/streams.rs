//! The command line's I/O: config files or stdin in, a tool's result (JSON or human text) out.

use std::io::{IsTerminal, Read, Write};

use clap::Args;

use crate::render::terminal_text;
use crate::tools::input;

/// Output of the generator commands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Readable summary.
    #[default]
    Human,
    /// The MCP tool's structuredContent.
    Json,
}

/// `--format`, shared by every command that prints a tool's result.
#[derive(Debug, Args)]
pub struct OutputArgs {
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

pub(super) fn write_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    // Serialize first: serde_json hides a write's io::Error from the error chain, so a closed
    // pipe would not be recognised as one.
    write_text(&(serde_json::to_string_pretty(value)? + "\n"))
}

/// A document (the user's or the gateway's text) as stdout shows it: its bytes as they are
/// into a file or a pipe (`config pull URL > gw.hujson`), escaped on a terminal, where a
/// comment could hold escape sequences or bidirectional overrides.
fn shown_document(text: &str) -> std::borrow::Cow<'_, str> {
    if std::io::stdout().is_terminal() {
        terminal_text(text)
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// A document alone on stdout (see [`shown_document`]).
pub(super) fn write_document(text: &str) -> anyhow::Result<()> {
    write_text(&shown_document(text))
}

pub(super) fn write_text(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    Ok(stdout.flush()?)
}

/// Human text beside a document printed on stdout (notes, what was written), in the CLI's
/// words.
pub(super) fn write_stderr(text: &str) -> anyhow::Result<()> {
    let mut stderr = std::io::stderr().lock();
    // Notes and findings quote the user's values: no escape sequences reach the terminal.
    stderr.write_all(terminal_text(&super::words::cli_words(text)).as_bytes())?;
    Ok(stderr.flush()?)
}

/// A file's bytes, or stdin's for `-` (both capped just past the largest config).
pub(super) fn read_bytes(path: &str) -> anyhow::Result<Vec<u8>> {
    if path != "-" {
        return Ok(input::read_file(path)?);
    }
    let mut bytes = Vec::new();
    let limit = crate::config::MAX_DOCUMENT_BYTES as u64 + 1;
    std::io::stdin()
        .lock()
        .take(limit)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

pub(super) fn read_text(path: &str) -> anyhow::Result<String> {
    String::from_utf8(read_bytes(path)?).map_err(|_| {
        anyhow::anyhow!("`{path}` is not UTF-8 text; run `validate {path}` for details")
    })
}

/// Print a tool's result: JSON, or the readable parts.
pub(super) fn print_result<H: Into<crate::render::HumanText>>(
    value: &impl serde::Serialize,
    output: &OutputArgs,
    human: impl FnOnce() -> H,
) -> anyhow::Result<()> {
    match output.format {
        OutputFormat::Json => write_json(value),
        // In the CLI's words, but a document or diff in the report stays as it is; config keys,
        // comments and gateway answers end up in reports: no escape sequences.
        OutputFormat::Human => write_text(&human().into().rendered(
            |prose| terminal_text(&super::words::cli_words(prose)).into_owned(),
            |document| shown_document(document).into_owned(),
        )),
    }
}

/// A closed stdout (`| head`) ends the output early; it is not a failure.
pub(super) fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

pub use super::exit::ExitStatus;

/// Run an async call on one thread: the CLI makes one call per process.
pub fn block_on<T, E>(future: impl std::future::Future<Output = Result<T, E>>) -> anyhow::Result<T>
where
    E: std::error::Error + Send + Sync + 'static,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    Ok(runtime.block_on(future)?)
}
