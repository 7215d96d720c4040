//! A raw, line-level JSON-RPC session with the real binary's stdio MCP server (`serve`): every
//! stdout line is checked to be one JSON-RPC 2.0 message, and every read is bounded by
//! [`READ_LIMIT`], so a hung server fails the test instead of blocking it.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout};
use tokio::task::JoinHandle;

/// Longest wait for one stdout line, or for the process to exit.
pub const READ_LIMIT: Duration = Duration::from_secs(30);

/// The server process and what it has said so far.
pub struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Lines<BufReader<ChildStdout>>,
    /// Everything the server wrote to stderr, when it is kept (drained as it comes, or the
    /// server would block on a full pipe).
    stderr: Option<JoinHandle<String>>,
    /// Messages read but not yet claimed by [`Session::response`].
    pub pending: Vec<Value>,
    /// The last id [`Session::call`] used.
    last_id: u64,
}

impl Session {
    /// `serve` with `RUST_LOG=rust_log`; its stderr is discarded.
    pub fn spawn(rust_log: &str) -> Session {
        Self::start(rust_log, false)
    }

    /// `serve` with `RUST_LOG=rust_log`; its stderr is kept and returned by [`Session::finish`].
    pub fn spawn_keeping_stderr(rust_log: &str) -> Session {
        Self::start(rust_log, true)
    }

    fn start(rust_log: &str, keep_stderr: bool) -> Session {
        let mut child = super::async_bin()
            .arg("serve")
            .env("RUST_LOG", rust_log)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(if keep_stderr {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .kill_on_drop(true)
            .spawn()
            .expect("spawn the server");
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let stderr = child.stderr.take().map(|mut pipe| {
            tokio::spawn(async move {
                let mut text = String::new();
                let _ = pipe.read_to_string(&mut text).await;
                text
            })
        });
        Session {
            child,
            stdin,
            stdout,
            stderr,
            pending: Vec::new(),
            last_id: 0,
        }
    }

    /// The server's stdin, for writes that are not whole lines.
    pub fn stdin(&mut self) -> &mut ChildStdin {
        self.stdin.as_mut().expect("stdin open")
    }

    /// Write `line` and a newline.
    pub async fn send_raw(&mut self, line: &[u8]) {
        let stdin = self.stdin();
        stdin.write_all(line).await.expect("write to stdin");
        stdin.write_all(b"\n").await.expect("write to stdin");
        stdin.flush().await.expect("flush stdin");
    }

    pub async fn send(&mut self, message: Value) {
        self.send_raw(message.to_string().as_bytes()).await;
    }

    /// Send a request and wait for its response.
    pub async fn request(&mut self, id: Value, method: &str, params: Value) -> Value {
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))
            .await;
        self.response(&id).await
    }

    /// `tools/call` under the next free numeric id; the response.
    pub async fn call(&mut self, tool: &str, arguments: &Value) -> Value {
        self.last_id += 1;
        let id = json!(self.last_id);
        self.request(
            id,
            "tools/call",
            json!({ "name": tool, "arguments": arguments }),
        )
        .await
    }

    /// Read the next stdout line, checking it is one JSON-RPC message (or an array of them, the
    /// answer to a batch); `None` once stdout closes.
    pub async fn next_message(&mut self) -> Option<Value> {
        let line = tokio::time::timeout(READ_LIMIT, self.stdout.next_line())
            .await
            .expect("timed out waiting for the server")
            .expect("read stdout")?;
        let message: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("stdout line is not JSON ({e}): {line:?}"));
        // An array is the answer to a batch: one JSON-RPC message per element.
        let each = match &message {
            Value::Array(items) => items.iter().collect(),
            single => vec![single],
        };
        for message in each {
            assert_eq!(message["jsonrpc"], "2.0", "not JSON-RPC: {line}");
            assert!(
                message.get("id").is_some() || message.get("method").is_some(),
                "neither response nor request/notification: {line}"
            );
        }
        Some(message)
    }

    /// The response with this id (responses may arrive out of order).
    pub async fn response(&mut self, id: &Value) -> Value {
        if let Some(pos) = self.pending.iter().position(|m| &m["id"] == id) {
            return self.pending.remove(pos);
        }
        loop {
            let message = self
                .next_message()
                .await
                .unwrap_or_else(|| panic!("server closed stdout while waiting for id {id}"));
            if &message["id"] == id && message.get("method").is_none() {
                return message;
            }
            self.pending.push(message);
        }
    }

    /// The `initialize` request under `id`, then the `initialized` notification; the response.
    pub async fn initialize(&mut self, id: Value) -> Value {
        let response = self
            .request(
                id,
                "initialize",
                json!({
                    "protocolVersion": "2025-11-25",
                    "capabilities": {},
                    "clientInfo": { "name": "aperture-orchestrator-tests", "version": "0" }
                }),
            )
            .await;
        self.send(json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }))
            .await;
        response
    }

    /// Close stdin and check the server exits cleanly, with only JSON-RPC left on stdout.
    /// Returns what it wrote to stderr, when that was kept.
    pub async fn finish(mut self) -> String {
        drop(self.stdin.take());
        while self.next_message().await.is_some() {}
        let status = tokio::time::timeout(READ_LIMIT, self.child.wait())
            .await
            .expect("server did not exit after stdin closed")
            .expect("wait for the server");
        assert!(status.success(), "server exited with {status}");
        match self.stderr.take() {
            Some(reader) => tokio::time::timeout(READ_LIMIT, reader)
                .await
                .expect("stderr did not close")
                .expect("stderr reader"),
            None => String::new(),
        }
    }
}
