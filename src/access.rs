//! Effective access: who gets which role and which models, computed from a config's grants.
//!
//! One evaluator answers the validator's coverage rules, `generate_grants`' access table
//! and `explain_access`. Grants are additive and allow-only; `*` matches everyone.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use serde_json::{Value as Json, json};

use crate::config::{Node, pointer};

/// Capability key Aperture reads inside a grant's `app`.
pub const APERTURE_CAP: &str = "tailscale.com/cap/aperture";

/// One capability object with where it sits. The pointer is built on demand: a large config
/// has tens of thousands of capabilities and most are never reported.
#[derive(Debug, Clone)]
pub struct CapabilityRef<'a> {
    /// Pointer of the list holding this capability (shared by the grant's capabilities).
    pub list: std::rc::Rc<str>,
    pub index: usize,
    pub node: &'a Node,
}

impl CapabilityRef<'_> {
    /// RFC 6901 pointer of this capability object.
    pub fn path(&self) -> String {
        pointer::index(&self.list, self.index)
    }
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

// Aperture roles; `admin` outranks `user`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Admin,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::User, Role::Admin];

    /// The role's name in a grant (`"role": "admin"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == s)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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
            let list: std::rc::Rc<str> =
                pointer::join(&pointer::join(&path, "app"), APERTURE_CAP).into();
            let capabilities: Vec<CapabilityRef<'_>> = node
                .get("app")
                .and_then(|app| app.get(APERTURE_CAP))
                .and_then(Node::as_array)
                .unwrap_or_default()
                .iter()
                .enumerate()
                .filter(|(_, c)| c.is_object())
                .map(|(j, c)| CapabilityRef {
                    list: list.clone(),
                    index: j,
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

/// One row of the effective-access table: one identity the config mentions (a login, any
/// member of a group, a tag set, or anyone else for `*`) with everything it gets from every
/// grant that matches it (a login also gets what `*` gives; group memberships it may have are
/// not assumed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AccessRow {
    /// The `src` selector naming this identity (`*`: anyone no other `src` names).
    pub src: String,
    /// What kind of identity the row is.
    pub kind: PersonKind,
    /// Highest role this identity gets for sure.
    pub role: Option<Role>,
    /// `models` patterns this identity gets for sure.
    pub models: Vec<String>,
    /// Quota buckets charged (as written; `<user>`/`<node>` resolve per caller).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quotas: Vec<String>,
    /// Hooks that fire for this identity's requests.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hooks: Vec<String>,
    /// `connectors` patterns this identity gets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connectors: Vec<String>,
    /// What the row alone does not show (several buckets, no models for an admin).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A caller (from Tailscale WhoIs): a login, or a tagged node's tags; and its groups.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Identity {
    // e.g. `alice@example.com`.
    #[serde(default)]
    pub login: Option<String>,
    // e.g. `["tag:ci"]`.
    #[serde(default)]
    pub tags: Vec<String>,
    // e.g. `group:eng`, or a SCIM group's e-mail.
    #[serde(default)]
    pub groups: Vec<String>,
}

impl Identity {
    /// The string `src` entries are compared with: sorted comma-joined tags, else the login.
    pub fn name(&self) -> Option<String> {
        if !self.tags.is_empty() {
            return canonical_tags(&self.tags.join(","));
        }
        self.login.clone()
    }

    /// The caller a `src` selector names, for the access table (certain matches only).
    pub fn of_selector(selector: &str) -> Identity {
        if selector.starts_with("tag:") {
            Identity {
                tags: selector.split(',').map(str::to_owned).collect(),
                ..Default::default()
            }
        } else if selector.starts_with("group:") || selector.starts_with("autogroup:") {
            Identity {
                groups: vec![selector.to_owned()],
                ..Default::default()
            }
        } else if selector == "*" {
            Identity::default()
        } else {
            Identity {
                login: Some(selector.to_owned()),
                ..Default::default()
            }
        }
    }
}

/// Why a grant's `src` matched a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SrcMatch {
    /// `*` (everyone, tagged nodes included).
    Everyone,
    /// The login or the canonical tag string, exactly.
    Exact,
    /// A group the caller is in (needs visible groups on the Aperture node).
    Group,
}

/// Grants indexed by `src` entry, so evaluating one caller touches only the grants that can
/// match it (`*`, its identity string, its groups).
pub struct GrantIndex<'g, 'a> {
    grants: &'g [GrantRef<'a>],
    by_src: rustc_hash::FxHashMap<&'a str, Vec<usize>>,
}

impl<'g, 'a> GrantIndex<'g, 'a> {
    pub fn new(grants: &'g [GrantRef<'a>]) -> Self {
        let mut by_src: rustc_hash::FxHashMap<&'a str, Vec<usize>> =
            rustc_hash::FxHashMap::default();
        by_src.reserve(grants.len());
        for (i, g) in grants.iter().enumerate() {
            for s in &g.src {
                let list = by_src.entry(*s).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        GrantIndex { grants, by_src }
    }

    pub fn grants(&self) -> &'g [GrantRef<'a>] {
        self.grants
    }

    /// The indices (in config order) of the grants whose `src` lists `selector` itself.
    pub fn naming(&self, selector: &str) -> &[usize] {
        self.by_src
            .get(selector)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Every grant matching a caller, in config order, with how it matched.
    pub fn matching(&self, identity: &Identity) -> Vec<(&'g GrantRef<'a>, SrcMatch)> {
        let mut hits: Vec<(usize, SrcMatch)> = Vec::new();
        let mut add = |key: &str, how: SrcMatch| {
            for &i in self.by_src.get(key).map(Vec::as_slice).unwrap_or_default() {
                if !hits.iter().any(|(j, _)| *j == i) {
                    hits.push((i, how));
                }
            }
        };
        if let Some(name) = identity.name() {
            add(&name, SrcMatch::Exact);
        }
        for group in &identity.groups {
            add(group, SrcMatch::Group);
        }
        add("*", SrcMatch::Everyone);
        hits.sort_by_key(|(i, _)| *i);
        hits.into_iter()
            .map(|(i, how)| (&self.grants[i], how))
            .collect()
    }
}

/// Everything the matching grants give one caller (grants are additive; admin outranks user).
pub struct Effective<'g, 'a> {
    pub matched: Vec<(&'g GrantRef<'a>, SrcMatch)>,
    pub role: Option<Role>,
}

impl<'g, 'a> Effective<'g, 'a> {
    pub fn of(index: &GrantIndex<'g, 'a>, identity: &Identity) -> Self {
        let matched = index.matching(identity);
        let role = matched.iter().filter_map(|(g, _)| g.role()).max();
        Effective { matched, role }
    }

    /// The capability objects of every matching grant.
    pub fn capabilities(
        &self,
    ) -> impl Iterator<Item = (&'g GrantRef<'a>, &'g CapabilityRef<'a>)> + '_ {
        self.matched
            .iter()
            .flat_map(|(g, _)| g.capabilities.iter().map(move |c| (*g, c)))
    }

    /// `models` patterns, de-duplicated, in config order.
    pub fn model_patterns(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (_, cap) in self.capabilities() {
            if let Some(p) = cap.node.get_str("models")
                && !out.iter().any(|x| x == p)
            {
                out.push(p.to_owned());
            }
        }
        out
    }
}

/// The effective-access table: one row per identity, computed by the same resolver as
/// `explain_access`, the plan's changes and the matrix.
pub fn access_table(grants: &[GrantRef<'_>]) -> Vec<AccessRow> {
    resolve(grants, &people(grants))
        .into_iter()
        .map(|(person, access)| access_row(person, access))
        .collect()
}

fn access_row(person: Person, access: PersonAccess) -> AccessRow {
    let mut notes = Vec::new();
    if access.quotas.len() > 1 {
        notes.push(format!(
            "{} buckets apply ({}): a request they all cover passes only while every one has balance, and is charged to each",
            access.quotas.len(),
            access
                .quotas
                .iter()
                .map(|q| format!("`{q}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if access.role == Some(Role::Admin) && access.models.is_empty() {
        notes.push(format!(
            "`{}` is an admin but no grant gives it models: it can manage the gateway but call no model; give its rule a `models` pattern (e.g. `**`)",
            person.src
        ));
    }
    AccessRow {
        src: person.src,
        kind: person.kind,
        role: access.role,
        models: access.models,
        quotas: access.quotas,
        hooks: access.hooks,
        connectors: access.connectors,
        notes,
    }
}

/// What kind of caller a row of effective access stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PersonKind {
    /// A login named in a `src` (it also gets what `*` and its groups give).
    Login,
    /// Any member of a group named in a `src` (also gets what `*` gives).
    Group,
    /// A tagged node whose identity is this tag set.
    Tags,
    /// Anyone else: a caller no `src` names, who gets only what `*` gives.
    AnyoneElse,
}

/// One concrete identity a config mentions: a login, a group (any member of it), a tag set, or
/// "anyone else" (the `*` row). Keyed by the `src` string that names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The `src` selector naming this identity (`*` for anyone else).
    pub src: String,
    pub kind: PersonKind,
    /// The caller as the evaluator matches it (a group row has the group and no login).
    pub identity: Identity,
}

/// A login no grant can name (`.invalid` is reserved): stands in for "a member of a group" and
/// "anyone else" where a caller needs a login to be explained.
const STAND_IN: &str = "someone@example.invalid";

impl Person {
    pub fn of_selector(src: &str) -> Person {
        let kind = if src == "*" {
            PersonKind::AnyoneElse
        } else if src.starts_with("tag:") {
            PersonKind::Tags
        } else if src.starts_with("group:") || src.starts_with("autogroup:") {
            PersonKind::Group
        } else {
            PersonKind::Login
        };
        Person {
            src: src.to_owned(),
            kind,
            identity: Identity::of_selector(src),
        }
    }

    /// A caller `explain_access` can be asked about with exactly this row's access: groups and
    /// anyone else get a stand-in login that no grant names.
    pub fn example(&self) -> Identity {
        match self.kind {
            PersonKind::Group | PersonKind::AnyoneElse => Identity {
                login: Some(STAND_IN.to_owned()),
                ..self.identity.clone()
            },
            PersonKind::Login | PersonKind::Tags => self.identity.clone(),
        }
    }
}

/// Every identity the grants mention, first-seen order, then "anyone else" when a grant has `*`
/// (it is listed where it first appears, like every other `src`).
pub fn people(grants: &[GrantRef<'_>]) -> Vec<Person> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for g in grants {
        for s in &g.src {
            if seen.insert(*s) {
                out.push(Person::of_selector(s));
            }
        }
    }
    out
}

/// The people of several configs together (the union by `src`, first-seen order), so a plan
/// evaluates each identity on both sides.
pub fn union_people(sides: &[Vec<Person>]) -> Vec<Person> {
    let mut out: Vec<Person> = Vec::new();
    for person in sides.iter().flatten() {
        if !out.iter().any(|p| p.src == person.src) {
            out.push(person.clone());
        }
    }
    out
}

/// Everything one identity gets from all the grants that match it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PersonAccess {
    /// Highest role (admin outranks user); none means 403 for everything.
    pub role: Option<Role>,
    /// `models` patterns, de-duplicated, in config order.
    pub models: Vec<String>,
    /// Quota buckets referenced (as written, templates unresolved), in config order.
    pub quotas: Vec<String>,
    /// Hooks named by `send_hooks`, in config order.
    pub hooks: Vec<String>,
    /// `connectors` patterns, in config order.
    pub connectors: Vec<String>,
    /// Indices of the matching grants (as listed: current grants, then legacy ones).
    pub grants: Vec<usize>,
}

fn push_unique(into: &mut Vec<String>, item: &str) {
    if !into.iter().any(|x| x == item) {
        into.push(item.to_owned());
    }
}

impl PersonAccess {
    /// The one resolver: what `identity` gets from `index`'s grants (certain matches only).
    pub fn of(index: &GrantIndex<'_, '_>, identity: &Identity) -> PersonAccess {
        let effective = Effective::of(index, identity);
        let mut out = PersonAccess {
            role: effective.role,
            models: effective.model_patterns(),
            grants: effective.matched.iter().map(|(g, _)| g.index).collect(),
            ..PersonAccess::default()
        };
        for (_, cap) in effective.capabilities() {
            let strings = |key: &str| -> Vec<&str> {
                cap.node
                    .get(key)
                    .and_then(Node::as_array)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|v| v.as_str().or_else(|| v.get_str("bucket")))
                    .collect()
            };
            for bucket in strings("quotas") {
                push_unique(&mut out.quotas, bucket);
            }
            for hook in cap
                .node
                .get("send_hooks")
                .and_then(Node::as_array)
                .unwrap_or_default()
                .iter()
                .filter_map(|h| h.get_str("name"))
            {
                push_unique(&mut out.hooks, hook);
            }
            for pattern in strings("connectors") {
                push_unique(&mut out.connectors, pattern);
            }
        }
        out
    }
}

/// Each person with their access, evaluated against one set of grants.
pub fn resolve(grants: &[GrantRef<'_>], people: &[Person]) -> Vec<(Person, PersonAccess)> {
    let index = GrantIndex::new(grants);
    people
        .iter()
        .map(|p| (p.clone(), PersonAccess::of(&index, &p.identity)))
        .collect()
}

/// True when every `provider/model` the `narrow` pattern matches, `broad` matches too.
/// Conservative: false unless it is certain (equal, `**`, a literal name, or a literal
/// `provider/**` prefix).
pub fn pattern_covers(broad: &str, narrow: &str) -> bool {
    if broad == narrow || broad == "**" {
        return true;
    }
    if !crate::glob::is_glob(narrow) {
        return crate::glob::segments_match(broad, narrow);
    }
    match broad.strip_suffix("/**") {
        Some(prefix) if !crate::glob::is_glob(prefix) => narrow
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/')),
        _ => false,
    }
}

/// A config's grants with legacy `temp_grants` translated to the current form, so every
/// evaluation sees both (Aperture applies both).
pub struct AllGrants {
    doc: crate::config::Document,
    legacy: Option<crate::config::Document>,
}

impl AllGrants {
    pub fn new(doc: crate::config::Document) -> AllGrants {
        let translated: Vec<serde_json::Value> = doc
            .root
            .get("temp_grants")
            .and_then(Node::as_array)
            .unwrap_or_default()
            .iter()
            .filter_map(|entry| translate_entry(entry).ok())
            .collect();
        let legacy = (!translated.is_empty())
            .then(|| {
                crate::config::Document::parse(
                    &serde_json::json!({ "grants": translated }).to_string(),
                )
                .ok()
            })
            .flatten();
        AllGrants { doc, legacy }
    }

    pub fn root(&self) -> &Node {
        &self.doc.root
    }

    pub fn has_legacy(&self) -> bool {
        self.legacy.is_some()
    }

    /// Current grants, then legacy ones (with paths pointing into `temp_grants`).
    pub fn refs(&self) -> Vec<GrantRef<'_>> {
        let mut refs = grants(&self.doc.root);
        if let Some(legacy) = &self.legacy {
            for mut g in grants(&legacy.root) {
                g.path = format!("/temp_grants/{}", g.index);
                let list: std::rc::Rc<str> = format!("{}/grants", g.path).into();
                for c in &mut g.capabilities {
                    c.list = list.clone();
                }
                refs.push(g);
            }
        }
        refs
    }
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

// Legacy `temp_grants` entries, as the evaluator sees them (Aperture applies both forms).

/// Translate one legacy entry `{src, grants: [...]}` to a current grant.
pub fn translate_entry(entry: &Node) -> Result<Json, String> {
    let src = entry
        .get("src")
        .map(Node::to_json)
        .unwrap_or_else(|| json!([]));
    let Some(caps) = entry.get("grants").and_then(Node::as_array) else {
        return Err("it has no `grants` list".into());
    };
    if let Some(extra) = entry
        .unique_members()
        .iter()
        .find(|m| m.key != "src" && m.key != "grants")
    {
        return Err(format!("it has an unexpected key `{}`", extra.key));
    }
    let mut out = Vec::new();
    for cap in caps {
        let Some(members) = cap.members() else {
            return Err("a capability is not an object".into());
        };
        for m in members {
            match m.key.as_str() {
                "role" => out.push(json!({ "role": m.value.to_json() })),
                "providers" => {
                    for pair in m.value.as_array().ok_or("`providers` is not a list")? {
                        let (Some(p), Some(model)) =
                            (pair.get_str("provider"), pair.get_str("model"))
                        else {
                            return Err("a `providers` pair lacks `provider` or `model`".into());
                        };
                        out.push(json!({ "models": legacy_pair_pattern(p, model) }));
                    }
                }
                "hook" => out.push(translate_hook(&m.value)?),
                other => {
                    return Err(format!(
                        "the capability key `{other}` has no known current equivalent"
                    ));
                }
            }
        }
    }
    Ok(json!({ "src": src, "app": { APERTURE_CAP: out } }))
}

fn translate_hook(hook: &Node) -> Result<Json, String> {
    let name = hook
        .get_str("hook")
        .ok_or("a legacy hook has no `hook` name")?;
    let matcher = hook.get("match");
    let everything = |key: &str| {
        matcher
            .and_then(|m| m.get(key))
            .and_then(Node::as_array)
            .is_none_or(|v| v.iter().all(|x| x.as_str() == Some("*")))
    };
    if !everything("providers") || !everything("models") {
        return Err(format!(
            "hook `{name}` is scoped to specific providers/models; scope it with a `models` pattern by hand"
        ));
    }
    let events = matcher
        .and_then(|m| m.get("events"))
        .map(Node::to_json)
        .unwrap_or_else(|| json!(["entire_request"]));
    let send = hook
        .get("fields")
        .map(Node::to_json)
        .unwrap_or_else(|| json!([]));
    Ok(json!({ "send_hooks": [{ "name": name, "events": events, "send": send }] }))
}

/// The current `models` glob for a legacy `{provider, model}` pair (`*` wildcards allowed).
pub fn legacy_pair_pattern(provider: &str, model: &str) -> String {
    match (provider, model) {
        ("*", "*") => "**".to_owned(),
        (p, "*") => format!("{p}/**"),
        (p, m) => format!("{p}/{m}"),
    }
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
        assert_eq!(table[0].src, "ops@example.com");
        assert_eq!(table[0].kind, PersonKind::Login);
        assert_eq!(table[0].role, Some(Role::Admin));
        assert_eq!(table[0].models, vec!["**".to_owned()]);
        assert_eq!(table[1].kind, PersonKind::AnyoneElse);
        assert_eq!(
            table[2].models,
            vec!["**".to_owned(), "openai/*".to_owned()]
        );
        assert_eq!(table[2].role, Some(Role::User));
    }

    #[test]
    fn pattern_cover_is_certain_or_false() {
        assert!(pattern_covers("**", "anthropic/claude-haiku-*"));
        assert!(pattern_covers("anthropic/**", "anthropic/claude-haiku-*"));
        assert!(pattern_covers(
            "anthropic/claude-*",
            "anthropic/claude-haiku-4-5"
        ));
        assert!(pattern_covers("openai/gpt-5", "openai/gpt-5"));
        assert!(!pattern_covers("anthropic/claude-haiku-*", "**"));
        assert!(!pattern_covers("anthropic/**", "anthropic2/x"));
        assert!(
            !pattern_covers("*/claude-*", "anthropic/claude-haiku-*"),
            "unsure: false"
        );
        assert!(!pattern_covers("openai/gpt-5", "openai/gpt-5-mini"));
    }

    #[test]
    fn people_and_their_stand_ins() {
        let group = Person::of_selector("group:eng");
        assert_eq!(group.kind, PersonKind::Group);
        assert_eq!(group.example().groups, vec!["group:eng".to_owned()]);
        assert!(
            group
                .example()
                .login
                .is_some_and(|l| l.ends_with(".invalid"))
        );
        assert_eq!(Person::of_selector("*").kind, PersonKind::AnyoneElse);
        assert_eq!(Person::of_selector("tag:a,tag:b").kind, PersonKind::Tags);
        assert_eq!(
            Person::of_selector("a@example.com")
                .example()
                .login
                .as_deref(),
            Some("a@example.com")
        );
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
