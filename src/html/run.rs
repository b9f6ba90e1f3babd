//! The page of one run.

use super::page::{chart, esc, figures, page, scenario_text, table};
use super::Provenance;
use crate::expect::ExpectationResult;
use crate::metric::Metric;
use crate::report::cohort::CSV_METRICS;
use crate::report::views::human;
use crate::report::{Report, Summary};
use crate::scenario::lint::Lint;
use std::fmt::Write;

/// What the page of a run shows besides the [`Report`].
#[derive(Debug)]
pub struct RunPage<'a> {
    /// The run.
    pub report: &'a Report,
    /// The story as printed on stdout.
    pub story: &'a str,
    /// Each chart as an SVG document, with a caption.
    pub charts: &'a [(String, String)],
    /// The scenario's lints.
    pub lints: &'a [Lint],
    /// The `[[expect]]` results.
    pub expectations: &'a [ExpectationResult],
    /// Where the scenario came from.
    pub provenance: &'a Provenance,
}

/// `report.html` of a run.
pub fn run_report(p: &RunPage<'_>) -> String {
    let r = p.report;
    let mut body = String::new();
    let _ = writeln!(body, "<h1>{}</h1>", esc(&r.scenario));
    let _ = writeln!(
        body,
        "<p class=\"sub\">failsim run · {}</p>",
        esc(&crate::report::views::subtitle(r))
    );
    body.push_str(&figures(&key_figures(r)));
    if !p.expectations.is_empty() {
        body.push_str("<h2>Expectations</h2>\n");
        body.push_str(&expectations(p.expectations));
    }
    body.push_str("<h2>What happened</h2>\n");
    // The story as on stdout, without the terminal's `output:` line: the page is the same
    // whatever directory it was written to.
    let story: String = p
        .story
        .lines()
        .filter(|l| !l.starts_with("output: "))
        .map(|l| format!("{l}\n"))
        .collect();
    // Wrapped, so that a long line (the cost) does not need a scroll bar; the aligned
    // columns of the story are short enough not to wrap on a laptop screen.
    let _ = writeln!(body, "<pre class=\"story\">{}</pre>", esc(&story));
    body.push_str("<h2>Charts</h2>\n");
    for (svg, caption) in p.charts {
        body.push_str(&chart(svg, caption));
    }
    body.push_str("<h2>Cohorts</h2>\n");
    body.push_str(
        "<p>The figures per cohort (<code>cohorts.csv</code>); any of them can be bounded by \
         <code>[[expect]]</code> or swept, written <code>metric{dimension=value}</code>.</p>\n",
    );
    body.push_str(&cohorts(r));
    body.push_str("<h2>Lints</h2>\n");
    body.push_str(&lints(p.lints));
    body.push_str(&provenance_section(r.seed, p.provenance));
    page(&format!("{} — failsim report", r.scenario), &body)
}

fn key_figures(r: &Report) -> Vec<(String, String)> {
    // Counts with thousands separators, as the story prints them.
    let count = |m: Metric| match r.summary.get(m) {
        Some(x) if x >= 0.0 => crate::chart::kit::thousands(x as u64),
        v => Summary::format_value(v),
    };
    let mut items = vec![
        ("users".to_string(), count(Metric::Users)),
        ("affected".to_string(), count(Metric::UsersAffected)),
        ("redirected".to_string(), count(Metric::UsersRedirected)),
        (
            "never reconnected".to_string(),
            count(Metric::UsersNeverReconnected),
        ),
    ];
    if r.summary.get(Metric::UsersOffVpn).unwrap_or(0.0) > 0.0 {
        items.push((
            "off the VPN (never working)".into(),
            count(Metric::UsersOffVpn),
        ));
    }
    for (label, m) in [
        ("downtime p50", Metric::DowntimeP50Ms),
        ("downtime p95", Metric::DowntimeP95Ms),
        ("downtime max", Metric::DowntimeMaxMs),
        ("health check unhealthy after", Metric::DetectionMs),
        ("DNS failover after", Metric::DnsFailoverMs),
        ("95 % working again after", Metric::Recovered95Ms),
    ] {
        let v = if r.summary.get(m).is_some() {
            human(r, m)
        } else {
            "never".to_string()
        };
        items.push((label.to_string(), v));
    }
    items
}

fn expectations(results: &[ExpectationResult]) -> String {
    let mut s = String::from("<table>\n<tbody>\n");
    for x in results {
        let (class, word) = if x.passed {
            ("pass", "held")
        } else {
            ("fail", "FAILED")
        };
        let _ = writeln!(
            s,
            "<tr><td class=\"text {class}\">{word}</td><td class=\"text\">{}</td></tr>",
            esc(&x.message)
        );
    }
    s.push_str("</tbody></table>\n");
    s
}

fn cohorts(r: &Report) -> String {
    let mut header: Vec<String> = vec!["cohort".into(), "who".into()];
    header.extend(CSV_METRICS.iter().map(|m| {
        m.name()
            .trim_end_matches("_ms")
            .replace("users_", "")
            .replace('_', " ")
    }));
    let rows: Vec<Vec<String>> = r
        .cohorts
        .iter()
        .map(|row| {
            let mut cells = vec![row.cohort.to_string(), row.label.clone()];
            cells.extend(CSV_METRICS.iter().map(|&m| match row.get(m) {
                None => "–".to_string(),
                Some(v) if m.is_duration() => crate::time::format_human(v as u64),
                Some(v) => Summary::format_value(Some(v)),
            }));
            cells
        })
        .collect();
    table(&header, &rows, 2)
}

fn lints(lints: &[Lint]) -> String {
    if lints.is_empty() {
        return "<p>No lint warnings.</p>\n".to_string();
    }
    let mut s = String::new();
    for l in lints {
        let _ = writeln!(
            s,
            "<div class=\"lint {}\"><b>{}[{}]</b> <code>{}</code>: {}<br><b>fix:</b> {}</div>",
            l.level(),
            l.level(),
            esc(l.code),
            esc(&l.field),
            esc(&l.message),
            esc(&l.fix)
        );
    }
    s
}

/// The provenance list and the scenario text (shared with the sweep page).
pub(super) fn provenance_section(seed: u64, p: &Provenance) -> String {
    let mut s = String::from("<h2>Provenance</h2>\n<dl class=\"prov\">\n");
    let mut item = |k: &str, v: &str| {
        let _ = writeln!(s, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
    };
    item("failsim", env!("CARGO_PKG_VERSION"));
    item("scenario file", &p.scenario_path);
    item("scenario hash", &p.scenario_hash);
    item("seed", &seed.to_string());
    item(
        "overrides",
        &if p.overrides.is_empty() {
            "none".to_string()
        } else {
            p.overrides
                .iter()
                .map(|o| format!("--set {o}"))
                .collect::<Vec<_>>()
                .join(" ")
        },
    );
    item("reproduce", &p.command);
    s.push_str("</dl>\n");
    let Some(text) = &p.scenario_text else {
        return s;
    };
    s.push_str("<h2>Scenario</h2>\n");
    // Without overrides the text ran as written (and re-parsing it would cost more than the
    // rest of the page).
    let edited = if p.overrides.is_empty() {
        text.clone()
    } else {
        crate::scenario::overrides::apply_all(text, &p.overrides).unwrap_or_else(|_| text.clone())
    };
    if !p.overrides.is_empty() {
        s.push_str("<p>As run: lines set by <code>--set</code> are highlighted, with what the file said.</p>\n");
    }
    s.push_str(&scenario_text(text, &edited));
    s
}
