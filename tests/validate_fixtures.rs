//! Fixture corpus tests for `validate`: the valid corpus is clean, every broken fixture reports
//! exactly its expected codes and paths, every mechanical fix removes its finding, and every
//! rule in the catalog has a failing and a passing fixture.
//!
//! Conventions (tests/fixtures/configs/):
//! - `valid/*`: complete documents from the docs; zero errors and zero warnings in load mode.
//! - `invalid/<CODE>-<slug>.*`: `// expect: <CODE> <json-pointer>` lines (or a sidecar
//!   `<file>.expect` for inputs that cannot hold comments) list every finding, infos included.
//! - `pass/<CODE>-<slug>.*`: a near miss for rule CODE; it must not fire, and the document
//!   has no errors or warnings in load mode.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use aperture_orchestrator::config::Document;
use aperture_orchestrator::config::edit::Editor;
use aperture_orchestrator::diagnostic::Severity;
use aperture_orchestrator::rules::catalog;
use aperture_orchestrator::tools::validate::{Mode, ValidateOutput, validate_bytes};

/// The config fixtures of one kind (`valid`, `invalid`, `pass`), sidecars left out.
fn fixtures(kind: &str) -> Vec<PathBuf> {
    support::fixtures(&format!("configs/{kind}"), &["hujson", "json"])
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn expected(path: &Path, bytes: &[u8]) -> BTreeSet<(String, String)> {
    let sidecar = path.with_file_name(format!("{}.expect", name(path)));
    let text = std::fs::read_to_string(&sidecar)
        .unwrap_or_else(|_| String::from_utf8_lossy(bytes).into_owned());
    text.lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("// expect:")
                .or_else(|| l.trim().strip_prefix("expect:"))
        })
        .map(|rest| {
            let mut parts = rest.split_whitespace();
            let code = parts.next().expect("expect line has a code").to_owned();
            (code, parts.next().unwrap_or("").to_owned())
        })
        .collect()
}

fn found(output: &ValidateOutput) -> BTreeSet<(String, String)> {
    output
        .diagnostics
        .iter()
        .map(|d| (d.code.clone(), d.path.clone()))
        .collect()
}

fn blocking(output: &ValidateOutput) -> Vec<String> {
    output
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .map(|d| {
            format!(
                "{} {} {}: {}",
                d.severity.as_str(),
                d.code,
                d.path,
                d.message
            )
        })
        .collect()
}

#[test]
fn valid_corpus_has_no_errors_or_warnings_in_load_mode() {
    let files = fixtures("valid");
    assert!(
        files.len() >= 8,
        "the valid corpus holds every composed example"
    );
    let mut failures = Vec::new();
    for path in files {
        let output = validate_bytes(&std::fs::read(&path).unwrap(), Mode::Load);
        let bad = blocking(&output);
        if !bad.is_empty() {
            failures.push(format!("{}:\n  {}", name(&path), bad.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "valid fixtures with findings:\n{}",
        failures.join("\n")
    );
}

#[test]
fn invalid_fixtures_report_exactly_their_expected_findings() {
    let files = fixtures("invalid");
    assert!(
        files.len() >= 40,
        "at least 40 broken fixtures, got {}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in files {
        let bytes = support::read_failing(&path);
        let want = expected(&path, &bytes);
        assert!(
            !want.is_empty(),
            "{} has no `// expect:` lines",
            name(&path)
        );
        let got = found(&validate_bytes(&bytes, Mode::Load));
        if want != got {
            let missing: Vec<_> = want.difference(&got).collect();
            let extra: Vec<_> = got.difference(&want).collect();
            failures.push(format!(
                "{}:\n  missing: {missing:?}\n  unexpected: {extra:?}",
                name(&path)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "fixture mismatches:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_mechanical_fix_removes_its_finding() {
    let mut failures = Vec::new();
    let mut applied = 0;
    for path in fixtures("invalid") {
        let bytes = support::read_failing(&path);
        if Document::from_bytes(&bytes).is_err() {
            continue;
        }
        for d in validate_bytes(&bytes, Mode::Load).diagnostics {
            let Some(ops) = &d.fix.patch else { continue };
            // The editor that ships applies the fix, on the text with its comments.
            let mut editor = Editor::parse(std::str::from_utf8(&bytes).unwrap()).unwrap();
            if let Err(e) = editor.apply(ops) {
                failures.push(format!(
                    "{} {} {}: patch does not apply: {e}",
                    name(&path),
                    d.code,
                    d.path
                ));
                continue;
            }
            applied += 1;
            let after = validate_bytes(editor.text().as_bytes(), Mode::Load);
            if after
                .diagnostics
                .iter()
                .any(|x| x.code == d.code && x.path == d.path)
            {
                failures.push(format!(
                    "{} {} {}: still reported after its fix",
                    name(&path),
                    d.code,
                    d.path
                ));
            }
        }
    }
    assert!(applied >= 20, "only {applied} patches exercised");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn pass_fixtures_do_not_fire_their_rule() {
    let mut failures = Vec::new();
    let near_misses =
        fixtures("pass")
            .into_iter()
            .map(|path| (std::fs::read(&path).unwrap(), path))
            .chain(fixtures("invalid").into_iter().filter_map(|path| {
                support::read_near_miss(&path).map(|near_miss| (near_miss, path))
            }));
    for (bytes, path) in near_misses {
        let code = name(&path)[..5].to_owned();
        let output = validate_bytes(&bytes, Mode::Load);
        if output.diagnostics.iter().any(|d| d.code == code) {
            failures.push(format!("{}: {code} fired", name(&path)));
        }
        let bad = blocking(&output);
        if !bad.is_empty() {
            failures.push(format!(
                "{}: not clean:\n  {}",
                name(&path),
                bad.join("\n  ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Rules whose failing input is generated by a test instead of stored (a 33 MiB file).
const GENERATED: &[&str] = &["AP004"];

#[test]
fn every_rule_has_a_failing_and_a_passing_fixture() {
    let mut failing = BTreeSet::new();
    for path in fixtures("invalid") {
        let bytes = support::read_failing(&path);
        failing.extend(expected(&path, &bytes).into_iter().map(|(code, _)| code));
    }
    let in_rule_fixtures = fixtures("invalid")
        .into_iter()
        .filter(|p| support::read_near_miss(p).is_some());
    let passing: BTreeSet<String> = fixtures("pass")
        .into_iter()
        .chain(in_rule_fixtures)
        .map(|p| name(&p)[..5].to_owned())
        .collect();
    let mut missing = Vec::new();
    for rule in catalog::ALL {
        if !failing.contains(rule.code) && !GENERATED.contains(&rule.code) {
            missing.push(format!("{} ({}): no failing fixture", rule.code, rule.name));
        }
        if !passing.contains(rule.code) {
            missing.push(format!("{} ({}): no passing fixture", rule.code, rule.name));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn renderings_are_stable() {
    for path in fixtures("invalid") {
        let bytes = support::read_failing(&path);
        let output = validate_bytes(&bytes, Mode::Save);
        let file = name(&path);
        let human =
            aperture_orchestrator::render::human(&output, std::str::from_utf8(&bytes).ok(), &file);
        insta::assert_snapshot!(format!("{file}.human"), human);
        insta::assert_json_snapshot!(format!("{file}.json"), output);
    }
}

/// Every `aperture_message` a finding carries is its rule's documented template with the
/// holes filled in, and only rules with a template carry one.
#[test]
fn aperture_messages_fill_their_rules_templates() {
    let mut failures = Vec::new();
    let mut seen = BTreeSet::new();
    for path in fixtures("invalid")
        .into_iter()
        .chain(fixtures("valid"))
        .chain(fixtures("pass"))
    {
        let bytes = support::read_failing(&path);
        for d in validate_bytes(&bytes, Mode::Load).diagnostics {
            let Some(text) = &d.aperture_message else {
                continue;
            };
            let rule = catalog::by_code(&d.code).unwrap();
            seen.insert(d.code.clone());
            if !rule.matches_aperture_text(text) {
                failures.push(format!(
                    "{} {}: {text:?} does not fill {:?}",
                    name(&path),
                    d.code,
                    rule.aperture_message
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    let templated = catalog::ALL
        .iter()
        .filter(|r| r.aperture_message.is_some())
        .count();
    assert!(
        seen.len() * 10 >= templated * 8,
        "only {} of {templated} templated rules were seen in the fixtures",
        seen.len()
    );
}

/// The catalog's applicability column says which rules carry a patch: a display-only rule
/// never does, every other rule does in some fixture, and only migrations are safe.
#[test]
fn applicability_matches_the_patches_rules_emit() {
    use aperture_orchestrator::rules::catalog::{Applicability, Legacy};
    let mut patched = BTreeSet::new();
    let mut failures = Vec::new();
    for path in fixtures("invalid") {
        let bytes = support::read_failing(&path);
        for d in validate_bytes(&bytes, Mode::Load).diagnostics {
            let rule = catalog::by_code(&d.code).unwrap();
            if d.fix.patch.is_some() {
                patched.insert(rule.code);
                if rule.applicability == Applicability::DisplayOnly {
                    failures.push(format!(
                        "{} {}: display-only, yet patched",
                        name(&path),
                        d.code
                    ));
                }
            }
        }
    }
    for rule in catalog::ALL {
        let has_patch = rule.applicability != Applicability::DisplayOnly;
        if has_patch && !patched.contains(rule.code) {
            failures.push(format!(
                "{}: marked {:?}, but no fixture shows its patch",
                rule.code, rule.applicability
            ));
        }
        let migrated = rule.legacy == Legacy::Migrated;
        if migrated != (rule.applicability == Applicability::Safe) {
            failures.push(format!(
                "{}: only migrations are safe, and every migration is",
                rule.code
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
