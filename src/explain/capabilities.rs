//! The stages reading the caller's capability objects against the chosen `provider/model`:
//! the `models` grant, then the quotas charged and the hooks that fire.

use std::ops::ControlFlow::{Break, Continue};

use super::route::Route;
use super::trace::{Ending, Flow, Trace};
use super::types::{HookUse, QuotaUse, Stage, StepResult};
use crate::access::{CapabilityRef, Effective};
use crate::config::meaning::parse_dollars;
use crate::config::{Node, pointer};
use crate::glob::matches_model;

/// A `models` pattern granted to the caller must match `provider/model`; none is a 403.
pub(super) fn models_grant(
    root: &Node,
    effective: &Effective,
    name: &str,
    route: &Route,
    trace: &mut Trace,
) -> Flow<()> {
    let (provider_id, _) = route.provider;
    let model = &route.model;
    let qualified = format!("{provider_id}/{model}");
    let grants_on = |provider: &str| {
        effective.capabilities().find_map(|(_, c)| {
            c.node
                .get_str("models")
                .filter(|p| matches_model(p, provider, model))
                .map(|_| c.path())
        })
    };
    if let Some(path) = grants_on(provider_id) {
        trace.push(
            Stage::ModelsGrant,
            StepResult::Pass,
            format!("`{qualified}` matches `{}`", cap_models(root, &path)),
            Some(pointer::join(&path, "models")),
        );
        return Continue(());
    }
    let others: Vec<String> = route
        .enabled
        .iter()
        .filter(|(id, _)| *id != provider_id && grants_on(id).is_some())
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
        Stage::ModelsGrant,
        StepResult::Fail,
        format!("no `models` pattern granted to `{name}` matches `{qualified}`{hint}: denied (the docs say 403; a third-party report says 404: UNCONFIRMED; test_endpoint with this model shows your gateway's answer)"),
        None,
    );
    Break(Ending::DENIED)
}

fn cap_models(root: &Node, cap_path: &str) -> String {
    root.pointer(&pointer::join(cap_path, "models"))
        .and_then(Node::as_str)
        .unwrap_or("?")
        .to_owned()
}

/// What the quota and hook stages found.
#[derive(Default)]
pub(super) struct Charges {
    pub(super) quotas: Vec<QuotaUse>,
    pub(super) hooks: Vec<HookUse>,
    /// A bucket that applies cannot pay: the request is answered 429.
    pub(super) rejected: bool,
}

/// Quotas and hooks from every matching capability object (floating, or whose models match),
/// capability by capability so the trace follows the config.
pub(super) fn quotas_and_hooks(
    root: &Node,
    effective: &Effective,
    name: &str,
    route: &Route,
    trace: &mut Trace,
) -> Charges {
    let (provider_id, _) = route.provider;
    let applies = |c: &Node| {
        c.get_str("models")
            .is_none_or(|p| matches_model(p, provider_id, &route.model))
    };
    let mut charges = Charges::default();
    for (_, cap) in effective.capabilities().filter(|(_, c)| applies(c.node)) {
        quotas(root.get("quotas"), cap, name, trace, &mut charges);
        hooks(root.get("hooks"), cap, trace, &mut charges.hooks);
    }
    charges
}

/// The buckets one capability charges; an undefined bucket, or one that cannot pay, rejects.
fn quotas(
    defined: Option<&Node>,
    cap: &CapabilityRef,
    name: &str,
    trace: &mut Trace,
    charges: &mut Charges,
) {
    let refs = cap
        .node
        .get("quotas")
        .and_then(Node::as_array)
        .unwrap_or_default();
    for bucket in refs.iter().filter_map(|r| r.get_str("bucket")) {
        let resolved = bucket
            .replace("<user>", name)
            .replace("<node>", "<node id>");
        let definition = defined.and_then(|q| q.get(bucket));
        let capacity = definition
            .and_then(|d| d.get_str("capacity"))
            .map(str::to_owned);
        let rate = definition.and_then(|d| d.get_str("rate"));
        let zero = capacity
            .as_deref()
            .and_then(parse_dollars)
            .is_some_and(|c| c <= 0.0);
        let malformed =
            definition.is_some_and(|d| d.get_str("capacity").and_then(parse_dollars).is_none());
        let (result, detail) = if definition.is_none() {
            charges.rejected = true;
            (
                StepResult::Fail,
                format!("bucket `{bucket}` is not defined: Aperture fails closed with 429"),
            )
        } else if zero || malformed {
            charges.rejected = true;
            (
                StepResult::Fail,
                format!(
                    "bucket `{bucket}` (as `{resolved}`) has capacity {}: every request is rejected with 429",
                    capacity.as_deref().unwrap_or("missing")
                ),
            )
        } else {
            (
                StepResult::Pass,
                format!(
                    "bucket `{resolved}` is charged (capacity {}, refill {}); a drained balance gives 429 with Retry-After",
                    capacity.as_deref().unwrap_or("?"),
                    rate.unwrap_or("none")
                ),
            )
        };
        trace.push(Stage::Quotas, result, detail, Some(cap.path()));
        charges.quotas.push(QuotaUse {
            bucket: bucket.to_owned(),
            resolved,
            defined: definition.is_some(),
            capacity,
            rate: rate.map(str::to_owned),
            path: cap.path(),
        });
    }
}

/// The hooks one capability sends to. A hook named by several capabilities fires once, with
/// their events and send lists unioned (and no second step).
fn hooks(defined: Option<&Node>, cap: &CapabilityRef, trace: &mut Trace, uses: &mut Vec<HookUse>) {
    let refs = cap
        .node
        .get("send_hooks")
        .and_then(Node::as_array)
        .unwrap_or_default();
    for hook in refs {
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
        let events = strings("events");
        if let Some(existing) = uses.iter_mut().find(|h| h.name == hook_name) {
            union(&mut existing.events, events);
            union(&mut existing.send, strings("send"));
            continue;
        }
        let definition = defined.and_then(|h| h.get(hook_name));
        let disabled = definition
            .and_then(|d| d.get("disabled"))
            .and_then(Node::as_bool)
            == Some(true);
        let fail_policy = definition
            .and_then(|d| d.get_str("fail_policy"))
            .filter(|f| !f.is_empty())
            .unwrap_or("fail_open")
            .to_owned();
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
        let result = if definition.is_some() && !disabled {
            StepResult::Info
        } else {
            StepResult::Fail
        };
        trace.push(Stage::Hooks, result, detail, Some(cap.path()));
        uses.push(HookUse {
            name: hook_name.to_owned(),
            events,
            send: strings("send"),
            defined: definition.is_some(),
            disabled,
            fail_policy,
        });
    }
}

/// Append the items `into` lacks, keeping first-seen order.
fn union(into: &mut Vec<String>, items: Vec<String>) {
    for item in items {
        if !into.contains(&item) {
            into.push(item);
        }
    }
}
