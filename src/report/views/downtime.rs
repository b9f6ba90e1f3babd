//! The downtime chart's input: the CDF of affected users' downtime, cohort curves and
//! `[[expect]]` target lines.

use super::*;

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
pub(super) fn downtime_targets(expectations: &[Expectation]) -> Vec<DowntimeTarget> {
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
