//! Two configurations side by side over the same replications.
//!
//! For each metric: both means, the *paired* difference (candidate minus base, replication
//! by replication) with its 95 % Student-t interval, and for contrast the interval two
//! independent samples of the same size would give (pooled variance, `n_b + n_c - 2`
//! degrees of freedom). Under common random numbers the two sides share most of their noise,
//! so the paired interval is usually far narrower: that is what makes a 10-replication
//! comparison conclusive. A difference is *significant* when its paired interval excludes 0.
//! Only replications where the metric has a value on both sides are paired.
//!
//! Besides every summary metric, the cohort metrics of `cohorts.csv` are compared for every
//! cohort both scenarios can have (`downtime_p95_ms{redirect=redirectable}`, ...), and the
//! metrics of the candidate's `[[expect]]`.

use super::{outcome_metrics, replicate, show, with_expectations, Keep, Replicated};
use crate::metric::{Metric, MetricRef};
use crate::report::cohort::CSV_METRICS;
use crate::report::Membership;
use crate::scenario::Scenario;
use crate::sweep::{format3, t_quantile_975, MetricStats};

/// How to compare.
#[derive(Clone, Debug)]
pub struct CompareOptions {
    /// Replications per side (>= 1).
    pub replications: u32,
    /// Seed of replication 0.
    pub seed: u64,
    /// Worker threads (0 = one per core).
    pub jobs: usize,
    /// Keep per-user downtimes and replication 0's series for charts.
    pub charts: bool,
}

/// One metric compared.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricComparison {
    /// The metric, of every user or of a cohort.
    pub metric: MetricRef,
    /// The base's statistics.
    pub base: MetricStats,
    /// The candidate's statistics.
    pub candidate: MetricStats,
    /// Candidate minus base, replication by replication (pairs where both have a value).
    pub paired: MetricStats,
    /// 95 % interval of the difference of means as if the sides were independent samples.
    pub independent_ci95: Option<(f64, f64)>,
}

impl MetricComparison {
    /// Whether the paired 95 % interval excludes 0.
    pub fn significant(&self) -> bool {
        self.paired
            .ci95
            .is_some_and(|(low, high)| low > 0.0 || high < 0.0)
    }
}

/// The result of a comparison.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// The base's replications.
    pub base: Replicated,
    /// The candidate's replications.
    pub candidate: Replicated,
    /// One entry per compared metric, in [`Metric::ALL`] order.
    pub metrics: Vec<MetricComparison>,
}

/// Runs both configurations with the same seeds and compares every outcome metric.
pub fn compare(
    base: &Scenario,
    candidate: &Scenario,
    options: &CompareOptions,
) -> Result<Comparison, String> {
    let keep = Keep {
        downtimes: options.charts,
        series: options.charts,
    };
    let refs = with_expectations(compared_metrics(base, candidate), &candidate.expectations);
    let runs = (options.seed, options.replications, options.jobs);
    let b = replicate(base, &refs, runs, keep)?;
    let c = replicate(candidate, &refs, runs, keep)?;
    let metrics = refs
        .iter()
        .map(|m| compare_metric(m, &b, &c))
        // Cohorts no user of either side is in have nothing to compare.
        .filter(|m| m.metric.cohort.is_none() || m.base.n + m.candidate.n > 0)
        .collect();
    Ok(Comparison {
        base: b,
        candidate: c,
        metrics,
    })
}

/// Every outcome metric, then the `cohorts.csv` metrics of every cohort of the base that
/// the candidate can have too.
fn compared_metrics(base: &Scenario, candidate: &Scenario) -> Vec<MetricRef> {
    let mut refs: Vec<MetricRef> = outcome_metrics().map(MetricRef::from).collect();
    let candidate_names = Membership::of(candidate).names();
    for cohort in Membership::of(base).cohorts() {
        if candidate_names.check(&cohort).is_ok() {
            refs.extend(CSV_METRICS.iter().map(|&metric| MetricRef {
                metric,
                cohort: Some(cohort.clone()),
            }));
        }
    }
    refs
}

fn compare_metric(
    metric: &MetricRef,
    base: &Replicated,
    candidate: &Replicated,
) -> MetricComparison {
    let differences: Vec<f64> = base
        .values_of(metric)
        .into_iter()
        .zip(candidate.values_of(metric))
        .filter_map(|(b, c)| Some(c? - b?))
        .collect();
    let b: Vec<f64> = base.values_of(metric).into_iter().flatten().collect();
    let c: Vec<f64> = candidate.values_of(metric).into_iter().flatten().collect();
    MetricComparison {
        metric: metric.clone(),
        base: MetricStats::of(&b),
        candidate: MetricStats::of(&c),
        paired: MetricStats::of(&differences),
        independent_ci95: independent_ci95(&b, &c),
    }
}

/// The pooled-variance Student-t 95 % interval of `mean(c) - mean(b)`.
pub fn independent_ci95(b: &[f64], c: &[f64]) -> Option<(f64, f64)> {
    let (nb, nc) = (b.len(), c.len());
    if nb < 2 || nc < 2 {
        return None;
    }
    let mean = |xs: &[f64]| xs.iter().sum::<f64>() / xs.len() as f64;
    let (mb, mc) = (mean(b), mean(c));
    let squares = |xs: &[f64], m: f64| xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>();
    let df = nb + nc - 2;
    let pooled = (squares(b, mb) + squares(c, mc)) / df as f64;
    let half = t_quantile_975(df as u32) * (pooled * (1.0 / nb as f64 + 1.0 / nc as f64)).sqrt();
    let d = mc - mb;
    Some((d - half, d + half))
}

/// The header of `compare.csv`.
pub const CSV_HEADER: [&str; 11] = [
    "metric",
    "base_mean",
    "candidate_mean",
    "difference_mean",
    "difference_ci95_low",
    "difference_ci95_high",
    "independent_ci95_low",
    "independent_ci95_high",
    "pairs",
    "significant",
    "unit",
];

impl Comparison {
    /// The rows of `compare.csv`, one per metric (statistics rounded to 3 decimals; empty
    /// where there is no value).
    pub fn csv_rows(&self) -> Vec<Vec<String>> {
        let opt = |x: Option<f64>| x.map(format3).unwrap_or_default();
        self.metrics
            .iter()
            .map(|m| {
                vec![
                    m.metric.to_string(),
                    opt(m.base.mean),
                    opt(m.candidate.mean),
                    opt(m.paired.mean),
                    opt(m.paired.ci95.map(|c| c.0)),
                    opt(m.paired.ci95.map(|c| c.1)),
                    opt(m.independent_ci95.map(|c| c.0)),
                    opt(m.independent_ci95.map(|c| c.1)),
                    m.paired.n.to_string(),
                    m.significant().to_string(),
                    unit_name(m.metric.metric).to_string(),
                ]
            })
            .collect()
    }

    /// The delta table for people: metrics whose value differs in some replication, with
    /// the paired and independent intervals side by side.
    pub fn table(&self) -> String {
        let mut rows = vec![[
            "metric".to_string(),
            "base".to_string(),
            "candidate".to_string(),
            "difference (paired 95 % CI)".to_string(),
            "independent 95 % CI".to_string(),
            String::new(),
        ]];
        let mut unchanged = Vec::new();
        let mut cohorts_unchanged = 0;
        let mut cohorts_same_as_all = 0;
        for m in &self.metrics {
            let same = m.paired.n > 0
                && m.paired.ci95.is_none_or(|c| c == (0.0, 0.0))
                && m.paired.mean == Some(0.0)
                && m.base.n == m.candidate.n;
            // A cohort holding every user repeats the all-users figure: shown once.
            let repeats_all_users = m.metric.cohort.is_some()
                && self.metrics.iter().any(|a| {
                    a.metric.cohort.is_none()
                        && a.metric.metric == m.metric.metric
                        && a.base == m.base
                        && a.candidate == m.candidate
                        && a.paired == m.paired
                });
            if repeats_all_users {
                cohorts_same_as_all += 1;
                continue;
            }
            if same || (m.base.n == 0 && m.candidate.n == 0) {
                if m.metric.cohort.is_some() {
                    cohorts_unchanged += 1;
                } else {
                    unchanged.push(m.metric.metric.name());
                }
                continue;
            }
            let mean = |s: &MetricStats| {
                s.mean
                    .map(|x| show(m.metric.metric, x, false))
                    .unwrap_or_else(|| "-".into())
            };
            let interval = |c: Option<(f64, f64)>| {
                c.map(|(lo, hi)| {
                    format!(
                        "[{}, {}]",
                        show(m.metric.metric, lo, true),
                        show(m.metric.metric, hi, true)
                    )
                })
                .unwrap_or_else(|| "-".into())
            };
            let difference = match m.paired.mean {
                Some(d) => format!(
                    "{} {}",
                    show(m.metric.metric, d, true),
                    interval(m.paired.ci95)
                ),
                None => "-".into(),
            };
            rows.push([
                m.metric.to_string(),
                mean(&m.base),
                mean(&m.candidate),
                difference,
                interval(m.independent_ci95),
                if m.significant() {
                    "significant".into()
                } else {
                    String::new()
                },
            ]);
        }
        let mut widths = [0usize; 6];
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        for row in &rows {
            let mut line = String::new();
            for (k, (cell, w)) in row.iter().zip(widths).enumerate() {
                if k == 0 {
                    line += &format!("{cell:<w$}");
                } else {
                    line += &format!("  {cell:>w$}");
                }
            }
            out += line.trim_end();
            out.push('\n');
        }
        if !unchanged.is_empty() {
            out += &format!("unchanged in every replication: {}\n", unchanged.join(", "));
        }
        if cohorts_same_as_all > 0 {
            out += &format!(
                "{cohorts_same_as_all} cohort metrics equal the all-users figures (their cohort holds every user; compare.csv)\n"
            );
        }
        if cohorts_unchanged > 0 {
            out += &format!(
                "{cohorts_unchanged} cohort metrics unchanged in every replication (compare.csv)\n"
            );
        }
        out
    }
}

fn unit_name(metric: Metric) -> &'static str {
    match metric.unit() {
        crate::metric::Unit::Count => "count",
        crate::metric::Unit::Milliseconds => "ms",
        crate::metric::Unit::Hours => "hours",
        crate::metric::Unit::Usd => "usd",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::small;

    #[test]
    fn paired_interval_under_common_random_numbers_is_narrower() {
        // The same users and draws on both sides: only the TTL differs.
        let base = small(&["dns.ttl=\"60s\"".into()]);
        let candidate = small(&["dns.ttl=\"300s\"".into()]);
        let options = CompareOptions {
            replications: 8,
            seed: 1,
            jobs: 2,
            charts: false,
        };
        let c = compare(&base, &candidate, &options).unwrap();
        let m = c
            .metrics
            .iter()
            .find(|m| m.metric == Metric::DowntimeMeanMs.into())
            .unwrap();
        let (plo, phi) = m.paired.ci95.unwrap();
        let (ilo, ihi) = m.independent_ci95.unwrap();
        assert!(phi - plo < ihi - ilo, "paired {plo}..{phi} vs {ilo}..{ihi}");
        // A longer TTL keeps users on the dead Region longer.
        assert!(m.paired.mean.unwrap() > 0.0);
        assert!(m.significant());
        // Same seeds on both sides: the users metric is paired and unchanged.
        let users = c
            .metrics
            .iter()
            .find(|m| m.metric == Metric::Users.into())
            .unwrap();
        // Cohort metrics are compared too.
        assert!(c
            .metrics
            .iter()
            .any(|m| m.metric.to_string() == "downtime_p95_ms{redirect=redirectable}"));
        assert_eq!(users.paired.mean, Some(0.0));
        assert!(!users.significant());
    }

    #[test]
    fn comparing_a_configuration_with_itself_finds_no_difference() {
        let s = small(&[]);
        let options = CompareOptions {
            replications: 3,
            seed: 5,
            jobs: 1,
            charts: true,
        };
        let c = compare(&s, &s, &options).unwrap();
        assert!(c.metrics.iter().all(|m| !m.significant()));
        assert_eq!(c.base.downtimes_ms, c.candidate.downtimes_ms);
        assert!(!c.base.series.is_empty());
        assert!(c.table().starts_with("metric"));
        assert!(c.table().contains("unchanged in every replication: users"));
    }

    #[test]
    fn independent_interval_matches_a_hand_computation() {
        // Means 2 and 5, pooled variance 1, df 4: 3 -/+ 2.776445105 * sqrt(2/3).
        let (lo, hi) = independent_ci95(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]).unwrap();
        let half = 2.776_445_105 * (2.0f64 / 3.0).sqrt();
        assert!((lo - (3.0 - half)).abs() < 1e-9 && (hi - (3.0 + half)).abs() < 1e-9);
        assert_eq!(independent_ci95(&[1.0], &[2.0, 3.0]), None);
    }
}
