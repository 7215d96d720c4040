//! An `explain_access` result as text for a terminal: the outcome, one line per trace step,
//! the upstream (a model's provider or a connector's URL), then the matrix and the notes; or
//! the matrix alone when only it was asked for.

use super::blocks::notes_block;
use super::matrix::access_matrix;
use crate::tools::explain::ExplainOutput;

pub fn explain_report(out: &ExplainOutput) -> String {
    let Some(e) = &out.explanation else {
        // Matrix only: no request was simulated, so the matrix is the whole answer.
        return out.matrix.as_ref().map(access_matrix).unwrap_or_default();
    };
    let outcome = serde_json::to_value(e.outcome)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let mut text = format!(
        "{} → {outcome} (HTTP {})\n",
        e.identity.as_deref().unwrap_or("?"),
        e.expected_status
    );
    // Stage names of model traces fit 13 columns; connector traces have a longer one.
    let width = e
        .steps
        .iter()
        .map(|s| s.stage.as_str().len())
        .max()
        .unwrap_or(0)
        .max(13);
    for step in &e.steps {
        let at = step
            .path
            .as_deref()
            .map(|p| format!("  [{p}]"))
            .unwrap_or_default();
        text.push_str(&format!(
            "  {:<width$} {:<11} {}{at}\n",
            step.stage, step.result, step.detail
        ));
    }
    if let Some(url) = &e.upstream_url {
        text.push_str(&format!("upstream: {url}\n"));
    }
    if let Some(auth) = &e.upstream_auth {
        text.push_str(&format!("credential: {auth}\n"));
    }
    if let Some(matrix) = &out.matrix {
        text.push('\n');
        text.push_str(&access_matrix(matrix));
    }
    format!("{text}{}", notes_block(&out.notes))
}
