//! `generate_grants`: grants in the current form (or the tailnet policy file form, or legacy
//! `temp_grants` on request), merged into a config in one of three edit modes (add, replace,
//! remove; see `grant_merge`), with budgets defined as quota buckets, an admin-lockout guard
//! and the effective access table computed by the shared access core.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

pub use super::grant_merge::EditMode;
use super::grant_merge::{self, Desired, bucket_definition};
use super::input::{ConfigInput, PathPolicy, ToolError};
use crate::access::{self, APERTURE_CAP, AccessRow, Role, canonical_tags};
use crate::config::Document;
use crate::config::edit::Editor;
use crate::config::meaning::{parse_dollars, parse_rate};
use crate::diagnostic::Diagnostic;
use crate::tools::validate::{Mode, validate_bytes};

// Where the grants go.
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

// Who one budget bucket is kept for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BudgetScope {
    /// One bucket per login or tag set (`<name>:<user>`).
    #[default]
    User,
    /// One bucket per device (`<name>:<node>`).
    Node,
    /// One bucket all the rule's sources share (`<name>`).
    Shared,
}

// A spending limit: a quota bucket the generator defines in `quotas` and attaches to the
// rule's models. (Plain comments keep the MCP schema small.)
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct Budget {
    pub capacity: String,
    pub rate: String,
    #[serde(default)]
    pub per: BudgetScope,
    #[serde(default)]
    pub name: Option<String>,
}

// Who gets what.
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
    pub budgets: Option<Vec<Budget>>,
    #[serde(default)]
    pub enable_chat_ui: Option<bool>,
    #[serde(default)]
    pub read_metrics: Option<bool>,
    // e.g. `github/**`, `label:system`.
    #[serde(default)]
    pub connectors: Option<Vec<String>>,
}

/// Arguments of `generate_grants`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct GrantsInput {
    pub rules: Vec<GrantRule>,
    #[serde(default)]
    pub mode: EditMode,
    #[serde(default)]
    pub target: Target,
    /// Policy `dst` (default `tag:aperture`).
    #[serde(default)]
    pub aperture_selector: Option<String>,
    // Policy `ip`, e.g. `["tcp:80"]`.
    #[serde(default)]
    pub ip: Option<Vec<String>>,
    /// Config to merge into.
    #[serde(flatten)]
    pub source: ConfigInput,
    // Accept a result with no admin.
    #[serde(default)]
    pub allow_no_admin: bool,
}

/// Result of `generate_grants`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct GrantsOutput {
    /// The generated grant objects.
    pub grants: Vec<Value>,
    /// Bucket definitions the budgets need (defined in `config` when one was given).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub quotas: Map<String, Value>,
    /// The merged config (config and legacy targets, when `config` was given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
    /// Whether the merged config differs from the one given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed: Option<bool>,
    /// Effective access per identity (each login, group member, tag set, and anyone else for
    /// `*`): role, models, buckets, hooks and connectors from every grant that matches it, for
    /// certain (group memberships aside).
    pub access: Vec<AccessRow>,
    /// Sources of admin rules that give no models (admin alone calls no model).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub admins_without_models: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
    pub notes: Vec<String>,
}

/// How to give an admin models: in its rule's field (the CLI says its flag instead).
pub const ADMIN_MODELS_FIX: &str = "Give models with `models` in its rule (e.g. `[\"**\"]`)";

/// The note for an admin rule without models, naming the admin and how to give models.
pub fn admin_without_models_note(src: &str, elsewhere: &[String]) -> String {
    let now = if elsewhere.is_empty() {
        "it gets none from other grants either, so every model call answers 403".to_owned()
    } else {
        format!(
            "it gets models only through other grants (now: {})",
            elsewhere.join(", ")
        )
    };
    format!(
        "admin `{src}` is given no models: `role: admin` manages the gateway but calls no model by itself; {now}. {}",
        ADMIN_MODELS_FIX
    )
}

pub fn generate_grants(input: &GrantsInput, policy: PathPolicy) -> Result<GrantsOutput, ToolError> {
    let existing = input.source.read_optional(policy)?;
    if input.rules.is_empty() {
        return Err(ToolError::BadArguments(
            "no rules: give at least one `{src, role?, models?}`".into(),
        ));
    }
    if input.mode != EditMode::Add {
        if existing.is_none() {
            return Err(ToolError::BadArguments(format!(
                "mode `{}` edits a config: give `config` or `config_path`",
                input.mode.as_str()
            )));
        }
        if input.target != Target::Config {
            return Err(ToolError::BadArguments(format!(
                "mode `{}` edits the config's `grants`; with target `policy` or `legacy` only `add` is available",
                input.mode.as_str()
            )));
        }
    }
    let mut notes = Vec::new();
    let mut buckets: Vec<(String, Value)> = Vec::new();
    let mut current = Vec::new();
    if input.mode == EditMode::Remove {
        current = removal_sources(&input.rules, &mut notes)?;
    } else {
        for (i, rule) in input.rules.iter().enumerate() {
            current.push(current_grant(i, rule, &mut buckets, &mut notes)?);
        }
    }
    let grants = shaped(input, &current, &mut notes)?;
    let desired = grouped(&current);
    let (merged, config_out, changed) = merged_document(
        input,
        existing.as_deref(),
        &grants,
        &desired,
        &buckets,
        &mut notes,
    )?;
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
    if let Some(before) = existing.as_deref()
        && input.mode != EditMode::Add
    {
        admins_lost(before, &refs, &mut notes);
    }
    let admins_without_models = if input.mode == EditMode::Remove {
        Vec::new()
    } else {
        admin_notes(&input.rules, &refs, &mut notes)
    };
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
        quotas: buckets.into_iter().collect(),
        config: config_out,
        changed,
        access,
        admins_without_models,
        diagnostics,
        notes,
    })
}

/// `remove` needs only sources; anything else a rule says is not used.
fn removal_sources(rules: &[GrantRule], notes: &mut Vec<String>) -> Result<Vec<Value>, ToolError> {
    let mut out = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        if rule.src.is_empty() {
            return Err(ToolError::BadArguments(format!(
                "rule {i} has no `src`: say whose access to remove"
            )));
        }
        if rule.role.is_some() || rule.models.is_some() || rule.budgets.is_some() {
            notes.push(format!("rule {i}: mode remove drops every access key of its sources; its role, models and budgets are not used"));
        }
        let src: Vec<String> = rule
            .src
            .iter()
            .map(|s| canonical_tags(s).unwrap_or_else(|| s.clone()))
            .collect();
        out.push(json!({ "src": src, "app": { APERTURE_CAP: [] } }));
    }
    Ok(out)
}

/// The grant objects in the requested target's form (none for `remove`).
fn shaped(
    input: &GrantsInput,
    current: &[Value],
    notes: &mut Vec<String>,
) -> Result<Vec<Value>, ToolError> {
    Ok(match input.target {
        _ if input.mode == EditMode::Remove => Vec::new(),
        Target::Config => current.to_vec(),
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
            notes.push("legacy `temp_grants` requested: it is deprecated and its semantics beyond this shape are UNCONFIRMED (check with explain_access and one request per identity); use only for gateways that predate `grants`".into());
            input
                .rules
                .iter()
                .map(legacy_grant)
                .collect::<Result<_, _>>()?
        }
    })
}

/// Rules with the same sources become one grant (their capabilities in rule order, once each),
/// so an edit compares whole grants.
fn grouped(current: &[Value]) -> Vec<Desired> {
    let mut out: Vec<Desired> = Vec::new();
    for g in current {
        let src: Vec<String> = g["src"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let caps: Vec<Value> = g["app"][APERTURE_CAP]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let key = |s: &[String]| {
            let mut k = s.to_vec();
            k.sort();
            k.dedup();
            k
        };
        match out.iter_mut().find(|d| key(&d.src) == key(&src)) {
            Some(d) => {
                for cap in caps {
                    if !d.caps.contains(&cap) {
                        d.caps.push(cap);
                    }
                }
            }
            None => out.push(Desired { src, caps }),
        }
    }
    out
}

/// The document the grants end up in (for the lockout guard, diagnostics and access), the
/// config to return, and whether it changed.
fn merged_document(
    input: &GrantsInput,
    existing: Option<&str>,
    grants: &[Value],
    desired: &[Desired],
    buckets: &[(String, Value)],
    notes: &mut Vec<String>,
) -> Result<(String, Option<String>, Option<bool>), ToolError> {
    let Some(text) = existing else {
        let mut doc = Map::new();
        doc.insert(
            "grants".into(),
            json!(grants_for_check(input, grants, desired)),
        );
        if !buckets.is_empty() {
            doc.insert(
                "quotas".into(),
                Value::Object(buckets.iter().cloned().collect()),
            );
        }
        return Ok((Value::Object(doc).to_string(), None, None));
    };
    let merged = match input.target {
        Target::Config => {
            let merged = grant_merge::merge(text, desired, buckets, input.mode)?;
            notes.extend(merged.notes);
            merged.text
        }
        Target::Legacy => {
            let editor = Editor::parse(text)?;
            let present: Vec<Value> = Document::parse(text)?
                .root
                .get("temp_grants")
                .and_then(crate::config::Node::as_array)
                .unwrap_or_default()
                .iter()
                .map(crate::config::Node::to_json)
                .collect();
            let missing: Vec<Value> = grants
                .iter()
                .filter(|g| !present.contains(g))
                .cloned()
                .collect();
            if !missing.is_empty() {
                editor.append_to("temp_grants", &missing)?;
            }
            editor.text()
        }
        Target::Policy => {
            // Policy grants combine additively with the config's own grants: checked together,
            // and the config itself is not returned.
            let merged = grant_merge::merge(text, desired, buckets, EditMode::Add)?;
            if !buckets.is_empty() {
                notes.push("define the buckets under `quotas` in the Aperture config: the tailnet policy file has no `quotas`".into());
            }
            return Ok((merged.text, None, None));
        }
    };
    let changed = merged != text;
    Ok((merged.clone(), Some(merged), Some(changed)))
}

/// Without a config, the policy and legacy forms are checked as config grants.
fn grants_for_check(input: &GrantsInput, grants: &[Value], desired: &[Desired]) -> Vec<Value> {
    match input.target {
        Target::Config => grants.to_vec(),
        Target::Policy | Target::Legacy => desired.iter().map(Desired::to_grant).collect(),
    }
}

/// Notes for sources that were admin before a replace or remove and no longer are.
fn admins_lost(before: &str, after: &[access::GrantRef], notes: &mut Vec<String>) {
    let Ok(doc) = Document::parse(before) else {
        return;
    };
    let admins = |refs: &[access::GrantRef]| -> Vec<String> {
        let mut out: Vec<String> = refs
            .iter()
            .filter(|g| g.role() == Some(Role::Admin))
            .flat_map(|g| g.src.iter().map(|s| (*s).to_owned()))
            .collect();
        out.sort();
        out.dedup();
        out
    };
    let previous = admins(&access::grants(&doc.root));
    let now = admins(after);
    for s in previous.iter().filter(|s| !now.contains(s)) {
        notes.push(format!("`{s}` was admin and no longer is: make sure whoever manages this gateway keeps an admin grant"));
    }
}

/// Name every admin rule that gives no models, with what its sources get elsewhere.
fn admin_notes(
    rules: &[GrantRule],
    refs: &[access::GrantRef],
    notes: &mut Vec<String>,
) -> Vec<String> {
    let index = access::GrantIndex::new(refs);
    let mut out = Vec::new();
    for rule in rules {
        if rule.role != Some(Role::Admin) || rule.models.as_ref().is_some_and(|m| !m.is_empty()) {
            continue;
        }
        for src in &rule.src {
            let src = canonical_tags(src).unwrap_or_else(|| src.clone());
            let elsewhere = access::Effective::of(&index, &access::Identity::of_selector(&src))
                .model_patterns();
            notes.push(admin_without_models_note(&src, &elsewhere));
            out.push(src);
        }
    }
    out
}

/// A dollar string as the docs write it (`$` added when missing).
fn dollars(text: &str) -> String {
    let t = text.trim();
    if t.starts_with('$') {
        t.to_owned()
    } else {
        format!("${t}")
    }
}

/// The bucket names one rule's budgets define (pushed to `buckets`) and charge.
fn budget_buckets(
    i: usize,
    rule: &GrantRule,
    buckets: &mut Vec<(String, Value)>,
) -> Result<Vec<String>, ToolError> {
    let mut names = Vec::new();
    for budget in rule.budgets.as_deref().unwrap_or_default() {
        let capacity = dollars(&budget.capacity);
        let rate = dollars(&budget.rate);
        if parse_dollars(&capacity).is_none() {
            return Err(ToolError::BadArguments(format!(
                "rule {i}: budget capacity `{}` is not a dollar amount like `$10.00`",
                budget.capacity
            )));
        }
        if parse_rate(&rate).is_none() {
            return Err(ToolError::BadArguments(format!(
                "rule {i}: budget rate `{}` is not `$<amount>/<unit>` (unit min, hour, day, week or month), e.g. `$5.00/day`",
                budget.rate
            )));
        }
        let base = match &budget.name {
            Some(name) if name.contains(':') || name.is_empty() => {
                return Err(ToolError::BadArguments(format!(
                    "rule {i}: budget name `{name}` must be non-empty without `:` (the template after the colon comes from `per`)"
                )));
            }
            Some(name) => name.clone(),
            None => slug(&rule.src),
        };
        let name = match budget.per {
            BudgetScope::User => format!("{base}:<user>"),
            BudgetScope::Node => format!("{base}:<node>"),
            BudgetScope::Shared => base,
        };
        if names.contains(&name) {
            return Err(ToolError::BadArguments(format!(
                "rule {i}: two budgets make the bucket `{name}`; give one a `name`"
            )));
        }
        let definition = bucket_definition(&capacity, &rate);
        match buckets.iter().find(|(n, _)| *n == name) {
            Some((_, d)) if *d != definition => {
                return Err(ToolError::BadArguments(format!(
                    "rule {i}: bucket `{name}` is defined differently by another rule; give one budget a `name`"
                )));
            }
            Some(_) => {}
            None => buckets.push((name.clone(), definition)),
        }
        names.push(name);
    }
    Ok(names)
}

/// A bucket name from a rule's sources: `*` is `everyone`, other characters Aperture's
/// templates use are replaced by `-`.
fn slug(src: &[String]) -> String {
    src.iter()
        .map(|s| {
            if s == "*" {
                "everyone".to_owned()
            } else {
                s.chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '-' | '_') {
                            c
                        } else {
                            '-'
                        }
                    })
                    .collect()
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

fn current_grant(
    i: usize,
    rule: &GrantRule,
    buckets: &mut Vec<(String, Value)>,
    notes: &mut Vec<String>,
) -> Result<Value, ToolError> {
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
    let mut bucket_names: Vec<String> = rule.quotas.clone().unwrap_or_default();
    for name in budget_buckets(i, rule, buckets)? {
        if !bucket_names.contains(&name) {
            bucket_names.push(name);
        }
    }
    if bucket_names.len() > 1 {
        notes.push(format!(
            "rule {i} charges {} buckets ({}): a request passes only while every one of them has balance, and each is charged the full cost",
            bucket_names.len(),
            bucket_names.iter().map(|b| format!("`{b}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    let quota_refs: Option<Vec<Value>> = (!bucket_names.is_empty()).then(|| {
        bucket_names
            .iter()
            .map(|b| json!({ "bucket": b }))
            .collect()
    });
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
            "rule {i} grants nothing: give a `role`, `models`, `quotas`, `budgets` or `connectors`"
        )));
    }
    if rule.role.is_none() && !models.is_empty() {
        notes.push(format!("rule {i} gives models without a role: those identities also need `role: user` from another grant, or they get 403"));
    }
    if rule.role.is_none() && rule.connectors.is_some() {
        notes.push(format!("rule {i} gives connectors without a role: those identities also need a `role` from another grant to reach them"));
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
