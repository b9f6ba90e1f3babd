//! The `failsim` command: parse arguments, then hand each subcommand to its pipeline in
//! `cli/` (load -> simulate -> export -> expectations -> exit code). Exit codes: 0 ran and
//! every expectation held; 1 an expectation failed (or `check --deny-warnings` found a
//! warning); 2 bad usage, invalid scenario or I/O error; 3 internal error (a bug).
//!
//! On Linux the C runtime calls our `main` directly (`no_main`), skipping Rust's own start-up:
//! that start-up reads `/proc/self/maps` to find the main thread's stack (for a stack
//! overflow message) and sets up a signal stack, a tenth of a millisecond of a 4 ms run.
//! `platform::start_process` does the rest of what it did; stdout is flushed at the end.

// Not in the unit tests' build, whose `main` is the test harness.
#![cfg_attr(all(target_os = "linux", not(test)), no_main)]

mod cli;

use clap::{CommandFactory, Parser};
use cli::args::{Cli, Command};
use cli::Failure;
use failsim::scenario;

/// The system allocator, with a small run's large arrays on huge pages (`platform::Arena`).
#[global_allocator]
static ALLOCATOR: failsim::platform::Arena = failsim::platform::Arena::new();

#[cfg(all(target_os = "linux", not(test)))]
#[no_mangle]
extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    failsim::platform::start_process();
    let code = run();
    // Rust's runtime flushes stdout after `main`; a story printed without a final newline
    // would otherwise be lost.
    let _ = std::io::Write::flush(&mut std::io::stdout());
    code.into()
}

#[cfg(any(not(target_os = "linux"), test))]
fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(run())
}

/// The command's work; the process's exit code.
fn run() -> u8 {
    cli::install_panic_hook();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(a) => cli::run(a),
        Command::Check(a) => cli::check(a),
        Command::Sweep(a) => cli::sweep(a),
        Command::Merge(a) => cli::merge(a),
        Command::Compare(a) => cli::compare(a),
        Command::Sensitivity(a) => cli::sensitivity(a),
        Command::Staleness(a) => cli::staleness(a),
        Command::Import(a) => cli::import(a),
        Command::Schema { markdown } => {
            if markdown {
                print!("{}", scenario::reference::markdown_table());
            } else {
                print!("{}", scenario::json_schema());
            }
            Ok(())
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "failsim", &mut script);
            print!("{}", String::from_utf8_lossy(&script));
            Ok(())
        }
        Command::Man => {
            let mut page = Vec::new();
            // Rendering into memory cannot fail.
            let _ = clap_mangen::Man::new(Cli::command()).render(&mut page);
            print!("{}", String::from_utf8_lossy(&page));
            Ok(())
        }
    };
    match result {
        Ok(()) => 0,
        Err(Failure::Expectations) => 1,
        Err(Failure::Usage(msg)) => {
            eprintln!("{msg}");
            2
        }
    }
}
