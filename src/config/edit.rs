//! Comment-preserving edits of a config document on jsonc-parser's concrete syntax tree:
//! untouched parts (comments, key order, formatting) stay byte-identical.

use jsonc_parser::cst::{
    CstArray, CstContainerNode, CstInputValue, CstNode, CstObject, CstObjectProp, CstRootNode,
};
use serde_json::Value;

use super::pointer;
use crate::diagnostic::{Op, PatchOp};
use crate::hujson::hujson_options;

/// Why an edit could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    #[error(
        "the config is not valid HuJSON at line {line}, column {column}: {message}; run validate_config to see the problem"
    )]
    Parse {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("the config's top level is not an object")]
    RootNotObject,
    #[error("`{section}` is not {expected} in the config; fix it before merging")]
    WrongSection {
        section: String,
        expected: &'static str,
    },
    #[error("provider `{0}` already exists; pass `replace` to overwrite it, or choose another ID")]
    ProviderExists(String),
    #[error("no provider `{0}` in the config")]
    NoSuchProvider(String),
    #[error("`providers.{0}.models` is not an array of model IDs; fix it before editing it")]
    ModelsNotArray(String),
    #[error("cannot apply the patch at `{path}`: {reason}")]
    Patch { path: String, reason: String },
}

/// What [`Editor::edit_models`] did, model by model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelsEdit {
    pub added: Vec<String>,
    /// Asked to add, already there.
    pub present: Vec<String>,
    pub removed: Vec<String>,
    /// Asked to remove, not there.
    pub absent: Vec<String>,
}

/// A document being edited.
pub struct Editor {
    root: CstRootNode,
}

impl Editor {
    /// Parse a document for editing; a leading byte order mark is dropped, as the validator
    /// drops it (the edited text starts at the same character the validator reads).
    pub fn parse(text: &str) -> Result<Editor, EditError> {
        let text = super::document::without_bom(text);
        let root = CstRootNode::parse(text, &hujson_options()).map_err(|e| EditError::Parse {
            line: e.line_display(),
            column: e.column_display(),
            message: e.kind().to_string(),
        })?;
        if root.value().is_some() && root.object_value().is_none() {
            return Err(EditError::RootNotObject);
        }
        Ok(Editor { root })
    }

    /// The edited text.
    pub fn text(&self) -> String {
        self.root.to_string()
    }

    fn object(&self) -> CstObject {
        self.root.object_value_or_set()
    }

    fn section_object(&self, name: &str) -> Result<CstObject, EditError> {
        let root = self.object();
        match last_property(&root, name) {
            None => Ok(root.object_value_or_set(name)),
            Some(prop) => prop.object_value().ok_or_else(|| EditError::WrongSection {
                section: name.to_owned(),
                expected: "an object",
            }),
        }
    }

    fn section_array(&self, name: &str) -> Result<CstArray, EditError> {
        let root = self.object();
        match last_property(&root, name) {
            None => Ok(root.array_value_or_set(name)),
            Some(prop) => prop.array_value().ok_or_else(|| EditError::WrongSection {
                section: name.to_owned(),
                expected: "an array",
            }),
        }
    }

    /// Add (or, with `replace`, overwrite) `providers.<id>`. With duplicate keys the last one
    /// is edited: it is the one Aperture reads (Go's decoder keeps the last).
    pub fn set_provider(&self, id: &str, provider: &Value, replace: bool) -> Result<(), EditError> {
        let providers = self.section_object("providers")?;
        match last_property(&providers, id) {
            Some(_) if !replace => Err(EditError::ProviderExists(id.to_owned())),
            Some(existing) => {
                existing.set_value(input(provider));
                Ok(())
            }
            None => {
                providers.append(id, input(provider));
                Ok(())
            }
        }
    }

    /// The current value of `providers.<id>` (the last one, as Aperture reads it).
    pub fn provider(&self, id: &str) -> Option<Value> {
        self.node(&pointer::join("/providers", id))?
            .to_serde_value()
    }

    /// Set members of the existing `providers.<id>` in place and remove others; every other
    /// member, and the comments around them, stay as they are.
    pub fn update_provider(
        &self,
        id: &str,
        set: &serde_json::Map<String, Value>,
        remove: &[&str],
    ) -> Result<(), EditError> {
        let provider = self.provider_object(id)?;
        for (key, value) in set {
            match last_property(&provider, key) {
                Some(existing) => existing.set_value(input(value)),
                None => {
                    provider.append(key, input(value));
                }
            }
        }
        for key in remove {
            if let Some(prop) = last_property(&provider, key) {
                prop.remove();
            }
        }
        Ok(())
    }

    /// Add and remove model IDs in `providers.<id>.models` in place (comments kept). Adding a
    /// model that is there, or removing one that is not, changes nothing and is reported.
    pub fn edit_models(
        &self,
        id: &str,
        add: &[String],
        remove: &[String],
    ) -> Result<ModelsEdit, EditError> {
        let provider = self.provider_object(id)?;
        let mut edit = ModelsEdit::default();
        let array = match last_property(&provider, "models") {
            Some(prop) => prop
                .array_value()
                .ok_or_else(|| EditError::ModelsNotArray(id.to_owned()))?,
            None => provider.array_value_or_set("models"),
        };
        let model_of = |node: &CstNode| {
            node.to_serde_value()
                .and_then(|v| v.as_str().map(str::to_owned))
        };
        for model in remove {
            let matching: Vec<CstNode> = array
                .elements()
                .into_iter()
                .filter(|el| model_of(el).as_deref() == Some(model.as_str()))
                .collect();
            if matching.is_empty() {
                edit.absent.push(model.clone());
            } else {
                matching.into_iter().for_each(CstNode::remove);
                edit.removed.push(model.clone());
            }
        }
        for model in add {
            if array
                .elements()
                .iter()
                .any(|el| model_of(el).as_deref() == Some(model.as_str()))
            {
                edit.present.push(model.clone());
            } else {
                array.append(CstInputValue::String(model.clone()));
                edit.added.push(model.clone());
            }
        }
        Ok(edit)
    }

    fn provider_object(&self, id: &str) -> Result<CstObject, EditError> {
        let providers = self.section_object("providers")?;
        last_property(&providers, id)
            .ok_or_else(|| EditError::NoSuchProvider(id.to_owned()))?
            .object_value()
            .ok_or_else(|| EditError::WrongSection {
                section: format!("providers.{id}"),
                expected: "an object",
            })
    }

    /// Remove `providers.<id>`.
    pub fn remove_provider(&self, id: &str) -> Result<(), EditError> {
        let providers = self.section_object("providers")?;
        last_property(&providers, id)
            .ok_or_else(|| EditError::NoSuchProvider(id.to_owned()))?
            .remove();
        Ok(())
    }

    /// Set `<section>.<key>` (creating the section), e.g. a bucket under `quotas`. With
    /// duplicate keys the last one is set: it is the one Aperture reads.
    pub fn set_member(&self, section: &str, key: &str, value: &Value) -> Result<(), EditError> {
        let object = self.section_object(section)?;
        match last_property(&object, key) {
            Some(existing) => existing.set_value(input(value)),
            None => {
                object.append(key, input(value));
            }
        }
        Ok(())
    }

    /// Append entries to a top-level array (`grants`), creating it if needed.
    pub fn append_to(&self, section: &str, values: &[Value]) -> Result<(), EditError> {
        let array = self.section_array(section)?;
        for v in values {
            array.append(input(v));
        }
        Ok(())
    }

    /// Apply an RFC 6902 patch in place, keeping everything it does not touch. Atomic: the
    /// operations run on a copy, and the document changes only when all of them succeed
    /// (`test` operations included).
    pub fn apply(&mut self, ops: &[PatchOp]) -> Result<(), EditError> {
        let scratch = Editor::parse(&self.text())?;
        for op in ops {
            scratch.apply_one(op)?;
        }
        self.root = scratch.root;
        Ok(())
    }

    fn apply_one(&self, op: &PatchOp) -> Result<(), EditError> {
        let fail = |reason: &str| EditError::Patch {
            path: op.path.clone(),
            reason: reason.to_owned(),
        };
        match op.op {
            Op::Add | Op::Replace => {
                let value = op.value.as_ref().ok_or_else(|| fail("missing value"))?;
                self.put(&op.path, value, op.op == Op::Replace)
                    .map_err(|r| fail(&r))
            }
            Op::Remove => self.take(&op.path).map(|_| ()).map_err(|r| fail(&r)),
            Op::Move => {
                let from = op.from.as_deref().ok_or_else(|| fail("missing from"))?;
                if op.path.starts_with(&format!("{from}/")) {
                    return Err(fail("cannot move a value into itself"));
                }
                // A rename inside one object keeps the member's position and comments.
                if let (Some((from_parent, from_key)), Some((to_parent, to_key))) =
                    (split_last(from), split_last(&op.path))
                    && from_parent == to_parent
                    && let Some(CstContainerNode::Object(obj)) = self.container(&from_parent)
                    && last_property(&obj, &to_key).is_none()
                    && let Some(prop) = last_property(&obj, &from_key)
                {
                    let value = prop
                        .value()
                        .and_then(|v| v.to_serde_value())
                        .ok_or_else(|| fail("no value"))?;
                    prop.replace_with(&to_key, input(&value));
                    return Ok(());
                }
                let value = self.take(from).map_err(|r| fail(&r))?;
                self.put(&op.path, &value, false).map_err(|r| fail(&r))
            }
            Op::Copy => {
                let from = op.from.as_deref().ok_or_else(|| fail("missing from"))?;
                let value = self
                    .node(from)
                    .and_then(|n| n.to_serde_value())
                    .ok_or_else(|| fail("no value at from"))?;
                self.put(&op.path, &value, false).map_err(|r| fail(&r))
            }
            Op::Test => {
                let expected = op.value.as_ref().ok_or_else(|| fail("missing value"))?;
                let actual = self.node(&op.path).and_then(|n| n.to_serde_value());
                if actual.as_ref() == Some(expected) {
                    Ok(())
                } else {
                    Err(fail("test failed: the value differs"))
                }
            }
        }
    }

    fn container(&self, path: &str) -> Option<CstContainerNode> {
        match self.node(path)? {
            CstNode::Container(c) => Some(c),
            CstNode::Leaf(_) => None,
        }
    }

    /// The value node at a pointer.
    fn node(&self, path: &str) -> Option<CstNode> {
        let mut node = self.root.value()?;
        for token in pointer::tokens(path)? {
            node = if let Some(obj) = node.as_object() {
                last_property(&obj, &token)?.value()?
            } else if let Some(arr) = node.as_array() {
                arr.elements().get(token.parse::<usize>().ok()?)?.clone()
            } else {
                return None;
            };
        }
        Some(node)
    }

    fn put(&self, path: &str, value: &Value, must_exist: bool) -> Result<(), String> {
        if path.is_empty() {
            self.root.set_value(input(value));
            return Ok(());
        }
        let (parent, last) = split_last(path).ok_or("bad pointer")?;
        match self.container(&parent) {
            Some(CstContainerNode::Object(obj)) => match last_property(&obj, &last) {
                Some(prop) => prop.set_value(input(value)),
                None if must_exist => return Err(format!("no member `{last}`")),
                None => {
                    obj.append(&last, input(value));
                }
            },
            Some(CstContainerNode::Array(arr)) => {
                let len = arr.elements().len();
                if last == "-" {
                    arr.append(input(value));
                } else {
                    let i: usize = last
                        .parse()
                        .map_err(|_| format!("`{last}` is not an index"))?;
                    if must_exist {
                        let el = arr.elements().get(i).cloned().ok_or("index out of range")?;
                        el.remove();
                        arr.insert(i, input(value));
                    } else if i == len {
                        arr.append(input(value));
                    } else if i < len {
                        arr.insert(i, input(value));
                    } else {
                        return Err("index out of range".into());
                    }
                }
            }
            _ => return Err(format!("`{parent}` is not an object or array")),
        }
        Ok(())
    }

    fn take(&self, path: &str) -> Result<Value, String> {
        let (parent, last) = split_last(path).ok_or("bad pointer")?;
        match self.container(&parent) {
            Some(CstContainerNode::Object(obj)) => {
                let prop: CstObjectProp =
                    last_property(&obj, &last).ok_or_else(|| format!("no member `{last}`"))?;
                let value = prop
                    .value()
                    .and_then(|v| v.to_serde_value())
                    .unwrap_or(Value::Null);
                prop.remove();
                Ok(value)
            }
            Some(CstContainerNode::Array(arr)) => {
                let i: usize = last
                    .parse()
                    .map_err(|_| format!("`{last}` is not an index"))?;
                let el = arr.elements().get(i).cloned().ok_or("index out of range")?;
                let value = el.to_serde_value().unwrap_or(Value::Null);
                el.remove();
                Ok(value)
            }
            _ => Err(format!("`{parent}` is not an object or array")),
        }
    }
}

fn split_last(path: &str) -> Option<(String, String)> {
    let mut tokens = pointer::tokens(path)?;
    let last = tokens.pop()?;
    let parent = tokens
        .iter()
        .fold(String::new(), |acc, t| pointer::join(&acc, t));
    Some((parent, last))
}

/// serde_json value → CST input (object key order kept).
pub fn input(value: &Value) -> CstInputValue {
    match value {
        Value::Null => CstInputValue::Null,
        Value::Bool(b) => CstInputValue::Bool(*b),
        Value::Number(n) => CstInputValue::Number(n.to_string()),
        Value::String(s) => CstInputValue::String(s.clone()),
        Value::Array(items) => CstInputValue::Array(items.iter().map(input).collect()),
        Value::Object(map) => {
            CstInputValue::Object(map.iter().map(|(k, v)| (k.clone(), input(v))).collect())
        }
    }
}

/// The last property named `name`: with duplicate keys, the one Aperture reads (Go's
/// decoder keeps the last), so edits land where they take effect.
fn last_property(object: &CstObject, name: &str) -> Option<CstObjectProp> {
    object.properties().into_iter().rev().find(|prop| {
        prop.name()
            .and_then(|n| n.decoded_value().ok())
            .is_some_and(|n| n == name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DOC: &str = "{\n  // the providers\n  \"providers\": {\n    \"a\": { \"baseurl\": \"https://x\" }, // keep me\n  },\n  \"grants\": [],\n}\n";

    #[test]
    fn adding_then_removing_a_provider_restores_the_bytes() {
        let editor = Editor::parse(DOC).unwrap();
        editor
            .set_provider(
                "b",
                &json!({"baseurl": "https://y", "models": ["m"]}),
                false,
            )
            .unwrap();
        let added = editor.text();
        assert!(
            added.contains("// the providers")
                && added.contains("// keep me")
                && added.contains("\"b\""),
            "{added}"
        );
        assert_eq!(
            editor.set_provider("b", &json!({}), false),
            Err(EditError::ProviderExists("b".into()))
        );
        editor.remove_provider("b").unwrap();
        assert_eq!(editor.text(), DOC);
    }

    #[test]
    fn patches_edit_in_place() {
        let mut editor = Editor::parse(DOC).unwrap();
        editor
            .apply(&[
                PatchOp::move_to("/providers/a/baseurl", "/providers/a/url"),
                PatchOp::add("/grants/-", json!({"src": ["*"]})),
                PatchOp::add("/providers/a/models", json!(["m"])),
            ])
            .unwrap();
        let text = editor.text();
        assert!(
            text.contains("\"url\": \"https://x\"")
                && text.contains("// keep me")
                && text.contains("\"src\""),
            "{text}"
        );
        assert!(!text.contains("baseurl"));
    }

    #[test]
    fn a_patch_applies_whole_or_not_at_all() {
        let mut editor = Editor::parse(DOC).unwrap();
        let failing = [
            PatchOp::add("/providers/a/models", json!(["m"])),
            PatchOp::remove("/nope"),
        ];
        assert!(editor.apply(&failing).is_err());
        assert_eq!(
            editor.text(),
            DOC,
            "a failed patch leaves the text unchanged"
        );
        let failed_test = [
            PatchOp::test("/providers/a/baseurl", json!("https://other")),
            PatchOp::remove("/providers/a"),
        ];
        assert!(editor.apply(&failed_test).is_err());
        assert_eq!(editor.text(), DOC, "a failed `test` stops the patch");
        let passing_test = [
            PatchOp::test("/providers/a/baseurl", json!("https://x")),
            PatchOp::replace("/providers/a/baseurl", json!("https://y")),
        ];
        editor.apply(&passing_test).unwrap();
        assert!(editor.text().contains("https://y") && editor.text().contains("// keep me"));
    }

    #[test]
    fn applies_each_operation() {
        let mut editor = Editor::parse(r#"{"a": {"b": 1}, "list": [1, 2]}"#).unwrap();
        editor
            .apply(&[
                PatchOp::add("/list/-", json!(3)),
                PatchOp::replace("/a/b", json!(2)),
                PatchOp::move_to("/a/b", "/c"),
                PatchOp::remove("/list/0"),
            ])
            .unwrap();
        let value: Value = serde_json::from_str(&editor.text()).unwrap();
        assert_eq!(value, json!({"a": {}, "list": [2, 3], "c": 2}));
        assert!(editor.apply(&[PatchOp::move_to("/a", "/a/inner")]).is_err());
    }

    #[test]
    fn models_are_edited_in_place() {
        let doc = "{\n  \"providers\": {\n    // mine\n    \"a\": {\n      \"apikey\": \"sk-1\", // real\n      \"models\": [\"m1\", \"m2\"],\n    },\n  },\n}\n";
        let editor = Editor::parse(doc).unwrap();
        let edit = editor
            .edit_models(
                "a",
                &["m3".into(), "m1".into()],
                &["m2".into(), "m9".into()],
            )
            .unwrap();
        assert_eq!(edit.added, ["m3"]);
        assert_eq!(edit.present, ["m1"]);
        assert_eq!(edit.removed, ["m2"]);
        assert_eq!(edit.absent, ["m9"]);
        let text = editor.text();
        assert!(
            text.contains("// mine") && text.contains("// real"),
            "{text}"
        );
        assert_eq!(
            editor.provider("a").unwrap(),
            json!({"apikey": "sk-1", "models": ["m1", "m3"]})
        );
        let again = editor.edit_models("a", &["m3".into()], &[]).unwrap();
        assert!(
            again.added.is_empty() && editor.text() == text,
            "idempotent"
        );
        assert_eq!(
            editor.edit_models("b", &["m".into()], &[]),
            Err(EditError::NoSuchProvider("b".into()))
        );
    }
}
