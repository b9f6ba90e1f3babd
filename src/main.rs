//! The `failsim` command: parse arguments, then hand each subcommand to its pipeline in
//! `cli/` (load -> simulate -> export -> expectations -> exit code). Exit codes: 0 ran and
//! every expectation held; 1 an expectation failed (or `check --deny-warnings` found a
//! warning); 2 bad usage, invalid scenario or I/O error; 3 internal error (a bug).

mod cli;

use clap::{CommandFactory, Parser};
use cli::args::{Cli, Command};
use cli::Failure;
use failsim::scenario;
use std::process::ExitCode;

/// The system allocator, with a small run's large arrays on huge pages (`platform::Arena`).
#[global_allocator]
static ALLOCATOR: failsim::platform::Arena = failsim::platform::Arena::new();

fn main() -> ExitCode {
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
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Expectations) => ExitCode::from(1),
        Err(Failure::Usage(msg)) => {
            eprintln!("{msg}");
            ExitCode::from(2)
        }
    }
}
