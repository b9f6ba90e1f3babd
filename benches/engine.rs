//! End-to-end simulation benchmarks (no I/O): the bundled scenario at 2,000 and 100,000 users.
//! Run with `cargo bench -p failsim-benches --bench engine`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use failsim::model::{simulate, RunOptions};
use failsim::scenario::load;
use std::path::Path;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/workspaces-failover.toml");
    let mut group = c.benchmark_group("simulate");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    for users in [2_000u64, 100_000] {
        let model = load(&path, &[format!("users.staff.count={users}")]).expect("bundled scenario");
        let events = simulate(
            &model,
            &RunOptions {
                seed: 7,
                trace_users: 0,
            },
        )
        .control
        .events_processed;
        group.throughput(Throughput::Elements(events));
        group.bench_function(format!("workspaces-failover/{users}-users"), |b| {
            b.iter(|| {
                simulate(
                    &model,
                    &RunOptions {
                        seed: 7,
                        trace_users: 0,
                    },
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
