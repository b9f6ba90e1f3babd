//! `failsim staleness`: how long a resolver population keeps handing out an answer after the
//! authoritative servers change it (README: Commands, Model: resolver populations).
//!
//! The experiment: `instances` resolver instances, each drawn from the named population
//! ([`crate::model::population`]), receive a steady stream of lookups for one name with a
//! record TTL of `ttl_ms`. Lookups arrive as one Poisson stream of `rate_per_second` lookups per
//! second, each sent to an instance chosen uniformly at random — so each instance sees its own
//! Poisson stream at `rate_per_second / instances`. After a warm-up the authoritative answer
//! changes once (old -> new) and stays changed; the authoritative servers stay reachable, so
//! RFC 8767 serve-stale never fires. The output counts,
//! over time since the change, the lookups that were still given the old answer.
//!
//! Only resolver caches are modelled: no OS or application cache sits between the lookups and
//! the resolvers (the mixture alone meets the calibration targets below; client caches would
//! add at most their fixed lifetime, e.g. 30 s for Java, 60 s for Chromium's host cache).
//!
//! **Warm start.** A warm-up of days would be needed for extenders that hold answers for
//! days, so each instance starts in its steady state instead: with lifetime `L` and a mean gap
//! `g` between its lookups, the entry is live with probability `L / (L + g)` and then has an
//! age uniform in `[0, L)`; otherwise it expired an exponential time (mean `g`) ago. That is
//! the exact stationary state of a cache fed by Poisson lookups. A
//! simulated warm-up of `10 × (TTL + g)`, clamped to 10 min–2 h, then settles the behaviours
//! the warm start does not capture exactly (prefetch, stale-first windows).
//!
//! **Rows.** One row per second for the first 5 minutes after the change, then one per minute
//! to 1 hour (355 rows). Row `since_change_ms = t` with step `s` counts the lookups made at
//! times since the change in `[t - s, t)`: the first row is `[0 s, 1 s)`, the row at 60 s is
//! `[59 s, 60 s)`, the row at 900 s is `[14 min, 15 min)`. A lookup at the very instant of the
//! change already reaches the new authoritative answer when it misses.
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

use crate::model::population::{self, POPULATIONS};
use crate::model::resolver::{Answer, Resolution, ResolverBehaviour, ResolverCache};
use crate::rng::{chance, uniform_ms, unit, EntityKind, StreamPos, Streams};
use crate::scenario::ClientCache;
use rand_chacha::ChaCha8Rng;
use std::io::{self, Write};

/// Default number of resolver instances.
pub const DEFAULT_INSTANCES: u32 = 1000;
/// Default total lookup rate (lookups per second, all instances together).
pub const DEFAULT_RATE_PER_SECOND: f64 = 50.0;
/// Default master seed.
pub const DEFAULT_SEED: u64 = 1;

/// Largest accepted `instances`.
pub const MAX_INSTANCES: u32 = 1_000_000;
/// Smallest accepted `rate_per_second`: 0.01 lookups per second.
///
/// Why: below it the hour after the change sees fewer than 36 lookups, too few for a curve;
/// and far below it (`1e-20`) the time between lookups exceeds what milliseconds in a `u64`
/// can hold, so the run could not reach its end.
pub const MIN_RATE_PER_SECOND: f64 = 0.01;
/// Largest accepted `rate_per_second` (bounds a run to 10,000 × (2 h warm-up + 1 h) ≈ 1.1e8
/// lookups).
pub const MAX_RATE_PER_SECOND: f64 = 10_000.0;
/// Largest accepted TTL: 7 days, the cap RFC 8767 puts on TTLs.
pub const MAX_TTL_MS: u64 = 604_800_000;

/// Per-second rows cover the first 5 minutes after the change...
const FINE_UNTIL_MS: u64 = 300_000;
const FINE_STEP_MS: u64 = 1_000;
/// ...then per-minute rows to 1 hour.
const HORIZON_MS: u64 = 3_600_000;
const COARSE_STEP_MS: u64 = 60_000;

/// Warm-up bounds (see the module docs).
const MIN_WARMUP_MS: u64 = 600_000;
const MAX_WARMUP_MS: u64 = 7_200_000;

/// Simulated time of the warm start. Far from zero so that entries fetched "before" it need no
/// negative times; only differences from the change time reach the output.
const ORIGIN_MS: u64 = 1 << 40;

const OLD_ANSWER: Answer = 0;
const NEW_ANSWER: Answer = 1;

/// Parameters of one staleness experiment. Defaults: [`DEFAULT_INSTANCES`],
/// [`DEFAULT_RATE_PER_SECOND`], [`DEFAULT_SEED`] ([`StalenessParams::new`]).
#[derive(Clone, Debug, PartialEq)]
pub struct StalenessParams {
    /// Resolver population name (one of [`POPULATIONS`]: `internet`).
    pub population: String,
    /// Record TTL (ms).
    pub ttl_ms: u64,
    /// Resolver instances drawn from the population (1 to [`MAX_INSTANCES`]).
    pub instances: u32,
    /// Lookups per second over all instances (> 0, at most [`MAX_RATE_PER_SECOND`]).
    pub rate_per_second: f64,
    /// Master seed.
    pub seed: u64,
    /// Client-side cache in front of the resolvers (default none: resolver caches only). A
    /// fixed lifetime stands for an application cache such as Java's 30 s or the WorkSpaces
    /// client's own (`users.client_resolves`); `honor` for an OS stub cache.
    pub client_cache: ClientCache,
    /// Clients behind each resolver instance, each with its own cache (used only with a
    /// client cache; default [`DEFAULT_CLIENTS_PER_INSTANCE`]).
    pub clients_per_instance: u32,
}

/// Default clients per resolver instance when client caches are on: beyond 10-20 clients a
/// shared cache gains little (Jung et al., "DNS performance and the effectiveness of
/// caching", IEEE/ACM ToN 2002).
pub const DEFAULT_CLIENTS_PER_INSTANCE: u32 = 10;

impl StalenessParams {
    /// Parameters with the defaults for everything but the population and the TTL.
    pub fn new(population: impl Into<String>, ttl_ms: u64) -> Self {
        StalenessParams {
            population: population.into(),
            ttl_ms,
            instances: DEFAULT_INSTANCES,
            rate_per_second: DEFAULT_RATE_PER_SECOND,
            seed: DEFAULT_SEED,
            client_cache: ClientCache::None,
            clients_per_instance: DEFAULT_CLIENTS_PER_INSTANCE,
        }
    }

    /// Checks every parameter against its allowed range.
    pub fn validate(&self) -> Result<(), StalenessError> {
        if !POPULATIONS.contains(&self.population.as_str()) {
            return Err(StalenessError::UnknownPopulation(self.population.clone()));
        }
        if !(1..=MAX_INSTANCES).contains(&self.instances) {
            return Err(StalenessError::Instances(self.instances));
        }
        if !(MIN_RATE_PER_SECOND..=MAX_RATE_PER_SECOND).contains(&self.rate_per_second) {
            return Err(StalenessError::Rate(self.rate_per_second));
        }
        if self.ttl_ms > MAX_TTL_MS {
            return Err(StalenessError::Ttl(self.ttl_ms));
        }
        if !(1..=1000).contains(&self.clients_per_instance)
            || u64::from(self.clients_per_instance) * u64::from(self.instances)
                > u64::from(MAX_INSTANCES) * 10
        {
            return Err(StalenessError::Clients(self.clients_per_instance));
        }
        Ok(())
    }

    /// Mean time between two lookups at one instance (ms).
    fn mean_gap_ms(&self) -> f64 {
        f64::from(self.instances) * 1000.0 / self.rate_per_second
    }

    /// Simulated warm-up before the change (ms).
    fn warmup_ms(&self) -> u64 {
        let cycle_ms = self.ttl_ms as f64 + self.mean_gap_ms();
        ((10.0 * cycle_ms) as u64).clamp(MIN_WARMUP_MS, MAX_WARMUP_MS)
    }
}

/// A parameter out of range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StalenessError {
    /// No such population.
    #[error("unknown population `{0}`; allowed: \"internet\"")]
    UnknownPopulation(String),
    /// Instances out of range.
    #[error("instances = {0}: allowed 1 to 1,000,000")]
    Instances(u32),
    /// Rate out of range.
    #[error("rate = {0} lookups per second: allowed 0.01 to 10,000")]
    Rate(f64),
    /// TTL out of range.
    #[error("ttl = {0} ms: allowed 0 to 7 days")]
    Ttl(u64),
    /// Clients per instance out of range.
    #[error("clients = {0}: allowed 1 to 1,000 per instance, at most 10,000,000 in all")]
    Clients(u32),
}

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

/// One resolver instance of the experiment.
struct Instance {
    cache: ResolverCache,
    /// Where the instance's stream stands; reopened only for policies that draw.
    rng: StreamPos,
}

/// Exponential draw with mean `mean` (inverse CDF; `1 - unit` is in (0, 1]).
fn exponential(rng: &mut ChaCha8Rng, mean: f64) -> f64 {
    -libm::log(1.0 - unit(rng)) * mean
}

/// Puts a cache in the stationary state of Poisson lookups with mean gap `mean_gap_ms`, at
/// [`ORIGIN_MS`], holding the old answer (module docs, "Warm start").
fn warm_start(cache: &mut ResolverCache, ttl_ms: u64, mean_gap_ms: f64, rng: &mut ChaCha8Rng) {
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

/// Runs the experiment: one row per bucket, in time order (see the module docs).
pub fn staleness_curve(params: &StalenessParams) -> Result<Vec<StalenessRow>, StalenessError> {
    params.validate()?;
    let draw = |rng: &mut ChaCha8Rng| {
        population::behaviour(&params.population, rng).expect("validated population")
    };
    Ok(curve_with(params, &draw, HORIZON_MS))
}

/// [`staleness_curve`], calling `progress(done_ms, total_ms)` as simulated time advances
/// (every simulated minute), for a progress bar. The rows are the same.
pub fn staleness_curve_with_progress(
    params: &StalenessParams,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Vec<StalenessRow>, StalenessError> {
    params.validate()?;
    let draw = |rng: &mut ChaCha8Rng| {
        population::behaviour(&params.population, rng).expect("validated population")
    };
    Ok(curve_with_progress(params, &draw, HORIZON_MS, progress))
}

/// The experiment with instances drawn by `draw`, rows up to `horizon_ms` (<= 1 h) after the
/// change. Parameters are assumed valid.
fn curve_with(
    params: &StalenessParams,
    draw: &dyn Fn(&mut ChaCha8Rng) -> ResolverBehaviour,
    horizon_ms: u64,
) -> Vec<StalenessRow> {
    curve_with_progress(params, draw, horizon_ms, &mut |_, _| {})
}

/// [`curve_with`], reporting progress in simulated time.
fn curve_with_progress(
    params: &StalenessParams,
    draw: &dyn Fn(&mut ChaCha8Rng) -> ResolverBehaviour,
    horizon_ms: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> Vec<StalenessRow> {
    // Progress is reported each simulated minute; the next report is due at this time.
    let mut progress_due_ms = 0u64;
    let streams = Streams::new(params.seed);
    let mean_gap_ms = params.mean_gap_ms();
    let mut instances: Vec<Instance> = (0..params.instances)
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

    let change_at_ms = ORIGIN_MS + params.warmup_ms();
    let end_ms = change_at_ms + horizon_ms.min(HORIZON_MS);
    let ends: Vec<u64> = row_ends_ms()
        .into_iter()
        .take_while(|&e| e <= horizon_ms)
        .collect();
    let mut lookups = vec![0u64; ends.len()];
    let mut stale = vec![0u64; ends.len()];
    let mut arrivals = streams.stream(EntityKind::Scenario, 0);
    // Policies without random extensions never draw during a lookup; they get this generator,
    // which must stay untouched (checked in debug builds).
    let mut unused = streams.stream(EntityKind::Scenario, 1);
    let arrival_gap_ms = 1000.0 / params.rate_per_second;
    let last_instance = u64::from(params.instances) - 1;
    // Client caches: (answer, expires at) per client, clients of instance i at
    // [i * k, (i + 1) * k). Without them nothing extra is drawn, so the resolver-only curve
    // is unchanged.
    let with_clients = params.client_cache != ClientCache::None;
    let k = u64::from(params.clients_per_instance);
    let mut clients: Vec<(Answer, u64)> = if with_clients {
        vec![(OLD_ANSWER, 0); (u64::from(params.instances) * k) as usize]
    } else {
        Vec::new()
    };
    let mut elapsed_ms = 0.0f64;
    loop {
        if elapsed_ms as u64 >= progress_due_ms {
            progress(progress_due_ms, end_ms - ORIGIN_MS);
            progress_due_ms += 60_000;
        }
        elapsed_ms += exponential(&mut arrivals, arrival_gap_ms);
        // Saturating: a float beyond u64 casts to u64::MAX, which must end the run, not wrap.
        let now_ms = ORIGIN_MS.saturating_add(elapsed_ms as u64);
        if now_ms >= end_ms {
            break;
        }
        let index = uniform_ms(&mut arrivals, 0, last_instance);
        let client = if with_clients {
            Some((index * k + uniform_ms(&mut arrivals, 0, k - 1)) as usize)
        } else {
            None
        };
        if let Some(c) = client {
            let (answer, expires) = clients[c];
            if now_ms < expires {
                if now_ms >= change_at_ms {
                    let row = row_of(now_ms - change_at_ms);
                    lookups[row] += 1;
                    stale[row] += u64::from(answer == OLD_ANSWER);
                }
                continue;
            }
        }
        let instance = &mut instances[index as usize];
        let authoritative = |_: &mut ChaCha8Rng| {
            Some(if now_ms >= change_at_ms {
                NEW_ANSWER
            } else {
                OLD_ANSWER
            })
        };
        let resolution = if instance.cache.draws_randomness() {
            let mut rng = streams.open(EntityKind::Resolver, index, instance.rng);
            let r = instance
                .cache
                .lookup(now_ms, params.ttl_ms, &mut rng, authoritative);
            instance.rng = Streams::close(&rng);
            r
        } else {
            let r = instance
                .cache
                .lookup(now_ms, params.ttl_ms, &mut unused, authoritative);
            debug_assert_eq!(unused.get_word_pos(), 0, "a fixed policy drew randomness");
            r
        };
        if let (
            Some(c),
            Resolution::Answer {
                answer,
                expires_at_ms,
            },
        ) = (client, &resolution)
        {
            clients[c] = match params.client_cache {
                ClientCache::Honor => (*answer, *expires_at_ms),
                ClientCache::Fixed(life) => (*answer, now_ms + life),
                ClientCache::None => (*answer, 0),
            };
        }
        if now_ms < change_at_ms {
            continue;
        }
        let row = row_of(now_ms - change_at_ms);
        lookups[row] += 1;
        if matches!(
            resolution,
            Resolution::Answer {
                answer: OLD_ANSWER,
                ..
            }
        ) {
            stale[row] += 1;
        }
    }
    ends.iter()
        .zip(lookups.iter().zip(&stale))
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
    use crate::dist::Dist;
    use crate::scenario::TtlPolicySpec;

    /// Per-instance rate 0.05/s: one lookup every 20 s on average, as in the calibration.
    fn params(instances: u32, seed: u64) -> StalenessParams {
        StalenessParams {
            instances,
            rate_per_second: f64::from(instances) / 20.0,
            seed,
            ..StalenessParams::new("internet", 20_000)
        }
    }

    fn at(rows: &[StalenessRow], since_change_ms: u64) -> &StalenessRow {
        rows.iter()
            .find(|r| r.since_change_ms == since_change_ms)
            .expect("row exists")
    }

    /// Stale share over the rows ending in `(from_ms, to_ms]`.
    fn share(rows: &[StalenessRow], from_ms: u64, to_ms: u64) -> f64 {
        let (n, s) = rows
            .iter()
            .filter(|r| r.since_change_ms > from_ms && r.since_change_ms <= to_ms)
            .fold((0, 0), |(n, s), r| (n + r.lookups, s + r.stale_lookups));
        s as f64 / n as f64
    }

    #[test]
    fn internet_matches_flavel_2014() {
        // Flavel et al., IEEE LANMAN 2014: TTL 20 s; ~90 % of requests on the new answer within
        // 60 s, ~2 % still stale after 15 min. 8,000 instances at 0.05 lookups/s each. The 60 s
        // point is read over the rows of [55 s, 65 s) (~4,000 lookups, binomial sd ~0.4
        // points); the 15 min row alone has ~24,000 lookups.
        let p = params(8_000, 2014);
        let draw = |rng: &mut ChaCha8Rng| population::internet_behaviour(rng);
        let rows = curve_with(&p, &draw, 900_000);
        let fresh_60s = 1.0 - share(&rows, 55_000, 65_000);
        let stale_15min = at(&rows, 900_000).stale_share.unwrap();
        assert!(
            (0.85..=0.95).contains(&fresh_60s),
            "fresh at 60 s: {fresh_60s}"
        );
        assert!(
            (0.01..=0.04).contains(&stale_15min),
            "stale at 15 min: {stale_15min}"
        );
        // The shape: a fast knee within a few TTLs, then a long thin tail.
        assert!(share(&rows, 0, 10_000) > 0.3);
        assert!(share(&rows, 0, 10_000) > 2.0 * share(&rows, 55_000, 65_000));
        assert!(share(&rows, 55_000, 65_000) > 2.0 * stale_15min);
    }

    #[test]
    fn honouring_caches_are_stale_for_at_most_the_ttl() {
        // All instances honour a 20 s TTL and see a lookup every 20 s on average: at the change
        // half of them hold a live entry (L / (L + g) = 20 / 40) with a residual life uniform
        // on [0, 20 s), so the stale share falls linearly from 50 % to 0 at 20 s.
        let p = params(4_000, 5);
        let draw = |_: &mut ChaCha8Rng| ResolverBehaviour::default();
        let rows = curve_with(&p, &draw, 300_000);
        let first = share(&rows, 0, 4_000); // [0, 4 s): 0.5 x (1 - 2/20)
        assert!((first - 0.45).abs() < 0.06, "first 4 s: {first}");
        let mid = share(&rows, 8_000, 12_000); // [8 s, 12 s): 0.5 x (1 - 10/20)
        assert!((mid - 0.25).abs() < 0.05, "8-12 s: {mid}");
        let all = share(&rows, 0, 20_000);
        assert!((all - 0.25).abs() < 0.025, "first 20 s: {all}");
        assert_eq!(share(&rows, 20_000, 300_000), 0.0);
    }

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
        let draw = |_: &mut ChaCha8Rng| {
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
        let draw = |_: &mut ChaCha8Rng| {
            ResolverBehaviour::from(TtlPolicySpec::Extend(Dist::Fixed(86_380_000)))
        };
        let rows = curve_with(&p, &draw, HORIZON_MS);
        let got = share(&rows, 0, HORIZON_MS); // 0.5 x (1 - 0.5 h / 24 h)
        assert!((got - 0.49).abs() < 0.04, "first hour: {got}");
    }

    #[test]
    fn extenders_hold_the_old_answer_for_their_whole_lifetime() {
        // TTL 20 s + a fixed 100 s extension: lifetime 120 s, live with probability
        // 120 / 140, residual uniform on [0, 120 s): stale share (120 s - t) / 140 s.
        let p = params(4_000, 6);
        let draw = |_: &mut ChaCha8Rng| {
            ResolverBehaviour::from(TtlPolicySpec::Extend(Dist::Fixed(100_000)))
        };
        let rows = curve_with(&p, &draw, 300_000);
        let s60 = share(&rows, 50_000, 70_000); // [50 s, 70 s), linear: the value at 60 s
        assert!((s60 - 60.0 / 140.0).abs() < 0.035, "around 60 s: {s60}");
        assert!(share(&rows, 100_000, 120_000) > 0.0);
        assert_eq!(share(&rows, 120_000, 300_000), 0.0);
    }

    #[test]
    fn stale_first_adds_one_lookup_gap_after_expiry() {
        // Stale-first caches give the old answer to the first lookup after max(change,
        // expiry). With TTL 20 s and gaps of mean g = 20 s, past the TTL the stale share is
        // 0.5 e^(-t/g) (e - 1) (entries live at the change) + 0.5 e^(-t/g) (expired ones)
        // = 0.5 e^(1 - t/g); plain caches are never stale past the TTL.
        let p = params(4_000, 7);
        let plain = |_: &mut ChaCha8Rng| ResolverBehaviour::default();
        let optimistic = |_: &mut ChaCha8Rng| ResolverBehaviour {
            stale_first: true,
            ..ResolverBehaviour::default()
        };
        let a = curve_with(&p, &plain, 300_000);
        let b = curve_with(&p, &optimistic, 300_000);
        assert_eq!(share(&a, 20_000, 300_000), 0.0);
        // Mean of 0.5 e^(1 - t/20) over t in [29 s, 50 s).
        let expected = 0.5 * std::f64::consts::E * 20.0 / 21.0
            * (libm::exp(-29.0 / 20.0) - libm::exp(-50.0 / 20.0));
        let got = share(&b, 30_000, 50_000);
        assert!((got - expected).abs() < 0.03, "{got} vs {expected}");
        assert!(share(&b, 120_000, 300_000) < 0.01);
        assert!(share(&b, 0, 20_000) > share(&a, 0, 20_000));
    }

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
    fn a_client_lifetime_holds_the_old_answer_until_it_expires() {
        // 10 clients per instance, each looking up every 200 s on average, with a 15-minute
        // cache of their own: at the change most hold a live entry (900 / (900 + 200)), and
        // it outlives every resolver's.
        let base = params(2_000, 5);
        let resolvers_only = staleness_curve(&base).unwrap();
        let with_clients = staleness_curve(&StalenessParams {
            client_cache: ClientCache::Fixed(900_000),
            ..base.clone()
        })
        .unwrap();
        let share = |rows: &[StalenessRow], t| at(rows, t).stale_share.unwrap();
        assert!(share(&resolvers_only, 300_000) < 0.1);
        assert!(
            share(&with_clients, 300_000) > 0.7,
            "{}",
            share(&with_clients, 300_000)
        );
        // After the client lifetime only the resolvers' tail is left.
        assert!(share(&with_clients, 1_800_000) < 0.1);
        // An OS cache honouring the TTL adds little: it expires with the resolver's entry.
        let honor = staleness_curve(&StalenessParams {
            client_cache: ClientCache::Honor,
            ..base
        })
        .unwrap();
        assert!(share(&honor, 300_000) < 0.15);
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
    fn bad_parameters_are_refused() {
        let ok = StalenessParams::new("internet", 20_000);
        let bad = |f: &dyn Fn(&mut StalenessParams)| {
            let mut p = ok.clone();
            f(&mut p);
            staleness_curve(&p).unwrap_err()
        };
        assert_eq!(
            bad(&|p| p.population = "corp".into()),
            StalenessError::UnknownPopulation("corp".into())
        );
        assert_eq!(bad(&|p| p.instances = 0), StalenessError::Instances(0));
        assert!(matches!(
            bad(&|p| p.rate_per_second = 0.0),
            StalenessError::Rate(_)
        ));
        assert!(matches!(
            bad(&|p| p.rate_per_second = f64::NAN),
            StalenessError::Rate(_)
        ));
        assert!(matches!(
            bad(&|p| p.rate_per_second = 1e9),
            StalenessError::Rate(_)
        ));
        // A rate this low never ended: the arrival time saturated and the end wrapped.
        assert!(matches!(
            bad(&|p| p.rate_per_second = 1e-20),
            StalenessError::Rate(_)
        ));
        assert_eq!(
            bad(&|p| p.ttl_ms = MAX_TTL_MS + 1),
            StalenessError::Ttl(MAX_TTL_MS + 1)
        );
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
