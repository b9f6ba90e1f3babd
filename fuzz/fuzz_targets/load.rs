//! Fuzzes the scenario loader: any bytes (with `#SET PATH=VALUE` lines as `--set`) load or
//! fail with located errors, never a panic. The body is `failsim::fuzzing::load`, which the
//! ordinary tests also run over this target's corpus and every crash input kept in
//! `tests/fuzz-regressions/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = failsim::fuzzing::load(data);
});
