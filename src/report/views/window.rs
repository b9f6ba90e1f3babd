//! The time window the timeline and swimlane charts show: by default the incident (first
//! fault to full recovery, with margins), or `--window START..END`.

use super::*;

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
pub(super) const MIN_WINDOW_MARGIN_MS: u64 = 5 * 60_000;

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
pub(super) fn window_note(report: &Report, window: Window) -> Option<String> {
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
