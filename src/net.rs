//! Small network facts shared by the rules and the probes: URL hosts and tailnet addresses.

/// The lower-cased host of an http(s) URL.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host.starts_with('[') {
        host.split(']').next()?.trim_start_matches('[')
    } else {
        host.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// An address in Tailscale's CGNAT range 100.64.0.0/10 or its IPv6 ULA prefix fd7a:115c:a1e0::/48.
pub fn is_tailnet_ip(host: &str) -> bool {
    if let Ok(std::net::IpAddr::V4(v4)) = host.parse::<std::net::IpAddr>() {
        let [a, b, ..] = v4.octets();
        return a == 100 && (64..128).contains(&b);
    }
    host.to_ascii_lowercase().starts_with("fd7a:115c:a1e0:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tailnet_addresses() {
        assert!(is_tailnet_ip("100.64.0.1"));
        assert!(is_tailnet_ip("100.127.255.255"));
        assert!(!is_tailnet_ip("100.128.0.1"));
        assert!(!is_tailnet_ip("10.0.0.1"));
        assert!(is_tailnet_ip("FD7A:115C:A1E0::1"));
        assert!(!is_tailnet_ip("fd00::1"));
    }
}
