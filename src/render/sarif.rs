//! SARIF 2.1.0 output: the whole rule catalog as the driver's rules, one result per finding.

use serde_json::{Value, json};

use crate::diagnostic::Severity;
use crate::diagnostic::ValidateOutput;
use crate::rules::catalog;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub fn sarif(output: &ValidateOutput, file_name: &str) -> Value {
    let rules: Vec<Value> = catalog::ALL
        .iter()
        .map(|r| {
            let mut rule = json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "helpUri": r.docs,
                "defaultConfiguration": { "level": level(r.severity) },
            });
            if let Some(m) = r.aperture_message {
                rule["properties"] = json!({ "apertureMessage": m });
            }
            rule
        })
        .collect();
    let results: Vec<Value> = output
        .diagnostics
        .iter()
        .map(|d| {
            let mut region = serde_json::Map::new();
            if let Some(line) = d.line {
                region.insert("startLine".into(), line.into());
            }
            if let Some(column) = d.column {
                region.insert("startColumn".into(), column.into());
            }
            let mut physical = json!({ "artifactLocation": { "uri": file_name } });
            if !region.is_empty() {
                physical["region"] = Value::Object(region);
            }
            let mut result = json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": { "text": d.message },
                "locations": [{
                    "physicalLocation": physical,
                    "logicalLocations": [{ "fullyQualifiedName": if d.path.is_empty() { "/" } else { d.path.as_str() }, "kind": "element" }],
                }],
                "properties": { "fix": d.fix.description, "pointer": d.path },
            });
            if let Some(index) = catalog::ALL.iter().position(|r| r.code == d.code) {
                result["ruleIndex"] = index.into();
            }
            if let Some(patch) = &d.fix.patch {
                result["properties"]["patch"] = serde_json::to_value(patch).unwrap_or(Value::Null);
            }
            result
        })
        .collect();
    let mut sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": env!("CARGO_PKG_NAME"),
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://tailscale.com/docs/aperture/configuration",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    if !output.truncated.is_empty() {
        // Findings past the per-rule cap: counted, not listed (SARIF has no native field).
        sarif["runs"][0]["properties"] = json!({
            "truncated": output.truncated,
            "notes": output.truncated.iter().map(|t| t.sentence()).collect::<Vec<_>>(),
        });
    }
    sarif
}
