//! The story's "what happened" list: faults, health-check and DNS answer changes, operator
//! actions and the recovery of affected users, in time order with times from the first fault
//! (and wall-clock times with `scenario.start`), then what the reader waits for that never
//! came.

use super::dns::dns_never_failed_over;
use crate::chart::kit::thousands;
use crate::metric::Metric;
use crate::model::{Observation, Refusal};
use crate::report::timeline::status_label;
use crate::report::Report;
use crate::time::{format_clock, format_human, round_to, Instant};
use std::fmt::Write;

/// Alarm flapping or partitions can produce many rows; the story shows the first 12.
const SHOWN: usize = 12;

/// A row of the list: its time column and its text.
type Row = (String, String);

/// Writes the "what happened" section: a heading, the first [`SHOWN`] events, how many more
/// are in timeline.csv, and the rows for what never happened.
pub(super) fn write(report: &Report, s: &mut String) {
    let times = Times::of(report);
    let events = events_in_order(report);
    if let Some(o) = times.origin {
        let _ = writeln!(
            s,
            "what happened (times from the first fault at {}):",
            times.at(o)
        );
    } else if !events.is_empty() {
        let _ = writeln!(s, "what happened:");
    }
    let shown = events.len().min(SHOWN);
    let happened: Vec<Row> = events[..shown]
        .iter()
        .map(|(t, text)| (times.offset(*t), format!("{}{text}", times.clock(*t))))
        .collect();
    // Rows that never happened have no clock time: blank it so their text lines up.
    let no_clock = times.clock(0).replace(|c: char| c != ' ', " ");
    let never: Vec<Row> = never_happened(report)
        .into_iter()
        .map(|(t, text)| (t, format!("{no_clock}{text}")))
        .collect();
    write_rows(&happened, events.len() - shown, &never, s);
}

/// Writes the rows in one column of times, as wide as its widest entry (`+1h 23m 45s`): those
/// that happened, how many `more` were left out, then those that never did.
fn write_rows(happened: &[Row], more: usize, never: &[Row], s: &mut String) {
    let width = happened
        .iter()
        .chain(never)
        .map(|(t, _)| t.chars().count())
        .max()
        .unwrap_or(0)
        .max(9);
    for (t, text) in happened {
        let _ = writeln!(s, "  {t:>width$}  {text}");
    }
    if more > 0 {
        let _ = writeln!(s, "  ... {more} more in timeline.csv");
    }
    for (t, text) in never {
        let _ = writeln!(s, "  {t:>width$}  {text}");
    }
}

/// How the story writes a time: from the first fault, and on the wall clock when the
/// scenario has a `start`.
#[derive(Clone, Copy)]
struct Times {
    origin: Option<u64>,
    start: Option<Instant>,
}

impl Times {
    fn of(report: &Report) -> Times {
        Times {
            origin: report.control.first_fault_ms,
            start: report.start,
        }
    }

    /// `+1m 40s` after (or `-5s` before) the first fault; the scenario clock without one.
    fn offset(self, t: u64) -> String {
        match self.origin {
            Some(o) if t >= o => format!("+{}", format_human(t - o)),
            Some(o) => format!("-{}", format_human(o - t)),
            None => format_clock(t),
        }
    }

    /// With `scenario.start`, the wall-clock time that starts a row's text (`09:41:40  `);
    /// empty without.
    fn clock(self, t: u64) -> String {
        self.start
            // Rounded to the second, as the offsets beside it are.
            .map(|s| format!("{}  ", s.after(round_to(t, 1000)).format_hh_mm_ss()))
            .unwrap_or_default()
    }

    /// The instant in full for the heading: a date and time with `scenario.start`, else the
    /// scenario clock.
    fn at(self, t: u64) -> String {
        match self.start {
            Some(s) => s.after(t).format(),
            None => format_clock(t),
        }
    }
}

/// What happened and when each share of affected users was working again, in time order
/// (stable: equal times keep faults first).
fn events_in_order(report: &Report) -> Vec<(u64, String)> {
    let mut events = what_happened(report);
    let origin = report.control.first_fault_ms;
    for (metric, text) in [
        (
            Metric::Recovered50Ms,
            "50 % of affected users working again",
        ),
        (
            Metric::Recovered95Ms,
            "95 % of affected users working again",
        ),
    ] {
        if let (Some(o), Some(t)) = (origin, report.summary.get(metric)) {
            events.push((o + t as u64, text.into()));
        }
    }
    events.sort_by_key(|e| e.0);
    events
}

/// Faults beginning and ending, health-check and DNS answer changes and operator actions
/// after time 0, in timeline order (faults first).
fn what_happened(report: &Report) -> Vec<(u64, String)> {
    let mut events: Vec<(u64, String)> = Vec::new();
    for f in &report.faults {
        events.push((f.start_ms, format!("{} begins", f.label)));
        if f.end_ms < report.duration_ms {
            events.push((f.end_ms, format!("{} ends", f.label)));
        }
    }
    events.extend(
        report
            .timeline
            .iter()
            .filter(|e| e.time_ms != 0)
            .filter_map(|e| Some((e.time_ms, observation_text(report, &e.observation)?))),
    );
    events
}

/// How the story tells an observation, or `None` for those it leaves to timeline.csv.
fn observation_text(report: &Report, observation: &Observation) -> Option<String> {
    Some(match observation {
        Observation::HealthCheckChanged { check, healthy } => format!(
            "health check `{}` {}",
            report.health_checks[*check as usize],
            status_label(*healthy)
        ),
        Observation::AnswerChanged { answer } => format!(
            "DNS answer{} now {}",
            report.global_view_tag(),
            report.answer_label(answer)
        ),
        Observation::LocationAnswerChanged { location, answer } => format!(
            "DNS answer at location `{}` now {}",
            report.dns_locations[*location as usize],
            report.answer_label(answer)
        ),
        Observation::ActionTaken { event } => {
            format!("operator action `{}`", report.events[*event as usize])
        }
        Observation::ActionAccepted { event } => format!(
            "operator action `{}` accepted after retries",
            report.events[*event as usize]
        ),
        Observation::ActionRefused {
            event,
            retrying: false,
            by,
        } => format!(
            "operator action `{}` abandoned: {}",
            report.events[*event as usize],
            match by {
                Refusal::Route53ControlPlane => "the Route 53 control plane refused it",
                Refusal::ArcQuorum => "the ARC cluster had no quorum",
                Refusal::ArcSafetyRule => "an ARC safety rule refused it",
            }
        ),
        _ => return None,
    })
}

/// What the reader waits for that never came, as `(never, text)` rows for the end of the
/// "what happened" list: the DNS failover after a fault, and the shares of affected users
/// working again (50 % and 95 %) that were not reached before the scenario ended.
fn never_happened(report: &Report) -> Vec<Row> {
    [no_dns_failover(report), share_not_reached(report)]
        .into_iter()
        .flatten()
        .map(|text| ("never".to_string(), text))
        .collect()
}

/// `DNS failover (the answer stayed on west)...` when a fault came and DNS never failed over.
fn no_dns_failover(report: &Report) -> Option<String> {
    if !dns_never_failed_over(report) {
        return None;
    }
    let stayed = report
        .timeline
        .iter()
        .find_map(|e| match &e.observation {
            Observation::AnswerChanged { answer } => Some(report.answer_label(answer)),
            _ => None,
        })
        .map_or_else(String::new, |a| format!(" (the answer stayed on {a})"));
    let nobody = if report.summary.get(Metric::UsersRedirected).unwrap_or(0.0) == 0.0 {
        ": no affected user was redirected"
    } else {
        ""
    };
    Some(format!("DNS failover{stayed}{nobody}"))
}

/// The first share of affected users (50 %, then 95 %) not working again by the end, with how
/// many did reconnect.
fn share_not_reached(report: &Report) -> Option<String> {
    let sum = &report.summary;
    let affected = sum.get(Metric::UsersAffected).unwrap_or(0.0) as u64;
    // Shares are measured from the first fault: without one there is nothing to miss.
    if affected == 0 || report.control.first_fault_ms.is_none() {
        return None;
    }
    let reconnected =
        affected.saturating_sub(sum.get(Metric::UsersNeverReconnected).unwrap_or(0.0) as u64);
    let (share, _) = [(50, Metric::Recovered50Ms), (95, Metric::Recovered95Ms)]
        .into_iter()
        .find(|(_, m)| sum.get(*m).is_none())?;
    Some(format!(
        "{share} % of affected users working again: {} of {} ({} %) reconnected before the scenario ended",
        thousands(reconnected),
        thousands(affected),
        // Rounded down, so a share short of the target never reads as it.
        reconnected * 100 / affected
    ))
}

#[cfg(test)]
mod tests {
    use super::super::story;
    use super::super::testing::{lines_of, resummarized};
    use crate::report::fixture;

    #[test]
    fn a_share_not_reached_says_how_many_reconnected_instead_of_never() {
        let mut report = fixture::report("outage", "ignore-check");
        report.users[2].reconnect_ms = None;
        let lines = lines_of(&resummarized(report));
        assert!(lines.contains(
            &"      never  95 % of affected users working again: 1 of 2 (50 %) reconnected before the scenario ended".to_string()
        ), "{lines:#?}");
        assert!(!lines
            .iter()
            .any(|l| l.contains("50 % of affected users working again:")));
        assert!(!lines.iter().any(|l| l.contains("were never working")));
    }

    #[test]
    fn fifty_percent_not_reached_is_said_too() {
        let mut report = fixture::report("outage", "ignore-check");
        report.users[1].reconnect_ms = None;
        report.users[2].reconnect_ms = None;
        let lines = lines_of(&resummarized(report));
        assert!(lines.contains(
            &"      never  50 % of affected users working again: 0 of 2 (0 %) reconnected before the scenario ended".to_string()
        ), "{lines:#?}");
        // One line: 95 % cannot be reached when 50 % was not.
        assert_eq!(
            lines.iter().filter(|l| l.contains("% of affected")).count(),
            1
        );
    }

    #[test]
    fn the_time_column_stays_aligned_past_one_hour() {
        let mut report = fixture::report("outage", "ignore-check");
        report.duration_ms = 6 * 3_600_000;
        report.faults[0].end_ms = 3_600_000 + 5_025_000; // +1h 23m 45s
        let text = story(&report, "out", &[]);
        let rows: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.starts_with("what happened"))
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .collect();
        assert!(
            rows.contains(&"  +1h 23m 45s  west outage (all planes) ends"),
            "{rows:#?}"
        );
        // Every text starts in the same column: two spaces after an 11-wide time.
        for row in &rows {
            assert_eq!(&row[13..15], "  ", "{row:?}");
            assert_ne!(&row[15..16], " ", "{row:?}");
        }
    }

    #[test]
    fn with_a_start_instant_the_story_adds_clock_times() {
        let mut report = fixture::report("big-bang", "ignore-check");
        report.start = Some(crate::time::parse_instant("2026-03-02T08:40:00-08:00").unwrap());
        let text = story(&report, "out", &["summary.csv".to_string()]);
        assert!(text.contains(
            "what happened (times from the first fault at 2026-03-02 09:40:00 -08:00):\n        +0s  09:40:00  west outage (all planes) begins\n    +1m 40s  09:41:40  health check `primary` unhealthy\n"
        ), "{text}");
    }

    #[test]
    fn with_clock_times_rows_that_never_happened_line_up_with_the_rest() {
        let mut report = fixture::report("outage", "ignore-check");
        report.start = Some(crate::time::parse_instant("2026-03-02T08:40:00-08:00").unwrap());
        // 1h 1m 39.6s: the offset and the clock time both round up to the same second.
        report.timeline[5].time_ms = 3_699_600;
        report.users[2].reconnect_ms = None;
        let lines = lines_of(&resummarized(report));
        assert!(
            lines.contains(&"    +1m 40s  09:41:40  health check `primary` unhealthy".to_string()),
            "{lines:#?}"
        );
        let never = lines.iter().find(|l| l.contains("never")).unwrap();
        assert!(
            never.starts_with("      never            95 % of affected users"),
            "{never:?}"
        );
    }
}
