//! What a run will cost before it starts: the events it will process and the memory it
//! will hold, estimated from the validated [`Scenario`] alone.
//!
//! Entry counts are capped at validation, but work grows with their *products* (endpoint
//! checks x checker Regions x checkers per Region x probes per scenario) and with the
//! scenario's length, so a file of a few lines can ask for days of CPU or more memory than
//! the machine has. Loading refuses a scenario whose estimated events exceed
//! [`MAX_EVENTS`], with the biggest contributor named; the CLI compares
//! [`Estimate::memory_bytes`] with the machine's memory before simulating.
//!
//! The figures are upper-bound estimates calibrated on the bundled scenarios
//! (`scenarios/workspaces-failover.toml` with 1,000,000 users: 10.4 M events, about 240 MiB
//! peak; 1.4 M events/s on one core of a 2024 laptop-class CPU when this was calibrated,
//! 4.5-5 M/s on the reference machine since, so wall-time figures in messages are cautious).

use super::sim::control_tick_ms;
use crate::scenario::{EventAction, HealthCheckType, PathSeg, Plane, PlaneSet, Problem, Scenario};

/// The most events a scenario may be estimated to need: 10,000,000,000.
///
/// Why: the estimate is an upper bound, 1.5 to 7 times what runs really process. The
/// documented maximum of 100,000,000 users over the bundled six-hour scenario
/// (`scenarios/workspaces-failover.toml`) is estimated at 6.7e9 events and really needs
/// about 1e9 (12 minutes at the measured 1.4 M events/s), so it must pass; the runaway
/// inputs this bound exists for (a year at second-resolution probes from thousands of
/// checkers) are estimated at 1e11 and beyond. Anything refused here would run for hours.
pub const MAX_EVENTS: u64 = 10_000_000_000;

/// The events per second of simulated work used to turn an event count into wall time in
/// messages (measured: 1.4-1.6 M/s in release builds).
pub const EVENTS_PER_SECOND: u64 = 1_400_000;

/// Peak bytes per simulated user: the user's state, its outcome row, its share of the event
/// queue and of the report. Measured at 1 M users (237 MiB peak) and 10 M users (1.97 GiB,
/// with the users' memory given back while their records are built); 100 M users needed more
/// than 24 GiB before that change, so the figure is rounded well up to 320.
pub const BYTES_PER_USER: u64 = 320;

/// Peak bytes per health checker (state, schedule entry and timeline rows).
const BYTES_PER_CHECKER: u64 = 256;

/// Fixed overhead of a run: program, fonts, chart buffers.
const BASE_BYTES: u64 = 64 << 20;

/// Events a user needs per session, measured on the bundled scenarios (login, DNS lookup,
/// launch, connect, disconnect, detect, retries): about ten; sixteen leaves room for
/// outages with many retries.
const EVENTS_PER_USER_SESSION: u64 = 16;

/// Events per login retry (the attempt, its DNS lookup, its failure).
const EVENTS_PER_RETRY: u64 = 3;

/// Retries while the backoff doubles from `retry_backoff.initial` to its `max` (2^8 = 256
/// times the initial wait covers the bundled scenarios' 30 s -> 5 min).
const RETRY_STEPS_PER_FAULT: u64 = 8;

/// Events per health-checker probe (the probe and its result) and per control tick (each
/// metric and alarm may act on a tick, plus the tick itself).
const EVENTS_PER_PROBE: u64 = 2;

/// A run's estimated cost.
#[derive(Clone, Debug)]
pub struct Estimate {
    /// Events the simulation will process, at most.
    pub events: u64,
    /// Peak memory, in bytes.
    pub memory_bytes: u64,
    /// The largest single contributor to `events`: `(scenario key, events)`.
    pub(crate) largest: (Vec<PathSeg>, u64),
}

/// Estimates the cost of simulating `scenario`. Saturating arithmetic throughout: the
/// point is to refuse huge inputs, so the estimate must not overflow on them.
pub fn estimate(scenario: &Scenario) -> Estimate {
    let duration = scenario.duration_ms.max(1);
    let per = |step_ms: u64| duration / step_ms.max(1) + 1;
    let mut parts: Vec<(Vec<PathSeg>, u64)> = Vec::new();
    let mut checkers = 0u64;
    for (i, h) in scenario.health_checks.iter().enumerate() {
        if let HealthCheckType::Endpoint(e) = &h.kind {
            let n = (e.checker_regions.len() as u64).saturating_mul(e.checkers_per_region.into());
            checkers = checkers.saturating_add(n);
            parts.push((
                vec![
                    PathSeg::Key("health_check"),
                    PathSeg::Index(i),
                    PathSeg::Key("interval"),
                ],
                n.saturating_mul(per(e.interval_ms))
                    .saturating_mul(EVENTS_PER_PROBE),
            ));
        }
    }
    let tick = control_tick_ms(scenario);
    if tick > 0 {
        let work = 2 * (scenario.metrics.len() + scenario.alarms.len() + 1) as u64;
        parts.push((vec![PathSeg::Key("metric")], work.saturating_mul(per(tick))));
    }
    parts.push((
        vec![PathSeg::Key("scenario"), PathSeg::Key("series_step")],
        per(scenario.series_step_ms),
    ));
    // Users retry logins while a fault lasts: at most one retry per `retry_backoff.max`,
    // plus the doubling steps up to it at the start of each fault.
    // Faults of the Route 53 control plane or the ARC cluster only delay operator changes;
    // users do not retry against them.
    let users_retry = |e: &&crate::scenario::EventSpec| match e.action {
        EventAction::RegionOutage { planes, .. } => {
            planes.0 & !(PlaneSet::bit(Plane::Control) | PlaneSet::bit(Plane::Metrics)) != 0
        }
        EventAction::ArcOutage { .. } => false,
        _ => true,
    };
    let faults = scenario.events.iter().filter(users_retry).count() as u64;
    let fault_ms = scenario
        .events
        .iter()
        .filter(users_retry)
        .fold(0u64, |acc, e| {
            // An operator action without a duration is a moment; a fault without one lasts
            // to the end.
            let lasting = !matches!(
                e.action,
                EventAction::SetRecord { .. }
                    | EventAction::DisconnectUsers { .. }
                    | EventAction::SetRoutingControl { .. }
            );
            let end = match e.end_ms {
                Some(end) => end.min(duration),
                None if lasting => duration,
                None => e.at_ms,
            };
            acc.saturating_add(end.saturating_sub(e.at_ms))
        });
    let mut users = 0u64;
    for (i, g) in scenario.groups.iter().enumerate() {
        let retries = (fault_ms / g.behaviour.backoff_max_ms.max(1))
            .saturating_add(faults.saturating_mul(RETRY_STEPS_PER_FAULT));
        users = users.saturating_add(g.count.into());
        let every = match g.behaviour.reauth_every_ms {
            0 => g.session_ms,
            r => r.min(g.session_ms),
        };
        let sessions = per(every)
            .min(per(g.session_ms).saturating_mul(1_000))
            .max(1);
        parts.push((
            vec![
                PathSeg::Key("users"),
                PathSeg::Index(i),
                PathSeg::Key("count"),
            ],
            u64::from(g.count).saturating_mul(
                sessions
                    .saturating_mul(EVENTS_PER_USER_SESSION)
                    .saturating_add(retries.saturating_mul(EVENTS_PER_RETRY)),
            ),
        ));
    }
    let events = parts
        .iter()
        .fold(0u64, |acc, (_, n)| acc.saturating_add(*n));
    let largest = parts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .unwrap_or_default();
    let memory_bytes = BASE_BYTES
        .saturating_add(users.saturating_mul(BYTES_PER_USER))
        .saturating_add(checkers.saturating_mul(BYTES_PER_CHECKER));
    Estimate {
        events,
        memory_bytes,
        largest,
    }
}

/// Why the estimate is refused, if it is: located on its largest contributor.
pub(crate) fn refusal(estimate: &Estimate) -> Option<Problem> {
    if estimate.events <= MAX_EVENTS {
        return None;
    }
    let (path, events) = &estimate.largest;
    Some(Problem {
        path: path.clone(),
        message:
        format!(
            "the scenario needs an estimated {} events (about {} of simulation at {:.1} M events/s), {} of them from this key; allowed: at most {} events (shorten scenario.duration or lengthen this interval)",
            group_digits(estimate.events),
            crate::time::format_human(
                (estimate.events / EVENTS_PER_SECOND).saturating_mul(1000)
            ),
            EVENTS_PER_SECOND as f64 / 1e6,
            group_digits(*events),
            group_digits(MAX_EVENTS),
        ),
    })
}

/// Estimates at or under this many bytes are not compared with the memory available: any
/// machine that runs failsim has that much, and asking the system (`/proc/meminfo` on
/// Linux) costs a small run about 10 µs.
pub const UNCHECKED_MEMORY_BYTES: u64 = 256 << 20;

/// Why a run estimated at `estimate` bytes cannot fit in the memory `available()` says is
/// available (None: unknown), if it cannot; `available` is asked only for estimates over
/// [`UNCHECKED_MEMORY_BYTES`].
pub fn memory_refusal(
    estimate: &Estimate,
    available: impl FnOnce() -> Option<u64>,
) -> Option<String> {
    if estimate.memory_bytes <= UNCHECKED_MEMORY_BYTES {
        return None;
    }
    let available = available()?;
    if estimate.memory_bytes <= available {
        return None;
    }
    let gib = |b: u64| format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64);
    Some(format!(
        "the run needs an estimated {} of memory ({} bytes per user) and {} is available; \
         reduce the users or pass --ignore-memory-estimate to run anyway",
        gib(estimate.memory_bytes),
        BYTES_PER_USER,
        gib(available)
    ))
}

/// `1234567` -> `1,234,567`.
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;

    fn bundled(overrides: &[&str]) -> Result<Scenario, crate::scenario::LoadError> {
        let path = format!(
            "{}/scenarios/workspaces-failover.toml",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(path).unwrap();
        let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
        load_str(&text, "w.toml", &overrides)
    }

    #[test]
    fn the_estimate_is_an_upper_bound_of_every_bundled_run() {
        let dir = format!("{}/scenarios", env!("CARGO_MANIFEST_DIR"));
        for file in std::fs::read_dir(dir).unwrap() {
            let path = file.unwrap().path();
            let scenario = crate::scenario::load(&path, &[]).unwrap();
            let e = estimate(&scenario);
            let outcome = crate::model::simulate(
                &scenario,
                &crate::model::RunOptions {
                    seed: 1,
                    trace_users: 0,
                },
            );
            let actual = outcome.control.events_processed;
            assert!(e.events >= actual, "{}: {actual} > {e:?}", path.display());
            // Within 25x: the loosest is us-east-1-2025-10-20.toml (about 21x), whose long
            // partial faults are charged as if every user retried through all of them.
            assert!(
                e.events < 25 * actual,
                "{}: {actual}, {e:?}",
                path.display()
            );
        }
    }

    #[test]
    fn unbounded_work_is_refused_on_its_largest_key() {
        let scenario = bundled(&[]).unwrap();
        let mut big = scenario.clone();
        big.duration_ms = 300 * 86_400_000;
        for h in &mut big.health_checks {
            if let HealthCheckType::Endpoint(e) = &mut h.kind {
                e.checker_regions = (0..8).collect();
                e.checkers_per_region = 64;
                e.interval_ms = 10_000;
            }
        }
        // Ten such checks: 5,120 checkers probing every 10 s for 300 days.
        let check = big.health_checks[0].clone();
        big.health_checks.extend(std::iter::repeat_n(check, 9));
        assert!(estimate(&scenario).events < MAX_EVENTS);
        let problem = refusal(&estimate(&big)).unwrap();
        assert!(
            matches!(problem.path[0], PathSeg::Key("health_check")),
            "{problem:?}"
        );
        assert!(
            problem
                .message
                .contains("allowed: at most 10,000,000,000 events"),
            "{problem:?}"
        );
    }

    #[test]
    fn runs_that_cannot_fit_in_memory_aborted() {
        let mut scenario = bundled(&[]).unwrap();
        scenario.groups[0].count = 100_000_000;
        let e = estimate(&scenario);
        assert!(e.memory_bytes > 24 << 30, "{e:?}");
        let m = memory_refusal(&e, || Some(24 << 30)).unwrap();
        assert!(
            m.contains("GiB of memory") && m.contains("24.0 GiB is available"),
            "{m}"
        );
        assert_eq!(
            memory_refusal(&e, || None),
            None,
            "unknown memory: no refusal"
        );
        assert_eq!(memory_refusal(&e, || Some(64 << 30)), None);
    }

    #[test]
    fn small_runs_do_not_ask_for_the_memory_available() {
        let small = estimate(&bundled(&[]).unwrap());
        assert!(small.memory_bytes <= UNCHECKED_MEMORY_BYTES, "{small:?}");
        let asked = std::cell::Cell::new(false);
        let ask = || {
            asked.set(true);
            Some(0)
        };
        assert_eq!(memory_refusal(&small, ask), None);
        assert!(!asked.get(), "a small run asked");
        let mut scenario = bundled(&[]).unwrap();
        scenario.groups[0].count = 1_000_000;
        let large = estimate(&scenario);
        assert!(memory_refusal(&large, || Some(large.memory_bytes - 1)).is_some());
        assert_eq!(memory_refusal(&large, || Some(large.memory_bytes)), None);
    }

    #[test]
    fn digits_are_grouped() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1_234_567), "1,234,567");
    }
}
