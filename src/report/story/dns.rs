//! What the story says about DNS as a whole: whether the authoritative answer ever left the
//! primary Region, and whether resolvers in different DNS locations were given different
//! answers.

use crate::report::Report;
use crate::time::format_human;
use std::fmt::Write;

/// With DNS locations: how long the answers users got depended on their resolver's location
/// (the views they resolve through disagreed), or that they never did.
pub fn dns_split_line(report: &Report) -> Option<String> {
    if report.dns_locations.is_empty() {
        return None;
    }
    let names = report.dns_locations.join(", ");
    let c = &report.control;
    Some(if c.dns_splits == 0 {
        format!("DNS locations ({names}) always gave the same answer")
    } else {
        format!(
            "DNS answers split: the locations ({names}) answered differently for {} in {} period{}, so users were sent to different Regions by where their resolver is",
            format_human(c.dns_split_ms),
            c.dns_splits,
            if c.dns_splits == 1 { "" } else { "s" }
        )
    })
}

/// Writes the [`dns_split_line`], if there is one.
pub(super) fn write_split(report: &Report, s: &mut String) {
    if let Some(line) = dns_split_line(report) {
        let _ = writeln!(s, "{line}");
    }
}

/// Whether a fault happened and the authoritative answer never left the primary Region.
pub(super) fn dns_never_failed_over(report: &Report) -> bool {
    report.control.first_fault_ms.is_some() && report.control.answer_left_primary_ms.is_none()
}
