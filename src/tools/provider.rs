//! `generate_provider`: a provider block built from the provider catalog, validated, and
//! optionally merged into the user's config without touching anything else in it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::grants::{GrantRule, GrantsInput, generate_grants};
use super::input::{ConfigInput, PathPolicy, ToolError};
use super::live_config::caller::{self, CallerSource, Daemon};
use crate::access::{Role, canonical_tags};
use crate::catalog::apis::Flag;
use crate::catalog::providers::{self, KEYFILE_PREFIX, KeyForm, ProviderKind, Regional};
use crate::config::edit::{EditError, Editor, ModelsEdit};
use crate::diagnostic::{Diagnostic, Severity};
use crate::tools::validate::{Mode, validate_bytes};

/// Arguments of `generate_provider`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct ProviderInput {
    // openai, anthropic, gemini, vertex, vertex_express, bedrock, openrouter, vercel, foundry,
    // openai_compatible, self_hosted, claude_subscription, chatgpt_subscription.
    pub kind: String,
    // Key under `providers` (default per kind).
    #[serde(default)]
    pub id: Option<String>,
    // Model IDs (default: examples).
    #[serde(default)]
    pub models: Option<Vec<String>>,
    /// Required for self_hosted, openai_compatible, foundry.
    #[serde(default)]
    pub baseurl: Option<String>,
    // Bedrock region (default us-east-1).
    #[serde(default)]
    pub region: Option<String>,
    /// Upstream key (default: a placeholder).
    #[serde(default)]
    pub apikey: Option<String>,
    /// Config to merge into.
    #[serde(flatten)]
    pub source: ConfigInput,
    /// Regenerate an existing ID; keys not given are kept.
    #[serde(default)]
    pub replace: bool,
    // Models to add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_models: Vec<String>,
    // Models to remove.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_models: Vec<String>,
    /// No config: the new document's admin (default: your Tailscale login, else `*`).
    #[serde(default)]
    pub admin: Option<String>,
}

/// The note on a new document: advice for a printed one, which a caller that creates the file
/// (`init`, a `--write` to a missing file) drops.
pub const NEW_DOCUMENT_NOTE: &str = "no config given: a new document that Aperture's save accepts; to add the provider to an existing config instead, pass `config` (merged, comments kept)";

/// The members this tool writes; on `replace`, the others are the user's and stay.
const GENERATED_KEYS: &[&str] = &[
    "baseurl",
    "apikey",
    "authorization",
    "auth_mode",
    "models",
    "compatibility",
    "cost_basis",
];

/// Result of `generate_provider`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ProviderOutput {
    pub provider_id: String,
    /// The provider object.
    pub provider: Value,
    /// The whole document: `config` with the provider merged in, or a new document.
    pub config: String,
    /// Validation of the result: load mode for a merge, save mode for a new document.
    pub diagnostics: Vec<Diagnostic>,
    /// What the user must know: UNCONFIRMED facts, placeholders to replace, next steps.
    pub notes: Vec<String>,
}

/// Build (and optionally merge) a provider, or edit the models of one in the config. With no
/// config the result is a whole new document that Aperture's save accepts: the provider and an
/// admin grant (`daemon` names the admin when `admin` is not given).
pub fn generate_provider(
    input: &ProviderInput,
    policy: PathPolicy,
    daemon: &Daemon,
) -> Result<ProviderOutput, ToolError> {
    let existing = input.source.read_optional(policy)?;
    let kind = providers::kind(&input.kind.replace('-', "_")).ok_or_else(|| {
        ToolError::BadArguments(format!(
            "unknown provider kind `{}`; kinds: {}",
            input.kind,
            providers::KINDS
                .iter()
                .map(|k| k.kind)
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    if let KeyForm::Keyfile { api_key_hint } = kind.key
        && input
            .apikey
            .as_deref()
            .is_some_and(|k| !k.starts_with(KEYFILE_PREFIX))
    {
        return Err(ToolError::BadArguments(format!(
            "kind `{}` authenticates with a service account: `apikey` must be `{KEYFILE_PREFIX}<base64 of the service-account JSON>`; {api_key_hint}",
            kind.kind
        )));
    }
    let region = input
        .region
        .as_deref()
        .or(kind.regional.map(|r| r.default_region))
        .unwrap_or_default();
    let id = input.id.clone().unwrap_or_else(|| default_id(kind, region));
    if id.is_empty() || id.contains('/') {
        return Err(ToolError::BadArguments(format!(
            "provider ID `{id}` cannot be used: it is the `provider` part of `provider/model` patterns, so it must be non-empty and contain no `/`"
        )));
    }
    let edits_models = !input.add_models.is_empty() || !input.remove_models.is_empty();
    if edits_models && input.models.is_some() {
        return Err(ToolError::BadArguments(
            "`models` sets the whole list and `add_models` / `remove_models` edit the existing one: give one or the other".into(),
        ));
    }
    let Some(text) = existing else {
        if edits_models {
            return Err(ToolError::BadArguments(
                "`add_models` / `remove_models` edit a provider of a config: pass the config (`config` or `config_path`)".into(),
            ));
        }
        let mut notes: Vec<String> = kind.notes.iter().map(|n| (*n).to_owned()).collect();
        let provider = build(input, kind, region, &Kept::default(), &mut notes)?;
        let admin = start_admin(input.admin.as_deref(), policy, daemon)?;
        notes.push(admin.note.clone());
        let config = start_document(&id, &provider, &admin)?;
        notes.push(NEW_DOCUMENT_NOTE.into());
        let diagnostics = validate_bytes(config.as_bytes(), Mode::Save).diagnostics;
        return Ok(finish(id, provider, config, diagnostics, notes));
    };
    if input.admin.is_some() {
        return Err(ToolError::BadArguments(
            "`admin` names the admin of a new document; this config has its own grants: add admins with generate_grants".into(),
        ));
    }
    let editor = Editor::parse(&text)?;
    let mut notes = Vec::new();
    if !edits_models || input.replace {
        notes.extend(kind.notes.iter().map(|n| (*n).to_owned()));
        merge(&editor, input, kind, region, &id, &mut notes)?;
    }
    if edits_models {
        let edit = editor
            .edit_models(&id, &input.add_models, &input.remove_models)
            .map_err(|e| match e {
                EditError::NoSuchProvider(_) => ToolError::BadArguments(format!(
                    "no provider `{id}` in the config, so its models cannot be edited: add the provider first, or name an existing one with `id`"
                )),
                e => e.into(),
            })?;
        models_notes(&id, &edit, &mut notes);
    }
    let config = editor.text();
    let provider = editor.provider(&id).unwrap_or(Value::Null);
    let diagnostics = validate_bytes(config.as_bytes(), Mode::Load).diagnostics;
    Ok(finish(id, provider, config, diagnostics, notes))
}

/// What an existing provider keeps on `replace` because the caller did not give it.
#[derive(Default)]
struct Kept {
    apikey: bool,
    models: bool,
}

/// Add the provider, or on `replace` regenerate the existing one in place: the members this
/// tool writes are set (apikey and models only when given or missing), the user's other
/// members and the comments stay.
fn merge(
    editor: &Editor,
    input: &ProviderInput,
    kind: &ProviderKind,
    region: &str,
    id: &str,
    notes: &mut Vec<String>,
) -> Result<(), ToolError> {
    let current = editor.provider(id);
    if !input.replace
        && let Some(Value::Object(existing)) = &current
        && already_as_asked(existing, input, kind, region)?
    {
        notes.push(format!(
            "provider `{id}` is already in the config as asked: nothing changed"
        ));
        return Ok(());
    }
    let Some(Value::Object(current)) = current.filter(|_| input.replace) else {
        let provider = build(input, kind, region, &Kept::default(), notes)?;
        editor.set_provider(id, &provider, input.replace)?;
        return Ok(());
    };
    let has = |key: &str| current.get(key).is_some_and(|v| !v.is_null());
    let kept = Kept {
        apikey: input.apikey.is_none() && has("apikey"),
        models: input.models.is_none() && has("models"),
    };
    let Value::Object(provider) = build(input, kind, region, &kept, notes)? else {
        return Ok(());
    };
    let keep = |key: &&str| (*key == "apikey" && kept.apikey) || (*key == "models" && kept.models);
    let remove: Vec<&str> = GENERATED_KEYS
        .iter()
        .filter(|key| !provider.contains_key(**key) && !keep(key))
        .copied()
        .collect();
    editor.update_provider(id, &provider, &remove)?;
    let kept_names: Vec<&str> = ["apikey", "models"]
        .into_iter()
        .filter(|key| keep(key))
        .chain(
            current
                .keys()
                .map(String::as_str)
                .filter(|key| !GENERATED_KEYS.contains(key)),
        )
        .collect();
    if !kept_names.is_empty() {
        notes.push(format!(
            "replace kept the provider's own `{}` (give new values to change them)",
            kept_names.join("`, `")
        ));
    }
    if kept.apikey && kind.auth_mode == Some("passthrough") {
        notes.push(
            "passthrough: clients send their own credential, so the kept `apikey` is not used"
                .into(),
        );
    }
    Ok(())
}

/// The existing provider already has every member this request would write (its key aside
/// when none is given: a real key is never compared with the placeholder): running the same
/// request again changes nothing instead of failing.
fn already_as_asked(
    existing: &Map<String, Value>,
    input: &ProviderInput,
    kind: &ProviderKind,
    region: &str,
) -> Result<bool, ToolError> {
    let kept = Kept {
        apikey: input.apikey.is_none() && existing.contains_key("apikey"),
        models: false,
    };
    // The notes of a provider that is not written do not apply.
    let Value::Object(wanted) = build(input, kind, region, &kept, &mut Vec::new())? else {
        return Ok(false);
    };
    Ok(wanted
        .iter()
        .all(|(key, value)| existing.get(key) == Some(value)))
}

/// The provider object for `kind`, without the members `kept` from the existing one.
fn build(
    input: &ProviderInput,
    kind: &ProviderKind,
    region: &str,
    kept: &Kept,
    notes: &mut Vec<String>,
) -> Result<Value, ToolError> {
    let mut provider = Map::new();
    provider.insert(
        "baseurl".into(),
        resolve_baseurl(kind, input.baseurl.as_deref(), region)?.into(),
    );
    if !kept.apikey {
        add_apikey(&mut provider, notes, kind, input.apikey.as_deref());
    }
    if let Some(auth) = kind.authorization {
        provider.insert("authorization".into(), auth.into());
    }
    if let Some(mode) = kind.auth_mode {
        provider.insert("auth_mode".into(), mode.into());
    }
    if !kept.models {
        let models = resolve_models(kind, input.models.as_deref(), region)?;
        provider.insert("models".into(), json!(models));
    }
    let mut flags = Map::new();
    // openai_chat is written explicitly: whether an omitted flag stays on is UNCONFIRMED.
    if !kind.flags.contains(&Flag::OpenaiChat) {
        flags.insert(Flag::OpenaiChat.name().into(), false.into());
    }
    for flag in kind.flags {
        flags.insert(flag.name().into(), true.into());
    }
    provider.insert("compatibility".into(), Value::Object(flags));
    if let Some(cost_basis) = cost_basis(kind, region) {
        provider.insert("cost_basis".into(), cost_basis.into());
    }
    Ok(Value::Object(provider))
}

/// Notes for models that were already there or not there to remove.
fn models_notes(id: &str, edit: &ModelsEdit, notes: &mut Vec<String>) {
    if !edit.present.is_empty() {
        notes.push(format!(
            "already in `providers.{id}.models`, not added again: {}",
            edit.present.join(", ")
        ));
    }
    if !edit.absent.is_empty() {
        notes.push(format!(
            "not in `providers.{id}.models`, nothing to remove: {}",
            edit.absent.join(", ")
        ));
    }
    if edit.added.is_empty() && edit.removed.is_empty() {
        notes.push("the models are unchanged: the config is returned as it was".into());
    }
}

fn finish(
    provider_id: String,
    provider: Value,
    config: String,
    diagnostics: Vec<Diagnostic>,
    mut notes: Vec<String>,
) -> ProviderOutput {
    if diagnostics.iter().any(|d| d.severity != Severity::Info) {
        notes.push("the result has findings: see diagnostics".into());
    }
    ProviderOutput {
        provider_id,
        provider,
        config,
        diagnostics,
        notes,
    }
}

/// Who administers a new document, and the note that says where that came from.
struct StartAdmin {
    /// One `src`: a tagged node's identity is its tag set, comma-joined, as Aperture matches it.
    src: String,
    note: String,
}

/// `admin` when given; otherwise the local Tailscale login (asked only for a local caller: a
/// remote one is not this machine's user); otherwise `*`, as a new Aperture instance has it.
fn start_admin(
    given: Option<&str>,
    policy: PathPolicy,
    daemon: &Daemon,
) -> Result<StartAdmin, ToolError> {
    // A tag set as Aperture spells it (sorted, no spaces); no other identity has whitespace,
    // and an empty one must not fall back to `*` silently.
    let given = given.map(|g| canonical_tags(g).unwrap_or_else(|| g.to_owned()));
    if let Some(given) = &given
        && (given.trim().is_empty() || given.contains(char::is_whitespace))
    {
        return Err(ToolError::BadArguments(format!(
            "{given:?} is no identity for `admin`: give one login, `group:...`, `tag:...` (several tags: `tag:a,tag:b`) or `*`"
        )));
    }
    let given = given.as_deref();
    let daemon = match policy {
        PathPolicy::Allowed => daemon,
        PathPolicy::Refused => &Daemon::Off,
    };
    let caller = caller::resolve(given, daemon);
    Ok(match (&caller.source, caller.identity.as_deref()) {
        (CallerSource::Given, Some(who)) => StartAdmin {
            src: who.to_owned(),
            note: format!("`{who}` is admin with every model"),
        },
        (CallerSource::LocalDaemon, Some(who)) => StartAdmin {
            src: who.to_owned(),
            note: format!(
                "`{who}` is admin with every model: the identity the local Tailscale daemon reports for this machine; give `admin` to name someone else"
            ),
        },
        _ => StartAdmin {
            src: "*".into(),
            note: format!(
                "everyone (`*`) is admin with every model, as on a new Aperture instance: no `admin` was given and the local Tailscale identity is unknown ({}). Give `admin` with your login to start narrower (AP214)",
                caller.detail.as_deref().unwrap_or("not asked")
            ),
        },
    })
}

/// A new document: the provider and one grant that makes `admin` admin with every model,
/// composed by the grants generator (exactly what it would merge into the provider alone).
/// What that grant needs to work (a group's visibility) is in the document's diagnostics.
fn start_document(id: &str, provider: &Value, admin: &StartAdmin) -> Result<String, ToolError> {
    let alone =
        serde_json::to_string_pretty(&json!({ "providers": { id: provider } })).unwrap_or_default();
    let rule = GrantRule {
        src: vec![admin.src.clone()],
        role: Some(Role::Admin),
        models: Some(vec!["**".into()]),
        ..GrantRule::default()
    };
    let grants = generate_grants(
        &GrantsInput {
            rules: vec![rule],
            source: ConfigInput::text(alone),
            ..GrantsInput::default()
        },
        PathPolicy::Refused,
    )?;
    let mut config = grants.config.ok_or_else(|| {
        ToolError::BadArguments("the grants generator returned no document to start from".into())
    })?;
    if !config.ends_with('\n') {
        config.push('\n');
    }
    Ok(config)
}

/// Put the key in `apikey` (or a placeholder for it), with the notes the key form calls for.
fn add_apikey(
    provider: &mut Map<String, Value>,
    notes: &mut Vec<String>,
    kind: &ProviderKind,
    apikey: Option<&str>,
) {
    match (apikey, kind.auth_mode, kind.key) {
        (_, Some("passthrough"), _) => {
            notes.push(
                "passthrough: clients send their own credential, so no apikey is stored".into(),
            );
        }
        (Some(key), _, _) => {
            provider.insert("apikey".into(), key.into());
        }
        (None, _, KeyForm::Optional) => {
            notes.push("no apikey: add one only if the server requires a key".into())
        }
        (None, _, KeyForm::Keyfile { .. }) => {
            provider.insert(
                "apikey".into(),
                "keyfile::REPLACE_WITH_BASE64_SERVICE_ACCOUNT_JSON".into(),
            );
            notes.push("replace the apikey placeholder with `keyfile::` + base64 of the service-account JSON (`base64 -w0 key.json`)".into());
        }
        (None, _, KeyForm::ApiKey) => {
            let placeholder = format!("REPLACE_WITH_{}_API_KEY", kind.kind.to_ascii_uppercase());
            provider.insert("apikey".into(), placeholder.clone().into());
            notes.push(format!(
                "replace `{placeholder}` with the real key before saving"
            ));
        }
    }
}

fn resolve_baseurl(
    kind: &ProviderKind,
    given: Option<&str>,
    region: &str,
) -> Result<String, ToolError> {
    if let Some(url) = given {
        return Ok(url.to_owned());
    }
    if let Some(what) = kind.custom_baseurl {
        return Err(ToolError::BadArguments(format!(
            "kind `{}` needs `baseurl`: {what} (without `/v1`; e.g. `{}`)",
            kind.kind, kind.baseurl
        )));
    }
    Ok(kind.baseurl.replace("{region}", region))
}

fn resolve_models(
    kind: &ProviderKind,
    given: Option<&[String]>,
    region: &str,
) -> Result<Vec<String>, ToolError> {
    match given {
        Some(models) if !models.is_empty() => Ok(models.to_vec()),
        _ if kind.example_models.iter().any(|m| m.starts_with('<')) => {
            Err(ToolError::BadArguments(format!(
                "kind `{}` needs `models`: the model IDs exactly as the server expects them",
                kind.kind
            )))
        }
        _ => Ok(kind
            .example_models
            .iter()
            .map(|m| match kind.regional {
                Some(regional) => regional.model_for(m, region),
                None => (*m).to_owned(),
            })
            .collect()),
    }
}

fn default_id(kind: &ProviderKind, region: &str) -> String {
    match kind.regional {
        Some(regional) => format!("{}-{}", regional.id_prefix, Regional::geography(region)),
        None => kind.default_id.to_owned(),
    }
}

fn cost_basis(kind: &ProviderKind, region: &str) -> Option<&'static str> {
    match kind.regional {
        Some(regional) => Some(regional.cost_basis(region)),
        None => kind.cost_basis,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generate_provider_text(input: &ProviderInput) -> Result<ProviderOutput, ToolError> {
        generate_provider(input, PathPolicy::Allowed, &Daemon::Off)
    }

    fn input(kind: &str) -> ProviderInput {
        ProviderInput {
            kind: kind.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_remote_caller_never_gets_this_machines_identity_as_admin() {
        // Over HTTP the request is not this machine's user: the daemon is not asked at all.
        let daemon = Daemon::Cli("/nonexistent/tailscale".into());
        let remote = start_admin(None, PathPolicy::Refused, &daemon).unwrap();
        assert_eq!(remote.src, "*");
        assert!(remote.note.contains("not asked"), "{}", remote.note);
        let local = start_admin(None, PathPolicy::Allowed, &daemon).unwrap();
        assert!(local.note.contains("could not be run"), "{}", local.note);
        let tagged = start_admin(Some("tag:web, tag:ci"), PathPolicy::Refused, &daemon).unwrap();
        assert_eq!(tagged.src, "tag:ci,tag:web");
        for nobody in ["", "  ", "not a login"] {
            let Err(err) = start_admin(Some(nobody), PathPolicy::Allowed, &daemon) else {
                panic!("{nobody:?} became an admin");
            };
            assert!(err.to_string().contains("no identity"), "{err}");
        }
    }

    #[test]
    fn a_new_document_saves_and_admin_with_a_config_is_refused() {
        let out = generate_provider_text(&ProviderInput {
            admin: Some("me@example.com".into()),
            ..input("anthropic")
        })
        .unwrap();
        assert!(validate_bytes(out.config.as_bytes(), Mode::Save).valid);
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        let err = generate_provider_text(&ProviderInput {
            admin: Some("me@example.com".into()),
            source: ConfigInput::text(out.config),
            ..input("openai")
        })
        .unwrap_err();
        assert!(err.to_string().contains("generate_grants"), "{err}");
    }

    #[test]
    fn the_same_request_again_changes_nothing_and_a_different_one_still_needs_replace() {
        let first = generate_provider_text(&input("anthropic")).unwrap();
        // The user puts the real key in; the same request again leaves the file alone.
        let with_key = first
            .config
            .replace("REPLACE_WITH_ANTHROPIC_API_KEY", "sk-ant-real");
        let again = generate_provider_text(&ProviderInput {
            source: ConfigInput::text(with_key.clone()),
            ..input("anthropic")
        })
        .unwrap();
        assert_eq!(again.config, with_key);
        assert!(again.notes.iter().any(|n| n.contains("nothing changed")));
        assert!(!again.notes.iter().any(|n| n.contains("REPLACE_WITH")));
        let other = generate_provider_text(&ProviderInput {
            models: Some(vec!["claude-opus-4-8".into()]),
            source: ConfigInput::text(with_key),
            ..input("anthropic")
        })
        .unwrap_err();
        assert!(other.to_string().contains("replace"), "{other}");
    }

    #[test]
    fn bedrock_follows_the_region() {
        let out = generate_provider_text(&ProviderInput {
            region: Some("eu-central-1".into()),
            ..input("bedrock")
        })
        .unwrap();
        assert_eq!(out.provider_id, "bedrock-eu");
        assert_eq!(
            out.provider["baseurl"],
            "https://bedrock-runtime.eu-central-1.amazonaws.com"
        );
        assert_eq!(out.provider["cost_basis"], "bedrock-eu");
        assert!(
            out.provider["models"][0]
                .as_str()
                .unwrap()
                .starts_with("eu.")
        );
    }

    #[test]
    fn kinds_that_need_arguments_say_so() {
        let err = generate_provider_text(&input("self_hosted"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("baseurl"), "{err}");
        let err = generate_provider_text(&ProviderInput {
            baseurl: Some("http://100.64.0.5:8080".into()),
            ..input("self_hosted")
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("models"), "{err}");
        assert!(
            generate_provider_text(&input("nope"))
                .unwrap_err()
                .to_string()
                .contains("anthropic")
        );
    }

    #[test]
    fn merging_keeps_comments_and_refuses_duplicates() {
        let config = "{\n  // mine\n  \"providers\": {\n    \"anthropic\": {}, // keep\n  },\n}\n";
        let out = generate_provider_text(&ProviderInput {
            source: ConfigInput::text(config),
            ..input("openai")
        })
        .unwrap();
        assert!(
            out.config.contains("// mine")
                && out.config.contains("// keep")
                && out.config.contains("\"openai\"")
        );
        let err = generate_provider_text(&ProviderInput {
            source: ConfigInput::text(config),
            ..input("anthropic")
        })
        .unwrap_err();
        assert!(err.to_string().contains("already exists"));
    }
}
