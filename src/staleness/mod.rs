//! `failsim staleness`: how long a resolver population keeps handing out an answer after the
//! authoritative servers change it (README: Commands, Model: resolver populations).
//!
//! The experiment: `instances` resolver instances, each drawn from the named population
//! ([`crate::model::population`]), receive a steady stream of lookups for one name with a
//! record TTL of `ttl_ms`. Lookups arrive as one Poisson stream of `rate_per_second` lookups per
//! second, each sent to an instance chosen uniformly at random — so each instance sees its own
//! Poisson stream at `rate_per_second / instances`. After a warm-up the authoritative answer
//! changes once (old -> new) and stays changed; the authoritative servers stay reachable, so
//! RFC 8767 serve-stale never fires. A lookup at the very instant of the change already
//! reaches the new authoritative answer when it misses. The output counts, over time since
//! the change, the lookups that were still given the old answer.
//!
//! The parts: `params` (defaults and allowed ranges), `resolvers` (the instances, their warm
//! start and the warm-up), `clients` (optional client caches in front of the resolvers; by
//! default only resolver caches are modelled), `curve` (the event loop) and `rows` (the
//! time buckets of the output and their CSV).
//!
//! **Calibration** (Flavel, Mani, Maltz, "Re-evaluating the responsiveness of DNS-based network
//! control", IEEE LANMAN 2014, doi:10.1109/LANMAN.2014.7028641:
//! TTL 20 s, 90 % of requests on the new
//! answer within 60 s, 2 % of users still stale after 15 min): with the `internet` mixture and
//! one lookup per instance every 20 s on average, about 8 % of lookups are stale at 60 s
//! (7.6–8.1 % over three seeds with 200,000 instances) and about 2.3 % at 15 min (2.25–2.33 %);
//! 1.0 % remain stale at 1 h (test `internet_matches_flavel_2014`). These are shares of
//! lookups; Flavel's 15 min figure is a share of users.
//!
//! Deterministic: instance `i` draws its behaviour and warm start from stream
//! `(Resolver, i)`; arrival times and instance choices come from `(Scenario, 0)`; `libm` for
//! logarithms. Same parameters, same rows, on every platform.

mod clients;
mod curve;
mod params;
mod resolvers;
mod rows;
#[cfg(test)]
mod testing;

pub use params::{
    StalenessError, StalenessParams, DEFAULT_CLIENTS_PER_INSTANCE, DEFAULT_INSTANCES,
    DEFAULT_RATE_PER_SECOND, DEFAULT_SEED, MAX_INSTANCES, MAX_RATE_PER_SECOND, MAX_TTL_MS,
    MIN_RATE_PER_SECOND,
};
pub use rows::{write_csv, StalenessRow};

use crate::model::population;
use crate::model::resolver::Answer;
use crate::rng::EntityRng;
use rows::HORIZON_MS;

/// Simulated time of the warm start. Far from zero so that entries fetched "before" it need no
/// negative times; only differences from the change time reach the output.
const ORIGIN_MS: u64 = 1 << 40;

/// The authoritative answer before the change...
const OLD_ANSWER: Answer = 0;
/// ...and from the change on.
const NEW_ANSWER: Answer = 1;

/// Runs the experiment: one row per bucket, in time order (see the module docs).
pub fn staleness_curve(params: &StalenessParams) -> Result<Vec<StalenessRow>, StalenessError> {
    staleness_curve_with_progress(params, &mut |_, _| {})
}

/// [`staleness_curve`], calling `progress(done_ms, total_ms)` as simulated time advances
/// (every simulated minute), for a progress bar. The rows are the same.
pub fn staleness_curve_with_progress(
    params: &StalenessParams,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Vec<StalenessRow>, StalenessError> {
    params.validate()?;
    let draw = |rng: &mut EntityRng| {
        population::behaviour(&params.population, rng).expect("validated population")
    };
    Ok(curve::curve_with_progress(
        params, &draw, HORIZON_MS, progress,
    ))
}

#[cfg(test)]
mod tests {
    use super::testing::params;
    use super::*;

    #[test]
    fn rows_follow_the_interface() {
        let rows = staleness_curve(&StalenessParams::new("internet", 20_000)).unwrap();
        assert_eq!(rows.len(), 300 + 55);
        assert_eq!(rows[0].since_change_ms, 1_000);
        assert_eq!(rows[299].since_change_ms, 300_000);
        assert_eq!(rows[300].since_change_ms, 360_000);
        assert_eq!(rows.last().unwrap().since_change_ms, 3_600_000);
        let total: u64 = rows.iter().map(|r| r.lookups).sum();
        // 50 lookups/s for an hour: 180,000 ± ~425 (Poisson sd).
        assert!((total as f64 - 180_000.0).abs() < 2_500.0, "total {total}");
        for r in &rows {
            assert!(r.stale_lookups <= r.lookups);
        }
    }

    #[test]
    fn same_seed_same_rows() {
        let p = StalenessParams {
            instances: 100,
            rate_per_second: 5.0,
            ..StalenessParams::new("internet", 20_000)
        };
        let a = staleness_curve(&p).unwrap();
        assert_eq!(a, staleness_curve(&p).unwrap());
        let other = StalenessParams { seed: 2, ..p };
        assert_ne!(a, staleness_curve(&other).unwrap());
    }

    #[test]
    fn bad_parameters_are_refused_before_running() {
        // A rate this low never ended: the arrival time saturated and the end wrapped.
        let p = StalenessParams {
            rate_per_second: 1e-20,
            ..StalenessParams::new("internet", 20_000)
        };
        assert!(matches!(staleness_curve(&p), Err(StalenessError::Rate(_))));
        let mut called = false;
        let result = staleness_curve_with_progress(&p, &mut |_, _| called = true);
        assert!(result.is_err() && !called);
    }

    #[test]
    fn progress_advances_each_simulated_minute_and_changes_nothing() {
        let p = params(200, 3);
        let mut reports: Vec<(u64, u64)> = Vec::new();
        let rows = staleness_curve_with_progress(&p, &mut |done, total| {
            reports.push((done, total));
        })
        .unwrap();
        assert_eq!(rows, staleness_curve(&p).unwrap());
        let total = p.warmup_ms() + HORIZON_MS;
        assert_eq!(reports.first(), Some(&(0, total)));
        assert!(reports.windows(2).all(|w| w[1].0 == w[0].0 + 60_000));
        assert!(reports.iter().all(|&(done, t)| t == total && done < total));
        assert!(reports.last().unwrap().0 + 60_000 >= total);
    }
}
