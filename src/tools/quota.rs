//! Budgets on a live gateway (`http-api.md` §5): `get_quotas` reads every bucket the caller
//! can see (`GET /api/quotas`) in dollars, with the grants that charge each when a config is
//! given; `refill_quota` adds to one bucket (`POST /api/quotas/refill`, admin only) and shows
//! it before and after. The list's JSON shape is UNCONFIRMED, so it is read tolerantly and
//! what could not be read is said.

use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::gateway::{failure, get, request, root_of, send};
use super::input::{ConfigInput, PathPolicy, ToolError};
use crate::access::AllGrants;
use crate::config::Document;
use crate::config::meaning::{dollars_to_nanodollars, format_nanodollars};

const QUOTAS: &str = "/api/quotas";
const REFILL: &str = "/api/quotas/refill";

/// Arguments of `get_quotas`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct QuotaInput {
    // The gateway, e.g. `http://ai`.
    pub url: String,
    /// The gateway's config (`config` or `config_path`): names the grants charging each bucket.
    #[serde(flatten)]
    pub config: ConfigInput,
}

/// Arguments of `refill_quota`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct RefillInput {
    /// The gateway, e.g. `http://ai` (needs `role: admin` there).
    pub url: String,
    /// The bucket's expanded name, e.g. `daily:alice@example.com`.
    pub bucket: String,
    /// Dollars to add, e.g. `$2.50` (capped at the bucket's capacity).
    pub amount: String,
}

/// One budget bucket as the gateway reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Bucket {
    pub name: String,
    /// What is left, in dollars (`$1.25`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<String>,
    /// Refill rate as configured, e.g. `$5.00/day`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_nanodollars: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_nanodollars: Option<i64>,
    /// Share of the capacity spent, 0 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent_used: Option<f64>,
    /// Grants whose `quotas` name this bucket (`grants[2] (src: group:eng)`), when a config
    /// was given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub charged_by: Vec<String>,
}

/// Result of `get_quotas`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct QuotaStatus {
    pub url: String,
    pub buckets: Vec<Bucket>,
    pub notes: Vec<String>,
}

/// Result of `refill_quota`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RefillOutput {
    pub url: String,
    pub bucket: String,
    /// The amount asked for, as dollars.
    pub amount: String,
    pub before: Bucket,
    /// As re-read after the refill (absent when the re-read failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Bucket>,
    pub notes: Vec<String>,
}

/// Read every bucket the caller can see.
pub async fn get_quotas(input: &QuotaInput, policy: PathPolicy) -> Result<QuotaStatus, ToolError> {
    let root = root_of(&input.url)?;
    let config = input.config.read_optional(policy)?;
    let (mut buckets, mut notes) = read_buckets(&root).await?;
    match config.as_deref().map(Document::parse) {
        Some(Ok(doc)) => charged_by(&mut buckets, AllGrants::new(doc)),
        Some(Err(e)) => notes.push(format!(
            "the config does not parse ({e}), so the grants charging each bucket are not shown"
        )),
        None => {}
    }
    Ok(QuotaStatus {
        url: root,
        buckets,
        notes,
    })
}

/// The buckets listed by `GET /api/quotas`, and what could not be read.
async fn read_buckets(root: &str) -> Result<(Vec<Bucket>, Vec<String>), ToolError> {
    let answer = get(root, QUOTAS).await;
    if answer.status != Some(200) {
        return Err(failure(&format!("GET {QUOTAS}"), &answer));
    }
    let body: Value = serde_json::from_slice(&answer.body)
        .map_err(|e| ToolError::Gateway(format!("GET {QUOTAS}: not JSON ({e})")))?;
    let (buckets, mut notes) = parse_buckets(&body);
    notes.push(format!(
        "the shape of GET {QUOTAS} is UNCONFIRMED: buckets were read as `{{name: {{current, capacity, rate}}}}` with amounts in nanodollars (or a list of such objects); compare with GET {root}{QUOTAS} or the dashboard's Models page if a figure looks wrong"
    ));
    Ok((buckets, notes))
}

/// Buckets from any of the plausible shapes: a map keyed by name, a list of objects with a
/// `name`/`bucket`, either wrapped in `quotas` or `buckets`.
fn parse_buckets(body: &Value) -> (Vec<Bucket>, Vec<String>) {
    let inner = ["quotas", "buckets"]
        .iter()
        .find_map(|k| body.get(k).filter(|v| v.is_object() || v.is_array()))
        .unwrap_or(body);
    let entries: Vec<(String, &Value)> = match inner {
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| v.is_object())
            .map(|(k, v)| {
                (
                    v.get("name")
                        .and_then(Value::as_str)
                        .unwrap_or(k)
                        .to_owned(),
                    v,
                )
            })
            .collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(|v| {
                let name = ["name", "bucket", "id"]
                    .iter()
                    .find_map(|k| v.get(k).and_then(Value::as_str))?;
                Some((name.to_owned(), v))
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut notes = Vec::new();
    if entries.is_empty() && !matches!(inner, Value::Object(m) if m.is_empty()) {
        notes.push(format!(
            "GET {QUOTAS} answered something that lists no bucket in a known shape"
        ));
    }
    let buckets = entries
        .into_iter()
        .map(|(name, v)| bucket_of(name, v, &mut notes))
        .collect();
    (buckets, notes)
}

fn bucket_of(name: String, v: &Value, notes: &mut Vec<String>) -> Bucket {
    let mut amount = |keys: &[&str]| -> Option<i64> {
        let (key, value) = keys.iter().find_map(|k| v.get(k).map(|x| (*k, x)))?;
        let read = match value {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => dollars_to_nanodollars(s.trim()),
            _ => None,
        };
        if read.is_none() {
            notes.push(format!(
                "bucket `{name}`: `{key}` is {value}, not nanodollars or `$N.NN`"
            ));
        }
        read
    };
    let balance = amount(&["current", "balance", "remaining"]);
    let capacity = amount(&["capacity", "max"]);
    let percent_used = match (balance, capacity) {
        (Some(b), Some(c)) if c > 0 => {
            Some((((c - b.clamp(0, c)) as f64 / c as f64) * 1000.0).round() / 10.0)
        }
        _ => None,
    };
    Bucket {
        rate: ["rate", "refill_rate"]
            .iter()
            .find_map(|k| v.get(k).and_then(Value::as_str))
            .map(str::to_owned),
        balance: balance.map(format_nanodollars),
        capacity: capacity.map(format_nanodollars),
        balance_nanodollars: balance,
        capacity_nanodollars: capacity,
        percent_used,
        charged_by: Vec::new(),
        name,
    }
}

/// Whether a bucket name as written in a grant (`daily:<user>`) covers an expanded name
/// (`daily:alice@example.com`).
fn template_covers(template: &str, name: &str) -> bool {
    match template.split_once('<') {
        None => template == name,
        Some((prefix, rest)) => {
            let suffix = rest.split_once('>').map_or("", |(_, s)| s);
            name.len() > prefix.len() + suffix.len()
                && name.starts_with(prefix)
                && name.ends_with(suffix)
        }
    }
}

fn charged_by(buckets: &mut [Bucket], grants: AllGrants) {
    let refs = grants.refs();
    for grant in &refs {
        let named: Vec<&str> = grant
            .capabilities
            .iter()
            .flat_map(|c| {
                c.node
                    .get("quotas")
                    .and_then(|q| q.as_array())
                    .unwrap_or_default()
            })
            .filter_map(|q| q.as_str().or_else(|| q.get_str("bucket")))
            .collect();
        let label = match grant.path.rsplit_once('/') {
            Some((list, i)) => format!("{}[{i}]", list.trim_start_matches('/')),
            None => grant.path.clone(),
        };
        for bucket in buckets.iter_mut() {
            if named.iter().any(|t| template_covers(t, &bucket.name)) {
                bucket
                    .charged_by
                    .push(format!("{label} (src: {})", grant.src.join(", ")));
            }
        }
    }
}

/// Add `amount` to one bucket and show it before and after.
pub async fn refill_quota(input: &RefillInput) -> Result<RefillOutput, ToolError> {
    let root = root_of(&input.url)?;
    let amount = dollars_to_nanodollars(input.amount.trim())
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            ToolError::BadArguments(format!(
                "`amount` must be dollars such as `$2.50` (got `{}`)",
                crate::redact::excerpt(&input.amount, 40)
            ))
        })?;
    let (all, _) = read_buckets(&root).await?;
    let Some(before) = all.iter().find(|b| b.name == input.bucket).cloned() else {
        let known: Vec<&str> = all.iter().map(|b| b.name.as_str()).collect();
        return Err(ToolError::BadArguments(format!(
            "unknown bucket `{}`: the gateway lists {}",
            crate::redact::excerpt(&input.bucket, 80),
            if known.is_empty() {
                "no bucket for this caller".to_owned()
            } else {
                known.join(", ")
            }
        )));
    };
    let shown = format_nanodollars(amount);
    let answer = send(request(
        Method::POST,
        format!("{root}{REFILL}"),
        vec![],
        Some(json!({"bucket": input.bucket, "amount": shown})),
    ))
    .await;
    if !matches!(answer.status, Some(200..=299)) {
        return Err(failure(&format!("POST {REFILL}"), &answer));
    }
    let mut notes = Vec::new();
    let after = match read_buckets(&root).await {
        Ok((after, _)) => after.into_iter().find(|b| b.name == input.bucket),
        Err(e) => {
            notes.push(format!(
                "the refill was accepted, but the re-read failed: {e}"
            ));
            None
        }
    };
    if let Some(after) = &after
        && let (Some(b), Some(a), Some(c)) = (
            before.balance_nanodollars,
            after.balance_nanodollars,
            after.capacity_nanodollars,
        )
        && a - b < amount
    {
        notes.push(if a >= c {
            format!("capped at the capacity {}: {} of {shown} was added", format_nanodollars(c), format_nanodollars(a - b))
        } else {
            format!("the balance rose by {} rather than {shown} (spending meanwhile, or the gateway's own rule)", format_nanodollars(a - b))
        });
    }
    Ok(RefillOutput {
        url: root,
        bucket: input.bucket.clone(),
        amount: shown,
        before,
        after,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_read_from_every_plausible_shape() {
        let map = json!({"daily:alice@example.com": {"current": 1_250_000_000i64, "capacity": 10_000_000_000i64, "rate": "$5.00/day"}});
        let list = json!({"quotas": [{"name": "daily:alice@example.com", "balance": "$1.25", "capacity": "$10.00", "rate": "$5.00/day"}]});
        for body in [map, list] {
            let (buckets, notes) = parse_buckets(&body);
            assert!(notes.is_empty(), "{notes:?}");
            assert_eq!(buckets[0].balance.as_deref(), Some("$1.25"));
            assert_eq!(buckets[0].percent_used, Some(87.5));
        }
        let (_, notes) = parse_buckets(&json!({"x": {"current": true}}));
        assert!(notes[0].contains("`current` is true"), "{notes:?}");
    }

    #[test]
    fn templates_cover_their_expansions_only() {
        assert!(template_covers("daily:<user>", "daily:alice@example.com"));
        assert!(!template_covers("daily:<user>", "weekly:alice@example.com"));
        assert!(!template_covers("daily:<user>", "daily:"));
        assert!(template_covers("team-pool", "team-pool"));
    }
}
