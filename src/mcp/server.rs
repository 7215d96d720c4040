//! The MCP server handler: identity, instructions, tools, prompts and resources.
//!
//! Registering a tool: write `tools/<name>.md` (its description), then add one `#[tool]`
//! method below that calls the library function through [`run_tool`]. Nothing else changes.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rmcp::{
    ErrorData as McpError, Json, RoleServer, ServerHandler,
    handler::server::{router::tool::ToolRouter, tool::ToolCallContext, wrapper::Parameters},
    model::{
        CallToolRequestParams, CallToolResponse, GetPromptRequestParams, GetPromptResponse,
        GetPromptResult, Implementation, ListPromptsResult, ListResourcesResult,
        PaginatedRequestParams, Prompt, PromptArgument, PromptMessage, ReadResourceRequestParams,
        ReadResourceResponse, ReadResourceResult, Role, ServerCapabilities, ServerConfig,
    },
    service::RequestContext,
    tool, tool_handler, tool_router,
};
use serde::Serialize;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use super::schema::{self, Keep};
use super::{prompts, resources};
use crate::tools::client::{ClientInput, ClientOutput};
use crate::tools::connector::{self, ConnectorInput, ConnectorOutput};
use crate::tools::diagnose::{self, DiagnoseInput, DiagnoseOutput};
use crate::tools::explain::{self, ExplainInput, ExplainOutput};
use crate::tools::grants::{self, GrantsInput, GrantsOutput};
use crate::tools::live_config::{self, ApplyOutput, ChangeInput, GetInput, LiveConfig, Plan};
use crate::tools::migrate::{self, MigrateInput, MigrateOutput};
use crate::tools::provider::{self, ProviderInput, ProviderOutput};
use crate::tools::quota::{self, QuotaInput, QuotaStatus, RefillInput, RefillOutput};
use crate::tools::status::{self, GatewayStatus, StatusInput};
use crate::tools::test_endpoint::{self, TestInput, TestOutput};
use crate::tools::validate::{self, ValidateInput, ValidateOutput};
use crate::tools::{PathPolicy, ToolError};

/// The `instructions` of the initialize result: which tool, prompt or resource to use when.
pub const INSTRUCTIONS: &str = "\
aperture-orchestrator checks and writes Aperture by Tailscale gateway configs (HuJSON). Tools take the document as `config` text (or a local `config_path`).
- validate_config before saving any config; re-run until valid.
- generate_* merge into the user's config; never hand-write blocks.
- A reported failure: diagnose_symptom first; explain_access for who reaches what.
- A live gateway (url like http://ai): gateway_status first, then test_endpoint, get_quotas.
- Guide: aperture://skill/SKILL.md; codes: aperture://catalog/rules.json.";

/// The MCP server. Cheap to clone: one instance per stdio connection or HTTP session.
#[derive(Clone)]
pub struct Server {
    policy: PathPolicy,
    /// Offer the live config tools (`serve --allow-write`).
    live_config: bool,
    /// How long one tool call may run.
    budget: Duration,
}

/// The tools that read and change a running gateway: listed only with `--allow-write`.
/// Tools offered only with `serve --allow-write`: the live config tools and the budget refill.
pub const WRITE_TOOLS: &[&str] = &["get_config", "plan_config", "apply_config", "refill_quota"];

/// The names of the tools a server offers, sorted, read from its tool router: with
/// `allow_write` (`serve --allow-write`) the live config tools are among them.
pub fn tool_names(allow_write: bool) -> Vec<String> {
    Server::new(PathPolicy::Allowed)
        .with_live_config(allow_write)
        .router()
        .list_all()
        .into_iter()
        .map(|tool| tool.name.into_owned())
        .collect()
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("policy", &self.policy)
            .field("live_config", &self.live_config)
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

/// How long one tool call may take before its caller gets an error result (`serve
/// --call-budget-secs`). Probes have their own shorter deadline (`timeout_ms`).
pub const DEFAULT_CALL_BUDGET: Duration = Duration::from_secs(60);

/// The CPU-bound tool calls allowed to run at once: one per core, so heavy calls queue instead
/// of starving the async workers (which keep answering `/healthz`, pings and cheap calls).
fn heavy_slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| {
        Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZero::get))
    })
}

/// The error text of a tool call that panicked (a bug).
fn panicked(name: &str) -> String {
    tracing::error!(tool = name, "tool panicked");
    format!(
        "internal error in {name}; this is a bug in aperture-orchestrator, please report it with the input that caused it"
    )
}

fn over_budget(name: &str, budget: Duration) -> String {
    tracing::warn!(tool = name, ?budget, "tool call over its budget");
    format!(
        "{name} did not finish within its {} s budget; pass a smaller input, or start the server with a larger --call-budget-secs",
        budget.as_secs_f64()
    )
}

fn finish<T>(result: Result<T, ToolError>) -> Result<Json<T>, String> {
    result
        .map(Json)
        .map_err(|e| crate::redact::mask_text(&e.to_string()))
}

/// Run a CPU-bound library tool as an MCP tool on the blocking pool, at most [`heavy_slots`]
/// at a time, within `budget` (waiting for a slot counts). Its error text becomes an `isError`
/// result the model can act on, and a panic (a bug) becomes an `isError` result instead of a
/// lost reply. Work past the budget or after cancellation finishes in the background still
/// holding its slot, so the number of running heavy calls stays bounded.
async fn run_tool<T: Serialize + Send + 'static>(
    name: &str,
    budget: Duration,
    ct: CancellationToken,
    f: impl FnOnce() -> Result<T, ToolError> + Send + 'static,
) -> Result<Json<T>, String> {
    let deadline = tokio::time::Instant::now() + budget;
    let work = async {
        let permit = heavy_slots()
            .acquire()
            .await
            .map_err(|_| "the server is shutting down".to_owned())?;
        let handle = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            std::panic::catch_unwind(AssertUnwindSafe(f))
        });
        match handle.await {
            Ok(Ok(result)) => finish(result),
            Ok(Err(_)) | Err(_) => Err(panicked(name)),
        }
    };
    // A result that arrives after the deadline is over budget too: the timer fires on its own
    // tick, so without this check the outcome near the deadline would be the scheduler's pick.
    tokio::select! {
        biased;
        () = tokio::time::sleep_until(deadline) => Err(over_budget(name, budget)),
        () = ct.cancelled() => Err(format!("{name} was cancelled")),
        result = work => {
            if tokio::time::Instant::now() > deadline {
                Err(over_budget(name, budget))
            } else {
                result
            }
        }
    }
}

/// Aborts its task when dropped: a call whose caller is gone stops its outbound work.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// [`run_tool`] for async tools (probes): the future runs as its own task, so a panic is
/// caught as a join error; cancellation (`notifications/cancelled`, a closed session) or the
/// budget aborts the task, closing its connections.
async fn run_async_tool<T, F>(
    name: &str,
    budget: Duration,
    ct: CancellationToken,
    f: F,
) -> Result<Json<T>, String>
where
    T: Serialize + Send + 'static,
    F: Future<Output = Result<T, ToolError>> + Send + 'static,
{
    let mut task = AbortOnDrop(tokio::spawn(f));
    tokio::select! {
        joined = &mut task.0 => match joined {
            Ok(result) => finish(result),
            Err(_) => Err(panicked(name)),
        },
        () = tokio::time::sleep(budget) => Err(over_budget(name, budget)),
        () = ct.cancelled() => Err(format!("{name} was cancelled")),
    }
}

#[tool_router]
impl Server {
    /// A server whose tools read local files per `policy` (`config_path`).
    pub fn new(policy: PathPolicy) -> Self {
        Self {
            policy,
            live_config: false,
            budget: DEFAULT_CALL_BUDGET,
        }
    }

    /// Give each tool call at most `budget` (`serve --call-budget-secs`).
    pub fn with_call_budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// Also offer the live config tools (get, plan, apply a running gateway's config).
    pub fn with_live_config(mut self, enabled: bool) -> Self {
        self.live_config = enabled;
        self
    }

    /// The tool router, built once per process on first use: `initialize` does not need the
    /// tool schemas, so start-up does not pay for generating them. Without `--allow-write` the
    /// live config tools are not in it, so they are neither listed nor callable.
    fn router(&self) -> &'static ToolRouter<Self> {
        static FULL: std::sync::OnceLock<ToolRouter<Server>> = std::sync::OnceLock::new();
        static DEFAULT: std::sync::OnceLock<ToolRouter<Server>> = std::sync::OnceLock::new();
        if self.live_config {
            FULL.get_or_init(Self::compacted_tool_router)
        } else {
            DEFAULT.get_or_init(|| {
                let mut router = Self::compacted_tool_router();
                for name in WRITE_TOOLS {
                    router.remove_route(name);
                }
                router
            })
        }
    }

    /// The tool router with compact schemas (see [`schema`]).
    fn compacted_tool_router() -> ToolRouter<Self> {
        let mut router = Self::tool_router();
        for route in router.map.values_mut() {
            let tool = &mut route.attr;
            let mut input = (*tool.input_schema).clone();
            schema::compact(&mut input, Keep::Descriptions);
            tool.input_schema = Arc::new(input);
            if let Some(output) = &tool.output_schema {
                let mut output = (**output).clone();
                schema::compact(&mut output, Keep::StructureOnly);
                schema::shallow(&mut output);
                tool.output_schema = Some(Arc::new(output));
            }
        }
        router
    }

    #[tool(
        name = "validate_config",
        description = include_str!("../../tools/validate_config.md").trim_ascii(),
        annotations(
            title = "Validate an Aperture config",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn validate_config(
        &self,
        Parameters(input): Parameters<ValidateInput>,
        ct: CancellationToken,
    ) -> Result<Json<ValidateOutput>, String> {
        let policy = self.policy;
        run_tool("validate_config", self.budget, ct, move || {
            validate::validate(&input, policy)
        })
        .await
    }

    #[tool(
        name = "generate_provider",
        description = include_str!("../../tools/generate_provider.md").trim_ascii(),
        annotations(
            title = "Generate a provider",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn generate_provider(
        &self,
        Parameters(input): Parameters<ProviderInput>,
        ct: CancellationToken,
    ) -> Result<Json<ProviderOutput>, String> {
        let policy = self.policy;
        run_tool("generate_provider", self.budget, ct, move || {
            let daemon = crate::tools::live_config::Daemon::from_env();
            provider::generate_provider(&input, policy, &daemon)
        })
        .await
    }

    #[tool(
        name = "generate_connector",
        description = include_str!("../../tools/generate_connector.md").trim_ascii(),
        annotations(
            title = "Generate a connector",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn generate_connector(
        &self,
        Parameters(input): Parameters<ConnectorInput>,
        ct: CancellationToken,
    ) -> Result<Json<ConnectorOutput>, String> {
        let policy = self.policy;
        run_tool("generate_connector", self.budget, ct, move || {
            connector::generate_connector(&input, policy)
        })
        .await
    }

    #[tool(
        name = "generate_grants",
        description = include_str!("../../tools/generate_grants.md").trim_ascii(),
        annotations(
            title = "Generate grants",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn generate_grants(
        &self,
        Parameters(input): Parameters<GrantsInput>,
        ct: CancellationToken,
    ) -> Result<Json<GrantsOutput>, String> {
        let policy = self.policy;
        run_tool("generate_grants", self.budget, ct, move || {
            grants::generate_grants(&input, policy)
        })
        .await
    }

    #[tool(
        name = "generate_client_config",
        description = include_str!("../../tools/generate_client_config.md").trim_ascii(),
        annotations(
            title = "Point a client at Aperture",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn generate_client_config(
        &self,
        Parameters(input): Parameters<ClientInput>,
        ct: CancellationToken,
    ) -> Result<Json<ClientOutput>, String> {
        let policy = self.policy;
        run_tool("generate_client_config", self.budget, ct, move || {
            crate::tools::client_check::generate_client_config_in(&input, policy)
        })
        .await
    }

    #[tool(
        name = "explain_access",
        description = include_str!("../../tools/explain_access.md").trim_ascii(),
        annotations(
            title = "Explain a request's access",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn explain_access(
        &self,
        Parameters(input): Parameters<ExplainInput>,
        ct: CancellationToken,
    ) -> Result<Json<ExplainOutput>, String> {
        let policy = self.policy;
        run_tool("explain_access", self.budget, ct, move || {
            explain::explain_access(&input, policy)
        })
        .await
    }

    #[tool(
        name = "test_endpoint",
        description = include_str!("../../tools/test_endpoint.md").trim_ascii(),
        annotations(
            title = "Probe a live gateway",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn test_endpoint(
        &self,
        Parameters(input): Parameters<TestInput>,
        ct: CancellationToken,
    ) -> Result<Json<TestOutput>, String> {
        let policy = self.policy;
        run_async_tool("test_endpoint", self.budget, ct, async move {
            test_endpoint::test_endpoint(&input, policy).await
        })
        .await
    }

    #[tool(
        name = "gateway_status",
        description = include_str!("../../tools/gateway_status.md").trim_ascii(),
        annotations(
            title = "A gateway's status in one call",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn gateway_status(
        &self,
        Parameters(input): Parameters<StatusInput>,
        ct: CancellationToken,
    ) -> Result<Json<GatewayStatus>, String> {
        let policy = self.policy;
        run_async_tool("gateway_status", self.budget, ct, async move {
            let daemon = crate::tools::live_config::Daemon::from_env();
            status::gateway_status(&input, policy, &daemon).await
        })
        .await
    }

    #[tool(
        name = "get_quotas",
        description = include_str!("../../tools/get_quotas.md").trim_ascii(),
        annotations(
            title = "Budgets on a gateway",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn get_quotas(
        &self,
        Parameters(input): Parameters<QuotaInput>,
        ct: CancellationToken,
    ) -> Result<Json<QuotaStatus>, String> {
        let policy = self.policy;
        run_async_tool("get_quotas", self.budget, ct, async move {
            quota::get_quotas(&input, policy).await
        })
        .await
    }

    #[tool(
        name = "refill_quota",
        description = include_str!("../../tools/refill_quota.md").trim_ascii(),
        annotations(
            title = "Refill a budget bucket",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = false,
            open_world_hint = true
        )
    )]
    async fn refill_quota(
        &self,
        Parameters(input): Parameters<RefillInput>,
        ct: CancellationToken,
    ) -> Result<Json<RefillOutput>, String> {
        run_async_tool("refill_quota", self.budget, ct, async move {
            quota::refill_quota(&input).await
        })
        .await
    }

    #[tool(
        name = "diagnose_symptom",
        description = include_str!("../../tools/diagnose_symptom.md").trim_ascii(),
        annotations(
            title = "Diagnose a symptom",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            // Reaches out to the gateway when given a `url`.
            open_world_hint = true
        )
    )]
    async fn diagnose_symptom(
        &self,
        Parameters(input): Parameters<DiagnoseInput>,
        ct: CancellationToken,
    ) -> Result<Json<DiagnoseOutput>, String> {
        let policy = self.policy;
        run_async_tool("diagnose_symptom", self.budget, ct, async move {
            diagnose::diagnose_symptom(&input, policy).await
        })
        .await
    }

    #[tool(
        name = "get_config",
        description = include_str!("../../tools/get_config.md").trim_ascii(),
        annotations(
            title = "Read a gateway's live config",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn get_config(
        &self,
        Parameters(input): Parameters<GetInput>,
        ct: CancellationToken,
    ) -> Result<Json<LiveConfig>, String> {
        run_async_tool("get_config", self.budget, ct, async move {
            live_config::get_config(&input).await
        })
        .await
    }

    #[tool(
        name = "plan_config",
        description = include_str!("../../tools/plan_config.md").trim_ascii(),
        annotations(
            title = "Plan a live config change",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn plan_config(
        &self,
        Parameters(input): Parameters<ChangeInput>,
        ct: CancellationToken,
    ) -> Result<Json<Plan>, String> {
        let policy = self.policy;
        run_async_tool("plan_config", self.budget, ct, async move {
            let options = live_config::ApplyOptions::new("aperture-backups");
            live_config::plan_config(&input, policy, &options).await
        })
        .await
    }

    #[tool(
        name = "apply_config",
        description = include_str!("../../tools/apply_config.md").trim_ascii(),
        annotations(
            title = "Apply a config to a live gateway",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = false,
            open_world_hint = true
        )
    )]
    async fn apply_config(
        &self,
        Parameters(input): Parameters<ChangeInput>,
        ct: CancellationToken,
    ) -> Result<Json<ApplyOutput>, String> {
        let policy = self.policy;
        run_async_tool("apply_config", self.budget, ct, async move {
            let options = live_config::ApplyOptions::new("aperture-backups");
            live_config::apply_config(&input, policy, &options).await
        })
        .await
    }

    #[tool(
        name = "migrate_config",
        description = include_str!("../../tools/migrate_config.md").trim_ascii(),
        annotations(
            title = "Migrate legacy config forms",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn migrate_config(
        &self,
        Parameters(input): Parameters<MigrateInput>,
        ct: CancellationToken,
    ) -> Result<Json<MigrateOutput>, String> {
        let policy = self.policy;
        run_tool("migrate_config", self.budget, ct, move || {
            migrate::migrate(&input, policy)
        })
        .await
    }
}

#[tool_handler(router = self.router())]
impl ServerHandler for Server {
    /// The router's call, after turning text arguments into the types the tool's schema asks
    /// for (see [`schema::coerce_arguments`]).
    async fn call_tool(
        &self,
        mut request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        if let (Some(tool), Some(arguments)) =
            (self.router().get(&request.name), request.arguments.as_mut())
        {
            schema::coerce_arguments(&tool.input_schema, arguments);
        }
        self.router()
            .call(ToolCallContext::new(self, request, context))
            .await
    }

    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_prompts()
                .enable_resources()
                .build(),
        )
        .with_server_info(
            Implementation::new(env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"))
                .with_title("Aperture orchestrator"),
        )
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        Ok(ListPromptsResult::with_all_items(
            prompts::all().iter().map(prompt_listing).collect(),
        ))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, McpError> {
        let Some(def) = prompts::find(&request.name) else {
            let names: Vec<&str> = prompts::all().iter().map(|p| p.name.as_str()).collect();
            return Err(McpError::invalid_params(
                format!(
                    "no prompt named `{}`; available: {}",
                    request.name,
                    names.join(", ")
                ),
                None,
            ));
        };
        let mut given = BTreeMap::new();
        for (key, value) in request.arguments.unwrap_or_default() {
            let text = match value {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => continue,
                // The spec types prompt arguments as strings; accept numbers and booleans too.
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                _ => {
                    return Err(McpError::invalid_params(
                        format!("prompt argument `{key}` must be a string"),
                        None,
                    ));
                }
            };
            given.insert(key, text);
        }
        let text = def
            .render(&given)
            .map_err(|e| McpError::invalid_params(e.0, None))?;
        Ok(
            GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
                .with_description(def.description.clone())
                .into(),
        )
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        Ok(ListResourcesResult::with_all_items(
            resources::ALL
                .iter()
                .map(resources::ResourceDef::listing)
                .collect(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        match resources::find(&request.uri) {
            Some(def) => Ok(ReadResourceResult::new(vec![def.contents()]).into()),
            None => {
                let uris: Vec<&str> = resources::ALL.iter().map(|r| r.uri).collect();
                Err(McpError::resource_not_found(
                    format!(
                        "no resource `{}`; available: {}",
                        request.uri,
                        uris.join(", ")
                    ),
                    None,
                ))
            }
        }
    }
}

fn prompt_listing(def: &prompts::PromptDef) -> Prompt {
    let arguments = def
        .arguments
        .iter()
        .map(|a| {
            PromptArgument::new(&a.name)
                .with_description(&a.description)
                .with_required(a.required)
        })
        .collect::<Vec<_>>();
    Prompt::new(
        &def.name,
        Some(&def.description),
        (!arguments.is_empty()).then_some(arguments),
    )
}
