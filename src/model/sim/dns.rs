//! DNS in the run (README, Model: DNS; resolvers): the authoritative answer as health-check status,
//! record edits and domain lapses change it, and the resolution of each login through the
//! client cache, the user's resolver and the authoritative servers.

use super::*;
use crate::model::resolver::ANSWER_UNMATCHED;

impl<R: Recorder> Sim<'_, R> {
    /// The authoritative answer for the current state (`model::dns` owns the rules).
    pub(super) fn compute_answer(&self) -> DnsAnswer {
        crate::model::dns::authoritative_answer(
            &self.scenario.dns.routing,
            self.lapsed,
            self.manual_record,
            &self.dns_view,
        )
    }

    /// Recomputes the answer of the global view and then of every DNS location (a record
    /// edit or a lapsed domain reaches them all).
    pub(super) fn refresh_answer(&mut self, now: u64) {
        self.refresh_global_answer(now);
        self.refresh_location_answers(now);
    }

    /// Recomputes the global answer; on a change, observes it and updates the failover facts.
    fn refresh_global_answer(&mut self, now: u64) {
        let new = self.compute_answer();
        if new == self.answer {
            return;
        }
        self.answer = new;
        let answer = self.answer.clone();
        self.observe(now, Observation::AnswerChanged { answer });
        self.abandon_unanswered_launches(now);
        let on_primary = self.answer.includes(self.primary_region);
        if !on_primary && self.control.first_fault_ms.is_some() && !self.answer_left_primary {
            self.answer_left_primary = true;
            self.control.answer_left_primary_ms = Some(now);
        }
        if on_primary
            && self.answer_left_primary
            && self.control.answer_back_on_primary_ms.is_none()
        {
            self.control.answer_back_on_primary_ms = Some(now);
        }
        self.track_split(now);
    }

    pub(super) fn resolve(&mut self, now: u64, u: usize) -> Result<u8, LoginFailure> {
        let scenario = self.scenario;
        let user = &self.users[u];
        if !user.redirectable() {
            // Region-code registrations and clients older than 3.0.9 always go home.
            return Ok(user.home);
        }
        if user.has(flag::STICKY) && user.held != NO_REGION {
            return Ok(user.held);
        }
        if scenario.dns.zone == Zone::Private && !user.has(flag::ON_VPN) {
            return Err(LoginFailure::Dns);
        }
        let answer = if user.cached_answer != NO_REGION && now < user.cache_expires_ms {
            user.cached_answer
        } else {
            let instance = user.resolver as usize;
            if self.resolvers[instance].down > 0 {
                return Err(LoginFailure::Dns);
            }
            let reachable = self.dns_outages == 0;
            // The answer of the DNS location the resolver's queries reach, if it has one.
            let auth = match self.resolvers[instance].location {
                None => &self.answer,
                Some(l) => &self.locations[l as usize].answer,
            };
            let query = |r: &mut EntityRng| reachable.then(|| auth.draw(r));
            // Opening a stream costs a ChaCha block; most lookups (an honouring resolver and
            // a failover answer) draw nothing, so they run on an idle generator instead. The
            // instance's stream position is the same either way.
            let draws =
                self.resolvers[instance].cache.draws_randomness() || auth.draws_randomness();
            let res = if draws {
                let mut rr = self.streams.open(
                    EntityKind::Resolver,
                    instance as u64,
                    self.resolvers[instance].rng,
                );
                let res =
                    self.resolvers[instance]
                        .cache
                        .lookup(now, scenario.dns.ttl_ms, &mut rr, query);
                self.resolvers[instance].rng = Streams::close(&rr);
                res
            } else {
                let before = Streams::close(&self.idle_rng);
                let res = self.resolvers[instance].cache.lookup(
                    now,
                    scenario.dns.ttl_ms,
                    &mut self.idle_rng,
                    query,
                );
                debug_assert_eq!(
                    before,
                    Streams::close(&self.idle_rng),
                    "a lookup drew randomness"
                );
                res
            };
            let (answer, expires) = match res {
                Resolution::Answer {
                    answer,
                    expires_at_ms,
                } => (answer, expires_at_ms),
                Resolution::Failed => return Err(LoginFailure::Dns),
            };
            let group = &scenario.groups[user.group as usize];
            let (cache, resolves) = (group.client_cache, group.client_resolves);
            let user = &mut self.users[u];
            match cache {
                ClientCache::None => {}
                ClientCache::Honor => {
                    user.cached_answer = answer;
                    user.cache_expires_ms = expires;
                }
                ClientCache::Fixed(life) => {
                    user.cached_answer = answer;
                    user.cache_expires_ms = now.saturating_add(life);
                }
            }
            // The WorkSpaces client's own cache sits above the host's and shares its slot:
            // the answer is kept until the later of the two expiries. (An OS entry that
            // outlives the client's is then not handed to the client again for a fresh
            // lifetime: a slight understatement of staleness.)
            if let ClientResolves::Lifetime(life) = resolves {
                let keep = if user.cached_answer == answer {
                    user.cache_expires_ms.max(now + life)
                } else {
                    now + life
                };
                user.cached_answer = answer;
                user.cache_expires_ms = keep;
            }
            answer
        };
        match answer {
            ANSWER_NONE => Err(LoginFailure::Dns),
            // The client maps the TXT value through the alias's associations; a value none
            // holds leads nowhere and the login fails. AWS does not publish the text shown
            // then; failsim takes it to be the registration error the WorkSpaces guide gives
            // for an alias the client cannot resolve ("We're unable to register the WorkSpace
            // because of a DNS server issue. Contact your administrator for help."), and the
            // user retries after the back-off, like any failed login.
            ANSWER_UNMATCHED => Err(LoginFailure::Dns),
            ANSWER_HIJACKED => {
                self.users[u].flags |= flag::MISDIRECTED;
                Err(LoginFailure::Misdirected)
            }
            r => {
                self.users[u].held = r;
                Ok(r)
            }
        }
    }
}
