//! `generate_grants`: grants in the current form (or the tailnet policy file form, or legacy
//! `temp_grants` on request), merged without loss, with an admin-lockout guard and the
//! effective access table computed by the shared access core.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::input::{ConfigInput, PathPolicy, ToolError};
use crate::access::{self, APERTURE_CAP, AccessRow, Role, canonical_tags};
use crate::config::Document;
use crate::config::edit::Editor;
use crate::diagnostic::Diagnostic;
use crate::tools::validate::{Mode, validate_bytes};

/// Where the grants go.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// `grants` in the Aperture config (no `dst`).
    #[default]
    Config,
    /// `grants` in the tailnet policy file (`dst` required, optional `ip`).
    Policy,
    /// Deprecated `temp_grants` (only for gateways that predate `grants`).
    Legacy,
}

/// Who gets what.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct GrantRule {
    /// Logins, `group:...`, `tag:a,tag:b`, `*`.
    pub src: Vec<String>,
    #[serde(default)]
    pub role: Option<Role>,
    /// `provider/model` globs (`*` one segment, `**` any).
    #[serde(default)]
    pub models: Option<Vec<String>>,
    /// Buckets charged for these models, e.g. `daily:<user>`.
    #[serde(default)]
    pub quotas: Option<Vec<String>>,
    #[serde(default)]
    pub enable_chat_ui: Option<bool>,
    #[serde(default)]
    pub read_metrics: Option<bool>,
    /// e.g. `github/**`, `label:system`.
    #[serde(default)]
    pub connectors: Option<Vec<String>>,
}

/// Arguments of `generate_grants`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct GrantsInput {
    pub rules: Vec<GrantRule>,
    #[serde(default)]
    pub target: Target,
    /// Policy `dst` (default `tag:aperture`).
    #[serde(default)]
    pub aperture_selector: Option<String>,
    /// Policy `ip`, e.g. `["tcp:80"]`.
    #[serde(default)]
    pub ip: Option<Vec<String>>,
    /// Config to merge into.
    #[serde(flatten)]
    pub source: ConfigInput,
    /// Accept a result with no admin.
    #[serde(default)]
    pub allow_no_admin: bool,
}

/// Result of `generate_grants`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct GrantsOutput {
    /// The generated grant objects.
    pub grants: Vec<Value>,
    /// The merged config (config and legacy targets, when `config` was given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
    /// Effective access per identity (each login, group member, tag set, and anyone else for
    /// `*`): role, models, buckets, hooks and connectors from every grant that matches it, for
    /// certain (group memberships aside).
    pub access: Vec<AccessRow>,
    pub diagnostics: Vec<Diagnostic>,
    pub notes: Vec<String>,
}

pub fn generate_grants(input: &GrantsInput, policy: PathPolicy) -> Result<GrantsOutput, ToolError> {
    let existing = input.source.read_optional(policy)?;
    if input.rules.is_empty() {
        return Err(ToolError::BadArguments(
            "no rules: give at least one `{src, role?, models?}`".into(),
        ));
    }
    let mut notes = Vec::new();
    let mut current = Vec::new();
    for (i, rule) in input.rules.iter().enumerate() {
        current.push(current_grant(i, rule, &mut notes)?);
    }
    let grants: Vec<Value> = match input.target {
        Target::Config => current.clone(),
        Target::Policy => {
            let dst = input
                .aperture_selector
                .clone()
                .unwrap_or_else(|| "tag:aperture".into());
            notes.push(format!(
                "tailnet policy file form: `dst` targets the Aperture node(s) (`{dst}`); a policy grant without `dst` silently applies to nothing. Define each grant in one place only."
            ));
            current
                .iter()
                .map(|g| {
                    let mut out = Map::new();
                    out.insert("src".into(), g["src"].clone());
                    out.insert("dst".into(), json!([dst]));
                    if let Some(ip) = &input.ip {
                        out.insert("ip".into(), json!(ip));
                    }
                    out.insert("app".into(), g["app"].clone());
                    Value::Object(out)
                })
                .collect()
        }
        Target::Legacy => {
            notes.push("legacy `temp_grants` requested: it is deprecated and its semantics beyond this shape are UNCONFIRMED; use only for gateways that predate `grants`".into());
            input
                .rules
                .iter()
                .map(legacy_grant)
                .collect::<Result<_, _>>()?
        }
    };

    // The document the grants end up in, for the lockout guard, diagnostics and access.
    let (merged, config_out) = match (&existing, input.target) {
        (Some(text), Target::Config | Target::Legacy) => {
            let editor = Editor::parse(text)?;
            let section = if input.target == Target::Legacy {
                "temp_grants"
            } else {
                "grants"
            };
            editor.append_to(section, &grants)?;
            let text = editor.text();
            (text.clone(), Some(text))
        }
        (Some(text), Target::Policy) => {
            // Policy grants combine additively with the config's own grants.
            let editor = Editor::parse(text)?;
            editor.append_to("grants", &current)?;
            (editor.text(), None)
        }
        (None, _) => (json!({ "grants": current }).to_string(), None),
    };
    let doc = Document::parse(&merged)?;
    // Current grants and legacy temp_grants together, as Aperture applies both.
    let all = access::AllGrants::new(doc);
    let refs = all.refs();
    let has_admin = refs
        .iter()
        .any(|g| g.role() == Some(Role::Admin) && !g.src.is_empty());
    if !has_admin && !input.allow_no_admin {
        return Err(ToolError::BadArguments(
            "refused: after these grants nobody has `role: admin`, so nobody could manage this gateway (lockout). Add an admin rule (e.g. `{\"src\": [\"you@example.com\"], \"role\": \"admin\"}`), or set `allow_no_admin` if that is really what you want".into(),
        ));
    }
    if !has_admin {
        notes.push("allow_no_admin: the result has no admin (lockout accepted on request)".into());
    }
    let access = access::access_table(&refs);
    let validated = validate_bytes(merged.as_bytes(), Mode::Save).diagnostics;
    let diagnostics = if existing.is_some() {
        validated
    } else {
        notes.push("no config given: provider, hook and quota references were not checked; pass `config` to check them and merge".into());
        validated
            .into_iter()
            .filter(|d| !crate::rules::catalog::by_code(&d.code).is_some_and(|r| r.cross_reference))
            .collect()
    };
    Ok(GrantsOutput {
        grants,
        config: config_out,
        access,
        diagnostics,
        notes,
    })
}

fn current_grant(i: usize, rule: &GrantRule, notes: &mut Vec<String>) -> Result<Value, ToolError> {
    if rule.src.is_empty() {
        return Err(ToolError::BadArguments(format!(
            "rule {i} has no `src`: say who it is for (a login, `group:...`, `tag:...` or `*`)"
        )));
    }
    let mut src = Vec::new();
    for s in &rule.src {
        if s == "tagged-devices" {
            return Err(ToolError::BadArguments(format!(
                "rule {i}: `tagged-devices` is a display label, not an identity; use the tag identity such as `tag:ci` (several tags: `tag:a,tag:b`)"
            )));
        }
        match canonical_tags(s) {
            Some(canonical) if &canonical != s => {
                notes.push(format!("`{s}` written as `{canonical}`: Aperture matches tag sets sorted and comma-joined without spaces"));
                src.push(canonical);
            }
            _ => src.push(s.clone()),
        }
        if s.starts_with("group:") {
            notes.push(format!("`{s}` matches only when the tailnet policy makes groups visible to the Aperture node (nodeAttrs `tailscale.com/visible-groups`)"));
        }
    }
    let mut caps: Vec<Value> = Vec::new();
    if let Some(role) = rule.role {
        caps.push(json!({ "role": role }));
    }
    let quota_refs: Option<Vec<Value>> = rule
        .quotas
        .as_ref()
        .map(|q| q.iter().map(|b| json!({ "bucket": b })).collect());
    let models = rule.models.clone().unwrap_or_default();
    for pattern in &models {
        let mut cap = Map::new();
        cap.insert("models".into(), pattern.clone().into());
        if let Some(refs) = &quota_refs {
            cap.insert("quotas".into(), Value::Array(refs.clone()));
        }
        caps.push(Value::Object(cap));
    }
    if models.is_empty()
        && let Some(refs) = &quota_refs
    {
        caps.push(json!({ "quotas": refs }));
    }
    let mut extras = Map::new();
    if let Some(v) = rule.enable_chat_ui {
        extras.insert("enable_chat_ui".into(), v.into());
    }
    if let Some(v) = rule.read_metrics {
        extras.insert("read_metrics".into(), v.into());
    }
    if !extras.is_empty() {
        caps.push(Value::Object(extras));
    }
    if let Some(patterns) = &rule.connectors {
        caps.push(json!({ "connectors": patterns }));
    }
    if caps.is_empty() {
        return Err(ToolError::BadArguments(format!(
            "rule {i} grants nothing: give a `role`, `models`, `quotas` or `connectors`"
        )));
    }
    if rule.role.is_none() && !models.is_empty() {
        notes.push(format!("rule {i} gives models without a role: those identities also need `role: user` from another grant, or they get 403"));
    }
    if rule.role == Some(Role::User) && models.is_empty() {
        notes.push(format!("rule {i} gives `role: user` without models: the identities also need a `models` grant to call anything"));
    }
    Ok(json!({ "src": src, "app": { APERTURE_CAP: caps } }))
}

fn legacy_grant(rule: &GrantRule) -> Result<Value, ToolError> {
    if rule.quotas.is_some()
        || rule.connectors.is_some()
        || rule.enable_chat_ui.is_some()
        || rule.read_metrics.is_some()
    {
        return Err(ToolError::BadArguments(
            "legacy `temp_grants` has no known form for quotas, connectors, chat or metrics; use the current `grants` target".into(),
        ));
    }
    let mut caps = Vec::new();
    if let Some(role) = rule.role {
        caps.push(json!({ "role": role }));
    }
    let mut pairs = Vec::new();
    for pattern in rule.models.clone().unwrap_or_default() {
        let (provider, model) = match pattern.split_once('/') {
            _ if pattern == "**" => ("*".to_owned(), "*".to_owned()),
            Some((p, "**")) if !p.contains('*') => (p.to_owned(), "*".to_owned()),
            Some((p, m)) if !p.contains('*') && !m.contains(['*', '?', '/']) => {
                (p.to_owned(), m.to_owned())
            }
            _ => {
                return Err(ToolError::BadArguments(format!(
                    "`{pattern}` has no legacy equivalent: temp_grants names explicit `provider`/`model` pairs (or `*`); use the current `grants` target for globs"
                )));
            }
        };
        pairs.push(json!({ "provider": provider, "model": model }));
    }
    if !pairs.is_empty() {
        caps.push(json!({ "providers": pairs }));
    }
    Ok(json!({ "src": rule.src, "grants": caps }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generate_grants_any(input: &GrantsInput) -> Result<GrantsOutput, ToolError> {
        generate_grants(input, PathPolicy::Allowed)
    }

    fn admin() -> GrantRule {
        GrantRule {
            src: vec!["ops@example.com".into()],
            role: Some(Role::Admin),
            ..Default::default()
        }
    }

    fn users() -> GrantRule {
        GrantRule {
            src: vec!["*".into()],
            role: Some(Role::User),
            models: Some(vec!["**".into()]),
            ..Default::default()
        }
    }

    #[test]
    fn lockout_is_refused_unless_asked() {
        let input = GrantsInput {
            rules: vec![users()],
            ..Default::default()
        };
        assert!(
            generate_grants_any(&input)
                .unwrap_err()
                .to_string()
                .contains("lockout")
        );
        let out = generate_grants_any(&GrantsInput {
            allow_no_admin: true,
            ..input
        })
        .unwrap();
        assert_eq!(out.grants.len(), 1);
    }

    #[test]
    fn access_table_and_forms() {
        let out = generate_grants_any(&GrantsInput {
            rules: vec![admin(), users()],
            ..Default::default()
        })
        .unwrap();
        assert_eq!(out.access[0].src, "ops@example.com");
        assert_eq!(out.access[0].role, Some(Role::Admin));
        assert_eq!(out.access[0].models, vec!["**".to_owned()]);
        let policy = generate_grants_any(&GrantsInput {
            rules: vec![admin(), users()],
            target: Target::Policy,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(policy.grants[0]["dst"], json!(["tag:aperture"]));
        let legacy = generate_grants_any(&GrantsInput {
            rules: vec![admin(), users()],
            target: Target::Legacy,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            legacy.grants[1]["grants"][1]["providers"][0],
            json!({"provider": "*", "model": "*"})
        );
    }

    #[test]
    fn tags_are_canonicalised() {
        let rule = GrantRule {
            src: vec!["tag:prod, tag:api".into()],
            role: Some(Role::Admin),
            ..Default::default()
        };
        let out = generate_grants_any(&GrantsInput {
            rules: vec![rule],
            ..Default::default()
        })
        .unwrap();
        assert_eq!(out.grants[0]["src"], json!(["tag:api,tag:prod"]));
    }
}
