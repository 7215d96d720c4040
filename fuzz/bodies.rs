//! The fuzz targets' bodies, shared by `fuzz/fuzz_targets/*` (cargo fuzz) and
//! `tests/fuzz_regressions.rs` (every saved case and seed, on every `cargo test`).
//! Each body must never panic, and checks the invariants its area promises.
// Each fuzz target uses one body; the regression test uses them all.
#![allow(dead_code)]

use aperture_orchestrator::tools::PathPolicy;
use serde_json::{Value, json};

/// HuJSON parsing + validation in both modes: never a panic, and the counts add up.
pub fn validate(data: &[u8]) {
    use aperture_orchestrator::tools::validate::{Mode, validate_bytes_with};
    for mode in [Mode::Save, Mode::Load] {
        let out = validate_bytes_with(data, mode, false);
        let total = out.counts.error + out.counts.warning + out.counts.info;
        let hidden: usize = out.truncated.iter().map(|t| t.count).sum();
        assert_eq!(total, out.diagnostics.len() + hidden);
        assert_eq!(out.valid, out.counts.error == 0);
    }
}

/// CST merge: adding a provider keeps the document parseable with the provider in it; adding
/// then removing it from an existing non-empty `providers` gives back the same document (same
/// value, every comment kept; layout may differ where the merge had to expand a one-line
/// object, so bytes are compared by `tests/edit_roundtrip.rs` on the fixture corpus instead).
pub fn cst_merge(data: &[u8]) {
    use aperture_orchestrator::config::edit::Editor;
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(editor) = Editor::parse(text) else {
        return;
    };
    let Ok(doc) = aperture_orchestrator::config::Document::parse(text) else {
        return;
    };
    let id = "fuzzProvider";
    let providers = doc.root.get("providers").and_then(|p| p.members());
    if providers.is_some_and(|p| p.iter().any(|m| &*m.key == id)) {
        return;
    }
    let provider = json!({"baseurl": "https://fuzz.example.com", "models": ["m"]});
    if editor.set_provider(id, &provider, false).is_err() {
        return;
    }
    let merged = aperture_orchestrator::config::Document::parse(&editor.text())
        .expect("a merge keeps the document parseable");
    assert!(
        merged
            .root
            .get("providers")
            .and_then(|p| p.get(id))
            .is_some(),
        "the provider is there"
    );
    if providers.is_some_and(|p| !p.is_empty()) {
        editor
            .remove_provider(id)
            .expect("the provider just added can be removed");
        let after = editor.text();
        let back = aperture_orchestrator::config::Document::parse(&after).expect("still parseable");
        assert_eq!(
            back.root.to_json(),
            doc.root.to_json(),
            "merge + remove gives back the same value"
        );
        let comments = |t: &str| t.matches("//").count() + t.matches("/*").count();
        assert_eq!(comments(&after), comments(text), "every comment is kept");
    }
}

/// Glob matching: never a panic; a pattern without wildcards matches exactly itself; on
/// short inputs the linear matcher agrees with plain backtracking.
pub fn glob(data: &[u8]) {
    use aperture_orchestrator::glob::{matches_model, segments_match};
    let text = String::from_utf8_lossy(data);
    let (pattern, name) = text.split_once('\n').unwrap_or((&text, ""));
    let matched = segments_match(pattern, name);
    if pattern.len() + name.len() <= 64 {
        assert_eq!(
            matched,
            backtracking_match(pattern, name),
            "{pattern:?} vs {name:?}"
        );
    }
    let (provider, model) = name.split_once('/').unwrap_or((name, ""));
    let _ = matches_model(pattern, provider, model);
    if !pattern.contains('*') && !pattern.is_empty() {
        assert!(
            segments_match(pattern, pattern),
            "{pattern:?} matches itself"
        );
    }
}

/// The matcher `glob` used before it was made linear: exponential-free only on short input,
/// but simple enough to trust as the reference.
fn backtracking_match(pattern: &str, name: &str) -> bool {
    fn wildcard<T>(
        p: &[T],
        t: &[T],
        star: impl Fn(&T) -> bool,
        one: impl Fn(&T, &T) -> bool,
    ) -> bool {
        let (mut i, mut j, mut back) = (0, 0, None);
        while j < t.len() {
            if i < p.len() && star(&p[i]) {
                back = Some((i, j));
                i += 1;
            } else if i < p.len() && one(&p[i], &t[j]) {
                (i, j) = (i + 1, j + 1);
            } else if let Some((bi, bj)) = back {
                (i, j) = (bi + 1, bj + 1);
                back = Some((bi, bj + 1));
            } else {
                return false;
            }
        }
        p[i..].iter().all(star)
    }
    let chars = |s: &str| s.chars().collect::<Vec<char>>();
    let p: Vec<Vec<char>> = pattern.split('/').map(chars).collect();
    let n: Vec<Vec<char>> = name.split('/').map(chars).collect();
    wildcard(
        &p,
        &n,
        |s| s.as_slice() == ['*', '*'],
        |ps, ns| wildcard(ps, ns, |c| *c == '*', |a, b| *a == '?' || a == b),
    )
}

/// The line index: each character's line and column agree with counting from the start, and
/// the offset of that line and column is the character again.
pub fn line_index(data: &[u8]) {
    use aperture_orchestrator::config::LineIndex;
    let text = String::from_utf8_lossy(data);
    let index = LineIndex::new(&text);
    // Counting from the start is quadratic: check every character of short inputs, a sample
    // of long ones.
    let step = (text.len() / 256).max(1);
    let (mut line, mut column, mut next) = (1u32, 1u32, 0usize);
    for (offset, c) in text.char_indices() {
        if offset >= next {
            assert_eq!(
                index.line_col(&text, offset),
                (line, column),
                "offset {offset}"
            );
            if c != '\n' && c != '\r' {
                assert_eq!(index.offset(&text, line, column), Some(offset));
            }
            next = offset + step;
        }
        if c == '\n' {
            (line, column) = (line + 1, 1);
        } else {
            column += 1;
        }
    }
    assert_eq!(index.line_col(&text, text.len()), (line, column));
}

/// Masking: never a panic, idempotent, and `mask_line` keeps every character's position.
pub fn redact(data: &[u8]) {
    use aperture_orchestrator::redact::{fingerprint_text, mask_line, mask_text};
    let text = String::from_utf8_lossy(data);
    let line = mask_line(&text);
    assert_eq!(line.chars().count(), text.chars().count(), "width kept");
    assert_eq!(mask_line(&line), line, "mask_line twice");
    let masked = mask_text(&text);
    assert_eq!(mask_text(&masked), masked, "mask_text twice");
    let _ = fingerprint_text(&text);
}

/// The symptom matcher: never a panic; scores are finite and sorted.
pub fn symptom_matcher(data: &[u8]) {
    use aperture_orchestrator::diagnose::matcher::{Query, rank};
    let text = String::from_utf8_lossy(data);
    let status = data.first().map(|b| 400 + u16::from(*b) % 200);
    for query in [
        Query {
            text: &text,
            status: None,
            error_text: None,
            symptom_id: None,
        },
        Query {
            text: "",
            status,
            error_text: Some(&text),
            symptom_id: None,
        },
    ] {
        let ranked = rank(&query);
        for pair in ranked.windows(2) {
            assert!(pair[0].score.is_finite() && pair[0].score >= pair[1].score);
        }
    }
}

/// The JSON-RPC input path: a message's arguments deserialized into every tool's input and
/// run (files refused, nothing sent over the network): errors are values, never panics.
pub fn jsonrpc_input(data: &[u8]) {
    use aperture_orchestrator::tools::{
        client, diagnose, explain, grants, migrate, provider, test_endpoint, validate,
    };
    let Ok(message) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let args = message
        .pointer("/params/arguments")
        .cloned()
        .unwrap_or(message);
    let policy = PathPolicy::Refused;
    if let Ok(input) = serde_json::from_value::<validate::ValidateInput>(args.clone()) {
        let _ = validate::validate(&input, policy);
    }
    if let Ok(input) = serde_json::from_value::<provider::ProviderInput>(args.clone()) {
        let _ = provider::generate_provider(
            &input,
            policy,
            &aperture_orchestrator::tools::live_config::Daemon::Off,
        );
    }
    if let Ok(input) = serde_json::from_value::<grants::GrantsInput>(args.clone()) {
        let _ = grants::generate_grants(&input, policy);
    }
    if let Ok(input) = serde_json::from_value::<client::ClientInput>(args.clone()) {
        let _ = client::generate_client_config(&input);
    }
    if let Ok(input) = serde_json::from_value::<explain::ExplainInput>(args.clone()) {
        let _ = explain::explain_access(&input, policy);
    }
    if let Ok(input) = serde_json::from_value::<migrate::MigrateInput>(args.clone()) {
        let _ = migrate::migrate(&input, policy);
    }
    if let Ok(input) = serde_json::from_value::<diagnose::DiagnoseInput>(args.clone()) {
        let _ = diagnose::diagnose_with(&input, policy, None);
    }
    if let Ok(input) = serde_json::from_value::<test_endpoint::TestInput>(args) {
        let _ = aperture_orchestrator::probe::target::parse(&input.url);
    }
}
