//! Quota checks: bucket definitions (`capacity`, `rate`, `on_exceed`), name templates, unused buckets.

use super::catalog;
use super::context::{Context, Finding, Index};
use super::grants::unsupported_template;
use crate::config::meaning::{parse_dollars, parse_rate};
use crate::config::pointer;

pub fn check(ctx: &mut Context, index: &Index) {
    let root = ctx.root();
    let Some(quotas) = root.get("quotas") else {
        return;
    };
    let referenced = index.referenced("quotas", "bucket");
    for member in quotas.unique_members() {
        let name = member.key.as_str();
        let path = pointer::join("/quotas", name);
        if let Some(template) = unsupported_template(name) {
            ctx.push(
                Finding::new(
                    &catalog::QUOTA_NAME_TEMPLATE,
                    &path,
                    member.key_span,
                    format!("bucket name `{name}` uses the template `{template}`; only `<user>` and `<node>` are supported"),
                )
                .aperture(&[name, name, template])
                .fix("use `<user>` (per login or tag set) or `<node>` (per device) after the colon"),
            );
        }
        let quota = &member.value;
        if !quota.is_object() {
            continue;
        }
        let mut problem = |field: &str, details: String, fix: &str, at: crate::config::Span| {
            ctx.push(
                Finding::new(
                    &catalog::QUOTA_DEFINITION,
                    pointer::join(&path, field),
                    at,
                    format!("quota `{name}`: {details}; requests that match it are rejected (429, fail closed)"),
                )
                .aperture(&[name, &details])
                .fix(fix.to_owned()),
            );
        };
        match quota.member("capacity") {
            None => problem(
                "capacity",
                "capacity is required".into(),
                "add `\"capacity\": \"$10.00\"`",
                member.key_span,
            ),
            Some(m) => {
                if let Some(text) = m.value.as_str()
                    && parse_dollars(text).is_none()
                {
                    problem(
                        "capacity",
                        format!("capacity \"{text}\" is not a dollar amount like \"$10.00\""),
                        "write the capacity as a dollar string, e.g. `\"$10.00\"`",
                        m.value.span,
                    );
                }
            }
        }
        if let Some(m) = quota.member("rate")
            && let Some(text) = m.value.as_str()
            && parse_rate(text).is_none()
        {
            problem(
                "rate",
                format!(
                    "rate \"{text}\" is not \"$<amount>/<unit>\" with unit min, hour, day, week or month"
                ),
                "write the rate like `\"$5.00/day\"`",
                m.value.span,
            );
        }
        if let Some(m) = quota.member("on_exceed")
            && let Some(text) = m.value.as_str()
            && text != "reject"
        {
            problem(
                "on_exceed",
                format!("on_exceed \"{text}\" is not supported"),
                "use `\"on_exceed\": \"reject\"` (the only value)",
                m.value.span,
            );
        }
        if !referenced.contains(name) {
            ctx.push(
                Finding::new(
                    &catalog::QUOTA_UNUSED,
                    &path,
                    member.key_span,
                    format!("quota `{name}` is defined but no grant references it, so it never limits anything"),
                )
                .fix(format!("attach it to a grant: `{{\"models\": \"**\", \"quotas\": [{{\"bucket\": \"{name}\"}}]}}`")),
            );
        }
    }
}
