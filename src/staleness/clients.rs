//! Client caches in front of the resolvers (`--client-cache`, `--clients`).
//!
//! By default only resolver caches are modelled: no OS or application cache sits between the
//! lookups and the resolvers (the population mixture alone meets the calibration targets in
//! the [module docs](super)). With a client cache, each instance has `clients_per_instance`
//! clients behind it, each with a cache of its own: a client that still holds a live answer
//! is given it without asking its resolver; otherwise it asks and keeps the answer for the
//! resolver's remaining TTL (`honor`, an OS stub cache) or a fixed lifetime (an application
//! cache such as Java's 30 s or the WorkSpaces client's own).

use super::{StalenessParams, OLD_ANSWER};
use crate::model::resolver::{Answer, Resolution};
use crate::rng::uniform_ms;
use crate::rng::EntityRng;
use crate::scenario::ClientCache;

/// The clients' caches: (answer, expires at) per client, the clients of instance `i` at
/// `[i * k, (i + 1) * k)`. Empty without client caches.
pub(super) struct ClientCaches {
    cache: ClientCache,
    per_instance: u64,
    entries: Vec<(Answer, u64)>,
}

impl ClientCaches {
    /// Every client's cache empty (expired at time 0).
    pub(super) fn new(params: &StalenessParams) -> Self {
        let per_instance = u64::from(params.clients_per_instance);
        let entries = if params.client_cache == ClientCache::None {
            Vec::new()
        } else {
            vec![(OLD_ANSWER, 0); (u64::from(params.instances) * per_instance) as usize]
        };
        ClientCaches {
            cache: params.client_cache,
            per_instance,
            entries,
        }
    }

    /// The client behind instance `index` that makes a lookup, drawn uniformly from
    /// `arrivals`. `None` without client caches, and then nothing is drawn, so the
    /// resolver-only curve is the same as if clients did not exist.
    pub(super) fn pick(&self, arrivals: &mut EntityRng, index: u64) -> Option<usize> {
        (self.cache != ClientCache::None).then(|| {
            (index * self.per_instance + uniform_ms(arrivals, 0, self.per_instance - 1)) as usize
        })
    }

    /// The answer `client` still holds at `now_ms`, if its entry is live.
    pub(super) fn live_answer(&self, client: usize, now_ms: u64) -> Option<Answer> {
        let (answer, expires_at_ms) = self.entries[client];
        (now_ms < expires_at_ms).then_some(answer)
    }

    /// Keeps what the resolver gave `client` at `now_ms` (a failure leaves its entry as it is).
    pub(super) fn store(&mut self, client: usize, resolution: &Resolution, now_ms: u64) {
        if let Resolution::Answer {
            answer,
            expires_at_ms,
        } = *resolution
        {
            self.entries[client] = match self.cache {
                ClientCache::Honor => (answer, expires_at_ms),
                ClientCache::Fixed(life) => (answer, now_ms + life),
                ClientCache::None => (answer, 0),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{at, params};
    use super::super::{staleness_curve, StalenessRow};
    use super::*;
    use crate::rng::{EntityKind, Streams};

    #[test]
    fn without_client_caches_nothing_is_drawn() {
        let clients = ClientCaches::new(&params(10, 1));
        let mut rng = Streams::new(1).stream(EntityKind::Scenario, 0);
        assert_eq!(clients.pick(&mut rng, 3), None);
        assert_eq!(rng.word_pos(), 0);
    }

    #[test]
    fn a_client_keeps_an_answer_for_its_cache_lifetime() {
        let p = StalenessParams {
            client_cache: ClientCache::Fixed(30_000),
            clients_per_instance: 4,
            ..params(10, 1)
        };
        let mut clients = ClientCaches::new(&p);
        let mut rng = Streams::new(1).stream(EntityKind::Scenario, 0);
        let c = clients.pick(&mut rng, 3).unwrap();
        assert!((12..16).contains(&c), "client {c} of instance 3");
        assert_eq!(clients.live_answer(c, 0), None);
        let answer = Resolution::Answer {
            answer: 7,
            expires_at_ms: 1_005,
        };
        clients.store(c, &answer, 1_000);
        assert_eq!(clients.live_answer(c, 30_999), Some(7));
        assert_eq!(clients.live_answer(c, 31_000), None);
        clients.store(c, &Resolution::Failed, 40_000);
        assert_eq!(clients.live_answer(c, 30_999), Some(7));
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
}
