//! `diagnose`: its flags and their translation to `diagnose_symptom`'s input (the caller is
//! given by `--login`, `--tag` and `--group`, evaluated against `--config`).

use clap::Args;

use super::streams::{OutputArgs, read_text};
use crate::access::Identity;
use crate::tools::ConfigInput;
use crate::tools::client::Client;
use crate::tools::diagnose::DiagnoseInput;

#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// The problem in your words, e.g. "Claude Code says 405" (optional with --symptom-id).
    #[arg(default_value = "")]
    pub text: String,
    /// Choose a symptom by ID (as in the troubleshooting reference) instead of matching words.
    #[arg(long, value_name = "ID")]
    pub symptom_id: Option<String>,
    /// The HTTP status seen.
    #[arg(long, value_name = "N")]
    pub status: Option<u16>,
    /// The exact error text (response body or client message).
    #[arg(long, value_name = "TEXT")]
    pub error_text: Option<String>,
    /// The gateway's config file: confirms or rules out config causes.
    #[arg(long, value_name = "FILE")]
    pub config: Option<String>,
    /// The gateway, e.g. http://ai: runs test_endpoint's free probes as evidence.
    #[arg(long)]
    pub url: Option<String>,
    /// The caller's login (a user's device), evaluated against --config.
    #[arg(long, value_name = "LOGIN")]
    pub login: Option<String>,
    /// A tag of the calling node (repeat for each tag: --tag tag:ci --tag tag:linux).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// A group of the caller (group:eng, or a SCIM group's e-mail); repeatable.
    #[arg(long = "group", value_name = "GROUP")]
    pub groups: Vec<String>,
    /// The model requested.
    #[arg(long)]
    pub model: Option<String>,
    /// The path called, e.g. /v1/messages.
    #[arg(long)]
    pub endpoint: Option<String>,
    /// The client used (sets the endpoint it calls).
    #[arg(long, value_enum)]
    pub client: Option<Client>,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl DiagnoseArgs {
    /// The tool's input (the config file read), and where the result goes.
    pub fn into_input(self) -> anyhow::Result<(DiagnoseInput, OutputArgs)> {
        let config = self.config.as_deref().map(read_text).transpose()?;
        let has_identity = self.login.is_some() || !self.tags.is_empty() || !self.groups.is_empty();
        let identity = has_identity.then_some(Identity {
            login: self.login,
            tags: self.tags,
            groups: self.groups,
        });
        let input = DiagnoseInput {
            symptom: self.text,
            symptom_id: self.symptom_id,
            identity,
            model: self.model,
            endpoint: self.endpoint,
            client: self.client.map(|c| c.name().to_owned()),
            http_status: self.status,
            error_text: self.error_text,
            source: ConfigInput {
                config,
                config_path: None,
            },
            url: self.url,
        };
        Ok((input, self.output))
    }
}
