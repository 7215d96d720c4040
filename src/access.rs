//! Effective access: who gets which role and which models, computed from a config's grants.
//!
//! The same core answers the validator's coverage rules, `generate_grants`' access table
//! and (later) `explain_access`. Grants are additive and allow-only; `*` matches everyone.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::config::{Node, pointer};

/// Capability key Aperture reads inside a grant's `app`.
pub const APERTURE_CAP: &str = "tailscale.com/cap/aperture";

/// One capability object with where it sits.
#[derive(Debug, Clone)]
pub struct CapabilityRef<'a> {
    pub path: String,
    pub node: &'a Node,
}

/// One grant (current form) as the access core sees it.
#[derive(Debug, Clone)]
pub struct GrantRef<'a> {
    pub index: usize,
    pub path: String,
    pub node: &'a Node,
    pub src: Vec<&'a str>,
    pub capabilities: Vec<CapabilityRef<'a>>,
    role: Option<Role>,
}

impl GrantRef<'_> {
    /// Highest role this grant gives (computed once when the grant is read).
    pub fn role(&self) -> Option<Role> {
        self.role
    }
    pub fn models(&self) -> impl Iterator<Item = &str> {
        self.capabilities
            .iter()
            .filter_map(|c| c.node.get_str("models"))
    }
}

/// Aperture roles; `admin` outranks `user`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "user" => Some(Role::User),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// Every current-form grant of a document (`grants`), in order.
pub fn grants(root: &Node) -> Vec<GrantRef<'_>> {
    let Some(items) = root.get("grants").and_then(Node::as_array) else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter(|(_, g)| g.is_object())
        .map(|(index, node)| {
            let path = pointer::index("/grants", index);
            let src = node
                .get("src")
                .and_then(Node::as_array)
                .unwrap_or_default()
                .iter()
                .filter_map(Node::as_str)
                .collect();
            let cap_path = pointer::join(&pointer::join(&path, "app"), APERTURE_CAP);
            let capabilities: Vec<CapabilityRef<'_>> = node
                .get("app")
                .and_then(|app| app.get(APERTURE_CAP))
                .and_then(Node::as_array)
                .unwrap_or_default()
                .iter()
                .enumerate()
                .filter(|(_, c)| c.is_object())
                .map(|(j, c)| CapabilityRef {
                    path: pointer::index(&cap_path, j),
                    node: c,
                })
                .collect();
            {
                let role = capabilities
                    .iter()
                    .filter_map(|c: &CapabilityRef| c.node.get_str("role").and_then(Role::parse))
                    .max();
                GrantRef {
                    index,
                    path,
                    node,
                    src,
                    capabilities,
                    role,
                }
            }
        })
        .collect()
}

/// Whether a grant's `src` entry can match callers named by another `src` entry.
/// `Yes` for `*` and exact matches; `Maybe` where group membership decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Covers {
    Yes,
    Maybe,
    No,
}

pub fn covers(grant_src: &str, identity: &str) -> Covers {
    if grant_src == "*" || grant_src == identity {
        return Covers::Yes;
    }
    let identity_is_tag = identity.starts_with("tag:");
    let identity_is_person = !identity_is_tag && identity != "*" && identity != "(loopback)";
    if identity_is_person
        && (grant_src.starts_with("group:") || grant_src.starts_with("autogroup:"))
    {
        return Covers::Maybe;
    }
    // SCIM groups may be named by e-mail, so one e-mail address may be a group containing another.
    if identity_is_person && grant_src.contains('@') && !grant_src.starts_with("tag:") {
        return Covers::Maybe;
    }
    if identity.starts_with("group:") && grant_src.starts_with("group:") {
        return Covers::Maybe;
    }
    Covers::No
}

/// One row of the effective-access table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AccessRow {
    /// A `src` selector as written in the grants.
    pub src: String,
    /// Highest role granted to these callers for sure (`*` grants and grants naming this selector).
    pub role: Option<Role>,
    /// `models` patterns these callers get for sure.
    pub models: Vec<String>,
}

/// The effective-access table: one row per distinct `src` selector, in first-seen order.
/// Only grants that certainly match count (`*` and the selector itself), so group
/// memberships never inflate the table.
pub fn access_table(grants: &[GrantRef<'_>]) -> Vec<AccessRow> {
    let mut order: Vec<&str> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for g in grants {
        for s in &g.src {
            if seen.insert(*s) {
                order.push(s);
            }
        }
    }
    // Aggregate per selector in one pass; `*` grants apply to every row.
    let mut by_src: std::collections::HashMap<&str, (Option<Role>, Vec<&str>)> =
        std::collections::HashMap::new();
    for g in grants {
        let role = g.role();
        let models: Vec<&str> = g.models().collect();
        for s in &g.src {
            let entry = by_src.entry(s).or_default();
            entry.0 = entry.0.max(role);
            entry.1.extend(models.iter().copied());
        }
    }
    let everyone = by_src.get("*").cloned().unwrap_or_default();
    order
        .into_iter()
        .map(|s| {
            let own = by_src.get(s).cloned().unwrap_or_default();
            let role = own.0.max(everyone.0);
            let mut models: Vec<String> = Vec::new();
            for m in own.1.iter().chain(everyone.1.iter()) {
                if !models.iter().any(|x| x == m) {
                    models.push((*m).to_owned());
                }
            }
            AccessRow {
                src: s.to_owned(),
                role,
                models,
            }
        })
        .collect()
}

/// True when a tag source is already the canonical identity (checked without allocating).
pub fn is_canonical_tags(raw: &str) -> bool {
    if raw.contains(' ') {
        return false;
    }
    let mut previous: Option<&str> = None;
    for tag in raw.split(',') {
        if !tag.starts_with("tag:") || previous.is_some_and(|p| p >= tag) {
            return false;
        }
        previous = Some(tag);
    }
    true
}

/// The canonical identity string of a tag set: sorted, de-duplicated, comma-joined, no spaces.
pub fn canonical_tags(raw: &str) -> Option<String> {
    let mut tags: Vec<&str> = raw
        .split([',', ' '])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    if tags.is_empty() || !tags.iter().all(|t| t.starts_with("tag:")) {
        return None;
    }
    tags.sort_unstable();
    tags.dedup();
    Some(tags.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Document;

    #[test]
    fn access_table_unions_everyone_grants() {
        let doc = Document::parse(
            r#"{"grants": [
                {"src": ["ops@example.com"], "app": {"tailscale.com/cap/aperture": [{"role": "admin"}]}},
                {"src": ["*"], "app": {"tailscale.com/cap/aperture": [{"role": "user"}, {"models": "**"}]}},
                {"src": ["tag:ci"], "app": {"tailscale.com/cap/aperture": [{"models": "openai/*"}]}}
            ]}"#,
        )
        .unwrap();
        let table = access_table(&grants(&doc.root));
        assert_eq!(table.len(), 3);
        assert_eq!(
            table[0],
            AccessRow {
                src: "ops@example.com".into(),
                role: Some(Role::Admin),
                models: vec!["**".into()]
            }
        );
        assert_eq!(
            table[2].models,
            vec!["openai/*".to_owned(), "**".to_owned()]
        );
        assert_eq!(table[2].role, Some(Role::User));
    }

    #[test]
    fn canonical_tag_form() {
        assert_eq!(
            canonical_tags("tag:prod, tag:api").as_deref(),
            Some("tag:api,tag:prod")
        );
        assert_eq!(canonical_tags("tag:a").as_deref(), Some("tag:a"));
        assert!(is_canonical_tags("tag:api,tag:prod") && is_canonical_tags("tag:a"));
        assert!(
            !is_canonical_tags("tag:prod,tag:api")
                && !is_canonical_tags("tag:a, tag:b")
                && !is_canonical_tags("tag:a,tag:a")
        );
        assert_eq!(canonical_tags("alice@example.com"), None);
        assert_eq!(covers("group:eng", "alice@example.com"), Covers::Maybe);
        assert_eq!(covers("group:eng", "tag:ci"), Covers::No);
        assert_eq!(covers("*", "tag:ci"), Covers::Yes);
    }
}
