//! failsim's integration tests: one binary (as ripgrep does) that drives `failsim` as a user
//! or a CI job would. `util` holds the one shared fixture and the helpers; each module covers
//! one command or concern; `regression` pins bugs, one test named after each.
//!
//! Tests of single rules (the alarm table, the 18 % rule, validation of each scenario table,
//! the story and views from a hand-built report) are unit tests beside their code in `src/`.

mod util;

mod alias;
mod charts;
mod check;
mod cli;
mod cohorts;
mod decide;
mod examples;
mod expect;
mod html;
mod import;
mod regression;
mod run;
mod scenarios;
mod sweep;
mod threads;
mod users_parquet;
