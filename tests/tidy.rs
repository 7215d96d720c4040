//! Tidy checks: module docs and the architecture invariants of ARCHITECTURE.md.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use crate::support::rust_source;

use rust_source::{
    SourceFile, cycles, file_graph, function_lengths, rust_files, skeleton, string_literals,
};

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
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let missing: Vec<String> = rust_files(&src())
        .into_iter()
        .chain(rust_files(&tests))
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
        "net.rs",
        "hujson.rs",
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
        if rel.starts_with("mcp") || rel.starts_with("cli") || rel == "main.rs" {
            continue;
        }
        for banned in ["rmcp::", "axum::", "tokio::"] {
            // Probing live gateways is network I/O by nature; it still never touches MCP.
            let network_io = rel.starts_with("probe")
                || rel == "tools/test_endpoint.rs"
                || rel.starts_with("tools/live_config/")
                || ["tools/gateway.rs", "tools/quota.rs", "tools/status.rs"]
                    .contains(&rel.as_str());
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

/// The layers of `src/`, bottom up. A module may use modules of lower layers only: never one
/// above it, nor another module of its own layer. ARCHITECTURE.md shows the same map.
const LAYERS: &[&[&str]] = &[
    &["glob", "redact", "net", "hujson"],
    &["diagnostic", "catalog"],
    &["config"],
    &["access"],
    &["rules", "explain", "probe"],
    &["diagnose"],
    &["tools"],
    &["reference"],
    &["skill"],
    &["render", "logging"],
    &["mcp"],
    &["cli"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn source_files() -> Vec<SourceFile> {
    rust_files(&src())
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(src()).unwrap().to_string_lossy();
            SourceFile::new(&rel, &std::fs::read_to_string(&path).unwrap())
        })
        .collect()
}

/// Every edge that points up or sideways in the layer map, and every top-level module the map
/// does not place.
fn layer_violations(files: &[SourceFile]) -> Vec<String> {
    let top = |rel: &str| {
        let first = rel.split('/').next().unwrap_or(rel);
        first.trim_end_matches(".rs").to_owned()
    };
    let mut out = Vec::new();
    for (from, uses) in file_graph(files) {
        let from_top = top(&from);
        if matches!(from_top.as_str(), "lib" | "main") {
            continue;
        }
        let Some(from_layer) = layer_of(&from_top) else {
            out.push(format!(
                "`{from_top}` is not in the layer map of tests/tidy.rs"
            ));
            continue;
        };
        for to in uses {
            let to_top = top(&to);
            if to_top == from_top {
                continue;
            }
            match layer_of(&to_top) {
                Some(to_layer) if to_layer < from_layer => {}
                Some(_) => out.push(format!(
                    "{from} uses {to}: `{from_top}` may not use `{to_top}` (same or higher layer)"
                )),
                None => out.push(format!(
                    "`{to_top}` is not in the layer map of tests/tidy.rs"
                )),
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A write that does not check what the file held (`write_with_backup`) may only create a
/// new file (`init`) or replace one by request (`config pull --out`); every edit of a file it
/// read passes the bytes it read, so an edit made meanwhile is refused, never lost.
#[test]
fn every_edit_of_a_file_checks_it_is_unchanged() {
    let allowed = ["cli/init.rs", "cli/live.rs", "tools/write.rs"];
    let unchecked: Vec<String> = sources()
        .into_iter()
        .filter(|(rel, code)| {
            code.contains("write_with_backup(") && !allowed.contains(&rel.as_str())
        })
        .map(|(rel, _)| rel)
        .collect();
    assert!(
        unchecked.is_empty(),
        "pass WriteOptions::expected instead: {unchecked:?}"
    );
}

#[test]
fn layers_only_point_down() {
    let violations = layer_violations(&source_files());
    assert!(violations.is_empty(), "{violations:#?}");
}

#[test]
fn no_file_uses_another_in_a_circle() {
    let found = cycles(&file_graph(&source_files()));
    assert!(found.is_empty(), "files that use each other: {found:?}");
}

/// Today's structure passes; each edge the layering removed would fail it again.
#[test]
fn reintroducing_a_removed_edge_fails() {
    let removed = [
        (
            "config/document.rs",
            "use crate::rules::catalog::SYNTAX_ERROR;",
        ),
        ("catalog/apis.rs", "use crate::explain::endpoint_flag;"),
        ("access.rs", "use crate::rules::context::Finding;"),
        ("probe/mod.rs", "use crate::rules::check;"),
        ("diagnose/mod.rs", "use crate::tools::validate::validate;"),
        ("config/tree.rs", "use super::document::Document;"),
        ("rules/context.rs", "use super::check;"),
    ];
    for (file, line) in removed {
        let files: Vec<SourceFile> = source_files()
            .into_iter()
            .map(|f| {
                if f.rel == file {
                    let text = std::fs::read_to_string(src().join(file)).unwrap();
                    SourceFile::new(file, &format!("{text}\n{line}\n"))
                } else {
                    f
                }
            })
            .collect();
        let broken =
            !layer_violations(&files).is_empty() || !cycles(&file_graph(&files)).is_empty();
        assert!(broken, "adding `{line}` to {file} went unnoticed");
    }
}

#[test]
fn no_function_is_longer_than_150_lines() {
    let long: Vec<String> = source_files()
        .iter()
        .flat_map(|f| {
            function_lengths(f)
                .into_iter()
                .filter(|(_, _, lines)| *lines > 150)
                .map(|(name, line, lines)| format!("{}:{line} `{name}`: {lines} lines", f.rel))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(long.is_empty(), "split these by meaning: {long:#?}");
}

#[test]
fn the_cli_is_a_thin_adapter() {
    let lines = std::fs::read_to_string(src().join("cli.rs"))
        .unwrap()
        .lines()
        .count();
    assert!(
        lines < 700,
        "src/cli.rs has {lines} lines: renderers belong in src/render/, work in the library"
    );
}

#[test]
fn the_source_reader_sees_through_comments_and_strings() {
    let file = SourceFile::new(
        "rules/x.rs",
        "//! doc use crate::tools::x;\nuse super::{context::{Finding, Index as I}, catalog};\nfn f() { let s = \"crate::cli::run\"; let c = '{'; crate::config::pointer::join(\"a\", \"b\"); }\n#[cfg(test)]\nmod tests { use crate::mcp::Server; }\n",
    );
    let files = [
        file,
        SourceFile::new("rules/context.rs", ""),
        SourceFile::new("rules/catalog.rs", ""),
        SourceFile::new("config/pointer.rs", ""),
    ];
    let graph = file_graph(&files);
    let uses: Vec<&str> = graph["rules/x.rs"].iter().map(String::as_str).collect();
    assert_eq!(
        uses,
        ["config/pointer.rs", "rules/catalog.rs", "rules/context.rs"]
    );
    assert_eq!(function_lengths(&files[0]), [("f".to_owned(), 3, 1)]);
    let text = "let a = \"x\"; // \"y\"\nlet b = r#\"z{\"#; let c = 'é'; /* { */";
    assert_eq!(string_literals(text), ["x", "z{"]);
    assert_eq!(skeleton(text).len(), text.len(), "positions are kept");
    assert!(!skeleton(text).contains('{'), "{}", skeleton(text));
}
