//! Provider checks: base URLs, auth, compatibility flags, cost basis, models.

use std::collections::HashMap;

use super::catalog;
use super::context::{Context, Finding, Index, did_you_mean, is_header_line};
use crate::catalog::apis::Flag;
use crate::catalog::providers::{self as kinds, COST_BASES, KEYFILE_PREFIX, Kind, ProviderKind};
use crate::config::meaning::flag_state;
use crate::config::{Member, Node, pointer};
use crate::diagnostic::PatchOp;
use crate::net::{host_of, is_tailnet_ip};
use crate::redact::excerpt;

pub const AUTHORIZATION_TYPES: &[&str] = &["bearer", "x-api-key", "x-goog-api-key"];
/// Values the Jun-2026 webhook how-to adds for hooks (Splunk HEC, Cloudflare AI Gateway).
/// Whether providers take them is UNCERTAIN (the Apr-2026 reference said hooks take "the same
/// values as provider authorization"), so on a provider they are a warning, never an error.
pub const HOOK_ONLY_AUTHORIZATION_TYPES: &[&str] = &["hec", "cf-aig-authorization"];
/// Client endpoint paths that never belong in a base URL (longest first).
const ENDPOINT_SUFFIXES: &[&str] = &[
    "/v1/chat/completions",
    "/chat/completions",
    "/v1/messages",
    "/v1/responses",
    "/messages",
    "/responses",
    "/v1/models",
];

/// Seed-guide flag names other than kind names (`"bedrock": true`, see the catalog's
/// `seed_flag`) and what they should have been.
const SEED_FLAGS: &[(&str, Flag)] = &[
    ("responses", Flag::OpenaiResponses),
    ("messages", Flag::AnthropicMessages),
    ("converse", Flag::BedrockConverse),
];

/// The flag a seed-guide flag name stood for.
fn seed_flag(name: &str) -> Option<Flag> {
    kinds::KINDS
        .iter()
        .find(|k| k.kind.eq_ignore_ascii_case(name))
        .and_then(|k| k.seed_flag)
        .or_else(|| {
            SEED_FLAGS
                .iter()
                .find(|(seed, _)| name.eq_ignore_ascii_case(seed))
                .map(|(_, real)| *real)
        })
}

pub fn check(ctx: &mut Context, index: &Index) {
    for member in &index.provider_members {
        if !member.value.is_object() {
            continue;
        }
        let path = pointer::join("/providers", &member.key);
        check_provider(ctx, &member.key, &member.value, &path, member.key_span);
    }
    duplicate_models(ctx, index);
}

fn check_provider(
    ctx: &mut Context,
    id: &str,
    provider: &Node,
    path: &str,
    key_span: crate::config::Span,
) {
    let auth_mode = provider.get_str("auth_mode");
    let apikey = provider.get_str("apikey");
    let keyfile = apikey.is_some_and(|k| k.starts_with(KEYFILE_PREFIX));
    let baseurl = provider.get_str("baseurl").filter(|u| !u.trim().is_empty());
    let kind = baseurl.and_then(|u| kinds::recognise(u, auth_mode, apikey));

    match baseurl {
        None => ctx.push(
            Finding::new(
                &catalog::PROVIDER_NO_BASEURL,
                pointer::join(path, "baseurl"),
                key_span,
                format!("provider `{id}` has no `baseurl`, so Aperture has nowhere to send its requests"),
            )
            .aperture(&[id])
            .fix("add `baseurl`: the upstream's root URL without `/v1`, e.g. `https://api.openai.com`"),
        ),
        Some(url) => check_baseurl(ctx, id, provider, path, url),
    }

    // An empty string is Go's zero value, the same as leaving the field out (the default).
    if let Some(member) = provider
        .member("authorization")
        .filter(|m| m.value.as_str() != Some(""))
    {
        check_authorization(ctx, id, provider, path, member, kind, auth_mode, keyfile);
    } else if let Some(kind) = kind
        && let Some(expected) = kind.authorization.filter(|a| *a != "bearer")
        && auth_mode != Some("passthrough")
        && !keyfile
    {
        {
            ctx.push(
                Finding::new(
                    &catalog::AUTHORIZATION_MISMATCH,
                    pointer::join(path, "authorization"),
                    key_span,
                    format!(
                        "provider `{id}` talks to {} but has no `authorization`, so Aperture sends the default `Authorization: Bearer`; {} expects `{expected}` (whether Aperture infers it is UNCONFIRMED: a 401 from test_endpoint with send_completion means it does not)",
                        kind.title, kind.title
                    ),
                )
                .fix(format!("set `\"authorization\": \"{expected}\"`"))
                .patch(vec![PatchOp::add(pointer::join(path, "authorization"), expected.into())]),
            );
        }
    }

    if let Some(member) = provider.member("add_headers")
        && let Some(entries) = member.value.as_array()
    {
        for (i, entry) in entries.iter().enumerate() {
            if let Some(text) = entry.as_str()
                && !is_header_line(text)
            {
                let shown = excerpt(text, 60);
                ctx.push(
                    Finding::new(
                        &catalog::PROVIDER_BAD_ADD_HEADERS,
                        pointer::index(&pointer::join(path, "add_headers"), i),
                        entry.span,
                        format!("provider `{id}`: add_headers entry \"{shown}\" is not `Header-Name: value`"),
                    )
                    .aperture(&[id, &shown])
                    .fix("write each entry as `Header-Name: value`, e.g. `X-Team: platform`"),
                );
            }
        }
    }

    check_models(ctx, id, provider, path, key_span);
    check_compatibility(ctx, id, provider, path, key_span, kind, keyfile);
    check_cost_basis(ctx, id, provider, path, key_span, kind);
    check_auth_mode(ctx, id, provider, path);
    check_cost_map(ctx, id, provider, path);

    if let Some(member) = provider.member("tailnet") {
        tailnet_key(ctx, &pointer::join(path, "tailnet"), member);
    }
}

fn check_baseurl(ctx: &mut Context, id: &str, provider: &Node, path: &str, url: &str) {
    let Some(node) = provider.get("baseurl") else {
        return;
    };
    let url_path = pointer::join(path, "baseurl");
    let trimmed = url.trim_end_matches('/');
    if !url.contains("://") {
        let host = url.split('/').next().unwrap_or_default();
        let scheme =
            if is_tailnet_ip(host.split(':').next().unwrap_or_default()) || !host.contains('.') {
                "http"
            } else {
                "https"
            };
        let fixed = format!("{scheme}://{url}");
        ctx.push(
            Finding::new(
                &catalog::BASEURL_NO_SCHEME,
                &url_path,
                node.span,
                format!("provider `{id}`: baseurl `{url}` has no scheme, so Aperture cannot build an upstream URL from it"),
            )
            .fix(format!("write `{fixed}` (http:// for tailnet addresses, https:// for public APIs)"))
            .patch(vec![PatchOp::replace(&url_path, fixed.into())]),
        );
        return;
    }
    if let Some(endpoint) = ENDPOINT_SUFFIXES
        .iter()
        .find(|suffix| trimmed.ends_with(*suffix))
    {
        let root = trimmed[..trimmed.len() - endpoint.len()]
            .trim_end_matches("/v1")
            .to_owned();
        ctx.push(
            Finding::new(
                &catalog::BASEURL_IS_ENDPOINT,
                &url_path,
                node.span,
                format!(
                    "provider `{id}`: baseurl `{url}` is a full endpoint; Aperture appends the client's own path (`{endpoint}`), so requests go to `{trimmed}{endpoint}`"
                ),
            )
            .fix(format!("set baseurl to the API root `{root}`"))
            .patch(vec![PatchOp::replace(&url_path, root.into())]),
        );
        return;
    }
    if trimmed.ends_with("/v1") && kinds::recognise(url, None, None).is_none() {
        // The self-hosted how-to's own example (`http://100.64.0.1:8080/v1`): not an error.
        ctx.push(
            Finding::new(
                &catalog::SELF_HOSTED_BASEURL_V1,
                &url_path,
                node.span,
                format!(
                    "provider `{id}`: baseurl `{url}` ends in `/v1`, as the self-hosted how-to shows: clients that call Aperture's version-less `/chat/completions` (base URL `http://<host>`) reach `{trimmed}/chat/completions`; clients that call `/v1/chat/completions` reach `{trimmed}/v1/chat/completions` (UNCERTAIN)"
                ),
            )
            .fix(format!(
                "send one request as the client does (`curl http://<host>/v1/chat/completions` and `curl http://<host>/chat/completions`) and check which one your server answers; if only `/v1/...` paths work, set baseurl to `{}`",
                trimmed.trim_end_matches("/v1")
            )),
        );
    } else if trimmed.ends_with("/v1") {
        let fixed = trimmed.trim_end_matches("/v1").to_owned();
        ctx.push(
            Finding::new(
                &catalog::BASEURL_V1,
                &url_path,
                node.span,
                format!(
                    "provider `{id}`: baseurl `{url}` ends in `/v1`; Aperture appends the client's request path (`/v1/...`), so upstream calls go to `{trimmed}/v1/...` and fail (HTTP 405 on Vercel, 404 elsewhere)"
                ),
            )
            .fix(format!(
                "set baseurl to `{fixed}`; only keep `/v1` for a self-hosted server whose clients call Aperture's version-less `/chat/completions`"
            ))
            .patch(vec![PatchOp::replace(&url_path, fixed.into())]),
        );
    }
    if let Some(rest) = url.strip_prefix("https://")
        && let Some(host) = host_of(url)
        && (is_tailnet_ip(&host)
            || (!host.contains('.') && !host.contains(':') && host != "localhost"))
    {
        let fixed = format!("http://{rest}");
        ctx.push(
            Finding::new(
                &catalog::HTTPS_TAILNET_BASEURL,
                &url_path,
                node.span,
                format!(
                    "provider `{id}`: `https://` to the tailnet address `{host}`: no certificate is issued for a tailnet IP or short MagicDNS name, so TLS fails"
                ),
            )
            .fix(format!(
                "use `{fixed}` (tailnet traffic is already WireGuard-encrypted), or the node's full `*.ts.net` name if it serves HTTPS"
            ))
            .patch(vec![PatchOp::replace(&url_path, fixed.into())]),
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn check_authorization(
    ctx: &mut Context,
    id: &str,
    provider: &Node,
    path: &str,
    member: &Member,
    kind: Option<&ProviderKind>,
    auth_mode: Option<&str>,
    keyfile: bool,
) {
    let auth_path = pointer::join(path, "authorization");
    match &member.value.value {
        crate::config::Value::Object(_) => {
            ctx.claim(&auth_path);
            let ty = member.value.get_str("type").unwrap_or("bearer");
            let lowered = ty.to_ascii_lowercase();
            let lowered = if AUTHORIZATION_TYPES.contains(&lowered.as_str()) {
                lowered
            } else {
                "bearer".to_owned()
            };
            let mut patch = Vec::new();
            let mut steps = Vec::new();
            if member.value.get("value").is_some() {
                if provider.get("apikey").is_some() {
                    patch.push(PatchOp::remove(pointer::join(path, "apikey")));
                }
                patch.push(PatchOp::move_to(
                    pointer::join(&auth_path, "value"),
                    pointer::join(path, "apikey"),
                ));
                steps.push("move the key from `authorization.value` to `apikey`".to_owned());
            }
            patch.push(PatchOp::replace(&auth_path, lowered.clone().into()));
            steps.push(format!("set `\"authorization\": \"{lowered}\"`"));
            ctx.push(
                Finding::new(
                    &catalog::PROVIDER_AUTHORIZATION_OBJECT,
                    &auth_path,
                    member.key_span,
                    format!(
                        "provider `{id}`: `authorization` is an object `{{type, value}}` (an old-guide form); Aperture expects a string (`bearer`, `x-api-key`, `x-goog-api-key`) and the key in `apikey`"
                    ),
                )
                .fix(steps.join(", then "))
                .patch(patch),
            );
        }
        crate::config::Value::String(value) => {
            if HOOK_ONLY_AUTHORIZATION_TYPES.contains(&value.as_str()) {
                ctx.push(
                    Finding::new(
                        &catalog::PROVIDER_HOOK_AUTHORIZATION,
                        &auth_path,
                        member.value.span,
                        format!(
                            "provider `{id}`: `authorization: \"{value}\"` is documented for hooks only; whether a provider accepts it is UNCERTAIN (saving in the dashboard's config editor answers `invalid authorization type` where it does not)"
                        ),
                    )
                    .fix("save the config in the dashboard's raw config editor: if it answers `invalid authorization type`, send the key with `add_headers` (e.g. `cf-aig-authorization: Bearer <token>`) and `authorization: \"bearer\"` instead"),
                );
            } else if !AUTHORIZATION_TYPES.contains(&value.as_str()) {
                let lowered = value.to_ascii_lowercase();
                let suggestion = if AUTHORIZATION_TYPES.contains(&lowered.as_str()) {
                    Some(lowered.as_str())
                } else if lowered == "x-goog-api-key" || lowered.contains("goog") {
                    Some("x-goog-api-key")
                } else {
                    did_you_mean(&lowered, AUTHORIZATION_TYPES.iter().copied())
                };
                let shown = excerpt(value, 40);
                let mut finding = Finding::new(
                    &catalog::PROVIDER_BAD_AUTHORIZATION,
                    &auth_path,
                    member.value.span,
                    format!("provider `{id}` has invalid authorization type `{shown}`"),
                )
                .aperture(&[id, &shown]);
                finding = match suggestion {
                    Some(s) => finding
                        .fix(format!(
                            "use `{s}` (values are lower-case: bearer, x-api-key, x-goog-api-key)"
                        ))
                        .patch(vec![PatchOp::replace(&auth_path, s.into())]),
                    None => finding.fix("use one of `bearer`, `x-api-key`, `x-goog-api-key`"),
                };
                ctx.push(finding);
            } else if let Some(kind) = kind
                && let Some(expected) = kind.authorization
                && expected != value.as_str()
                && auth_mode != Some("passthrough")
                && !keyfile
            {
                ctx.push(
                    Finding::new(
                        &catalog::AUTHORIZATION_WRONG_FOR_UPSTREAM,
                        &auth_path,
                        member.value.span,
                        format!(
                            "provider `{id}` sends its key as `{value}`, but {} expects `{expected}`: the upstream will answer 401",
                            kind.title
                        ),
                    )
                    .fix(format!("set `\"authorization\": \"{expected}\"`"))
                    .patch(vec![PatchOp::replace(&auth_path, expected.into())]),
                );
            }
            if keyfile {
                ctx.push(
                    Finding::new(
                        &catalog::KEYFILE_IGNORES_AUTHORIZATION,
                        &auth_path,
                        member.key_span,
                        format!(
                            "provider `{id}` uses a `keyfile::` service-account key, so Aperture mints its own bearer tokens and ignores `authorization`"
                        ),
                    )
                    .fix("remove `authorization` to avoid confusion")
                    .patch(vec![PatchOp::remove(&auth_path)]),
                );
            }
        }
        _ => {}
    }
}

fn check_models(
    ctx: &mut Context,
    id: &str,
    provider: &Node,
    path: &str,
    key_span: crate::config::Span,
) {
    let models_path = pointer::join(path, "models");
    match provider.member("models") {
        None => ctx.push(
            Finding::new(
                &catalog::PROVIDER_NO_MODELS,
                &models_path,
                key_span,
                format!("provider `{id}` has no `models`: Aperture routes by model ID, so nothing reaches this provider"),
            )
            .fix("add `models`: the model IDs exactly as the upstream expects them, e.g. `[\"gpt-5\"]`"),
        ),
        Some(member) => {
            let Some(items) = member.value.as_array() else { return };
            if items.is_empty() {
                ctx.push(
                    Finding::new(
                        &catalog::PROVIDER_NO_MODELS,
                        &models_path,
                        member.value.span,
                        format!("provider `{id}` has an empty `models` list: nothing reaches this provider"),
                    )
                    .fix("list the model IDs this provider serves"),
                );
            }
            for (i, item) in items.iter().enumerate() {
                if let Some(model) = item.as_str()
                    && model.contains(['*', '?'])
                {
                    ctx.push(
                        Finding::new(
                            &catalog::MODEL_WILDCARD,
                            pointer::index(&models_path, i),
                            item.span,
                            format!("provider `{id}`: model `{model}` contains a wildcard; provider model IDs are literal, so no request ever matches it"),
                        )
                        .fix("list each model ID explicitly; use globs only in grants' `models` patterns"),
                    );
                }
            }
        }
    }
}

fn check_compatibility(
    ctx: &mut Context,
    id: &str,
    provider: &Node,
    path: &str,
    key_span: crate::config::Span,
    kind: Option<&ProviderKind>,
    keyfile: bool,
) {
    let compat_path = pointer::join(path, "compatibility");
    let block = provider.get("compatibility").filter(|b| b.is_object());
    // Flags an AP111 rename will turn on: AP106 would repeat the same fix.
    let mut renamed_to: Vec<Flag> = Vec::new();
    if let Some(block) = block {
        for member in block.unique_members() {
            if Flag::from_name(&member.key).is_some() {
                continue;
            }
            let flag_path = pointer::join(&compat_path, &member.key);
            ctx.claim(&flag_path);
            let seed = seed_flag(&member.key);
            let typo = did_you_mean(&member.key, Flag::names()).and_then(Flag::from_name);
            match seed.or(typo) {
                Some(real) => {
                    renamed_to.push(real);
                    let mut finding = Finding::new(
                        &catalog::SEED_COMPAT_FLAG,
                        &flag_path,
                        member.key_span,
                        format!(
                            "provider `{id}`: `{}` is not a compatibility flag (Aperture ignores it, so this API stays off); the flag is `{real}`",
                            member.key
                        ),
                    );
                    finding = if block.get(real.name()).is_some() {
                        finding.fix(format!("remove `{}` (`{real}` is already set)", member.key)).patch(vec![PatchOp::remove(&flag_path)])
                    } else {
                        finding
                            .fix(format!("rename `{}` to `{real}`", member.key))
                            .patch(vec![PatchOp::move_to(&flag_path, pointer::join(&compat_path, real.name()))])
                    };
                    if member.key.eq_ignore_ascii_case(Kind::Vertex.name()) {
                        finding = finding.fix(format!(
                            "rename `{}` to `{}` (Gemini models on Vertex); add `{}` for Claude models on Vertex",
                            member.key,
                            Flag::GoogleGenerateContent,
                            Flag::GoogleRawPredict
                        ));
                    }
                    ctx.push(finding);
                }
                None => ctx.push(
                    Finding::new(
                        &catalog::UNKNOWN_COMPAT_FLAG,
                        &flag_path,
                        member.key_span,
                        format!("provider `{id}`: `{}` is not a documented compatibility flag; Aperture ignores it", member.key),
                    )
                    .fix(format!("documented flags: {}", Flag::names().collect::<Vec<_>>().join(", "))),
                ),
            }
        }
        let chat = Flag::OpenaiChat;
        if block.get(chat.name()).is_none() && block.members().is_some_and(|m| !m.is_empty()) {
            ctx.push(
                Finding::new(
                    &catalog::OPENAI_CHAT_AMBIGUOUS,
                    pointer::join(&compat_path, chat.name()),
                    provider.member("compatibility").map_or(key_span, |m| m.key_span),
                    format!(
                        "provider `{id}`: the `compatibility` block does not mention `{chat}`; the docs disagree on whether it stays on (UNCONFIRMED: GET /v1/models shows whether its models list /v1/chat/completions), so `/v1/chat/completions` may or may not reach this provider"
                    ),
                )
                .fix(format!("write `{chat}` explicitly: `true` to serve chat completions, `false` to turn them off"))
                .patch(vec![PatchOp::add(pointer::join(&compat_path, chat.name()), (kind.is_some_and(|k| k.flags.contains(&chat))).into())]),
            );
        }
    }

    if let Some(kind) = kind {
        let states: Vec<Option<bool>> = kind
            .required_any_flag
            .iter()
            .map(|f| flag_state(provider, *f))
            .collect();
        let any_on = states.contains(&Some(true));
        let ambiguous = states.contains(&None);
        let renamed = kind
            .required_any_flag
            .iter()
            .any(|f| renamed_to.contains(f));
        if !any_on && !ambiguous && !renamed {
            let wanted = kind
                .flags
                .iter()
                .filter(|f| kind.required_any_flag.contains(f))
                .copied()
                .collect::<Vec<_>>();
            let mut patch = Vec::new();
            if block.is_none() {
                let flags: serde_json::Map<String, serde_json::Value> = wanted
                    .iter()
                    .map(|f| (f.name().to_owned(), true.into()))
                    .collect();
                patch.push(PatchOp::add(&compat_path, serde_json::Value::Object(flags)));
            } else {
                for f in &wanted {
                    let p = pointer::join(&compat_path, f.name());
                    patch.push(if block.and_then(|b| b.get(f.name())).is_some() {
                        PatchOp::replace(p, true.into())
                    } else {
                        PatchOp::add(p, true.into())
                    });
                }
            }
            ctx.push(
                Finding::new(
                    &catalog::MISSING_COMPAT_FLAG,
                    &compat_path,
                    provider.member("compatibility").map_or(key_span, |m| m.key_span),
                    format!(
                        "provider `{id}` points at {} but none of {} is enabled: Aperture never routes that API's requests here (clients see 404/405)",
                        kind.title,
                        kind.required_any_flag.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
                    ),
                )
                .fix(format!("enable {}", wanted.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(" and ")))
                .patch(patch),
            );
        }
    }

    let raw_predict = Flag::GoogleRawPredict;
    if flag_state(provider, raw_predict) == Some(true) && !keyfile {
        ctx.push(
            Finding::new(
                &catalog::RAW_PREDICT_NEEDS_KEYFILE,
                pointer::join(&compat_path, raw_predict.name()),
                block.and_then(|b| b.member(raw_predict.name())).map_or(key_span, |m| m.key_span),
                format!(
                    "provider `{id}` enables `{raw_predict}` (Claude on Vertex) without a `keyfile::` service-account key; API keys (Vertex Express) are not supported for raw predict"
                ),
            )
            .fix(format!("set `apikey` to `keyfile::<base64 of the service-account JSON>`, or turn `{raw_predict}` off")),
        );
    }
}

fn check_cost_basis(
    ctx: &mut Context,
    id: &str,
    provider: &Node,
    path: &str,
    key_span: crate::config::Span,
    kind: Option<&ProviderKind>,
) {
    let cb_path = pointer::join(path, "cost_basis");
    // An empty string is Go's zero value, the same as leaving the field out (inferred).
    match provider
        .member("cost_basis")
        .filter(|m| m.value.as_str() != Some(""))
    {
        Some(member) => {
            if let Some(value) = member.value.as_str()
                && !COST_BASES.contains(&value)
            {
                let mut finding = Finding::new(
                    &catalog::UNKNOWN_COST_BASIS,
                    &cb_path,
                    member.value.span,
                    format!(
                        "provider `{id}`: cost_basis `{value}` is not a documented pricing table; Aperture's handling is UNCONFIRMED (the dashboard's Logs page shows whether a request was priced), so costs and quota charges may be missing"
                    ),
                );
                finding = match did_you_mean(value, COST_BASES.iter().copied()) {
                    Some(s) => finding
                        .fix(format!("use `{s}`"))
                        .patch(vec![PatchOp::replace(&cb_path, s.into())]),
                    None => finding.fix(format!("use one of {}", COST_BASES.join(", "))),
                };
                ctx.push(finding);
            }
        }
        None => {
            if let Some(kind) = kind.filter(|k| k.cost_basis_required)
                && let Some(suggested) =
                    suggested_cost_basis(kind, provider.get_str("baseurl").unwrap_or_default())
            {
                ctx.push(
                    Finding::new(
                        &catalog::COST_BASIS_REQUIRED,
                        &cb_path,
                        key_span,
                        format!(
                            "provider `{id}` ({}) has no `cost_basis`; Aperture cannot infer one for it, so there are no cost estimates and quotas never charge",
                            kind.title
                        ),
                    )
                    .fix(format!("set `\"cost_basis\": \"{suggested}\"`"))
                    .patch(vec![PatchOp::add(&cb_path, suggested.into())]),
                );
            }
        }
    }
}

/// The cost basis to suggest: a regional upstream's documented table for the base URL's
/// region, else the kind's own.
fn suggested_cost_basis(kind: &ProviderKind, baseurl: &str) -> Option<&'static str> {
    let Some(regional) = kind.regional else {
        return kind.cost_basis;
    };
    let by_region = regional.cost_bases.iter().find(|(geography, basis)| {
        !kinds::UNDOCUMENTED_COST_BASES.contains(basis)
            && baseurl.contains(&format!(".{geography}-"))
    });
    Some(by_region.map_or(regional.other_cost_basis, |(_, basis)| basis))
}

fn check_auth_mode(ctx: &mut Context, id: &str, provider: &Node, path: &str) {
    let Some(member) = provider.member("auth_mode") else {
        return;
    };
    let Some(value) = member.value.as_str() else {
        return;
    };
    let mode_path = pointer::join(path, "auth_mode");
    match value {
        "" | "override" | "passthrough" => {}
        "none" => ctx.push(
            Finding::new(
                &catalog::AUTH_MODE_NONE,
                &mode_path,
                member.value.span,
                format!("provider `{id}`: `auth_mode: \"none\"` is documented only by a secondary source (UNCONFIRMED: one request with test_endpoint shows whether the upstream accepts it)"),
            )
            .fix("check on your gateway that requests reach the upstream without credentials; omitting `apikey` with the default mode also sends none"),
        ),
        other => {
            let finding = Finding::new(
                &catalog::BAD_AUTH_MODE,
                &mode_path,
                member.value.span,
                format!("provider `{id}`: auth_mode `{other}` is not `override`, `passthrough` or `none`"),
            );
            ctx.push(match did_you_mean(other, ["override", "passthrough", "none"]) {
                Some(s) => finding.fix(format!("use `{s}`")).patch(vec![PatchOp::replace(&mode_path, s.into())]),
                None => finding.fix("use `override` (inject apikey) or `passthrough` (forward the client's own credential)"),
            });
        }
    }
}

fn check_cost_map(ctx: &mut Context, id: &str, provider: &Node, path: &str) {
    let Some(entries) = provider.get("model_cost_map").and_then(Node::as_array) else {
        return;
    };
    let map_path = pointer::join(path, "model_cost_map");
    for (i, entry) in entries.iter().enumerate() {
        if !entry.is_object() {
            continue;
        }
        let mut problems = Vec::new();
        if entry.get_str("match").is_none_or(str::is_empty) {
            problems.push("no `match` glob");
        }
        if entry.get_str("as").is_none_or(str::is_empty) {
            problems.push("no `as` model name");
        }
        if entry
            .get("adjustment")
            .and_then(Node::as_f64)
            .is_some_and(|a| a <= 0.0)
        {
            problems.push("an `adjustment` that is not positive");
        }
        if !problems.is_empty() {
            ctx.push(
                Finding::new(
                    &catalog::MODEL_COST_MAP_ENTRY,
                    pointer::index(&map_path, i),
                    entry.span,
                    format!("provider `{id}`: model_cost_map entry {i} has {}", problems.join(" and ")),
                )
                .fix("write entries as `{\"match\": \"claude-opus-9-*\", \"as\": \"claude-opus-4-6\", \"adjustment\": 1.25}`"),
            );
        }
    }
}

pub(super) fn tailnet_key(ctx: &mut Context, path: &str, member: &Member) {
    ctx.claim(path);
    ctx.push(
        Finding::new(
            &catalog::TAILNET_KEY,
            path,
            member.key_span,
            "`tailnet` is not an Aperture key (it comes from old guides): Aperture is always reached over the tailnet and reaches tailnet upstreams by their address",
        )
        .fix("remove `tailnet`; for a self-hosted model put its tailnet IP or MagicDNS name in `baseurl` (`http://100.x.y.z:8080`)")
        .patch(vec![crate::diagnostic::PatchOp::remove(path)]),
    );
}

fn duplicate_models(ctx: &mut Context, index: &Index) {
    // model → [(provider id, preference, node)] over enabled providers.
    let mut servers: HashMap<&str, Vec<(&str, i64, &Node)>> = HashMap::new();
    for (id, provider) in &index.providers {
        if provider.get("disabled").and_then(Node::as_bool) == Some(true) {
            continue;
        }
        let preference = provider
            .get("preference")
            .and_then(Node::as_i64)
            .unwrap_or(0);
        for item in provider
            .get("models")
            .and_then(Node::as_array)
            .unwrap_or_default()
        {
            if let Some(model) = item.as_str() {
                servers
                    .entry(model)
                    .or_default()
                    .push((id, preference, item));
            }
        }
    }
    let mut dups: Vec<_> = servers.into_iter().filter(|(_, v)| v.len() > 1).collect();
    dups.sort_by_key(|(_, v)| v[1].2.span.start);
    for (model, entries) in dups {
        let top = entries.iter().map(|e| e.1).max().unwrap_or(0);
        let tied: Vec<_> = entries.iter().filter(|e| e.1 == top).collect();
        if tied.len() < 2 {
            continue;
        }
        let (last_id, _, last_node) = tied[tied.len() - 1];
        let names = tied
            .iter()
            .map(|e| format!("`{}`", e.0))
            .collect::<Vec<_>>()
            .join(", ");
        let first_id = tied[0].0;
        let pref_path = pointer::join(&pointer::join("/providers", first_id), "preference");
        let model_index = index
            .providers
            .iter()
            .find(|(id, _)| id == last_id)
            .and_then(|(_, p)| {
                p.get("models")?
                    .as_array()?
                    .iter()
                    .position(|m| m.as_str() == Some(model))
            })
            .unwrap_or(0);
        ctx.push(
            Finding::new(
                &catalog::DUPLICATE_MODEL,
                pointer::index(&pointer::join(&pointer::join("/providers", last_id), "models"), model_index),
                last_node.span,
                format!("model `{model}` is served by {names} with equal preference {top}; which one Aperture picks is undocumented"),
            )
            .fix(format!("give the provider you prefer a higher `preference` (e.g. `\"preference\": {}` on `{first_id}`), or remove the duplicate", top + 1))
            .patch(vec![PatchOp::add(pref_path, (top + 1).into())]),
        );
    }
}
