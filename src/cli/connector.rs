//! `connector ID --url URL --protocol mcp|http --auth TYPE [--secret-env VAR] [--grant SRC]...`:
//! the flags of `generate_connector` and its run (with `--config FILE --write`); its messages
//! reach the user in flag names through `cli/words.rs`, as every command's do.

use clap::Args;
use clap::builder::PossibleValuesParser;

use super::generate::{MergeArgs, print_written, read_config, write_back};
use super::streams::{ExitStatus, OutputArgs};
use crate::catalog::connectors::{PROTOCOLS, auth_words};
use crate::diagnostic::Severity;
use crate::render;
use crate::tools::connector::{ConnectorInput, ConnectorOutput, generate_connector};
use crate::tools::{ConfigInput, PathPolicy};

#[derive(Debug, Args)]
pub struct ConnectorArgs {
    /// Connector ID (key under `connectors.servers`): a letter, then letters and digits.
    pub id: String,
    /// The MCP endpoint or the API root.
    #[arg(long)]
    pub url: String,
    #[arg(long, value_parser = PossibleValuesParser::new(PROTOCOLS))]
    pub protocol: String,
    /// `oauth2` is the per-user authorization code flow.
    #[arg(long, value_parser = PossibleValuesParser::new(auth_words()))]
    pub auth: String,
    /// Environment variable holding the secret (token, API key, password or client secret).
    #[arg(long, value_name = "VAR")]
    pub secret_env: Option<String>,
    /// basic: the user name.
    #[arg(long)]
    pub username: Option<String>,
    /// api_key: the header or query parameter name (default X-Api-Key).
    #[arg(long)]
    pub key_name: Option<String>,
    /// api_key: where the key goes (default header).
    #[arg(long, value_parser = ["header", "query"])]
    pub key_in: Option<String>,
    /// OAuth client ID.
    #[arg(long)]
    pub client_id: Option<String>,
    /// OAuth authorization URL (oauth2).
    #[arg(long)]
    pub auth_url: Option<String>,
    /// OAuth token URL.
    #[arg(long)]
    pub token_url: Option<String>,
    /// OAuth scope (repeatable).
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    /// Give SRC the whole connector (repeatable): group:eng, a login, tag:ci, *.
    #[arg(long = "grant", value_name = "SRC")]
    pub grants: Vec<String>,
    /// Aperture's full hostname, for the OAuth callback (e.g. ai.example.ts.net).
    #[arg(long)]
    pub host: Option<String>,
    #[command(flatten)]
    pub merge: MergeArgs,
    /// Overwrite a different connector with this ID (its secret is kept unless --secret-env).
    #[arg(long)]
    pub replace: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub(super) fn run(args: ConnectorArgs) -> anyhow::Result<ExitStatus> {
    let read = args
        .merge
        .config
        .as_deref()
        .map(|path| read_config(path, args.merge.write, "--config"))
        .transpose()?;
    let input = ConnectorInput {
        id: args.id,
        url: args.url,
        protocol: args.protocol,
        auth: args.auth,
        secret_env: args.secret_env,
        username: args.username,
        key_name: args.key_name,
        key_in: args.key_in,
        client_id: args.client_id,
        auth_url: args.auth_url,
        token_url: args.token_url,
        scopes: (!args.scopes.is_empty()).then_some(args.scopes),
        grants: args.grants,
        host: args.host,
        source: read
            .as_ref()
            .map(|r| ConfigInput::text(r.text.clone()))
            .unwrap_or_default(),
        replace: args.replace,
    };
    let out: ConnectorOutput = generate_connector(&input, PathPolicy::Allowed)?;
    let write = match &read {
        Some(read) if args.merge.write => Some(write_back(
            read,
            &out.writable,
            args.merge.force,
            "the config already has this connector and its grants (nothing to change)",
        )?),
        _ => None,
    };
    let written_to = write.as_ref().filter(|w| w.written).map(|w| w.path.clone());
    print_written(&out, write.as_ref(), &args.output, || {
        render::connector_report(&out, written_to.as_deref())
    })?;
    Ok(ExitStatus::clean_if(
        !out.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error),
    ))
}
