//! The story's cohort table: for each dimension that splits the users, one line per cohort
//! with its users, affected users and downtime p95 and max, in aligned columns.

use crate::chart::kit::thousands;
use crate::metric::{Dimension, Metric};
use crate::report::{CohortRow, Report};
use crate::time::format_human;
use std::fmt::Write;

/// Writes the cohort section: nothing when no dimension splits the users.
pub(super) fn write(report: &Report, s: &mut String) {
    let lines = cohort_columns(report);
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(s, "by cohort (cohorts.csv has every figure):");
    let width = |k: usize| {
        lines
            .iter()
            .map(|l| l[k].chars().count())
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0), width(1), width(2));
    for [cohort, users, affected, downtime] in &lines {
        let _ = writeln!(
            s,
            "  {cohort:<w0$}  {users:>w1$}  {affected:>w2$}  {downtime}"
        );
    }
}

/// The table's cells, a row per cohort of every dimension with two cohorts or more.
fn cohort_columns(report: &Report) -> Vec<[String; 4]> {
    let mut lines: Vec<[String; 4]> = Vec::new();
    for dimension in Dimension::ALL {
        let rows: Vec<&CohortRow> = report
            .cohorts
            .iter()
            .filter(|r| r.cohort.dimension == dimension)
            .collect();
        // A dimension with one cohort says nothing the totals do not.
        if rows.len() < 2 {
            continue;
        }
        lines.extend(rows.into_iter().map(cohort_cells));
    }
    lines
}

/// One cohort's cells: name, users, affected users, downtime p95 and max.
fn cohort_cells(row: &CohortRow) -> [String; 4] {
    let show = |m: Metric| match row.get(m) {
        Some(v) => format_human(v as u64),
        None => "-".to_string(),
    };
    let count = |m: Metric| thousands(row.get(m).unwrap_or(0.0) as u64);
    [
        row.cohort.to_string(),
        format!("{} users", count(Metric::Users)),
        format!("{} affected", count(Metric::UsersAffected)),
        format!(
            "downtime p95 {}, max {}",
            show(Metric::DowntimeP95Ms),
            show(Metric::DowntimeMaxMs)
        ),
    ]
}
