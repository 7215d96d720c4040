//! Exporter and database checks: S3 prefix, limit, credentials; retention duration and purge.

use super::catalog;
use super::context::{Context, Finding};
use crate::config::{Node, pointer};
use crate::diagnostic::PatchOp;

pub fn check(ctx: &mut Context) {
    let root = ctx.root();
    if let Some(s3) = root
        .get("exporters")
        .and_then(|e| e.get("s3"))
        .filter(|s| s.is_object())
    {
        if let Some(prefix) = s3.get("prefix")
            && let Some(text) = prefix.as_str()
            && text.ends_with('/')
        {
            ctx.push(
                Finding::new(
                    &catalog::S3_PREFIX_SLASH,
                    "/exporters/s3/prefix",
                    prefix.span,
                    format!("exporters.s3.prefix `{text}` ends with a slash"),
                )
                .aperture(&[])
                .fix("drop the trailing `/`")
                .patch(vec![PatchOp::replace(
                    "/exporters/s3/prefix",
                    text.trim_end_matches('/').into(),
                )]),
            );
        }
        if let Some(limit) = s3.get("limit")
            && limit.as_i64().is_some_and(|l| l > 10_000)
        {
            ctx.push(
                Finding::new(&catalog::S3_LIMIT_CAPPED, "/exporters/s3/limit", limit.span, "exporters.s3.limit is above 10000; Aperture silently lowers it to 10000")
                    .fix("set `limit` to 10000 or less (export more often with a smaller `every` instead)")
                    .patch(vec![PatchOp::replace("/exporters/s3/limit", 10_000.into())]),
            );
        }
        let set = |k: &str| s3.get_str(k).is_some_and(|v| !v.is_empty());
        if set("access_key_id") != set("access_secret") {
            let (have, missing) = if set("access_key_id") {
                ("access_key_id", "access_secret")
            } else {
                ("access_secret", "access_key_id")
            };
            ctx.push(
                Finding::new(
                    &catalog::S3_CREDENTIALS,
                    pointer::join("/exporters/s3", missing),
                    s3.member(have).map_or(s3.span, |m| m.key_span),
                    format!(
                        "exporters.s3 has `{have}` but no `{missing}`: exports fail to authenticate"
                    ),
                )
                .fix(format!(
                    "set `{missing}` too (static credentials need both)"
                )),
            );
        }
    }
    if let Some(retention) = root
        .get("database")
        .and_then(|d| d.get("retention"))
        .filter(|r| r.is_object())
    {
        if let Some(node) = retention.get("duration")
            && let Some(text) = node.as_str()
            && !text.is_empty()
            && text != "0"
        {
            let problem = match retention_hours(text) {
                None => Some(format!("`{text}` is not a duration like `30d` or `720h`")),
                Some(h) if h < 1.0 => Some(format!("`{text}` is below the 1h minimum")),
                Some(h) if h > 3650.0 * 24.0 => {
                    Some(format!("`{text}` is above the 3650d maximum"))
                }
                Some(_) => None,
            };
            if let Some(problem) = problem {
                ctx.push(
                    Finding::new(&catalog::RETENTION_DURATION, "/database/retention/duration", node.span, format!("database.retention.duration {problem}"))
                        .fix("use `0` (no local retention; for zero data retention also leave `save_raws` and `keep_encrypted_blobs` false), or a duration from `1h` to `3650d`; empty keeps captures forever"),
                );
            }
        }
        for (i, item) in retention
            .get("purge")
            .and_then(Node::as_array)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            if let Some(text) = item.as_str()
                && text != "captures"
                && text != "tools"
            {
                ctx.push(
                    Finding::new(
                        &catalog::RETENTION_PURGE,
                        pointer::index("/database/retention/purge", i),
                        item.span,
                        format!(
                            "database.retention.purge value `{text}` is not `captures` or `tools`"
                        ),
                    )
                    .fix(
                        "use `[\"captures\"]` (bodies and headers) or `[\"captures\", \"tools\"]`",
                    ),
                );
            }
        }
    }
    zero_retention_copies(ctx);
}

/// Full zero data retention also needs `save_raws` and `keep_encrypted_blobs` off
/// (privacy-and-data-retention, Jul 2026): with either on, copies outlive `duration: "0"`.
fn zero_retention_copies(ctx: &mut Context) {
    let root = ctx.root();
    let Some(database) = root.get("database") else {
        return;
    };
    let zero = database
        .get("retention")
        .and_then(|r| r.get_str("duration"))
        .is_some_and(|d| d.trim() == "0");
    if !zero {
        return;
    }
    for key in ["save_raws", "keep_encrypted_blobs"] {
        if let Some(node) = database.get(key)
            && node.as_bool() == Some(true)
        {
            let path = pointer::join("/database", key);
            ctx.push(
                Finding::new(
                    &catalog::ZERO_RETENTION_KEEPS_COPIES,
                    &path,
                    node.span,
                    format!("`database.retention.duration` is `0`, but `database.{key}` is true: Aperture still keeps copies of request content, so retention is not zero"),
                )
                .fix(format!("set `database.{key}` to false (both `save_raws` and `keep_encrypted_blobs` must be false for full zero data retention)"))
                .patch(vec![PatchOp::replace(&path, false.into())]),
            );
        }
    }
}

/// Hours in a retention duration: Go-style units plus `d` for days.
fn retention_hours(text: &str) -> Option<f64> {
    let mut total = 0.0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        if digits == 0 {
            return None;
        }
        let amount: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let hours = match &rest[..unit_len] {
            "d" => 24.0,
            "h" => 1.0,
            "m" => 1.0 / 60.0,
            "s" => 1.0 / 3600.0,
            _ => return None,
        };
        total += amount * hours;
        rest = &rest[unit_len..];
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    #[test]
    fn retention_durations() {
        assert_eq!(super::retention_hours("30d"), Some(720.0));
        assert_eq!(super::retention_hours("720h"), Some(720.0));
        assert_eq!(super::retention_hours("1h30m"), Some(1.5));
        assert_eq!(super::retention_hours("30 days"), None);
        assert_eq!(super::retention_hours("d"), None);
    }
}
