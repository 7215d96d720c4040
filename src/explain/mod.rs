//! Simulating one request against a config: identity → grants → role → alias → routing →
//! compatibility flag → models grant → quotas → hooks → upstream URL, with a trace in which
//! every step names the config path that decided it. Pure: no I/O.
//!
//! [`explain`] is the driver: it runs one function per stage, in Aperture's order, and stops at
//! the first refusal. The stages live in the children (`caller`, `route`, `compatibility`,
//! `capabilities`, `upstream`), the wire types in `types`, the trace in `trace`. Children use
//! their siblings, never this file, so the folder has no file cycle.
//!
//! [`explain_connector`] is the driver for a connector instead of a model: identity → grants →
//! role → connector (declared, fits the endpoint) → `connectors` grant → upstream (`connector`).

mod caller;
mod capabilities;
mod compatibility;
mod connector;
mod matrix;
mod route;
mod trace;
mod types;
mod upstream;

use std::ops::ControlFlow::{self, Break, Continue};

use crate::access::{Effective, GrantIndex, GrantRef, Identity};
use crate::config::Node;

pub use connector::connector_in_endpoint;
pub use matrix::{Matrix, MatrixRow, matrix, matrix_for, matrix_of_resolved};
pub use route::endpoint_flag;
pub use types::{Explanation, HookUse, Outcome, QuotaUse, Stage, Step, StepResult};

use trace::{Ending, Trace};

/// Explain one request. `grants` are the current-form grants (legacy `temp_grants` already
/// translated by the caller); `root` is the config.
pub fn explain(
    root: &Node,
    grants: &[GrantRef<'_>],
    identity: &Identity,
    model: &str,
    endpoint: Option<&str>,
) -> Explanation {
    let mut trace = Trace::default();
    let mut explanation = Explanation::allowed(identity.name());
    let request = Request {
        root,
        grants,
        identity,
        model,
        endpoint,
    };
    let (Break(ending) | Continue(ending)) = simulate(&request, &mut trace, &mut explanation);
    explanation.outcome = ending.outcome;
    explanation.expected_status = ending.status;
    explanation.steps = trace.into_steps();
    explanation
}

/// The arguments of [`explain`], handed to the stages together.
struct Request<'r, 'a> {
    root: &'r Node,
    grants: &'r [GrantRef<'a>],
    identity: &'r Identity,
    model: &'r str,
    endpoint: Option<&'r str>,
}

/// Run the stages in order; `Break` is the first refusal, `Continue` the ending of a request
/// that got through every stage (allowed, or rejected by a quota only after the upstream
/// stage, which reports a doubled `/v1` first).
fn simulate(
    request: &Request,
    trace: &mut Trace,
    out: &mut Explanation,
) -> ControlFlow<Ending, Ending> {
    let Request {
        root,
        grants,
        identity,
        model,
        endpoint,
    } = *request;
    let name = caller::identity(identity, trace)?;
    let index = GrantIndex::new(grants);
    let effective = Effective::of(&index, identity);
    caller::grants(&effective, identity, &name, trace);
    caller::role(&effective, trace)?;

    let requested = route::requested(model, endpoint, trace)?;
    let aliased = route::alias(root, requested.model, trace);
    let providers = route::providers(root);
    let target = route::qualify(&providers, aliased, trace);
    let enabled = route::serving(&providers, &target, trace)?;
    let candidates =
        compatibility::compatible(&enabled, requested.flag, endpoint, &target.model, trace)?;
    let provider = route::choose(&candidates, &target.model, trace);
    let route = route::Route {
        provider,
        model: target.model,
        enabled,
    };
    out.provider = Some(provider.0.to_owned());
    out.upstream_model = Some(route.model.clone());

    capabilities::models_grant(root, &effective, &name, &route, trace)?;
    let charges = capabilities::quotas_and_hooks(root, &effective, &name, &route, trace);
    out.quotas = charges.quotas;
    out.hooks = charges.hooks;

    let upstream = upstream::upstream(provider, endpoint, requested.flag.is_some(), trace);
    out.upstream_url = upstream.url;
    out.upstream_auth = Some(upstream.auth);
    if let Some(refusal) = upstream.refusal {
        return Break(refusal);
    }
    Continue(if charges.rejected {
        Ending::QUOTA_REJECTED
    } else {
        Ending::ALLOWED
    })
}

/// Explain a call to a connector: `connector` is its ID, or a part of it (`github/proxy`,
/// `local/tools/search`); `endpoint` is `/v1/mcp` or `/v1/connectors/<id>/<path>` (which also
/// names the connector when `connector` is empty).
pub fn explain_connector(
    root: &Node,
    grants: &[GrantRef<'_>],
    identity: &Identity,
    connector: &str,
    endpoint: Option<&str>,
) -> Explanation {
    let mut trace = Trace::default();
    let mut explanation = Explanation::allowed(identity.name());
    let ending = match simulate_connector(
        root,
        grants,
        identity,
        (connector, endpoint),
        &mut trace,
        &mut explanation,
    ) {
        Break(ending) | Continue(ending) => ending,
    };
    explanation.outcome = ending.outcome;
    explanation.expected_status = ending.status;
    explanation.steps = trace.into_steps();
    explanation
}

fn simulate_connector(
    root: &Node,
    grants: &[GrantRef<'_>],
    identity: &Identity,
    (connector, endpoint): (&str, Option<&str>),
    trace: &mut Trace,
    out: &mut Explanation,
) -> ControlFlow<Ending, Ending> {
    let name = caller::identity(identity, trace)?;
    let index = GrantIndex::new(grants);
    let effective = Effective::of(&index, identity);
    caller::grants(&effective, identity, &name, trace);
    caller::role(&effective, trace)?;
    let mut asked = connector::asked(connector, endpoint, trace)?;
    out.connector = Some(asked.id.clone());
    let declared = connector::connector(root, &mut asked, trace)?;
    connector::connectors_grant(&effective, grants, &name, &asked, &declared, trace)?;
    connector::per_user_auth(&declared, &asked.id, trace);
    connector::charges(&effective, trace);
    let (url, auth) = connector::upstream(&declared, &asked);
    out.upstream_url = url;
    out.upstream_auth = auth;
    Continue(Ending::ALLOWED)
}
