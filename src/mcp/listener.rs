//! The HTTP accept loop, bounded: at most `max_connections` served at once, a header-read
//! timeout, and an idle timeout that closes a connection on which no byte moved for a while
//! (SSE streams send keep-alive events, so a live stream is never idle).
//!
//! At the cap a new connection closes the oldest one that has not sent a byte yet (a flood of
//! idle connections then cannot lock out clients that speak, such as `/healthz` checks); when
//! every connection is busy, the new one gets a 503 and is closed before anything is read, so
//! the token is never checked for it.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore, watch};
use tokio::time::Instant;

/// How long a client may take to send a request's headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a connection may stay without a byte read or written, at least; a call that runs
/// silently (stateless mode answers with one JSON body) gets its budget on top.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a new connection waits for the slot of a connection closed for it.
const EVICT_WAIT: Duration = Duration::from_secs(1);

/// How long shutdown waits for connections to finish.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// What bounds each connection.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
    pub header_read_timeout: Duration,
    pub idle_timeout: Duration,
}

/// Serve `router` on `listener` until `shutdown` completes, then let connections finish.
///
/// Every accepted connection gets `TCP_NODELAY`: streamable HTTP answers in several small
/// writes (SSE priming event, then the message), and Nagle's algorithm would hold the second
/// one back until the client's delayed ACK, about 40 ms per request.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop, stopped) = watch::channel(false);
    // Connections in accept order that may not have sent a byte yet.
    let silent: Mutex<VecDeque<Arc<ConnState>>> = Mutex::new(VecDeque::new());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: let connections close, then retry.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let slot = match Arc::clone(&slots).try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) if close_a_silent_one(&silent) => {
                // Its task ends at once and gives its slot back.
                match tokio::time::timeout(EVICT_WAIT, Arc::clone(&slots).acquire_owned()).await {
                    Ok(Ok(slot)) => slot,
                    _ => {
                        refuse(&stream);
                        continue;
                    }
                }
            }
            Err(_) => {
                refuse(&stream);
                continue;
            }
        };
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(error = %e, "cannot set TCP_NODELAY");
        }
        let state = Arc::new(ConnState::default());
        {
            let mut queue = lock(&silent);
            // Below the cap nothing pops entries: drop those of closed or spoken connections
            // now and then (amortized constant work per connection).
            if queue.len() >= 2 * limits.max_connections.max(1) {
                queue.retain(|s| Arc::strong_count(s) > 1 && !s.spoke.load(Ordering::Relaxed));
            }
            queue.push_back(Arc::clone(&state));
        }
        let router = router.clone();
        let stopped = stopped.clone();
        tokio::spawn(async move {
            connection(stream, router, limits, state, stopped).await;
            drop(slot);
        });
    }
    let _ = stop.send(true);
    let all = u32::try_from(limits.max_connections.max(1)).unwrap_or(u32::MAX);
    if tokio::time::timeout(DRAIN_TIMEOUT, slots.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!("connections still open after shutdown; closing them");
    }
    Ok(())
}

/// What the accept loop knows of a connection.
#[derive(Default)]
struct ConnState {
    /// The client has sent at least one byte.
    spoke: AtomicBool,
    /// Close the connection.
    close: Notify,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The queue stays consistent even if a holder panicked.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Close the oldest open connection that has not sent a byte; whether there was one. Entries
/// of closed connections and of those that spoke leave the queue on the way.
fn close_a_silent_one(silent: &Mutex<VecDeque<Arc<ConnState>>>) -> bool {
    let mut queue = lock(silent);
    while let Some(state) = queue.pop_front() {
        let open = Arc::strong_count(&state) > 1;
        if open && !state.spoke.load(Ordering::Relaxed) {
            tracing::debug!("connection cap reached; closing the oldest silent connection");
            state.close.notify_one();
            return true;
        }
    }
    false
}

/// Over the cap: a short 503 if the socket takes it at once, then close.
fn refuse(stream: &TcpStream) {
    tracing::warn!("connection cap reached; refusing a connection");
    let _ = stream.try_write(
        b"HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\nretry-after: 1\r\n\r\n",
    );
}

async fn connection(
    stream: TcpStream,
    router: Router,
    limits: Limits,
    state: Arc<ConnState>,
    mut stopped: watch::Receiver<bool>,
) {
    let started = Instant::now();
    let activity = Arc::new(AtomicU64::new(0));
    let io = TokioIo::new(Tracked {
        inner: stream,
        started,
        activity: Arc::clone(&activity),
        state: Arc::clone(&state),
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let conn = builder.serve_connection(io, TowerToHyperService::new(router));
    let mut conn = std::pin::pin!(conn);
    let mut draining = false;
    loop {
        let last = started + Duration::from_millis(activity.load(Ordering::Relaxed));
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                return;
            }
            () = tokio::time::sleep_until(last + limits.idle_timeout) => {
                let now_last = started + Duration::from_millis(activity.load(Ordering::Relaxed));
                if now_last == last {
                    tracing::debug!("closing an idle connection");
                    return;
                }
            }
            () = state.close.notified() => return,
            changed = stopped.changed(), if !draining => {
                draining = true;
                if changed.is_ok() {
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// A stream that records when bytes last moved (milliseconds since `started`).
struct Tracked {
    inner: TcpStream,
    started: Instant,
    activity: Arc<AtomicU64>,
    state: Arc<ConnState>,
}

impl Tracked {
    fn moved(&self) {
        let ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.activity.store(ms, Ordering::Relaxed);
    }
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.state.spoke.store(true, Ordering::Relaxed);
            self.moved();
        }
        result
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.moved();
        }
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    /// Whether the server closes `stream` (EOF or reset) before the test's own bound.
    async fn closed_by_server(stream: &mut TcpStream) -> bool {
        let mut buf = [0u8; 256];
        loop {
            match tokio::time::timeout(Duration::from_secs(20), stream.read(&mut buf)).await {
                Ok(Ok(0) | Err(_)) => return true,
                Ok(Ok(_)) => {}
                Err(_) => return false,
            }
        }
    }

    /// Serve a tiny app within `limits`; a half-sent request and a silent connection must be
    /// closed by the server, and a whole request answered.
    async fn check(limits: Limits) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = Router::new().route("/", axum::routing::get(|| async { "ok" }));
        let stop = tokio_util::sync::CancellationToken::new();
        let stopped = stop.clone();
        let server = tokio::spawn(serve(listener, router, limits, async move {
            stopped.cancelled().await;
        }));

        let mut slow = TcpStream::connect(addr).await.unwrap();
        slow.write_all(b"GET / HTTP/1.1\r\nhost: x\r\n")
            .await
            .unwrap();
        assert!(
            closed_by_server(&mut slow).await,
            "{limits:?}: half a request"
        );
        let mut silent = TcpStream::connect(addr).await.unwrap();
        assert!(closed_by_server(&mut silent).await, "{limits:?}: silent");
        let mut ok = TcpStream::connect(addr).await.unwrap();
        ok.write_all(b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut answer = String::new();
        ok.read_to_string(&mut answer).await.unwrap();
        assert!(
            answer.starts_with("HTTP/1.1 200") && answer.ends_with("ok"),
            "{answer}"
        );

        stop.cancel();
        server.await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn slow_headers_and_silent_connections_are_closed_by_either_timeout() {
        let long = Duration::from_secs(3600);
        let short = Duration::from_millis(200);
        let limits = |header_read_timeout, idle_timeout| Limits {
            max_connections: 8,
            header_read_timeout,
            idle_timeout,
        };
        check(limits(short, long)).await;
        check(limits(long, short)).await;
    }
}
