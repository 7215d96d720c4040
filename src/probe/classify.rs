//! From an HTTP answer to an outcome and a finding: the status code, Aperture's own error
//! texts (`http-api.md` §7) and the model list decide the cause.

use super::findings::{self, FindingKind};
use super::http::Exchange;
use super::report::Outcome;
use super::target::Target;
use crate::catalog::apis::Api;

/// Characters of a body kept in a probe's excerpt.
const EXCERPT_BYTES: usize = 2048;

/// A classified answer.
pub struct Classified {
    pub outcome: Outcome,
    pub detail: String,
    pub finding: Option<(FindingKind, String)>,
    /// A cause more specific than the kind's generic one.
    pub cause: Option<String>,
}

impl Classified {
    pub fn ok(detail: String) -> Self {
        Classified {
            outcome: Outcome::Ok,
            detail,
            finding: None,
            cause: None,
        }
    }

    pub fn failed(detail: String) -> Self {
        Classified {
            outcome: Outcome::Failed,
            detail,
            finding: None,
            cause: None,
        }
    }

    fn with(kind: FindingKind, message: String) -> Self {
        let outcome = match kind.severity {
            findings::Severity::Error => Outcome::Failed,
            findings::Severity::Warning => Outcome::Warning,
            findings::Severity::Info => Outcome::Ok,
        };
        Classified {
            outcome,
            detail: message.clone(),
            finding: Some((kind, message)),
            cause: None,
        }
    }

    fn because(mut self, cause: String) -> Self {
        self.cause = Some(cause);
        self
    }
}

/// One model as `GET /v1/models` lists it.
#[derive(Debug, Clone)]
pub struct Listed {
    pub id: String,
    pub endpoints: Vec<String>,
    pub provider: Option<String>,
    /// The provider's upstream kind (`openai`, `anthropic`, ...; the full set is UNCONFIRMED).
    pub upstream: Option<String>,
    pub requires_client_auth: bool,
}

/// The model list, as far as it could be read.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    pub models: Vec<Listed>,
    /// Entries carry `supported_endpoints` (Aperture does; other gateways do not).
    pub has_endpoints: bool,
}

/// Whether the listing offers a model on an API.
pub enum Support {
    Yes,
    NotListed,
    Missing {
        api: Api,
        supported: Vec<String>,
    },
    /// The listing cannot tell (no endpoints, or no API chosen).
    Unknown,
}

impl Listing {
    /// Entries for `model`, also matching the `provider/model` form.
    pub fn entries(&self, model: &str) -> Vec<&Listed> {
        let direct: Vec<_> = self.models.iter().filter(|m| m.id == model).collect();
        if !direct.is_empty() {
            return direct;
        }
        match model.split_once('/') {
            Some((provider, bare)) => self
                .models
                .iter()
                .filter(|m| m.id == bare && m.provider.as_deref() == Some(provider))
                .collect(),
            None => Vec::new(),
        }
    }

    pub fn supports(&self, model: &str, api: Option<Api>) -> Support {
        let entries = self.entries(model);
        if entries.is_empty() {
            return Support::NotListed;
        }
        let (Some(api), true) = (api, self.has_endpoints) else {
            return Support::Unknown;
        };
        let supported: Vec<String> = entries
            .iter()
            .flat_map(|e| e.endpoints.iter().cloned())
            .collect();
        if supported.iter().any(|e| Api::for_endpoint(e) == Some(api)) {
            Support::Yes
        } else {
            Support::Missing { api, supported }
        }
    }

    /// The APIs the listing says `model` supports, in a stable order.
    pub fn apis_for(&self, model: &str) -> Vec<Api> {
        let mut apis: Vec<Api> = self
            .entries(model)
            .iter()
            .flat_map(|e| e.endpoints.iter().filter_map(|p| Api::for_endpoint(p)))
            .collect();
        apis.sort();
        apis.dedup();
        apis
    }

    /// The native API of an Anthropic or Gemini model (known by its name) that the listing
    /// offers only on OpenAI-compatible endpoints. A Claude model on Bedrock or Vertex has its
    /// own native endpoints there, so it is not reported.
    pub fn missing_native_api(&self, model: &str) -> Option<Api> {
        let native = Api::guess_for_model(model);
        let openai = |a: &Api| matches!(a, Api::OpenaiChat | Api::OpenaiResponses);
        if openai(&native) {
            return None;
        }
        let apis = self.apis_for(model);
        (!apis.is_empty() && apis.iter().all(openai)).then_some(native)
    }

    pub fn requires_client_auth(&self, model: &str) -> bool {
        self.entries(model).iter().any(|e| e.requires_client_auth)
    }

    /// "not listed" with what is listed and the nearest name.
    pub fn not_listed_message(&self, model: &str) -> String {
        let mut ids: Vec<&str> = self.models.iter().map(|m| m.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return format!("{model} is not listed: GET /v1/models lists no model for this caller");
        }
        let nearest = ids
            .iter()
            .map(|id| (strsim::jaro_winkler(id, model), *id))
            .filter(|(score, _)| *score > 0.85)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, id)| format!(" Did you mean {id}?"))
            .unwrap_or_default();
        let shown: Vec<&str> = ids.iter().take(12).copied().collect();
        format!(
            "{model} is not in this caller's model list ({}{}).{nearest}",
            shown.join(", "),
            if ids.len() > shown.len() {
                format!(", … {} in all", ids.len())
            } else {
                String::new()
            }
        )
    }
}

/// Up to [`EXCERPT_BYTES`] of a body as text, secret-looking tokens masked.
pub fn excerpt(body: &[u8], truncated: bool) -> Option<String> {
    if body.is_empty() {
        return None;
    }
    let text = String::from_utf8_lossy(body);
    let mut end = text.len().min(EXCERPT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = crate::redact::mask_tokens(&text[..end]);
    if end < text.len() || truncated {
        out.push('…');
    }
    Some(out)
}

/// The error message inside a body: `error.message`, `error`, `message`, `detail` or `title`;
/// otherwise the body's first line when it is short text (not HTML).
pub fn error_message(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let from_json = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| {
            let pick = |v: &serde_json::Value| v.as_str().map(str::to_owned);
            v.pointer("/error/message")
                .and_then(pick)
                .or_else(|| v.get("error").and_then(pick))
                .or_else(|| v.get("message").and_then(pick))
                .or_else(|| v.get("detail").and_then(pick))
                .or_else(|| v.get("title").and_then(pick))
        });
    let message = from_json.or_else(|| {
        let line = text.lines().next()?.trim();
        (!line.is_empty() && !line.starts_with('<')).then(|| line.to_owned())
    })?;
    // One line: bodies' messages may carry newlines.
    let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(crate::redact::excerpt(&message, 200))
}

/// The error type inside a body (`error.type`, `error.code`, `error.status`, `type`).
fn error_type(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    ["/error/type", "/error/status", "/error/code", "/type"]
        .iter()
        .find_map(|p| v.pointer(p).and_then(|t| t.as_str()).map(str::to_owned))
}

/// The error message inside a response body, as `: "message"` to append to a status (empty
/// when there is none).
pub fn quoted_error(body: &[u8]) -> String {
    error_message(body)
        .map(|m| format!(": \"{m}\""))
        .unwrap_or_default()
}

fn quoted(ex: &Exchange) -> String {
    quoted_error(&ex.body)
}

/// Status classes every HTTP probe shares; `None` when the caller must decide.
fn common(
    ex: &Exchange,
    probe: &str,
    behind_aperture: bool,
    passthrough: bool,
) -> Option<Classified> {
    let status = ex.status?;
    let text = String::from_utf8_lossy(&ex.body).to_ascii_lowercase();
    if text.contains("aperture is restarting") {
        return Some(Classified::with(
            findings::RESTARTING,
            format!("{probe} answered {status}: aperture is restarting, retry this request"),
        ));
    }
    let said = quoted(ex);
    Some(match status {
        300..=399 => {
            let to = ex
                .location
                .as_deref()
                .and_then(|l| reqwest::Url::parse(l).ok())
                .map(|u| format!("{}://{}", u.scheme(), u.host_str().unwrap_or("?")))
                .unwrap_or_else(|| "another location".into());
            Classified::with(
                findings::REDIRECT_OFF_HOST,
                format!("{probe} answered {status}, redirecting to {to}; not followed"),
            )
        }
        401 if behind_aperture => {
            let cause = passthrough.then(|| {
                "the model's provider is a passthrough provider (requires_client_auth): it needs the client's own key, which this probe does not send unless api_key_env is given".to_owned()
            });
            let c = Classified::with(
                findings::UPSTREAM_AUTH,
                format!("{probe} answered 401{said}"),
            );
            match cause {
                Some(cause) => c.because(cause),
                None => c,
            }
        }
        401 => Classified::with(
            findings::KEY_REQUIRED,
            format!("{probe} answered 401{said}"),
        ),
        403 if text.contains("no role granted") => Classified::with(
            findings::NO_ROLE,
            format!("{probe} answered 403: access denied: no role granted"),
        ),
        403 if text.contains("guardrail")
            || ex
                .amzn_error_type
                .as_deref()
                .is_some_and(|t| t.contains("AccessDenied")) =>
        {
            Classified::with(
                findings::GUARDRAIL_BLOCKED,
                format!("{probe} answered 403{said}"),
            )
        }
        403 => Classified::with(findings::FORBIDDEN, format!("{probe} answered 403{said}")),
        405 => Classified::with(findings::DOUBLED_V1, format!("{probe} answered 405{said}")),
        429 => {
            let retry = ex
                .retry_after
                .as_deref()
                .map(|r| format!(", Retry-After: {r} s"))
                .unwrap_or_else(|| ", no Retry-After header".into());
            let kind = error_type(&ex.body)
                .or_else(|| ex.amzn_error_type.clone())
                .map(|t| format!(" ({t})"))
                .unwrap_or_default();
            Classified::with(
                findings::QUOTA_EXCEEDED,
                format!("{probe} answered 429{kind}{retry}{said}"),
            )
        }
        503 => Classified::with(
            findings::HOOK_FAIL_CLOSED,
            format!("{probe} answered 503{said}"),
        ),
        500..=599 => Classified::with(
            findings::UPSTREAM_ERROR,
            format!("{probe} answered {status}{said}"),
        ),
        _ => return None,
    })
}

/// `GET /ui/`: context only.
pub fn dashboard(ex: &Exchange, target: &Target) -> Classified {
    let status = ex.status.unwrap_or(0);
    match status {
        200..=299 => Classified::ok(format!("the dashboard answered {status}")),
        300..=399 => common(ex, "GET /ui/", false, false)
            .unwrap_or_else(|| Classified::ok(format!("{status}"))),
        401 | 403 => Classified {
            outcome: Outcome::Warning,
            detail: format!("the dashboard answered {status}{}", quoted(ex)),
            finding: None,
            cause: None,
        },
        _ => Classified::with(
            findings::DASHBOARD_UNREACHABLE,
            format!(
                "GET /ui/ answered {status}; open {}/ in a browser instead",
                target.base()
            ),
        ),
    }
}

/// `GET /v1/models`: is this Aperture, does the caller have a role, which models.
pub fn models(ex: &Exchange, target: &Target) -> (Classified, Option<Listing>) {
    let status = ex.status.unwrap_or(0);
    if (200..300).contains(&status) {
        return match parse_listing(&ex.body) {
            Some(listing) if listing.models.is_empty() => (
                Classified::with(
                    findings::NO_MODELS,
                    "GET /v1/models answered 200 with an empty list: the caller has a role but no models".into(),
                ),
                Some(listing),
            ),
            Some(listing) => {
                let mut ids: Vec<&str> = listing.models.iter().map(|m| m.id.as_str()).collect();
                ids.dedup();
                let shown: Vec<&str> = ids.iter().take(8).copied().collect();
                let detail = format!(
                    "{} model(s) listed: {}{}",
                    ids.len(),
                    shown.join(", "),
                    if ids.len() > shown.len() { ", …" } else { "" }
                );
                (Classified::ok(detail), Some(listing))
            }
            None => (
                Classified::with(
                    findings::NOT_APERTURE,
                    format!(
                        "GET /v1/models answered {status} but not with a model list (content-type {})",
                        ex.content_type.as_deref().unwrap_or("unknown")
                    ),
                ),
                None,
            ),
        };
    }
    if let Some(c) = common(ex, "GET /v1/models", false, false) {
        return (c, None);
    }
    (
        Classified::with(
            findings::NOT_APERTURE,
            format!(
                "GET {}/v1/models answered {status}{}: Aperture lists models there for every caller with a role",
                target.base(),
                quoted(ex)
            ),
        ),
        None,
    )
}

/// The model list in a `GET /v1/models` body, as far as it can be read.
pub fn parse_listing(body: &[u8]) -> Option<Listing> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let data = v.get("data")?.as_array()?;
    let mut listing = Listing::default();
    for entry in data {
        let Some(id) = entry.get("id").and_then(|i| i.as_str()) else {
            continue;
        };
        let endpoints = entry.get("supported_endpoints").and_then(|e| e.as_array());
        listing.has_endpoints |= endpoints.is_some();
        let provider = entry.pointer("/metadata/provider");
        listing.models.push(Listed {
            id: id.to_owned(),
            endpoints: endpoints
                .map(|e| {
                    e.iter()
                        .filter_map(|p| p.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            provider: provider
                .and_then(|p| p.get("id"))
                .and_then(|i| i.as_str())
                .map(str::to_owned),
            upstream: provider
                .and_then(|p| p.get("upstream"))
                .and_then(|u| u.as_str())
                .map(str::to_owned),
            requires_client_auth: provider
                .and_then(|p| p.get("requires_client_auth"))
                .and_then(|r| r.as_bool())
                .unwrap_or(false),
        });
    }
    Some(listing)
}

/// A completion: the status, cross-checked with the model list for 404s.
pub fn completion(ex: &Exchange, api: Api, model: &str, listing: Option<&Listing>) -> Classified {
    let status = ex.status.unwrap_or(0);
    let probe = format!("POST {}", api.path(model));
    if (200..300).contains(&status) {
        return Classified::ok(format!("{model} answered {status} on {}", api.flag()));
    }
    let behind_aperture = listing.is_some_and(|l| l.has_endpoints);
    let passthrough = listing.is_some_and(|l| l.requires_client_auth(model));
    if let Some(c) = common(ex, &probe, behind_aperture, passthrough) {
        return c;
    }
    let said = quoted(ex);
    match status {
        404 => match listing.map(|l| l.supports(model, Some(api))) {
            Some(Support::NotListed) => Classified::with(
                findings::MODEL_NOT_LISTED,
                format!(
                    "{probe} answered 404: {}",
                    listing
                        .map(|l| l.not_listed_message(model))
                        .unwrap_or_default()
                ),
            ),
            Some(Support::Missing { supported, .. }) => Classified::with(
                findings::ENDPOINT_NOT_SUPPORTED,
                format!(
                    "{probe} answered 404: {model}'s provider lacks `{}` (supported_endpoints: {})",
                    api.flag(),
                    supported.join(", ")
                ),
            ),
            Some(Support::Yes) => Classified::with(
                findings::UPSTREAM_NOT_FOUND,
                format!(
                    "{probe} answered 404{said}, though the model list offers {model} on this API"
                ),
            ),
            Some(Support::Unknown) | None => {
                Classified::with(findings::NOT_FOUND, format!("{probe} answered 404{said}"))
            }
        },
        400..=499 => Classified::with(
            findings::UPSTREAM_REJECTED,
            format!("{probe} answered {status}{said}"),
        ),
        _ => Classified::with(
            findings::UNEXPECTED_STATUS,
            format!("{probe} answered {status}{said}"),
        ),
    }
}
