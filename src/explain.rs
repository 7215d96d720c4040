//! Simulating one request against a config: identity → grants → role → alias → routing →
//! compatibility flag → models grant → quotas → hooks → upstream URL, with a trace in which
//! every step names the config path that decided it. Pure: no I/O.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::{Effective, GrantIndex, GrantRef, Identity, Role, SrcMatch};
use crate::catalog::apis::Api;
use crate::catalog::apis::Flag;
use crate::config::meaning::{flag_state, parse_dollars};
use crate::config::{Node, pointer};
use crate::glob::matches_model;

/// How the request would end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Aperture forwards it upstream.
    Allowed,
    /// 403: no role, or no `models` grant for the model.
    Denied,
    /// 404: no enabled provider serves the model.
    NotFound,
    /// The model exists, but not on the API the client called (compatibility flag off).
    Misrouted,
    /// 429: a quota bucket that applies cannot pay (capacity `$0`, or undefined: fail closed).
    QuotaRejected,
}

/// One step of the trace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Step {
    /// identity, grants, role, alias, routing, compatibility, models_grant, quotas, hooks, upstream.
    pub stage: String,
    /// `pass`, `fail`, `info` or `unconfirmed`.
    pub result: String,
    pub detail: String,
    /// The config path that decided this step (JSON pointer), when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// A quota bucket that applies to the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct QuotaUse {
    /// Bucket name as referenced (template) and as resolved for this caller.
    pub bucket: String,
    pub resolved: String,
    pub defined: bool,
    pub capacity: Option<String>,
    pub rate: Option<String>,
    /// The grant capability that attached it.
    pub path: String,
}

/// A hook that fires for the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HookUse {
    pub name: String,
    pub events: Vec<String>,
    pub send: Vec<String>,
    pub defined: bool,
    pub disabled: bool,
    /// `fail_open` or `fail_closed` (pre_request only).
    pub fail_policy: String,
}

/// The explanation of one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Explanation {
    pub outcome: Outcome,
    /// The HTTP status Aperture would answer with (200 when forwarded; the upstream decides after that).
    pub expected_status: u16,
    /// The identity string Aperture matches grants against.
    pub identity: Option<String>,
    pub steps: Vec<Step>,
    /// The provider the request is routed to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The model ID sent upstream.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream_model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream_url: Option<String>,
    /// The credential Aperture would send (header name only; never the value).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream_auth: Option<String>,
    pub quotas: Vec<QuotaUse>,
    pub hooks: Vec<HookUse>,
}

/// The compatibility flag an Aperture endpoint needs, and the model named in its path.
pub fn endpoint_flag(endpoint: &str) -> Option<(Flag, Option<String>)> {
    Api::of_endpoint(endpoint).map(|(api, model)| (api.compat(), model))
}

struct Trace(Vec<Step>);

impl Trace {
    fn push(&mut self, stage: &str, result: &str, detail: impl Into<String>, path: Option<String>) {
        self.0.push(Step {
            stage: stage.into(),
            result: result.into(),
            detail: detail.into(),
            path,
        });
    }
}

/// Explain one request. `grants` are the current-form grants (legacy `temp_grants` already
/// translated by the caller); `root` is the config.
pub fn explain(
    root: &Node,
    grants: &[GrantRef<'_>],
    identity: &Identity,
    model: &str,
    endpoint: Option<&str>,
) -> Explanation {
    let mut trace = Trace(Vec::new());
    let mut result = Explanation {
        outcome: Outcome::Allowed,
        expected_status: 200,
        identity: identity.name(),
        steps: Vec::new(),
        provider: None,
        upstream_model: None,
        upstream_url: None,
        upstream_auth: None,
        quotas: Vec::new(),
        hooks: Vec::new(),
    };
    let finish = |mut result: Explanation, trace: Trace, outcome: Outcome, status: u16| {
        result.outcome = outcome;
        result.expected_status = status;
        result.steps = trace.0;
        result
    };

    // Identity.
    let Some(name) = identity.name() else {
        trace.push("identity", "fail", "the caller has neither a login nor tags: Aperture cannot resolve its identity and denies it (403)", None);
        return finish(result, trace, Outcome::Denied, 403);
    };
    let kind = if identity.tags.is_empty() {
        "login"
    } else {
        "tagged node (no user): identity is its tags, sorted and comma-joined"
    };
    trace.push("identity", "pass", format!("`{name}` ({kind})"), None);
    if !identity.tags.is_empty() && identity.login.is_some() {
        trace.push(
            "identity",
            "info",
            "a tagged node has no user: the login given is ignored",
            None,
        );
    }

    // Grants.
    let index = GrantIndex::new(grants);
    let effective = Effective::of(&index, identity);
    if effective.matched.is_empty() {
        trace.push(
            "grants",
            "fail",
            format!("no grant's `src` matches `{name}` (deny by default)"),
            Some("/grants".into()),
        );
    }
    for (g, how) in &effective.matched {
        let why = match how {
            SrcMatch::Everyone => "`*` (everyone, tagged nodes included)".to_owned(),
            SrcMatch::Exact => format!("`{name}`"),
            SrcMatch::Group => {
                "a group the caller is in (matches only with visible groups on the Aperture node)"
                    .to_owned()
            }
        };
        trace.push(
            "grants",
            "pass",
            format!("grant {} matches via {why}", g.index),
            Some(pointer::join(&g.path, "src")),
        );
    }
    if identity.groups.iter().any(|g| g.starts_with("autogroup:")) {
        trace.push(
            "grants",
            "unconfirmed",
            "autogroup selectors are not documented for Aperture-config grants",
            None,
        );
    }

    // Role.
    match effective.role {
        None => {
            trace.push("role", "fail", "no matching grant gives a `role`: Aperture answers 403 `access denied: no role granted`", None);
            return finish(result, trace, Outcome::Denied, 403);
        }
        Some(role) => {
            let from = effective
                .matched
                .iter()
                .find(|(g, _)| g.role() == Some(role))
                .map(|(g, _)| pointer::join(&g.path, "app"));
            trace.push("role", "pass", format!("role `{}`", role.as_str()), from);
        }
    }

    // Endpoint and the model named in its path.
    let flag = endpoint.and_then(endpoint_flag);
    let mut model = model.to_owned();
    if let (Some(ep), None) = (endpoint, &flag) {
        trace.push(
            "compatibility",
            "info",
            format!("`{ep}` is not a model endpoint Aperture routes (checks skipped)"),
            None,
        );
    }
    if let Some((_, Some(in_path))) = &flag
        && model.is_empty()
    {
        model = in_path.clone();
    }
    if model.is_empty() {
        trace.push("routing", "fail", "no model given", None);
        return finish(result, trace, Outcome::NotFound, 404);
    }

    // Aliases (applied before authorization and routing). A destination is always
    // `provider/model` (the model part may itself contain `/`).
    let mut alias_target: Option<(String, String)> = None;
    if let Some(alias) = root
        .get("model_aliases")
        .and_then(|a| a.get("models"))
        .and_then(|m| m.get(&model))
    {
        let dst = alias
            .get("dst")
            .and_then(Node::as_array)
            .and_then(|d| d.first())
            .and_then(Node::as_str);
        match dst {
            Some(dst) => {
                trace.push(
                    "alias",
                    "unconfirmed",
                    format!("`{model}` is an alias for `{dst}` (first destination assumed; how `strategy` picks is UNCONFIRMED)"),
                    Some(pointer::join(&pointer::join("/model_aliases/models", &model), "dst")),
                );
                if let Some((p, m)) = dst.split_once('/') {
                    alias_target = Some((p.to_owned(), m.to_owned()));
                }
                model = dst.to_owned();
            }
            None => trace.push(
                "alias",
                "fail",
                format!("alias `{model}` has no destinations"),
                None,
            ),
        }
    }

    // Routing.
    let providers: Vec<(&str, &Node)> = root
        .get("providers")
        .map(|p| {
            p.unique_members()
                .into_iter()
                .map(|m| (m.key.as_str(), &m.value))
                .collect()
        })
        .unwrap_or_default();
    let lists = |p: &Node, m: &str| {
        p.get("models")
            .and_then(Node::as_array)
            .unwrap_or_default()
            .iter()
            .any(|x| x.as_str() == Some(m))
    };
    // A qualified `provider/model` names the provider; stripping the prefix is UNCONFIRMED.
    // A model ID listed literally (OpenRouter's `anthropic/claude-…`) wins over reading it as `provider/model`.
    let literal = providers.iter().any(|(_, node)| lists(node, &model));
    let (pinned, bare) = match model.split_once('/') {
        _ if alias_target.is_some() => alias_target
            .clone()
            .map(|(p, m)| (Some(p), m))
            .unwrap_or_default(),
        Some((p, rest))
            if !literal
                && providers
                    .iter()
                    .any(|(id, node)| *id == p && lists(node, rest)) =>
        {
            (Some(p.to_owned()), rest.to_owned())
        }
        _ => (None, model.clone()),
    };
    if let (Some(p), None) = (&pinned, &alias_target) {
        trace.push("routing", "unconfirmed", format!("`{model}` names provider `{p}`; Aperture is reported to strip the prefix and send `{bare}` (UNCONFIRMED)"), None);
    }
    let disabled = |p: &Node| p.get("disabled").and_then(Node::as_bool) == Some(true);
    let serving: Vec<(&str, &Node)> = providers
        .iter()
        .copied()
        .filter(|(id, p)| lists(p, &bare) && pinned.as_deref().is_none_or(|x| x == *id))
        .collect();
    let enabled: Vec<(&str, &Node)> = serving
        .iter()
        .copied()
        .filter(|(_, p)| !disabled(p))
        .collect();
    if enabled.is_empty() {
        let detail = if serving.is_empty() {
            format!(
                "no provider lists `{bare}` in its `models`: 404 (model IDs are literal and case-sensitive)"
            )
        } else {
            format!(
                "`{bare}` is served only by disabled providers ({}): 404",
                serving
                    .iter()
                    .map(|(id, _)| format!("`{id}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let path = serving
            .first()
            .map(|(id, _)| pointer::join(&pointer::join("/providers", id), "disabled"));
        trace.push("routing", "fail", detail, path);
        return finish(result, trace, Outcome::NotFound, 404);
    }
    // Compatibility: only providers exposing the endpoint's API can take it.
    let mut candidates = enabled.clone();
    if let Some((flag, _)) = &flag {
        let flag: Flag = *flag;
        let on: Vec<(&str, &Node)> = enabled
            .iter()
            .copied()
            .filter(|(_, p)| flag_state(p, flag) != Some(false))
            .collect();
        if on.is_empty() {
            let ids = enabled
                .iter()
                .map(|(id, _)| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(", ");
            trace.push(
                "compatibility",
                "fail",
                format!("{ids} serve `{bare}` but not on `{}`: `{flag}` is off, and Aperture does not translate between APIs (404 is the likely answer; UNCONFIRMED)", endpoint.unwrap_or_default()),
                Some(pointer::join(&pointer::join("/providers", enabled[0].0), "compatibility")),
            );
            return finish(result, trace, Outcome::Misrouted, 404);
        }
        for (id, p) in &on {
            let path = pointer::join(
                &pointer::join(&pointer::join("/providers", id), "compatibility"),
                flag.name(),
            );
            if flag_state(p, flag).is_none() {
                trace.push("compatibility", "unconfirmed", format!("`{id}` has a compatibility block without `{flag}`: whether it stays on is UNCONFIRMED"), Some(path));
            } else {
                trace.push(
                    "compatibility",
                    "pass",
                    format!("`{id}` has `{flag}` on"),
                    Some(path),
                );
            }
        }
        candidates = on;
    }
    let preference = |p: &Node| p.get("preference").and_then(Node::as_i64).unwrap_or(0);
    let top = candidates
        .iter()
        .map(|(_, p)| preference(p))
        .max()
        .unwrap_or(0);
    let best: Vec<(&str, &Node)> = candidates
        .iter()
        .copied()
        .filter(|(_, p)| preference(p) == top)
        .collect();
    let (provider_id, provider) = best[0];
    if best.len() > 1 {
        trace.push(
            "routing",
            "unconfirmed",
            format!(
                "{} serve `{bare}` with equal preference {top}; the tie-break is undocumented (assumed: first in the config)",
                best.iter().map(|(id, _)| format!("`{id}`")).collect::<Vec<_>>().join(", ")
            ),
            Some(pointer::join(&pointer::join("/providers", provider_id), "preference")),
        );
    } else {
        let why = if candidates.len() > 1 {
            format!(" (highest preference, {top})")
        } else {
            String::new()
        };
        trace.push(
            "routing",
            "pass",
            format!("routed to `{provider_id}`{why}"),
            Some(pointer::join(
                &pointer::join("/providers", provider_id),
                "models",
            )),
        );
    }
    result.provider = Some(provider_id.to_owned());
    result.upstream_model = Some(bare.clone());

    // Models grant, against `provider/model`.
    let qualified = format!("{provider_id}/{bare}");
    let granting: Vec<(&GrantRef, String)> = effective
        .capabilities()
        .filter_map(|(g, c)| {
            c.node
                .get_str("models")
                .filter(|p| matches_model(p, provider_id, &bare))
                .map(|_| (g, c.path()))
        })
        .collect();
    match granting.first() {
        None => {
            let others: Vec<String> = enabled
                .iter()
                .filter(|(id, _)| *id != provider_id)
                .filter(|(id, _)| {
                    effective.capabilities().any(|(_, c)| {
                        c.node
                            .get_str("models")
                            .is_some_and(|p| matches_model(p, id, &bare))
                    })
                })
                .map(|(id, _)| format!("`{id}`"))
                .collect();
            let hint = if others.is_empty() {
                String::new()
            } else {
                format!(
                    "; the caller is granted it on {} but routing picked `{provider_id}`",
                    others.join(", ")
                )
            };
            trace.push(
                "models_grant",
                "fail",
                format!("no `models` pattern granted to `{name}` matches `{qualified}`{hint}: denied (the docs say 403; a third-party report says 404: UNCONFIRMED)"),
                None,
            );
            return finish(result, trace, Outcome::Denied, 403);
        }
        Some((_, path)) => trace.push(
            "models_grant",
            "pass",
            format!("`{qualified}` matches `{}`", cap_models(root, path)),
            Some(pointer::join(path, "models")),
        ),
    }

    // Quotas and hooks from every matching capability object (floating, or whose models match).
    let applies = |c: &Node| {
        c.get_str("models")
            .is_none_or(|p| matches_model(p, provider_id, &bare))
    };
    let quotas_defined = root.get("quotas");
    let hooks_defined = root.get("hooks");
    let mut rejected = false;
    for (_, cap) in effective.capabilities().filter(|(_, c)| applies(c.node)) {
        for bucket_ref in cap
            .node
            .get("quotas")
            .and_then(Node::as_array)
            .unwrap_or_default()
        {
            let Some(bucket) = bucket_ref.get_str("bucket") else {
                continue;
            };
            let resolved = bucket
                .replace("<user>", &name)
                .replace("<node>", "<node id>");
            let definition = quotas_defined.and_then(|q| q.get(bucket));
            let capacity = definition
                .and_then(|d| d.get_str("capacity"))
                .map(str::to_owned);
            let zero = capacity
                .as_deref()
                .and_then(parse_dollars)
                .is_some_and(|c| c <= 0.0);
            let malformed =
                definition.is_some_and(|d| d.get_str("capacity").and_then(parse_dollars).is_none());
            let (result_word, detail) = if definition.is_none() {
                rejected = true;
                (
                    "fail",
                    format!("bucket `{bucket}` is not defined: Aperture fails closed with 429"),
                )
            } else if zero || malformed {
                rejected = true;
                (
                    "fail",
                    format!(
                        "bucket `{bucket}` (as `{resolved}`) has capacity {}: every request is rejected with 429",
                        capacity.as_deref().unwrap_or("missing")
                    ),
                )
            } else {
                (
                    "pass",
                    format!(
                        "bucket `{resolved}` is charged (capacity {}, refill {}); a drained balance gives 429 with Retry-After",
                        capacity.as_deref().unwrap_or("?"),
                        definition.and_then(|d| d.get_str("rate")).unwrap_or("none")
                    ),
                )
            };
            trace.push("quotas", result_word, detail, Some(cap.path()));
            result.quotas.push(QuotaUse {
                bucket: bucket.to_owned(),
                resolved,
                defined: definition.is_some(),
                capacity,
                rate: definition
                    .and_then(|d| d.get_str("rate"))
                    .map(str::to_owned),
                path: cap.path(),
            });
        }
        for hook in cap
            .node
            .get("send_hooks")
            .and_then(Node::as_array)
            .unwrap_or_default()
        {
            let Some(hook_name) = hook.get_str("name") else {
                continue;
            };
            let strings = |key: &str| {
                hook.get(key)
                    .and_then(Node::as_array)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Node::as_str)
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            };
            let definition = hooks_defined.and_then(|h| h.get(hook_name));
            let disabled = definition
                .and_then(|d| d.get("disabled"))
                .and_then(Node::as_bool)
                == Some(true);
            let fail_policy = definition
                .and_then(|d| d.get_str("fail_policy"))
                .filter(|f| !f.is_empty())
                .unwrap_or("fail_open")
                .to_owned();
            let events = strings("events");
            if let Some(existing) = result.hooks.iter_mut().find(|h| h.name == hook_name) {
                // Several grants naming one hook: events and send lists are unioned, it fires once.
                for e in events {
                    if !existing.events.contains(&e) {
                        existing.events.push(e);
                    }
                }
                for s in strings("send") {
                    if !existing.send.contains(&s) {
                        existing.send.push(s);
                    }
                }
                continue;
            }
            let detail = match (definition.is_some(), disabled) {
                (false, _) => format!("hook `{hook_name}` is not defined: nothing fires"),
                (true, true) => format!("hook `{hook_name}` is disabled"),
                (true, false) if events.iter().any(|e| e == "pre_request") => format!(
                    "hook `{hook_name}` runs before the request ({fail_policy}{}); it may allow, block (403 by default) or modify it",
                    if fail_policy == "fail_closed" {
                        ": 503 if the hook is down"
                    } else {
                        ""
                    }
                ),
                (true, false) => format!(
                    "hook `{hook_name}` gets the request after it completes ({})",
                    events.join(", ")
                ),
            };
            trace.push(
                "hooks",
                if definition.is_some() && !disabled {
                    "info"
                } else {
                    "fail"
                },
                detail,
                Some(cap.path()),
            );
            result.hooks.push(HookUse {
                name: hook_name.to_owned(),
                events,
                send: strings("send"),
                defined: definition.is_some(),
                disabled,
                fail_policy,
            });
        }
    }

    // Upstream.
    let provider_path = pointer::join("/providers", provider_id);
    if let Some(base) = provider.get_str("baseurl") {
        let base = base.trim_end_matches('/');
        match endpoint {
            Some(ep) if flag.is_some() => {
                let path = ep.strip_prefix("/bedrock").unwrap_or(ep);
                let url = format!("{base}{path}");
                if url.contains("/v1/v1/") {
                    trace.push("upstream", "fail", format!("upstream URL `{url}` doubles `/v1` (baseurl ends in /v1): the upstream answers 404 (405 on Vercel)"), Some(pointer::join(&provider_path, "baseurl")));
                    let status = if url.contains("vercel.sh") { 405 } else { 404 };
                    result.upstream_url = Some(url);
                    result.upstream_auth = Some(upstream_auth(provider));
                    return finish(result, trace, Outcome::Misrouted, status);
                } else {
                    trace.push(
                        "upstream",
                        "pass",
                        format!("forwarded to `{url}`"),
                        Some(pointer::join(&provider_path, "baseurl")),
                    );
                }
                result.upstream_url = Some(url);
            }
            _ => trace.push(
                "upstream",
                "info",
                format!("forwarded to `{base}` + the client's request path"),
                Some(pointer::join(&provider_path, "baseurl")),
            ),
        }
    } else {
        trace.push(
            "upstream",
            "fail",
            "the provider has no baseurl",
            Some(pointer::join(&provider_path, "baseurl")),
        );
    }
    result.upstream_auth = Some(upstream_auth(provider));

    if rejected {
        return finish(result, trace, Outcome::QuotaRejected, 429);
    }
    finish(result, trace, Outcome::Allowed, 200)
}

fn cap_models(root: &Node, cap_path: &str) -> String {
    root.pointer(&pointer::join(cap_path, "models"))
        .and_then(Node::as_str)
        .unwrap_or("?")
        .to_owned()
}

/// The credential header Aperture would send, never its value.
fn upstream_auth(provider: &Node) -> String {
    let key = provider.get_str("apikey").unwrap_or_default();
    let mode = provider.get_str("auth_mode").unwrap_or("override");
    if mode == "passthrough" {
        return "the client's own Authorization / x-api-key header, forwarded (passthrough)".into();
    }
    if mode == "none" {
        return "no credential (auth_mode none, UNCONFIRMED)".into();
    }
    if key.starts_with("keyfile::") {
        return "Authorization: Bearer <token minted from the service-account key>".into();
    }
    if key.is_empty() {
        return "no credential (apikey is empty)".into();
    }
    match provider
        .get_str("authorization")
        .filter(|a| !a.is_empty())
        .unwrap_or("bearer")
    {
        "x-api-key" => "x-api-key: <apikey, redacted>".into(),
        "x-goog-api-key" => "x-goog-api-key: <apikey, redacted>".into(),
        _ => "Authorization: Bearer <apikey, redacted>".into(),
    }
}

/// Who can reach which model: one row per `src` selector named in the grants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Matrix {
    /// Every `provider/model` of an enabled provider.
    pub models: Vec<String>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MatrixRow {
    pub src: String,
    pub role: Option<Role>,
    /// The models (from `models`, in order) this source can call for certain.
    pub allowed: Vec<String>,
}

/// The access matrix, using the same evaluator as `explain` (certain matches only).
pub fn matrix(root: &Node, grants: &[GrantRef<'_>]) -> Matrix {
    let models: Vec<(String, String)> = root
        .get("providers")
        .map(|p| {
            p.unique_members()
                .into_iter()
                .filter(|m| m.value.get("disabled").and_then(Node::as_bool) != Some(true))
                .flat_map(|m| {
                    m.value
                        .get("models")
                        .and_then(Node::as_array)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(Node::as_str)
                        .map(move |model| (m.key.to_string(), model.to_owned()))
                })
                .collect()
        })
        .unwrap_or_default();
    let index = GrantIndex::new(grants);
    let rows = crate::access::per_selector(&index)
        .into_iter()
        .map(|(src, effective)| {
            let patterns = effective.model_patterns();
            let allowed = if effective.role.is_none() {
                Vec::new()
            } else {
                models
                    .iter()
                    .filter(|(p, m)| patterns.iter().any(|pat| matches_model(pat, p, m)))
                    .map(|(p, m)| format!("{p}/{m}"))
                    .collect()
            };
            MatrixRow {
                src: src.to_owned(),
                role: effective.role,
                allowed,
            }
        })
        .collect();
    Matrix {
        models: models
            .into_iter()
            .map(|(p, m)| format!("{p}/{m}"))
            .collect(),
        rows,
    }
}
