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
    /// Put SKILL.md and its references where Claude Code finds them, and register the MCP server.
    Install {
        /// Install into this project (./.claude/skills, ./.mcp.json) instead of your user scope.
        #[arg(long)]
        project: bool,
        /// Install into this skill directory instead.
        #[arg(long)]
        dir: Option<std::path::PathBuf>,
        /// Overwrite a directory this tool did not create.
        #[arg(long)]
        force: bool,
    },
    /// Regenerate the skill's reference docs from the catalogs (run in the repository).
    References {
        /// Where the references live.
        #[arg(long, default_value = "skill/reference")]
        dir: std::path::PathBuf,
        /// Only check: exit 1 when a file is stale, write nothing.
        #[arg(long)]
        check: bool,
    },
}

/// Output of the generator commands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Readable summary.
    #[default]
    Human,
    /// The MCP tool's structuredContent.
    Json,
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
    #[arg(long)]
    pub baseurl: Option<String>,
    /// AWS region (Bedrock).
    #[arg(long)]
    pub region: Option<String>,
    /// Config file to merge into.
    #[arg(long)]
    pub config: Option<String>,
    /// Overwrite an existing provider with the same ID.
    #[arg(long)]
    pub replace: bool,
    /// Write the merged config back to --config (a backup is kept as FILE.bak).
    #[arg(long, requires = "config")]
    pub write: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct GrantsArgs {
    /// Give `role: admin` to SRC (repeatable).
    #[arg(long = "admin", value_name = "SRC")]
    pub admins: Vec<String>,
    /// Give `role: user` and --models to SRC (repeatable).
    #[arg(long = "user", value_name = "SRC")]
    pub users: Vec<String>,
    /// Model globs for --user (repeatable; default `**`).
    #[arg(long = "models", value_name = "GLOB")]
    pub models: Vec<String>,
    /// Quota buckets charged for --user's models (repeatable).
    #[arg(long = "quota", value_name = "BUCKET")]
    pub quotas: Vec<String>,
    #[arg(long, value_enum, default_value_t = crate::tools::grants::Target::Config)]
    pub target: crate::tools::grants::Target,
    /// Policy `dst` selector (with --target policy).
    #[arg(long)]
    pub aperture_selector: Option<String>,
    /// Config file to merge into.
    #[arg(long)]
    pub config: Option<String>,
    /// Write the merged config back to --config (a backup is kept as FILE.bak).
    #[arg(long, requires = "config")]
    pub write: bool,
    /// Accept a result where nobody is admin.
    #[arg(long)]
    pub allow_no_admin: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct ClientArgs {
    /// The client to configure.
    #[arg(value_enum, ignore_case = true)]
    pub client: crate::tools::client::Client,
    /// Aperture's host (default `ai`).
    #[arg(long)]
    pub host: Option<String>,
    #[arg(long)]
    pub model: Option<String>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
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
    #[arg(long)]
    pub model: Option<String>,
    /// The Aperture path called, e.g. /v1/messages.
    #[arg(long)]
    pub endpoint: Option<String>,
    /// Print who can reach which model, for every source in the grants.
    #[arg(long)]
    pub matrix: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
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
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
    },
    /// Show what applying FILE would do: validation, diff (secrets fingerprinted), access changes.
    Plan {
        url: String,
        file: String,
        /// Your identity (login or tag:a,tag:b): checks that you stay admin.
        #[arg(long = "as", value_name = "IDENTITY")]
        as_identity: Option<String>,
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
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
        backup_dir: std::path::PathBuf,
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
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
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
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
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Config file, or `-` for stdin.
    pub file: String,
    /// Write the migrated config back to FILE (a backup is kept as FILE.bak).
    #[arg(long)]
    pub write: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
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
    /// Offer the live config tools (get_config, plan_config, apply_config), which read and
    /// change running gateways.
    #[arg(long)]
    pub allow_write: bool,
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
            let message = crate::redact::mask_text(&format!("{e:#}"));
            let _ = writeln!(std::io::stderr().lock(), "error: {message}");
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

fn read_text(path: &str) -> anyhow::Result<String> {
    let bytes = if path == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(crate::config::MAX_DOCUMENT_BYTES as u64 + 1)
            .read_to_end(&mut bytes)?;
        bytes
    } else {
        input::read_file(path)?
    };
    String::from_utf8(bytes).map_err(|_| {
        anyhow::anyhow!("`{path}` is not UTF-8 text; run `validate {path}` for details")
    })
}

/// Print a generator's result: JSON, or the readable parts.
fn print_result(
    value: &impl serde::Serialize,
    format: OutputFormat,
    human: impl FnOnce() -> String,
) -> anyhow::Result<()> {
    match format {
        OutputFormat::Json => write_json(value),
        OutputFormat::Human => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(human().as_bytes())?;
            stdout.flush()?;
            Ok(())
        }
    }
}

fn notes_block(notes: &[String]) -> String {
    notes.iter().map(|n| format!("note: {n}\n")).collect()
}

fn diagnostics_block(diagnostics: &[crate::diagnostic::Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}[{}] {}: {}\n  fix: {}\n",
                d.severity.as_str(),
                d.code,
                d.path,
                d.message,
                d.fix.description
            )
        })
        .collect()
}

fn run_provider(args: ProviderArgs) -> anyhow::Result<ExitStatus> {
    let config = args.config.as_deref().map(read_text).transpose()?;
    let input = crate::tools::provider::ProviderInput {
        kind: args.kind,
        id: args.id,
        models: (!args.models.is_empty()).then_some(args.models),
        baseurl: args.baseurl,
        region: args.region,
        apikey: None,
        source: config
            .map(crate::tools::ConfigInput::text)
            .unwrap_or_default(),
        replace: args.replace,
    };
    let out = crate::tools::provider::generate_provider(&input, crate::tools::PathPolicy::Allowed)?;
    if args.write
        && let Some(path) = &args.config
    {
        crate::tools::write::write_with_backup(path, &out.config)?;
    }
    print_result(&out, args.format, || {
        let written = if args.write {
            format!(
                "wrote {} (backup: {}.bak)\n",
                args.config.as_deref().unwrap_or(""),
                args.config.as_deref().unwrap_or("")
            )
        } else {
            String::new()
        };
        let body = if args.write {
            String::new()
        } else {
            format!("{}\n", out.config.trim_end())
        };
        format!(
            "{body}{written}{}{}",
            diagnostics_block(&out.diagnostics),
            notes_block(&out.notes)
        )
    })?;
    Ok(ExitStatus::Success)
}

fn run_grants(args: GrantsArgs) -> anyhow::Result<ExitStatus> {
    use crate::access::Role;
    use crate::tools::grants::{GrantRule, GrantsInput, generate_grants};
    let mut rules: Vec<GrantRule> = args
        .admins
        .iter()
        .map(|a| GrantRule {
            src: vec![a.clone()],
            role: Some(Role::Admin),
            ..Default::default()
        })
        .collect();
    if !args.users.is_empty() {
        let models = if args.models.is_empty() {
            vec!["**".to_owned()]
        } else {
            args.models.clone()
        };
        rules.push(GrantRule {
            src: args.users.clone(),
            role: Some(Role::User),
            models: Some(models),
            quotas: (!args.quotas.is_empty()).then(|| args.quotas.clone()),
            ..Default::default()
        });
    }
    let config = args.config.as_deref().map(read_text).transpose()?;
    let input = GrantsInput {
        rules,
        target: args.target,
        aperture_selector: args.aperture_selector,
        ip: None,
        source: config
            .map(crate::tools::ConfigInput::text)
            .unwrap_or_default(),
        allow_no_admin: args.allow_no_admin,
    };
    let out = generate_grants(&input, crate::tools::PathPolicy::Allowed)?;
    if args.write
        && let (Some(path), Some(text)) = (&args.config, &out.config)
    {
        crate::tools::write::write_with_backup(path, text)?;
    }
    print_result(&out, args.format, || {
        let mut text = serde_json::to_string_pretty(&out.grants).unwrap_or_default();
        text.push_str("\n\neffective access:\n");
        for row in &out.access {
            let role = row.role.map_or("none", Role::as_str);
            text.push_str(&format!(
                "  {:<32} role={:<6} models={}\n",
                row.src,
                role,
                if row.models.is_empty() {
                    "none".to_owned()
                } else {
                    row.models.join(", ")
                }
            ));
        }
        format!(
            "{text}{}{}",
            diagnostics_block(&out.diagnostics),
            notes_block(&out.notes)
        )
    })?;
    Ok(ExitStatus::Success)
}

fn run_client(args: ClientArgs) -> anyhow::Result<ExitStatus> {
    let input = crate::tools::client::ClientInput {
        client: args.client,
        host: args.host,
        model: args.model,
    };
    let out = crate::tools::client::generate_client_config(&input)?;
    print_result(&out, args.format, || {
        let mut text = String::new();
        for f in &out.files {
            text.push_str(&format!(
                "# {} ({}; {})\n{}\n",
                f.path,
                f.format,
                f.source,
                f.content.trim_end()
            ));
        }
        if !out.env.is_empty() {
            text.push_str("\n# environment\n");
            for (k, v) in &out.env {
                text.push_str(&format!("export {k}={v:?}\n"));
            }
        }
        for c in &out.commands {
            text.push_str(&format!("\n$ {c}"));
        }
        if !out.commands.is_empty() {
            text.push('\n');
        }
        format!("{text}\n{}", notes_block(&out.notes))
    })?;
    Ok(ExitStatus::Success)
}

fn run_migrate(args: MigrateArgs) -> anyhow::Result<ExitStatus> {
    let text = read_text(&args.file)?;
    let out = crate::tools::migrate::migrate_text(&text)?;
    if args.write && out.changed && args.file != "-" {
        crate::tools::write::write_with_backup(&args.file, &out.config)?;
    }
    print_result(&out, args.format, || {
        let body = if out.changed {
            out.diff.clone()
        } else {
            String::new()
        };
        let changes: String = out
            .changes
            .iter()
            .map(|c| format!("migrated {} {}: {}\n", c.code, c.path, c.description))
            .collect();
        format!(
            "{body}{changes}{}{}",
            diagnostics_block(&out.diagnostics),
            notes_block(&out.notes)
        )
    })?;
    Ok(ExitStatus::Success)
}

fn run_explain(args: ExplainArgs) -> anyhow::Result<ExitStatus> {
    use crate::explain::Outcome;
    let text = read_text(&args.config)?;
    let identity = crate::access::Identity {
        login: args.login,
        tags: args.tags,
        groups: args.groups,
    };
    let who = identity.login.is_some() || !identity.tags.is_empty() || !identity.groups.is_empty();
    if args.matrix && !who && args.model.is_none() {
        // Matrix only: no request to simulate.
        let doc = crate::config::Document::parse(&text)?;
        let grants = crate::tools::explain::Grants::new(doc);
        let matrix = crate::explain::matrix(grants.root(), &grants.refs());
        print_result(&matrix, args.format, || render_matrix(&matrix))?;
        return Ok(ExitStatus::Success);
    }
    let Some(model) = args.model else {
        anyhow::bail!("--model is required (or use --matrix alone for the access matrix)");
    };
    let input = crate::tools::explain::ExplainInput {
        source: crate::tools::ConfigInput::text(text),
        identity,
        model,
        endpoint: args.endpoint,
        matrix: args.matrix,
    };
    let out = crate::tools::explain::explain_access(&input, crate::tools::PathPolicy::Allowed)?;
    let e = &out.explanation;
    print_result(&out, args.format, || {
        let outcome = serde_json::to_value(e.outcome)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let mut text = format!(
            "{} → {outcome} (HTTP {})\n",
            e.identity.as_deref().unwrap_or("?"),
            e.expected_status
        );
        for step in &e.steps {
            let at = step
                .path
                .as_deref()
                .map(|p| format!("  [{p}]"))
                .unwrap_or_default();
            text.push_str(&format!(
                "  {:<13} {:<11} {}{at}\n",
                step.stage, step.result, step.detail
            ));
        }
        if let Some(url) = &e.upstream_url {
            text.push_str(&format!("upstream: {url}\n"));
        }
        if let Some(auth) = &e.upstream_auth {
            text.push_str(&format!("credential: {auth}\n"));
        }
        if let Some(matrix) = &out.matrix {
            text.push('\n');
            text.push_str(&render_matrix(matrix));
        }
        format!("{text}{}", notes_block(&out.notes))
    })?;
    Ok(if e.outcome == Outcome::Allowed {
        ExitStatus::Success
    } else {
        ExitStatus::Findings
    })
}

fn run_config(command: ConfigCommand) -> anyhow::Result<ExitStatus> {
    use crate::tools::live_config::{self, ChangeInput, GetInput};
    let change = |url: String,
                  file: &str,
                  as_identity: Option<String>,
                  confirm: bool|
     -> anyhow::Result<ChangeInput> {
        Ok(ChangeInput {
            url,
            source: crate::tools::ConfigInput::text(read_text(file)?),
            as_identity,
            confirm,
        })
    };
    match command {
        ConfigCommand::Pull { url, out, format } => {
            let live = block_on(live_config::get_config(&GetInput { url }))?;
            if let Some(path) = &out {
                crate::tools::write::write_with_backup(path, &live.config)?;
            }
            print_result(&live, format, || match &out {
                Some(path) => format!(
                    "wrote {path} ({:?} API, version {})\n",
                    live.api, live.version
                ),
                None => live.config.clone(),
            })?;
            Ok(ExitStatus::Success)
        }
        ConfigCommand::Plan {
            url,
            file,
            as_identity,
            format,
        } => {
            let input = change(url, &file, as_identity, false)?;
            let plan = block_on(live_config::plan_config(
                &input,
                crate::tools::PathPolicy::Allowed,
            ))?;
            print_result(&plan, format, || render_plan(&plan))?;
            Ok(if plan.valid && plan.lockout.is_none() {
                ExitStatus::Success
            } else {
                ExitStatus::Findings
            })
        }
        ConfigCommand::Push {
            url,
            file,
            apply,
            confirm,
            as_identity,
            backup_dir,
            format,
        } => {
            let input = change(url, &file, as_identity, confirm)?;
            let out = block_on(live_config::apply_config(
                &input,
                crate::tools::PathPolicy::Allowed,
                !apply,
                &backup_dir,
            ))?;
            print_result(&out, format, || {
                let mut text = render_plan(&out.plan);
                if let Some(why) = &out.refused {
                    text.push_str(&format!("not applied: {why}\n"));
                }
                if let Some(backup) = &out.backup {
                    text.push_str(&format!("backup of the previous live config: {backup}\n"));
                }
                if out.applied {
                    text.push_str(&format!(
                        "applied; new version {}\n",
                        out.new_version.as_deref().unwrap_or("?")
                    ));
                }
                if let Some(reread) = &out.reread {
                    text.push_str(&format!("re-read: {reread}\n"));
                }
                text
            })?;
            let dry_run_only = out.refusal == Some(live_config::Refusal::DryRun);
            Ok(if out.applied || dry_run_only {
                ExitStatus::Success
            } else {
                ExitStatus::Findings
            })
        }
    }
}

fn render_plan(plan: &crate::tools::live_config::Plan) -> String {
    let mut text = format!(
        "{} ({:?} API, live version {})\n",
        plan.url, plan.api, plan.live_version
    );
    if !plan.valid {
        for e in &plan.errors {
            text.push_str(&format!("error[{}] {} ({})\n", e.code, e.message, e.path));
        }
    }
    text.push_str(if plan.changed {
        &plan.diff
    } else {
        "no change\n"
    });
    for change in &plan.access {
        let role = |r: Option<crate::access::Role>| match r {
            Some(role) => role.as_str(),
            None => "none",
        };
        text.push_str(&format!(
            "access {}: role {} → {}; gains {:?}; loses {:?}\n",
            change.src,
            role(change.role_before),
            role(change.role_after),
            change.models_gained,
            change.models_lost
        ));
    }
    if let Some(lockout) = &plan.lockout {
        text.push_str(&format!("LOCKOUT: {lockout}\n"));
    }
    format!("{text}{}", notes_block(&plan.notes))
}

fn run_diagnose(args: DiagnoseArgs) -> anyhow::Result<ExitStatus> {
    use crate::tools::diagnose::{DiagnoseInput, diagnose_symptom};
    let config = args.config.as_deref().map(read_text).transpose()?;
    let input = DiagnoseInput {
        symptom: args.text,
        http_status: args.status,
        error_text: args.error_text,
        source: crate::tools::ConfigInput {
            config,
            config_path: None,
        },
        url: args.url,
    };
    let out = block_on(diagnose_symptom(&input, crate::tools::PathPolicy::Allowed))?;
    print_result(&out, args.format, || crate::render::diagnosis_report(&out))?;
    Ok(ExitStatus::Success)
}

fn run_test(args: TestArgs) -> anyhow::Result<ExitStatus> {
    use crate::tools::test_endpoint::{TestInput, test_endpoint};
    let input = TestInput {
        url: args.url,
        model: args.model,
        api: args.api,
        send_completion: args.send,
        timeout_ms: args.timeout_ms,
        api_key_env: args.api_key_env,
    };
    let out = block_on(test_endpoint(&input, crate::tools::PathPolicy::Allowed))?;
    print_result(&out, args.format, || crate::render::probe_report(&out))?;
    Ok(match out.report.verdict {
        crate::probe::Verdict::Ok => ExitStatus::Success,
        _ => ExitStatus::Findings,
    })
}

fn render_matrix(matrix: &crate::explain::Matrix) -> String {
    let mut text = format!("access matrix ({} models):\n", matrix.models.len());
    for row in &matrix.rows {
        let role = match row.role {
            Some(role) => role.as_str(),
            None => "none",
        };
        let models = if row.allowed.is_empty() {
            "nothing".to_owned()
        } else if row.allowed.len() == matrix.models.len() {
            "every model".to_owned()
        } else {
            row.allowed.join(", ")
        };
        text.push_str(&format!("  {:<32} {:<6} {models}\n", row.src, role));
    }
    text
}

fn run_skill_references(dir: &std::path::Path, check: bool) -> anyhow::Result<ExitStatus> {
    let mut stale = Vec::new();
    for (name, rendered) in crate::reference::all() {
        let path = dir.join(name);
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        if on_disk == rendered {
            continue;
        }
        stale.push(path.display().to_string());
        if !check {
            std::fs::create_dir_all(dir)?;
            std::fs::write(&path, rendered)?;
        }
    }
    let mut stderr = std::io::stderr().lock();
    match (check, stale.is_empty()) {
        (_, true) => writeln!(stderr, "the references in {} are current", dir.display())?,
        (true, false) => {
            writeln!(
                stderr,
                "stale (run `aperture-orchestrator skill references`): {}",
                stale.join(", ")
            )?;
            return Ok(ExitStatus::Findings);
        }
        (false, false) => writeln!(stderr, "regenerated: {}", stale.join(", "))?,
    }
    Ok(ExitStatus::Success)
}

fn run_skill_install(
    project: bool,
    dir: Option<std::path::PathBuf>,
    force: bool,
) -> anyhow::Result<ExitStatus> {
    let base = if project {
        std::env::current_dir()?
    } else {
        std::env::var_os("HOME")
            .map(std::path::PathBuf::from)
            .ok_or_else(|| anyhow::anyhow!("HOME is not set; pass --dir or --project"))?
    };
    let dir = dir.unwrap_or_else(|| base.join(".claude/skills/aperture-orchestrator"));
    let command = std::env::current_exe()
        .ok()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "aperture-orchestrator".into());
    let options = crate::skill::InstallOptions {
        dir,
        project_mcp_json: project.then(|| base.join(".mcp.json")),
        command,
        force,
    };
    let report = crate::skill::install(&options)?;
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "installed the skill in {} ({} files)",
        report.dir,
        report.files.len()
    )?;
    if let Some(path) = &report.mcp_json {
        writeln!(
            stdout,
            "registered the MCP server in {path} (a backup is kept as {path}.bak when it existed)"
        )?;
    }
    if let Some(command) = &report.register_command {
        writeln!(stdout, "register the MCP server with:\n  {command}")?;
    }
    Ok(ExitStatus::Success)
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
    match args.http {
        None => {
            // One thread is plenty for one stdio client and keeps start-up small.
            block_on(crate::mcp::serve_stdio(args.allow_write))?;
        }
        Some(addr) => {
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
