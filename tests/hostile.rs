//! Hostile input for every tool, through the real binary's stdio MCP server (one session for
//! all cases; the HTTP server's policy cases in-process): each case must be answered (a result,
//! a tool error the caller can act on, or a JSON-RPC error), never a crash or a hang, and the
//! server must go on answering afterwards. The cases also render the table in the README's
//! Security section (a test fails when it is stale).
// Test code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use std::time::Duration;

use aperture_orchestrator::tools::PathPolicy;
use rmcp::model::CallToolRequestParams;
use serde_json::{Value, json};
use support::TempDir;
use support::stdio::Session;
use support::text_of;

/// How a case must be answered.
#[derive(Clone, Copy)]
enum Expect {
    /// A normal result whose JSON contains the text.
    Result(&'static str),
    /// A tool error (`isError`) whose text contains this.
    ToolError(&'static str),
    /// Another JSON-RPC error whose message contains this.
    RpcError(&'static str),
}

struct Case {
    tool: &'static str,
    input: &'static str,
    result: &'static str,
    policy: PathPolicy,
    args: Value,
    expect: Expect,
}

fn case(
    tool: &'static str,
    input: &'static str,
    args: Value,
    expect: Expect,
    result: &'static str,
) -> Case {
    Case {
        tool,
        input,
        result,
        policy: PathPolicy::Allowed,
        args,
        expect,
    }
}

/// The cases; `big_file` is where the runner writes a 33 MB file.
fn cases(big_file: &str) -> Vec<Case> {
    let huge = "x".repeat(33 * 1024 * 1024);
    let deep = "[".repeat(100_000);
    let big_name = "m".repeat(1 << 20);
    let tiny = json!({"providers": {}}).to_string();
    vec![
        case(
            "validate_config",
            "a 33 MB document in `config`",
            json!({"config": huge}),
            Expect::RpcError("message too large"),
            "error reply for its id: over the 4 MiB message limit, pass `config_path`; the session goes on",
        ),
        case(
            "validate_config",
            "a 33 MB file in `config_path`",
            json!({"config_path": big_file}),
            Expect::Result("AP004"),
            "AP004 document-too-large; only 32 MiB + 1 byte is read",
        ),
        case(
            "validate_config",
            "100,000 nested arrays",
            json!({"config": deep}),
            Expect::Result("AP005"),
            "AP005 nesting-too-deep at the depth limit",
        ),
        case(
            "validate_config",
            "NUL bytes in the text",
            json!({"config": "{\"providers\": {\u{0}}}"}),
            Expect::Result("AP00"),
            "a syntax or encoding finding with line:column",
        ),
        case(
            "validate_config",
            "`config` is a number",
            json!({"config": 42}),
            Expect::ToolError("invalid type: integer `42`, expected a string"),
            "tool error: failed to deserialize parameters, with the field's expected type",
        ),
        case(
            "validate_config",
            "an unknown argument next to the real one",
            json!({"config": tiny, "confg": 1}),
            Expect::Result("\"valid\""),
            "validated; the unknown argument is ignored",
        ),
        case(
            "validate_config",
            "`config` and `config_path` together",
            json!({"config": tiny, "config_path": "x"}),
            Expect::ToolError("either"),
            "tool error: give one of them",
        ),
        Case {
            policy: PathPolicy::Refused,
            ..case(
                "validate_config",
                "`config_path` with path traversal (HTTP server)",
                json!({"config_path": "../../../../etc/shadow"}),
                Expect::ToolError("refused"),
                "tool error: paths refused over HTTP without --allow-paths",
            )
        },
        case(
            "validate_config",
            "`config_path` to a file that cannot be read (stdio)",
            json!({"config_path": "/nonexistent/../../etc/none"}),
            Expect::ToolError("cannot read config file"),
            "tool error naming the path and the OS error",
        ),
        case(
            "generate_provider",
            "an unknown provider kind",
            json!({"kind": "nope"}),
            Expect::ToolError("kind"),
            "tool error listing the known kinds",
        ),
        case(
            "generate_provider",
            "a 1 MB model name",
            json!({"kind": "openai", "models": [big_name]}),
            Expect::Result("provider"),
            "generated; the name is kept as given",
        ),
        case(
            "generate_provider",
            "a config that does not parse",
            json!({"kind": "openai", "config": "{\"providers\": [}"}),
            Expect::ToolError("line 1, column 16"),
            "tool error with line and column",
        ),
        case(
            "generate_connector",
            "a connector ID with `-` (the MCP wire's separator)",
            json!({"id": "my-tools", "url": "https://mcp.example.com", "protocol": "mcp", "auth": "none"}),
            Expect::ToolError("AP501"),
            "tool error in rule AP501's words, with an ID that works",
        ),
        case(
            "generate_connector",
            "`secret_env` that is not a variable name",
            json!({"id": "github", "url": "https://api.github.com", "protocol": "http", "auth": "bearer", "secret_env": "$(cat /etc/shadow)"}),
            Expect::ToolError("must name an environment variable"),
            "tool error; no shell, no file read",
        ),
        Case {
            policy: PathPolicy::Refused,
            ..case(
                "generate_connector",
                "`secret_env` over HTTP (the server's environment)",
                json!({"id": "github", "url": "https://api.github.com", "protocol": "http", "auth": "bearer", "secret_env": "HOME"}),
                Expect::ToolError("--allow-paths"),
                "tool error: the server's environment is not read for a remote caller",
            )
        },
        case(
            "generate_grants",
            "no rules",
            json!({"rules": []}),
            Expect::ToolError("rule"),
            "tool error: give at least one rule",
        ),
        case(
            "generate_grants",
            "a role that does not exist",
            json!({"rules": [{"src": ["*"], "role": "root"}]}),
            Expect::ToolError("unknown variant `root`, expected `user` or `admin`"),
            "tool error: failed to deserialize parameters (role is `user` or `admin`)",
        ),
        case(
            "generate_client_config",
            "an unknown client",
            json!({"client": "netscape"}),
            Expect::ToolError("client"),
            "tool error listing the clients",
        ),
        case(
            "generate_client_config",
            "a host with a newline and quotes",
            json!({"client": "claude-code", "host": "ai\"\n}evil"}),
            Expect::ToolError("host"),
            "tool error: not a host name",
        ),
        case(
            "explain_access",
            "no identity",
            json!({"config": tiny, "identity": {}, "model": "m"}),
            Expect::ToolError("identity"),
            "tool error: give a login or tags",
        ),
        case(
            "explain_access",
            "a 1 MB model name",
            json!({"config": tiny, "identity": {"login": "a@b.c"}, "model": big_name}),
            Expect::ToolError("at most 256"),
            "tool error: at most 256 characters",
        ),
        case(
            "test_endpoint",
            "a `file:` URL",
            json!({"url": "file:///etc/passwd"}),
            Expect::ToolError("refused"),
            "tool error: only http(s) is probed",
        ),
        case(
            "test_endpoint",
            "a `gopher:` URL",
            json!({"url": "gopher://ai:70/"}),
            Expect::ToolError("refused"),
            "tool error: only http(s) is probed",
        ),
        case(
            "test_endpoint",
            "credentials in the URL",
            json!({"url": "http://admin:sk-secret-123@ai/"}),
            Expect::ToolError("credentials"),
            "tool error; the credentials are not echoed",
        ),
        case(
            "test_endpoint",
            "timeout_ms of -1",
            json!({"url": "http://ai", "timeout_ms": -1}),
            Expect::ToolError("expected u64"),
            "tool error: failed to deserialize parameters",
        ),
        case(
            "test_endpoint",
            "timeout_ms of 2^64-1",
            json!({"url": "http://ai", "timeout_ms": u64::MAX}),
            Expect::ToolError("timeout_ms"),
            "tool error: 1 to 120000 ms",
        ),
        case(
            "test_endpoint",
            "a 1 MB model name",
            json!({"url": "http://ai", "model": big_name}),
            Expect::ToolError("model"),
            "tool error: at most 256 characters",
        ),
        Case {
            policy: PathPolicy::Refused,
            ..case(
                "test_endpoint",
                "`api_key_env` naming a server secret (HTTP server)",
                json!({"url": "http://attacker.example", "api_key_env": "AWS_SECRET_ACCESS_KEY"}),
                Expect::ToolError("refused"),
                "tool error: refused over HTTP, nothing sent",
            )
        },
        case(
            "diagnose_symptom",
            "a 1 MB description",
            json!({"symptom": "403 ".repeat(250_000)}),
            Expect::Result("first 4000 characters"),
            "answered from the first 4,000 characters, and says so",
        ),
        case(
            "diagnose_symptom",
            "http_status 70000",
            json!({"symptom": "x", "http_status": 70000}),
            Expect::ToolError("expected u16"),
            "tool error: failed to deserialize parameters",
        ),
        case(
            "diagnose_symptom",
            "http_status 42",
            json!({"symptom": "x", "http_status": 42}),
            Expect::ToolError("http_status"),
            "tool error: 100 to 599",
        ),
        case(
            "diagnose_symptom",
            "an empty description",
            json!({"symptom": "  "}),
            Expect::ToolError("symptom"),
            "tool error: describe the problem",
        ),
        case(
            "migrate_config",
            "nothing to migrate from",
            json!({}),
            Expect::ToolError("config"),
            "tool error: no config given",
        ),
        case(
            "migrate_config",
            "100,000 nested objects",
            json!({"config": "{\"a\":".repeat(100_000)}),
            Expect::ToolError("nesting deeper than 512 levels"),
            "tool error: nesting deeper than 512 levels",
        ),
    ]
}

/// What came back for one call.
enum Answer {
    Result {
        is_error: bool,
        text: String,
        structured: String,
    },
    RpcError {
        code: i64,
        message: String,
    },
}

/// One `tools/call` through the stdio session.
async fn call_stdio(session: &mut Session, tool: &str, args: &Value) -> Answer {
    let reply = session.call(tool, args).await;
    if let Some(error) = reply.get("error") {
        return Answer::RpcError {
            code: error["code"].as_i64().unwrap_or(0),
            message: error["message"].as_str().unwrap_or("").to_owned(),
        };
    }
    let result = &reply["result"];
    Answer::Result {
        is_error: result["isError"] == json!(true),
        text: result["content"][0]["text"]
            .as_str()
            .unwrap_or("")
            .to_owned(),
        structured: result["structuredContent"].to_string(),
    }
}

/// The same call in-process, for the HTTP server's path policy.
async fn call_refused(tool: &str, args: &Value) -> Answer {
    let client = support::mcp::connect(PathPolicy::Refused).await;
    let Value::Object(map) = args.clone() else {
        unreachable!()
    };
    let answer = match client
        .call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(map))
        .await
    {
        Ok(r) => Answer::Result {
            is_error: r.is_error == Some(true),
            text: text_of(&r),
            structured: r.structured_content.clone().unwrap_or_default().to_string(),
        },
        Err(rmcp::service::ServiceError::McpError(e)) => Answer::RpcError {
            code: i64::from(e.code.0),
            message: e.message.to_string(),
        },
        Err(e) => Answer::RpcError {
            code: 0,
            message: e.to_string(),
        },
    };
    client.cancel().await.unwrap();
    answer
}

fn short(s: &str) -> &str {
    &s[..s.len().min(300)]
}

#[tokio::test]
async fn every_tool_survives_hostile_input() {
    tokio::time::timeout(Duration::from_secs(120), async {
        let mut stdio = Session::spawn("info");
        stdio.initialize(json!(0)).await;
        let scratch = TempDir::new("hostile");
        let big_file = scratch.join("big.json");
        std::fs::write(&big_file, " ".repeat(33 * 1024 * 1024)).unwrap();
        let mut failures = Vec::new();
        for case in cases(big_file.to_str().unwrap()) {
            let answer = match case.policy {
                PathPolicy::Refused => call_refused(case.tool, &case.args).await,
                _ => call_stdio(&mut stdio, case.tool, &case.args).await,
            };
            let seen = match (&answer, case.expect) {
                (
                    Answer::Result {
                        is_error: false,
                        structured,
                        ..
                    },
                    Expect::Result(part),
                ) => structured
                    .contains(part)
                    .then_some(())
                    .ok_or(format!("result lacks {part:?}: {}", short(structured))),
                (
                    Answer::Result {
                        is_error: true,
                        text,
                        ..
                    },
                    Expect::ToolError(part),
                ) => text
                    .contains(part)
                    .then_some(())
                    .ok_or(format!("error lacks {part:?}: {text}")),
                (Answer::RpcError { message, .. }, Expect::RpcError(part)) => message
                    .contains(part)
                    .then_some(())
                    .ok_or(format!("error lacks {part:?}: {message}")),
                (Answer::Result { is_error, text, .. }, _) => Err(format!(
                    "unexpected result (isError {is_error}): {}",
                    short(text)
                )),
                (Answer::RpcError { code, message }, _) => {
                    Err(format!("unexpected JSON-RPC error {code}: {message}"))
                }
            };
            if let Err(why) = seen {
                failures.push(format!("{} / {}: {why}", case.tool, case.input));
            }
            // Still answering.
            let Answer::Result {
                is_error: false, ..
            } = call_stdio(&mut stdio, "validate_config", &json!({"config": "{}"})).await
            else {
                panic!(
                    "the server stopped answering after {} / {}",
                    case.tool, case.input
                );
            };
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    })
    .await
    .expect("hostile cases ran in time");
}

/// The README's table of hostile inputs is rendered from the cases above.
#[test]
fn readme_security_table_is_current() {
    let mut table = String::from("| Tool | Hostile input | Result |\n|---|---|---|\n");
    // The file's path is not part of the table.
    for case in cases("big.json") {
        table.push_str(&format!(
            "| `{}` | {} | {} |\n",
            case.tool, case.input, case.result
        ));
    }
    let readme_path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(readme_path).unwrap();
    let (start, end) = (
        "<!-- hostile-inputs:start -->\n",
        "<!-- hostile-inputs:end -->",
    );
    let (before, rest) = readme
        .split_once(start)
        .expect("README has the hostile-inputs markers");
    let (current, after) = rest.split_once(end).expect("README has the end marker");
    if current != table {
        if std::env::var_os("UPDATE_REFERENCE").is_some() {
            std::fs::write(readme_path, format!("{before}{start}{table}{end}{after}")).unwrap();
        } else {
            panic!(
                "README's hostile-input table is stale: run `UPDATE_REFERENCE=1 cargo test --test it hostile::`"
            );
        }
    }
}
