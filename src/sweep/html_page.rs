//! `report.html` of a sweep: built from the manifest and the per-point statistics alone, so
//! a merge of shards writes the same bytes as the unsharded sweep.

use super::files::Layout;
use super::{PointStats, SweepError};
use crate::html::{sweep_report, Provenance, SweepPage};
use crate::output::{self, REPORT_HTML};
use crate::report::Summary;
use crate::time::format_human;
use std::path::Path;

/// Writes `report.html` into `dir`; returns its name.
pub(super) fn write(
    dir: &Path,
    layout: &Layout,
    stats: &[PointStats],
    chart_svg: Option<&str>,
) -> Result<String, SweepError> {
    let m = &layout.manifest;
    let seed: u64 = m.seed.parse().unwrap_or(0);
    let vary_args: String = m
        .vary
        .iter()
        .map(|v| format!(" --vary {}={}", v.path, v.values.join(",")))
        .collect();
    let set_args: String = m.set.iter().map(|s| format!(" --set {s}")).collect();
    let provenance = Provenance {
        scenario_path: m.scenario.clone(),
        scenario_hash: m.scenario_hash.clone(),
        scenario_text: None,
        overrides: m.set.clone(),
        command: format!(
            "failsim sweep {}{set_args}{vary_args} --replications {} --seed {seed} --metric '{}'",
            m.scenario, m.replications, layout.metric
        ),
    };
    let points = layout.point_count();
    let description = format!(
        "{points} point{} × {} replication{} · seed {seed} (replication r uses seed {seed} + r at every point) · metric {}",
        if points == 1 { "" } else { "s" },
        m.replications,
        if m.replications == 1 { "" } else { "s" },
        layout.metric
    );
    let (header, rows) = grid_table(layout, stats);
    let page = sweep_report(&SweepPage {
        scenario_name: &m.scenario_name,
        seed,
        description: &description,
        grid: (&header, &rows),
        chart: chart_svg,
        provenance: &provenance,
    });
    Ok(output::write_file(dir, REPORT_HTML, |w| {
        std::io::Write::write_all(w, page.as_bytes())
    })?)
}

/// The charted metric per point: mean, 95 % interval and count.
fn grid_table(layout: &Layout, stats: &[PointStats]) -> (Vec<String>, Vec<Vec<String>>) {
    let column = layout.column();
    let is_ms = layout.metric.is_duration();
    let show = |v: f64| {
        if is_ms {
            format_human(v.max(0.0).round() as u64)
        } else {
            Summary::format_value(Some((v * 1000.0).round() / 1000.0))
        }
    };
    let mut header: Vec<String> = vec!["point".into()];
    header.extend(layout.vary.iter().map(|v| v.path.clone()));
    header.push(format!("{} mean", layout.metric));
    header.push("95 % CI".into());
    header.push("n".into());
    let rows = stats
        .iter()
        .map(|p| {
            let s = &p.metrics[column];
            let mut row = vec![p.point.to_string()];
            row.extend(p.values.iter().cloned());
            row.push(s.mean.map(show).unwrap_or_else(|| "–".into()));
            row.push(match s.ci95 {
                Some((lo, hi)) => format!("{} .. {}", show(lo), show(hi)),
                None => "–".into(),
            });
            row.push(s.n.to_string());
            row
        })
        .collect();
    (header, rows)
}
