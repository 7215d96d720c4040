//! Load test of the streamable HTTP server (issue 9): the real binary on loopback, 50
//! concurrent clients making 10,000 `validate_config` calls in all (each client its own MCP
//! session), while slow clients trickle headers and others disconnect mid-request. Prints
//! calls/s, p50/p99 latency, failed calls and the server's memory over three rounds (stable
//! memory: later rounds must not keep growing it). Run with `cargo bench --bench http_load`.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

const CLIENTS: usize = 50;
const CALLS_PER_CLIENT: usize = 200;
const ACCEPT: &str = "application/json, text/event-stream";
const CONFIG: &str = include_str!("../tests/mcp_fixtures/full.hujson");

/// The JSON-RPC message in a reply, plain JSON or SSE.
fn message(body: &str) -> Option<Value> {
    serde_json::from_str(body).ok().or_else(|| {
        body.lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .map(str::trim)
            .find_map(|d| serde_json::from_str(d).ok())
    })
}

fn rss_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// One client: a session, then its calls; returns the latencies and the failures.
async fn client(http: reqwest::Client, url: String, calls: usize) -> (Vec<Duration>, usize) {
    let post = |body: Value, session: Option<String>| {
        let mut request = http
            .post(&url)
            .header("accept", ACCEPT)
            .header("content-type", "application/json")
            .header("mcp-protocol-version", "2025-11-25")
            .body(body.to_string());
        if let Some(s) = session {
            request = request.header("mcp-session-id", s);
        }
        request.send()
    };
    let init = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "load", "version": "0"}}});
    let Ok(response) = post(init, None).await else {
        return (Vec::new(), calls);
    };
    let session = response
        .headers()
        .get("mcp-session-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let _ = response.text().await;
    let _ = post(
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        session.clone(),
    )
    .await;
    let mut latencies = Vec::with_capacity(calls);
    let mut failures = 0;
    for i in 0..calls {
        let call = json!({"jsonrpc": "2.0", "id": i + 1, "method": "tools/call",
            "params": {"name": "validate_config", "arguments": {"config": CONFIG}}});
        let start = Instant::now();
        let ok = match post(call, session.clone()).await {
            Ok(r) if r.status().is_success() => {
                match r.text().await.ok().as_deref().and_then(message) {
                    Some(m) => m["result"]["structuredContent"]["valid"] == json!(true),
                    None => false,
                }
            }
            _ => false,
        };
        latencies.push(start.elapsed());
        failures += usize::from(!ok);
    }
    // Close the session, as a well-behaved client does (idle ones expire after 5 minutes).
    if let Some(session) = session {
        let _ = http
            .delete(&url)
            .header("mcp-session-id", session)
            .send()
            .await;
    }
    (latencies, failures)
}

/// Connections that misbehave alongside the load: headers sent a byte at a time, and
/// requests cut off mid-body.
async fn misbehave(addr: String, stop: tokio::sync::watch::Receiver<bool>) -> usize {
    let mut attempts = 0;
    while !*stop.borrow() {
        attempts += 1;
        if let Ok(mut slow) = tokio::net::TcpStream::connect(&addr).await {
            for b in b"POST /mcp HTTP/1.1\r\nhost: 127.0.0.1\r\n" {
                if slow.write_all(&[*b]).await.is_err() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
        if let Ok(mut cut) = tokio::net::TcpStream::connect(&addr).await {
            let head = format!(
                "POST /mcp HTTP/1.1\r\nhost: 127.0.0.1\r\naccept: {ACCEPT}\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{{\"jsonrpc\":"
            );
            let _ = cut.write_all(head.as_bytes()).await;
            drop(cut);
        }
    }
    attempts
}

async fn round(http: &reqwest::Client, url: &str) -> (Vec<Duration>, usize, Duration) {
    let start = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..CLIENTS {
        set.spawn(client(http.clone(), url.to_owned(), CALLS_PER_CLIENT));
    }
    let mut latencies = Vec::new();
    let mut failures = 0;
    while let Some(joined) = set.join_next().await {
        let (l, f) = joined.unwrap();
        latencies.extend(l);
        failures += f;
    }
    (latencies, failures, start.elapsed())
}

fn main() {
    aperture_orchestrator::probe::install_crypto_provider();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_aperture-orchestrator"))
        .args(["serve", "--http", &addr])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = server.id();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(CLIENTS)
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let health = format!("http://{addr}/healthz");
        let ready = Instant::now();
        while http.get(&health).send().await.is_err() {
            assert!(ready.elapsed() < Duration::from_secs(20), "the server did not start");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let url = format!("http://{addr}/mcp");
        let rss_start = rss_kb(pid, "VmRSS");
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let misbehaving = tokio::spawn(misbehave(addr.clone(), stop_rx));
        let mut rss_after = Vec::new();
        for n in 1..=3 {
            let (mut latencies, failures, elapsed) = round(&http, &url).await;
            latencies.sort_unstable();
            let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
            rss_after.push(rss_kb(pid, "VmRSS"));
            eprintln!(
                "round {n}: {} calls from {CLIENTS} clients in {:.2} s = {:.0} calls/s; p50 {:.2} ms, p99 {:.2} ms; failed calls: {failures}; server RSS {} kB",
                latencies.len(),
                elapsed.as_secs_f64(),
                latencies.len() as f64 / elapsed.as_secs_f64(),
                pct(0.50).as_secs_f64() * 1e3,
                pct(0.99).as_secs_f64() * 1e3,
                rss_after[n - 1]
            );
            assert_eq!(failures, 0, "calls failed under load");
        }
        stop_tx.send(true).unwrap();
        let attempts = misbehaving.await.unwrap();
        // Still serving after the slow and cut-off connections.
        let (_, failures) = client(http.clone(), url.clone(), 5).await;
        assert_eq!(failures, 0);
        eprintln!(
            "server memory: {rss_start} kB at start, {} kB after round 1, {} kB after round 2, {} kB after round 3, peak (VmHWM) {} kB; {attempts} slow-header and cut-off connections alongside",
            rss_after[0],
            rss_after[1],
            rss_after[2],
            rss_kb(pid, "VmHWM")
        );
    });
    let _ = server.kill();
    let _ = server.wait();
}
