//! Nothing: the benchmarks are the `[[bench]]` targets (`queue.rs`, `engine.rs`, `large.rs`,
//! `rng.rs`).
