//! Numbers as the story writes them: dollars and user-hours with thousands separators.

use crate::chart::kit::thousands;
use crate::time::round_to;

/// Dollars with cents and thousands separators: `$17,727.50`.
pub fn usd(x: f64) -> String {
    let cents = (x * 100.0).round() as i64;
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}${}.{:02}", thousands(cents / 100), cents % 100)
}

/// User-hours with one decimal and thousands separators (`8,404.0`).
pub(super) fn user_hours(ms: u64) -> String {
    let tenths = round_to(ms, 360_000) / 360_000;
    format!("{}.{}", thousands(tenths / 10), tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_hours_have_thousands_separators() {
        assert_eq!(user_hours(8_404 * 3_600_000), "8,404.0");
        assert_eq!(user_hours(30_254_400_000 + 180_000), "8,404.1");
        assert_eq!(user_hours(179_999), "0.0");
    }

    #[test]
    fn dollars_keep_their_sign_and_cents() {
        assert_eq!(usd(-1234.5), "-$1,234.50");
        assert_eq!(usd(17_727.5), "$17,727.50");
    }
}
