//! The URL a user gives, checked and reduced to the gateway root the probes call.

use reqwest::Url;

use super::findings::{self, FindingKind};

/// A gateway to probe: its root URL (no path, credentials or query) and how it was derived.
#[derive(Debug, Clone)]
pub struct Target {
    /// Scheme, host and port; requests append Aperture's paths to it.
    pub root: Url,
    pub host: String,
    pub port: u16,
    /// Context findings about the URL as given (https, an API path that was removed).
    pub url_findings: Vec<(FindingKind, String)>,
    /// What was changed to reach the root, for the output's notes.
    pub notes: Vec<String>,
}

impl Target {
    pub fn https(&self) -> bool {
        self.root.scheme() == "https"
    }

    /// The root without a trailing slash, to append paths to.
    pub fn base(&self) -> String {
        self.root.as_str().trim_end_matches('/').to_owned()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base())
    }

    /// The host is an IP address (no DNS lookup to make).
    pub fn host_is_ip(&self) -> bool {
        self.host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok()
    }
}

/// API path prefixes a client base URL may carry; Aperture serves them all from its root.
const API_PREFIXES: &[&str] = &["/v1beta", "/v1", "/bedrock"];

/// Why a URL cannot be probed (or used as a gateway address).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// Nothing was given.
    #[error("no URL given: pass the gateway's address, e.g. http://ai")]
    Empty,
    /// The text is not a URL (`input` is an excerpt, secrets masked).
    #[error("`{input}` is not a valid URL ({reason}); give it as http://<host>, e.g. http://ai")]
    Invalid { input: String, reason: String },
    /// A scheme other than http(s).
    #[error(
        "the `{0}:` scheme is refused: only http:// and https:// gateways can be probed (Aperture is http://<host>)"
    )]
    Scheme(String),
    /// `user:password@` in the URL.
    #[error(
        "the URL carries credentials (user:password@); they are refused so they cannot leak into output or logs. Aperture needs none; for a key-based gateway pass the key's environment variable in api_key_env"
    )]
    Credentials,
    /// No host part.
    #[error("the URL has no host; give it as http://<host>, e.g. http://ai")]
    NoHost,
}

/// Check a URL and reduce it to the gateway root. Refuses anything but http(s), and URLs
/// with credentials (which would end up in output and logs).
pub fn parse(input: &str) -> Result<Target, TargetError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(TargetError::Empty);
    }
    let mut notes = Vec::new();
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        notes.push(format!(
            "no scheme given: probed http://{trimmed} (Aperture's default)"
        ));
        format!("http://{trimmed}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| TargetError::Invalid {
        input: crate::redact::excerpt(trimmed, 80),
        reason: e.to_string(),
    })?;
    match url.scheme() {
        "http" | "https" => {}
        other => {
            return Err(TargetError::Scheme(other.to_owned()));
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(TargetError::Credentials);
    }
    let Some(host) = url.host_str().map(str::to_owned) else {
        return Err(TargetError::NoHost);
    };
    let port = url.port_or_known_default().unwrap_or(80);
    let mut url_findings = Vec::new();
    if url.scheme() == "https" {
        url_findings.push((
            findings::HTTPS_URL,
            format!("the URL is https://{host}; Aperture is normally called as http://{host}"),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        notes.push("the URL's query string and fragment were dropped (they can hold keys, and Aperture does not use them)".into());
    }
    let path = url.path().trim_end_matches('/');
    let mut root = url.clone();
    root.set_query(None);
    root.set_fragment(None);
    if !path.is_empty() {
        let known = API_PREFIXES
            .iter()
            .find(|p| path == **p || path.ends_with(*p));
        match known {
            Some(prefix) => {
                let kept = &path[..path.len() - prefix.len()];
                root.set_path(if kept.is_empty() { "/" } else { kept });
                url_findings.push((
                    findings::BASE_PATH_GIVEN,
                    format!(
                        "the URL ends in {prefix}; probes ran against {}",
                        root.as_str().trim_end_matches('/')
                    ),
                ));
            }
            None => {
                notes.push(format!(
                    "probes are sent under the path {path} as given; Aperture itself serves from its root"
                ));
                root.set_path(path);
            }
        }
    } else {
        root.set_path("/");
    }
    Ok(Target {
        root,
        host,
        port,
        url_findings,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_reduce_to_the_root() {
        let t = parse("ai").unwrap();
        assert_eq!(t.base(), "http://ai");
        assert_eq!(t.port, 80);
        let t = parse("https://ai.example.ts.net/v1/").unwrap();
        assert_eq!(t.base(), "https://ai.example.ts.net");
        assert_eq!(t.port, 443);
        assert_eq!(t.url_findings.len(), 2);
        let t = parse("http://100.64.0.5:8080/bedrock?key=sk-abc").unwrap();
        assert_eq!(t.base(), "http://100.64.0.5:8080");
        assert!(t.host_is_ip());
        assert!(!t.base().contains("sk-abc"));
        assert_eq!(parse("http://h/gw/v1").unwrap().base(), "http://h/gw");
    }

    #[test]
    fn unsafe_urls_are_refused_without_echoing_secrets() {
        for bad in ["file:///etc/passwd", "gopher://ai/", "ftp://ai"] {
            assert!(
                parse(bad).unwrap_err().to_string().contains("refused"),
                "{bad}"
            );
        }
        let err = parse("http://user:sk-secret-123@ai/")
            .unwrap_err()
            .to_string();
        assert!(err.contains("credentials") && !err.contains("sk-secret-123"));
        assert!(parse("").is_err());
        assert!(parse("http://").is_err());
    }
}
