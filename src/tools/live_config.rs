//! Live config: read a running gateway's configuration, plan a change (validation, a diff with
//! secrets fingerprinted, the effect on access) and apply it safely (validation and lockout
//! guards, the version read sent back so a concurrent edit fails cleanly, a local backup
//! first, a re-read after). Both config API generations of `http-api.md` §4 are spoken.

use std::time::Duration;

use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::input::{ConfigInput, PathPolicy, ToolError};
use super::validate::{Mode, validate_bytes_with};
use crate::access::{AllGrants, GrantIndex, Identity, Role};
use crate::config::{Document, MAX_DOCUMENT_BYTES};
use crate::diagnostic::Diagnostic;
use crate::probe::http::{self, Exchange, Request};

const TIMEOUT: Duration = Duration::from_secs(15);

/// Which config API the gateway speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConfigApi {
    /// `GET/PUT /aperture/config` with ETag / If-Match (seen from May 2026).
    Aperture,
    /// `GET/PUT /api/config` with a body `hash` (the older generation).
    Legacy,
}

impl ConfigApi {
    fn path(self) -> &'static str {
        match self {
            ConfigApi::Aperture => "/aperture/config",
            ConfigApi::Legacy => "/api/config",
        }
    }
}

/// A live document as served.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LiveConfig {
    /// The gateway root.
    pub url: String,
    pub api: ConfigApi,
    /// The ETag or hash to send back with a write.
    pub version: String,
    /// The HuJSON text exactly as served (the current API redacts provider keys).
    pub config: String,
}

/// Arguments of `get_config`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct GetInput {
    /// The gateway, e.g. `http://ai` (needs an admin role there).
    pub url: String,
}

/// Arguments of `plan_config` and `apply_config`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct ChangeInput {
    /// The gateway, e.g. `http://ai`.
    pub url: String,
    /// The proposed document (`config` text or `config_path`).
    #[serde(flatten)]
    pub source: ConfigInput,
    /// Your identity on the tailnet (login or `tag:a,tag:b`): refuses a change that removes
    /// your own admin role.
    #[serde(default, rename = "as")]
    pub as_identity: Option<String>,
    /// Apply even if the change leaves no admin or removes your own.
    #[serde(default)]
    pub confirm: bool,
}

/// One identity whose effective access changes (the difference of its access before and
/// after, each computed from every grant that matches it).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AccessChange {
    /// The `src` selector naming the identity (`*`: anyone no other `src` names).
    pub src: String,
    pub role_before: Option<Role>,
    pub role_after: Option<Role>,
    pub models_gained: Vec<String>,
    pub models_lost: Vec<String>,
    /// Quota buckets that start (`+`) applying to this identity's requests.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quotas_added: Vec<String>,
    /// Quota buckets that stop applying.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quotas_removed: Vec<String>,
    /// Hooks that start firing for this identity's requests.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hooks_added: Vec<String>,
    /// Hooks that stop firing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hooks_removed: Vec<String>,
    /// Declared connectors this identity can newly reach.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connectors_gained: Vec<String>,
    /// Declared connectors it can no longer reach.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connectors_lost: Vec<String>,
}

impl AccessChange {
    /// True when nothing of this identity's access changes.
    fn is_empty(&self) -> bool {
        self.role_before == self.role_after
            && [
                &self.models_gained,
                &self.models_lost,
                &self.quotas_added,
                &self.quotas_removed,
                &self.hooks_added,
                &self.hooks_removed,
                &self.connectors_gained,
                &self.connectors_lost,
            ]
            .iter()
            .all(|v| v.is_empty())
    }
}

/// The items of `after` missing from `before`, in order.
fn added(before: &[String], after: &[String]) -> Vec<String> {
    after
        .iter()
        .filter(|x| !before.contains(x))
        .cloned()
        .collect()
}

/// What a change would do.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Plan {
    pub url: String,
    pub api: ConfigApi,
    /// The live version the change is based on.
    pub live_version: String,
    /// The proposed document passes a save-mode validation.
    pub valid: bool,
    /// Save-mode errors (what Aperture's save would refuse).
    pub errors: Vec<Diagnostic>,
    pub changed: bool,
    /// Unified diff live → proposed; secret values appear as fingerprints (`sk-a…#1a2b3c`),
    /// so a changed key shows as a changed line without its value.
    pub diff: String,
    pub access: Vec<AccessChange>,
    pub admins_before: Vec<String>,
    pub admins_after: Vec<String>,
    /// Why applying would lock admins out, if it would.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lockout: Option<String>,
    pub notes: Vec<String>,
}

/// Why `apply_config` wrote nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Refusal {
    /// The proposed config has save-mode errors.
    Invalid,
    /// It would lock admins out and `confirm` was not given.
    Lockout,
    /// The proposed config is the live one.
    Unchanged,
    /// A dry run: the plan only.
    DryRun,
    /// The live config changed since it was read (412/409).
    Stale,
    /// The gateway rejected the document (422).
    Rejected,
    /// The caller is not an admin (403).
    Forbidden,
    /// No answer: the write may or may not have happened.
    NoAnswer,
    /// Any other status.
    Failed,
}

/// Result of `apply_config`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ApplyOutput {
    #[serde(flatten)]
    pub plan: Plan,
    /// The document was written.
    pub applied: bool,
    /// Why nothing was written (a refusal, a stale version, a server-side rejection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
    /// The kind of refusal in `refused`, for programs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<Refusal>,
    /// The previous live document, saved before the write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_version: Option<String>,
    /// What a re-read after the write showed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reread: Option<String>,
}

fn root_of(url: &str) -> Result<String, ToolError> {
    Ok(crate::probe::target::parse(url)?.base())
}

async fn send(request: Request) -> Exchange {
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    http::exchange_capped(
        http::client(),
        &request,
        deadline,
        MAX_DOCUMENT_BYTES + 1024 * 1024,
    )
    .await
}

fn request(
    method: Method,
    url: String,
    headers: Vec<(&str, String)>,
    body: Option<Value>,
) -> Request {
    let mut headers: Vec<(String, String)> = headers
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    if body.is_some() {
        headers.push(("content-type".into(), "application/json".into()));
    }
    Request {
        method,
        url,
        headers,
        body: body.map(|b| b.to_string()),
        key: None,
    }
}

fn failure(what: &str, ex: &Exchange) -> ToolError {
    let detail = crate::probe::quoted_error(&ex.body);
    let why = match (ex.status, &ex.error) {
        (Some(403), _) => format!(
            "403 Forbidden{detail}: the config API needs `role: admin` for the calling identity"
        ),
        (Some(status), _) => format!("HTTP {status}{detail}"),
        (None, Some(e)) => format!("no answer ({e:?})"),
        (None, None) => "no answer".into(),
    };
    ToolError::Gateway(crate::redact::mask_text(&format!("{what}: {why}")))
}

/// A config API answer: its JSON body and the document in its `config` string.
fn config_body(what: &str, ex: &Exchange) -> Result<(Value, String), ToolError> {
    let body: Value = serde_json::from_slice(&ex.body)
        .map_err(|e| ToolError::Gateway(format!("{what}: not JSON ({e})")))?;
    let config = body["config"]
        .as_str()
        .ok_or_else(|| ToolError::Gateway(format!("{what}: the answer has no `config` string")))?
        .to_owned();
    Ok((body, config))
}

/// Read the live document, detecting which config API the gateway speaks.
pub async fn get_config(input: &GetInput) -> Result<LiveConfig, ToolError> {
    let root = root_of(&input.url)?;
    let current = send(request(
        Method::GET,
        format!("{root}/aperture/config"),
        vec![],
        None,
    ))
    .await;
    if current.status == Some(200) {
        let (_, config) = config_body("GET /aperture/config", &current)?;
        let version = current.etag.clone().ok_or_else(|| {
            ToolError::Gateway(
                "GET /aperture/config answered without an ETag; a safe write is impossible".into(),
            )
        })?;
        return Ok(LiveConfig {
            url: root,
            api: ConfigApi::Aperture,
            version,
            config,
        });
    }
    if !matches!(current.status, Some(404 | 405)) {
        return Err(failure("GET /aperture/config", &current));
    }
    let legacy = send(request(
        Method::GET,
        format!("{root}/api/config"),
        vec![],
        None,
    ))
    .await;
    if legacy.status != Some(200) {
        return Err(failure(
            "GET /api/config (GET /aperture/config answered 404 too)",
            &legacy,
        ));
    }
    let (body, config) = config_body("GET /api/config", &legacy)?;
    let version = body["hash"]
        .as_str()
        .ok_or_else(|| {
            ToolError::Gateway(
                "GET /api/config answered without a `hash`; a safe write is impossible".into(),
            )
        })?
        .to_owned();
    Ok(LiveConfig {
        url: root,
        api: ConfigApi::Legacy,
        version,
        config,
    })
}

/// A document's grants (legacy `temp_grants` translated), for the plan's comparisons.
fn grants_of(text: &str) -> Option<AllGrants> {
    Some(AllGrants::new(Document::parse(text).ok()?))
}

fn role_of(grants: &AllGrants, who: &str) -> Option<Role> {
    let refs = grants.refs();
    let index = GrantIndex::new(&refs);
    crate::access::Effective::of(&index, &Identity::of_selector(who)).role
}

/// Who gains or loses what: every identity either side mentions, evaluated on both sides by
/// the one resolver, so an identity that keeps access through another grant shows no change
/// and a login that was already admin through `*` is not reported as newly one. Also the
/// admin identities of each side (its own identities only).
fn access_changes(
    before: &AllGrants,
    after: &AllGrants,
) -> (Vec<AccessChange>, Vec<String>, Vec<String>) {
    let (before_refs, after_refs) = (before.refs(), after.refs());
    let everyone = crate::access::union_people(&[
        crate::access::people(&before_refs),
        crate::access::people(&after_refs),
    ]);
    let pb = crate::access::resolve(&before_refs, &everyone);
    let pa = crate::access::resolve(&after_refs, &everyone);
    let mb = crate::explain::matrix_of_resolved(before.root(), &before_refs, &pb);
    let ma = crate::explain::matrix_of_resolved(after.root(), &after_refs, &pa);
    let admins = |refs: &[crate::access::GrantRef<'_>]| -> Vec<String> {
        let own = crate::access::people(refs);
        crate::access::resolve(refs, &own)
            .into_iter()
            .filter(|(_, a)| a.role == Some(Role::Admin))
            .map(|(p, _)| p.src)
            .collect()
    };
    let mut changes = Vec::new();
    // Both matrices and both resolutions list `everyone` in the same order.
    for (((b, a), (_, xb)), (_, xa)) in mb.rows.iter().zip(&ma.rows).zip(&pb).zip(&pa) {
        let change = AccessChange {
            src: b.src.clone(),
            role_before: b.role,
            role_after: a.role,
            models_gained: added(&b.allowed, &a.allowed),
            models_lost: added(&a.allowed, &b.allowed),
            quotas_added: added(&xb.quotas, &xa.quotas),
            quotas_removed: added(&xa.quotas, &xb.quotas),
            hooks_added: added(&xb.hooks, &xa.hooks),
            hooks_removed: added(&xa.hooks, &xb.hooks),
            connectors_gained: added(&b.connectors, &a.connectors),
            connectors_lost: added(&a.connectors, &b.connectors),
        };
        if !change.is_empty() {
            changes.push(change);
        }
    }
    changes.sort_by(|x, y| x.src.cmp(&y.src));
    (changes, admins(&before_refs), admins(&after_refs))
}

/// Plan a change against the live document.
pub async fn plan_config(input: &ChangeInput, policy: PathPolicy) -> Result<Plan, ToolError> {
    let proposed = input.source.read_optional(policy)?.ok_or_else(|| {
        ToolError::BadArguments("no proposed config: pass `config` or `config_path`".into())
    })?;
    let live = get_config(&GetInput {
        url: input.url.clone(),
    })
    .await?;
    Ok(plan_against(&live, &proposed, input.as_identity.as_deref()))
}

/// The plan of `proposed` against a document already read.
pub fn plan_against(live: &LiveConfig, proposed: &str, as_identity: Option<&str>) -> Plan {
    let validation = validate_bytes_with(proposed.as_bytes(), Mode::Save, false);
    let errors: Vec<Diagnostic> = validation
        .diagnostics
        .into_iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .collect();
    let mut notes = Vec::new();
    let before = grants_of(&live.config);
    let after = grants_of(proposed);
    let (mut access, mut admins_before, mut admins_after) = (Vec::new(), Vec::new(), Vec::new());
    if let (Some(b), Some(a)) = (&before, &after) {
        (access, admins_before, admins_after) = access_changes(b, a);
    } else if before.is_none() {
        notes.push(
            "the live document does not parse here, so its access could not be compared".into(),
        );
    }
    let mut lockout = None;
    if after.is_some() && admins_after.is_empty() {
        lockout = Some(
            "no grant in the proposed config gives `role: admin`: nobody could manage the gateway"
                .into(),
        );
    }
    match (as_identity, &before, &after) {
        (Some(who), Some(before_grants), Some(after_grants))
            if role_of(before_grants, who) == Some(Role::Admin)
                && role_of(after_grants, who) != Some(Role::Admin) =>
        {
            lockout = Some(format!("the change removes your own admin role (`{who}`); Aperture's dashboard refuses this, its API does not"));
        }
        (None, _, _) => notes.push("pass `as` (your login or tag identity) to check that the change keeps your own admin role".into()),
        _ => {}
    }
    if live.api == ConfigApi::Aperture {
        notes.push("GET /aperture/config redacts provider keys: a proposed `apikey` equal to the live (redacted) value would overwrite the real key with the redaction marker; put the real keys back before applying (the marker's value is UNCONFIRMED)".into());
    }
    let diff = similar::TextDiff::from_lines(live.config.as_str(), proposed)
        .unified_diff()
        .header("live", "proposed")
        .to_string();
    Plan {
        url: live.url.clone(),
        api: live.api,
        live_version: live.version.clone(),
        valid: errors.is_empty(),
        errors,
        changed: live.config != proposed,
        diff: crate::redact::fingerprint_text(&diff),
        access,
        admins_before,
        admins_after,
        lockout,
        notes,
    }
}

/// Apply a change: refuse on validation errors or a lockout (unless `confirm`), save the live
/// document as a backup, write with the version read, re-read to confirm. With `dry_run`
/// only the plan is returned.
pub async fn apply_config(
    input: &ChangeInput,
    policy: PathPolicy,
    dry_run: bool,
    backup_dir: &std::path::Path,
) -> Result<ApplyOutput, ToolError> {
    let proposed = input.source.read_optional(policy)?.ok_or_else(|| {
        ToolError::BadArguments("no proposed config: pass `config` or `config_path`".into())
    })?;
    let live = get_config(&GetInput {
        url: input.url.clone(),
    })
    .await?;
    let plan = plan_against(&live, &proposed, input.as_identity.as_deref());
    if let Some((refusal, why)) = refusal_before_write(&plan, input.confirm, dry_run) {
        return Ok(ApplyOutput::refused(plan, refusal, why));
    }
    // The backup first: if it cannot be written, nothing is.
    let backup = write_backup(&live, backup_dir)?;
    let answer = send(put_request(&live, &proposed)).await;
    if let Some((refusal, why)) = write_refusal(&answer) {
        let mut out = ApplyOutput::refused(plan, refusal, crate::redact::mask_text(&why));
        out.backup = Some(backup);
        return Ok(out);
    }
    let new_version = match live.api {
        ConfigApi::Aperture => answer.etag.clone(),
        ConfigApi::Legacy => serde_json::from_slice::<Value>(&answer.body)
            .ok()
            .and_then(|v| v["hash"].as_str().map(str::to_owned)),
    };
    Ok(ApplyOutput {
        plan,
        applied: true,
        refused: None,
        refusal: None,
        backup: Some(backup),
        new_version,
        reread: Some(reread(&input.url, &proposed).await),
    })
}

impl ApplyOutput {
    fn refused(plan: Plan, refusal: Refusal, why: String) -> Self {
        ApplyOutput {
            plan,
            applied: false,
            refused: Some(why),
            refusal: Some(refusal),
            backup: None,
            new_version: None,
            reread: None,
        }
    }
}

/// Why the plan must not be written, before anything is sent.
fn refusal_before_write(plan: &Plan, confirm: bool, dry_run: bool) -> Option<(Refusal, String)> {
    if !plan.valid {
        let why = format!(
            "the proposed config has {} save-mode error(s); fix them first (validate_config)",
            plan.errors.len()
        );
        return Some((Refusal::Invalid, why));
    }
    if let (Some(lockout), false) = (&plan.lockout, confirm) {
        return Some((
            Refusal::Lockout,
            format!("{lockout}; pass `confirm` to apply anyway"),
        ));
    }
    if !plan.changed {
        return Some((
            Refusal::Unchanged,
            "nothing to apply: the proposed config is the live one".into(),
        ));
    }
    if dry_run {
        return Some((
            Refusal::DryRun,
            "dry run: nothing was written (pass --apply to write)".into(),
        ));
    }
    None
}

/// Save the live document under `backup_dir`, never over an existing file; its path.
fn write_backup(live: &LiveConfig, backup_dir: &std::path::Path) -> Result<String, ToolError> {
    let host = live
        .url
        .split("://")
        .nth(1)
        .unwrap_or("gateway")
        .replace([':', '/'], "_");
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    std::fs::create_dir_all(backup_dir).map_err(|source| ToolError::Io {
        path: backup_dir.display().to_string(),
        source,
    })?;
    let backup = backup_dir.join(format!("{host}-{stamp}.hujson"));
    let io = |source| ToolError::Io {
        path: backup.display().to_string(),
        source,
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&backup)
        .map_err(io)?;
    std::io::Write::write_all(&mut file, live.config.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(io)?;
    Ok(backup.display().to_string())
}

/// The write, carrying the version that was read.
fn put_request(live: &LiveConfig, proposed: &str) -> Request {
    let url = format!("{}{}", live.url, live.api.path());
    match live.api {
        ConfigApi::Aperture => request(
            Method::PUT,
            url,
            vec![("if-match", live.version.clone())],
            Some(json!({"config": proposed})),
        ),
        ConfigApi::Legacy => request(
            Method::PUT,
            url,
            vec![],
            Some(json!({"config": proposed, "hash": live.version})),
        ),
    }
}

/// Why the gateway did not take the write, if it did not.
fn write_refusal(answer: &Exchange) -> Option<(Refusal, String)> {
    let status = answer.status.unwrap_or(0);
    if status == 200 {
        return None;
    }
    let detail = crate::probe::quoted_error(&answer.body);
    Some(match status {
        412 | 409 => (
            Refusal::Stale,
            format!(
                "stale: the config changed on the gateway since it was read (HTTP {status}{detail}); nothing was written: read it again, redo the change, and apply"
            ),
        ),
        422 => (
            Refusal::Rejected,
            format!("the gateway refused the document (HTTP 422{detail}); nothing was written"),
        ),
        403 => (
            Refusal::Forbidden,
            format!("403 Forbidden{detail}: applying needs `role: admin` for the calling identity"),
        ),
        0 => (
            Refusal::NoAnswer,
            format!(
                "no answer from the gateway ({:?}); the write may or may not have happened: read the config to check",
                answer.error
            ),
        ),
        _ => (
            Refusal::Failed,
            format!("HTTP {status}{detail}; nothing was written"),
        ),
    })
}

/// Read the config again and say whether the gateway serves what was applied.
async fn reread(url: &str, proposed: &str) -> String {
    match get_config(&GetInput {
        url: url.to_owned(),
    })
    .await
    {
        Ok(again) if again.config == proposed => {
            "the gateway now serves exactly the applied document".to_owned()
        }
        Ok(again) => {
            let changed = similar::TextDiff::from_lines(proposed, again.config.as_str())
                .unified_diff()
                .header("applied", "served")
                .to_string();
            format!(
                "MISMATCH: the gateway serves a different document than the one applied (a concurrent edit, server-side normalisation, or redacted keys):\n{}",
                crate::redact::fingerprint_text(&changed)
            )
        }
        Err(e) => format!("the re-read failed: {e}"),
    }
}
