//! Day-2 reads as text for a terminal: budgets, a refill, and a gateway's status.

use super::blocks::notes_block;
use crate::tools::quota::{Bucket, QuotaStatus, RefillOutput};
use crate::tools::status::GatewayStatus;

fn bucket_line(b: &Bucket) -> String {
    let mut line = format!(
        "{}: {} of {}",
        b.name,
        b.balance.as_deref().unwrap_or("?"),
        b.capacity.as_deref().unwrap_or("?")
    );
    if let Some(used) = b.percent_used {
        line.push_str(&format!(" ({used}% used)"));
    }
    if let Some(rate) = &b.rate {
        line.push_str(&format!(", refills {rate}"));
    }
    if !b.charged_by.is_empty() {
        line.push_str(&format!("; charged by {}", b.charged_by.join(", ")));
    }
    line + "\n"
}

pub fn quota_report(status: &QuotaStatus) -> String {
    let mut text = format!("{}: {} bucket(s)\n", status.url, status.buckets.len());
    for b in &status.buckets {
        text.push_str(&bucket_line(b));
    }
    text + &notes_block(&status.notes)
}

pub fn refill_report(out: &RefillOutput) -> String {
    let mut text = format!(
        "refilled {} by {}\nbefore: {}",
        out.bucket,
        out.amount,
        bucket_line(&out.before)
    );
    match &out.after {
        Some(after) => text.push_str(&format!("after:  {}", bucket_line(after))),
        None => text.push_str("after:  (not re-read)\n"),
    }
    text + &notes_block(&out.notes)
}

pub fn status_report(s: &GatewayStatus) -> String {
    let mut text = format!(
        "{}: {} ({})\n",
        s.url,
        if s.reachable {
            "reachable"
        } else {
            "unreachable"
        },
        s.summary
    );
    text.push_str(&format!(
        "you: {} — role {:?}{}\n",
        s.caller.identity.as_deref().unwrap_or("unknown"),
        s.role,
        s.config_api
            .map(|api| format!(", config API {api:?}"))
            .unwrap_or_default()
    ));
    for m in &s.models {
        text.push_str(&format!(
            "model {}{}: {}\n",
            m.id,
            m.provider
                .as_deref()
                .map(|p| format!(" ({p})"))
                .unwrap_or_default(),
            if m.apis.is_empty() {
                "no API listed".into()
            } else {
                m.apis.join(", ")
            }
        ));
    }
    for b in &s.budgets {
        text.push_str(&format!("budget {}", bucket_line(b)));
    }
    if !s.providers.is_empty() {
        text.push_str(&format!("providers: {}\n", s.providers.join(", ")));
    }
    if !s.connectors.is_empty() {
        text.push_str(&format!("connectors: {}\n", s.connectors.join(", ")));
    }
    for f in &s.findings {
        text.push_str(&format!(
            "{}[{}] {}\n  fix: {}\n",
            f.severity.as_str(),
            f.code,
            f.message,
            f.fix
        ));
    }
    text + &notes_block(&s.notes)
}
