//! The access matrix as text for a terminal: one line per identity with its role and models
//! (and the connectors it reaches, when the config declares any).

use crate::explain::Matrix;

pub fn access_matrix(matrix: &Matrix) -> String {
    let mut text = format!("access matrix ({} models):\n", matrix.models.len());
    for row in &matrix.rows {
        let role = match row.role {
            Some(role) => role.as_str(),
            None => "none",
        };
        let models = if row.allowed.is_empty() {
            "nothing".to_owned()
        } else if row.allowed.len() == matrix.models.len() {
            "every model".to_owned()
        } else {
            row.allowed.join(", ")
        };
        text.push_str(&format!("  {:<32} {:<6} {models}\n", row.src, role));
        if !matrix.connectors.is_empty() {
            let reached = if row.connectors_allowed.is_empty() {
                "none".to_owned()
            } else {
                row.connectors_allowed.join(", ")
            };
            text.push_str(&format!("  {:<32} {:<6} connectors: {reached}\n", "", ""));
        }
    }
    text
}
