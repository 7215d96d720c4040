//! The HTTP accept loop, bounded: at most `max_connections` served at once, a header-read
//! timeout, and an idle timeout that closes a connection on which no byte moved for a while
//! (SSE streams send keep-alive events, so a live stream is never idle).
//!
//! At the cap a new connection closes the oldest one that has not sent a byte yet, or else one
//! that has no request running and has been quiet a while (a flood of idle connections then
//! cannot lock out clients that speak, such as `/healthz` checks); when every connection is
//! busy, the new one gets a 503 and is closed before anything is read, so the token is never
//! checked for it.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
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

/// A connection with no request running and quiet this long may be closed for a new one at
/// the cap (longer than the 15 s between the keep-alive events of an SSE stream).
const EVICTABLE_QUIET: Duration = Duration::from_secs(20);

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
    // The open connections (and, until the next clean-up, some closed ones).
    let open: Mutex<Vec<Arc<ConnState>>> = Mutex::new(Vec::new());
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
            Err(_) if close_one_for_another(&open) => {
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
        let state = Arc::new(ConnState::new());
        {
            let mut open = lock(&open);
            // Drop the entries of closed connections now and then (amortized constant work).
            if open.len() >= 2 * limits.max_connections.max(1) {
                open.retain(|s| Arc::strong_count(s) > 1);
            }
            open.push(Arc::clone(&state));
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
struct ConnState {
    started: Instant,
    /// When bytes last moved, in milliseconds since `started`.
    activity: AtomicU64,
    /// The client has sent at least one byte.
    spoke: AtomicBool,
    /// Requests being handled (until their response head is ready).
    in_flight: AtomicUsize,
    /// Close the connection.
    close: Notify,
}

impl ConnState {
    fn new() -> Self {
        Self {
            started: Instant::now(),
            activity: AtomicU64::new(0),
            spoke: AtomicBool::new(false),
            in_flight: AtomicUsize::new(0),
            close: Notify::new(),
        }
    }

    fn last_activity(&self) -> Instant {
        self.started + Duration::from_millis(self.activity.load(Ordering::Relaxed))
    }

    fn moved(&self) {
        let ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.activity.store(ms, Ordering::Relaxed);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The list stays consistent even if a holder panicked.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Close one open connection to make room for a new one: the oldest that has not sent a byte,
/// else the one quiet longest with no request running (if quiet for [`EVICTABLE_QUIET`]).
/// Whether there was one.
fn close_one_for_another(open: &Mutex<Vec<Arc<ConnState>>>) -> bool {
    let open = lock(open);
    let alive = open.iter().filter(|s| Arc::strong_count(s) > 1);
    let silent = alive
        .clone()
        .filter(|s| !s.spoke.load(Ordering::Relaxed))
        .min_by_key(|s| s.started);
    let quiet = || {
        alive
            .clone()
            .filter(|s| s.in_flight.load(Ordering::Relaxed) == 0)
            .map(|s| (s.last_activity(), s))
            .filter(|(last, _)| last.elapsed() >= EVICTABLE_QUIET)
            .min_by_key(|(last, _)| *last)
            .map(|(_, s)| s)
    };
    match silent.or_else(quiet) {
        Some(victim) => {
            tracing::debug!("connection cap reached; closing an idle connection for a new one");
            victim.close.notify_one();
            true
        }
        None => false,
    }
}

/// Counts the requests running on a connection.
struct Counted {
    inner: TowerToHyperService<Router>,
    state: Arc<ConnState>,
}

/// One running request; the count drops when the handler finishes or is dropped.
struct Busy(Arc<ConnState>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

impl hyper::service::Service<hyper::Request<hyper::body::Incoming>> for Counted {
    type Response = axum::response::Response;
    type Error = std::convert::Infallible;
    type Future =
        Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send + 'static>>;

    fn call(&self, request: hyper::Request<hyper::body::Incoming>) -> Self::Future {
        self.state.in_flight.fetch_add(1, Ordering::Relaxed);
        let busy = Busy(Arc::clone(&self.state));
        let response = self.inner.call(request);
        Box::pin(async move {
            let response = response.await;
            drop(busy);
            response
        })
    }
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
    let io = TokioIo::new(Tracked {
        inner: stream,
        state: Arc::clone(&state),
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let service = Counted {
        inner: TowerToHyperService::new(router),
        state: Arc::clone(&state),
    };
    let conn = builder.serve_connection(io, service);
    let mut conn = std::pin::pin!(conn);
    let mut draining = false;
    loop {
        let last = state.last_activity();
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                return;
            }
            () = tokio::time::sleep_until(last + limits.idle_timeout) => {
                if state.last_activity() == last {
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

/// A stream that records in its connection's state when bytes last moved.
struct Tracked {
    inner: TcpStream,
    state: Arc<ConnState>,
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
            self.state.moved();
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
            self.state.moved();
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

    /// A connection `age` old that last moved bytes when it opened.
    fn conn(age: Duration, spoke: bool, in_flight: usize) -> Arc<ConnState> {
        let state = ConnState::new();
        let state = ConnState {
            started: state.started.checked_sub(age).unwrap(),
            ..state
        };
        state.spoke.store(spoke, Ordering::Relaxed);
        state.in_flight.store(in_flight, Ordering::Relaxed);
        Arc::new(state)
    }

    async fn was_closed(state: &ConnState) -> bool {
        tokio::time::timeout(Duration::from_millis(10), state.close.notified())
            .await
            .is_ok()
    }

    #[tokio::test]
    async fn at_the_cap_a_silent_then_a_quiet_idle_connection_makes_room() {
        let minute = Duration::from_secs(60);
        let quiet_idle = conn(minute, true, 0);
        let quiet_busy = conn(2 * minute, true, 1);
        let recent = conn(Duration::ZERO, true, 0);
        let silent = conn(Duration::ZERO, false, 0);
        // The list holds one reference, the connection task (here: this test) the other.
        let list = |states: &[&Arc<ConnState>]| {
            Mutex::new(states.iter().map(|s| Arc::clone(s)).collect::<Vec<_>>())
        };
        assert!(close_one_for_another(&list(&[
            &quiet_idle,
            &quiet_busy,
            &recent,
            &silent
        ])));
        assert!(was_closed(&silent).await && !was_closed(&quiet_idle).await);
        assert!(close_one_for_another(&list(&[
            &quiet_idle,
            &quiet_busy,
            &recent
        ])));
        assert!(was_closed(&quiet_idle).await);
        // A request running, or bytes moved lately: nothing to close, the new one gets 503.
        assert!(!close_one_for_another(&list(&[&quiet_busy, &recent])));
        // A closed connection (only the list holds it) is no candidate.
        assert!(!close_one_for_another(&Mutex::new(vec![conn(
            minute, false, 0
        )])));
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
