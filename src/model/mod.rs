//! The failover model: Regions and faults, Route 53 health checks, the authoritative DNS,
//! resolvers and the WorkSpaces client of every user, driven by the [`Scheduler`].
//!
//! [`simulate`] is a pure function of a validated [`Scenario`] and a seed. It does no I/O; what
//! it observes goes into a [`Recorder`], and the per-user outcomes come back in the
//! [`Report`]. The AWS and DNS rules it follows are in the submodules ([`health`], [`dns`],
//! [`resolver`], [`alarm`]) and in the comments at each decision below.

pub mod alarm;
pub mod client;
pub mod dns;
pub mod health;
pub mod population;
#[cfg(test)]
mod properties;
pub mod resolver;

use crate::engine::Scheduler;
use crate::report::{
    summary, ControlFacts, MemoryRecorder, Recorder, Report, SeriesRow, TimelineEvent,
    TimelineKind, UserRecord,
};
use crate::rng::{self, EntityKind, StreamPos, Streams};
use crate::scenario::{
    ClientCache, EventAction, HealthCheckType, InsufficientData, MetricSource, Plane, PlaneSet,
    Routing, Scenario, Standby, Zone, CHECKER_REGIONS,
};
use crate::time::SimTime;
use client::{flag, ClientState, User, NEVER, NO_REGION};
use health::CheckerVerdict;
use rand_chacha::ChaCha8Rng;
use resolver::{
    Answer, Resolution, ResolverBehaviour, ResolverCache, ANSWER_HIJACKED, ANSWER_NONE,
};
use std::collections::VecDeque;

/// Options of one run that are not part of the scenario.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Master seed.
    pub seed: u64,
    /// Users whose every state change is traced (spread evenly over all users).
    pub trace_users: u32,
}

/// What happens next to a user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Login,
    LoginFailed,
    Detect,
    Relogin,
    Resume,
    Reauth,
}

/// Engine events. Kept small (16 bytes) and `Copy`: a million are pending at once.
#[derive(Clone, Copy, Debug)]
enum Ev {
    FaultStart(u16),
    FaultEnd(u16),
    RecordEditApplied(u16),
    Probe(u32),
    ProbeResult(u32, bool),
    DnsSeesCheck(u16, bool),
    User(u32, u32, Step),
    LaunchDone(u32, u32, u8),
    WorkEnd(u32),
    SeriesTick,
    ControlTick,
}

struct Checker {
    check: u16,
    region: u8,
    index_in_region: u8,
    verdict: CheckerVerdict,
    rng: ChaCha8Rng,
}

struct RegionState {
    /// Severity in force on each plane (max over active faults), index by plane bit order.
    severity: [f64; 4],
    launching: u32,
    queue: VecDeque<(u32, u32)>,
}

fn plane_slot(p: Plane) -> usize {
    match p {
        Plane::Sessions => 0,
        Plane::Logins => 1,
        Plane::Endpoint => 2,
        Plane::Metrics => 3,
    }
}

/// A metric's running state (DESIGN §4.2).
struct MetricState {
    /// Canary probes in the current resolution period.
    canary_ok: u32,
    canary_total: u32,
    /// Failed logins attributed to the observed Region in the current period.
    login_failures: u32,
    /// Published datapoints not yet visible to alarms: (visible_at, timestamp, value).
    pending: VecDeque<(u64, u64, f64)>,
    /// Next scripted datapoint.
    next_scripted: usize,
    rng: ChaCha8Rng,
}

struct ResolverInstance {
    spec: u16,
    cache: ResolverCache,
    rng: StreamPos,
    down: u32,
}

struct Sim<'m, R: Recorder> {
    model: &'m Scenario,
    streams: Streams,
    sched: Scheduler<Ev>,
    rec: &'m mut R,
    regions: Vec<RegionState>,
    checkers: Vec<Checker>,
    /// Checkers of each health check (range into `checkers`).
    checker_ranges: Vec<(u32, u32)>,
    healthy_checkers: Vec<u32>,
    /// Raw (pre disable/invert) status, effective status, and what DNS currently sees.
    raw_status: Vec<bool>,
    status: Vec<bool>,
    dns_view: Vec<bool>,
    disabled: Vec<bool>,
    inverted: Vec<bool>,
    /// Partitions in force: `[checker region][target region]` count.
    partitions: Vec<Vec<u32>>,
    manual_record: Option<u8>,
    lapsed: Option<bool>,
    dns_outages: u32,
    answer: AuthAnswer,
    resolvers: Vec<ResolverInstance>,
    /// First instance of each resolver spec.
    resolver_base: Vec<u32>,
    users: Vec<User>,
    counts_connected: Vec<u32>,
    counts: [u32; 3], // disconnected, logging_in, offline
    control: ControlFacts,
    primary_region: u8,
    primary_check: Option<usize>,
    answer_left_primary: bool,
    metrics: Vec<MetricState>,
    alarms: Vec<alarm::AlarmEvaluator>,
    /// Last status an alarm check had while its alarm had data (`last_known_status`).
    last_known: Vec<bool>,
    /// Step of the control tick that publishes metrics and evaluates alarms (0 = none).
    control_tick_ms: u64,
    /// Passed to lookups that draw nothing (never actually read).
    idle_rng: ChaCha8Rng,
}

/// The authoritative answer: one Region (or special), or weighted candidates.
#[derive(Clone, Debug, PartialEq)]
enum AuthAnswer {
    Fixed(Answer),
    Weighted(Vec<(u8, u32)>),
}

impl AuthAnswer {
    fn label(&self, model: &Scenario) -> String {
        match self {
            AuthAnswer::Fixed(a) => answer_label(model, *a),
            AuthAnswer::Weighted(c) => c
                .iter()
                .map(|(r, w)| format!("{}={w}", model.regions[*r as usize].name))
                .collect::<Vec<_>>()
                .join(";"),
        }
    }

    fn includes(&self, region: u8) -> bool {
        match self {
            AuthAnswer::Fixed(a) => *a == region,
            AuthAnswer::Weighted(c) => c.iter().any(|(r, _)| *r == region),
        }
    }

    fn draw(&self, rng: &mut ChaCha8Rng) -> Answer {
        match self {
            AuthAnswer::Fixed(a) => *a,
            AuthAnswer::Weighted(c) => {
                let mut acc = 0.0;
                let cum: Vec<f64> = c
                    .iter()
                    .map(|(_, w)| {
                        acc += f64::from(*w);
                        acc
                    })
                    .collect();
                c[rng::pick_cumulative(rng, &cum)].0
            }
        }
    }
}

fn answer_label(model: &Scenario, a: Answer) -> String {
    match a {
        ANSWER_NONE => "NXDOMAIN".to_string(),
        ANSWER_HIJACKED => "hijacked".to_string(),
        r => model.regions[r as usize].name.clone(),
    }
}

/// Runs the scenario and returns the report (timeline and series included).
pub fn simulate(model: &Scenario, options: &RunOptions) -> Report {
    let mut rec = MemoryRecorder::default();
    let (users, control) = simulate_into(model, options, &mut rec);
    let summary = summary::summarize(options.seed, &users, &control);
    let mut timeline = rec.timeline;
    // Stable sort: events at the same millisecond keep the order they happened in.
    timeline.sort_by_key(|e| e.time_ms);
    Report {
        scenario: model.name.clone(),
        seed: options.seed,
        duration_ms: model.duration_ms,
        regions: model.regions.iter().map(|r| r.name.clone()).collect(),
        groups: model.groups.iter().map(|g| g.name.clone()).collect(),
        client_versions: model
            .groups
            .iter()
            .map(|g| {
                g.client_versions
                    .iter()
                    .map(|v| v.version.clone())
                    .collect()
            })
            .collect(),
        resolvers: model.resolvers.iter().map(|r| r.name.clone()).collect(),
        resolver_is_population: model
            .resolvers
            .iter()
            .map(|r| r.population.is_some())
            .collect(),
        users,
        timeline,
        series: rec.series,
        control,
        summary,
        faults: fault_windows(model),
    }
}

/// Fault windows with a label saying what failed, for charts and the story.
fn fault_windows(model: &Scenario) -> Vec<(u64, u64, String)> {
    model
        .events
        .iter()
        .filter(|e| e.action.is_fault())
        .map(|e| {
            let label = match &e.action {
                EventAction::RegionOutage {
                    region,
                    planes,
                    severity,
                } => {
                    let planes = if *planes == PlaneSet::ALL {
                        "all planes".to_string()
                    } else {
                        planes.label().replace('+', ", ")
                    };
                    let partial = if *severity < 1.0 {
                        format!(", {:.0} % of requests", severity * 100.0)
                    } else {
                        String::new()
                    };
                    format!("{} outage ({planes}{partial})", model.regions[*region].name)
                }
                EventAction::CheckerPartition {
                    checker_regions,
                    target,
                } => format!(
                    "{} checker Region(s) cut off from {}",
                    checker_regions.len(),
                    model.regions[*target].name
                ),
                EventAction::DnsOutage => "authoritative DNS unreachable".to_string(),
                EventAction::ResolverOutage { resolver } => {
                    format!("resolver {} down", model.resolvers[*resolver].name)
                }
                _ => e.name.clone(),
            };
            (e.at_ms, e.end_ms.unwrap_or(model.duration_ms), label)
        })
        .collect()
}

/// Runs the scenario, pushing observations into `rec`; returns per-user records and
/// control-plane facts.
pub fn simulate_into<R: Recorder>(
    model: &Scenario,
    options: &RunOptions,
    rec: &mut R,
) -> (Vec<UserRecord>, ControlFacts) {
    let mut sim = Sim::new(model, options, rec);
    sim.run();
    sim.finish()
}

impl<'m, R: Recorder> Sim<'m, R> {
    fn new(model: &'m Scenario, options: &RunOptions, rec: &'m mut R) -> Self {
        let streams = Streams::new(options.seed);
        let n_checks = model.health_checks.len();
        let mut checkers = Vec::new();
        let mut checker_ranges = Vec::new();
        for (ci, hc) in model.health_checks.iter().enumerate() {
            let start = checkers.len() as u32;
            if let HealthCheckType::Endpoint(e) = &hc.kind {
                for &cr in &e.checker_regions {
                    for k in 0..e.checkers_per_region {
                        let global = checkers.len() as u64;
                        checkers.push(Checker {
                            check: ci as u16,
                            region: cr as u8,
                            index_in_region: k as u8,
                            verdict: CheckerVerdict::NEW,
                            rng: streams.stream(EntityKind::Checker, global),
                        });
                    }
                }
            }
            checker_ranges.push((start, checkers.len() as u32));
        }
        let healthy_checkers = checker_ranges.iter().map(|(a, b)| b - a).collect();
        let mut resolvers = Vec::new();
        let mut resolver_base = Vec::new();
        for (si, spec) in model.resolvers.iter().enumerate() {
            resolver_base.push(resolvers.len() as u32);
            let n = if spec.population.is_some() {
                spec.instances
            } else {
                1
            };
            for _ in 0..n {
                // Instance behaviour: the spec itself, or one draw from the population mixture
                // on the instance's own stream (facts §6); lookups continue that stream.
                let mut r = streams.stream(EntityKind::Resolver, resolvers.len() as u64);
                let behaviour = match &spec.population {
                    Some(p) => population::behaviour(p, &mut r).expect("validated population"),
                    None => ResolverBehaviour::from(spec),
                };
                resolvers.push(ResolverInstance {
                    spec: si as u16,
                    cache: ResolverCache::new(behaviour),
                    rng: Streams::close(&r),
                    down: 0,
                });
            }
        }
        let primary_region = model.dns.routing.primary_region() as u8;
        let primary_check = model.dns.routing.primary_check();
        let raw_status = vec![true; n_checks];
        let mut sim = Sim {
            model,
            streams: streams.clone(),
            sched: Scheduler::new(),
            rec,
            regions: model
                .regions
                .iter()
                .map(|_| RegionState {
                    severity: [0.0; 4],
                    launching: 0,
                    queue: VecDeque::new(),
                })
                .collect(),
            checkers,
            checker_ranges,
            healthy_checkers,
            raw_status,
            status: vec![true; n_checks],
            dns_view: vec![true; n_checks],
            disabled: model.health_checks.iter().map(|h| h.disabled).collect(),
            inverted: model.health_checks.iter().map(|h| h.inverted).collect(),
            partitions: vec![vec![0; model.regions.len()]; CHECKER_REGIONS.len()],
            manual_record: None,
            lapsed: None,
            dns_outages: 0,
            answer: AuthAnswer::Fixed(primary_region),
            resolvers,
            resolver_base,
            users: Vec::with_capacity(model.user_count() as usize),
            counts_connected: vec![0; model.regions.len()],
            counts: [0; 3],
            control: ControlFacts::default(),
            primary_region,
            primary_check,
            answer_left_primary: false,
            metrics: model
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
            alarms: model
                .alarms
                .iter()
                .map(|a| alarm::AlarmEvaluator::new(a.rule.clone()))
                .collect(),
            last_known: vec![true; n_checks],
            control_tick_ms: control_tick_ms(model),
            idle_rng: streams.stream(EntityKind::Scenario, u64::MAX >> 8),
        };
        client::advise_huge_pages(&sim.users);
        sim.init_users(options.trace_users);
        sim
    }

    // ----- set-up -----------------------------------------------------------------------

    fn init_users(&mut self, trace: u32) {
        let model = self.model;
        let total = model.user_count();
        let mut global: u64 = 0;
        for (gi, g) in model.groups.iter().enumerate() {
            let version_cum = cumulative(g.client_versions.iter().map(|v| v.share));
            let resolver_cum = cumulative(g.resolvers.iter().map(|r| r.1));
            for i in 0..g.count {
                // A user's stream is numbered by (group, index in group): adding users to one
                // group leaves every other group's draws unchanged.
                let stream_index = ((gi as u64) << 32) | u64::from(i);
                let mut r = self.streams.stream(EntityKind::User, stream_index);
                let mut flags = 0u8;
                if rng::chance(&mut r, g.fqdn_share) {
                    flags |= flag::FQDN;
                }
                let version = rng::pick_cumulative(&mut r, &version_cum);
                if g.client_versions[version].redirects {
                    flags |= flag::REDIRECTS;
                }
                let (spec, _) = g.resolvers[rng::pick_cumulative(&mut r, &resolver_cum)];
                let rs = &model.resolvers[spec];
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
                if rng::chance(&mut r, g.behaviour.restart_probability) {
                    flags |= flag::STICKY;
                }
                if trace > 0 && is_traced(global, total, u64::from(trace)) {
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
                    login_started_ms: 0,
                    dropped_ms: 0,
                    down_since_ms: NEVER,
                    downtime_ms: 0,
                    connected_since_ms: 0,
                    non_home_ms: 0,
                    first_disconnect_ms: NEVER,
                    reconnect_ms: NEVER,
                    failback_ms: NEVER,
                    launch_wait_ms: 0,
                };
                let u = self.users.len() as u32;
                self.users.push(user);
                self.counts[2] += 1;
                if work_start_ms < model.duration_ms {
                    self.sched
                        .at(SimTime(work_start_ms), Ev::User(u, 0, Step::Login));
                }
                global += 1;
            }
        }
    }

    fn run(&mut self) {
        self.start();
        let end = SimTime(self.model.duration_ms);
        while let Some((now, ev)) = self.sched.next_until(end) {
            self.handle(now.0, ev);
        }
    }

    /// Records initial states and schedules the first events.
    fn start(&mut self) {
        let model = self.model;
        // Initial states at time 0 (INTERFACE §3).
        for (i, hc) in model.health_checks.iter().enumerate() {
            let s = crate::model::health::effective_status(true, hc.disabled, hc.inverted);
            self.raw_status[i] = true;
            self.status[i] = s;
            self.dns_view[i] = s;
            self.timeline(
                0,
                TimelineKind::HealthCheck,
                hc.name.clone(),
                status_label(s),
            );
        }
        // Calculated checks depend on their children's initial status.
        for i in 0..model.health_checks.len() {
            if let HealthCheckType::Calculated { .. } = model.health_checks[i].kind {
                self.recompute_check(i, 0);
            }
        }
        for a in &model.alarms {
            // A new alarm starts in INSUFFICIENT_DATA (facts §4.1).
            self.timeline(0, TimelineKind::Alarm, a.name.clone(), "INSUFFICIENT_DATA");
        }
        if self.control_tick_ms > 0 {
            self.sched.at(SimTime::ZERO, Ev::ControlTick);
        }
        self.answer = self.compute_answer();
        self.timeline(
            0,
            TimelineKind::DnsAnswer,
            model.dns.fqdn.clone(),
            self.answer.label(model),
        );
        for (i, e) in model.events.iter().enumerate() {
            self.sched.at(SimTime(e.at_ms), Ev::FaultStart(i as u16));
            if let Some(end_ms) = e.end_ms {
                self.sched.at(SimTime(end_ms), Ev::FaultEnd(i as u16));
            }
        }
        for c in 0..self.checkers.len() {
            let interval = self.endpoint(self.checkers[c].check as usize).interval_ms;
            // Each checker starts at its own random phase within one interval.
            let phase = rng::uniform_ms(&mut self.checkers[c].rng, 0, interval - 1);
            self.sched.at(SimTime(phase), Ev::Probe(c as u32));
        }
        self.sched.at(SimTime::ZERO, Ev::SeriesTick);
    }

    fn finish(mut self) -> (Vec<UserRecord>, ControlFacts) {
        let end = self.model.duration_ms;
        let users = self
            .users
            .iter()
            .map(|u| {
                let mut downtime = u.downtime_ms;
                let mut non_home = u.non_home_ms;
                let in_schedule = !matches!(u.state, ClientState::Offline | ClientState::Done);
                if in_schedule && u.down_since_ms != NEVER {
                    downtime += end.saturating_sub(u.down_since_ms);
                }
                if u.state == ClientState::Connected && u.region != u.home {
                    non_home += end.saturating_sub(u.connected_since_ms);
                }
                let opt = |t: u64| (t != NEVER).then_some(t);
                UserRecord {
                    group: u.group,
                    home: u.home,
                    fqdn: u.has(flag::FQDN),
                    client_version: u.version,
                    resolver: self.resolvers[u.resolver as usize].spec,
                    resolver_instance: u.resolver
                        - self.resolver_base[self.resolvers[u.resolver as usize].spec as usize],
                    first_disconnect_ms: opt(u.first_disconnect_ms),
                    reconnect_ms: opt(u.reconnect_ms),
                    reconnect_region: (u.reconnect_region != NO_REGION)
                        .then_some(u.reconnect_region),
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
                }
            })
            .collect();
        self.control.events_processed = self.sched.processed();
        (users, self.control)
    }

    // ----- dispatch -----------------------------------------------------------------------

    fn handle(&mut self, now: u64, ev: Ev) {
        match ev {
            Ev::FaultStart(i) => self.event_start(now, i as usize),
            Ev::FaultEnd(i) => self.event_end(now, i as usize),
            Ev::RecordEditApplied(i) => {
                if let EventAction::SetRecord { region } = self.model.events[i as usize].action {
                    self.manual_record = Some(region as u8);
                    self.refresh_answer(now);
                }
            }
            Ev::Probe(c) => self.probe(c as usize),
            Ev::ProbeResult(c, ok) => self.probe_result(now, c as usize, ok),
            Ev::DnsSeesCheck(c, healthy) => {
                self.dns_view[c as usize] = healthy;
                self.refresh_answer(now);
            }
            Ev::User(u, generation, step) => {
                if self.users[u as usize].generation == generation {
                    self.user_step(now, u as usize, step);
                }
            }
            Ev::LaunchDone(u, generation, region) => {
                self.launch_done(now, u as usize, generation, region)
            }
            Ev::WorkEnd(u) => self.work_end(now, u as usize),
            Ev::ControlTick => {
                self.control_tick(now);
                let next = now + self.control_tick_ms;
                if next <= self.model.duration_ms {
                    self.sched.at(SimTime(next), Ev::ControlTick);
                }
            }
            Ev::SeriesTick => {
                self.sample(now);
                let next = now + self.model.series_step_ms;
                if next <= self.model.duration_ms {
                    self.sched.at(SimTime(next), Ev::SeriesTick);
                }
            }
        }
    }

    fn timeline(&mut self, t: u64, kind: TimelineKind, subject: String, value: impl Into<String>) {
        self.rec.timeline(TimelineEvent {
            time_ms: t,
            kind,
            subject,
            value: value.into(),
        });
    }

    fn sample(&mut self, now: u64) {
        let row = SeriesRow {
            time_ms: now,
            connected: self.counts_connected.clone(),
            disconnected: self.counts[0],
            logging_in: self.counts[1],
            offline: self.counts[2],
            primary_check_healthy: self.primary_check.map(|c| self.status[c]),
            answer: self.answer.label(self.model),
        };
        self.rec.series(row);
    }

    // ----- faults and actions -------------------------------------------------------------

    fn severity(&self, region: u8, plane: Plane) -> f64 {
        self.regions[region as usize].severity[plane_slot(plane)]
    }

    /// Recomputes every plane's severity from the faults active at `now`.
    fn recompute_region(&mut self, now: u64, region: usize, ending: Option<usize>) {
        let mut sev = [0.0f64; 4];
        for (i, e) in self.model.events.iter().enumerate() {
            if let EventAction::RegionOutage {
                region: r,
                planes,
                severity,
            } = e.action
            {
                let active = r == region
                    && e.at_ms <= now
                    && e.end_ms.is_none_or(|end| end > now)
                    && Some(i) != ending;
                if active {
                    for p in [
                        Plane::Sessions,
                        Plane::Logins,
                        Plane::Endpoint,
                        Plane::Metrics,
                    ] {
                        if planes.contains(p) {
                            sev[plane_slot(p)] = sev[plane_slot(p)].max(severity);
                        }
                    }
                }
            }
        }
        let before = self.regions[region].severity;
        self.regions[region].severity = sev;
        let failing = PlaneSet(
            [
                Plane::Sessions,
                Plane::Logins,
                Plane::Endpoint,
                Plane::Metrics,
            ]
            .iter()
            .filter(|p| sev[plane_slot(**p)] > 0.0)
            .fold(0, |acc, p| acc | PlaneSet::bit(*p)),
        );
        let label = if failing.0 == 0 {
            "ok".to_string()
        } else {
            failing.label()
        };
        self.timeline(
            now,
            TimelineKind::Region,
            self.model.regions[region].name.clone(),
            label,
        );
        let sessions_before = before[0];
        let sessions_now = sev[0];
        if sessions_now > sessions_before {
            self.drop_sessions(now, region as u8, sessions_now, false);
        } else if sessions_now == 0.0 && sessions_before > 0.0 {
            self.sessions_recovered(now, region as u8);
        }
    }

    fn event_start(&mut self, now: u64, i: usize) {
        let model = self.model;
        let e = &model.events[i];
        // Time-to figures are measured from the first fault; a scenario without faults
        // (planned maintenance) measures them from its first operator action instead.
        if self.control.first_fault_ms.is_none() && (e.action.is_fault() || !model.has_faults()) {
            self.control.first_fault_ms = Some(now);
        }
        self.timeline(now, TimelineKind::Action, e.name.clone(), "start");
        match e.action {
            EventAction::RegionOutage { region, .. } => self.recompute_region(now, region, None),
            EventAction::CheckerPartition {
                ref checker_regions,
                target,
            } => {
                for &cr in checker_regions {
                    self.partitions[cr][target] += 1;
                }
            }
            EventAction::DnsOutage => self.dns_outages += 1,
            EventAction::ResolverOutage { resolver } => {
                let base = self.resolver_base[resolver] as usize;
                let n = if model.resolvers[resolver].population.is_some() {
                    model.resolvers[resolver].instances as usize
                } else {
                    1
                };
                for r in &mut self.resolvers[base..base + n] {
                    r.down += 1;
                }
            }
            EventAction::SetRecord { .. } => {
                // Record edits reach all name servers after a delay, uniform in
                // [0, edit_propagation] (facts §3.6: "generally within 60 seconds").
                let mut r = self.streams.stream(EntityKind::Scenario, 1000 + i as u64);
                let delay = rng::uniform_ms(&mut r, 0, model.dns.edit_propagation_ms);
                self.sched.after(delay, Ev::RecordEditApplied(i as u16));
            }
            EventAction::DisableHealthCheck { health_check } => {
                self.disabled[health_check] = true;
                self.recompute_check(health_check, now);
            }
            EventAction::InvertHealthCheck { health_check } => {
                self.inverted[health_check] = !self.inverted[health_check];
                self.recompute_check(health_check, now);
            }
            EventAction::DisconnectUsers { region } => {
                self.drop_sessions(now, region as u8, 1.0, true)
            }
            EventAction::DomainLapse { hijacked } => {
                self.lapsed = Some(hijacked);
                self.refresh_answer(now);
            }
        }
    }

    fn event_end(&mut self, now: u64, i: usize) {
        let model = self.model;
        let e = &model.events[i];
        self.timeline(now, TimelineKind::Action, e.name.clone(), "end");
        match e.action {
            EventAction::RegionOutage { region, .. } => self.recompute_region(now, region, Some(i)),
            EventAction::CheckerPartition {
                ref checker_regions,
                target,
            } => {
                for &cr in checker_regions {
                    self.partitions[cr][target] -= 1;
                }
            }
            EventAction::DnsOutage => self.dns_outages -= 1,
            EventAction::ResolverOutage { resolver } => {
                let base = self.resolver_base[resolver] as usize;
                let n = if model.resolvers[resolver].population.is_some() {
                    model.resolvers[resolver].instances as usize
                } else {
                    1
                };
                for r in &mut self.resolvers[base..base + n] {
                    r.down -= 1;
                }
            }
            EventAction::DisableHealthCheck { health_check } => {
                self.disabled[health_check] = model.health_checks[health_check].disabled;
                self.recompute_check(health_check, now);
            }
            EventAction::InvertHealthCheck { health_check } => {
                self.inverted[health_check] = !self.inverted[health_check];
                self.recompute_check(health_check, now);
            }
            _ => {}
        }
    }

    // ----- health checks -----------------------------------------------------------------

    fn endpoint(&self, check: usize) -> &crate::scenario::EndpointCheck {
        match &self.model.health_checks[check].kind {
            HealthCheckType::Endpoint(e) => e,
            _ => unreachable!("checkers exist only for endpoint checks"),
        }
    }

    /// A checker sends a probe. Its outcome is decided when it is sent: a failing endpoint
    /// (with probability = severity) or a partition makes it time out after the protocol's
    /// connect timeout; a healthy endpoint answers within a round trip (20-200 ms, a
    /// modelling choice). The next probe goes out `interval` after the response or timeout
    /// (facts §1.1: the interval runs from response to next request).
    fn probe(&mut self, c: usize) {
        let check = self.checkers[c].check as usize;
        let e = self.endpoint(check).clone();
        let partitioned = self.partitions[self.checkers[c].region as usize][e.target] > 0;
        let sev = self.regions[e.target].severity[plane_slot(Plane::Endpoint)];
        let r = &mut self.checkers[c].rng;
        let ok = !partitioned && !rng::chance(r, sev);
        let took = if ok {
            rng::uniform_ms(r, 20, 200)
        } else {
            e.protocol.connect_timeout_ms()
        };
        self.sched.after(took, Ev::ProbeResult(c as u32, ok));
        self.sched.after(took + e.interval_ms, Ev::Probe(c as u32));
    }

    fn probe_result(&mut self, now: u64, c: usize, ok: bool) {
        let check = self.checkers[c].check as usize;
        let threshold = self.endpoint(check).failure_threshold;
        if !self.checkers[c].verdict.observe(ok, threshold) {
            return;
        }
        let healthy = self.checkers[c].verdict.healthy;
        let subject = format!(
            "{}/{}#{}",
            self.model.health_checks[check].name,
            CHECKER_REGIONS[self.checkers[c].region as usize],
            self.checkers[c].index_in_region
        );
        self.timeline(now, TimelineKind::Checker, subject, status_label(healthy));
        if healthy {
            self.healthy_checkers[check] += 1;
        } else {
            self.healthy_checkers[check] -= 1;
        }
        self.recompute_check(check, now);
    }

    /// Recomputes a check's raw and effective status; on a change, records it, updates
    /// calculated parents and schedules DNS to see it after `health_propagation`.
    fn recompute_check(&mut self, check: usize, now: u64) {
        let model = self.model;
        let hc = &model.health_checks[check];
        let raw = match &hc.kind {
            HealthCheckType::Endpoint(_) => {
                let (a, b) = self.checker_ranges[check];
                health::endpoint_healthy(self.healthy_checkers[check], b - a)
            }
            HealthCheckType::Calculated {
                children,
                healthy_threshold,
            } => {
                let healthy = children.iter().filter(|&&c| self.status[c]).count() as u32;
                health::calculated_healthy(healthy, *healthy_threshold)
            }
            HealthCheckType::Alarm { .. } => self.raw_status[check],
        };
        self.raw_status[check] = raw;
        let eff = health::effective_status(raw, self.disabled[check], self.inverted[check]);
        if eff == self.status[check] {
            return;
        }
        self.status[check] = eff;
        self.timeline(
            now,
            TimelineKind::HealthCheck,
            hc.name.clone(),
            status_label(eff),
        );
        if Some(check) == self.primary_check
            && !eff
            && self.control.first_fault_ms.is_some()
            && self.control.primary_unhealthy_ms.is_none()
        {
            self.control.primary_unhealthy_ms = Some(now);
        }
        self.sched.after(
            model.dns.health_propagation_ms,
            Ev::DnsSeesCheck(check as u16, eff),
        );
        for parent in 0..model.health_checks.len() {
            if let HealthCheckType::Calculated { children, .. } = &model.health_checks[parent].kind
            {
                if children.contains(&check) {
                    self.recompute_check(parent, now);
                }
            }
        }
    }

    // ----- CloudWatch metrics and alarms ---------------------------------------------------

    /// One control tick at `now`, in a fixed order: publish the metric periods that ended at
    /// `now`, run canary probes for the period starting now, hand datapoints that became
    /// visible to their alarms, then evaluate alarms due at `now` and update the health
    /// checks that follow them. A fixed order within the tick keeps equal-time effects
    /// deterministic and guarantees an alarm sees a period's datapoint when `delay` is 0.
    fn control_tick(&mut self, now: u64) {
        let model = self.model;
        for (m, spec) in model.metrics.iter().enumerate() {
            if now > 0 && now % spec.resolution_ms == 0 && spec.source != MetricSource::Scripted {
                let value = match spec.source {
                    MetricSource::Canary => {
                        let st = &mut self.metrics[m];
                        let v = (st.canary_total > 0)
                            .then(|| f64::from(st.canary_ok) / f64::from(st.canary_total));
                        st.canary_ok = 0;
                        st.canary_total = 0;
                        v
                    }
                    MetricSource::ConnectedUsers => Some(f64::from(
                        self.counts_connected[spec.target.unwrap_or(spec.region)],
                    )),
                    MetricSource::LoginFailures => {
                        let v = f64::from(self.metrics[m].login_failures);
                        self.metrics[m].login_failures = 0;
                        Some(v)
                    }
                    MetricSource::Scripted => unreachable!("handled below"),
                };
                self.publish(now, m, now - spec.resolution_ms, value);
            }
            if spec.source == MetricSource::Scripted {
                while let Some(&(at, value)) = spec.datapoints.get(self.metrics[m].next_scripted) {
                    if at > now {
                        break;
                    }
                    self.metrics[m].next_scripted += 1;
                    self.publish(now, m, at, Some(value));
                }
            }
            if spec.source == MetricSource::Canary && now % CANARY_INTERVAL_MS == 0 {
                // The canary probes the target's endpoint; it runs in the metric's Region, and
                // a failed probe counts against the success ratio.
                let target = spec.target.expect("validated: canaries have a target") as u8;
                let sev = self.severity(target, Plane::Endpoint);
                let st = &mut self.metrics[m];
                st.canary_total += 1;
                if !rng::chance(&mut st.rng, sev) {
                    st.canary_ok += 1;
                }
            }
        }
        for m in 0..self.metrics.len() {
            while let Some(&(visible_at, at, value)) = self.metrics[m].pending.front() {
                if visible_at > now {
                    break;
                }
                self.metrics[m].pending.pop_front();
                for (a, spec) in model.alarms.iter().enumerate() {
                    if spec.metric == m {
                        self.alarms[a].add_datapoint(at, value);
                    }
                }
            }
        }
        for a in 0..self.alarms.len() {
            let cadence = self.alarms[a].spec().evaluation_cadence_ms();
            if now == 0 || now % cadence != 0 {
                continue;
            }
            if let Some(state) = self.alarms[a].evaluate(now) {
                self.timeline(
                    now,
                    TimelineKind::Alarm,
                    model.alarms[a].name.clone(),
                    state.as_str(),
                );
            }
            let state = self.alarms[a].state();
            for hc in 0..model.health_checks.len() {
                if let HealthCheckType::Alarm {
                    alarm,
                    insufficient_data,
                } = model.health_checks[hc].kind
                {
                    if alarm != a {
                        continue;
                    }
                    // Route 53 follows the alarm's data with the alarm's criteria (facts §2.2).
                    let raw = match state {
                        alarm::AlarmState::Ok => true,
                        alarm::AlarmState::Alarm => false,
                        alarm::AlarmState::InsufficientData => match insufficient_data {
                            InsufficientData::Healthy => true,
                            InsufficientData::Unhealthy => false,
                            InsufficientData::LastKnownStatus => self.last_known[hc],
                        },
                    };
                    if state != alarm::AlarmState::InsufficientData {
                        self.last_known[hc] = raw;
                    }
                    self.raw_status[hc] = raw;
                    self.recompute_check(hc, now);
                }
            }
        }
    }

    /// Publishes one datapoint with timestamp `at` (or records it missing). A metric stored in
    /// a Region whose `metrics` plane fails loses the datapoint with that probability: the
    /// alarm then sees *missing* data, not breaching data.
    fn publish(&mut self, now: u64, m: usize, at: u64, value: Option<f64>) {
        let spec = &self.model.metrics[m];
        let sev = self.severity(spec.region as u8, Plane::Metrics);
        let lost = rng::chance(&mut self.metrics[m].rng, sev);
        match value.filter(|_| !lost) {
            Some(v) => {
                self.metrics[m]
                    .pending
                    .push_back((now + spec.delay_ms, at, v));
                self.timeline(
                    now,
                    TimelineKind::Datapoint,
                    spec.name.clone(),
                    format_value(v),
                );
            }
            None => self.timeline(now, TimelineKind::Datapoint, spec.name.clone(), "missing"),
        }
    }

    // ----- authoritative DNS ---------------------------------------------------------------

    fn compute_answer(&self) -> AuthAnswer {
        let model = self.model;
        if let Some(hijacked) = self.lapsed {
            return AuthAnswer::Fixed(if hijacked {
                ANSWER_HIJACKED
            } else {
                ANSWER_NONE
            });
        }
        if let Some(r) = self.manual_record {
            return AuthAnswer::Fixed(r);
        }
        match &model.dns.routing {
            Routing::Simple(r) => AuthAnswer::Fixed(*r as u8),
            Routing::Failover(chain) => {
                AuthAnswer::Fixed(chain[dns::failover_answer(chain, &self.dns_view)].region as u8)
            }
            Routing::Weighted(recs) => {
                let c = dns::weighted_candidates(recs, &self.dns_view);
                if c.len() == 1 {
                    AuthAnswer::Fixed(recs[c[0].0].region as u8)
                } else {
                    AuthAnswer::Weighted(
                        c.iter().map(|&(i, w)| (recs[i].region as u8, w)).collect(),
                    )
                }
            }
        }
    }

    fn refresh_answer(&mut self, now: u64) {
        let new = self.compute_answer();
        if new == self.answer {
            return;
        }
        self.answer = new;
        let label = self.answer.label(self.model);
        self.timeline(
            now,
            TimelineKind::DnsAnswer,
            self.model.dns.fqdn.clone(),
            label,
        );
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
    }

    // ----- users ---------------------------------------------------------------------------

    fn user_rng(&self, u: usize) -> ChaCha8Rng {
        let user = &self.users[u];
        let idx = self.model.groups[..user.group as usize]
            .iter()
            .map(|g| u64::from(g.count))
            .sum::<u64>();
        let stream_index = (u64::from(user.group) << 32) | (u as u64 - idx);
        self.streams.open(EntityKind::User, stream_index, user.rng)
    }

    /// True with probability `p`, drawn from the user's stream. Certain outcomes (p = 0 or 1,
    /// the common case) draw nothing, which saves reopening the stream; the outcome is the
    /// same as `rng::chance` would give.
    fn user_chance(&mut self, u: usize, p: f64) -> bool {
        if p <= 0.0 {
            false
        } else if p >= 1.0 {
            true
        } else {
            self.draw(u, |r| rng::chance(r, p))
        }
    }

    /// One draw from `dist` on the user's stream; a fixed duration opens nothing.
    fn user_sample(&mut self, u: usize, dist: crate::dist::Dist) -> u64 {
        match dist {
            crate::dist::Dist::Fixed(ms) => ms,
            d => self.draw(u, |r| d.sample(r)),
        }
    }

    fn draw<T>(&mut self, u: usize, f: impl FnOnce(&mut ChaCha8Rng) -> T) -> T {
        let mut r = self.user_rng(u);
        let out = f(&mut r);
        self.users[u].rng = Streams::close(&r);
        out
    }

    fn bucket(&self, s: ClientState, region: u8) -> (Option<usize>, Option<usize>) {
        match s {
            ClientState::Connected => (Some(region as usize), None),
            ClientState::Disconnected | ClientState::Waiting => (None, Some(0)),
            ClientState::LoggingIn | ClientState::Launching => (None, Some(1)),
            ClientState::Offline | ClientState::Done => (None, Some(2)),
        }
    }

    /// Moves a user to a new state, keeping series counts and traces in step.
    fn set_state(&mut self, now: u64, u: usize, s: ClientState, region: u8) {
        let (old_s, old_r) = (self.users[u].state, self.users[u].region);
        match self.bucket(old_s, old_r) {
            (Some(r), _) => self.counts_connected[r] -= 1,
            (_, Some(b)) => self.counts[b] -= 1,
            _ => {}
        }
        match self.bucket(s, region) {
            (Some(r), _) => self.counts_connected[r] += 1,
            (_, Some(b)) => self.counts[b] += 1,
            _ => {}
        }
        // Leaving a non-home session: account the time worked away from home.
        if old_s == ClientState::Connected
            && old_r != self.users[u].home
            && !(s == ClientState::Connected && region == old_r)
        {
            let since = self.users[u].connected_since_ms;
            self.users[u].non_home_ms += now - since;
        }
        let user = &mut self.users[u];
        user.state = s;
        user.region = region;
        user.generation = user.generation.wrapping_add(1);
        if user.has(flag::TRACED) {
            let value = if region != NO_REGION
                && matches!(
                    s,
                    ClientState::Connected | ClientState::Launching | ClientState::Disconnected
                ) {
                format!(
                    "{}:{}",
                    s.as_str(),
                    self.model.regions[region as usize].name
                )
            } else {
                s.as_str().to_string()
            };
            let subject = format!("user{u}");
            self.timeline(now, TimelineKind::User, subject, value);
        }
    }

    fn schedule_user(&mut self, u: usize, at_ms: u64, step: Step) {
        let g = self.users[u].generation;
        if at_ms <= self.model.duration_ms {
            self.sched.at(SimTime(at_ms), Ev::User(u as u32, g, step));
        }
    }

    /// The user stops working: a downtime interval (if any) closes.
    fn start_downtime(&mut self, u: usize, since: u64) {
        let user = &mut self.users[u];
        if user.down_since_ms == NEVER {
            user.down_since_ms = since;
            user.interruptions += 1;
            if user.first_disconnect_ms == NEVER {
                user.first_disconnect_ms = since;
            }
        }
    }

    fn user_step(&mut self, now: u64, u: usize, step: Step) {
        match step {
            Step::Login => self.login(now, u),
            Step::LoginFailed => self.login_failed(now, u),
            Step::Detect => {
                // The client has noticed the drop. If the Region's sessions already came back,
                // the session resumes; otherwise the user sees "can't connect" and will log
                // in again after a think time, while the client keeps trying to resume.
                let region = self.users[u].region;
                if self.severity(region, Plane::Sessions) == 0.0 {
                    self.connected(now, u, region);
                } else {
                    let g = self.model.groups[self.users[u].group as usize]
                        .behaviour
                        .relogin_delay;
                    let think = self.user_sample(u, g);
                    let gen = self.users[u].generation;
                    self.sched
                        .after(think, Ev::User(u as u32, gen, Step::Relogin));
                }
            }
            Step::Relogin => {
                self.set_state(now, u, ClientState::LoggingIn, NO_REGION);
                self.login(now, u);
            }
            Step::Resume => {
                let region = self.users[u].region;
                if self.severity(region, Plane::Sessions) == 0.0 {
                    self.connected(now, u, region);
                }
            }
            Step::Reauth => self.reauth(now, u),
        }
    }

    /// Where a login goes: the Region to try, or why it cannot.
    fn resolve(&mut self, now: u64, u: usize) -> Result<u8, LoginFailure> {
        let model = self.model;
        let user = &self.users[u];
        if !user.redirectable() {
            // Region-code registrations and clients older than 3.0.9 always go home.
            return Ok(user.home);
        }
        if user.has(flag::STICKY) && user.held != NO_REGION {
            return Ok(user.held);
        }
        if model.dns.zone == Zone::Private && !user.has(flag::ON_VPN) {
            return Err(LoginFailure::Dns);
        }
        let answer = if user.cached_answer != NO_REGION && now < user.cache_expires_ms {
            user.cached_answer
        } else {
            let ri = user.resolver as usize;
            if self.resolvers[ri].down > 0 {
                return Err(LoginFailure::Dns);
            }
            let reachable = self.dns_outages == 0;
            let auth = &self.answer;
            let query = |r: &mut ChaCha8Rng| reachable.then(|| auth.draw(r));
            // Opening a stream costs a ChaCha block; most lookups (an honouring resolver and
            // a failover answer) draw nothing, so they run on an idle generator instead. The
            // instance's stream position is the same either way.
            let draws = self.resolvers[ri].cache.draws_randomness()
                || matches!(self.answer, AuthAnswer::Weighted(_));
            let res = if draws {
                let mut rr =
                    self.streams
                        .open(EntityKind::Resolver, ri as u64, self.resolvers[ri].rng);
                let res = self.resolvers[ri]
                    .cache
                    .lookup(now, model.dns.ttl_ms, &mut rr, query);
                self.resolvers[ri].rng = Streams::close(&rr);
                res
            } else {
                let before = Streams::close(&self.idle_rng);
                let res = self.resolvers[ri].cache.lookup(
                    now,
                    model.dns.ttl_ms,
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
            let cache = model.groups[user.group as usize].client_cache;
            let user = &mut self.users[u];
            match cache {
                ClientCache::None => {}
                ClientCache::Honor => {
                    user.cached_answer = answer;
                    user.cache_expires_ms = expires;
                }
                ClientCache::Fixed(life) => {
                    user.cached_answer = answer;
                    user.cache_expires_ms = now + life;
                }
            }
            answer
        };
        match answer {
            ANSWER_NONE => Err(LoginFailure::Dns),
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

    fn login(&mut self, now: u64, u: usize) {
        let model = self.model;
        let first = self.users[u].state == ClientState::Offline;
        if first {
            let g = &model.groups[self.users[u].group as usize];
            // The first login happens exactly at the start of the working window.
            let end = now + g.session_ms;
            if end <= model.duration_ms {
                self.sched.at(SimTime(end), Ev::WorkEnd(u as u32));
            }
        }
        if self.users[u].state != ClientState::LoggingIn {
            self.set_state(now, u, ClientState::LoggingIn, NO_REGION);
        }
        self.users[u].login_started_ms = now;
        let target = self.resolve(now, u);
        let fail = match target {
            Err(_) => true,
            Ok(region) => {
                let user = &self.users[u];
                let no_workspace = region != user.home && !user.has(flag::FAILOVER_WS);
                let sev = self.severity(region, Plane::Logins);
                no_workspace || self.user_chance(u, sev)
            }
        };
        if fail {
            let d = model.groups[self.users[u].group as usize]
                .behaviour
                .failed_login_time;
            let wait = self.user_sample(u, d);
            let gen = self.users[u].generation;
            self.sched
                .after(wait, Ev::User(u as u32, gen, Step::LoginFailed));
            return;
        }
        let region = target.expect("checked above");
        self.set_state(now, u, ClientState::Launching, region);
        let rs = &mut self.regions[region as usize];
        let limit = model.regions[region as usize].launch_concurrency;
        if limit == 0 || rs.launching < limit {
            rs.launching += 1;
            self.start_launch(now, u, region);
        } else {
            rs.queue.push_back((u as u32, self.users[u].generation));
            let q = rs.queue.len() as u64;
            self.control.peak_launch_queue = self.control.peak_launch_queue.max(q);
        }
    }

    fn start_launch(&mut self, _now: u64, u: usize, region: u8) {
        let model = self.model;
        let rspec = &model.regions[region as usize];
        let user = &self.users[u];
        let cold = region != user.home
            && rspec.standby == Standby::Autostop
            && !user.has(flag::WARMED_ELSEWHERE);
        let (launch, resume) = (rspec.launch_time, rspec.resume_time);
        let t = self.draw(u, |r| {
            launch.sample(r) + if cold { resume.sample(r) } else { 0 }
        });
        if cold {
            self.users[u].flags |= flag::WARMED_ELSEWHERE;
        }
        let gen = self.users[u].generation;
        self.sched.after(t, Ev::LaunchDone(u as u32, gen, region));
    }

    fn launch_done(&mut self, now: u64, u: usize, generation: u32, region: u8) {
        // The slot is released whatever happened to the user meanwhile.
        self.regions[region as usize].launching -= 1;
        while let Some((next, g)) = self.regions[region as usize].queue.pop_front() {
            if self.users[next as usize].generation == g {
                let user = &mut self.users[next as usize];
                // A user joins a launch queue in the instant its login starts.
                user.launch_wait_ms += now - user.login_started_ms;
                self.regions[region as usize].launching += 1;
                self.start_launch(now, next as usize, region);
                break;
            }
        }
        if self.users[u].generation != generation {
            return;
        }
        // A launch fails if the Region's sessions or logins failed meanwhile.
        let sev = self
            .severity(region, Plane::Sessions)
            .max(self.severity(region, Plane::Logins));
        if self.user_chance(u, sev) {
            self.login_failed(now, u);
            return;
        }
        self.connected(now, u, region);
    }

    fn connected(&mut self, now: u64, u: usize, region: u8) {
        self.set_state(now, u, ClientState::Connected, region);
        let reauth = self.model.groups[self.users[u].group as usize]
            .behaviour
            .reauth_every_ms;
        let user = &mut self.users[u];
        user.connected_since_ms = now;
        user.failed_streak = 0;
        if user.down_since_ms != NEVER {
            user.downtime_ms += now - user.down_since_ms;
            user.down_since_ms = NEVER;
        }
        if user.first_disconnect_ms != NEVER && user.reconnect_ms == NEVER {
            user.reconnect_ms = now;
            user.reconnect_region = region;
        }
        if region == user.home && user.failback_ms == NEVER && user.non_home_ms > 0 {
            user.failback_ms = now;
        }
        if reauth > 0 {
            self.schedule_user(u, now + reauth, Step::Reauth);
        }
    }

    /// Periodic re-authentication (e.g. SAML session duration): the client logs in again and
    /// follows the current DNS answer; if it names another Region the user moves there.
    fn reauth(&mut self, now: u64, u: usize) {
        let current = self.users[u].region;
        match self.resolve(now, u) {
            Ok(r) if r == current => {
                let every = self.model.groups[self.users[u].group as usize]
                    .behaviour
                    .reauth_every_ms;
                self.schedule_user(u, now + every, Step::Reauth);
            }
            _ => {
                self.set_state(now, u, ClientState::LoggingIn, NO_REGION);
                self.start_downtime(u, now);
                self.login(now, u);
            }
        }
    }

    fn login_failed(&mut self, now: u64, u: usize) {
        let model = self.model;
        let b = &model.groups[self.users[u].group as usize].behaviour;
        let started = self.users[u].login_started_ms;
        self.start_downtime(u, started);
        let user = &mut self.users[u];
        user.login_failures += 1;
        user.failed_streak = user.failed_streak.saturating_add(1);
        let sticky_restart = user.has(flag::STICKY)
            && user.held != NO_REGION
            && u32::from(user.failed_streak) >= b.restart_after_failures;
        self.set_state(now, u, ClientState::Waiting, NO_REGION);
        if sticky_restart {
            // The user quits and restarts the client, which forgets the identifier it held.
            let rt = b.restart_time;
            let t = self.user_sample(u, rt);
            let user = &mut self.users[u];
            user.restarts += 1;
            user.held = NO_REGION;
            user.failed_streak = 0;
            self.schedule_user(u, now + t, Step::Login);
            return;
        }
        let k = u32::from(self.users[u].failed_streak - 1).min(20);
        let backoff = (b.backoff_initial_ms << k).min(b.backoff_max_ms);
        self.schedule_user(u, now + backoff, Step::Login);
    }

    /// Sessions in `region` drop (each with probability `severity`).
    fn drop_sessions(&mut self, now: u64, region: u8, severity: f64, forced: bool) {
        for u in 0..self.users.len() {
            let user = &self.users[u];
            if user.state != ClientState::Connected || user.region != region {
                continue;
            }
            if !self.user_chance(u, severity) {
                continue;
            }
            if forced {
                // A forced disconnect (fail-back): the user logs in again right away and
                // follows DNS.
                self.set_state(now, u, ClientState::LoggingIn, NO_REGION);
                self.start_downtime(u, now);
                self.login(now, u);
                continue;
            }
            self.set_state(now, u, ClientState::Disconnected, region);
            self.users[u].dropped_ms = now;
            self.start_downtime(u, now);
            let d = self.model.groups[self.users[u].group as usize]
                .behaviour
                .detect_disconnect;
            let t = self.user_sample(u, d);
            self.schedule_user(u, now + t, Step::Detect);
        }
    }

    /// Sessions in `region` work again: clients still trying to resume (within the resume
    /// window) reconnect after they notice.
    fn sessions_recovered(&mut self, now: u64, region: u8) {
        for u in 0..self.users.len() {
            let user = &self.users[u];
            if user.state != ClientState::Disconnected || user.region != region {
                continue;
            }
            let b = &self.model.groups[user.group as usize].behaviour;
            if now >= user.dropped_ms + b.resume_window_ms {
                continue;
            }
            let d = b.detect_disconnect;
            let t = self.user_sample(u, d);
            self.schedule_user(u, now + t, Step::Resume);
        }
    }

    fn work_end(&mut self, now: u64, u: usize) {
        let user = &mut self.users[u];
        if user.down_since_ms != NEVER {
            user.downtime_ms += now - user.down_since_ms;
            user.down_since_ms = NEVER;
        }
        self.set_state(now, u, ClientState::Done, NO_REGION);
    }
}

/// Canary probes run every 10 s (a modelling choice; a resolution period's datapoint is the
/// success ratio of the probes sent in it).
const CANARY_INTERVAL_MS: u64 = 10_000;

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// The control tick divides every metric resolution, canary probe interval and alarm
/// evaluation cadence, so each of them happens exactly on a tick.
fn control_tick_ms(model: &Scenario) -> u64 {
    let mut tick = 0;
    for m in &model.metrics {
        tick = gcd(tick, m.resolution_ms);
        if m.source == MetricSource::Canary {
            tick = gcd(tick, CANARY_INTERVAL_MS);
        }
    }
    for a in &model.alarms {
        tick = gcd(tick, a.rule.evaluation_cadence_ms());
    }
    tick
}

/// A datapoint value as written to the timeline (shortest round-trip form, platform-independent).
fn format_value(v: f64) -> String {
    format!("{v}")
}

#[derive(Debug)]
enum LoginFailure {
    Dns,
    Misdirected,
}

fn status_label(healthy: bool) -> &'static str {
    if healthy {
        "healthy"
    } else {
        "unhealthy"
    }
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

/// Whether user `i` of `total` is among `n` traced users spread evenly over all users.
fn is_traced(i: u64, total: u64, n: u64) -> bool {
    if n >= total {
        return true;
    }
    // User i is traced when it is the first user of one of n equal slices.
    let slice_of = |x: u64| x * n / total;
    i == 0 || slice_of(i) != slice_of(i - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metric::Metric;
    use crate::scenario::load_str;

    fn scenario(interval: &str, threshold: u32, protocol: &str) -> Scenario {
        let text = format!(
            r#"[scenario]
name = "t"
duration = "2h"
[[region]]
name = "a"
[[region]]
name = "b"
[[health_check]]
name = "primary"
type = "endpoint"
target = "a"
protocol = "{protocol}"
interval = "{interval}"
failure_threshold = {threshold}
[dns]
fqdn = "d.example.com"
ttl = "60s"
routing = {{ policy = "failover", primary = {{ region = "a", health_check = "primary" }}, secondary = {{ region = "b" }} }}
[[users]]
name = "u"
count = 50
home = "a"
[[event]]
name = "outage"
kind = "region_outage"
region = "a"
at = "1h"
duration = "30m"
"#
        );
        load_str(&text, "t.toml", &[]).expect("valid test scenario")
    }

    /// Send times of checker 0's probes.
    fn probe_times(model: &Scenario, seed: u64) -> Vec<u64> {
        let mut rec = MemoryRecorder::default();
        let mut sim = Sim::new(
            model,
            &RunOptions {
                seed,
                trace_users: 0,
            },
            &mut rec,
        );
        sim.start();
        let mut times = Vec::new();
        while let Some((now, ev)) = sim.sched.next_until(SimTime(model.duration_ms)) {
            if let Ev::Probe(0) = ev {
                times.push(now.0);
            }
            sim.handle(now.0, ev);
        }
        times
    }

    #[test]
    fn probes_are_spaced_interval_after_each_response_or_timeout() {
        for (protocol, timeout) in [("https", 4_000), ("tcp", 10_000)] {
            let model = scenario("30s", 3, protocol);
            let times = probe_times(&model, 1);
            let (mut healthy_gaps, mut failing_gaps) = (0, 0);
            for w in times.windows(2) {
                let gap = w[1] - w[0];
                let during_outage = w[0] >= 3_600_000 && w[0] < 5_400_000;
                if during_outage {
                    // A probe to a dead endpoint times out, then the interval runs.
                    assert_eq!(gap, 30_000 + timeout, "{protocol} at {}", w[0]);
                    failing_gaps += 1;
                } else {
                    // A healthy endpoint answers within 20-200 ms.
                    assert!(
                        (30_020..=30_200).contains(&gap),
                        "{protocol} gap {gap} at {}",
                        w[0]
                    );
                    healthy_gaps += 1;
                }
            }
            assert!(
                healthy_gaps > 100 && failing_gaps > 40,
                "{healthy_gaps} {failing_gaps}"
            );
            assert!(
                times[0] < 30_000,
                "first probe within one interval (random phase)"
            );
        }
    }

    /// Detection bounds derived from the rules: after the fault, a checker's first failing
    /// probe is sent within one spacing (interval + at most 200 ms), its result arrives a
    /// timeout later, and each further failure takes interval + timeout. So the
    /// `threshold`-th failure is seen between `timeout + (threshold-1)(interval+timeout)`
    /// and that plus `interval + 200 ms`. The check flips when the last checker needed by
    /// the 18 % rule flips, inside the same window; DNS follows after health_propagation.
    #[test]
    fn detection_time_stays_within_the_derived_bounds() {
        for (interval, interval_ms, threshold) in [
            ("30s", 30_000u64, 3u64),
            ("10s", 10_000, 3),
            ("30s", 30_000, 1),
            ("10s", 10_000, 5),
        ] {
            let model = scenario(interval, threshold as u32, "https");
            let timeout = 4_000;
            let low = timeout + (threshold - 1) * (interval_ms + timeout);
            let high = low + interval_ms + 200;
            for seed in 1..=20 {
                let report = simulate(
                    &model,
                    &RunOptions {
                        seed,
                        trace_users: 0,
                    },
                );
                let d = report.summary.get(Metric::DetectionMs).expect("detected") as u64;
                assert!((low..=high).contains(&d), "interval {interval} threshold {threshold} seed {seed}: {d} not in [{low}, {high}]");
                let f = report
                    .summary
                    .get(Metric::DnsFailoverMs)
                    .expect("failed over") as u64;
                assert_eq!(f, d + 10_000, "DNS follows after health_propagation");
            }
        }
    }

    #[test]
    fn nobody_is_connected_to_a_region_whose_sessions_are_down() {
        let model = scenario("30s", 3, "https");
        let report = simulate(
            &model,
            &RunOptions {
                seed: 5,
                trace_users: 0,
            },
        );
        for row in &report.series {
            if row.time_ms >= 3_600_000 && row.time_ms < 5_400_000 {
                assert_eq!(
                    row.connected[0], 0,
                    "connected in the failed Region at {}",
                    row.time_ms
                );
            }
            let total: u32 =
                row.connected.iter().sum::<u32>() + row.disconnected + row.logging_in + row.offline;
            assert_eq!(total, 50, "counts add up at {}", row.time_ms);
        }
        for u in &report.users {
            assert!(u.downtime_ms <= 2 * 3_600_000);
        }
    }

    #[test]
    fn tracing_picks_users_evenly() {
        let picked: Vec<u64> = (0..100).filter(|&i| is_traced(i, 100, 4)).collect();
        assert_eq!(picked, vec![0, 25, 50, 75]);
        assert_eq!((0..3).filter(|&i| is_traced(i, 3, 12)).count(), 3);
    }

    fn run_text(text: &str, seed: u64) -> Report {
        let model = load_str(text, "t.toml", &[]).expect("valid test scenario");
        simulate(
            &model,
            &RunOptions {
                seed,
                trace_users: 0,
            },
        )
    }

    const TWO_REGIONS: &str = r#"[scenario]
name = "t"
duration = "3h"
[[region]]
name = "a"
[[region]]
name = "b"
[[region]]
name = "c"
"#;

    /// Regions a, b, c; an endpoint check named `check` on a; failover a -> b.
    fn failover_base(check: &str) -> String {
        format!(
            r#"{TWO_REGIONS}
[[health_check]]
name = "{check}"
type = "endpoint"
target = "a"
[dns]
fqdn = "d.example.com"
ttl = "60s"
routing = {{ policy = "failover", primary = {{ region = "a", health_check = "{check}" }}, secondary = {{ region = "b" }} }}
"#
        )
    }

    fn partition_scenario(cut: &[&str]) -> String {
        let regions = cut
            .iter()
            .map(|r| format!("\"{r}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let base = failover_base("primary");
        format!(
            r#"{base}[[users]]
name = "u"
count = 20
home = "a"
[[event]]
name = "cut"
kind = "checker_partition"
checker_regions = [{regions}]
target = "a"
at = "1h"
duration = "30m"
"#
        )
    }

    #[test]
    fn eighteen_percent_rule_end_to_end_with_partitions() {
        // Seven of the eight checker Regions (the eighth, sa-east-1, is never cut).
        let all = &CHECKER_REGIONS[..7];
        // 6 of 8 checker Regions cut off: 4 of 16 checkers healthy = 25 % > 18 %: no failover.
        let six = run_text(&partition_scenario(&all[..6]), 1);
        assert_eq!(six.summary.get(Metric::DnsFailoverMs), None);
        assert!(!six
            .timeline
            .iter()
            .any(|e| e.kind == TimelineKind::HealthCheck && e.value == "unhealthy"));
        assert_eq!(
            six.timeline
                .iter()
                .filter(|e| e.kind == TimelineKind::Checker && e.value == "unhealthy")
                .count(),
            12
        );
        // 7 of 8 cut off: 2 of 16 = 12.5 %: the check fails and DNS fails over, though the
        // endpoint itself never failed.
        let seven = run_text(&partition_scenario(all), 1);
        assert!(seven.summary.get(Metric::DnsFailoverMs).is_some());
        assert_eq!(
            seven.summary.get(Metric::UsersAffected),
            Some(0.0),
            "nobody was disconnected"
        );
    }

    #[test]
    fn weighted_answers_follow_the_weights() {
        // TTL 0: every login asks the authoritative servers, so each draws an answer.
        let text = format!(
            r#"{TWO_REGIONS}
[dns]
fqdn = "d.example.com"
ttl = "0s"
routing = {{ policy = "weighted", records = [{{ region = "a", weight = 1 }}, {{ region = "b", weight = 3 }}, {{ region = "c", weight = 0 }}] }}
[[users]]
name = "u"
count = 4000
home = "a"
"#
        );
        let model = load_str(&text, "t.toml", &[]).unwrap();
        let mut rec = MemoryRecorder::default();
        let opts = RunOptions {
            seed: 3,
            trace_users: 0,
        };
        let mut sim = Sim::new(&model, &opts, &mut rec);
        sim.start();
        while let Some((now, ev)) = sim.sched.next_until(SimTime(3_600_000)) {
            sim.handle(now.0, ev);
        }
        let at_b = sim.counts_connected[1] as f64;
        let total: f64 = sim.counts_connected.iter().map(|&c| c as f64).sum();
        assert_eq!(
            sim.counts_connected[2], 0,
            "zero weight is not answered while others are healthy"
        );
        let share = at_b / total;
        // 4,000 draws: standard error 0.007; 0.03 is over 4 standard errors.
        assert!((share - 0.75).abs() < 0.03, "share in b: {share}");
    }

    #[test]
    fn chained_secondaries_and_calculated_checks() {
        let text = format!(
            r#"{TWO_REGIONS}
[[health_check]]
name = "a-ep"
type = "endpoint"
target = "a"
[[health_check]]
name = "b-ep"
type = "endpoint"
target = "b"
[[health_check]]
name = "both"
type = "calculated"
children = ["a-ep", "b-ep"]
healthy_threshold = 2
[dns]
fqdn = "d.example.com"
ttl = "60s"
routing = {{ policy = "failover", primary = {{ region = "a", health_check = "a-ep" }}, secondary = [{{ region = "b", health_check = "b-ep" }}, {{ region = "c" }}] }}
[[users]]
name = "u"
count = 10
home = "a"
[[event]]
name = "a-down"
kind = "region_outage"
region = "a"
at = "1h"
duration = "1h"
[[event]]
name = "b-down"
kind = "region_outage"
region = "b"
at = "1h"
duration = "1h"
"#
        );
        let r = run_text(&text, 2);
        let answers: Vec<&str> = r
            .timeline
            .iter()
            .filter(|e| e.kind == TimelineKind::DnsAnswer)
            .map(|e| e.value.as_str())
            .collect();
        assert_eq!(answers.first(), Some(&"a"));
        assert!(
            answers.contains(&"c"),
            "both a and b unhealthy: the chain falls to c: {answers:?}"
        );
        let both: Vec<&str> = r
            .timeline
            .iter()
            .filter(|e| e.kind == TimelineKind::HealthCheck && e.subject == "both")
            .map(|e| e.value.as_str())
            .collect();
        assert_eq!(
            both,
            vec!["healthy", "unhealthy", "healthy"],
            "AND of two children"
        );
    }

    #[test]
    fn invert_and_disable_actions() {
        let base = failover_base("p");
        let text = format!(
            r#"{base}[[users]]
name = "u"
count = 10
home = "a"
[[event]]
name = "force-out"
kind = "invert_health_check"
health_check = "p"
at = "30m"
duration = "10m"
[[event]]
name = "outage"
kind = "region_outage"
region = "a"
at = "1h"
duration = "1h"
[[event]]
name = "ignore-check"
kind = "disable_health_check"
health_check = "p"
at = "1h 30m"
"#
        );
        let r = run_text(&text, 2);
        let answers: Vec<(u64, &str)> = r
            .timeline
            .iter()
            .filter(|e| e.kind == TimelineKind::DnsAnswer)
            .map(|e| (e.time_ms, e.value.as_str()))
            .collect();
        // Inverted at 30m (+10 s propagation), reverted at 40m; the outage fails over; the
        // disabled check counts healthy, so DNS sends users back into the outage at 1h30.
        assert_eq!(answers[0], (0, "a"));
        assert_eq!(answers[1], (1_810_000, "b"));
        assert_eq!(answers[2], (2_410_000, "a"));
        assert_eq!(answers[3].1, "b");
        assert_eq!(answers[4], (5_410_000, "a"));
    }

    #[test]
    fn alarm_checks_refuse_what_route53_refuses() {
        let text = |period: &str, m: u32| {
            format!(
                r#"{TWO_REGIONS}
[[metric]]
name = "m"
source = "connected_users"
region = "a"
resolution = "10s"
[[alarm]]
name = "al"
metric = "m"
period = "{period}"
evaluation_periods = 3
datapoints_to_alarm = {m}
comparison = "less_than_threshold"
threshold = 1
[[health_check]]
name = "p"
type = "alarm"
alarm = "al"
[dns]
fqdn = "d.example.com"
routing = {{ policy = "failover", primary = {{ region = "a", health_check = "p" }}, secondary = {{ region = "b" }} }}
[[users]]
name = "u"
count = 10
home = "a"
"#
            )
        };
        let err = load_str(&text("30s", 3), "t.toml", &[])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("Route 53 only supports alarms on standard-resolution metrics"),
            "{err}"
        );
        let err = load_str(&text("60s", 2), "t.toml", &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("do not support M-out-of-N alarms"), "{err}");
        assert!(load_str(&text("60s", 3), "t.toml", &[]).is_ok());
    }

    fn client_scenario(extra_users: &str, events: &str, dns_extra: &str) -> String {
        format!(
            r#"{TWO_REGIONS}
[[health_check]]
name = "p"
type = "endpoint"
target = "a"
[dns]
fqdn = "d.example.com"
ttl = "60s"
{dns_extra}
routing = {{ policy = "failover", primary = {{ region = "a", health_check = "p" }}, secondary = {{ region = "b" }} }}
[[users]]
name = "u"
count = 300
home = "a"
schedule = {{ start = "0s", ramp = "20m", session = "8h" }}
{extra_users}
{events}
"#
        )
    }

    const OUTAGE_1H: &str = r#"[[event]]
name = "outage"
kind = "region_outage"
region = "a"
at = "1h"
duration = "1h"
"#;

    #[test]
    fn a_one_minute_blip_resumes_sessions_at_home() {
        let blip = "[[event]]\nname = \"blip\"\nkind = \"region_outage\"\nregion = \"a\"\nat = \"1h\"\nduration = \"1m\"\nplanes = [\"sessions\"]\n";
        let r = run_text(&client_scenario("", blip, ""), 4);
        assert_eq!(r.summary.get(Metric::UsersAffected), Some(300.0));
        assert_eq!(r.summary.get(Metric::UsersRedirected), Some(0.0));
        assert_eq!(
            r.summary.get(Metric::DnsFailoverMs),
            None,
            "the endpoint plane never failed"
        );
        // Clients resume as soon as they notice the Region is back (5-30 s after 1:01), or
        // the user's re-login succeeds at home.
        let max = r.summary.get(Metric::DowntimeMaxMs).unwrap();
        assert!(max <= 5.0 * 60_000.0, "max downtime {max}");
        assert!(r.users.iter().all(|u| u.reconnect_region == Some(0)));
    }

    #[test]
    fn domain_lapse_safe_versus_hijacked() {
        // Users log in over the first 20 minutes; the domain lapses at 10 minutes.
        let lapse = |hijacked: bool| {
            format!("[[event]]\nname = \"lapse\"\nkind = \"domain_lapse\"\nat = \"10m\"\nhijacked = {hijacked}\n")
        };
        let codes = "registration = { fqdn = 0.5, region_code = 0.5 }";
        let safe = run_text(&client_scenario(codes, &lapse(false), ""), 5);
        let hijacked = run_text(&client_scenario(codes, &lapse(true), ""), 5);
        assert_eq!(safe.summary.get(Metric::UsersMisdirected), Some(0.0));
        let misdirected = hijacked.summary.get(Metric::UsersMisdirected).unwrap();
        assert!(
            misdirected > 50.0,
            "FQDN logins after the lapse are misdirected: {misdirected}"
        );
        for (report, name) in [(&safe, "safe"), (&hijacked, "hijacked")] {
            for u in &report.users {
                if !u.fqdn {
                    assert!(!u.affected(), "{name}: Region-code users are unaffected");
                }
                if u.misdirected {
                    assert_eq!(
                        u.reconnect_ms, None,
                        "a misdirected user is never connected"
                    );
                }
            }
        }
        assert_eq!(
            hijacked
                .timeline
                .iter()
                .rfind(|e| e.kind == TimelineKind::DnsAnswer)
                .unwrap()
                .value,
            "hijacked"
        );
    }

    #[test]
    fn private_zone_users_off_vpn_cannot_resolve() {
        let r = run_text(
            &client_scenario("on_vpn = 0.8", "", "zone = \"private\""),
            6,
        );
        let never: Vec<&UserRecord> = r
            .users
            .iter()
            .filter(|u| u.reconnect_ms.is_none() && u.affected())
            .collect();
        let share = never.len() as f64 / 300.0;
        assert!(
            (share - 0.2).abs() < 0.08,
            "about 20 % off the VPN never connect: {share}"
        );
        assert!(never.iter().all(|u| u.login_failures > 0));
    }

    #[test]
    fn launch_capacity_queues_and_autostop_adds_resume_time() {
        let text = client_scenario("failover_workspaces = 0.9", OUTAGE_1H, "")
            .replace("[[region]]\nname = \"b\"\n", "[[region]]\nname = \"b\"\nlaunch_concurrency = 5\nstandby = \"autostop\"\nresume_time = \"2m\"\n");
        let limited = run_text(&text, 7);
        let open = run_text(
            &client_scenario("failover_workspaces = 0.9", OUTAGE_1H, ""),
            7,
        );
        assert!(limited.summary.get(Metric::PeakLaunchQueue).unwrap() > 50.0);
        assert_eq!(open.summary.get(Metric::PeakLaunchQueue), Some(0.0));
        assert!(open.users.iter().all(|u| u.launch_wait_ms == 0));
        let waited = limited
            .users
            .iter()
            .filter(|u| u.launch_wait_ms > 0)
            .count();
        assert!(waited > 50, "{waited} users waited for a launch slot");
        let p50 = |r: &Report| r.summary.get(Metric::Recovered50Ms).unwrap();
        assert!(
            p50(&limited) > p50(&open) + 120_000.0,
            "queue + AutoStop resume slow recovery: {} vs {}",
            p50(&limited),
            p50(&open)
        );
        // Users without a failover WorkSpace wait for home.
        for u in &open.users {
            if u.reconnect_region == Some(0) && u.redirectable {
                assert!(u.reconnect_ms.unwrap() >= 2 * 3_600_000 - 60_000 || u.login_failures > 0);
            }
        }
    }

    #[test]
    fn reauthentication_brings_users_home_after_failback() {
        let never = run_text(&client_scenario("", OUTAGE_1H, ""), 8);
        let saml = run_text(
            &client_scenario("[users.behaviour]\nreauth_every = \"60m\"", OUTAGE_1H, ""),
            8,
        );
        let back = |r: &Report| r.users.iter().filter(|u| u.failback_ms.is_some()).count();
        assert_eq!(
            back(&never),
            0,
            "without re-authentication users stay in the failover Region"
        );
        assert!(back(&saml) as f64 > 0.8 * saml.summary.get(Metric::UsersRedirected).unwrap());
        let away = |r: &Report| r.users.iter().map(|u| u.non_home_ms).sum::<u64>();
        // Scenario ends at 3h: without re-authentication users stay away ~2h, with hourly
        // re-authentication ~1h (until the first re-authentication after fail-back).
        assert!(
            away(&saml) * 10 < away(&never) * 7,
            "{} vs {}",
            away(&saml),
            away(&never)
        );
    }

    fn dns_outage_scenario(resolver: &str) -> String {
        format!(
            r#"{TWO_REGIONS}
[dns]
fqdn = "d.example.com"
ttl = "60s"
routing = {{ policy = "simple", region = "a" }}
[[resolver]]
name = "r"
{resolver}
[[users]]
name = "u"
count = 200
home = "a"
schedule = {{ start = "30m", ramp = "20m", session = "2h" }}
[[event]]
name = "auth-down"
kind = "dns_outage"
at = "20m"
duration = "1h"
"#
        )
    }

    #[test]
    fn serve_stale_answers_only_while_the_authoritative_is_unreachable() {
        // The authoritative servers are unreachable from 0:20 to 1:20; the main group logs in
        // from 0:30. A small early group logs in before the outage, so the resolver holds an
        // answer that has expired by the time the main group asks.
        let early = "[[users]]\nname = \"early\"\ncount = 5\nhome = \"a\"\nschedule = { start = \"0s\", ramp = \"1m\", session = \"3h\" }\n";
        let plain = run_text(&(dns_outage_scenario("ttl_policy = \"honor\"") + early), 3);
        let stale = run_text(&(dns_outage_scenario("serve_stale = \"1d\"") + early), 3);
        let failures = |r: &Report| r.summary.get(Metric::LoginFailures).unwrap();
        assert!(
            failures(&plain) > 200.0,
            "without serve-stale, logins during the outage fail: {}",
            failures(&plain)
        );
        assert_eq!(
            failures(&stale),
            0.0,
            "RFC 8767: the expired answer is served while the authoritative is unreachable"
        );
    }

    #[test]
    fn a_resolver_outage_fails_only_its_own_users_lookups() {
        let text = format!(
            r#"{TWO_REGIONS}
[dns]
fqdn = "d.example.com"
ttl = "60s"
routing = {{ policy = "simple", region = "a" }}
[[resolver]]
name = "broken"
[[resolver]]
name = "fine"
[[users]]
name = "u"
count = 200
home = "a"
resolvers = {{ broken = 0.5, fine = 0.5 }}
schedule = {{ start = "10m", ramp = "20m", session = "2h" }}
[[event]]
name = "r-down"
kind = "resolver_outage"
resolver = "broken"
at = "0s"
duration = "1h"
"#
        );
        let r = run_text(&text, 4);
        for u in &r.users {
            if u.resolver == 0 {
                assert!(u.login_failures > 0 && u.reconnect_ms.unwrap() >= 3_600_000);
            } else {
                assert_eq!(u.login_failures, 0);
            }
        }
    }
}
