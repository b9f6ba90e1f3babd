//! Fuzzes the scenario loader: any bytes (with `#SET PATH=VALUE` lines as `--set`) load or
//! fail with located errors, never a panic. The body is `failsim::fuzzing::load`, which the
//! ordinary tests also run over this target's corpus and every crash input kept in
//! `tests/fuzz-regressions/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        // libFuzzer's panic hook aborts on every panic, even one failsim catches on
        // purpose (a dependency panicking on bad input, see failsim::guard): stay silent
        // for those, as the CLI's hook does, and report every other panic as a crash.
        let libfuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !failsim::guard::is_catching() {
                libfuzzer_hook(info);
            }
        }));
    },
    |data: &[u8]| {
        let _ = failsim::fuzzing::load(data);
    }
);
