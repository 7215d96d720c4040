//! `validate --fix` and `migrate` close the loop on a config copied from an old guide: the
//! safe fixes are applied in place (comments kept, a backup left), `--diff` only previews,
//! `--unsafe-fixes` goes further, and MCP `validate_config` with `fix: true` returns the text.

use crate::support;

use aperture_orchestrator::rules::catalog::{self, Applicability};
use aperture_orchestrator::tools::validate::ValidateOutput;
use rmcp::model::CallToolRequestParams;
use serde_json::json;
use support::{TempDir, bin, bounded, mcp::connect};

/// Every old-guide form at once, with comments where a fix must keep them.
const OLD: &str = r#"// copied from an old guide
{
  "providers": {
    // the main provider
    "anthropic": {
      "baseurl": "https://api.anthropic.com/v1", // keep me
      "authorization": { "type": "X-API-Key", "value": "sk-ant-REPLACE_ME" },
      "models": ["claude-sonnet-4-5"],
      "compatibility": { "anthropic": true },
      "tailnet": true,
    },
    "gemini": {
      "baseurl": "https://generativelanguage.googleapis.com",
      "authorization": "x-goog-api-key",
      "apikey": "AIza-REPLACE_ME",
      "models": ["gemini-2.5-pro"],
      "compatibility": { "gemini": true }, /* seed flag */
    },
  },
  "temp_grants": [
    { "src": ["admin@example.com"], "grants": [ { "role": "admin" } ] },
    { "src": ["*"], "grants": [ { "role": "user" },
        { "providers": [ { "provider": "anthropic", "model": "claude-sonnet-4-5" } ] } ] },
  ],
}
"#;

const COMMENTS: &[&str] = &[
    "// copied from an old guide",
    "// the main provider",
    "// keep me",
    "/* seed flag */",
];

fn json_of(output: &std::process::Output) -> ValidateOutput {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn has_safe_fix(output: &ValidateOutput) -> Vec<String> {
    output
        .diagnostics
        .iter()
        .filter(|d| {
            d.fix.patch.is_some()
                && catalog::by_code(&d.code).is_some_and(|r| r.applicability == Applicability::Safe)
        })
        .map(|d| format!("{} {}", d.code, d.path))
        .collect()
}

#[test]
fn fix_applies_every_safe_fix_in_place_keeping_comments_and_a_backup() {
    let dir = TempDir::new("fix");
    let file = dir.join("gw.hujson");
    std::fs::write(&file, OLD).unwrap();
    let out = bin()
        .arg("validate")
        .arg(&file)
        .arg("--fix")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("fixed AP103 /providers/anthropic/authorization"),
        "{stdout}"
    );
    assert!(stdout.contains("fixed AP701 /temp_grants"), "{stdout}");
    assert!(stdout.contains("(previous version:"), "{stdout}");
    // What is left is reported: the `/v1` baseurl's fix changes behaviour, so it needs review.
    assert!(stdout.contains("warning[AP105]"), "{stdout}");
    assert!(stdout.contains("--unsafe-fixes"), "{stdout}");

    let fixed = std::fs::read_to_string(&file).unwrap();
    for comment in COMMENTS {
        assert!(fixed.contains(comment), "lost {comment}:\n{fixed}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("gw.hujson.bak")).unwrap(),
        OLD
    );
    let after = json_of(
        &bin()
            .arg("validate")
            .arg(&file)
            .args(["--format", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(has_safe_fix(&after), Vec::<String>::new());
    assert!(after.valid, "{:?}", after.diagnostics);

    // `migrate` then `validate` reports the same as `validate --fix`.
    let migrated = dir.join("migrated.hujson");
    std::fs::write(&migrated, OLD).unwrap();
    let status = bin()
        .arg("migrate")
        .arg(&migrated)
        .arg("--write")
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert_eq!(std::fs::read_to_string(&migrated).unwrap(), fixed);
    let again = json_of(
        &bin()
            .arg("validate")
            .arg(&migrated)
            .args(["--format", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(again.diagnostics, after.diagnostics);
}

#[test]
fn diff_previews_without_writing_and_unsafe_fixes_go_further() {
    let dir = TempDir::new("fix-diff");
    let file = dir.join("gw.hujson");
    std::fs::write(&file, OLD).unwrap();
    let out = bin()
        .arg("validate")
        .arg(&file)
        .args(["--fix", "--unsafe-fixes", "--diff"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("-      \"baseurl\": \"https://api.anthropic.com/v1\""),
        "{stdout}"
    );
    assert!(stdout.contains("would fix AP105"), "{stdout}");
    assert!(stdout.contains("nothing written"), "{stdout}");
    assert!(
        !stdout.contains("sk-ant-REPLACE_ME"),
        "the diff masks keys:\n{stdout}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), OLD);
    assert!(!dir.join("gw.hujson.bak").exists());

    let json = json_of(
        &bin()
            .arg("validate")
            .arg(&file)
            .args(["--fix", "--unsafe-fixes", "--format", "json"])
            .output()
            .unwrap(),
    );
    assert!(
        json.fixed.iter().any(|f| f.code == "AP105"),
        "{:?}",
        json.fixed
    );
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(
        written.contains("\"https://api.anthropic.com\""),
        "{written}"
    );
    assert_eq!(json.config.as_deref(), Some(written.as_str()));
}

#[test]
fn fix_on_stdin_is_refused_with_what_to_do_instead() {
    use std::io::Write;
    let mut child = bin()
        .args(["validate", "-", "--fix"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(OLD.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--diff"), "{stderr}");
}

#[tokio::test]
async fn mcp_validate_config_with_fix_returns_the_fixed_config() {
    bounded(async {
        let client = connect(aperture_orchestrator::tools::PathPolicy::Allowed).await;
        let args = json!({"config": OLD, "fix": true});
        let result = client
            .call_tool(
                CallToolRequestParams::new("validate_config")
                    .with_arguments(args.as_object().unwrap().clone()),
            )
            .await
            .unwrap();
        let output: ValidateOutput =
            serde_json::from_value(result.structured_content.unwrap()).unwrap();
        let config = output.config.clone().expect("the fixed config");
        assert!(config.contains("\"anthropic_messages\": true") && config.contains("// keep me"));
        assert!(output.fixed.iter().any(|f| f.code == "AP701"));
        assert_eq!(has_safe_fix(&output), Vec::<String>::new());
        client.cancel().await.unwrap();
    })
    .await;
}
