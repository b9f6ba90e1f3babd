//! Large runs, reported per user so that flat cost shows as equal throughput: the bundled
//! scenario (one shared resolver: one thread) at 100,000 and 1,000,000 users, and the resolver
//! population scenario (users split by resolver) at 1,000,000 users on 1 and 2 threads.
//! Simulation and report only (no files). Run with `cargo bench -p failsim-benches --bench
//! large`; the whole-process figures (10 M users, peak memory) come from `/usr/bin/time -v
//! failsim run ... --no-charts` as the README's Performance section shows.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use failsim::model::{simulate_into_threads, MemoryRecorder, RunOptions};
use failsim::report::Report;
use failsim::scenario::{load, Scenario};
use std::path::Path;
use std::time::Duration;

fn scenario(name: &str, users: u64) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios")
        .join(name);
    load(&path, &[format!("users.staff.count={users}")]).expect("bundled scenario")
}

fn run(model: &Scenario, threads: usize) -> Report {
    let mut recorder = MemoryRecorder::default();
    let options = RunOptions {
        seed: 7,
        trace_users: 12,
    };
    let (outcome, _) =
        simulate_into_threads(model, &options, threads, &mut recorder).expect("threads start");
    Report::new(model, outcome, recorder)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("per-user");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    let cases = [
        ("workspaces-failover.toml", 100_000u64, 1usize),
        ("workspaces-failover.toml", 1_000_000, 1),
        ("internet-resolvers.toml", 1_000_000, 1),
        ("internet-resolvers.toml", 1_000_000, 2),
    ];
    for (name, users, threads) in cases {
        let model = scenario(name, users);
        group.throughput(Throughput::Elements(users));
        let id = format!(
            "{}/{users}-users/{threads}-threads",
            name.trim_end_matches(".toml")
        );
        group.bench_function(id, |b| b.iter(|| run(&model, threads)));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
