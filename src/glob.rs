//! Glob matching for grant patterns: `provider/model` globs (`*` one segment, `**` any number)
//! and Go `path.Match` globs for `model_cost_map`.
//!
//! Matching never backtracks: the literal pieces between wildcards are found left to right
//! with a substring search (the first occurrence is always a safe choice for a wildcard that
//! matches any run), so a literal pattern costs time linear in pattern plus name, however
//! long either is. Only a piece holding `?` is compared position by position.

/// Match a grant `models`/`connectors` pattern against a `/`-separated name.
/// `**` as a whole segment matches zero or more segments; `*` and `?` stay inside one segment.
pub fn segments_match(pattern: &str, name: &str) -> bool {
    let pattern: Vec<&str> = pattern.split('/').collect();
    let name: Vec<&str> = name.split('/').collect();
    match_segments(&pattern, &name)
}

/// Segment sequences: the groups between `**` segments are anchored at both ends or found
/// left to right, like the pieces of a segment between `*`.
fn match_segments(pattern: &[&str], name: &[&str]) -> bool {
    let mut groups = pattern.split(|s| *s == "**");
    let first = groups.next().unwrap_or_default();
    let rest: Vec<&[&str]> = groups.collect();
    let Some((last, middle)) = rest.split_last() else {
        return first.len() == name.len() && group_at(first, name);
    };
    if name.len() < first.len() || !group_at(first, name) {
        return false;
    }
    let mut pos = first.len();
    for group in middle.iter().filter(|g| !g.is_empty()) {
        match find_group(group, &name[pos..]) {
            Some(end) => pos += end,
            None => return false,
        }
    }
    name.len() - pos >= last.len() && group_at(last, &name[name.len() - last.len()..])
}

/// The group matches the first `group.len()` segments of `name`.
fn group_at(group: &[&str], name: &[&str]) -> bool {
    group.len() <= name.len() && group.iter().zip(name).all(|(p, n)| segment_match(p, n))
}

/// End (exclusive) of the first run of segments matching `group`: KMP when the group is
/// literal (linear), otherwise each start in turn.
fn find_group(group: &[&str], name: &[&str]) -> Option<usize> {
    if group.iter().any(|s| is_glob(s)) {
        return (0..name.len().checked_sub(group.len())? + 1)
            .find(|&i| group_at(group, &name[i..]))
            .map(|i| i + group.len());
    }
    // KMP failure table over segments.
    let mut fail = vec![0usize; group.len()];
    let mut k = 0;
    for i in 1..group.len() {
        while k > 0 && group[i] != group[k] {
            k = fail[k - 1];
        }
        if group[i] == group[k] {
            k += 1;
        }
        fail[i] = k;
    }
    let mut k = 0;
    for (i, segment) in name.iter().enumerate() {
        while k > 0 && *segment != group[k] {
            k = fail[k - 1];
        }
        if *segment == group[k] {
            k += 1;
            if k == group.len() {
                return Some(i + 1);
            }
        }
    }
    None
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
    let Some((first, after_first)) = pattern.split_once('*') else {
        return piece_prefix(pattern, text) == Some(text.len());
    };
    let Some(mut pos) = piece_prefix(first, text) else {
        return false;
    };
    let (middle, last) = after_first.rsplit_once('*').unwrap_or(("", after_first));
    for piece in middle.split('*').filter(|p| !p.is_empty()) {
        match find_piece(piece, &text[pos..]) {
            Some(end) => pos += end,
            None => return false,
        }
    }
    piece_suffix(last, &text[pos..])
}

/// Bytes of `text` a `*`-free piece matches at its start (`?` is any one character).
fn piece_prefix(piece: &str, text: &str) -> Option<usize> {
    let mut chars = text.char_indices();
    for p in piece.chars() {
        let (_, t) = chars.next()?;
        if p != '?' && p != t {
            return None;
        }
    }
    Some(chars.next().map_or(text.len(), |(i, _)| i))
}

/// A `*`-free piece matches the end of `text`.
fn piece_suffix(piece: &str, text: &str) -> bool {
    if !piece.contains('?') {
        return text.ends_with(piece);
    }
    let mut chars = text.chars().rev();
    piece
        .chars()
        .rev()
        .all(|p| chars.next().is_some_and(|t| p == '?' || p == t))
}

/// End (exclusive, in bytes) of the first occurrence of a `*`-free piece in `text`: a linear
/// substring search for a literal piece; with `?`, each start in turn.
fn find_piece(piece: &str, text: &str) -> Option<usize> {
    if !piece.contains('?') {
        return text.find(piece).map(|i| i + piece.len());
    }
    text.char_indices()
        .find_map(|(i, _)| piece_prefix(piece, &text[i..]).map(|n| i + n))
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

    /// The backtracking matcher this module used before: slow on hostile input, but simple
    /// enough to trust as the reference.
    fn reference(pattern: &str, name: &str) -> bool {
        fn seg(p: &[char], t: &[char]) -> bool {
            let (mut i, mut j, mut star) = (0, 0, None);
            while j < t.len() {
                if i < p.len() && (p[i] == '?' || p[i] == t[j]) {
                    (i, j) = (i + 1, j + 1);
                } else if i < p.len() && p[i] == '*' {
                    star = Some((i, j));
                    i += 1;
                } else if let Some((si, sj)) = star {
                    (i, j) = (si + 1, sj + 1);
                    star = Some((si, sj + 1));
                } else {
                    return false;
                }
            }
            p[i..].iter().all(|c| *c == '*')
        }
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        let p: Vec<Vec<char>> = pattern.split('/').map(chars).collect();
        let n: Vec<Vec<char>> = name.split('/').map(chars).collect();
        let (mut i, mut j, mut star) = (0, 0, None);
        let dstar = ['*', '*'];
        while j < n.len() {
            if i < p.len() && p[i] == dstar {
                star = Some((i, j));
                i += 1;
            } else if i < p.len() && seg(&p[i], &n[j]) {
                (i, j) = (i + 1, j + 1);
            } else if let Some((si, sj)) = star {
                (i, j) = (si + 1, sj + 1);
                star = Some((si, sj + 1));
            } else {
                return false;
            }
        }
        p[i..].iter().all(|s| *s == dstar)
    }

    /// Every string over a small alphabet up to a length, in order.
    fn all_strings(alphabet: &[char], max: usize) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut layer = vec![String::new()];
        for _ in 0..max {
            layer = layer
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            out.extend(layer.iter().cloned());
        }
        out
    }

    #[test]
    fn the_linear_matcher_agrees_with_backtracking_on_every_small_case() {
        let patterns = all_strings(&['a', 'é', '*', '?', '/'], 5);
        let names = all_strings(&['a', 'é', '/'], 4);
        for pattern in &patterns {
            for name in &names {
                assert_eq!(
                    segments_match(pattern, name),
                    reference(pattern, name),
                    "{pattern:?} vs {name:?}"
                );
            }
        }
        for (pattern, name) in [
            ("**/a/b/**/c", "x/a/a/b/y/c"),
            ("a/**/b/a/b/**", "a/b/a/a/b/a/b"),
            ("**/a?/**/b*", "q/ab/ac/bb"),
            ("*a*a*b", "aaaaab"),
            ("*ab*ab", "abab"),
        ] {
            assert_eq!(
                segments_match(pattern, name),
                reference(pattern, name),
                "{pattern}"
            );
        }
    }

    #[test]
    fn a_long_pattern_against_a_long_name_is_linear() {
        // Backtracking took about 10 s on this (release build); piece search is linear.
        let pattern = format!("p/*{}b", "a".repeat(10_000));
        let model = "a".repeat(1_000_000);
        assert!(!matches_model(&pattern, "p", &model));
        assert!(matches_model(&pattern, "p", &format!("{model}b")));
        let segments = format!("**/{}z", "a/".repeat(5_000));
        assert!(!segments_match(&segments, &"a/".repeat(500_000)));
    }
}
