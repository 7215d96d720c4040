//! Secret handling: API keys never appear in diagnostics, logs or probe output.

/// Key prefixes of known providers; a value starting with one is treated as a secret.
const SECRET_PREFIXES: &[&str] = &[
    "sk-",
    "sk_",
    "xai-",
    "AIza",
    "ghp_",
    "gho_",
    "github_pat_",
    "keyfile::",
    "ABSK",
];

/// True when a whole string looks like a credential rather than configuration text.
pub fn looks_secret(value: &str) -> bool {
    // A gateway echoing JSON may escape `/` as `\/`; judge the key it stands for.
    if value.contains("\\/") {
        return looks_secret(&value.replace("\\/", "/"));
    }
    SECRET_PREFIXES.iter().any(|p| value.starts_with(p))
        || looks_jwt(value)
        || looks_aws_key_id(value)
        || looks_random(value)
}

/// A JSON Web Token: base64url of `{"…` (`eyJ`), dot-separated parts.
fn looks_jwt(token: &str) -> bool {
    token.len() >= 20 && token.starts_with("eyJ") && token.contains('.')
}

/// An AWS access key id (`AKIA…` long-term, `ASIA…` temporary): 20 upper-case alphanumerics.
fn looks_aws_key_id(token: &str) -> bool {
    token.len() == 20
        && (token.starts_with("AKIA") || token.starts_with("ASIA"))
        && token
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// A long token drawn from a key alphabet with mixed character classes, the shape of
/// generated keys (`eyJhbGciOi…`, `3f9a…` hex, lower-case base36) rather than words and dates.
fn looks_random(token: &str) -> bool {
    if token.len() < 24
        || !token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_+/=".contains(&b))
    {
        return false;
    }
    let upper = token.bytes().any(|b| b.is_ascii_uppercase());
    let lower = token.bytes().any(|b| b.is_ascii_lowercase());
    let digits = token.bytes().filter(|b| b.is_ascii_digit()).count();
    let hex = token.len() >= 32 && token.bytes().all(|b| b.is_ascii_hexdigit());
    // Lower-case keys: long, alphanumeric, digits throughout (ids and dates have few).
    let lowercase_key = token.len() >= 32
        && lower
        && digits * 4 >= token.len()
        && token.bytes().all(|b| b.is_ascii_alphanumeric());
    (upper && lower && digits > 0) || hex || lowercase_key
}

/// A field or header whose value is a credential whatever its shape (`apikey`, `password`,
/// `client_secret`, `Authorization`, `x-api-key`, `refresh_token`, …).
pub fn is_secret_field(name: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "apikey",
        "secret",
        "password",
        "passwd",
        "token",
        "authorization",
        "privatekey",
        "secretkey",
        "credential",
        "credentials",
    ];
    if name.len() > 64 {
        return false;
    }
    let normal: String = name
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    SUFFIXES.iter().any(|s| normal.ends_with(s))
}

/// A secret header's name given as a value (`"authorization": "x-api-key"`): hyphenated like
/// a header, or `Authorization` itself. A bare word ending in `token` is a value, not a name.
fn is_header_name(token: &str) -> bool {
    is_secret_field(token)
        && token.len() <= 40
        && (token.contains('-') || token.eq_ignore_ascii_case("authorization"))
}

/// An HTTP auth scheme word: the credential is the token after it.
fn is_auth_scheme(token: &str) -> bool {
    token.eq_ignore_ascii_case("Bearer") || token.eq_ignore_ascii_case("Basic")
}

/// Text this module produced already (`sk-a… (13 chars, redacted)`, `sk-a…#3f2a91`,
/// `sk-a******`): masking again must leave it as it is.
fn already_masked(token: &str) -> bool {
    token.contains('…') || {
        let stars = token.chars().rev().take_while(|c| *c == '*').count();
        stars > 0 && stars + 4 >= token.chars().count()
    }
}

/// A secret shown as its first four characters and its length.
pub fn mask(value: &str) -> String {
    mask_keeping(value, 4)
}

/// A secret shown as its first `head` characters and its length.
fn mask_keeping(value: &str, head: usize) -> String {
    let shown: String = value.chars().take(head).collect();
    format!("{shown}… ({} chars, redacted)", value.chars().count())
}

/// Mask every secret-looking token inside a value (`Bearer sk-…`, `x-goog-api-key: AIza…`).
pub fn mask_tokens(value: &str) -> String {
    replace_secrets(
        value,
        |ch| ch.is_whitespace() || matches!(ch, ':' | '=' | ',' | ';' | '"' | '\''),
        mask_keeping,
    )
}

/// Mask every secret in free text of any shape (log lines, error messages, JSON with
/// escaped quotes): the one pass every log line goes through.
pub fn mask_text(text: &str) -> String {
    replace_secrets(
        text,
        |ch| json_separator(ch) || matches!(ch, '(' | ')' | '<' | '>' | '`'),
        mask_keeping,
    )
}

/// Replace every secret with its first characters and a short fingerprint of its value
/// (`sk-a…#3f2a91`): a diff stays readable and a changed key shows as a changed line,
/// without the key.
pub fn fingerprint_text(text: &str) -> String {
    replace_secrets(text, json_separator, fingerprint_showing)
}

/// One secret as its first four characters and a short fingerprint of its value
/// (`sk-a…#3f2a91`): equal values show equal, the value itself never.
pub fn fingerprint(token: &str) -> String {
    fingerprint_showing(token, 4)
}

/// A secret as its first `head` characters and a short fingerprint of its value.
fn fingerprint_showing(token: &str, head: usize) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    token.hash(&mut hasher);
    let shown: String = token.chars().take(head).collect();
    format!("{shown}…#{:06x}", hasher.finish() & 0xff_ffff)
}

/// What separates tokens in JSON or HuJSON text, escaped quotes included.
fn json_separator(ch: char) -> bool {
    ch.is_whitespace()
        || matches!(
            ch,
            '"' | '\'' | '\\' | ':' | '=' | ',' | ';' | '{' | '}' | '[' | ']'
        )
}

/// Where the scan stands with respect to a secret field.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Armed {
    No,
    /// After a secret field's name, before its `:` or `=`.
    Key,
    /// The next token is the field's value (an auth scheme word before it is kept).
    Value,
}

impl Armed {
    fn after_separator(self, ch: char) -> Armed {
        match (self, ch) {
            (Armed::Key | Armed::Value, ':' | '=') => Armed::Value,
            (state, c) if c == '"' || c == '\'' || c == '\\' || c == ' ' || c == '\t' => state,
            _ => Armed::No,
        }
    }
}

/// Rebuild `text` with every secret replaced by `replace(secret, characters to keep)`:
/// URL passwords, the value of a secret field (`"apikey": "…"`, `Authorization: Bearer …`),
/// and any token (a run between separators) shaped like a key. Everything else is copied.
fn replace_secrets(
    text: &str,
    is_separator: impl Fn(char) -> bool,
    replace: impl Fn(&str, usize) -> String,
) -> String {
    let text = mask_userinfo(text, &replace);
    let mut out = String::with_capacity(text.len());
    let mut state = Armed::No;
    let push_token = |out: &mut String, token: &str, state: Armed| -> Armed {
        if already_masked(token) {
            out.push_str(token);
            return Armed::No;
        }
        // A header name as the value (`"authorization": "x-api-key"`, a hook's header) names
        // a secret; an env reference (`${OPENAI_API_KEY}`) is not one.
        let named = is_auth_scheme(token) || is_header_name(token) || token.starts_with('$');
        if state == Armed::Value && !named {
            let head = if looks_secret(token) { 4 } else { 0 };
            out.push_str(&replace(token, head));
            return Armed::No;
        }
        if looks_secret(token) {
            out.push_str(&replace(token, 4));
            return Armed::No;
        }
        out.push_str(token);
        if is_auth_scheme(token) {
            Armed::Value
        } else if token.starts_with('$') {
            Armed::No
        } else if is_secret_field(token) {
            Armed::Key
        } else {
            Armed::No
        }
    };
    let mut token_start = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, ch)) = chars.next() {
        // `\/` is JSON's escaped slash: part of a token, so an echoed key stays whole.
        let escaped_slash = ch == '\\' && chars.peek().is_some_and(|(_, c)| *c == '/');
        if is_separator(ch) && !escaped_slash {
            if let Some(start) = token_start.take() {
                state = push_token(&mut out, &text[start..i], state);
            }
            state = state.after_separator(ch);
            out.push(ch);
        } else if token_start.is_none() {
            token_start = Some(i);
        }
    }
    if let Some(start) = token_start {
        push_token(&mut out, &text[start..], state);
    }
    out
}

/// Mask the password (or a lone user name, often a token) of every `scheme://user:pass@host`
/// in the text, parseable or not.
fn mask_userinfo<'a>(
    text: &'a str,
    replace: &impl Fn(&str, usize) -> String,
) -> std::borrow::Cow<'a, str> {
    if !text.contains("://") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        let end = after
            .find(|c: char| c.is_whitespace() || "/?#\"'\\<>,;()`[]{}".contains(c))
            .unwrap_or(after.len());
        let authority = &after[..end];
        match authority.rfind('@') {
            Some(user_end) if user_end > 0 => {
                let userinfo = &authority[..user_end];
                match userinfo.split_once(':') {
                    Some((user, password)) if !password.is_empty() => {
                        out.push_str(user);
                        out.push(':');
                        if already_masked(password) {
                            out.push_str(password);
                        } else {
                            out.push_str(&replace(password, 0));
                        }
                    }
                    Some(_) => out.push_str(userinfo),
                    None if already_masked(userinfo) => out.push_str(userinfo),
                    None => out.push_str(&replace(userinfo, 0)),
                }
                out.push_str(&authority[user_end..]);
            }
            _ => out.push_str(authority),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// A value safe to quote in a message: secrets are masked, long text is shortened.
pub fn excerpt(value: &str, max_chars: usize) -> String {
    if looks_secret(value) {
        return mask(value);
    }
    // Mask only what can be shown, plus room for a token cut at the edge to keep its shape:
    // quoting a megabyte value costs the excerpt, not the megabyte.
    let end = value
        .char_indices()
        .nth(max_chars + 600)
        .map_or(value.len(), |(i, _)| i);
    let value = mask_tokens(&value[..end]);
    if value.chars().count() <= max_chars {
        value
    } else {
        let head: String = value.chars().take(max_chars).collect();
        format!("{head}…")
    }
}

/// A source line with every secret-looking token masked, keeping its width (so a caret
/// under a column still lines up). Token-based, so escaped quotes (a config held in a JSON
/// string) cannot hide a key.
pub fn mask_line(line: &str) -> String {
    replace_secrets(line, json_separator, |token, head| {
        token
            .chars()
            .enumerate()
            .map(|(i, c)| if i < head { c } else { '*' })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_and_text_is_not() {
        assert_eq!(
            excerpt("sk-ant-api03-abcdef", 40),
            "sk-a… (19 chars, redacted)"
        );
        assert!(excerpt("keyfile::eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0=", 40).contains("redacted"));
        assert_eq!(excerpt("bearer", 40), "bearer");
        assert_eq!(
            excerpt("https://api.openai.com/v1", 40),
            "https://api.openai.com/v1"
        );
        assert_eq!(excerpt("abcdefghij", 4), "abcd…");
        assert_eq!(
            excerpt("x-goog-api-key: AIzaSyD-EXAMPLE", 80),
            "x-goog-api-key: AIza… (15 chars, redacted)"
        );
        assert_eq!(
            excerpt("Authorization Bearer sk-live-123", 80),
            "Authorization Bearer sk-l… (11 chars, redacted)"
        );
        assert_eq!(
            excerpt("anthropic-beta=prompt-caching-2024-07-31", 80),
            "anthropic-beta=prompt-caching-2024-07-31"
        );
        assert_eq!(
            excerpt("X-Trace: 0123456789abcdef0123456789abcdef", 80),
            "X-Trace: 0123… (32 chars, redacted)"
        );
        assert!(
            excerpt("eyJhbGciOiJIUzI1NiJ9eyJzdWIiOiIxMjM0NTY3ODkwIn0", 80).contains("redacted")
        );
        assert_eq!(
            mask_line(r#"  "add_headers": ["Authorization: Bearer sk-abc123"],"#),
            r#"  "add_headers": ["Authorization: Bearer sk-a*****"],"#
        );
        assert_eq!(
            mask_line(r#""{\"apikey\": \"sk-PLACEHOLDER\"}""#),
            r#""{\"apikey\": \"sk-P**********\"}""#
        );
        assert_eq!(
            mask_text(r#"{\"apikey\":\"sk-ant-SECRET\"} Bearer xai-123 ok"#),
            r#"{\"apikey\":\"sk-a… (13 chars, redacted)\"} Bearer xai-… (7 chars, redacted) ok"#
        );
        assert_eq!(
            mask_line(r#"  "apikey": "sk-ant-123", // x"#),
            r#"  "apikey": "sk-a******", // x"#
        );
    }

    #[test]
    fn secrets_are_masked_by_field_as_well_as_by_shape() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
        let cases = [
            (format!("token {jwt} seen"), jwt),
            (
                "id AKIAIOSFODNN7EXAMPLE used".into(),
                "AKIAIOSFODNN7EXAMPLE",
            ),
            (r#"{"apikey": "lowercasekeyzz"}"#.into(), "lowercasekeyzz"),
            (
                r#""auth": {"type": "basic", "username": "u", "password": "hunter2"}"#.into(),
                "hunter2",
            ),
            ("client_secret=abc def".into(), "abc"),
            ("x-api-key: plainvaluetoken".into(), "plainvaluetoken"),
            (r#"["Authorization: Bearer plainword"]"#.into(), "plainword"),
            (r#"{\"x-api-key\":\"opaque\"}"#.into(), "opaque"),
            ("GET https://bob:s3cr3t@example.com/x".into(), "s3cr3t"),
            ("bad url https://bob:pa%zz@[::1 oops".into(), "pa%zz"),
            ("https://ghp0token@github.com".into(), "ghp0token"),
            (
                "k8s-escaped sk-ant\\/abcDEF0123456789xyzXYZ".into(),
                "abcDEF0123456789",
            ),
            (
                "a9f3k2m8q7w1e5r6t4y0u2i8o3p7l1k9z3x5".into(),
                "a9f3k2m8q7w1e5r6t4y0",
            ),
        ];
        for (text, secret) in &cases {
            for masked in [mask_text(text), fingerprint_text(text), mask_line(text)] {
                assert!(!masked.contains(secret), "{text} -> {masked}");
            }
        }
        assert_eq!(mask_line("https://bob:s3cr3t@h/"), "https://bob:******@h/");
        // Words that merely look alike stay readable.
        for text in [
            "the token expired; max_tokens: 4096",
            r#"{"model": "claude-sonnet-4-5-20250929", "type": "bearer_token"}"#,
            "https://api.example.com/v1?x=1",
            r#""apikey": "${OPENAI_API_KEY}", "authorization": "x-goog-api-key""#,
        ] {
            assert_eq!(mask_text(text), text);
        }
    }

    #[test]
    fn masking_twice_changes_nothing() {
        let text = r#"{"apikey": "sk-ant-SECRET12345", "password": "pw"} https://u:p@h Bearer xyz"#;
        for f in [mask_text, fingerprint_text, mask_line, mask_tokens] {
            let once = f(text);
            assert_eq!(f(&once), once);
        }
    }
}
