//! The command line: argument definitions and a thin runner over the tools.
//!
//! Exit codes: 0 success (valid config), 1 findings (invalid config), 2 usage or I/O error.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::render::Format;
use crate::tools::input;
use crate::tools::validate::{self, Mode, ValidateOutput};

const EXIT_CODES: &str = "EXIT STATUS:\n  0  success: the config is valid\n  1  findings: the config is invalid\n  2  usage or I/O error";

/// Generate, validate, explain, test and troubleshoot Aperture by Tailscale configs.
#[derive(Debug, Parser)]
#[command(name = "aperture-orchestrator", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate an Aperture config (HuJSON or JSON) against every rule.
    Validate(ValidateArgs),
    /// Print the JSON Schema of the Aperture config (for editors).
    Schema,
    /// List the rule catalog (codes, severities, Aperture's messages).
    Rules {
        /// `human` or `json`.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Serve MCP over stdio, or over streamable HTTP at /mcp with --http.
    Serve(ServeArgs),
}

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
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Serve streamable HTTP at http://ADDR/mcp instead of stdio (e.g. 127.0.0.1:8765).
    #[arg(long, value_name = "ADDR")]
    pub http: Option<SocketAddr>,
    /// Bearer token every HTTP request must carry (required for a non-loopback address).
    #[arg(long, env = "APERTURE_ORCHESTRATOR_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Let HTTP callers pass `config_path` (read files on this machine).
    #[arg(long)]
    pub allow_paths: bool,
    /// Extra allowed Host header values (loopback names stay allowed).
    #[arg(long = "allow-host", value_name = "HOST")]
    pub allow_hosts: Vec<String>,
    /// Allowed Origin values, e.g. https://app.example.com:443 (loopback origins stay allowed).
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allow_origins: Vec<String>,
    /// Serve without sessions (one server per request).
    #[arg(long)]
    pub stateless: bool,
}

/// The documented exit statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    Success = 0,
    Findings = 1,
    Error = 2,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(status as u8)
    }
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> ExitStatus {
    let result = match cli.command {
        Command::Validate(args) => run_validate(args),
        Command::Schema => {
            write_json(crate::config::model::config_schema()).map(|_| ExitStatus::Success)
        }
        Command::Rules { format } => run_rules(format),
        Command::Serve(args) => run_serve(args),
    };
    match result {
        Ok(status) => status,
        Err(e) if is_broken_pipe(&e) => ExitStatus::Success,
        Err(e) => {
            let _ = writeln!(std::io::stderr().lock(), "error: {e:#}");
            ExitStatus::Error
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run_validate(args: ValidateArgs) -> anyhow::Result<ExitStatus> {
    let Some(source) = args.file.or(args.config) else {
        anyhow::bail!("no config given: pass a FILE, `-` for stdin, or --config FILE");
    };
    let bytes = if source == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(crate::config::MAX_DOCUMENT_BYTES as u64 + 1)
            .read_to_end(&mut bytes)?;
        bytes
    } else {
        input::read_file(&source)?
    };
    let output = validate::validate_bytes_with(&bytes, args.mode, args.strict);
    let name = if source == "-" {
        "<stdin>"
    } else {
        source.as_str()
    };
    render_validation(&output, &bytes, name, args.format)?;
    Ok(if output.valid {
        ExitStatus::Success
    } else {
        ExitStatus::Findings
    })
}

fn render_validation(
    output: &ValidateOutput,
    bytes: &[u8],
    name: &str,
    format: Format,
) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match format {
        Format::Human => {
            let text = std::str::from_utf8(bytes).ok();
            stdout.write_all(crate::render::human(output, text, name).as_bytes())?;
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut stdout, output)?;
            stdout.write_all(b"\n")?;
        }
        Format::Sarif => {
            serde_json::to_writer_pretty(&mut stdout, &crate::render::sarif(output, name))?;
            stdout.write_all(b"\n")?;
        }
        Format::Github => stdout.write_all(crate::render::github(output, name).as_bytes())?,
    }
    stdout.flush()?;
    Ok(())
}

fn run_rules(format: Format) -> anyhow::Result<ExitStatus> {
    match format {
        Format::Json | Format::Sarif => write_json(&crate::rules::catalog::ALL)?,
        Format::Human | Format::Github => {
            let mut stdout = std::io::stdout().lock();
            for rule in crate::rules::catalog::ALL {
                writeln!(
                    stdout,
                    "{}  {:<8} {:<34} {}",
                    rule.code,
                    rule.severity.as_str(),
                    rule.name,
                    rule.summary
                )?;
            }
        }
    }
    Ok(ExitStatus::Success)
}

fn write_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, value)?;
    stdout.write_all(b"\n")?;
    stdout.flush()?;
    Ok(())
}

fn run_serve(args: ServeArgs) -> anyhow::Result<ExitStatus> {
    match args.http {
        None => {
            // One thread is plenty for one stdio client and keeps start-up small.
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(crate::mcp::serve_stdio())?;
        }
        Some(addr) => {
            let options = crate::mcp::HttpOptions {
                addr,
                token: args.token,
                allow_paths: args.allow_paths,
                allowed_hosts: args.allow_hosts,
                allowed_origins: args.allow_origins,
                stateless: args.stateless,
            };
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            runtime.block_on(crate::mcp::serve_http(options))?;
        }
    }
    Ok(ExitStatus::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_contract_flags() {
        let cli = Cli::try_parse_from([
            "aperture-orchestrator",
            "validate",
            "-",
            "--mode",
            "load",
            "--format",
            "sarif",
        ])
        .unwrap();
        let Command::Validate(args) = cli.command else {
            panic!("expected validate")
        };
        assert_eq!(
            (args.file.as_deref(), args.mode, args.format),
            (Some("-"), Mode::Load, Format::Sarif)
        );
        assert!(
            Cli::try_parse_from(["aperture-orchestrator", "validate", "a", "--config", "b"])
                .is_err()
        );
        let cli = Cli::try_parse_from([
            "aperture-orchestrator",
            "serve",
            "--http",
            "127.0.0.1:0",
            "--allow-paths",
        ])
        .unwrap();
        assert!(matches!(
            cli.command,
            Command::Serve(ServeArgs {
                http: Some(_),
                allow_paths: true,
                ..
            })
        ));
    }
}
