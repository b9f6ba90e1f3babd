//! Per-entity random streams: the cost of a user's draw in a large run, where nearly every
//! draw reopens the user's stream and computes a fresh ChaCha8 block, and the samplers the
//! model calls most (standard normal, log-normal).
//!
//! `reopen_draw/independent` opens many streams whose draws do not depend on each other (the
//! CPU may overlap consecutive blocks: throughput); `reopen_draw/chained` picks each stream
//! from the previous draw, as a simulation's next event depends on its last draw (latency).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use failsim::dist::Dist;
use failsim::rng::{self, EntityKind, StreamPos, Streams};

/// Draws per measured batch.
const DRAWS: u64 = 10_000;

/// Streams the reopening benchmarks cycle through (a million users' worth would measure
/// cache misses on nothing: the streams' positions here are computed, not stored).
const USERS: u64 = 1 << 20;

fn reopen(c: &mut Criterion) {
    let streams = Streams::new(7);
    let mut g = c.benchmark_group("reopen_draw");
    g.throughput(Throughput::Elements(DRAWS));
    g.bench_function("independent", |b| {
        b.iter(|| {
            let mut acc = 0u64;
            for i in 0..DRAWS {
                // Word 2i mod 16 of the block: a fresh block for every draw.
                let pos = StreamPos(((i * 2) % 16) as u32);
                let mut r = streams.open(EntityKind::User, black_box(i % USERS), pos);
                acc ^= rng::unit(&mut r).to_bits();
            }
            acc
        });
    });
    g.bench_function("chained", |b| {
        b.iter(|| {
            let mut prev = 0u64;
            for _ in 0..DRAWS {
                let mut r = streams.open(EntityKind::User, prev % USERS, StreamPos(0));
                prev = rng::unit(&mut r).to_bits() >> 12;
            }
            prev
        });
    });
    g.finish();
}

fn samplers(c: &mut Criterion) {
    let streams = Streams::new(7);
    let mut g = c.benchmark_group("sample");
    g.throughput(Throughput::Elements(DRAWS));
    g.bench_function("standard_normal", |b| {
        let mut r = streams.stream(EntityKind::Scenario, 0);
        b.iter(|| {
            (0..DRAWS)
                .map(|_| rng::standard_normal(&mut r))
                .sum::<f64>()
        });
    });
    let lognormal = Dist::LogNormal {
        median_ms: 40_000,
        p95_ms: 120_000,
    };
    g.bench_function("lognormal", |b| {
        let mut r = streams.stream(EntityKind::Scenario, 1);
        b.iter(|| (0..DRAWS).map(|_| lognormal.sample(&mut r)).sum::<u64>());
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = reopen, samplers
}
criterion_main!(benches);
