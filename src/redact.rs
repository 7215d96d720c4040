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

/// True when a string looks like a credential rather than configuration text.
pub fn looks_secret(value: &str) -> bool {
    SECRET_PREFIXES.iter().any(|p| value.starts_with(p))
        || (value.len() >= 32
            && !value.contains([' ', '/', ':', '.'])
            && value.chars().any(|c| c.is_ascii_digit()))
}

/// A secret shown as its first four characters and its length.
pub fn mask(value: &str) -> String {
    let head: String = value.chars().take(4).collect();
    format!("{head}… ({} chars, redacted)", value.chars().count())
}

/// A value safe to quote in a message: secrets are masked, long text is shortened.
pub fn excerpt(value: &str, max_chars: usize) -> String {
    if looks_secret(value) {
        return mask(value);
    }
    if value.chars().count() <= max_chars {
        value.to_owned()
    } else {
        let head: String = value.chars().take(max_chars).collect();
        format!("{head}…")
    }
}

/// A source line with every secret-looking string literal masked, keeping its width
/// (so a caret under a column still lines up).
pub fn mask_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        let close = rest.find('"').unwrap_or(rest.len());
        let literal = &rest[..close];
        if looks_secret(literal) {
            out.extend(
                literal
                    .chars()
                    .enumerate()
                    .map(|(i, c)| if i < 4 { c } else { '*' }),
            );
        } else {
            out.push_str(literal);
        }
        rest = &rest[close..];
        if let Some(stripped) = rest.strip_prefix('"') {
            out.push('"');
            rest = stripped;
        }
    }
    out.push_str(rest);
    out
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
            mask_line(r#"  "apikey": "sk-ant-123", // x"#),
            r#"  "apikey": "sk-a******", // x"#
        );
    }
}
