//! MCP server benchmarks against a bare rmcp echo server built in the same run.
//!
//! Run with `cargo bench --bench mcp_server`. It first builds `benches/rmcp-echo` in release
//! (into `target/rmcp-echo`), then measures, for both servers over stdio:
//! * `cold_start`: spawn → complete `initialize` response (a fresh process per iteration);
//! * `tools_call`: one `tools/call` round trip on a warm connection: our `validate_config` on
//!   the full example config vs the echo server's `echo`.
//!
//! Our binary is the one cargo builds for benches (`CARGO_BIN_EXE_*`, the optimized `bench`
//! profile, which inherits `release`). Targets (issue 3): cold start within 1.5x of echo,
//! round trip within 2x. Criterion prints the figures; nothing here asserts on time.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use aperture_orchestrator::tools::PathPolicy;
use aperture_orchestrator::tools::validate::{ValidateInput, validate};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use std::hint::black_box;

const OURS: &str = env!("CARGO_BIN_EXE_aperture-orchestrator");
const FULL: &str = include_str!("../tests/mcp_fixtures/full.hujson");

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Build the echo server in release in its own target dir and return the binary's path.
fn build_echo() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target = manifest_dir().join("target/rmcp-echo");
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(manifest_dir().join("benches/rmcp-echo/Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .status()
        .expect("run cargo to build benches/rmcp-echo");
    assert!(status.success(), "building benches/rmcp-echo failed");
    target.join("release/rmcp-echo")
}

struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
    line: String,
}

fn initialize_line(id: u64) -> String {
    json!({
        "jsonrpc": "2.0", "id": id, "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": { "name": "mcp-bench", "version": "0" }
        }
    })
    .to_string()
        + "\n"
}

impl Server {
    fn spawn(program: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(program)
            .args(args)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {}: {e}", program.display()));
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Server {
            child,
            stdin,
            stdout,
            next_id: 0,
            line: String::new(),
        }
    }

    fn send(&mut self, line: &str) {
        self.stdin.write_all(line.as_bytes()).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Read lines until the response with `id` (servers may interleave other messages).
    fn wait_for(&mut self, id: u64) -> &str {
        let prefix = format!("{{\"jsonrpc\":\"2.0\",\"id\":{id},");
        loop {
            self.line.clear();
            let n = self.stdout.read_line(&mut self.line).unwrap();
            assert!(n > 0, "server closed stdout");
            if self.line.starts_with(&prefix) {
                return &self.line;
            }
        }
    }

    fn initialize(&mut self) {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&initialize_line(id));
        self.wait_for(id);
        self.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
    }

    fn call(&mut self, name: &str, arguments: &Value) -> &str {
        let id = self.next_id;
        self.next_id += 1;
        let line = json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call",
            "params": { "name": name, "arguments": arguments } })
        .to_string()
            + "\n";
        self.send(&line);
        self.wait_for(id)
    }

    fn stop(self) {
        let Server {
            mut child, stdin, ..
        } = self;
        drop(stdin);
        let _ = child.wait();
    }
}

/// Spawn → initialize response, timed; shutdown is outside the timing.
fn cold_start(program: &Path, args: &[&str]) -> Duration {
    let start = Instant::now();
    let mut server = Server::spawn(program, args);
    server.send(&initialize_line(0));
    server.wait_for(0);
    let elapsed = start.elapsed();
    server.stop();
    elapsed
}

fn benches(c: &mut Criterion) {
    // What the tool itself costs, without the protocol and process boundary.
    let input: ValidateInput =
        serde_json::from_value(json!({ "config": FULL })).expect("valid tool input");
    c.bench_function("library/validate_full_example", |b| {
        b.iter(|| validate(black_box(&input), PathPolicy::Allowed))
    });

    // Building the server (tool router, schemas) is on the cold-start path.
    c.bench_function("library/server_new", |b| {
        b.iter(|| aperture_orchestrator::mcp::Server::new(PathPolicy::Allowed))
    });

    let echo = build_echo();
    let ours = PathBuf::from(OURS);
    let ours_args: &[&str] = &["serve"];

    let mut group = c.benchmark_group("cold_start");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("rmcp_echo", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| cold_start(&echo, &[])).sum())
    });
    group.bench_function("aperture_orchestrator", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| cold_start(&ours, ours_args)).sum())
    });
    group.finish();

    let mut group = c.benchmark_group("tools_call");
    group
        .sample_size(50)
        .measurement_time(Duration::from_secs(10));
    let mut server = Server::spawn(&echo, &[]);
    server.initialize();
    let args = json!({ "message": "hi" });
    assert!(server.call("echo", &args).contains("\"hi\""));
    group.bench_function("rmcp_echo_echo", |b| {
        b.iter(|| {
            server.call("echo", &args);
        })
    });
    server.stop();

    let mut server = Server::spawn(&ours, ours_args);
    server.initialize();
    let args = json!({ "config": FULL });
    let first = server.call("validate_config", &args);
    assert!(
        first.contains("\"valid\":true"),
        "the full example must validate: {first}"
    );
    group.bench_function("validate_config_full_example", |b| {
        b.iter(|| {
            server.call("validate_config", &args);
        })
    });
    server.stop();
    group.finish();
}

criterion_group!(mcp, benches);
criterion_main!(mcp);
