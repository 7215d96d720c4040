//! Compact and port the generated tool schemas: every tool's input schema is sent to the model
//! on every session (the model-visible budget is tested in tests/mcp_in_process.rs), and some
//! clients accept only a plain subset of JSON Schema (MCP Inspector `--strict`, Gemini's
//! OpenAPI dialect, form-based clients that do not resolve `$ref`).
//!
//! Kept: types, properties, `required`, enums, `additionalProperties`. Rewritten: every `$ref`
//! is inlined (no `$defs` remain); an optional input field is optional, not nullable (`null`
//! leaves `type` arrays and `anyOf`; serde reads an absent field as `None`); a nullable output
//! field is an `anyOf` of single types (outputs do serialize some `None`s as `null`); a bare
//! `true`/`{}` schema (a free-form JSON value, which in our outputs is always an object) becomes
//! `{"type": "object"}`. Removed: `$schema` (MCP defaults to 2020-12), non-standard `format`s,
//! `minimum: 0` on unsigned integers, defaults that say nothing (`null`, `false`, empty or
//! object values) and, in output schemas only, `description` texts (the tool description and
//! the contract document the output). A `oneOf` of string constants becomes an `enum`.

use serde_json::{Map, Value};

/// Whether descriptions are kept (input schemas: the model fills them in) or dropped (output).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    Descriptions,
    StructureOnly,
}

/// How many `$ref`s deep are inlined; deeper (only a recursive type gets there) is an object.
const MAX_INLINE_DEPTH: usize = 8;

/// Compact one schema object in place.
pub fn compact(schema: &mut Map<String, Value>, keep: Keep) {
    schema.remove("$schema");
    let defs = match schema.remove("$defs") {
        Some(Value::Object(defs)) => defs,
        _ => Map::new(),
    };
    inline_refs(schema, &defs, 0);
    compact_object(schema, keep);
}

/// Replace each `{"$ref": "#/$defs/X", ...}` with X's keywords (the ref's own keywords, such
/// as its description, win).
fn inline_refs(map: &mut Map<String, Value>, defs: &Map<String, Value>, mut depth: usize) {
    if let Some(name) = map
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
        .map(str::to_owned)
    {
        map.remove("$ref");
        match defs.get(&name).and_then(Value::as_object) {
            Some(def) if depth < MAX_INLINE_DEPTH => {
                depth += 1;
                for (key, value) in def {
                    if !map.contains_key(key) {
                        map.insert(key.clone(), value.clone());
                    }
                }
            }
            _ => {
                map.insert("type".into(), Value::String("object".into()));
            }
        }
    }
    for (key, value) in map.iter_mut() {
        if matches!(key.as_str(), "enum" | "const" | "default" | "examples") {
            continue;
        }
        inline_value(value, defs, depth);
    }
}

fn inline_value(value: &mut Value, defs: &Map<String, Value>, depth: usize) {
    match value {
        Value::Object(map) => inline_refs(map, defs, depth),
        Value::Array(items) => items.iter_mut().for_each(|v| inline_value(v, defs, depth)),
        _ => {}
    }
}

/// Form-based clients (MCP Inspector 0.15) send every argument as text: turn a top-level
/// string argument into the integer, number, boolean, array or object the tool's input schema
/// asks for, when the text parses as one. Anything else is left for the tool's own
/// deserializer to report.
pub fn coerce_arguments(schema: &Map<String, Value>, arguments: &mut Map<String, Value>) {
    let Some(Value::Object(properties)) = schema.get("properties") else {
        return;
    };
    for (key, value) in arguments.iter_mut() {
        let Value::String(text) = value else { continue };
        let Some(ty) = properties
            .get(key)
            .and_then(|p| p.get("type"))
            .and_then(Value::as_str)
        else {
            continue;
        };
        let fits = |v: &Value| match ty {
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            "array" => v.is_array(),
            "object" => v.is_object(),
            _ => false,
        };
        if ty == "string" {
            continue;
        }
        if let Some(parsed) = serde_json::from_str::<Value>(text.trim()).ok().filter(fits) {
            *value = parsed;
        }
    }
}

/// A schema that accepts anything (`true`, `{}`) as an object schema.
fn typed_any(value: &mut Value) {
    let bare = match value {
        Value::Bool(true) => true,
        Value::Object(map) => map.keys().all(|k| k == "description" || k == "title"),
        _ => false,
    };
    if bare {
        let mut map = match std::mem::take(value) {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        map.insert("type".into(), Value::String("object".into()));
        *value = Value::Object(map);
    }
}

/// `type: [T, "null"]` and `anyOf: [S, {"type": "null"}]`: for inputs the field is made
/// non-nullable; for outputs a `type` array becomes an `anyOf` of single types.
fn nullable(map: &mut Map<String, Value>, keep: Keep) {
    if let Some(Value::Array(types)) = map.get("type") {
        let mut types = types.clone();
        if keep == Keep::Descriptions {
            types.retain(|t| t != "null");
        }
        if types.len() == 1 {
            map.insert("type".into(), types.remove(0));
        } else {
            map.remove("type");
            let branches = types
                .into_iter()
                .map(|t| {
                    let mut branch = Map::new();
                    branch.insert("type".into(), t);
                    Value::Object(branch)
                })
                .collect::<Vec<_>>();
            // Keywords of one type (items, enum, ...) stay beside the branches, where they
            // apply to values of that type only.
            map.insert("anyOf".into(), Value::Array(branches));
        }
    }
    if keep == Keep::Descriptions
        && let Some(Value::Array(alternatives)) = map.get("anyOf")
    {
        let mut alternatives = alternatives.clone();
        alternatives.retain(|a| a.get("type") != Some(&Value::String("null".into())));
        if let [Value::Object(only)] = alternatives.as_slice() {
            let only = only.clone();
            map.remove("anyOf");
            for (key, value) in only {
                map.entry(key).or_insert(value);
            }
        } else {
            map.insert("anyOf".into(), Value::Array(alternatives));
        }
    }
}

/// A `default` that tells the model nothing it could not assume.
fn says_nothing(default: &Value) -> bool {
    match default {
        Value::Null | Value::Bool(false) | Value::Object(_) => true,
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// Children first, so a branch merged into its parent (a nullable input's `anyOf`) is
/// already compact.
fn compact_object(map: &mut Map<String, Value>, keep: Keep) {
    for (key, value) in map.iter_mut() {
        match key.as_str() {
            // Literal values, not schemas.
            "enum" | "const" | "default" | "examples" | "required" | "type" => {}
            // The keys are names, not keywords: each value is a schema.
            "properties" => {
                if let Value::Object(children) = value {
                    for child in children.values_mut() {
                        typed_any(child);
                        compact_value(child, keep);
                    }
                }
            }
            "items" | "additionalProperties" if !matches!(value, Value::Bool(false)) => {
                typed_any(value);
                compact_value(value, keep);
            }
            _ => compact_value(value, keep),
        }
    }
    collapse_const_one_of(map);
    nullable(map, keep);
    map.retain(|key, value| match key.as_str() {
        "format" => !value.is_string(),
        "minimum" => value.as_f64() != Some(0.0),
        "default" => !says_nothing(value),
        "description" => keep == Keep::Descriptions || !value.is_string(),
        _ => true,
    });
}

fn compact_value(value: &mut Value, keep: Keep) {
    match value {
        Value::Object(map) => compact_object(map, keep),
        Value::Array(items) => items.iter_mut().for_each(|v| compact_value(v, keep)),
        _ => {}
    }
}

/// `{"oneOf": [{"type": "string", "const": "a", ...}, ...]}` → `{"type": "string", "enum": ["a", ...]}`.
fn collapse_const_one_of(map: &mut Map<String, Value>) {
    let Some(Value::Array(variants)) = map.get("oneOf") else {
        return;
    };
    let consts: Option<Vec<Value>> = variants
        .iter()
        .map(|v| {
            let v = v.as_object()?;
            let only_const = v
                .keys()
                .all(|k| matches!(k.as_str(), "type" | "const" | "description"));
            (only_const && v.get("type")? == "string" && v.get("const")?.is_string())
                .then(|| v["const"].clone())
        })
        .collect();
    if let Some(consts) = consts.filter(|c| !c.is_empty()) {
        map.remove("oneOf");
        map.insert("type".into(), Value::String("string".into()));
        map.insert("enum".into(), Value::Array(consts));
    }
}

/// Output schemas keep their top-level fields (names, types, small string enums) and describe
/// nested objects only as `object`: clients still validate `structuredContent`, and
/// `tools/list` stays small as tools are added. Runs after [`compact`] (no `$ref` is left).
pub fn shallow(schema: &mut Map<String, Value>) {
    if let Some(Value::Object(props)) = schema.get_mut("properties") {
        for value in props.values_mut() {
            flatten_nested(value);
        }
    }
}

fn flatten_nested(value: &mut Value) {
    let Value::Object(map) = value else { return };
    map.remove("maximum");
    if map.get("properties").is_some() {
        map.remove("properties");
        map.remove("required");
        map.remove("additionalProperties");
    }
    for key in ["items", "additionalProperties"] {
        if let Some(inner) = map.get_mut(key) {
            flatten_nested(inner);
        }
    }
    if let Some(Value::Array(alternatives)) = map.get_mut("anyOf") {
        alternatives.iter_mut().for_each(flatten_nested);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(value: Value, keep: Keep) -> Value {
        let Value::Object(mut map) = value else {
            panic!()
        };
        compact(&mut map, keep);
        Value::Object(map)
    }

    #[test]
    fn shallow_output_keeps_top_level_fields_and_enums() {
        let schema = json!({
            "type": "object",
            "properties": {
                "mode": { "$ref": "#/$defs/Mode" },
                "items": { "type": "array", "items": { "$ref": "#/$defs/Item" } },
                "maybe": { "anyOf": [ { "$ref": "#/$defs/Item" }, { "type": "null" } ] },
                "status": { "type": "integer", "maximum": 65535 },
                "name": { "type": ["string", "null"] },
                "free": true,
                "list": { "type": "array", "items": true }
            },
            "$defs": {
                "Mode": { "type": "string", "enum": ["save", "load"] },
                "Item": { "type": "object", "properties": { "a": { "type": "string" } } }
            }
        });
        let mut schema = run(schema, Keep::StructureOnly);
        let Value::Object(map) = &mut schema else {
            panic!()
        };
        shallow(map);
        assert_eq!(
            schema,
            json!({
                "type": "object",
                "properties": {
                    "mode": { "type": "string", "enum": ["save", "load"] },
                    "items": { "type": "array", "items": { "type": "object" } },
                    "maybe": { "anyOf": [ { "type": "object" }, { "type": "null" } ] },
                    "status": { "type": "integer" },
                    "name": { "anyOf": [ { "type": "string" }, { "type": "null" } ] },
                    "free": { "type": "object" },
                    "list": { "type": "array", "items": { "type": "object" } }
                }
            })
        );
    }

    #[test]
    fn drops_noise_and_keeps_structure() {
        let schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "description": "top",
            "type": "object",
            "properties": {
                "n": { "type": "integer", "format": "uint", "minimum": 0, "description": "count" },
                "m": { "type": "integer", "minimum": 1 },
                "description": { "type": ["string", "null"], "default": null },
                "format": { "type": "string", "default": "x" },
                "flag": { "type": "boolean", "default": false },
                "mode": { "$ref": "#/$defs/Mode", "description": "which" },
                "role": { "anyOf": [ { "$ref": "#/$defs/Mode" }, { "type": "null" } ] },
                "who": { "$ref": "#/$defs/Who", "default": { "a": null } }
            },
            "required": ["n"],
            "additionalProperties": false,
            "$defs": {
                "Mode": { "description": "d", "oneOf": [
                    { "type": "string", "const": "save", "description": "s" },
                    { "type": "string", "const": "load" }
                ] },
                "Who": { "type": "object", "properties": { "tags": {
                    "type": "array", "items": { "type": "string" }, "default": []
                } } }
            }
        });
        let output = run(schema.clone(), Keep::StructureOnly);
        assert_eq!(
            output,
            json!({
                "type": "object",
                "properties": {
                    "n": { "type": "integer" },
                    "m": { "type": "integer", "minimum": 1 },
                    "description": { "anyOf": [ { "type": "string" }, { "type": "null" } ] },
                    "format": { "type": "string", "default": "x" },
                    "flag": { "type": "boolean" },
                    "mode": { "type": "string", "enum": ["save", "load"] },
                    "role": { "anyOf": [ { "type": "string", "enum": ["save", "load"] }, { "type": "null" } ] },
                    "who": { "type": "object", "properties": { "tags": {
                        "type": "array", "items": { "type": "string" }
                    } } }
                },
                "required": ["n"],
                "additionalProperties": false
            })
        );
        let input = run(schema, Keep::Descriptions);
        assert_eq!(input["description"], "top");
        assert_eq!(input["properties"]["n"]["description"], "count");
        // The ref's own description wins over the definition's.
        assert_eq!(input["properties"]["mode"]["description"], "which");
        assert_eq!(input["properties"]["mode"]["enum"], json!(["save", "load"]));
        // Optional, not nullable.
        assert_eq!(
            input["properties"]["description"],
            json!({ "type": "string" })
        );
        assert_eq!(
            input["properties"]["role"],
            json!({ "type": "string", "enum": ["save", "load"], "description": "d" })
        );
        assert!(!input.to_string().contains("null"), "{input}");
    }

    #[test]
    fn recursive_refs_stop_at_an_object() {
        let output = run(
            json!({
                "type": "object",
                "properties": { "node": { "$ref": "#/$defs/Node" } },
                "$defs": { "Node": { "type": "object", "properties": {
                    "child": { "$ref": "#/$defs/Node" }
                } } }
            }),
            Keep::StructureOnly,
        );
        let text = output.to_string();
        assert!(!text.contains("$ref") && !text.contains("$defs"), "{text}");
    }

    #[test]
    fn text_arguments_become_what_the_schema_asks_for() {
        let schema = json!({
            "type": "object",
            "properties": {
                "timeout_ms": { "type": "integer" },
                "ratio": { "type": "number" },
                "send": { "type": "boolean" },
                "models": { "type": "array", "items": { "type": "string" } },
                "who": { "type": "object" },
                "name": { "type": "string" }
            }
        });
        let Value::Object(schema) = schema else {
            panic!()
        };
        let Value::Object(mut args) = json!({
            "timeout_ms": " 1500 ",
            "ratio": "0.5",
            "send": "true",
            "models": "[\"gpt-5\", \"o3\"]",
            "who": "{\"login\": \"a@b.c\"}",
            "name": "42",
            "unknown": "7"
        }) else {
            panic!()
        };
        coerce_arguments(&schema, &mut args);
        assert_eq!(
            Value::Object(args),
            json!({
                "timeout_ms": 1500,
                "ratio": 0.5,
                "send": true,
                "models": ["gpt-5", "o3"],
                "who": { "login": "a@b.c" },
                "name": "42",
                "unknown": "7"
            })
        );
        // Text that does not parse as the asked type is left for the tool to report.
        let Value::Object(mut args) = json!({ "timeout_ms": "1.5", "models": "gpt-5" }) else {
            panic!()
        };
        coerce_arguments(&schema, &mut args);
        assert_eq!(args["timeout_ms"], "1.5");
        assert_eq!(args["models"], "gpt-5");
    }
}
