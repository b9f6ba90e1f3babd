//! The page of a sweep (or a merge of shards).

use super::page::{chart, esc, page, table};
use super::run::provenance_section;
use super::Provenance;
use std::fmt::Write;

/// What the page of a sweep shows.
#[derive(Debug)]
pub struct SweepPage<'a> {
    /// `scenario.name`.
    pub scenario_name: &'a str,
    /// Seed of replication 0.
    pub seed: u64,
    /// What ran: `12 points x 20 replications`, the varied paths and the metric.
    pub description: &'a str,
    /// The grid table: header and rows.
    pub grid: (&'a [String], &'a [Vec<String>]),
    /// The sweep chart as an SVG document, if drawn.
    pub chart: Option<&'a str>,
    /// Where the scenario came from.
    pub provenance: &'a Provenance,
}

/// `report.html` of a sweep.
pub fn sweep_report(p: &SweepPage<'_>) -> String {
    let mut body = String::new();
    let _ = writeln!(body, "<h1>{}</h1>", esc(p.scenario_name));
    let _ = writeln!(
        body,
        "<p class=\"sub\">failsim sweep · {}</p>",
        esc(p.description)
    );
    if let Some(svg) = p.chart {
        body.push_str(&chart(svg, "The charted metric per point: mean of the replications (line; a dot with an error bar when the values are categories), each replication (small points) and the 95 % confidence interval of the mean (band)."));
    }
    body.push_str("<h2>Grid</h2>\n");
    let (header, rows) = p.grid;
    let text_columns = header.len().saturating_sub(3).max(1);
    body.push_str(&table(header, rows, text_columns));
    body.push_str(&provenance_section(p.seed, p.provenance));
    page(&format!("{} — failsim sweep", p.scenario_name), &body)
}
