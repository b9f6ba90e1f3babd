//! Sensitivity: each parameter varied alone between two bounds, ranked by its effect on one
//! metric ("what is my biggest lever?").
//!
//! The base configuration and, for each `PATH=LOW..HIGH`, the configuration with PATH at
//! LOW and the one with PATH at HIGH (everything else as in the base) run the same R
//! replications (seeds `seed + r`: common random numbers). A parameter's *swing* is
//! `mean(HIGH) - mean(LOW)` of the metric; parameters are ranked by its size (ties keep the
//! command-line order). Each end's difference from the base comes with its paired 95 %
//! Student-t interval. One-at-a-time effects do not show interactions between parameters:
//! a sweep over two of them does.

use super::{replicate, Keep};
use crate::metric::MetricRef;
use crate::scenario::Scenario;
use crate::sweep::MetricStats;

/// `--vary PATH=LOW..HIGH`: values as for `--set`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Range {
    /// Scenario path.
    pub path: String,
    /// Low value, as written.
    pub low: String,
    /// High value, as written.
    pub high: String,
}

impl Range {
    /// Parses `PATH=LOW..HIGH`.
    pub fn parse(spec: &str) -> Result<Range, String> {
        let bad = || {
            format!(
                "--vary {spec}: expected PATH=LOW..HIGH with values as for --set, e.g. dns.ttl=30s..300s"
            )
        };
        let (path, range) = spec.split_once('=').ok_or_else(bad)?;
        let (low, high) = range.split_once("..").ok_or_else(bad)?;
        let (path, low, high) = (path.trim(), low.trim(), high.trim());
        if path.is_empty() || low.is_empty() || high.is_empty() {
            return Err(bad());
        }
        Ok(Range {
            path: path.into(),
            low: low.into(),
            high: high.into(),
        })
    }

    /// `PATH=LOW` or `PATH=HIGH`.
    pub fn assignment(&self, high: bool) -> String {
        format!(
            "{}={}",
            self.path,
            if high { &self.high } else { &self.low }
        )
    }
}

/// One parameter's effect.
#[derive(Clone, Debug)]
pub struct Effect {
    /// The parameter and its bounds.
    pub range: Range,
    /// The metric with the parameter at LOW.
    pub low: MetricStats,
    /// At HIGH.
    pub high: MetricStats,
    /// LOW minus base, replication by replication.
    pub low_vs_base: MetricStats,
    /// HIGH minus base.
    pub high_vs_base: MetricStats,
}

impl Effect {
    /// `mean(HIGH) - mean(LOW)`; 0 when either has no value.
    pub fn swing(&self) -> f64 {
        match (self.low.mean, self.high.mean) {
            (Some(l), Some(h)) => h - l,
            _ => 0.0,
        }
    }
}

/// The ranking.
#[derive(Clone, Debug)]
pub struct Sensitivity {
    /// The metric ranked by.
    pub metric: MetricRef,
    /// The base configuration's statistics.
    pub base: MetricStats,
    /// Effects, largest swing first.
    pub effects: Vec<Effect>,
    /// Runs made.
    pub runs: usize,
}

/// Varies each of `ranges` alone; `load` builds the scenario with extra `--set`s applied.
pub fn sensitivity(
    ranges: &[Range],
    metric: &MetricRef,
    load: &dyn Fn(&[String]) -> Result<Scenario, String>,
    (seed, replications, jobs): (u64, u32, usize),
) -> Result<Sensitivity, String> {
    let metrics = [metric.clone()];
    let run = |set: &[String]| -> Result<Vec<Option<f64>>, String> {
        let scenario = load(set)?;
        let r = replicate(
            &scenario,
            &metrics,
            (seed, replications, jobs),
            Keep::default(),
        )?;
        Ok(r.values_of(metric))
    };
    let base = run(&[])?;
    let stats =
        |v: &[Option<f64>]| MetricStats::of(&v.iter().flatten().copied().collect::<Vec<_>>());
    let paired = |a: &[Option<f64>], b: &[Option<f64>]| {
        let d: Vec<f64> = a
            .iter()
            .zip(b)
            .filter_map(|(x, y)| Some((*x)? - (*y)?))
            .collect();
        MetricStats::of(&d)
    };
    let mut effects = Vec::new();
    for range in ranges {
        let low = run(&[range.assignment(false)])?;
        let high = run(&[range.assignment(true)])?;
        effects.push(Effect {
            range: range.clone(),
            low: stats(&low),
            high: stats(&high),
            low_vs_base: paired(&low, &base),
            high_vs_base: paired(&high, &base),
        });
    }
    // Stable: equal swings keep the command-line order.
    effects.sort_by(|a, b| b.swing().abs().total_cmp(&a.swing().abs()));
    Ok(Sensitivity {
        metric: metric.clone(),
        base: stats(&base),
        runs: (1 + 2 * ranges.len()) * replications as usize,
        effects,
    })
}

/// The header of `sensitivity.csv`.
pub const CSV_HEADER: [&str; 13] = [
    "rank",
    "path",
    "low",
    "high",
    "base_mean",
    "low_mean",
    "high_mean",
    "swing",
    "low_minus_base_ci95_low",
    "low_minus_base_ci95_high",
    "high_minus_base_ci95_low",
    "high_minus_base_ci95_high",
    "replications",
];

impl Sensitivity {
    /// The rows of `sensitivity.csv`, in rank order.
    pub fn csv_rows(&self) -> Vec<Vec<String>> {
        let opt = |x: Option<f64>| x.map(crate::sweep::format3).unwrap_or_default();
        self.effects
            .iter()
            .enumerate()
            .map(|(k, e)| {
                vec![
                    (k + 1).to_string(),
                    e.range.path.clone(),
                    e.range.low.clone(),
                    e.range.high.clone(),
                    opt(self.base.mean),
                    opt(e.low.mean),
                    opt(e.high.mean),
                    crate::sweep::format3(e.swing()),
                    opt(e.low_vs_base.ci95.map(|c| c.0)),
                    opt(e.low_vs_base.ci95.map(|c| c.1)),
                    opt(e.high_vs_base.ci95.map(|c| c.0)),
                    opt(e.high_vs_base.ci95.map(|c| c.1)),
                    e.low.n.max(e.high.n).to_string(),
                ]
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metric::Metric;

    #[test]
    fn ranges_parse() {
        let r = Range::parse("dns.ttl=30s..300s").unwrap();
        assert_eq!(r.assignment(false), "dns.ttl=30s");
        assert_eq!(r.assignment(true), "dns.ttl=300s");
        assert_eq!(
            Range::parse("users.staff.failover_workspaces=0.5..1.0")
                .unwrap()
                .high,
            "1.0"
        );
        assert!(Range::parse("dns.ttl=30s").is_err());
        assert!(Range::parse("=1..2").is_err());
    }

    #[test]
    fn the_lever_that_matters_ranks_first() {
        let load = |set: &[String]| {
            crate::scenario::load_str(crate::fixture::SMALL, "small.toml", set)
                .map_err(|e| e.to_string())
        };
        let ranges = vec![
            // The series step changes nothing users see.
            Range::parse("scenario.series_step=10s..60s").unwrap(),
            Range::parse("dns.ttl=10s..600s").unwrap(),
        ];
        let s = sensitivity(&ranges, &Metric::DowntimeMeanMs.into(), &load, (1, 3, 1)).unwrap();
        assert_eq!(s.effects[0].range.path, "dns.ttl");
        assert!(
            s.effects[0].swing() > 0.0,
            "a longer TTL lengthens downtime"
        );
        assert_eq!(s.effects[1].swing(), 0.0);
        assert_eq!(s.runs, 15);
        assert_eq!(s.csv_rows()[0][0], "1");
    }
}
