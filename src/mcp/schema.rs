//! Compact the generated tool schemas so `tools/list` stays small (every tool's schemas are sent
//! to the model on every session; the contract budget is 16 KB for all tools together).
//!
//! Structure is never changed: types, properties, `required`, `$defs`/`$ref`, enums and
//! `additionalProperties` stay. Removed: `$schema` (MCP defaults to 2020-12), non-standard
//! `format`s, `minimum: 0` on unsigned integers, `default: null`, and, in output schemas only,
//! `description` texts (the tool description and the contract document the output). A `oneOf`
//! of string constants becomes an `enum`.

use serde_json::{Map, Value};

/// Whether descriptions are kept (input schemas: the model fills them in) or dropped (output).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    Descriptions,
    StructureOnly,
}

/// Compact one schema object in place.
pub fn compact(schema: &mut Map<String, Value>, keep: Keep) {
    schema.remove("$schema");
    compact_object(schema, keep);
    type_refs(schema);
}

/// Put the target's `type` next to each property `$ref` (`{"$ref": "#/$defs/Identity",
/// "type": "object"}`): clients that do not resolve refs (MCP Inspector 0.15) otherwise
/// send an object argument as a string.
fn type_refs(schema: &mut Map<String, Value>) {
    let types: Map<String, Value> = schema
        .get("$defs")
        .and_then(Value::as_object)
        .map(|defs| {
            defs.iter()
                .filter_map(|(name, d)| Some((name.clone(), d.get("type")?.clone())))
                .collect()
        })
        .unwrap_or_default();
    if let Some(Value::Object(props)) = schema.get_mut("properties") {
        for value in props.values_mut() {
            let Value::Object(prop) = value else { continue };
            let target = prop
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
                .map(str::to_owned);
            if let Some(ty) = target.and_then(|name| types.get(&name).cloned())
                && !prop.contains_key("type")
            {
                prop.insert("type".into(), ty);
            }
        }
    }
}

fn compact_object(map: &mut Map<String, Value>, keep: Keep) {
    collapse_const_one_of(map);
    map.retain(|key, value| match key.as_str() {
        "format" => !value.is_string(),
        "minimum" => value.as_f64() != Some(0.0),
        "default" => !value.is_null(),
        "description" => keep == Keep::Descriptions || !value.is_string(),
        _ => true,
    });
    for (key, value) in map.iter_mut() {
        // Under `properties`/`$defs` the keys are names, not keywords: recurse into each schema.
        if matches!(key.as_str(), "enum" | "const" | "default" | "examples") {
            // Literal values, not schemas.
            continue;
        }
        if key == "properties" || key == "$defs" {
            if let Value::Object(children) = value {
                for child in children.values_mut() {
                    compact_value(child, keep);
                }
            }
        } else {
            compact_value(value, keep);
        }
    }
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
/// `tools/list` stays within its size budget as tools are added.
pub fn shallow(schema: &mut Map<String, Value>) {
    let keep: std::collections::HashSet<String> = schema
        .get("$defs")
        .and_then(Value::as_object)
        .map(|defs| {
            defs.iter()
                .filter(|(_, d)| d.get("enum").is_some() && d.get("properties").is_none())
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default();
    if let Some(Value::Object(defs)) = schema.get_mut("$defs") {
        defs.retain(|name, _| keep.contains(name));
    }
    if schema
        .get("$defs")
        .and_then(Value::as_object)
        .is_some_and(Map::is_empty)
    {
        schema.remove("$defs");
    }
    if let Some(Value::Object(props)) = schema.get_mut("properties") {
        for value in props.values_mut() {
            flatten_nested(value, &keep);
        }
    }
    // Enums only nested objects used are gone with those objects.
    let mut used = std::collections::HashSet::new();
    if let Some(props) = schema.get("properties") {
        collect_refs(props, &mut used);
    }
    let used: std::collections::HashSet<String> = used.into_iter().map(str::to_owned).collect();
    if let Some(Value::Object(defs)) = schema.get_mut("$defs") {
        defs.retain(|name, _| used.contains(name));
        if defs.is_empty() {
            schema.remove("$defs");
        }
    }
}

fn collect_refs<'a>(value: &'a Value, out: &mut std::collections::HashSet<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
            {
                out.insert(name);
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

fn flatten_nested(value: &mut Value, keep: &std::collections::HashSet<String>) {
    let Value::Object(map) = value else { return };
    if let Some(name) = map
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
    {
        if !keep.contains(name) {
            *value = serde_json::json!({ "type": "object" });
        }
        return;
    }
    map.remove("maximum");
    if map.get("properties").is_some() {
        map.remove("properties");
        map.remove("required");
        map.remove("additionalProperties");
    }
    for key in ["items", "additionalProperties"] {
        if let Some(inner) = map.get_mut(key) {
            flatten_nested(inner, keep);
        }
    }
    if let Some(Value::Array(alternatives)) = map.get_mut("anyOf") {
        alternatives
            .iter_mut()
            .for_each(|alt| flatten_nested(alt, keep));
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
        let mut schema = json!({
            "type": "object",
            "properties": {
                "mode": { "$ref": "#/$defs/Mode" },
                "items": { "type": "array", "items": { "$ref": "#/$defs/Item" } },
                "maybe": { "anyOf": [ { "$ref": "#/$defs/Item" }, { "type": "null" } ] },
                "status": { "type": "integer", "maximum": 65535 }
            },
            "$defs": {
                "Mode": { "type": "string", "enum": ["save", "load"] },
                "Item": { "type": "object", "properties": { "a": { "type": "string" } } }
            }
        });
        let Value::Object(map) = &mut schema else {
            panic!()
        };
        shallow(map);
        assert_eq!(
            schema,
            json!({
                "type": "object",
                "properties": {
                    "mode": { "$ref": "#/$defs/Mode" },
                    "items": { "type": "array", "items": { "type": "object" } },
                    "maybe": { "anyOf": [ { "type": "object" }, { "type": "null" } ] },
                    "status": { "type": "integer" }
                },
                "$defs": { "Mode": { "type": "string", "enum": ["save", "load"] } }
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
                "mode": { "$ref": "#/$defs/Mode" }
            },
            "required": ["n"],
            "additionalProperties": false,
            "$defs": {
                "Mode": { "description": "d", "oneOf": [
                    { "type": "string", "const": "save", "description": "s" },
                    { "type": "string", "const": "load" }
                ] },
                "Mixed": { "oneOf": [ { "type": "string", "const": "a" }, { "type": "integer" } ] }
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
                    "description": { "type": ["string", "null"] },
                    "format": { "type": "string", "default": "x" },
                    "mode": { "$ref": "#/$defs/Mode", "type": "string" }
                },
                "required": ["n"],
                "additionalProperties": false,
                "$defs": {
                    "Mode": { "type": "string", "enum": ["save", "load"] },
                    "Mixed": { "oneOf": [ { "type": "string", "const": "a" }, { "type": "integer" } ] }
                }
            })
        );
        let input = run(schema, Keep::Descriptions);
        assert_eq!(input["description"], "top");
        assert_eq!(input["properties"]["n"]["description"], "count");
        assert_eq!(input["$defs"]["Mode"]["description"], "d");
        assert_eq!(input["$defs"]["Mode"]["enum"], json!(["save", "load"]));
    }
}
