//! Glob matching for grant patterns: `provider/model` globs (`*` one segment, `**` any number)
//! and Go `path.Match` globs for `model_cost_map`.

/// Match a grant `models`/`connectors` pattern against a `/`-separated name.
/// `**` as a whole segment matches zero or more segments; `*` and `?` stay inside one segment.
pub fn segments_match(pattern: &str, name: &str) -> bool {
    let pattern: Vec<&str> = pattern.split('/').collect();
    let name: Vec<&str> = name.split('/').collect();
    match_segments(&pattern, &name)
}

fn match_segments(pattern: &[&str], name: &[&str]) -> bool {
    // Iterative with one backtrack point per `**`, like classic wildcard matching (linear-ish).
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        if p < pattern.len() && pattern[p] == "**" {
            star = Some((p, n));
            p += 1;
        } else if p < pattern.len() && segment_match(pattern[p], name[n]) {
            p += 1;
            n += 1;
        } else if let Some((sp, sn)) = star {
            p = sp + 1;
            n = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|s| *s == "**")
}

/// Match a grant `models` pattern against `provider/model` without building the joined name.
pub fn matches_model(pattern: &str, provider: &str, model: &str) -> bool {
    if pattern == "**" {
        return true;
    }
    match pattern.split_once('/') {
        // The provider segment never spans a `/`, unless it is `**`.
        Some((head, rest)) if head != "**" => {
            segment_match(head, provider)
                && (rest == "**"
                    || if is_glob(rest) {
                        segments_match(rest, model)
                    } else {
                        rest == model
                    })
        }
        _ => segments_match(pattern, &format!("{provider}/{model}")),
    }
}

/// `*` matches any run of characters, `?` one character (within a segment).
pub fn segment_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < t.len() {
        if i < p.len() && (p[i] == '?' || p[i] == t[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

/// True when the text has glob metacharacters.
pub fn is_glob(text: &str) -> bool {
    text.contains(['*', '?', '['])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grant_globs_follow_the_documented_table() {
        assert!(segments_match("**", "anthropic/claude-sonnet-4-5"));
        assert!(segments_match(
            "anthropic/**",
            "anthropic/claude-sonnet-4-5"
        ));
        assert!(!segments_match("anthropic/**", "openai/gpt-5"));
        assert!(segments_match("openai/gpt-5", "openai/gpt-5"));
        assert!(!segments_match("openai/gpt-5", "openai/gpt-5-mini"));
        assert!(segments_match(
            "*/claude-sonnet*",
            "bedrock/claude-sonnet-4"
        ));
        assert!(!segments_match(
            "*/claude-sonnet*",
            "openrouter/anthropic/claude-sonnet-4"
        ));
        assert!(segments_match(
            "openrouter/**",
            "openrouter/anthropic/claude-sonnet-4"
        ));
        assert!(segments_match("aperture-*/**", "aperture-eu/m"));
        assert!(!segments_match("aperture-*/**", "other/m"));
        assert!(segments_match("**/gpt-5", "openai/gpt-5"));
        assert!(segments_match("a/**/z", "a/z"));
        assert!(segments_match("a/**/z", "a/b/c/z"));
        for (pattern, provider, model) in [
            ("anthropic/**", "anthropic", "claude"),
            ("*/claude-sonnet*", "bedrock", "claude-sonnet-4"),
            ("openrouter/**", "openrouter", "anthropic/claude"),
            ("openrouter/*", "openrouter", "anthropic/claude"),
            ("**/gpt-5", "openai", "gpt-5"),
            ("openai/gpt-5", "openai", "gpt-5-mini"),
            ("anthropic", "anthropic", "claude"),
        ] {
            assert_eq!(
                matches_model(pattern, provider, model),
                segments_match(pattern, &format!("{provider}/{model}")),
                "{pattern} vs {provider}/{model}"
            );
        }
    }
}
