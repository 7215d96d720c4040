//! An in-process MCP client connected to the server over `tokio::io::duplex`.

use aperture_orchestrator::mcp::Server;
use aperture_orchestrator::tools::PathPolicy;
use rmcp::model::{ClientCapabilities, ClientConfig, Implementation};
use rmcp::service::RunningService;
use rmcp::{RoleClient, ServiceExt};

pub type Client = RunningService<RoleClient, ClientConfig>;

/// A client talking to a fresh server with the given path policy.
pub async fn connect(policy: PathPolicy) -> Client {
    connect_to(Server::new(policy)).await
}

/// A client talking to `server`.
pub async fn connect_to(server: Server) -> Client {
    let (server_io, client_io) = tokio::io::duplex(1 << 20);
    tokio::spawn(async move {
        if let Ok(running) = server.serve(server_io).await {
            let _ = running.waiting().await;
        }
    });
    ClientConfig::new(
        ClientCapabilities::default(),
        Implementation::new("test-client", "0"),
    )
    .serve(client_io)
    .await
    .expect("client handshake")
}
