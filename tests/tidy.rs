//! Tidy checks: module docs and the architecture invariants of ARCHITECTURE.md.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Source without comment lines, so docs may mention what code must not use.
fn code_of(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every source file as (path relative to `src/`, code without comment lines).
fn sources() -> Vec<(String, String)> {
    rust_files(&src())
        .into_iter()
        .map(|path| {
            (
                path.strip_prefix(src())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                code_of(&path),
            )
        })
        .collect()
}

#[test]
fn every_module_starts_with_a_doc_line() {
    let missing: Vec<String> = rust_files(&src())
        .into_iter()
        .filter(|p| !std::fs::read_to_string(p).unwrap().starts_with("//!"))
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "modules without a leading `//!` line: {missing:?}"
    );
}

#[test]
fn the_config_core_does_no_io() {
    let pure = [
        "config",
        "rules",
        "catalog",
        "access.rs",
        "glob.rs",
        "explain",
    ];
    let mut offenders = Vec::new();
    for (rel, code) in sources() {
        if !pure.iter().any(|p| rel.starts_with(p)) {
            continue;
        }
        for banned in [
            "std::fs",
            "std::net::TcpStream",
            "tokio::",
            "reqwest",
            "std::process",
            "std::env",
        ] {
            if code.contains(banned) {
                offenders.push(format!("{rel} uses {banned}"));
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:?}");
}

#[test]
fn only_the_adapters_touch_the_transport() {
    let mut offenders = Vec::new();
    for (rel, code) in sources() {
        if rel.starts_with("mcp") || rel == "cli.rs" || rel == "main.rs" {
            continue;
        }
        for banned in ["rmcp::", "axum::", "tokio::"] {
            // Probing live gateways is network I/O by nature; it still never touches MCP.
            let network_io = rel.starts_with("probe")
                || rel == "tools/test_endpoint.rs"
                || rel == "tools/live_config.rs";
            if banned == "tokio::" && network_io {
                continue;
            }
            if code.contains(banned) {
                offenders.push(format!("{rel} uses {banned}"));
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:?}");
}
