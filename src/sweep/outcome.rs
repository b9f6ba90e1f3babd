//! What a finished sweep or merge reports on stdout: the charted metric per point as a
//! plain-text table.

use super::{PointStats, Shard};
use crate::metric::MetricRef;
use crate::report::Summary;
use crate::time::format_human;
use std::path::PathBuf;

/// What a finished sweep or merge wrote, for the command's report on stdout.
#[derive(Clone, Debug)]
pub struct SweepOutcome {
    /// Output directory.
    pub out: PathBuf,
    /// Files written, relative to `out`.
    pub files: Vec<String>,
    /// Runs in this directory.
    pub runs: usize,
    /// Runs in the whole sweep.
    pub total_runs: usize,
    /// The shard this directory holds (`1/1` for a whole sweep or a merge).
    pub shard: Shard,
    /// The charted metric.
    pub metric: MetricRef,
    /// Varied paths, in `--vary` order.
    pub vary: Vec<String>,
    /// Lower bounds that `[[expect]]` puts on the charted metric.
    pub expect_min: Vec<f64>,
    /// Upper bounds that `[[expect]]` puts on the charted metric.
    pub expect_max: Vec<f64>,
    /// Per-point statistics (empty for a shard).
    pub points: Vec<PointStats>,
}

impl SweepOutcome {
    /// A plain-text table of the charted metric per point (mean and 95 % confidence
    /// interval; `*_ms` metrics as durations), with a column saying whether the mean meets
    /// the scenario's `[[expect]]` bounds on that metric when it has any.
    pub fn table(&self) -> String {
        let column = super::columns(&self.metric)
            .iter()
            .position(|x| *x == self.metric)
            .expect("the charted metric is one of the sweep's metrics");
        let is_ms = self.metric.is_duration();
        let show = |v: f64| {
            if is_ms {
                format_human(v.max(0.0).round() as u64)
            } else {
                Summary::format_value(Some((v * 1000.0).round() / 1000.0))
            }
        };
        let has_bounds = !(self.expect_min.is_empty() && self.expect_max.is_empty());
        let mut header: Vec<String> = vec!["point".into()];
        header.extend(self.vary.iter().cloned());
        header.push(format!("{} mean", self.metric));
        header.push("95% CI".into());
        header.push("n".into());
        if has_bounds {
            header.push("meets [[expect]]".into());
        }
        let mut rows = vec![header];
        for p in &self.points {
            let s = &p.metrics[column];
            let mut row = vec![p.point.to_string()];
            row.extend(p.values.iter().cloned());
            row.push(s.mean.map(show).unwrap_or_else(|| "-".into()));
            row.push(match s.ci95 {
                Some((lo, hi)) => format!("{} .. {}", show(lo), show(hi)),
                None => "-".into(),
            });
            row.push(s.n.to_string());
            if has_bounds {
                row.push(
                    match s.mean {
                        Some(v) => {
                            let ok = self.expect_min.iter().all(|&b| v >= b)
                                && self.expect_max.iter().all(|&b| v <= b);
                            if ok {
                                "yes"
                            } else {
                                "no"
                            }
                        }
                        None => "no (never happened)",
                    }
                    .into(),
                );
            }
            rows.push(row);
        }
        let columns = rows[0].len();
        let widths: Vec<usize> = (0..columns)
            .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
            .collect();
        let mut text = String::new();
        for row in rows {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, w)| format!("{cell:<w$}"))
                .collect();
            text.push_str(cells.join("  ").trim_end());
            text.push('\n');
        }
        text
    }
}
