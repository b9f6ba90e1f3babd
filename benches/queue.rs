//! Hold-model benchmark: the timing-wheel `EventQueue` against a `BinaryHeap` baseline.
//!
//! Each iteration pops the earliest event and schedules one new event at
//! `now + increment`, keeping the number of pending events constant.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use failsim::engine::queue::EventQueue;

/// Hold operations (one pop + one push) per measured batch.
const OPS: u64 = 100_000;

/// A 16-byte payload shaped like a simulator event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    Tick(u32),
    Probe { region: u32, id: u32 },
    Timeout(u64),
}

/// splitmix64: small deterministic PRNG, no dependency.
struct SplitMix(u64);

impl SplitMix {
    #[inline]
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Increment mix from 1 ms to 10 min; integer milliseconds make ties common.
    #[inline]
    fn increment(&mut self) -> u64 {
        let r = self.next();
        let x = r >> 8;
        1 + match r & 3 {
            0 => x % 10,      // 1..10 ms: local processing
            1 => x % 1_000,   // up to 1 s: network round trips
            2 => x % 60_000,  // up to 1 min: health checks, TTLs
            _ => x % 600_000, // up to 10 min: failover timers
        }
    }
}

/// Payload for the `i`-th scheduled event.
#[inline]
#[allow(clippy::cast_possible_truncation)] // low 32 bits are all we want
fn event(i: u64) -> Ev {
    match i % 3 {
        0 => Ev::Tick(i as u32),
        1 => Ev::Probe {
            region: 1,
            id: i as u32,
        },
        _ => Ev::Timeout(i),
    }
}

/// Hold-model state around the timing-wheel queue.
struct WheelHold {
    q: EventQueue<Ev>,
    rng: SplitMix,
}

impl WheelHold {
    fn new(pending: usize) -> Self {
        let mut rng = SplitMix(0xF00D);
        let mut q = EventQueue::with_capacity(pending);
        for i in 0..pending as u64 {
            let t = rng.increment();
            let e = event(i);
            q.push(t, e);
        }
        Self { q, rng }
    }

    #[inline]
    fn run(&mut self, ops: u64) {
        for i in 0..ops {
            let (now, ev) = self.q.pop().unwrap();
            black_box(ev);
            let t = now + self.rng.increment();
            let e = event(i);
            self.q.push(t, e);
        }
    }
}

/// Hold-model state around `BinaryHeap<Reverse<(time, seq, event)>>`.
struct HeapHold {
    q: BinaryHeap<Reverse<(u64, u64, Ev)>>,
    seq: u64,
    rng: SplitMix,
}

impl HeapHold {
    fn new(pending: usize) -> Self {
        let mut rng = SplitMix(0xF00D);
        let mut q = BinaryHeap::with_capacity(pending);
        for i in 0..pending as u64 {
            let t = rng.increment();
            let e = event(i);
            q.push(Reverse((t, i, e)));
        }
        Self {
            q,
            seq: pending as u64,
            rng,
        }
    }

    #[inline]
    fn run(&mut self, ops: u64) {
        for i in 0..ops {
            let Reverse((now, _, ev)) = self.q.pop().unwrap();
            black_box(ev);
            let t = now + self.rng.increment();
            let e = event(i);
            self.q.push(Reverse((t, self.seq, e)));
            self.seq += 1;
        }
    }
}

fn hold(c: &mut Criterion) {
    for (name, pending) in [("hold_1k", 1_000usize), ("hold_1M", 1_000_000)] {
        let mut g = c.benchmark_group(name);
        g.sample_size(10)
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3))
            .throughput(Throughput::Elements(OPS));
        let mut wheel = WheelHold::new(pending);
        g.bench_function("wheel", |b| b.iter(|| wheel.run(OPS)));
        drop(wheel);
        let mut heap = HeapHold::new(pending);
        g.bench_function("binary_heap", |b| b.iter(|| heap.run(OPS)));
        drop(heap);
        g.finish();
    }
}

criterion_group!(benches, hold);
criterion_main!(benches);
