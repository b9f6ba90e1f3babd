//! Chart inputs built from a finished [`Report`]: the report is the single source, charts
//! are views over it.

use super::timeline::status_label;
use super::{Report, Summary, UserRecord};
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

mod data_age;
mod downtime;
mod timeline;
mod users;
mod window;

pub use data_age::data_age;
pub use downtime::downtime;
pub use timeline::timeline;
pub use users::users;
use users::*;
use window::*;
pub use window::{incident_window, Window};

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

/// Formats a summary value for humans (used by the story and charts).
pub fn human(report: &Report, metric: Metric) -> String {
    match report.summary.get(metric) {
        Some(v) if metric.is_duration() => format_ms(v as u64),
        v => Summary::format_value(v),
    }
}

#[cfg(test)]
mod tests {
    use super::downtime::downtime_targets;
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

    /// With more traced users than lanes, the lanes drawn still cover every cohort.
    #[test]
    fn the_lanes_drawn_keep_every_cohort_in_view() {
        let text = include_str!("../../../scenarios/workspaces-failover.toml");
        let scenario = crate::scenario::load_str(text, "workspaces-failover.toml", &[]).unwrap();
        let options = crate::model::RunOptions {
            seed: 7,
            trace_users: 0,
        };
        let report = crate::model::simulate(&scenario, &options);
        let cohorts = |ids: &[u32]| {
            let mut seen: Vec<(Dimension, String)> = Vec::new();
            for &id in ids {
                let u = &report.users[id as usize];
                for d in Dimension::ALL {
                    let c = (d, report.membership.value(d, u).to_string());
                    if !seen.contains(&c) {
                        seen.push(c);
                    }
                }
            }
            seen.sort();
            seen
        };
        // 200 users, those registered with a Region code last: in this order the first 60
        // would all be FQDN users.
        let mut ids: Vec<u32> = (0..200).collect();
        ids.sort_by_key(|&i| (!report.users[i as usize].fqdn, i));
        let mut lanes: Vec<(u32, ())> = ids.iter().map(|&i| (i, ())).collect();
        users::keep_every_cohort_in_view(&report, &mut lanes, 60);
        let drawn: Vec<u32> = lanes.iter().take(60).map(|(i, _)| *i).collect();
        assert!(cohorts(&ids).len() > cohorts(&ids[..60]).len());
        assert_eq!(cohorts(&drawn), cohorts(&ids));
        // Nothing lost, and the rest keep their order.
        let mut all: Vec<u32> = lanes.iter().map(|(i, _)| *i).collect();
        all.sort_unstable();
        assert_eq!(all, (0..200).collect::<Vec<u32>>());
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
