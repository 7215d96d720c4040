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
    SECRET_PREFIXES.iter().any(|p| value.starts_with(p)) || looks_random(value)
}

/// A long token drawn from a key alphabet with mixed character classes, the shape of
/// generated keys (`eyJhbGciOi…`, `3f9a…` hex) rather than words and dates.
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
    let digit = token.bytes().any(|b| b.is_ascii_digit());
    let hex = token.len() >= 32 && token.bytes().all(|b| b.is_ascii_hexdigit());
    (upper && lower && digit) || hex
}

/// A secret shown as its first four characters and its length.
pub fn mask(value: &str) -> String {
    let head: String = value.chars().take(4).collect();
    format!("{head}… ({} chars, redacted)", value.chars().count())
}

/// Mask every secret-looking token inside a value (`Bearer sk-…`, `x-goog-api-key: AIza…`).
pub fn mask_tokens(value: &str) -> String {
    replace_secrets(
        value,
        |ch| ch.is_whitespace() || matches!(ch, ':' | '=' | ',' | ';' | '"' | '\''),
        mask,
    )
}

/// Mask every secret-looking token in free text of any shape (log lines, error messages,
/// JSON with escaped quotes): the one pass every log line goes through.
pub fn mask_text(text: &str) -> String {
    replace_secrets(
        text,
        |ch| json_separator(ch) || matches!(ch, '(' | ')' | '<' | '>' | '`'),
        mask,
    )
}

/// Replace every secret-looking token with its first four characters and a short fingerprint
/// of its value (`sk-a…#3f2a91`): a diff stays readable and a changed key shows as a changed
/// line, without the key.
pub fn fingerprint_text(text: &str) -> String {
    replace_secrets(text, json_separator, fingerprint)
}

/// One secret as its first four characters and a short fingerprint of its value
/// (`sk-a…#3f2a91`): equal values show equal, the value itself never.
pub fn fingerprint(token: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    token.hash(&mut hasher);
    let head: String = token.chars().take(4).collect();
    format!("{head}…#{:06x}", hasher.finish() & 0xff_ffff)
}

/// What separates tokens in JSON or HuJSON text, escaped quotes included.
fn json_separator(ch: char) -> bool {
    ch.is_whitespace()
        || matches!(
            ch,
            '"' | '\'' | '\\' | ':' | '=' | ',' | ';' | '{' | '}' | '[' | ']'
        )
}

/// Rebuild `text` with every secret-looking token (a run between separators) replaced by
/// `replace(token)`; everything else is copied as it is.
fn replace_secrets(
    text: &str,
    is_separator: impl Fn(char) -> bool,
    replace: impl Fn(&str) -> String,
) -> String {
    let mut out = String::with_capacity(text.len());
    let push_token = |out: &mut String, token: &str| {
        if looks_secret(token) {
            out.push_str(&replace(token));
        } else {
            out.push_str(token);
        }
    };
    let mut token_start = None;
    for (i, ch) in text.char_indices() {
        match (is_separator(ch), token_start) {
            (true, Some(start)) => {
                push_token(&mut out, &text[start..i]);
                token_start = None;
                out.push(ch);
            }
            (true, None) => out.push(ch),
            (false, None) => token_start = Some(i),
            (false, Some(_)) => {}
        }
    }
    if let Some(start) = token_start {
        push_token(&mut out, &text[start..]);
    }
    out
}

/// A value safe to quote in a message: secrets are masked, long text is shortened.
pub fn excerpt(value: &str, max_chars: usize) -> String {
    if looks_secret(value) {
        return mask(value);
    }
    let value = mask_tokens(value);
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
    replace_secrets(line, json_separator, |token| {
        token
            .chars()
            .enumerate()
            .map(|(i, c)| if i < 4 { c } else { '*' })
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
}
