//! The commands that edit a config file (`provider`, `grants`, `migrate`) and their `--write`:
//! the refusals (stdin, the policy target), the write itself (checked against the bytes that
//! were read) and the line saying what was written, or why nothing was.

use clap::Args;
use serde::Serialize;

use super::grants;
use super::streams::{
    OutputArgs, OutputFormat, print_result, read_bytes, write_document, write_json, write_stderr,
};
use crate::render;
use crate::tools::write::{WriteOptions, write_config};
use crate::tools::{self, ConfigInput, PathPolicy};

/// `--config`, `--write` and `--force`, shared by the generators that merge into a config.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Config file to merge into.
    #[arg(long)]
    pub config: Option<String>,
    /// Write the merged config back to --config (a backup is kept as FILE.bak).
    #[arg(long, requires = "config")]
    pub write: bool,
    /// With --write: replace a read-only file (it keeps its mode).
    #[arg(long, requires = "write")]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ProviderArgs {
    /// Provider kind (openai, anthropic, gemini, vertex, vertex_express, bedrock, openrouter, vercel, foundry, openai_compatible, self_hosted, claude_subscription, chatgpt_subscription).
    pub kind: String,
    /// Provider ID (key under `providers`).
    #[arg(long)]
    pub id: Option<String>,
    /// Model ID (repeatable).
    #[arg(long = "model", value_name = "MODEL")]
    pub models: Vec<String>,
    /// Add a model to the existing provider in --config (repeatable).
    #[arg(
        long = "add-model",
        value_name = "MODEL",
        requires = "config",
        conflicts_with = "models"
    )]
    pub add_models: Vec<String>,
    /// Remove a model from the existing provider in --config (repeatable).
    #[arg(
        long = "remove-model",
        value_name = "MODEL",
        requires = "config",
        conflicts_with = "models"
    )]
    pub remove_models: Vec<String>,
    /// Base URL of the upstream (default: the kind's; self-hosted and compatible kinds need one).
    #[arg(long, value_name = "URL")]
    pub baseurl: Option<String>,
    /// AWS region (Bedrock).
    #[arg(long)]
    pub region: Option<String>,
    #[command(flatten)]
    pub merge: MergeArgs,
    /// Regenerate an existing provider with the same ID (its apikey, models and other keys are kept unless given).
    #[arg(long)]
    pub replace: bool,
    /// Admin of a new document (no --config, or one --write creates): your login, or a `group:`/`tag:` source; default: the local Tailscale login, else `*`.
    #[arg(long, value_name = "LOGIN")]
    pub admin: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct GrantsArgs {
    /// Give `role: admin` to SRC, with models as SRC=GLOB[,GLOB...] (repeatable).
    #[arg(long = "admin", value_name = "SRC[=GLOB,...]")]
    pub admins: Vec<String>,
    /// Give `role: user` and models to SRC: SRC=GLOB[,GLOB...] (repeatable; a bare SRC takes --models).
    #[arg(long = "user", value_name = "SRC[=GLOB,...]")]
    pub users: Vec<String>,
    /// Model globs for a single bare --user (repeatable; default `**`).
    #[arg(long = "models", value_name = "GLOB")]
    pub models: Vec<String>,
    /// Quota buckets charged for each --user's models (repeatable).
    #[arg(long = "quota", value_name = "BUCKET")]
    pub quotas: Vec<String>,
    /// A budget bucket for SRC, defined in `quotas` (repeatable), e.g. '*=$10,$5/day,user'.
    #[arg(long = "budget", value_name = "SRC=CAPACITY,RATE[,user|node|shared]")]
    pub budgets: Vec<String>,
    /// Make the config's grants exactly these rules (hooks and other capabilities kept).
    #[arg(long, requires = "config", conflicts_with = "remove")]
    pub replace: bool,
    /// Take every access key of the --admin/--user sources out of the config's grants.
    #[arg(long, requires = "config")]
    pub remove: bool,
    #[arg(long, value_enum, default_value_t = crate::tools::grants::Target::Config)]
    pub target: crate::tools::grants::Target,
    /// Policy `dst` selector (with --target policy).
    #[arg(long)]
    pub aperture_selector: Option<String>,
    #[command(flatten)]
    pub merge: MergeArgs,
    /// Accept a result where nobody is admin.
    #[arg(long)]
    pub allow_no_admin: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Config file, or `-` for stdin.
    pub file: String,
    /// Write the migrated config back to FILE (a backup is kept as FILE.bak).
    #[arg(long)]
    pub write: bool,
    /// With --write: replace a read-only file (it keeps its mode).
    #[arg(long, requires = "write")]
    pub force: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// What `--write` did: in `--format json` the `write` field, otherwise a line on stderr.
#[derive(Debug, Clone, Serialize)]
pub struct WriteReport {
    pub path: String,
    pub written: bool,
    /// The previous file, kept as a backup.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup: Option<String>,
    /// Why nothing was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl WriteReport {
    fn line(&self) -> String {
        match (&self.backup, &self.reason) {
            (_, Some(reason)) if !self.written => {
                format!("nothing written to {}: {reason}", self.path)
            }
            (Some(backup), _) => format!("wrote {} (backup: {backup})", self.path),
            _ => format!("wrote {}", self.path),
        }
    }
}

/// A config file read for an edit: the bytes (the write checks the file still holds them)
/// and the text, decoded as `validate` decodes it.
pub(super) struct ReadConfig {
    pub(super) path: String,
    bytes: Vec<u8>,
    pub(super) text: String,
    /// The file existed: the write checks it still holds `bytes` (else it must still be absent).
    existed: bool,
}

/// Read `path` (`-`: stdin), refusing `--write` to stdin before reading anything.
pub(super) fn read_config(path: &str, write: bool, flag: &str) -> anyhow::Result<ReadConfig> {
    if write && path == "-" {
        anyhow::bail!(
            "--write cannot write back to stdin (`{flag} -`): nothing was written; pass the file itself ({flag} FILE), or drop --write and redirect the printed config"
        );
    }
    if path != "-" && !std::path::Path::new(path).exists() {
        if !write {
            anyhow::bail!(
                "`{path}` does not exist: add --write to create it, or start one with `init {path} --admin LOGIN`"
            );
        }
        // `--write` creates it: the edit starts from an empty document.
        return Ok(ReadConfig {
            path: path.to_owned(),
            bytes: Vec::new(),
            text: "{}\n".to_owned(),
            existed: false,
        });
    }
    let bytes = read_bytes(path)?;
    let text = crate::config::document::decode(&bytes)
        .map_err(|e| {
            anyhow::anyhow!("cannot read `{path}`: {e}; run `validate {path}` for details")
        })?
        .to_owned();
    Ok(ReadConfig {
        path: path.to_owned(),
        bytes,
        text,
        existed: true,
    })
}

/// Write `new` over the file that was read, unless it is the same document (`unchanged` says
/// why nothing is written then).
pub(super) fn write_back(
    read: &ReadConfig,
    new: &str,
    force: bool,
    unchanged: &str,
) -> anyhow::Result<WriteReport> {
    let mut report = WriteReport {
        path: read.path.clone(),
        written: false,
        backup: None,
        reason: None,
    };
    if read.existed && new == read.text {
        report.reason = Some(unchanged.to_owned());
        return Ok(report);
    }
    let options = WriteOptions {
        expected: read.existed.then_some(read.bytes.as_slice()),
        force,
    };
    let written = write_config(&read.path, new, &options)?;
    report.written = true;
    report.backup = written.backup.map(|b| b.display().to_string());
    Ok(report)
}

/// The tool's result with `write` beside its fields.
#[derive(Serialize)]
struct WithWrite<'a, T: Serialize> {
    #[serde(flatten)]
    result: &'a T,
    write: &'a WriteReport,
}

/// Print a result, and what `--write` did when it was given.
pub(super) fn print_written<T: Serialize, H: Into<render::HumanText>>(
    out: &T,
    write: Option<&WriteReport>,
    output: &OutputArgs,
    human: impl FnOnce() -> H,
) -> anyhow::Result<()> {
    match (write, output.format) {
        (Some(write), OutputFormat::Json) => write_json(&WithWrite { result: out, write }),
        (Some(write), OutputFormat::Human) => {
            print_result(out, output, human)?;
            write_stderr(&format!("{}\n", write.line()))
        }
        (None, _) => print_result(out, output, human),
    }
}

pub(super) fn run_provider(args: ProviderArgs) -> anyhow::Result<()> {
    let read = args
        .merge
        .config
        .as_deref()
        .map(|path| read_config(path, args.merge.write, "--config"))
        .transpose()?;
    let input = tools::provider::ProviderInput {
        kind: args.kind,
        id: args.id,
        models: (!args.models.is_empty()).then_some(args.models),
        baseurl: args.baseurl,
        region: args.region,
        apikey: None,
        // A file `--write` creates starts as the new document a bare `provider` prints.
        source: read
            .as_ref()
            .filter(|r| r.existed)
            .map(|r| ConfigInput::text(r.text.clone()))
            .unwrap_or_default(),
        replace: args.replace,
        add_models: args.add_models,
        remove_models: args.remove_models,
        admin: args.admin,
    };
    let daemon = tools::live_config::Daemon::from_env();
    let mut out = tools::provider::generate_provider(&input, PathPolicy::Allowed, &daemon)
        .map_err(|e| anyhow::anyhow!(e.to_string()))?;
    let write = match &read {
        Some(read) if args.merge.write => Some(write_back(
            read,
            &out.config,
            args.merge.force,
            "the config already says this (nothing to change)",
        )?),
        _ => None,
    };
    if read.as_ref().is_some_and(|r| !r.existed) {
        // The file is the new document: the advice for a printed one does not apply.
        out.notes
            .retain(|n| n != tools::provider::NEW_DOCUMENT_NOTE);
    }
    let written = write.as_ref().is_some_and(|w| w.written);
    if write.is_none() && args.output.format == OutputFormat::Human {
        // stdout is the document (`provider anthropic > gw.hujson`): the rest goes to stderr.
        write_document(&(out.config.trim_end().to_owned() + "\n"))?;
        return write_stderr(&render::provider_notes(&out));
    }
    print_written(&out, write.as_ref(), &args.output, || {
        render::provider_report(&out, written)
    })
}

pub(super) fn run_grants(args: GrantsArgs) -> anyhow::Result<()> {
    use tools::grants::{EditMode, GrantsInput, Target, generate_grants};
    if args.merge.write && args.target == Target::Policy {
        anyhow::bail!(
            "--write with --target policy: these grants belong in the tailnet policy file, which this command does not edit (--config is only read to check them with the config's own grants); nothing was written. Paste the printed grants into the policy file's `grants`, or drop --write"
        );
    }
    let read = args
        .merge
        .config
        .as_deref()
        .map(|path| read_config(path, args.merge.write, "--config"))
        .transpose()?;
    let mode = match (args.replace, args.remove) {
        (true, _) => EditMode::Replace,
        (_, true) => EditMode::Remove,
        _ => EditMode::Add,
    };
    let flags = grants::Flags {
        admins: &args.admins,
        users: &args.users,
        models: &args.models,
        quotas: &args.quotas,
        budgets: &args.budgets,
    };
    let input = GrantsInput {
        rules: grants::rules(&flags, mode)?,
        mode,
        target: args.target,
        aperture_selector: args.aperture_selector,
        ip: None,
        source: read
            .as_ref()
            .map(|r| ConfigInput::text(r.text.clone()))
            .unwrap_or_default(),
        allow_no_admin: args.allow_no_admin,
    };
    let mut out = generate_grants(&input, PathPolicy::Allowed)?;
    grants::cli_notes(&mut out);
    let write = match (&read, &out.config) {
        (Some(read), Some(text)) if args.merge.write => Some(write_back(
            read,
            text,
            args.merge.force,
            "the config already has these grants (unchanged byte for byte)",
        )?),
        _ => None,
    };
    print_written(&out, write.as_ref(), &args.output, || {
        render::grants_report(&out)
    })
}

pub(super) fn run_migrate(args: MigrateArgs) -> anyhow::Result<()> {
    let read = read_config(&args.file, args.write, "FILE")?;
    let out = tools::migrate::migrate_text(&read.text)?;
    let write = if args.write {
        Some(write_back(
            &read,
            &out.config,
            args.force,
            "nothing to migrate",
        )?)
    } else {
        None
    };
    print_written(&out, write.as_ref(), &args.output, || {
        render::migrate_report(&out)
    })
}
