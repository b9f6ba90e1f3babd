//! Chart inputs built from a finished [`Report`]: the report is the single source, charts
//! are views over it.

use super::timeline::status_label;
use super::{Report, Summary};
use crate::chart::kit::thousands;
use crate::chart::CohortCurve;
use crate::chart::{
    DowntimeInput, FaultWindow, Lane, LaneSegment, LaneState, Marker, MarkerKind, StackedSeries,
    TimelineInput, UsersInput,
};
use crate::metric::{Cohort, Dimension, Metric, REDIRECT_VALUES};
use crate::model::client::ClientState;
use crate::model::Observation;
use crate::time::format_human as format_ms;

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
            "DNS failover {} after the fault",
            format_ms(f as u64)
        )),
        None if report.control.first_fault_ms.is_some() => {
            parts.push("DNS never failed over".into())
        }
        None => {}
    }
    parts.join(" · ")
}

/// Users by state and Region over time, with faults and control-plane markers.
pub fn timeline(report: &Report) -> TimelineInput {
    let mut bands: Vec<StackedSeries> = report
        .regions
        .iter()
        .enumerate()
        .map(|(i, r)| StackedSeries {
            label: format!("connected {r}"),
            values: report.series.iter().map(|row| row.connected[i]).collect(),
        })
        .collect();
    bands.push(StackedSeries {
        label: "disconnected".into(),
        values: report.series.iter().map(|r| r.disconnected).collect(),
    });
    bands.push(StackedSeries {
        label: "logging in".into(),
        values: report.series.iter().map(|r| r.logging_in).collect(),
    });
    bands.push(StackedSeries {
        label: "offline".into(),
        values: report.series.iter().map(|r| r.offline).collect(),
    });
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
                    format!("DNS -> {}", report.answer_label(answer)),
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
    TimelineInput {
        title: report.scenario.clone(),
        subtitle: subtitle(report),
        times_ms: report.series.iter().map(|r| r.time_ms).collect(),
        bands,
        faults: faults(report),
        markers,
        duration_ms: report.duration_ms,
    }
}

/// CDF of per-user downtime over affected users (those off the VPN of a private zone left
/// out, as in the summary), with one curve per `redirect` cohort.
pub fn downtime(report: &Report) -> DowntimeInput {
    let counted = || {
        report
            .users
            .iter()
            .filter(|u| u.affected() && !report.membership.unrelated(u))
    };
    let cohorts = REDIRECT_VALUES
        .iter()
        .filter(|v| **v != "off_vpn")
        .map(|value| {
            let cohort = Cohort {
                dimension: Dimension::Redirect,
                value: value.to_string(),
            };
            CohortCurve {
                // Short: legend labels are cut at 300 px.
                label: match *value {
                    "region_code" => "Region code".to_string(),
                    "old_client" => "client < 3.0.9".to_string(),
                    "no_failover_workspace" => "no failover WorkSpace".to_string(),
                    _ => report.membership.label(&cohort),
                },
                downtimes_ms: counted()
                    .filter(|u| report.membership.redirect(u) == *value)
                    .map(|u| u.downtime_ms)
                    .collect(),
            }
        })
        .filter(|c| !c.downtimes_ms.is_empty())
        .collect();
    DowntimeInput {
        // The chart's own subtitle gives the count, mean and max.
        title: format!(
            "Downtime of affected users: {} · seed {}",
            report.scenario, report.seed
        ),
        downtimes_ms: counted().map(|u| u.downtime_ms).collect(),
        censored: counted().filter(|u| u.reconnect_ms.is_none()).count() as u64,
        cohorts,
    }
}

/// Swimlanes of the traced users, from their client state changes.
pub fn users(report: &Report) -> UsersInput {
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
            ClientState::Waiting => LaneState::Waiting,
            ClientState::Offline | ClientState::Done => LaneState::Offline,
        };
        let lane = match lanes.iter_mut().position(|(u, _)| *u == user) {
            Some(i) => &mut lanes[i].1,
            None => {
                let group = report
                    .users
                    .get(user as usize)
                    .map(|u| report.groups[u.group as usize].as_str())
                    .unwrap_or("");
                lanes.push((
                    user,
                    Lane {
                        label: format!("user {user} ({group})"),
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
    lanes.sort_by_key(|(id, _)| *id);
    UsersInput {
        title: format!("Traced users: {}", report.scenario),
        lanes: lanes.into_iter().map(|(_, l)| l).collect(),
        duration_ms: report.duration_ms,
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
        timeline(report)
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
            assert_eq!(timeline(&report).faults.len(), 1);
        }
    }

    #[test]
    fn markers_name_checks_answers_and_actions() {
        let input = timeline(&fixture::report("big-bang", "ignore-check"));
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

    #[test]
    fn swimlanes_follow_a_traced_user() {
        let input = users(&fixture::report("outage", "ignore-check"));
        assert_eq!(input.lanes.len(), 1);
        let lane = &input.lanes[0];
        assert_eq!(lane.label, "user 1 (staff)");
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
    fn downtime_is_over_affected_users() {
        let input = downtime(&fixture::report("outage", "ignore-check"));
        assert_eq!(input.downtimes_ms, vec![300_000, 300_000]);
    }
}
