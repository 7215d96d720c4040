//! The access matrix: who can reach which model, from the same grant evaluator as `explain`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::{GrantIndex, GrantRef, Role};
use crate::config::Node;
use crate::glob::matches_model;
/// Who can reach which model: one row per `src` selector named in the grants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Matrix {
    /// Every `provider/model` of an enabled provider.
    pub models: Vec<String>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MatrixRow {
    pub src: String,
    pub role: Option<Role>,
    /// The models (from `models`, in order) this source can call for certain.
    pub allowed: Vec<String>,
}

/// The access matrix, using the same evaluator as `explain` (certain matches only).
pub fn matrix(root: &Node, grants: &[GrantRef<'_>]) -> Matrix {
    let models: Vec<(String, String)> = root
        .get("providers")
        .map(|p| {
            p.unique_members()
                .into_iter()
                .filter(|m| m.value.get("disabled").and_then(Node::as_bool) != Some(true))
                .flat_map(|m| {
                    m.value
                        .get("models")
                        .and_then(Node::as_array)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(Node::as_str)
                        .map(move |model| (m.key.to_string(), model.to_owned()))
                })
                .collect()
        })
        .unwrap_or_default();
    let index = GrantIndex::new(grants);
    let rows = crate::access::per_selector(&index)
        .into_iter()
        .map(|(src, effective)| {
            let patterns = effective.model_patterns();
            let allowed = if effective.role.is_none() {
                Vec::new()
            } else {
                models
                    .iter()
                    .filter(|(p, m)| patterns.iter().any(|pat| matches_model(pat, p, m)))
                    .map(|(p, m)| format!("{p}/{m}"))
                    .collect()
            };
            MatrixRow {
                src: src.to_owned(),
                role: effective.role,
                allowed,
            }
        })
        .collect();
    Matrix {
        models: models
            .into_iter()
            .map(|(p, m)| format!("{p}/{m}"))
            .collect(),
        rows,
    }
}
