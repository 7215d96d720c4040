//! The MCP server in-process over `tokio::io::duplex`: tools, prompts, resources, errors.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use aperture_orchestrator::mcp::{self, INSTRUCTIONS, Server, prompts, resources};
use aperture_orchestrator::tools::PathPolicy;
use aperture_orchestrator::tools::validate::ValidateOutput;
use rmcp::{
    model::{
        CallToolRequestParams, CallToolResult, ContentBlock, ErrorCode, GetPromptRequestParams,
        ReadResourceRequestParams, ResourceContents,
    },
    service::ServiceError,
};
use serde_json::{Value, json};
use support::mcp::{Client, connect};
use support::{bounded, text_of};

const FULL: &str = include_str!("mcp_fixtures/full.hujson");

/// The tools the contract (`../shared/design/contract.md`) requires of every server.
const CONTRACT_TOOLS: &[&str] = &[
    "validate_config",
    "generate_provider",
    "generate_grants",
    "generate_client_config",
    "explain_access",
    "test_endpoint",
    "diagnose_symptom",
];

async fn call(client: &Client, args: Value) -> CallToolResult {
    let Value::Object(args) = args else {
        panic!("arguments must be an object")
    };
    client
        .call_tool(CallToolRequestParams::new("validate_config").with_arguments(args))
        .await
        .expect("tools/call")
}

fn output_of(result: &CallToolResult) -> ValidateOutput {
    assert_ne!(result.is_error, Some(true), "{}", text_of(result));
    let structured = result
        .structured_content
        .clone()
        .expect("structuredContent");
    // deny_unknown_fields pins the wire format to the library type.
    let output: ValidateOutput = serde_json::from_value(structured.clone()).expect("output shape");
    // The text content carries the same JSON for clients that ignore structuredContent.
    let text: Value = serde_json::from_str(&text_of(result)).expect("text is JSON");
    assert_eq!(text, structured);
    output
}

#[tokio::test]
async fn initialize_announces_identity_capabilities_and_instructions() {
    bounded(async {
        let client = connect(PathPolicy::Allowed).await;
        let info = client.peer_info().expect("server info");
        let server = info.server_info.as_ref().expect("serverInfo");
        assert_eq!(server.name, "aperture-orchestrator");
        assert_eq!(server.version, env!("CARGO_PKG_VERSION"));
        assert!(info.capabilities.tools.is_some());
        assert!(info.capabilities.prompts.is_some());
        assert!(info.capabilities.resources.is_some());
        let instructions = info.instructions.as_deref().expect("instructions");
        assert_eq!(instructions, INSTRUCTIONS);
        assert!(instructions.contains("validate_config"));
        assert!(
            instructions.lines().count() <= 8,
            "keep instructions to a few lines"
        );
        client.cancel().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn tools_list_has_schemas_annotations_and_markdown_descriptions() {
    bounded(async {
        let client = connect(PathPolicy::Allowed).await;
        let tools = client.list_all_tools().await.unwrap();
        let tool = tools
            .iter()
            .find(|t| t.name == "validate_config")
            .expect("validate_config listed");
        let annotations = tool.annotations.as_ref().expect("annotations");
        assert_eq!(annotations.read_only_hint, Some(true));
        assert_eq!(annotations.idempotent_hint, Some(true));
        assert_eq!(annotations.destructive_hint, Some(false));
        assert_eq!(annotations.open_world_hint, Some(false));
        let output = tool.output_schema.as_ref().expect("outputSchema");
        let required = output["required"].as_array().expect("required");
        for field in ["valid", "mode", "counts", "diagnostics"] {
            assert!(
                required.contains(&json!(field)),
                "outputSchema requires {field}"
            );
        }
        let input = &tool.input_schema;
        assert_eq!(input["type"], "object");
        for field in ["config", "config_path", "mode"] {
            assert!(
                input["properties"].get(field).is_some(),
                "input has {field}"
            );
        }

        // Only the tools that reach out to live gateways are open-world.
        for tool in &tools {
            let open = tool.annotations.as_ref().and_then(|a| a.open_world_hint);
            let reaches_out = matches!(tool.name.as_ref(), "test_endpoint" | "diagnose_symptom");
            assert_eq!(open, Some(reaches_out), "{}", tool.name);
        }

        // Every tool's description is its tools/<name>.md file, and every file is a tool.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tools");
        let files: Vec<String> = support::files_in("tools", &["md"])
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        let mut names: Vec<String> = tools
            .iter()
            .map(|t| t.name.to_string())
            .chain(
                aperture_orchestrator::mcp::LIVE_CONFIG_TOOLS
                    .iter()
                    .map(|t| (*t).to_owned()),
            )
            .map(|name| format!("{name}.md"))
            .collect();
        names.sort();
        assert_eq!(files, names, "one tools/*.md per tool");
        for tool in &tools {
            let md = std::fs::read_to_string(format!("{dir}/{}.md", tool.name)).unwrap();
            assert_eq!(tool.description.as_deref(), Some(md.trim()));
        }

        let json = serde_json::to_string(&json!({ "tools": tools })).unwrap();
        assert!(
            // + 256: generate_client_config's `config` and `as` (the gateway check).
            json.len() < 16 * 1024 + 256,
            "tools/list is {} bytes; keep it far under 16 KB (move detail into resources)",
            json.len()
        );
        insta::assert_json_snapshot!("tools_list", json!({ "tools": tools }));
        client.cancel().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn validate_config_reports_a_broken_config_as_findings_not_errors() {
    bounded(async {
        let client = connect(PathPolicy::Allowed).await;
        let result = call(
            &client,
            json!({ "config": "{\n  \"providers\": {\n    \"x\": \n" }),
        )
        .await;
        let output = output_of(&result);
        assert!(!output.valid);
        assert!(output.counts.error >= 1);
        let syntax = output
            .diagnostics
            .iter()
            .find(|d| d.code == "AP001")
            .expect("a syntax error diagnostic");
        assert!(syntax.line.is_some() && syntax.column.is_some());

        // A well-formed but incomplete config: Aperture's own save-time message is there.
        let result = call(
            &client,
            json!({ "config": "{\"providers\": {\"openai\": {\"models\": [\"gpt-5\"]}}}" }),
        )
        .await;
        let output = output_of(&result);
        assert!(!output.valid);
        let value = serde_json::to_value(&output).unwrap();
        let messages: Vec<&str> = value["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|d| d["aperture_message"].as_str())
            .collect();
        assert!(
            messages.contains(&"provider openai has no baseurl configured"),
            "{messages:?}"
        );
        client.cancel().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn validate_config_accepts_the_full_example_in_both_modes() {
    bounded(async {
        let client = connect(PathPolicy::Allowed).await;
        for mode in ["save", "load"] {
            let result = call(&client, json!({ "config": FULL, "mode": mode })).await;
            let output = output_of(&result);
            assert!(output.valid, "{mode}: {:?}", output.diagnostics);
            assert_eq!(serde_json::to_value(output.mode).unwrap(), json!(mode));
        }
        // Same result through config_path (stdio policy reads local files).
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/mcp_fixtures/full.hujson"
        );
        let by_path = output_of(&call(&client, json!({ "config_path": path })).await);
        let by_text = output_of(&call(&client, json!({ "config": FULL })).await);
        assert_eq!(by_path, by_text);
        client.cancel().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn strict_reaches_the_library_through_the_tool() {
    bounded(async {
        let client = connect(PathPolicy::Allowed).await;
        // A lint Aperture stays silent about (`/v1` base URL): a warning unless `strict`.
        let config = r#"{
          "grants": [
            { "src": ["ops@example.com"], "app": { "tailscale.com/cap/aperture": [ { "role": "admin" } ] } },
            { "src": ["*"], "app": { "tailscale.com/cap/aperture": [ { "role": "user" }, { "models": "**" } ] } }
          ],
          "providers": { "openai": {
            "baseurl": "https://api.openai.com/v1", "apikey": "sk-PLACEHOLDER", "models": ["gpt-5"],
            "compatibility": { "openai_chat": true, "openai_responses": true }
          } }
        }"#;
        let relaxed = output_of(&call(&client, json!({ "config": config })).await);
        assert!(relaxed.valid, "{:?}", relaxed.diagnostics);
        assert_eq!(relaxed.counts.warning, 1);
        let strict = output_of(&call(&client, json!({ "config": config, "strict": true })).await);
        assert!(!strict.valid);
        assert_eq!(strict.counts.error, 1);
        assert_eq!(strict.diagnostics[0].code, relaxed.diagnostics[0].code);
        client.cancel().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn bad_arguments_are_tool_errors_the_model_can_read() {
    bounded(async {
        let client = connect(PathPolicy::Allowed).await;
        let cases = [
            (json!({ "config": 42 }), "deserialize"),
            (json!({ "mode": "strict", "config": "{}" }), "deserialize"),
            (json!({}), "no config given"),
            (json!({ "config": "{}", "config_path": "/x" }), "not both"),
            (
                json!({ "config_path": "/nonexistent/aperture.hujson" }),
                "cannot read config file",
            ),
        ];
        for (args, expected) in cases {
            let result = call(&client, args.clone()).await;
            assert_eq!(result.is_error, Some(true), "{args}");
            let text = text_of(&result);
            assert!(text.contains(expected), "{args}: {text}");
        }
        // An unknown tool is a protocol error, not a tool result.
        let err = client
            .call_tool(CallToolRequestParams::new("no_such_tool"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, ServiceError::McpError(ref e) if e.code == ErrorCode::INVALID_PARAMS),
            "{err:?}"
        );
        // The session is still fine afterwards.
        assert!(output_of(&call(&client, json!({ "config": FULL })).await).valid);
        client.cancel().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn config_path_is_refused_when_the_policy_says_so() {
    bounded(async {
        let client = connect(PathPolicy::Refused).await;
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/mcp_fixtures/full.hujson"
        );
        let result = call(&client, json!({ "config_path": path })).await;
        assert_eq!(result.is_error, Some(true));
        let text = text_of(&result);
        assert!(
            text.contains("--allow-paths") && text.contains("`config`"),
            "{text}"
        );
        // Text input still works.
        assert!(output_of(&call(&client, json!({ "config": FULL })).await).valid);
        client.cancel().await.unwrap();
    })
    .await;
}

fn required_args(def: &prompts::PromptDef) -> serde_json::Map<String, Value> {
    def.arguments
        .iter()
        .filter(|a| a.required)
        .map(|a| (a.name.clone(), json!(format!("VALUE-OF-{}", a.name))))
        .collect()
}

#[tokio::test]
async fn every_prompt_lists_and_renders_with_its_arguments() {
    bounded(async {
        let client = connect(PathPolicy::Allowed).await;
        let listed = client.list_all_prompts().await.unwrap();
        let mut names: Vec<&str> = listed.iter().map(|p| p.name.as_str()).collect();
        names.sort();
        for expected in [
            "add-self-hosted-model",
            "connect-claude-code",
            "cost-tiered-routing",
            "restrict-admin-access",
            "setup-gateway",
            "troubleshoot",
        ] {
            assert!(names.contains(&expected), "{expected} missing from {names:?}");
        }
        for prompt in &listed {
            let def = prompts::find(&prompt.name).unwrap();
            assert_eq!(prompt.description.as_deref(), Some(def.description.as_str()));
            let listed_args = prompt.arguments.clone().unwrap_or_default();
            assert_eq!(listed_args.len(), def.arguments.len());
            for (listed_arg, arg) in listed_args.iter().zip(&def.arguments) {
                assert_eq!(listed_arg.name, arg.name);
                assert_eq!(listed_arg.required, Some(arg.required));
            }

            let args = required_args(def);
            let result = client
                .get_prompt(GetPromptRequestParams::new(&prompt.name).with_arguments(args.clone()))
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", prompt.name));
            assert_eq!(result.messages.len(), 1);
            let ContentBlock::Text(text) = &result.messages[0].content else {
                panic!("text message expected")
            };
            let text = &text.text;
            for value in args.values() {
                assert!(text.contains(value.as_str().unwrap()), "{}: argument not substituted", prompt.name);
            }
            for arg in def.arguments.iter().filter(|a| !a.required && !a.default.is_empty()) {
                assert!(text.contains(&arg.default), "{}: default of {} not used", prompt.name, arg.name);
            }
            assert!(!text.contains("{{"), "{}: unreplaced placeholder", prompt.name);
            assert!(text.contains("validate_config"), "{}: must tell the agent to validate", prompt.name);

            if !args.is_empty() {
                let err = client
                    .get_prompt(GetPromptRequestParams::new(&prompt.name))
                    .await
                    .unwrap_err();
                assert!(
                    matches!(err, ServiceError::McpError(ref e) if e.code == ErrorCode::INVALID_PARAMS && e.message.contains("needs the argument")),
                    "{}: {err:?}",
                    prompt.name
                );
            }
        }
        let err = client
            .get_prompt(GetPromptRequestParams::new("no-such-prompt"))
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::McpError(ref e) if e.message.contains("setup-gateway")), "{err:?}");
        client.cancel().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn prompt_arguments_are_substituted_verbatim() {
    bounded(async {
        let client = connect(PathPolicy::Allowed).await;
        let result = client
            .get_prompt(GetPromptRequestParams::new("add-self-hosted-model").with_arguments(
                rmcp::object!({ "url": "http://100.64.0.7:11434", "model": "llama3.3", "provider_id": "ollama" }),
            ))
            .await
            .unwrap();
        let ContentBlock::Text(text) = &result.messages[0].content else {
            panic!("text expected")
        };
        assert!(text.text.contains("\"ollama\": {"));
        assert!(text.text.contains("\"baseurl\": \"http://100.64.0.7:11434\""));
        assert!(text.text.contains("\"models\": [\"llama3.3\"]"));
        assert!(text.text.contains("ollama/**"));
        client.cancel().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn every_resource_lists_and_reads() {
    bounded(async {
        let client = connect(PathPolicy::Allowed).await;
        let listed = client.list_all_resources().await.unwrap();
        let uris: Vec<&str> = listed.iter().map(|r| r.uri.as_str()).collect();
        assert_eq!(
            uris,
            [
                "aperture://schema/config.json",
                "aperture://catalog/rules.json",
                "aperture://catalog/providers.json",
                "aperture://catalog/symptoms.json",
                "aperture://skill/SKILL.md",
            ]
        );
        for resource in &listed {
            assert!(resource.description.is_some() && resource.mime_type.is_some());
            let read = client
                .read_resource(ReadResourceRequestParams::new(&resource.uri))
                .await
                .unwrap();
            assert_eq!(read.contents.len(), 1);
            let ResourceContents::TextResourceContents {
                text,
                uri,
                mime_type,
                ..
            } = &read.contents[0]
            else {
                panic!("text contents expected")
            };
            assert_eq!(uri, &resource.uri);
            assert_eq!(mime_type, &resource.mime_type);
            match resource.uri.as_str() {
                "aperture://schema/config.json" => {
                    let schema: Value = serde_json::from_str(text).unwrap();
                    assert_eq!(
                        &schema,
                        aperture_orchestrator::config::model::config_schema()
                    );
                    assert!(schema["properties"].get("providers").is_some());
                }
                "aperture://catalog/rules.json" => {
                    let rules: Vec<Value> = serde_json::from_str(text).unwrap();
                    assert_eq!(
                        rules.len(),
                        aperture_orchestrator::rules::catalog::ALL.len()
                    );
                    assert!(rules.iter().any(|r| r["code"] == "AP001"));
                }
                "aperture://catalog/providers.json" => {
                    let kinds: Vec<Value> = serde_json::from_str(text).unwrap();
                    assert_eq!(
                        kinds.len(),
                        aperture_orchestrator::catalog::providers::KINDS.len()
                    );
                    assert!(kinds.iter().any(|k| k["kind"] == "anthropic"));
                }
                "aperture://catalog/symptoms.json" => {
                    let catalog: Value = serde_json::from_str(text).unwrap();
                    let symptoms = catalog["symptoms"].as_array().unwrap();
                    assert_eq!(
                        symptoms.len(),
                        aperture_orchestrator::catalog::symptoms::symptoms().len()
                    );
                    assert!(symptoms.iter().any(|s| s["id"] == "no-role-403"));
                    assert!(
                        catalog["probe_findings"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|f| f["code"] == "TE121")
                    );
                }
                "aperture://skill/SKILL.md" => assert_eq!(text, resources::SKILL),
                other => panic!("unexpected resource {other}"),
            }
        }
        let err = client
            .read_resource(ReadResourceRequestParams::new("aperture://nope"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, ServiceError::McpError(ref e) if e.code == ErrorCode::RESOURCE_NOT_FOUND),
            "{err:?}"
        );
        client.cancel().await.unwrap();
    })
    .await;
}

/// `tool_names` is what a server lists, the contract's tools are all among them, and
/// `--allow-write` adds exactly the live config tools.
#[tokio::test]
async fn tool_names_are_the_listed_tools_and_hold_the_contract() {
    bounded(async {
        let client = connect(PathPolicy::Allowed).await;
        let listed: Vec<String> = client
            .list_all_tools()
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.name.to_string())
            .collect();
        client.cancel().await.unwrap();
        let offered = mcp::tool_names(false);
        assert_eq!(offered, listed);
        for tool in CONTRACT_TOOLS {
            assert!(
                offered.iter().any(|t| t == tool),
                "the contract's {tool} is not offered"
            );
        }
        let mut with_write = offered.clone();
        with_write.extend(mcp::LIVE_CONFIG_TOOLS.iter().map(|t| (*t).to_owned()));
        with_write.sort();
        assert_eq!(mcp::tool_names(true), with_write);
    })
    .await;
}

/// Mentions of tools in agent-facing text name tools the default server offers; only SKILL.md
/// may name the `--allow-write` tools, and it says they need that flag.
#[test]
fn agent_facing_text_mentions_only_offered_tools() {
    let offered = mcp::tool_names(false);
    let mut texts: Vec<(String, &str)> = prompts::all()
        .iter()
        .map(|p| (format!("prompt {}", p.name), p.body.as_str()))
        .collect();
    texts.push(("SKILL.md".into(), resources::SKILL));
    texts.push(("instructions".into(), INSTRUCTIONS));
    for (what, text) in texts {
        for tool in mcp::tool_names(true) {
            if !text.contains(&tool) || offered.contains(&tool) {
                continue;
            }
            assert!(
                what == "SKILL.md" && text.contains("--allow-write"),
                "{what} mentions {tool}, which the server offers only with --allow-write"
            );
        }
    }
}

async fn call_named(client: &Client, name: &'static str, args: Value) -> CallToolResult {
    let Value::Object(args) = args else {
        panic!("arguments must be an object")
    };
    client
        .call_tool(CallToolRequestParams::new(name).with_arguments(args))
        .await
        .expect("tools/call")
}

#[tokio::test]
async fn every_generator_and_explain_answer_through_mcp() {
    bounded(async {
        let client = connect(PathPolicy::Allowed).await;
        let base = r#"{
  // mine
  "grants": [ { "src": ["ops@example.com"], "app": { "tailscale.com/cap/aperture": [ { "role": "admin" } ] } } ],
}"#;
        let provider = call_named(&client, "generate_provider", serde_json::json!({ "kind": "anthropic", "config": base })).await;
        assert_eq!(provider.is_error, Some(false), "{}", text_of(&provider));
        let out = provider.structured_content.expect("structured");
        assert_eq!(out["provider_id"], "anthropic");
        assert!(out["config"].as_str().unwrap().contains("// mine"));

        let grants = call_named(
            &client,
            "generate_grants",
            serde_json::json!({ "rules": [ { "src": ["*"], "role": "user", "models": ["**"] } ], "config": out["config"] }),
        )
        .await;
        assert_eq!(grants.is_error, Some(false), "{}", text_of(&grants));
        let merged = grants.structured_content.expect("structured")["config"].as_str().unwrap().to_owned();

        let explain = call_named(
            &client,
            "explain_access",
            serde_json::json!({ "config": merged, "identity": { "login": "bob@example.com" }, "model": "claude-sonnet-4-5", "endpoint": "/v1/messages" }),
        )
        .await;
        assert_eq!(explain.is_error, Some(false), "{}", text_of(&explain));
        let e = explain.structured_content.expect("structured");
        assert_eq!((e["outcome"].as_str(), e["expected_status"].as_u64()), (Some("allowed"), Some(200)));

        let client_cfg = call_named(&client, "generate_client_config", serde_json::json!({ "client": "claude-code" })).await;
        assert_eq!(client_cfg.structured_content.expect("structured")["env"]["ANTHROPIC_BASE_URL"], "http://ai");

        let migrate = call_named(
            &client,
            "migrate_config",
            serde_json::json!({ "config": r#"{"temp_grants": [{"src": ["*"], "grants": [{"role": "admin"}]}]}"# }),
        )
        .await;
        assert_eq!(migrate.structured_content.expect("structured")["changed"], true);

        let lockout = call_named(&client, "generate_grants", serde_json::json!({ "rules": [ { "src": ["*"], "role": "user" } ] })).await;
        assert_eq!(lockout.is_error, Some(true));
        assert!(text_of(&lockout).contains("lockout"));
        client.cancel().await.expect("cancel");
    })
    .await;
}

#[tokio::test]
async fn every_config_reading_tool_honours_the_path_policy() {
    bounded(async {
        let client = connect(PathPolicy::Refused).await;
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mcp_fixtures/full.hujson");
        let calls = [
            ("generate_provider", json!({ "kind": "openai", "config_path": path })),
            ("generate_grants", json!({ "rules": [ { "src": ["a@example.com"], "role": "admin" } ], "config_path": path })),
            ("explain_access", json!({ "config_path": path, "identity": { "login": "a@example.com" }, "model": "gpt-5" })),
            ("migrate_config", json!({ "config_path": path })),
        ];
        for (tool, args) in calls {
            let result = call_named(&client, tool, args).await;
            assert_eq!(result.is_error, Some(true), "{tool} read a file over a refused policy");
            assert!(text_of(&result).contains("--allow-paths"), "{tool}: {}", text_of(&result));
        }
        client.cancel().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn test_endpoint_probes_a_live_gateway() {
    use support::fake_aperture::{FakeAperture, Grant, Spec};
    bounded(async {
        let fake = FakeAperture::start(Spec {
            grants: vec![Grant::user("bob@example.com", &["*"])],
            ..Spec::default()
        })
        .await;
        let client = connect(PathPolicy::Allowed).await;
        let args = json!({ "url": fake.url(), "model": "gpt-5", "timeout_ms": 5000 });
        let Value::Object(args) = args else {
            unreachable!()
        };
        let result = client
            .call_tool(CallToolRequestParams::new("test_endpoint").with_arguments(args))
            .await
            .expect("tools/call");
        assert_ne!(result.is_error, Some(true), "{}", text_of(&result));
        let out: aperture_orchestrator::tools::test_endpoint::TestOutput = serde_json::from_value(
            result
                .structured_content
                .clone()
                .expect("structuredContent"),
        )
        .expect("output shape");
        assert_eq!(
            out.report.verdict,
            aperture_orchestrator::probe::Verdict::Failed
        );
        assert_eq!(out.report.findings[0].code, "TE121");

        // Bad arguments are a tool error the model can act on, not a protocol error.
        let Value::Object(args) = json!({ "url": "file:///etc/passwd" }) else {
            unreachable!()
        };
        let result = client
            .call_tool(CallToolRequestParams::new("test_endpoint").with_arguments(args))
            .await
            .expect("tools/call");
        assert_eq!(result.is_error, Some(true));
        assert!(text_of(&result).contains("refused"));
        client.cancel().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn live_config_tools_are_offered_only_with_allow_write() {
    bounded(async {
        let client = connect(PathPolicy::Allowed).await;
        let tools = client.list_all_tools().await.unwrap();
        for name in aperture_orchestrator::mcp::LIVE_CONFIG_TOOLS {
            assert!(
                tools.iter().all(|t| t.name != *name),
                "{name} is listed without --allow-write"
            );
        }
        // Not callable either.
        let Value::Object(args) = json!({"url": "http://ai", "config": "{}"}) else {
            unreachable!()
        };
        let refused = client
            .call_tool(CallToolRequestParams::new("apply_config").with_arguments(args))
            .await;
        assert!(refused.is_err() || refused.unwrap().is_error == Some(true));
        client.cancel().await.unwrap();

        let client =
            support::mcp::connect_to(Server::new(PathPolicy::Allowed).with_live_config(true)).await;
        let tools = client.list_all_tools().await.unwrap();
        let apply = tools
            .iter()
            .find(|t| t.name == "apply_config")
            .expect("apply_config listed");
        let annotations = apply.annotations.as_ref().unwrap();
        assert_eq!(annotations.destructive_hint, Some(true));
        assert_eq!(annotations.read_only_hint, Some(false));
        assert!(
            tools.iter().any(|t| t.name == "get_config")
                && tools.iter().any(|t| t.name == "plan_config")
        );
        client.cancel().await.unwrap();
    })
    .await;
}
