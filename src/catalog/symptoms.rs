//! The symptom catalog: every row of `troubleshooting.md` (and the symptoms other Aperture
//! files describe), each with the ways users phrase it, its status codes and exact error
//! strings, its causes, the checks that confirm or rule each cause out, and the fixes.
//!
//! One source: `diagnose_symptom` matches and checks against it, and the skill's
//! troubleshooting reference is rendered from it. IDs are stable.

use serde::Serialize;

/// A problem as users report it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Symptom {
    /// Stable ID, e.g. `no-role-403`.
    pub id: &'static str,
    pub title: &'static str,
    /// Row of `troubleshooting.md`'s quick table (0: from another Aperture file).
    pub row: u8,
    /// How users say it (the matcher's examples).
    pub said: &'static [&'static str],
    /// Words that point at this symptom even outside a full phrasing.
    pub keywords: &'static [&'static str],
    /// HTTP statuses that come with it.
    pub statuses: &'static [u16],
    /// Exact texts (Aperture's, the provider's or the client's), matched case-insensitively.
    pub errors: &'static [&'static str],
    /// `test_endpoint` findings that reproduce the symptom itself.
    pub reproduced_by: &'static [&'static str],
    pub causes: &'static [Cause],
}

/// One cause of a symptom.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Cause {
    /// Unique within its symptom; reported as `symptom/cause`.
    pub id: &'static str,
    pub title: &'static str,
    /// Config rules (AP codes) whose finding confirms the cause; a config where none fires
    /// rules it out.
    pub rules: &'static [&'static str],
    /// Config rules that show the cause's precondition (e.g. `group:` sources are used): a
    /// config where none fires rules the cause out; one that fires leaves it possible.
    pub requires: &'static [&'static str],
    /// Confirmed when a save-mode validation of the config has any error.
    pub save_blocking: bool,
    /// `test_endpoint` findings (TE codes) that confirm the cause.
    pub probes: &'static [&'static str],
    /// A free probe (`dns`, `tcp`, `models`) whose success rules the cause out.
    pub ruled_out_by_probe: Option<&'static str>,
    /// What only the user can check: questions and commands.
    pub ask: &'static [&'static str],
    pub fixes: &'static [&'static str],
    /// The cause rests on an UNCONFIRMED fact.
    pub unconfirmed: bool,
}

const SYMPTOM: Symptom = Symptom {
    id: "",
    title: "",
    row: 0,
    said: &[],
    keywords: &[],
    statuses: &[],
    errors: &[],
    reproduced_by: &[],
    causes: &[],
};

const CAUSE: Cause = Cause {
    id: "",
    title: "",
    rules: &[],
    requires: &[],
    save_blocking: false,
    probes: &[],
    ruled_out_by_probe: None,
    ask: &[],
    fixes: &[],
    unconfirmed: false,
};

impl Cause {
    /// The config or a probe can decide this cause.
    pub fn machine_checked(&self) -> bool {
        !self.rules.is_empty()
            || !self.requires.is_empty()
            || self.save_blocking
            || !self.probes.is_empty()
    }
}

/// The symptom with this ID.
pub fn find(id: &str) -> Option<&'static Symptom> {
    SYMPTOMS.iter().find(|s| s.id == id)
}

/// Every symptom, in troubleshooting-table order.
// Every entry ends in `..SYMPTOM`, even where it gives every field, so a new field never
// means touching them all.
#[allow(clippy::needless_update)]
pub static SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "magicdns",
        title: "The gateway's host name does not resolve",
        row: 1,
        said: &[
            "curl: (6) Could not resolve host: ai",
            "http://ai doesn't work but I'm on Tailscale",
            "tailscale ping works but the browser can't find Aperture",
            "the setup page shows http://your-aperture-host",
            "name not found when I open the gateway url",
            "DNS lookup for ai fails, ENOTFOUND",
            "it worked yesterday and now ai won't resolve",
        ],
        keywords: &[
            "resolve",
            "dns",
            "magicdns",
            "nslookup",
            "enotfound",
            "hostname",
            "lookup",
            "nxdomain",
            "ip works",
            "dns setting",
            "short name",
            "host not found",
        ],
        errors: &[
            "could not resolve host",
            "name or service not known",
            "nodename nor servname provided",
            "no such host",
            "getaddrinfo enotfound",
            "temporary failure in name resolution",
            "your-aperture-host",
        ],
        reproduced_by: &["TE101"],
        causes: &[
            Cause {
                id: "magicdns-off",
                title: "MagicDNS is off, or this device is not on the tailnet",
                probes: &["TE101"],
                ruled_out_by_probe: Some("dns"),
                ask: &[
                    "Run `tailscale dns status` and check the admin console's DNS page: is MagicDNS on?",
                    "Run `nslookup <host>.<tailnet>.ts.net` (not `tailscale ping`, which works without MagicDNS).",
                ],
                fixes: &[
                    "Enable MagicDNS in the admin console (DNS page).",
                    "Or call the node by its Tailscale IP: http://100.x.y.z (Machines page).",
                ],
                ..CAUSE
            },
            Cause {
                id: "wrong-host",
                title: "The URL names another host than the Aperture node",
                ask: &[
                    "Does the admin console's Machines page list the Aperture node under this exact name?",
                ],
                fixes: &[
                    "Use the node's name from the Machines page (default `ai`), or its full name <host>.<tailnet>.ts.net.",
                ],
                ..CAUSE
            },
        ],
        ..SYMPTOM
    },
    Symptom {
        id: "no-role-403",
        title: "403 access denied: no role granted",
        row: 2,
        said: &[
            "every request comes back 403 Forbidden",
            "Claude Code says 403 access denied no role granted",
            "403 access denied no role granted but I'm an admin",
            "network ACL allows it, why forbidden?",
            "new user gets forbidden from the gateway",
            "I can reach the dashboard but API calls say access denied",
        ],
        keywords: &[
            "403",
            "forbidden",
            "denied",
            "role",
            "granted",
            "grant",
            "access",
        ],
        statuses: &[403],
        errors: &["access denied: no role granted", "no role granted"],
        reproduced_by: &["TE121"],
        causes: &[
            Cause {
                id: "no-grants",
                title: "Providers are configured but there are no grants at all",
                rules: &["AP208"],
                fixes: &[
                    "Add grants: generate_grants with an admin and the users (and their models).",
                ],
                ..CAUSE
            },
            Cause {
                id: "models-without-role",
                title: "A grant gives models to identities that no grant gives a role",
                rules: &["AP209"],
                fixes: &[
                    "Add `{\"role\": \"user\"}` for those sources (a role and a models grant are both needed).",
                ],
                ..CAUSE
            },
            Cause {
                id: "grant-grants-nothing",
                title: "A grant has no Aperture capability, or an empty src",
                rules: &["AP219", "AP218"],
                fixes: &[
                    "Put the capability under `app[\"tailscale.com/cap/aperture\"]` and name the callers in `src`.",
                ],
                ..CAUSE
            },
            Cause {
                id: "src-mismatch",
                title: "No grant's src matches the caller's identity exactly",
                ask: &[
                    "Which identity does the dashboard show for the caller? Compare it character for character with each grant's `src` (explain_access simulates it).",
                    "Is the caller's device tagged? Then its identity is its tags, not the user's login.",
                ],
                fixes: &[
                    "Add the caller's exact login (or `group:`/tag identity) to a grant with a role; temporarily `\"*\"` shows whether it is a src problem.",
                ],
                ..CAUSE
            },
        ],
        ..SYMPTOM
    },
    Symptom {
        id: "tagged-node-403",
        title: "Tagged servers, CI or Kubernetes nodes get 403 while laptops work",
        row: 3,
        said: &[
            "my K8s agents get 403 but my laptop works",
            "I added tag:ci to the grant and it still 403s",
            "CI runner with two tags is forbidden",
            "tagged-devices in src doesn't work",
            "the server node is denied but my user is fine",
            "pods behind the tailscale sidecar get no role granted",
        ],
        keywords: &[
            "tag",
            "tagged",
            "tags",
            "ci",
            "k8s",
            "kubernetes",
            "server",
            "runner",
            "pod",
            "sidecar",
            "403",
            "multi",
            "multiple",
            "two tags",
            "several tags",
            "headless",
            "build",
            "bot",
            "identity",
            "agent",
            "machine",
        ],
        statuses: &[403],
        errors: &["access denied: no role granted", "tagged-devices"],
        causes: &[
            Cause {
                id: "multi-tag-src",
                title: "The node has several tags, and src does not use the sorted comma-joined form",
                rules: &["AP212"],
                fixes: &["Write the identity as `tag:a,tag:b` (sorted, comma-joined, no spaces)."],
                ..CAUSE
            },
            Cause {
                id: "tagged-devices-src",
                title: "src uses `tagged-devices`, which matches nothing",
                rules: &["AP213"],
                fixes: &[
                    "Name the tag identity (`tag:ci`), or use `*` narrowed by the tailnet policy.",
                ],
                ..CAUSE
            },
            Cause {
                id: "identity-lost",
                title: "The node has neither a user nor tags, or its identity is lost in a proxy",
                ask: &[
                    "Does `tailscale status` show the node with tags (or a user)?",
                    "Does the client go through tailscaled's userspace SOCKS5/HTTP proxy? Identity was reported lost there (tsnet clients kept it).",
                ],
                fixes: &[
                    "Tag the node (or log it in as a user); use tsnet or kernel networking instead of the userspace proxy.",
                ],
                unconfirmed: true,
                ..CAUSE
            },
        ],
        ..SYMPTOM
    },
    Symptom {
        id: "vpn-cgnat",
        title: "Intermittent 403s or connection failures only while a VPN is on",
        row: 4,
        said: &[
            "random 403s only when my VPN is on",
            "works on office Wi-Fi, flaky at home with Mullvad",
            "Aperture fails intermittently with exit node",
            "when I turn on mullvad the gateway times out",
        ],
        keywords: &[
            "vpn",
            "mullvad",
            "exit",
            "intermittent",
            "flaky",
            "sometimes",
            "random",
            "cgnat",
            "100.64",
            "now and then",
            "on and off",
            "only when",
            "proton",
            "wireguard vpn",
            "split tunnel",
        ],
        statuses: &[403],
        causes: &[Cause {
            id: "cgnat-clash",
            title: "A VPN using 100.64.0.0/10 (Mullvad) captures tailnet traffic",
            ask: &["Does it work with Mullvad (or the other VPN) disconnected?"],
            fixes: &[
                "Use a Tailscale exit node, or exclude the Tailscale interface with split tunnelling.",
            ],
            ..CAUSE
        }],
        ..SYMPTOM
    },
    Symptom {
        id: "node-expired",
        title: "Aperture worked, now nothing connects: the node expired or was removed",
        row: 5,
        said: &[
            "Aperture was fine yesterday and now nothing connects",
            "the ai machine shows Expired",
            "someone removed the ai node from the admin console",
            "stuck in NeedsLogin",
            "the instance keeps restarting and never comes up",
        ],
        keywords: &[
            "expired",
            "expiry",
            "needslogin",
            "removed",
            "deleted",
            "yesterday",
            "suddenly",
            "stuck",
            "key",
            "last night",
            "this morning",
            "nobody",
            "reach",
            "offline",
            "down",
            "worked",
            "working",
            "whole team",
            "entire team",
        ],
        reproduced_by: &["TE103"],
        causes: &[Cause {
            id: "key-expired",
            title: "The node key expired or the device was deleted",
            probes: &["TE103", "TE102"],
            ruled_out_by_probe: Some("tcp"),
            ask: &["Admin console, Machines: is the Aperture node Expired or missing?"],
            fixes: &[
                "There is no documented recovery: deploy a new instance and repoint clients.",
                "Prevent it: disable key expiry for the node, or run it as a tagged device.",
            ],
            ..CAUSE
        }],
        ..SYMPTOM
    },
    Symptom {
        id: "aperture-restarting",
        title: "Requests fail with `aperture is restarting, retry this request`",
        said: &[
            "aperture is restarting, retry this request",
            "requests fail for a few seconds after I save the config",
            "got a restarting error from the gateway",
        ],
        keywords: &["restarting", "restart", "retry", "reload"],
        statuses: &[503],
        errors: &["aperture is restarting"],
        reproduced_by: &["TE161"],
        causes: &[Cause {
            id: "restart",
            title: "The gateway is restarting (a config save or an upgrade)",
            probes: &["TE161"],
            ask: &["Did someone save the config or upgrade Aperture just before?"],
            fixes: &[
                "Retry; clients should treat it as retryable. If it never ends, check the node (an expired key leaves it restarting).",
            ],
            unconfirmed: true,
            ..CAUSE
        }],
        ..SYMPTOM
    },
    Symptom {
        id: "quota-429",
        title: "429: a quota bucket is empty or misconfigured",
        row: 6,
        said: &[
            "429 Too Many Requests but I've barely used it",
            "rate_limit_error from Aperture",
            "insufficient_quota even though our OpenAI account has credit",
            "everyone got 429 after I edited quotas",
            "budget exceeded, Retry-After header",
            "ThrottlingException on bedrock through the gateway",
        ],
        keywords: &[
            "429",
            "quota",
            "quotas",
            "budget",
            "limit",
            "rate",
            "throttl",
            "exhausted",
            "credit",
            "spend",
            "retry-after",
            "refill",
            "bucket",
            "over budget",
            "daily limit",
            "cap",
            "allowance",
        ],
        statuses: &[429],
        errors: &[
            "rate_limit_error",
            "insufficient_quota",
            "throttlingexception",
            "resource_exhausted",
            "too many requests",
        ],
        reproduced_by: &["TE150"],
        causes: &[
            Cause {
                id: "bucket-misconfigured",
                title: "A quota definition or reference is broken (quotas fail closed)",
                rules: &["AP301", "AP204", "AP205", "AP302"],
                fixes: &[
                    "Fix the bucket definition or the grant's reference (validate_config shows which); or remove the quota.",
                ],
                ..CAUSE
            },
            Cause {
                id: "bucket-empty",
                title: "A bucket the caller's grants reference is empty",
                probes: &["TE150"],
                ask: &[
                    "Run `curl http://ai/api/quotas`: which bucket is at 0? The server log's Warn line names it.",
                ],
                fixes: &[
                    "Wait for Retry-After, refill it (POST /api/quotas/refill, admin), or raise capacity/rate.",
                ],
                ..CAUSE
            },
        ],
        ..SYMPTOM
    },
    Symptom {
        id: "same-user-tag",
        title: "Every session in the dashboard shows the same user (a tag)",
        row: 7,
        said: &[
            "dashboard shows everything as tag:dev",
            "can't tell who used what",
            "all usage is attributed to one tag",
        ],
        keywords: &[
            "dashboard",
            "same",
            "user",
            "who",
            "attributed",
            "usage",
            "sessions",
            "everyone",
            "tag",
            "attribution",
            "breakdown",
            "report",
            "per-user",
            "per user",
            "lumps",
            "together",
            "identity",
            "spend",
        ],
        causes: &[Cause {
            id: "tagged-user-devices",
            title: "People's devices are authenticated with tags, and tagged nodes have no user",
            ask: &["Are the users' devices tagged in the admin console?"],
            fixes: &[
                "Have people connect from devices logged in to their own accounts; keep tags for servers and CI.",
            ],
            ..CAUSE
        }],
        ..SYMPTOM
    },
    Symptom {
        id: "https-tls",
        title: "TLS or certificate errors when calling the gateway over https://",
        row: 8,
        said: &[
            "SSL error connecting to https://ai",
            "certificate verify failed",
            "SSL handshake failed",
            "https won't load for the gateway",
        ],
        keywords: &[
            "ssl",
            "tls",
            "certificate",
            "cert",
            "handshake",
            "https",
            "x509",
            "verify",
            "unable to verify",
            "secure",
            "ssl_error",
            "trust",
        ],
        errors: &[
            "certificate verify failed",
            "ssl handshake",
            "wrong version number",
            "x509",
            "self signed certificate",
            "unable to verify the first certificate",
            "unable to get local issuer certificate",
        ],
        reproduced_by: &["TE104"],
        causes: &[
            Cause {
                id: "https-url",
                title: "The client calls https://; Aperture is meant to be called over http://",
                probes: &["TE104"],
                ask: &["Which base URL does the client use?"],
                fixes: &[
                    "Use http://<host> (WireGuard already encrypts it). Clients that require HTTPS (Gemini CLI 0.40+) need https://<host>.<tailnet>.ts.net.",
                ],
                ..CAUSE
            },
            Cause {
                id: "provider-https-tailnet",
                title: "A provider's baseurl is https:// to a tailnet IP or short name, which has no matching certificate",
                rules: &["AP118"],
                fixes: &[
                    "Use http:// for tailnet upstreams (or their full *.ts.net name with https).",
                ],
                ..CAUSE
            },
        ],
        ..SYMPTOM
    },
    Symptom {
        id: "client-cannot-connect",
        title: "A client cannot connect; its requests never show in Aperture's logs",
        row: 9,
        said: &[
            "requests don't show up in Logs",
            "client demands an API key",
            "my SDK can't connect to the gateway",
            "nothing appears in the dashboard when I call it",
            "connection refused to the gateway",
            "using ts-unplug and nothing works",
        ],
        keywords: &[
            "connect",
            "logs",
            "appear",
            "nothing",
            "refused",
            "unplug",
            "api key",
            "key",
            "base url",
            "sdk",
            "cursor",
            "opencode",
            "localhost",
            "never arrives",
            "doesn't reach",
            "no requests",
        ],
        errors: &[
            "connection refused",
            "econnrefused",
            "missing api key",
            "api key required",
        ],
        reproduced_by: &["TE102", "TE110"],
        causes: &[
            Cause {
                id: "wrong-base-url",
                title: "The client's base URL is wrong (not the gateway, or the wrong form for that client)",
                probes: &["TE110", "TE102"],
                ruled_out_by_probe: Some("models"),
                ask: &[
                    "Compare the client's settings with generate_client_config's output for it.",
                ],
                fixes: &[
                    "Use http://<host> for Anthropic-style clients, http://<host>/v1 for OpenAI-style ones (generate_client_config writes each).",
                ],
                ..CAUSE
            },
            Cause {
                id: "no-placeholder-key",
                title: "The client refuses to start without an API key",
                ask: &["Does the client error before sending anything, asking for a key?"],
                fixes: &[
                    "Give it a dummy key such as `-` (Aperture ignores it and injects the provider's).",
                ],
                ..CAUSE
            },
            Cause {
                id: "ts-unplug-down",
                title: "Off the tailnet, ts-unplug (or the CLI bridge) is not running",
                ask: &[
                    "Is the client off the tailnet, using ts-unplug? Is it running, and does the client use http://localhost:<port>?",
                ],
                fixes: &["Start ts-unplug and point the client at http://localhost:<port>."],
                ..CAUSE
            },
        ],
        ..SYMPTOM
    },
    Symptom {
        id: "codex-bypasses-gateway",
        title: "Codex (or another client) still talks to api.openai.com directly",
        said: &[
            "Codex still talks to api.openai.com",
            "requests bypass the gateway and go straight to OpenAI",
            "codex ignores my base url",
        ],
        keywords: &[
            "codex",
            "bypass",
            "directly",
            "api.openai.com",
            "straight",
            "ignores",
            "config.toml",
            "openai directly",
            "bypassing",
            "skips",
            "billing shows",
            "own key",
        ],
        causes: &[Cause {
            id: "no-provider-block",
            title: "The client has no provider entry with the gateway's base URL (Codex needs base_url in its provider block)",
            ask: &[
                "Does ~/.codex/config.toml define a model provider with base_url = \"http://ai/v1\" and wire_api = \"responses\", and select it?",
            ],
            fixes: &[
                "Use generate_client_config for codex (it also turns off websockets, which bypass the base URL).",
            ],
            ..CAUSE
        }],
        ..SYMPTOM
    },
    Symptom {
        id: "doubled-v1-405",
        title: "405 Method Not Allowed: a doubled /v1",
        row: 10,
        said: &[
            "405 Method Not Allowed from Aperture",
            "path is /v1/v1/messages",
            "Claude Code says 405",
            "self-hosted vllm returns method not allowed through the gateway",
        ],
        keywords: &[
            "405", "method", "allowed", "/v1/v1", "v1", "double", "doubled", "baseurl", "base url",
            "vllm", "ollama", "llama",
        ],
        statuses: &[405],
        errors: &["method not allowed", "/v1/v1"],
        reproduced_by: &["TE140"],
        causes: &[
            Cause {
                id: "provider-baseurl-v1",
                title: "A provider's baseurl ends in /v1 (or is a full endpoint), so Aperture calls /v1/v1/...",
                rules: &["AP105", "AP124"],
                probes: &["TE140"],
                fixes: &[
                    "Remove the /v1 (or endpoint path) from the provider's baseurl (validate_config patches it).",
                ],
                ..CAUSE
            },
            Cause {
                id: "client-base-url-v1",
                title: "An Anthropic-style client's base URL ends in /v1, and it appends /v1/messages itself",
                ask: &[
                    "Does the client's base URL end in /v1? Claude Code and the Anthropic SDK need the bare host.",
                ],
                fixes: &[
                    "Give Anthropic-style clients http://<host>, OpenAI-style clients http://<host>/v1.",
                ],
                ..CAUSE
            },
        ],
        ..SYMPTOM
    },
    Symptom {
        id: "missing-flag-404",
        title: "404 on /v1/responses or /v1/messages: the provider lacks the compatibility flag",
        row: 11,
        said: &[
            "404 on /v1/responses with Codex",
            "Claude Code gets 404 on /v1/messages",
            "works in chat/completions but not responses",
            "the model works in one client and 404s in another",
        ],
        keywords: &[
            "404",
            "responses",
            "messages",
            "compatibility",
            "flag",
            "endpoint",
            "completions",
            "chat/completions",
            "supported_endpoints",
            "only chat",
            "one endpoint",
            "works in",
            "openai_responses",
            "anthropic_messages",
        ],
        statuses: &[404],
        errors: &["/v1/responses", "/v1/messages"],
        reproduced_by: &["TE132"],
        causes: &[Cause {
            id: "flag-missing",
            title: "The provider's compatibility block lacks the flag for this API",
            rules: &["AP106", "AP111"],
            probes: &["TE132"],
            fixes: &[
                "Add the flag (openai_responses, anthropic_messages, ...) to the provider's compatibility; for OpenAI list both openai_chat and openai_responses.",
            ],
            ..CAUSE
        }],
        ..SYMPTOM
    },
    Symptom {
        id: "model-not-granted-404",
        title: "404 or model not found: the model is not granted or no provider serves it",
        said: &[
            "model not found through the gateway",
            "gpt-5 is not in /v1/models for me",
            "one model 404s but the others work",
            "the new model I added isn't available",
        ],
        keywords: &[
            "model",
            "found",
            "available",
            "404",
            "list",
            "models",
            "missing",
            "granted",
            "new",
            "specific model",
            "every endpoint",
            "other models",
            "one model",
            "added",
            "access",
        ],
        statuses: &[404],
        errors: &["model not found", "not_found_error", "does not exist"],
        reproduced_by: &["TE131"],
        causes: &[
            Cause {
                id: "not-granted",
                title: "No models grant reaches this model for the caller",
                rules: &["AP210", "AP215", "AP202", "AP216", "AP221"],
                probes: &["TE131"],
                fixes: &[
                    "Add the model to a grant's `models` glob (`provider/model`); explain_access shows the failing step.",
                ],
                ..CAUSE
            },
            Cause {
                id: "not-served",
                title: "No enabled provider lists the model (or an alias points nowhere)",
                rules: &["AP109", "AP110", "AP122", "AP801", "AP802"],
                fixes: &[
                    "Add the exact model ID to a provider's `models` (IDs are literal), enable the provider, or fix the alias.",
                ],
                ..CAUSE
            },
        ],
        ..SYMPTOM
    },
    Symptom {
        id: "upstream-auth-401",
        title: "The provider rejects the key Aperture sends (401)",
        said: &[
            "401 invalid x-api-key through the gateway",
            "Incorrect API key provided from OpenAI via Aperture",
            "authentication_error from anthropic behind aperture",
            "API key not valid coming back from gemini",
        ],
        keywords: &[
            "401",
            "unauthorized",
            "invalid",
            "key",
            "apikey",
            "authentication",
            "incorrect",
            "rotated",
            "revoked",
            "expired key",
            "provider key",
            "apikey",
        ],
        statuses: &[401],
        errors: &[
            "invalid x-api-key",
            "incorrect api key provided",
            "authentication_error",
            "invalid_api_key",
            "api key not valid",
            "unauthorized",
        ],
        reproduced_by: &["TE124"],
        causes: &[
            Cause {
                id: "wrong-auth-header",
                title: "The provider sends its key in the wrong header (authorization type)",
                rules: &["AP123", "AP102", "AP103", "AP119"],
                fixes: &[
                    "Set `authorization` to what the upstream expects (Anthropic: x-api-key; Gemini: x-goog-api-key; others: bearer).",
                ],
                ..CAUSE
            },
            Cause {
                id: "bad-key",
                title: "The provider's apikey is wrong, expired or revoked",
                probes: &["TE124"],
                ask: &["Does the key work with a direct curl to the provider?"],
                fixes: &["Put a current key in the provider's `apikey`."],
                ..CAUSE
            },
        ],
        ..SYMPTOM
    },
    Symptom {
        id: "format-mismatch",
        title: "The client speaks another API than the provider (Aperture does not translate)",
        row: 12,
        said: &[
            "OpenAI-format call to a Claude model fails",
            "can Aperture convert OpenAI calls to Claude?",
            "chat completions request to an anthropic model",
            "does the gateway translate between APIs",
        ],
        keywords: &[
            "convert",
            "translate",
            "format",
            "openai-compatible",
            "compatible",
            "different",
            "api",
            "sdk",
            "anthropic format",
            "openai format",
            "messages api",
            "chat completions api",
            "native",
        ],
        causes: &[Cause {
            id: "no-translation",
            title: "Aperture routes by model but passes requests through in the provider's native format",
            ask: &[
                "Which API does the client call, and which does the model's provider speak (its compatibility flags)?",
            ],
            fixes: &[
                "Use a client or endpoint in the provider's native format, or a provider that offers the client's API.",
            ],
            ..CAUSE
        }],
        ..SYMPTOM
    },
    Symptom {
        id: "chat-ui-empty",
        title: "The chat UI shows no models, or chat is missing for some users",
        row: 13,
        said: &[
            "chat page is empty",
            "no models in the dropdown",
            "chat is missing for some users",
            "how do I turn chat off for contractors",
        ],
        keywords: &[
            "chat",
            "ui",
            "dropdown",
            "picker",
            "browser",
            "page",
            "empty",
            "selector",
            "tab",
            "web chat",
            "switch",
            "contractors",
            "disable chat",
            "half",
            "some users",
            "model list",
        ],
        causes: &[
            Cause {
                id: "no-models-grant",
                title: "The users have a role but no models",
                rules: &["AP210"],
                fixes: &["Grant them a chat-capable model."],
                ..CAUSE
            },
            Cause {
                id: "chat-disabled",
                title: "Chat is turned off for them (`enable_chat_ui: false`), or an old version needs `enable_chat_ui: true`",
                ask: &[
                    "Does any grant for them set enable_chat_ui: false? Is the instance from before mid-2026?",
                ],
                fixes: &["Remove the false (or add enable_chat_ui: true on old versions)."],
                ..CAUSE
            },
        ],
        ..SYMPTOM
    },
    Symptom {
        id: "connectors-ignored",
        title: "The connectors section seems ignored",
        row: 14,
        said: &[
            "my connectors block does nothing",
            "connectors don't show up at all after adding them",
        ],
        keywords: &[
            "connectors",
            "connector",
            "ignored",
            "nothing",
            "section",
            "block",
            "flag",
            "effect",
            "no effect",
            "picking up",
            "no error",
            "feature",
            "feature flag",
            "connectors key",
            "not there",
            "connectors page",
        ],
        causes: &[
            Cause {
                id: "flag-shape",
                title: "The connectors flag is written in the wrong shape",
                rules: &["AP509"],
                fixes: &["Write flags as `\"flags\": {\"connectors\": {\"value\": true}}`."],
                ..CAUSE
            },
            Cause {
                id: "old-version",
                title: "Before July 2026 connectors needed the `connectors` feature flag",
                ask: &["Which Aperture version runs? Is `flags.connectors.value` true?"],
                fixes: &["Add the flag on old versions (newer versions ignore it)."],
                ..CAUSE
            },
        ],
        ..SYMPTOM
    },
    Symptom {
        id: "connector-rejected",
        title: "A connector is rejected or warned about",
        row: 15,
        said: &[
            "invalid connector id my-github",
            "connector config rejected",
            "connector warning missing protocol",
        ],
        keywords: &[
            "connector",
            "invalid",
            "id",
            "protocol",
            "rejected",
            "url",
            "unsafe",
            "loopback",
            "127.0.0.1",
            "localhost",
            "no url",
            "warning",
            "validation",
            "complains",
            "new connector",
            "won't save",
        ],
        errors: &["invalid connector id"],
        causes: &[Cause {
            id: "connector-definition",
            title: "The connector's ID, protocol, URL or auth is invalid",
            rules: &["AP501", "AP502", "AP503", "AP504", "AP505"],
            fixes: &[
                "IDs match [a-zA-Z][a-zA-Z0-9]* (no - or _); set protocol mcp or http; a routable http(s) url; the auth type's fields.",
            ],
            ..CAUSE
        }],
        ..SYMPTOM
    },
    Symptom {
        id: "oauth-connect-fails",
        title: "A connector's OAuth connect fails",
        row: 16,
        said: &[
            "OAuth redirect_uri mismatch",
            "authorization expired when connecting",
            "connect button fails at the provider",
        ],
        keywords: &[
            "oauth",
            "redirect",
            "redirect_uri",
            "pkce",
            "authorize",
            "callback",
            "connect",
            "flow",
            "error page",
            "comes back",
            "never returns",
            "15 minutes",
            "took too long",
            "expired",
            "consent",
        ],
        errors: &["redirect_uri", "authorization expired"],
        causes: &[Cause {
            id: "oauth-setup",
            title: "The redirect URI, auth URL, PKCE or the 15-minute window does not fit",
            ask: &[
                "Is the provider app's redirect URI exactly https://<host>/aperture/auth/<connector-id>/callback?",
                "Is PKCE (S256) enabled at the provider, and was the flow finished within 15 minutes?",
            ],
            fixes: &["Fix the URL or ID mismatch, enable PKCE S256, and restart Connect."],
            ..CAUSE
        }],
        ..SYMPTOM
    },
    Symptom {
        id: "http-connector-502",
        title: "An HTTP connector returns 502",
        row: 17,
        said: &[
            "502 from /v1/connectors/github/",
            "http connector bad gateway",
        ],
        keywords: &[
            "502",
            "bad gateway",
            "connector",
            "proxy",
            "/v1/connectors",
            "upstream",
            "502",
        ],
        statuses: &[502],
        causes: &[Cause {
            id: "upstream-down",
            title: "The connector's upstream is unreachable or erroring",
            rules: &["AP504"],
            ask: &[
                "What does the server log say for the proxy call (proxy calls are not in dashboard captures)?",
            ],
            fixes: &["Fix the upstream URL, credentials or availability."],
            ..CAUSE
        }],
        ..SYMPTOM
    },
    Symptom {
        id: "http-connector-405",
        title: "An HTTP connector returns 405",
        row: 18,
        said: &[
            "connector proxy says method not allowed",
            "405 from the http connector",
        ],
        keywords: &[
            "405",
            "connector",
            "proxy",
            "method",
            "patch",
            "put",
            "delete",
            "post",
            "/v1/connectors",
            "not allowed",
        ],
        errors: &["method not allowed"],
        statuses: &[405],
        causes: &[Cause {
            id: "method",
            title: "The proxy or upstream does not support that method",
            ask: &["Which method is sent, and does the upstream API accept it on that path?"],
            fixes: &["Use a supported method."],
            ..CAUSE
        }],
        ..SYMPTOM
    },
    Symptom {
        id: "http-connector-403",
        title: "An HTTP connector returns 403",
        row: 19,
        said: &[
            "GitHub proxy returns 403",
            "connector access denied for my team",
        ],
        keywords: &[
            "403",
            "connector",
            "proxy",
            "denied",
            "github",
            "forbidden",
            "teammate",
            "separate grant",
            "/v1/connectors",
            "admins",
        ],
        errors: &["access denied"],
        statuses: &[403],
        causes: &[Cause {
            id: "no-connector-grant",
            title: "No `connectors` grant covers `<id>/proxy` (or `<id>/**`, or its label)",
            rules: &["AP222", "AP223"],
            fixes: &["Add `\"connectors\": [\"<id>/**\"]` to the users' grant."],
            ..CAUSE
        }],
        ..SYMPTOM
    },
    Symptom {
        id: "oauth-tools-missing",
        title: "A per-user OAuth connector's tools do not show up",
        row: 20,
        said: &[
            "Slack connector stuck on Needs auth",
            "tools from Google connector don't show",
        ],
        keywords: &[
            "needs auth",
            "tools",
            "connector",
            "oauth",
            "slack",
            "google",
            "show",
            "calendar",
            "no tools",
            "appear",
            "configured",
            "drive",
            "gmail",
            "per user",
            "authorize",
        ],
        causes: &[Cause {
            id: "not-authorized",
            title: "Tools appear per user only after that user authorizes",
            ask: &["Does the Connectors page say Needs auth for this user?"],
            fixes: &["The user clicks Connect (or POST /api/connectors/<id>/connect)."],
            ..CAUSE
        }],
        ..SYMPTOM
    },
    Symptom {
        id: "connector-misconfigured",
        title: "A connector shows Misconfigured, or its tools vanish after a while",
        row: 21,
        said: &[
            "it worked yesterday, now refresh token error",
            "connector says Misconfigured",
        ],
        keywords: &[
            "misconfigured",
            "refresh",
            "token",
            "vanish",
            "expired",
            "reconnect",
            "offline access",
            "stops working",
            "after an hour",
            "after a day",
            "re-auth",
            "reauthorize",
        ],
        errors: &["refresh token"],
        causes: &[Cause {
            id: "no-refresh-token",
            title: "The token has no refresh token, or the stored credential expired or was revoked",
            ask: &["Does the Connectors page show Misconfigured?"],
            fixes: &["Enable offline access at the provider; the user reconnects."],
            ..CAUSE
        }],
        ..SYMPTOM
    },
    Symptom {
        id: "mcp-tools-missing",
        title: "MCP tools are missing, or appear then disappear",
        row: 22,
        said: &[
            "MCP server tools keep disappearing",
            "my MCP tools don't show up in Aperture",
        ],
        keywords: &[
            "mcp",
            "tools",
            "disappear",
            "missing",
            "server",
            "show",
            "flicker",
            "tool list",
            "in and out",
            "come and go",
            "vanish",
            "unregistered",
            "registered",
        ],
        causes: &[
            Cause {
                id: "server-config",
                title: "The MCP server's definition or grant is wrong",
                rules: &["AP507", "AP225", "AP504"],
                fixes: &[
                    "Give the server a URL reachable from the Aperture host and grant it (`connectors`, or legacy `mcp_tools`).",
                ],
                ..CAUSE
            },
            Cause {
                id: "server-down",
                title: "The server is down, unreachable from the Aperture host, or crash-looping (Aperture unregisters it)",
                ask: &["From the Aperture host: `curl -v <mcp-url>`; `tailscale status`."],
                fixes: &[
                    "Fix the server; Aperture re-registers it when it recovers (it polls every 5 s).",
                ],
                ..CAUSE
            },
        ],
        ..SYMPTOM
    },
    Symptom {
        id: "tool-calls-timeout",
        title: "MCP tool calls time out",
        row: 23,
        said: &[
            "tool calls time out",
            "MCP tool call takes forever and fails",
        ],
        keywords: &[
            "timeout",
            "time",
            "tool",
            "calls",
            "slow",
            "forever",
            "timed out",
            "takes long",
            "deadline",
            "hang",
            "hangs",
        ],
        causes: &[Cause {
            id: "slow-upstream",
            title: "The upstream MCP server is slow (Aperture retries once on connection errors)",
            ask: &["How long does the tool take when called directly?"],
            fixes: &["Speed up or fix the upstream server."],
            ..CAUSE
        }],
        ..SYMPTOM
    },
    Symptom {
        id: "hook-503",
        title: "Requests fail with 503: a fail-closed hook is down",
        row: 24,
        said: &[
            "everything suddenly returns 503",
            "service unavailable from the gateway since we added the hook",
        ],
        keywords: &[
            "503",
            "unavailable",
            "hook",
            "fail_closed",
            "suddenly",
            "everything",
            "fail closed",
            "hook server",
            "down",
        ],
        statuses: &[503],
        errors: &["service unavailable"],
        reproduced_by: &["TE160"],
        causes: &[
            Cause {
                id: "hook-definition",
                title: "The hook's definition is broken (no url, bad scheme or timeout)",
                rules: &["AP401", "AP402", "AP405"],
                fixes: &["Fix the hook's url and timeout."],
                ..CAUSE
            },
            Cause {
                id: "hook-down",
                title: "A fail_closed pre_request hook is unreachable, slow, or answers badly",
                probes: &["TE160"],
                ask: &[
                    "Is the hook server up, and does it answer within the hook's timeout with valid JSON?",
                ],
                fixes: &[
                    "Fix the hook server, raise `timeout`, or set `fail_policy: \"fail_open\"`.",
                ],
                unconfirmed: true,
                ..CAUSE
            },
        ],
        ..SYMPTOM
    },
    Symptom {
        id: "guardrail-blocked",
        title: "Requests are blocked by a guardrail hook",
        row: 25,
        said: &[
            "guardrail blocked my request",
            "request blocked by guardrail",
        ],
        keywords: &[
            "guardrail",
            "blocked",
            "block",
            "policy",
            "hook",
            "moderation",
            "pii",
            "content filter",
            "filter",
            "blocked by",
        ],
        statuses: &[403],
        errors: &["request blocked by guardrail", "guardrail_blocked"],
        reproduced_by: &["TE123"],
        causes: &[Cause {
            id: "hook-block",
            title: "A pre_request hook answered `block`",
            probes: &["TE123"],
            ask: &["What do the hook's decision logs say for this request?"],
            fixes: &["Adjust the hook's policy."],
            ..CAUSE
        }],
        ..SYMPTOM
    },
    Symptom {
        id: "hooks-not-firing",
        title: "A hook never fires",
        said: &[
            "Oso hook not firing",
            "my webhook never gets called",
            "hook configured but nothing reaches it",
        ],
        keywords: &[
            "hook",
            "hooks",
            "firing",
            "fire",
            "called",
            "webhook",
            "never",
            "send_hooks",
            "trigger",
            "triggered",
            "empty",
            "default",
            "invoked",
            "receives nothing",
            "no requests",
        ],
        causes: &[Cause {
            id: "hook-not-wired",
            title: "No grant's send_hooks names the hook (or names it wrongly), or the grant's src is empty",
            rules: &["AP203", "AP226", "AP406", "AP218"],
            fixes: &[
                "Name the hook in the `send_hooks` of a grant whose `src` covers the callers.",
            ],
            ..CAUSE
        }],
        ..SYMPTOM
    },
    Symptom {
        id: "policy-grant-no-dst",
        title: "A grant written in the tailnet policy file does nothing",
        row: 26,
        said: &[
            "added the grant in the ACL editor, nothing changed",
            "policy file grant for aperture is ignored",
        ],
        keywords: &[
            "acl",
            "policy",
            "editor",
            "tailnet",
            "dst",
            "grant",
            "ignored",
            "file",
            "acls",
            "admin console",
            "saved",
            "policy file",
            "hujson policy",
            "grants section",
        ],
        causes: &[Cause {
            id: "no-dst",
            title: "The policy-file grant has no `dst`, so it applies to nothing",
            ask: &[
                "Does the grant in the tailnet policy file have `\"dst\": [\"tag:aperture\"]` (the Aperture node)?",
            ],
            fixes: &[
                "Add `\"dst\"` naming the Aperture node (generate_grants with target policy writes it).",
            ],
            ..CAUSE
        }],
        ..SYMPTOM
    },
    Symptom {
        id: "group-grants-ignored",
        title: "`group:` grants never match",
        row: 27,
        said: &[
            "group grant ignored",
            "group:eng in src doesn't match anyone",
        ],
        keywords: &[
            "group",
            "groups",
            "group:",
            "visible",
            "scim",
            "match",
            "email",
            "emails",
            "directory",
            "okta",
            "entra",
            "members",
            "team",
        ],
        causes: &[Cause {
            id: "groups-not-visible",
            title: "Groups are not visible to the Aperture node",
            requires: &["AP211"],
            ask: &[
                "Does the tailnet policy give the Aperture node the `tailscale.com/visible-groups` node attribute? Are clients ≥ 1.97.8?",
            ],
            fixes: &["Add the visible-groups node attribute for the Aperture node."],
            ..CAUSE
        }],
        ..SYMPTOM
    },
    Symptom {
        id: "save-rejected",
        title: "Saving the config is rejected",
        row: 28,
        said: &[
            "Save button gives an error about unknown config key",
            "it won't let me remove the * admin grant",
            "config must not be empty",
            "PUT /aperture/config returns 422",
        ],
        keywords: &[
            "save",
            "saving",
            "rejected",
            "unknown",
            "key",
            "422",
            "dashboard",
            "put",
            "validation",
            "won't save",
            "can't save",
            "save fails",
            "error on save",
            "unknown field",
            "lockout",
        ],
        statuses: &[422, 400],
        errors: &[
            "unknown config key",
            "duplicate config key",
            "config must not be empty",
            "assigns role:admin",
        ],
        causes: &[
            Cause {
                id: "warnings-block-save",
                title: "The config has warnings, and a save treats warnings as errors",
                save_blocking: true,
                fixes: &["Run validate_config (save mode) and fix every error it lists."],
                ..CAUSE
            },
            Cause {
                id: "no-admin-left",
                title: "The new config gives nobody the admin role",
                rules: &["AP207"],
                fixes: &["Keep (or add) a grant with `role: admin` for the admins."],
                ..CAUSE
            },
            Cause {
                id: "removes-own-admin",
                title: "The save would remove your own admin role (the lockout guard)",
                ask: &["Does the new config still give your own identity role admin?"],
                fixes: &["Add a grant that makes you admin before removing the `*` admin grant."],
                ..CAUSE
            },
        ],
        ..SYMPTOM
    },
    Symptom {
        id: "subscription-login",
        title: "A Claude Pro/Max or ChatGPT Plus subscription does not work through Aperture",
        row: 29,
        said: &[
            "can I use my Claude Max plan through Aperture?",
            "ChatGPT Plus login doesn't work through the gateway",
        ],
        keywords: &[
            "subscription",
            "plan",
            "max",
            "pro",
            "plus",
            "login",
            "consumer",
            "passthrough",
            "api keys",
            "don't have",
            "no api key",
            "claude.ai",
            "chatgpt",
            "oauth login",
        ],
        causes: &[Cause {
            id: "consumer-plan",
            title: "Consumer plans have no API keys; the default auth mode injects a configured key",
            ask: &["Is the provider set to `auth_mode: \"passthrough\"`?"],
            fixes: &[
                "Use a developer-platform API key, or `auth_mode: \"passthrough\"` with the subscription how-to.",
            ],
            ..CAUSE
        }],
        ..SYMPTOM
    },
    Symptom {
        id: "gemini-cli-https",
        title: "Gemini CLI fails against http://ai",
        row: 30,
        said: &[
            "gemini cli says authentication failed with Aperture",
            "Gemini CLI refuses the http base url",
        ],
        keywords: &[
            "gemini",
            "cli",
            "google_gemini_base_url",
            "authentication",
            "https",
            "gemini-cli",
            "google_gemini",
            "fqdn",
            "fully qualified",
        ],
        causes: &[Cause {
            id: "needs-https-fqdn",
            title: "Gemini CLI 0.40+ accepts only https:// with a fully-qualified host",
            ask: &["Which Gemini CLI version, and which GOOGLE_GEMINI_BASE_URL?"],
            fixes: &[
                "Point it at https://<host>.<tailnet>.ts.net (that Aperture serves API traffic over HTTPS there is UNCONFIRMED).",
            ],
            unconfirmed: true,
            ..CAUSE
        }],
        ..SYMPTOM
    },
    Symptom {
        id: "stream-cost-partial",
        title: "Usage or cost of an interrupted stream looks low",
        row: 31,
        said: &[
            "I hit Ctrl-C and the cost looks wrong",
            "cancelled requests show few tokens",
        ],
        keywords: &[
            "cost",
            "usage",
            "tokens",
            "cancelled",
            "interrupted",
            "stream",
            "ctrl-c",
            "partial",
            "aborted",
            "billed",
            "invoice",
            "fraction",
            "billing",
            "underreported",
            "low",
            "abort",
        ],
        causes: &[Cause {
            id: "partial-usage",
            title: "A stream cut before the provider's final usage event can leave partial counts",
            ask: &["Do the figures match the provider's billing?"],
            fixes: &["Treat costs as estimates."],
            unconfirmed: true,
            ..CAUSE
        }],
        ..SYMPTOM
    },
    Symptom {
        id: "connector-calls-missing-in-dashboard",
        title: "HTTP-connector calls are missing from the dashboard",
        row: 32,
        said: &[
            "connector proxy calls don't show in the dashboard",
            "can't see http connector requests in logs",
        ],
        keywords: &[
            "connector",
            "dashboard",
            "logs",
            "missing",
            "captures",
            "proxy",
            "see",
            "trace",
            "logs page",
            "logged",
            "no trace",
            "captures",
            "recorded",
            "history",
        ],
        causes: &[Cause {
            id: "expected",
            title: "Expected: proxy calls are logged only in the server log",
            ask: &["Check the server log (user, connector, method, path, status)."],
            fixes: &["Use the server logs for HTTP-connector traffic."],
            ..CAUSE
        }],
        ..SYMPTOM
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_references_exist() {
        let mut ids: Vec<&str> = SYMPTOMS.iter().map(|s| s.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), SYMPTOMS.len());
        // Every quick-table row of troubleshooting.md has its symptom.
        for row in 1..=32u8 {
            assert!(SYMPTOMS.iter().any(|s| s.row == row), "row {row}");
        }
        for s in SYMPTOMS {
            assert!(!s.said.is_empty() && !s.causes.is_empty(), "{}", s.id);
            let mut causes: Vec<&str> = s.causes.iter().map(|c| c.id).collect();
            causes.sort_unstable();
            causes.dedup();
            assert_eq!(causes.len(), s.causes.len(), "{}", s.id);
            for c in s.causes {
                assert!(!c.fixes.is_empty(), "{}/{}", s.id, c.id);
                assert!(
                    c.machine_checked() || !c.ask.is_empty(),
                    "{}/{} has no check",
                    s.id,
                    c.id
                );
                for code in c.rules {
                    assert!(
                        crate::rules::catalog::ALL.iter().any(|r| r.code == *code),
                        "{code}"
                    );
                }
                for code in c.probes.iter().chain(s.reproduced_by) {
                    assert!(crate::probe::findings::by_code(code).is_some(), "{code}");
                }
            }
        }
    }
}
