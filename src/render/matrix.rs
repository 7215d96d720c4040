//! The access matrix as text for a terminal: one line per source with its role and models.

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
    }
    text
}
