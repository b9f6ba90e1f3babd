//! The timeline chart's input: users by state and Region over time, faults and markers.

use super::*;

/// Reads one count of users by state from a row of the series.
pub(super) type StateCount = fn(&SeriesRow) -> u32;

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
