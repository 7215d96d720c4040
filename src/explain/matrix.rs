//! The access matrix: who can reach which model (and connector), one row per identity, from the
//! same resolver as `explain`, the access table and the plan's changes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::connector::reaches;
use crate::access::{GrantRef, Person, PersonAccess, PersonKind, Role, people, resolve};
use crate::config::Node;
use crate::glob::matches_model;
use rustc_hash::FxHashMap;

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
    let names: Vec<String> = models.iter().map(|(p, m)| format!("{p}/{m}")).collect();
    let mut columns = PatternColumns::new(&models);
    // Identities with the same role, patterns and (when connectors exist) grants get the same
    // row: it is computed once per class, not once per identity.
    let mut classes: FxHashMap<RowKey<'_>, (Vec<String>, Vec<String>)> = FxHashMap::default();
    let rows = resolved
        .iter()
        .map(|(person, access)| {
            let key = RowKey {
                has_role: access.role.is_some(),
                models: &access.models,
                grants: if connectors.is_empty() {
                    &[]
                } else {
                    &access.grants
                },
            };
            let (allowed, reached) = classes
                .entry(key)
                .or_insert_with(|| row(root, grants, access, &mut columns, &names, &connectors))
                .clone();
            MatrixRow {
                src: person.src.clone(),
                kind: person.kind,
                role: access.role,
                allowed,
                connectors: reached,
            }
        })
        .collect();
    Matrix {
        models: names,
        connectors,
        rows,
    }
}

/// What a row's cells depend on.
#[derive(PartialEq, Eq, Hash)]
struct RowKey<'a> {
    has_role: bool,
    models: &'a [String],
    grants: &'a [usize],
}

/// For each distinct `models` pattern, which served models it matches (a bit per model),
/// matched once however many identities carry the pattern.
struct PatternColumns<'m> {
    models: &'m [(String, String)],
    bits: FxHashMap<String, Vec<u64>>,
}

impl<'m> PatternColumns<'m> {
    fn new(models: &'m [(String, String)]) -> Self {
        PatternColumns {
            models,
            bits: FxHashMap::default(),
        }
    }

    /// The union of the patterns' model sets.
    fn union(&mut self, patterns: &[String]) -> Vec<u64> {
        let mut out = vec![0u64; self.models.len().div_ceil(64)];
        for pattern in patterns {
            let models = self.models;
            let bits = self.bits.entry(pattern.clone()).or_insert_with(|| {
                let mut bits = vec![0u64; models.len().div_ceil(64)];
                for (i, (p, m)) in models.iter().enumerate() {
                    if matches_model(pattern, p, m) {
                        bits[i / 64] |= 1 << (i % 64);
                    }
                }
                bits
            });
            for (o, b) in out.iter_mut().zip(bits.iter()) {
                *o |= b;
            }
        }
        out
    }
}

fn row(
    root: &Node,
    grants: &[GrantRef<'_>],
    access: &PersonAccess,
    columns: &mut PatternColumns<'_>,
    names: &[String],
    connectors: &[String],
) -> (Vec<String>, Vec<String>) {
    // Without a role Aperture answers 403 to everything, whatever the patterns say.
    if access.role.is_none() {
        return (Vec::new(), Vec::new());
    }
    let bits = columns.union(&access.models);
    let allowed = names
        .iter()
        .enumerate()
        .filter(|(i, _)| bits[i / 64] & (1 << (i % 64)) != 0)
        .map(|(_, name)| name.clone())
        .collect();
    let reached = if connectors.is_empty() {
        Vec::new()
    } else {
        let matched: Vec<&GrantRef<'_>> = access
            .grants
            .iter()
            .filter_map(|&i| grants.get(i))
            .collect();
        connectors
            .iter()
            .filter(|id| reaches(root, &matched, id))
            .cloned()
            .collect()
    };
    (allowed, reached)
}
