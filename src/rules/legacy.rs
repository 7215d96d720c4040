//! Legacy `temp_grants`: deprecation with a mechanical migration patch to current `grants`.

use serde_json::{Value as Json, json};

use super::grants::legacy_pair_pattern;
use super::{Context, Finding, Index, catalog};
use crate::access::APERTURE_CAP;
use crate::config::{Node, pointer};
use crate::diagnostic::PatchOp;

pub fn check(ctx: &mut Context, _index: &Index) {
    let root = ctx.root();
    let Some(member) = root.member("temp_grants") else {
        return;
    };
    let Some(entries) = member.value.as_array() else {
        return;
    };
    let mut translated = Vec::new();
    let mut untranslatable = false;
    for (i, entry) in entries.iter().enumerate() {
        match translate_entry(entry) {
            Ok(grant) => translated.push(grant),
            Err(reason) => {
                untranslatable = true;
                ctx.push(
                    Finding::new(
                        &catalog::TEMP_GRANT_UNTRANSLATABLE,
                        pointer::index("/temp_grants", i),
                        entry.span,
                        format!("temp_grants entry {i} cannot be migrated mechanically: {reason}"),
                    )
                    .fix("rewrite it by hand as `{\"src\": [...], \"app\": {\"tailscale.com/cap/aperture\": [...]}}` (see `aperture-orchestrator grants`)"),
                );
            }
        }
    }
    let mut finding = Finding::new(
        &catalog::TEMP_GRANTS_DEPRECATED,
        "/temp_grants",
        member.key_span,
        format!(
            "`temp_grants` is the deprecated alpha grant form ({} entr{}); its inner semantics are UNCONFIRMED, so migrate to `grants`",
            entries.len(),
            if entries.len() == 1 { "y" } else { "ies" }
        ),
    );
    if untranslatable {
        finding = finding.fix("migrate each entry to `grants` (the entries reported separately need a manual rewrite), then remove `temp_grants`");
    } else {
        let mut patch = Vec::new();
        if root.get("grants").and_then(Node::as_array).is_some() {
            patch.extend(translated.into_iter().map(|g| PatchOp::add("/grants/-", g)));
        } else {
            patch.push(PatchOp::add("/grants", Json::Array(translated)));
        }
        patch.push(PatchOp::remove("/temp_grants"));
        finding = finding.fix("move every entry to `grants` in the current form (the patch does it), then remove `temp_grants`").patch(patch);
    }
    ctx.push(finding);
}

/// Translate one legacy entry `{src, grants: [...]}` to a current grant.
pub fn translate_entry(entry: &Node) -> Result<Json, String> {
    let src = entry
        .get("src")
        .map(Node::to_json)
        .unwrap_or_else(|| json!([]));
    let Some(caps) = entry.get("grants").and_then(Node::as_array) else {
        return Err("it has no `grants` list".into());
    };
    if let Some(extra) = entry
        .unique_members()
        .iter()
        .find(|m| m.key != "src" && m.key != "grants")
    {
        return Err(format!("it has an unexpected key `{}`", extra.key));
    }
    let mut out = Vec::new();
    for cap in caps {
        let Some(members) = cap.members() else {
            return Err("a capability is not an object".into());
        };
        for m in members {
            match m.key.as_str() {
                "role" => out.push(json!({ "role": m.value.to_json() })),
                "providers" => {
                    for pair in m.value.as_array().ok_or("`providers` is not a list")? {
                        let (Some(p), Some(model)) =
                            (pair.get_str("provider"), pair.get_str("model"))
                        else {
                            return Err("a `providers` pair lacks `provider` or `model`".into());
                        };
                        out.push(json!({ "models": legacy_pair_pattern(p, model) }));
                    }
                }
                "hook" => out.push(translate_hook(&m.value)?),
                other => {
                    return Err(format!(
                        "the capability key `{other}` has no known current equivalent"
                    ));
                }
            }
        }
    }
    Ok(json!({ "src": src, "app": { APERTURE_CAP: out } }))
}

fn translate_hook(hook: &Node) -> Result<Json, String> {
    let name = hook
        .get_str("hook")
        .ok_or("a legacy hook has no `hook` name")?;
    let matcher = hook.get("match");
    let everything = |key: &str| {
        matcher
            .and_then(|m| m.get(key))
            .and_then(Node::as_array)
            .is_none_or(|v| v.iter().all(|x| x.as_str() == Some("*")))
    };
    if !everything("providers") || !everything("models") {
        return Err(format!(
            "hook `{name}` is scoped to specific providers/models; scope it with a `models` pattern by hand"
        ));
    }
    let events = matcher
        .and_then(|m| m.get("events"))
        .map(Node::to_json)
        .unwrap_or_else(|| json!(["entire_request"]));
    let send = hook
        .get("fields")
        .map(Node::to_json)
        .unwrap_or_else(|| json!([]));
    Ok(json!({ "send_hooks": [{ "name": name, "events": events, "send": send }] }))
}
