//! `report.html`: one self-contained page per run (and per sweep and comparison) that can be mailed and
//! opened anywhere — the story, the key figures, every chart as inline SVG, the cohort
//! table, the expectations, the lints with their fixes, the scenario text with the `--set`
//! overrides marked, and the provenance (failsim version, scenario hash, seed, command).
//!
//! The page loads nothing: CSS is inline, charts are inline SVG, there are no fonts, images
//! or scripts from anywhere else (the one inline script records script errors in the page,
//! for the browser test). It is written from values only, so the same run writes the same
//! bytes. Building it costs little next to the charts it inlines: string concatenation.

mod compare;
mod page;
mod run;
mod sweep;

pub use compare::{compare_report, ComparePage};
pub use run::{run_report, RunPage};
pub use sweep::{sweep_report, SweepPage};

/// Where a page's scenario came from, for the provenance section and the scenario text.
#[derive(Clone, Debug, Default)]
pub struct Provenance {
    /// Scenario file as named on the command line.
    pub scenario_path: String,
    /// `fnv1a64:<16 hex digits>` of the file's bytes ([`fnv1a64_hex`]; the hash
    /// `sweep-manifest.toml` records too).
    pub scenario_hash: String,
    /// The file's text as read (before overrides); `None` when not at hand (a merge of
    /// shards, which has only their manifests).
    pub scenario_text: Option<String>,
    /// `--set` overrides, in order.
    pub overrides: Vec<String>,
    /// The command that reproduces the output.
    pub command: String,
}

/// FNV-1a 64 of `bytes` as `fnv1a64:<16 hex digits>`: identifies a scenario file (a check
/// against mixing up files, not a security measure).
pub fn fnv1a64_hex(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("fnv1a64:{hash:016x}")
}
