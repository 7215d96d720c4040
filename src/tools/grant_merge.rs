//! How `generate_grants` edits a config's `grants`: `add` (idempotent: what is already there is
//! not added twice), `replace` (the access keys of the Aperture capability become exactly the
//! rules) or `remove` (the given sources lose their access). Every change is one RFC 6902 patch
//! applied through `config::edit`, so the text it does not touch stays byte-identical.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::input::ToolError;
use crate::access::{self, APERTURE_CAP, GrantRef};
use crate::config::edit::Editor;
use crate::config::{Document, Node, pointer};
use crate::diagnostic::PatchOp;

// What `generate_grants` does with the config's existing grants (a plain comment: the MCP
// schema stays small).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum EditMode {
    /// Add what is missing; a rule already present changes nothing.
    #[default]
    Add,
    /// The grants' access keys become exactly the rules (hooks, headers and other `app`
    /// capabilities are kept).
    Replace,
    /// The rules' sources lose every access key they have.
    Remove,
}

/// Keys of an Aperture capability object that say who may do what. The rules manage these;
/// any other key (`send_hooks`, `add_headers`, CORS, unknown keys) is never dropped by an edit.
pub const ACCESS_KEYS: &[&str] = &[
    "role",
    "models",
    "quotas",
    "connectors",
    "enable_chat_ui",
    "read_metrics",
    "mcp_tools",
    "mcp_resources",
    "mcp_templates",
];

/// One grant the rules call for: its sources and its Aperture capability objects.
#[derive(Debug, Clone, PartialEq)]
pub struct Desired {
    pub src: Vec<String>,
    pub caps: Vec<Value>,
}

impl Desired {
    pub fn to_grant(&self) -> Value {
        json!({ "src": self.src, "app": { APERTURE_CAP: self.caps } })
    }
}

/// The edited config and what the edit did.
pub struct Merged {
    pub text: String,
    pub notes: Vec<String>,
}

/// The edits of one existing grant, turned into patch operations in an order that keeps the
/// pointers valid (key removals, then capability removals from the back, then appends).
#[derive(Default)]
struct GrantEdit {
    remove_grant: bool,
    strip: Vec<(usize, String)>,
    remove_caps: Vec<usize>,
    append_caps: Vec<Value>,
    remove_src: Vec<usize>,
    remove_cap_list: bool,
}

impl GrantEdit {
    fn is_empty(&self) -> bool {
        !self.remove_grant
            && self.strip.is_empty()
            && self.remove_caps.is_empty()
            && self.append_caps.is_empty()
            && self.remove_src.is_empty()
            && !self.remove_cap_list
    }

    fn ops(&self, grant: &GrantRef) -> Vec<PatchOp> {
        if self.remove_grant {
            return vec![PatchOp::remove(&grant.path)];
        }
        let app = pointer::join(&grant.path, "app");
        let list = pointer::join(&app, APERTURE_CAP);
        let mut ops = Vec::new();
        for (j, key) in &self.strip {
            ops.push(PatchOp::remove(pointer::join(
                &pointer::index(&list, *j),
                key,
            )));
        }
        let mut removals = self.remove_caps.clone();
        removals.sort_unstable_by(|a, b| b.cmp(a));
        for j in removals {
            ops.push(PatchOp::remove(pointer::index(&list, j)));
        }
        if !self.append_caps.is_empty() {
            match grant.node.get("app") {
                None => ops.push(PatchOp::add(
                    &app,
                    json!({ APERTURE_CAP: self.append_caps }),
                )),
                Some(a) if a.get(APERTURE_CAP).is_none() => {
                    ops.push(PatchOp::add(&list, json!(self.append_caps)));
                }
                Some(_) => {
                    for cap in &self.append_caps {
                        ops.push(PatchOp::add(pointer::join(&list, "-"), cap.clone()));
                    }
                }
            }
        }
        if self.remove_cap_list {
            ops.push(PatchOp::remove(&list));
        }
        let mut src = self.remove_src.clone();
        src.sort_unstable_by(|a, b| b.cmp(a));
        for k in src {
            ops.push(PatchOp::remove(pointer::index(
                &pointer::join(&grant.path, "src"),
                k,
            )));
        }
        ops
    }
}

/// Apply `desired` to the config `text` in `mode`, then define `buckets` in `quotas`.
pub fn merge(
    text: &str,
    desired: &[Desired],
    buckets: &[(String, Value)],
    mode: EditMode,
) -> Result<Merged, ToolError> {
    let doc = Document::parse(text)?;
    let existing = access::grants(&doc.root);
    let mut notes = Vec::new();
    let mut edits: Vec<GrantEdit> = existing.iter().map(|_| GrantEdit::default()).collect();
    let appended = match mode {
        EditMode::Add => plan_add(&existing, desired, &mut edits),
        EditMode::Replace => plan_replace(&existing, desired, &mut edits, &mut notes),
        EditMode::Remove => {
            plan_remove(&existing, desired, &mut edits, &mut notes);
            Vec::new()
        }
    };
    let mut ops = Vec::new();
    for (grant, edit) in existing.iter().zip(&edits).rev() {
        ops.extend(edit.ops(grant));
    }
    let mut editor = Editor::parse(text)?;
    if !ops.is_empty() {
        editor.apply(&ops)?;
    }
    if !appended.is_empty() {
        editor.append_to("grants", &appended)?;
    }
    define_buckets(&editor, doc.root.get("quotas"), buckets, mode, &mut notes)?;
    if mode != EditMode::Add
        && doc
            .root
            .get("temp_grants")
            .and_then(Node::as_array)
            .is_some_and(|a| !a.is_empty())
    {
        notes.push("the config also has legacy `temp_grants`, which Aperture still applies and this edit does not touch: migrate them (migrate_config) to edit one set of grants".into());
    }
    let summary = |n: usize, what: &str| (n > 0).then(|| format!("{n} {what}"));
    let parts: Vec<String> = [
        summary(edits.iter().filter(|e| e.remove_grant).count(), "removed"),
        summary(
            edits
                .iter()
                .filter(|e| !e.remove_grant && !e.is_empty())
                .count(),
            "edited",
        ),
        summary(appended.len(), "added"),
    ]
    .into_iter()
    .flatten()
    .collect();
    notes.push(if parts.is_empty() {
        format!(
            "mode {}: the grants already say this; nothing changed",
            mode.as_str()
        )
    } else {
        format!("mode {}: grants {}", mode.as_str(), parts.join(", "))
    });
    Ok(Merged {
        text: editor.text(),
        notes,
    })
}

impl EditMode {
    pub fn as_str(self) -> &'static str {
        match self {
            EditMode::Add => "add",
            EditMode::Replace => "replace",
            EditMode::Remove => "remove",
        }
    }
}

fn same_src(grant: &GrantRef, src: &[String]) -> bool {
    let mut a: Vec<&str> = grant.src.clone();
    let mut b: Vec<&str> = src.iter().map(String::as_str).collect();
    a.sort_unstable();
    a.dedup();
    b.sort_unstable();
    b.dedup();
    a == b
}

/// Whether a capability object holds access keys only (the rules' kind of object).
fn access_only(cap: &Node) -> bool {
    cap.unique_members()
        .iter()
        .all(|m| ACCESS_KEYS.contains(&m.key.as_str()))
}

/// Whether an existing capability object gives what a wanted one does: it has each of its
/// keys with the same value (extra keys, such as a hook or a bucket, take nothing away).
fn gives(existing: &Value, wanted: &Value) -> bool {
    match (existing.as_object(), wanted.as_object()) {
        (Some(e), Some(w)) => w.iter().all(|(k, v)| e.get(k) == Some(v)),
        _ => existing == wanted,
    }
}

/// `add`: each missing capability goes to the first grant with the same sources (or a new
/// grant); one already there anywhere among those grants is not added again.
fn plan_add(existing: &[GrantRef], desired: &[Desired], edits: &mut [GrantEdit]) -> Vec<Value> {
    let mut appended = Vec::new();
    for d in desired {
        let same: Vec<usize> = (0..existing.len())
            .filter(|&i| same_src(&existing[i], &d.src))
            .collect();
        let present: Vec<Value> = same
            .iter()
            .flat_map(|&i| existing[i].capabilities.iter().map(|c| c.node.to_json()))
            .collect();
        let mut missing: Vec<Value> = Vec::new();
        for cap in &d.caps {
            if !present.iter().any(|p| gives(p, cap)) && !missing.contains(cap) {
                missing.push(cap.clone());
            }
        }
        match same.first() {
            _ if missing.is_empty() => {}
            Some(&home) => edits[home].append_caps.extend(missing),
            None => appended.push(
                Desired {
                    src: d.src.clone(),
                    caps: missing,
                }
                .to_grant(),
            ),
        }
    }
    appended
}

/// Take a grant's access away: access-only capability objects go, other objects lose their
/// access keys; a grant left with nothing is removed.
fn strip_access(grant: &GrantRef, edit: &mut GrantEdit, notes: &mut Vec<String>) {
    if grant.capabilities.is_empty() {
        return;
    }
    let mut left = 0;
    for cap in &grant.capabilities {
        if access_only(cap.node) {
            edit.remove_caps.push(cap.index);
            continue;
        }
        left += 1;
        let keys: Vec<String> = cap
            .node
            .unique_members()
            .iter()
            .filter(|m| ACCESS_KEYS.contains(&m.key.as_str()))
            .map(|m| m.key.as_str().to_owned())
            .collect();
        if keys.is_empty() {
            continue;
        }
        let scope = if keys.iter().any(|k| k == "models") {
            "; what it keeps is no longer scoped to a `models` pattern, so it applies to every model these sources call"
        } else {
            ""
        };
        notes.push(format!(
            "{}: kept its other keys, removed {}{scope}",
            cap.path(),
            keys.iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        edit.strip.extend(keys.into_iter().map(|k| (cap.index, k)));
    }
    let listed = grant
        .node
        .get("app")
        .and_then(|a| a.get(APERTURE_CAP))
        .and_then(Node::as_array)
        .map_or(0, |l| l.len());
    let non_objects = listed - grant.capabilities.len();
    if left == 0 && non_objects == 0 && (edit.remove_caps.len() == grant.capabilities.len()) {
        let other_app = grant
            .node
            .get("app")
            .is_some_and(|a| a.unique_members().iter().any(|m| m.key != APERTURE_CAP));
        if other_app {
            edit.remove_caps.clear();
            edit.remove_cap_list = true;
        } else {
            *edit = GrantEdit {
                remove_grant: true,
                ..GrantEdit::default()
            };
        }
    }
}

/// `replace`: the first grant with a rule's exact sources keeps the capabilities the rule
/// still wants (untouched) and gets the missing ones; every other grant loses its access.
fn plan_replace(
    existing: &[GrantRef],
    desired: &[Desired],
    edits: &mut [GrantEdit],
    notes: &mut Vec<String>,
) -> Vec<Value> {
    let mut home: Vec<Option<usize>> = vec![None; existing.len()];
    let mut appended = Vec::new();
    for (k, d) in desired.iter().enumerate() {
        match (0..existing.len()).find(|&i| home[i].is_none() && same_src(&existing[i], &d.src)) {
            Some(i) => home[i] = Some(k),
            None => appended.push(d.to_grant()),
        }
    }
    for (i, grant) in existing.iter().enumerate() {
        let Some(k) = home[i] else {
            strip_access(grant, &mut edits[i], notes);
            continue;
        };
        let mut wanted: Vec<Option<&Value>> = desired[k].caps.iter().map(Some).collect();
        let mut home_edit = GrantEdit::default();
        let mut kept = Vec::new();
        for cap in &grant.capabilities {
            let value = cap.node.to_json();
            if access_only(cap.node) {
                if let Some(slot) = wanted.iter_mut().find(|w| **w == Some(&value)) {
                    *slot = None;
                    kept.push(cap.index);
                } else {
                    home_edit.remove_caps.push(cap.index);
                }
            }
        }
        // Mixed objects lose their access keys exactly as in a non-home grant.
        let mut mixed = GrantEdit::default();
        strip_access(grant, &mut mixed, notes);
        home_edit.strip = mixed.strip;
        home_edit.append_caps = wanted.into_iter().flatten().cloned().collect();
        edits[i] = home_edit;
    }
    appended
}

/// `remove`: a grant naming only given sources loses its access; one that also names others
/// loses those sources from its `src`.
fn plan_remove(
    existing: &[GrantRef],
    desired: &[Desired],
    edits: &mut [GrantEdit],
    notes: &mut Vec<String>,
) {
    let given: Vec<&str> = desired
        .iter()
        .flat_map(|d| d.src.iter().map(String::as_str))
        .collect();
    for (i, grant) in existing.iter().enumerate() {
        if !grant.src.iter().any(|s| given.contains(s)) {
            continue;
        }
        if grant.src.iter().all(|s| given.contains(s)) {
            strip_access(grant, &mut edits[i], notes);
            continue;
        }
        let src = grant
            .node
            .get("src")
            .and_then(Node::as_array)
            .unwrap_or_default();
        for (k, entry) in src.iter().enumerate() {
            if entry.as_str().is_some_and(|s| given.contains(&s)) {
                edits[i].remove_src.push(k);
            }
        }
        notes.push(format!(
            "{}: the given sources were taken out of its `src`; it still applies to the others it names",
            grant.path
        ));
    }
    for s in given {
        if !existing.iter().any(|g| g.src.contains(&s)) {
            notes.push(format!("no grant names `{s}`: nothing to remove for it"));
        } else if s != "*" && existing.iter().any(|g| g.src.contains(&"*")) {
            notes.push(format!(
                "`{s}` may still get access through the grants for `*` (and through its groups)"
            ));
        }
    }
}

/// Define the budgets' buckets in `quotas`. An identical definition stays as it is; a
/// different one is overwritten only in `replace` mode (it rescales the live balances).
fn define_buckets(
    editor: &Editor,
    defined: Option<&Node>,
    buckets: &[(String, Value)],
    mode: EditMode,
    notes: &mut Vec<String>,
) -> Result<(), ToolError> {
    if mode == EditMode::Remove {
        return Ok(());
    }
    for (name, definition) in buckets {
        let current = defined.and_then(|q| q.get(name)).map(Node::to_json);
        match current {
            Some(c) if &c == definition => continue,
            Some(c) if mode == EditMode::Add => {
                return Err(ToolError::BadArguments(format!(
                    "bucket `{name}` is already defined as {c}; give the budget another `name`, or use mode `replace` to redefine it"
                )));
            }
            Some(_) => notes.push(format!(
                "bucket `{name}` redefined: Aperture rescales its current balances to the new capacity"
            )),
            None => {}
        }
        editor.set_member("quotas", name, definition)?;
    }
    Ok(())
}

/// A bucket definition as the docs write it.
pub fn bucket_definition(capacity: &str, rate: &str) -> Value {
    let mut def = Map::new();
    def.insert("capacity".into(), capacity.into());
    def.insert("rate".into(), rate.into());
    def.insert("on_exceed".into(), "reject".into());
    Value::Object(def)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desired(src: &str, caps: Value) -> Desired {
        Desired {
            src: vec![src.into()],
            caps: caps.as_array().unwrap().clone(),
        }
    }

    const HOOKED: &str = r#"{"grants": [
  // inert hook wiring, as in a new gateway
  {"src": [], "app": {"tailscale.com/cap/aperture": [{"send_hooks": [{"name": "oso", "events": ["tool_call_entire_request"], "send": ["tools"]}]}]}},
  {"src": ["ops@example.com"], "app": {"tailscale.com/cap/aperture": [{"role": "admin", "models": "**"}]}},
  {"src": ["*"]},
  {"src": ["*"], "app": {"tailscale.com/cap/aperture": ["not an object", {"role": "user"}]}},
]}"#;

    #[test]
    fn add_counts_a_combined_object_as_present() {
        let merged = merge(
            HOOKED,
            &[desired(
                "ops@example.com",
                json!([{"role": "admin"}, {"models": "**"}]),
            )],
            &[],
            EditMode::Add,
        )
        .unwrap();
        assert_eq!(merged.text, HOOKED);
    }

    #[test]
    fn replace_leaves_hook_only_and_capability_less_grants_alone() {
        let merged = merge(
            HOOKED,
            &[desired("ops@example.com", json!([{"role": "admin"}]))],
            &[],
            EditMode::Replace,
        )
        .unwrap();
        let doc = Document::parse(&merged.text).unwrap();
        let grants = doc.root.get("grants").unwrap().to_json();
        assert_eq!(
            grants[0]["app"][APERTURE_CAP][0]["send_hooks"][0]["name"],
            "oso"
        );
        assert_eq!(grants[2], json!({"src": ["*"]}));
        // A list with something that is not an object keeps it (only objects are access).
        assert_eq!(grants[3]["app"][APERTURE_CAP], json!(["not an object"]));
        assert_eq!(grants[1]["app"][APERTURE_CAP], json!([{"role": "admin"}]));
        assert!(merged.text.contains("// inert hook wiring"));
    }
}
