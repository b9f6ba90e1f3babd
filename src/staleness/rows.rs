//! The rows of the curve: time buckets after the change, the lookups counted in each, and
//! the CSV they are written as.
//!
//! One row per second for the first 5 minutes after the change, then one per minute to 1 hour
//! (355 rows). Row `since_change_ms = t` with step `s` counts the lookups made at times since
//! the change in `[t - s, t)`: the first row is `[0 s, 1 s)`, the row at 60 s is
//! `[59 s, 60 s)`, the row at 900 s is `[14 min, 15 min)`.

use std::io::{self, Write};

/// Per-second rows cover the first 5 minutes after the change...
const FINE_UNTIL_MS: u64 = 300_000;
const FINE_STEP_MS: u64 = 1_000;
/// ...then per-minute rows to 1 hour.
pub(super) const HORIZON_MS: u64 = 3_600_000;
const COARSE_STEP_MS: u64 = 60_000;

/// One time bucket after the change.
#[derive(Clone, Debug, PartialEq)]
pub struct StalenessRow {
    /// End of the bucket, ms since the change; the bucket is `[since_change_ms - step,
    /// since_change_ms)` with a step of 1 s up to 5 min and 1 min after.
    pub since_change_ms: u64,
    /// Lookups made in the bucket.
    pub lookups: u64,
    /// Lookups in the bucket that were given the old answer.
    pub stale_lookups: u64,
    /// `stale_lookups / lookups`; `None` when the bucket has no lookups (empty CSV field).
    pub stale_share: Option<f64>,
}

/// Ends of the row buckets, ms since the change.
fn row_ends_ms() -> Vec<u64> {
    let fine = (1..=FINE_UNTIL_MS / FINE_STEP_MS).map(|i| i * FINE_STEP_MS);
    let coarse = (1..=(HORIZON_MS - FINE_UNTIL_MS) / COARSE_STEP_MS)
        .map(|i| FINE_UNTIL_MS + i * COARSE_STEP_MS);
    fine.chain(coarse).collect()
}

/// Row index of a lookup `since_ms` after the change (`since_ms < HORIZON_MS`).
fn row_of(since_ms: u64) -> usize {
    if since_ms < FINE_UNTIL_MS {
        (since_ms / FINE_STEP_MS) as usize
    } else {
        (FINE_UNTIL_MS / FINE_STEP_MS + (since_ms - FINE_UNTIL_MS) / COARSE_STEP_MS) as usize
    }
}

/// Lookups and stale lookups per bucket, counted as the experiment runs.
pub(super) struct Tally {
    ends_ms: Vec<u64>,
    lookups: Vec<u64>,
    stale: Vec<u64>,
}

impl Tally {
    /// Empty counts for the buckets that end at most `horizon_ms` after the change.
    pub(super) fn new(horizon_ms: u64) -> Self {
        let ends_ms: Vec<u64> = row_ends_ms()
            .into_iter()
            .take_while(|&e| e <= horizon_ms)
            .collect();
        let n = ends_ms.len();
        Tally {
            ends_ms,
            lookups: vec![0; n],
            stale: vec![0; n],
        }
    }

    /// Counts one lookup made `since_ms` after the change (before the horizon).
    pub(super) fn count(&mut self, since_ms: u64, stale: bool) {
        let row = row_of(since_ms);
        self.lookups[row] += 1;
        self.stale[row] += u64::from(stale);
    }

    /// The rows, in time order.
    pub(super) fn into_rows(self) -> Vec<StalenessRow> {
        self.ends_ms
            .iter()
            .zip(self.lookups.iter().zip(&self.stale))
            .map(
                |(&since_change_ms, (&lookups, &stale_lookups))| StalenessRow {
                    since_change_ms,
                    lookups,
                    stale_lookups,
                    stale_share: (lookups > 0).then(|| stale_lookups as f64 / lookups as f64),
                },
            )
            .collect()
    }
}

/// Writes the rows as CSV: header `since_change_ms,lookups,stale_lookups,stale_share`,
/// `stale_share` with 6 decimals (empty when the bucket has no lookups).
pub fn write_csv(rows: &[StalenessRow], mut out: impl Write) -> io::Result<()> {
    let mut text = String::from("since_change_ms,lookups,stale_lookups,stale_share\n");
    for r in rows {
        let share = r.stale_share.map(|s| format!("{s:.6}")).unwrap_or_default();
        text.push_str(&format!(
            "{},{},{},{share}\n",
            r.since_change_ms, r.lookups, r.stale_lookups
        ));
    }
    out.write_all(text.as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_half_open() {
        assert_eq!(row_of(0), 0);
        assert_eq!(row_of(999), 0);
        assert_eq!(row_of(1_000), 1);
        assert_eq!(row_of(299_999), 299);
        assert_eq!(row_of(300_000), 300);
        assert_eq!(row_of(359_999), 300);
        assert_eq!(row_of(360_000), 301);
        assert_eq!(row_of(3_599_999), 354);
    }

    #[test]
    fn a_tally_counts_each_lookup_in_its_bucket_up_to_the_horizon() {
        let mut tally = Tally::new(120_000);
        tally.count(0, true);
        tally.count(999, false);
        tally.count(119_999, true);
        let rows = tally.into_rows();
        assert_eq!(rows.len(), 120);
        assert_eq!((rows[0].lookups, rows[0].stale_lookups), (2, 1));
        assert_eq!(rows[0].stale_share, Some(0.5));
        assert_eq!(rows[1].stale_share, None);
        assert_eq!(rows[119].since_change_ms, 120_000);
        assert_eq!((rows[119].lookups, rows[119].stale_lookups), (1, 1));
    }

    #[test]
    fn csv_has_the_interface_columns() {
        let rows = vec![
            StalenessRow {
                since_change_ms: 1_000,
                lookups: 3,
                stale_lookups: 1,
                stale_share: Some(1.0 / 3.0),
            },
            StalenessRow {
                since_change_ms: 2_000,
                lookups: 0,
                stale_lookups: 0,
                stale_share: None,
            },
        ];
        let mut out = Vec::new();
        write_csv(&rows, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "since_change_ms,lookups,stale_lookups,stale_share\n1000,3,1,0.333333\n2000,0,0,\n"
        );
    }
}
