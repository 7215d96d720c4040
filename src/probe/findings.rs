//! The catalog of probe findings: every way a live gateway can fail a probe, with a stable
//! code, its cause and its fix (from `http-api.md` and `troubleshooting.md`).
//!
//! One source: `test_endpoint` emits these, `diagnose_symptom` cites them as checks, and the
//! skill's reference renders them.

use serde::Serialize;

/// How much a finding matters to the verdict: info (the gateway works), warning (works in
/// part: `degraded`), error (a probe that should pass failed: `failed`).
pub use crate::diagnostic::Severity;

/// One kind of finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FindingKind {
    pub code: &'static str,
    /// Short stable name.
    pub slug: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    /// Why it happens (the generic cause; a finding adds what was seen).
    pub cause: &'static str,
    pub fix: &'static str,
}

macro_rules! findings {
    ($($ident:ident = $code:literal $slug:literal $sev:ident $title:literal, cause: $cause:literal, fix: $fix:literal;)*) => {
        $(pub const $ident: FindingKind = FindingKind {
            code: $code, slug: $slug, severity: Severity::$sev, title: $title, cause: $cause, fix: $fix,
        };)*
        /// Every finding kind, in code order.
        pub const ALL: &[FindingKind] = &[$($ident),*];
    };
}

findings! {
    DNS_UNRESOLVED = "TE101" "dns-unresolved" Error "The host name does not resolve",
        cause: "Aperture's short name (default `ai`) resolves only through MagicDNS: MagicDNS is off, this machine is not on the tailnet, or the name is wrong. `tailscale ping` still works without MagicDNS, so it proves nothing here.",
        fix: "Check `tailscale dns status` and the admin console's DNS page; enable MagicDNS, or use the node's Tailscale IP (`http://100.x.y.z`) or its full name (`http://<host>.<tailnet>.ts.net`).";
    CONNECTION_REFUSED = "TE102" "connection-refused" Error "The connection was refused",
        cause: "The host answered but nothing listens on that port: a wrong port, Aperture not running, or another service on the address.",
        fix: "Use Aperture's default port (80 for http://, 443 for https://); check the instance is running (admin console Machines) and the URL names the right node.";
    CONNECT_TIMEOUT = "TE103" "connect-timeout" Error "The connection timed out",
        cause: "Nothing answered: the Aperture node is offline or expired, the tailnet policy does not let this device reach it (a policy block is a timeout, never a 403), or a VPN such as Mullvad on 100.64.0.0/10 captures tailnet traffic.",
        fix: "Check the node in the admin console (offline, expired key), check that the network policy lets this device reach it (Preview rules), and retry with other VPNs off.";
    TLS_FAILED = "TE104" "tls-failed" Error "The TLS handshake failed",
        cause: "The URL is https://, but the server does not speak TLS there or its certificate does not match the name. Aperture is meant to be called over plain http:// (WireGuard already encrypts the traffic); HTTPS works only on the full *.ts.net name.",
        fix: "Use http://<host> (for example http://ai). Clients that insist on HTTPS (Gemini CLI 0.40+) need https://<host>.<tailnet>.ts.net.";
    RESPONSE_TIMEOUT = "TE105" "response-timeout" Error "No HTTP answer in time",
        cause: "The connection opened but no response arrived within the timeout: a slow upstream model, a pre_request hook waiting on its timeout, or a service on that port that is not HTTP.",
        fix: "Retry with a larger timeout_ms; check hook timeouts and the provider's status; make sure the URL points at Aperture.";
    REDIRECT_OFF_HOST = "TE106" "redirect-off-host" Warning "Redirected to another host (not followed)",
        cause: "The server answered with a redirect to a different host. Aperture does not redirect API calls; a login page, proxy or captive portal sits in front of this URL.",
        fix: "Call Aperture directly on the tailnet (http://<host>); if a proxy is required, point clients at what it forwards to.";
    HTTPS_URL = "TE107" "https-url" Info "The URL uses https://",
        cause: "Aperture's docs tell clients to use http://<host>; HTTPS works only on the full *.ts.net name and only a few clients need it.",
        fix: "Prefer http://<host> unless the client requires HTTPS (Gemini CLI 0.40+, OAuth callbacks).";
    BASE_PATH_GIVEN = "TE108" "base-path-given" Info "The URL carried an API path",
        cause: "A base URL with /v1, /v1beta or /bedrock is right for some clients and wrong for others (Anthropic-style clients add /v1 themselves, so they need the bare host).",
        fix: "Probes ran against the host root. Give Claude Code and Anthropic SDKs http://<host>, OpenAI-style clients http://<host>/v1 (generate_client_config writes each client's form).";
    REQUEST_FAILED = "TE109" "request-failed" Error "The request failed",
        cause: "The HTTP request failed before any answer, for a reason the other findings do not cover.",
        fix: "Read the probe's detail; retry, and check the URL and the network path to the gateway.";
    NOT_APERTURE = "TE110" "not-aperture" Error "This does not look like Aperture",
        cause: "GET /v1/models did not return an OpenAI-style model list. Aperture serves one to every caller with a role, so the URL points at another service, a wrong path prefix, or a proxy.",
        fix: "Check the URL: Aperture is served at the root of its tailnet name (http://ai by default).";
    DASHBOARD_UNREACHABLE = "TE111" "dashboard-unreachable" Info "The dashboard did not answer",
        cause: "GET /ui/ did not return a page. Newer versions serve the dashboard elsewhere (/ or /admin/), so this alone proves little.",
        fix: "Open http://<host>/ in a browser on the tailnet.";
    NO_SUPPORTED_ENDPOINTS = "TE112" "no-supported-endpoints" Info "The model list has no supported_endpoints",
        cause: "Aperture lists each model's supported_endpoints; this gateway does not (another gateway, or an old Aperture), so endpoint support cannot be cross-checked.",
        fix: "Nothing to fix if this is not Aperture; otherwise update the gateway.";
    KEY_REQUIRED = "TE120" "key-required" Error "The gateway asked for an API key (401)",
        cause: "Aperture never asks clients for a key: it identifies callers by their Tailscale identity. A 401 here comes from another gateway, or a proxy in front of Aperture.",
        fix: "Point the client at Aperture itself on the tailnet. For a key-based gateway, give the key through an environment variable (`api_key_env`).";
    NO_ROLE = "TE121" "no-role" Error "403: access denied, no role granted",
        cause: "Aperture knows who is calling but no grant gives that identity a role: no `tailscale.com/cap/aperture` grant matches, or `src` does not match exactly (login typo, several tags must be the sorted comma-joined string such as `tag:a,tag:b`, `group:` without visible groups, a policy-file grant without `dst`).",
        fix: "Add a grant with `{\"role\": \"user\"}` (and `models`) whose `src` is the caller's exact identity; use explain_access to check, and generate_grants to write it.";
    FORBIDDEN = "TE122" "forbidden" Error "403 Forbidden",
        cause: "A 403 without Aperture's `no role granted` text: the upstream provider refused the key for this model, a connector path is not granted, or a proxy refused the request.",
        fix: "Read the body excerpt; check the provider key's permissions for this model and the caller's grants.";
    GUARDRAIL_BLOCKED = "TE123" "guardrail-blocked" Error "A guardrail hook blocked the request",
        cause: "A pre_request hook answered `block` (default status 403, message `request blocked by guardrail`).",
        fix: "Check the hook's decision logs and policy; the probe's prompt is the single word `ping`.";
    UPSTREAM_AUTH = "TE124" "upstream-auth-failed" Error "The provider rejected the key (401)",
        cause: "Aperture routed the request, but the provider refused the credential Aperture injected: a wrong, expired or revoked `apikey`, or a wrong `authorization` type. A passthrough provider (`auth_mode: passthrough`) needs the client's own key.",
        fix: "Fix the provider's apikey (or authorization type) in the config; for passthrough providers send the client's own key.";
    NO_MODELS = "TE130" "no-models" Warning "The model list is empty",
        cause: "The caller has a role but no model: no grant gives `models` to this identity, or every provider serving them is disabled.",
        fix: "Grant models (generate_grants with models) and check that providers are not `disabled`.";
    MODEL_NOT_LISTED = "TE131" "model-not-listed" Error "The model is not offered to this caller",
        cause: "GET /v1/models, filtered to the caller's grants, does not list the model: it is not granted to this identity, no enabled provider serves it, or the name is spelled differently.",
        fix: "Use a name from the list, add the model to a provider's `models`, or grant it (explain_access shows which step fails).";
    ENDPOINT_NOT_SUPPORTED = "TE132" "endpoint-not-supported" Error "The model's provider lacks this API's compatibility flag",
        cause: "The model is listed, but its supported_endpoints do not include this API, so Aperture answers 404 here. Once a provider has a `compatibility` block, only the flags in it are on.",
        fix: "Add the flag to the provider's `compatibility` (for OpenAI both `openai_chat` and `openai_responses`), or call the API the provider speaks: Aperture does not translate formats.";
    NOT_FOUND = "TE133" "not-found" Error "404 Not Found",
        cause: "No route for this model on this API: the model is not granted or served, or its provider lacks the endpoint's compatibility flag (the model list could not tell which).",
        fix: "Compare the model name and API with GET /v1/models and its supported_endpoints.";
    UPSTREAM_NOT_FOUND = "TE134" "upstream-not-found" Error "The provider answered 404",
        cause: "Aperture offers this model on this API, so the 404 came from the provider: the provider's `baseurl` has a wrong path, or the upstream does not know the model name.",
        fix: "Check the provider's baseurl (the root before /v1/...) and the model ID the upstream expects.";
    NATIVE_API_MISSING = "TE135" "native-api-missing" Warning "A model is not served on its native API",
        cause: "The model list offers an Anthropic (or Gemini) model only on OpenAI-compatible endpoints: its provider lacks the native API's compatibility flag, so clients that call that API (Claude Code and Anthropic SDKs call /v1/messages; Gemini CLI calls /v1beta/models/...:generateContent) get 404 although the model is listed.",
        fix: "Add the flag (`anthropic_messages`, `gemini_generate_content`) to the compatibility block of the provider serving the model if its upstream speaks that API (Anthropic, Gemini; not OpenRouter), or serve the model from one that does; rerun test_endpoint with `client` to check one client.";
    DOUBLED_V1 = "TE140" "doubled-v1" Error "405 Method Not Allowed",
        cause: "Almost always a doubled version segment: the provider's `baseurl` ends in /v1 and Aperture appends /v1/..., so the upstream sees /v1/v1/... and answers 405 (a client base URL ending in /v1 for an Anthropic-style client does the same).",
        fix: "Remove the trailing /v1 from the provider's baseurl (validate_config flags it as AP105), or from the client's base URL for Anthropic-style clients.";
    QUOTA_EXCEEDED = "TE150" "quota-exceeded" Error "429: quota exceeded or rate limited",
        cause: "Aperture refuses with 429 and Retry-After when any quota bucket the caller's grants reference is empty, or misconfigured (quotas fail closed: a typo'd bucket, `$0` capacity). A provider's own rate limit is passed through the same way.",
        fix: "Check GET /api/quotas and the grant's quota references (validate_config reports bad ones); wait Retry-After seconds, refill with POST /api/quotas/refill (admin), or raise capacity/rate.";
    HOOK_FAIL_CLOSED = "TE160" "service-unavailable" Error "503 Service Unavailable",
        cause: "A pre_request hook with `fail_policy: fail_closed` is unreachable, timed out, or answered badly, so Aperture refuses every request it covers (the exact status and body are UNCONFIRMED: the dashboard's Logs page shows the hook error); or the upstream is unavailable.",
        fix: "Fix or restart the hook server, raise the hook's timeout, or set `fail_policy: \"fail_open\"`.";
    RESTARTING = "TE161" "restarting" Warning "Aperture is restarting",
        cause: "The gateway answered `aperture is restarting, retry this request` (a config save or upgrade).",
        fix: "Retry in a few seconds; if it persists, check the node (an expired key leaves it restarting for ever).";
    UPSTREAM_ERROR = "TE170" "upstream-error" Error "The provider failed (5xx)",
        cause: "A server error from the provider, passed through by Aperture unchanged (or from the gateway itself).",
        fix: "Read the body excerpt and the provider's status page; retry later or route the model to another provider.";
    UPSTREAM_REJECTED = "TE171" "upstream-rejected" Warning "The request was rejected as invalid (4xx)",
        cause: "The request reached a server that refused it as invalid: the probe's minimal parameters (some models refuse `max_tokens`), or a model name the upstream does not know. Routing and credentials worked if the body is the provider's own error.",
        fix: "Read the body excerpt; a parameter complaint means the gateway path works; a model complaint means the provider's `models` list holds a name the upstream does not accept.";
    UNEXPECTED_STATUS = "TE172" "unexpected-status" Warning "Unexpected HTTP status",
        cause: "A status the probe has no rule for.",
        fix: "Read the body excerpt and the gateway's logs.";
    BUDGET_EXHAUSTED = "TE190" "not-run" Warning "A probe did not run",
        cause: "The overall timeout was used up before this probe could start, or an earlier probe's failure made it pointless.",
        fix: "Fix the earlier failure, or raise timeout_ms.";
}

/// The kind with this code.
pub fn by_code(code: &str) -> Option<&'static FindingKind> {
    ALL.iter().find(|k| k.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_slugs_are_unique_and_ordered() {
        for pair in ALL.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} before {}",
                pair[0].code,
                pair[1].code
            );
        }
        let mut slugs: Vec<_> = ALL.iter().map(|k| k.slug).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), ALL.len());
    }
}
