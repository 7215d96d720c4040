//! `validate`: check a config file or stdin, and with `--fix` apply the fixes in place.

use std::io::Write;

use clap::Args;

use super::exit::ExitStatus;
use super::streams::{read_bytes, write_text};
use super::words::cli_words;
use crate::diagnostic::ValidateOutput;
use crate::render::{self, FixedTo, Format};
use crate::tools::fix::{Selection, preview_diff};
use crate::tools::validate::{self, Mode};

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Config file, or `-` for stdin.
    pub file: Option<String>,
    /// Config file (same as the positional FILE).
    #[arg(long, conflicts_with = "file")]
    pub config: Option<String>,
    /// `save` (default: warnings Aperture reports count as errors, as its save does) or `load`.
    #[arg(long, value_enum, default_value_t = Mode::Save)]
    pub mode: Mode,
    /// In save mode, also count this tool's own warnings (silent failures Aperture accepts) as errors.
    #[arg(long)]
    pub strict: bool,
    /// Apply the safe fixes to FILE in place (a backup is kept as FILE.bak), then validate the result.
    #[arg(long)]
    pub fix: bool,
    /// With --fix: also apply the fixes that change what the gateway does (review them with --diff).
    #[arg(long, requires = "fix")]
    pub unsafe_fixes: bool,
    /// With --fix: show the diff and what would be fixed; write nothing.
    #[arg(long, requires = "fix")]
    pub diff: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

pub(super) fn run_validate(args: ValidateArgs) -> anyhow::Result<ExitStatus> {
    let Some(source) = args.file.clone().or(args.config.clone()) else {
        anyhow::bail!("no config given: pass a FILE, `-` for stdin, or --config FILE");
    };
    let bytes = read_bytes(&source)?;
    let name = if source == "-" { "<stdin>" } else { &source };
    if args.fix {
        return run_fix(&args, &source, &bytes);
    }
    let output = in_cli_words(
        validate::validate_bytes_with(&bytes, args.mode, args.strict),
        args.format,
    );
    let report = render::validation_report(&output, &bytes, name, args.format)?;
    write_text(&report)?;
    Ok(ExitStatus::clean_if(output.valid))
}

/// The findings' own words (message, fix) as the command line says them, for every format but
/// JSON (the MCP result). The quoted source and Aperture's messages are never reworded.
fn in_cli_words(mut output: ValidateOutput, format: Format) -> ValidateOutput {
    if format != Format::Json {
        for d in &mut output.diagnostics {
            d.message = cli_words(&d.message);
            d.fix.description = cli_words(&d.fix.description);
        }
    }
    output
}

fn run_fix(args: &ValidateArgs, source: &str, original: &[u8]) -> anyhow::Result<ExitStatus> {
    if source == "-" && !args.diff {
        anyhow::bail!(
            "--fix writes the file back, and stdin has no file: pass FILE, or add --diff to preview"
        );
    }
    let selection = if args.unsafe_fixes {
        Selection::SafeAndUnsafe
    } else {
        Selection::Safe
    };
    let output = in_cli_words(
        validate::validate_fixed(original, args.mode, args.strict, selection)?,
        args.format,
    );
    let fixed = output.config.as_deref().unwrap_or_default();
    let before = String::from_utf8_lossy(original);
    let to = if args.diff {
        FixedTo::Preview
    } else {
        FixedTo::File(source)
    };
    if let (FixedTo::File(path), false) = (to, output.fixed.is_empty()) {
        // Refused if the file changed while the fixes ran: a colleague's edit is never lost.
        let options = crate::tools::write::WriteOptions {
            expected: Some(original),
            force: false,
        };
        crate::tools::write::write_config(path, fixed, &options)?;
    }
    let name = if source == "-" { "<stdin>" } else { source };
    let summary = render::fix_report(&output, to, &preview_diff(&before, fixed));
    // The report is of the fixed text (its lines and columns); JSON carries the summary itself.
    let shown = output.config.as_deref().map_or(original, str::as_bytes);
    let report = render::validation_report(&output, shown, name, args.format)?;
    match args.format {
        Format::Human => write_text(&(summary + &report))?,
        Format::Json => write_text(&report)?,
        // SARIF and workflow commands stay machine-readable on stdout.
        Format::Sarif | Format::Github => {
            std::io::stderr()
                .lock()
                .write_all(render::terminal_text(&summary).as_bytes())?;
            write_text(&report)?;
        }
    }
    Ok(ExitStatus::clean_if(output.valid))
}
