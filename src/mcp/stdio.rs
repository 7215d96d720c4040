//! The stdio transport: newline-delimited JSON-RPC on stdin/stdout, hardened.
//!
//! rmcp already skips unparsable lines, answers shape errors with -32600 and drops lines over
//! [`MAX_MESSAGE_BYTES`](super::MAX_MESSAGE_BYTES). One gap remains: a notification or response
//! that arrives before the lifecycle starts makes rmcp's handshake fail and the server exit.
//! [`Lenient`] drops those (a client has nothing to gain from them) so the session survives.

use rmcp::{
    RoleServer,
    model::{ClientJsonRpcMessage, ClientRequest, GetMeta, ProtocolVersion},
    service::{RxJsonRpcMessage, TxJsonRpcMessage},
    transport::Transport,
};

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
