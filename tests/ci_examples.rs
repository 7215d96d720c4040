//! The CI integrations run: the GitHub Actions example's validate step writes SARIF that
//! parses and names the findings, and the pre-commit hook's entry validates every file it
//! is given (failing when one is invalid). Both files are read as the tools would read them.

use crate::support;

use support::TempDir;

const WORKFLOW: &str = include_str!("../examples/ci/github-actions.yml");
const HOOKS: &str = include_str!("../.pre-commit-hooks.yaml");

/// The value of `key: value` on the first line (trimmed, without a list dash) that has it.
fn value_of<'a>(yaml: &'a str, key: &str) -> Option<&'a str> {
    yaml.lines()
        .map(|l| l.trim().trim_start_matches("- ").trim())
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .map(str::trim)
}

fn sh(
    command: &str,
    args: &[&str],
    dir: &std::path::Path,
    env: &[(&str, &str)],
) -> std::process::Output {
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_aperture-orchestrator"));
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    std::process::Command::new("sh")
        .args(["-c", command, "sh"])
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn with_examples() -> TempDir {
    let dir = TempDir::new("ci");
    for name in ["gateway.hujson", "old-guide.hujson"] {
        let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name);
        std::fs::copy(from, dir.join(name)).unwrap();
    }
    dir
}

#[test]
fn the_workflow_writes_sarif_and_uploads_it() {
    assert!(!WORKFLOW.contains('\t'), "YAML forbids tabs");
    for key in ["name", "on", "permissions", "jobs", "runs-on"] {
        assert!(
            WORKFLOW
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("{key}:"))),
            "{key}"
        );
    }
    assert_eq!(value_of(WORKFLOW, "security-events"), Some("write"));
    assert!(WORKFLOW.contains("uses: github/codeql-action/upload-sarif@v3"));
    assert_eq!(value_of(WORKFLOW, "sarif_file"), Some("aperture.sarif"));
    let validate = WORKFLOW
        .lines()
        .filter_map(|l| l.trim().strip_prefix("run: "))
        .find(|r| r.starts_with("aperture-orchestrator validate"))
        .expect("a validate step");
    assert!(
        validate.contains("--format sarif > aperture.sarif"),
        "{validate}"
    );

    let dir = with_examples();
    let out = sh(
        validate,
        &[],
        &dir,
        &[("APERTURE_CONFIG", "old-guide.hujson")],
    );
    assert_eq!(out.status.code(), Some(1), "findings fail the step");
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("aperture.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "AP103"), "{sarif}");

    let clean = sh(
        validate,
        &[],
        &dir,
        &[("APERTURE_CONFIG", "gateway.hujson")],
    );
    assert_eq!(clean.status.code(), Some(0));
}

#[test]
fn the_pre_commit_hook_validates_every_file_it_is_given() {
    assert_eq!(value_of(HOOKS, "id"), Some("aperture-validate"));
    assert_eq!(value_of(HOOKS, "language"), Some("rust"));
    let entry = value_of(HOOKS, "entry").expect("an entry");
    // pre-commit runs `entry` with the file names appended.
    let (program, script) = entry.split_once(" -c ").expect("sh -c '...' --");
    assert_eq!(program, "sh");
    let script = script.trim_end_matches(" --").trim_matches('\'');
    let dir = with_examples();
    let clean = sh(script, &["gateway.hujson"], &dir, &[]);
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );
    let mixed = sh(script, &["gateway.hujson", "old-guide.hujson"], &dir, &[]);
    assert_eq!(mixed.status.code(), Some(1));
    let text = String::from_utf8_lossy(&mixed.stdout);
    assert!(
        text.contains("gateway.hujson: valid") && text.contains("old-guide.hujson: invalid"),
        "{text}"
    );
}
