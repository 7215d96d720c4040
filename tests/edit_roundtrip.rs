//! Merging into a user's config keeps every byte it does not mean to change.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use aperture_orchestrator::config::edit::Editor;
use serde_json::json;

fn corpus() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in ["tests/fixtures/configs/valid", "examples"] {
        for path in support::files_in(dir, &["hujson", "json"]) {
            if let Ok(text) = std::fs::read_to_string(&path) {
                out.push((path.display().to_string(), text));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn merge_then_remove_a_provider_is_byte_identical() {
    let provider = json!({
        "baseurl": "https://api.anthropic.com",
        "authorization": "x-api-key",
        "models": ["claude-sonnet-4-5"],
        "compatibility": {"anthropic_messages": true, "openai_chat": false}
    });
    let corpus = corpus();
    assert!(corpus.len() >= 8);
    for (name, text) in corpus {
        let editor = Editor::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        editor
            .set_provider("roundtrip-test", &provider, false)
            .unwrap();
        let merged = editor.text();
        assert!(merged.contains("\"roundtrip-test\""), "{name}");
        let reparsed = aperture_orchestrator::config::Document::parse(&merged)
            .unwrap_or_else(|e| panic!("{name}: merged text does not parse: {e}\n{merged}"));
        assert_eq!(
            reparsed
                .root
                .pointer("/providers/roundtrip-test")
                .unwrap()
                .to_json(),
            provider,
            "{name}"
        );
        editor.remove_provider("roundtrip-test").unwrap();
        assert_eq!(
            editor.text(),
            text,
            "{name}: not byte-identical after merge + remove"
        );
    }
}
