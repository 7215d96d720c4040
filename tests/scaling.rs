//! Cost linear in the input, shown by counting (output bytes, listed findings) for an input
//! and its double, never by a clock: a one-line document with thousands of the same mistake
//! must not print its whole line per finding or list every finding.

use aperture_orchestrator::render::{Format, validation_report};
use aperture_orchestrator::tools::validate::{Mode, validate_bytes};

/// A minified config whose `providers` object repeats one key `n` times (a duplicate-key
/// finding each) on a single line.
fn one_line_duplicates(n: usize) -> Vec<u8> {
    let provider = r#""p":{"baseurl":"https://api.example.com","models":["m"]}"#;
    let providers = vec![provider; n].join(",");
    format!(
        r#"{{"providers":{{{providers}}},"grants":[{{"src":["*"],"app":{{"tailscale.com/cap/aperture":[{{"role":"admin"}},{{"models":"**"}}]}}}}]}}"#
    )
    .into_bytes()
}

#[test]
fn doubling_a_one_line_document_at_most_doubles_every_format() {
    let (small, large) = (one_line_duplicates(1_000), one_line_duplicates(2_000));
    let (out_small, out_large) = (
        validate_bytes(&small, Mode::Save),
        validate_bytes(&large, Mode::Save),
    );
    let total = |o: &aperture_orchestrator::tools::validate::ValidateOutput| {
        o.counts.error + o.counts.warning + o.counts.info
    };
    assert!(
        total(&out_large) >= 2 * total(&out_small) - 2,
        "every finding is counted"
    );
    assert!(
        !out_large.truncated.is_empty(),
        "findings past the cap are counted, not listed"
    );
    for format in [Format::Human, Format::Json, Format::Sarif, Format::Github] {
        let a = validation_report(&out_small, &small, "c.json", format).unwrap();
        let b = validation_report(&out_large, &large, "c.json", format).unwrap();
        assert!(
            b.len() * 10 <= a.len() * 22,
            "{format:?}: {} bytes for n, {} for 2n",
            a.len(),
            b.len()
        );
        // Bounded per finding: no finding quotes the whole 100 KB line.
        assert!(
            b.len() < 2_000 * out_large.diagnostics.len().max(1),
            "{format:?}"
        );
        assert!(
            b.contains("more AP") || b.contains("\"truncated\""),
            "{format:?} says how many were not listed"
        );
    }
}

/// A pasted megabyte where a URL or a model name goes gets one short error that
/// says what and how long, not work and output in proportion to it.
#[tokio::test]
async fn oversized_inputs_get_one_short_error() {
    use aperture_orchestrator::tools::{PathPolicy, diagnose, explain, test_endpoint};
    let mega = format!("http://ai/{}", "a".repeat(1 << 20));
    let errors = [
        test_endpoint::test_endpoint(
            &test_endpoint::TestInput {
                url: mega.clone(),
                ..Default::default()
            },
            PathPolicy::Refused,
        )
        .await
        .map(|_| ())
        .unwrap_err(),
        diagnose::diagnose_with(
            &diagnose::DiagnoseInput {
                symptom: "401".into(),
                url: Some(mega.clone()),
                ..Default::default()
            },
            PathPolicy::Refused,
            None,
        )
        .map(|_| ())
        .unwrap_err(),
        explain::explain_access(
            &explain::ExplainInput {
                model: Some(mega.clone()),
                ..Default::default()
            },
            PathPolicy::Refused,
        )
        .map(|_| ())
        .unwrap_err(),
    ];
    for error in errors {
        let text = error.to_string();
        assert!(text.len() < 300, "{} bytes: {}", text.len(), &text[..300]);
        assert!(text.contains("1048586 characters long"), "{text}");
    }
}
