//! The story's cost line: what the failover setup costs a month and what this incident cost,
//! item by item.

use super::format::usd;
use crate::chart::kit::thousands;
use crate::cost::CostLine;
use crate::report::Report;

/// `cost: $74.40 a month (...); this incident $12.30 (...)`, items as `what $x`.
pub(super) fn cost_line(report: &Report) -> String {
    let c = &report.cost;
    let mut line = format!("cost: {} a month", usd(c.monthly_usd));
    if !c.monthly.is_empty() {
        line += &format!(" ({})", items(&c.monthly));
    }
    line += &format!("; this incident {}", usd(c.incident_usd));
    if !c.incident.is_empty() {
        line += &format!(" ({})", items(&c.incident));
    } else if c.monthly_usd > 0.0 {
        // Say why, so that $0.00 does not read as "free": AlwaysOn failover WorkSpaces bill
        // monthly, and downtime is priced only when the scenario gives a price.
        line += " (no hourly charges; downtime is priced only with cost.downtime_hourly)";
    }
    line
}

/// Cost items as `quantity what $x`, comma-separated.
fn items(lines: &[CostLine]) -> String {
    lines
        .iter()
        .map(|l| {
            format!(
                "{} {} {}",
                thousands(l.quantity.round() as u64),
                l.item,
                usd(l.usd)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn the_story_itemises_the_bill() {
        let mut report = fixture::report("big-bang", "ignore-check");
        report.cost = crate::cost::CostFigures {
            monthly_usd: 17_727.5,
            incident_usd: 0.6,
            monthly: vec![CostLine {
                item: "failover WorkSpaces (AutoStop)".into(),
                quantity: 1818.0,
                usd: 17_727.5,
            }],
            incident: vec![CostLine {
                item: "hourly WorkSpaces fees away from home (user-hours)".into(),
                quantity: 2.0,
                usd: 0.6,
            }],
        };
        assert_eq!(
            cost_line(&report),
            "cost: $17,727.50 a month (1,818 failover WorkSpaces (AutoStop) $17,727.50); \
             this incident $0.60 (2 hourly WorkSpaces fees away from home (user-hours) $0.60)"
        );
    }
}
