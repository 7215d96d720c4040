//! The access matrix as text for a terminal: one line per identity with its role and models
//! (and the connectors it reaches, when the config declares any).

use crate::explain::Matrix;

pub fn access_matrix(matrix: &Matrix) -> String {
    let mut text = format!("access matrix ({} models", matrix.models.len());
    if !matrix.connectors.is_empty() {
        text.push_str(&format!(", {} connectors", matrix.connectors.len()));
    }
    text.push_str("):\n");
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
        let connectors = if matrix.connectors.is_empty() {
            String::new()
        } else if row.connectors.is_empty() {
            "; connectors: none".to_owned()
        } else {
            format!("; connectors: {}", row.connectors.join(", "))
        };
        text.push_str(&format!(
            "  {:<32} {:<6} {models}{connectors}\n",
            row.src, role
        ));
    }
    text
}
