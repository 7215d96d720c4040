//! The access matrix: who can reach which model (and which connector, when the config declares
//! connectors), from the same grant evaluator as `explain`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::connector::reaches;
use crate::access::{GrantIndex, GrantRef, Role};
use crate::config::Node;
use crate::glob::matches_model;

/// Who can reach which model: one row per `src` selector named in the grants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Matrix {
    /// Every `provider/model` of an enabled provider.
    pub models: Vec<String>,
    /// Every connector declared under `connectors.servers` (absent when there is none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connectors: Vec<String>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MatrixRow {
    pub src: String,
    pub role: Option<Role>,
    /// The models (from `models`, in order) this source can call for certain.
    pub allowed: Vec<String>,
    /// The connectors (from `connectors`, in order) this source reaches, wholly or in part
    /// (`explain_access` with `connector` tells which part).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connectors: Vec<String>,
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
    let connectors: Vec<String> = root
        .get("connectors")
        .and_then(|c| c.get("servers"))
        .map(|s| {
            s.unique_members()
                .into_iter()
                .map(|m| m.key.to_string())
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
            let reached = connectors
                .iter()
                .filter(|id| reaches(root, &effective, id))
                .cloned()
                .collect();
            MatrixRow {
                src: src.to_owned(),
                role: effective.role,
                allowed,
                connectors: reached,
            }
        })
        .collect();
    Matrix {
        models: models
            .into_iter()
            .map(|(p, m)| format!("{p}/{m}"))
            .collect(),
        connectors,
        rows,
    }
}
