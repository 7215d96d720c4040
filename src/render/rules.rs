//! The rule catalog as text for a terminal: one line per rule (code, severity, name, summary).

use crate::rules::catalog::ALL;

pub fn rules_table() -> String {
    ALL.iter()
        .map(|rule| {
            format!(
                "{}  {:<8} {:<34} {}\n",
                rule.code,
                rule.severity.as_str(),
                rule.name,
                rule.summary
            )
        })
        .collect()
}
