//! Duration distributions used by the model (launch times, think times, delays).
//!
//! A scenario writes `"40s"` (fixed), `{ min, max }` (uniform, inclusive, whole ms) or
//! `{ median, p95 }` (log-normal: `mu = ln(median)`, `sigma = ln(p95/median) / 1.6449`).
//! Log-normal draws are capped at 20 x p95 so one extreme draw cannot dwarf a six-hour
//! scenario; the cap is far in the tail (z ≈ 1.64 + ln 20 / sigma) and documented in the README.

use crate::rng::EntityRng;
use crate::rng::{standard_normal, uniform_ms};

/// z-score of the 95th percentile of the standard normal.
const Z95: f64 = 1.644_853_626_951_472_2;

/// A distribution of non-negative durations in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Dist {
    /// Always this many ms.
    Fixed(u64),
    /// Uniform on `[min_ms, max_ms]`.
    Uniform {
        /// Lower bound, ms.
        min_ms: u64,
        /// Upper bound, ms.
        max_ms: u64,
    },
    /// Log-normal given its median and 95th percentile.
    LogNormal {
        /// Median, ms (> 0).
        median_ms: u64,
        /// 95th percentile, ms (>= median).
        p95_ms: u64,
    },
}

impl Dist {
    /// Draws one value.
    pub fn sample(&self, rng: &mut EntityRng) -> u64 {
        match *self {
            Dist::Fixed(ms) => ms,
            Dist::Uniform { min_ms, max_ms } => uniform_ms(rng, min_ms, max_ms),
            Dist::LogNormal { median_ms, p95_ms } => {
                if p95_ms <= median_ms {
                    return median_ms;
                }
                let (mu, sigma) = lognormal_params(median_ms, p95_ms);
                let x = libm::exp(mu + sigma * standard_normal(rng));
                let cap = p95_ms.saturating_mul(20) as f64;
                x.min(cap).round() as u64
            }
        }
    }

    /// The median (for stories and lints).
    pub fn median_ms(&self) -> u64 {
        match *self {
            Dist::Fixed(ms) => ms,
            Dist::Uniform { min_ms, max_ms } => min_ms + (max_ms - min_ms) / 2,
            Dist::LogNormal { median_ms, .. } => median_ms,
        }
    }
}

/// `(mu, sigma)` of the log-normal with this median and 95th percentile (`p95_ms >
/// median_ms`). A run draws from a handful of these distributions many times, so the last
/// few parameter pairs are remembered per thread: two logarithms per draw were a tenth of a
/// small run's time. The values are those computed afresh.
fn lognormal_params(median_ms: u64, p95_ms: u64) -> (f64, f64) {
    /// (median, p95, mu, sigma); `(0, 0)` is never asked for (p95 > median).
    type Memo = [(u64, u64, f64, f64); 4];
    thread_local! {
        static MEMO: std::cell::Cell<Memo> = const { std::cell::Cell::new([(0, 0, 0.0, 0.0); 4]) };
    }
    MEMO.with(|memo| {
        let mut m = memo.get();
        if let Some(&(_, _, mu, sigma)) = m.iter().find(|e| (e.0, e.1) == (median_ms, p95_ms)) {
            return (mu, sigma);
        }
        let mu = libm::log(median_ms as f64);
        let sigma = libm::log(p95_ms as f64 / median_ms as f64) / Z95;
        m.rotate_right(1);
        m[0] = (median_ms, p95_ms, mu, sigma);
        memo.set(m);
        (mu, sigma)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{EntityKind, Streams};

    #[test]
    fn remembered_lognormal_params_equal_fresh_ones() {
        let pairs = [
            (40_000, 120_000),
            (1, 2),
            (60_000, 300_000),
            (7, 9),
            (5, 6),
            (1, 2),
        ];
        for _ in 0..3 {
            for (median, p95) in pairs {
                let (mu, sigma) = lognormal_params(median, p95);
                assert_eq!(mu.to_bits(), libm::log(median as f64).to_bits());
                let fresh = libm::log(p95 as f64 / median as f64) / Z95;
                assert_eq!(sigma.to_bits(), fresh.to_bits());
            }
        }
    }

    #[test]
    fn lognormal_matches_median_and_p95() {
        let d = Dist::LogNormal {
            median_ms: 60_000,
            p95_ms: 300_000,
        };
        let mut r = Streams::new(5).stream(EntityKind::Scenario, 0);
        let mut xs: Vec<u64> = (0..40_000).map(|_| d.sample(&mut r)).collect();
        xs.sort_unstable();
        let median = xs[xs.len() / 2] as f64;
        let p95 = xs[xs.len() * 95 / 100] as f64;
        assert!((median / 60_000.0 - 1.0).abs() < 0.03, "median {median}");
        assert!((p95 / 300_000.0 - 1.0).abs() < 0.05, "p95 {p95}");
    }

    #[test]
    fn uniform_and_fixed() {
        let mut r = Streams::new(5).stream(EntityKind::Scenario, 1);
        assert_eq!(Dist::Fixed(7).sample(&mut r), 7);
        let u = Dist::Uniform {
            min_ms: 5_000,
            max_ms: 30_000,
        };
        for _ in 0..1000 {
            assert!((5_000..=30_000).contains(&u.sample(&mut r)));
        }
    }
}
