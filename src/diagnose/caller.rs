//! The caller as evidence: run the access evaluator (and, with a model, the request simulator)
//! for the identity the user gave, and reduce what it shows to [`CallerFact`]s that the
//! catalog's causes name. A rule sees only the config; this sees who calls, so it can confirm
//! causes no rule can (a node with two tags whose config grants one of them).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::{Effective, GrantIndex, GrantRef, Identity, SrcMatch, canonical_tags};
use crate::catalog::symptoms::CallerFact;
use crate::config::Node;
use crate::explain::{Outcome, Stage, StepResult};

/// The request the user describes: who calls, and (optionally) what.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    pub identity: &'a Identity,
    pub model: Option<&'a str>,
    pub endpoint: Option<&'a str>,
}

/// What the evaluator showed for the caller.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CallerEvidence {
    /// The identity string Aperture matches `src` against (none: unresolvable).
    pub identity: Option<String>,
    /// The simulated request's outcome (with a model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// What the evaluator showed, step by step (the facts the causes were weighed with).
    pub findings: Vec<String>,
    #[serde(skip)]
    #[schemars(skip)]
    pub facts: Vec<CallerFact>,
}

impl CallerEvidence {
    pub fn has(&self, fact: CallerFact) -> bool {
        self.facts.contains(&fact)
    }
}

/// Evaluate the caller against the config's grants (current-form; legacy ones translated).
pub fn evaluate(root: &Node, grants: &[GrantRef<'_>], caller: &Caller) -> CallerEvidence {
    let identity = caller.identity;
    let mut out = CallerEvidence {
        identity: identity.name(),
        outcome: None,
        findings: Vec::new(),
        facts: Vec::new(),
    };
    let Some(name) = identity.name() else {
        out.facts.push(CallerFact::NoIdentity);
        out.findings.push(
            "the caller has neither a login nor tags: Aperture cannot resolve it and denies it (403)"
                .into(),
        );
        return out;
    };
    if !identity.tags.is_empty() {
        out.facts.push(CallerFact::Tagged);
        if identity.tags.len() > 1 {
            out.facts.push(CallerFact::MultiTag);
        }
    }
    let index = GrantIndex::new(grants);
    let effective = Effective::of(&index, identity);
    if effective.matched.is_empty() {
        out.facts.push(CallerFact::NoGrantMatches);
        out.findings.push(format!(
            "no grant's `src` matches `{name}` (deny by default)"
        ));
    } else {
        out.facts.push(CallerFact::GrantMatches);
    }
    partial_tags(grants, identity, &name, &mut out);
    role(&effective, &name, &mut out);
    if let Some(model) = caller.model {
        request(root, grants, caller, model, &mut out);
    }
    out
}

/// A node with several tags matches only a `src` naming all of them, sorted and comma-joined;
/// a grant naming some of them (alone or in another set) never matches it.
fn partial_tags(
    grants: &[GrantRef<'_>],
    identity: &Identity,
    name: &str,
    out: &mut CallerEvidence,
) {
    if identity.tags.len() < 2 {
        return;
    }
    let canonical = canonical_tags(&identity.tags.join(",")).unwrap_or_else(|| name.to_owned());
    for g in grants {
        for src in g.src.iter().filter(|s| s.starts_with("tag:")) {
            let named: Vec<&str> = src.split(',').map(str::trim).collect();
            let shares = named.iter().any(|t| identity.tags.iter().any(|i| i == t));
            if shares && canonical_tags(src).as_deref() != Some(canonical.as_str()) {
                if !out.has(CallerFact::TagsPartlyGranted) {
                    out.facts.push(CallerFact::TagsPartlyGranted);
                }
                out.findings.push(format!(
                    "grant {} names `{src}`, but this node's identity is `{canonical}` (all its tags, sorted and comma-joined), so that grant never matches it",
                    g.index
                ));
            }
        }
    }
}

/// The role the matching grants give, and whether it comes only through groups.
fn role(effective: &Effective, name: &str, out: &mut CallerEvidence) {
    let Some(role) = effective.role else {
        out.facts.push(CallerFact::NoRole);
        out.findings.push(format!(
            "no grant matching `{name}` gives a `role`: Aperture answers 403 `access denied: no role granted`"
        ));
        return;
    };
    out.facts.push(CallerFact::HasRole);
    let givers: Vec<_> = effective
        .matched
        .iter()
        .filter(|(g, _)| g.role().is_some())
        .collect();
    let via_group = givers.iter().all(|(_, how)| *how == SrcMatch::Group);
    out.findings.push(format!(
        "`{name}` gets role `{}` from grant(s) {}",
        role.as_str(),
        givers
            .iter()
            .map(|(g, _)| g.index.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    if via_group {
        out.facts.push(CallerFact::RoleOnlyViaGroup);
        out.findings.push("that role comes only through a group: it applies only if the tailnet policy makes the group visible to the Aperture node (`tailscale.com/visible-groups`)".into());
        let scim = givers
            .iter()
            .any(|(g, _)| g.src.iter().any(|s| is_scim_group(s)));
        if scim {
            out.facts.push(CallerFact::ScimGroup);
            out.findings.push("the group is a SCIM group given by e-mail: it \"Matches members of a SCIM group (by email). Requires the tailscale.com/visible-groups node attribute\"".into());
        }
    }
}

/// A SCIM group in `src` is written as an e-mail address (`engineering@example.com`).
fn is_scim_group(src: &str) -> bool {
    src.contains('@') && !src.starts_with("tag:") && !src.contains(':')
}

/// The simulated request for the model: its outcome as facts.
fn request(
    root: &Node,
    grants: &[GrantRef<'_>],
    caller: &Caller,
    model: &str,
    out: &mut CallerEvidence,
) {
    let explanation =
        crate::explain::explain(root, grants, caller.identity, model, caller.endpoint);
    out.outcome = Some(explanation.outcome);
    let step = |stage: Stage, result: StepResult| {
        explanation
            .steps
            .iter()
            .find(|s| s.stage == stage && s.result == result)
    };
    if explanation.steps.iter().any(|s| s.stage == Stage::Alias) {
        out.facts.push(CallerFact::Aliased);
    }
    if step(Stage::ModelsGrant, StepResult::Pass).is_some() {
        out.facts.push(CallerFact::ModelGranted);
    }
    let fact = match explanation.outcome {
        Outcome::Allowed => Some(CallerFact::Allowed),
        Outcome::Denied if step(Stage::ModelsGrant, StepResult::Fail).is_some() => {
            Some(CallerFact::ModelNotGranted)
        }
        Outcome::Denied => None,
        Outcome::NotFound => Some(CallerFact::ModelNotServed),
        Outcome::Misrouted => Some(CallerFact::ApiNotServed),
        Outcome::QuotaRejected => Some(CallerFact::QuotaRejected),
    };
    out.facts.extend(fact);
    let decided = explanation
        .steps
        .iter()
        .find(|s| s.result == StepResult::Fail)
        .map(|s| format!(": {} step: {}", s.stage, s.detail))
        .unwrap_or_default();
    out.findings.push(format!(
        "a request for `{model}`{} would end {:?} ({}){decided}",
        caller
            .endpoint
            .map(|e| format!(" on {e}"))
            .unwrap_or_default(),
        explanation.outcome,
        explanation.expected_status
    ));
}
