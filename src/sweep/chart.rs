//! Fills the sweep chart's input (`crate::chart::SweepInput`) from the per-point
//! statistics, in display units: the x axis is numeric when every value of the first
//! `--vary` is a number, proportional to the length when every value is a duration (`30s`,
//! `5m`), and otherwise categorical (values evenly spaced in `--vary` order); tick labels
//! are the values as given. `*_ms` metrics are shown in minutes. Drawing is
//! `crate::chart`'s business.

use super::manifest::VaryEntry;
use super::PointStats;
use crate::chart::{self, ImageFormat, SweepInput, SweepLine, SweepPoint};
use crate::metric::MetricRef;
use crate::output::OutputError;
use crate::time::{format_human, parse_duration};
use std::path::Path;

/// How the first varied parameter's values are placed on the x axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum XKind {
    /// Every value is a number: placed at its value.
    Numeric,
    /// Every value is a duration: placed at its value in minutes.
    Minutes,
    /// Anything else: evenly spaced in `--vary` order.
    Categorical,
}

/// The chart of `metric` from per-point statistics (in point order).
pub(super) fn sweep_input(
    scenario_name: &str,
    vary: &[VaryEntry],
    replications: u32,
    (metric, m): (&MetricRef, usize),
    stats: &[PointStats],
    expect_min: &[f64],
    expect_max: &[f64],
) -> SweepInput {
    let is_ms = metric.is_duration();
    let y_of = |v: f64| display_value(is_ms, v);
    let (x_values, x_path): (Vec<String>, Option<&str>) = match vary.first() {
        Some(v) => (v.values.clone(), Some(v.path.as_str())),
        None => (vec!["all runs".to_string()], None),
    };
    let positions = x_positions(&x_values);
    // Every summary metric is a count, a share, a duration or a cost: when no replication
    // went below zero, neither does a confidence band (the t interval of a skewed metric
    // can reach below zero; `sweep_summary.csv` keeps it as computed).
    let non_negative = stats.iter().flat_map(|p| &p.charted).all(|&v| v >= 0.0);
    let clip = |lo: f64| if non_negative { lo.max(0.0) } else { lo };
    let rest: usize = vary.iter().skip(1).map(|v| v.values.len()).product();
    let rest_grid = super::grid(
        &vary
            .iter()
            .skip(1)
            .map(|v| super::Vary {
                path: v.path.clone(),
                values: v.values.clone(),
            })
            .collect::<Vec<_>>(),
    );
    let lines: Vec<SweepLine> = (0..rest)
        .map(|r| SweepLine {
            label: if vary.len() > 1 {
                rest_grid[r].join(", ")
            } else {
                format!("mean of {replications} run{}", plural(replications))
            },
            points: (0..x_values.len())
                .map(|i| {
                    let s = &stats.get(i * rest + r)?.metrics[m];
                    Some(SweepPoint {
                        x: positions[i],
                        mean: y_of(s.mean?),
                        ci: s.ci95.map(|(lo, hi)| (y_of(clip(lo)), y_of(hi))),
                    })
                })
                .collect(),
            replications: (0..x_values.len())
                .map(|i| {
                    stats
                        .get(i * rest + r)
                        .map_or(Vec::new(), |p| p.charted.iter().map(|&v| y_of(v)).collect())
                })
                .collect(),
        })
        .collect();
    let bounds = bound_lines(is_ms, expect_min, expect_max);
    let any_value = lines.iter().any(|l| l.points.iter().any(Option::is_some));
    let unit = if is_ms { ", minutes" } else { "" };
    SweepInput {
        title: match x_path {
            Some(p) => format!("{} by {}", human_metric(metric), human_key(p)),
            None => human_metric(metric),
        },
        subtitle: format!(
            "{}: {} · mean of {replications} replication{} per point, the same seeds at \
             every point · {scenario_name}",
            metric,
            metric.metric.meaning().trim_end_matches('.'),
            plural(replications)
        ),
        // Tick labels are the values as given (`30s`, `5m`); durations are only
        // placed in proportion to their length.
        x_title: x_path.map_or_else(
            || "no --vary: the scenario as it is, each replication a point".to_string(),
            |p| format!("{} ({p})", human_key(p)),
        ),
        categorical: x_kind(&x_values) == XKind::Categorical,
        minutes: is_ms,
        y_title: format!("{}{unit}", human_metric(metric)),
        x_ticks: positions.iter().copied().zip(x_values).collect(),
        legend_title: vary
            .iter()
            .skip(1)
            .map(|v| human_key(&v.path))
            .collect::<Vec<_>>()
            .join(" · "),
        lines,
        bounds,
        empty_message: (!any_value)
            .then(|| format!("{metric} has no value in any run (it never happened)")),
        x_marker: None,
    }
}

/// One value a goal-seek evaluated (`sweep --find`), for [`seek_input`].
pub struct SeekPoint {
    /// The value as a `--set` value without quotes (`250`, `90000ms`, `0.975`): placed on
    /// the x axis like a `--vary` value.
    pub value: String,
    /// The value for people (`250`, `1m 30s`): the tick label.
    pub label: String,
    /// The charted metric's statistics over the replications.
    pub stats: crate::sweep::MetricStats,
    /// The metric in each replication that had a value.
    pub replications: Vec<f64>,
}

/// The goal-seek chart of `metric`: its mean (and 95 % interval) over the replications at
/// every value evaluated, in value order, each replication a point, with the `[[expect]]`
/// bounds on it; the value found (`found_at`, an index into `points`) is marked by a
/// vertical line, and the subtitle says it. The sweep chart with one `--vary` whose values
/// are those evaluated.
pub fn seek_input(
    scenario_name: &str,
    path: &str,
    points: &[SeekPoint],
    replications: u32,
    metric: &MetricRef,
    (expect_min, expect_max): (&[f64], &[f64]),
    (found, found_at): (&str, Option<usize>),
) -> SweepInput {
    let vary = [VaryEntry {
        path: path.to_string(),
        values: points.iter().map(|p| p.value.clone()).collect(),
    }];
    let stats: Vec<PointStats> = points
        .iter()
        .enumerate()
        .map(|(i, p)| PointStats {
            point: i,
            values: vec![p.value.clone()],
            runs: replications,
            metrics: vec![p.stats.clone()],
            charted: p.replications.clone(),
        })
        .collect();
    let mut input = sweep_input(
        scenario_name,
        &vary,
        replications,
        (metric, 0),
        &stats,
        expect_min,
        expect_max,
    );
    for ((_, label), p) in input.x_ticks.iter_mut().zip(points) {
        label.clone_from(&p.label);
    }
    input.x_marker = found_at
        .and_then(|i| input.x_ticks.get(i))
        .map(|(x, label)| (*x, format!("found: {label}")));
    input.title = format!("Goal-seek: {} by {}", human_metric(metric), human_key(path));
    input.subtitle = format!(
        "{found} · mean of {replications} replication{} at each value evaluated, the same \
         seeds at each · {scenario_name}",
        plural(replications)
    );
    input
}

/// A metric for people: `p95 downtime`, `users affected`, with its cohort in brackets
/// (`p95 downtime (redirectable)`); the unit is left to the axis.
fn human_metric(metric: &MetricRef) -> String {
    let name = metric.metric.name();
    let name = name
        .strip_suffix("_ms")
        .or_else(|| name.strip_suffix("_hours"))
        .unwrap_or(name);
    let words: Vec<&str> = name.split('_').collect();
    // `downtime_p95` reads `p95 downtime`.
    let text = match words.as_slice() {
        [head @ .., last]
            if last.len() > 1
                && last.starts_with('p')
                && last[1..].chars().all(|c| c.is_ascii_digit()) =>
        {
            format!("{last} {}", head.join(" "))
        }
        _ => words.join(" "),
    };
    match &metric.cohort {
        Some(c) => format!("{text} ({})", c.value.replace('_', " ")),
        None => text,
    }
}

/// A scenario key for people, from the key reference: its last part in words, with the
/// table entry it names (`region.us-east-1.launch_concurrency` reads `launch concurrency,
/// us-east-1`; `dns.ttl` reads `DNS TTL`). A path the reference does not know keeps its
/// last part.
fn human_key(path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    let known = |p: &str| crate::scenario::reference::KEYS.iter().any(|k| k.path == p);
    // Which part, if any, is the name of an entry of an array of tables.
    let named = (1..parts.len().saturating_sub(1)).find(|&i| {
        let without: Vec<&str> = parts
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .map(|(_, p)| *p)
            .collect();
        !known(path) && known(&without.join("."))
    });
    let words = |p: &str| {
        p.split('_')
            .map(|w| match w {
                "dns" | "ttl" | "rto" | "vpn" | "saml" | "fqdn" => w.to_ascii_uppercase(),
                _ => w.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let last = parts.last().copied().unwrap_or(path);
    let table = parts.first().copied().unwrap_or("");
    // Keys of these tables need the table's name to be understood (`interval`).
    let mut text = match table {
        "dns" | "health_check" | "alarm" | "resolver" if parts.len() > 1 => {
            format!("{} {}", words(table), words(last))
        }
        _ => words(last),
    };
    if let Some(i) = named {
        text = format!("{text}, {}", parts[i]);
    }
    text
}

/// A metric value in display units: minutes for `*_ms` metrics.
fn display_value(is_ms: bool, v: f64) -> f64 {
    if is_ms {
        v / 60_000.0
    } else {
        v
    }
}

/// Where each value of the first varied parameter goes on the x axis.
fn x_positions(x_values: &[String]) -> Vec<f64> {
    let kind = x_kind(x_values);
    x_values
        .iter()
        .enumerate()
        .map(|(i, v)| match kind {
            XKind::Numeric => parse_number(v).expect("checked by x_kind"),
            XKind::Minutes => parse_duration(v).expect("checked by x_kind") as f64 / 60_000.0,
            XKind::Categorical => i as f64,
        })
        .collect()
}

/// `(y, legend label)` of each `[[expect]]` bound: upper bounds first, then lower.
fn bound_lines(is_ms: bool, expect_min: &[f64], expect_max: &[f64]) -> Vec<(f64, String)> {
    let show_bound = |v: f64| {
        if is_ms {
            format_human(v.max(0.0).round() as u64)
        } else {
            super::stats::format3(v)
        }
    };
    let mut bounds: Vec<(f64, String)> = expect_max
        .iter()
        .map(|&b| {
            let label = format!("[[expect]] at most {}", show_bound(b));
            (display_value(is_ms, b), label)
        })
        .collect();
    bounds.extend(expect_min.iter().map(|&b| {
        let label = format!("[[expect]] at least {}", show_bound(b));
        (display_value(is_ms, b), label)
    }));
    bounds
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A TOML-style number (`25`, `0.9`, `1_000`, `-3`).
fn parse_number(s: &str) -> Option<f64> {
    let cleaned: String = s.chars().filter(|c| *c != '_').collect();
    cleaned.parse::<f64>().ok().filter(|x| x.is_finite())
}

fn x_kind(values: &[String]) -> XKind {
    if values.iter().all(|v| parse_number(v).is_some()) {
        XKind::Numeric
    } else if values.iter().all(|v| parse_duration(v).is_ok()) {
        XKind::Minutes
    } else {
        XKind::Categorical
    }
}

/// Writes the chart to `path` in `format`; a failure is reported like any other file the
/// sweep could not write.
pub(super) fn render(
    input: &SweepInput,
    format: ImageFormat,
    path: &Path,
) -> Result<(), OutputError> {
    chart::render_sweep(input, format, path).map_err(|error| OutputError::Io {
        path: error.path().to_path_buf(),
        source: std::io::Error::other(error.reason().to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::metrics;
    use crate::sweep::MetricStats;

    fn stats_with(metric_index: usize, means: &[Option<f64>]) -> Vec<PointStats> {
        means
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let mut metrics_stats = vec![MetricStats::of(&[]); metrics().count()];
                metrics_stats[metric_index] = match m {
                    Some(v) => MetricStats::of(&[v - 60_000.0, *v, v + 60_000.0]),
                    None => MetricStats::of(&[]),
                };
                PointStats {
                    point: i,
                    values: vec![],
                    runs: 3,
                    metrics: metrics_stats,
                    charted: m.map_or(vec![], |v| vec![v - 60_000.0, v, v + 60_000.0]),
                }
            })
            .collect()
    }

    fn vary(path: &str, values: &[&str]) -> VaryEntry {
        VaryEntry {
            path: path.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    #[test]
    fn axis_kinds() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(x_kind(&s(&["25", "50", "1_000"])), XKind::Numeric);
        assert_eq!(x_kind(&s(&["30s", "5m"])), XKind::Minutes);
        assert_eq!(x_kind(&s(&["running", "autostop"])), XKind::Categorical);
        assert_eq!(x_kind(&s(&["0", "30s"])), XKind::Categorical);
    }

    #[test]
    fn one_line_per_value_of_the_second_parameter_in_minutes() {
        let m = metrics()
            .position(|x| x == crate::metric::Metric::DowntimeP95Ms)
            .unwrap();
        let v = [
            vary("region.b.launch_concurrency", &["10", "20", "40"]),
            vary("users.staff.failover_workspaces", &["0.9", "1.0"]),
        ];
        // Point order: (10, 0.9), (10, 1.0), (20, 0.9), ...
        let stats = stats_with(
            m,
            &[
                Some(1_800_000.0),
                Some(1_200_000.0),
                None,
                Some(900_000.0),
                Some(600_000.0),
                Some(300_000.0),
            ],
        );
        let chart = sweep_input(
            "s",
            &v,
            3,
            (&crate::metric::Metric::DowntimeP95Ms.into(), m),
            &stats,
            &[],
            &[900_000.0],
        );
        assert_eq!(chart.lines.len(), 2);
        assert_eq!(chart.lines[0].label, "0.9");
        assert_eq!(chart.lines[1].label, "1.0");
        let first = chart.lines[0].points[0].unwrap();
        assert_eq!((first.x, first.mean), (10.0, 30.0));
        assert!(chart.lines[0].points[1].is_none());
        assert_eq!(chart.lines[1].points[2].unwrap().mean, 5.0);
        assert_eq!(
            chart.bounds,
            vec![(15.0, "[[expect]] at most 15m".to_string())]
        );
        assert_eq!(chart.y_title, "p95 downtime, minutes");
        assert_eq!(chart.legend_title, "failover workspaces, staff");
        assert!(chart.empty_message.is_none());
    }

    /// A skewed metric's t interval reaches below zero; the chart's band stops at zero,
    /// and the replications are handed on in display units.
    #[test]
    fn confidence_bands_stop_at_zero() {
        let m = metrics()
            .position(|x| x == crate::metric::Metric::DowntimeP95Ms)
            .unwrap();
        let values = [0.0, 0.0, 0.0, 600_000.0];
        let mut metrics_stats = vec![MetricStats::of(&[]); metrics().count()];
        metrics_stats[m] = MetricStats::of(&values);
        assert!(metrics_stats[m].ci95.unwrap().0 < 0.0, "the t interval");
        let stats = vec![PointStats {
            point: 0,
            values: vec![],
            runs: 4,
            metrics: metrics_stats,
            charted: values.to_vec(),
        }];
        let chart = sweep_input(
            "s",
            &[vary("dns.ttl", &["60s"])],
            4,
            (&crate::metric::Metric::DowntimeP95Ms.into(), m),
            &stats,
            &[],
            &[],
        );
        let point = chart.lines[0].points[0].unwrap();
        assert_eq!(point.ci.unwrap().0, 0.0);
        assert!(point.ci.unwrap().1 > point.mean);
        assert_eq!(chart.lines[0].replications, vec![vec![0.0, 0.0, 0.0, 10.0]]);
        // `60s` alone is a duration axis; a word is a category.
        assert!(!chart.categorical);
        let no_vary = sweep_input(
            "s",
            &[],
            4,
            (&crate::metric::Metric::DowntimeP95Ms.into(), m),
            &stats,
            &[],
            &[],
        );
        assert!(no_vary.categorical && no_vary.minutes);
        assert!(no_vary.x_title.contains("no --vary"), "{}", no_vary.x_title);
    }

    #[test]
    fn keys_and_metrics_read_as_words() {
        assert_eq!(
            human_key("region.us-east-1.launch_concurrency"),
            "launch concurrency, us-east-1"
        );
        assert_eq!(human_key("dns.ttl"), "DNS TTL");
        assert_eq!(
            human_key("health_check.primary.interval"),
            "health check interval, primary"
        );
        assert_eq!(human_key("event.outage.duration"), "duration, outage");
        let p95 = MetricRef::parse("downtime_p95_ms{redirect=redirectable}").unwrap();
        assert_eq!(human_metric(&p95), "p95 downtime (redirectable)");
        assert_eq!(
            human_metric(&crate::metric::Metric::UsersAffected.into()),
            "users affected"
        );
    }

    #[test]
    fn renders_the_same_bytes_twice_and_handles_no_values() {
        let m = metrics()
            .position(|x| x == crate::metric::Metric::DetectionMs)
            .unwrap();
        let v = [vary("dns.ttl", &["30s", "60s", "5m"])];
        let dir = tempfile::tempdir().unwrap();
        let chart = sweep_input(
            "s",
            &v,
            3,
            (&crate::metric::Metric::DetectionMs.into(), m),
            &stats_with(m, &[Some(100_000.0), Some(120_000.0), Some(90_000.0)]),
            &[],
            &[],
        );
        for format in [ImageFormat::Svg, ImageFormat::Png] {
            let a = dir.path().join(format!("a.{}", format.extension()));
            let b = dir.path().join(format!("b.{}", format.extension()));
            render(&chart, format, &a).unwrap();
            render(&chart, format, &b).unwrap();
            assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        }
        let empty = sweep_input(
            "s",
            &v,
            3,
            (&crate::metric::Metric::DetectionMs.into(), m),
            &stats_with(m, &[None, None, None]),
            &[],
            &[],
        );
        assert!(empty.empty_message.is_some());
        render(&empty, ImageFormat::Svg, &dir.path().join("e.svg")).unwrap();
        let svg = std::fs::read_to_string(dir.path().join("e.svg")).unwrap();
        assert!(svg.contains("never happened"), "{svg}");
    }
}
