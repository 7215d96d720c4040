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
}
