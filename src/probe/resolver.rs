//! Name lookups for the probes: the system resolver (tokio's `lookup_host`), or a stand-in
//! function, so tests can probe names without asking the host's DNS.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

type Lookup = dyn Fn(&str) -> io::Result<Vec<IpAddr>> + Send + Sync;

/// How the DNS, TCP and HTTP probes turn a host name into addresses.
#[derive(Clone, Default)]
pub struct Resolver {
    /// `None`: the system resolver.
    stand_in: Option<Arc<Lookup>>,
}

impl std::fmt::Debug for Resolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.stand_in.is_some() {
            "Resolver(stand-in)"
        } else {
            "Resolver(system)"
        })
    }
}

impl Resolver {
    /// Answer every name with `lookup` instead of DNS; an `Err` is a name that does not resolve.
    pub fn stand_in(
        lookup: impl Fn(&str) -> io::Result<Vec<IpAddr>> + Send + Sync + 'static,
    ) -> Self {
        Resolver {
            stand_in: Some(Arc::new(lookup)),
        }
    }

    pub fn is_system(&self) -> bool {
        self.stand_in.is_none()
    }

    /// The addresses of `host` (a name or an IP literal) at `port`.
    pub async fn lookup(&self, host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
        let host = host.trim_matches(['[', ']']);
        match &self.stand_in {
            None => Ok(tokio::net::lookup_host((host, port)).await?.collect()),
            Some(_) if host.parse::<IpAddr>().is_ok() => {
                Ok(tokio::net::lookup_host((host, port)).await?.collect())
            }
            Some(lookup) => Ok(lookup(host)?
                .into_iter()
                .map(|ip| SocketAddr::new(ip, port))
                .collect()),
        }
    }
}

/// The HTTP probes resolve through the same lookups as the DNS and TCP probes.
impl reqwest::dns::Resolve for Resolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let resolver = self.clone();
        Box::pin(async move {
            // Port 0: reqwest puts in the URL's port.
            let addresses = resolver.lookup(name.as_str(), 0).await?;
            Ok(Box::new(addresses.into_iter()) as reqwest::dns::Addrs)
        })
    }
}
