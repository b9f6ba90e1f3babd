//! Fuzzes load + a capped simulation (`failsim::fuzzing::SIMULATE_MAX_EVENTS`): whatever
//! loads also simulates without a panic, a hang or runaway memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    failsim::fuzzing::load_and_simulate(data);
});
