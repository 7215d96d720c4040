//! The generic structure check: walks the document against the typed model's JSON Schema
//! and reports unknown keys (with a did-you-mean), wrong JSON types and duplicate keys.

use serde_json::Value as Json;

use super::catalog;
use super::context::{Context, Finding, did_you_mean};
use crate::config::model::config_schema;
use crate::config::pointer;
use crate::config::{Node, Value};
use crate::diagnostic::PatchOp;

pub fn check(ctx: &mut Context) {
    let schema = compiled();
    let root = ctx.root();
    let mut path = String::new();
    walk(ctx, root, schema, schema.root, &mut path);
}

const TYPE_NAMES: [&str; 7] = [
    "null", "boolean", "integer", "number", "string", "array", "object",
];

fn type_bit(kind: &str) -> u8 {
    TYPE_NAMES
        .iter()
        .position(|t| *t == kind)
        .map_or(0, |i| 1 << i)
}

/// One schema node with `$ref`s resolved to indices: the walk does no map lookups.
#[derive(Debug, Default)]
struct SchemaNode {
    /// Bitmask over `TYPE_NAMES`; 0 admits every type.
    types: u8,
    any_of: Vec<usize>,
    /// Known properties (small lists: a linear scan beats hashing here).
    properties: Vec<(String, usize)>,
    /// Schema of every member of a map (`additionalProperties: {...}`).
    additional: Option<usize>,
    /// Unknown keys are reported (documented object, not marked open).
    closed: bool,
    items: Option<usize>,
}

impl SchemaNode {
    fn admits(&self, kind: &str) -> bool {
        let bit = type_bit(kind);
        self.types == 0
            || self.types & bit != 0
            || (kind == "integer" && self.types & type_bit("number") != 0)
    }

    fn type_names(&self) -> Vec<&'static str> {
        TYPE_NAMES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.types & (1 << i) != 0)
            .map(|(_, t)| *t)
            .collect()
    }
}

struct Compiled {
    nodes: Vec<SchemaNode>,
    root: usize,
}

/// The config schema compiled once for the walk.
fn compiled() -> &'static Compiled {
    static COMPILED: std::sync::OnceLock<Compiled> = std::sync::OnceLock::new();
    COMPILED.get_or_init(|| {
        let schema = config_schema();
        let mut compiled = Compiled {
            nodes: Vec::new(),
            root: 0,
        };
        let mut refs = std::collections::HashMap::new();
        compiled.root = compile(schema, schema, &mut compiled.nodes, &mut refs);
        compiled
    })
}

fn compile(
    root: &Json,
    schema: &Json,
    nodes: &mut Vec<SchemaNode>,
    refs: &mut std::collections::HashMap<String, usize>,
) -> usize {
    if let Some(name) = schema
        .get("$ref")
        .and_then(Json::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
    {
        if let Some(&index) = refs.get(name) {
            return index;
        }
        let index = nodes.len();
        nodes.push(SchemaNode::default());
        refs.insert(name.to_owned(), index);
        let target = root
            .get("$defs")
            .and_then(|d| d.get(name))
            .unwrap_or(&Json::Bool(true));
        let node = build(root, target, nodes, refs);
        nodes[index] = node;
        return index;
    }
    let node = build(root, schema, nodes, refs);
    nodes.push(node);
    nodes.len() - 1
}

fn build(
    root: &Json,
    schema: &Json,
    nodes: &mut Vec<SchemaNode>,
    refs: &mut std::collections::HashMap<String, usize>,
) -> SchemaNode {
    let mut node = SchemaNode::default();
    let Some(map) = schema.as_object() else {
        return node;
    };
    node.types = match map.get("type") {
        Some(Json::String(t)) => type_bit(t),
        Some(Json::Array(ts)) => ts
            .iter()
            .filter_map(Json::as_str)
            .map(type_bit)
            .fold(0, |a, b| a | b),
        _ => 0,
    };
    if let Some(alternatives) = map
        .get("anyOf")
        .or_else(|| map.get("oneOf"))
        .and_then(Json::as_array)
    {
        node.any_of = alternatives
            .iter()
            .map(|alt| compile(root, alt, nodes, refs))
            .collect();
    }
    let properties = map.get("properties").and_then(Json::as_object);
    if let Some(properties) = properties {
        node.properties = properties
            .iter()
            .map(|(k, v)| (k.clone(), compile(root, v, nodes, refs)))
            .collect();
    }
    let additional = map.get("additionalProperties");
    if let Some(extra) = additional.filter(|a| a.is_object()) {
        node.additional = Some(compile(root, extra, nodes, refs));
    }
    // A schema without `properties` or `additionalProperties` (e.g. `true` for free-form JSON) accepts any keys.
    let open = map.get("x-aperture-open") == Some(&Json::Bool(true));
    node.closed = !open && (properties.is_some() || additional == Some(&Json::Bool(false)));
    if let Some(items) = map.get("items") {
        node.items = Some(compile(root, items, nodes, refs));
    }
    node
}

/// Walk one node. `path` is a reused buffer holding this node's pointer: children push
/// their token and truncate it back, so the walk allocates no string per node.
fn walk(ctx: &mut Context, node: &Node, schema: &Compiled, at: usize, path: &mut String) {
    if ctx.is_claimed(path) {
        return;
    }
    let mut current = &schema.nodes[at];
    let kind = node.kind();
    if !current.any_of.is_empty() {
        match current
            .any_of
            .iter()
            .map(|&i| &schema.nodes[i])
            .find(|alt| alt.admits(kind))
        {
            Some(alt) => current = alt,
            None => {
                let expected: Vec<&str> = current
                    .any_of
                    .iter()
                    .flat_map(|&i| schema.nodes[i].type_names())
                    .filter(|t| *t != "null")
                    .collect();
                wrong_type(ctx, node, path, &expected, false);
                return;
            }
        }
    }
    if !current.admits(kind) {
        let expected: Vec<&str> = current
            .type_names()
            .into_iter()
            .filter(|t| *t != "null")
            .collect();
        // One item where a list is expected (`"src": "*"`): wrapping it is the fix.
        let wrap =
            expected == ["array"] && current.items.is_some_and(|i| schema.nodes[i].admits(kind));
        wrong_type(ctx, node, path, &expected, wrap);
        return;
    }
    let len = path.len();
    match &node.value {
        Value::Object(members) => {
            let duplicates = report_duplicates(ctx, members, path);
            let unique;
            let members: &[crate::config::Member] = if duplicates {
                unique = node
                    .unique_members()
                    .into_iter()
                    .cloned()
                    .collect::<Vec<_>>();
                &unique
            } else {
                members
            };
            for member in members {
                push_token(path, &member.key);
                let property = current
                    .properties
                    .iter()
                    .find(|(name, _)| name.as_str() == member.key.as_str())
                    .map(|(_, i)| *i);
                if let Some(child) = property.or(current.additional) {
                    walk(ctx, &member.value, schema, child, path);
                } else if current.closed && !ctx.is_claimed(path) {
                    let known: Vec<&str> = current
                        .properties
                        .iter()
                        .map(|(name, _)| name.as_str())
                        .collect();
                    let child = path.clone();
                    unknown_key(ctx, node, member, &path[..len], &child, &known);
                }
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = current.items {
                for (i, item) in items.iter().enumerate() {
                    use std::fmt::Write;
                    let _ = write!(path, "/{i}");
                    walk(ctx, item, schema, item_schema, path);
                    path.truncate(len);
                }
            }
        }
        // Integer keys are Go `int`s (64-bit): a longer literal fails the decode as a type error.
        Value::Number(literal)
            if kind == "integer"
                && !current.admits("number")
                && current.types != 0
                && node.as_i64().is_none() =>
        {
            let finding = Finding::new(
                &catalog::WRONG_TYPE,
                path.as_str(),
                node.span,
                format!(
                    "`{path}` is {}, outside the 64-bit integer range Aperture reads",
                    crate::redact::excerpt(literal, 40)
                ),
            );
            ctx.push(finding.fix(format!("use an integer from {} to {}", i64::MIN, i64::MAX)));
        }
        _ => {}
    }
}

/// Append one escaped reference token to a pointer buffer.
fn push_token(path: &mut String, token: &str) {
    path.push('/');
    if token.contains(['~', '/']) {
        path.push_str(&pointer::escape(token));
    } else {
        path.push_str(token);
    }
}

/// Report repeated keys; true when the object has any. Small objects are checked without allocating.
fn report_duplicates(ctx: &mut Context, members: &[crate::config::Member], path: &str) -> bool {
    let any = if members.len() <= 16 {
        members
            .iter()
            .enumerate()
            .any(|(i, m)| members[..i].iter().any(|earlier| earlier.key == m.key))
    } else {
        let mut seen = std::collections::HashSet::with_capacity(members.len());
        !members.iter().all(|m| seen.insert(m.key.as_str()))
    };
    if !any {
        return false;
    }
    let mut seen = std::collections::HashSet::with_capacity(members.len());
    for member in members {
        if !seen.insert(member.key.as_str()) {
            ctx.push(
                Finding::new(
                    &catalog::DUPLICATE_KEY,
                    pointer::join(path, &member.key),
                    member.key_span,
                    format!("`{}` appears more than once in this object; the last value wins", member.key),
                )
                .aperture(&[&member.key])
                .fix("keep one of the entries and delete the others (merge their contents first if both matter)"),
            );
        }
    }
    true
}

/// Keys documented without their place (Nov 2026: privacy and log-filtering pages); the model
/// puts them under `database`, the most likely place. Elsewhere at the top level they are an
/// info, never an unknown key: the docs cannot tell the user is wrong.
const UNPLACED_KEYS: &[&str] = &["save_raws", "keep_encrypted_blobs", "filterable"];

fn unknown_key(
    ctx: &mut Context,
    parent: &Node,
    member: &crate::config::Member,
    parent_path: &str,
    path: &str,
    known: &[&str],
) {
    if parent_path.is_empty() && UNPLACED_KEYS.contains(&member.key.as_str()) {
        ctx.push(
            Finding::new(
                &catalog::UNCERTAIN_KEY_PLACE,
                path,
                member.key_span,
                format!(
                    "`{}` at the top level: the docs name the key but not where it lives (most likely `database`; UNCERTAIN: the dashboard's Database settings page, or GET http://<host>/aperture/config after setting it there, shows where your build keeps it)",
                    member.key
                ),
            )
            .fix(format!(
                "if the Database settings page does not reflect it, move it to `database.{}`",
                member.key
            )),
        );
        return;
    }
    let suggestion = did_you_mean(&member.key, known.iter().copied());
    let place = if parent_path.is_empty() {
        "at the top level".to_owned()
    } else {
        format!("in `{parent_path}`")
    };
    let mut message = format!("unknown key `{}` {place}", member.key);
    let finding = match suggestion {
        Some(right) if parent.get(right).is_none() => {
            message.push_str(&format!("; did you mean `{right}`?"));
            Finding::new(&catalog::UNKNOWN_KEY, path, member.key_span, message)
                .fix(format!("rename `{}` to `{right}`", member.key))
                .patch(vec![PatchOp::move_to(
                    path,
                    pointer::join(parent_path, right),
                )])
        }
        _ => {
            let listed = if known.is_empty() {
                String::new()
            } else {
                format!(" (known keys: {})", known.join(", "))
            };
            Finding::new(&catalog::UNKNOWN_KEY, path, member.key_span, message)
                .fix(format!(
                    "remove `{}` or rename it to a documented key{listed}",
                    member.key
                ))
                .patch(vec![PatchOp::remove(path)])
        }
    };
    // Aperture's documented text covers config keys; grants report a strict-parse error instead.
    let finding = if parent_path.starts_with("/grants") {
        finding
    } else {
        finding.aperture(&[&member.key])
    };
    ctx.push(finding);
}

fn wrong_type(ctx: &mut Context, node: &Node, path: &str, expected: &[&str], wrap: bool) {
    // A value that only needs its JSON type changed: one item where a list is expected, or a
    // quoted number or boolean (`"10"`, `"false"`).
    let text = node.as_str().map(str::trim);
    let converted: Option<(Json, String)> = match expected {
        // The value itself is not repeated: it may be long, or hold a secret.
        _ if wrap => Some((
            Json::Array(vec![node.to_json()]),
            "this key holds a list: wrap the value in `[ ]`".to_owned(),
        )),
        ["integer"] => text
            .and_then(|t| t.parse::<i64>().ok())
            .map(|n| (Json::from(n), format!("remove the quotes: `{n}`"))),
        ["number"] => text
            .and_then(|t| t.parse::<f64>().ok())
            .and_then(serde_json::Number::from_f64)
            .map(|n| (format!("remove the quotes: `{n}`"), Json::Number(n)))
            .map(|(how, n)| (n, how)),
        ["boolean"] => match text {
            Some("true") => Some((Json::Bool(true), "remove the quotes: `true`".to_owned())),
            Some("false") => Some((Json::Bool(false), "remove the quotes: `false`".to_owned())),
            _ => None,
        },
        _ => None,
    };
    let expected = if expected.is_empty() {
        "another type".to_owned()
    } else {
        expected.join(" or ")
    };
    let finding = Finding::new(
        &catalog::WRONG_TYPE,
        path,
        node.span,
        format!(
            "`{path}` is {}, but Aperture expects {expected}",
            describe(node)
        ),
    );
    ctx.push(match converted {
        Some((value, how)) => finding.fix(how).patch(vec![PatchOp::replace(path, value)]),
        None => finding.fix(format!("change the value to {expected}")),
    });
}

fn describe(node: &Node) -> String {
    match &node.value {
        Value::String(s) => format!("the string \"{}\"", crate::redact::excerpt(s, 40)),
        _ => format!(
            "a{} {}",
            if node.kind() == "array" || node.kind() == "object" || node.kind() == "integer" {
                "n"
            } else {
                ""
            },
            node.kind()
        ),
    }
}
