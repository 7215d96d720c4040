//! rmcp's in-memory session manager with a cap and idle expiry: every session holds a server
//! task and buffers (about 78 KB), and clients that never send `DELETE` would otherwise keep
//! theirs for ever.
//!
//! A new session first closes those idle longer than the limit and then, at the cap, the least
//! recently used one (so abandoned sessions make room, and the server keeps accepting new
//! clients). A request for a closed session gets rmcp's 404, on which clients start a new one.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures_core::Stream;
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use rmcp::transport::WorkerTransport;
use rmcp::transport::common::server_side_http::ServerSseMessage;
use rmcp::transport::streamable_http_server::SessionId;
use rmcp::transport::streamable_http_server::session::SessionManager;
use rmcp::transport::streamable_http_server::session::local::{
    LocalSessionManager, LocalSessionManagerError, LocalSessionWorker,
};

/// [`LocalSessionManager`] bounded in count and idle time.
#[derive(Debug)]
pub struct BoundedSessions {
    inner: LocalSessionManager,
    max: usize,
    idle: Duration,
    /// When each open session was last used.
    last_used: Mutex<HashMap<SessionId, Instant>>,
}

impl BoundedSessions {
    /// At most `max` sessions (at least one), each closed after `idle` without use.
    pub fn new(max: usize, idle: Duration) -> Self {
        let mut inner = LocalSessionManager::default();
        // rmcp's own idle timer stops the session's worker even when no new session comes.
        inner.session_config.keep_alive = Some(idle);
        Self {
            inner,
            max: max.max(1),
            idle,
            last_used: Mutex::new(HashMap::new()),
        }
    }

    fn used(&self) -> std::sync::MutexGuard<'_, HashMap<SessionId, Instant>> {
        // A panic elsewhere while holding the lock leaves a map that is still consistent.
        self.last_used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn touch(&self, id: &SessionId) {
        if let Some(at) = self.used().get_mut(id) {
            *at = Instant::now();
        }
    }

    fn is_expired(&self, id: &SessionId) -> bool {
        self.used()
            .get(id)
            .is_some_and(|at| at.elapsed() >= self.idle)
    }

    /// The sessions to close so that one more fits: the expired ones, then the least
    /// recently used while at the cap.
    fn victims(&self) -> Vec<SessionId> {
        let used = self.used();
        let mut by_age: Vec<(&SessionId, &Instant)> = used.iter().collect();
        by_age.sort_by_key(|(_, at)| **at);
        let expired = by_age
            .iter()
            .take_while(|(_, at)| at.elapsed() >= self.idle)
            .count();
        let over = (used.len() + 1).saturating_sub(self.max);
        by_age
            .iter()
            .take(expired.max(over))
            .map(|(id, _)| (*id).clone())
            .collect()
    }

    async fn close(&self, id: &SessionId) {
        self.used().remove(id);
        if let Err(e) = self.inner.close_session(id).await {
            tracing::debug!(error = %e, "closing an evicted session");
        }
    }
}

impl SessionManager for BoundedSessions {
    type Error = LocalSessionManagerError;
    type Transport = WorkerTransport<LocalSessionWorker>;

    async fn create_session(&self) -> Result<(SessionId, Self::Transport), Self::Error> {
        for id in self.victims() {
            tracing::info!(session_id = %id, "closing an idle or least recently used session");
            self.close(&id).await;
        }
        let (id, transport) = self.inner.create_session().await?;
        self.used().insert(id.clone(), Instant::now());
        Ok((id, transport))
    }

    async fn initialize_session(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<ServerJsonRpcMessage, Self::Error> {
        self.touch(id);
        self.inner.initialize_session(id, message).await
    }

    async fn has_session(&self, id: &SessionId) -> Result<bool, Self::Error> {
        if self.is_expired(id) {
            self.close(id).await;
            return Ok(false);
        }
        self.inner.has_session(id).await
    }

    async fn close_session(&self, id: &SessionId) -> Result<(), Self::Error> {
        self.used().remove(id);
        self.inner.close_session(id).await
    }

    async fn create_stream(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        self.touch(id);
        self.inner.create_stream(id, message).await
    }

    async fn accept_message(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<(), Self::Error> {
        self.touch(id);
        self.inner.accept_message(id, message).await
    }

    async fn create_standalone_stream(
        &self,
        id: &SessionId,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        self.touch(id);
        self.inner.create_standalone_stream(id).await
    }

    async fn resume(
        &self,
        id: &SessionId,
        last_event_id: String,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        self.touch(id);
        self.inner.resume(id, last_event_id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sessions_beyond_the_cap_or_idle_too_long_are_closed() {
        let sessions = BoundedSessions::new(3, Duration::from_secs(3600));
        let mut ids = Vec::new();
        for _ in 0..5 {
            ids.push(sessions.create_session().await.unwrap().0);
        }
        // The two least recently used made room.
        assert_eq!(sessions.inner.sessions.read().await.len(), 3);
        assert_eq!(sessions.used().len(), 3);
        assert!(!sessions.has_session(&ids[0]).await.unwrap());
        assert!(!sessions.has_session(&ids[1]).await.unwrap());
        assert!(sessions.has_session(&ids[4]).await.unwrap());
        // Use makes a session recent: the next one evicts ids[3], not ids[2].
        sessions.touch(&ids[2]);
        ids.push(sessions.create_session().await.unwrap().0);
        assert!(sessions.has_session(&ids[2]).await.unwrap());
        assert!(!sessions.has_session(&ids[3]).await.unwrap());
        sessions.close_session(&ids[2]).await.unwrap();
        assert_eq!(sessions.inner.sessions.read().await.len(), 2);

        // Idle ones go when a new one comes, and are unknown when asked for.
        let sessions = BoundedSessions::new(100, Duration::ZERO);
        let first = sessions.create_session().await.unwrap().0;
        assert!(!sessions.has_session(&first).await.unwrap());
        for _ in 0..10 {
            sessions.create_session().await.unwrap();
        }
        assert_eq!(sessions.inner.sessions.read().await.len(), 1);
    }
}
