//! The command line: argument definitions and a thin runner over the tools.
//!
//! Exit codes: 0 success (valid config), 1 findings (invalid config), 2 usage or I/O error.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::config::model::config_schema;
use crate::render;
use crate::tools::{self, ConfigInput, PathPolicy, ToolError};
pub use exit::ExitStatus;
pub use generate::{GrantsArgs, MergeArgs, MigrateArgs, ProviderArgs, WriteReport};
pub use live::ConfigCommand;
pub use serve::ServeArgs;
use serve::run_serve;
pub use streams::{OutputArgs, OutputFormat};
use streams::{
    block_on, is_broken_pipe, print_result, read_text, write_json, write_stderr, write_text,
};

mod connector;
mod day2;
mod diagnose;
mod exit;
mod generate;
mod grants;
mod init;
mod live;
mod serve;
mod streams;
mod validate;
pub mod words;

pub use diagnose::DiagnoseArgs;
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
    /// Generate a connector (and grants for it), merged into a config with --config.
    Connector(connector::ConnectorArgs),
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
    /// Budgets on a running gateway: status, refill.
    #[command(subcommand)]
    Quota(day2::QuotaCommand),
    /// A running gateway in one call: reachable, you, your role, models, budgets, connectors.
    Status(day2::StatusArgs),
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
    /// Probe what this client calls, with the model it sends; say whether it will work.
    #[arg(long, value_enum)]
    pub client: Option<crate::tools::client::Client>,
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

/// Run a parsed command line.
pub fn run(cli: Cli) -> ExitStatus {
    let result = match cli.command {
        Command::Validate(args) => run_validate(args),
        Command::Init(args) => run_init(args),
        Command::Schema => write_json(config_schema()).map(|()| ExitStatus::Success),
        Command::Rules { output } => run_rules(&output),
        Command::Provider(args) => generate::run_provider(args).map(|()| ExitStatus::Success),
        Command::Grants(args) => generate::run_grants(args).map(|()| ExitStatus::Success),
        Command::Connector(args) => connector::run(args),
        Command::Client(args) => run_client(args),
        Command::Migrate(args) => generate::run_migrate(args).map(|()| ExitStatus::Success),
        Command::Explain(args) => run_explain(args),
        Command::Diagnose(args) => run_diagnose(args),
        Command::Test(args) => run_test(args),
        Command::Config(command) => live::run(command),
        Command::Quota(command) => day2::run_quota(command),
        Command::Status(args) => day2::run_status(args),
        Command::Serve(args) => run_serve(args).map(|()| ExitStatus::Success),
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
            // An error quotes what the user gave (a kind, a path): escaped for the terminal.
            let message = render::terminal_text(&crate::redact::mask_text(&words::cli_words(
                &error_text(&e),
            )))
            .into_owned();
            let _ = writeln!(std::io::stderr().lock(), "error: {message}");
            ExitStatus::Error
        }
    }
}

fn run_rules(output: &OutputArgs) -> anyhow::Result<ExitStatus> {
    print_result(&crate::rules::catalog::ALL, output, render::rules_table)?;
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

fn run_diagnose(args: DiagnoseArgs) -> anyhow::Result<ExitStatus> {
    let (input, output) = args.into_input()?;
    let out = block_on(tools::diagnose::diagnose_symptom(
        &input,
        PathPolicy::Allowed,
    ))?;
    print_result(&out, &output, || render::diagnosis_report(&out))?;
    Ok(ExitStatus::Success)
}

fn run_test(args: TestArgs) -> anyhow::Result<ExitStatus> {
    use tools::test_endpoint::{TestInput, test_endpoint};
    let input = TestInput {
        url: args.url,
        model: args.model,
        api: args.api,
        client: args.client,
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
        write_stderr(&format!(
            "no reference directory at {} (outside the repository?): nothing to check; run in the repository, or pass --dir DIR\n",
            dir.display()
        ))?;
        return Ok(ExitStatus::Findings);
    }
    let stale = crate::skill::sync_references(dir, check)?;
    match (check, stale.is_empty()) {
        (_, true) => write_stderr(&format!(
            "the references in {} are current\n",
            dir.display()
        ))?,
        (true, false) => {
            let stale = stale.join(", ");
            write_stderr(&format!(
                "stale (run `aperture-orchestrator skill references`): {stale}\n"
            ))?;
            return Ok(ExitStatus::Findings);
        }
        (false, false) => write_stderr(&format!("regenerated: {}\n", stale.join(", ")))?,
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

#[cfg(test)]
mod tests;
