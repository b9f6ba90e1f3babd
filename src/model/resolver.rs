//! Recursive resolvers: one shared cache per resolver instance (facts/dns-caching.md).
//!
//! A lookup that finds a live entry returns it; otherwise the resolver asks the authoritative
//! servers and caches the answer for a lifetime set by its TTL policy:
//! `honor` = TTL, `min_ttl` = max(TTL, floor), `max_ttl` = min(TTL, cap), `extend` = TTL plus
//! an extension drawn per fetch (the 8.7 % of resolvers that keep answers longer, §1.6).
//! Downstream caches receive the remaining lifetime, as a resolver passes on the decremented
//! TTL (§7 pitfall 2).

use crate::scenario::TtlPolicySpec;
use rand_chacha::ChaCha8Rng;

/// A DNS answer: a Region index, or one of the special values below.
pub type Answer = u8;
/// The name does not resolve (lapsed domain, record removed): NXDOMAIN.
pub const ANSWER_NONE: Answer = 255;
/// A stranger's record (hijacked domain).
pub const ANSWER_HIJACKED: Answer = 254;

/// One resolver instance's cache of the FQDN.
#[derive(Clone, Debug)]
pub struct ResolverCache {
    /// Cached answer.
    pub answer: Answer,
    /// When the cached entry expires (ms); 0 = empty.
    pub expires_at_ms: u64,
    /// TTL policy of this instance.
    pub policy: TtlPolicySpec,
    /// Lookups answered from cache / from the authoritative, for statistics.
    pub hits: u64,
    /// Lookups that went to the authoritative.
    pub misses: u64,
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
    /// An empty cache with a policy.
    pub fn new(policy: TtlPolicySpec) -> Self {
        ResolverCache {
            answer: ANSWER_NONE,
            expires_at_ms: 0,
            policy,
            hits: 0,
            misses: 0,
        }
    }

    /// Cache lifetime for a freshly fetched answer with record TTL `ttl_ms`.
    pub fn lifetime_ms(&self, ttl_ms: u64, rng: &mut ChaCha8Rng) -> u64 {
        match &self.policy {
            TtlPolicySpec::Honor => ttl_ms,
            TtlPolicySpec::MinTtl(floor) => ttl_ms.max(*floor),
            TtlPolicySpec::MaxTtl(cap) => ttl_ms.min(*cap),
            TtlPolicySpec::Extend(d) => ttl_ms + d.sample(rng),
        }
    }

    /// Looks the FQDN up at `now_ms`. `authoritative` returns the current answer, or `None`
    /// when the authoritative servers cannot be reached.
    pub fn lookup(
        &mut self,
        now_ms: u64,
        ttl_ms: u64,
        rng: &mut ChaCha8Rng,
        authoritative: impl FnOnce(&mut ChaCha8Rng) -> Option<Answer>,
    ) -> Resolution {
        if now_ms < self.expires_at_ms {
            self.hits += 1;
            return Resolution::Answer {
                answer: self.answer,
                expires_at_ms: self.expires_at_ms,
            };
        }
        self.misses += 1;
        match authoritative(rng) {
            Some(answer) => {
                let life = self.lifetime_ms(ttl_ms, rng);
                self.answer = answer;
                self.expires_at_ms = now_ms + life;
                Resolution::Answer {
                    answer,
                    expires_at_ms: self.expires_at_ms,
                }
            }
            None => Resolution::Failed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Dist;
    use crate::rng::{EntityKind, Streams};

    fn rng() -> ChaCha8Rng {
        Streams::new(1).stream(EntityKind::Resolver, 0)
    }

    #[test]
    fn honor_caches_for_exactly_the_ttl() {
        let mut c = ResolverCache::new(TtlPolicySpec::Honor);
        let mut r = rng();
        let mut auth = 0u8;
        assert_eq!(
            c.lookup(1_000, 60_000, &mut r, |_| Some(auth)),
            Resolution::Answer {
                answer: 0,
                expires_at_ms: 61_000
            }
        );
        auth = 1; // the authoritative answer changes
                  // Still cached 1 ms before expiry...
        assert_eq!(
            c.lookup(60_999, 60_000, &mut r, |_| Some(auth)),
            Resolution::Answer {
                answer: 0,
                expires_at_ms: 61_000
            }
        );
        // ...and refreshed at expiry.
        assert_eq!(
            c.lookup(61_000, 60_000, &mut r, |_| Some(auth)),
            Resolution::Answer {
                answer: 1,
                expires_at_ms: 121_000
            }
        );
        assert_eq!((c.hits, c.misses), (1, 2));
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
}
