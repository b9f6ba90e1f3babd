//! Setting a run up and closing it: the simulation state built from the scenario (checkers,
//! resolver instances, metrics, alarms, and the users `users.rs` draws), the initial
//! observations and first events, and the per-user records at the end.

use super::client::TALLY;
use super::cloudwatch::CANARY_INTERVAL_MS;
use super::trace::{cover_users, CohortKey};
use super::users::{extend_all, UserFactory};
use super::*;
use rayon::prelude::*;

/// Runs of at most this many users keep each user's last block of random words
/// (`Sim::user_blocks`, 88 bytes a user): in a larger run the blocks would not stay in the
/// CPU's caches and reading one back would cost about as much as computing it.
pub(super) const BLOCK_CACHE_USERS: usize = 1 << 14;

/// Every time an `[[event]]` starts or ends, ascending.
fn event_boundaries(scenario: &Scenario) -> Vec<u64> {
    let mut times: Vec<u64> = scenario
        .events
        .iter()
        .flat_map(|e| std::iter::once(e.at_ms).chain(e.end_ms))
        .collect();
    times.sort_unstable();
    times.dedup();
    times
}

impl<'m, R: Recorder> Sim<'m, R> {
    pub(in crate::model) fn new(
        scenario: &'m Scenario,
        options: &RunOptions,
        recorder: &'m mut R,
        members: Option<Vec<u32>>,
    ) -> Self {
        let streams = Streams::new(options.seed);
        let n_checks = scenario.health_checks.len();
        let (checkers, checker_ranges) = build_checkers(scenario, &streams);
        let healthy_checkers = checker_ranges.iter().map(|(a, b)| b - a).collect();
        let (resolvers, resolver_base) = build_resolvers(scenario, &streams);
        let primary_region = scenario.dns.routing.primary_region() as u8;
        let primary_check = scenario.dns.routing.primary_check();
        let raw_status = vec![true; n_checks];
        let n_users = members
            .as_ref()
            .map_or(scenario.user_count() as usize, |m| m.len());
        let mut sim = Sim {
            scenario,
            streams: streams.clone(),
            scheduler: Scheduler::new(),
            recorder,
            regions: scenario
                .regions
                .iter()
                .map(|_| RegionState {
                    severity: [0.0; 5],
                    endpoint_failure: EventSpec::DEFAULT_PROBE_FAILURE,
                    launching: 0,
                    queue: VecDeque::new(),
                })
                .collect(),
            checkers,
            checker_ranges,
            healthy_checkers,
            raw_status,
            arc_down: vec![0; scenario.arc.cluster_regions.len()],
            status: vec![true; n_checks],
            dns_view: vec![true; n_checks],
            disabled: scenario.health_checks.iter().map(|h| h.disabled).collect(),
            inverted: scenario.health_checks.iter().map(|h| h.inverted).collect(),
            partitions: vec![vec![0; scenario.regions.len()]; CHECKER_REGIONS.len()],
            manual_record: None,
            control_region: scenario
                .region_index(crate::scenario::DnsSpec::CONTROL_PLANE_REGION)
                .map(|r| r as u8),
            control_failing_since: None,
            applied: vec![false; scenario.events.len()],
            lapsed: None,
            dns_outages: 0,
            answer: DnsAnswer::Region(primary_region),
            locations: Vec::new(),
            global_view_used: true,
            split_since: None,
            resolvers,
            resolver_base,
            users: Vec::with_capacity(n_users),
            global: Vec::new(),
            control_events: 0,
            elided_events: 0,
            event_boundaries: event_boundaries(scenario),
            #[cfg(test)]
            probe_log: Vec::new(),
            #[cfg(test)]
            shortcuts: true,
            connected: vec![0; scenario.regions.len()],
            tally: [0; 5],
            control: ControlFacts::default(),
            primary_region,
            primary_check,
            answer_left_primary: false,
            metrics: scenario
                .metrics
                .iter()
                .enumerate()
                .map(|(i, _)| MetricState {
                    canary_ok: 0,
                    canary_total: 0,
                    login_failures: 0,
                    pending: VecDeque::new(),
                    next_scripted: 0,
                    rng: streams.stream(EntityKind::Metric, i as u64),
                })
                .collect(),
            alarms: scenario
                .alarms
                .iter()
                .map(|a| alarm::AlarmEvaluator::new(a.rule.clone()))
                .collect(),
            last_known: vec![true; n_checks],
            control_tick_ms: control_tick_ms(scenario),
            next_period_close_ms: control_tick_ms(scenario),
            idle_rng: streams.stream(EntityKind::Scenario, u64::MAX >> 8),
            user_blocks: if n_users <= BLOCK_CACHE_USERS {
                vec![rng::Block::NONE; n_users]
            } else {
                Vec::new()
            },
            identity: identity::IdentityFaults::new(scenario),
        };
        crate::platform::advise_huge_pages(&sim.users);
        sim.init_users(members.as_deref(), options.trace_users);
        sim.global = members.unwrap_or_default();
        sim
    }

    /// Builds the run's users — every user, or the `members` of one partition (global
    /// numbers, ascending) — on all threads of the current pool (each user's set-up draws come
    /// from its own stream, so the result does not depend on the threads), marks the users
    /// traced to cover a cohort (a partition is told them by `trace_also`), then schedules
    /// their first logins in user order.
    pub(super) fn init_users(&mut self, members: Option<&[u32]>, trace: u32) {
        let factory = UserFactory::new(self.scenario, &self.streams, &self.resolver_base, trace);
        match members {
            None if !self.user_blocks.is_empty() => {
                // At most BLOCK_CACHE_USERS users, fewer than PARALLEL_SETUP_USERS: built on
                // this thread, straight into place.
                let total = self.scenario.user_count();
                assert_eq!(
                    total,
                    self.user_blocks.len() as u64,
                    "a block slot per user"
                );
                for (g, block_of) in (0..total).zip(self.user_blocks.iter_mut()) {
                    let (user, block) = factory.make_with_block(g);
                    self.users.push(user);
                    *block_of = block;
                }
            }
            None => {
                let total = self.scenario.user_count();
                extend_all(&mut self.users, total, |g| factory.make(g));
            }
            Some(m) => self
                .users
                .par_extend(m.par_iter().map(|&g| factory.make(u64::from(g)))),
        }
        if members.is_none() && trace > 0 {
            let base = &self.resolver_base;
            let keys = self.users.iter().map(|u| CohortKey::of(u, base));
            for g in cover_users(self.scenario, trace, keys) {
                self.users[g as usize].flags |= flag::TRACED;
            }
        }
        let duration_ms = self.scenario.duration_ms;
        self.tally[TALLY[ClientState::Offline as usize]] += self.users.len() as u32;
        for (u, user) in self.users.iter().enumerate() {
            // Before the first login, `login_started_ms` holds the start of the working day.
            if user.login_started_ms < duration_ms {
                self.scheduler.at(
                    user.login_started_ms,
                    Event::UserStep {
                        user: u as u32,
                        generation: 0,
                        step: Step::Login,
                    },
                );
            }
        }
    }

    /// Traces the users of this partition among `globals` (global numbers, ascending: the
    /// users the whole run traces to cover a cohort); before the run starts.
    pub(super) fn trace_also(&mut self, globals: &[u64]) {
        let mut wanted = globals.iter().peekable();
        for (u, &g) in self.global.iter().enumerate() {
            while wanted.next_if(|&&w| w < u64::from(g)).is_some() {}
            if wanted.peek() == Some(&&u64::from(g)) {
                self.users[u].flags |= flag::TRACED;
            }
        }
    }

    /// Observes the initial states and schedules the first events (see the ordering rules in
    /// the module docs of `sim`).
    pub(super) fn start(&mut self) {
        let scenario = self.scenario;
        // Initial states at time 0 (README, Output files: `timeline.csv`).
        for (i, hc) in scenario.health_checks.iter().enumerate() {
            let raw = match hc.kind {
                HealthCheckType::RoutingControl { initially_on } => initially_on,
                _ => true,
            };
            let s = crate::model::health::effective_status(raw, hc.disabled, hc.inverted);
            self.raw_status[i] = raw;
            self.status[i] = s;
            self.dns_view[i] = s;
            let check = i as u16;
            self.observe(0, Observation::HealthCheckChanged { check, healthy: s });
        }
        // Calculated checks depend on their children's initial status.
        for i in 0..scenario.health_checks.len() {
            if let HealthCheckType::Calculated { .. } = scenario.health_checks[i].kind {
                self.recompute_check(i, 0);
            }
        }
        for alarm in 0..scenario.alarms.len() as u16 {
            // A new alarm starts in INSUFFICIENT_DATA, as CloudWatch starts a new alarm.
            let state = alarm::AlarmState::InsufficientData;
            self.observe(0, Observation::AlarmChanged { alarm, state });
        }
        if self.control_tick_ms > 0 {
            self.scheduler.at(0, Event::ControlTick);
        }
        self.answer = self.compute_answer();
        let answer = self.answer.clone();
        self.observe(0, Observation::AnswerChanged { answer });
        self.start_locations();
        for (i, e) in scenario.events.iter().enumerate() {
            self.scheduler
                .at(e.at_ms, Event::ScenarioEventStarts { event: i as u16 });
            if let Some(end_ms) = e.end_ms {
                self.scheduler
                    .at(end_ms, Event::ScenarioEventEnds { event: i as u16 });
            }
        }
        for c in 0..self.checkers.len() {
            let interval = self.endpoint(self.checkers[c].check as usize).interval_ms;
            // Each checker starts at its own random phase within one interval.
            let phase = rng::uniform_ms(&mut self.checkers[c].rng, 0, interval - 1);
            self.scheduler.at(phase, Event::Probe { checker: c as u32 });
        }
        self.scheduler.at(0, Event::SeriesTick);
        let step = self.scenario.series_step_ms.max(1);
        let samples = self.scenario.duration_ms / step + 1;
        self.recorder
            .expect_samples(usize::try_from(samples).unwrap_or(usize::MAX));
    }

    /// Closes the books at the scenario end: per-user records (open downtime and non-home
    /// intervals run to the end) and control-plane facts.
    pub(in crate::model) fn finish(mut self, seed: u64) -> Outcome {
        self.close_split(self.scenario.duration_ms);
        let books = self.books();
        let mut control = std::mem::take(&mut self.control);
        control.events_processed = self.scheduler.processed() + self.elided_events;
        let mut users = Vec::with_capacity(self.users.len());
        crate::platform::advise_huge_pages(&users);
        for u in 0..self.users.len() {
            users.push(books.record(&self.users[u], &mut control));
            if (u + 1) % RELEASE_EVERY == 0 {
                crate::platform::release_prefix(&mut self.users, u + 1);
            }
        }
        Outcome {
            seed,
            users,
            control,
        }
    }

    /// What turning a [`User`] into its [`UserRecord`] needs from the run.
    fn books(&self) -> Books<'m> {
        Books::new(self.scenario, &self.resolvers, &self.resolver_base)
    }
}

/// Users turned into records between two releases of their memory
/// (`platform::release_prefix`): the users and the records of a large run are never both
/// resident in full.
pub(super) const RELEASE_EVERY: usize = 1 << 16;

/// Turns users into their records at the scenario end (the same for every partition of a
/// run, so partitioned runs build the records in user order after merging).
pub(super) struct Books<'m> {
    scenario: &'m Scenario,
    /// Resolver spec of each instance.
    instance_spec: Vec<u16>,
    resolver_base: Vec<u32>,
}

impl<'s> Books<'s> {
    pub(super) fn new(
        scenario: &'s Scenario,
        resolvers: &[ResolverInstance],
        resolver_base: &[u32],
    ) -> Self {
        Books {
            scenario,
            instance_spec: resolvers.iter().map(|r| r.spec).collect(),
            resolver_base: resolver_base.to_vec(),
        }
    }

    /// The record of user `u`; adds its standby time and WorkSpaces to `control`.
    pub(super) fn record(&self, u: &User, control: &mut ControlFacts) -> UserRecord {
        let scenario = self.scenario;
        let end = scenario.duration_ms;
        let mut downtime = u.downtime_ms;
        let mut non_home = u.non_home_ms;
        let in_schedule = !matches!(u.state, ClientState::Offline | ClientState::Done);
        if in_schedule && u.down_since_ms != NEVER {
            downtime += end.saturating_sub(u.down_since_ms);
        }
        if u.state == ClientState::Connected && u.region != u.home {
            non_home += end.saturating_sub(u.connected_since_ms);
            if scenario.regions[u.region as usize].standby == Standby::Mrr {
                control.standby_ms += end.saturating_sub(u.connected_since_ms);
            }
        }
        if u.has(flag::FAILOVER_WS) {
            control.standby_workspaces += scenario
                .regions
                .iter()
                .enumerate()
                .filter(|(r, spec)| *r != u.home as usize && spec.standby == Standby::Mrr)
                .count() as u64;
        }
        // Downtime is only counted inside the user's working window.
        let window = scenario.groups[u.group as usize].session_ms.min(end);
        assert!(
            downtime <= window,
            "downtime {downtime} ms exceeds the working window of {window} ms"
        );
        let opt = |t: u64| (t != NEVER).then_some(t);
        let spec = self.instance_spec[u.resolver as usize];
        UserRecord {
            group: u.group,
            home: u.home,
            fqdn: u.has(flag::FQDN),
            client_version: u.version,
            resolver: spec,
            resolver_instance: u.resolver - self.resolver_base[spec as usize],
            first_disconnect_ms: opt(u.first_disconnect_ms),
            reconnect_ms: opt(u.reconnect_ms),
            reconnect_region: (u.reconnect_region != NO_REGION).then_some(u.reconnect_region),
            downtime_ms: downtime,
            interruptions: u.interruptions,
            login_failures: u.login_failures,
            restarts: u.restarts,
            redirected: u.redirectable()
                && (u.non_home_ms > 0
                    || non_home > 0
                    || u.reconnect_region != NO_REGION && u.reconnect_region != u.home),
            failback_ms: opt(u.failback_ms),
            non_home_ms: non_home,
            misdirected: u.has(flag::MISDIRECTED),
            redirectable: u.redirectable(),
            failover_workspace: u.has(flag::FAILOVER_WS),
            launch_wait_ms: u.launch_wait_ms,
            on_vpn: u.has(flag::ON_VPN),
            data_age_ms: (u.data_age_ms != NO_DATA_AGE).then_some(u64::from(u.data_age_ms)),
        }
    }
}

/// The checkers of every endpoint health check, each on its own random stream, and the range
/// of each check's checkers in that list.
fn build_checkers(scenario: &Scenario, streams: &Streams) -> (Vec<Checker>, Vec<(u32, u32)>) {
    let mut checkers = Vec::new();
    let mut checker_ranges = Vec::new();
    for (check, spec) in scenario.health_checks.iter().enumerate() {
        let start = checkers.len() as u32;
        if let HealthCheckType::Endpoint(e) = &spec.kind {
            for &region in &e.checker_regions {
                for index_in_region in 0..e.checkers_per_region {
                    let global = checkers.len() as u64;
                    checkers.push(Checker {
                        check: check as u16,
                        region: region as u8,
                        index_in_region: index_in_region as u8,
                        verdict: CheckerVerdict::NEW,
                        rng: streams.stream(EntityKind::Checker, global),
                    });
                }
            }
        }
        checker_ranges.push((start, checkers.len() as u32));
    }
    (checkers, checker_ranges)
}

/// Resolver instances (one per explicit resolver, `instances` per population) and the first
/// instance of each resolver.
fn build_resolvers(scenario: &Scenario, streams: &Streams) -> (Vec<ResolverInstance>, Vec<u32>) {
    let mut resolvers = Vec::new();
    let mut resolver_base = Vec::new();
    for (index, spec) in scenario.resolvers.iter().enumerate() {
        resolver_base.push(resolvers.len() as u32);
        let count = if spec.population.is_some() {
            spec.instances
        } else {
            1
        };
        for _ in 0..count {
            // Instance behaviour: the spec itself, or one draw from the population mixture
            // on the instance's own stream (README, Model: resolver populations); lookups continue
            // that stream.
            let mut rng = streams.stream(EntityKind::Resolver, resolvers.len() as u64);
            let behaviour = match &spec.population {
                Some(p) => population::behaviour(p, &mut rng).expect("validated population"),
                None => ResolverBehaviour::from(spec),
            };
            resolvers.push(ResolverInstance {
                spec: index as u16,
                location: spec.dns_location.map(|l| l as u8),
                cache: ResolverCache::new(behaviour),
                rng: Streams::close(&rng),
                down: 0,
            });
        }
    }
    (resolvers, resolver_base)
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// The control tick divides every metric resolution, canary probe interval and alarm
/// evaluation cadence, so each of them happens exactly on a tick.
pub(crate) fn control_tick_ms(scenario: &Scenario) -> u64 {
    let mut tick = 0;
    for m in &scenario.metrics {
        tick = gcd(tick, m.resolution_ms);
        if m.source == MetricSource::Canary {
            tick = gcd(tick, CANARY_INTERVAL_MS);
        }
    }
    for a in &scenario.alarms {
        tick = gcd(tick, a.rule.evaluation_cadence_ms());
    }
    tick
}
