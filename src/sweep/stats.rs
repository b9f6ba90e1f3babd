//! Mean and Student-t 95 % confidence interval of a metric over replications.
//!
//! The interval is `mean -/+ t(0.975, n - 1) * s / sqrt(n)`, `s` the sample standard
//! deviation (two-pass, `n - 1` in the denominator). Replications of a point are independent
//! (each has its own seed); the interval assumes the metric's mean is roughly normal, which
//! holds well for averages and percentiles over thousands of users, and is conservative
//! enough for R >= 5. Quantiles of Student's t come from a table for 1-30 degrees of freedom
//! and the Cornish-Fisher expansion beyond (error below 1e-5). Only `+ - * /` and `sqrt` are
//! used (all correctly rounded in IEEE 754), in a fixed order, so results are the same on
//! every platform.
//!
//! [`PointStats`] holds them for every metric at one point; an `Aggregate` builds those from
//! `sweep.csv` records arriving in run order, for a sweep and a merge alike.

use super::files::Layout;

/// Statistics of one metric at one point.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricStats {
    /// Replications in which the metric had a value.
    pub n: u32,
    /// Mean over those; `None` when `n = 0`.
    pub mean: Option<f64>,
    /// 95 % confidence interval of the mean `(low, high)`; `None` when `n < 2`.
    pub ci95: Option<(f64, f64)>,
}

impl MetricStats {
    /// Statistics of `values` (in replication order).
    pub fn of(values: &[f64]) -> MetricStats {
        let n = values.len();
        if n == 0 {
            return MetricStats {
                n: 0,
                mean: None,
                ci95: None,
            };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let ci95 = (n >= 2).then(|| {
            let squares: f64 = values.iter().map(|x| (x - mean) * (x - mean)).sum();
            let s = (squares / (n - 1) as f64).sqrt();
            let half = t_quantile_975((n - 1) as u32) * s / (n as f64).sqrt();
            (mean - half, mean + half)
        });
        MetricStats {
            n: n as u32,
            mean: Some(mean),
            ci95,
        }
    }
}

/// t(0.975) for 1-30 degrees of freedom.
const T_975: [f64; 30] = [
    12.706_204_736,
    4.302_652_730,
    3.182_446_305,
    2.776_445_105,
    2.570_581_836,
    2.446_911_851,
    2.364_624_252,
    2.306_004_135,
    2.262_157_163,
    2.228_138_852,
    2.200_985_160,
    2.178_812_830,
    2.160_368_656,
    2.144_786_688,
    2.131_449_546,
    2.119_905_299,
    2.109_815_578,
    2.100_922_040,
    2.093_024_054,
    2.085_963_447,
    2.079_613_845,
    2.073_873_068,
    2.068_657_610,
    2.063_898_562,
    2.059_538_553,
    2.055_529_439,
    2.051_830_516,
    2.048_407_142,
    2.045_229_642,
    2.042_272_456,
];

/// The 0.975 quantile of Student's t distribution with `df` degrees of freedom (the factor
/// of a two-sided 95 % interval). `df = 0` has no quantile and returns infinity.
pub fn t_quantile_975(df: u32) -> f64 {
    match df {
        0 => f64::INFINITY,
        1..=30 => T_975[df as usize - 1],
        _ => {
            // Cornish-Fisher expansion around the normal quantile (Abramowitz and Stegun
            // 26.7.5).
            let z = 1.959_963_984_540_054_f64;
            let v = f64::from(df);
            let z2 = z * z;
            let g1 = (z2 + 1.0) * z / 4.0;
            let g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
            let g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
            let g4 =
                ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92_160.0;
            z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v)
        }
    }
}

/// A statistic as written to `sweep_summary.csv`: rounded to 3 decimals, integers without a
/// decimal point, never `-0`.
pub fn format3(x: f64) -> String {
    let r = (x * 1000.0).round() / 1000.0;
    let r = if r == 0.0 { 0.0 } else { r };
    crate::report::Summary::format_value(Some(r))
}

/// Statistics of every metric at one point.
#[derive(Clone, Debug, PartialEq)]
pub struct PointStats {
    /// Point number.
    pub point: usize,
    /// One value per `--vary`.
    pub values: Vec<String>,
    /// Replications run.
    pub runs: u32,
    /// One entry per metric, in [`metrics`](super::metrics) order.
    pub metrics: Vec<MetricStats>,
    /// The charted metric's value in each replication that had one, in replication order
    /// (the sweep chart draws them as points).
    pub charted: Vec<f64>,
}

/// Per-point statistics, accumulated from `sweep.csv` records arriving in run order.
pub(crate) struct Aggregate {
    grid: Vec<Vec<String>>,
    replications: u32,
    vary_count: usize,
    /// Metric column names.
    names: Vec<String>,
    /// Column of the charted metric.
    charted: usize,
    /// Values of the current point: one vector per metric.
    current: Vec<Vec<f64>>,
    current_point: usize,
    current_runs: u32,
    done: Vec<PointStats>,
}

impl Aggregate {
    pub(crate) fn new(layout: &Layout) -> Aggregate {
        Aggregate {
            grid: layout.grid(),
            replications: layout.replications,
            vary_count: layout.vary.len(),
            names: layout.columns.iter().map(|c| c.to_string()).collect(),
            charted: layout.column(),
            current: vec![Vec::new(); layout.columns.len()],
            current_point: 0,
            current_runs: 0,
            done: Vec::new(),
        }
    }

    /// Adds one `sweep.csv` record (runs must arrive in run order); says which field is
    /// not a number when one is not.
    pub(crate) fn add(&mut self, record: &[String]) -> Result<(), String> {
        let point: usize = record[0]
            .parse()
            .map_err(|_| format!("`point` is `{}`, not a number", record[0]))?;
        while point > self.current_point {
            self.close_point();
        }
        for (k, (field, name)) in record[3 + self.vary_count..]
            .iter()
            .zip(&self.names)
            .enumerate()
        {
            if !field.is_empty() {
                let value: f64 = field
                    .parse()
                    .map_err(|_| format!("`{name}` is `{field}`, not a number"))?;
                self.current[k].push(value);
            }
        }
        self.current_runs += 1;
        Ok(())
    }

    fn close_point(&mut self) {
        let charted = self.current[self.charted].clone();
        let metrics = self
            .current
            .iter_mut()
            .map(|values| {
                let s = MetricStats::of(values);
                values.clear();
                s
            })
            .collect();
        debug_assert_eq!(self.current_runs, self.replications);
        self.done.push(PointStats {
            point: self.current_point,
            values: self.grid[self.current_point].clone(),
            runs: self.current_runs,
            metrics,
            charted,
        });
        self.current_point += 1;
        self.current_runs = 0;
    }

    pub(crate) fn finish(mut self) -> Vec<PointStats> {
        while self.current_point < self.grid.len() {
            self.close_point();
        }
        self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_reference_values() {
        // Reference values from the regularised incomplete beta function (mpmath, 30 digits).
        let reference = [
            (1, 12.7062047362),
            (2, 4.30265272975),
            (10, 2.22813885199),
            (30, 2.0422724563),
            (31, 2.0395134464),
            (40, 2.02107539031),
            (60, 2.00029782201),
            (100, 1.98397151852),
            (1000, 1.96233908083),
        ];
        for (df, t) in reference {
            let got = t_quantile_975(df);
            assert!((got - t).abs() < 1e-5, "df {df}: {got} vs {t}");
        }
        // Decreasing towards the normal quantile.
        let mut previous = f64::INFINITY;
        for df in 1..200 {
            let t = t_quantile_975(df);
            assert!(t < previous && t > 1.959_963, "df {df}");
            previous = t;
        }
    }

    #[test]
    fn mean_and_interval() {
        let s = MetricStats::of(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(s.n, 5);
        assert_eq!(s.mean, Some(3.0));
        // s = sqrt(2.5), t(4) = 2.776445105: half-width 1.963243...
        let (lo, hi) = s.ci95.unwrap();
        assert!((hi - 3.0 - 1.963_243_6).abs() < 1e-6, "{hi}");
        assert!((3.0 - lo - 1.963_243_6).abs() < 1e-6, "{lo}");
    }

    #[test]
    fn small_samples() {
        assert_eq!(
            MetricStats::of(&[]),
            MetricStats {
                n: 0,
                mean: None,
                ci95: None
            }
        );
        let one = MetricStats::of(&[7.5]);
        assert_eq!((one.n, one.mean, one.ci95), (1, Some(7.5), None));
        let same = MetricStats::of(&[4.0, 4.0, 4.0]);
        assert_eq!(same.ci95, Some((4.0, 4.0)));
    }

    #[test]
    fn formatting() {
        assert_eq!(format3(1.0), "1");
        assert_eq!(format3(2.0 / 3.0), "0.667");
        assert_eq!(format3(-0.0001), "0");
        assert_eq!(format3(-1.25), "-1.25");
        assert_eq!(format3(123_456_789.123_4), "123456789.123");
    }
}
