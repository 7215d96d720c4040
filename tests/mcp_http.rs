//! Streamable HTTP: sessions, stateless mode, Host/Origin/token refusal, body limit,
//! `config_path` policy, `/healthz`, bind refusal, disconnects, and the real binary.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use aperture_orchestrator::mcp::{self, HttpOptions, MAX_MESSAGE_BYTES, ServeError};
use reqwest::{Response, StatusCode};
use rmcp::{
    RoleClient, ServiceExt,
    model::{
        CallToolRequestParams, ClientCapabilities, ClientConfig, GetPromptRequestParams,
        Implementation, ReadResourceRequestParams,
    },
    service::RunningService,
    transport::{
        StreamableHttpClientTransport, streamable_http_client::StreamableHttpClientTransportConfig,
    },
};
use serde_json::{Value, json};
use support::{async_bin, bounded, text_of};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio_util::sync::CancellationToken;

const FULL: &str = include_str!("mcp_fixtures/full.hujson");
const FIXTURE_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/mcp_fixtures/full.hujson"
);
const TIMEOUT: Duration = Duration::from_secs(30);
const ACCEPT: &str = "application/json, text/event-stream";

/// A server on an ephemeral loopback port, stopped when dropped.
struct Running {
    addr: SocketAddr,
    cancel: CancellationToken,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

impl Running {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

fn options() -> HttpOptions {
    HttpOptions::new("127.0.0.1:0".parse().unwrap())
}

async fn start(configure: impl FnOnce(&mut HttpOptions)) -> Running {
    // reqwest is built without a default TLS provider; every client in these tests is built
    // after a server starts.
    aperture_orchestrator::probe::install_crypto_provider();
    let mut options = options();
    configure(&mut options);
    let cancel = CancellationToken::new();
    let app = mcp::http::app(&options, cancel.clone()).expect("valid options");
    let listener = tokio::net::TcpListener::bind(options.addr).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let stop = cancel.clone();
    tokio::spawn(async move {
        let _ = mcp::http::run(
            listener,
            app,
            &options,
            async move { stop.cancelled().await },
        )
        .await;
    });
    Running { addr, cancel }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().timeout(TIMEOUT).build().unwrap()
}

fn initialize_body() -> Value {
    json!({
        "jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": { "name": "mcp-http-test", "version": "0" }
        }
    })
}

async fn post(server: &Running, body: &Value, headers: &[(&str, &str)]) -> Response {
    let mut request = http()
        .post(server.url("/mcp"))
        .header("accept", ACCEPT)
        .header("content-type", "application/json")
        .body(body.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("request")
}

/// The JSON-RPC message in a response body, whether plain JSON or an SSE stream
/// (skipping the empty priming event).
async fn message(response: Response) -> Value {
    let sse = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"));
    let text = response.text().await.unwrap();
    if !sse {
        return serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    }
    text.lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .find_map(|d| serde_json::from_str::<Value>(d).ok())
        .unwrap_or_else(|| panic!("no JSON-RPC message in SSE body: {text}"))
}

type Client = RunningService<RoleClient, ClientConfig>;

async fn rmcp_client(server: &Running, token: Option<&str>) -> Client {
    let mut config = StreamableHttpClientTransportConfig::with_uri(server.url("/mcp"));
    if let Some(token) = token {
        config = config.auth_header(token);
    }
    ClientConfig::new(
        ClientCapabilities::default(),
        Implementation::new("mcp-http-test", "0"),
    )
    .serve(StreamableHttpClientTransport::from_config(config))
    .await
    .expect("client handshake")
}

async fn validate(client: &Client, args: Value) -> rmcp::model::CallToolResult {
    let Value::Object(args) = args else { panic!() };
    client
        .call_tool(CallToolRequestParams::new("validate_config").with_arguments(args))
        .await
        .expect("tools/call")
}

#[tokio::test]
async fn healthz_reports_name_and_version_without_auth() {
    bounded(async {
        let server = start(|o| o.token = Some("s3cret".into())).await;
        let response = http().get(server.url("/healthz")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body,
            json!({ "status": "ok", "name": "aperture-orchestrator", "version": env!("CARGO_PKG_VERSION") })
        );
        let missing = http().get(server.url("/nope")).send().await.unwrap();
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn sessions_carry_an_id_and_requests_without_it_are_refused() {
    bounded(async {
        let server = start(|_| {}).await;
        let response = post(&server, &initialize_body(), &[]).await;
        assert_eq!(response.status(), StatusCode::OK);
        let session = response
            .headers()
            .get("mcp-session-id")
            .expect("mcp-session-id header")
            .to_str()
            .unwrap()
            .to_owned();
        let init = message(response).await;
        assert_eq!(init["id"], 0);
        assert_eq!(
            init["result"]["serverInfo"]["name"],
            "aperture-orchestrator"
        );

        let with_session = [
            ("mcp-session-id", session.as_str()),
            ("mcp-protocol-version", "2025-11-25"),
        ];
        let initialized = json!({ "jsonrpc": "2.0", "method": "notifications/initialized" });
        let response = post(&server, &initialized, &with_session).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);

        let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });
        let refused = post(&server, &list, &[("mcp-protocol-version", "2025-11-25")]).await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        let tools = message(post(&server, &list, &with_session).await).await;
        let names: Vec<&str> = tools["result"]["tools"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t["name"].as_str())
            .collect();
        assert!(names.contains(&"validate_config"), "{names:?}");

        let call = json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/call",
            "params": { "name": "validate_config", "arguments": { "config": FULL } } });
        let result = message(post(&server, &call, &with_session).await).await;
        assert_eq!(result["result"]["structuredContent"]["valid"], true);

        let deleted = http()
            .delete(server.url("/mcp"))
            .header("mcp-session-id", &session)
            .send()
            .await
            .unwrap();
        // 204: clients (the Python SDK) log a failure on rmcp's 202.
        assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
        let after = post(&server, &list, &with_session).await;
        assert!(
            !after.status().is_success(),
            "a closed session must not answer"
        );
    })
    .await;
}

#[tokio::test]
async fn rmcp_client_uses_every_capability_over_http() {
    bounded(async {
        let server = start(|_| {}).await;
        let client = rmcp_client(&server, None).await;
        let info = client.peer_info().unwrap();
        assert_eq!(
            info.server_info.as_ref().unwrap().name,
            "aperture-orchestrator"
        );
        let tools = client.list_all_tools().await.unwrap();
        assert!(tools.iter().any(|t| t.name == "validate_config"));
        let result = validate(&client, json!({ "config": FULL })).await;
        assert_eq!(result.structured_content.unwrap()["valid"], true);
        let broken = validate(&client, json!({ "config": "{ nope" })).await;
        assert_eq!(broken.structured_content.unwrap()["valid"], false);
        let prompts = client.list_all_prompts().await.unwrap();
        assert!(prompts.len() >= 6);
        client
            .get_prompt(
                GetPromptRequestParams::new("troubleshoot").with_arguments(
                    rmcp::object!({ "symptom": "403 access denied: no role granted" }),
                ),
            )
            .await
            .unwrap();
        for resource in client.list_all_resources().await.unwrap() {
            client
                .read_resource(ReadResourceRequestParams::new(&resource.uri))
                .await
                .unwrap();
        }
        client.cancel().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn stateless_mode_has_no_sessions_and_answers_plain_json() {
    bounded(async {
        let server = start(|o| o.stateless = true).await;
        let response = post(&server, &initialize_body(), &[]).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers().get("mcp-session-id").is_none());
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        assert_eq!(
            message(response).await["result"]["serverInfo"]["name"],
            "aperture-orchestrator"
        );

        let get = http()
            .get(server.url("/mcp"))
            .header("accept", "text/event-stream")
            .send()
            .await
            .unwrap();
        assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);

        // Each request stands alone: no initialize needed.
        let call = json!({ "jsonrpc": "2.0", "id": 5, "method": "tools/call",
            "params": { "name": "validate_config", "arguments": { "config": FULL } } });
        let result =
            message(post(&server, &call, &[("mcp-protocol-version", "2025-11-25")]).await).await;
        assert_eq!(result["id"], 5);
        assert_eq!(result["result"]["structuredContent"]["valid"], true);

        let client = rmcp_client(&server, None).await;
        let result = validate(&client, json!({ "config": FULL })).await;
        assert_eq!(result.structured_content.unwrap()["valid"], true);
        client.cancel().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn host_header_allow_list() {
    bounded(async {
        let server = start(|o| o.allowed_hosts = vec!["mcp.example.com".into()]).await;
        let evil = post(&server, &initialize_body(), &[("host", "evil.example.com")]).await;
        assert_eq!(evil.status(), StatusCode::FORBIDDEN);
        assert!(evil.text().await.unwrap().contains("Host"));
        for host in ["mcp.example.com", "localhost:1234", "127.0.0.1"] {
            let ok = post(&server, &initialize_body(), &[("host", host)]).await;
            assert_eq!(ok.status(), StatusCode::OK, "{host}");
        }
    })
    .await;
}

#[tokio::test]
async fn origin_header_allow_list() {
    bounded(async {
        let server =
            start(|o| o.allowed_origins = vec!["https://app.example.com:443".into()]).await;
        for origin in ["https://evil.example", "http://app.example.com", "null"] {
            let refused = post(&server, &initialize_body(), &[("origin", origin)]).await;
            assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{origin}");
        }
        for origin in [
            "http://localhost:5173",
            "http://127.0.0.1:8080",
            "https://app.example.com",
        ] {
            let ok = post(&server, &initialize_body(), &[("origin", origin)]).await;
            assert_eq!(ok.status(), StatusCode::OK, "{origin}");
        }
        // CLI clients send no Origin at all.
        assert_eq!(
            post(&server, &initialize_body(), &[]).await.status(),
            StatusCode::OK
        );
    })
    .await;
}

#[tokio::test]
async fn bearer_token_is_required_when_set() {
    bounded(async {
        let server = start(|o| o.token = Some("s3cret-token".into())).await;
        let missing = post(&server, &initialize_body(), &[]).await;
        assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
        assert!(missing.headers().get("www-authenticate").is_some());
        for wrong in [
            "Bearer s3cret",
            "Bearer s3cret-token2",
            "Basic s3cret-token",
            "s3cret-token",
        ] {
            let response = post(&server, &initialize_body(), &[("authorization", wrong)]).await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{wrong}");
        }
        let ok = post(
            &server,
            &initialize_body(),
            &[("authorization", "Bearer s3cret-token")],
        )
        .await;
        assert_eq!(ok.status(), StatusCode::OK);

        let client = rmcp_client(&server, Some("s3cret-token")).await;
        let result = validate(&client, json!({ "config": FULL })).await;
        assert_eq!(result.structured_content.unwrap()["valid"], true);
        client.cancel().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn oversize_bodies_get_413_and_the_server_goes_on() {
    bounded(async {
        let server = start(|_| {}).await;
        let huge = "x".repeat(MAX_MESSAGE_BYTES + 1);
        let body = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": { "name": "validate_config", "arguments": { "config": huge } } });
        let response = post(&server, &body, &[]).await;
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            post(&server, &initialize_body(), &[]).await.status(),
            StatusCode::OK
        );
    })
    .await;
}

#[tokio::test]
async fn config_path_is_refused_unless_allowed() {
    bounded(async {
        let server = start(|_| {}).await;
        let client = rmcp_client(&server, None).await;
        let refused = validate(&client, json!({ "config_path": FIXTURE_PATH })).await;
        assert_eq!(refused.is_error, Some(true));
        assert!(
            text_of(&refused).contains("--allow-paths"),
            "{}",
            text_of(&refused)
        );
        client.cancel().await.unwrap();

        let server = start(|o| o.allow_paths = true).await;
        let client = rmcp_client(&server, None).await;
        let allowed = validate(&client, json!({ "config_path": FIXTURE_PATH })).await;
        assert_eq!(allowed.is_error, Some(false), "{}", text_of(&allowed));
        assert_eq!(allowed.structured_content.unwrap()["valid"], true);
        client.cancel().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn non_loopback_bind_without_token_is_refused_before_binding() {
    bounded(async {
        let mut o = options();
        o.addr = "0.0.0.0:0".parse().unwrap();
        let err = mcp::serve_http(o).await.unwrap_err();
        assert!(matches!(err, ServeError::Refused(_)), "{err:?}");
        let text = err.to_string();
        assert!(
            text.contains("--token") && text.contains("0.0.0.0"),
            "{text}"
        );

        // Same through the real binary: usage error, exit 2, actionable message on stderr.
        let output = async_bin()
            .args(["serve", "--http", "0.0.0.0:0"])
            .env_remove("APERTURE_ORCHESTRATOR_TOKEN")
            .output()
            .await
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        assert!(output.stdout.is_empty());
        assert!(String::from_utf8_lossy(&output.stderr).contains("--token"));
    })
    .await;
}

#[tokio::test]
async fn clients_that_disconnect_mid_request_do_not_hurt_others() {
    bounded(async {
        let server = start(|_| {}).await;
        // Half a body, then hang up.
        let mut socket = tokio::net::TcpStream::connect(server.addr).await.unwrap();
        let head = format!(
            "POST /mcp HTTP/1.1\r\nhost: 127.0.0.1\r\naccept: {ACCEPT}\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{{\"jsonrpc\":"
        );
        socket.write_all(head.as_bytes()).await.unwrap();
        drop(socket);
        // A whole tools/call, then hang up without reading the answer.
        let body = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": { "name": "validate_config", "arguments": { "config": FULL } } })
        .to_string();
        for _ in 0..5 {
            let mut socket = tokio::net::TcpStream::connect(server.addr).await.unwrap();
            let request = format!(
                "POST /mcp HTTP/1.1\r\nhost: 127.0.0.1\r\naccept: {ACCEPT}\r\ncontent-type: application/json\r\nmcp-protocol-version: 2025-11-25\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            socket.write_all(request.as_bytes()).await.unwrap();
            drop(socket);
        }
        let client = rmcp_client(&server, None).await;
        let result = validate(&client, json!({ "config": FULL })).await;
        assert_eq!(result.structured_content.unwrap()["valid"], true);
        client.cancel().await.unwrap();
    })
    .await;
}

#[cfg(unix)]
#[tokio::test]
async fn real_binary_serves_http_and_shuts_down_on_ctrl_c() {
    bounded(async {
        let mut child = async_bin()
            .args(["serve", "--http", "127.0.0.1:0", "--stateless"])
            .env("APERTURE_ORCHESTRATOR_TOKEN", "env-token")
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
        let addr = loop {
            let line = tokio::time::timeout(TIMEOUT, stderr.next_line())
                .await
                .expect("no startup log line")
                .unwrap()
                .expect("server exited before listening");
            assert!(
                !line.contains("env-token"),
                "the token must never be logged: {line}"
            );
            if let Some(rest) = line.split("at http://").nth(1) {
                let addr = rest.split("/mcp").next().unwrap();
                break addr.parse::<SocketAddr>().unwrap();
            }
        };
        let server = Running {
            addr,
            cancel: CancellationToken::new(),
        };
        let health: Value = http()
            .get(server.url("/healthz"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(health["status"], "ok");
        assert_eq!(
            post(&server, &initialize_body(), &[]).await.status(),
            StatusCode::UNAUTHORIZED
        );
        let ok = post(
            &server,
            &initialize_body(),
            &[("authorization", "Bearer env-token")],
        )
        .await;
        assert_eq!(ok.status(), StatusCode::OK);

        let pid = child.id().unwrap().to_string();
        let kill = tokio::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .await
            .unwrap();
        assert!(kill.success());
        let status = tokio::time::timeout(TIMEOUT, child.wait())
            .await
            .expect("server did not stop on SIGINT")
            .unwrap();
        assert!(status.success(), "{status}");
        while let Ok(Some(line)) = stderr.next_line().await {
            assert!(
                !line.contains("env-token"),
                "the token must never be logged: {line}"
            );
        }
        let mut stdout = String::new();
        tokio::io::AsyncReadExt::read_to_string(child.stdout.as_mut().unwrap(), &mut stdout)
            .await
            .unwrap();
        assert!(
            stdout.is_empty(),
            "HTTP mode writes nothing to stdout: {stdout}"
        );
    })
    .await;
}

/// A new session's id.
async fn new_session(server: &Running) -> String {
    let response = post(server, &initialize_body(), &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.headers()["mcp-session-id"]
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn unreadable_bodies_get_400_with_the_json_rpc_error() {
    bounded(async {
        let server = start(|_| {}).await;
        let session = new_session(&server).await;
        let headers = [
            ("mcp-session-id", session.as_str()),
            ("mcp-protocol-version", "2025-11-25"),
        ];
        let raw = |body: &'static str| {
            http()
                .post(server.url("/mcp"))
                .header("accept", ACCEPT)
                .header("content-type", "application/json")
                .header("mcp-session-id", &session)
                .header("mcp-protocol-version", "2025-11-25")
                .body(body)
                .send()
        };
        for (body, code) in [
            ("{ nope", -32700),
            ("", -32700),
            ("[]", -32600),
            ("{\"id\": 3}", -32600),
        ] {
            let response = raw(body).await.unwrap();
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
            let reply: Value = response.json().await.unwrap();
            assert_eq!(reply["error"]["code"], code, "{body}: {reply}");
            assert_eq!(reply["jsonrpc"], "2.0");
        }
        // `arguments` as a string is invalid params for that id.
        let call = json!({ "jsonrpc": "2.0", "id": 4, "method": "tools/call",
            "params": { "name": "validate_config", "arguments": "{}" } });
        let response = post(&server, &call, &headers).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let reply: Value = response.json().await.unwrap();
        assert_eq!(
            (reply["id"].clone(), reply["error"]["code"].clone()),
            (json!(4), json!(-32602))
        );
        // The session goes on.
        let list = json!({ "jsonrpc": "2.0", "id": 5, "method": "tools/list" });
        let tools = message(post(&server, &list, &headers).await).await;
        assert!(tools["result"]["tools"].is_array(), "{tools}");
    })
    .await;
}

#[tokio::test]
async fn sessions_beyond_the_cap_close_the_least_recently_used() {
    bounded(async {
        let server = start(|o| o.max_sessions = 2).await;
        let ping = json!({ "jsonrpc": "2.0", "id": 1, "method": "ping" });
        let sessions = [new_session(&server).await, new_session(&server).await];
        let in_session = |id: &str| {
            [
                ("mcp-session-id", id.to_owned()),
                ("mcp-protocol-version", "2025-11-25".to_owned()),
            ]
        };
        // Use the first, so the second is the least recently used when a third comes.
        let h = in_session(&sessions[0]);
        let headers: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            post(&server, &ping, &headers).await.status(),
            StatusCode::OK
        );
        let third = new_session(&server).await;
        let status = |id: String| {
            let server = &server;
            let ping = &ping;
            async move {
                let h = in_session(&id);
                let headers: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
                post(server, ping, &headers).await.status()
            }
        };
        assert_eq!(status(sessions[1].clone()).await, StatusCode::NOT_FOUND);
        assert_eq!(status(sessions[0].clone()).await, StatusCode::OK);
        assert_eq!(status(third).await, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn idle_connections_beyond_the_cap_make_room_and_busy_ones_get_503() {
    bounded(async {
        let server = start(|o| o.max_connections = 2).await;
        // Many connections that never speak: each new one closes the oldest silent one, so
        // the server holds at most two and a client that speaks is still served.
        let mut idle = Vec::new();
        for _ in 0..20 {
            idle.push(tokio::net::TcpStream::connect(server.addr).await.unwrap());
        }
        let mut speaking = tokio::net::TcpStream::connect(server.addr).await.unwrap();
        speaking
            .write_all(b"GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut answer = String::new();
        let _ = tokio::time::timeout(
            TIMEOUT,
            tokio::io::AsyncReadExt::read_to_string(&mut speaking, &mut answer),
        )
        .await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer:?}");
        // The silent ones were closed (all but at most the newest two): reading gives EOF.
        let mut closed = 0;
        for stream in &mut idle {
            let mut byte = [0u8; 1];
            if let Ok(Ok(0)) = tokio::time::timeout(
                Duration::from_millis(200),
                tokio::io::AsyncReadExt::read(stream, &mut byte),
            )
            .await
            {
                closed += 1;
            }
        }
        assert!(
            closed >= 18,
            "only {closed} of 20 silent connections were closed"
        );

        // Two connections busy with a request (headers half sent) are not closed for a third:
        // it gets 503.
        drop(idle);
        let mut busy = Vec::new();
        for _ in 0..2 {
            let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
            stream
                .write_all(b"GET /healthz HTTP/1.1\r\n")
                .await
                .unwrap();
            busy.push(stream);
        }
        let mut refused = String::new();
        for _ in 0..100 {
            // The server may not have seen the idle ones close yet: retry until it refuses.
            let mut third = tokio::net::TcpStream::connect(server.addr).await.unwrap();
            refused.clear();
            let _ = tokio::time::timeout(
                TIMEOUT,
                tokio::io::AsyncReadExt::read_to_string(&mut third, &mut refused),
            )
            .await;
            if refused.starts_with("HTTP/1.1 503") {
                break;
            }
        }
        assert!(refused.starts_with("HTTP/1.1 503"), "{refused:?}");
    })
    .await;
}

#[tokio::test]
async fn healthz_answers_while_heavy_calls_run() {
    bounded(async {
        let server = start(|o| o.stateless = true).await;
        // Calls heavy enough to take a while each, more than there are cores.
        let big = format!(
            "{{\"providers\": {{}}, \"x\": [{}0]}}",
            "0, ".repeat(700_000)
        );
        let done = Arc::new(AtomicUsize::new(0));
        let calls = 4;
        let mut tasks = Vec::new();
        for id in 0..calls {
            let body = json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call",
                "params": { "name": "validate_config", "arguments": { "config": big } } });
            let url = server.url("/mcp");
            let done = Arc::clone(&done);
            tasks.push(tokio::spawn(async move {
                let response = http()
                    .post(url)
                    .header("accept", ACCEPT)
                    .header("content-type", "application/json")
                    .header("mcp-protocol-version", "2025-11-25")
                    .body(body.to_string())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                done.fetch_add(1, Ordering::SeqCst);
            }));
        }
        // Wait until the calls are in (their bodies are sent), then ask for health.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let health = http().get(server.url("/healthz")).send().await.unwrap();
        assert_eq!(health.status(), StatusCode::OK);
        assert!(
            done.load(Ordering::SeqCst) < calls,
            "the calls finished before /healthz was asked; make them heavier"
        );
        for task in tasks {
            task.await.unwrap();
        }
    })
    .await;
}
