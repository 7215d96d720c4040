//! The skill's reference docs are generated from the catalogs; this test fails when they are stale.
//! Regenerate with `aperture-orchestrator skill references` (or
//! `UPDATE_REFERENCE=1 cargo test --test it reference::`).
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use std::path::Path;

fn check(file: &str, rendered: String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("skill/reference")
        .join(file);
    if std::env::var_os("UPDATE_REFERENCE").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &rendered).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == rendered,
        "skill/reference/{file} is stale: run `UPDATE_REFERENCE=1 cargo test --test it reference::` and commit it"
    );
}

#[test]
fn rules_reference_is_current() {
    check(
        "rules.md",
        aperture_orchestrator::reference::rules_markdown(),
    );
}

#[test]
fn providers_reference_is_current() {
    check(
        "providers.md",
        aperture_orchestrator::reference::providers_markdown(),
    );
}

#[test]
fn clients_reference_is_current() {
    check(
        "clients.md",
        aperture_orchestrator::reference::clients_markdown(),
    );
}

#[test]
fn probes_reference_is_current() {
    check(
        "probes.md",
        aperture_orchestrator::reference::probes_markdown(),
    );
}

#[test]
fn troubleshooting_reference_is_current() {
    check(
        "troubleshooting.md",
        aperture_orchestrator::reference::troubleshooting_markdown(),
    );
}

#[test]
fn every_reference_is_checked_and_installed() {
    let checked = [
        "rules.md",
        "providers.md",
        "clients.md",
        "probes.md",
        "troubleshooting.md",
    ];
    let all: Vec<&str> = aperture_orchestrator::reference::all()
        .iter()
        .map(|(n, _)| *n)
        .collect();
    assert_eq!(all, checked);
    for name in checked {
        let installed = format!("reference/{name}");
        assert!(
            aperture_orchestrator::skill::FILES
                .iter()
                .any(|(f, _)| *f == installed),
            "skill install ships {installed}"
        );
    }
}

#[test]
fn the_references_command_reports_staleness() {
    let scratch = support::TempDir::new("ref");
    // The command writes the directory itself: start from one that does not exist.
    let dir = scratch.join("references");
    let run = |check: bool| {
        let mut cmd = support::bin();
        cmd.args(["skill", "references", "--dir"]).arg(&dir);
        if check {
            cmd.arg("--check");
        }
        cmd.output().unwrap().status.code()
    };
    assert_eq!(run(true), Some(1), "an empty directory is stale");
    assert_eq!(run(false), Some(0));
    assert_eq!(run(true), Some(0), "written references are current");
    std::fs::write(dir.join("rules.md"), "edited by hand").unwrap();
    assert_eq!(run(true), Some(1), "a hand edit is caught");
}
