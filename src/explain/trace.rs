//! The trace written while a request is simulated, and how a simulation ends: each stage
//! returns [`Flow`], breaking with the [`Ending`] of the first refusal.

use std::ops::ControlFlow;

use super::types::{Outcome, Stage, Step, StepResult};

/// The steps so far, in order.
#[derive(Debug, Default)]
pub(super) struct Trace(Vec<Step>);

impl Trace {
    pub(super) fn push(
        &mut self,
        stage: Stage,
        result: StepResult,
        detail: impl Into<String>,
        path: Option<String>,
    ) {
        self.0.push(Step {
            stage,
            result,
            detail: detail.into(),
            path,
        });
    }

    pub(super) fn into_steps(self) -> Vec<Step> {
        self.0
    }
}

/// How the request ends, with the HTTP status Aperture would answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Ending {
    pub(super) outcome: Outcome,
    pub(super) status: u16,
}

impl Ending {
    pub(super) const ALLOWED: Ending = Ending::new(Outcome::Allowed, 200);
    pub(super) const DENIED: Ending = Ending::new(Outcome::Denied, 403);
    pub(super) const NOT_FOUND: Ending = Ending::new(Outcome::NotFound, 404);
    pub(super) const MISROUTED: Ending = Ending::new(Outcome::Misrouted, 404);
    pub(super) const QUOTA_REJECTED: Ending = Ending::new(Outcome::QuotaRejected, 429);

    pub(super) const fn new(outcome: Outcome, status: u16) -> Ending {
        Ending { outcome, status }
    }
}

/// A stage's answer: go on with `T`, or stop with the request's ending.
pub(super) type Flow<T> = ControlFlow<Ending, T>;
