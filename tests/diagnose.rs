//! diagnose_symptom: accuracy on the evaluation set of user phrasings, and config evidence
//! confirming or ruling out every cause that has a config check.

use aperture_orchestrator::diagnose::matcher::{Query, rank};

#[derive(serde::Deserialize)]
struct Case {
    text: String,
    expect: String,
    #[serde(default)]
    http_status: Option<u16>,
    #[serde(default)]
    error_text: Option<String>,
}

fn cases() -> Vec<Case> {
    include_str!("fixtures/diagnose/eval.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn evaluation_set_accuracy() {
    let cases = cases();
    assert!(
        cases.len() >= 150,
        "the evaluation set has {} phrasings",
        cases.len()
    );
    let (mut top1, mut top3) = (0usize, 0usize);
    let mut misses = Vec::new();
    for case in &cases {
        assert!(
            aperture_orchestrator::catalog::symptoms::find(&case.expect).is_some(),
            "unknown symptom {}",
            case.expect
        );
        let ranked = rank(&Query {
            text: &case.text,
            status: case.http_status,
            error_text: case.error_text.as_deref(),
        });
        let ids: Vec<&str> = ranked.iter().take(3).map(|r| r.symptom.id).collect();
        match ids.iter().position(|id| *id == case.expect) {
            Some(0) => {
                top1 += 1;
                top3 += 1;
            }
            Some(_) => {
                top3 += 1;
                misses.push(format!(
                    "  top-3 {:<28} got {:?} for {:?}",
                    case.expect, ids, case.text
                ));
            }
            None => misses.push(format!(
                "  MISS  {:<28} got {:?} for {:?}",
                case.expect, ids, case.text
            )),
        }
    }
    let n = cases.len() as f64;
    let (a1, a3) = (top1 as f64 / n, top3 as f64 / n);
    eprintln!(
        "diagnose evaluation: {} phrasings, top-1 {:.1}% ({top1}), top-3 {:.1}% ({top3})\n{}",
        cases.len(),
        a1 * 100.0,
        a3 * 100.0,
        misses.join("\n")
    );
    assert!(a1 >= 0.90, "top-1 accuracy {:.1}% is under 90%", a1 * 100.0);
    assert!(a3 >= 0.98, "top-3 accuracy {:.1}% is under 98%", a3 * 100.0);
}
