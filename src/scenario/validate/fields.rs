//! The validation context and the checks every table shares: durations, distributions,
//! shares, name lookups and unique names. Each check records a [`Problem`] and returns what
//! validation can carry on with, so one pass reports every problem.

use crate::dist::Dist;
use crate::scenario::raw::RawDist;
use crate::scenario::{PathSeg, Problem, CHECKER_REGIONS};
use crate::time::parse_duration;
use std::collections::BTreeSet;

/// A field path, outermost key first.
pub(super) type FieldPath = Vec<PathSeg>;

/// A key segment of a field path.
pub(super) fn key(name: &'static str) -> PathSeg {
    PathSeg::Key(name)
}

/// `base` followed by `more`.
pub(super) fn at(base: &FieldPath, more: &[PathSeg]) -> FieldPath {
    let mut path = base.clone();
    path.extend_from_slice(more);
    path
}

/// The path of entry `index` of the array of tables `table`.
pub(super) fn entry(table: &'static str, index: usize) -> FieldPath {
    vec![key(table), PathSeg::Index(index)]
}

/// The problems found so far and the names references resolve against.
#[derive(Default)]
pub(super) struct Validator {
    pub problems: Vec<Problem>,
    pub regions: Vec<String>,
    pub health_checks: Vec<String>,
    pub alarms: Vec<String>,
    pub metrics: Vec<String>,
    pub resolvers: Vec<String>,
    pub directories: Vec<String>,
    /// `dns.locations` (filled by the DNS validation).
    pub locations: Vec<String>,
    /// On-premises directory names (filled by the directory validation).
    pub on_premises: Vec<String>,
    /// `scenario.duration`, 0 when it is invalid.
    pub duration_ms: u64,
}

impl Validator {
    /// Records a problem at `path`.
    pub fn report(&mut self, path: FieldPath, message: impl Into<String>) {
        self.problems.push(Problem {
            path,
            message: message.into(),
        });
    }

    pub fn duration(&mut self, path: FieldPath, text: &str) -> Option<u64> {
        match parse_duration(text) {
            Ok(d) => Some(d),
            Err(e) => {
                self.report(path, format!("{e}; allowed: a duration with a unit such as \"250ms\", \"30s\", \"5m\", \"1h 30m\""));
                None
            }
        }
    }

    /// The duration written, `default_ms` when absent or invalid.
    pub fn duration_or(&mut self, path: FieldPath, text: Option<&String>, default_ms: u64) -> u64 {
        match text {
            Some(t) => self.duration(path, t).unwrap_or(default_ms),
            None => default_ms,
        }
    }

    pub fn positive_duration(&mut self, path: FieldPath, text: &str) -> Option<u64> {
        let ms = self.duration(path.clone(), text)?;
        if ms == 0 {
            self.report(path, "must be longer than 0s");
            return None;
        }
        Some(ms)
    }

    /// Like [`Validator::duration_or`], and the duration must be longer than 0.
    pub fn positive_duration_or(
        &mut self,
        path: FieldPath,
        text: Option<&String>,
        default_ms: u64,
    ) -> u64 {
        match text {
            Some(t) => self.positive_duration(path, t).unwrap_or(default_ms),
            None => default_ms,
        }
    }

    pub fn dist(&mut self, path: FieldPath, raw: &RawDist) -> Option<Dist> {
        let table = match raw {
            RawDist::Fixed(t) => return self.duration(path, t).map(Dist::Fixed),
            RawDist::Table(table) => table,
        };
        match (&table.min, &table.max, &table.median, &table.p95) {
            (Some(min), Some(max), None, None) => {
                let min_ms = self.duration(at(&path, &[key("min")]), min);
                let max_ms = self.duration(at(&path, &[key("max")]), max);
                let (min_ms, max_ms) = (min_ms?, max_ms?);
                if max_ms < min_ms {
                    self.report(
                        at(&path, &[key("max")]),
                        format!("max ({max}) is below min ({min}); allowed: max >= min"),
                    );
                    return None;
                }
                Some(Dist::Uniform { min_ms, max_ms })
            }
            (None, None, Some(median), Some(p95)) => {
                let median_ms = self.duration(at(&path, &[key("median")]), median);
                let p95_ms = self.duration(at(&path, &[key("p95")]), p95);
                let (median_ms, p95_ms) = (median_ms?, p95_ms?);
                if median_ms == 0 {
                    self.report(
                        at(&path, &[key("median")]),
                        "a log-normal median must be longer than 0s",
                    );
                    return None;
                }
                if p95_ms < median_ms {
                    self.report(
                        at(&path, &[key("p95")]),
                        format!(
                            "p95 ({p95}) is below the median ({median}); allowed: p95 >= median"
                        ),
                    );
                    return None;
                }
                Some(Dist::LogNormal { median_ms, p95_ms })
            }
            _ => {
                self.report(
                    path,
                    "give either { min, max } (uniform) or { median, p95 } (log-normal)",
                );
                None
            }
        }
    }

    /// The distribution written, `default` when absent or invalid.
    pub fn dist_or(&mut self, path: FieldPath, raw: Option<&RawDist>, default: Dist) -> Dist {
        match raw {
            Some(d) => self.dist(path, d).unwrap_or(default),
            None => default,
        }
    }

    /// A share from 0 to 1; 0 (after reporting) when out of range.
    pub fn share(&mut self, path: FieldPath, x: f64) -> f64 {
        if !(0.0..=1.0).contains(&x) || x.is_nan() {
            self.report(
                path,
                format!("{x} is not a share; allowed: a number from 0 to 1"),
            );
            return 0.0;
        }
        x
    }

    /// Reports shares that do not sum to 1.
    pub fn shares_sum_to_one(&mut self, path: FieldPath, shares: &[f64]) {
        let sum: f64 = shares.iter().sum();
        if (sum - 1.0).abs() > 1e-6 {
            self.report(
                path,
                format!("shares sum to {sum}; allowed: shares that sum to 1"),
            );
        }
    }

    /// Index of `name` among `names`, the names of the `kind` table.
    pub fn lookup(
        &mut self,
        path: FieldPath,
        name: &str,
        kind: &str,
        names: &[String],
    ) -> Option<usize> {
        if let Some(index) = names.iter().position(|n| n == name) {
            return Some(index);
        }
        let known = if names.is_empty() {
            "none are defined".to_string()
        } else {
            format!("defined: {}", names.join(", "))
        };
        self.report(path, format!("unknown {kind} `{name}`; {known}"));
        None
    }

    pub fn region(&mut self, path: FieldPath, name: &str) -> Option<usize> {
        let names = std::mem::take(&mut self.regions);
        let index = self.lookup(path, name, "region", &names);
        self.regions = names;
        index
    }

    pub fn health_check(&mut self, path: FieldPath, name: &str) -> Option<usize> {
        let names = std::mem::take(&mut self.health_checks);
        let index = self.lookup(path, name, "health check", &names);
        self.health_checks = names;
        index
    }

    pub fn resolver(&mut self, path: FieldPath, name: &str) -> Option<usize> {
        let names = std::mem::take(&mut self.resolvers);
        let index = self.lookup(path, name, "resolver", &names);
        self.resolvers = names;
        index
    }

    /// Index into [`CHECKER_REGIONS`].
    pub fn checker_region(&mut self, path: FieldPath, name: &str) -> Option<usize> {
        let index = CHECKER_REGIONS.iter().position(|r| *r == name);
        if index.is_none() {
            self.report(
                path,
                format!(
                    "`{name}` is not a Route 53 health-checker Region; allowed: {}",
                    CHECKER_REGIONS.join(", ")
                ),
            );
        }
        index
    }

    /// The names of `[[table]]` in file order, reporting empty, dotted and duplicate ones.
    pub fn unique_names<'a>(
        &mut self,
        table: &'static str,
        names: impl Iterator<Item = &'a String>,
    ) -> Vec<String> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for (i, name) in names.enumerate() {
            let path = at(&entry(table, i), &[key("name")]);
            if name.trim().is_empty() {
                self.report(path, "must not be empty");
            } else if name.contains('.') && table != "region" {
                self.report(path, format!("`{name}` contains `.`; names are addressed by --set paths, so use letters, digits, `-` and `_`"));
            } else if !seen.insert(name.clone()) {
                self.report(
                    path,
                    format!("duplicate name `{name}`; each [[{table}]] needs its own name"),
                );
            }
            out.push(name.clone());
        }
        out
    }
}
