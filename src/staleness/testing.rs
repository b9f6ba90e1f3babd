//! Helpers shared by the staleness tests.

use super::{StalenessParams, StalenessRow};

/// Per-instance rate 0.05/s: one lookup every 20 s on average, as in the calibration.
pub(super) fn params(instances: u32, seed: u64) -> StalenessParams {
    StalenessParams {
        instances,
        rate_per_second: f64::from(instances) / 20.0,
        seed,
        ..StalenessParams::new("internet", 20_000)
    }
}

/// The row that ends `since_change_ms` after the change.
pub(super) fn at(rows: &[StalenessRow], since_change_ms: u64) -> &StalenessRow {
    rows.iter()
        .find(|r| r.since_change_ms == since_change_ms)
        .expect("row exists")
}

/// Stale share over the rows ending in `(from_ms, to_ms]`.
pub(super) fn share(rows: &[StalenessRow], from_ms: u64, to_ms: u64) -> f64 {
    let (n, s) = rows
        .iter()
        .filter(|r| r.since_change_ms > from_ms && r.since_change_ms <= to_ms)
        .fold((0, 0), |(n, s), r| (n + r.lookups, s + r.stale_lookups));
    s as f64 / n as f64
}
