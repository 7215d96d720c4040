//! Hook checks: URL, authorization, fail policy, timeout, unused hooks.

use super::catalog;
use super::context::{Context, Finding, Index, did_you_mean};
use super::providers::{AUTHORIZATION_TYPES, HOOK_ONLY_AUTHORIZATION_TYPES};
use crate::config::{Node, pointer};
use crate::diagnostic::PatchOp;
use crate::redact::excerpt;

pub fn check(ctx: &mut Context, index: &Index) {
    let root = ctx.root();
    let Some(hooks) = root.get("hooks") else {
        return;
    };
    let mut referenced = index.referenced("send_hooks", "name");
    // Legacy `temp_grants` hooks (`{"hook": {"hook": "<name>", ...}}`) still fire.
    referenced.extend(
        root.get("temp_grants")
            .and_then(Node::as_array)
            .unwrap_or_default()
            .iter()
            .flat_map(|t| t.get("grants").and_then(Node::as_array).unwrap_or_default())
            .filter_map(|c| c.get("hook")?.get_str("hook")),
    );
    for member in hooks.unique_members() {
        let name = member.key.as_str();
        let hook = &member.value;
        if !hook.is_object() {
            continue;
        }
        let path = pointer::join("/hooks", name);
        match hook
            .get("url")
            .and_then(Node::as_str)
            .filter(|u| !u.trim().is_empty())
        {
            None => ctx.push(
                Finding::new(
                    &catalog::HOOK_NO_URL,
                    pointer::join(&path, "url"),
                    member.key_span,
                    format!("hook `{name}` has no `url`: it can never be called"),
                )
                .aperture(&[name])
                .fix("add `url`: the http:// or https:// endpoint that receives the hook"),
            ),
            Some(url) if !(url.starts_with("http://") || url.starts_with("https://")) => {
                let node = hook.get("url").map_or(hook.span, |n| n.span);
                let shown = excerpt(url, 80);
                ctx.push(
                    Finding::new(&catalog::HOOK_URL_SCHEME, pointer::join(&path, "url"), node, format!("hook `{name}` URL `{shown}` is not http:// or https://"))
                        .aperture(&[name, &shown])
                        .fix("use an http:// or https:// URL (a tailnet hook can use http://<tailnet-name>)"),
                );
            }
            Some(_) => {}
        }
        // An empty string is Go's zero value: the same as leaving the field out (the default).
        if let Some(m) = hook.member("authorization")
            && let Some(value) = m.value.as_str()
            && !value.is_empty()
            && !AUTHORIZATION_TYPES.contains(&value)
            && !HOOK_ONLY_AUTHORIZATION_TYPES.contains(&value)
        {
            let auth_path = pointer::join(&path, "authorization");
            let shown = excerpt(value, 40);
            let finding = Finding::new(
                &catalog::HOOK_BAD_AUTHORIZATION,
                &auth_path,
                m.value.span,
                format!("hook `{name}` has invalid authorization type `{shown}`"),
            )
            .aperture(&[name, &shown]);
            ctx.push(
                match did_you_mean(
                    &value.to_ascii_lowercase(),
                    AUTHORIZATION_TYPES
                        .iter()
                        .chain(HOOK_ONLY_AUTHORIZATION_TYPES)
                        .copied(),
                ) {
                    Some(s) => finding
                        .fix(format!("use `{s}`"))
                        .patch(vec![PatchOp::replace(&auth_path, s.into())]),
                    None => finding.fix(
                        "use `bearer`, `x-api-key`, `x-goog-api-key`, `hec` (Splunk) or `cf-aig-authorization` (Cloudflare AI Gateway)",
                    ),
                },
            );
        }
        if let Some(m) = hook.member("fail_policy")
            && let Some(value) = m.value.as_str()
            && !value.is_empty()
            && value != "fail_open"
            && value != "fail_closed"
        {
            let fp_path = pointer::join(&path, "fail_policy");
            let finding = Finding::new(
                &catalog::HOOK_BAD_FAIL_POLICY,
                &fp_path,
                m.value.span,
                format!("hook `{name}`: fail_policy `{value}` is not `fail_open` or `fail_closed`"),
            );
            ctx.push(match did_you_mean(value, ["fail_open", "fail_closed"]) {
                Some(s) => finding.fix(format!("use `{s}`")).patch(vec![PatchOp::replace(&fp_path, s.into())]),
                None => finding.fix("use `fail_open` (default: continue when the hook is down) or `fail_closed` (503)"),
            });
        }
        if let Some(m) = hook.member("timeout")
            && let Some(value) = m.value.as_str()
            && !value.is_empty()
            && !is_go_duration(value)
        {
            ctx.push(
                Finding::new(
                    &catalog::HOOK_BAD_TIMEOUT,
                    pointer::join(&path, "timeout"),
                    m.value.span,
                    format!("hook `{name}`: timeout `{value}` is not a Go duration"),
                )
                .fix("write a Go duration such as `5s`, `1m30s` or `500ms`; `0` disables the timeout"),
            );
        }
        if !referenced.contains(name) && hook.get("disabled").and_then(Node::as_bool) != Some(true)
        {
            ctx.push(
                Finding::new(&catalog::HOOK_UNUSED, &path, member.key_span, format!("hook `{name}` is defined but no grant's `send_hooks` names it, so it never fires"))
                    .fix(format!(
                        "wire it in a grant: `{{\"send_hooks\": [{{\"name\": \"{name}\", \"events\": [\"entire_request\"], \"send\": [\"request_body\"]}}]}}`"
                    )),
            );
        }
    }
}

/// Go's `time.ParseDuration` syntax: `0`, or signed sequences of decimal numbers with units.
pub fn is_go_duration(text: &str) -> bool {
    let s = text.strip_prefix(['-', '+']).unwrap_or(text);
    if s == "0" {
        return true;
    }
    if s.is_empty() {
        return false;
    }
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if digits == 0 || rest[..digits].matches('.').count() > 1 || rest[..digits] == *"." {
            return false;
        }
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        if !matches!(
            &rest[..unit_len],
            "ns" | "us" | "µs" | "μs" | "ms" | "s" | "m" | "h"
        ) {
            return false;
        }
        rest = &rest[unit_len..];
    }
    true
}

#[cfg(test)]
mod tests {
    #[test]
    fn go_durations() {
        for ok in ["5s", "0", "1m30s", "1.5h", "500ms", "-2s"] {
            assert!(super::is_go_duration(ok), "{ok}");
        }
        for bad in ["5", "5 s", "five", "", "1d", "s"] {
            assert!(!super::is_go_duration(bad), "{bad}");
        }
    }
}
