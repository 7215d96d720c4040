//! The upstream stage: the URL Aperture forwards to (`/v1/v1` flagged) and the credential it
//! sends (its header name only, never the value).

use super::route::Provider;
use super::trace::{Ending, Trace};
use super::types::{Outcome, Stage, StepResult};
use crate::config::{Node, pointer};

/// Where the request is forwarded and with which credential. A refusal still reports both:
/// the doubled URL is the explanation.
pub(super) struct Upstream {
    pub(super) url: Option<String>,
    pub(super) auth: String,
    pub(super) refusal: Option<Ending>,
}

/// `model_endpoint`: the client called an endpoint Aperture routes by model (the full URL is
/// known); otherwise only the base URL is.
pub(super) fn upstream(
    (provider_id, provider): Provider,
    endpoint: Option<&str>,
    model_endpoint: bool,
    trace: &mut Trace,
) -> Upstream {
    let mut upstream = Upstream {
        url: None,
        auth: upstream_auth(provider),
        refusal: None,
    };
    let baseurl_path = Some(pointer::join(
        &pointer::join("/providers", provider_id),
        "baseurl",
    ));
    let Some(base) = provider.get_str("baseurl") else {
        trace.push(
            Stage::Upstream,
            StepResult::Fail,
            "the provider has no baseurl",
            baseurl_path,
        );
        return upstream;
    };
    let base = base.trim_end_matches('/');
    let Some(ep) = endpoint.filter(|_| model_endpoint) else {
        trace.push(
            Stage::Upstream,
            StepResult::Info,
            format!("forwarded to `{base}` + the client's request path"),
            baseurl_path,
        );
        return upstream;
    };
    let path = ep.strip_prefix("/bedrock").unwrap_or(ep);
    let url = format!("{base}{path}");
    if url.contains("/v1/v1/") {
        trace.push(
            Stage::Upstream,
            StepResult::Fail,
            format!("upstream URL `{url}` doubles `/v1` (baseurl ends in /v1): the upstream answers 404 (405 on Vercel)"),
            baseurl_path,
        );
        let status = if url.contains("vercel.sh") { 405 } else { 404 };
        upstream.refusal = Some(Ending::new(Outcome::Misrouted, status));
    } else {
        trace.push(
            Stage::Upstream,
            StepResult::Pass,
            format!("forwarded to `{url}`"),
            baseurl_path,
        );
    }
    upstream.url = Some(url);
    upstream
}

/// The credential header Aperture would send, never its value.
fn upstream_auth(provider: &Node) -> String {
    let key = provider.get_str("apikey").unwrap_or_default();
    let mode = provider.get_str("auth_mode").unwrap_or("override");
    if mode == "passthrough" {
        return "the client's own Authorization / x-api-key header, forwarded (passthrough)".into();
    }
    if mode == "none" {
        return "no credential (auth_mode none, UNCONFIRMED: one request with test_endpoint shows whether the upstream accepts it)".into();
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
