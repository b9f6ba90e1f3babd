//! One run on several threads, with the same bytes as on one.
//!
//! Users meet only through shared resolver caches, launch queues, metrics computed from users
//! and the statistics. The control plane (faults, health checkers, alarms, the authoritative
//! answer) never reads a user's state unless a metric counts users. So when no Region limits
//! concurrent launches and no metric counts users, the users split into partitions by resolver
//! instance: each partition runs the whole control plane (the same events, drawn from the same
//! per-entity streams, hence the same outcome) and only its own users. The engine pops events
//! by `(time, insertion order)`, so a partition processes exactly the run's events restricted
//! to its users and the control plane, in the run's order: every user ends in the state it
//! would have reached in the whole run.
//!
//! The merge puts the pieces back in a fixed order: per-user records in user order, series
//! counts summed sample by sample, control-plane observations from one partition. Traced
//! users' state changes interleave with each other within a millisecond in run order, which
//! only one partition can reproduce: the resolver instances of all traced users therefore go
//! into one partition, the lead, whose timeline is the run's.
//!
//! A scenario whose users are coupled otherwise — a launch capacity, a metric of users, or
//! all users behind one resolver instance — runs on one thread, and [`Threading`] says why.

use super::setup::{Books, RELEASE_EVERY};
use super::trace::{cover_drawn, is_traced, Drawn};
use super::users::{make_all, UserFactory, PARALLEL_SETUP_USERS};
use super::*;
use crate::model::observe::SeriesRow;
use rayon::prelude::*;

/// How a run used the threads it was allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Threading {
    /// The users were split into `partitions` groups simulated side by side.
    Partitioned {
        /// Number of partitions (at most the threads allowed).
        partitions: usize,
    },
    /// The event loop ran on one thread; `reason` says why when more were allowed.
    Single {
        /// What couples the users (None: one thread was asked for).
        reason: Option<Coupling>,
    },
}

/// What keeps a run's users from being simulated apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Coupling {
    /// A Region limits concurrent session launches: users queue behind each other.
    LaunchCapacity {
        /// Region name.
        region: String,
    },
    /// A metric is computed from users, and its datapoints (and alarms) depend on all of them.
    UserMetric {
        /// Metric name.
        metric: String,
    },
    /// All users (or all but those sharing the traced users' resolvers) use one resolver
    /// instance, whose cache they share.
    OneResolver,
}

impl std::fmt::Display for Coupling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Coupling::LaunchCapacity { region } => write!(
                f,
                "Region {region} limits concurrent launches, so users queue behind each other"
            ),
            Coupling::UserMetric { metric } => {
                write!(f, "metric {metric} is computed from all users")
            }
            Coupling::OneResolver => write!(
                f,
                "the users share one resolver cache (the traced users' resolvers count as one)"
            ),
        }
    }
}

impl Threading {
    /// Threads the event loop ran on (the partitions of a split run, else 1).
    pub fn threads(&self) -> usize {
        match self {
            Threading::Partitioned { partitions } => *partitions,
            Threading::Single { .. } => 1,
        }
    }

    /// Why the run stayed on one thread although more were allowed.
    pub fn reason(&self) -> Option<&Coupling> {
        match self {
            Threading::Single { reason } => reason.as_ref(),
            Threading::Partitioned { .. } => None,
        }
    }
}

impl std::fmt::Display for Threading {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Threading::Partitioned { partitions } => {
                write!(f, "{partitions} threads (users split by resolver)")
            }
            Threading::Single { reason: None } => write!(f, "1 thread"),
            Threading::Single { reason: Some(r) } => write!(f, "1 thread: {r}"),
        }
    }
}

/// What couples the users whatever they draw: a launch capacity or a metric of users.
pub(crate) fn scenario_coupling(scenario: &Scenario) -> Option<Coupling> {
    if let Some(r) = scenario.regions.iter().find(|r| r.launch_concurrency > 0) {
        return Some(Coupling::LaunchCapacity {
            region: r.name.clone(),
        });
    }
    let user_metric = |s: MetricSource| {
        matches!(
            s,
            MetricSource::ConnectedUsers | MetricSource::LoginFailures
        )
    };
    scenario
        .metrics
        .iter()
        .find(|m| user_metric(m.source))
        .map(|m| Coupling::UserMetric {
            metric: m.name.clone(),
        })
}

/// Assigns resolver instances to at most `threads` partitions, balancing users: instances
/// holding a traced user form one unit, every other instance its own; units go largest first
/// to the least loaded partition (the lowest on ties). Returns each instance's partition and
/// the lead partition (the traced users'), or None when fewer than two partitions get users.
pub(crate) fn assign(
    users_per_instance: &[u64],
    traced: &[bool],
    threads: usize,
) -> Option<(Vec<u16>, usize)> {
    let bins = threads.min(usize::from(u16::MAX));
    if bins < 2 {
        return None;
    }
    // Units: (users, first instance, instances).
    let mut units: Vec<(u64, usize, Vec<usize>)> = Vec::new();
    let traced_unit: Vec<usize> = (0..traced.len()).filter(|&i| traced[i]).collect();
    if let Some(&first) = traced_unit.first() {
        let w = traced_unit.iter().map(|&i| users_per_instance[i]).sum();
        units.push((w, first, traced_unit.clone()));
    }
    for (i, &w) in users_per_instance.iter().enumerate() {
        if w > 0 && !traced[i] {
            units.push((w, i, vec![i]));
        }
    }
    units.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut load = vec![0u64; bins];
    let mut part = vec![0u16; users_per_instance.len()];
    let mut lead = 0;
    for (w, first, instances) in &units {
        let p = (0..bins).min_by_key(|&p| (load[p], p)).expect("bins >= 2");
        load[p] += w;
        for &i in instances {
            part[i] = p as u16;
        }
        if traced_unit.first() == Some(first) {
            lead = p;
        }
    }
    (load.iter().filter(|&&l| l > 0).count() >= 2).then_some((part, lead))
}

/// The users of each partition (global numbers, ascending), each user's partition, and the
/// lead partition; or what couples the users.
struct Plan {
    members: Vec<Vec<u32>>,
    part_of: Vec<u16>,
    lead: usize,
    /// The users traced only to cover a cohort (global numbers, ascending).
    extra_traced: Vec<u64>,
}

/// Each resolver's first instance number, and the number of instances.
fn resolver_instances(scenario: &Scenario) -> (Vec<u32>, u32) {
    let mut resolver_base = Vec::new();
    let mut instances = 0u32;
    for spec in &scenario.resolvers {
        resolver_base.push(instances);
        instances += if spec.population.is_some() {
            spec.instances
        } else {
            1
        };
    }
    (resolver_base, instances)
}

/// Whether a run allowed `threads` threads can use more than the calling one: to build many
/// users side by side (see [`PARALLEL_SETUP_USERS`]; with `threads = 1` the pool has one
/// thread, so `--threads 1` means one), or to simulate partitions. A small run that cannot be
/// split starts no thread pool at all, which would cost it more than its set-up.
pub(crate) fn needs_threads(scenario: &Scenario, threads: usize) -> bool {
    (threads >= 2 && could_use_threads(scenario)) || scenario.user_count() >= PARALLEL_SETUP_USERS
}

/// Whether a run of `scenario` could use a second thread if it had one ([`needs_threads`]
/// with any number of threads).
pub(crate) fn could_use_threads(scenario: &Scenario) -> bool {
    scenario.user_count() >= PARALLEL_SETUP_USERS
        || (scenario_coupling(scenario).is_none() && resolver_instances(scenario).1 >= 2)
}

fn plan(scenario: &Scenario, options: &RunOptions, threads: usize) -> Result<Plan, Coupling> {
    let (resolver_base, instances) = resolver_instances(scenario);
    // `simulate_threads` has already kept a one-resolver scenario on one thread.
    debug_assert!(instances >= 2);
    let streams = Streams::new(options.seed);
    let factory = UserFactory::new(scenario, &streams, &resolver_base, 0);
    let total = scenario.user_count();
    let trace = options.trace_users;
    // Each user's resolver instance and cohort values.
    let drawn: Vec<Drawn> = make_all(total, |g| Drawn::of(&factory.make(g)));
    let extra_traced = if trace > 0 {
        cover_drawn(scenario, trace, &drawn, &resolver_base)
    } else {
        Vec::new()
    };
    let instance_of: Vec<u32> = drawn.iter().map(|d| d.resolver).collect();
    drop(drawn);
    let mut weights = vec![0u64; instances as usize];
    let mut traced = vec![false; instances as usize];
    for (g, &i) in instance_of.iter().enumerate() {
        weights[i as usize] += 1;
        if trace > 0 && is_traced(g as u64, total, u64::from(trace)) {
            traced[i as usize] = true;
        }
    }
    for &g in &extra_traced {
        traced[instance_of[g as usize] as usize] = true;
    }
    let (part, lead) = assign(&weights, &traced, threads).ok_or(Coupling::OneResolver)?;
    let parts = part.iter().map(|&p| usize::from(p)).max().unwrap_or(0) + 1;
    let mut members = vec![Vec::new(); parts];
    let part_of: Vec<u16> = instance_of
        .iter()
        .enumerate()
        .map(|(g, &i)| {
            let p = part[i as usize];
            members[usize::from(p)].push(g as u32);
            p
        })
        .collect();
    Ok(Plan {
        members,
        part_of,
        lead,
        extra_traced,
    })
}

/// Runs the scenario on up to `threads` threads of the current rayon pool; the outcome and
/// everything pushed into `recorder` are the same for any `threads`.
pub(crate) fn simulate_threads<R: Recorder>(
    scenario: &Scenario,
    options: &RunOptions,
    threads: usize,
    recorder: &mut R,
) -> (Outcome, Threading) {
    let serial = |recorder: &mut R, reason| {
        let mut sim = Sim::new(scenario, options, recorder, None);
        sim.run();
        (sim.finish(options.seed), Threading::Single { reason })
    };
    // What keeps any run of the scenario on one thread is said even with one thread allowed.
    if let Some(c) = scenario_coupling(scenario) {
        return serial(recorder, Some(c));
    }
    if resolver_instances(scenario).1 < 2 {
        return serial(recorder, Some(Coupling::OneResolver));
    }
    if threads <= 1 {
        return serial(recorder, None);
    }
    let plan = match plan(scenario, options, threads) {
        Ok(p) => p,
        Err(c) => return serial(recorder, Some(c)),
    };
    let partitions = plan.members.len();
    let lead = plan.lead;
    let extra_traced = &plan.extra_traced;
    let parts: Vec<Part> = plan
        .members
        .into_par_iter()
        .enumerate()
        .map(|(p, members)| run_part(scenario, options, members, extra_traced, p == lead))
        .collect();
    let outcome = merge(scenario, options.seed, parts, &plan.part_of, lead, recorder);
    (outcome, Threading::Partitioned { partitions })
}

/// What one partition's recorder keeps: every sample, and (the lead only) the observations
/// in order with the samples between them.
#[derive(Default)]
struct PartRecorder {
    lead: bool,
    log: Vec<Entry>,
    samples: Vec<SeriesRow>,
}

enum Entry {
    Observed(u64, Observation),
    /// The n-th sample.
    Sampled(usize),
}

impl Recorder for PartRecorder {
    fn observe(&mut self, time_ms: u64, observation: Observation) {
        if self.lead {
            self.log.push(Entry::Observed(time_ms, observation));
        }
    }
    fn sample(&mut self, sample: &Sample<'_>) {
        if self.lead {
            self.log.push(Entry::Sampled(self.samples.len()));
        }
        self.samples.push(SeriesRow::from(sample));
    }
}

/// One partition's state at the end.
struct Part<'m> {
    users: Vec<User>,
    control: ControlFacts,
    processed: u64,
    control_events: u64,
    books: Books<'m>,
    recorder: PartRecorder,
}

fn run_part<'m>(
    scenario: &'m Scenario,
    options: &RunOptions,
    members: Vec<u32>,
    extra_traced: &[u64],
    lead: bool,
) -> Part<'m> {
    let mut recorder = PartRecorder {
        lead,
        ..PartRecorder::default()
    };
    let mut sim = Sim::new(scenario, options, &mut recorder, Some(members));
    sim.trace_also(extra_traced);
    sim.run();
    sim.close_split(scenario.duration_ms);
    let users = std::mem::take(&mut sim.users);
    let control = std::mem::take(&mut sim.control);
    let processed = sim.scheduler.processed() + sim.elided_events;
    let control_events = sim.control_events;
    let books = Books::new(scenario, &sim.resolvers, &sim.resolver_base);
    drop(sim);
    Part {
        users,
        control,
        processed,
        control_events,
        books,
        recorder,
    }
}

/// Puts the partitions back together in a fixed order (see the module docs).
fn merge<R: Recorder>(
    scenario: &Scenario,
    seed: u64,
    mut parts: Vec<Part<'_>>,
    part_of: &[u16],
    lead: usize,
    recorder: &mut R,
) -> Outcome {
    replay(&mut parts, lead, recorder);
    let control_events = parts[lead].control_events;
    let mut control = parts[lead].control.clone();
    (control.standby_ms, control.users_over_rpo) = (0, 0);
    control.launch_queue_give_ups = 0;
    let mut processed = 0;
    for p in &parts {
        assert_eq!(p.control_events, control_events, "partitions disagree");
        assert_eq!(p.control.first_fault_ms, control.first_fault_ms);
        assert_eq!(
            p.control.answer_left_primary_ms,
            control.answer_left_primary_ms
        );
        processed += p.processed;
        control.standby_ms += p.control.standby_ms;
        control.users_over_rpo += p.control.users_over_rpo;
        control.launch_queue_give_ups += p.control.launch_queue_give_ups;
        control.peak_launch_queue = control.peak_launch_queue.max(p.control.peak_launch_queue);
    }
    control.events_processed = processed - (parts.len() as u64 - 1) * control_events;
    let mut cursor = vec![0usize; parts.len()];
    let mut users = Vec::with_capacity(scenario.user_count() as usize);
    crate::platform::advise_huge_pages(&users);
    let mut part_users: Vec<Vec<User>> = parts
        .iter_mut()
        .map(|p| std::mem::take(&mut p.users))
        .collect();
    let books = &parts[lead].books;
    for (g, &p) in part_of.iter().enumerate() {
        let p = usize::from(p);
        users.push(books.record(&part_users[p][cursor[p]], &mut control));
        cursor[p] += 1;
        if (g + 1) % RELEASE_EVERY == 0 {
            for (part, &upto) in part_users.iter_mut().zip(&cursor) {
                crate::platform::release_prefix(part, upto);
            }
        }
    }
    Outcome {
        seed,
        users,
        control,
    }
}

/// Hands the lead's observations and the summed samples to `recorder`, in run order.
fn replay<R: Recorder>(parts: &mut [Part<'_>], lead: usize, recorder: &mut R) {
    let log = std::mem::take(&mut parts[lead].recorder.log);
    for entry in log {
        match entry {
            Entry::Observed(time_ms, observation) => recorder.observe(time_ms, observation),
            Entry::Sampled(n) => {
                let first = &parts[lead].recorder.samples[n];
                let mut connected = vec![0u32; first.connected.len()];
                let mut counts = StateCounts::default();
                for p in parts.iter() {
                    let s = &p.recorder.samples[n];
                    assert_eq!(s.time_ms, first.time_ms, "partitions sampled apart");
                    for (c, x) in connected.iter_mut().zip(&s.connected) {
                        *c += x;
                    }
                    counts += s.counts();
                }
                recorder.sample(&Sample {
                    time_ms: first.time_ms,
                    connected: &connected,
                    counts,
                    primary_check_healthy: first.primary_check_healthy,
                    answer: &first.answer,
                });
            }
        }
    }
}
