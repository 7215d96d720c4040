//! The compatibility stage: only providers exposing the endpoint's API can take the request
//! (Aperture does not translate between APIs).

use std::ops::ControlFlow::{Break, Continue};

use super::route::{Provider, quoted_ids};
use super::trace::{Ending, Flow, Trace};
use super::types::{Stage, StepResult};
use crate::catalog::apis::Flag;
use crate::config::meaning::flag_state;
use crate::config::pointer;

/// The enabled providers with the endpoint's flag on (all of them when no flag applies); none
/// is a misrouted request.
pub(super) fn compatible<'a>(
    enabled: &[Provider<'a>],
    flag: Option<Flag>,
    endpoint: Option<&str>,
    model: &str,
    trace: &mut Trace,
) -> Flow<Vec<Provider<'a>>> {
    let Some(flag) = flag else {
        return Continue(enabled.to_vec());
    };
    let on: Vec<Provider> = enabled
        .iter()
        .copied()
        .filter(|(_, p)| flag_state(p, flag) != Some(false))
        .collect();
    if on.is_empty() {
        trace.push(
            Stage::Compatibility,
            StepResult::Fail,
            format!("{} serve `{model}` but not on `{}`: `{flag}` is off, and Aperture does not translate between APIs (404 is the likely answer; UNCONFIRMED: GET /v1/models lists each model's supported_endpoints)", quoted_ids(enabled), endpoint.unwrap_or_default()),
            Some(pointer::join(&pointer::join("/providers", enabled[0].0), "compatibility")),
        );
        return Break(Ending::MISROUTED);
    }
    for (id, p) in &on {
        let path = pointer::join(
            &pointer::join(&pointer::join("/providers", id), "compatibility"),
            flag.name(),
        );
        if flag_state(p, flag).is_none() {
            trace.push(
                Stage::Compatibility,
                StepResult::Unconfirmed,
                format!("`{id}` has a compatibility block without `{flag}`: whether it stays on is UNCONFIRMED: GET /v1/models shows whether the model lists its endpoint"),
                Some(path),
            );
        } else {
            trace.push(
                Stage::Compatibility,
                StepResult::Pass,
                format!("`{id}` has `{flag}` on"),
                Some(path),
            );
        }
    }
    Continue(on)
}
