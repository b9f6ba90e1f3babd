//! What the story says about the failover Region's readiness: launch capacity (when queueing
//! for it made failing over slower than staying) and the age of the data replicated to
//! standby WorkSpaces.

use super::super::views::human;
use crate::chart::kit::thousands;
use crate::metric::Metric;
use crate::report::Report;
use crate::time::format_human;
use std::fmt::Write;

/// Writes the capacity line (when there is one) and the replicated-data line (with standby
/// WorkSpaces).
pub(super) fn write(report: &Report, s: &mut String) {
    if let Some(line) = capacity_worse_than_staying(report) {
        let _ = writeln!(s, "{line}");
    }
    if report.summary.get(Metric::DataAgeMaxMs).is_some() {
        let n = |k: Metric| thousands(report.summary.get(k).unwrap_or(0.0) as u64);
        let _ = writeln!(
            s,
            "replicated data on standby WorkSpaces: p50 {} old, p95 {}, max {}; {} users over the RPO, {} redirected without their data",
            human(report, Metric::DataAgeP50Ms),
            human(report, Metric::DataAgeP95Ms),
            human(report, Metric::DataAgeMaxMs),
            n(Metric::UsersOverRpo),
            n(Metric::UsersRedirectedWithoutData)
        );
    }
}

/// A line when failover capacity made things worse than staying: some users waited in launch
/// queues and the p95 downtime is longer than DNS pointed away from the primary (a user who
/// stayed home would have been back soon after DNS returned).
pub fn capacity_worse_than_staying(report: &Report) -> Option<String> {
    let sum = &report.summary;
    let p95 = sum.get(Metric::DowntimeP95Ms)? as u64;
    let away = sum.get(Metric::FailbackMs)? as u64;
    let queued = report
        .users
        .iter()
        .filter(|u| u.affected() && u.launch_wait_ms > 0)
        .count();
    if queued == 0 || p95 <= away {
        return None;
    }
    Some(format!(
        "capacity: p95 downtime {} is longer than DNS pointed away from the primary ({}); {} users waited in launch queues (longest {}): for them failing over was slower than staying",
        format_human(p95),
        format_human(away),
        thousands(queued as u64),
        format_human(sum.get(Metric::LaunchWaitMaxMs).unwrap_or(0.0) as u64)
    ))
}
