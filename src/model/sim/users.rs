//! Who each user is: their group, registration, client version, resolver and schedule,
//! drawn from the user's own stream ([`UserFactory`]), so a user is the same whatever else
//! is built and on whichever thread; and building every user, side by side when there are
//! many ([`make_all`]).

use super::trace::is_traced;
use super::*;
use rayon::prelude::*;

/// Runs of fewer users than this build them on the calling thread: drawing 2,000 users takes
/// about 0.1 ms, less than handing the work to a pool's threads and waiting for them (and a
/// run that needs no other threads then starts no pool at all: see
/// [`needs_threads`](super::partition::needs_threads)).
pub(crate) const PARALLEL_SETUP_USERS: u64 = 1 << 15;

/// Appends `make(g)` for every `g` in `0..total` to `out`, in order: on the current rayon
/// pool's threads when there are at least [`PARALLEL_SETUP_USERS`], else on the calling
/// thread. Each user draws from its own stream, so the result is the same either way.
pub(super) fn extend_all<T: Send>(
    out: &mut Vec<T>,
    total: u64,
    make: impl Fn(u64) -> T + Sync + Send,
) {
    if total >= PARALLEL_SETUP_USERS {
        out.par_extend((0..total).into_par_iter().map(make));
    } else {
        out.extend((0..total).map(make));
    }
}

/// [`extend_all`] into a new vector.
pub(super) fn make_all<T: Send>(total: u64, make: impl Fn(u64) -> T + Sync + Send) -> Vec<T> {
    let mut out = Vec::new();
    extend_all(&mut out, total, make);
    out
}

/// Draws each user's set-up from the user's own stream: the same user whatever else is built
/// and on whichever thread.
pub(super) struct UserFactory<'a> {
    scenario: &'a Scenario,
    streams: &'a Streams,
    resolver_base: &'a [u32],
    /// Cumulative client-version and resolver shares of each group.
    shares: Vec<(Vec<f64>, Vec<f64>)>,
    /// Global number of each group's first user.
    group_starts: Vec<u64>,
    total: u64,
    trace: u32,
}

impl<'a> UserFactory<'a> {
    pub(super) fn new(
        scenario: &'a Scenario,
        streams: &'a Streams,
        resolver_base: &'a [u32],
        trace: u32,
    ) -> Self {
        let shares = scenario
            .groups
            .iter()
            .map(|g| {
                (
                    cumulative(g.client_versions.iter().map(|v| v.share)),
                    cumulative(g.resolvers.iter().map(|r| r.1)),
                )
            })
            .collect();
        UserFactory {
            scenario,
            streams,
            resolver_base,
            shares,
            group_starts: group_starts(scenario),
            total: scenario.user_count(),
            trace,
        }
    }

    /// User number `global` (scenario order of groups, then index in group). Its
    /// `login_started_ms` holds the start of its working day until the first login.
    pub(super) fn make(&self, global: u64) -> User {
        self.make_with_block(global).0
    }

    /// [`UserFactory::make`], with the block of the user's stream its draws ended in (for
    /// `Sim::user_blocks`: the user's first draw in the run then computes nothing).
    pub(super) fn make_with_block(&self, global: u64) -> (User, rng::Block) {
        let gi = self.group_starts.partition_point(|&s| s <= global) - 1;
        let g = &self.scenario.groups[gi];
        let i = global - self.group_starts[gi];
        let (version_cum, resolver_cum) = &self.shares[gi];
        // A user's stream is numbered by (group, index in group): adding users to one
        // group leaves every other group's draws unchanged.
        let stream_index = ((gi as u64) << 32) | i;
        let mut r = self.streams.stream(EntityKind::User, stream_index);
        let mut flags = 0u8;
        if rng::chance(&mut r, g.fqdn_share) {
            flags |= flag::FQDN;
        }
        let version = rng::pick_cumulative(&mut r, version_cum);
        if g.client_versions[version].redirects {
            flags |= flag::REDIRECTS;
        }
        let (spec, _) = g.resolvers[rng::pick_cumulative(&mut r, resolver_cum)];
        let rs = &self.scenario.resolvers[spec];
        let instance = if rs.population.is_some() {
            rng::uniform_ms(&mut r, 0, u64::from(rs.instances) - 1) as u32
        } else {
            0
        };
        if rng::chance(&mut r, g.on_vpn) {
            flags |= flag::ON_VPN;
        }
        if rng::chance(&mut r, g.failover_workspaces) {
            flags |= flag::FAILOVER_WS;
        }
        // The draw happens whatever `client_resolves` says, so other draws stay put.
        let sticky = rng::chance(&mut r, g.behaviour.restart_probability);
        if sticky || g.client_resolves == ClientResolves::Restart {
            flags |= flag::STICKY;
        }
        if self.trace > 0 && is_traced(global, self.total, u64::from(self.trace)) {
            flags |= flag::TRACED;
        }
        let work_start_ms = g.start_ms + rng::uniform_ms(&mut r, 0, g.ramp_ms);
        let user = User {
            generation: 0,
            rng: Streams::close(&r),
            resolver: self.resolver_base[spec] + instance,
            group: gi as u16,
            version: version as u8,
            home: g.home as u8,
            flags,
            state: ClientState::Offline,
            region: NO_REGION,
            held: NO_REGION,
            cached_answer: NO_REGION,
            reconnect_region: NO_REGION,
            failed_streak: 0,
            interruptions: 0,
            login_failures: 0,
            restarts: 0,
            cache_expires_ms: 0,
            login_started_ms: work_start_ms,
            dropped_ms: 0,
            down_since_ms: NEVER,
            downtime_ms: 0,
            connected_since_ms: 0,
            non_home_ms: 0,
            first_disconnect_ms: NEVER,
            reconnect_ms: NEVER,
            failback_ms: NEVER,
            launch_wait_ms: 0,
            data_age_ms: NO_DATA_AGE,
        };
        (user, r.held())
    }
}

/// Global number of each group's first user.
pub(super) fn group_starts(scenario: &Scenario) -> Vec<u64> {
    let mut acc = 0;
    scenario
        .groups
        .iter()
        .map(|g| {
            let start = acc;
            acc += u64::from(g.count);
            start
        })
        .collect()
}

fn cumulative(shares: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut acc = 0.0;
    let v: Vec<f64> = shares
        .map(|s| {
            acc += s;
            acc
        })
        .collect();
    if v.is_empty() {
        vec![1.0]
    } else {
        v
    }
}
