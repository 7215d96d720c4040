//! RFC 6902 JSON Patch applied to plain JSON values (used to prove fixes and by `migrate`).

use serde_json::Value;

use super::pointer;
use crate::diagnostic::PatchOp;

/// Why a patch could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("patch operation {index} ({op} {path}) failed: {reason}")]
pub struct PatchError {
    pub index: usize,
    pub op: String,
    pub path: String,
    pub reason: String,
}

/// Apply every operation in order; on error the document is left unchanged.
pub fn apply(document: &mut Value, ops: &[PatchOp]) -> Result<(), PatchError> {
    let mut working = document.clone();
    for (index, op) in ops.iter().enumerate() {
        apply_one(&mut working, op).map_err(|reason| PatchError {
            index,
            op: op.op.clone(),
            path: op.path.clone(),
            reason,
        })?;
    }
    *document = working;
    Ok(())
}

fn apply_one(doc: &mut Value, op: &PatchOp) -> Result<(), String> {
    match op.op.as_str() {
        "add" => add(
            doc,
            &op.path,
            op.value.clone().ok_or("`add` needs a value")?,
        ),
        "remove" => remove(doc, &op.path).map(|_| ()),
        "replace" => {
            let value = op.value.clone().ok_or("`replace` needs a value")?;
            let target = get_mut(doc, &op.path)?;
            *target = value;
            Ok(())
        }
        "move" => {
            let from = op.from.as_deref().ok_or("`move` needs `from`")?;
            if op.path.starts_with(&format!("{from}/")) {
                return Err("cannot move a value into itself".into());
            }
            let value = remove(doc, from)?;
            add(doc, &op.path, value)
        }
        "copy" => {
            let from = op.from.as_deref().ok_or("`copy` needs `from`")?;
            let value = get_mut(doc, from)?.clone();
            add(doc, &op.path, value)
        }
        "test" => {
            let expected = op.value.as_ref().ok_or("`test` needs a value")?;
            if get_mut(doc, &op.path)? == expected {
                Ok(())
            } else {
                Err("test failed".into())
            }
        }
        other => Err(format!("unknown operation `{other}`")),
    }
}

fn split(path: &str) -> Result<(Vec<String>, String), String> {
    let mut tokens =
        pointer::tokens(path).ok_or_else(|| format!("`{path}` is not a JSON pointer"))?;
    let last = tokens.pop().ok_or("the operation needs a non-empty path")?;
    Ok((tokens, last))
}

fn walk<'a>(doc: &'a mut Value, tokens: &[String]) -> Result<&'a mut Value, String> {
    let mut node = doc;
    for t in tokens {
        node = match node {
            Value::Object(map) => map.get_mut(t).ok_or_else(|| format!("no member `{t}`"))?,
            Value::Array(items) => {
                let i: usize = t
                    .parse()
                    .map_err(|_| format!("`{t}` is not an array index"))?;
                items
                    .get_mut(i)
                    .ok_or_else(|| format!("index {i} is out of range"))?
            }
            _ => return Err(format!("`{t}` is below a scalar")),
        };
    }
    Ok(node)
}

fn get_mut<'a>(doc: &'a mut Value, path: &str) -> Result<&'a mut Value, String> {
    let tokens = pointer::tokens(path).ok_or_else(|| format!("`{path}` is not a JSON pointer"))?;
    walk(doc, &tokens)
}

fn add(doc: &mut Value, path: &str, value: Value) -> Result<(), String> {
    if path.is_empty() {
        *doc = value;
        return Ok(());
    }
    let (parent, last) = split(path)?;
    match walk(doc, &parent)? {
        Value::Object(map) => {
            map.insert(last, value);
            Ok(())
        }
        Value::Array(items) => {
            let i = if last == "-" {
                items.len()
            } else {
                last.parse()
                    .map_err(|_| format!("`{last}` is not an array index"))?
            };
            if i > items.len() {
                return Err(format!("index {i} is out of range"));
            }
            items.insert(i, value);
            Ok(())
        }
        _ => Err("the parent is not a container".into()),
    }
}

fn remove(doc: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, last) = split(path)?;
    match walk(doc, &parent)? {
        Value::Object(map) => map
            .shift_remove(&last)
            .ok_or_else(|| format!("no member `{last}`")),
        Value::Array(items) => {
            let i: usize = last
                .parse()
                .map_err(|_| format!("`{last}` is not an array index"))?;
            if i >= items.len() {
                return Err(format!("index {i} is out of range"));
            }
            Ok(items.remove(i))
        }
        _ => Err("the parent is not a container".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn applies_each_operation() {
        let mut doc = json!({"a": {"b": 1}, "list": [1, 2]});
        apply(
            &mut doc,
            &[
                PatchOp::add("/list/-", json!(3)),
                PatchOp::replace("/a/b", json!(2)),
                PatchOp::move_to("/a/b", "/c"),
                PatchOp::remove("/list/0"),
            ],
        )
        .unwrap();
        assert_eq!(doc, json!({"a": {}, "list": [2, 3], "c": 2}));
        let before = doc.clone();
        assert!(apply(&mut doc, &[PatchOp::remove("/nope")]).is_err());
        assert_eq!(doc, before, "a failed patch leaves the document unchanged");
    }
}
