//! The command line: argument definitions and a thin runner over the tools.
//!
//! Exit codes: 0 success (valid config), 1 findings (invalid config), 2 usage or I/O error.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::config::model::config_schema;
use crate::render;
use crate::tools::{self, ConfigInput, PathPolicy, ToolError};
pub use streams::{OutputArgs, OutputFormat};
use streams::{
    is_broken_pipe, merge_source, print_result, read_text, write_json, write_stderr, write_text,
};

mod exit;
mod grants;
mod init;
mod streams;
mod validate;
pub mod words;

pub use exit::ExitStatus;
pub use init::InitArgs;
use init::run_init;

pub use validate::ValidateArgs;
use validate::run_validate;

const EXIT_CODES: &str = "EXIT STATUS:\n  0  success: the config is valid (test: the gateway is ok)\n  1  findings: the config is invalid (test: degraded or failed)\n  2  usage or I/O error";

/// Generate, validate, explain, test and troubleshoot Aperture by Tailscale configs.
#[derive(Debug, Parser)]
#[command(name = "aperture-orchestrator", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate an Aperture config (HuJSON or JSON) against every rule; --fix applies the safe fixes.
    Validate(ValidateArgs),
    /// Start a config from nothing: a provider and your admin grant, which Aperture's save accepts.
    Init(InitArgs),
    /// Print the JSON Schema of the Aperture config (for editors).
    Schema,
    /// List the rule catalog (codes, severities, Aperture's messages).
    Rules {
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Generate a provider block (and merge it into a config with --config).
    Provider(ProviderArgs),
    /// Generate grants (current form; tailnet policy file or legacy temp_grants on request).
    Grants(GrantsArgs),
    /// Generate the configuration that points a client at Aperture.
    Client(ClientArgs),
    /// Rewrite legacy forms (temp_grants, authorization objects, seed flags) to the current form.
    Migrate(MigrateArgs),
    /// Simulate a request: would this caller reach this model, and why (or why not)?
    Explain(ExplainArgs),
    /// From a description of a problem to its likely causes, checked against a config and a live gateway.
    Diagnose(DiagnoseArgs),
    /// Probe a live gateway (DNS, TCP, dashboard, model list, optional completions) and name what is wrong.
    Test(TestArgs),
    /// Read, plan and apply a running gateway's config (needs an admin role on it).
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Serve MCP over stdio, or over streamable HTTP at /mcp with --http.
    Serve(ServeArgs),
    /// Install the Claude Code skill.
    #[command(subcommand)]
    Skill(SkillCommand),
}

#[derive(Debug, Subcommand)]
pub enum SkillCommand {
    /// Put SKILL.md and its references where Claude Code finds them; print the line that registers the MCP server (--project: register it in ./.mcp.json).
    Install {
        /// Install into this project (./.claude/skills, ./.mcp.json) instead of your user scope.
        #[arg(long)]
        project: bool,
        /// Install into this skill directory instead.
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Overwrite a directory this tool did not create.
        #[arg(long)]
        force: bool,
    },
    /// Regenerate the skill's reference docs from the catalogs (run in the repository).
    References {
        /// Where the references live.
        #[arg(long, default_value = "skill/reference")]
        dir: PathBuf,
        /// Only check: exit 1 when a file is stale, write nothing.
        #[arg(long)]
        check: bool,
    },
}

/// `--config` and `--write`, shared by the generators that merge into a config.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Config file to merge into.
    #[arg(long)]
    pub config: Option<String>,
    /// Write the merged config back to --config (a backup is kept as FILE.bak).
    #[arg(long, requires = "config")]
    pub write: bool,
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
    /// Base URL of the upstream (default: the kind's; self-hosted and compatible kinds need one).
    #[arg(long, value_name = "URL")]
    pub baseurl: Option<String>,
    /// AWS region (Bedrock).
    #[arg(long)]
    pub region: Option<String>,
    #[command(flatten)]
    pub merge: MergeArgs,
    /// Overwrite an existing provider with the same ID.
    #[arg(long)]
    pub replace: bool,
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
pub struct ClientArgs {
    /// The client to configure.
    #[arg(value_enum, ignore_case = true)]
    pub client: crate::tools::client::Client,
    /// Aperture's host (default `ai`).
    #[arg(long)]
    pub host: Option<String>,
    /// The model to pin in the client's settings (default: the client's own).
    #[arg(long)]
    pub model: Option<String>,
    /// The gateway's config: say whether it serves the client's model on the client's API.
    #[arg(long, value_name = "FILE")]
    pub config: Option<String>,
    /// With --config: check as this login (or tag:a,tag:b).
    #[arg(long = "as", value_name = "LOGIN", requires = "config")]
    pub as_identity: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Config file (or `-` for stdin).
    #[arg(long)]
    pub config: String,
    /// The caller's login (e.g. alice@example.com).
    #[arg(long = "as", value_name = "LOGIN")]
    pub login: Option<String>,
    /// A tag of the calling node (repeatable); a tagged node's identity is its tags.
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// A group the caller is in (repeatable).
    #[arg(long = "group", value_name = "GROUP")]
    pub groups: Vec<String>,
    /// The request's model.
    #[arg(long, conflicts_with = "connector")]
    pub model: Option<String>,
    /// Instead of --model: a connector ID (e.g. github), or a part (github/proxy, local/tools/search).
    #[arg(long, value_name = "ID")]
    pub connector: Option<String>,
    /// The Aperture path called, e.g. /v1/messages.
    #[arg(long)]
    pub endpoint: Option<String>,
    /// Print who can reach which model, for every source in the grants.
    #[arg(long)]
    pub matrix: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the live config exactly as served (or write it to --out).
    Pull {
        /// The gateway, e.g. http://ai.
        url: String,
        /// Write the document here (a backup of an existing file is kept).
        #[arg(long, value_name = "FILE")]
        out: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Show what applying FILE would do: validation, diff (secrets fingerprinted), access changes.
    Plan {
        url: String,
        file: String,
        /// Your identity (login or tag:a,tag:b): checks that you stay admin.
        #[arg(long = "as", value_name = "IDENTITY")]
        as_identity: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Apply FILE to the gateway: a dry run unless --apply.
    Push {
        url: String,
        file: String,
        /// Write it (without this, only the plan is shown).
        #[arg(long)]
        apply: bool,
        /// Apply even if it leaves no admin or removes your own admin role.
        #[arg(long)]
        confirm: bool,
        /// Your identity (login or tag:a,tag:b): refuses removing your own admin role.
        #[arg(long = "as", value_name = "IDENTITY")]
        as_identity: Option<String>,
        /// Where the previous live document is saved before the write.
        #[arg(long, value_name = "DIR", default_value = "aperture-backups")]
        backup_dir: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
    },
}

#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// The problem in your words, e.g. "Claude Code says 405".
    pub text: String,
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
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// The gateway, e.g. http://ai (a trailing /v1 is removed).
    pub url: String,
    /// Model to check, and to send completions to with --send.
    #[arg(long)]
    pub model: Option<String>,
    /// API format for completions (auto: what the model list says the model supports).
    #[arg(long, value_enum, default_value_t = crate::tools::test_endpoint::ApiChoice::Auto)]
    pub api: crate::tools::test_endpoint::ApiChoice,
    /// Send one minimal completion per API (max_tokens 1; costs tokens).
    #[arg(long)]
    pub send: bool,
    /// Budget for the whole run, in milliseconds (default 10000).
    #[arg(long, value_name = "N")]
    pub timeout_ms: Option<u64>,
    /// Environment variable holding a key, for gateways that want one (Aperture does not).
    #[arg(long, value_name = "VAR")]
    pub api_key_env: Option<String>,
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
    #[command(flatten)]
    pub output: OutputArgs,
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
    /// Offer the live config tools (get_config, plan_config, apply_config), which read and
    /// change running gateways.
    #[arg(long)]
    pub allow_write: bool,
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> ExitStatus {
    let result = match cli.command {
        Command::Validate(args) => run_validate(args),
        Command::Init(args) => run_init(args),
        Command::Schema => write_json(config_schema()).map(|()| ExitStatus::Success),
        Command::Rules { output } => run_rules(&output),
        Command::Provider(args) => run_provider(args),
        Command::Grants(args) => run_grants(args),
        Command::Client(args) => run_client(args),
        Command::Migrate(args) => run_migrate(args),
        Command::Explain(args) => run_explain(args),
        Command::Diagnose(args) => run_diagnose(args),
        Command::Test(args) => run_test(args),
        Command::Config(command) => run_config(command),
        Command::Serve(args) => run_serve(args),
        Command::Skill(SkillCommand::Install {
            project,
            dir,
            force,
        }) => run_skill_install(project, dir, force),
        Command::Skill(SkillCommand::References { dir, check }) => {
            run_skill_references(&dir, check)
        }
    };
    match result {
        Ok(status) => status,
        Err(e) if is_broken_pipe(&e) => ExitStatus::Success,
        Err(e) => {
            let message = crate::redact::mask_text(&words::cli_words(&error_text(&e)));
            let _ = writeln!(std::io::stderr().lock(), "error: {message}");
            ExitStatus::Error
        }
    }
}

fn run_rules(output: &OutputArgs) -> anyhow::Result<ExitStatus> {
    print_result(&crate::rules::catalog::ALL, output, render::rules_table)?;
    Ok(ExitStatus::Success)
}

fn run_provider(args: ProviderArgs) -> anyhow::Result<ExitStatus> {
    let input = tools::provider::ProviderInput {
        kind: args.kind,
        id: args.id,
        models: (!args.models.is_empty()).then_some(args.models),
        baseurl: args.baseurl,
        region: args.region,
        apikey: None,
        source: merge_source(args.merge.config.as_deref(), args.merge.write)?,
        replace: args.replace,
    };
    let out = tools::provider::generate_provider(&input, PathPolicy::Allowed)?;
    let written_to = match &args.merge.config {
        Some(path) if args.merge.write => {
            tools::write::write_with_backup(path, &out.config)?;
            Some(path.as_str())
        }
        _ => None,
    };
    if written_to.is_none() && args.output.format == OutputFormat::Human {
        // stdout is the document (`provider anthropic > gw.hujson`): the rest goes to stderr.
        write_text(&(out.config.trim_end().to_owned() + "\n"))?;
        write_stderr(&render::provider_notes(&out))?;
        return Ok(ExitStatus::Success);
    }
    print_result(&out, &args.output, || {
        render::provider_report(&out, written_to)
    })?;
    Ok(ExitStatus::Success)
}

fn run_grants(args: GrantsArgs) -> anyhow::Result<ExitStatus> {
    use tools::grants::{EditMode, GrantsInput, generate_grants};
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
        source: merge_source(args.merge.config.as_deref(), args.merge.write)?,
        allow_no_admin: args.allow_no_admin,
    };
    let mut out = generate_grants(&input, PathPolicy::Allowed)?;
    grants::cli_notes(&mut out);
    if let (true, Some(path), Some(text)) = (args.merge.write, &args.merge.config, &out.config) {
        tools::write::write_with_backup(path, text)?;
    }
    print_result(&out, &args.output, || render::grants_report(&out))?;
    Ok(ExitStatus::Success)
}

fn run_client(args: ClientArgs) -> anyhow::Result<ExitStatus> {
    use tools::client::{ClientInput, GatewayInput};
    use tools::client_check::generate_client_config_in;
    let gateway = GatewayInput {
        config: args.config.as_deref().map(read_text).transpose()?,
        as_identity: args.as_identity,
    };
    let input = ClientInput {
        client: args.client,
        host: args.host,
        model: args.model,
        gateway,
    };
    let out = generate_client_config_in(&input, PathPolicy::Allowed)?;
    print_result(&out, &args.output, || render::client_report(&out))?;
    Ok(ExitStatus::Success)
}

fn run_migrate(args: MigrateArgs) -> anyhow::Result<ExitStatus> {
    let out = tools::migrate::migrate_text(&read_text(&args.file)?)?;
    if args.write && out.changed && args.file != "-" {
        tools::write::write_with_backup(&args.file, &out.config)?;
    }
    print_result(&out, &args.output, || render::migrate_report(&out))?;
    Ok(ExitStatus::Success)
}

fn run_explain(args: ExplainArgs) -> anyhow::Result<ExitStatus> {
    use tools::explain::{ExplainInput, MISSING_CONNECTOR, MISSING_MODEL, explain_access};
    let input = ExplainInput {
        source: ConfigInput::text(read_text(&args.config)?),
        identity: crate::access::Identity {
            login: args.login,
            tags: args.tags,
            groups: args.groups,
        },
        model: args.model,
        connector: args.connector,
        endpoint: args.endpoint,
        matrix: args.matrix,
    };
    let out = explain_access(&input, PathPolicy::Allowed).map_err(|e| match e {
        // The same refusal, in the words of this command's flags.
        ToolError::BadArguments(message) if message == MISSING_MODEL => {
            anyhow::anyhow!(
                "--model or --connector is required (or use --matrix alone for the access matrix)"
            )
        }
        ToolError::BadArguments(message) if message == MISSING_CONNECTOR => {
            anyhow::anyhow!("--endpoint /v1/mcp serves connectors: give --connector ID")
        }
        e => e.into(),
    })?;
    let human = || render::explain_report(&out);
    match (&out.explanation, &out.matrix) {
        // Matrix only: the JSON is the matrix itself, as it always was.
        (None, Some(matrix)) => print_result(matrix, &args.output, human)?,
        _ => print_result(&out, &args.output, human)?,
    }
    let allowed = |e: &crate::explain::Explanation| e.outcome == crate::explain::Outcome::Allowed;
    Ok(ExitStatus::clean_if(
        out.explanation.as_ref().is_none_or(allowed),
    ))
}

fn run_config(command: ConfigCommand) -> anyhow::Result<ExitStatus> {
    use tools::live_config::{self, ChangeInput, GetInput};
    let change = |url, file: &str, as_identity, confirm| -> anyhow::Result<ChangeInput> {
        let source = ConfigInput::text(read_text(file)?);
        Ok(ChangeInput {
            url,
            source,
            as_identity,
            confirm,
        })
    };
    match command {
        ConfigCommand::Pull { url, out, output } => {
            let live = block_on(live_config::get_config(&GetInput { url }))?;
            if let Some(path) = &out {
                tools::write::write_with_backup(path, &live.config)?;
            }
            print_result(&live, &output, || {
                render::pulled_config(&live, out.as_deref())
            })?;
            Ok(ExitStatus::Success)
        }
        ConfigCommand::Plan {
            url,
            file,
            as_identity,
            output,
        } => {
            let input = change(url, &file, as_identity, false)?;
            let plan = block_on(live_config::plan_config(&input, PathPolicy::Allowed))?;
            print_result(&plan, &output, || render::plan_report(&plan))?;
            Ok(ExitStatus::clean_if(plan.valid && plan.lockout.is_none()))
        }
        ConfigCommand::Push {
            url,
            file,
            apply,
            confirm,
            as_identity,
            backup_dir,
            output,
        } => {
            let input = change(url, &file, as_identity, confirm)?;
            let dry_run = !apply;
            let apply =
                live_config::apply_config(&input, PathPolicy::Allowed, dry_run, &backup_dir);
            let out = block_on(apply)?;
            print_result(&out, &output, || render::apply_report(&out))?;
            let dry_run_only = out.refusal == Some(live_config::Refusal::DryRun);
            Ok(ExitStatus::clean_if(out.applied || dry_run_only))
        }
    }
}

fn run_diagnose(args: DiagnoseArgs) -> anyhow::Result<ExitStatus> {
    use tools::diagnose::{DiagnoseInput, diagnose_symptom};
    let config = args.config.as_deref().map(read_text).transpose()?;
    let input = DiagnoseInput {
        symptom: args.text,
        http_status: args.status,
        error_text: args.error_text,
        source: ConfigInput {
            config,
            config_path: None,
        },
        url: args.url,
    };
    let out = block_on(diagnose_symptom(&input, PathPolicy::Allowed))?;
    print_result(&out, &args.output, || render::diagnosis_report(&out))?;
    Ok(ExitStatus::Success)
}

fn run_test(args: TestArgs) -> anyhow::Result<ExitStatus> {
    use tools::test_endpoint::{TestInput, test_endpoint};
    let input = TestInput {
        url: args.url,
        model: args.model,
        api: args.api,
        send_completion: args.send,
        timeout_ms: args.timeout_ms,
        api_key_env: args.api_key_env,
    };
    let out = block_on(test_endpoint(&input, PathPolicy::Allowed))?;
    print_result(&out, &args.output, || render::probe_report(&out))?;
    Ok(ExitStatus::clean_if(
        out.report.verdict == crate::probe::Verdict::Ok,
    ))
}

fn run_skill_references(dir: &Path, check: bool) -> anyhow::Result<ExitStatus> {
    if check && !dir.is_dir() {
        // Outside the repository there is nothing to compare: say so, not "stale".
        writeln!(
            std::io::stderr().lock(),
            "no reference directory at {} (outside the repository?): nothing to check; run in the repository, or pass --dir DIR",
            dir.display()
        )?;
        return Ok(ExitStatus::Findings);
    }
    let stale = crate::skill::sync_references(dir, check)?;
    let mut stderr = std::io::stderr().lock();
    match (check, stale.is_empty()) {
        (_, true) => writeln!(stderr, "the references in {} are current", dir.display())?,
        (true, false) => {
            let stale = stale.join(", ");
            writeln!(
                stderr,
                "stale (run `aperture-orchestrator skill references`): {stale}"
            )?;
            return Ok(ExitStatus::Findings);
        }
        (false, false) => writeln!(stderr, "regenerated: {}", stale.join(", "))?,
    }
    Ok(ExitStatus::Success)
}

fn run_skill_install(
    project: bool,
    dir: Option<PathBuf>,
    force: bool,
) -> anyhow::Result<ExitStatus> {
    let options = crate::skill::InstallOptions::for_scope(project, dir, force)?;
    write_text(&render::install_report(&crate::skill::install(&options)?))?;
    Ok(ExitStatus::Success)
}

/// The error and its causes, each said once (a message that already quotes its cause, as
/// an I/O error naming the OS error does, is not followed by it again).
fn error_text(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text = format!("{text}: {cause}");
        }
    }
    text
}

/// Run an async call on one thread: the CLI makes one call per process.
fn block_on<T, E>(future: impl std::future::Future<Output = Result<T, E>>) -> anyhow::Result<T>
where
    E: std::error::Error + Send + Sync + 'static,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    Ok(runtime.block_on(future)?)
}

fn run_serve(args: ServeArgs) -> anyhow::Result<ExitStatus> {
    let Some(addr) = args.http else {
        // One thread is plenty for one stdio client and keeps start-up small.
        block_on(crate::mcp::serve_stdio(args.allow_write))?;
        return Ok(ExitStatus::Success);
    };
    let options = crate::mcp::HttpOptions {
        addr,
        token: args.token,
        allow_paths: args.allow_paths,
        allowed_hosts: args.allow_hosts,
        allowed_origins: args.allow_origins,
        stateless: args.stateless,
        allow_write: args.allow_write,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(crate::mcp::serve_http(options))?;
    Ok(ExitStatus::Success)
}

#[cfg(test)]
mod tests;
