//! `init`: start a config from nothing (a provider and your admin grant), written to a new
//! file or printed on stdout with the notes on stderr.

use clap::Args;

use super::exit::ExitStatus;
use super::streams::{OutputArgs, OutputFormat, print_result, write_document, write_stderr};
use crate::catalog::providers::Kind;
use crate::render;
use crate::tools::init::{InitInput, init_config};
use crate::tools::provider::ProviderInput;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The new config file (refused if it exists); without it the config is printed.
    pub file: Option<String>,
    /// Who administers the gateway: your login (or a `group:`/`tag:` source); gets every model.
    #[arg(long, value_name = "LOGIN")]
    pub admin: String,
    /// The first provider's kind (see `provider --help`; default anthropic).
    #[arg(long, value_name = "KIND")]
    pub provider: Option<String>,
    /// Model ID (repeatable; default: the kind's catalog models).
    #[arg(long = "model", value_name = "MODEL")]
    pub models: Vec<String>,
    /// The provider's base URL (default: the kind's; self-hosted kinds need one).
    #[arg(long, value_name = "URL")]
    pub baseurl: Option<String>,
    /// AWS region (Bedrock).
    #[arg(long)]
    pub region: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub(super) fn run_init(args: InitArgs) -> anyhow::Result<ExitStatus> {
    if let Some(path) = &args.file
        && std::path::Path::new(path).exists()
    {
        anyhow::bail!(
            "`{path}` exists; init only creates new files: change it with `provider KIND --config {path} --write` or `grants ... --config {path} --write`, or `validate {path} --fix`"
        );
    }
    let input = InitInput {
        provider: ProviderInput {
            kind: args
                .provider
                .unwrap_or_else(|| Kind::Anthropic.name().to_owned()),
            models: (!args.models.is_empty()).then_some(args.models),
            baseurl: args.baseurl,
            region: args.region,
            ..ProviderInput::default()
        },
        admin: args.admin,
    };
    let out = init_config(&input)?;
    if let Some(path) = &args.file {
        crate::tools::write::write_with_backup(path, &out.config)?;
    }
    match (&args.file, args.output.format) {
        // stdout is the document (`init --admin me > gw.hujson`): the notes go to stderr.
        (None, OutputFormat::Human) => {
            write_document(&out.config)?;
            write_stderr(&render::init_report(&out, None))?;
        }
        (file, _) => print_result(&out, &args.output, || {
            render::init_report(&out, file.as_deref())
        })?,
    }
    Ok(ExitStatus::Success)
}
