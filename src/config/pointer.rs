//! RFC 6901 JSON pointers: building them while walking a document.

/// Escape one reference token (`~` → `~0`, `/` → `~1`).
pub fn escape(token: &str) -> String {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1")
    } else {
        token.to_owned()
    }
}

/// Append a token to a pointer.
pub fn join(base: &str, token: &str) -> String {
    let mut out = String::with_capacity(base.len() + token.len() + 1);
    out.push_str(base);
    out.push('/');
    out.push_str(&escape(token));
    out
}

/// Append an array index to a pointer.
pub fn index(base: &str, i: usize) -> String {
    format!("{base}/{i}")
}

/// Split a pointer into unescaped tokens; `None` when it is not a valid pointer.
pub fn tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_splits_round_trip() {
        let p = join(&join("", "app"), "tailscale.com/cap/aperture");
        assert_eq!(p, "/app/tailscale.com~1cap~1aperture");
        assert_eq!(
            tokens(&p).unwrap(),
            vec!["app", "tailscale.com/cap/aperture"]
        );
        assert_eq!(join("", "a~b"), "/a~0b");
        assert_eq!(tokens("x"), None);
        assert_eq!(tokens(""), Some(vec![]));
    }
}
