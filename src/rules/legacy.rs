//! Legacy `temp_grants`: deprecation with a mechanical migration patch to current `grants`.

use serde_json::Value as Json;

use super::catalog;
use super::context::{Context, Finding, Index};
use crate::access::translate_entry;
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
                    .fix("rewrite it by hand as `{\"src\": [...], \"app\": {\"tailscale.com/cap/aperture\": [...]}}` (generate_grants writes the new form)"),
                );
            }
        }
    }
    let mut finding = Finding::new(
        &catalog::TEMP_GRANTS_DEPRECATED,
        "/temp_grants",
        member.key_span,
        format!(
            "`temp_grants` is the deprecated alpha grant form ({} entr{}); its inner semantics are UNCONFIRMED (explain_access simulates their translation), so migrate to `grants`",
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
