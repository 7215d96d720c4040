//! Every probe as a curl command a user can rerun by hand. Keys appear as `$VARIABLE`.

use super::http::Request;
use super::report::ApiKey;
use super::target::Target;

/// `-w` suffix printing the same timings the probe reports.
const TIMINGS: &str = r"\nHTTP %{http_code}  connect %{time_connect}s  first byte %{time_starttransfer}s  total %{time_total}s\n";

/// Quote for a POSIX shell.
pub fn sh_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:@%+=,".contains(&b))
    {
        return s.to_owned();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Reachability of the host (the DNS and TCP probes): curl resolves and connects, and
/// prints what `format` asks for.
pub fn reach(target: &Target, timeout_secs: u64, format: &str) -> String {
    format!(
        "curl -sS -o /dev/null --connect-timeout {timeout_secs} -w {} {}",
        sh_quote(&format!("{format}\\n")),
        sh_quote(&format!("{}/", target.base()))
    )
}

/// An HTTP probe's request.
pub fn request(request: &Request, timeout_secs: u64, key: Option<&ApiKey>) -> String {
    let mut parts = vec!["curl -sS".to_owned(), format!("-m {timeout_secs}")];
    if request.method != reqwest::Method::GET {
        parts.push(format!("-X {}", request.method));
    }
    for (name, value) in &request.headers {
        parts.push(format!("-H {}", sh_quote(&format!("{name}: {value}"))));
    }
    if let (Some((header, _)), Some(key)) = (&request.key, key) {
        // Double quotes so the shell expands the variable; the value itself is never written.
        parts.push(format!(
            "-H \"{}: {}\"",
            header.name(),
            header.value(&key.shown_as)
        ));
    }
    if let Some(body) = &request.body {
        parts.push(format!("--data {}", sh_quote(body)));
    }
    parts.push(format!("-w {}", sh_quote(TIMINGS)));
    parts.push(sh_quote(&request.url));
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_survives_the_shell() {
        assert_eq!(sh_quote("http://ai/v1/models"), "http://ai/v1/models");
        assert_eq!(sh_quote("it's"), r"'it'\''s'");
        assert_eq!(sh_quote(""), "''");
        assert_eq!(sh_quote("{\"a\":1}"), "'{\"a\":1}'");
    }
}
