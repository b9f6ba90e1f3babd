//! Fuzzes load + a capped simulation (`failsim::fuzzing::SIMULATE_MAX_EVENTS`): whatever
//! loads also simulates without a panic, a hang or runaway memory.
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
        failsim::fuzzing::load_and_simulate(data);
    }
);
