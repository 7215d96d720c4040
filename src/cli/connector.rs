//! `connector ID --url URL --protocol mcp|http --auth TYPE [--secret-env VAR] [--grant SRC]...`:
//! the flags of `generate_connector`, its run (with `--config FILE --write`) and the wording of
//! its messages in flag names.

use clap::Args;
use clap::builder::PossibleValuesParser;

use super::streams::{ExitStatus, OutputArgs, merge_source, print_result};
use crate::catalog::connectors::{PROTOCOLS, auth_words};
use crate::diagnostic::Severity;
use crate::render;
use crate::tools::connector::{ConnectorInput, ConnectorOutput, generate_connector};
use crate::tools::{PathPolicy, ToolError, write::write_with_backup};

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
    /// Config file to merge into.
    #[arg(long)]
    pub config: Option<String>,
    /// Write the merged config back to --config (a backup is kept as FILE.bak).
    #[arg(long, requires = "config")]
    pub write: bool,
    /// Overwrite a different connector with this ID (its secret is kept unless --secret-env).
    #[arg(long)]
    pub replace: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Input fields as the tool names them, and the flags that set them.
const FLAGS: &[(&str, &str)] = &[
    ("`secret_env`", "`--secret-env`"),
    ("(secret_env)", "(--secret-env)"),
    ("`username`", "`--username`"),
    ("`key_name`", "`--key-name`"),
    ("`key_in`", "`--key-in`"),
    ("`client_id`", "`--client-id`"),
    ("`auth_url`", "`--auth-url`"),
    ("`token_url`", "`--token-url`"),
    ("`scopes`", "`--scope`"),
    ("`grants`", "`--grant`"),
    ("`host`", "`--host`"),
    ("`replace`", "`--replace`"),
    ("`config`", "`--config`"),
];

/// A message of the tool in the command line's words.
fn in_flags(message: &str) -> String {
    FLAGS.iter().fold(message.to_owned(), |m, (field, flag)| {
        m.replace(field, flag)
    })
}

pub(super) fn run(args: ConnectorArgs) -> anyhow::Result<ExitStatus> {
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
        source: merge_source(args.config.as_deref())?,
        replace: args.replace,
    };
    let mut out: ConnectorOutput =
        generate_connector(&input, PathPolicy::Allowed).map_err(|e| match e {
            ToolError::BadArguments(message) => ToolError::BadArguments(in_flags(&message)),
            other => other,
        })?;
    for note in &mut out.notes {
        *note = in_flags(note);
    }
    let written_to = match &args.config {
        // An unchanged file is not rewritten (its backup stays the previous version).
        Some(path) if args.write && out.changed != Some(false) => {
            write_with_backup(path, &out.writable)?;
            Some(path.as_str())
        }
        _ => None,
    };
    print_result(&out, &args.output, || {
        render::connector_report(&out, written_to)
    })?;
    Ok(ExitStatus::clean_if(
        !out.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error),
    ))
}
