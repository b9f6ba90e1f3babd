//! Resolver populations: many resolver instances whose behaviour is drawn from a documented
//! mixture (README, Model: resolver populations).
//!
//! A scenario's `[[resolver]]` with `population = "internet"` stands for the recursive
//! resolvers of users at home or on the road (ISP, public and home-router resolvers). Each
//! instance draws its behaviour once, independently, from its own random stream
//! ([`internet_behaviour`]). The draws are made in the order of the table rows.
//!
//! | Component | Share of instances | Behaviour drawn | Basis |
//! |---|---|---|---|
//! | TTL extenders | 8.7 % | `extend`: TTL + a *per-instance* fixed extension; extension log-uniform in 2–15 min (60 %), 15 min–1 h (25 %), 1 h–1 day (12 %), 1–3 days (3 %) | share: Bhowmick et al., "TTL Violation of DNS Resolvers in the Wild", PAM 2023; shape: our choice, tail tuned to Flavel et al., IEEE LANMAN 2014 |
//! | Honouring, no floor | 91.3 % × 80 % | `honor` | the rest |
//! | Honouring, 5 s floor | 91.3 % × 15 % | `min_ttl` 5 s | Knot Resolver and CoreDNS defaults; share our estimate |
//! | Honouring, admin floor | 91.3 % × 5 % | `min_ttl` uniform 30–90 s (whole seconds) | BIND allows at most 90 s; share our estimate |
//! | Stale-first (optimistic) | 3 %, independent of the above | `stale_first`; window 1 h (60 %), 1 day (30 %), unlimited (10 %) | dnsmasq/Pi-hole v6/CoreDNS/old Unbound; share our estimate (0.02–0.05) |
//! | RFC 8767 serve-stale | 25 %, independent | `serve_stale` 1 day | RFC 8767 (1–3 days suggested), Unbound/BIND 1 day; share our estimate |
//! | Prefetch | 30 %, independent | `prefetch` | BIND on by default, Unbound/CoreDNS optional; share our estimate |
//!
//! Why the extension is drawn per *instance* and not per fetch: a resolver that ignores short
//! TTLs does so by configuration (a TTL override or floor), so it applies the same lifetime at
//! every refresh. Per-fetch draws from the same heavy-tailed distribution would let every
//! extender sooner or later hold an answer for hours (the time-average is dominated by the
//! longest draws), and about 8 % of lookups would then stay stale at 15 min — four times the
//! 2 % that Flavel et al. measured.
//!
//! Not modelled: max-TTL caps (all ≥ 300 s, irrelevant for failover TTLs), forwarder
//! chains (at most a few seconds of rounding), and resolver farms whose separate caches
//! make ~30 % of lookups miss (Moura et al., "When the Dike Breaks", ACM IMC 2018) — those only
//! make answers fresher.
//!
//! Calibration (see [`crate::staleness`]): with a 20 s TTL and one lookup per instance every
//! 20 s on average, the mixture gives about 8 % stale lookups 60 s after an answer change
//! (Flavel: at most 10 %) and about 2.3 % at 15 min (Flavel: 2 %).

use super::resolver::{ResolverBehaviour, STALE_FIRST_WINDOW_MS};
use crate::dist::Dist;
use crate::rng::EntityRng;
use crate::rng::{chance, pick_cumulative, uniform_ms, unit};
use crate::scenario::TtlPolicySpec;

/// Population names [`behaviour`] knows.
pub const POPULATIONS: &[&str] = &["internet"];

/// Share of instances that extend TTLs (Bhowmick et al. 2023: 8.74 % of 8,524 resolvers).
pub const P_EXTEND: f64 = 0.087;

/// Extension classes of the extenders: (cumulative share, lower bound ms, upper bound ms),
/// drawn log-uniformly within a class.
const EXTENSION_CLASSES: [(f64, u64, u64); 4] = [
    (0.60, 120_000, 900_000),
    (0.85, 900_000, 3_600_000),
    (0.97, 3_600_000, 86_400_000),
    (1.00, 86_400_000, 259_200_000),
];

/// Floors of honouring instances: (cumulative share, floor ms or `None` for the admin range).
const FLOOR_CLASSES: [(f64, Option<u64>); 3] = [(0.80, Some(0)), (0.95, Some(5_000)), (1.00, None)];

/// Range of administrator-set floors (BIND's `min-cache-ttl` cannot exceed 90 s).
const ADMIN_FLOOR_MS: (u64, u64) = (30_000, 90_000);

/// Share of instances that serve stale first (home routers with dnsmasq/Pi-hole, CoreDNS
/// `immediate`, Unbound < 1.23 with `serve-expired`).
pub const P_STALE_FIRST: f64 = 0.03;

/// Stale-first windows: (cumulative share, window ms). Pi-hole/CoreDNS 1 h, dnsmasq and
/// Unbound >= 1.23 1 day, Unbound < 1.23 unlimited.
const STALE_FIRST_WINDOWS: [(f64, u64); 3] = [
    (0.60, STALE_FIRST_WINDOW_MS),
    (0.90, 86_400_000),
    (1.00, u64::MAX),
];

/// Share of instances with RFC 8767 serve-stale on (prevalence unconfirmed).
pub const P_SERVE_STALE: f64 = 0.25;

/// RFC 8767 window of those instances: 1 day (Unbound `serve-expired-ttl`, BIND
/// `max-stale-ttl`).
pub const SERVE_STALE_WINDOW_MS: u64 = 86_400_000;

/// Share of instances that prefetch (BIND's default is on; prevalence unconfirmed).
pub const P_PREFETCH: f64 = 0.30;

/// Draws one instance of the named population, or `None` for an unknown name (see
/// [`POPULATIONS`]).
pub fn behaviour(population: &str, rng: &mut EntityRng) -> Option<ResolverBehaviour> {
    match population {
        "internet" => Some(internet_behaviour(rng)),
        _ => None,
    }
}

/// Draws one `internet` resolver instance's behaviour from the mixture in the module docs, in
/// the order of the table rows. It reads only `rng`, so an instance drawn from its own stream
/// is the same whatever the other instances are.
pub fn internet_behaviour(rng: &mut EntityRng) -> ResolverBehaviour {
    let policy = if chance(rng, P_EXTEND) {
        TtlPolicySpec::Extend(Dist::Fixed(extension_ms(rng)))
    } else {
        match FLOOR_CLASSES[pick_cumulative(rng, &FLOOR_CLASSES.map(|c| c.0))].1 {
            Some(0) => TtlPolicySpec::Honor,
            Some(floor) => TtlPolicySpec::MinTtl(floor),
            None => {
                let (lo, hi) = ADMIN_FLOOR_MS;
                TtlPolicySpec::MinTtl(uniform_ms(rng, lo / 1000, hi / 1000) * 1000)
            }
        }
    };
    let stale_first = chance(rng, P_STALE_FIRST);
    let stale_first_window_ms = if stale_first {
        stale_first_window_ms(rng)
    } else {
        STALE_FIRST_WINDOW_MS
    };
    let serve_stale_ms = if chance(rng, P_SERVE_STALE) {
        SERVE_STALE_WINDOW_MS
    } else {
        0
    };
    let prefetch = chance(rng, P_PREFETCH);
    ResolverBehaviour {
        policy,
        serve_stale_ms,
        stale_first,
        prefetch,
        stale_first_window_ms,
    }
}

/// One extender's extension: a class by its share, then log-uniform inside the class.
fn extension_ms(rng: &mut EntityRng) -> u64 {
    let (_, lo, hi) = EXTENSION_CLASSES[pick_cumulative(rng, &EXTENSION_CLASSES.map(|c| c.0))];
    log_uniform_ms(rng, lo, hi)
}

/// One stale-first instance's window.
fn stale_first_window_ms(rng: &mut EntityRng) -> u64 {
    STALE_FIRST_WINDOWS[pick_cumulative(rng, &STALE_FIRST_WINDOWS.map(|c| c.0))].1
}

/// Log-uniform draw in `[lo_ms, hi_ms]`, rounded to whole milliseconds (`libm` for
/// platform-identical bits).
fn log_uniform_ms(rng: &mut EntityRng, lo_ms: u64, hi_ms: u64) -> u64 {
    let (a, b) = (libm::log(lo_ms as f64), libm::log(hi_ms as f64));
    let x = libm::exp(a + unit(rng) * (b - a)).round() as u64;
    x.clamp(lo_ms, hi_ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{EntityKind, Streams};

    /// One stream for all draws: these tests check the mixture, not stream numbering.
    fn rng() -> EntityRng {
        Streams::new(11).stream(EntityKind::Resolver, 0)
    }

    fn draw(n: u64) -> Vec<ResolverBehaviour> {
        let mut r = rng();
        (0..n).map(|_| internet_behaviour(&mut r)).collect()
    }

    fn share(xs: &[ResolverBehaviour], f: impl Fn(&ResolverBehaviour) -> bool) -> f64 {
        xs.iter().filter(|b| f(b)).count() as f64 / xs.len() as f64
    }

    #[test]
    fn shares_match_the_table() {
        let xs = draw(40_000);
        // Binomial standard deviations at n = 40,000 are at most 0.25 %; tolerances are ~4 sd.
        let extend = share(&xs, |b| matches!(b.policy, TtlPolicySpec::Extend(_)));
        assert!((extend - P_EXTEND).abs() < 0.006, "extend {extend}");
        let honor = share(&xs, |b| b.policy == TtlPolicySpec::Honor);
        assert!((honor - 0.913 * 0.80).abs() < 0.01, "honor {honor}");
        let five = share(&xs, |b| b.policy == TtlPolicySpec::MinTtl(5_000));
        assert!((five - 0.913 * 0.15).abs() < 0.008, "5 s floor {five}");
        let admin = share(
            &xs,
            |b| matches!(b.policy, TtlPolicySpec::MinTtl(f) if (30_000..=90_000).contains(&f)),
        );
        assert!((admin - 0.913 * 0.05).abs() < 0.005, "admin floor {admin}");
        let sf = share(&xs, |b| b.stale_first);
        assert!((sf - P_STALE_FIRST).abs() < 0.004, "stale-first {sf}");
        let ss = share(&xs, |b| b.serve_stale_ms == SERVE_STALE_WINDOW_MS);
        assert!((ss - P_SERVE_STALE).abs() < 0.01, "serve-stale {ss}");
        assert!(xs
            .iter()
            .all(|b| b.serve_stale_ms == 0 || b.serve_stale_ms == SERVE_STALE_WINDOW_MS));
        let pf = share(&xs, |b| b.prefetch);
        assert!((pf - P_PREFETCH).abs() < 0.01, "prefetch {pf}");
    }

    #[test]
    fn extensions_follow_their_classes() {
        let mut r = rng();
        let ext: Vec<u64> = (0..100_000).map(|_| extension_ms(&mut r)).collect();
        let le = |ms: u64| ext.iter().filter(|&&e| e <= ms).count() as f64 / ext.len() as f64;
        let (lo, first_hi) = (EXTENSION_CLASSES[0].1, EXTENSION_CLASSES[0].2);
        assert!(ext.iter().all(|&e| (lo..=259_200_000).contains(&e)));
        // Binomial sd at n = 100,000 is at most 0.16 points; tolerances are ~4-6 sd.
        assert!(
            (le(900_000) - 0.60).abs() < 0.01,
            "<= 15 min {}",
            le(900_000)
        );
        assert!(
            (le(3_600_000) - 0.85).abs() < 0.01,
            "<= 1 h {}",
            le(3_600_000)
        );
        assert!(
            (le(86_400_000) - 0.97).abs() < 0.005,
            "<= 1 day {}",
            le(86_400_000)
        );
        // Log-uniform inside the first class: the geometric midpoint splits it in half.
        let mid = libm::sqrt(lo as f64 * first_hi as f64) as u64;
        assert!((le(mid) - 0.30).abs() < 0.01, "<= {mid} ms {}", le(mid));
        // Every extender keeps its extension: a fixed policy, nothing drawn per fetch.
        assert!(draw(2_000).iter().all(|b| match &b.policy {
            TtlPolicySpec::Extend(d) => matches!(d, Dist::Fixed(_)),
            _ => true,
        }));
    }

    #[test]
    fn stale_first_windows_follow_the_table() {
        let mut r = rng();
        let w: Vec<u64> = (0..50_000).map(|_| stale_first_window_ms(&mut r)).collect();
        let of = |x: u64| w.iter().filter(|&&y| y == x).count() as f64 / w.len() as f64;
        assert!((of(3_600_000) - 0.6).abs() < 0.01);
        assert!((of(86_400_000) - 0.3).abs() < 0.01);
        assert!((of(u64::MAX) - 0.1).abs() < 0.01);
        let xs = draw(20_000);
        assert!(xs
            .iter()
            .all(|b| b.stale_first || b.stale_first_window_ms == STALE_FIRST_WINDOW_MS));
    }

    #[test]
    fn draws_are_reproducible_and_named() {
        let s = Streams::new(3);
        let a = behaviour("internet", &mut s.stream(EntityKind::Resolver, 7));
        let b = behaviour("internet", &mut s.stream(EntityKind::Resolver, 7));
        assert_eq!(a, b);
        assert!(a.is_some());
        assert!(behaviour("intranet", &mut s.stream(EntityKind::Resolver, 7)).is_none());
        assert!(POPULATIONS.contains(&"internet"));
    }
}
