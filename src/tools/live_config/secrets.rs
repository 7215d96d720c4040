//! Provider keys across a pull and a push. The current config API serves every `apikey`
//! redacted, so a document read from it and written back would put the redaction marker in
//! place of each real key. Keys therefore come from the environment (`secrets_env`), and a
//! write that would send back a served value is refused. The marker's spelling is
//! UNCONFIRMED, so a value counts as served-masked when it equals what the gateway served, or
//! when it has the shape of a mask.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::config::Document;
use crate::config::edit::Editor;
use crate::config::pointer;
use crate::diagnostic::PatchOp;
use crate::tools::input::{PathPolicy, ToolError};

/// A key supplied from the environment, as outputs show it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SuppliedKey {
    pub provider: String,
    /// The environment variable it was read from.
    pub env: String,
    /// First characters and a hash of the value, never the value.
    pub fingerprint: String,
}

/// Keys read from the environment for named providers.
#[derive(Debug, Default)]
pub struct Secrets {
    supplied: Vec<(SuppliedKey, String)>,
}

impl Secrets {
    /// Read each `provider → VAR` from the environment. Refused when the server may not read
    /// its own environment for a remote caller (HTTP without `--allow-paths`).
    pub fn from_env(
        vars: &BTreeMap<String, String>,
        policy: PathPolicy,
    ) -> Result<Secrets, ToolError> {
        if !vars.is_empty() && policy == PathPolicy::Refused {
            return Err(ToolError::BadArguments(
                "`secrets_env` is refused by this server (it serves HTTP without --allow-paths): a remote caller must not make the server send its environment elsewhere".into(),
            ));
        }
        let mut supplied = Vec::new();
        for (provider, var) in vars {
            let value = crate::tools::input::env_secret("secrets_env", var)?;
            supplied.push((
                SuppliedKey {
                    provider: provider.clone(),
                    env: var.clone(),
                    fingerprint: crate::redact::fingerprint(&value),
                },
                value,
            ));
        }
        Ok(Secrets { supplied })
    }

    pub fn report(&self) -> Vec<SuppliedKey> {
        self.supplied.iter().map(|(k, _)| k.clone()).collect()
    }

    fn supplies(&self, provider: &str) -> bool {
        self.supplied.iter().any(|(k, _)| k.provider == provider)
    }

    /// `document` with each supplied key set as its provider's `apikey` (comments kept), or,
    /// with `shown`, set to the key's fingerprint: the text to send and the text to show.
    pub fn inject(&self, document: &str, shown: bool) -> Result<String, ToolError> {
        if self.supplied.is_empty() {
            return Ok(document.to_owned());
        }
        let providers = Document::parse(document)
            .ok()
            .and_then(|d| d.root.get("providers").map(|p| p.to_json()));
        let mut ops = Vec::new();
        for (key, value) in &self.supplied {
            if providers
                .as_ref()
                .and_then(|p| p.get(&key.provider))
                .is_none()
            {
                return Err(ToolError::BadArguments(format!(
                    "`secrets_env` names the provider `{}`, which the proposed config does not declare under `providers`",
                    key.provider
                )));
            }
            let path = pointer::join(&pointer::join("/providers", &key.provider), "apikey");
            let shown_value = if shown { &key.fingerprint } else { value };
            ops.push(PatchOp::add(
                path,
                serde_json::Value::from(shown_value.as_str()),
            ));
        }
        let mut editor = Editor::parse(document)?;
        editor.apply(&ops)?;
        Ok(editor.text())
    }

    /// `text` with every supplied key replaced by its fingerprint (for anything a gateway
    /// echoes back).
    pub fn scrub(&self, text: &str) -> String {
        self.supplied.iter().fold(text.to_owned(), |t, (k, value)| {
            t.replace(value.as_str(), &k.fingerprint)
        })
    }
}

/// A document and each provider's `apikey` string in it, by provider id: read once, then
/// compared and blanked as often as a plan needs.
pub struct Keyed<'a> {
    pub text: &'a str,
    pub keys: BTreeMap<String, String>,
}

impl<'a> Keyed<'a> {
    pub fn of(text: &'a str) -> Keyed<'a> {
        Keyed {
            text,
            keys: keys_of(text),
        }
    }

    /// A stable hash of each key: what a push wrote, recorded so a re-run can tell an
    /// unchanged key from a rotated one although the gateway serves neither.
    pub fn key_hashes(&self) -> BTreeMap<String, u64> {
        self.keys
            .iter()
            .map(|(provider, key)| (provider.clone(), hash(key)))
            .collect()
    }

    /// The document with every provider `apikey` emptied: two documents that differ only in
    /// keys (one served redacted, one as written) compare equal.
    pub fn without_keys(&self) -> String {
        if self.keys.is_empty() {
            return self.text.to_owned();
        }
        let ops: Vec<PatchOp> = self
            .keys
            .keys()
            .map(|p| {
                PatchOp::add(
                    pointer::join(&pointer::join("/providers", p), "apikey"),
                    "".into(),
                )
            })
            .collect();
        let Ok(mut editor) = Editor::parse(self.text) else {
            return self.text.to_owned();
        };
        match editor.apply(&ops) {
            Ok(()) => editor.text(),
            Err(_) => self.text.to_owned(),
        }
    }
}

fn keys_of(document: &str) -> BTreeMap<String, String> {
    let Ok(doc) = Document::parse(document) else {
        return BTreeMap::new();
    };
    let Some(members) = doc.root.get("providers").and_then(|p| p.members()) else {
        return BTreeMap::new();
    };
    members
        .iter()
        .filter_map(|m| {
            let key = m.value.get_str("apikey")?;
            (!key.is_empty()).then(|| (m.key.as_str().to_owned(), key.to_owned()))
        })
        .collect()
}

fn hash(value: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// Whether `proposed` differs from `served` only in keys that are known to be live already:
/// sent back as served, or equal to what the last push wrote (`known`).
pub fn same_but_known_keys(
    served: &Keyed<'_>,
    proposed: &Keyed<'_>,
    known: &BTreeMap<String, u64>,
) -> bool {
    if served.text == proposed.text {
        return true;
    }
    served.without_keys() == proposed.without_keys()
        && proposed.keys.iter().all(|(provider, key)| {
            served.keys.get(provider) == Some(key) || known.get(provider) == Some(&hash(key))
        })
}

/// Whether a value has the shape of a redaction rather than a key: keys are plain ASCII
/// tokens, masks carry runs of `*`, bullets, ellipses or words such as "redacted".
pub fn looks_like_mask(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    ["redacted", "masked", "hidden", "***", "xxxx"]
        .iter()
        .any(|w| lower.contains(w))
        || value
            .chars()
            .any(|c| c.is_whitespace() || !c.is_ascii() || matches!(c, '<' | '>' | '[' | ']'))
}

/// The providers whose proposed `apikey` is a value the gateway served in place of a key
/// (equal to a served key when the API redacts keys, or shaped like a mask), so sending it
/// would overwrite the real key. Providers whose key is supplied are not counted.
pub fn masked_keys(
    redacting_api: bool,
    served: &Keyed<'_>,
    proposed: &Keyed<'_>,
    secrets: &Secrets,
) -> Vec<String> {
    proposed
        .keys
        .iter()
        .filter(|(provider, key)| {
            !secrets.supplies(provider)
                && (looks_like_mask(key)
                    || (redacting_api && served.keys.values().any(|v| v == *key)))
        })
        .map(|(provider, _)| provider.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_are_told_from_keys_by_shape() {
        for mask in [
            "**********",
            "[REDACTED]",
            "sk-a… (51 chars, redacted)",
            "<hidden>",
            "••••",
        ] {
            assert!(looks_like_mask(mask), "{mask}");
        }
        for key in [
            "sk-proj-LIVEkeyOLD0123456789abcdef",
            "AIzaSyA-1234567890",
            "hunter2hunter2",
        ] {
            assert!(!looks_like_mask(key), "{key}");
        }
    }

    #[test]
    fn a_served_value_sent_back_is_masked_only_where_the_api_redacts() {
        let served =
            r#"{"providers": {"a": {"apikey": "opaque-marker-7"}, "b": {"apikey": "real-b"}}}"#;
        let proposed =
            r#"{"providers": {"a": {"apikey": "opaque-marker-7"}, "b": {"apikey": "new-b"}}}"#;
        let none = Secrets::default();
        let (served, proposed) = (Keyed::of(served), Keyed::of(proposed));
        assert_eq!(masked_keys(true, &served, &proposed, &none), ["a"]);
        assert!(masked_keys(false, &served, &proposed, &none).is_empty());
    }

    #[test]
    fn keys_are_emptied_with_comments_kept() {
        let text =
            "{\n  // keys\n  \"providers\": {\"a\": {\"apikey\": \"x\", \"models\": []}},\n}\n";
        let out = Keyed::of(text).without_keys();
        assert!(
            out.contains("// keys") && out.contains("\"apikey\": \"\""),
            "{out}"
        );
    }
}
