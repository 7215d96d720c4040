//! The symptom catalog's files (`data/symptoms/`): each parses with every field known, is
//! named after its ID, names only rule codes, probe findings and probes that exist, and gives
//! every cause a check and a fix; so a half-added symptom fails here, not in front of a user.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use aperture_orchestrator::catalog::symptoms::{FILES, catalog_errors, parse, symptoms};

/// The probes `test_endpoint` runs without sending a completion (see `src/probe/mod.rs`): the
/// only ones whose success can rule a cause out.
const FREE_PROBES: &[&str] = &["dns", "tcp", "dashboard", "models"];

/// Rows of `troubleshooting.md`'s quick table; each has its symptom.
const TABLE_ROWS: u8 = 32;

/// Everything wrong with one catalog file, each line naming the file.
fn problems(file: &str, text: &str) -> Vec<String> {
    let symptom = match parse(text) {
        Ok(symptom) => symptom,
        Err(reason) => return vec![format!("{file}: {reason}")],
    };
    let mut out = Vec::new();
    let mut problem = |what: String| out.push(format!("{file}: {what}"));
    match file
        .strip_suffix(".hujson")
        .and_then(|stem| stem.split_once('-'))
    {
        Some((order, id)) if order.len() == 3 && order.bytes().all(|b| b.is_ascii_digit()) => {
            if id != symptom.id {
                problem(format!(
                    "the file is named for `{id}` but holds `{}`",
                    symptom.id
                ));
            }
        }
        _ => problem("the name is not `NNN-<id>.hujson`".into()),
    }
    if symptom.said.is_empty() {
        problem("`said` is empty: the matcher needs at least one phrasing".into());
    }
    if !symptom.question.trim_end().ends_with('?') {
        problem(
            "`question` must be one question (ending in `?`) that tells this symptom apart".into(),
        );
    }
    if symptom.causes.is_empty() {
        problem("no causes".into());
    }
    for code in &symptom.reproduced_by {
        if aperture_orchestrator::probe::findings::by_code(code).is_none() {
            problem(format!(
                "reproduced_by names {code}, which is no probe finding"
            ));
        }
    }
    let mut cause_ids: Vec<&str> = symptom.causes.iter().map(|c| c.id.as_str()).collect();
    cause_ids.sort_unstable();
    for pair in cause_ids.windows(2).filter(|pair| pair[0] == pair[1]) {
        problem(format!("cause `{}` is listed twice", pair[0]));
    }
    for cause in &symptom.causes {
        let id = &cause.id;
        if cause.fixes.is_empty() {
            problem(format!("cause `{id}` has no fix"));
        }
        if !cause.machine_checked() && cause.ask.is_empty() {
            problem(format!("cause `{id}` has no check (rules, probes or ask)"));
        }
        for code in cause.rules.iter().chain(&cause.requires) {
            if !aperture_orchestrator::rules::catalog::ALL
                .iter()
                .any(|r| r.code == code)
            {
                problem(format!("cause `{id}` names {code}, which is no rule"));
            }
        }
        for code in &cause.probes {
            if aperture_orchestrator::probe::findings::by_code(code).is_none() {
                problem(format!(
                    "cause `{id}` names {code}, which is no probe finding"
                ));
            }
        }
        if let Some(probe) = &cause.ruled_out_by_probe
            && !FREE_PROBES.contains(&probe.as_str())
        {
            problem(format!(
                "cause `{id}`: `{probe}` is not a free probe ({})",
                FREE_PROBES.join(", ")
            ));
        }
    }
    out
}

#[test]
fn every_file_parses_and_names_only_what_exists() {
    assert!(FILES.len() >= 30, "only {} symptom files", FILES.len());
    let problems: Vec<String> = FILES
        .iter()
        .flat_map(|(file, text)| problems(file, text))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_product_loads_every_file() {
    let errors: Vec<String> = catalog_errors().iter().map(ToString::to_string).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let ids: Vec<&str> = symptoms().iter().map(|s| s.id.as_str()).collect();
    let files: Vec<&str> = FILES
        .iter()
        .filter_map(|(file, _)| file.strip_suffix(".hujson")?.get(4..))
        .collect();
    assert_eq!(ids, files, "symptoms come in file-name order");
}

#[test]
fn ids_and_order_prefixes_are_unique() {
    let mut ids: Vec<&str> = symptoms().iter().map(|s| s.id.as_str()).collect();
    ids.sort_unstable();
    for pair in ids.windows(2) {
        assert_ne!(pair[0], pair[1], "two symptoms have this ID");
    }
    let mut prefixes: Vec<&str> = FILES.iter().filter_map(|(file, _)| file.get(..3)).collect();
    prefixes.sort_unstable();
    for pair in prefixes.windows(2) {
        assert_ne!(pair[0], pair[1], "two files have this order prefix");
    }
}

#[test]
fn every_table_row_has_a_symptom() {
    for row in 1..=TABLE_ROWS {
        assert!(symptoms().iter().any(|s| s.row == row), "row {row}");
    }
}

/// The checks above catch a half-added symptom: a complete file passes, and each defect is
/// reported with the file's name and the reason.
#[test]
fn a_half_added_symptom_is_caught() {
    let good = r#"{
  // A comment and trailing commas are fine: it is HuJSON.
  "id": "example",
  "title": "An example symptom",
  "question": "Does it work?",
  "said": ["it does not work"],
  "causes": [
    {
      "id": "cause",
      "title": "A cause",
      "rules": ["AP208"],
      "probes": ["TE101"],
      "ruled_out_by_probe": "dns",
      "fixes": ["Fix it."],
    },
  ],
}"#;
    let file = "999-example.hujson";
    assert_eq!(problems(file, good), Vec::<String>::new());

    let bad = |from: &str, to: &str| {
        assert!(good.contains(from), "{from}");
        problems(file, &good.replacen(from, to, 1))
    };
    let cases = [
        (
            bad(r#""rules": ["AP208"],"#, r#""rule": ["AP208"],"#),
            "unknown field `rule`",
        ),
        (bad(r#""AP208""#, r#""AP999""#), "AP999, which is no rule"),
        (
            bad(r#""probes": ["TE101"]"#, r#""probes": ["TE999"]"#),
            "TE999, which is no probe finding",
        ),
        (bad(r#""dns""#, r#""completion""#), "not a free probe"),
        (bad(r#""fixes": ["Fix it."],"#, ""), "missing field `fixes`"),
        (
            bad(r#""said": ["it does not work"]"#, r#""said": []"#),
            "`said` is empty",
        ),
        (
            bad(r#""title": "A cause","#, r#""title": "A cause""#),
            "Expected",
        ),
    ];
    for (found, reason) in cases {
        assert!(
            found.len() == 1 && found[0].starts_with(file) && found[0].contains(reason),
            "expected one problem with {reason:?}, got {found:?}"
        );
    }
    let renamed = problems("999-other.hujson", good);
    assert!(
        renamed.len() == 1 && renamed[0].contains("named for `other`"),
        "{renamed:?}"
    );
    let unnumbered = problems("example.hujson", good);
    assert!(
        unnumbered.len() == 1 && unnumbered[0].contains("NNN-<id>"),
        "{unnumbered:?}"
    );
}

/// The lexicon (synonyms, error-text normalisation, stop words) parses: an error there would
/// silently empty the matcher's vocabulary.
#[test]
fn the_lexicon_parses() {
    assert_eq!(
        aperture_orchestrator::catalog::symptoms::lexicon_error(),
        None
    );
    let lexicon = aperture_orchestrator::catalog::symptoms::lexicon();
    assert!(!lexicon.stopwords.is_empty() && !lexicon.synonyms.is_empty());
    for (from, to) in &lexicon.synonyms {
        assert_eq!(from, &from.to_lowercase(), "synonym keys are lowercase");
        assert!(!to.trim().is_empty(), "synonym for {from} is empty");
    }
}

/// Each user-facing fact of `updates-2026-11.md` (and the troubleshooting facts issue 18
/// names) is a symptom or a cause whose checks or fixes quote the documented fact.
#[test]
fn documented_facts_are_quoted_by_a_symptom_or_cause() {
    const FACTS: &[(&str, &str)] = &[
        (
            "own-keys-plan/plan-needs-sales",
            "on a plan other than the personal Tailscale plan, contact sales",
        ),
        (
            "chat-sandbox/sandbox-not-enabled",
            "it starts automatically on the first request that needs it",
        ),
        (
            "portal-access/portal-disabled",
            "an administrator can disable it for API-only users",
        ),
        (
            "chat-ui-empty/portal-access-disabled",
            "an administrator can disable it for API-only users",
        ),
        (
            "zero-retention/hosting-region",
            "Aperture instances are currently hosted in the European Union.",
        ),
        (
            "zero-retention/raw-copies-kept",
            "`save_raws` and `keep_encrypted_blobs` set to `false`",
        ),
        (
            "s3-export/bucket-name-empty",
            "Setting bucket_name to a non-empty value enables the S3 exporter",
        ),
        ("s3-export/bucket-name-empty", "Google Cloud Storage"),
        (
            "s3-export/require-export-waits",
            "the capture exports to S3, its retention window passes, and the local purge runs",
        ),
        (
            "connector-calls-missing-in-dashboard/expected",
            "do not appear in captures or usage telemetry",
        ),
        (
            "hook-data-leaves/hook-off-tailnet",
            "the selected data leaves your tailnet when Aperture calls it",
        ),
        ("hook-data-leaves/hook-off-tailnet", "\"500ms\""),
        ("hook-503/hook-definition", "\"500ms\""),
        (
            "hook-auth-type/old-build-auth-types",
            "`hec` and `cf-aig-authorization`",
        ),
        (
            "header-filter/header-not-filterable",
            "the `filterable` list that decides which headers Aperture indexes",
        ),
        (
            "model-alias/dst-provider-name",
            "the key configured under providers, not its display name",
        ),
        ("model-alias/dst-provider-name", "matched exactly"),
        ("model-alias/dst-provider-name", "`dst` is ordered"),
        (
            "model-alias/target-not-granted",
            "before checking authorization, quotas, hooks, and routing",
        ),
        ("quota-429/one-of-several-buckets", "must all have balance"),
        (
            "group-grants-ignored/scim-email-group",
            "Requires the tailscale.com/visible-groups node attribute",
        ),
        (
            "tagged-node-403/multi-tag-src",
            "the src value must match the exact comma-joined tag string",
        ),
        (
            "outside-tailnet/bridge-names",
            "An Aperture CLI bridge (recommended)",
        ),
        (
            "outside-tailnet/bridge-names",
            "bridge mode is the `ts-unplug` workflow, not the Aperture CLI bridge feature",
        ),
        (
            "same-user-tag/shared-ts-unplug",
            "attributes all its users' traffic to one identity",
        ),
        (
            "oauth-connect-fails/oauth-setup",
            "https://<host>/aperture/auth/<connector-id>/callback (`https`, not `http`)",
        ),
        (
            "tailnet-connector-auth/per-node-flow",
            "a separate, tool-initiated authorization flow for each node it provisions",
        ),
        (
            "bedrock-credentials/iam-keys",
            "no SigV4, no IAM access keys",
        ),
        (
            "foundry-deployment/model-is-deployment",
            "Foundry model names are deployment names",
        ),
        (
            "foundry-deployment/foundry-key",
            "A Foundry API key for your resource",
        ),
        (
            "passthrough-key/client-sends-no-key",
            "If the client sends neither header, Aperture uses the configured provider key.",
        ),
        (
            "connectors-ignored/old-version",
            "needed on older builds, harmless on newer ones",
        ),
    ];
    for (id, quote) in FACTS {
        let (symptom, cause) = id.split_once('/').unwrap();
        let s = aperture_orchestrator::catalog::symptoms::find(symptom)
            .unwrap_or_else(|| panic!("no symptom {symptom}"));
        let c = s
            .causes
            .iter()
            .find(|c| c.id == cause)
            .unwrap_or_else(|| panic!("no cause {id}"));
        let text = c
            .ask
            .iter()
            .chain(&c.fixes)
            .chain([&c.title])
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            text.contains(quote),
            "{id} does not quote {quote:?}: {text}"
        );
    }
}
