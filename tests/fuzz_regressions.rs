//! The fuzz targets' bodies (`fuzz/bodies.rs`) on every `cargo test`: every case a fuzzing run
//! saved under `tests/fixtures/fuzz/<target>/` (crashes found by `scripts/fuzz`, kept as
//! regressions) and the seed corpus the script starts from.
// Test code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../fuzz/bodies.rs"]
mod bodies;

use std::path::Path;

fn files(dir: &str) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if !path.file_name().unwrap().to_string_lossy().starts_with('.') {
                out.push(std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

fn saved(target: &str) -> Vec<Vec<u8>> {
    files(&format!("tests/fixtures/fuzz/{target}"))
}

#[test]
fn validate_cases() {
    for case in saved("validate")
        .into_iter()
        .chain(files("tests/fixtures/configs"))
    {
        bodies::validate(&case);
    }
}

#[test]
fn cst_merge_cases() {
    for case in saved("cst_merge")
        .into_iter()
        .chain(files("tests/fixtures/configs"))
    {
        bodies::cst_merge(&case);
    }
}

#[test]
fn glob_cases() {
    let seeds: [&[u8]; 6] = [
        b"anthropic/*\nanthropic/claude",
        b"**\nx/y/z",
        b"*/gpt-*\nopenai/gpt-5",
        b"openai/gpt-5\nopenai/gpt-5",
        b"a**b\n",
        b"/\n/",
    ];
    for case in saved("glob")
        .into_iter()
        .chain(seeds.iter().map(|s| s.to_vec()))
    {
        bodies::glob(&case);
    }
}

#[test]
fn symptom_matcher_cases() {
    let eval = include_str!("fixtures/diagnose/eval.jsonl");
    for case in saved("symptom_matcher")
        .into_iter()
        .chain(eval.lines().map(|l| l.as_bytes().to_vec()))
    {
        bodies::symptom_matcher(&case);
    }
}

#[test]
fn jsonrpc_input_cases() {
    let config = include_str!("mcp_fixtures/full.hujson");
    let seeds = [
        serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "validate_config", "arguments": {"config": config}}}),
        serde_json::json!({"params": {"arguments": {"kind": "anthropic", "config": config}}}),
        serde_json::json!({"params": {"arguments": {"rules": [{"src": ["*"], "role": "user", "models": ["**"]}], "config": config}}}),
        serde_json::json!({"params": {"arguments": {"config": config, "identity": {"tags": ["tag:b", "tag:a"]}, "model": "gpt-5", "endpoint": "/v1/responses"}}}),
        serde_json::json!({"params": {"arguments": {"symptom": "403 no role granted", "config": config}}}),
        serde_json::json!({"params": {"arguments": {"url": "gopher://x", "client": "codex", "host": "ai"}}}),
    ];
    for case in saved("jsonrpc_input")
        .into_iter()
        .chain(seeds.iter().map(|s| s.to_string().into_bytes()))
    {
        bodies::jsonrpc_input(&case);
    }
}

#[test]
fn line_index_cases() {
    let seeds: [&[u8]; 4] = [b"", b"a\nb\r\nc", "é\u{1F600}\n\n\tx".as_bytes(), b"\n\n"];
    let long = "aé\u{1F600}b\n".repeat(200);
    for case in saved("line_index")
        .into_iter()
        .chain(seeds.iter().map(|s| s.to_vec()))
        .chain([long.into_bytes()])
        .chain(files("tests/fixtures/configs"))
    {
        bodies::line_index(&case);
    }
}

#[test]
fn redact_cases() {
    let seeds: [&[u8]; 4] = [
        br#"{"apikey": "sk-ant-123", "password": "pw"} https://u:p@h/x Bearer tok"#,
        br#"{\"x-api-key\":\"abc\/def\"}"#,
        "AKIAIOSFODNN7EXAMPLE eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig ***** …".as_bytes(),
        b"https://:@ http://@ ://x:@",
    ];
    for case in saved("redact")
        .into_iter()
        .chain(seeds.iter().map(|s| s.to_vec()))
        .chain(files("tests/fixtures/configs"))
    {
        bodies::redact(&case);
    }
}
