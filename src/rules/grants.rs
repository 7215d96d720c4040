//! Grant checks: sources, capabilities, cross-references, and access coverage (role ⇄ models).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::catalog;
use super::context::{Context, Finding, Index, did_you_mean, is_header_line};
use crate::access::{self, CapabilityRef, GrantRef, Role, canonical_tags, legacy_pair_pattern};
use crate::config::{Member, Node, Span, Value, pointer};
use crate::diagnostic::PatchOp;
use crate::glob::{is_glob, matches_model, segment_match};
use crate::redact::excerpt;

const HOOK_EVENTS: &[&str] = &["pre_request", "entire_request", "tool_call_entire_request"];
const HOOK_SEND: &[&str] = &[
    "request_body",
    "response_body",
    "raw_responses",
    "user_message",
    "tools",
    "estimated_cost",
    "grants",
    "quotas",
];
const CONNECTOR_CATEGORIES: &[&str] = &["tools", "resources", "templates", "proxy"];
/// Connectors every instance has without declaring them.
const BUILT_IN_CONNECTORS: &[&str] = &["aperture", "Tailnet", "TailnetSSH"];

pub fn check(ctx: &mut Context, index: &Index) {
    for grant in &index.grants {
        check_grant(ctx, index, grant);
    }
    global(ctx, index, &index.grants);
}

fn check_grant(ctx: &mut Context, index: &Index, grant: &GrantRef) {
    let node = grant.node;
    let copied: Vec<&crate::config::Member> = ["dst", "ip"]
        .iter()
        .filter_map(|k| node.member(k))
        .collect();
    if let Some(first) = copied.first() {
        let keys = copied
            .iter()
            .map(|m| format!("`{}`", m.key))
            .collect::<Vec<_>>()
            .join(" and ");
        let mut patch = Vec::new();
        for m in &copied {
            let p = pointer::join(&grant.path, &m.key);
            ctx.claim(&p);
            patch.push(PatchOp::remove(p));
        }
        ctx.push(
            Finding::new(
                &catalog::POLICY_FILE_GRANT,
                pointer::join(&grant.path, &first.key),
                first.key_span,
                format!(
                    "grant {} has {keys}: it was copied from a tailnet policy file; in the Aperture config the destination is implicit, these are unknown fields (logged on load, rejected on save)",
                    grant.index
                ),
            )
            .fix("remove `dst`/`ip` here; or keep the grant in the tailnet policy file instead, where `dst` (e.g. `[\"tag:aperture\"]`) is required")
            .patch(patch),
        );
    }

    check_src(ctx, grant);

    match node.get("app") {
        None => ctx.push(
            Finding::new(
                &catalog::NO_APERTURE_CAPABILITY,
                pointer::join(&grant.path, "app"),
                node.span,
                format!("grant {} has no `app`, so it grants nothing", grant.index),
            )
            .fix("add `\"app\": {\"tailscale.com/cap/aperture\": [{\"role\": \"user\"}, {\"models\": \"**\"}]}` (adjust role and models)"),
        ),
        Some(app) if app.members().is_some_and(<[_]>::is_empty) => ctx.push(
            Finding::new(
                &catalog::NO_APERTURE_CAPABILITY,
                pointer::join(&grant.path, "app"),
                app.span,
                format!("grant {} has an empty `app`, so it grants nothing", grant.index),
            )
            .fix("add capabilities under `tailscale.com/cap/aperture`"),
        ),
        Some(app) if app.get(access::APERTURE_CAP).is_none() => misspelt_capability(ctx, grant, app),
        _ => {}
    }

    for (j, cap) in grant.capabilities.iter().enumerate() {
        check_capability(ctx, index, grant, j, cap);
    }
}

/// A capability key that is a near miss of `tailscale.com/cap/aperture`: Aperture keeps it as a
/// custom capability for hooks and reads nothing from it, so the grant gives no role or models.
fn misspelt_capability(ctx: &mut Context, grant: &GrantRef, app: &Node) {
    let near_miss = app
        .unique_members()
        .into_iter()
        .find(|m| strsim::levenshtein(&m.key.to_ascii_lowercase(), access::APERTURE_CAP) <= 4);
    let Some(member) = near_miss else { return };
    let app_path = pointer::join(&grant.path, "app");
    let from = pointer::join(&app_path, &member.key);
    ctx.push(
        Finding::new(
            &catalog::NO_APERTURE_CAPABILITY,
            &from,
            member.key_span,
            format!(
                "grant {} has no `{}` capability: `{}` looks like a misspelling of it, and Aperture passes other capability keys to hooks without reading them, so this grant gives no role and no models",
                grant.index,
                access::APERTURE_CAP,
                member.key
            ),
        )
        .fix(format!("rename `{}` to `{}`", member.key, access::APERTURE_CAP))
        .patch(vec![PatchOp::move_to(&from, pointer::join(&app_path, access::APERTURE_CAP))]),
    );
}

fn check_src(ctx: &mut Context, grant: &GrantRef) {
    let node = grant.node;
    let src_path = pointer::join(&grant.path, "src");
    let entries = node.get("src").and_then(Node::as_array);
    if entries.is_none_or(<[Node]>::is_empty) {
        ctx.push(
            Finding::new(
                &catalog::EMPTY_SRC,
                &src_path,
                node.get("src").map_or(node.span, |s| s.span),
                format!(
                    "grant {} has no `src` entries, so it applies to nobody",
                    grant.index
                ),
            )
            .fix("list who the grant is for: logins, `group:...`, `tag:...` or `*`"),
        );
        return;
    }
    for (k, entry) in entries.unwrap_or_default().iter().enumerate() {
        let Some(s) = entry.as_str() else { continue };
        let entry_path = pointer::index(&src_path, k);
        if s == "tagged-devices" {
            ctx.push(
                Finding::new(
                    &catalog::TAGGED_DEVICES_SRC,
                    &entry_path,
                    entry.span,
                    "`tagged-devices` is only a display label in `tailscale status`, not an identity: it matches nothing",
                )
                .fix("name the devices by their tag identity (`tag:ci`, or `tag:api,tag:prod` for several tags, sorted and comma-joined), or use `*`"),
            );
        } else if s.starts_with("tag:") {
            if !access::is_canonical_tags(s)
                && let Some(canonical) = canonical_tags(s)
                && canonical != s
            {
                ctx.push(
                    Finding::new(
                        &catalog::TAG_SRC_NOT_CANONICAL,
                        &entry_path,
                        entry.span,
                        format!(
                            "`{s}` never matches: a tagged device's identity is its tags sorted and comma-joined without spaces, `{canonical}`"
                        ),
                    )
                    .fix(format!("write `{canonical}`"))
                    .patch(vec![PatchOp::replace(&entry_path, canonical.into())]),
                );
            }
        } else if s.starts_with("group:") {
            ctx.push(
                Finding::new(
                    &catalog::GROUP_NEEDS_VISIBLE_GROUPS,
                    &entry_path,
                    entry.span,
                    format!("`{s}` matches only if the tailnet policy file makes groups visible to the Aperture node; otherwise members get 403"),
                )
                .fix("in the tailnet policy file add `\"nodeAttrs\": [{\"target\": [\"tag:aperture\"], \"app\": {\"tailscale.com/visible-groups\": [{\"groups\": [\"*\"]}]}}]` (clients need Tailscale ≥ 1.97.8)"),
            );
        } else if s.starts_with("autogroup:") {
            ctx.push(
                Finding::new(
                    &catalog::AUTOGROUP_SRC,
                    &entry_path,
                    entry.span,
                    format!(
                        "`{s}`: autogroup selectors are not documented for grants in the Aperture config (UNCONFIRMED: a request from such a device shows on the dashboard's Logs page if it matches); the control plane resolves them only in tailnet-policy-file grants"
                    ),
                )
                .fix("use `*`, explicit logins or `group:` entries here, or move this grant to the tailnet policy file with `\"dst\": [\"tag:aperture\"]`"),
            );
        }
    }
}

fn check_capability(
    ctx: &mut Context,
    index: &Index,
    grant: &GrantRef,
    j: usize,
    cap: &CapabilityRef,
) {
    check_role(ctx, cap);
    check_models_field(ctx, index, j, cap);
    if let Some(member) = cap.node.member("providers") {
        legacy_providers_capability(ctx, cap, &cap.list, j, member);
    }
    check_quotas(ctx, index, grant, j, cap);
    check_send_hooks(ctx, index, cap);
    check_add_headers(ctx, cap);
    check_connector_patterns(ctx, index, cap);
    check_deprecated_mcp_fields(ctx, index, cap);
}

fn check_role(ctx: &mut Context, cap: &CapabilityRef) {
    let node = cap.node;
    if let Some(member) = node.member("role")
        && let Some(role) = member.value.as_str()
        && Role::parse(role).is_none()
    {
        let role_path = pointer::join(&cap.path(), "role");
        let finding = Finding::new(
            &catalog::BAD_ROLE,
            &role_path,
            member.value.span,
            format!("role `{role}` is not `admin` or `user`: it grants no access"),
        );
        ctx.push(match did_you_mean(role, ["admin", "user"]) {
            Some(s) => finding
                .fix(format!("use `{s}`"))
                .patch(vec![PatchOp::replace(&role_path, s.into())]),
            None => finding.fix("use `user` (call models) or `admin` (also manage the instance)"),
        });
    }
}

/// `models`: one glob string (checked), or an array (the undocumented form, split on fix).
fn check_models_field(ctx: &mut Context, index: &Index, j: usize, cap: &CapabilityRef) {
    let node = cap.node;
    if let Some(member) = node.member("models") {
        let models_path = pointer::join(&cap.path(), "models");
        match &member.value.value {
            crate::config::Value::String(pattern) => {
                check_models_pattern(ctx, index, pattern, &models_path, member.value.span)
            }
            crate::config::Value::Array(items) => {
                ctx.claim(&models_path);
                let patterns: Vec<&str> = items.iter().filter_map(Node::as_str).collect();
                let finding = Finding::new(
                    &catalog::MODELS_ARRAY,
                    &models_path,
                    member.value.span,
                    "`models` is an array; the documented form is one glob string per capability object (an array is accepted only by a third-party parser, UNCONFIRMED: saving in the dashboard's config editor shows whether yours does)",
                );
                ctx.push(match patterns.split_first() {
                    Some((first, rest)) => {
                        let mut patch = vec![PatchOp::replace(&models_path, (*first).into())];
                        for (k, p) in rest.iter().enumerate() {
                            patch.push(PatchOp::add(
                                pointer::index(&cap.list, j + 1 + k),
                                capability_with_models(node, "models", p),
                            ));
                        }
                        finding
                            .fix(format!(
                                "write one capability object per pattern ({}), each with this object's other keys",
                                patterns.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
                            ))
                            .patch(patch)
                    }
                    // No patch: without `models` the object's other keys (`quotas`, ...) would
                    // float to every model.
                    None => finding.fix("the empty array names no model: write the pattern(s) this object is meant for, or remove the object"),
                });
                for (k, item) in items.iter().enumerate() {
                    if let Some(pattern) = item.as_str() {
                        check_models_pattern(
                            ctx,
                            index,
                            pattern,
                            &pointer::index(&models_path, k),
                            item.span,
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

fn check_add_headers(ctx: &mut Context, cap: &CapabilityRef) {
    let node = cap.node;
    if let Some(entries) = node.get("add_headers").and_then(Node::as_array) {
        for (k, entry) in entries.iter().enumerate() {
            if let Some(text) = entry.as_str()
                && !is_header_line(text)
            {
                let shown = excerpt(text, 60);
                ctx.push(
                    Finding::new(
                        &catalog::GRANT_BAD_ADD_HEADERS,
                        pointer::index(&pointer::join(&cap.path(), "add_headers"), k),
                        entry.span,
                        format!("add_headers entry \"{shown}\" is not `Header-Name: value`"),
                    )
                    .aperture(&[&shown])
                    .fix("write each entry as `Header-Name: value`"),
                );
            }
        }
    }
}

fn check_connector_patterns(ctx: &mut Context, index: &Index, cap: &CapabilityRef) {
    let node = cap.node;
    if let Some(patterns) = node.get("connectors").and_then(Node::as_array) {
        for (k, item) in patterns.iter().enumerate() {
            if let Some(pattern) = item.as_str() {
                check_connector_pattern(
                    ctx,
                    index,
                    pattern,
                    &pointer::index(&pointer::join(&cap.path(), "connectors"), k),
                    item.span,
                );
            }
        }
    }
}

/// `mcp_tools`, `mcp_resources`, `mcp_templates`: deprecated, and their server must exist.
fn check_deprecated_mcp_fields(ctx: &mut Context, index: &Index, cap: &CapabilityRef) {
    let node = cap.node;
    for field in ["mcp_tools", "mcp_resources", "mcp_templates"] {
        let Some(member) = node.member(field) else {
            continue;
        };
        let field_path = pointer::join(&cap.path(), field);
        let category = field.trim_start_matches("mcp_");
        ctx.push(
            Finding::new(
                &catalog::MCP_FIELDS_DEPRECATED,
                &field_path,
                member.key_span,
                format!("`{field}` is deprecated in favour of `connectors`"),
            )
            .fix(format!(
                "use `\"connectors\": [\"<connectorID>/{category}/<pattern>\"]` and declare the server under `connectors.servers`"
            )),
        );
        if let Some(pattern) = member.value.as_str() {
            let server = pattern.split('/').next().unwrap_or_default();
            if !server.is_empty() && !is_glob(server) && !index.mcp_servers.contains(server) {
                ctx.push(
                    Finding::new(
                        &catalog::MCP_PATTERN_UNKNOWN_SERVER,
                        &field_path,
                        member.value.span,
                        format!("{field} pattern `{pattern}` names MCP server `{server}`, which `mcp.servers` does not declare: it grants nothing"),
                    )
                    .aperture(&[field, pattern, server])
                    .fix("declare the server under `mcp.servers` (deprecated) or, better, under `connectors.servers` with a `connectors` grant"),
                );
            }
        }
    }
}

fn check_models_pattern(ctx: &mut Context, index: &Index, pattern: &str, path: &str, span: Span) {
    let provider_part = pattern.split('/').next().unwrap_or_default();
    if provider_part == "**" || pattern.is_empty() {
        return;
    }
    let matching: Vec<(&str, &Node)> = if is_glob(provider_part) {
        index
            .providers
            .iter()
            .copied()
            .filter(|(id, _)| segment_match(provider_part, id))
            .collect()
    } else {
        index
            .provider_by_id
            .get_key_value(provider_part)
            .map(|(id, node)| (*id, *node))
            .into_iter()
            .collect()
    };
    if matching.is_empty() {
        let mut finding = Finding::new(
            &catalog::MODELS_UNKNOWN_PROVIDER,
            path,
            span,
            format!("models pattern `{pattern}` names provider `{provider_part}`, which is not declared: it grants nothing"),
        )
        .aperture(&[pattern, provider_part]);
        finding = match did_you_mean(provider_part, index.providers.iter().map(|(id, _)| *id)) {
            Some(s) if !is_glob(provider_part) => {
                let fixed = format!("{s}{}", &pattern[provider_part.len()..]);
                finding
                    .fix(format!(
                        "use `{fixed}` (provider IDs are the keys of `providers`)"
                    ))
                    .patch(vec![PatchOp::replace(path, fixed.into())])
            }
            _ if index.providers.is_empty() => finding.fix(format!(
                "no provider is declared yet: add one under `providers` whose ID matches `{provider_part}`"
            )),
            _ => finding.fix(format!(
                "the first segment must be a key of `providers` ({})",
                index
                    .providers
                    .iter()
                    .map(|(id, _)| format!("`{id}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
        ctx.push(finding);
        return;
    }
    // A bare provider ID (`anthropic`) matches no `provider/model` name; a slash-less glob
    // such as `*` is left alone: how Aperture treats it is UNCONFIRMED.
    let bare_provider = !pattern.contains('/');
    if bare_provider && is_glob(pattern) {
        return;
    }
    let mut any_enabled = false;
    let mut any_disabled = false;
    for (id, provider) in &matching {
        let disabled = provider.get("disabled").and_then(Node::as_bool) == Some(true);
        let hit = provider
            .get("models")
            .and_then(Node::as_array)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::as_str)
            .any(|m| matches_model(pattern, id, m));
        if hit {
            if disabled {
                any_disabled = true;
            } else {
                any_enabled = true;
            }
        }
    }
    if !any_enabled && any_disabled {
        ctx.push(
            Finding::new(
                &catalog::DISABLED_PROVIDER_GRANTED,
                path,
                span,
                format!("models pattern `{pattern}` only reaches disabled providers: callers get no model from it"),
            )
            .fix("re-enable the provider (`\"disabled\": false`) or point the pattern at an enabled provider"),
        );
    } else if !any_enabled {
        let known: Vec<String> = matching
            .iter()
            .flat_map(|(id, p)| {
                p.get("models")
                    .and_then(Node::as_array)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Node::as_str)
                    .map(move |m| format!("{id}/{m}"))
            })
            .take(6)
            .collect();
        let finding = Finding::new(
            &catalog::MODELS_MATCH_NOTHING,
            path,
            span,
            format!(
                "models pattern `{pattern}` matches none of the declared models{}: it grants nothing",
                if known.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ({}{})",
                        known.join(", "),
                        if known.len() == 6 { ", …" } else { "" }
                    )
                }
            ),
        );
        ctx.push(if bare_provider {
            let fixed = format!("{pattern}/**");
            finding
                .fix(format!("`{pattern}` is only the provider part: write `{fixed}` for all its models"))
                .patch(vec![PatchOp::replace(path, fixed.into())])
        } else {
            finding.fix("patterns match `provider/model` against the providers' `models` lists: `*` is one segment, `**` any number (e.g. `anthropic/**`)")
        });
    }
}

/// A copy of a capability object with `models` set to `pattern`, keeping its other keys
/// (except `drop`), so a `quotas` or `send_hooks` scoped to the patterns stays scoped.
fn capability_with_models(cap: &Node, drop: &str, pattern: &str) -> serde_json::Value {
    let mut object: serde_json::Map<String, serde_json::Value> = cap
        .unique_members()
        .into_iter()
        .filter(|m| m.key != drop && m.key != "models")
        .map(|m| (m.key.to_string(), m.value.to_json()))
        .collect();
    object.insert("models".into(), pattern.into());
    serde_json::Value::Object(object)
}

fn legacy_providers_capability(
    ctx: &mut Context,
    cap: &CapabilityRef,
    cap_list: &str,
    j: usize,
    member: &crate::config::Member,
) {
    let cap_path = cap.path();
    let cap_path = cap_path.as_str();
    let path = pointer::join(cap_path, "providers");
    ctx.claim(&path);
    let patterns: Vec<String> = member
        .value
        .as_array()
        .unwrap_or_default()
        .iter()
        .filter_map(|pair| {
            Some(legacy_pair_pattern(
                pair.get_str("provider")?,
                pair.get_str("model")?,
            ))
        })
        .collect();
    let mut finding = Finding::new(
        &catalog::LEGACY_PROVIDERS_CAPABILITY,
        &path,
        member.key_span,
        "`providers: [{provider, model}]` is the legacy temp_grants form; in `grants` model access is a `models` glob string",
    );
    if patterns.is_empty() {
        finding = finding.fix("replace it with `{\"models\": \"<provider>/<model>\"}`");
    } else {
        let mut patch = vec![
            PatchOp::remove(&path),
            PatchOp::add(
                pointer::join(cap_path, "models"),
                patterns[0].clone().into(),
            ),
        ];
        for (k, p) in patterns[1..].iter().enumerate() {
            patch.push(PatchOp::add(
                pointer::index(cap_list, j + 1 + k),
                capability_with_models(cap.node, "providers", p),
            ));
        }
        finding = finding
            .fix(format!(
                "replace it with {}",
                patterns
                    .iter()
                    .map(|p| format!("`{{\"models\": \"{p}\"}}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .patch(patch);
    }
    ctx.push(finding);
}

fn check_quotas(ctx: &mut Context, index: &Index, grant: &GrantRef, j: usize, cap: &CapabilityRef) {
    let Some(refs) = cap.node.get("quotas").and_then(Node::as_array) else {
        return;
    };
    for (k, entry) in refs.iter().enumerate() {
        let Some(bucket_node) = entry.get("bucket") else {
            continue;
        };
        let Some(bucket) = bucket_node.as_str() else {
            continue;
        };
        let path = pointer::join(
            &pointer::index(&pointer::join(&cap.path(), "quotas"), k),
            "bucket",
        );
        if let Some(template) = unsupported_template(bucket) {
            ctx.push(
                Finding::new(
                    &catalog::BUCKET_REF_TEMPLATE,
                    &path,
                    bucket_node.span,
                    format!("bucket reference `{bucket}` uses the template `{template}`; only `<user>` and `<node>` are supported"),
                )
                .aperture(&[
                    &grant.index.to_string(),
                    &j.to_string(),
                    &k.to_string(),
                    bucket,
                ])
                .fix("use `<user>` (per login or tag set) or `<node>` (per device) after the colon, e.g. `daily:<user>`"),
            );
        }
        if !index.quotas.contains(bucket) {
            let finding = Finding::new(
                &catalog::QUOTAS_UNDEFINED,
                &path,
                bucket_node.span,
                format!("grant references quota bucket `{bucket}`, which `quotas` does not define: no spending limit applies"),
            )
            .aperture(&[bucket]);
            // Never propose a definition that repeats an unsupported template (AP205).
            let corrected = match unsupported_template(bucket) {
                Some(template) => bucket.replacen(template, "<user>", 1),
                None => bucket.to_owned(),
            };
            let finding = if corrected != bucket && index.quotas.contains(corrected.as_str()) {
                finding
                    .fix(format!("use `{corrected}`, which is defined"))
                    .patch(vec![PatchOp::replace(&path, corrected.into())])
            } else if let Some(s) = did_you_mean(bucket, index.quotas.iter().copied()) {
                finding
                    .fix(format!("use `{s}`"))
                    .patch(vec![PatchOp::replace(&path, s.into())])
            } else {
                let rename = if corrected == bucket {
                    String::new()
                } else {
                    format!("reference it as `{corrected}` and ")
                };
                finding.fix(format!(
                    "{rename}define it: `\"quotas\": {{\"{corrected}\": {{\"capacity\": \"$10.00\", \"rate\": \"$5.00/day\", \"on_exceed\": \"reject\"}}}}`"
                ))
            };
            ctx.push(finding);
        }
    }
}

/// The template after the colon of a bucket name, when it is not `<user>` or `<node>`.
pub(super) fn unsupported_template(name: &str) -> Option<&str> {
    let (_, after) = name.split_once(':')?;
    if after.contains('<') && after != "<user>" && after != "<node>" {
        return Some(after);
    }
    None
}

fn check_send_hooks(ctx: &mut Context, index: &Index, cap: &CapabilityRef) {
    let Some(entries) = cap.node.get("send_hooks").and_then(Node::as_array) else {
        return;
    };
    for (k, entry) in entries.iter().enumerate() {
        if !entry.is_object() {
            continue;
        }
        let entry_path = pointer::index(&pointer::join(&cap.path(), "send_hooks"), k);
        match entry.member("name") {
            None => ctx.push(
                Finding::new(
                    &catalog::BAD_SEND_HOOKS_ENTRY,
                    &entry_path,
                    entry.span,
                    "send_hooks entry has no `name`",
                )
                .fix("set `name` to a key of `hooks`"),
            ),
            Some(member) => {
                if let Some(name) = member.value.as_str()
                    && !index.hooks.contains(name)
                {
                    let name_path = pointer::join(&entry_path, "name");
                    let finding = Finding::new(
                        &catalog::SEND_HOOKS_UNDEFINED,
                        &name_path,
                        member.value.span,
                        format!("send_hooks names hook `{name}`, which `hooks` does not define: nothing fires"),
                    )
                    .aperture(&[name]);
                    ctx.push(match did_you_mean(name, index.hooks.iter().copied()) {
                        Some(s) => finding
                            .fix(format!("use `{s}`"))
                            .patch(vec![PatchOp::replace(&name_path, s.into())]),
                        None => finding.fix(format!(
                            "define it: `\"hooks\": {{\"{name}\": {{\"url\": \"https://...\"}}}}`"
                        )),
                    });
                }
            }
        }
        for (field, allowed) in [("events", HOOK_EVENTS), ("send", HOOK_SEND)] {
            for (v, value) in entry
                .get(field)
                .and_then(Node::as_array)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let Some(text) = value.as_str() else { continue };
                if allowed.contains(&text) {
                    continue;
                }
                let value_path = pointer::index(&pointer::join(&entry_path, field), v);
                let finding = Finding::new(
                    &catalog::BAD_SEND_HOOKS_ENTRY,
                    &value_path,
                    value.span,
                    format!("send_hooks `{field}` value `{text}` is not one Aperture knows"),
                );
                ctx.push(match did_you_mean(text, allowed.iter().copied()) {
                    Some(s) => finding
                        .fix(format!("use `{s}`"))
                        .patch(vec![PatchOp::replace(&value_path, s.into())]),
                    None => finding.fix(format!("use one of {}", allowed.join(", "))),
                });
            }
        }
    }
}

fn check_connector_pattern(
    ctx: &mut Context,
    index: &Index,
    pattern: &str,
    path: &str,
    span: Span,
) {
    if let Some(label) = pattern.strip_prefix("label:") {
        if label.is_empty() {
            ctx.push(
                Finding::new(
                    &catalog::BAD_CONNECTOR_PATTERN,
                    path,
                    span,
                    "`label:` needs a label name",
                )
                .fix("write `label:<name>`, e.g. `label:system`"),
            );
        }
        return;
    }
    let parts: Vec<&str> = pattern.split('/').collect();
    let category = parts.get(1).copied();
    let malformed = parts[0].is_empty()
        || parts.iter().any(|p| p.is_empty())
        || category.is_some_and(|c| c != "**" && !is_glob(c) && !CONNECTOR_CATEGORIES.contains(&c))
        || (parts.len() > 3 && category != Some("proxy") && !parts.contains(&"**"));
    if malformed {
        ctx.push(
            Finding::new(
                &catalog::BAD_CONNECTOR_PATTERN,
                path,
                span,
                format!("connectors pattern `{pattern}` is not `connectorID/category/resource` (categories: tools, resources, templates, proxy); malformed patterns are reportedly dropped silently"),
            )
            .fix("write e.g. `github/**`, `github/proxy`, `local/tools/*` or `label:system`"),
        );
        return;
    }
    let id = parts[0];
    if !is_glob(id) && !index.connectors.contains(id) && !BUILT_IN_CONNECTORS.contains(&id) {
        ctx.push(
            Finding::new(
                &catalog::CONNECTOR_PATTERN_UNKNOWN,
                path,
                span,
                format!("connectors pattern `{pattern}` names connector `{id}`, which `connectors.servers` does not declare (nor is it built in): it grants nothing"),
            )
            .fix(match did_you_mean(id, index.connectors.iter().copied().chain(BUILT_IN_CONNECTORS.iter().copied())) {
                Some(s) => format!("did you mean `{s}`? Connector IDs are case-sensitive"),
                None => "declare the connector under `connectors.servers`, or fix the ID".to_owned(),
            }),
        );
    }
}

fn global(ctx: &mut Context, index: &Index, grants: &[GrantRef]) {
    let root = ctx.root();
    let temp_grants = root
        .get("temp_grants")
        .and_then(Node::as_array)
        .unwrap_or_default();
    let any_grants = !grants.is_empty() || !temp_grants.is_empty();
    let temp_admin = temp_grants.iter().any(|t| {
        t.get("grants")
            .and_then(Node::as_array)
            .unwrap_or_default()
            .iter()
            .any(|c| c.get_str("role") == Some("admin"))
    });
    let has_admin = temp_admin
        || grants
            .iter()
            .any(|g| g.role() == Some(Role::Admin) && !g.src.is_empty());
    let anchor = root
        .member("grants")
        .or_else(|| root.member("temp_grants"))
        .map_or(
            (
                String::new(),
                Span {
                    start: root.span.start,
                    end: root.span.start,
                },
            ),
            |m| (pointer::join("", &m.key), m.key_span),
        );
    if !index.providers.is_empty() && !any_grants {
        ctx.push(
            Finding::new(&catalog::NO_GRANTS, anchor.0.clone(), anchor.1, "providers are configured but there are no grants: every request gets 403")
                .aperture(&[])
                .fix("add grants: an admin grant for yourself, a `role: user` grant and a `models` grant (generate_grants with an admin rule for you and a user rule for `*`)"),
        );
    }
    if !has_admin {
        ctx.push(
            Finding::new(&catalog::NO_ADMIN, anchor.0, anchor.1, "no grant gives `role: admin`: nobody can manage this instance (lockout)")
                .aperture(&[])
                .fix("add `{\"src\": [\"you@example.com\"], \"app\": {\"tailscale.com/cap/aperture\": [{\"role\": \"admin\"}]}}` to `grants`"),
        );
    }
    for g in grants.iter().filter(|g| g.role() == Some(Role::Admin)) {
        if let Some(k) = g.src.iter().position(|s| *s == "*") {
            let src_node = g.node.get("src").and_then(|s| s.as_array()?.get(k));
            ctx.push(
                Finding::new(
                    &catalog::WILDCARD_ADMIN,
                    pointer::index(&pointer::join(&g.path, "src"), k),
                    src_node.map_or(g.node.span, |n| n.span),
                    "security: `*` gets `role: admin` (the new-instance default): everyone on the tailnet can edit this config and read every user's logs",
                )
                .fix("first add an admin grant for yourself (or `group:aperture-admins`), then replace `*` here; Aperture's save refuses a change that removes your own admin access"),
            );
        }
    }
    if temp_grants.is_empty() {
        coverage(ctx, grants, !index.providers.is_empty());
        let by_src = access::GrantIndex::new(grants);
        redundancy(ctx, grants, &by_src);
        admins_without_models(ctx, &by_src, !index.providers.is_empty());
    }
}

/// Selectors of one kind of grant, indexed so "could a grant reach identity X?" is O(1).
struct Reach<'a> {
    exact: HashSet<&'a str>,
    everyone: bool,
    groups: bool,
    emails: bool,
}

impl<'a> Reach<'a> {
    fn of<'g>(grants: impl Iterator<Item = &'g GrantRef<'a>>) -> Self
    where
        'a: 'g,
    {
        let mut reach = Reach {
            exact: HashSet::default(),
            everyone: false,
            groups: false,
            emails: false,
        };
        for g in grants {
            for s in &g.src {
                reach.exact.insert(s);
                reach.everyone |= *s == "*";
                reach.groups |= s.starts_with("group:") || s.starts_with("autogroup:");
                reach.emails |= s.contains('@') && !s.starts_with("tag:");
            }
        }
        reach
    }

    /// The grant's sources no grant of this kind can reach, listed as `` `a`, `b` `` (empty when all are reached).
    fn unreached(&self, grant: &GrantRef) -> String {
        grant
            .src
            .iter()
            .filter(|s| !self.may_reach(s))
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// True unless no grant can possibly reach callers named by `identity`.
    fn may_reach(&self, identity: &str) -> bool {
        if self.everyone || self.exact.contains(identity) {
            return true;
        }
        let person = !identity.starts_with("tag:") && identity != "(loopback)";
        (person && (self.groups || self.emails)) || (identity.starts_with("group:") && self.groups)
    }
}

/// Whether a grant gives models. A non-empty `models` array counts too: AP216 already reports
/// its form, and whether Aperture accepts it is UNCONFIRMED, so AP209/AP210 must not assume.
fn gives_models(g: &GrantRef) -> bool {
    g.capabilities.iter().any(|c| {
        c.node
            .get("models")
            .is_some_and(|m| m.as_str().is_some() || m.as_array().is_some_and(|a| !a.is_empty()))
    })
}

/// Role ⇄ models coverage. Without providers there is no model to call, so a `role: user`
/// grant without models (a connectors-only gateway) is not reported.
fn coverage(ctx: &mut Context, grants: &[GrantRef], has_providers: bool) {
    let with_role = Reach::of(grants.iter().filter(|g| g.role().is_some()));
    let with_models = Reach::of(grants.iter().filter(|g| gives_models(g)));
    for g in grants {
        let has_models = gives_models(g);
        if has_models && g.role().is_none() {
            let missing = with_role.unreached(g);
            if !missing.is_empty() {
                ctx.push(
                    Finding::new(
                        &catalog::MODELS_WITHOUT_ROLE,
                        pointer::join(&g.path, "src"),
                        g.node.get("src").map_or(g.node.span, |s| s.span),
                        format!(
                            "grant {} gives models to {} but no grant gives them a role: their requests get 403 `access denied: no role granted`",
                            g.index,
                            missing
                        ),
                    )
                    .fix("add `{\"role\": \"user\"}` to this grant's `tailscale.com/cap/aperture` list")
                    .patch(vec![PatchOp::add(
                        format!("{}/-", pointer::join(&pointer::join(&g.path, "app"), access::APERTURE_CAP)),
                        serde_json::json!({ "role": "user" }),
                    )]),
                );
            }
        }
        if has_providers && g.role() == Some(Role::User) && !has_models {
            let missing = with_models.unreached(g);
            if !missing.is_empty() {
                ctx.push(
                    Finding::new(
                        &catalog::ROLE_WITHOUT_MODELS,
                        pointer::join(&g.path, "src"),
                        g.node.get("src").map_or(g.node.span, |s| s.span),
                        format!(
                            "grant {} gives `role: user` to {} but no `models` grant reaches them: every model call fails",
                            g.index,
                            missing
                        ),
                    )
                    .fix("add a `{\"models\": \"<provider>/**\"}` capability to this grant (or `**` for every model)"),
                );
            }
        }
    }
}

/// What the redundancy rules compare of one grant, computed once: its sources and
/// capabilities as sets (equal shapes grant exactly the same thing), its `models` strings,
/// and whether it holds anything besides `src` and Aperture capabilities.
#[derive(Default)]
struct Facts<'g> {
    shape: (Vec<&'g str>, Vec<String>, String),
    models: Vec<&'g str>,
    /// Each capability object as JSON text, with whether it holds only `role`/`models`.
    caps: Vec<(String, bool)>,
    /// Only `src` and `app` with only the Aperture capability: nothing else could be lost.
    plain: bool,
}

fn facts<'g>(g: &GrantRef<'g>) -> Facts<'g> {
    let mut src: Vec<&str> = g.src.clone();
    src.sort_unstable();
    src.dedup();
    let caps: Vec<(String, bool)> = g
        .capabilities
        .iter()
        .map(|c| {
            let simple = c
                .node
                .members()
                .is_some_and(|ms| ms.iter().all(|m| m.key == "role" || m.key == "models"));
            (canonical(c.node), simple)
        })
        .collect();
    let mut cap_set: Vec<String> = caps.iter().map(|(text, _)| text.clone()).collect();
    cap_set.sort_unstable();
    cap_set.dedup();
    // Everything of the grant but `src` and the Aperture capability, in canonical text.
    let mut rest = String::new();
    let mut plain = true;
    for member in g.node.unique_members() {
        match member.key.as_str() {
            "src" => {}
            "app" => {
                for cap in member.value.unique_members() {
                    if cap.key != access::APERTURE_CAP {
                        plain = false;
                        write_canonical_member(cap, &mut rest);
                    }
                }
            }
            _ => {
                plain = false;
                write_canonical_member(member, &mut rest);
            }
        }
    }
    Facts {
        shape: (src, cap_set, rest),
        models: g
            .capabilities
            .iter()
            .filter_map(|c| c.node.get_str("models"))
            .collect(),
        caps,
        plain,
    }
}

/// A value as compact text that is equal exactly when the values are (member order kept, the
/// last of duplicate keys counting): cheap to build for every grant of a large config.
fn canonical(node: &Node) -> String {
    let mut out = String::new();
    write_canonical(node, &mut out);
    out
}

fn write_canonical_member(member: &Member, out: &mut String) {
    write_canonical_text(&member.key, out);
    out.push(':');
    write_canonical(&member.value, out);
    out.push(',');
}

fn write_canonical(node: &Node, out: &mut String) {
    match &node.value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(n.as_str()),
        Value::String(text) => write_canonical_text(text, out),
        Value::Array(items) => {
            out.push('[');
            for item in items {
                write_canonical(item, out);
                out.push(',');
            }
            out.push(']');
        }
        Value::Object(_) => {
            out.push('{');
            for member in node.unique_members() {
                write_canonical_member(member, out);
            }
            out.push('}');
        }
    }
}

fn write_canonical_text(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

/// Whether every caller `narrow` names is also named by `broad` (certain matches only).
fn src_reaches(broad: &GrantRef, narrow: &GrantRef) -> bool {
    broad.src.contains(&"*") || narrow.src.iter().all(|s| broad.src.contains(s))
}

/// Whether `broad` also names callers `narrow` does not.
fn src_wider(broad: &GrantRef, narrow: &GrantRef) -> bool {
    (broad.src.contains(&"*") && !narrow.src.contains(&"*"))
        || broad.src.iter().any(|s| !narrow.src.contains(s))
}

/// Whether removing `narrow` would change nothing, given `broad` (which names all its callers):
/// each capability object of `narrow` is given by `broad` too (a role at least as high, a
/// `models` pattern at least as wide, any other object identically). Grants with other
/// capability keys or fields are never called covered.
fn covered_by(narrow: (&GrantRef, &Facts), broad: (&GrantRef, &Facts)) -> bool {
    let ((ng, nf), (bg, bf)) = (narrow, broad);
    if !nf.plain || ng.capabilities.is_empty() {
        return false;
    }
    ng.capabilities
        .iter()
        .zip(&nf.caps)
        .all(|(cap, (json, simple))| {
            if !simple {
                return bf.shape.1.binary_search(json).is_ok();
            }
            cap.node.members().unwrap_or_default().iter().all(|m| {
                match (m.key.as_str(), m.value.as_str()) {
                    ("role", Some(role)) => Role::parse(role).is_some_and(|r| bg.role() >= Some(r)),
                    ("models", Some(p)) => bf.models.iter().any(|q| access::pattern_covers(q, p)),
                    _ => false,
                }
            })
        })
}

/// At most this many candidate grants are compared with each grant, so a config with
/// thousands of `*` grants stays linear; real configs have a handful.
const MAX_CANDIDATES: usize = 32;

/// The grants that could name every caller of a grant: those with `*`, and those naming its
/// first `src` entry (a grant naming all of its sources names that one).
struct Candidates<'i, 'g, 'a> {
    index: &'i access::GrantIndex<'g, 'a>,
}

impl<'i, 'g, 'a> Candidates<'i, 'g, 'a> {
    /// Indices (sorted, without `i`) of grants that may name every caller of `g`.
    fn of(&self, i: usize, g: &GrantRef) -> Vec<usize> {
        let named = match g.src.first() {
            Some(first) if *first != "*" => self.index.naming(first),
            _ => &[],
        };
        let everyone = self.index.naming("*");
        if everyone.len() + named.len() <= 1 {
            // Only `g` itself (or nothing) can be listed: no allocation for the common case.
            return Vec::new();
        }
        let mut out: Vec<usize> = everyone
            .iter()
            .chain(named)
            .copied()
            .filter(|&j| j != i)
            .take(2 * MAX_CANDIDATES)
            .collect();
        out.sort_unstable();
        out.dedup();
        out.truncate(MAX_CANDIDATES);
        out
    }
}

/// Which grants `redundancy` must look at: those sharing their set of sources with another
/// grant (possible duplicates), those with a broader candidate, and those candidates; and each
/// grant's candidates, found once here for the checks to reuse.
fn needs_facts(
    grants: &[GrantRef],
    candidates: &Candidates<'_, '_, '_>,
) -> (Vec<bool>, Vec<Vec<usize>>) {
    let mut needed = vec![false; grants.len()];
    let mut broader_of = Vec::with_capacity(grants.len());
    let mut by_sources: HashMap<Vec<&str>, usize> = HashMap::default();
    for (i, g) in grants.iter().enumerate() {
        let mut src = g.src.clone();
        src.sort_unstable();
        src.dedup();
        match by_sources.get(&src) {
            Some(&first) => {
                needed[first] = true;
                needed[i] = true;
            }
            None => {
                by_sources.insert(src, i);
            }
        }
        let broader = candidates.of(i, g);
        if !broader.is_empty() {
            needed[i] = true;
            for &j in &broader {
                needed[j] = true;
            }
        }
        broader_of.push(broader);
    }
    (needed, broader_of)
}

/// Duplicate grants (AP227), a restriction a broader grant defeats (AP229), and grants wholly
/// covered by another (AP228): each grant gets at most one of them, the most specific.
fn redundancy(ctx: &mut Context, grants: &[GrantRef], index: &access::GrantIndex) {
    let candidates = Candidates { index };
    // Facts cost text per capability: only grants that could repeat another (same sources) or
    // have a broader candidate get them, so a large config of distinct grants stays cheap.
    let (needed, broader_of) = needs_facts(grants, &candidates);
    let all: Vec<Facts> = grants
        .iter()
        .zip(&needed)
        .map(|(g, &needed)| if needed { facts(g) } else { Facts::default() })
        .collect();
    let mut first_of: HashMap<&(Vec<&str>, Vec<String>, String), usize> = HashMap::default();
    for (i, g) in grants.iter().enumerate() {
        if !needed[i] || g.src.is_empty() || g.capabilities.is_empty() {
            continue;
        }
        let first = *first_of.entry(&all[i].shape).or_insert(i);
        if first != i {
            ctx.push(
                Finding::new(
                    &catalog::DUPLICATE_GRANT,
                    &g.path,
                    g.node.span,
                    format!(
                        "grant {} repeats grant {} (same `src`, same capabilities): it adds no access and hides the effective policy",
                        g.index, grants[first].index
                    ),
                )
                .fix(format!("remove grant {}", g.index))
                .patch(vec![PatchOp::remove(&g.path)]),
            );
            continue;
        }
        let broader: Vec<usize> = broader_of[i]
            .iter()
            .copied()
            .filter(|&j| src_reaches(&grants[j], g) && all[j].shape != all[i].shape)
            .collect();
        if defeated_restriction(ctx, grants, &all, &broader, i) {
            continue;
        }
        // Two grants covering each other: only the later one is reported.
        let covering = broader.iter().copied().find(|&j| {
            covered_by((g, &all[i]), (&grants[j], &all[j]))
                && !(j > i
                    && src_reaches(g, &grants[j])
                    && covered_by((&grants[j], &all[j]), (g, &all[i])))
        });
        if let Some(j) = covering {
            let b = grants[j].index;
            ctx.push(
                Finding::new(
                    &catalog::GRANT_COVERED,
                    pointer::join(&g.path, "src"),
                    g.node.get("src").map_or(g.node.span, |s| s.span),
                    format!(
                        "grant {} is wholly covered by grant {b}: it names no caller grant {b} does not, and gives nothing grant {b} does not already give them (grants are additive)",
                        g.index
                    ),
                )
                .fix(format!(
                    "remove grant {}, or narrow grant {b} if these callers were meant to get less",
                    g.index
                )),
            );
        }
    }
}

/// AP229: grant `i` gives its callers only some models, but a grant naming more callers (e.g.
/// `*`) gives those models and more, so the narrower list restricts nothing. `broader` are
/// the grants that name every caller of grant `i`.
fn defeated_restriction(
    ctx: &mut Context,
    grants: &[GrantRef],
    all: &[Facts],
    broader: &[usize],
    i: usize,
) -> bool {
    let (g, narrow) = (&grants[i], &all[i].models);
    if narrow.is_empty() {
        return false;
    }
    let defeating = broader.iter().copied().find(|&j| {
        let broad = &all[j].models;
        src_wider(&grants[j], g)
            && narrow
                .iter()
                .all(|p| broad.iter().any(|q| access::pattern_covers(q, p)))
            && broad
                .iter()
                .any(|q| !narrow.iter().any(|p| access::pattern_covers(p, q)))
    });
    let Some(j) = defeating else {
        return false;
    };
    let Some(cap) = g
        .capabilities
        .iter()
        .find(|c| c.node.get_str("models").is_some())
    else {
        return false;
    };
    let b = &grants[j];
    let quoted = |items: &mut dyn Iterator<Item = &str>| {
        items
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let wider = quoted(
        &mut all[j]
            .models
            .iter()
            .copied()
            .filter(|q| !narrow.iter().any(|p| access::pattern_covers(p, q))),
    );
    let who = if b.src.contains(&"*") {
        "`*` (everyone)".to_owned()
    } else {
        quoted(&mut b.src.iter().copied())
    };
    let member = cap.node.member("models");
    ctx.push(
        Finding::new(
            &catalog::RESTRICTION_DEFEATED,
            pointer::join(&cap.path(), "models"),
            member.map_or(cap.node.span, |m| m.value.span),
            format!(
                "grant {} gives {} only {}, but grant {} gives {who} {wider}: grants are additive (there is no deny), so these callers get that too and the restriction has no effect",
                g.index,
                quoted(&mut g.src.iter().copied()),
                quoted(&mut narrow.iter().copied()),
                b.index,
            ),
        )
        .fix(format!(
            "narrow grant {} (give its callers the restricted models) and give the wider models only to those meant to have them",
            b.index
        )),
    );
    true
}

/// AP230: an identity that is admin but gets no `models` from any grant (its own or `*`'s).
fn admins_without_models(ctx: &mut Context, index: &access::GrantIndex, has_providers: bool) {
    if !has_providers {
        return;
    }
    let grants = index.grants();
    let mut seen = HashSet::default();
    for g in grants.iter().filter(|g| g.role() == Some(Role::Admin)) {
        for (k, s) in g.src.iter().enumerate() {
            if !seen.insert(*s) {
                continue;
            }
            let person = access::Person::of_selector(s);
            let got = access::PersonAccess::of(index, &person.identity);
            if got.role != Some(Role::Admin) || !got.models.is_empty() {
                continue;
            }
            let src_node = g.node.get("src").and_then(|n| n.as_array()?.get(k));
            ctx.push(
                Finding::new(
                    &catalog::ADMIN_WITHOUT_MODELS,
                    pointer::index(&pointer::join(&g.path, "src"), k),
                    src_node.map_or(g.node.span, |n| n.span),
                    format!("`{s}` is an admin, but no grant gives it `models`: it can manage the gateway, yet every model call it makes is denied"),
                )
                .fix("give the admin grant a `models` capability (e.g. `{\"models\": \"**\"}`), or grant models to these callers elsewhere"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(grants: &str) -> Vec<(String, String)> {
        let text = format!(
            r#"{{"providers": {{"anthropic": {{"baseurl": "https://api.anthropic.com", "models": ["claude-haiku-4-5", "claude-opus-4-8"]}}}}, "grants": [{grants}]}}"#
        );
        let doc = crate::config::Document::parse(&text).unwrap();
        super::super::check(&doc)
            .into_iter()
            .filter(|d| ["AP227", "AP228", "AP229", "AP230"].contains(&d.code.as_str()))
            .map(|d| (d.code, d.path))
            .collect()
    }

    const ADMIN: &str = r#"{"src": ["ops@example.com"], "app": {"tailscale.com/cap/aperture": [{"role": "admin"}, {"models": "**"}]}}"#;

    #[test]
    fn equivalent_grants_written_differently_are_reported_once() {
        // The same access split differently over capability objects: each covers the
        // other, only the later one is reported.
        let found = codes(&format!(
            r#"{ADMIN},
            {{"src": ["*"], "app": {{"tailscale.com/cap/aperture": [{{"role": "user", "models": "anthropic/**"}}]}}}},
            {{"src": ["*"], "app": {{"tailscale.com/cap/aperture": [{{"role": "user"}}, {{"models": "anthropic/**"}}]}}}}"#
        ));
        assert_eq!(
            found,
            vec![("AP228".to_owned(), "/grants/2/src".to_owned())]
        );
    }

    #[test]
    fn quotas_and_custom_capabilities_are_never_called_covered() {
        // The narrower grant's quota would be lost if it were removed.
        let found = codes(&format!(
            r#"{ADMIN},
            {{"src": ["alice@example.com"], "app": {{"tailscale.com/cap/aperture": [{{"role": "user"}}, {{"models": "anthropic/**", "quotas": [{{"bucket": "a"}}]}}]}}}},
            {{"src": ["bob@example.com"], "app": {{"tailscale.com/cap/aperture": [{{"role": "user"}}], "example.com/cap/tier": [{{"tier": 1}}]}}}},
            {{"src": ["*"], "app": {{"tailscale.com/cap/aperture": [{{"role": "user"}}, {{"models": "anthropic/**"}}]}}}}"#
        ));
        assert!(found.is_empty(), "{found:?}");
        // A wider model set for a group, on top of a narrow one for everyone, is the right way.
        let found = codes(&format!(
            r#"{ADMIN},
            {{"src": ["group:senior"], "app": {{"tailscale.com/cap/aperture": [{{"role": "user"}}, {{"models": "anthropic/**"}}]}}}},
            {{"src": ["*"], "app": {{"tailscale.com/cap/aperture": [{{"role": "user"}}, {{"models": "anthropic/claude-haiku-4-5"}}]}}}}"#
        ));
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn templates_and_legacy_pairs() {
        assert_eq!(unsupported_template("daily:<user>"), None);
        assert_eq!(unsupported_template("device:<node>"), None);
        assert_eq!(unsupported_template("daily:<team>"), Some("<team>"));
        assert_eq!(unsupported_template("team-monthly"), None);
        assert_eq!(legacy_pair_pattern("*", "*"), "**");
        assert_eq!(legacy_pair_pattern("anthropic", "*"), "anthropic/**");
        assert_eq!(
            legacy_pair_pattern("anthropic", "claude-x"),
            "anthropic/claude-x"
        );
    }
}
