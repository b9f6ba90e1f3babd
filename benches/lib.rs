//! Nothing: the benchmarks are the `[[bench]]` targets `queue.rs` and `engine.rs`.
