//! The live-config commands as text for a terminal: a pulled document, a plan (validation,
//! diff, access changes, lockout) and an apply result.

use super::blocks::notes_block;
use super::text::HumanText;
use crate::access::Role;
use crate::tools::live_config::{ApplyOutput, BaseRecord, ConfigApi, LiveConfig, Plan};

/// The config API by its path, as users know it.
fn api_name(api: ConfigApi) -> &'static str {
    match api {
        ConfigApi::Aperture => "/aperture/config",
        ConfigApi::Legacy => "/api/config",
    }
}

/// A list as `[a, b]`, without Rust's quoting.
fn list(items: &[String]) -> String {
    format!("[{}]", items.join(", "))
}

/// A pulled config: the document itself, or where it was written.
pub fn pulled_config(live: &LiveConfig, written_to: Option<&str>) -> HumanText {
    match written_to {
        Some(path) => HumanText::new().prose(format!(
            "wrote {path} ({} API, version {}); the version is recorded in {} (never sent to the gateway)\n",
            api_name(live.api),
            live.version,
            BaseRecord::path_for(std::path::Path::new(path)).display()
        )),
        // The document exactly as served: `config pull URL > gw.hujson` keeps its bytes.
        None => HumanText::new().verbatim(live.config.clone()),
    }
}

pub fn plan_report(plan: &Plan) -> HumanText {
    let mut out = HumanText::new();
    let mut text = format!(
        "{} ({} API, live version {})\n",
        plan.url,
        api_name(plan.api),
        plan.live_version
    );
    text.push_str(&match (&plan.caller.identity, &plan.caller.detail) {
        (Some(who), Some(how)) => format!("you are {who} (from {how})\n"),
        (Some(who), None) => format!("you are {who}\n"),
        (None, why) => format!(
            "your identity is unknown ({})\n",
            why.as_deref().unwrap_or("?")
        ),
    });
    if let Some(drift) = &plan.stale {
        text.push_str(&format!(
            "STALE: the gateway moved from your base version {} to {} since you read it:\n",
            drift.base_version, drift.live_version
        ));
        out = out
            .prose(std::mem::take(&mut text))
            .verbatim(drift.diff.clone());
    }
    for key in &plan.supplied_keys {
        text.push_str(&format!(
            "key of {} from ${} ({})\n",
            key.provider, key.env, key.fingerprint
        ));
    }
    if !plan.masked_keys.is_empty() {
        text.push_str(&format!(
            "MASKED KEYS: {} would be written with the key as served (redacted)\n",
            plan.masked_keys.join(", ")
        ));
    }
    if !plan.valid {
        for e in &plan.errors {
            text.push_str(&format!("error[{}] {} ({})\n", e.code, e.message, e.path));
        }
    }
    if plan.changed {
        out = out
            .prose(std::mem::take(&mut text))
            .verbatim(plan.diff.clone());
    } else {
        text.push_str("no change\n");
    }
    for change in &plan.access {
        let role = |r: Option<Role>| match r {
            Some(role) => role.as_str(),
            None => "none",
        };
        text.push_str(&format!(
            "access {}: role {} → {}; gains {}; loses {}\n",
            change.src,
            role(change.role_before),
            role(change.role_after),
            list(&change.models_gained),
            list(&change.models_lost)
        ));
        for (what, plus, minus) in [
            ("buckets", &change.quotas_added, &change.quotas_removed),
            ("hooks", &change.hooks_added, &change.hooks_removed),
            (
                "connectors",
                &change.connectors_gained,
                &change.connectors_lost,
            ),
        ] {
            if !plus.is_empty() || !minus.is_empty() {
                text.push_str(&format!(
                    "access {}: {what} + {}; - {}\n",
                    change.src,
                    list(plus),
                    list(minus)
                ));
            }
        }
    }
    if let Some(lockout) = &plan.lockout {
        text.push_str(&format!("LOCKOUT: {lockout}\n"));
    }
    out.prose(format!("{text}{}", notes_block(&plan.notes)))
}

/// The plan, then what the push did (refusal, backup, new version, re-read).
pub fn apply_report(out: &ApplyOutput) -> HumanText {
    let mut text = String::new();
    if let Some(answer) = &out.answer {
        text.push_str(&format!("the gateway's answer: {answer}\n"));
    }
    if let Some(why) = &out.refused {
        text.push_str(&format!("not applied: {why}\n"));
    }
    if let Some(backup) = &out.backup {
        text.push_str(&format!("backup of the previous live config: {backup}\n"));
    }
    if out.applied {
        text.push_str(&format!(
            "applied; new version {}\n",
            out.new_version.as_deref().unwrap_or("?")
        ));
    }
    if let Some(reread) = &out.reread {
        text.push_str(&format!("re-read: {reread}\n"));
    }
    plan_report(&out.plan).prose(text)
}
