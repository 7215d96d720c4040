//! Probing a live gateway: concurrent, bounded probes (DNS, TCP, dashboard, model list,
//! optional completions) and the classification of every failure into a finding with its
//! cause and fix. The engine behind `test_endpoint`.

pub mod classify;
mod curl;
pub mod findings;
pub mod http;
mod report;
mod resolver;
pub mod target;

use std::time::Duration;

use reqwest::Method;
use tokio::time::Instant;

use crate::catalog::apis::Api;
pub use classify::quoted_error;
use classify::{Classified, Listing};
use findings::{FindingKind, Severity};
pub use http::install_crypto_provider;
use http::{Exchange, NetError, Request};
pub use report::{
    ApiKey, ClientCalls, ClientVerdict, Finding, Options, Outcome, Probe, Report, Timings, Verdict,
};
pub use resolver::Resolver;
pub use target::Target;

/// Probe `target` and classify what fails. Never errors: every failure is a finding.
pub async fn run(target: &Target, options: &Options) -> Report {
    let client = &http::client_for(&options.resolver);
    let deadline = Instant::now() + options.timeout;
    let mut run = Run::new(target, options);
    for (kind, message) in &target.url_findings {
        run.finding(*kind, "url", message.clone(), None);
    }
    run.notes.extend(target.notes.iter().cloned());

    let models_request = run.request(Method::GET, "/v1/models", None);
    let dashboard_request = run.request(Method::GET, "/ui/", None);
    // With the API and model known, completions need nothing from the model list: send them
    // in the first wave so a slow list does not eat their budget.
    let early: Vec<(Api, String)> = match &options.model {
        Some(model) if options.send_completion => chosen_apis(options)
            .into_iter()
            .map(|api| (api, model.clone()))
            .collect(),
        _ => Vec::new(),
    };
    let early_requests: Vec<_> = early
        .iter()
        .map(|(api, model)| run.completion_request(*api, model))
        .collect();
    let (dns, tcp, dashboard, models, early_results) = tokio::join!(
        probe_dns(target, &options.resolver, deadline),
        probe_tcp(target, &options.resolver, deadline),
        http::exchange(client, &dashboard_request, deadline),
        http::exchange(client, &models_request, deadline),
        exchange_all(client, &early_requests, deadline),
    );

    run.record_dns(dns);
    run.record_tcp(tcp);
    run.record_dashboard(&dashboard_request, dashboard);
    let listing = run.record_models(&models_request, models);
    run.cross_check(listing.as_ref());
    if options.client.is_none() {
        run.native_apis(listing.as_ref());
    }

    if options.send_completion {
        let mut results: Vec<(Api, String, Request, Exchange)> = early
            .into_iter()
            .zip(early_requests)
            .zip(early_results)
            .map(|(((api, model), request), ex)| (api, model, request, ex))
            .collect();
        if results.is_empty() {
            let plan = run.plan_completions(listing.as_ref());
            let requests: Vec<_> = plan
                .iter()
                .map(|(api, model)| run.completion_request(*api, model))
                .collect();
            if Instant::now() >= deadline && !requests.is_empty() {
                for ((api, _), request) in plan.iter().zip(&requests) {
                    run.skipped(api, request);
                }
            } else {
                let exchanges = exchange_all(client, &requests, deadline).await;
                for (((api, model), request), ex) in plan.into_iter().zip(requests).zip(exchanges) {
                    results.push((api, model, request, ex));
                }
            }
        }
        for (api, model, request, ex) in results {
            run.record_completion(api, &model, &request, ex, listing.as_ref());
        }
    } else {
        run.notes.push("no completion was sent (send_completion is false): only free probes ran; pass send_completion to send one minimal request (max_tokens 1) per API".into());
    }
    run.finish()
}

/// The APIs the caller chose: `api`, or what `client` calls (empty: let the model list say).
fn chosen_apis(options: &Options) -> Vec<Api> {
    match (options.api, &options.client) {
        (Some(api), _) => vec![api],
        (None, Some(client)) => client.apis.clone(),
        (None, None) => Vec::new(),
    }
}

/// Run requests concurrently, results in request order.
async fn exchange_all(
    client: &reqwest::Client,
    requests: &[Request],
    deadline: Instant,
) -> Vec<Exchange> {
    let mut set = tokio::task::JoinSet::new();
    for (i, request) in requests.iter().enumerate() {
        let client = client.clone();
        let request = request.clone();
        set.spawn(async move { (i, http::exchange(&client, &request, deadline).await) });
    }
    let mut out = vec![Exchange::default(); requests.len()];
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((i, ex)) => out[i] = ex,
            // A panicked exchange is a bug; report it as a failed request rather than lose the run.
            Err(e) => tracing::error!(error = %e, "probe task failed"),
        }
    }
    for ex in &mut out {
        if ex.status.is_none() && ex.error.is_none() {
            ex.error = Some(NetError::Other("the probe task did not finish".into()));
        }
    }
    out
}

/// DNS: the addresses the host resolves to.
struct DnsResult {
    addresses: Result<Vec<std::net::IpAddr>, NetError>,
    took: Duration,
}

async fn probe_dns(target: &Target, resolver: &Resolver, deadline: Instant) -> Option<DnsResult> {
    if target.host_is_ip() {
        return None;
    }
    let start = Instant::now();
    let lookup = resolver.lookup(&target.host, target.port);
    let addresses = match tokio::time::timeout_at(deadline, lookup).await {
        Err(_) => Err(NetError::Timeout),
        Ok(Err(e)) => Err(NetError::Dns(e.to_string())),
        Ok(Ok(addrs)) => {
            let mut ips: Vec<_> = addrs.iter().map(|a| a.ip()).collect();
            ips.dedup();
            Ok(ips)
        }
    };
    Some(DnsResult {
        addresses,
        took: start.elapsed(),
    })
}

/// TCP: can a connection be opened to the host's port.
struct TcpResult {
    connected: Result<std::net::SocketAddr, NetError>,
    took: Duration,
}

async fn probe_tcp(target: &Target, resolver: &Resolver, deadline: Instant) -> TcpResult {
    let start = Instant::now();
    let connect = async {
        let addresses = resolver
            .lookup(&target.host, target.port)
            .await
            .map_err(|e| NetError::Dns(e.to_string()))?;
        let stream = tokio::net::TcpStream::connect(&addresses[..])
            .await
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::ConnectionRefused => NetError::Refused,
                _ if is_lookup_error(&e) => NetError::Dns(e.to_string()),
                _ => NetError::Unreachable(e.to_string()),
            })?;
        stream
            .peer_addr()
            .map_err(|e| NetError::Other(e.to_string()))
    };
    let connected = match tokio::time::timeout_at(deadline, connect).await {
        Err(_) => Err(NetError::Timeout),
        Ok(connected) => connected,
    };
    TcpResult {
        connected,
        took: start.elapsed(),
    }
}

/// tokio reports a failed name lookup as a plain io error; tell it apart by its text.
fn is_lookup_error(e: &std::io::Error) -> bool {
    let text = e.to_string().to_ascii_lowercase();
    text.contains("lookup") || text.contains("name or service") || text.contains("resolve")
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 10_000.0).round() / 10.0
}

/// The state of one run: probes and findings as they are recorded.
struct Run<'a> {
    target: &'a Target,
    options: &'a Options,
    probes: Vec<Probe>,
    findings: Vec<Finding>,
    notes: Vec<String>,
    connect: Option<Duration>,
    /// The TCP connection opened (so a later timeout is the server's, not the network's).
    connected: bool,
    /// DNS or TCP failed: HTTP probes fail for the same reason and add no finding of their own.
    network_failed: bool,
    /// With a client: the model list offers its model on every API it calls (`None`: unknown).
    client_listed: Option<bool>,
}

impl<'a> Run<'a> {
    fn new(target: &'a Target, options: &'a Options) -> Self {
        Run {
            target,
            options,
            probes: Vec::new(),
            findings: Vec::new(),
            notes: Vec::new(),
            connect: None,
            connected: false,
            network_failed: false,
            client_listed: None,
        }
    }

    fn timeout_secs(&self) -> u64 {
        self.options.timeout.as_secs().max(1)
    }

    fn request(&self, method: Method, path: &str, body: Option<String>) -> Request {
        let mut headers = Vec::new();
        if body.is_some() {
            headers.push(("content-type".to_owned(), "application/json".to_owned()));
        }
        Request {
            method,
            url: self.target.url(path),
            headers,
            body,
            key: self
                .options
                .key
                .as_ref()
                .map(|k| (crate::catalog::apis::KeyHeader::Bearer, k.value.clone())),
        }
    }

    fn completion_request(&self, api: Api, model: &str) -> Request {
        let mut request = self.request(
            Method::POST,
            &api.path(model),
            Some(api.minimal_body(model).to_string()),
        );
        for (name, value) in api.headers() {
            request
                .headers
                .push(((*name).to_owned(), (*value).to_owned()));
        }
        if let Some(key) = &mut request.key {
            key.0 = api.key_header();
        }
        request
    }

    fn finding(&mut self, kind: FindingKind, probe: &str, message: String, cause: Option<String>) {
        if let Some(existing) = self.findings.iter_mut().find(|f| f.code == kind.code) {
            if !existing.probes.iter().any(|p| p == probe) {
                existing.probes.push(probe.to_owned());
            }
            return;
        }
        self.findings.push(Finding::of(kind, probe, message, cause));
    }

    fn record_dns(&mut self, dns: Option<DnsResult>) {
        let curl = curl::reach(self.target, self.timeout_secs(), "resolved to %{remote_ip}");
        let Some(dns) = dns else {
            self.probes.push(Probe {
                name: "dns".into(),
                method: "DNS".into(),
                url: self.target.host.clone(),
                status: None,
                latency_ms: 0.0,
                timings: Timings::default(),
                outcome: Outcome::Skipped,
                detail: "the host is an IP address; nothing to resolve".into(),
                body_excerpt: None,
                curl,
            });
            return;
        };
        let host = self.target.host.clone();
        let (outcome, detail) = match &dns.addresses {
            Ok(ips) if !ips.is_empty() => {
                let list: Vec<String> = ips.iter().map(ToString::to_string).collect();
                let tailnet = ips
                    .iter()
                    .any(|ip| crate::net::is_tailnet_ip(&ip.to_string()));
                let detail = format!(
                    "{host} resolves to {}{}",
                    list.join(", "),
                    if tailnet {
                        " (a Tailscale address)"
                    } else {
                        ""
                    }
                );
                (Outcome::Ok, detail)
            }
            other => {
                let why = match other {
                    Err(NetError::Timeout) => "did not resolve before the timeout".to_owned(),
                    Err(NetError::Dns(e)) => format!("does not resolve ({e})"),
                    _ => "resolves to no address".to_owned(),
                };
                self.network_failed = true;
                let short = !host.contains('.');
                let message = format!(
                    "{host} {why}{}",
                    if short {
                        "; a short name like this resolves only through MagicDNS"
                    } else {
                        ""
                    }
                );
                self.finding(findings::DNS_UNRESOLVED, "dns", message.clone(), None);
                (Outcome::Failed, message)
            }
        };
        self.probes.push(Probe {
            name: "dns".into(),
            method: "DNS".into(),
            url: host,
            status: None,
            latency_ms: ms(dns.took),
            timings: Timings {
                total_ms: ms(dns.took),
                ..Timings::default()
            },
            outcome,
            detail,
            body_excerpt: None,
            curl,
        });
    }

    fn record_tcp(&mut self, tcp: TcpResult) {
        let address = format!("{}:{}", self.target.host, self.target.port);
        let (outcome, detail) = match &tcp.connected {
            Ok(peer) => {
                self.connect = Some(tcp.took);
                self.connected = true;
                (Outcome::Ok, format!("connected to {peer}"))
            }
            Err(NetError::Dns(_)) => (
                Outcome::Failed,
                "not attempted: the host name does not resolve".to_owned(),
            ),
            Err(error) => {
                let (kind, message) = match error {
                    NetError::Refused => (
                        findings::CONNECTION_REFUSED,
                        format!(
                            "{address} refused the connection: nothing listens on port {}",
                            self.target.port
                        ),
                    ),
                    NetError::Timeout => (
                        findings::CONNECT_TIMEOUT,
                        format!(
                            "no answer from {address} within {} ms",
                            self.options.timeout.as_millis()
                        ),
                    ),
                    other => (
                        findings::CONNECT_TIMEOUT,
                        format!("{address} is unreachable: {}", net_text(other)),
                    ),
                };
                self.network_failed = true;
                self.finding(kind, "tcp", message.clone(), None);
                (Outcome::Failed, message)
            }
        };
        self.probes.push(Probe {
            name: "tcp".into(),
            method: "TCP".into(),
            url: address,
            status: None,
            latency_ms: ms(tcp.took),
            timings: Timings {
                connect_ms: self.connect.map(ms),
                first_byte_ms: None,
                total_ms: ms(tcp.took),
            },
            outcome,
            detail,
            body_excerpt: None,
            curl: curl::reach(self.target, self.timeout_secs(), "connect %{time_connect}s"),
        });
    }

    /// A probe whose exchange failed below HTTP: its finding, unless DNS/TCP already has one.
    fn network_failure(&mut self, probe: &str, error: &NetError) -> String {
        let timeout_ms = self.options.timeout.as_millis();
        let (kind, message) = match error {
            NetError::Dns(e) => (
                findings::DNS_UNRESOLVED,
                format!("the host does not resolve ({e})"),
            ),
            NetError::Refused => (
                findings::CONNECTION_REFUSED,
                "the connection was refused".to_owned(),
            ),
            NetError::Unreachable(e) => (
                findings::CONNECT_TIMEOUT,
                format!("the host is unreachable ({e})"),
            ),
            NetError::Tls(e) => (
                findings::TLS_FAILED,
                format!("the TLS handshake with {} failed ({e})", self.target.host),
            ),
            NetError::Timeout if self.connected => (
                findings::RESPONSE_TIMEOUT,
                format!("connected, but no response within {timeout_ms} ms"),
            ),
            NetError::Timeout => (
                findings::CONNECT_TIMEOUT,
                format!("no connection within {timeout_ms} ms"),
            ),
            NetError::NotHttp(e) => (
                findings::NOT_APERTURE,
                format!(
                    "the server's answer is not HTTP ({e}){}",
                    if self.target.https() {
                        ""
                    } else {
                        "; if this port speaks TLS, use https://"
                    }
                ),
            ),
            NetError::Other(e) => (findings::REQUEST_FAILED, e.clone()),
        };
        let network_level = matches!(
            error,
            NetError::Dns(_) | NetError::Refused | NetError::Unreachable(_)
        ) || (matches!(error, NetError::Timeout) && !self.connected);
        if !(network_level && self.network_failed) {
            self.finding(kind, probe, message.clone(), None);
        }
        message
    }

    fn http_probe(
        &mut self,
        name: &str,
        request: &Request,
        ex: &Exchange,
        classified: Classified,
    ) -> Outcome {
        let detail = classified.detail;
        if let Some((kind, message)) = classified.finding {
            self.finding(kind, name, message, classified.cause);
        }
        let outcome = classified.outcome;
        self.probes.push(Probe {
            name: name.to_owned(),
            method: request.method.to_string(),
            url: request.url.clone(),
            status: ex.status,
            latency_ms: ms(ex.total),
            timings: Timings {
                connect_ms: self.connect.map(ms),
                first_byte_ms: ex.first_byte.map(ms),
                total_ms: ms(ex.total),
            },
            outcome,
            detail,
            body_excerpt: classify::excerpt(&ex.body, ex.truncated),
            curl: curl::request(request, self.timeout_secs(), self.options.key.as_ref()),
        });
        outcome
    }

    fn record_dashboard(&mut self, request: &Request, ex: Exchange) {
        let classified = match &ex.error {
            Some(e) => Classified::failed(self.network_failure_quiet(e)),
            None => classify::dashboard(&ex, self.target),
        };
        self.http_probe("dashboard", request, &ex, classified);
    }

    /// The dashboard only adds context: its network failures are reported by other probes.
    fn network_failure_quiet(&self, error: &NetError) -> String {
        format!("no answer: {}", net_text(error))
    }

    fn record_models(&mut self, request: &Request, ex: Exchange) -> Option<Listing> {
        let (classified, listing) = match &ex.error {
            Some(e) => (Classified::failed(self.network_failure("models", e)), None),
            None => classify::models(&ex, self.target),
        };
        self.http_probe("models", request, &ex, classified);
        if let Some(listing) = &listing
            && !listing.models.is_empty()
            && !listing.has_endpoints
        {
            self.finding(
                findings::NO_SUPPORTED_ENDPOINTS,
                "models",
                "GET /v1/models lists models without supported_endpoints".into(),
                None,
            );
        }
        listing
    }

    /// Without sending anything: is the chosen model offered, on the chosen APIs?
    fn cross_check(&mut self, listing: Option<&Listing>) {
        let (Some(model), Some(listing)) = (self.options.model.clone(), listing) else {
            return;
        };
        let apis = chosen_apis(self.options);
        let who = self.options.client.as_ref().map(|c| c.name.clone());
        let checks: Vec<Option<Api>> = if apis.is_empty() {
            vec![None]
        } else {
            apis.into_iter().map(Some).collect()
        };
        let mut listed = Some(true);
        for api in checks {
            match listing.supports(&model, api) {
                classify::Support::NotListed => {
                    let mut message = listing.not_listed_message(&model);
                    if let Some(who) = &who {
                        message = format!("{who} will fail: {message}");
                    }
                    self.finding(findings::MODEL_NOT_LISTED, "models", message, None);
                    listed = Some(false);
                }
                classify::Support::Missing { api, supported } => {
                    let path = api.path(&model);
                    let message = match &who {
                        Some(who) => format!(
                            "{who} will fail: it calls {path} with {model}, but the gateway lists {model} only for {} (flag `{}` is off on its provider), so Aperture answers 404",
                            supported.join(", "),
                            api.flag()
                        ),
                        None => format!(
                            "{model} is listed, but its supported_endpoints ({}) do not include {path} (flag `{}`): Aperture answers 404 there",
                            supported.join(", "),
                            api.flag()
                        ),
                    };
                    self.finding(findings::ENDPOINT_NOT_SUPPORTED, "models", message, None);
                    listed = Some(false);
                }
                classify::Support::Unknown => listed = listed.and(None),
                classify::Support::Yes => {}
            }
        }
        self.client_listed = listed;
    }

    /// Without a client: Anthropic and Gemini models listed only on OpenAI-compatible
    /// endpoints, with the clients that call their native API (and so will fail).
    fn native_apis(&mut self, listing: Option<&Listing>) {
        let Some(listing) = listing.filter(|l| l.has_endpoints) else {
            return;
        };
        let mut lines: Vec<String> = Vec::new();
        for listed in &listing.models {
            let Some(native) = listing.missing_native_api(&listed.id) else {
                continue;
            };
            let broken: Vec<&str> = self
                .options
                .known_clients
                .iter()
                .filter(|c| c.apis.contains(&native))
                .map(|c| c.name.as_str())
                .collect();
            let line = format!(
                "{} is listed only for {}, not on {} (flag `{}` off): {} will fail with it",
                listed.id,
                listed.endpoints.join(", "),
                native.path(&listed.id),
                native.flag(),
                if broken.is_empty() {
                    "clients of that API".to_owned()
                } else {
                    broken.join(", ")
                }
            );
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
        if !lines.is_empty() {
            self.finding(
                findings::NATIVE_API_MISSING,
                "models",
                lines.join("; "),
                None,
            );
        }
    }

    /// Which (API, model) pairs to send: the chosen ones, or what the listing says.
    fn plan_completions(&mut self, listing: Option<&Listing>) -> Vec<(Api, String)> {
        let model = match (&self.options.model, listing.and_then(|l| l.models.first())) {
            (Some(model), _) => model.clone(),
            (None, Some(first)) => {
                self.notes.push(format!(
                    "no model given: probed {}, the first model listed",
                    first.id
                ));
                first.id.clone()
            }
            (None, None) => {
                self.notes
                    .push("no completion was sent: no model was given and none is listed".into());
                return Vec::new();
            }
        };
        let chosen = chosen_apis(self.options);
        if !chosen.is_empty() {
            return chosen.into_iter().map(|api| (api, model.clone())).collect();
        }
        let apis = listing.map(|l| l.apis_for(&model)).unwrap_or_default();
        if apis.is_empty() {
            let guess = Api::guess_for_model(&model);
            self.notes.push(format!(
                "the model list gives no API for {model}: guessed {} from its name (pass `api` to choose)",
                guess.flag()
            ));
            return vec![(guess, model)];
        }
        apis.into_iter().map(|api| (api, model.clone())).collect()
    }

    fn skipped(&mut self, api: &Api, request: &Request) {
        let name = format!("completion:{}", api.flag());
        if self.findings.iter().all(|f| f.severity != Severity::Error) {
            self.finding(
                findings::BUDGET_EXHAUSTED,
                &name,
                format!(
                    "the {} ms budget was used up before the completion could be sent",
                    self.options.timeout.as_millis()
                ),
                None,
            );
        }
        self.probes.push(Probe {
            name,
            method: request.method.to_string(),
            url: request.url.clone(),
            status: None,
            latency_ms: 0.0,
            timings: Timings::default(),
            outcome: Outcome::Skipped,
            detail: "not sent: no time left".into(),
            body_excerpt: None,
            curl: curl::request(request, self.timeout_secs(), self.options.key.as_ref()),
        });
    }

    fn record_completion(
        &mut self,
        api: Api,
        model: &str,
        request: &Request,
        ex: Exchange,
        listing: Option<&Listing>,
    ) {
        let name = format!("completion:{}", api.flag());
        let classified = match &ex.error {
            Some(e) => Classified::failed(self.network_failure(&name, e)),
            None => classify::completion(&ex, api, model, listing),
        };
        self.http_probe(&name, request, &ex, classified);
    }

    fn finish(mut self) -> Report {
        let worst = self.findings.iter().map(|f| f.severity).max();
        let verdict = match worst {
            Some(Severity::Error) => Verdict::Failed,
            Some(Severity::Warning) => Verdict::Degraded,
            _ => Verdict::Ok,
        };
        self.findings
            .sort_by(|a, b| b.severity.cmp(&a.severity).then(a.code.cmp(&b.code)));
        let summary = match self
            .findings
            .iter()
            .find(|f| f.severity >= Severity::Warning)
        {
            Some(f) => format!("{}: {} ({})", verdict_word(verdict), f.message, f.code),
            None => {
                let answered = self
                    .probes
                    .iter()
                    .filter(|p| p.name.starts_with("completion:") && p.outcome == Outcome::Ok)
                    .count();
                format!(
                    "ok: {} answered{}",
                    self.target.base(),
                    if answered > 0 {
                        format!("; {answered} completion(s) succeeded")
                    } else {
                        String::new()
                    }
                )
            }
        };
        let mut curl: Vec<String> = Vec::new();
        for probe in &self.probes {
            let rerunnable =
                probe.outcome != Outcome::Skipped || probe.name.starts_with("completion:");
            if rerunnable && !curl.contains(&probe.curl) {
                curl.push(probe.curl.clone());
            }
        }
        let client = self.client_verdict();
        let summary = match &client {
            Some(c) if c.works == Some(false) => format!("{summary}; {} will fail", c.client),
            _ => summary,
        };
        let mut report = Report {
            verdict,
            summary,
            probes: self.probes,
            findings: self.findings,
            curl,
            notes: self.notes,
            client,
        };
        if let Some(key) = &self.options.key {
            scrub(&mut report, &key.value);
        }
        report
    }
}

impl Run<'_> {
    /// Whether the client asked about will work: any error finding says no; the model list
    /// and the completions sent say yes; otherwise nothing settled it.
    fn client_verdict(&self) -> Option<ClientVerdict> {
        let client = self.options.client.as_ref()?;
        let model = self.options.model.clone().unwrap_or_default();
        let endpoints: Vec<String> = client.apis.iter().map(|a| a.path(&model)).collect();
        let sent: Vec<&Probe> = self
            .probes
            .iter()
            .filter(|p| p.name.starts_with("completion:"))
            .collect();
        let (works, why) = if let Some(error) =
            self.findings.iter().find(|f| f.severity == Severity::Error)
        {
            // The message may already name the client (`claude-code will fail: ...`).
            let prefix = format!("{} will fail: ", client.name);
            let message = error
                .message
                .strip_prefix(&prefix)
                .unwrap_or(&error.message);
            (Some(false), format!("{message} ({})", error.code))
        } else if !sent.is_empty() && sent.iter().all(|p| p.outcome == Outcome::Ok) {
            (
                Some(true),
                format!("{model} answered on {}", endpoints.join(", ")),
            )
        } else if let Some(warned) = sent.iter().find(|p| p.outcome != Outcome::Ok) {
            (
                None,
                format!(
                    "not settled: {} did not answer cleanly ({}); see the findings",
                    warned.url, warned.detail
                ),
            )
        } else if self.client_listed == Some(true) {
            (
                Some(true),
                format!(
                    "GET /v1/models offers {model} on {} (no request was sent: pass send_completion to confirm with one)",
                    endpoints.join(", ")
                ),
            )
        } else {
            (
                None,
                format!(
                    "not settled: GET /v1/models does not say which endpoints serve {model}; pass send_completion to send one request to {} as {} does",
                    endpoints.join(", "),
                    client.name
                ),
            )
        };
        Some(ClientVerdict {
            client: client.name.clone(),
            model,
            endpoints,
            works,
            why,
        })
    }
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Ok => "ok",
        Verdict::Degraded => "degraded",
        Verdict::Failed => "failed",
    }
}

fn net_text(error: &NetError) -> String {
    match error {
        NetError::Dns(e)
        | NetError::Unreachable(e)
        | NetError::Tls(e)
        | NetError::NotHttp(e)
        | NetError::Other(e) => e.clone(),
        NetError::Refused => "connection refused".into(),
        NetError::Timeout => "timed out".into(),
    }
}

/// The last line of defence: the key's value, wherever it might have been echoed (a body, an
/// error message), becomes `[redacted]`.
fn scrub(report: &mut Report, secret: &str) {
    if secret.is_empty() {
        return;
    }
    let clean = |s: &mut String| {
        if s.contains(secret) {
            *s = s.replace(secret, "[redacted]");
        }
    };
    let mut strings: Vec<&mut String> = vec![&mut report.summary];
    for p in &mut report.probes {
        strings.extend([&mut p.name, &mut p.url, &mut p.detail, &mut p.curl]);
        if let Some(b) = &mut p.body_excerpt {
            strings.push(b);
        }
    }
    for f in &mut report.findings {
        strings.extend([&mut f.message, &mut f.fix]);
        if let Some(c) = &mut f.cause {
            strings.push(c);
        }
    }
    strings.extend(report.curl.iter_mut());
    strings.extend(report.notes.iter_mut());
    for s in strings {
        clean(s);
    }
}
