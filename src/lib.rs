//! failsim: a deterministic discrete-event simulator of DNS-based cross-Region failover for
//! Amazon WorkSpaces (connection aliases, Route 53 failover records and health checks,
//! CloudWatch alarms, resolver and client caches, and the people at the clients).
//!
//! The pipeline is a chain of values: [`scenario::load`] reads and validates a scenario into a
//! [`scenario::Scenario`]; [`model::simulate`] runs it from a seed into a [`report::Report`];
//! [`output`] writes the report's views (CSV, charts) atomically into a directory.
//!
//! Determinism: time is integer milliseconds, the event queue orders by `(time, seq)`
//! (equal times pop FIFO), every random entity has its own ChaCha8 stream derived from the
//! seed, and no hash-map iteration reaches any output. Same scenario + seed + version ->
//! byte-identical files.

#![warn(missing_docs)]

pub mod chart;
pub mod cost;
pub mod decide;
pub mod dist;
pub mod engine;
pub mod expect;
#[cfg(test)]
pub(crate) mod fixture;
pub mod fuzzing;
pub mod guard;
pub mod html;
pub mod import;
pub mod metric;
pub mod model;
pub mod output;
pub mod platform;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod staleness;
pub mod sweep;
pub mod time;
