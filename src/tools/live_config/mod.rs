//! Live config: read a running gateway's configuration, plan a change and apply it without
//! breaking production. Keys the gateway served redacted are never written back (they come
//! from the environment), the caller's identity is known or admin changes need `confirm`, a
//! change made from an older version is refused as stale, and a write whose answer was lost
//! is settled by reading the config again. Both config API generations of `http-api.md` §4
//! are spoken.

mod api;
mod base;
pub mod caller;
mod plan;
mod secrets;

use std::collections::BTreeMap;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use api::{ConfigApi, GetInput, LiveConfig, get_config};
pub use base::BaseRecord;
pub use caller::{Caller, CallerSource, Daemon};
pub use plan::{AccessChange, Drift, Plan};
pub use secrets::SuppliedKey;

use super::input::{ConfigInput, PathPolicy, ToolError};
use crate::probe::http::Exchange;
use plan::{Base, PlanContext, plan_of};
use secrets::{Keyed, Secrets};

/// Arguments of `plan_config` and `apply_config`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct ChangeInput {
    /// The gateway, e.g. `http://ai`.
    pub url: String,
    /// The proposed document (`config` text or `config_path`).
    #[serde(flatten)]
    pub source: ConfigInput,
    /// Your identity (login or `tag:a,tag:b`); default: the local Tailscale daemon's.
    #[serde(default, rename = "as")]
    pub as_identity: Option<String>,
    /// Apply even if the change leaves no admin, removes your own, or changes the admins
    /// while your identity is unknown.
    #[serde(default)]
    pub confirm: bool,
    /// The `version` get_config returned for the document you edited: a gateway that moved
    /// on since is refused as stale.
    #[serde(default)]
    pub base_version: Option<String>,
    /// Provider keys from the server's environment, `{provider_id: VAR}` (the config API
    /// serves keys redacted).
    #[serde(default)]
    pub secrets_env: BTreeMap<String, String>,
}

/// How an apply runs besides its input: the CLI and the server differ here.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Plan only.
    pub dry_run: bool,
    /// Where the previous live document is saved before the write.
    pub backup_dir: PathBuf,
    /// How to learn the caller's identity when `as` is not given.
    pub daemon: Daemon,
    /// What `pull --out` (or the last push) recorded beside the file: its version is the
    /// base unless `base_version` names another.
    pub recorded_base: Option<BaseRecord>,
}

impl ApplyOptions {
    pub fn new(backup_dir: impl Into<PathBuf>) -> Self {
        ApplyOptions {
            dry_run: false,
            backup_dir: backup_dir.into(),
            daemon: Daemon::from_env(),
            recorded_base: None,
        }
    }
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
    /// It changes the admins, the caller's identity is unknown and `confirm` was not given.
    UnknownCaller,
    /// It would write the served (redacted) value over real provider keys.
    MaskedKeys,
    /// The proposed config is the live one.
    Unchanged,
    /// A dry run: the plan only.
    DryRun,
    /// The live config changed since the change's base, or since it was read (412/409).
    Stale,
    /// The gateway rejected the document (422).
    Rejected,
    /// The caller is not an admin (403).
    Forbidden,
    /// No answer and the re-read could not tell whether the write happened.
    NoAnswer,
    /// Any other status.
    Failed,
}

/// Result of `apply_config`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ApplyOutput {
    #[serde(flatten)]
    pub plan: Plan,
    /// The gateway now holds the proposed document (its answer said so, or a re-read showed
    /// it after an unclear answer).
    pub applied: bool,
    /// Why nothing was written (a refusal, a stale version, a server-side rejection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
    /// The kind of refusal in `refused`, for programs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<Refusal>,
    /// The gateway's answer to the write, when it was not a plain success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// The previous live document, saved before the write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_version: Option<String>,
    /// What a re-read after the write showed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reread: Option<String>,
    /// The document served after the write (to record a new base), not shown.
    #[serde(skip)]
    pub served_after: Option<LiveConfig>,
    /// Hashes of the keys written, by provider (to record with the new base), not shown.
    #[serde(skip)]
    pub keys_written: BTreeMap<String, u64>,
}

impl ApplyOutput {
    fn new(plan: Plan, applied: bool) -> Self {
        ApplyOutput {
            plan,
            applied,
            refused: None,
            refusal: None,
            answer: None,
            backup: None,
            new_version: None,
            reread: None,
            served_after: None,
            keys_written: BTreeMap::new(),
        }
    }

    fn refused(plan: Plan, refusal: Refusal, why: String) -> Self {
        ApplyOutput {
            refused: Some(why),
            refusal: Some(refusal),
            ..ApplyOutput::new(plan, false)
        }
    }
}

/// The proposed document as read, as it will be sent (supplied keys set) and as it may be
/// shown (supplied keys as fingerprints).
struct Proposal {
    sent: String,
    shown: String,
    secrets: Secrets,
}

fn proposal(input: &ChangeInput, policy: PathPolicy) -> Result<Proposal, ToolError> {
    let written = input.source.read_optional(policy)?.ok_or_else(|| {
        ToolError::BadArguments("no proposed config: pass `config` or `config_path`".into())
    })?;
    let secrets = Secrets::from_env(&input.secrets_env, policy)?;
    Ok(Proposal {
        sent: secrets.inject(&written, false)?,
        shown: secrets.inject(&written, true)?,
        secrets,
    })
}

/// The caller, asking the local daemon off the async workers (it may take a moment).
async fn caller_of(input: &ChangeInput, daemon: &Daemon) -> Caller {
    let (who, daemon) = (input.as_identity.clone(), daemon.clone());
    tokio::task::spawn_blocking(move || caller::resolve(who.as_deref(), &daemon))
        .await
        .unwrap_or_else(|_| caller::resolve(None, &Daemon::Off))
}

async fn plan_with(
    input: &ChangeInput,
    proposal: &Proposal,
    options: &ApplyOptions,
) -> Result<(LiveConfig, Plan), ToolError> {
    let caller = caller_of(input, &options.daemon).await;
    let live = get_config(&GetInput {
        url: input.url.clone(),
    })
    .await?;
    let record = options.recorded_base.as_ref().filter(|r| {
        input
            .base_version
            .as_ref()
            .is_none_or(|version| *version == r.version)
    });
    let base = Base {
        version: input
            .base_version
            .clone()
            .or_else(|| record.map(|r| r.version.clone())),
        config: record.map(|r| r.config.clone()),
        keys: record.map(|r| r.keys.clone()).unwrap_or_default(),
    };
    let context = PlanContext {
        caller,
        secrets: &proposal.secrets,
        base,
    };
    let plan = plan_of(&live, &proposal.sent, &proposal.shown, context);
    Ok((live, plan))
}

/// The plan of `proposed` against a document already read, for the caller `as_identity`
/// (no keys supplied, no base).
pub fn plan_against(live: &LiveConfig, proposed: &str, as_identity: Option<&str>) -> Plan {
    let secrets = Secrets::default();
    let context = PlanContext {
        caller: caller::resolve(as_identity, &Daemon::Off),
        secrets: &secrets,
        base: Base::default(),
    };
    plan_of(live, proposed, proposed, context)
}

/// Plan a change against the live document.
pub async fn plan_config(
    input: &ChangeInput,
    policy: PathPolicy,
    options: &ApplyOptions,
) -> Result<Plan, ToolError> {
    let proposal = proposal(input, policy)?;
    Ok(plan_with(input, &proposal, options).await?.1)
}

/// Apply a change: refuse what would break the gateway (save-mode errors, a stale base, keys
/// overwritten with the served mask, a lockout, an admin change by an unknown caller) unless
/// overridden where that is allowed, save the live document as a backup, write with the
/// version read, then re-read to confirm (and to settle an unclear answer).
pub async fn apply_config(
    input: &ChangeInput,
    policy: PathPolicy,
    options: &ApplyOptions,
) -> Result<ApplyOutput, ToolError> {
    let proposal = proposal(input, policy)?;
    let (live, plan) = plan_with(input, &proposal, options).await?;
    if let Some((refusal, why)) = refusal_before_write(&plan, input.confirm, options.dry_run) {
        return Ok(ApplyOutput::refused(plan, refusal, why));
    }
    // The backup first: if it cannot be written, nothing is.
    let backup = write_backup(&live, &options.backup_dir)?;
    let answer = api::put(&live, &proposal.sent).await;
    let scrub = |text: String| proposal.secrets.scrub(&crate::redact::mask_text(&text));
    let mut out = match answer_of(&answer) {
        Answer::Written => ApplyOutput {
            new_version: api::version_after(live.api, &answer),
            ..ApplyOutput::new(plan, true)
        },
        Answer::NotWritten(refusal, why) => ApplyOutput::refused(plan, refusal, scrub(why)),
        Answer::Unclear(why) => ApplyOutput {
            answer: Some(scrub(why.clone())),
            ..ApplyOutput::refused(plan, Refusal::NoAnswer, scrub(why))
        },
    };
    out.backup = Some(backup);
    if out.applied || out.answer.is_some() {
        settle_by_rereading(&mut out, &live, &proposal).await;
    }
    Ok(out)
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
    if !plan.changed {
        return Some((
            Refusal::Unchanged,
            "nothing to apply: the proposed config is the live one".into(),
        ));
    }
    if let Some(drift) = &plan.stale {
        return Some((Refusal::Stale, stale_message(drift)));
    }
    if !plan.masked_keys.is_empty() {
        let providers = plan.masked_keys.join("`, `");
        return Some((
            Refusal::MaskedKeys,
            format!(
                "the proposed config gives provider(s) `{providers}` the key exactly as the gateway served it (redacted): applying would overwrite each real key with the mask and break every request to it. Supply each key from the environment with `secrets_env`, or put the real key in the document"
            ),
        ));
    }
    if let (Some(lockout), false) = (&plan.lockout, confirm) {
        let refusal = if plan.caller.identity.is_none() && !plan.admins_after.is_empty() {
            Refusal::UnknownCaller
        } else {
            Refusal::Lockout
        };
        return Some((
            refusal,
            format!("{lockout}; pass `confirm` to apply anyway"),
        ));
    }
    if dry_run {
        return Some((Refusal::DryRun, "dry run: nothing was written".into()));
    }
    None
}

fn stale_message(drift: &Drift) -> String {
    let mut what = Vec::new();
    if !drift.access.is_empty() {
        let who: Vec<&str> = drift.access.iter().map(|c| c.src.as_str()).collect();
        what.push(format!("access changed for {}", who.join(", ")));
    }
    let lines = drift
        .diff
        .lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .count();
    if lines > 0 {
        what.push(format!("{lines} changed line(s), shown in `stale.diff`"));
    }
    let what = if what.is_empty() {
        "the base document is not known here, so what changed cannot be shown".to_owned()
    } else {
        what.join("; ")
    };
    format!(
        "stale: the live config is at version {} but your change was made from version {} ({what}); applying would revert that change, so nothing was written: read the live config again, redo your change on it, and apply",
        drift.live_version, drift.base_version
    )
}

/// Save the live document under `backup_dir` (owner-only, a name no other run can take);
/// its path.
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
    std::fs::create_dir_all(backup_dir).map_err(|source| ToolError::Write {
        path: backup_dir.display().to_string(),
        source,
    })?;
    let pid = std::process::id();
    for n in 0..1000 {
        let backup = backup_dir.join(format!("{host}-{stamp}-{pid}-{n}.hujson"));
        match crate::tools::write::create_owner_only(&backup, live.config.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(source) => {
                return Err(ToolError::Write {
                    path: backup.display().to_string(),
                    source,
                });
            }
            Ok(()) => return Ok(backup.display().to_string()),
        }
    }
    Err(ToolError::BadArguments(format!(
        "no free backup name under {}",
        backup_dir.display()
    )))
}

/// What the gateway's answer to the write says happened.
enum Answer {
    Written,
    NotWritten(Refusal, String),
    /// The body may have been received and stored: only a re-read can tell.
    Unclear(String),
}

fn answer_of(answer: &Exchange) -> Answer {
    let detail = crate::probe::quoted_error(&answer.body);
    let Some(status) = answer.status else {
        let error = answer
            .error
            .as_ref()
            .map_or_else(|| "no answer".to_owned(), ToString::to_string);
        if answer.error.as_ref().is_some_and(|e| e.before_sending()) {
            return Answer::NotWritten(
                Refusal::NoAnswer,
                format!("the gateway could not be reached ({error}); nothing was sent"),
            );
        }
        return Answer::Unclear(format!(
            "no answer after the document was sent ({error}): it may or may not have been written"
        ));
    };
    match status {
        200..=299 => Answer::Written,
        412 | 409 => Answer::NotWritten(
            Refusal::Stale,
            format!(
                "stale: the config changed on the gateway since it was read (HTTP {status}{detail}); nothing was written: read it again, redo the change, and apply"
            ),
        ),
        422 => Answer::NotWritten(
            Refusal::Rejected,
            format!("the gateway refused the document (HTTP 422{detail}); nothing was written"),
        ),
        403 => Answer::NotWritten(
            Refusal::Forbidden,
            format!("403 Forbidden{detail}: applying needs `role: admin` for the calling identity"),
        ),
        500..=599 => Answer::Unclear(format!(
            "HTTP {status}{detail} after the document was sent: it may or may not have been written"
        )),
        _ => Answer::NotWritten(
            Refusal::Failed,
            format!("HTTP {status}{detail}; nothing was written"),
        ),
    }
}

/// Read the config again: confirm a write, or settle an unclear answer by comparing the
/// served document with the proposed one and with the one before (keys aside: they are
/// served redacted).
async fn settle_by_rereading(out: &mut ApplyOutput, before: &LiveConfig, proposal: &Proposal) {
    let again = get_config(&GetInput {
        url: before.url.clone(),
    })
    .await;
    let again = match again {
        Ok(again) => again,
        Err(e) => {
            out.reread = Some(format!("the re-read failed: {e}"));
            if !out.applied {
                out.refused = Some(format!(
                    "{}; the re-read failed too, so whether it was written is unknown: read the config to check",
                    out.answer.as_deref().unwrap_or("unclear answer")
                ));
            }
            return;
        }
    };
    let sent = Keyed::of(&proposal.sent);
    let served = Keyed::of(&again.config).without_keys();
    let is_proposed = served == sent.without_keys();
    out.reread = Some(if is_proposed {
        "the gateway now serves exactly the applied document".to_owned()
    } else {
        let changed = similar::TextDiff::from_lines(proposal.shown.as_str(), again.config.as_str())
            .unified_diff()
            .header("applied", "served")
            .to_string();
        format!(
            "MISMATCH: the gateway serves a different document than the one applied (a concurrent edit or server-side normalisation):\n{}",
            crate::redact::fingerprint_text(&proposal.secrets.scrub(&changed))
        )
    });
    if out.answer.is_some() {
        if is_proposed {
            out.applied = true;
            out.refused = None;
            out.refusal = None;
            out.reread = Some("the answer was unclear, but the re-read shows the gateway serves the proposed document: it was applied".into());
        } else if served == Keyed::of(&before.config).without_keys() {
            out.refusal = Some(Refusal::Failed);
            out.refused = Some(format!(
                "{}; the re-read shows the previous document: it was not applied",
                out.answer.as_deref().unwrap_or_default()
            ));
        } else {
            out.refused = Some(format!(
                "{}; the re-read shows neither the proposed nor the previous document: check the live config",
                out.answer.as_deref().unwrap_or_default()
            ));
        }
    }
    if out.applied && out.new_version.is_none() {
        out.new_version = Some(again.version.clone());
    }
    if out.applied {
        out.keys_written = sent.key_hashes();
    }
    out.served_after = Some(again);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backups_made_in_the_same_millisecond_get_distinct_owner_only_files() {
        let dir = std::env::temp_dir().join(format!("ao-backups-{}", std::process::id()));
        let live = LiveConfig {
            url: "http://ai".into(),
            api: ConfigApi::Aperture,
            version: "\"v1\"".into(),
            config: "{}".into(),
        };
        // Far faster than a millisecond apart: the stamp alone would collide.
        let mut names: Vec<String> = (0..50)
            .map(|_| write_backup(&live, &dir).unwrap())
            .collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 50);
        #[cfg(unix)]
        for name in &names {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(name).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{name}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
