//! The stdio transport: newline-delimited JSON-RPC on stdin/stdout, hardened.
//!
//! rmcp already skips unparsable lines and answers shape errors with -32600. Two gaps remain:
//! a notification or response that arrives before the lifecycle starts makes rmcp's handshake
//! fail and the server exit ([`Lenient`] drops those, so the session survives), and rmcp drops
//! a line over its length limit without a word, leaving the client waiting ([`OversizeGuard`]
//! answers it instead).

use rmcp::{
    RoleServer, ServiceExt,
    model::{ClientJsonRpcMessage, ClientRequest, GetMeta, ProtocolVersion},
    service::{RxJsonRpcMessage, ServerInitializeError, TxJsonRpcMessage},
    transport::{Transport, async_rw::AsyncRwTransport},
};

use super::options::{MAX_MESSAGE_BYTES, ServeError};
use super::server::Server;

/// Wraps a server transport and drops notifications and responses until a lifecycle can start
/// (an `initialize` request, or a request carrying inline protocol metadata).
pub struct Lenient<T> {
    inner: T,
    started: bool,
}

impl<T> Lenient<T> {
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            started: false,
        }
    }
}

fn starts_lifecycle(message: &ClientJsonRpcMessage) -> bool {
    match message {
        ClientJsonRpcMessage::Request(req) => match &req.request {
            ClientRequest::InitializeRequest(_) => true,
            ClientRequest::DiscoverRequest(_) | ClientRequest::PingRequest(_) => false,
            other => {
                let meta = other.get_meta();
                meta.protocol_version().is_some()
                    && meta
                        .missing_required_keys(&ProtocolVersion::V_2026_07_28)
                        .is_empty()
            }
        },
        _ => false,
    }
}

impl<T: Transport<RoleServer>> Transport<RoleServer> for Lenient<T> {
    type Error = T::Error;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleServer>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        self.inner.send(item)
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleServer>> {
        loop {
            let message = self.inner.receive().await?;
            if self.started {
                return Some(message);
            }
            if starts_lifecycle(&message) {
                self.started = true;
                return Some(message);
            }
            if matches!(message, ClientJsonRpcMessage::Request(_)) {
                // Pre-lifecycle requests (discover, ping, or ones rmcp will reject with an
                // error reply) are answered by rmcp's handshake loop.
                return Some(message);
            }
            tracing::debug!("dropping a notification or response received before initialize");
        }
    }

    fn close(&mut self) -> impl Future<Output = Result<(), Self::Error>> + Send {
        self.inner.close()
    }
}

/// Bytes of an oversized line searched for its request `id`.
const ID_SEARCH_BYTES: usize = 64 * 1024;

/// Wraps stdin so that a line over the limit is not silently dropped (which would leave its
/// client waiting for ever): the line is discarded and, when its request `id` can be found
/// near its start, replaced by a small request for a method whose name explains the refusal,
/// so the client gets an error reply for that id. Lines within the limit pass unchanged.
pub struct OversizeGuard<R> {
    inner: R,
    limit: usize,
    /// The current line, held until its newline (at most `limit` bytes).
    line: Vec<u8>,
    /// The start of an oversized line (for its id) while the rest is discarded.
    discarding: Option<Vec<u8>>,
    discarded: usize,
    /// Bytes ready for the reader, from `ready_from` on.
    ready: Vec<u8>,
    ready_from: usize,
    eof: bool,
}

impl<R> OversizeGuard<R> {
    pub fn new(inner: R, limit: usize) -> Self {
        Self {
            inner,
            limit,
            line: Vec::new(),
            discarding: None,
            discarded: 0,
            ready: Vec::new(),
            ready_from: 0,
            eof: false,
        }
    }

    /// Take in bytes from stdin a line at a time: whole lines within the limit become ready,
    /// longer ones are discarded and refused.
    fn accept(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let newline = bytes.iter().position(|&b| b == b'\n');
            let (piece, rest) = bytes.split_at(newline.map_or(bytes.len(), |i| i + 1));
            bytes = rest;
            let ends_line = newline.is_some();
            if let Some(head) = &mut self.discarding {
                self.discarded += piece.len();
                let room = ID_SEARCH_BYTES.saturating_sub(head.len());
                head.extend_from_slice(&piece[..piece.len().min(room)]);
                if ends_line {
                    let head = std::mem::take(head);
                    self.discarding = None;
                    self.refuse(&head);
                }
                continue;
            }
            self.line.extend_from_slice(piece);
            if self.line.len() - usize::from(ends_line) > self.limit {
                let mut head = std::mem::take(&mut self.line);
                self.discarded = head.len();
                head.truncate(ID_SEARCH_BYTES);
                if ends_line {
                    self.refuse(&head);
                } else {
                    self.discarding = Some(head);
                }
            } else if ends_line {
                self.ready.extend_from_slice(&self.line);
                self.line.clear();
            }
        }
    }

    /// Queue the explanatory request for a discarded line (nothing when its id is not found).
    fn refuse(&mut self, head: &[u8]) {
        let Some(id) = request_id(head) else {
            tracing::warn!(
                bytes = self.discarded,
                "dropped an oversized message without an id"
            );
            return;
        };
        tracing::warn!(bytes = self.discarded, "refused an oversized message");
        let method = format!(
            "message too large: {} bytes is over the {} MiB limit; pass a large config as config_path instead of config",
            self.discarded,
            self.limit / (1024 * 1024)
        );
        let line = serde_json::json!({"jsonrpc": "2.0", "id": id, "method": method}).to_string();
        self.ready.extend_from_slice(line.as_bytes());
        self.ready.push(b'\n');
    }
}

/// The JSON-RPC `id` of a request, from the start of its text: `"id":` then a number or a
/// string.
fn request_id(head: &[u8]) -> Option<serde_json::Value> {
    let text = String::from_utf8_lossy(head);
    let at = text.find("\"id\"")?;
    let rest = text[at + 4..].trim_start().strip_prefix(':')?.trim_start();
    let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<serde_json::Value>();
    match stream.next()? {
        Ok(id @ (serde_json::Value::Number(_) | serde_json::Value::String(_))) => Some(id),
        _ => None,
    }
}

impl<R: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for OversizeGuard<R> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        use std::task::Poll;
        loop {
            if self.ready_from < self.ready.len() {
                let this = &mut *self;
                let n = (this.ready.len() - this.ready_from).min(buf.remaining());
                buf.put_slice(&this.ready[this.ready_from..this.ready_from + n]);
                this.ready_from += n;
                if this.ready_from == this.ready.len() {
                    this.ready.clear();
                    this.ready_from = 0;
                }
                return Poll::Ready(Ok(()));
            }
            if self.eof {
                // A last line without a newline still reaches the reader.
                let rest = std::mem::take(&mut self.line);
                if !rest.is_empty() {
                    self.ready.extend_from_slice(&rest);
                    continue;
                }
                return Poll::Ready(Ok(()));
            }
            let mut scratch = [0u8; 64 * 1024];
            let mut read = tokio::io::ReadBuf::new(&mut scratch);
            let this = &mut *self;
            match std::pin::Pin::new(&mut this.inner).poll_read(cx, &mut read) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Ready(Ok(())) => {
                    let filled = read.filled();
                    if filled.is_empty() {
                        this.eof = true;
                    } else {
                        this.accept(filled);
                    }
                }
            }
        }
    }
}

/// Serve MCP over stdin/stdout until stdin closes.
pub async fn serve(allow_write: bool) -> Result<(), ServeError> {
    // Non-blocking pipes when the client spawned us with pipes (the usual case), which avoids a
    // thread hand-off per message; plain blocking stdio otherwise.
    let (stdin, stdout) = rmcp::transport::stdio_pipes();
    // The guard answers oversized lines; rmcp's own limit (which drops silently) stays above it.
    let stdin = OversizeGuard::new(stdin, MAX_MESSAGE_BYTES);
    let transport = Lenient::new(
        AsyncRwTransport::new_server(stdin, stdout).with_max_line_length(MAX_MESSAGE_BYTES + 1024),
    );
    let running = match Server::new(crate::tools::PathPolicy::Allowed)
        .with_live_config(allow_write)
        .serve(transport)
        .await
    {
        Ok(running) => running,
        Err(ServerInitializeError::ConnectionClosed(_)) => {
            tracing::debug!("stdin closed before initialize");
            return Ok(());
        }
        Err(e) => return Err(ServeError::Transport(e.to_string())),
    };
    let reason = running
        .waiting()
        .await
        .map_err(|e| ServeError::Transport(e.to_string()))?;
    tracing::debug!(?reason, "stdio session ended");
    Ok(())
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncReadExt;

    use super::*;

    async fn through(input: &[u8], limit: usize) -> String {
        let mut guard = OversizeGuard::new(input, limit);
        let mut out = String::new();
        guard.read_to_string(&mut out).await.unwrap();
        out
    }

    #[tokio::test]
    async fn lines_within_the_limit_pass_and_oversized_ones_are_answered() {
        assert_eq!(
            through(b"{\"a\":1}\n{\"b\":2}", 100).await,
            "{\"a\":1}\n{\"b\":2}"
        );
        let big = format!(
            "{{\"jsonrpc\":\"2.0\",\"id\":7,\"params\":\"{}\"}}\n{{\"ok\":1}}\n",
            "x".repeat(500)
        );
        let out = through(big.as_bytes(), 100).await;
        let first: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
        assert_eq!(first["id"], 7);
        assert!(
            first["method"]
                .as_str()
                .unwrap()
                .contains("message too large")
        );
        assert_eq!(out.lines().nth(1), Some("{\"ok\":1}"));
        // Without an id nothing can be answered: the line is dropped.
        let anonymous = format!("{{\"x\":\"{}\"}}\n{{\"ok\":1}}\n", "y".repeat(500));
        assert_eq!(through(anonymous.as_bytes(), 100).await, "{\"ok\":1}\n");
        assert_eq!(
            request_id(br#"{"jsonrpc":"2.0", "id" : "abc", "method""#),
            Some(serde_json::json!("abc"))
        );
    }
}
