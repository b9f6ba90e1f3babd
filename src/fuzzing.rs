//! The bodies of the fuzz targets in `fuzz/`, here so that ordinary tests run them too.
//!
//! The promise under test: whatever bytes a user gives as a scenario, and
//! whatever `--set` they add, failsim loads it or says where it is wrong (exit 2); it never
//! panics (exit 3), never hangs and never runs out of memory. [`load`] feeds bytes to the
//! loader; [`load_and_simulate`] also simulates what loads, capped so that a fuzzer spends
//! its time on inputs rather than on long runs.
//!
//! An input may carry overrides: each line `#SET PATH=VALUE` (a TOML comment, so the
//! scenario text is unchanged) is also applied as `--set PATH=VALUE`.

use crate::model::{budget, simulate, RunOptions};
use crate::scenario::{self, Diagnostic, LoadError, Scenario};

/// The most events [`load_and_simulate`] simulates: a bundled scenario at 2,000 users
/// needs about 50,000-80,000, so 2,000,000 leaves room while keeping each input well under
/// a second.
pub const SIMULATE_MAX_EVENTS: u64 = 2_000_000;

/// The overrides an input carries (`#SET PATH=VALUE` lines).
pub fn overrides_of(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("#SET "))
        .map(str::to_string)
        .collect()
}

/// Loads `data` as a scenario file: `Ok` or errors that say where. Panics (a bug) if the
/// loader panics or returns an unlocated problem.
pub fn load(data: &[u8]) -> Result<Scenario, LoadError> {
    let text = match scenario::read_text_from(data, "fuzz.toml") {
        Ok(t) => t,
        Err(e) => {
            assert_located(&e);
            return Err(e);
        }
    };
    let result = scenario::load_str(&text, "fuzz.toml", &overrides_of(&text));
    if let Err(e) = &result {
        assert_located(e);
    }
    result
}

/// [`load`], then simulates what loaded when its estimated work is at most
/// [`SIMULATE_MAX_EVENTS`].
pub fn load_and_simulate(data: &[u8]) {
    load_and_simulate_capped(data, SIMULATE_MAX_EVENTS);
}

/// [`load_and_simulate`] with a cap of `max_events` (tests in debug builds use less).
pub fn load_and_simulate_capped(data: &[u8], max_events: u64) {
    let Ok(model) = load(data) else { return };
    if budget::estimate(&model).events > max_events {
        return;
    }
    let report = simulate(
        &model,
        &RunOptions {
            seed: model.seed,
            trace_users: 4,
        },
    );
    let _ = crate::expect::evaluate(&model.expectations, |m| report.metric(m));
}

/// Whether a diagnostic tells the user where: a line, the `--set` that caused it, a field,
/// or a problem of the whole file (it is missing a table, is too large).
pub fn is_located(d: &Diagnostic) -> bool {
    d.line > 0
        || d.origin.is_some()
        || !d.field.is_empty()
        || d.message.starts_with("no [[")
        || d.message.starts_with("is larger than")
}

fn assert_located(e: &LoadError) {
    if let LoadError::Invalid(diagnostics) = e {
        for d in diagnostics {
            assert!(is_located(d), "unlocated problem: {d}");
        }
    }
}

#[cfg(test)]
mod tests {
    //! The fuzz bodies over every input the campaign kept (corpus and crashes), and a
    //! property test that mutates the bundled scenarios.
    use super::*;
    use proptest::prelude::*;
    use std::path::Path;

    fn files_in(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.is_file());
        files.sort();
        files
    }

    fn repo(path: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
    }

    /// Every crash input the fuzz campaigns found, replayed (`tests/fuzz-regressions/`).
    #[test]
    fn fuzz_regressions_replay_without_a_crash() {
        let files = files_in(&repo("tests/fuzz-regressions"));
        assert!(files.len() >= 5, "the crash inputs are kept");
        for path in files {
            let data = std::fs::read(&path).unwrap();
            load_and_simulate(&data);
        }
    }

    /// The fuzz targets' bodies over their seed corpus, so that they are exercised even
    /// where the nightly toolchain (cargo-fuzz) is not available.
    #[test]
    fn fuzz_bodies_run_over_the_corpus() {
        let files = files_in(&repo("fuzz/corpus/load"));
        assert!(!files.is_empty());
        for path in files {
            let data = std::fs::read(&path).unwrap();
            load(&data)
                .unwrap_or_else(|e| panic!("{}: the seed corpus loads: {e}", path.display()));
            load_and_simulate(&data);
        }
    }

    const BUNDLED: [&str; 3] = [
        "scenarios/workspaces-failover.toml",
        "scenarios/alarm-failover.toml",
        "scenarios/maintenance-weighted.toml",
    ];

    const HOSTILE: [&str; 14] = [
        "\"x\"",
        "0",
        "-1",
        "1e308",
        "nan",
        "-inf",
        "18446744073709551615",
        "[]",
        "{}",
        "\"0s\"",
        "\"584542046y\"",
        "\"1ms\"",
        "{ min = \"1s\", max = \"100y\" }",
        "\"é\\u0000\"",
    ];

    /// One mutation of a scenario's lines.
    #[derive(Clone, Debug)]
    enum Mutation {
        Delete(usize),
        Hostile(usize, usize),
        Duplicate(usize),
        Truncate(usize),
        Set(usize, usize),
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            any::<usize>().prop_map(Mutation::Delete),
            (any::<usize>(), 0..HOSTILE.len()).prop_map(|(l, h)| Mutation::Hostile(l, h)),
            any::<usize>().prop_map(Mutation::Duplicate),
            any::<usize>().prop_map(Mutation::Truncate),
            (any::<usize>(), 0..HOSTILE.len()).prop_map(|(l, h)| Mutation::Set(l, h)),
        ]
    }

    /// Applies `m` to `text`; a `Set` becomes a `#SET` line for the key on that line.
    fn mutate(text: &str, m: &Mutation) -> String {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let n = lines.len();
        if n == 0 {
            // An earlier mutation truncated the text to nothing: nothing left to mutate.
            return String::new();
        }
        match *m {
            Mutation::Delete(l) => {
                lines.remove(l % n);
            }
            Mutation::Hostile(l, h) => {
                let line = &mut lines[l % n];
                if let Some((key, _)) = line.split_once('=') {
                    *line = format!("{key}= {}", HOSTILE[h]);
                }
            }
            Mutation::Duplicate(l) => {
                let line = lines[l % n].clone();
                lines.insert(l % n, line);
            }
            Mutation::Truncate(at) => {
                let mut t = lines.join("\n");
                let mut cut = at % (t.len() + 1);
                while !t.is_char_boundary(cut) {
                    cut -= 1;
                }
                t.truncate(cut);
                return t;
            }
            Mutation::Set(l, h) => {
                let keys = [
                    "dns.ttl",
                    "users.staff.count",
                    "scenario.duration",
                    "users.staff.behaviour.reauth_every",
                    "event.outage.at",
                    "dns.routing.primary.region",
                ];
                let value = HOSTILE[h].trim_matches('"');
                lines.insert(0, format!("#SET {}={value}", keys[l % keys.len()]));
            }
        }
        lines.join("\n")
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        /// Mutated bundled scenarios load or fail with located errors, and whatever loads
        /// simulates: the exit-code promise (0, 1 or 2, never 3), through the library.
        #[test]
        fn mutated_scenarios_keep_the_exit_code_promise(
            which in 0..BUNDLED.len(),
            mutations in proptest::collection::vec(mutation(), 1..4),
        ) {
            let mut text = std::fs::read_to_string(repo(BUNDLED[which])).unwrap();
            text.insert_str(0, "#SET users.staff.count=40\n");
            for m in &mutations {
                text = mutate(&text, m);
            }
            // 200,000 events keep a debug-build case well under a second.
            load_and_simulate_capped(text.as_bytes(), 200_000);
        }
    }
}
