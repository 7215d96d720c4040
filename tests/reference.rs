//! The skill's reference docs are generated from the catalogs; this test fails when they are stale.
//! Regenerate with `UPDATE_REFERENCE=1 cargo test --test reference`.

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
        "skill/reference/{file} is stale: run `UPDATE_REFERENCE=1 cargo test --test reference` and commit it"
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
