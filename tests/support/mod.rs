//! Shared test helpers: a fake Aperture gateway, an in-process MCP client, a stdio JSON-RPC
//! session with the real binary, scratch directories, fixture listing and small result helpers.
// Not every helper is used in every configuration of the tests.
#![allow(dead_code)]

pub mod dns;
pub mod fake_aperture;
pub mod mcp;
pub mod rust_source;
pub mod stdio;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rmcp::model::{CallToolResult, ContentBlock};

/// Hard limit of one test body: a hung server or gateway fails the test instead of CI.
pub const TEST_LIMIT: Duration = Duration::from_secs(60);

/// Run a test body under [`TEST_LIMIT`].
pub async fn bounded<F: Future<Output = ()>>(body: F) {
    tokio::time::timeout(TEST_LIMIT, body)
        .await
        .expect("test timed out");
}

/// The text blocks of a tool result, one per line.
pub fn text_of(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|c| match c {
            ContentBlock::Text(t) => Some(t.text.clone()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The built binary, ready for arguments.
/// The local Tailscale daemon is never asked (the caller is `--as` or unknown), so no test
/// depends on the machine it runs on.
pub fn bin() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_aperture-orchestrator"));
    command.env("APERTURE_ORCHESTRATOR_TAILSCALE", "");
    command
}

/// A `tailscale` CLI in `dir` whose `status --json` says this machine is `login`'s.
#[cfg(unix)]
pub fn fake_tailscale(dir: &Path, login: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("tailscale");
    let status = serde_json::json!({
        "BackendState": "Running",
        "Self": {"UserID": 7},
        "User": {"7": {"LoginName": login}},
    });
    std::fs::write(&script, format!("#!/bin/sh\necho '{status}'\n")).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// The built binary for tests that must keep their runtime serving (a fake gateway) meanwhile.
pub fn async_bin() -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_aperture-orchestrator"));
    command.env("APERTURE_ORCHESTRATOR_TAILSCALE", "");
    command
}

/// The files directly in `dir` (relative to the crate root) whose extension is one of
/// `extensions`, sorted.
pub fn files_in(dir: &str, extensions: &[&str]) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", root.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .is_some_and(|e| extensions.iter().any(|x| e == *x))
        })
        .collect();
    files.sort();
    files
}

/// The files directly in `tests/fixtures/<dir>` whose extension is one of `extensions`, sorted.
pub fn fixtures(dir: &str, extensions: &[&str]) -> Vec<PathBuf> {
    files_in(&format!("tests/fixtures/{dir}"), extensions)
}

/// The text of `tests/fixtures/explain/<name>.hujson`.
pub fn explain_fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/explain")
        .join(format!("{name}.hujson"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A caller from a login (or none), tags and groups.
pub fn identity(
    login: Option<&str>,
    tags: &[&str],
    groups: &[&str],
) -> aperture_orchestrator::access::Identity {
    let owned = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect();
    aperture_orchestrator::access::Identity {
        login: login.map(Into::into),
        tags: owned(tags),
        groups: owned(groups),
    }
}

/// The findings a save would refuse, as `CODE POINTER: message` lines (empty when it passes).
pub fn save_errors(text: &str) -> Vec<String> {
    use aperture_orchestrator::diagnostic::Severity;
    use aperture_orchestrator::tools::validate::{Mode, validate_bytes};
    validate_bytes(text.as_bytes(), Mode::Save)
        .diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{} {}: {}", d.code, d.path, d.message))
        .collect()
}

/// A rule fixture (`tests/fixtures/configs/invalid/APnnn-*.hujson`) may carry its near miss
/// after this line, so a new rule needs one fixture file: the document above the line reports
/// the expected findings, the one below must not fire the rule.
pub const NEAR_MISS_MARKER: &str = "// ---- near miss ----";

/// The failing document of a rule fixture: the file up to its near-miss marker, if any.
pub fn read_failing(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match find_marker(&bytes) {
        Some(at) => bytes[..at].to_vec(),
        None => bytes,
    }
}

/// The near-miss document after a rule fixture's marker line, if it has one.
pub fn read_near_miss(path: &Path) -> Option<Vec<u8>> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    find_marker(&bytes).map(|at| bytes[at + NEAR_MISS_MARKER.len()..].to_vec())
}

fn find_marker(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(NEAR_MISS_MARKER.len())
        .position(|w| w == NEAR_MISS_MARKER.as_bytes())
}

/// A scratch directory of its own, removed with everything in it when dropped.
#[derive(Debug)]
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// A new empty directory under the system temp dir; `label` says which test made it.
    pub fn new(label: &str) -> TempDir {
        // Unique across tests in one binary (the counter), binaries run at once (the pid) and
        // a pid reused by a later run whose predecessor left a directory behind (the time).
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "ao-test-{label}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

// Deref and AsRef: a `TempDir` goes wherever a path does (`dir.join(..)`, `&dir`).
impl std::ops::Deref for TempDir {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Every string in the symptom catalog (`data/symptoms/*.hujson`), with its file: the texts
/// that reach the user as they are.
pub fn symptom_strings() -> Vec<(PathBuf, String)> {
    fn strings(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
            serde_json::Value::Object(map) => map.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for path in files_in("data/symptoms", &["hujson"]) {
        let text = std::fs::read_to_string(&path).unwrap();
        let doc = aperture_orchestrator::config::Document::parse(&text).unwrap();
        let mut found = Vec::new();
        strings(&doc.root.to_json(), &mut found);
        out.extend(found.into_iter().map(|s| (path.clone(), s)));
    }
    out
}
