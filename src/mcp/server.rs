//! The MCP server handler: identity, instructions, tools, prompts and resources.
//!
//! Registering a tool: write `tools/<name>.md` (its description), then add one `#[tool]`
//! method below that calls the library function through [`run_tool`]. Nothing else changes.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use rmcp::{
    ErrorData as McpError, Json, RoleServer, ServerHandler,
    handler::server::{router::tool::ToolRouter, wrapper::Parameters},
    model::{
        GetPromptRequestParams, GetPromptResponse, GetPromptResult, Implementation,
        ListPromptsResult, ListResourcesResult, PaginatedRequestParams, Prompt, PromptArgument,
        PromptMessage, ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Role,
        ServerCapabilities, ServerConfig,
    },
    service::RequestContext,
    tool, tool_handler, tool_router,
};
use serde::Serialize;

use super::schema::{self, Keep};
use super::{prompts, resources};
use crate::tools::client::{ClientInput, ClientOutput};
use crate::tools::diagnose::{self, DiagnoseInput, DiagnoseOutput};
use crate::tools::explain::{self, ExplainInput, ExplainOutput};
use crate::tools::grants::{self, GrantsInput, GrantsOutput};
use crate::tools::live_config::{self, ApplyOutput, ChangeInput, GetInput, LiveConfig, Plan};
use crate::tools::migrate::{self, MigrateInput, MigrateOutput};
use crate::tools::provider::{self, ProviderInput, ProviderOutput};
use crate::tools::test_endpoint::{self, TestInput, TestOutput};
use crate::tools::validate::{self, ValidateInput, ValidateOutput};
use crate::tools::{PathPolicy, ToolError};

/// The `instructions` of the initialize result: which tool, prompt or resource to use when.
pub const INSTRUCTIONS: &str = "\
aperture-orchestrator checks Aperture by Tailscale gateway configs (HuJSON).
- validate_config: before saving or proposing any config, pass the whole document as `config`; fix every error (the default save mode fails where Aperture's save would), address warnings too (they flag silent failures), apply fix.patch when given, and re-run until valid is true.
- generate_provider / generate_grants: to add a provider or give people models; pass the user's config to merge (comments kept). Never hand-write these blocks. generate_client_config: to point Claude Code, Codex, Gemini CLI, OpenCode or an SDK at Aperture.
- diagnose_symptom: first stop when the user describes a failure ('Claude Code says 405'); pass their words, the status, the error text, the config and the url. explain_access: why X gets 403/404, can CI reach model M (simulated step by step).
- test_endpoint: to check a live gateway (url like http://ai): reachability, role, model list, and with send_completion one real request per API; findings name the cause and fix.
- migrate_config: for configs from old guides (temp_grants, authorization objects, seed flag names).
- Prompts walk through common tasks: setup-gateway, connect-claude-code, troubleshoot, add-self-hosted-model, restrict-admin-access, cost-tiered-routing.
- Resources hold the detail: aperture://catalog/providers.json (baseurl, authorization, flags per provider), aperture://catalog/rules.json (every diagnostic code), aperture://catalog/symptoms.json (symptoms, causes, TE findings), aperture://schema/config.json (config schema), aperture://skill/SKILL.md (full guide).";

/// The MCP server. Cheap to clone: one instance per stdio connection or HTTP session.
#[derive(Clone)]
pub struct Server {
    policy: PathPolicy,
    /// Offer the live config tools (`serve --allow-write`).
    live_config: bool,
}

/// The tools that read and change a running gateway: listed only with `--allow-write`.
pub const LIVE_CONFIG_TOOLS: &[&str] = &["get_config", "plan_config", "apply_config"];

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
            .finish_non_exhaustive()
    }
}

/// Run a library tool function as an MCP tool: its error text becomes an `isError` result the
/// model can act on, and a panic (a bug) becomes an `isError` result instead of a lost reply.
fn run_tool<T: Serialize>(
    name: &str,
    f: impl FnOnce() -> Result<T, ToolError>,
) -> Result<Json<T>, String> {
    match std::panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(output)) => Ok(Json(output)),
        Ok(Err(e)) => Err(crate::redact::mask_text(&e.to_string())),
        Err(_) => {
            tracing::error!(tool = name, "tool panicked");
            Err(format!(
                "internal error in {name}; this is a bug in aperture-orchestrator, please report it with the input that caused it"
            ))
        }
    }
}

/// [`run_tool`] for async tools: the future runs as its own task, so a panic is caught as a
/// join error and reported instead of taking the connection down.
async fn run_async_tool<T, F>(name: &str, f: F) -> Result<Json<T>, String>
where
    T: Serialize + Send + 'static,
    F: Future<Output = Result<T, ToolError>> + Send + 'static,
{
    match tokio::spawn(f).await {
        Ok(Ok(output)) => Ok(Json(output)),
        Ok(Err(e)) => Err(crate::redact::mask_text(&e.to_string())),
        Err(_) => {
            tracing::error!(tool = name, "tool panicked");
            Err(format!(
                "internal error in {name}; this is a bug in aperture-orchestrator, please report it with the input that caused it"
            ))
        }
    }
}

#[tool_router]
impl Server {
    /// A server whose tools read local files per `policy` (`config_path`).
    pub fn new(policy: PathPolicy) -> Self {
        Self {
            policy,
            live_config: false,
        }
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
                for name in LIVE_CONFIG_TOOLS {
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
    fn validate_config(
        &self,
        Parameters(input): Parameters<ValidateInput>,
    ) -> Result<Json<ValidateOutput>, String> {
        run_tool("validate_config", || {
            validate::validate(&input, self.policy)
        })
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
    fn generate_provider(
        &self,
        Parameters(input): Parameters<ProviderInput>,
    ) -> Result<Json<ProviderOutput>, String> {
        run_tool("generate_provider", || {
            provider::generate_provider(&input, self.policy)
        })
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
    fn generate_grants(
        &self,
        Parameters(input): Parameters<GrantsInput>,
    ) -> Result<Json<GrantsOutput>, String> {
        run_tool("generate_grants", || {
            grants::generate_grants(&input, self.policy)
        })
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
    fn generate_client_config(
        &self,
        Parameters(input): Parameters<ClientInput>,
    ) -> Result<Json<ClientOutput>, String> {
        run_tool("generate_client_config", || {
            crate::tools::client_check::generate_client_config_in(&input, self.policy)
        })
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
    fn explain_access(
        &self,
        Parameters(input): Parameters<ExplainInput>,
    ) -> Result<Json<ExplainOutput>, String> {
        run_tool("explain_access", || {
            explain::explain_access(&input, self.policy)
        })
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
    ) -> Result<Json<TestOutput>, String> {
        let policy = self.policy;
        run_async_tool("test_endpoint", async move {
            test_endpoint::test_endpoint(&input, policy).await
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
    ) -> Result<Json<DiagnoseOutput>, String> {
        let policy = self.policy;
        run_async_tool("diagnose_symptom", async move {
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
    ) -> Result<Json<LiveConfig>, String> {
        run_async_tool("get_config", async move {
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
    ) -> Result<Json<Plan>, String> {
        let policy = self.policy;
        run_async_tool("plan_config", async move {
            live_config::plan_config(&input, policy).await
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
    ) -> Result<Json<ApplyOutput>, String> {
        let policy = self.policy;
        run_async_tool("apply_config", async move {
            live_config::apply_config(
                &input,
                policy,
                false,
                std::path::Path::new("aperture-backups"),
            )
            .await
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
    fn migrate_config(
        &self,
        Parameters(input): Parameters<MigrateInput>,
    ) -> Result<Json<MigrateOutput>, String> {
        run_tool("migrate_config", || migrate::migrate(&input, self.policy))
    }
}

#[tool_handler(router = self.router())]
impl ServerHandler for Server {
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
