//! The connector stages of `explain_access`: what is asked for (a connector ID, optionally a
//! part such as `github/proxy` or `local/tools/search`, or the `/v1/connectors/<id>/...` path
//! called), whether the connector exists and fits the endpoint, the `connectors` pattern that
//! grants it (or the grants that would, for other callers), and where the call goes upstream.
//! Also the connector columns of the access matrix.
//!
//! Facts from the Aperture notes: patterns are `connectorID/category/resource` with categories
//! `tools`, `resources`, `templates` (MCP, over `/v1/mcp`) and `proxy` (HTTP connectors, at
//! `/v1/connectors/<id>/<path>`); `label:<name>` grants a whole connector; the built-in
//! `aperture` connector carries the reserved `system` label. UNCONFIRMED (said in the trace):
//! the connector label field's name, sub-path matching under `proxy`, whether hidden MCP tools
//! are also refused when called by name, and whether quotas and hooks apply to connector calls.

use std::ops::ControlFlow::{Break, Continue};

use super::trace::{Ending, Flow, Trace};
use super::types::{Stage, StepResult};
use crate::access::{Effective, GrantRef};
use crate::catalog::connectors::AuthType;
use crate::config::{Node, pointer};
use crate::glob::{segment_match, segments_match};
use crate::redact::mask_tokens;

/// The Aperture path of HTTP connector proxies: `/v1/connectors/<id>/<path>`.
const PROXY_PREFIX: &str = "/v1/connectors/";
/// The Aperture MCP endpoint every MCP connector is reached through.
const MCP_ENDPOINT: &str = "/v1/mcp";
const PROXY: &str = "proxy";
const MCP_CATEGORIES: [&str; 3] = ["tools", "resources", "templates"];
/// Connectors every instance has without declaring them, with the labels they carry.
/// `aperture` carries `system` (documented); `Tailnet`/`TailnetSSH` get `restricted` on guided
/// setup only (so a match through it is marked UNCONFIRMED).
const BUILT_IN: [(&str, &str); 3] = [
    ("aperture", "system"),
    ("Tailnet", "restricted"),
    ("TailnetSSH", "restricted"),
];
/// The connector field assumed to hold its labels (the spelling is UNCONFIRMED).
const LABELS_FIELD: &str = "labels";

/// The connector ID in a `/v1/connectors/<id>/...` path.
pub fn connector_in_endpoint(endpoint: &str) -> Option<&str> {
    let rest = endpoint.split('?').next()?.strip_prefix(PROXY_PREFIX)?;
    let id = rest.split('/').next()?;
    (!id.is_empty()).then_some(id)
}

/// What the caller asks for: `id`, with the category and resource when named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Asked {
    pub(super) id: String,
    pub(super) category: Option<String>,
    pub(super) resource: Option<String>,
    /// The path after `/v1/connectors/<id>` when a proxy path was given.
    pub(super) subpath: Option<String>,
    /// `Some(true)` for `/v1/mcp`, `Some(false)` for a proxy path, `None` without endpoint.
    pub(super) over_mcp: Option<bool>,
}

impl Asked {
    /// What is asked, for the trace: the name, and the proxied path when one was given.
    fn shown(&self) -> String {
        match self.subpath.as_deref() {
            Some(sub) if !sub.is_empty() => format!("{}/{sub}", self.name()),
            _ => self.name(),
        }
    }

    /// The name patterns are matched against, as far as it is known.
    fn name(&self) -> String {
        [
            Some(&self.id),
            self.category.as_ref(),
            self.resource.as_ref(),
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join("/")
    }
}

/// Read `connector` (`id[/category[/resource]]`) and `endpoint` into what is asked.
pub(super) fn asked(connector: &str, endpoint: Option<&str>, trace: &mut Trace) -> Flow<Asked> {
    let mut parts = connector.splitn(3, '/');
    let mut asked = Asked {
        id: parts.next().unwrap_or_default().to_owned(),
        category: parts.next().filter(|c| !c.is_empty()).map(str::to_owned),
        resource: parts.next().filter(|r| !r.is_empty()).map(str::to_owned),
        subpath: None,
        over_mcp: None,
    };
    if let Some(ep) = endpoint {
        let path = ep.split('?').next().unwrap_or(ep);
        if let Some(id) = connector_in_endpoint(ep) {
            if asked.id.is_empty() {
                asked.id = id.to_owned();
            } else if asked.id != id {
                trace.push(
                    Stage::Connector,
                    StepResult::Fail,
                    format!("`{ep}` calls connector `{id}`, not `{}`", asked.id),
                    None,
                );
                return Break(Ending::MISROUTED);
            }
            asked.over_mcp = Some(false);
            let rest = &path[PROXY_PREFIX.len() + id.len()..];
            asked.subpath = Some(rest.trim_start_matches('/').to_owned());
            asked.category.get_or_insert_with(|| PROXY.to_owned());
        } else if path == MCP_ENDPOINT {
            asked.over_mcp = Some(true);
        } else {
            trace.push(
                Stage::Connector,
                StepResult::Info,
                format!("`{ep}` is not a connector endpoint (`{MCP_ENDPOINT}` or `{PROXY_PREFIX}<id>/...`): endpoint checks skipped"),
                None,
            );
        }
    }
    if asked.id.is_empty() {
        trace.push(
            Stage::Connector,
            StepResult::Fail,
            "no connector given",
            None,
        );
        return Break(Ending::NOT_FOUND);
    }
    Continue(asked)
}

/// A connector as declared (or built in).
pub(super) struct Declared<'a> {
    /// `Some("mcp")`, `Some("http")`, or what the config says (`None`: not said).
    pub(super) protocol: Option<&'a str>,
    pub(super) node: Option<&'a Node>,
    pub(super) path: Option<String>,
    /// Labels with whether their source is confirmed.
    pub(super) labels: Vec<(String, bool)>,
}

/// Look a connector up: `connectors.servers`, the built-in ones, the deprecated `mcp.servers`.
pub(super) fn lookup<'a>(root: &'a Node, id: &str) -> Option<Declared<'a>> {
    if let Some(node) = root
        .get("connectors")
        .and_then(|c| c.get("servers"))
        .and_then(|s| s.get(id))
    {
        let labels = node
            .get(LABELS_FIELD)
            .and_then(Node::as_array)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::as_str)
            .map(|l| (l.to_owned(), false))
            .collect();
        return Some(Declared {
            protocol: node.get_str("protocol"),
            node: Some(node),
            path: Some(pointer::join("/connectors/servers", id)),
            labels,
        });
    }
    if let Some((_, label)) = BUILT_IN.iter().find(|(b, _)| *b == id) {
        return Some(Declared {
            protocol: Some("mcp"),
            node: None,
            path: None,
            labels: vec![((*label).to_owned(), *label == "system")],
        });
    }
    let legacy = root
        .get("mcp")
        .and_then(|m| m.get("servers"))
        .and_then(|s| s.get(id))?;
    Some(Declared {
        protocol: Some("mcp"),
        node: Some(legacy),
        path: Some(pointer::join("/mcp/servers", id)),
        labels: Vec::new(),
    })
}

/// The connector must exist (404 otherwise) and be reached the way its protocol says.
pub(super) fn connector<'a>(
    root: &'a Node,
    asked: &mut Asked,
    trace: &mut Trace,
) -> Flow<Declared<'a>> {
    let Some(declared) = lookup(root, &asked.id) else {
        let declared_ids = declared_ids(root);
        let hint = declared_ids
            .iter()
            .find(|d| d.eq_ignore_ascii_case(&asked.id))
            .map(|d| format!("; did you mean `{d}`? (connector IDs are case-sensitive)"))
            .unwrap_or_default();
        trace.push(
            Stage::Connector,
            StepResult::Fail,
            format!("no connector `{}` is declared under `connectors.servers` (nor built in): it has no tools and no proxy path (404 assumed; UNCONFIRMED: the dashboard's Connectors page lists your gateway's connectors){hint}", asked.id),
            Some("/connectors/servers".into()),
        );
        return Break(Ending::NOT_FOUND);
    };
    let id = &asked.id;
    let (kind, where_) = match (&declared.path, declared.protocol) {
        (None, _) => ("built in".to_owned(), String::new()),
        (Some(p), _) if p.starts_with("/mcp/") => (
            "declared in the deprecated `mcp.servers`".to_owned(),
            format!(", reached over `{MCP_ENDPOINT}`"),
        ),
        (Some(_), Some("http")) => (
            "an HTTP connector".to_owned(),
            format!(", reached at `{PROXY_PREFIX}{id}/<path>`"),
        ),
        (Some(_), Some("mcp")) => (
            "an MCP connector".to_owned(),
            format!(", its tools reached over `{MCP_ENDPOINT}` as `{id}_<tool>`"),
        ),
        (Some(_), _) => (
            "declared without a valid `protocol` (`mcp` or `http`)".to_owned(),
            String::new(),
        ),
    };
    trace.push(
        Stage::Connector,
        StepResult::Pass,
        format!("connector `{id}` is {kind}{where_}"),
        declared.path.clone(),
    );
    fits(&declared, asked, trace)?;
    Continue(declared)
}

fn declared_ids(root: &Node) -> Vec<String> {
    let keys = |n: Option<&Node>| {
        n.map(|s| {
            s.unique_members()
                .into_iter()
                .map(|m| m.key.to_string())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    let mut ids = keys(root.get("connectors").and_then(|c| c.get("servers")));
    ids.extend(BUILT_IN.iter().map(|(b, _)| (*b).to_owned()));
    ids.extend(keys(root.get("mcp").and_then(|m| m.get("servers"))));
    ids
}

/// An HTTP connector is only a proxy, an MCP connector has no proxy: a mismatch is misrouted.
fn fits(declared: &Declared, asked: &mut Asked, trace: &mut Trace) -> Flow<()> {
    let id = &asked.id;
    let wants_proxy = asked.category.as_deref() == Some(PROXY) || asked.over_mcp == Some(false);
    let wants_mcp = asked.over_mcp == Some(true)
        || asked
            .category
            .as_deref()
            .is_some_and(|c| MCP_CATEGORIES.contains(&c));
    let refusal = match declared.protocol {
        Some("http") if wants_mcp => Some(format!(
            "`{id}` is an HTTP connector: it has no tools, resources or templates over `{MCP_ENDPOINT}`; call `{PROXY_PREFIX}{id}/<path>`"
        )),
        Some("mcp") if wants_proxy => Some(format!(
            "`{id}` is an MCP connector: it has no HTTP proxy at `{PROXY_PREFIX}{id}/...`; reach its tools over `{MCP_ENDPOINT}`"
        )),
        _ => None,
    };
    if let Some(detail) = refusal {
        trace.push(
            Stage::Connector,
            StepResult::Fail,
            format!("{detail} (the status of this refusal is UNCONFIRMED; 404 assumed: a curl to that path from this caller's machine shows it)"),
            declared.path.as_ref().map(|p| pointer::join(p, "protocol")),
        );
        return Break(Ending::MISROUTED);
    }
    if declared.protocol == Some("http") {
        asked.category.get_or_insert_with(|| PROXY.to_owned());
    }
    Continue(())
}

/// How far one pattern covers what is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Cover {
    No,
    /// The pattern might cover it, depending on UNCONFIRMED matching (proxy sub-paths).
    Unconfirmed,
    /// Part of what is asked (a bare ID or category): some tools, resources or templates.
    Part,
    /// The whole of what is asked.
    Whole,
}

/// Whether `pattern` (not a `label:`) covers what is asked.
pub(super) fn cover(pattern: &str, asked: &Asked) -> Cover {
    let segments: Vec<&str> = pattern.split('/').collect();
    let (head, rest) = (segments[0], &segments[1..]);
    if head == "**" {
        return Cover::Whole;
    }
    if !segment_match(head, &asked.id) || rest.is_empty() {
        return Cover::No;
    }
    let category_matches =
        |c: &str| rest[0] == "**" || segment_match(rest[0], c) && !(rest.len() == 1 && c != PROXY);
    match (&asked.category, &asked.resource) {
        _ if rest == ["**"] => Cover::Whole,
        (Some(c), _) if c == PROXY => {
            if !segment_match(rest[0], PROXY) {
                Cover::No
            } else if rest.len() == 1 || rest[1..] == ["**"] {
                Cover::Whole
            } else {
                match asked.subpath.as_deref() {
                    // A part of the proxy: the paths the pattern names.
                    None | Some("") => Cover::Part,
                    Some(sub)
                        if segments_match(pattern, &format!("{}/{PROXY}/{sub}", asked.id)) =>
                    {
                        Cover::Unconfirmed
                    }
                    Some(_) => Cover::No,
                }
            }
        }
        (Some(_), Some(_)) if segments_match(pattern, &asked.name()) => Cover::Whole,
        (Some(_), Some(_)) => Cover::No,
        (Some(c), None) if !category_matches(c) => Cover::No,
        (Some(_), None) if rest[1..] == ["**"] || rest[1..] == ["*"] => Cover::Whole,
        (Some(_), None) => Cover::Part,
        (None, _)
            if MCP_CATEGORIES
                .iter()
                .chain([&PROXY])
                .any(|c| category_matches(c)) =>
        {
            Cover::Part
        }
        (None, _) => Cover::No,
    }
}

/// How a `label:` pattern covers the connector: whole, confirmed or not.
fn label_cover(pattern: &str, declared: &Declared) -> Option<bool> {
    let label = pattern.strip_prefix("label:")?;
    declared
        .labels
        .iter()
        .find(|(l, _)| l == label)
        .map(|(_, confirmed)| *confirmed)
}

/// One pattern that covers what is asked, with where it is.
struct Hit<'g> {
    grant: &'g GrantRef<'g>,
    pattern: String,
    path: String,
    cover: Cover,
    /// The match depends on an UNCONFIRMED fact (label field name, built-in labels).
    unconfirmed_label: bool,
}

/// Every pattern of `grant` covering what is asked (`connectors`, and the deprecated `mcp_*`
/// fields for servers of the deprecated `mcp` section).
fn hits<'g>(grant: &'g GrantRef<'g>, asked: &Asked, declared: &Declared) -> Vec<Hit<'g>> {
    let mut out = Vec::new();
    for cap in &grant.capabilities {
        let list = cap.node.get("connectors").and_then(Node::as_array);
        for (k, item) in list.unwrap_or_default().iter().enumerate() {
            let Some(pattern) = item.as_str() else {
                continue;
            };
            let (cover, unconfirmed_label) = match label_cover(pattern, declared) {
                Some(confirmed) => (Cover::Whole, !confirmed),
                None if pattern.starts_with("label:") => (Cover::No, false),
                None => (cover(pattern, asked), false),
            };
            if cover != Cover::No {
                let path = pointer::index(&pointer::join(&cap.path(), "connectors"), k);
                let pattern = pattern.to_owned();
                out.push(Hit {
                    grant,
                    pattern,
                    path,
                    cover,
                    unconfirmed_label,
                });
            }
        }
        for category in MCP_CATEGORIES {
            let field = format!("mcp_{category}");
            let Some(legacy) = cap.node.get_str(&field) else {
                continue;
            };
            // `server/item` is the deprecated form of `server/<category>/item`.
            let (server, item) = legacy.split_once('/').unwrap_or((legacy, "**"));
            let cover = cover(&format!("{server}/{category}/{item}"), asked);
            if cover != Cover::No
                && declared
                    .path
                    .as_deref()
                    .is_some_and(|p| p.starts_with("/mcp/"))
            {
                out.push(Hit {
                    grant,
                    pattern: legacy.to_owned(),
                    path: pointer::join(&cap.path(), &field),
                    cover,
                    unconfirmed_label: false,
                });
            }
        }
    }
    out
}

/// A `connectors` pattern granted to the caller must cover what is asked; none is a refusal,
/// and the trace names the grants that give it to others.
pub(super) fn connectors_grant(
    effective: &Effective,
    all: &[GrantRef<'_>],
    name: &str,
    asked: &Asked,
    declared: &Declared,
    trace: &mut Trace,
) -> Flow<()> {
    let mine: Vec<Hit> = effective
        .matched
        .iter()
        .flat_map(|(g, _)| hits(g, asked, declared))
        .collect();
    let wanted = asked.shown();
    let best = mine.iter().map(|h| h.cover).max().unwrap_or(Cover::No);
    if best >= Cover::Part {
        for hit in mine.iter().filter(|h| h.cover == best) {
            let (result, how) = match (hit.cover, hit.unconfirmed_label) {
                (_, true) if declared.node.is_none() => (
                    StepResult::Unconfirmed,
                    "; built-in connectors carry `restricted` only after guided setup (UNCONFIRMED: the connector's page in the dashboard shows its labels)"
                        .to_owned(),
                ),
                (_, true) => (
                    StepResult::Unconfirmed,
                    format!(
                        "; the connector's labels are read from its `{LABELS_FIELD}` field, whose name is UNCONFIRMED (GET http://<host>/aperture/config shows the field your gateway keeps)"
                    ),
                ),
                (Cover::Part, _) => (
                    StepResult::Pass,
                    ": only part of it (the trace of a named tool or category tells which)"
                        .to_owned(),
                ),
                _ => (StepResult::Pass, String::new()),
            };
            trace.push(
                Stage::ConnectorsGrant,
                result,
                format!(
                    "`{wanted}` is granted by `{}` in grant {}{how}",
                    hit.pattern, hit.grant.index
                ),
                Some(hit.path.clone()),
            );
        }
        return Continue(());
    }
    for hit in mine.iter().filter(|h| h.cover == Cover::Unconfirmed) {
        trace.push(
            Stage::ConnectorsGrant,
            StepResult::Unconfirmed,
            format!("`{}` in grant {} may cover `{PROXY_PREFIX}{}/{}`: matching sub-paths under `proxy` is UNCONFIRMED, so it is not counted; grant `{}/proxy` to be sure, or call the sub-path with curl as this caller", hit.pattern, hit.grant.index, asked.id, asked.subpath.as_deref().unwrap_or_default(), asked.id),
            Some(hit.path.clone()),
        );
    }
    refusal(effective, all, name, &wanted, asked, declared, trace)
}

/// The refusal step, then the grants that give the connector to other callers.
fn refusal(
    effective: &Effective,
    all: &[GrantRef<'_>],
    name: &str,
    wanted: &str,
    asked: &Asked,
    declared: &Declared,
    trace: &mut Trace,
) -> Flow<()> {
    let hidden = if declared.protocol == Some("http") {
        "the proxy answers 403 `access denied`".to_owned()
    } else {
        format!(
            "over `{MCP_ENDPOINT}` its tools are hidden: missing from `tools/list`, and a call fails as an unknown tool"
        )
    };
    trace.push(
        Stage::ConnectorsGrant,
        StepResult::Fail,
        format!("no `connectors` pattern granted to `{name}` covers `{wanted}`: {hidden}"),
        None,
    );
    let matched = |g: &GrantRef| {
        effective
            .matched
            .iter()
            .any(|(m, _)| m.index == g.index && m.path == g.path)
    };
    for grant in all.iter().filter(|g| !matched(g)) {
        if let Some(hit) = hits(grant, asked, declared)
            .into_iter()
            .max_by_key(|h| h.cover)
        {
            let src = grant
                .src
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ");
            trace.push(
                Stage::ConnectorsGrant,
                StepResult::Info,
                format!(
                    "grant {} {} by `{}` to {src}, which `{name}` does not match",
                    grant.index,
                    match hit.cover {
                        Cover::Whole => "gives it",
                        Cover::Part => "gives part of it",
                        _ => "may give it (UNCONFIRMED: try it with curl as that caller)",
                    },
                    hit.pattern
                ),
                Some(pointer::join(&grant.path, "src")),
            );
        }
    }
    if declared.protocol != Some("http") {
        trace.push(
            Stage::ConnectorsGrant,
            StepResult::Unconfirmed,
            "earlier Aperture versions only hid ungranted MCP tools from the list (a caller who knew the prefixed name could still call it); whether connectors also refuse the call is UNCONFIRMED: call the tool by its prefixed name through http://<host>/v1/mcp as that caller to see",
            None,
        );
    }
    Break(Ending::DENIED)
}

/// Per-user OAuth connectors also need the caller's own authorization.
pub(super) fn per_user_auth(declared: &Declared, id: &str, trace: &mut Trace) {
    let auth = declared
        .node
        .and_then(|n| n.get("auth"))
        .and_then(|a| a.get_str("type"));
    if let Some(ty) = auth.filter(|t| AuthType::of_config(t).is_some_and(AuthType::per_user)) {
        trace.push(
            Stage::Connector,
            StepResult::Info,
            format!("`{id}` uses per-user OAuth (`{ty}`): each caller must connect it first (dashboard Connectors → Connect); until then its status is \"Needs auth\" and its tools do not appear"),
            declared.path.as_ref().map(|p| pointer::join(p, "auth")),
        );
    }
}

/// Quotas and hooks are documented for model requests only: say so when the caller has
/// floating ones (a capability without `models`; those next to a `models` pattern meter only
/// those models).
pub(super) fn charges(effective: &Effective, trace: &mut Trace) {
    let floating = |key: &str| {
        effective
            .capabilities()
            .any(|(_, c)| c.node.get("models").is_none() && c.node.get(key).is_some())
    };
    if floating("quotas") || floating("send_hooks") {
        trace.push(
            Stage::Quotas,
            StepResult::Unconfirmed,
            "quotas and hooks are documented for model requests; whether they apply to connector calls is UNCONFIRMED (HTTP connector proxy calls do not appear in captures or usage telemetry; GET http://<host>/api/quotas before and after one call shows whether a bucket was charged)",
            None,
        );
    }
}

/// Where the call goes: the connector's `url` (plus the proxied path) and the credential
/// Aperture injects (its header name only; never the secret).
pub(super) fn upstream(declared: &Declared, asked: &Asked) -> (Option<String>, Option<String>) {
    let Some(node) = declared.node else {
        return (None, None);
    };
    let url = node.get_str("url").map(|u| {
        // A token in the URL's query would otherwise reach the output.
        mask_tokens(&match &asked.subpath {
            Some(sub) if declared.protocol == Some("http") && !sub.is_empty() => {
                format!("{}/{sub}", u.trim_end_matches('/'))
            }
            _ => u.to_owned(),
        })
    });
    let auth = node.get("auth");
    let ty = auth.and_then(|a| a.get_str("type"));
    let credential = match ty.map(|t| (t, AuthType::of_config(t))) {
        Some((_, Some(AuthType::BearerToken))) => Some("Authorization: Bearer <secret>".to_owned()),
        Some((_, Some(AuthType::Basic))) => {
            Some("Authorization: Basic <username:password>".to_owned())
        }
        Some((_, Some(AuthType::ApiKey))) => {
            let name = auth.and_then(|a| a.get_str("name")).unwrap_or("?");
            Some(match auth.and_then(|a| a.get_str("in")) {
                Some("query") => format!("query parameter `{name}`"),
                _ => format!("{name}: <secret>"),
            })
        }
        // Per-user OAuth: each user authorizes once; the provider must know Aperture's callback.
        Some((ty, Some(kind))) if kind.per_user() => Some(format!(
            "the caller's own OAuth access token ({ty}, after they authorize the connector in the dashboard; the provider must have `https://<aperture-hostname>/aperture/auth/{}/callback` registered, https not http; header form UNCONFIRMED: https://tailscale.com/docs/aperture/connectors/get-started)",
            asked.id
        )),
        Some((ty, Some(_))) => Some(format!(
            "an OAuth access token ({ty}; header form UNCONFIRMED: https://tailscale.com/docs/aperture/connectors/authentication)"
        )),
        Some((other, None)) => Some(format!("auth type `{other}` (unknown)")),
        None => None,
    };
    (url, credential)
}

/// Whether a caller with a role, matched by `grants`, reaches connector `id` at all (wholly or
/// in part), for the access matrix: a covering pattern in one of those grants.
pub(super) fn reaches(root: &Node, grants: &[&GrantRef<'_>], id: &str) -> bool {
    let Some(declared) = lookup(root, id) else {
        return false;
    };
    let asked = Asked {
        id: id.to_owned(),
        category: (declared.protocol == Some("http")).then(|| PROXY.to_owned()),
        resource: None,
        subpath: None,
        over_mcp: None,
    };
    grants
        .iter()
        .flat_map(|g| hits(g, &asked, &declared))
        .any(|h| h.cover >= Cover::Part)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(s: &str) -> Asked {
        let mut parts = s.splitn(3, '/');
        Asked {
            id: parts.next().unwrap().to_owned(),
            category: parts.next().map(str::to_owned),
            resource: parts.next().map(str::to_owned),
            subpath: None,
            over_mcp: None,
        }
    }

    #[test]
    fn patterns_cover_what_they_name() {
        use Cover::*;
        for (pattern, wanted, expected) in [
            ("github/**", "github", Whole),
            ("**", "github/tools/x", Whole),
            ("github/proxy", "github/proxy", Whole),
            ("github/tools/*", "github/proxy", No),
            ("github/tools/*", "github", Part),
            ("github/tools/list_*", "github/tools/list_repos", Whole),
            ("github/tools/list_*", "github/tools/delete_repo", No),
            ("github/tools/list_*", "github/tools", Part),
            ("github/tools/*", "github/tools", Whole),
            ("gitlab/**", "github", No),
            ("*/proxy", "github/proxy", Whole),
            ("github", "github", No),
        ] {
            assert_eq!(
                cover(pattern, &asked(wanted)),
                expected,
                "{pattern} vs {wanted}"
            );
        }
        let mut sub = asked("github/proxy");
        sub.subpath = Some("repos/x".into());
        assert_eq!(cover("github/proxy/repos/*", &sub), Unconfirmed);
        assert_eq!(cover("github/proxy/user/*", &sub), No);
        assert_eq!(cover("github/proxy", &sub), Whole);
    }

    #[test]
    fn the_proxy_path_names_the_connector() {
        assert_eq!(
            connector_in_endpoint("/v1/connectors/github/repos"),
            Some("github")
        );
        assert_eq!(connector_in_endpoint("/v1/connectors/"), None);
        assert_eq!(connector_in_endpoint("/v1/mcp"), None);
    }
}
