//! The simulation proper: the state of one run and its event loop, split by subsystem —
//! [`setup`] (building the state, first events, per-user outcomes), [`events`] (faults and
//! operator actions), [`health`] (Route 53 checkers and health checks), [`cloudwatch`]
//! (metrics and alarms), [`dns`] (the authoritative answer and each login's resolution) and
//! [`client`] (the WorkSpaces client state machine of every user).
//!
//! # Order of events within one millisecond
//!
//! The engine pops events by `(time, seq)`: events due at the same millisecond run in the
//! order they were scheduled. For the model that means:
//!
//! 1. Set-up, before time 0 runs: every user's first login is scheduled (users in scenario
//!    order), so logins due at 0 run before anything else at 0. Then, at time 0, in this
//!    order: the initial status of every health check, the initial INSUFFICIENT_DATA of every
//!    alarm and the initial DNS answer are observed; the first control tick is scheduled;
//!    every `[[event]]` start (and end, if it has one) is scheduled in scenario order; every
//!    checker's first probe (random phase); the first series sample.
//! 2. Events in scenario order: when a fault and an action (or two faults) start at the same
//!    millisecond, the one listed first in the scenario happens first. A start scheduled at
//!    set-up runs before anything the run schedules later for the same millisecond
//!    (probes, user steps, DNS propagation) — unless those were scheduled earlier still.
//! 3. Metric periods close first. At a millisecond that ends metric periods (a multiple of
//!    the control tick), the datapoints of the periods `[t - resolution, t)` are published
//!    before any other event at `t` runs — before faults starting or ending at `t`, user
//!    steps and the control tick itself. A period's datapoint therefore reflects the state
//!    during that period: an outage starting at exactly 1:00 loses the datapoint of 1:00-1:01,
//!    not that of 0:59-1:00, and an outage ending at 1:45 still loses that of 1:44-1:45.
//! 4. One control tick runs as one event in a fixed order: run canary probes (which see the
//!    faults that started at `t`), publish scripted datapoints due, hand visible datapoints
//!    to their alarms, evaluate the alarms due, update the health checks that follow them
//!    (see `cloudwatch`).
//! 5. A status change reaches DNS `health_propagation` later, as its own event; a record
//!    edit `edit_propagation` (drawn) later. The answer is recomputed when they run.
//! 6. Periodic ticks (control, series sample) schedule their successor when they run, so at
//!    a tick's time they run after the events scheduled before the previous tick ran and
//!    before those scheduled after it. A sample therefore sees every change made by events
//!    scheduled earlier for its millisecond.
//! 7. A user's steps are cancelled, not removed, when the user's state changes: every
//!    user event carries the generation it was scheduled in and is ignored when stale.
//!
//! Any change to these rules changes outputs; the byte-identity check
//! (`scripts/compare-binaries.sh`) catches it.

#[cfg(test)]
mod arc_tests;
mod client;
#[cfg(test)]
mod client_tests;
mod cloudwatch;
#[cfg(test)]
mod cloudwatch_tests;
#[cfg(test)]
mod control_tests;
mod dns;
mod events;
mod health;
mod identity;
#[cfg(test)]
mod identity_tests;
mod locations;
#[cfg(test)]
mod locations_tests;
mod partition;
#[cfg(test)]
mod partition_tests;
mod setup;
#[cfg(test)]
mod standby_tests;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
mod trace;
mod users;

pub(crate) use partition::{could_use_threads, needs_threads, simulate_threads};
pub use partition::{Coupling, Threading};
pub(crate) use setup::control_tick_ms;

use super::client::{flag, ClientState, User, NEVER, NO_DATA_AGE, NO_REGION};
use super::dns::DnsAnswer;
use super::health::CheckerVerdict;
use super::observe::{Observation, Recorder, Refusal, Sample, StateCounts};
use super::outcome::{ControlFacts, Outcome, UserRecord};
use super::resolver::{Resolution, ResolverBehaviour, ResolverCache, ANSWER_HIJACKED, ANSWER_NONE};
use super::{alarm, population, RunOptions};
use crate::engine::Scheduler;
use crate::rng::EntityRng;
use crate::rng::{self, EntityKind, StreamPos, Streams};
use crate::scenario::{
    ClientCache, ClientResolves, EventAction, EventSpec, HealthCheckType, InsufficientData,
    MetricSource, Plane, PlaneSet, ProbeFailure, Scenario, Standby, Zone, CHECKER_REGIONS,
};
use std::collections::VecDeque;

/// What happens next to a user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Login,
    LoginFailed,
    Detect,
    Relogin,
    Resume,
    Reauth,
    /// The user has waited `launch_queue_timeout` in a launch queue and gives up.
    QueueTimedOut,
}

/// Engine events. Kept small (16 bytes) and `Copy`: a million are pending at once.
#[derive(Clone, Copy, Debug)]
enum Event {
    /// A scenario `[[event]]` (fault or operator action) starts.
    ScenarioEventStarts { event: u16 },
    /// A scenario `[[event]]` with a duration ends.
    ScenarioEventEnds { event: u16 },
    /// An operator retries a change the control plane refused (`revert`: the undoing of a
    /// timed disable or invert at its end).
    ControlRetry { event: u16, revert: bool },
    /// A `set_record` edit has reached all name servers.
    RecordEditApplied { event: u16 },
    /// A health checker sends a probe.
    Probe { checker: u32 },
    /// A probe's response or timeout arrives.
    ProbeResult { checker: u32, ok: bool },
    /// A health check's status change reaches DNS (after `health_propagation`).
    DnsSeesCheck { check: u16, healthy: bool },
    /// A DNS location's status change of a check reaches its name servers.
    LocationSeesCheck {
        location: u8,
        check: u16,
        healthy: bool,
    },
    /// A user's next step, if the user is still in `generation`.
    UserStep {
        user: u32,
        generation: u32,
        step: Step,
    },
    /// A session launch finished (the slot is released whatever the generation).
    LaunchDone {
        user: u32,
        generation: u32,
        region: u8,
    },
    /// The user's working day ends.
    WorkEnd { user: u32 },
    /// Sample the population (every `series_step`).
    SeriesTick,
    /// Publish metrics and evaluate alarms (see `cloudwatch`).
    ControlTick,
}

struct Checker {
    check: u16,
    region: u8,
    index_in_region: u8,
    verdict: CheckerVerdict,
    rng: EntityRng,
}

struct RegionState {
    /// Severity in force on each plane (max over active faults), index by plane bit order.
    severity: [f64; 5],
    /// How the failing endpoint answers probes (the `probe_failure` of the active fault with
    /// the highest endpoint severity; the earliest of equals).
    endpoint_failure: ProbeFailure,
    launching: u32,
    queue: VecDeque<(u32, u32)>,
}

fn plane_slot(p: Plane) -> usize {
    match p {
        Plane::Sessions => 0,
        Plane::Logins => 1,
        Plane::Endpoint => 2,
        Plane::Metrics => 3,
        Plane::Control => 4,
    }
}

/// Every plane, in slot order.
const PLANES: [Plane; 5] = [
    Plane::Sessions,
    Plane::Logins,
    Plane::Endpoint,
    Plane::Metrics,
    Plane::Control,
];

/// A metric's running state: datapoints of closed periods waiting to be published.
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
    rng: EntityRng,
}

struct ResolverInstance {
    spec: u16,
    /// The DNS location its queries reach (`None`: the global view).
    location: Option<u8>,
    cache: ResolverCache,
    rng: StreamPos,
    down: u32,
}

pub(super) struct Sim<'m, R: Recorder> {
    scenario: &'m Scenario,
    streams: Streams,
    scheduler: Scheduler<Event>,
    recorder: &'m mut R,
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
    /// The scenario's us-east-1, home of the Route 53 control plane (none: it never fails).
    control_region: Option<u8>,
    /// Since when us-east-1's `control` plane has been failing without a break.
    control_failing_since: Option<u64>,
    /// Active `arc_outage`s per ARC cluster Region (by index into `arc.cluster_regions`).
    arc_down: Vec<u32>,
    /// Operator actions through the control plane that were applied (by event).
    applied: Vec<bool>,
    lapsed: Option<bool>,
    dns_outages: u32,
    /// The authoritative answer in force (the global view).
    answer: DnsAnswer,
    /// Route 53 DNS locations (`dns.locations`; empty without them): see `locations`.
    locations: Vec<locations::DnsLocation>,
    /// Some resolver has no location and resolves through the global view.
    global_view_used: bool,
    /// Since when the views users resolve through have disagreed.
    split_since: Option<u64>,
    resolvers: Vec<ResolverInstance>,
    /// First instance of each resolver spec.
    resolver_base: Vec<u32>,
    users: Vec<User>,
    /// Global number of each user of a partitioned run (`partition`); empty when the run
    /// holds every user, whose numbers are then their indices.
    global: Vec<u32>,
    /// Events processed that are not a user's (the control plane's, the same in every
    /// partition of a run), elided ones included.
    control_events: u64,
    /// Events the model applied early instead of scheduling them, because they could change
    /// nothing but counted as processed (`health::elide`).
    elided_events: u64,
    /// Every time an `[[event]]` starts or ends, ascending: what a probe's outcome can change
    /// at (`health::probe`).
    event_boundaries: Vec<u64>,
    /// Every probe sent, `(checker, time)`, for the tests of probe timing (some probes are
    /// never events; see `health::probe`).
    #[cfg(test)]
    probe_log: Vec<(u32, u64)>,
    /// Whether probes and their results that can change nothing are made without events
    /// (`health::probe`); the tests turn it off to check that nothing else changes.
    #[cfg(test)]
    shortcuts: bool,
    /// Users connected, per Region.
    connected: Vec<u32>,
    /// Users not connected, by state: the fields of [`StateCounts`] in an array
    /// (`client::TALLY` names each state's), so that a state change counts without a branch.
    tally: [u32; 5],
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
    /// Next control-tick boundary whose ended metric periods are not yet published.
    next_period_close_ms: u64,
    /// Passed to lookups that draw nothing (never actually read).
    idle_rng: EntityRng,
    /// The block of its stream each user last drew from, in runs of at most
    /// [`setup::BLOCK_CACHE_USERS`] users (empty in larger ones): see `client::draw`.
    user_blocks: Vec<rng::Block>,
    /// Directory, on-premises directory, network link and IdP faults in force.
    identity: identity::IdentityFaults,
}

impl<R: Recorder> Sim<'_, R> {
    pub(in crate::model) fn run(&mut self) {
        self.start();
        let end = self.scenario.duration_ms;
        loop {
            let (users, global) = (&self.users, &self.global);
            // Start loading the users of events due within a few milliseconds: with a million
            // users each user event would otherwise wait for main memory.
            let near = |e: &Event| match *e {
                Event::UserStep { user, .. }
                | Event::LaunchDone { user, .. }
                | Event::WorkEnd { user } => {
                    if let Some(u) = users.get(user as usize) {
                        // Both cache lines: state in the first, outcome counters in the second.
                        crate::platform::prefetch(u);
                        crate::platform::prefetch(&u.interruptions);
                    }
                    // A partition's user draws from the stream of its global number.
                    if let Some(g) = global.get(user as usize) {
                        crate::platform::prefetch(g);
                    }
                }
                _ => {}
            };
            let Some((now, event)) = self.scheduler.next_until_with(end, near) else {
                break;
            };
            self.handle(now, event);
        }
    }

    // ----- dispatch -----------------------------------------------------------------------

    fn handle(&mut self, now: u64, event: Event) {
        // Metric periods that ended at or before `now` are closed before any event at `now`
        // runs (ordering rule 3 in the module docs). Control ticks fall on every boundary, so
        // the loop closes at most the one boundary at `now`.
        while self.control_tick_ms > 0 && self.next_period_close_ms <= now {
            let boundary = self.next_period_close_ms;
            self.close_periods(boundary);
            self.next_period_close_ms += self.control_tick_ms;
        }
        if !matches!(
            event,
            Event::UserStep { .. } | Event::LaunchDone { .. } | Event::WorkEnd { .. }
        ) {
            self.control_events += 1;
        }
        match event {
            Event::ScenarioEventStarts { event } => self.event_start(now, event as usize),
            Event::ScenarioEventEnds { event } => self.event_end(now, event as usize),
            Event::RecordEditApplied { event } => {
                if let EventAction::SetRecord { region } =
                    self.scenario.events[event as usize].action
                {
                    self.manual_record = Some(region as u8);
                    self.refresh_answer(now);
                }
            }
            Event::ControlRetry { event, revert } => {
                self.control_retry(now, event as usize, revert)
            }
            Event::Probe { checker } => self.probe(checker as usize),
            Event::ProbeResult { checker, ok } => self.probe_result(now, checker as usize, ok),
            Event::DnsSeesCheck { check, healthy } => {
                self.dns_view[check as usize] = healthy;
                self.refresh_answer(now);
            }
            Event::LocationSeesCheck {
                location,
                check,
                healthy,
            } => self.location_sees_check(now, location as usize, check as usize, healthy),
            Event::UserStep {
                user: u,
                generation,
                step,
            } => {
                if self.users[u as usize].generation == generation {
                    self.user_step(now, u as usize, step);
                }
            }
            Event::LaunchDone {
                user: u,
                generation,
                region,
            } => self.launch_done(now, u as usize, generation, region),
            Event::WorkEnd { user } => self.work_end(now, user as usize),
            Event::ControlTick => {
                self.control_tick(now);
                let next = now.saturating_add(self.control_tick_ms);
                if next <= self.scenario.duration_ms {
                    self.scheduler.at(next, Event::ControlTick);
                }
            }
            Event::SeriesTick => {
                self.sample(now);
                let next = now.saturating_add(self.scenario.series_step_ms);
                if next <= self.scenario.duration_ms {
                    self.scheduler.at(next, Event::SeriesTick);
                }
            }
        }
    }

    /// The global number of user `u` (its index when the run holds every user).
    pub(super) fn global_user(&self, u: usize) -> u64 {
        self.global.get(u).map_or(u as u64, |&g| u64::from(g))
    }

    /// Passes an observation at `time_ms` to the recorder.
    pub(super) fn observe(&mut self, time_ms: u64, observation: Observation) {
        self.recorder.observe(time_ms, observation);
    }

    /// Samples the population. The counts of users by state add up to every user.
    pub(super) fn sample(&mut self, now: u64) {
        let counts = self.counts();
        let total = self.connected.iter().sum::<u32>() + counts.not_connected() + counts.offline;
        assert_eq!(
            total as usize,
            self.users.len(),
            "users by state do not add up at {now} ms"
        );
        let sample = Sample {
            time_ms: now,
            connected: &self.connected,
            counts,
            primary_check_healthy: self.primary_check.map(|c| self.status[c]),
            answer: &self.answer,
        };
        self.recorder.sample(&sample);
    }
}

#[derive(Debug)]
enum LoginFailure {
    Dns,
    Misdirected,
}
