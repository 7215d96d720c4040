//! The generic structure check: walks the document against the typed model's JSON Schema
//! and reports unknown keys (with a did-you-mean), wrong JSON types and duplicate keys.

use serde_json::Value as Json;

use super::{Context, Finding, catalog, did_you_mean};
use crate::config::model::config_schema;
use crate::config::pointer;
use crate::config::{Node, Value};
use crate::diagnostic::PatchOp;

pub fn check(ctx: &mut Context) {
    let schema = config_schema();
    let root = ctx.root();
    walk(ctx, root, schema, schema, "");
}

fn resolve<'s>(root: &'s Json, schema: &'s Json) -> &'s Json {
    let mut current = schema;
    // A bounded loop: schemars never chains more than a couple of refs.
    for _ in 0..8 {
        match current
            .get("$ref")
            .and_then(Json::as_str)
            .and_then(|r| r.strip_prefix("#/"))
        {
            Some(path) => match root.pointer(&format!("/{path}")) {
                Some(target) => current = target,
                None => return current,
            },
            None => return current,
        }
    }
    current
}

fn types_of(schema: &Json) -> Vec<&str> {
    match schema.get("type") {
        Some(Json::String(t)) => vec![t.as_str()],
        Some(Json::Array(ts)) => ts.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    }
}

fn accepts(types: &[&str], kind: &str) -> bool {
    types.is_empty() || types.contains(&kind) || (kind == "integer" && types.contains(&"number"))
}

fn walk(ctx: &mut Context, node: &Node, root: &Json, schema: &Json, path: &str) {
    if ctx.is_claimed(path) {
        return;
    }
    let mut schema = resolve(root, schema);
    if let Some(alternatives) = schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Json::as_array)
    {
        let matching = alternatives
            .iter()
            .map(|alt| resolve(root, alt))
            .find(|alt| {
                accepts(&types_of(alt), node.kind())
                    && !(types_of(alt) == ["null"] && node.kind() != "null")
            });
        match matching {
            Some(alt) => schema = alt,
            None => {
                let expected: Vec<&str> = alternatives
                    .iter()
                    .flat_map(|alt| types_of(resolve(root, alt)))
                    .filter(|t| *t != "null")
                    .collect();
                wrong_type(ctx, node, path, &expected, false);
                return;
            }
        }
    }
    let types = types_of(schema);
    if !accepts(&types, node.kind()) {
        let expected: Vec<&str> = types.into_iter().filter(|t| *t != "null").collect();
        // One item where a list is expected (`"src": "*"`): wrapping it is the fix.
        let wrap = expected == ["array"]
            && schema
                .get("items")
                .is_some_and(|items| accepts(&types_of(resolve(root, items)), node.kind()));
        wrong_type(ctx, node, path, &expected, wrap);
        return;
    }
    match &node.value {
        Value::Object(members) => {
            report_duplicates(ctx, members, path);
            let properties = schema.get("properties").and_then(Json::as_object);
            let additional = schema.get("additionalProperties");
            // A schema without `properties` or `additionalProperties` (e.g. `true` for free-form JSON) accepts any keys.
            let closed = properties.is_some() || additional == Some(&Json::Bool(false));
            let open = !closed || schema.get("x-aperture-open") == Some(&Json::Bool(true));
            for member in node.unique_members() {
                let child = pointer::join(path, &member.key);
                if let Some(property) = properties.and_then(|p| p.get(&member.key)) {
                    walk(ctx, &member.value, root, property, &child);
                } else if let Some(item_schema) = additional.filter(|a| a.is_object()) {
                    walk(ctx, &member.value, root, item_schema, &child);
                } else if !open && !ctx.is_claimed(&child) {
                    let known: Vec<&str> = properties
                        .map(|p| p.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    unknown_key(ctx, node, member, path, &child, &known);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    walk(ctx, item, root, item_schema, &pointer::index(path, i));
                }
            }
        }
        _ => {}
    }
}

fn report_duplicates(ctx: &mut Context, members: &[crate::config::Member], path: &str) {
    if members.len() < 2 {
        return;
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
                .aperture(format!("duplicate config key \"{}\"", member.key))
                .fix("keep one of the entries and delete the others (merge their contents first if both matter)"),
            );
        }
    }
}

fn unknown_key(
    ctx: &mut Context,
    parent: &Node,
    member: &crate::config::Member,
    parent_path: &str,
    path: &str,
    known: &[&str],
) {
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
        finding.aperture(format!("unknown config key \"{}\"", member.key))
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
