//! The stdio transport: newline-delimited JSON-RPC on stdin/stdout, hardened so that every line
//! gets an answer and a closed stdin ends the process promptly.
//!
//! [`LineTransport`] reads stdin a line at a time (at most [`MAX_MESSAGE_BYTES`] held) and
//! answers what is not a message itself (see [`super::jsonrpc`]): invalid UTF-8 or JSON, a
//! batch, params that do not fit their method, and a line over the limit (for its id when the
//! id is near the start, else for id null). [`Lenient`] drops notifications and responses that
//! arrive before the lifecycle starts, which would otherwise make rmcp's handshake fail and
//! the server exit.

use std::sync::Arc;
use std::time::Duration;

use rmcp::{
    RoleServer, ServiceExt,
    model::{ClientJsonRpcMessage, ClientRequest, GetMeta, ProtocolVersion},
    service::{RxJsonRpcMessage, ServerInitializeError, TxJsonRpcMessage},
    transport::Transport,
};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::{Mutex, Notify};

use super::jsonrpc;
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

/// How long calls still running when stdin closes may take to answer before the process exits
/// (rmcp would wait up to 5 s for them; the client that closed stdin is going away).
const EOF_GRACE: Duration = Duration::from_millis(500);

/// One line of input.
enum Line {
    Whole(Vec<u8>),
    /// Over the limit: its first [`ID_SEARCH_BYTES`] and its length.
    Oversize {
        head: Vec<u8>,
        len: usize,
    },
    Eof,
}

/// Newline-delimited JSON-RPC over a reader and a writer, answering unreadable lines itself.
pub struct LineTransport<R, W> {
    reader: BufReader<R>,
    limit: usize,
    /// Shared with the send futures, which rmcp may run concurrently; one line per lock.
    writer: Arc<Mutex<W>>,
    eof: Arc<Notify>,
}

impl<R, W> LineTransport<R, W>
where
    R: AsyncRead + Unpin + Send,
    W: AsyncWrite + Unpin + Send + 'static,
{
    pub fn new(reader: R, writer: W, limit: usize) -> Self {
        Self {
            reader: BufReader::with_capacity(64 * 1024, reader),
            limit,
            writer: Arc::new(Mutex::new(writer)),
            eof: Arc::new(Notify::new()),
        }
    }

    /// Notified once stdin has closed.
    pub fn eof(&self) -> Arc<Notify> {
        Arc::clone(&self.eof)
    }

    /// The next line without its newline; a last line without one counts too.
    async fn next_line(&mut self) -> std::io::Result<Line> {
        let mut line = Vec::new();
        let mut len = 0usize;
        let mut seen_any = false;
        loop {
            let buf = self.reader.fill_buf().await?;
            if buf.is_empty() {
                if !seen_any {
                    return Ok(Line::Eof);
                }
                break;
            }
            seen_any = true;
            let newline = buf.iter().position(|&b| b == b'\n');
            let content = &buf[..newline.unwrap_or(buf.len())];
            len += content.len();
            // Past the limit only the head is kept, for the id.
            let keep = if len > self.limit {
                ID_SEARCH_BYTES.saturating_sub(line.len())
            } else {
                content.len()
            };
            line.extend_from_slice(&content[..content.len().min(keep)]);
            let used = newline.map_or(buf.len(), |i| i + 1);
            self.reader.consume(used);
            if newline.is_some() {
                break;
            }
        }
        if len > self.limit {
            line.truncate(ID_SEARCH_BYTES);
            return Ok(Line::Oversize { head: line, len });
        }
        Ok(Line::Whole(line))
    }

    fn oversize_reply(&self, head: &[u8], len: usize) -> Value {
        tracing::warn!(bytes = len, "refused an oversized message");
        jsonrpc::error(
            request_id(head).unwrap_or(Value::Null),
            jsonrpc::INVALID_REQUEST,
            &format!(
                "message too large: {len} bytes is over the {} MiB limit; pass a large config as config_path instead of config",
                self.limit / (1024 * 1024)
            ),
        )
    }
}

async fn write_line<W: AsyncWrite + Unpin>(writer: &Mutex<W>, line: &[u8]) -> std::io::Result<()> {
    let mut writer = writer.lock().await;
    writer.write_all(line).await?;
    writer.flush().await
}

impl<R, W> Transport<RoleServer> for LineTransport<R, W>
where
    R: AsyncRead + Unpin + Send,
    W: AsyncWrite + Unpin + Send + 'static,
{
    type Error = std::io::Error;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleServer>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        let writer = Arc::clone(&self.writer);
        let line = serde_json::to_vec(&item).map(|mut line| {
            line.push(b'\n');
            line
        });
        async move { write_line(&writer, &line?).await }
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleServer>> {
        loop {
            let reply = match self.next_line().await {
                Ok(Line::Whole(bytes)) => match jsonrpc::read_message(&bytes) {
                    jsonrpc::Incoming::Message(message) => return Some(*message),
                    jsonrpc::Incoming::Reply(reply) => reply,
                    jsonrpc::Incoming::Nothing => continue,
                },
                Ok(Line::Oversize { head, len }) => self.oversize_reply(&head, len),
                Ok(Line::Eof) => {
                    self.eof.notify_one();
                    return None;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read stdin");
                    self.eof.notify_one();
                    return None;
                }
            };
            let mut line = reply.to_string().into_bytes();
            line.push(b'\n');
            if let Err(e) = write_line(&self.writer, &line).await {
                tracing::warn!(error = %e, "cannot write to stdout");
                return None;
            }
        }
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        self.writer.lock().await.flush().await
    }
}

/// The JSON-RPC `id` of a request, from the start of its text: `"id":` then a number or a
/// string.
fn request_id(head: &[u8]) -> Option<Value> {
    let text = String::from_utf8_lossy(head);
    let at = text.find("\"id\"")?;
    let rest = text[at + 4..].trim_start().strip_prefix(':')?.trim_start();
    let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
    match stream.next()? {
        Ok(id @ (Value::Number(_) | Value::String(_))) => Some(id),
        _ => None,
    }
}

/// Serve MCP over stdin/stdout until stdin closes; each tool call may take `budget`.
pub async fn serve(allow_write: bool, budget: Duration) -> Result<(), ServeError> {
    // Non-blocking pipes when the client spawned us with pipes (the usual case), which avoids a
    // thread hand-off per message; plain blocking stdio otherwise.
    let (stdin, stdout) = rmcp::transport::stdio_pipes();
    let transport = LineTransport::new(stdin, stdout, MAX_MESSAGE_BYTES);
    let eof = transport.eof();
    let running = match Server::new(crate::tools::PathPolicy::Allowed)
        .with_live_config(allow_write)
        .with_call_budget(budget)
        .serve(Lenient::new(transport))
        .await
    {
        Ok(running) => running,
        Err(ServerInitializeError::ConnectionClosed(_)) => {
            tracing::debug!("stdin closed before initialize");
            return Ok(());
        }
        Err(e) => return Err(ServeError::Transport(e.to_string())),
    };
    tokio::select! {
        reason = running.waiting() => {
            let reason = reason.map_err(|e| ServeError::Transport(e.to_string()))?;
            tracing::debug!(?reason, "stdio session ended");
        }
        () = async {
            eof.notified().await;
            tokio::time::sleep(EOF_GRACE).await;
        } => {
            tracing::debug!("stdin closed with calls still running; exiting without their answers");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The replies the transport wrote itself for `input`, and how many messages it passed on.
    async fn through(input: &[u8], limit: usize) -> (Vec<Value>, usize) {
        let mut transport = LineTransport::new(input, Vec::<u8>::new(), limit);
        let mut passed = 0;
        while transport.receive().await.is_some() {
            passed += 1;
        }
        let text = String::from_utf8(transport.writer.lock().await.clone()).unwrap();
        let replies = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (replies, passed)
    }

    #[tokio::test]
    async fn lines_within_the_limit_pass_and_every_other_line_is_answered() {
        let ping = r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;
        let (replies, passed) = through(format!("{ping}\n{ping}").as_bytes(), 100).await;
        assert_eq!((replies.len(), passed), (0, 2));

        let big = format!(
            "{{\"jsonrpc\":\"2.0\",\"id\":7,\"params\":\"{}\"}}\n{ping}\n",
            "x".repeat(500)
        );
        let (replies, passed) = through(big.as_bytes(), 100).await;
        assert_eq!(passed, 1);
        assert_eq!(replies[0]["id"], 7);
        assert!(
            replies[0]["error"]["message"]
                .as_str()
                .unwrap()
                .contains("message too large")
        );
        // Without a readable id the oversize line is still answered, for id null.
        let anonymous = format!("{{\"x\":\"{}\"}}\n{ping}\n", "y".repeat(500));
        let (replies, passed) = through(anonymous.as_bytes(), 100).await;
        assert_eq!(passed, 1);
        assert!(replies[0]["id"].is_null());
        assert_eq!(replies[0]["error"]["code"], jsonrpc::INVALID_REQUEST);

        let (replies, passed) = through(b"nope\n\xff\n[]\n\n", 100).await;
        assert_eq!(passed, 0);
        let codes: Vec<&Value> = replies.iter().map(|r| &r["error"]["code"]).collect();
        assert_eq!(codes, [-32700, -32700, -32600]);

        assert_eq!(
            request_id(br#"{"jsonrpc":"2.0", "id" : "abc", "method""#),
            Some(serde_json::json!("abc"))
        );
    }
}
