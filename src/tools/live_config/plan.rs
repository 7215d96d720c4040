//! A change judged before it is written: save-mode validation, a diff with secrets as
//! fingerprints, every identity's access on both sides, the admins before and after, keys
//! that would be overwritten with the served mask, and whether the live document moved since
//! the change was made (its base).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::api::LiveConfig;
use super::caller::Caller;
use super::secrets::{Keyed, Secrets, SuppliedKey, masked_keys, same_but_known_keys};
use crate::access::{AllGrants, GrantIndex, Identity, Role};
use crate::config::Document;
use crate::diagnostic::{Diagnostic, Severity};
use crate::tools::validate::{Mode, validate_bytes_with};

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

/// What changed on the gateway between the change's base and now.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Drift {
    pub base_version: String,
    pub live_version: String,
    /// Unified diff base → live (secrets as fingerprints); empty when the base document is
    /// not known here (only its version was given).
    pub diff: String,
    /// Who gained or lost what on the gateway since the base.
    pub access: Vec<AccessChange>,
}

/// What a change would do.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Plan {
    pub url: String,
    pub api: super::api::ConfigApi,
    /// The live version now.
    pub live_version: String,
    /// The version the change was made from (`base_version`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_version: Option<String>,
    /// Set when the live config changed since the base: applying would revert that change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale: Option<Drift>,
    /// Who the gateway will see as the writer.
    pub caller: Caller,
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
    /// Why applying could lock admins out, if it could.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lockout: Option<String>,
    /// Providers whose `apikey` is the value the gateway served in place of the key: applying
    /// would overwrite the real key with it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub masked_keys: Vec<String>,
    /// Keys supplied from the environment (`secrets_env`), as fingerprints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supplied_keys: Vec<SuppliedKey>,
    pub notes: Vec<String>,
}

fn differ_as_sets(a: &[String], b: &[String]) -> bool {
    a.iter().any(|x| !b.contains(x)) || b.iter().any(|x| !a.contains(x))
}

/// The document a change was made from.
#[derive(Debug, Clone, Default)]
pub struct Base {
    pub version: Option<String>,
    /// Its text as served, when known (what `pull --out` recorded).
    pub config: Option<String>,
    /// Hashes of the keys known to be live at that version (what the last push wrote).
    pub keys: std::collections::BTreeMap<String, u64>,
}

/// What the plan knows besides the two documents.
pub struct PlanContext<'a> {
    pub caller: Caller,
    pub secrets: &'a Secrets,
    pub base: Base,
}

/// The items of `after` missing from `before`, in order.
fn added(before: &[String], after: &[String]) -> Vec<String> {
    after
        .iter()
        .filter(|x| !before.contains(x))
        .cloned()
        .collect()
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

/// A unified diff with every secret as a fingerprint.
fn diff(from: &str, to: &str, headers: (&str, &str), secrets: &Secrets) -> String {
    let text = similar::TextDiff::from_lines(from, to)
        .unified_diff()
        .header(headers.0, headers.1)
        .to_string();
    crate::redact::fingerprint_text(&secrets.scrub(&text))
}

/// What changed on the gateway since the base, when the live version is not the base's.
fn drift(live: &LiveConfig, base: &Base, secrets: &Secrets) -> Option<Drift> {
    let base_version = base.version.as_ref()?;
    if *base_version == live.version {
        return None;
    }
    let (diff, access) = match &base.config {
        Some(text) => {
            let access = match (grants_of(text), grants_of(&live.config)) {
                (Some(b), Some(l)) => access_changes(&b, &l).0,
                _ => Vec::new(),
            };
            (diff(text, &live.config, ("base", "live"), secrets), access)
        }
        None => (String::new(), Vec::new()),
    };
    Some(Drift {
        base_version: base_version.clone(),
        live_version: live.version.clone(),
        diff,
        access,
    })
}

/// The plan of `proposed` (as written by the user; supplied keys are set here) against a
/// document already read.
pub fn plan_of(live: &LiveConfig, proposed: &str, shown: &str, context: PlanContext<'_>) -> Plan {
    let PlanContext {
        caller,
        secrets,
        base,
    } = context;
    let validation = validate_bytes_with(proposed.as_bytes(), Mode::Save, false);
    let errors: Vec<Diagnostic> = validation
        .diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
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
    match (&caller.identity, &before, &after) {
        (Some(who), Some(before_grants), Some(after_grants))
            if role_of(before_grants, who) == Some(Role::Admin)
                && role_of(after_grants, who) != Some(Role::Admin) =>
        {
            lockout = Some(format!(
                "the change removes your own admin role (`{who}`); Aperture's dashboard refuses this, its API does not"
            ));
        }
        (None, _, _) => {
            let why = caller.detail.as_deref().unwrap_or("not given");
            if lockout.is_none() && differ_as_sets(&admins_before, &admins_after) {
                lockout = Some(format!(
                    "the change alters who is admin and your identity is unknown ({why}), so it cannot be checked that you stay admin: pass `as` with your login or tag identity"
                ));
            } else {
                notes.push(format!("your identity is unknown ({why}): pass `as` (your login or tag identity) so a change to the admins can be checked against it"));
            }
        }
        _ => {}
    }
    let (served_keyed, proposed_keyed) = (Keyed::of(&live.config), Keyed::of(proposed));
    let masked = masked_keys(
        live.api.redacts_keys(),
        &served_keyed,
        &proposed_keyed,
        secrets,
    );
    if live.api.redacts_keys() {
        notes.push(format!("GET /aperture/config serves provider keys redacted; its marker is UNCONFIRMED, so any `apikey` equal to a served value counts as the mask (GET {}/aperture/config shows how this gateway masks): supply such keys with `secrets_env`", live.url));
    }
    let stale = drift(live, &base, secrets);
    if base.version.is_none() {
        notes.push("no base version given: a change made on the gateway since you read the config would be reverted; pass `base_version`".into());
    }
    Plan {
        url: live.url.clone(),
        api: live.api,
        live_version: live.version.clone(),
        base_version: base.version,
        stale,
        caller,
        valid: errors.is_empty(),
        errors,
        changed: !same_but_known_keys(&served_keyed, &proposed_keyed, &base.keys),
        diff: diff(&live.config, shown, ("live", "proposed"), secrets),
        access,
        admins_before,
        admins_after,
        lockout,
        masked_keys: masked,
        supplied_keys: secrets.report(),
        notes,
    }
}
