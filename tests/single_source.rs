//! Compatibility flags, provider kinds, clients and connector auth types are defined once: each has its catalog row (kinds) or enum row
//! (clients), everything that depends on them follows from it, and their names are spelled in
//! one file of `src/`. These tests fail when a kind or a client is only half added.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::Path;

use crate::support::rust_source;

use aperture_orchestrator::catalog::apis::Flag;
use aperture_orchestrator::catalog::connectors::AuthType;
use rust_source::{SourceFile, rust_files};

use aperture_orchestrator::catalog::providers::{
    COST_BASES, KINDS, KeyForm, Kind, ProviderKind, recognise,
};
use aperture_orchestrator::tools::client::{Client, ClientInput, generate_client_config};

/// The file where kind names are spelled.
const KIND_FILE: &str = "catalog/providers.rs";
/// The file where client names are spelled.
const CLIENT_FILE: &str = "tools/client.rs";

/// The same word meaning something else, with the file that uses it and why. Listed so that
/// each one is a decision; an entry that no longer occurs fails the test too.
const HOMONYMS: &[(&str, &str)] = &[
    // OpenCode's own provider IDs in the opencode.json we generate.
    ("anthropic", "tools/client.rs"),
    ("openai", "tools/client.rs"),
    // The model family in model IDs (`guess_for_model`).
    ("gemini", "catalog/apis.rs"),
];

/// Every source file under `src/`.
fn sources() -> Vec<SourceFile> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    rust_files(&src)
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(&src).unwrap().to_string_lossy();
            SourceFile::new(
                &rel.replace('\\', "/"),
                &std::fs::read_to_string(&path).unwrap(),
            )
        })
        .collect()
}

/// Names spelled as a whole string literal outside unit tests anywhere but in `home` (and
/// the files of their homonyms).
fn spelled_elsewhere(names: &[&str], home: &str) -> Vec<String> {
    let literals: Vec<(String, BTreeSet<String>)> = sources()
        .into_iter()
        .map(|f| (f.rel.clone(), f.non_test_literals().into_iter().collect()))
        .collect();
    let mut problems = Vec::new();
    for name in names {
        let found: BTreeSet<&str> = literals
            .iter()
            .filter(|(_, spelled)| spelled.contains(*name))
            .map(|(rel, _)| rel.as_str())
            .collect();
        let mut expected: BTreeSet<&str> = BTreeSet::from([home]);
        expected.extend(
            HOMONYMS
                .iter()
                .filter(|(word, _)| word == name)
                .map(|(_, file)| *file),
        );
        if found != expected {
            problems.push(format!(
                "\"{name}\" is spelled in {found:?}; expected {expected:?}"
            ));
        }
    }
    problems
}

#[test]
fn each_compatibility_flag_is_spelled_in_the_api_catalog_only() {
    let names: Vec<&str> = Flag::names().collect();
    let problems = spelled_elsewhere(&names, "catalog/apis.rs");
    assert!(
        problems.is_empty(),
        "refer to a flag through `Flag` instead:\n{}",
        problems.join("\n")
    );
}

#[test]
fn each_connector_auth_type_is_spelled_in_the_connector_catalog_only() {
    let names: Vec<&str> = AuthType::ALL.iter().map(|t| t.name()).collect();
    let problems = spelled_elsewhere(&names, "catalog/connectors.rs");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn each_kind_name_is_spelled_in_the_catalog_only() {
    let names: Vec<&str> = KINDS.iter().map(|k| k.kind).collect();
    let problems = spelled_elsewhere(&names, KIND_FILE);
    assert!(
        problems.is_empty(),
        "refer to a kind through `Kind` or a catalog field instead:\n{}",
        problems.join("\n")
    );
}

#[test]
fn each_client_name_is_spelled_in_the_client_module_only() {
    let names: Vec<&str> = Client::ALL.iter().map(|c| c.name()).collect();
    let problems = spelled_elsewhere(&names, CLIENT_FILE);
    assert!(
        problems.is_empty(),
        "refer to a client through `Client` instead:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_kind_has_its_catalog_row_and_every_row_its_kind() {
    assert_eq!(Kind::ALL.len(), KINDS.len());
    for (kind, row) in Kind::ALL.iter().zip(KINDS) {
        assert!(row.is(*kind), "{kind:?} is not the row of `{}`", row.kind);
        assert_eq!(kind.name(), row.kind);
    }
    let names: BTreeSet<&str> = KINDS.iter().map(|k| k.kind).collect();
    assert_eq!(names.len(), KINDS.len(), "kind names are unique");
}

/// A key of the kind's own form.
fn sample_key(kind: &ProviderKind) -> Option<&'static str> {
    match kind.key {
        KeyForm::ApiKey => Some("sk-test-0123456789"),
        KeyForm::Keyfile { .. } => Some("keyfile::eyJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCJ9"),
        KeyForm::Optional => None,
    }
}

#[test]
fn every_kind_is_recognised_from_its_own_base_url() {
    for kind in KINDS {
        let baseurl = match kind.regional {
            Some(regional) => kind.baseurl.replace("{region}", regional.default_region),
            None => kind.baseurl.to_owned(),
        };
        let found = recognise(&baseurl, kind.auth_mode, sample_key(kind)).map(|k| k.kind);
        // A generic kind (any OpenAI-compatible server) has no upstream of its own to recognise.
        let generic = kind.hosts.is_empty() && kind.variant_of.is_none();
        let expected = (!generic).then_some(kind.kind);
        assert_eq!(found, expected, "{} from {baseurl}", kind.kind);
    }
}

#[test]
fn catalog_fields_agree_with_each_other() {
    for k in KINDS {
        let name = k.kind;
        assert_eq!(
            k.regional.is_some(),
            k.baseurl.contains("{region}"),
            "{name}: a `{{region}}` base URL and `regional` go together"
        );
        if k.baseurl.contains('<') {
            assert!(
                k.custom_baseurl.is_some(),
                "{name}: a placeholder base URL needs `custom_baseurl`"
            );
        }
        if k.cost_basis_required {
            assert!(k.cost_basis.is_some(), "{name}: required but no cost basis");
        }
        let regional = k.regional.iter().flat_map(|r| {
            r.cost_bases
                .iter()
                .map(|(_, basis)| *basis)
                .chain([r.other_cost_basis])
        });
        for basis in k.cost_basis.into_iter().chain(regional) {
            assert!(COST_BASES.contains(&basis), "{name}: cost basis `{basis}`");
        }
        if let Some(flag) = k.seed_flag {
            assert!(
                k.flags.contains(&flag),
                "{name}: seed flag {flag} is not generated"
            );
        }
        if let Some(base) = k.variant_of {
            let base = base.row();
            assert!(base.variant_of.is_none(), "{name}: variant of a variant");
            assert!(
                k.auth_mode != base.auth_mode
                    || std::mem::discriminant(&k.key) != std::mem::discriminant(&base.key),
                "{name}: nothing tells it apart from `{}`",
                base.kind
            );
        }
    }
}

#[test]
fn every_client_generates_and_has_its_reference_section() {
    let reference = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("skill/reference/clients.md"),
    )
    .unwrap();
    let headings = reference.lines().filter(|l| l.starts_with("## ")).count();
    assert_eq!(headings, Client::ALL.len(), "one section per client");
    for client in Client::ALL {
        let out = generate_client_config(&ClientInput {
            client: *client,
            host: None,
            model: None,
            gateway: Default::default(),
        })
        .unwrap();
        assert_eq!(out.client, client.name());
        assert!(
            !out.files.is_empty() || !out.env.is_empty(),
            "{client}: nothing to configure"
        );
        let heading = format!("## `{client}`: {}\n", client.title());
        assert!(reference.contains(&heading), "clients.md lacks {heading:?}");
    }
}

#[test]
fn every_kind_has_its_reference_section() {
    let reference = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("skill/reference/providers.md"),
    )
    .unwrap();
    let headings = reference.lines().filter(|l| l.starts_with("## ")).count();
    assert_eq!(headings, KINDS.len(), "one section per kind");
    for k in KINDS {
        let heading = format!("## `{}`: {}\n", k.kind, k.title);
        assert!(
            reference.contains(&heading),
            "providers.md lacks {heading:?}"
        );
    }
}

/// The kind list in `provider --help` is the one copy we keep by hand (doc comments cannot be
/// generated): pin it to the catalog. MCP clients read the kinds from the providers resource
/// (the tool description names it), which is the catalog itself.
#[test]
fn the_documented_kind_lists_name_every_kind() {
    use clap::CommandFactory;

    let command = aperture_orchestrator::cli::Cli::command();
    let cli = command
        .find_subcommand("provider")
        .and_then(|c| c.get_arguments().find(|a| a.get_id() == "kind"))
        .and_then(|a| a.get_help())
        .map(ToString::to_string)
        .unwrap();
    let listed: BTreeSet<&str> = cli
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let missing: Vec<&str> = KINDS
        .iter()
        .map(|k| k.kind)
        .filter(|k| !listed.contains(k))
        .collect();
    assert!(
        missing.is_empty(),
        "ProviderArgs::kind (src/cli/generate.rs) does not list {missing:?}"
    );
}
