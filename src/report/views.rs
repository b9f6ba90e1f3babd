//! Chart inputs built from a finished [`Report`]: the report is the single source, charts
//! are views over it (DESIGN §2).

use super::chart_kit::thousands;
use super::charts::{
    DowntimeInput, FaultWindow, Lane, LaneSegment, LaneState, Marker, MarkerKind, StackedSeries,
    TimelineInput, UsersInput,
};
use super::{Report, Summary, TimelineKind};
use crate::metric::Metric;
use crate::time::format_human as format_ms;

fn faults(report: &Report) -> Vec<FaultWindow> {
    report
        .faults
        .iter()
        .map(|(start_ms, end_ms, label)| FaultWindow {
            start_ms: *start_ms,
            end_ms: *end_ms,
            label: label.clone(),
        })
        .collect()
}

/// One line of headline figures for chart subtitles.
pub fn subtitle(report: &Report) -> String {
    let s = &report.summary;
    let n = |k: Metric| thousands(s.get(k).unwrap_or(0.0) as u64);
    let mut parts = vec![
        format!("seed {}", report.seed),
        format!("{} users", n(Metric::Users)),
        format!("{} affected", n(Metric::UsersAffected)),
    ];
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
            let (kind, label) = match e.kind {
                TimelineKind::HealthCheck => (
                    MarkerKind::HealthCheck,
                    format!("{} {}", e.subject, e.value),
                ),
                TimelineKind::Alarm => (MarkerKind::Alarm, format!("{} {}", e.subject, e.value)),
                TimelineKind::DnsAnswer => (MarkerKind::DnsAnswer, format!("DNS -> {}", e.value)),
                TimelineKind::Action
                    if e.value == "start"
                        && !report
                            .faults
                            .iter()
                            .any(|f| f.0 == e.time_ms && f.2.contains(&e.subject)) =>
                {
                    (MarkerKind::Action, e.subject.clone())
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

/// CDF of per-user downtime over affected users.
pub fn downtime(report: &Report) -> DowntimeInput {
    DowntimeInput {
        // The chart's own subtitle gives the count, mean and max.
        title: format!("Downtime of affected users · seed {}", report.seed),
        downtimes_ms: report
            .users
            .iter()
            .filter(|u| u.affected())
            .map(|u| u.downtime_ms)
            .collect(),
    }
}

/// Swimlanes of the traced users, from their `user` timeline rows.
pub fn users(report: &Report) -> UsersInput {
    let mut lanes: Vec<(u64, Lane)> = Vec::new();
    for e in report
        .timeline
        .iter()
        .filter(|e| e.kind == TimelineKind::User)
    {
        let Some(id) = e
            .subject
            .strip_prefix("user")
            .and_then(|n| n.parse::<u64>().ok())
        else {
            continue;
        };
        let (state, region) = match e.value.split_once(':') {
            Some((s, r)) => (s, Some(r.to_string())),
            None => (e.value.as_str(), None),
        };
        let state = match state {
            "connected" => LaneState::Connected,
            "disconnected" => LaneState::Disconnected,
            "logging_in" | "launching" => LaneState::LoggingIn,
            "waiting" => LaneState::Waiting,
            _ => LaneState::Offline,
        };
        let lane = match lanes.iter_mut().find(|(u, _)| *u == id) {
            Some((_, lane)) => lane,
            None => {
                let group = report
                    .users
                    .get(id as usize)
                    .map(|u| report.groups[u.group as usize].as_str())
                    .unwrap_or("");
                lanes.push((
                    id,
                    Lane {
                        label: format!("user {id} ({group})"),
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
            region: if state == LaneState::Connected {
                region
            } else {
                None
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
