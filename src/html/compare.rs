//! The page of a comparison (`failsim compare`): what was compared, the delta table with
//! paired and independent intervals, the overlaid charts, the candidate's expectations and
//! the provenance of both sides.

use super::page::{chart, esc, page, table};
use super::run::provenance_section;
use super::Provenance;
use crate::decide::compare::Comparison;
use crate::decide::show;
use crate::expect::ExpectationResult;
use std::fmt::Write;

/// What the page of a comparison shows.
#[derive(Debug)]
pub struct ComparePage<'a> {
    /// The candidate's `scenario.name`.
    pub scenario_name: &'a str,
    /// Seed of replication 0 (both sides).
    pub seed: u64,
    /// The base and the candidate, as named on the command line.
    pub sides: (&'a str, &'a str),
    /// The comparison.
    pub comparison: &'a Comparison,
    /// The candidate's expectations, checked on its means.
    pub expectations: &'a [ExpectationResult],
    /// The downtime and timeline charts as SVG documents, if drawn.
    pub charts: Vec<String>,
    /// Where the base and the candidate came from.
    pub provenance: (&'a Provenance, &'a Provenance),
}

/// `report.html` of a comparison.
pub fn compare_report(p: &ComparePage<'_>) -> String {
    let c = p.comparison;
    let r = c.base.replications();
    let mut body = String::new();
    let _ = writeln!(body, "<h1>{}</h1>", esc(p.scenario_name));
    let _ = writeln!(
        body,
        "<p class=\"sub\">failsim compare · {r} replications per side, seeds {}.. on both sides (common random numbers)</p>",
        p.seed
    );
    let _ = writeln!(
        body,
        "<p><b>base</b>: <code>{}</code><br><b>candidate</b>: <code>{}</code></p>",
        esc(p.sides.0),
        esc(p.sides.1)
    );
    body.push_str("<h2>Comparison</h2>\n<p>Difference = candidate − base, replication by replication, with its paired 95 % Student-t interval; the independent-samples interval shows what the same runs would say without pairing. Significant: the paired interval excludes 0. Metrics equal in every replication are left out.</p>\n");
    let header: Vec<String> = [
        "metric",
        "base",
        "candidate",
        "difference",
        "paired 95 % CI",
        "independent 95 % CI",
        "significant",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    let interval = |m: crate::metric::Metric, ci: Option<(f64, f64)>| {
        ci.map(|(lo, hi)| format!("{} .. {}", show(m, lo, true), show(m, hi, true)))
            .unwrap_or_default()
    };
    let rows: Vec<Vec<String>> = c
        .metrics
        .iter()
        .filter(|m| {
            !(m.paired.mean == Some(0.0) && m.paired.ci95.is_none_or(|ci| ci == (0.0, 0.0)))
                && m.base.n + m.candidate.n > 0
        })
        .map(|m| {
            let metric = m.metric.metric;
            let mean = |x: Option<f64>| x.map(|v| show(metric, v, false)).unwrap_or_default();
            vec![
                m.metric.to_string(),
                mean(m.base.mean),
                mean(m.candidate.mean),
                m.paired
                    .mean
                    .map(|d| show(metric, d, true))
                    .unwrap_or_default(),
                interval(metric, m.paired.ci95),
                interval(metric, m.independent_ci95),
                if m.significant() { "yes" } else { "" }.to_string(),
            ]
        })
        .collect();
    body.push_str(&table(&header, &rows, 1));
    let captions = [
        "Downtime of affected users, all replications of each side: the empirical CDFs overlaid.",
        "Users connected and not connected over time, replication 0 of each side (the same seed).",
    ];
    for (svg, caption) in p.charts.iter().zip(captions) {
        body.push_str(&chart(svg, caption));
    }
    if !p.expectations.is_empty() {
        body.push_str("<h2>Candidate's expectations (on its means)</h2>\n<ul>\n");
        for e in p.expectations {
            let _ = writeln!(
                body,
                "<li class=\"{}\">{}: {}</li>",
                if e.passed { "pass" } else { "fail" },
                if e.passed { "holds" } else { "FAILS" },
                esc(&e.message)
            );
        }
        body.push_str("</ul>\n");
    }
    body.push_str("<h2>Base</h2>\n");
    body.push_str(&provenance_section(p.seed, p.provenance.0).replacen(
        "<h2>Provenance</h2>\n",
        "",
        1,
    ));
    body.push_str("<h2>Candidate</h2>\n");
    body.push_str(&provenance_section(p.seed, p.provenance.1).replacen(
        "<h2>Provenance</h2>\n",
        "",
        1,
    ));
    page(&format!("{} — failsim compare", p.scenario_name), &body)
}
