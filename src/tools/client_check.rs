//! A client's settings checked against the gateway's config: will the model this client asks
//! for exist, be granted to the caller, and be served on the API the client calls? One
//! `explain_access` simulation per check, so the answer is the request router's.

use super::client::{Client, ClientInput, ClientOutput, GatewayCheck, generate_client_config};
use super::explain::{ExplainInput, explain_access};
use super::input::{ConfigInput, PathPolicy, ToolError};
use crate::access::Identity;
use crate::explain::{Outcome, StepResult};

/// What one client calls: the endpoint and the model it uses when none is pinned.
struct Calls {
    endpoint: String,
    default_model: &'static str,
}

/// The endpoint and default model of `client` (from `Client::calls` and
/// `Client::default_model`), or `None` when it calls no model (the MCP endpoint), picks the
/// API per provider (OpenCode: checked per provider by the user) or needs a project and
/// region in its path (Vertex).
fn calls(client: Client, model: &str) -> Option<Calls> {
    if matches!(client, Client::Opencode | Client::ClaudeCodeVertex) {
        return None;
    }
    let api = *client.calls(model).first()?;
    Some(Calls {
        endpoint: api.path(model),
        default_model: client.default_model()?,
    })
}

/// Whether some provider's `models` lists `model` (bare, or as `provider/model`).
fn listed_by_a_provider(
    source: &ConfigInput,
    model: &str,
    policy: PathPolicy,
) -> Result<bool, ToolError> {
    let doc = crate::config::Document::from_bytes(&source.read(policy)?)?;
    let Some(providers) = doc.root.get("providers").and_then(|p| p.members()) else {
        return Ok(false);
    };
    Ok(providers.iter().any(|member| {
        let id = member.key.as_str();
        member
            .value
            .get("models")
            .and_then(|m| m.as_array())
            .is_some_and(|models| {
                models.iter().filter_map(|m| m.as_str()).any(|m| {
                    m == model
                        || model.strip_prefix(id).and_then(|r| r.strip_prefix('/')) == Some(m)
                })
            })
    }))
}

/// `generate_client_config`, plus the gateway check when `config` is given (read under
/// `policy`).
pub fn generate_client_config_in(
    input: &ClientInput,
    policy: PathPolicy,
) -> Result<ClientOutput, ToolError> {
    let mut out = generate_client_config(input)?;
    if let Some(config) = &input.gateway.config {
        let (check, notes) = check(
            input.client,
            input.model.as_deref(),
            &ConfigInput::text(config.as_str()),
            input.gateway.as_identity.as_deref(),
            policy,
        )?;
        out.gateway = check;
        // Before the closing "verify" note, which stays last.
        let at = out.notes.len().saturating_sub(1);
        out.notes.splice(at..at, notes);
    }
    Ok(out)
}

/// The model a client uses: the pinned one, else its default.
pub fn default_model(client: Client) -> Option<&'static str> {
    calls(client, "").map(|c| c.default_model)
}

/// Check `client` (with `model` pinned or its default) against the config in `source`, as
/// `identity` (or, without one, as a caller only `*` grants match).
pub fn check(
    client: Client,
    model: Option<&str>,
    source: &ConfigInput,
    identity: Option<&str>,
    policy: PathPolicy,
) -> Result<(Option<GatewayCheck>, Vec<String>), ToolError> {
    let mut notes = Vec::new();
    let Some(default) = default_model(client) else {
        notes.push(format!(
            "{client} is not checked against the config: it calls no single model API"
        ));
        return Ok((None, notes));
    };
    let model = model.unwrap_or(default).to_owned();
    let Some(calls) = calls(client, &model) else {
        return Ok((None, notes));
    };
    let login = identity.map_or_else(
        || {
            notes.push("checked as a caller only `*` grants match; give your login as `as` to check your own access".into());
            "anyone@example.invalid".to_owned()
        },
        str::to_owned,
    );
    let (login, tags) = if login.starts_with("tag:") {
        (None, login.split(',').map(str::to_owned).collect())
    } else {
        (Some(login), Vec::new())
    };
    let out = explain_access(
        &ExplainInput {
            source: source.clone(),
            identity: Identity {
                login,
                tags,
                groups: Vec::new(),
            },
            model: Some(model.clone()),
            endpoint: Some(calls.endpoint.clone()),
            ..ExplainInput::default()
        },
        policy,
    )?;
    let Some(explanation) = out.explanation else {
        return Ok((None, notes));
    };
    let deciding = explanation
        .steps
        .iter()
        .find(|s| s.result == StepResult::Fail)
        .or(explanation.steps.last());
    let detail = deciding.map_or_else(String::new, |s| s.detail.clone());
    // The router stops at the first refusal (grants come before routing): a model no
    // provider lists is the first thing to say, whoever calls.
    let (outcome, detail) = match listed_by_a_provider(source, &model, policy)? {
        false => (
            Outcome::NotFound,
            format!("no provider in the config lists `{model}` in its `models`"),
        ),
        true => (explanation.outcome, detail),
    };
    let pinned = if model == default {
        format!("{client}'s default model `{model}`")
    } else {
        format!("`{model}`")
    };
    notes.push(if outcome == Outcome::Allowed {
        format!(
            "the gateway config serves {pinned} to this caller on {}",
            calls.endpoint
        )
    } else {
        format!(
            "the gateway config does not serve {pinned} to this caller on {}: {detail}",
            calls.endpoint
        )
    });
    Ok((
        Some(GatewayCheck {
            model,
            endpoint: calls.endpoint,
            outcome,
            detail,
        }),
        notes,
    ))
}
