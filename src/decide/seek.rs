//! Goal-seek: the smallest (or largest) value of one parameter that meets every `[[expect]]`.
//!
//! A value *meets* the expectations when the mean of each bounded metric over R replications
//! (seeds `seed + r`, the same at every value: common random numbers) is within its bound,
//! the figure `failsim sweep` shows. The search is a bisection on a bracket `LOW..HIGH`:
//! for the smallest value, HIGH must meet the expectations (else nothing in the bracket
//! does: reported, exit 1) and LOW is tried first (when it meets them it is the answer);
//! then the bracket halves until it is one step wide, keeping a failing lower end and a
//! meeting upper end. The largest value mirrors it. That needs about `log2(range / step) + 2`
//! evaluations instead of a grid's `range / step`.
//!
//! Bisection assumes a monotone response. failsim checks it rather than trusting it: after
//! the search it evaluates `verify` extra values spread evenly over the bracket, and any
//! value on the wrong side of the boundary (a failing value beyond it, or a meeting value
//! short of it) is reported as non-monotonicity, with the values, so the answer is read as
//! "the boundary bisection found" and the bracket can be narrowed.
//!
//! Values are integers (step 1), durations (milliseconds; step 1 s unless given) or
//! decimals (step (HIGH - LOW) / 100 unless given). The evidence for the answer: every
//! evaluated value with its means and how many replications met every expectation on
//! their own, and for each bound whether the one-sided 97.5 % Student-t confidence bound of
//! the mean is within it at the answer.

use super::{replicate, with_expectations, Keep, Replicated};
use crate::metric::MetricRef;
use crate::scenario::{Expectation, Scenario};
use crate::time::{format_ms, parse_duration};

/// What kind of values a parameter takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Whole numbers.
    Integer,
    /// Durations, searched in milliseconds.
    Duration,
    /// Decimal numbers.
    Decimal,
}

/// `--find PATH=LOW..HIGH`.
#[derive(Clone, Debug, PartialEq)]
pub struct Find {
    /// The scenario path, as for `--set`.
    pub path: String,
    /// Lower end (milliseconds for a duration).
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// What the values are.
    pub kind: Kind,
}

impl Find {
    /// Parses `PATH=LOW..HIGH`: two integers, two durations (`30s..10m`) or two decimals.
    pub fn parse(spec: &str) -> Result<Find, String> {
        let shape = "expected PATH=LOW..HIGH, e.g. region.us-east-1.launch_concurrency=10..1000 or dns.ttl=10s..10m";
        let (path, range) = spec
            .split_once('=')
            .ok_or_else(|| format!("`{spec}`: {shape}"))?;
        let (low, high) = range
            .split_once("..")
            .ok_or_else(|| format!("`{spec}`: {shape}"))?;
        let (low, high) = (low.trim(), high.trim());
        let (low, high, kind) = if let (Ok(a), Ok(b)) = (low.parse::<i64>(), high.parse::<i64>()) {
            (a as f64, b as f64, Kind::Integer)
        } else if let (Ok(a), Ok(b)) = (low.parse::<f64>(), high.parse::<f64>()) {
            (a, b, Kind::Decimal)
        } else if let (Ok(a), Ok(b)) = (parse_duration(low), parse_duration(high)) {
            (a as f64, b as f64, Kind::Duration)
        } else {
            return Err(format!(
                "`{spec}`: LOW and HIGH must both be integers, both decimals or both durations"
            ));
        };
        if low >= high || !low.is_finite() || !high.is_finite() {
            return Err(format!("`{spec}`: LOW must be below HIGH"));
        }
        Ok(Find {
            path: path.trim().to_string(),
            low,
            high,
            kind,
        })
    }

    /// The default step: 1, 1 s, or a hundredth of the bracket.
    pub fn default_step(&self) -> f64 {
        match self.kind {
            Kind::Integer => 1.0,
            Kind::Duration => 1000.0,
            Kind::Decimal => (self.high - self.low) / 100.0,
        }
    }

    /// `value` as a `--set` value: `250`, `"90000ms"`, `0.975`.
    pub fn set_value(&self, value: f64) -> String {
        match self.kind {
            Kind::Integer => format!("{}", value.round() as i64),
            Kind::Duration => format!("\"{}ms\"", value.round() as u64),
            Kind::Decimal => format!("{}", (value * 1e9).round() / 1e9),
        }
    }

    /// `value` rounded to what the parameter can hold (whole numbers and milliseconds).
    /// Decimals are rounded to 9 places, so that one value reached two ways (0.9 + 12 x
    /// 0.005 and 0.96) is evaluated once.
    pub fn snap(&self, value: f64) -> f64 {
        match self.kind {
            Kind::Decimal => (value * 1e9).round() / 1e9,
            _ => value.round(),
        }
    }

    /// `value` for people: `250`, `1m 30s`, `0.975`.
    pub fn show(&self, value: f64) -> String {
        match self.kind {
            Kind::Duration => format_ms(value.round() as u64),
            _ => self.set_value(value),
        }
    }
}

/// Which end of the feasible values is wanted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// The smallest value meeting every expectation.
    Smallest,
    /// The largest.
    Largest,
}

/// How to search.
#[derive(Clone, Debug)]
pub struct SeekOptions {
    /// Replications per value.
    pub replications: u32,
    /// Seed of replication 0.
    pub seed: u64,
    /// Worker threads (0 = one per core).
    pub jobs: usize,
    /// Step (the answer's resolution); `None` = [`Find::default_step`].
    pub step: Option<f64>,
    /// Which end.
    pub direction: Direction,
    /// Extra values evaluated over the bracket to check monotonicity.
    pub verify: u32,
    /// Metrics reported at every value besides the expectations' (e.g. cost).
    pub report: Vec<MetricRef>,
    /// Pick the direction whose end of the bracket has the smaller mean of this metric
    /// (both ends are evaluated first): "the cheapest value that meets the bounds".
    pub minimize: Option<MetricRef>,
}

/// One evaluated value.
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// The value (milliseconds for durations).
    pub value: f64,
    /// Whether the means meet every expectation.
    pub meets: bool,
    /// Replications that met every expectation on their own.
    pub replications_meeting: usize,
    /// The replications.
    pub runs: Replicated,
    /// Evaluated to check monotonicity, not by the bisection.
    pub verification: bool,
}

/// The answer and its evidence.
#[derive(Clone, Debug)]
pub struct Seek {
    /// The parameter.
    pub find: Find,
    /// The step used.
    pub step: f64,
    /// Which end was sought.
    pub direction: Direction,
    /// The value found; `None` when no value in the bracket meets the expectations.
    pub found: Option<f64>,
    /// Every evaluation, in the order made.
    pub evaluations: Vec<Evaluation>,
    /// Values on the wrong side of the boundary (non-monotone response), in words.
    pub non_monotone: Vec<String>,
}

/// Searches `find`'s bracket; `load` builds the scenario with `PATH=VALUE` applied.
pub fn seek(
    find: &Find,
    expectations: &[Expectation],
    load: &dyn Fn(&str) -> Result<Scenario, String>,
    options: &SeekOptions,
) -> Result<Seek, String> {
    if expectations.is_empty() {
        return Err(
            "goal-seek needs [[expect]] bounds in the scenario: the value sought is \
                    the one that meets them all"
                .into(),
        );
    }
    let step = options.step.unwrap_or_else(|| find.default_step());
    if step.is_nan() || step <= 0.0 {
        return Err(format!("the step must be positive, not {step}"));
    }
    let mut report = options.report.clone();
    if let Some(m) = &options.minimize {
        if !report.contains(m) {
            report.push(m.clone());
        }
    }
    let metrics = with_expectations(report, expectations);
    let mut ev = Evaluator {
        find,
        expectations,
        load,
        options,
        metrics: &metrics,
        evaluations: Vec::new(),
    };
    let mut direction = options.direction;
    if let Some(m) = &options.minimize {
        ev.evaluate(find.low, false)?;
        ev.evaluate(find.high, false)?;
        let mean_at = |value: f64| {
            ev.evaluations
                .iter()
                .find(|e| e.value == value)
                .and_then(|e| e.runs.mean(m))
                .unwrap_or(f64::INFINITY)
        };
        direction = if mean_at(find.low) <= mean_at(find.high) {
            Direction::Smallest
        } else {
            Direction::Largest
        };
    }
    let (mut good, mut bad) = match direction {
        Direction::Smallest => (find.high, find.low),
        Direction::Largest => (find.low, find.high),
    };
    let found = if !ev.evaluate(good, false)? {
        None
    } else if ev.evaluate(bad, false)? {
        Some(bad)
    } else {
        while (good - bad).abs() > step * (1.0 + 1e-9) {
            let steps = ((good - bad).abs() / step / 2.0).floor().max(1.0);
            let mid = if good > bad {
                bad + steps * step
            } else {
                bad - steps * step
            };
            if ev.evaluate(find.snap(mid), false)? {
                good = find.snap(mid);
            } else {
                bad = find.snap(mid);
            }
        }
        Some(good)
    };
    if found.is_some() {
        for k in 1..=options.verify {
            let v =
                find.low + (find.high - find.low) * f64::from(k) / f64::from(options.verify + 1);
            ev.evaluate(find.snap(v), true)?;
        }
    }
    let evaluations = ev.evaluations;
    let non_monotone = found
        .map(|answer| wrong_side(find, direction, answer, &evaluations))
        .unwrap_or_default();
    Ok(Seek {
        find: find.clone(),
        step,
        direction,
        found,
        evaluations,
        non_monotone,
    })
}

/// Evaluates values once each, keeping every evaluation.
struct Evaluator<'a> {
    find: &'a Find,
    expectations: &'a [Expectation],
    load: &'a dyn Fn(&str) -> Result<Scenario, String>,
    options: &'a SeekOptions,
    metrics: &'a [MetricRef],
    evaluations: Vec<Evaluation>,
}

impl Evaluator<'_> {
    /// Whether `value` meets every expectation (evaluated once; later calls reuse it).
    fn evaluate(&mut self, value: f64, verification: bool) -> Result<bool, String> {
        if let Some(e) = self.evaluations.iter().find(|e| e.value == value) {
            return Ok(e.meets);
        }
        let assignment = format!("{}={}", self.find.path, self.find.set_value(value));
        let scenario = (self.load)(&assignment)?;
        let o = self.options;
        let runs = replicate(
            &scenario,
            self.metrics,
            (o.seed, o.replications, o.jobs),
            Keep::default(),
        )?;
        let meets = means_meet(&runs, self.expectations);
        let replications_meeting = (0..runs.replications())
            .filter(|&r| runs.replication_meets(r, self.expectations))
            .count();
        self.evaluations.push(Evaluation {
            value,
            meets,
            replications_meeting,
            runs,
            verification,
        });
        Ok(meets)
    }
}

fn means_meet(runs: &Replicated, expectations: &[Expectation]) -> bool {
    expectations.iter().all(|x| {
        runs.mean(&x.metric)
            .is_some_and(|v| x.min.is_none_or(|m| v >= m) && x.max.is_none_or(|m| v <= m))
    })
}

/// Evaluations contradicting a monotone response around `answer`.
fn wrong_side(
    find: &Find,
    direction: Direction,
    answer: f64,
    evaluations: &[Evaluation],
) -> Vec<String> {
    evaluations
        .iter()
        .filter_map(|e| {
            let beyond = match direction {
                Direction::Smallest => e.value > answer,
                Direction::Largest => e.value < answer,
            };
            let short = match direction {
                Direction::Smallest => e.value < answer,
                Direction::Largest => e.value > answer,
            };
            if beyond && !e.meets {
                Some(format!(
                    "{} fails although it is beyond the boundary {}",
                    find.show(e.value),
                    find.show(answer)
                ))
            } else if short && e.meets {
                Some(format!(
                    "{} meets every expectation although it is short of the boundary {}",
                    find.show(e.value),
                    find.show(answer)
                ))
            } else {
                None
            }
        })
        .collect()
}

impl Seek {
    /// The evaluations sorted by value.
    pub fn by_value(&self) -> Vec<&Evaluation> {
        let mut v: Vec<&Evaluation> = self.evaluations.iter().collect();
        v.sort_by(|a, b| a.value.total_cmp(&b.value));
        v
    }

    /// The evaluation at the answer and the one a step short of it, when made.
    pub fn boundary(&self) -> (Option<&Evaluation>, Option<&Evaluation>) {
        let Some(answer) = self.found else {
            return (None, None);
        };
        let near = |x: f64| {
            self.evaluations
                .iter()
                .find(|e| (e.value - x).abs() <= self.step * 1e-6 + f64::EPSILON)
        };
        let short = match self.direction {
            Direction::Smallest => answer - self.step,
            Direction::Largest => answer + self.step,
        };
        (near(answer), near(self.find.snap(short)))
    }

    /// For each expectation at the answer: its line, and whether the one-sided 97.5 %
    /// confidence bound of the mean is within the bound.
    pub fn confidence(&self, expectations: &[Expectation]) -> Vec<(String, bool)> {
        let (Some(at), _) = self.boundary() else {
            return Vec::new();
        };
        expectations
            .iter()
            .map(|x| {
                let s = at.runs.stats(&x.metric);
                let mean = s.mean.unwrap_or(f64::NAN);
                let (lo, hi) = s.ci95.unwrap_or((mean, mean));
                let confident =
                    s.n >= 2 && x.min.is_none_or(|m| lo >= m) && x.max.is_none_or(|m| hi <= m);
                let bound = crate::expect::describe_bounds(&x.metric, x.min, x.max);
                let m = x.metric.metric;
                let line = format!(
                    "{} mean {} (95 % CI {} .. {}), expected {bound}",
                    x.metric,
                    super::show(m, mean, false),
                    super::show(m, lo, false),
                    super::show(m, hi, false),
                );
                (line, confident)
            })
            .collect()
    }

    /// Runs made.
    pub fn runs(&self) -> usize {
        self.evaluations.iter().map(|e| e.runs.replications()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metric::Metric;

    #[test]
    fn brackets_parse_by_kind() {
        let f = Find::parse("region.us-east-1.launch_concurrency=10..1000").unwrap();
        assert_eq!((f.low, f.high, f.kind), (10.0, 1000.0, Kind::Integer));
        let f = Find::parse("dns.ttl=10s..5m").unwrap();
        assert_eq!(
            (f.low, f.high, f.kind),
            (10_000.0, 300_000.0, Kind::Duration)
        );
        assert_eq!(f.set_value(90_000.0), "\"90000ms\"");
        assert_eq!(f.show(90_000.0), "1m 30s");
        let f = Find::parse("users.staff.failover_workspaces=0.5..1").unwrap();
        assert_eq!(f.kind, Kind::Decimal);
        assert!(Find::parse("dns.ttl=5m..10s").is_err());
        assert!(Find::parse("dns.ttl=10s").is_err());
        assert!(Find::parse("dns.ttl=10s..many").is_err());
    }

    fn load(assignment: &str) -> Result<Scenario, String> {
        let mut set = vec!["region.us-east-1.launch_concurrency=5".to_string()];
        set.push(assignment.to_string());
        crate::scenario::load_str(crate::fixture::SMALL, "small.toml", &set)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn bisection_finds_the_smallest_capacity_meeting_the_bound_with_few_runs() {
        let find = Find::parse("region.us-east-1.launch_concurrency=1..400").unwrap();
        // Slow launches so capacity matters; the bound sits between the ends.
        let slow = |assignment: &str| {
            let mut set = vec![
                "region.us-east-1.launch_time=\"2m\"".to_string(),
                assignment.to_string(),
            ];
            set.dedup();
            crate::scenario::load_str(crate::fixture::SMALL, "small.toml", &set)
                .map_err(|e| e.to_string())
        };
        let at = |c: u32| {
            let s = slow(&format!("region.us-east-1.launch_concurrency={c}")).unwrap();
            crate::sweep::simulate_summary(&s, 1)
                .get(Metric::DowntimeMeanMs)
                .unwrap()
        };
        let (few, many) = (at(1), at(400));
        assert!(few > many, "{few} vs {many}");
        let bound = (few + many) / 2.0;
        let expectations = vec![Expectation {
            metric: Metric::DowntimeMeanMs.into(),
            min: None,
            max: Some(bound),
        }];
        let options = SeekOptions {
            replications: 1,
            seed: 1,
            jobs: 1,
            step: None,
            direction: Direction::Smallest,
            verify: 3,
            report: vec![Metric::CostMonthlyUsd.into()],
            minimize: None,
        };
        let s = seek(&find, &expectations, &slow, &options).unwrap();
        let answer = s.found.unwrap();
        assert!(answer > 1.0 && answer < 400.0, "{answer}");
        // The answer meets the bound and one less does not.
        let (at_answer, short) = s.boundary();
        assert!(at_answer.unwrap().meets);
        assert!(!short.unwrap().meets);
        // log2(400) + 2 bisection evaluations plus 3 verifications, far fewer than 400.
        assert!(s.evaluations.len() <= 9 + 2 + 3, "{}", s.evaluations.len());
        assert!(s.non_monotone.is_empty(), "{:?}", s.non_monotone);
    }

    #[test]
    fn nothing_in_the_bracket_meets_an_impossible_bound() {
        let find = Find::parse("region.us-east-1.launch_concurrency=1..50").unwrap();
        let expectations = vec![Expectation {
            metric: Metric::DowntimeMaxMs.into(),
            min: None,
            max: Some(1.0),
        }];
        let options = SeekOptions {
            replications: 1,
            seed: 1,
            jobs: 1,
            step: None,
            direction: Direction::Smallest,
            verify: 2,
            report: Vec::new(),
            minimize: None,
        };
        let s = seek(&find, &expectations, &load, &options).unwrap();
        assert_eq!(s.found, None);
        assert_eq!(s.evaluations.len(), 1, "only the upper end is tried");
        assert!(seek(&find, &[], &load, &options).is_err());
    }

    #[test]
    fn a_decimal_reached_two_ways_is_one_value() {
        let f = Find::parse("x=0.9..1.0").unwrap();
        assert_eq!(f.snap(0.9 + 12.0 * 0.005), f.snap(0.96));
    }

    #[test]
    fn a_value_on_the_wrong_side_is_reported() {
        let find = Find::parse("x=0..10").unwrap();
        let e = |value: f64, meets: bool| Evaluation {
            value,
            meets,
            replications_meeting: 0,
            runs: Replicated::default(),
            verification: true,
        };
        let evaluations = vec![e(2.0, true), e(5.0, true), e(8.0, false)];
        let notes = wrong_side(&find, Direction::Smallest, 5.0, &evaluations);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].starts_with("2 meets"));
        assert!(notes[1].starts_with("8 fails"));
    }
}
