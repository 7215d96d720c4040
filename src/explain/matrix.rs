//! The access matrix: who can reach which model (and connector), one row per identity, from the
//! same resolver as `explain`, the access table and the plan's changes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::connector::reaches;
use crate::access::{GrantRef, Person, PersonAccess, PersonKind, Role, people, resolve};
use crate::config::Node;
use crate::glob::matches_model;

/// Who can reach which model: one row per identity the grants mention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Matrix {
    /// Every `provider/model` of an enabled provider.
    pub models: Vec<String>,
    /// Every connector ID declared under `connectors.servers` (absent when there are none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connectors: Vec<String>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MatrixRow {
    /// The `src` selector naming this identity (`*`: anyone no other `src` names).
    pub src: String,
    pub kind: PersonKind,
    pub role: Option<Role>,
    /// The models (from `models`, in order) this identity can call for certain.
    pub allowed: Vec<String>,
    /// The connectors (from `connectors`, in order) this identity reaches, wholly or in part
    /// (`explain_access` with `connector` tells which part).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connectors: Vec<String>,
}

/// Every `(provider, model)` of an enabled provider, in config order.
fn served_models(root: &Node) -> Vec<(String, String)> {
    root.get("providers")
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
        .unwrap_or_default()
}

fn declared_connectors(root: &Node) -> Vec<String> {
    root.get("connectors")
        .and_then(|c| c.get("servers"))
        .map(|s| {
            s.unique_members()
                .into_iter()
                .map(|m| m.key.to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The access matrix of the identities the grants mention.
pub fn matrix(root: &Node, grants: &[GrantRef<'_>]) -> Matrix {
    matrix_for(root, grants, &people(grants))
}

/// The access matrix of the given identities (a plan passes the people of both sides).
pub fn matrix_for(root: &Node, grants: &[GrantRef<'_>], people: &[Person]) -> Matrix {
    matrix_of_resolved(root, grants, &resolve(grants, people))
}

/// The access matrix of identities whose access is already resolved (in that order), for a
/// caller that needs the resolution too.
pub fn matrix_of_resolved(
    root: &Node,
    grants: &[GrantRef<'_>],
    resolved: &[(Person, PersonAccess)],
) -> Matrix {
    let models = served_models(root);
    let connectors = declared_connectors(root);
    let rows = resolved
        .iter()
        .map(|(person, access)| row(root, grants, person.clone(), access, &models, &connectors))
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

fn row(
    root: &Node,
    grants: &[GrantRef<'_>],
    person: Person,
    access: &PersonAccess,
    models: &[(String, String)],
    connectors: &[String],
) -> MatrixRow {
    // Without a role Aperture answers 403 to everything, whatever the patterns say.
    let (allowed, reached) = if access.role.is_none() {
        (Vec::new(), Vec::new())
    } else {
        let matched: Vec<&GrantRef<'_>> = access
            .grants
            .iter()
            .filter_map(|&i| grants.get(i))
            .collect();
        (
            models
                .iter()
                .filter(|(p, m)| access.models.iter().any(|pat| matches_model(pat, p, m)))
                .map(|(p, m)| format!("{p}/{m}"))
                .collect(),
            connectors
                .iter()
                .filter(|id| reaches(root, &matched, id))
                .cloned()
                .collect(),
        )
    };
    MatrixRow {
        src: person.src,
        kind: person.kind,
        role: access.role,
        allowed,
        connectors: reached,
    }
}
