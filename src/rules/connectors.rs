//! Connector, legacy MCP, flag and model-alias checks.

use super::catalog;
use super::context::{Context, Finding, Index, did_you_mean};
use crate::catalog::connectors::{
    AuthType, ID_PATTERN, RESERVED_IDS, auth_type_names, reserved_id, valid_id,
};
use crate::config::{Member, Node, pointer};
use crate::diagnostic::PatchOp;
use crate::net::host_of;

pub fn check(ctx: &mut Context, index: &Index) {
    connectors(ctx);
    mcp(ctx);
    flags(ctx);
    aliases(ctx, index);
}

fn connectors(ctx: &mut Context) {
    let root = ctx.root();
    let Some(servers) = root.get("connectors").and_then(|c| c.get("servers")) else {
        return;
    };
    for member in servers.unique_members() {
        let id = member.key.as_str();
        let path = pointer::join("/connectors/servers", id);
        connector_id(ctx, servers, member, &path);
        let connector = &member.value;
        if !connector.is_object() {
            continue;
        }
        connector_protocol(ctx, member, &path);
        connector_url(ctx, member, &path);
        if let Some(auth) = connector.get("auth").filter(|a| a.is_object()) {
            connector_auth(ctx, id, auth, &path);
        }
    }
}

/// The ID must be usable on the MCP wire and not reserved.
fn connector_id(ctx: &mut Context, servers: &Node, member: &Member, path: &str) {
    let id = member.key.as_str();
    if !valid_id(id) {
        let mut fixed: String = id.chars().filter(char::is_ascii_alphanumeric).collect();
        if !fixed.starts_with(|c: char| c.is_ascii_alphabetic()) {
            fixed.insert(0, 'c');
        }
        let mut finding = Finding::new(
            &catalog::CONNECTOR_ID_PATTERN,
            path,
            member.key_span,
            format!("connector ID `{id}` must match `{ID_PATTERN}`: `-` and `_` separate names on the MCP wire (`<id>_<tool>`)"),
        )
        .fix(format!("rename it to `{fixed}` and update grants' `connectors` patterns"));
        if servers.get(&fixed).is_none() {
            finding = finding.patch(vec![PatchOp::move_to(
                path,
                pointer::join("/connectors/servers", &fixed),
            )]);
        }
        ctx.push(finding);
    } else if reserved_id(id) {
        ctx.push(
            Finding::new(
                &catalog::CONNECTOR_ID_RESERVED,
                path,
                member.key_span,
                format!(
                    "connector ID `{id}` is reserved ({}; per a secondary source, UNCONFIRMED: saving in the dashboard's config editor shows it)",
                    RESERVED_IDS
                        .iter()
                        .map(|r| format!("`{r}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .fix("choose another ID"),
        );
    }
}

fn connector_protocol(ctx: &mut Context, member: &Member, path: &str) {
    let id = member.key.as_str();
    let connector = &member.value;
    match connector.member("protocol") {
        None => ctx.push(
            Finding::new(&catalog::CONNECTOR_PROTOCOL, pointer::join(path, "protocol"), member.key_span, format!("connector `{id}` has no `protocol`"))
                .fix("set `\"protocol\": \"mcp\"` (an MCP server) or `\"http\"` (an authenticated HTTP proxy)"),
        ),
        Some(m) => {
            if let Some(value) = m.value.as_str()
                && value != "mcp"
                && value != "http"
            {
                let p = pointer::join(path, "protocol");
                let lowered = value.to_ascii_lowercase();
                let finding = Finding::new(&catalog::CONNECTOR_PROTOCOL, &p, m.value.span, format!("connector `{id}`: protocol `{value}` is not `mcp` or `http`"));
                ctx.push(match did_you_mean(&lowered, ["mcp", "http"]).or(if lowered == "https" { Some("http") } else { None }) {
                    Some(s) => finding.fix(format!("use `{s}`")).patch(vec![PatchOp::replace(&p, s.into())]),
                    None => finding.fix("use `mcp` or `http`"),
                });
            }
        }
    }
}

fn connector_url(ctx: &mut Context, member: &Member, path: &str) {
    let id = member.key.as_str();
    let connector = &member.value;
    match connector.get("url").and_then(Node::as_str) {
        None => ctx.push(
            Finding::new(
                &catalog::CONNECTOR_URL,
                pointer::join(path, "url"),
                member.key_span,
                format!("connector `{id}` has no `url` (logged on load, rejected on save)"),
            )
            .fix("set `url` to the MCP endpoint or API root"),
        ),
        Some(url) => {
            let node = connector.get("url").map_or(connector.span, |n| n.span);
            let problem = if !(url.starts_with("http://") || url.starts_with("https://")) {
                Some((
                    "is not an http:// or https:// URL".to_owned(),
                    "Aperture reaches connectors over HTTP only (MCP over streamable HTTP or SSE): serve the server on an http(s) endpoint, e.g. on a tailnet node, and put that URL here",
                ))
            } else {
                host_of(url).filter(|h| is_blocked_target(h)).map(|h| (
                    format!("targets `{h}`: loopback and link-local targets are blocked (refused at request time, rejected on save)"),
                    "point it at a reachable host: RFC 1918, ULA and tailnet (100.64.0.0/10) addresses are allowed",
                ))
            };
            if let Some((problem, fix)) = problem {
                ctx.push(
                    Finding::new(
                        &catalog::CONNECTOR_URL,
                        pointer::join(path, "url"),
                        node,
                        format!("connector `{id}` url {problem}"),
                    )
                    .fix(fix),
                );
            }
        }
    }
}

/// The `auth` object: a known `type`, and the fields that type needs.
fn connector_auth(ctx: &mut Context, id: &str, auth: &Node, path: &str) {
    let auth_path = pointer::join(path, "auth");
    let auth_types = auth_type_names();
    match auth.get_str("type") {
        None => ctx.push(
            Finding::new(
                &catalog::CONNECTOR_AUTH,
                pointer::join(&auth_path, "type"),
                auth.span,
                format!("connector `{id}`: `auth` has no `type`"),
            )
            .fix(format!("set `type` to one of {}", auth_types.join(", "))),
        ),
        Some(ty) if AuthType::of_config(ty).is_none() => {
            let p = pointer::join(&auth_path, "type");
            let finding = Finding::new(
                &catalog::CONNECTOR_AUTH,
                &p,
                auth.get("type").map_or(auth.span, |n| n.span),
                format!("connector `{id}`: auth type `{ty}` is unknown"),
            );
            // A unique prefix also counts: `bearer` is the provider word for `bearer_token`.
            let lowered = ty.to_ascii_lowercase();
            let prefixed: Vec<&str> = auth_types
                .iter()
                .copied()
                .filter(|t| !lowered.is_empty() && t.starts_with(lowered.as_str()))
                .collect();
            let suggestion =
                did_you_mean(ty, auth_types.iter().copied()).or(match prefixed.as_slice() {
                    [only] => Some(*only),
                    _ => None,
                });
            ctx.push(match suggestion {
                Some(s) => finding
                    .fix(format!("use `{s}`"))
                    .patch(vec![PatchOp::replace(&p, s.into())]),
                None => finding.fix(format!("use one of {}", auth_types.join(", "))),
            });
        }
        Some(ty) => {
            let required = AuthType::of_config(ty).map_or(&[][..], AuthType::required);
            let missing: Vec<&str> = required
                .iter()
                .copied()
                .filter(|f| auth.get(f).is_none())
                .collect();
            if !missing.is_empty() {
                ctx.push(
                    Finding::new(
                        &catalog::CONNECTOR_AUTH,
                        &auth_path,
                        auth.span,
                        format!(
                            "connector `{id}`: auth type `{ty}` needs {}",
                            missing
                                .iter()
                                .map(|m| format!("`{m}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                    .fix(format!("add {}", missing.join(", "))),
                );
            }
            if AuthType::of_config(ty) == Some(AuthType::ApiKey)
                && let Some(place) = auth.get_str("in")
                && place != "header"
                && place != "query"
            {
                ctx.push(
                        Finding::new(&catalog::CONNECTOR_AUTH, pointer::join(&auth_path, "in"), auth.get("in").map_or(auth.span, |n| n.span), format!("connector `{id}`: api_key `in` must be `header` or `query`, not `{place}`"))
                            .fix("use `header` or `query`"),
                    );
            }
        }
    }
}

fn is_blocked_target(host: &str) -> bool {
    if host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) => {
            v4.is_loopback() || v4.is_link_local() || v4.is_unspecified()
        }
        Ok(std::net::IpAddr::V6(v6)) => {
            v6.is_loopback() || v6.is_unspecified() || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
        Err(_) => false,
    }
}

fn mcp(ctx: &mut Context) {
    let root = ctx.root();
    let Some(member) = root.member("mcp") else {
        return;
    };
    ctx.push(
        Finding::new(&catalog::MCP_DEPRECATED, "/mcp", member.key_span, "the `mcp` section is deprecated in favour of `connectors`")
            .fix("move each `mcp.servers.<id>.url` to `connectors.servers.<id>` with `\"protocol\": \"mcp\"`, and grant it with `connectors` patterns"),
    );
    let Some(servers) = member.value.get("servers") else {
        return;
    };
    for server in servers.unique_members() {
        if server.value.is_object()
            && server
                .value
                .get_str("url")
                .is_none_or(|u| u.trim().is_empty())
        {
            ctx.push(
                Finding::new(
                    &catalog::MCP_SERVER_NO_URL,
                    pointer::join(&pointer::join("/mcp/servers", &server.key), "url"),
                    server.key_span,
                    format!("MCP server `{}` has no `url`", server.key),
                )
                .fix("set `url` to the server's MCP endpoint"),
            );
        }
    }
}

fn flags(ctx: &mut Context) {
    let root = ctx.root();
    let Some(flags) = root.get("flags") else {
        return;
    };
    for member in flags.unique_members() {
        let path = pointer::join("/flags", &member.key);
        if !member.value.is_object() || member.value.get("value").is_none() {
            ctx.claim(&path);
            // Keep the value the user wrote: a bare value, or the only member of an object
            // such as `{"enabled": false}`. Anything else has no value to keep.
            let value = match member.value.unique_members().as_slice() {
                _ if !member.value.is_object() => Some(member.value.to_json()),
                [only] => Some(only.value.to_json()),
                _ => None,
            };
            let finding = Finding::new(
                &catalog::FLAG_SHAPE,
                &path,
                member.key_span,
                format!(
                    "flag `{}` is not written as `{{\"value\": ...}}`",
                    member.key
                ),
            );
            ctx.push(match value {
                Some(value) => finding
                    .fix(format!(
                        "write `\"{}\": {{\"value\": {value}}}`",
                        member.key
                    ))
                    .patch(vec![PatchOp::replace(
                        &path,
                        serde_json::json!({ "value": value }),
                    )]),
                None => finding.fix(format!(
                    "write `\"{}\": {{\"value\": <value>}}`",
                    member.key
                )),
            });
        }
        if member.key == "connectors" {
            ctx.push(
                Finding::new(&catalog::FLAG_CONNECTORS_OPTIONAL, &path, member.key_span, "`flags.connectors`: older builds need it for the `connectors` section, newer ones no longer mention it and it does no harm")
                    // The undated connectors pages still require the flag: removing it could
                    // switch connectors off on an older build.
                    .fix("keep the flag; to see whether your build still needs it, remove it on a test instance and check that the connectors still show on the dashboard's Connectors page (or in `tools/list` of http://<host>/v1/mcp)"),
            );
        }
    }
}

fn aliases(ctx: &mut Context, index: &Index) {
    let root = ctx.root();
    let Some(models) = root.get("model_aliases").and_then(|a| a.get("models")) else {
        return;
    };
    for alias in models.unique_members() {
        let Some(dst) = alias.value.get("dst").and_then(Node::as_array) else {
            continue;
        };
        let dst_path = pointer::join(&pointer::join("/model_aliases/models", &alias.key), "dst");
        for (i, entry) in dst.iter().enumerate() {
            let Some(text) = entry.as_str() else { continue };
            let path = pointer::index(&dst_path, i);
            let Some((provider, model)) = text
                .split_once('/')
                .filter(|(p, m)| !p.is_empty() && !m.is_empty())
            else {
                ctx.push(
                    Finding::new(&catalog::ALIAS_DST_FORMAT, &path, entry.span, format!("alias `{}` destination `{text}` is not `provider/model`", alias.key))
                        .fix("write destinations as `<provider ID>/<model ID>`, e.g. `anthropic/claude-sonnet-4-6`"),
                );
                continue;
            };
            let declared = index.providers.iter().find(|(id, _)| *id == provider);
            let problem = match declared {
                None => Some(format!("provider `{provider}` is not declared")),
                Some((_, p)) => {
                    let listed = p
                        .get("models")
                        .and_then(Node::as_array)
                        .unwrap_or_default()
                        .iter()
                        .any(|m| m.as_str() == Some(model));
                    (!listed)
                        .then(|| format!("provider `{provider}` does not list model `{model}`"))
                }
            };
            if let Some(problem) = problem {
                ctx.push(
                    Finding::new(&catalog::ALIAS_DST_UNKNOWN, &path, entry.span, format!("alias `{}` destination `{text}`: {problem}, so requests rewritten to it fail", alias.key))
                        .fix("point the destination at a declared provider and one of its `models`: the provider part is the key under `providers`, not its display name"),
                );
            }
        }
    }
}
