//! `run-manifest.toml`: what produced a run's output directory, so that a directory found
//! later says which failsim, which scenario (path and SHA-256 of its bytes), which seed and
//! which `--set` overrides made it, and the command that makes it again.
//!
//! Deterministic like every other output file: no wall-clock time, no host name.

use super::{io_err, OutputError};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::Path;

/// File name of the manifest in a run's output directory (as `sweep-manifest.toml` is in a
/// sweep's).
pub const RUN_MANIFEST: &str = "run-manifest.toml";

/// The manifest's contents, in file order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RunManifest {
    /// failsim's version, with the git commit when built from a checkout.
    pub failsim_version: String,
    /// Scenario file as named on the command line (`-` for standard input).
    pub scenario: String,
    /// `scenario.name`.
    pub scenario_name: String,
    /// `sha256:<64 hex digits>` of the scenario file's bytes (before overrides).
    pub scenario_sha256: String,
    /// Master seed, in decimal (a string: TOML integers stop at 2^63 - 1, seeds do not).
    pub seed: String,
    /// `--set` overrides, in order.
    pub set: Vec<String>,
    /// The shell-quoted command that writes this directory again.
    pub command: String,
}

const HEADER: &str = "# failsim run manifest: what produced this directory.\n";

impl RunManifest {
    /// The manifest as TOML text.
    pub fn to_toml(&self) -> String {
        // Serialising plain strings cannot fail; keep the contract total anyway.
        let body = toml::to_string(self).unwrap_or_else(|e| format!("# unrenderable: {e}\n"));
        format!("{HEADER}{body}")
    }

    /// Writes the manifest into `dir`; returns its file name.
    pub fn write(&self, dir: &Path) -> Result<String, OutputError> {
        let path = dir.join(RUN_MANIFEST);
        std::fs::write(&path, self.to_toml()).map_err(io_err(&path))?;
        Ok(RUN_MANIFEST.to_string())
    }
}

/// `sha256:<hex>` of `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(7 + 64);
    s.push_str("sha256:");
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_the_standard_test_vector() {
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            sha256(b"abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn manifest_names_everything_and_no_clock() {
        let m = RunManifest {
            failsim_version: "0.1.0".into(),
            scenario: "s.toml".into(),
            scenario_name: "S".into(),
            scenario_sha256: sha256(b""),
            seed: "18446744073709551615".into(),
            set: vec!["dns.ttl=30s".into()],
            command: "failsim run s.toml --seed 1 --set dns.ttl=30s".into(),
        };
        let text = m.to_toml();
        assert!(text.starts_with(HEADER), "{text}");
        for needle in [
            "failsim_version = \"0.1.0\"",
            "seed = \"18446744073709551615\"",
            "set = [\"dns.ttl=30s\"]",
            "scenario_sha256 = \"sha256:e3b0c442",
        ] {
            assert!(text.contains(needle), "{needle} in {text}");
        }
    }
}
