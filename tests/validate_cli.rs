//! The `validate` command as users run it: exit codes, output formats, hostile input.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use std::process::{Output, Stdio};

use aperture_orchestrator::tools::validate::ValidateOutput;
use support::{TempDir, bin};

fn fixture(path: &str) -> String {
    format!(
        "{}/tests/fixtures/configs/{path}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    // Write from a thread so a large input cannot deadlock against a full stdout pipe.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&data);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

fn json_output(output: &Output) -> ValidateOutput {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not the contract JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

#[test]
fn exit_codes_follow_the_contract() {
    let valid = bin()
        .args(["validate", &fixture("valid/schema-2.1-save-ready.hujson")])
        .output()
        .unwrap();
    assert_eq!(
        valid.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&valid.stdout)
    );
    let invalid = bin()
        .args([
            "validate",
            &fixture("invalid/AP101-provider-no-baseurl.hujson"),
        ])
        .output()
        .unwrap();
    assert_eq!(invalid.status.code(), Some(1));
    let missing = bin()
        .args(["validate", "/nonexistent/aperture.hujson"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains("/nonexistent/aperture.hujson") && stderr.contains("check the path"),
        "{stderr}"
    );
    assert_eq!(
        bin().args(["validate"]).output().unwrap().status.code(),
        Some(2)
    );
    assert_eq!(
        bin()
            .args(["validate", "--mode", "bogus", "x"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn save_mode_promotes_warnings_and_load_mode_does_not() {
    let file = fixture("invalid/AP101-provider-no-baseurl.hujson");
    let save = json_output(
        &bin()
            .args(["validate", &file, "--format", "json"])
            .output()
            .unwrap(),
    );
    let load = json_output(
        &bin()
            .args(["validate", &file, "--format", "json", "--mode", "load"])
            .output()
            .unwrap(),
    );
    assert!(!save.valid && save.counts.error >= 1 && save.counts.warning == 0);
    assert!(load.valid && load.counts.error == 0 && load.counts.warning >= 1);
}

#[test]
fn save_mode_blocks_what_aperture_blocks_and_strict_blocks_our_lints_too() {
    // AP105 (`/v1` base URL) is this tool's lint: config-schema.md §5 asks not to reject it.
    let file = fixture("invalid/AP105-openai-v1.hujson");
    let save = json_output(
        &bin()
            .args(["validate", &file, "--format", "json"])
            .output()
            .unwrap(),
    );
    assert!(save.valid, "{:?}", save.diagnostics);
    assert_eq!((save.counts.error, save.counts.warning), (0, 1));
    let strict = bin()
        .args(["validate", &file, "--format", "json", "--strict"])
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(1));
    assert_eq!(json_output(&strict).counts.error, 1);
}

#[test]
fn json_output_has_exactly_the_contract_fields() {
    let out = bin()
        .args([
            "validate",
            &fixture("invalid/AP103-authorization-object.hujson"),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&value), ["valid", "mode", "counts", "diagnostics"]);
    let d = &value["diagnostics"][0];
    assert_eq!(
        keys(d),
        [
            "code",
            "severity",
            "message",
            "path",
            "line",
            "column",
            "aperture_message",
            "fix",
            "docs"
        ]
    );
    assert_eq!(keys(&d["fix"]), ["description", "patch"]);
    assert_eq!(d["code"], "AP103");
    // The key in `authorization.value` is moved, never copied into the output.
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("PLACEHOLDER"),
        "secret echoed in JSON output"
    );
}

#[test]
fn human_output_quotes_the_line_with_a_caret_and_masks_secrets() {
    let out = bin()
        .args([
            "validate",
            &fixture("invalid/AP103-authorization-object.hujson"),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("\"authorization\": {"))
        .expect("source line quoted");
    let caret = lines[at + 1];
    let column = caret.find('^').expect("caret line");
    assert_eq!(
        &lines[at][column..column + 15],
        "\"authorization\"",
        "caret under the key:\n{text}"
    );
    assert!(
        !text.contains("sk-ant-api03-PLACEHOLDER"),
        "secret echoed:\n{text}"
    );
    assert!(
        text.contains("sk-a"),
        "masked secret keeps its prefix:\n{text}"
    );
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("../sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    // tests/fixtures/sarif-schema-2.1.0.json is the OASIS schema (as shipped in the serde-sarif
    // crate) with one erratum applied: the `language` patterns `^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`
    // have a stray `]` that Rust's regex engine rejects; they read `^[a-zA-Z]{2}(-[a-zA-Z]{2})?$`.
    // We never emit `language`, so the fix cannot hide a problem in our output.
    let validator = jsonschema::validator_for(&schema).unwrap();
    for file in [
        "invalid/AP103-authorization-object.hujson",
        "valid/default-new-instance.hujson",
    ] {
        let out = bin()
            .args(["validate", &fixture(file), "--format", "sarif"])
            .output()
            .unwrap();
        let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{file}: SARIF invalid:\n{}",
            errors.join("\n")
        );
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        for r in results {
            let id = r["ruleId"].as_str().unwrap();
            let index = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(
                sarif["runs"][0]["tool"]["driver"]["rules"][index]["id"], id,
                "rule ids are the codes"
            );
        }
    }
}

#[test]
fn github_output_is_one_workflow_command_per_finding() {
    let out = bin()
        .args([
            "validate",
            &fixture("invalid/AP101-provider-no-baseurl.hujson"),
            "--format",
            "github",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().count() >= 1);
    for line in text.lines() {
        assert!(
            line.starts_with("::error file=")
                || line.starts_with("::warning file=")
                || line.starts_with("::notice file="),
            "{line}"
        );
        assert!(
            line.contains(",line=") && line.contains(",title=AP"),
            "{line}"
        );
    }
}

fn expect_document_error(bytes: &[u8], code: &str) {
    let out = run_with_stdin(&["validate", "-", "--format", "json"], bytes);
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result = json_output(&out);
    assert_eq!(result.diagnostics.len(), 1, "{:?}", result.diagnostics);
    assert_eq!(result.diagnostics[0].code, code);
    assert!(!result.diagnostics[0].fix.description.is_empty());
    // The human rendering of the same input must not panic either.
    let human = run_with_stdin(&["validate", "-"], bytes);
    assert_eq!(human.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&human.stdout).contains(code));
}

#[test]
fn hostile_inputs_give_one_clear_diagnostic() {
    expect_document_error(b"", "AP002");
    expect_document_error(b"   \n// only a comment\n", "AP002");
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    expect_document_error(&garbage, "AP006");
    expect_document_error(b"{\"providers\": {\"a\": \xff\xfe}}", "AP006");
    expect_document_error(
        format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).as_bytes(),
        "AP005",
    );
    expect_document_error(b"{\"providers\": {", "AP001");
}

#[test]
fn a_50_mb_document_is_refused_without_reading_it_all() {
    let dir = TempDir::new("big");
    let path = dir.join("big.json");
    let mut text = String::from("{\"providers\": {");
    let entry = "\"p\": {\"baseurl\": \"https://api.example.com\", \"models\": [\"m\"]},";
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(entry);
    }
    text.push_str("\"last\": {}}}");
    std::fs::write(&path, &text).unwrap();
    let out = bin()
        .args(["validate", path.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let result = json_output(&out);
    assert_eq!(result.diagnostics[0].code, "AP004");
    assert!(result.diagnostics[0].message.contains("MiB"));
    let piped = run_with_stdin(&["validate", "-", "--format", "json"], text.as_bytes());
    assert_eq!(json_output(&piped).diagnostics[0].code, "AP004");
}

#[test]
fn schema_command_prints_the_config_json_schema() {
    let out = bin().arg("schema").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["title"], "Aperture by Tailscale configuration");
    assert_eq!(
        schema["additionalProperties"], false,
        "unknown top-level keys are flagged by editors too"
    );
    let validator = jsonschema::validator_for(&schema).unwrap();
    for file in [
        "valid/default-new-instance.hujson",
        "valid/hooks-connectors-completed.hujson",
    ] {
        let doc = aperture_orchestrator::config::Document::from_bytes(
            &std::fs::read(fixture(file)).unwrap(),
        )
        .unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&doc.root.to_json())
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "{file} does not match the published schema: {errors:?}"
        );
    }
}

#[test]
fn rules_command_lists_the_catalog() {
    let out = bin().args(["rules", "--format", "json"]).output().unwrap();
    let rules: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        rules.len(),
        aperture_orchestrator::rules::catalog::ALL.len()
    );
    assert!(rules.iter().any(|r| r["code"] == "AP101"
        && r["aperture_message"] == "provider {id} has no baseurl configured"));
}
