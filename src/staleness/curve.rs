//! The experiment's event loop: Poisson lookups over the resolver instances (and their
//! clients), one answer change, and the count of old answers given after it.

use super::clients::ClientCaches;
use super::resolvers::{exponential, Resolvers};
use super::rows::{StalenessRow, Tally, HORIZON_MS};
use super::{StalenessParams, OLD_ANSWER, ORIGIN_MS};
use crate::model::resolver::{Answer, Resolution, ResolverBehaviour};
use crate::rng::EntityRng;
use crate::rng::{uniform_ms, EntityKind, Streams};

/// Simulated time between two progress reports.
const PROGRESS_STEP_MS: u64 = 60_000;

/// The one Poisson stream of lookups, from `(Scenario, 0)`: when each comes and which
/// instance it goes to.
struct Arrivals {
    rng: EntityRng,
    /// Mean gap between two lookups over all instances.
    gap_ms: f64,
    last_instance: u64,
    /// Time of the last lookup since [`ORIGIN_MS`]; a float so that gaps do not round.
    elapsed_ms: f64,
}

impl Arrivals {
    fn new(params: &StalenessParams, streams: &Streams) -> Self {
        Arrivals {
            rng: streams.stream(EntityKind::Scenario, 0),
            gap_ms: 1000.0 / params.rate_per_second,
            last_instance: u64::from(params.instances) - 1,
            elapsed_ms: 0.0,
        }
    }

    /// The time of the next lookup.
    fn next_ms(&mut self) -> u64 {
        self.elapsed_ms += exponential(&mut self.rng, self.gap_ms);
        // Saturating: a float beyond u64 casts to u64::MAX, which must end the run, not wrap.
        ORIGIN_MS.saturating_add(self.elapsed_ms as u64)
    }

    /// The instance the lookup goes to, uniformly.
    fn instance(&mut self) -> u64 {
        uniform_ms(&mut self.rng, 0, self.last_instance)
    }
}

/// The experiment with instances drawn by `draw`, rows up to `horizon_ms` (<= 1 h) after the
/// change. Parameters are assumed valid.
#[cfg(test)]
pub(super) fn curve_with(
    params: &StalenessParams,
    draw: &dyn Fn(&mut EntityRng) -> ResolverBehaviour,
    horizon_ms: u64,
) -> Vec<StalenessRow> {
    curve_with_progress(params, draw, horizon_ms, &mut |_, _| {})
}

/// The experiment with instances drawn by `draw`, rows up to `horizon_ms` (<= 1 h) after the
/// change, calling `progress(done_ms, total_ms)` each simulated minute. Parameters are
/// assumed valid.
pub(super) fn curve_with_progress(
    params: &StalenessParams,
    draw: &dyn Fn(&mut EntityRng) -> ResolverBehaviour,
    horizon_ms: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> Vec<StalenessRow> {
    let streams = Streams::new(params.seed);
    let mut resolvers = Resolvers::warm(params, draw, &streams);
    let mut clients = ClientCaches::new(params);
    let mut arrivals = Arrivals::new(params, &streams);
    let mut tally = Tally::new(horizon_ms);
    let change_at_ms = ORIGIN_MS + params.warmup_ms();
    let end_ms = change_at_ms + horizon_ms.min(HORIZON_MS);
    // The next progress report is due at this simulated time since the origin.
    let mut progress_due_ms = 0u64;
    loop {
        if arrivals.elapsed_ms as u64 >= progress_due_ms {
            progress(progress_due_ms, end_ms - ORIGIN_MS);
            progress_due_ms += PROGRESS_STEP_MS;
        }
        let now_ms = arrivals.next_ms();
        if now_ms >= end_ms {
            break;
        }
        let index = arrivals.instance();
        let client = clients.pick(&mut arrivals.rng, index);
        let lookup = Lookup {
            index,
            client,
            now_ms,
            change_at_ms,
        };
        let answer = lookup.answer(&mut resolvers, &mut clients);
        if now_ms >= change_at_ms {
            tally.count(now_ms - change_at_ms, answer == Some(OLD_ANSWER));
        }
    }
    tally.into_rows()
}

/// One lookup: at `now_ms`, by `client` (with client caches) through instance `index`.
struct Lookup {
    index: u64,
    client: Option<usize>,
    now_ms: u64,
    change_at_ms: u64,
}

impl Lookup {
    /// The answer given: the client's own while it is live, else the resolver's (which the
    /// client then keeps); `None` when the resolver fails.
    fn answer(&self, resolvers: &mut Resolvers, clients: &mut ClientCaches) -> Option<Answer> {
        if let Some(answer) = self
            .client
            .and_then(|c| clients.live_answer(c, self.now_ms))
        {
            return Some(answer);
        }
        let resolution = resolvers.lookup(self.index, self.now_ms, self.change_at_ms);
        if let Some(c) = self.client {
            clients.store(c, &resolution, self.now_ms);
        }
        match resolution {
            Resolution::Answer { answer, .. } => Some(answer),
            Resolution::Failed => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{at, params, share};
    use super::*;
    use crate::dist::Dist;
    use crate::model::population;
    use crate::scenario::TtlPolicySpec;

    #[test]
    fn internet_matches_flavel_2014() {
        // Flavel et al., IEEE LANMAN 2014: TTL 20 s; ~90 % of requests on the new answer within
        // 60 s, ~2 % still stale after 15 min. 8,000 instances at 0.05 lookups/s each. The 60 s
        // point is read over the rows of [55 s, 65 s) (~4,000 lookups, binomial sd ~0.4
        // points); the 15 min row alone has ~24,000 lookups.
        let p = params(8_000, 2014);
        let draw = |rng: &mut EntityRng| population::internet_behaviour(rng);
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
        let draw = |_: &mut EntityRng| ResolverBehaviour::default();
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
    fn extenders_hold_the_old_answer_for_their_whole_lifetime() {
        // TTL 20 s + a fixed 100 s extension: lifetime 120 s, live with probability
        // 120 / 140, residual uniform on [0, 120 s): stale share (120 s - t) / 140 s.
        let p = params(4_000, 6);
        let draw = |_: &mut EntityRng| {
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
        let plain = |_: &mut EntityRng| ResolverBehaviour::default();
        let optimistic = |_: &mut EntityRng| ResolverBehaviour {
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
    fn a_shorter_horizon_gives_the_first_rows_of_the_full_curve() {
        let p = params(200, 4);
        let draw = |rng: &mut EntityRng| population::internet_behaviour(rng);
        let full = curve_with(&p, &draw, HORIZON_MS);
        let short = curve_with(&p, &draw, 300_000);
        assert_eq!(short.len(), 300);
        assert_eq!(short[..], full[..300]);
    }
}
