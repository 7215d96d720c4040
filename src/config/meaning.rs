//! What config values mean where more than one layer reads them: a provider's compatibility
//! flags (with Aperture's defaults) and quota amounts. The rules check these values; `explain`
//! acts on them; both read them here.

use crate::catalog::apis::Flag;
use crate::config::Node;

/// Quota rate units Aperture accepts after `/` (`$5.00/day`).
pub const RATE_UNITS: &[&str] = &["min", "hour", "day", "week", "month"];

/// A compatibility flag's state, with the absent-block default (`openai_chat` only).
/// `None` only for `openai_chat` absent from a present block: the docs disagree (UNCONFIRMED).
pub fn flag_state(provider: &Node, flag: Flag) -> Option<bool> {
    match provider.get("compatibility") {
        Some(block) if block.is_object() => match block.get(flag.name()) {
            Some(value) => Some(value.as_bool() == Some(true)),
            None if flag.on_without_block() => None,
            None => Some(false),
        },
        _ => Some(flag.on_without_block()),
    }
}

/// `$<amount>` → amount.
pub fn parse_dollars(text: &str) -> Option<f64> {
    let amount = text.strip_prefix('$')?;
    let valid = !amount.is_empty()
        && amount.chars().all(|c| c.is_ascii_digit() || c == '.')
        && amount.matches('.').count() <= 1
        && !amount.starts_with('.')
        && !amount.ends_with('.');
    if valid { amount.parse().ok() } else { None }
}

/// Nanodollars per dollar: the unit of Aperture's quota state and hook payloads.
pub const NANODOLLARS_PER_DOLLAR: i64 = 1_000_000_000;

/// `$<amount>` → nanodollars, exactly (at most nine decimals; no float rounding).
pub fn dollars_to_nanodollars(text: &str) -> Option<i64> {
    parse_dollars(text)?;
    let amount = &text[1..];
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
    if fraction.len() > 9 {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = format!("{fraction:0<9}").parse().ok()?;
    whole
        .checked_mul(NANODOLLARS_PER_DOLLAR)?
        .checked_add(fraction)
}

/// Nanodollars as dollars: `$1.25` for 1,250,000,000; cents always, finer digits when set.
pub fn format_nanodollars(nanodollars: i64) -> String {
    let sign = if nanodollars < 0 { "-" } else { "" };
    let n = nanodollars.unsigned_abs();
    let per = NANODOLLARS_PER_DOLLAR as u64;
    let fraction = format!("{:09}", n % per);
    let trimmed = fraction.trim_end_matches('0');
    let shown = if trimmed.len() <= 2 {
        &fraction[..2]
    } else {
        trimmed
    };
    format!("{sign}${}.{shown}", n / per)
}

/// `$<amount>/<unit>` → (amount, unit).
pub fn parse_rate(text: &str) -> Option<(f64, &str)> {
    let (amount, unit) = text.split_once('/')?;
    RATE_UNITS.contains(&unit).then_some(())?;
    Some((parse_dollars(amount)?, unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollar_and_rate_syntax() {
        assert_eq!(parse_dollars("$10.00"), Some(10.0));
        assert_eq!(parse_dollars("$0"), Some(0.0));
        assert_eq!(parse_dollars("10.00"), None);
        assert_eq!(parse_dollars("$1,000"), None);
        assert_eq!(parse_dollars("$"), None);
        assert_eq!(parse_rate("$5.00/day"), Some((5.0, "day")));
        assert_eq!(parse_rate("$5.00/days"), None);
        assert_eq!(parse_rate("$5.00 per day"), None);
    }

    #[test]
    fn dollars_and_nanodollars_round_trip_exactly() {
        assert_eq!(dollars_to_nanodollars("$1.25"), Some(1_250_000_000));
        assert_eq!(dollars_to_nanodollars("$2.50"), Some(2_500_000_000));
        assert_eq!(dollars_to_nanodollars("$0.000000001"), Some(1));
        assert_eq!(dollars_to_nanodollars("$0.0000000001"), None);
        assert_eq!(dollars_to_nanodollars("2.50"), None);
        assert_eq!(format_nanodollars(1_250_000_000), "$1.25");
        assert_eq!(format_nanodollars(10_000_000_000), "$10.00");
        assert_eq!(format_nanodollars(1), "$0.000000001");
        assert_eq!(format_nanodollars(-500_000_000), "-$0.50");
    }
}
