//! The resolver instances of the experiment: each drawn from the population, started warm,
//! then answering lookups from its own cache.
//!
//! **Warm start.** A warm-up of days would be needed for extenders that hold answers for
//! days, so each instance starts in its steady state instead: with lifetime `L` and a mean gap
//! `g` between its lookups, the entry is live with probability `L / (L + g)` and then has an
//! age uniform in `[0, L)`; otherwise it expired an exponential time (mean `g`) ago. That is
//! the exact stationary state of a cache fed by Poisson lookups. A
//! simulated warm-up of `10 × (TTL + g)`, clamped to 10 min–2 h, then settles the behaviours
//! the warm start does not capture exactly (prefetch, stale-first windows).

use super::{StalenessParams, NEW_ANSWER, OLD_ANSWER, ORIGIN_MS};
use crate::model::resolver::{Resolution, ResolverBehaviour, ResolverCache};
use crate::rng::EntityRng;
use crate::rng::{chance, uniform_ms, unit, EntityKind, StreamPos, Streams};

/// One resolver instance of the experiment.
struct Instance {
    cache: ResolverCache,
    /// Where the instance's stream stands; reopened only for policies that draw.
    rng: StreamPos,
}

/// All the resolver instances, each with its own stream `(Resolver, i)`.
pub(super) struct Resolvers {
    instances: Vec<Instance>,
    streams: Streams,
    /// Policies without random extensions never draw during a lookup; they get this
    /// generator, which must stay untouched (checked in debug builds).
    unused: EntityRng,
    ttl_ms: u64,
}

impl Resolvers {
    /// `params.instances` instances with behaviours drawn by `draw`, each warm-started at
    /// [`ORIGIN_MS`] holding the old answer.
    pub(super) fn warm(
        params: &StalenessParams,
        draw: &dyn Fn(&mut EntityRng) -> ResolverBehaviour,
        streams: &Streams,
    ) -> Self {
        let mean_gap_ms = params.mean_gap_ms();
        let instances = (0..params.instances)
            .map(|i| {
                let mut rng = streams.stream(EntityKind::Resolver, u64::from(i));
                let mut cache = ResolverCache::new(draw(&mut rng));
                warm_start(&mut cache, params.ttl_ms, mean_gap_ms, &mut rng);
                Instance {
                    cache,
                    rng: Streams::close(&rng),
                }
            })
            .collect();
        Resolvers {
            instances,
            streams: streams.clone(),
            unused: streams.stream(EntityKind::Scenario, 1),
            ttl_ms: params.ttl_ms,
        }
    }

    /// A lookup at instance `index` at `now_ms`; the authoritative answer is the new one from
    /// `change_at_ms` on.
    pub(super) fn lookup(&mut self, index: u64, now_ms: u64, change_at_ms: u64) -> Resolution {
        let authoritative = |_: &mut EntityRng| {
            Some(if now_ms >= change_at_ms {
                NEW_ANSWER
            } else {
                OLD_ANSWER
            })
        };
        let instance = &mut self.instances[index as usize];
        if instance.cache.draws_randomness() {
            let mut rng = self.streams.open(EntityKind::Resolver, index, instance.rng);
            let r = instance
                .cache
                .lookup(now_ms, self.ttl_ms, &mut rng, authoritative);
            instance.rng = Streams::close(&rng);
            r
        } else {
            let r = instance
                .cache
                .lookup(now_ms, self.ttl_ms, &mut self.unused, authoritative);
            debug_assert_eq!(self.unused.word_pos(), 0, "a fixed policy drew randomness");
            r
        }
    }
}

/// Exponential draw with mean `mean` (inverse CDF; `1 - unit` is in (0, 1]).
pub(super) fn exponential(rng: &mut EntityRng, mean: f64) -> f64 {
    -libm::log(1.0 - unit(rng)) * mean
}

/// Puts a cache in the stationary state of Poisson lookups with mean gap `mean_gap_ms`, at
/// [`ORIGIN_MS`], holding the old answer (module docs, "Warm start").
fn warm_start(cache: &mut ResolverCache, ttl_ms: u64, mean_gap_ms: f64, rng: &mut EntityRng) {
    let life_ms = cache.lifetime_ms(ttl_ms, rng);
    if life_ms == 0 {
        return; // nothing is ever cached
    }
    let live = life_ms as f64 / (life_ms as f64 + mean_gap_ms);
    let fetched_at_ms = if chance(rng, live) {
        ORIGIN_MS - uniform_ms(rng, 0, life_ms - 1)
    } else {
        let expired_for_ms = exponential(rng, mean_gap_ms) as u64;
        ORIGIN_MS - expired_for_ms.min(ORIGIN_MS / 4) - life_ms
    };
    cache.prime(OLD_ANSWER, fetched_at_ms, life_ms);
}

#[cfg(test)]
mod tests {
    use super::super::curve::curve_with;
    use super::super::params::MAX_WARMUP_MS;
    use super::super::rows::HORIZON_MS;
    use super::super::testing::share;
    use super::*;
    use crate::dist::Dist;
    use crate::scenario::TtlPolicySpec;

    #[test]
    fn warm_start_is_the_steady_state_of_long_lived_entries() {
        // Lifetime 1 h (TTL 20 s + 3,580 s) and one lookup per instance per hour: the 2 h
        // warm-up is too short to settle these caches, so the curve shows the warm start
        // itself. Steady state: live with probability L / (L + g) = 1/2, residual uniform on
        // [0, 1 h): stale share 0.5 (1 - t / 1 h).
        let p = StalenessParams {
            instances: 20_000,
            rate_per_second: 20_000.0 / 3_600.0,
            seed: 8,
            ..StalenessParams::new("internet", 20_000)
        };
        assert_eq!(p.warmup_ms(), MAX_WARMUP_MS);
        let draw = |_: &mut EntityRng| {
            ResolverBehaviour::from(TtlPolicySpec::Extend(Dist::Fixed(3_580_000)))
        };
        let rows = curve_with(&p, &draw, HORIZON_MS);
        for (from_min, to_min) in [(0, 10), (10, 30), (30, 50), (50, 60)] {
            let mid_h = (from_min + to_min) as f64 / 2.0 / 60.0;
            let got = share(&rows, from_min * 60_000, to_min * 60_000);
            let expected = 0.5 * (1.0 - mid_h);
            assert!(
                (got - expected).abs() < 0.04,
                "{from_min}-{to_min} min: {got} vs {expected}"
            );
        }
    }

    #[test]
    fn warm_start_has_the_steady_live_share() {
        // Lifetime and mean gap both 1 day, far beyond the 2 h warm-up: half the instances
        // hold a live entry at the change, and over the next hour almost all of those still do.
        // A cold start would show ~8 % stale, every entry live ~100 %.
        let p = StalenessParams {
            instances: 50_000,
            rate_per_second: 50_000.0 / 86_400.0,
            seed: 9,
            ..StalenessParams::new("internet", 20_000)
        };
        let draw = |_: &mut EntityRng| {
            ResolverBehaviour::from(TtlPolicySpec::Extend(Dist::Fixed(86_380_000)))
        };
        let rows = curve_with(&p, &draw, HORIZON_MS);
        let got = share(&rows, 0, HORIZON_MS); // 0.5 x (1 - 0.5 h / 24 h)
        assert!((got - 0.49).abs() < 0.04, "first hour: {got}");
    }
}
