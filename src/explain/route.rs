//! The request's model and the provider chosen for it: the model named in the endpoint's path,
//! `model_aliases`, a `provider/model` prefix, the providers serving it (enabled ones only) and
//! the choice among them by `preference`.

use std::ops::ControlFlow::{Break, Continue};

use super::trace::{Ending, Flow, Trace};
use super::types::{Stage, StepResult};
use crate::catalog::apis::{Api, Flag};
use crate::config::{Node, pointer};

/// A provider as its ID and config object.
pub(super) type Provider<'a> = (&'a str, &'a Node);

/// The compatibility flag an Aperture endpoint needs, and the model named in its path.
pub fn endpoint_flag(endpoint: &str) -> Option<(Flag, Option<String>)> {
    Api::of_endpoint(endpoint).map(|(api, model)| (api.compat(), model))
}

/// The model asked for, and the flag its endpoint needs (none: not a model endpoint, or no
/// endpoint given).
pub(super) struct Requested {
    pub(super) model: String,
    pub(super) flag: Option<Flag>,
}

/// The model after `model_aliases`; `provider` when the alias destination names one.
pub(super) struct Aliased {
    pub(super) model: String,
    pub(super) provider: Option<String>,
}

/// The model ID to find in providers' `models`, and the provider it is pinned to, if any.
pub(super) struct Target {
    pub(super) model: String,
    pub(super) provider: Option<String>,
}

/// Where the request goes: the chosen provider, the model sent upstream, and every enabled
/// provider serving that model (a models-grant refusal names the ones the caller may use).
pub(super) struct Route<'a> {
    pub(super) provider: Provider<'a>,
    pub(super) model: String,
    pub(super) enabled: Vec<Provider<'a>>,
}

/// The model from the request, or from the endpoint's path when the request names none.
pub(super) fn requested(model: &str, endpoint: Option<&str>, trace: &mut Trace) -> Flow<Requested> {
    let from_endpoint = endpoint.and_then(endpoint_flag);
    if let (Some(ep), None) = (endpoint, &from_endpoint) {
        trace.push(
            Stage::Compatibility,
            StepResult::Info,
            format!("`{ep}` is not a model endpoint Aperture routes (checks skipped)"),
            None,
        );
    }
    let (flag, in_path) = from_endpoint.unzip();
    let model = match in_path.flatten() {
        Some(in_path) if model.is_empty() => in_path,
        _ => model.to_owned(),
    };
    if model.is_empty() {
        trace.push(Stage::Routing, StepResult::Fail, "no model given", None);
        return Break(Ending::NOT_FOUND);
    }
    Continue(Requested { model, flag })
}

/// `model_aliases` (applied before authorization and routing). A destination is always
/// `provider/model` (the model part may itself contain `/`).
pub(super) fn alias(root: &Node, model: String, trace: &mut Trace) -> Aliased {
    let Some(alias) = root
        .get("model_aliases")
        .and_then(|a| a.get("models"))
        .and_then(|m| m.get(&model))
    else {
        return Aliased {
            model,
            provider: None,
        };
    };
    let dst = alias
        .get("dst")
        .and_then(Node::as_array)
        .and_then(|d| d.first())
        .and_then(Node::as_str);
    let Some(dst) = dst else {
        trace.push(
            Stage::Alias,
            StepResult::Fail,
            format!("alias `{model}` has no destinations"),
            None,
        );
        return Aliased {
            model,
            provider: None,
        };
    };
    trace.push(
        Stage::Alias,
        StepResult::Unconfirmed,
        format!("`{model}` is an alias for `{dst}` (first destination assumed; how `strategy` picks is UNCONFIRMED: the dashboard's Logs page shows the model that served each request)"),
        Some(pointer::join(&pointer::join("/model_aliases/models", &model), "dst")),
    );
    match dst.split_once('/') {
        Some((provider, model)) => Aliased {
            model: model.to_owned(),
            provider: Some(provider.to_owned()),
        },
        None => Aliased {
            model: dst.to_owned(),
            provider: None,
        },
    }
}

/// Every provider, in config order.
pub(super) fn providers(root: &Node) -> Vec<Provider<'_>> {
    root.get("providers")
        .map(|p| {
            p.unique_members()
                .into_iter()
                .map(|m| (m.key.as_str(), &m.value))
                .collect()
        })
        .unwrap_or_default()
}

fn lists(provider: &Node, model: &str) -> bool {
    provider
        .get("models")
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .any(|x| x.as_str() == Some(model))
}

fn disabled(provider: &Node) -> bool {
    provider.get("disabled").and_then(Node::as_bool) == Some(true)
}

/// A qualified `provider/model` names the provider; stripping the prefix is UNCONFIRMED.
/// A model ID listed literally (OpenRouter's `anthropic/claude-…`) wins over reading it as
/// `provider/model`.
pub(super) fn qualify(providers: &[Provider], aliased: Aliased, trace: &mut Trace) -> Target {
    let Aliased { model, provider } = aliased;
    if provider.is_some() {
        return Target { model, provider };
    }
    let literal = providers.iter().any(|(_, node)| lists(node, &model));
    if let Some((p, rest)) = model.split_once('/')
        && !literal
        && providers
            .iter()
            .any(|(id, node)| *id == p && lists(node, rest))
    {
        trace.push(
            Stage::Routing,
            StepResult::Unconfirmed,
            format!("`{model}` names provider `{p}`; Aperture is reported to strip the prefix and send `{rest}` (UNCONFIRMED: the dashboard's Logs page shows the model sent upstream)"),
            None,
        );
        return Target {
            model: rest.to_owned(),
            provider: Some(p.to_owned()),
        };
    }
    Target {
        model,
        provider: None,
    }
}

/// The enabled providers listing the model; none is a 404.
pub(super) fn serving<'a>(
    providers: &[Provider<'a>],
    target: &Target,
    trace: &mut Trace,
) -> Flow<Vec<Provider<'a>>> {
    let bare = &target.model;
    let serving: Vec<Provider> = providers
        .iter()
        .copied()
        .filter(|(id, p)| lists(p, bare) && target.provider.as_deref().is_none_or(|x| x == *id))
        .collect();
    let enabled: Vec<Provider> = serving
        .iter()
        .copied()
        .filter(|(_, p)| !disabled(p))
        .collect();
    if !enabled.is_empty() {
        return Continue(enabled);
    }
    let detail = if serving.is_empty() {
        format!(
            "no provider lists `{bare}` in its `models`: 404 (model IDs are literal and case-sensitive)"
        )
    } else {
        format!(
            "`{bare}` is served only by disabled providers ({}): 404",
            quoted_ids(&serving)
        )
    };
    let path = serving
        .first()
        .map(|(id, _)| pointer::join(&pointer::join("/providers", id), "disabled"));
    trace.push(Stage::Routing, StepResult::Fail, detail, path);
    Break(Ending::NOT_FOUND)
}

/// The provider with the highest `preference` among the candidates (not empty); a tie is
/// resolved by config order, which is UNCONFIRMED.
pub(super) fn choose<'a>(
    candidates: &[Provider<'a>],
    model: &str,
    trace: &mut Trace,
) -> Provider<'a> {
    let preference = |p: &Node| p.get("preference").and_then(Node::as_i64).unwrap_or(0);
    let top = candidates
        .iter()
        .map(|(_, p)| preference(p))
        .max()
        .unwrap_or(0);
    let best: Vec<Provider> = candidates
        .iter()
        .copied()
        .filter(|(_, p)| preference(p) == top)
        .collect();
    let chosen = best[0];
    let provider_path = pointer::join("/providers", chosen.0);
    if best.len() > 1 {
        trace.push(
            Stage::Routing,
            StepResult::Unconfirmed,
            format!(
                "{} serve `{model}` with equal preference {top}; the tie-break is undocumented (assumed: first in the config)",
                quoted_ids(&best)
            ),
            Some(pointer::join(&provider_path, "preference")),
        );
    } else {
        let why = if candidates.len() > 1 {
            format!(" (highest preference, {top})")
        } else {
            String::new()
        };
        trace.push(
            Stage::Routing,
            StepResult::Pass,
            format!("routed to `{}`{why}", chosen.0),
            Some(pointer::join(&provider_path, "models")),
        );
    }
    chosen
}

/// "`a`, `b`": provider IDs as the trace names them.
pub(super) fn quoted_ids(providers: &[Provider]) -> String {
    providers
        .iter()
        .map(|(id, _)| format!("`{id}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
