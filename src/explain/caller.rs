//! The caller's stages: identity (login, or sorted tags), the grants whose `src` matches it,
//! and the role they give.

use std::ops::ControlFlow::{Break, Continue};

use super::trace::{Ending, Flow, Trace};
use super::types::{Stage, StepResult};
use crate::access::{Effective, Identity, SrcMatch};
use crate::config::pointer;

/// The identity string Aperture matches grants against; none (no login, no tags) is a 403.
pub(super) fn identity(identity: &Identity, trace: &mut Trace) -> Flow<String> {
    let Some(name) = identity.name() else {
        trace.push(
            Stage::Identity,
            StepResult::Fail,
            "the caller has neither a login nor tags: Aperture cannot resolve its identity and denies it (403)",
            None,
        );
        return Break(Ending::DENIED);
    };
    let kind = if identity.tags.is_empty() {
        "login"
    } else {
        "tagged node (no user): identity is its tags, sorted and comma-joined"
    };
    trace.push(
        Stage::Identity,
        StepResult::Pass,
        format!("`{name}` ({kind})"),
        None,
    );
    if !identity.tags.is_empty() && identity.login.is_some() {
        trace.push(
            Stage::Identity,
            StepResult::Info,
            "a tagged node has no user: the login given is ignored",
            None,
        );
    }
    Continue(name)
}

/// Which grants match and how. Never refuses by itself: no match means no role, the next stage.
pub(super) fn grants(effective: &Effective, identity: &Identity, name: &str, trace: &mut Trace) {
    if effective.matched.is_empty() {
        trace.push(
            Stage::Grants,
            StepResult::Fail,
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
            Stage::Grants,
            StepResult::Pass,
            format!("grant {} matches via {why}", g.index),
            Some(pointer::join(&g.path, "src")),
        );
    }
    if identity.groups.iter().any(|g| g.starts_with("autogroup:")) {
        trace.push(
            Stage::Grants,
            StepResult::Unconfirmed,
            "autogroup selectors are not documented for Aperture-config grants",
            None,
        );
    }
}

/// The role of the matching grants (admin outranks user); none is a 403.
pub(super) fn role(effective: &Effective, trace: &mut Trace) -> Flow<()> {
    let Some(role) = effective.role else {
        trace.push(
            Stage::Role,
            StepResult::Fail,
            "no matching grant gives a `role`: Aperture answers 403 `access denied: no role granted`",
            None,
        );
        return Break(Ending::DENIED);
    };
    let from = effective
        .matched
        .iter()
        .find(|(g, _)| g.role() == Some(role))
        .map(|(g, _)| pointer::join(&g.path, "app"));
    trace.push(
        Stage::Role,
        StepResult::Pass,
        format!("role `{}`", role.as_str()),
        from,
    );
    Continue(())
}
