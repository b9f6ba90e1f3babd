//! Recursive resolvers: one shared cache per resolver instance (RFC 1035, RFC 2308, RFC 8767;
//! the defaults of BIND, Unbound, CoreDNS and dnsmasq as their documentation gives them).
//!
//! A lookup that finds a live entry returns it; otherwise the resolver asks the authoritative
//! servers and caches the answer for a lifetime set by its TTL policy:
//! `honor` = TTL, `min_ttl` = max(TTL, floor), `max_ttl` = min(TTL, cap), `extend` = TTL plus
//! an extension drawn per fetch (the 8.7 % of resolvers that keep answers longer: Bhowmick et al.,
//! "TTL Violation of DNS Resolvers in the
//! Wild", PAM 2023).
//! Downstream caches receive the remaining lifetime, as a resolver passes on the decremented
//! TTL.
//!
//! Three optional behaviours change what happens around expiry ([`ResolverBehaviour`]):
//! - **serve-stale** (RFC 8767): only when the authoritative servers *cannot be reached*,
//!   an entry that expired no longer than the window ago is answered with a 30 s stale TTL.
//!   When the authoritative answers, its (possibly changed) answer is returned, never the
//!   stale one.
//! - **stale-first** (dnsmasq `--use-stale-cache`, Pi-hole v6, CoreDNS `serve_stale` in
//!   `immediate` mode, Unbound < 1.23 with `serve-expired`): the first
//!   lookup after expiry gets the expired answer (TTL 0, as CoreDNS sends it: nothing
//!   downstream keeps it) and triggers a background refresh.
//!   The refresh is modelled as completing at the same instant, so the *next* lookup gets the
//!   new answer.
//! - **prefetch** (BIND `prefetch`, Unbound `prefetch`): a hit on an entry in the last
//!   10 % of its lifetime (for lifetimes of at least 9 s) refreshes it in the background. The
//!   refresh only ever happens before expiry, so it never lengthens staleness.
//!
//! Refreshes are instantaneous: the simulator has no resolver-to-authoritative latency (the
//! RFC 8767 1.8 s client-response timer is not modelled).

use crate::dist::Dist;
use crate::rng::EntityRng;
use crate::scenario::{ResolverSpec, TtlPolicySpec};

/// A DNS answer: a Region index, or one of the special values below.
pub type Answer = u8;
/// The name does not resolve (lapsed domain, record removed): NXDOMAIN.
pub const ANSWER_NONE: Answer = 255;
/// A stranger's record (hijacked domain).
pub const ANSWER_HIJACKED: Answer = 254;
/// A TXT value that matches no association of the connection alias
/// ([`crate::scenario::RecordSpec::UNMATCHED`]): the client cannot map it to a Region.
pub const ANSWER_UNMATCHED: Answer = crate::scenario::RecordSpec::UNMATCHED as Answer;

/// TTL a serve-stale answer carries downstream: 30 s, as RFC 8767 recommends and BIND
/// (`stale-answer-ttl`), Unbound and systemd-resolved use.
pub const STALE_ANSWER_TTL_MS: u64 = 30_000;

/// How long past expiry a stale-first resolver still serves an expired entry, by default:
/// 1 h, Pi-hole v6's `dns.cache.optimizer` and CoreDNS's `serve_stale` default.
pub const STALE_FIRST_WINDOW_MS: u64 = 3_600_000;

/// Prefetch applies only to entries whose lifetime is at least this long (BIND `prefetch 2 9`:
/// records with an original TTL of 9 s or more).
pub const PREFETCH_MIN_LIFETIME_MS: u64 = 9_000;

/// Prefetch triggers on a hit when at most this percentage of the entry's lifetime remains
/// (Unbound and CoreDNS: the last 10 %).
pub const PREFETCH_REMAINING_PERCENT: u64 = 10;

/// Everything that decides how one resolver instance caches.
///
/// Defaults ([`Default`]): `honor`, no serve-stale, no stale-first, no prefetch, a stale-first
/// window of [`STALE_FIRST_WINDOW_MS`] (used only when `stale_first` is set).
#[derive(Clone, Debug, PartialEq)]
pub struct ResolverBehaviour {
    /// TTL policy: how long a freshly fetched answer is cached.
    pub policy: TtlPolicySpec,
    /// RFC 8767 serve-stale window (ms past expiry); 0 = off.
    pub serve_stale_ms: u64,
    /// Serve an expired entry once and refresh in the background (dnsmasq/Pi-hole style).
    pub stale_first: bool,
    /// Refresh entries hit in the last 10 % of their lifetime (BIND/Unbound style).
    pub prefetch: bool,
    /// How long past expiry a stale-first resolver still serves the expired entry (ms);
    /// `u64::MAX` = unlimited (Unbound < 1.23 with `serve-expired-ttl: 0`).
    pub stale_first_window_ms: u64,
}

impl Default for ResolverBehaviour {
    fn default() -> Self {
        ResolverBehaviour {
            policy: TtlPolicySpec::Honor,
            serve_stale_ms: 0,
            stale_first: false,
            prefetch: false,
            stale_first_window_ms: STALE_FIRST_WINDOW_MS,
        }
    }
}

impl From<TtlPolicySpec> for ResolverBehaviour {
    /// A plain cache with this TTL policy and no stale or prefetch behaviour.
    fn from(policy: TtlPolicySpec) -> Self {
        ResolverBehaviour {
            policy,
            ..ResolverBehaviour::default()
        }
    }
}

impl From<&ResolverSpec> for ResolverBehaviour {
    /// The behaviour a scenario's explicit `[[resolver]]` entry describes. The scenario file
    /// has no stale-first window, so `stale_first = true` uses [`STALE_FIRST_WINDOW_MS`]
    /// (1 h, the Pi-hole v6 default). Population entries draw each instance's behaviour from
    /// [`crate::model::population`] instead.
    fn from(spec: &ResolverSpec) -> Self {
        ResolverBehaviour {
            policy: spec.ttl_policy.clone(),
            serve_stale_ms: spec.serve_stale_ms,
            stale_first: spec.stale_first,
            prefetch: spec.prefetch,
            stale_first_window_ms: STALE_FIRST_WINDOW_MS,
        }
    }
}

/// One resolver instance's cache of the FQDN.
///
/// Counters: every lookup adds one to exactly one of `hits` and `misses`, so
/// `hits + misses` is the number of lookups.
#[derive(Clone, Debug)]
pub struct ResolverCache {
    /// Cached answer.
    pub answer: Answer,
    /// When the cached entry expires (ms). Meaningful only while `lifetime_ms > 0`.
    pub expires_at_ms: u64,
    /// Lifetime the cached entry was given when fetched (ms); 0 = nothing cached (an answer
    /// with a zero lifetime is not cached, RFC 1035 §3.2.1).
    pub lifetime_ms: u64,
    /// How this instance caches.
    pub behaviour: ResolverBehaviour,
    /// Lookups answered from the cache (fresh or stale) without asking the authoritative.
    pub hits: u64,
    /// Lookups that sent a query to the authoritative: cache misses, prefetches, and the
    /// background refresh after a stale-first answer.
    pub misses: u64,
    /// Lookups answered with an expired entry (serve-stale or stale-first).
    pub stale_answers: u64,
}

/// Result of a resolver lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// The answer and the time it stops being valid downstream.
    Answer {
        /// Region index or special value.
        answer: Answer,
        /// Absolute expiry passed downstream.
        expires_at_ms: u64,
    },
    /// SERVFAIL: the resolver could not get an answer.
    Failed,
}

impl ResolverCache {
    /// An empty cache. Takes a [`ResolverBehaviour`], or anything that converts into one (a
    /// bare [`TtlPolicySpec`] gives a plain cache with that policy).
    pub fn new(behaviour: impl Into<ResolverBehaviour>) -> Self {
        ResolverCache {
            answer: ANSWER_NONE,
            expires_at_ms: 0,
            lifetime_ms: 0,
            behaviour: behaviour.into(),
            hits: 0,
            misses: 0,
            stale_answers: 0,
        }
    }

    /// Cache lifetime for a freshly fetched answer with record TTL `ttl_ms`.
    pub fn lifetime_ms(&self, ttl_ms: u64, rng: &mut EntityRng) -> u64 {
        match &self.behaviour.policy {
            TtlPolicySpec::Honor => ttl_ms,
            TtlPolicySpec::MinTtl(floor) => ttl_ms.max(*floor),
            TtlPolicySpec::MaxTtl(cap) => ttl_ms.min(*cap),
            TtlPolicySpec::Extend(d) => ttl_ms.saturating_add(d.sample(rng)),
        }
    }

    /// True when the TTL policy draws random numbers (`extend` with a random extension). When
    /// false, [`ResolverCache::lookup`] never draws from its generator, so a caller may pass any
    /// generator instead of reopening the instance's stream.
    pub fn draws_randomness(&self) -> bool {
        match &self.behaviour.policy {
            TtlPolicySpec::Extend(d) => !matches!(d, Dist::Fixed(_)),
            _ => false,
        }
    }

    /// Puts `answer` in the cache as if it had been fetched at `fetched_at_ms` with lifetime
    /// `lifetime_ms` (0 empties the cache). For warm starts; counters are left alone.
    pub fn prime(&mut self, answer: Answer, fetched_at_ms: u64, lifetime_ms: u64) {
        self.answer = answer;
        self.lifetime_ms = lifetime_ms;
        self.expires_at_ms = fetched_at_ms.saturating_add(lifetime_ms);
    }

    /// Stores a freshly fetched answer.
    fn store(&mut self, answer: Answer, now_ms: u64, ttl_ms: u64, rng: &mut EntityRng) {
        let life = self.lifetime_ms(ttl_ms, rng);
        self.prime(answer, now_ms, life);
    }

    /// Looks the FQDN up at `now_ms`. `authoritative` returns the current answer, or `None`
    /// when the authoritative servers cannot be reached; it is called at most once, and only
    /// when the resolver sends a query (miss, prefetch or background refresh).
    pub fn lookup(
        &mut self,
        now_ms: u64,
        ttl_ms: u64,
        rng: &mut EntityRng,
        authoritative: impl FnOnce(&mut EntityRng) -> Option<Answer>,
    ) -> Resolution {
        let cached = self.lifetime_ms > 0;
        if cached && now_ms < self.expires_at_ms {
            let cached_answer = Resolution::Answer {
                answer: self.answer,
                expires_at_ms: self.expires_at_ms,
            };
            if self.prefetch_due(now_ms) {
                // The lookup is answered from the cache (as BIND and Unbound do) and the
                // refresh lands at once: the next lookup sees the authoritative's answer. A
                // failed prefetch leaves the still-valid entry alone.
                self.misses += 1;
                if let Some(answer) = authoritative(rng) {
                    self.store(answer, now_ms, ttl_ms, rng);
                }
            } else {
                self.hits += 1;
            }
            return cached_answer;
        }
        // Time past expiry of the entry we hold, if any.
        let expired_for_ms = cached.then(|| now_ms - self.expires_at_ms);
        let b = &self.behaviour;
        if b.stale_first && expired_for_ms.is_some_and(|age| age <= b.stale_first_window_ms) {
            // dnsmasq --use-stale-cache / CoreDNS immediate: answer the expired record with
            // TTL 0 (nothing downstream keeps it) and refresh behind it.
            let stale = self.answer;
            self.misses += 1;
            self.stale_answers += 1;
            if let Some(answer) = authoritative(rng) {
                self.store(answer, now_ms, ttl_ms, rng);
            }
            return Resolution::Answer {
                answer: stale,
                expires_at_ms: now_ms,
            };
        }
        self.misses += 1;
        match authoritative(rng) {
            Some(answer) => {
                self.store(answer, now_ms, ttl_ms, rng);
                Resolution::Answer {
                    answer,
                    expires_at_ms: self.expires_at_ms,
                }
            }
            // RFC 8767: an expired record may be used only when it cannot be refreshed.
            None if self.behaviour.serve_stale_ms > 0
                && expired_for_ms.is_some_and(|age| age <= self.behaviour.serve_stale_ms) =>
            {
                self.stale_answers += 1;
                Resolution::Answer {
                    answer: self.answer,
                    expires_at_ms: now_ms + STALE_ANSWER_TTL_MS,
                }
            }
            None => Resolution::Failed,
        }
    }

    /// A hit at `now_ms` should prefetch: prefetch on, lifetime >= 9 s, and at most 10 % of
    /// the lifetime left.
    fn prefetch_due(&self, now_ms: u64) -> bool {
        if !self.behaviour.prefetch || self.lifetime_ms < PREFETCH_MIN_LIFETIME_MS {
            return false;
        }
        let remaining_ms = self.expires_at_ms - now_ms;
        remaining_ms.saturating_mul(100)
            <= self.lifetime_ms.saturating_mul(PREFETCH_REMAINING_PERCENT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{EntityKind, Streams};

    fn rng() -> EntityRng {
        Streams::new(1).stream(EntityKind::Resolver, 0)
    }

    fn answer(answer: Answer, expires_at_ms: u64) -> Resolution {
        Resolution::Answer {
            answer,
            expires_at_ms,
        }
    }

    fn with(f: impl FnOnce(&mut ResolverBehaviour)) -> ResolverCache {
        let mut b = ResolverBehaviour::default();
        f(&mut b);
        ResolverCache::new(b)
    }

    #[test]
    fn honor_caches_for_exactly_the_ttl() {
        let mut c = ResolverCache::new(TtlPolicySpec::Honor);
        let mut r = rng();
        let mut auth = 0u8;
        assert_eq!(
            c.lookup(1_000, 60_000, &mut r, |_| Some(auth)),
            answer(0, 61_000)
        );
        auth = 1; // the authoritative answer changes
                  // Still cached 1 ms before expiry...
        assert_eq!(
            c.lookup(60_999, 60_000, &mut r, |_| Some(auth)),
            answer(0, 61_000)
        );
        // ...and refreshed at expiry.
        assert_eq!(
            c.lookup(61_000, 60_000, &mut r, |_| Some(auth)),
            answer(1, 121_000)
        );
        assert_eq!((c.hits, c.misses, c.stale_answers), (1, 2, 0));
    }

    #[test]
    fn policies_bend_the_ttl() {
        let mut r = rng();
        assert_eq!(
            ResolverCache::new(TtlPolicySpec::MinTtl(300_000)).lifetime_ms(60_000, &mut r),
            300_000
        );
        assert_eq!(
            ResolverCache::new(TtlPolicySpec::MinTtl(5_000)).lifetime_ms(60_000, &mut r),
            60_000
        );
        assert_eq!(
            ResolverCache::new(TtlPolicySpec::MaxTtl(30_000)).lifetime_ms(60_000, &mut r),
            30_000
        );
        let ext = ResolverCache::new(TtlPolicySpec::Extend(Dist::Fixed(600_000)));
        assert_eq!(ext.lifetime_ms(60_000, &mut r), 660_000);
        assert!(!ext.draws_randomness());
        let random = ResolverCache::new(TtlPolicySpec::Extend(Dist::Uniform {
            min_ms: 1,
            max_ms: 2,
        }));
        assert!(random.draws_randomness());
    }

    #[test]
    fn unreachable_authoritative_fails_a_miss_but_not_a_hit() {
        let mut c = ResolverCache::new(TtlPolicySpec::Honor);
        let mut r = rng();
        c.lookup(0, 60_000, &mut r, |_| Some(0));
        assert!(matches!(
            c.lookup(30_000, 60_000, &mut r, |_| None),
            Resolution::Answer { .. }
        ));
        assert_eq!(
            c.lookup(60_000, 60_000, &mut r, |_| None),
            Resolution::Failed
        );
    }

    #[test]
    fn zero_ttl_is_not_cached() {
        let mut c = ResolverCache::new(TtlPolicySpec::Honor);
        let mut r = rng();
        let mut queries = 0;
        for t in [0, 0, 5] {
            c.lookup(t, 0, &mut r, |_| {
                queries += 1;
                Some(0)
            });
        }
        assert_eq!(queries, 3);
        assert_eq!((c.hits, c.misses), (0, 3));
    }

    #[test]
    fn from_spec_copies_the_fields_and_uses_the_pihole_window() {
        let spec = ResolverSpec {
            name: "r".into(),
            ttl_policy: TtlPolicySpec::MinTtl(5_000),
            serve_stale_ms: 86_400_000,
            stale_first: true,
            prefetch: true,
            population: None,
            instances: 1,
            dns_location: None,
        };
        assert_eq!(
            ResolverBehaviour::from(&spec),
            ResolverBehaviour {
                policy: TtlPolicySpec::MinTtl(5_000),
                serve_stale_ms: 86_400_000,
                stale_first: true,
                prefetch: true,
                stale_first_window_ms: 3_600_000,
            }
        );
    }

    #[test]
    fn serve_stale_answers_the_expired_record_only_when_unreachable() {
        let mut c = with(|b| b.serve_stale_ms = 600_000);
        let mut r = rng();
        c.lookup(0, 60_000, &mut r, |_| Some(0));
        // Authoritative unreachable 1 min after expiry: the stale record, 30 s stale TTL.
        assert_eq!(
            c.lookup(120_000, 60_000, &mut r, |_| None),
            answer(0, 150_000)
        );
        // Still unreachable at the edge of the window: stale again.
        assert_eq!(
            c.lookup(660_000, 60_000, &mut r, |_| None),
            answer(0, 690_000)
        );
        // Past the window: SERVFAIL.
        assert_eq!(
            c.lookup(660_001, 60_000, &mut r, |_| None),
            Resolution::Failed
        );
        assert_eq!(c.stale_answers, 2);
    }

    #[test]
    fn serve_stale_never_applies_when_the_authoritative_answers() {
        let mut c = with(|b| b.serve_stale_ms = 600_000);
        let mut r = rng();
        c.lookup(0, 60_000, &mut r, |_| Some(0));
        // Reachable and changed: the new answer at the first lookup after expiry.
        assert_eq!(
            c.lookup(60_000, 60_000, &mut r, |_| Some(1)),
            answer(1, 120_000)
        );
        assert_eq!(c.stale_answers, 0);
    }

    #[test]
    fn serve_stale_off_fails_when_unreachable() {
        let mut c = ResolverCache::new(TtlPolicySpec::Honor);
        let mut r = rng();
        c.lookup(0, 60_000, &mut r, |_| Some(0));
        assert_eq!(
            c.lookup(60_001, 60_000, &mut r, |_| None),
            Resolution::Failed
        );
        // And an empty cache has nothing stale to serve.
        let mut empty = with(|b| b.serve_stale_ms = 600_000);
        assert_eq!(
            empty.lookup(0, 60_000, &mut r, |_| None),
            Resolution::Failed
        );
    }

    #[test]
    fn stale_first_serves_the_expired_answer_once_then_the_new_one() {
        let mut c = with(|b| b.stale_first = true);
        let mut r = rng();
        c.lookup(0, 20_000, &mut r, |_| Some(0));
        // Expired 10 s ago, authoritative now says 1: the old answer with TTL 0...
        assert_eq!(
            c.lookup(30_000, 20_000, &mut r, |_| Some(1)),
            answer(0, 30_000)
        );
        // ...and the background refresh is in place for the very next lookup.
        let mut asked = false;
        assert_eq!(
            c.lookup(30_000, 20_000, &mut r, |_| {
                asked = true;
                Some(1)
            }),
            answer(1, 50_000)
        );
        assert!(!asked, "the refreshed entry is a hit");
        assert_eq!((c.hits, c.misses, c.stale_answers), (1, 2, 1));
    }

    #[test]
    fn stale_first_respects_its_window() {
        let mut c = with(|b| {
            b.stale_first = true;
            b.stale_first_window_ms = 60_000;
        });
        let mut r = rng();
        c.lookup(0, 20_000, &mut r, |_| Some(0));
        // 60 s + 1 ms past expiry: a normal miss, the new answer straight away.
        assert_eq!(
            c.lookup(80_001, 20_000, &mut r, |_| Some(1)),
            answer(1, 100_001)
        );
        assert_eq!(c.stale_answers, 0);
        // An empty cache has nothing to serve stale.
        let mut empty = with(|b| b.stale_first = true);
        assert_eq!(
            empty.lookup(5, 20_000, &mut r, |_| Some(1)),
            answer(1, 20_005)
        );
    }

    #[test]
    fn stale_first_keeps_serving_stale_while_refreshes_fail() {
        let mut c = with(|b| b.stale_first = true);
        let mut r = rng();
        c.lookup(0, 20_000, &mut r, |_| Some(0));
        assert_eq!(
            c.lookup(30_000, 20_000, &mut r, |_| None),
            answer(0, 30_000)
        );
        assert_eq!(
            c.lookup(40_000, 20_000, &mut r, |_| None),
            answer(0, 40_000)
        );
        assert_eq!(
            c.lookup(50_000, 20_000, &mut r, |_| Some(1)),
            answer(0, 50_000)
        );
        assert_eq!(
            c.lookup(50_001, 20_000, &mut r, |_| Some(1)),
            answer(1, 70_000)
        );
    }

    #[test]
    fn prefetch_refreshes_in_the_last_tenth_of_the_lifetime() {
        let mut c = with(|b| b.prefetch = true);
        let mut r = rng();
        c.lookup(0, 60_000, &mut r, |_| Some(0));
        // 7 s left of 60 s (more than 10 %): a plain hit, the authoritative is not asked.
        assert_eq!(
            c.lookup(53_000, 60_000, &mut r, |_| Some(1)),
            answer(0, 60_000)
        );
        assert_eq!((c.hits, c.misses), (1, 1));
        // 6 s left (exactly 10 %): answered from cache, refreshed behind it.
        assert_eq!(
            c.lookup(54_000, 60_000, &mut r, |_| Some(1)),
            answer(0, 60_000)
        );
        assert_eq!((c.hits, c.misses), (1, 2));
        // Before the old entry would have expired, the new answer is served.
        assert_eq!(
            c.lookup(55_000, 60_000, &mut r, |_| Some(1)),
            answer(1, 114_000)
        );
    }

    #[test]
    fn prefetch_skips_short_lifetimes_and_survives_a_failed_refresh() {
        let mut short = with(|b| b.prefetch = true);
        let mut r = rng();
        short.lookup(0, 8_000, &mut r, |_| Some(0));
        assert_eq!(
            short.lookup(7_900, 8_000, &mut r, |_| Some(1)),
            answer(0, 8_000)
        );
        assert_eq!((short.hits, short.misses), (1, 1));

        let mut c = with(|b| b.prefetch = true);
        c.lookup(0, 60_000, &mut r, |_| Some(0));
        assert_eq!(
            c.lookup(59_000, 60_000, &mut r, |_| None),
            answer(0, 60_000)
        );
        // The failed prefetch did not touch the entry: it still expires at 60 s.
        assert_eq!((c.expires_at_ms, c.answer, c.misses), (60_000, 0, 2));
        assert_eq!(
            c.lookup(60_000, 60_000, &mut r, |_| Some(1)),
            answer(1, 120_000)
        );
    }

    #[test]
    fn prefetch_never_serves_an_answer_longer_than_without_it() {
        // Same lookup times through a prefetching and a plain cache, answer changing at 50 s:
        // the prefetching cache is never stale when the plain one is fresh.
        let mut plain = ResolverCache::new(TtlPolicySpec::Honor);
        let mut pre = with(|b| b.prefetch = true);
        let mut r = rng();
        let is_new = |res: Resolution| matches!(res, Resolution::Answer { answer: 1, .. });
        let mut earlier = 0;
        for t in (0..400_000u64).step_by(1_700) {
            let auth = u8::from(t >= 50_000);
            let a = plain.lookup(t, 30_000, &mut r, |_| Some(auth));
            let b = pre.lookup(t, 30_000, &mut r, |_| Some(auth));
            if is_new(a) {
                assert!(is_new(b), "t = {t}");
            } else if is_new(b) {
                earlier += 1;
            }
        }
        assert!(earlier > 0, "prefetch picked the change up before expiry");
        assert!(pre.misses > plain.misses, "prefetch costs queries");
    }
}
