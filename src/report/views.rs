//! Chart inputs built from a finished [`Report`]: the report is the single source, charts
//! are views over it.

use super::timeline::status_label;
use super::{Report, Summary};
use crate::chart::kit::thousands;
use crate::chart::{CohortCurve, DowntimeTarget};
use crate::chart::{
    DowntimeInput, FaultWindow, Lane, LaneSegment, LaneState, Marker, MarkerKind, StackedSeries,
    TimelineInput, UsersInput,
};
use crate::metric::{Cohort, Dimension, Metric, REDIRECT_VALUES};
use crate::model::client::ClientState;
use crate::model::{Observation, SeriesRow};
use crate::scenario::Expectation;
use crate::time::{format_clock_compact, format_human as format_ms};

fn faults(report: &Report) -> Vec<FaultWindow> {
    report
        .faults
        .iter()
        .map(|f| FaultWindow {
            start_ms: f.start_ms,
            end_ms: f.end_ms,
            label: f.label.clone(),
        })
        .collect()
}

/// One line of headline figures for chart subtitles.
pub fn subtitle(report: &Report) -> String {
    let s = &report.summary;
    let n = |k: Metric| thousands(s.get(k).unwrap_or(0.0) as u64);
    let mut parts = vec![format!("seed {}", report.seed)];
    parts.extend(report.overrides.iter().map(|o| format!("--set {o}")));
    parts.extend([
        format!("{} users", n(Metric::Users)),
        format!("{} affected", n(Metric::UsersAffected)),
    ]);
    if let Some(p95) = s.get(Metric::DowntimeP95Ms) {
        parts.push(format!("downtime p95 {}", format_ms(p95 as u64)));
    }
    match s.get(Metric::DnsFailoverMs) {
        Some(f) => parts.push(format!(
            "DNS{} failover {} after the fault",
            report.global_view_tag(),
            format_ms(f as u64)
        )),
        None if report.control.first_fault_ms.is_some() => {
            parts.push("DNS never failed over".into())
        }
        None => {}
    }
    parts.join(" · ")
}

/// A span of scenario time shown by the timeline and the swimlanes, in milliseconds since
/// scenario start (`run --window START..END`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First instant shown.
    pub start_ms: u64,
    /// Last instant shown; greater than `start_ms`.
    pub end_ms: u64,
}

impl Window {
    /// Parses `START..END` (durations since scenario start, e.g. `0..6h`, `50m..2h`; a bare
    /// `0` is allowed).
    pub fn parse(text: &str) -> Result<Window, String> {
        let (start, end) = text
            .split_once("..")
            .ok_or_else(|| format!("`{text}` is not START..END, e.g. 0..6h or 50m..2h"))?;
        let at = |t: &str| match t.trim() {
            "0" => Ok(0),
            t => crate::time::parse_duration(t),
        };
        let (start_ms, end_ms) = (at(start)?, at(end)?);
        if end_ms <= start_ms {
            return Err(format!("`{text}`: END must be later than START"));
        }
        Ok(Window { start_ms, end_ms })
    }

    /// The whole run.
    pub fn full(report: &Report) -> Window {
        Window {
            start_ms: 0,
            end_ms: report.duration_ms.max(1),
        }
    }

    /// Whether this is the whole run of `report`.
    fn is_full(self, report: &Report) -> bool {
        self.start_ms == 0 && self.end_ms >= report.duration_ms
    }
}

/// Smallest margin around the incident window.
const MIN_WINDOW_MARGIN_MS: u64 = 5 * 60_000;

/// The incident window the timeline and swimlanes zoom to by default: from the first fault
/// to full recovery (the last fault's end, the last health-check, alarm, DNS or operator
/// change, the last reconnection of an affected user or their return home, whichever is
/// latest), with a margin
/// of a tenth of that span (at least five minutes) either side. The whole run when there
/// is no fault, when an affected user (other than those off the VPN of a private zone, who
/// never work) never reconnects, or when the window would cover
/// most of the run anyway.
pub fn incident_window(report: &Report) -> Window {
    let full = Window::full(report);
    let Some(first_ms) = report.faults.iter().map(|f| f.start_ms).min() else {
        return full;
    };
    // Users off the VPN of a private zone never work, outage or not: not the incident's.
    let affected = || {
        report
            .users
            .iter()
            .filter(|u| u.affected() && !report.membership.unrelated(u))
    };
    if affected().any(|u| u.reconnect_ms.is_none()) {
        return full;
    }
    let changes = report.timeline.iter().filter_map(|e| match e.observation {
        Observation::HealthCheckChanged { .. }
        | Observation::AlarmChanged { .. }
        | Observation::AnswerChanged { .. }
        | Observation::LocationAnswerChanged { .. }
        | Observation::ActionTaken { .. } => Some(e.time_ms),
        _ => None,
    });
    let recovered_ms = report
        .faults
        .iter()
        .map(|f| f.end_ms)
        .chain(affected().filter_map(|u| u.reconnect_ms))
        // Users back home after working elsewhere: fail-back is part of the incident.
        .chain(affected().filter_map(|u| u.failback_ms))
        .chain(changes.filter(|&t| t >= first_ms))
        .max()
        .unwrap_or(first_ms)
        .max(first_ms);
    let margin_ms = ((recovered_ms - first_ms) / 10).max(MIN_WINDOW_MARGIN_MS);
    // Whole minutes, so the window's edges read well in the subtitle.
    let window = Window {
        start_ms: first_ms.saturating_sub(margin_ms) / 60_000 * 60_000,
        end_ms: recovered_ms
            .saturating_add(margin_ms)
            .div_ceil(60_000)
            .saturating_mul(60_000)
            .min(full.end_ms),
    };
    // Zooming in on 80 % of the run hides the start for no gain.
    if (window.end_ms - window.start_ms) * 5 >= full.end_ms * 4 || window.end_ms <= window.start_ms
    {
        full
    } else {
        window
    }
}

/// Subtitle note for a zoomed chart, e.g. `showing 0:50–2:05 of 6:00`.
fn window_note(report: &Report, window: Window) -> Option<String> {
    (!window.is_full(report)).then(|| match report.start {
        Some(start) => format!(
            "showing {}–{} of {}–{}",
            start.after(window.start_ms).format_hh_mm(),
            start.after(window.end_ms).format_hh_mm(),
            start.format_hh_mm(),
            start.after(report.duration_ms).format_hh_mm(),
        ),
        None => format!(
            "showing {}–{} of {}",
            format_clock_compact(window.start_ms),
            format_clock_compact(window.end_ms),
            format_clock_compact(report.duration_ms),
        ),
    })
}

/// Reads one count of users by state from a row of the series.
type StateCount = fn(&SeriesRow) -> u32;

/// Users by state and Region over time, with faults and control-plane markers.
pub fn timeline(report: &Report, window: Window) -> TimelineInput {
    let mut bands: Vec<StackedSeries> = report
        .regions
        .iter()
        .enumerate()
        .map(|(i, r)| StackedSeries {
            label: format!("connected {r}"),
            values: report.series.iter().map(|row| row.connected[i]).collect(),
        })
        .collect();
    let states: [(&str, StateCount); 5] = [
        ("disconnected", |r| r.disconnected),
        ("misdirected", |r| r.misdirected),
        ("logging in", |r| r.logging_in),
        ("launch queued", |r| r.queued),
        ("offline", |r| r.offline),
    ];
    for (label, count) in states {
        let values: Vec<u32> = report.series.iter().map(count).collect();
        // Queued launches and misdirected users exist only in some scenarios (a launch
        // queue, a lapsed domain): an empty band would only lengthen the legend.
        let optional = matches!(label, "misdirected" | "launch queued");
        if !optional || values.iter().any(|&v| v > 0) {
            bands.push(StackedSeries {
                label: label.into(),
                values,
            });
        }
    }
    let markers = report
        .timeline
        .iter()
        .filter(|e| e.time_ms > 0)
        .filter_map(|e| {
            let (kind, label) = match &e.observation {
                Observation::HealthCheckChanged { check, healthy } => (
                    MarkerKind::HealthCheck,
                    format!(
                        "{} {}",
                        report.health_checks[*check as usize],
                        status_label(*healthy)
                    ),
                ),
                Observation::AlarmChanged { alarm, state } => (
                    MarkerKind::Alarm,
                    format!("{} {}", report.alarms[*alarm as usize], state.as_str()),
                ),
                Observation::AnswerChanged { answer } => (
                    MarkerKind::DnsAnswer,
                    format!(
                        "DNS{} -> {}",
                        report.global_view_tag(),
                        report.answer_label(answer)
                    ),
                ),
                Observation::LocationAnswerChanged { location, answer } => (
                    MarkerKind::DnsAnswer,
                    format!(
                        "DNS@{} -> {}",
                        report.dns_locations[*location as usize],
                        report.answer_label(answer)
                    ),
                ),
                // Faults are drawn as shaded windows; only operator actions get a marker.
                Observation::ActionTaken { event } => {
                    (MarkerKind::Action, report.events[*event as usize].clone())
                }
                _ => return None,
            };
            Some(Marker {
                at_ms: e.time_ms,
                kind,
                label,
            })
        })
        .collect();
    let mut subtitle = subtitle(report);
    if let Some(note) = window_note(report, window) {
        subtitle = format!("{subtitle} · {note}");
    }
    TimelineInput {
        clock: report.start,
        title: report.scenario.clone(),
        subtitle,
        times_ms: report.series.iter().map(|r| r.time_ms).collect(),
        bands,
        faults: faults(report),
        markers,
        duration_ms: window.end_ms,
        start_ms: window.start_ms,
    }
}

/// A short name of a `redirect` cohort, for legends and lane labels (cut at about 300 px).
fn redirect_label(report: &Report, cohort: &Cohort) -> String {
    match cohort.value.as_str() {
        "region_code" => "Region code".to_string(),
        "old_client" => "client < 3.0.9".to_string(),
        "no_failover_workspace" => "no failover WorkSpace".to_string(),
        "off_vpn" => "off the VPN".to_string(),
        _ => report.membership.label(cohort),
    }
}

/// A lane's label: the user, their downtime (`never back` first when they were still down
/// at the end, so that a cut label keeps it), their `redirect` cohort, and their cohorts of
/// `dimensions` (those in which the traced users differ): `user 17 · down 9m 51s ·
/// redirectable · staff · corp`.
fn lane_label(report: &Report, user: u32, dimensions: &[Dimension]) -> String {
    let Some(record) = report.users.get(user as usize) else {
        return format!("user {user}");
    };
    let cohort = Cohort {
        dimension: Dimension::Redirect,
        value: report.membership.redirect(record).to_string(),
    };
    let downtime = if !record.affected() {
        "not affected".to_string()
    } else if record.reconnect_ms.is_none() {
        format!("never back, {}+", format_ms(record.downtime_ms))
    } else {
        format!("down {}", format_ms(record.downtime_ms))
    };
    let mut label = format!(
        "user {user} · {downtime} · {}",
        redirect_label(report, &cohort)
    );
    for &d in dimensions {
        label.push_str(" · ");
        label.push_str(report.membership.value(d, record));
    }
    label
}

/// The dimensions (besides `redirect`) in which the traced `users` are not all alike, in
/// `cohorts.csv` order but registration, which `redirect` already tells.
fn differing_dimensions(report: &Report, users: &[u32]) -> Vec<Dimension> {
    [
        Dimension::Group,
        Dimension::Home,
        Dimension::Client,
        Dimension::Resolver,
    ]
    .into_iter()
    .filter(|&d| {
        let mut values = users
            .iter()
            .filter_map(|&u| report.users.get(u as usize))
            .map(|r| report.membership.value(d, r));
        values
            .next()
            .is_some_and(|first| values.any(|v| v != first))
    })
    .collect()
}

/// CDF of per-user downtime over affected users (those off the VPN of a private zone left
/// out, as in the summary), with one curve per `redirect` cohort.
pub fn downtime(report: &Report, expectations: &[Expectation]) -> DowntimeInput {
    let counted = || {
        report
            .users
            .iter()
            .filter(|u| u.affected() && !report.membership.unrelated(u))
    };
    let cohorts = REDIRECT_VALUES
        .iter()
        .filter(|v| **v != "off_vpn")
        .enumerate()
        .map(|(slot, value)| {
            let cohort = Cohort {
                dimension: Dimension::Redirect,
                value: value.to_string(),
            };
            CohortCurve {
                label: redirect_label(report, &cohort),
                downtimes_ms: counted()
                    .filter(|u| report.membership.redirect(u) == *value)
                    .map(|u| u.downtime_ms)
                    .collect(),
                slot,
            }
        })
        .filter(|c| !c.downtimes_ms.is_empty())
        .collect();
    DowntimeInput {
        // The chart's own subtitle gives the count, mean and max. The seed comes before the
        // scenario's name, so a long name cut with an ellipsis does not take it along.
        title: format!(
            "Downtime of affected users (seed {}): {}",
            report.seed, report.scenario
        ),
        downtimes_ms: counted().map(|u| u.downtime_ms).collect(),
        censored: counted().filter(|u| u.reconnect_ms.is_none()).count() as u64,
        cohorts,
        targets: downtime_targets(expectations),
    }
}

/// The `[[expect]]` bounds on a downtime percentile, mean or maximum, as target lines
/// (`expect downtime_p95_ms{redirect=redirectable} <= 10m`).
fn downtime_targets(expectations: &[Expectation]) -> Vec<DowntimeTarget> {
    use Metric::*;
    let mut targets = Vec::new();
    for e in expectations {
        let m = e.metric.metric;
        if !matches!(
            m,
            DowntimeMeanMs
                | DowntimeP50Ms
                | DowntimeP90Ms
                | DowntimeP95Ms
                | DowntimeP99Ms
                | DowntimeMaxMs
        ) {
            continue;
        }
        for (bound, sign) in [(e.min, ">="), (e.max, "<=")] {
            if let Some(v) = bound.filter(|v| v.is_finite() && *v >= 0.0) {
                targets.push(DowntimeTarget {
                    at_ms: v as u64,
                    label: format!("expect {} {sign} {}", e.metric, format_ms(v as u64)),
                });
            }
        }
    }
    targets
}

/// Swimlanes of the traced users, from their client state changes.
pub fn users(report: &Report, window: Window) -> UsersInput {
    let mut lanes: Vec<(u32, Lane)> = Vec::new();
    for e in &report.timeline {
        let Observation::ClientStateChanged {
            user,
            state,
            region,
        } = e.observation
        else {
            continue;
        };
        let state = match state {
            ClientState::Connected => LaneState::Connected,
            ClientState::Disconnected => LaneState::Disconnected,
            ClientState::LoggingIn | ClientState::Launching => LaneState::LoggingIn,
            ClientState::Queued => LaneState::Queued,
            ClientState::Misdirected => LaneState::Misdirected,
            ClientState::Waiting => LaneState::Waiting,
            ClientState::Offline | ClientState::Done => LaneState::Offline,
        };
        let lane = match lanes.iter_mut().position(|(u, _)| *u == user) {
            Some(i) => &mut lanes[i].1,
            None => {
                lanes.push((
                    user,
                    Lane {
                        label: String::new(),
                        segments: Vec::new(),
                    },
                ));
                &mut lanes.last_mut().expect("just pushed").1
            }
        };
        if let Some(last) = lane.segments.last_mut() {
            last.end_ms = e.time_ms;
        }
        lane.segments.push(LaneSegment {
            start_ms: e.time_ms,
            end_ms: report.duration_ms,
            state,
            region: match region {
                Some(r) if state == LaneState::Connected => {
                    Some(report.regions[r as usize].clone())
                }
                _ => None,
            },
        });
    }
    for (_, lane) in &mut lanes {
        lane.segments.retain(|s| s.end_ms > s.start_ms);
    }
    // Lanes of one cohort together, in the order of REDIRECT_VALUES, then by user.
    let cohort_rank = |user: u32| {
        report.users.get(user as usize).map_or(usize::MAX, |u| {
            let value = report.membership.redirect(u);
            REDIRECT_VALUES
                .iter()
                .position(|v| *v == value)
                .unwrap_or(usize::MAX)
        })
    };
    lanes.sort_by_key(|(id, _)| (cohort_rank(*id), *id));
    let ids: Vec<u32> = lanes.iter().map(|(id, _)| *id).collect();
    let dimensions = differing_dimensions(report, &ids);
    for (id, lane) in &mut lanes {
        lane.label = lane_label(report, *id, &dimensions);
    }
    UsersInput {
        clock: report.start,
        title: format!("Traced users: {}", report.scenario),
        lanes: lanes.into_iter().map(|(_, l)| l).collect(),
        duration_ms: window.end_ms,
        start_ms: window.start_ms,
        faults: faults(report),
        regions: report.regions.clone(),
    }
}

/// Formats a summary value for humans (used by the story and charts).
pub fn human(report: &Report, metric: Metric) -> String {
    match report.summary.get(metric) {
        Some(v) if metric.is_duration() => format_ms(v as u64),
        v => Summary::format_value(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    fn action_markers(report: &Report) -> Vec<(u64, String)> {
        timeline(report, Window::full(report))
            .markers
            .into_iter()
            .filter(|m| m.kind == MarkerKind::Action)
            .map(|m| (m.at_ms, m.label))
            .collect()
    }

    /// Regression: a fault whose name does not appear in its label (`big-bang`, not `outage`)
    /// drew a spurious "operator action" marker on `timeline.svg`.
    #[test]
    fn a_renamed_fault_draws_no_operator_action_marker() {
        for fault in ["big-bang", "outage", "west"] {
            let report = fixture::report(fault, "ignore-check");
            assert_eq!(
                action_markers(&report),
                vec![(5_400_000, "ignore-check".to_string())],
                "fault named {fault}"
            );
            assert_eq!(timeline(&report, Window::full(&report)).faults.len(), 1);
        }
    }

    #[test]
    fn markers_name_checks_answers_and_actions() {
        let report = fixture::report("big-bang", "ignore-check");
        let input = timeline(&report, Window::full(&report));
        let labels: Vec<(u64, &str)> = input
            .markers
            .iter()
            .map(|m| (m.at_ms, m.label.as_str()))
            .collect();
        // Initial states at time 0 are not markers.
        assert_eq!(
            labels,
            vec![
                (3_700_000, "primary unhealthy"),
                (3_710_000, "DNS -> east"),
                (5_400_000, "ignore-check"),
            ]
        );
        assert_eq!(input.times_ms.len(), 5);
        let labels: Vec<&str> = input.bands.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "connected west",
                "connected east",
                "disconnected",
                "logging in",
                "offline"
            ]
        );
        assert_eq!(input.bands[2].values, vec![0, 2, 0, 0, 0]);
    }

    /// Queued launches and misdirected users get bands of their own, only when some are.
    #[test]
    fn queued_and_misdirected_users_get_their_own_bands() {
        let mut report = fixture::report("outage", "ignore-check");
        report.series[1].queued = 3;
        report.series[2].misdirected = 1;
        let input = timeline(&report, Window::full(&report));
        let labels: Vec<&str> = input.bands.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "connected west",
                "connected east",
                "disconnected",
                "misdirected",
                "logging in",
                "launch queued",
                "offline"
            ]
        );
        assert_eq!(input.bands[3].values, vec![0, 0, 1, 0, 0]);
        assert_eq!(input.bands[5].values, vec![0, 3, 0, 0, 0]);
    }

    #[test]
    fn swimlanes_follow_a_traced_user() {
        let report = fixture::report("outage", "ignore-check");
        let input = users(&report, Window::full(&report));
        assert_eq!(input.lanes.len(), 1);
        let lane = &input.lanes[0];
        assert_eq!(lane.label, "user 1 · down 5m · redirectable");
        let segments: Vec<(u64, u64, LaneState, Option<&str>)> = lane
            .segments
            .iter()
            .map(|s| (s.start_ms, s.end_ms, s.state, s.region.as_deref()))
            .collect();
        assert_eq!(
            segments,
            vec![
                (3_600_000, 3_900_000, LaneState::Disconnected, None),
                (3_900_000, 14_400_000, LaneState::Connected, Some("east")),
            ]
        );
    }

    #[test]
    fn a_window_is_start_dot_dot_end() {
        assert_eq!(
            Window::parse("0..6h"),
            Ok(Window {
                start_ms: 0,
                end_ms: 21_600_000
            })
        );
        assert_eq!(
            Window::parse("50m..1h 30m").map(|w| (w.start_ms, w.end_ms)),
            Ok((3_000_000, 5_400_000))
        );
        for bad in ["6h", "2h..1h", "1h..1h", "0..6", "..6h"] {
            assert!(Window::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_default_window_frames_the_incident_with_a_margin() {
        let report = fixture::report("outage", "ignore-check");
        let fault = &report.faults[0];
        let window = incident_window(&report);
        assert!(window.start_ms + MIN_WINDOW_MARGIN_MS <= fault.start_ms);
        assert!(window.end_ms >= fault.end_ms + MIN_WINDOW_MARGIN_MS);
        assert!(window.end_ms < report.duration_ms);
        let input = timeline(&report, window);
        assert_eq!(
            (input.start_ms, input.duration_ms),
            (window.start_ms, window.end_ms)
        );
        assert!(input.subtitle.ends_with(" of 4:00"), "{}", input.subtitle);
        // The whole run says nothing about a window.
        let full = timeline(&report, Window::full(&report));
        assert!(!full.subtitle.contains("showing"));
    }

    #[test]
    fn downtime_bounds_become_target_lines_and_other_bounds_do_not() {
        let expect = |name: &str, min: Option<f64>, max: Option<f64>| Expectation {
            metric: crate::metric::MetricRef::parse(name).expect("a metric"),
            min,
            max,
        };
        let targets = downtime_targets(&[
            expect(
                "downtime_p95_ms{redirect=redirectable}",
                None,
                Some(600_000.0),
            ),
            expect("users_affected", None, Some(10.0)),
            expect("downtime_max_ms", Some(60_000.0), None),
        ]);
        let lines: Vec<(u64, &str)> = targets
            .iter()
            .map(|t| (t.at_ms, t.label.as_str()))
            .collect();
        assert_eq!(
            lines,
            [
                (
                    600_000,
                    "expect downtime_p95_ms{redirect=redirectable} <= 10m"
                ),
                (60_000, "expect downtime_max_ms >= 1m"),
            ]
        );
    }

    #[test]
    fn downtime_is_over_affected_users() {
        let input = downtime(&fixture::report("outage", "ignore-check"), &[]);
        assert_eq!(input.downtimes_ms, vec![300_000, 300_000]);
    }
}
