//! Talking to a live gateway's own API (config, quotas, discovery): one client, one timeout,
//! bodies capped just past the largest document, failures in words with secrets masked.

use std::time::Duration;

use reqwest::Method;
use serde_json::Value;

use crate::config::MAX_DOCUMENT_BYTES;
use crate::probe::http::{self, Exchange, Request};
use crate::tools::input::ToolError;

const TIMEOUT: Duration = Duration::from_secs(15);

/// The gateway root of a URL (`http://ai/anything` → `http://ai`).
pub fn root_of(url: &str) -> Result<String, ToolError> {
    Ok(crate::probe::target::parse(url)?.base())
}

pub async fn send(request: Request) -> Exchange {
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    http::exchange_capped(
        http::client(),
        &request,
        deadline,
        MAX_DOCUMENT_BYTES + 1024 * 1024,
    )
    .await
}

pub fn request(
    method: Method,
    url: String,
    headers: Vec<(&str, String)>,
    body: Option<Value>,
) -> Request {
    let mut headers: Vec<(String, String)> = headers
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    if body.is_some() {
        headers.push(("content-type".into(), "application/json".into()));
    }
    Request {
        method,
        url,
        headers,
        body: body.map(|b| b.to_string()),
        key: None,
    }
}

/// Why a read failed, in words: the status and Aperture's error text, or the network error.
pub fn failure(what: &str, ex: &Exchange) -> ToolError {
    let detail = crate::probe::quoted_error(&ex.body);
    let why = match (ex.status, &ex.error) {
        (Some(403), _) => format!(
            "403 Forbidden{detail}: the config API needs `role: admin` for the calling identity"
        ),
        (Some(status), _) => format!("HTTP {status}{detail}"),
        (None, Some(e)) => format!("no answer ({e})"),
        (None, None) => "no answer".into(),
    };
    ToolError::Gateway(crate::redact::mask_text(&format!("{what}: {why}")))
}

/// `GET root + path`.
pub async fn get(root: &str, path: &str) -> Exchange {
    send(request(Method::GET, format!("{root}{path}"), vec![], None)).await
}
