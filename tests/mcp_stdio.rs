//! The real binary as a child process over stdio: clean stdout, robustness against bad input
//! and disconnects, `server/discover`, id 0, and an rmcp client end to end.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rmcp::{
    ServiceExt,
    model::{CallToolRequestParams, ClientCapabilities, ClientConfig, Implementation},
    transport::{ConfigureCommandExt, TokioChildProcess},
};
use serde_json::{Value, json};
use support::bounded;
use support::stdio::Session;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const FULL: &str = include_str!("mcp_fixtures/full.hujson");

fn validate_args(config: &str) -> Value {
    json!({ "name": "validate_config", "arguments": { "config": config } })
}

#[tokio::test]
async fn id_zero_initialize_and_every_stdout_line_is_json_rpc_even_at_debug_level() {
    bounded(async {
        let mut s = Session::spawn("debug");
        let init = s.initialize(json!(0)).await;
        assert_eq!(init["id"], 0);
        assert_eq!(
            init["result"]["serverInfo"]["name"],
            "aperture-orchestrator"
        );
        assert_eq!(
            init["result"]["serverInfo"]["version"],
            env!("CARGO_PKG_VERSION")
        );
        assert!(
            init["result"]["instructions"]
                .as_str()
                .unwrap()
                .contains("validate_config")
        );

        let tools = s.request(json!(1), "tools/list", json!({})).await;
        let names: Vec<&str> = tools["result"]["tools"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t["name"].as_str())
            .collect();
        assert!(names.contains(&"validate_config"), "{names:?}");
        let call = s.request(json!(2), "tools/call", validate_args(FULL)).await;
        assert_eq!(call["result"]["isError"], false);
        assert_eq!(call["result"]["structuredContent"]["valid"], true);
        let prompts = s.request(json!("p"), "prompts/list", json!({})).await;
        assert!(prompts["result"]["prompts"].as_array().unwrap().len() >= 6);
        let resources = s.request(json!("r"), "resources/list", json!({})).await;
        assert_eq!(
            resources["result"]["resources"].as_array().unwrap().len(),
            aperture_orchestrator::mcp::resources::ALL.len()
        );
        s.finish().await;
    })
    .await;
}

#[tokio::test]
async fn server_discover_and_unknown_methods_are_answered_at_once() {
    bounded(async {
        let mut s = Session::spawn("info");
        // A 2026-07-28 client probes with server/discover (string id) before initialize:
        // rmcp 3.9 implements it, so the probe gets a real answer, not a 10 s timeout.
        let meta = json!({ "_meta": {
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {}
        } });
        let discover = s
            .request(json!("server-discover-probe-1"), "server/discover", meta)
            .await;
        let result = &discover["result"];
        assert!(
            result["supportedVersions"]
                .as_array()
                .unwrap()
                .contains(&json!("2025-11-25"))
        );
        assert!(result["capabilities"]["tools"].is_object());
        // A probe without the required metadata gets an immediate error, not silence.
        let bare = s.request(json!(7), "server/discover", json!({})).await;
        assert_eq!(bare["error"]["code"], -32602);

        // The legacy handshake still works after the probe.
        let init = s.initialize(json!(0)).await;
        assert_eq!(init["result"]["protocolVersion"], "2025-11-25");
        // In an initialized (legacy) session a bare `server/discover` is an unknown method
        // (-32601); with params but without the 2026 metadata it is -32602. Either way the
        // answer comes at once.
        s.send(json!({ "jsonrpc": "2.0", "id": 1, "method": "server/discover" }))
            .await;
        let discover = s.response(&json!(1)).await;
        assert_eq!(discover["error"]["code"], -32601, "{discover}");
        let discover = s.request(json!(4), "server/discover", json!({})).await;
        assert_eq!(discover["error"]["code"], -32602, "{discover}");
        let unknown = s.request(json!(2), "aperture/frobnicate", json!({})).await;
        assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
        // Ping and real calls keep working.
        let ping = s.request(json!(3), "ping", json!({})).await;
        assert!(ping["result"].is_object());
        s.finish().await;
    })
    .await;
}

#[tokio::test]
async fn malformed_lines_do_not_kill_the_server_or_corrupt_replies() {
    bounded(async {
        let mut s = Session::spawn("info");
        // Before initialize: garbage, a stray notification and a stray response are survived.
        s.send_raw(b"this is not json").await;
        s.send(json!({ "jsonrpc": "2.0", "method": "notifications/cancelled", "params": { "requestId": 1 } }))
            .await;
        s.send(json!({ "jsonrpc": "2.0", "id": 99, "result": {} })).await;
        s.initialize(json!(0)).await;

        // Each line that is not a message gets the answer JSON-RPC prescribes, in order.
        let lines: [(&[u8], i64); 4] = [
            (b"{\"jsonrpc\": \"2.0\", \"id\": 5, \"method\": ", -32700), // truncated JSON
            (b"\xff\xfe not utf-8", -32700),
            (b"{\"id\": 6, \"hello\": 1}", -32600), // JSON, not a message
            (b"[]", -32600),                          // an empty batch
        ];
        for (line, code) in lines {
            s.send_raw(line).await;
            let reply = s.next_message().await.expect("a reply");
            assert_eq!(reply["error"]["code"], code, "{}: {reply}", String::from_utf8_lossy(line));
            let expected_id = if code == -32600 && line.starts_with(b"{") { json!(6) } else { Value::Null };
            assert_eq!(reply["id"], expected_id, "{reply}");
        }
        // A batch: MCP has none since 2025-06-18, so each request in it is refused for its
        // id, in one array; the notification in it gets nothing.
        s.send_raw(br#"[{"jsonrpc":"2.0","id":"b1","method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":2,"method":"tools/list"}]"#).await;
        let batch = s.next_message().await.expect("a batch reply");
        let answered: Vec<(Value, Value)> = batch
            .as_array()
            .expect("an array answers a batch")
            .iter()
            .map(|e| (e["id"].clone(), e["error"]["code"].clone()))
            .collect();
        assert_eq!(answered, [(json!("b1"), json!(-32600)), (json!(2), json!(-32600))]);
        // `arguments` as a string: invalid params for that id, not "method not found".
        let bad = s
            .request(json!(7), "tools/call", json!({ "name": "validate_config", "arguments": "{}" }))
            .await;
        assert_eq!(bad["error"]["code"], -32602, "{bad}");
        s.send_raw(b"").await;
        let call = s.request(json!(1), "tools/call", validate_args(FULL)).await;
        assert_eq!(call["result"]["structuredContent"]["valid"], true);
        // Bad params on a known method are an error for that id only.
        let bad = s
            .request(json!(2), "tools/call", json!({ "name": 12 }))
            .await;
        assert!(bad.get("error").is_some(), "{bad}");
        let ok = s
            .request(json!(3), "tools/call", validate_args("{}"))
            .await;
        assert_eq!(ok["result"]["structuredContent"]["valid"], false);
        s.finish().await;
    })
    .await;
}

#[tokio::test]
async fn an_oversize_message_is_refused_and_the_session_goes_on() {
    bounded(async {
        let mut s = Session::spawn("info");
        s.initialize(json!(0)).await;
        let huge = "x".repeat(aperture_orchestrator::mcp::MAX_MESSAGE_BYTES + 1024);
        let message = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": validate_args(&huge) });
        s.send(message).await;
        // The oversize request gets an error reply (not silence, which would leave the client
        // waiting); the next one is answered correctly.
        let ok = s.request(json!(2), "tools/call", validate_args(FULL)).await;
        assert_eq!(ok["result"]["structuredContent"]["valid"], true);
        let refused = s.pending.iter().find(|m| m["id"] == 1).expect("a reply to the oversize message");
        let message = refused["error"]["message"].as_str().unwrap();
        assert!(message.contains("message too large") && message.contains("config_path"), "{message}");
        // An oversize line whose id cannot be read is answered too, for id null.
        let anonymous = format!("{{\"x\": \"{huge}\"}}");
        s.send_raw(anonymous.as_bytes()).await;
        let reply = s.next_message().await.expect("a reply to the anonymous oversize line");
        assert!(reply["id"].is_null() && reply["error"]["code"] == -32600, "{reply}");
        // Just under the limit is still accepted (a large but legal document).
        let big_config = format!("{{\"providers\": {{}}, \"x\": \"{}\"}}", "y".repeat(1 << 20));
        let big = s.request(json!(3), "tools/call", validate_args(&big_config)).await;
        assert_eq!(big["result"]["isError"], false, "{}", &big.to_string()[..200.min(big.to_string().len())]);
        s.finish().await;
    })
    .await;
}

#[tokio::test]
async fn cancelled_calls_and_a_client_that_disconnects_mid_call_are_survived() {
    bounded(async {
        let mut s = Session::spawn("info");
        s.initialize(json!(0)).await;
        // Cancel a call right after sending it: later replies are unaffected.
        s.send(json!({ "jsonrpc": "2.0", "id": 10, "method": "tools/call", "params": validate_args(FULL) }))
            .await;
        s.send(json!({ "jsonrpc": "2.0", "method": "notifications/cancelled", "params": { "requestId": 10, "reason": "user" } }))
            .await;
        let ok = s.request(json!(11), "tools/call", validate_args(FULL)).await;
        assert_eq!(ok["result"]["structuredContent"]["valid"], true);

        // Disconnect in the middle of a call: half a request line, then stdin closes.
        let line = json!({ "jsonrpc": "2.0", "id": 12, "method": "tools/call", "params": validate_args(FULL) }).to_string();
        let stdin = s.stdin();
        stdin.write_all(&line.as_bytes()[..line.len() / 2]).await.unwrap();
        stdin.flush().await.unwrap();
        s.finish().await;

        // And with a whole call in flight when the client goes away.
        let mut s = Session::spawn("info");
        s.initialize(json!(0)).await;
        for id in 20..30 {
            s.send(json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": validate_args(FULL) }))
                .await;
        }
        s.finish().await;
    })
    .await;
}

#[tokio::test]
async fn stdin_closed_before_initialize_exits_cleanly() {
    bounded(async {
        let s = Session::spawn("info");
        s.finish().await;
    })
    .await;
}

#[tokio::test]
async fn rmcp_client_drives_the_real_binary() {
    bounded(async {
        let command = support::async_bin().configure(|c| {
            c.arg("serve").env("RUST_LOG", "debug");
        });
        let (transport, _stderr) = TokioChildProcess::builder(command)
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let client = ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("mcp-stdio-test", "0"),
        )
        .serve(transport)
        .await
        .expect("handshake");
        let tools = client.list_all_tools().await.unwrap();
        assert!(tools.iter().any(|t| t.name == "validate_config"));
        // stdio trusts the local user: config_path reads local files.
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/mcp_fixtures/full.hujson"
        );
        let result = client
            .call_tool(
                CallToolRequestParams::new("validate_config")
                    .with_arguments(rmcp::object!({ "config_path": path })),
            )
            .await
            .unwrap();
        assert_eq!(result.is_error, Some(false));
        assert_eq!(result.structured_content.unwrap()["valid"], true);
        client.cancel().await.unwrap();
    })
    .await;
}

/// A loopback "gateway" that accepts connections, reads requests and never answers: counts
/// the connections that carried a request and those still open.
struct Silent {
    addr: std::net::SocketAddr,
    requests: Arc<AtomicUsize>,
    open: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Silent {
    async fn start() -> Silent {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(AtomicUsize::new(0));
        let open = Arc::new(AtomicUsize::new(0));
        let (r, o) = (Arc::clone(&requests), Arc::clone(&open));
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                o.fetch_add(1, Ordering::SeqCst);
                let (r, o) = (Arc::clone(&r), Arc::clone(&o));
                tokio::spawn(async move {
                    let mut seen = Vec::new();
                    let mut buf = [0u8; 4096];
                    let mut counted = false;
                    while let Ok(n @ 1..) = stream.read(&mut buf).await {
                        seen.extend_from_slice(&buf[..n]);
                        if !counted && seen.windows(4).any(|w| w == b"\r\n\r\n") {
                            counted = true;
                            r.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                    o.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        Silent {
            addr,
            requests,
            open,
            task,
        }
    }

    fn call(&self, id: u64) -> Value {
        json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {
            "name": "test_endpoint",
            "arguments": { "url": format!("http://{}", self.addr), "timeout_ms": 120_000 }
        } })
    }
}

impl Drop for Silent {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Wait (bounded, polling) until `condition` holds.
async fn eventually(what: &str, condition: impl Fn() -> bool) {
    for _ in 0..1500 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{what} did not happen within 15 s");
}

#[tokio::test]
async fn a_cancelled_probe_closes_its_connections() {
    bounded(async {
        let silent = Silent::start().await;
        let mut s = Session::spawn("info");
        s.initialize(json!(0)).await;
        s.send(silent.call(1)).await;
        eventually("a probe request", || silent.requests.load(Ordering::SeqCst) >= 1).await;
        assert!(silent.open.load(Ordering::SeqCst) >= 1);
        s.send(json!({ "jsonrpc": "2.0", "method": "notifications/cancelled", "params": { "requestId": 1, "reason": "user" } }))
            .await;
        // The probe's own deadline is 120 s away: only cancellation closes these.
        eventually("the probe connections closing", || silent.open.load(Ordering::SeqCst) == 0).await;
        let ping = s.request(json!(2), "ping", json!({})).await;
        assert!(ping["result"].is_object());
        s.finish().await;
    })
    .await;
}

#[tokio::test]
async fn stdin_closing_mid_call_ends_the_server_without_waiting_for_the_call() {
    bounded(async {
        let silent = Silent::start().await;
        let mut s = Session::spawn("info");
        s.initialize(json!(0)).await;
        s.send(silent.call(1)).await;
        eventually("a probe request", || {
            silent.requests.load(Ordering::SeqCst) >= 1
        })
        .await;
        // The call would run for 120 s; the server exits cleanly once stdin closes.
        s.finish().await;
        eventually("the probe connections closing", || {
            silent.open.load(Ordering::SeqCst) == 0
        })
        .await;
    })
    .await;
}
