//! `generate_connector`: a connector under `connectors.servers` built from the connector facts
//! (`catalog::connectors`), with grants giving the named sources the whole connector, merged
//! into the user's config with comments kept, and validated in save mode.
//!
//! The credential comes from an environment variable and never reaches the output: the
//! returned connector and document show it masked; only `writable`, which is never serialized,
//! holds it, for the CLI to write.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::grants::{EditMode, GrantRule, GrantsInput, Target, generate_grants};
use super::input::{ConfigInput, PathPolicy, ToolError, env_secret};
use crate::access::{self, GrantIndex, Person, PersonAccess, Role};
use crate::catalog::connectors::{self as facts, AuthType, NO_AUTH, PROTOCOLS};
use crate::config::edit::Editor;
use crate::config::{Document, Node, pointer};
use crate::diagnostic::{Diagnostic, PatchOp, Severity};
use crate::rules::catalog;
use crate::tools::validate::{Mode, validate_bytes};

/// The header an `api_key` credential goes in when `key_name` is not given.
pub const DEFAULT_KEY_NAME: &str = "X-Api-Key";
/// Stands for Aperture's hostname in the callback until the user gives a full one.
const HOST_PLACEHOLDER: &str = "<aperture-hostname>";

/// Arguments of `generate_connector`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct ConnectorInput {
    pub id: String,
    pub url: String,
    // mcp, http.
    pub protocol: String,
    /// none, bearer, api_key, basic, oauth2, oauth2_client_credentials, oauth2_dcr.
    pub auth: String,
    // Env var with the secret.
    #[serde(default)]
    pub secret_env: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    /// Default X-Api-Key.
    #[serde(default)]
    pub key_name: Option<String>,
    // header, query.
    #[serde(default)]
    pub key_in: Option<String>,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub auth_url: Option<String>,
    #[serde(default)]
    pub token_url: Option<String>,
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    // Sources to grant it.
    #[serde(default)]
    pub grants: Vec<String>,
    /// Aperture's FQDN, for `callback`.
    #[serde(default)]
    pub host: Option<String>,
    #[serde(flatten)]
    pub source: ConfigInput,
    // Overwrite a different one.
    #[serde(default)]
    pub replace: bool,
}

/// Result of `generate_connector`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ConnectorOutput {
    pub connector_id: String,
    /// Secret masked.
    pub connector: Value,
    /// OAuth redirect URI to register.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<String>,
    // The grant objects for the sources (merged idempotently).
    pub grants: Vec<Value>,
    /// The whole document, secret masked.
    pub config: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed: Option<bool>,
    // Save-mode validation of the result.
    pub diagnostics: Vec<Diagnostic>,
    pub notes: Vec<String>,
    /// `config` with the secret in it, for writing back; never serialized.
    #[serde(skip)]
    #[schemars(skip)]
    pub writable: String,
}

/// A credential and where it came from.
struct Secret {
    value: String,
    /// Kept from the connector already in the config (`replace` without a new one).
    kept: bool,
}

/// Build a connector (and grants for it) and merge both into the config.
pub fn generate_connector(
    input: &ConnectorInput,
    policy: PathPolicy,
) -> Result<ConnectorOutput, ToolError> {
    let existing = input.source.read_optional(policy)?;
    let id = input.id.trim();
    let protocol = input.protocol.trim().to_ascii_lowercase();
    if !PROTOCOLS.contains(&protocol.as_str()) {
        return Err(ToolError::BadArguments(format!(
            "`protocol` must be `mcp` (an MCP server) or `http` (an HTTP API behind Aperture's proxy), not `{}`",
            crate::redact::excerpt(&input.protocol, 40)
        )));
    }
    let auth = auth_type(&input.auth)?;
    check_fields(input, auth)?;
    let given_secret = read_secret(input, auth, policy)?;
    let doc = Document::parse(existing.as_deref().unwrap_or("{}"))?;
    let servers = doc.root.get("connectors").and_then(|c| c.get("servers"));
    let current = servers.and_then(|s| s.get(id));
    let secret = given_secret
        .map(|value| Secret { value, kept: false })
        .or_else(|| {
            // Never write a placeholder over a real secret: without a new one the old one
            // stays (so a re-run after the secret was filled in by hand changes nothing).
            kept_secret(current, auth).map(|value| Secret { value, kept: true })
        });
    let mut notes = Vec::new();
    let connector = connector_object(input, &protocol, auth, secret.as_ref(), &mut notes);
    refuse_rule_findings(id, &connector)?;
    let text = existing.clone().unwrap_or_else(|| "{}".to_owned());
    let merged = merge_connector(&text, &doc.root, id, &connector, current, input.replace)?;
    let (merged, grants) = merge_grants(&merged, id, &input.grants, &mut notes)?;
    let callback = auth
        .filter(|a| a.per_user())
        .map(|_| callback(input.host.as_deref(), id, &mut notes));
    general_notes(
        input,
        id,
        &protocol,
        auth,
        &doc.root,
        secret.as_ref(),
        &mut notes,
    );
    let diagnostics = diagnostics(&merged, id, existing.is_some(), &mut notes);
    let secrets: Vec<&str> = secret.iter().map(|s| s.value.as_str()).collect();
    Ok(ConnectorOutput {
        connector_id: id.to_owned(),
        connector: mask_value(connector, &secrets),
        callback,
        grants,
        config: mask_text(&merged, &secrets),
        changed: existing.as_ref().map(|before| *before != merged),
        diagnostics,
        notes,
        writable: merged,
    })
}

/// The auth type a word names (`None` for `none`).
fn auth_type(word: &str) -> Result<Option<AuthType>, ToolError> {
    let word = word.trim();
    if word == NO_AUTH {
        return Ok(None);
    }
    AuthType::parse(word).map(Some).ok_or_else(|| {
        ToolError::BadArguments(format!(
            "unknown `auth` `{}`; use one of {}",
            crate::redact::excerpt(word, 40),
            facts::auth_words().join(", ")
        ))
    })
}

/// The inputs each auth type needs, and none it does not use.
fn check_fields(input: &ConnectorInput, auth: Option<AuthType>) -> Result<(), ToolError> {
    use AuthType::*;
    let fields: [(&str, bool, &[AuthType]); 7] = [
        ("username", input.username.is_some(), &[Basic]),
        ("key_name", input.key_name.is_some(), &[ApiKey]),
        ("key_in", input.key_in.is_some(), &[ApiKey]),
        (
            "client_id",
            input.client_id.is_some(),
            &[Oauth2ClientCredentials, Oauth2AuthorizationCode],
        ),
        (
            "auth_url",
            input.auth_url.is_some(),
            &[Oauth2AuthorizationCode],
        ),
        (
            "token_url",
            input.token_url.is_some(),
            &[Oauth2ClientCredentials, Oauth2AuthorizationCode],
        ),
        (
            "scopes",
            input.scopes.is_some(),
            &[Oauth2ClientCredentials, Oauth2AuthorizationCode, Oauth2Dcr],
        ),
    ];
    let word = auth.map_or(NO_AUTH, AuthType::word);
    for (field, given, types) in fields {
        let applies = auth.is_some_and(|a| types.contains(&a));
        if given && !applies {
            let for_types: Vec<&str> = types.iter().map(|t| t.word()).collect();
            return Err(ToolError::BadArguments(format!(
                "`{field}` is for auth {} only, not `{word}`: drop it or choose that auth",
                for_types.join(", ")
            )));
        }
    }
    // (input, how a message names it: the CLI words table turns each into its flag).
    const USERNAME: (&str, &str) = ("username", "input `username`");
    const CLIENT_ID: (&str, &str) = ("client_id", "input `client_id`");
    const AUTH_URL: (&str, &str) = ("auth_url", "input `auth_url`");
    const TOKEN_URL: (&str, &str) = ("token_url", "input `token_url`");
    let needed: &[(&str, &str)] = match auth {
        Some(Basic) => &[USERNAME],
        Some(Oauth2ClientCredentials) => &[CLIENT_ID, TOKEN_URL],
        Some(Oauth2AuthorizationCode) => &[CLIENT_ID, AUTH_URL, TOKEN_URL],
        _ => &[],
    };
    let missing: Vec<&str> = needed
        .iter()
        .filter(|(n, _)| !fields.iter().any(|(field, given, _)| field == n && *given))
        .map(|(_, named)| *named)
        .collect();
    if !missing.is_empty() {
        return Err(ToolError::BadArguments(format!(
            "auth `{word}` needs {}",
            missing.join(", ")
        )));
    }
    if let Some(place) = input.key_in.as_deref()
        && place != "header"
        && place != "query"
    {
        return Err(ToolError::BadArguments(format!(
            "`key_in` must be `header` or `query`, not `{}`",
            crate::redact::excerpt(place, 40)
        )));
    }
    Ok(())
}

/// The secret from the variable `secret_env` names, when the type takes one and it is given.
fn read_secret(
    input: &ConnectorInput,
    auth: Option<AuthType>,
    policy: PathPolicy,
) -> Result<Option<String>, ToolError> {
    let Some(name) = input.secret_env.as_deref() else {
        return Ok(None);
    };
    if auth.and_then(AuthType::secret_field).is_none() {
        return Err(ToolError::BadArguments(format!(
            "auth `{}` takes no secret: drop `secret_env`",
            auth.map_or(NO_AUTH, AuthType::word)
        )));
    }
    if policy == PathPolicy::Refused {
        return Err(ToolError::BadArguments(
            "`secret_env` is refused by this server (it serves HTTP without --allow-paths): a remote caller must not make the server put its environment into a config".into(),
        ));
    }
    env_secret("secret_env", name).map(Some)
}

/// The secret of the connector already in the config, if it has a real one in the field the
/// new type uses.
fn kept_secret(current: Option<&Node>, auth: Option<AuthType>) -> Option<String> {
    let field = auth?.secret_field()?;
    let value = current?.get("auth")?.get_str(field)?;
    (!value.is_empty() && !value.starts_with(PLACEHOLDER_PREFIX)).then(|| value.to_owned())
}

const PLACEHOLDER_PREFIX: &str = "REPLACE_WITH_";

/// The connector object.
fn connector_object(
    input: &ConnectorInput,
    protocol: &str,
    auth: Option<AuthType>,
    secret: Option<&Secret>,
    notes: &mut Vec<String>,
) -> Value {
    let mut connector = Map::new();
    connector.insert("protocol".into(), protocol.into());
    connector.insert("url".into(), input.url.trim().into());
    let Some(auth) = auth else {
        return Value::Object(connector);
    };
    let mut object = Map::new();
    object.insert("type".into(), auth.name().into());
    let optional = [
        ("username", input.username.clone().map(Value::from)),
        ("client_id", input.client_id.clone().map(Value::from)),
        ("auth_url", input.auth_url.clone().map(Value::from)),
        ("token_url", input.token_url.clone().map(Value::from)),
        ("scopes", input.scopes.clone().map(Value::from)),
    ];
    for (field, value) in optional {
        if let Some(value) = value {
            object.insert(field.into(), value);
        }
    }
    if auth == AuthType::ApiKey {
        if input.key_name.is_none() {
            notes.push(format!("api_key: the key goes in the `{DEFAULT_KEY_NAME}` header (the default); give `key_name` (and `key_in`: `query`) if the API expects it elsewhere"));
        }
        let name = input.key_name.as_deref().unwrap_or(DEFAULT_KEY_NAME);
        object.insert("name".into(), name.into());
        object.insert(
            "in".into(),
            input.key_in.as_deref().unwrap_or("header").into(),
        );
    }
    if let Some(field) = auth.secret_field() {
        let value = match secret {
            Some(s) => s.value.clone(),
            None => format!("{PLACEHOLDER_PREFIX}{}", field.to_ascii_uppercase()),
        };
        object.insert(field.into(), value.into());
    }
    connector.insert("auth".into(), Value::Object(object));
    Value::Object(connector)
}

/// The ID, protocol and URL must pass the connector rules: refused in those rules' words.
fn refuse_rule_findings(id: &str, connector: &Value) -> Result<(), ToolError> {
    let probe = json!({ "connectors": { "servers": { id: connector } } });
    let refusing = [
        catalog::CONNECTOR_ID_PATTERN.code,
        catalog::CONNECTOR_ID_RESERVED.code,
        catalog::CONNECTOR_PROTOCOL.code,
        catalog::CONNECTOR_URL.code,
    ];
    let found: Vec<String> = validate_bytes(probe.to_string().as_bytes(), Mode::Save)
        .diagnostics
        .into_iter()
        .filter(|d| refusing.contains(&d.code.as_str()))
        .map(|d| format!("{} {}; {}", d.code, d.message, d.fix.description))
        .collect();
    if found.is_empty() {
        Ok(())
    } else {
        Err(ToolError::BadArguments(format!(
            "refused: {}",
            found.join("; ")
        )))
    }
}

/// `connectors.servers.<id>` set in the config text (the sections created when missing).
/// A different connector with the ID is refused unless `replace`; the same one is left as is.
fn merge_connector(
    text: &str,
    root: &Node,
    id: &str,
    connector: &Value,
    current: Option<&Node>,
    replace: bool,
) -> Result<String, ToolError> {
    let path = pointer::join("/connectors/servers", id);
    let op = match current {
        Some(node) if node.to_json() == *connector => return Ok(text.to_owned()),
        Some(_) if !replace => {
            return Err(ToolError::BadArguments(format!(
                "connector `{id}` already exists in the config and differs: set `replace` to overwrite it (its secret is kept unless a new one is given), or choose another ID"
            )));
        }
        Some(_) => PatchOp::replace(&path, connector.clone()),
        None => match root.get("connectors") {
            None => PatchOp::add("/connectors", json!({ "servers": { id: connector } })),
            Some(c) if c.get("servers").is_none() => {
                PatchOp::add("/connectors/servers", json!({ id: connector }))
            }
            Some(_) => PatchOp::add(&path, connector.clone()),
        },
    };
    let mut editor = Editor::parse(text)?;
    editor.apply(&[op])?;
    Ok(editor.text())
}

/// Grants giving each source the whole connector (`<id>/**`), and `role: user` to a source
/// that has no role (explain and Aperture refuse a caller without one). Mode add: a grant
/// already there is not added again.
fn merge_grants(
    text: &str,
    id: &str,
    sources: &[String],
    notes: &mut Vec<String>,
) -> Result<(String, Vec<Value>), ToolError> {
    if sources.is_empty() {
        notes.push(format!("no `grants`: nobody reaches `{id}` until a grant gives them `\"connectors\": [\"{id}/**\"]`"));
        return Ok((text.to_owned(), Vec::new()));
    }
    if sources.iter().any(|s| s.trim().is_empty()) {
        return Err(ToolError::BadArguments(
            "`grants` has an empty source: give a login, `group:...`, `tag:...` or `*`".into(),
        ));
    }
    let doc = Document::parse(text)?;
    let refs = access::grants(&doc.root);
    let index = GrantIndex::new(&refs);
    let rules: Vec<GrantRule> = sources
        .iter()
        .map(|src| {
            let person = Person::of_selector(src.trim());
            let has_role = PersonAccess::of(&index, &person.example()).role.is_some();
            GrantRule {
                src: vec![src.trim().to_owned()],
                role: (!has_role).then_some(Role::User),
                connectors: Some(vec![format!("{id}/**")]),
                ..GrantRule::default()
            }
        })
        .collect();
    let given_a_role: Vec<String> = rules
        .iter()
        .filter(|r| r.role.is_some())
        .map(|r| format!("`{}`", r.src.join(",")))
        .collect();
    let out = generate_grants(
        &GrantsInput {
            rules,
            mode: EditMode::Add,
            target: Target::Config,
            source: ConfigInput::text(text),
            // The connector adds no admin and takes none away: a missing one is the
            // validation's finding, not this tool's refusal.
            allow_no_admin: true,
            ..GrantsInput::default()
        },
        PathPolicy::Allowed,
    )
    .map_err(|e| in_source_words(e, sources))?;
    // Notes about the internal rules ("rule 0 ..."), the edit mode and the lockout switch are
    // about how this tool called the grants generator, not about the user's config.
    notes.extend(out.notes.into_iter().filter(|n| {
        !["allow_no_admin", "rule ", "mode "]
            .iter()
            .any(|p| n.starts_with(p))
    }));
    let names: Vec<String> = sources.iter().map(|s| format!("`{}`", s.trim())).collect();
    notes.push(match out.changed {
        Some(false) => format!("the grants already give {} `{id}/**`", names.join(", ")),
        _ if given_a_role.is_empty() => format!("granted `{id}/**` to {}", names.join(", ")),
        _ => format!(
            "granted `{id}/**` to {}, and `role: user` to {} (no grant gave them a role; a caller needs one)",
            names.join(", "),
            given_a_role.join(", ")
        ),
    });
    Ok((out.config.unwrap_or_else(|| text.to_owned()), out.grants))
}

/// A refusal of the grants generator about its rule `i` (one per source), said of the source.
fn in_source_words(error: ToolError, sources: &[String]) -> ToolError {
    let ToolError::BadArguments(message) = error else {
        return error;
    };
    let about = message.strip_prefix("rule ").and_then(|rest| {
        let (i, said) = rest.split_once(": ")?;
        Some((sources.get(i.parse::<usize>().ok()?)?, said))
    });
    ToolError::BadArguments(match about {
        Some((src, said)) => format!("`grants` source `{}`: {said}", src.trim()),
        None => message,
    })
}

/// The callback URL, with a placeholder (and a note) unless `host` is a full hostname.
fn callback(host: Option<&str>, id: &str, notes: &mut Vec<String>) -> String {
    let host = host.map(|h| {
        let h = h.trim();
        crate::net::host_of(h).unwrap_or_else(|| h.trim_end_matches('/').to_owned())
    });
    let full = host.as_deref().filter(|h| h.contains('.'));
    let url = facts::oauth_callback(full.unwrap_or(HOST_PLACEHOLDER), id);
    match (full, host.as_deref()) {
        (Some(_), _) => {}
        (None, Some(short)) => notes.push(format!("`{short}` is not a full hostname: the provider sends the user's browser to the callback, so register it with Aperture's full name (e.g. `ai.<tailnet>.ts.net`) in place of `{HOST_PLACEHOLDER}`")),
        (None, None) => notes.push(format!("give `host` (Aperture's full hostname, e.g. `ai.<tailnet>.ts.net`) to fill `{HOST_PLACEHOLDER}` in the callback")),
    }
    notes.push(format!("register `{url}` as the redirect URI at the OAuth provider (https, not http); each user then connects `{id}` (dashboard Connectors → Connect) before its tools appear"));
    url
}

/// What the user must know whatever happened: the flag, how the connector is reached, the
/// credential's state, UNCONFIRMED spellings.
fn general_notes(
    input: &ConnectorInput,
    id: &str,
    protocol: &str,
    auth: Option<AuthType>,
    root: &Node,
    secret: Option<&Secret>,
    notes: &mut Vec<String>,
) {
    if root
        .get("flags")
        .and_then(|f| f.get("connectors"))
        .is_some()
    {
        notes.push("keep `flags.connectors`: Aperture builds older than Jul 2026 need it to read `connectors`; newer ones ignore it".into());
    } else {
        notes.push("Aperture builds older than Jul 2026 read `connectors` only with `\"flags\": {\"connectors\": {\"value\": true}}`; it is needed on older builds and harmless on newer ones".into());
    }
    notes.push(if protocol == "http" {
        format!("callers reach it at `/v1/connectors/{id}/<path>` (proxy calls are not captured in the dashboard)")
    } else {
        format!("callers see its tools over `/v1/mcp` as `{id}_<tool>`")
    });
    let Some(auth) = auth else {
        return;
    };
    match (auth.secret_field(), secret) {
        (Some(field), None) => notes.push(format!("`auth.{field}` is a placeholder: set it, or run again with `secret_env` naming the variable that holds it (and `replace`)")),
        (Some(field), Some(s)) if s.kept => notes.push(format!("kept the existing `auth.{field}` (masked in this output)")),
        (Some(field), Some(_)) => notes.push(format!("`auth.{field}` comes from ${}: this output shows it masked (a result never carries the secret); the command line's connector command writes the value into the file", input.secret_env.as_deref().unwrap_or_default())),
        (None, _) => {}
    }
    if auth.oauth() {
        notes.push("the OAuth field names (`client_id`, `client_secret`, `auth_url`, `token_url`, `scopes`) are UNCONFIRMED: check them against https://tailscale.com/docs/aperture/connectors/reference".into());
    }
    if !auth.per_user() {
        notes.push(format!(
            "one credential serves every caller granted `{id}`: scope it narrowly"
        ));
    }
}

/// Save-mode validation of the result: all of it for a given config, else only the connector's.
fn diagnostics(
    merged: &str,
    id: &str,
    config_given: bool,
    notes: &mut Vec<String>,
) -> Vec<Diagnostic> {
    let all = validate_bytes(merged.as_bytes(), Mode::Save).diagnostics;
    let diagnostics: Vec<Diagnostic> = if config_given {
        all
    } else {
        notes.push("no config given: a new document with the connector and its grants; pass `config` to merge it (comments kept) and check the rest".into());
        let prefix = pointer::join("/connectors/servers", id);
        all.into_iter()
            .filter(|d| d.path == prefix || d.path.starts_with(&format!("{prefix}/")))
            .collect()
    };
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        notes.push("the result has errors: see diagnostics".into());
    }
    diagnostics
}

/// `value` with every string equal to a secret masked.
fn mask_value(value: Value, secrets: &[&str]) -> Value {
    match value {
        Value::String(s) if secrets.contains(&s.as_str()) => crate::redact::mask(&s).into(),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, mask_value(v, secrets)))
                .collect(),
        ),
        other => other,
    }
}

/// `text` with every secret, as a whole JSON string, masked (a short secret must not mask
/// every word it is part of).
fn mask_text(text: &str, secrets: &[&str]) -> String {
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
    secrets.iter().fold(text.to_owned(), |out, secret| {
        out.replace(&quoted(secret), &quoted(&crate::redact::mask(secret)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_in_text_and_values() {
        let secret = "tok\"en-1";
        let text = serde_json::to_string(&json!({"auth": {"secret": secret}})).unwrap();
        let masked = mask_text(&text, &[secret]);
        assert!(!masked.contains("tok\\\"en-1"), "{masked}");
        let value = mask_value(json!({"auth": {"secret": secret}}), &[secret]);
        assert!(!value.to_string().contains("en-1"), "{value}");
    }
}
