//! `sweep-manifest.toml`: what identifies a sweep, written into every sweep and shard
//! directory so that [`super::merge`] can check that shards belong together and rebuild
//! the unsharded files without the scenario file at hand.
//!
//! The scenario is identified by an FNV-1a 64-bit hash of the file's bytes (a check against
//! mixing up files, not a security measure); its path is recorded for people and is not
//! compared, since shards often run from different working directories. The seed is a
//! string because TOML integers stop at 2^63 - 1 and seeds do not.

use super::SweepError;
use crate::output::OutputError;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The manifest's contents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Manifest {
    /// Version of failsim that ran the sweep (results may differ between versions).
    pub failsim_version: String,
    /// Scenario file as named on the command line (informational).
    pub scenario: String,
    /// `scenario.name`, for the chart's title.
    pub scenario_name: String,
    /// `fnv1a64:<16 hex digits>` of the scenario file's bytes.
    pub scenario_hash: String,
    /// `--set` overrides, in order.
    pub set: Vec<String>,
    /// Seed of replication 0, in decimal.
    pub seed: String,
    /// Replications per point.
    pub replications: u32,
    /// Charted metric.
    pub metric: String,
    /// Chart formats (`svg`, `png`); empty = no chart.
    pub charts: Vec<String>,
    /// `[[expect]]` lower bounds on the charted metric.
    pub expect_min: Vec<f64>,
    /// `[[expect]]` upper bounds on the charted metric.
    pub expect_max: Vec<f64>,
    /// `K/N`.
    pub shard: String,
    /// Runs in the whole sweep.
    pub runs: u64,
    /// Runs in this directory.
    pub shard_runs: u64,
    /// Every run of this shard finished and every file was written.
    pub complete: bool,
    /// `--vary`, in order.
    pub vary: Vec<VaryEntry>,
}

/// One `--vary`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct VaryEntry {
    /// Dotted path.
    pub path: String,
    /// Values, in order.
    pub values: Vec<String>,
}

const HEADER: &str = "# failsim sweep manifest: identifies the sweep this directory belongs to.\n\
# `failsim merge` reads it; do not edit.\n";

impl Manifest {
    /// Writes the manifest to `path`.
    pub fn write(&self, path: &Path) -> Result<(), SweepError> {
        let body = toml::to_string(self).map_err(|e| {
            SweepError::Output(OutputError::Io {
                path: path.to_path_buf(),
                source: std::io::Error::other(e.to_string()),
            })
        })?;
        std::fs::write(path, format!("{HEADER}{body}")).map_err(|source| {
            SweepError::Output(OutputError::Io {
                path: path.to_path_buf(),
                source,
            })
        })
    }

    /// Reads a manifest.
    pub fn read(path: &Path) -> Result<Manifest, SweepError> {
        let text = std::fs::read_to_string(path).map_err(|source| {
            SweepError::Merge(format!("cannot read {}: {source}", path.display()))
        })?;
        let manifest: Manifest = toml::from_str(&text)
            .map_err(|e| SweepError::Merge(format!("{}: {}", path.display(), e.message())))?;
        // `inf` would stretch the merged chart's axis without end; `nan` never equals
        // itself, so shards carrying it could never be merged.
        let bounds = manifest.expect_min.iter().chain(&manifest.expect_max);
        if let Some(bad) = bounds.into_iter().find(|b| !b.is_finite()) {
            return Err(SweepError::Merge(format!(
                "{}: expect_min/expect_max holds {bad}; allowed: finite numbers",
                path.display()
            )));
        }
        Ok(manifest)
    }

    /// The first field that makes `other` part of a different sweep, if any. The shard,
    /// its run count, completeness and the scenario's path are not compared.
    pub fn differs_from(&self, other: &Manifest) -> Option<&'static str> {
        let checks: [(&'static str, bool); 11] = [
            (
                "failsim_version",
                self.failsim_version == other.failsim_version,
            ),
            ("scenario_hash", self.scenario_hash == other.scenario_hash),
            ("scenario_name", self.scenario_name == other.scenario_name),
            ("set", self.set == other.set),
            ("vary", self.vary == other.vary),
            ("seed", self.seed == other.seed),
            ("replications", self.replications == other.replications),
            ("runs", self.runs == other.runs),
            ("metric", self.metric == other.metric),
            ("charts", self.charts == other.charts),
            (
                "expect_min/expect_max",
                self.expect_min == other.expect_min && self.expect_max == other.expect_max,
            ),
        ];
        checks.iter().find(|(_, same)| !same).map(|(name, _)| *name)
    }
}

/// FNV-1a, 64 bits, as `fnv1a64:` and 16 lowercase hex digits.
pub(crate) fn fnv1a64_hex(bytes: &[u8]) -> String {
    crate::html::fnv1a64_hex(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_reference_vectors() {
        assert_eq!(fnv1a64_hex(b""), "fnv1a64:cbf29ce484222325");
        assert_eq!(fnv1a64_hex(b"a"), "fnv1a64:af63dc4c8601ec8c");
        assert_eq!(fnv1a64_hex(b"foobar"), "fnv1a64:85944171f73967e8");
    }

    #[test]
    fn round_trips_through_toml() {
        let m = Manifest {
            failsim_version: "0.1.0".into(),
            scenario: "s.toml".into(),
            scenario_name: "S \"quoted\"".into(),
            scenario_hash: fnv1a64_hex(b"x"),
            set: vec!["dns.ttl=30s".into()],
            seed: u64::MAX.to_string(),
            replications: 3,
            metric: "downtime_p95_ms".into(),
            charts: vec!["svg".into()],
            expect_min: vec![],
            expect_max: vec![900_000.0, 0.1],
            shard: "2/3".into(),
            runs: 12,
            shard_runs: 4,
            complete: false,
            vary: vec![VaryEntry {
                path: "event.outage.planes".into(),
                values: vec![r#"["sessions","logins"]"#.into(), "1,2".into()],
            }],
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.toml");
        m.write(&path).unwrap();
        assert_eq!(Manifest::read(&path).unwrap(), m);
        let mut other = m.clone();
        other.shard = "1/3".into();
        other.complete = true;
        other.scenario = "elsewhere/s.toml".into();
        assert_eq!(m.differs_from(&other), None);
        other.seed = "1".into();
        assert_eq!(m.differs_from(&other), Some("seed"));
    }
}
