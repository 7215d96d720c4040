//! Stand-in resolvers for the probes, so no test asks the host's DNS.

use std::net::{IpAddr, Ipv4Addr};

use aperture_orchestrator::probe::Resolver;

/// Every name is unknown, as a resolver answering NXDOMAIN says (in glibc's words).
pub fn nxdomain() -> Resolver {
    Resolver::stand_in(|_| {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "failed to lookup address information: Name or service not known",
        ))
    })
}

/// Every name is 127.0.0.1.
pub fn loopback() -> Resolver {
    Resolver::stand_in(|_| Ok(vec![IpAddr::V4(Ipv4Addr::LOCALHOST)]))
}
