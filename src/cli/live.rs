//! `config pull|plan|push`: a running gateway's config, read, planned and applied. The base
//! version `pull --out FILE` records beside FILE is picked up by `plan`/`push FILE`, and a
//! successful push records the new one.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::streams::{ExitStatus, OutputArgs, block_on, print_result, read_text};
use crate::render;
use crate::tools::gateway::root_of;
use crate::tools::live_config::{self, ApplyOptions, BaseRecord, ChangeInput, GetInput, Refusal};
use crate::tools::{self, ConfigInput, PathPolicy};

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the live config exactly as served (or write it to --out).
    Pull {
        /// The gateway, e.g. http://ai.
        url: String,
        /// Write the document here (a backup of an existing file is kept) and record the
        /// version read in FILE.base.json, which `plan` and `push` of FILE compare with.
        #[arg(long, value_name = "FILE")]
        out: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Show what applying FILE would do: validation, diff (secrets fingerprinted), access changes.
    Plan {
        /// The gateway, e.g. http://ai.
        url: String,
        file: String,
        #[command(flatten)]
        change: ChangeArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Apply FILE to the gateway: a dry run unless --apply.
    Push {
        /// The gateway, e.g. http://ai.
        url: String,
        file: String,
        /// Write it (without this, only the plan is shown).
        #[arg(long)]
        apply: bool,
        /// Apply even if it leaves no admin, removes your own admin role, or changes the
        /// admins while your identity is unknown.
        #[arg(long)]
        confirm: bool,
        #[command(flatten)]
        change: ChangeArgs,
        /// Where the previous live document is saved before the write.
        #[arg(long, value_name = "DIR", default_value = "aperture-backups")]
        backup_dir: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// What `plan` and `push` share.
#[derive(Debug, clap::Args)]
pub struct ChangeArgs {
    /// Your identity (login or tag:a,tag:b); default: the local Tailscale daemon's.
    #[arg(long = "as", value_name = "IDENTITY")]
    as_identity: Option<String>,
    /// The version FILE was made from (default: the one `pull --out FILE` recorded).
    #[arg(long, value_name = "VERSION")]
    base: Option<String>,
    /// Set provider PROVIDER_ID's key from the environment variable VAR (the config API
    /// serves keys redacted). Repeatable.
    #[arg(long = "secret-env", value_name = "PROVIDER_ID=VAR", value_parser = provider_var)]
    secret_env: Vec<(String, String)>,
}

fn provider_var(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((provider, var)) if !provider.is_empty() && !var.is_empty() => {
            Ok((provider.to_owned(), var.to_owned()))
        }
        _ => Err(format!(
            "expected PROVIDER_ID=VAR, e.g. openai=OPENAI_API_KEY (got `{text}`)"
        )),
    }
}

/// The change's input and options: FILE read, with the base recorded beside it unless it was
/// pulled from another gateway.
fn change_of(
    url: String,
    file: &str,
    change: ChangeArgs,
    confirm: bool,
    backup_dir: PathBuf,
) -> anyhow::Result<(ChangeInput, ApplyOptions)> {
    let record = match file {
        "-" => None,
        path => BaseRecord::load(Path::new(path))?,
    };
    let same_gateway = |r: &BaseRecord| root_of(&url).is_ok_and(|root| root == r.url);
    let mut options = ApplyOptions::new(backup_dir);
    options.recorded_base = record.filter(same_gateway);
    let input = ChangeInput {
        url,
        source: ConfigInput::text(read_text(file)?),
        as_identity: change.as_identity,
        confirm,
        base_version: change.base,
        secrets_env: change.secret_env.into_iter().collect(),
    };
    Ok((input, options))
}

pub(super) fn run(command: ConfigCommand) -> anyhow::Result<ExitStatus> {
    match command {
        ConfigCommand::Pull { url, out, output } => {
            let live = block_on(live_config::get_config(&GetInput { url }))?;
            if let Some(path) = &out {
                tools::write::write_with_backup(path, &live.config)?;
                BaseRecord::save(Path::new(path), &live, Default::default())?;
            }
            print_result(&live, &output, || {
                render::pulled_config(&live, out.as_deref())
            })?;
            Ok(ExitStatus::Success)
        }
        ConfigCommand::Plan {
            url,
            file,
            change,
            output,
        } => {
            let (input, options) = change_of(url, &file, change, false, PathBuf::new())?;
            let plan = block_on(live_config::plan_config(
                &input,
                PathPolicy::Allowed,
                &options,
            ))?;
            print_result(&plan, &output, || render::plan_report(&plan))?;
            Ok(ExitStatus::clean_if(
                plan.valid
                    && plan.lockout.is_none()
                    && plan.stale.is_none()
                    && plan.masked_keys.is_empty(),
            ))
        }
        ConfigCommand::Push {
            url,
            file,
            apply,
            confirm,
            change,
            backup_dir,
            output,
        } => {
            let (input, mut options) = change_of(url, &file, change, confirm, backup_dir)?;
            let recorded = options.recorded_base.is_some();
            options.dry_run = !apply;
            let out = block_on(live_config::apply_config(
                &input,
                PathPolicy::Allowed,
                &options,
            ))?;
            // The file now matches the gateway: its base moves to the version written.
            if let (true, Some(served)) = (recorded, &out.served_after) {
                BaseRecord::save(Path::new(&file), served, out.keys_written.clone())?;
            }
            print_result(&out, &output, || render::apply_report(&out))?;
            let dry_run_only = out.refusal == Some(Refusal::DryRun);
            Ok(ExitStatus::clean_if(out.applied || dry_run_only))
        }
    }
}
