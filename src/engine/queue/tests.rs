use super::slot::{Full, Pool, Slot};
use super::*;
use proptest::prelude::*;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Reference model: a binary heap keyed by `(time, seq)`.
#[derive(Default)]
struct Reference {
    heap: BinaryHeap<Reverse<(u64, u64)>>,
    seq: u64,
}

impl Reference {
    /// Pushes and returns the sequence number used as the payload.
    fn push(&mut self, time: u64) -> u64 {
        let seq = self.seq;
        self.seq += 1;
        self.heap.push(Reverse((time, seq)));
        seq
    }

    fn pop(&mut self) -> Option<(u64, u64)> {
        self.heap.pop().map(|Reverse(k)| k)
    }

    fn peek_time(&self) -> Option<u64> {
        self.heap.peek().map(|Reverse((t, _))| *t)
    }
}

/// Deterministic xorshift64* generator for the large tests.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[test]
fn empty_queue() {
    let mut q: EventQueue<u32> = EventQueue::default();
    assert!(q.is_empty());
    assert_eq!(q.len(), 0);
    assert_eq!(q.peek_time(), None);
    assert_eq!(q.pop(), None);
    assert_eq!(q.now(), 0);
}

#[test]
fn fifo_on_equal_times() {
    let mut q = EventQueue::new();
    for i in 0..100u32 {
        q.push(42, i);
    }
    // Interleave other times; the 42s must still come out in push order.
    q.push(7, 1000);
    q.push(1 << 40, 1001);
    for i in 100..200u32 {
        q.push(42, i);
    }
    assert_eq!(q.pop(), Some((7, 1000)));
    for i in 0..200u32 {
        assert_eq!(q.peek_time(), Some(42));
        assert_eq!(q.pop(), Some((42, i)));
    }
    assert_eq!(q.pop(), Some((1 << 40, 1001)));
    assert!(q.is_empty());
}

#[test]
fn fifo_on_equal_times_pushed_at_now() {
    let mut q = EventQueue::new();
    q.push(5, 0u32);
    q.push(5, 1);
    q.push(9, 10);
    assert_eq!(q.pop(), Some((5, 0)));
    // Pushed at `now` while another event at `now` is pending.
    q.push(5, 2);
    q.push(9, 11);
    assert_eq!(q.pop(), Some((5, 1)));
    assert_eq!(q.pop(), Some((5, 2)));
    q.push(9, 12);
    assert_eq!(q.pop(), Some((9, 10)));
    q.push(9, 13);
    assert_eq!(q.pop(), Some((9, 11)));
    assert_eq!(q.pop(), Some((9, 12)));
    assert_eq!(q.pop(), Some((9, 13)));
    assert_eq!(q.pop(), None);
    assert_eq!(q.now(), 9);
}

#[test]
fn interleaved_push_pop() {
    let mut q = EventQueue::with_capacity(16);
    q.push(10, 'a');
    q.push(3, 'b');
    assert_eq!(q.peek_time(), Some(3));
    assert_eq!(q.pop(), Some((3, 'b')));
    assert_eq!(q.now(), 3);
    q.push(3, 'c');
    q.push(4, 'd');
    q.push(10, 'e');
    assert_eq!(q.len(), 4);
    assert_eq!(q.pop(), Some((3, 'c')));
    assert_eq!(q.pop(), Some((4, 'd')));
    q.push(6, 'f');
    assert_eq!(q.pop(), Some((6, 'f')));
    assert_eq!(q.pop(), Some((10, 'a')));
    assert_eq!(q.pop(), Some((10, 'e')));
    assert_eq!(q.pop(), None);
    assert_eq!(q.now(), 10);
    // Popping an empty queue leaves `now` alone.
    q.push(10, 'g');
    assert_eq!(q.pop(), Some((10, 'g')));
}

#[test]
fn extreme_times() {
    let mut q = EventQueue::new();
    q.push(u64::MAX, 3u8);
    q.push(0, 0);
    q.push(1 << 63, 2);
    q.push(u64::MAX, 4);
    q.push(1, 1);
    assert_eq!(q.pop(), Some((0, 0)));
    assert_eq!(q.pop(), Some((1, 1)));
    assert_eq!(q.pop(), Some((1 << 63, 2)));
    assert_eq!(q.pop(), Some((u64::MAX, 3)));
    q.push(u64::MAX, 5);
    assert_eq!(q.pop(), Some((u64::MAX, 4)));
    assert_eq!(q.pop(), Some((u64::MAX, 5)));
    assert_eq!(q.pop(), None);
}

#[test]
fn clone_is_independent_and_debug_is_terse() {
    let mut q = EventQueue::new();
    for i in 0..10u32 {
        q.push(u64::from(i % 3), i);
    }
    assert_eq!(q.pop(), Some((0, 0)));
    let mut c = q.clone();
    assert_eq!(
        format!("{c:?}"),
        "EventQueue { len: 9, now: 0, next_time: Some(0), .. }"
    );
    let a: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
    let b: Vec<_> = std::iter::from_fn(|| c.pop()).collect();
    assert_eq!(a, b);
    assert_eq!(a.len(), 9);
}

#[test]
fn memory_follows_size_not_history() {
    let mut q = EventQueue::new();
    let mut rng = XorShift(7);
    for i in 0..100_000u64 {
        q.push(rng.next() % 1_000_000, i);
    }
    // Shrink to a small queue and run it far into the future.
    for _ in 0..99_000 {
        q.pop();
    }
    for i in 0..200_000u64 {
        let (now, _) = q.pop().unwrap();
        q.push(now + 1 + rng.next() % 1_000_000, i);
    }
    assert_room_follows_len(&q);
}

#[test]
fn non_copy_payload() {
    let mut q = EventQueue::new();
    q.push(2, String::from("two"));
    q.push(1, String::from("one"));
    assert_eq!(q.pop(), Some((1, String::from("one"))));
    assert_eq!(q.pop(), Some((2, String::from("two"))));
}

#[test]
#[should_panic(expected = "earlier than now")]
fn push_before_now_panics() {
    let mut q = EventQueue::new();
    q.push(100, ());
    q.push(200, ());
    assert_eq!(q.pop(), Some((100, ())));
    q.push(99, ());
}

#[test]
fn push_at_now_is_allowed() {
    let mut q = EventQueue::new();
    q.push(100, 1);
    assert_eq!(q.pop(), Some((100, 1)));
    q.push(100, 2);
    assert_eq!(q.pop(), Some((100, 2)));
}

#[test]
fn large_queue_order() {
    const N: usize = 200_000;
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut q = EventQueue::with_capacity(N);
    let mut expected = Vec::with_capacity(N);
    for seq in 0..N as u64 {
        // Narrow range so that ties are frequent.
        let t = rng.next() % 50_000;
        q.push(t, seq);
        expected.push((t, seq));
    }
    assert_eq!(q.len(), N);
    expected.sort_unstable();
    for (i, &(t, seq)) in expected.iter().enumerate() {
        assert_eq!(q.peek_time(), Some(t));
        assert_eq!(q.pop(), Some((t, seq)), "at pop #{i}");
    }
    assert!(q.is_empty());
    assert_eq!(q.pop(), None);
}

#[test]
fn large_hold_model_matches_reference() {
    let mut rng = XorShift(12345);
    let mut q = EventQueue::new();
    let mut r = Reference::default();
    for _ in 0..200_000 {
        let t = rng.next() % 600_000;
        let seq = r.push(t);
        q.push(t, seq);
    }
    for _ in 0..400_000 {
        let got = q.pop();
        assert_eq!(got, r.pop());
        let now = got.unwrap().0;
        let inc = match rng.next() % 4 {
            0 => rng.next() % 4,
            1 => rng.next() % 1_000,
            2 => rng.next() % 60_000,
            _ => rng.next() % 600_000,
        };
        let seq = r.push(now + inc);
        q.push(now + inc, seq);
        assert_eq!(q.len(), r.heap.len());
    }
    while let Some(exp) = r.pop() {
        assert_eq!(q.pop(), Some(exp));
    }
    assert_eq!(q.pop(), None);
}

/// One step of a random workload.
#[derive(Clone, Debug)]
enum Op {
    /// Push at `now + delta` (saturating).
    Push(u64),
    /// Pop one event.
    Pop,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0u64..3).prop_map(Op::Push),
        2 => (0u64..100).prop_map(Op::Push),
        2 => (0u64..1_000_000).prop_map(Op::Push),
        1 => any::<u64>().prop_map(Op::Push),
        5 => Just(Op::Pop),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn matches_binary_heap_reference(ops in prop::collection::vec(op(), 0..400)) {
        let mut q = EventQueue::new();
        let mut r = Reference::default();
        for op in ops {
            match op {
                Op::Push(delta) => {
                    let t = q.now().saturating_add(delta);
                    let seq = r.push(t);
                    q.push(t, seq);
                }
                Op::Pop => {
                    let exp = r.pop();
                    prop_assert_eq!(q.pop(), exp);
                    if let Some((t, _)) = exp {
                        prop_assert_eq!(q.now(), t);
                    }
                }
            }
            prop_assert_eq!(q.len(), r.heap.len());
            prop_assert_eq!(q.is_empty(), r.heap.is_empty());
            prop_assert_eq!(q.peek_time(), r.peek_time());
        }
        while let Some(exp) = r.pop() {
            prop_assert_eq!(q.pop(), Some(exp));
        }
        prop_assert_eq!(q.pop(), None);
    }
}

/// Room the queue holds (coarse slots' chunks, spare chunks, due-queue buffers) is bounded by
/// its pending events, not by how many it has seen: full chunks hold pending events, each
/// slot has at most one more (its tail), spare room is at most one entry per pending event
/// (plus a constant) and due buffers are of bounded size.
fn assert_room_follows_len<E>(q: &EventQueue<E>) {
    let chunk = super::slot::chunk_len_of::<(u64, E)>();
    let full: usize = q.full.iter().flatten().map(Vec::len).sum();
    let tails = q.slots.iter().flatten().filter(|s| s.has_tail()).count();
    assert!(
        full * chunk <= q.len(),
        "{full} full chunks, {} events",
        q.len()
    );
    assert!(tails <= COARSE * SLOTS);
    assert!(q.pool.spare() * chunk <= q.len() + (1 << 12) + chunk);
    let exact: usize = q.exact.iter().map(VecDeque::capacity).sum();
    assert!(exact <= SLOTS * EXACT_KEEP.max(q.len()) * 2);
}

/// Pushes `t` into both the queue and the reference.
fn push_both(q: &mut EventQueue<u64>, r: &mut Reference, t: u64) {
    let seq = r.push(t);
    q.push(t, seq);
}

/// Pops `n` events (or all) from both and checks they agree, with `peek_time` and `len`.
fn pop_both(q: &mut EventQueue<u64>, r: &mut Reference, n: usize) {
    for _ in 0..n {
        assert_eq!(q.peek_time(), r.peek_time());
        let exp = r.pop();
        assert_eq!(q.pop(), exp);
        assert_eq!(q.len(), r.heap.len());
        if exp.is_none() {
            return;
        }
    }
}

#[test]
fn digit_boundaries_and_wrap_around() {
    // `now` just before, at and after the boundary of every level's block, with events just
    // before, at and after the next boundaries: every level and slot wraps around.
    let mut q = EventQueue::new();
    let mut r = Reference::default();
    for k in 1..LEVELS as u32 {
        let block = 1u64 << (k * DIGIT).min(63);
        for base in [block - 1, block, block + 1, 3 * block - 2] {
            let start = q.now().max(base);
            for d in [
                0,
                1,
                62,
                63,
                64,
                65,
                4095,
                4096,
                4097,
                block - 1,
                block,
                block + 1,
            ] {
                push_both(&mut q, &mut r, start.saturating_add(d));
            }
            pop_both(&mut q, &mut r, 7);
        }
    }
    pop_both(&mut q, &mut r, usize::MAX);
    assert!(q.is_empty());
}

#[test]
fn cascade_keeps_fifo_with_pushes_between_cascades() {
    const T: u64 = 1 << (3 * DIGIT); // 0 and T differ in digit 3
    let mut q = EventQueue::new();
    for i in 0..300u64 {
        q.push(T, i); // level 3, several chunks
    }
    q.push(T - 1, 1000); // level 2
    assert_eq!(q.pop(), Some((T - 1, 1000)));
    // Now `T - 1` differs from `T` in digit 3 still: these join the same level-3 slot.
    for i in 300..400u64 {
        q.push(T, i);
    }
    assert_eq!(q.pop(), Some((T, 0))); // cascades all 400 events at once
    for i in 400..500u64 {
        q.push(T, i); // at `now`, behind those already due
    }
    for i in 1..500u64 {
        assert_eq!(q.pop(), Some((T, i)));
    }
    assert_eq!(q.pop(), None);
}

#[test]
fn far_future_and_max_times() {
    let mut q = EventQueue::new();
    let mut r = Reference::default();
    let times = [
        u64::MAX,
        u64::MAX - 1,
        u64::MAX - 64,
        1 << 63,
        (1 << 63) - 1,
        1 << 60,
        (1 << 60) + 5,
        86_400_000 * 3, // three days
        5_000,
    ];
    for &t in times.iter().chain(times.iter()) {
        push_both(&mut q, &mut r, t);
    }
    pop_both(&mut q, &mut r, 12);
    // Near the end of time, every push is a far one relative to nothing else.
    let now = q.now();
    for d in [0, 1, 63, 64] {
        push_both(&mut q, &mut r, now.saturating_add(d));
    }
    push_both(&mut q, &mut r, u64::MAX);
    pop_both(&mut q, &mut r, usize::MAX);
    assert_eq!(q.now(), u64::MAX);
    q.push(u64::MAX, 99);
    assert_eq!(q.pop(), Some((u64::MAX, 99)));
}

#[test]
fn drains_with_pushes_at_now_and_near_future() {
    let mut rng = XorShift(99);
    let mut q = EventQueue::new();
    let mut r = Reference::default();
    for _ in 0..5_000 {
        push_both(&mut q, &mut r, rng.next() % 20_000);
    }
    for _ in 0..40_000 {
        pop_both(&mut q, &mut r, 1);
        let now = q.now();
        match rng.next() % 5 {
            0 => push_both(&mut q, &mut r, now),
            1 => push_both(&mut q, &mut r, now + rng.next() % 64),
            2 => push_both(&mut q, &mut r, now + 8 * 3_600_000), // a session
            _ => push_both(&mut q, &mut r, now + 5_000 + rng.next() % 300_000),
        }
    }
    pop_both(&mut q, &mut r, usize::MAX);
}

#[test]
fn clone_mid_run_continues_identically() {
    let mut rng = XorShift(5);
    let mut q = EventQueue::new();
    for i in 0..3_000u64 {
        q.push(rng.next() % 1_000_000, i);
    }
    // Part way: some events due at `now`, a cascaded level-1 slot, full coarse slots.
    for _ in 0..1_234 {
        q.pop();
    }
    let mut c = q.clone();
    assert_room_follows_len(&c);
    for i in 0..5_000u64 {
        let (a, b) = (q.pop(), c.pop());
        assert_eq!(a, b);
        let t = a.unwrap().0 + rng.next() % 100_000;
        q.push(t, i);
        c.push(t, i);
    }
    let a: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
    let b: Vec<_> = std::iter::from_fn(|| c.pop()).collect();
    assert_eq!(a, b);
}

#[test]
fn near_sees_events_shortly_before_they_pop_and_changes_nothing() {
    let mut rng = XorShift(21);
    let mut with = EventQueue::new();
    let mut without = EventQueue::new();
    for i in 0..20_000u64 {
        let t = rng.next() % 10_000_000;
        with.push(t, (i, t));
        without.push(t, (i, t));
    }
    let mut seen = std::collections::HashSet::new();
    let mut lead = Vec::new();
    while let Some((now, event)) = with.pop_with(|&(i, t)| {
        seen.insert(i);
        lead.push(t);
    }) {
        assert_eq!(without.pop(), Some((now, event)));
        // Whatever `near` was shown pops within NEAR_MS of when it was shown.
        for t in lead.drain(..) {
            assert!(t >= now && t - now < NEAR_MS, "shown at {now}, due at {t}");
        }
    }
    assert_eq!(without.pop(), None);
    // Events spaced ~500 ms apart rarely share a 64 ms block, so few are shown; the dense
    // start of the run shows some.
    assert!(!seen.is_empty());
}

#[test]
fn chunked_slot_is_fifo_across_chunks_and_reuses_them() {
    let mut pool = Pool::with_capacity(0);
    let mut slot = Slot::default();
    let mut full: Full<u32> = Vec::new();
    let per = super::slot::chunk_len_of::<(u64, u32)>();
    let n = 5 * per + 3;
    for i in 0..n as u32 {
        slot.push(&mut full, &mut pool, 1000 - u64::from(i % 7), i);
    }
    assert_eq!((full.len(), slot.tail_len()), (5, 3));
    assert_eq!(slot.open(&full), (994, None));
    assert_eq!(slot.min(), u64::MAX);
    let mut out = Vec::new();
    for mut c in full.drain(..) {
        out.extend(c.drain(..).map(|(_, e)| e));
        pool.give(c, 0);
    }
    let mut tail = slot.take_tail();
    out.extend(tail.drain(..).map(|(_, e)| e));
    slot.restore_tail(tail);
    assert_eq!(out, (0..n as u32).collect::<Vec<_>>());
    assert_eq!((pool.spare(), slot.has_tail()), (5, true));
    // Refilling uses the kept tail, then the spare chunks instead of allocating.
    for i in 0..n as u32 {
        slot.push(&mut full, &mut pool, 5, i);
    }
    assert_eq!(pool.spare(), 0);
    let copy = slot.clone_chunked();
    assert_eq!((copy.tail_len(), copy.min()), (3, 5));
    let mut one = Slot::default();
    let none: Full<u32> = Vec::new();
    one.push(&mut full, &mut pool, 9, 7);
    assert_eq!(one.open(&none), (9, Some(7)));
    assert!(one.has_tail() && one.tail_len() == 0);
}

/// A push relative to `now`: small, around a level's block size, or anywhere.
fn delta() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => 0u64..130,
        2 => (1..LEVELS as u32, 0u64..3).prop_map(|(k, d)| (1u64 << (DIGIT * k).min(63)) + d - 1),
        1 => any::<u64>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Pushes straddling every digit boundary, from a start anywhere in `u64` (near its end
    /// too), interleaved with pops.
    #[test]
    fn matches_reference_across_digit_boundaries(
        start in prop_oneof![Just(0u64), any::<u64>(), (0u64..5_000).prop_map(|d| u64::MAX - d)],
        ops in prop::collection::vec(prop::option::of(delta()), 0..300),
    ) {
        let mut q = EventQueue::new();
        let mut r = Reference::default();
        push_both(&mut q, &mut r, start);
        pop_both(&mut q, &mut r, 1);
        for op in ops {
            match op {
                Some(d) => {
                    let t = q.now().saturating_add(d);
                    push_both(&mut q, &mut r, t);
                }
                None => pop_both(&mut q, &mut r, 1),
            }
        }
        pop_both(&mut q, &mut r, usize::MAX);
        prop_assert!(q.is_empty());
    }
}

#[test]
fn pop_until_stops_at_the_end_and_changes_nothing() {
    let mut q = EventQueue::new();
    q.push(10, 'a');
    q.push(20, 'b');
    q.push(1 << 30, 'c');
    assert_eq!(q.pop_until(9, |_| {}), None);
    assert_eq!((q.len(), q.now(), q.peek_time()), (3, 0, Some(10)));
    assert_eq!(q.pop_until(10, |_| {}), Some((10, 'a')));
    assert_eq!(q.pop_until(19, |_| {}), None);
    q.push(15, 'd');
    q.push(10, 'e');
    // An end before `now`: nothing is due, even at `now`.
    assert_eq!(q.pop_until(5, |_| {}), None);
    assert_eq!(q.pop_until(19, |_| {}), Some((10, 'e')));
    assert_eq!(q.pop_until(19, |_| {}), Some((15, 'd')));
    assert_eq!(q.pop_until(19, |_| {}), None);
    assert_eq!(q.peek_time(), Some(20));
    assert_eq!(q.pop_until(1 << 29, |_| {}), Some((20, 'b')));
    assert_eq!(q.pop_until(1 << 29, |_| {}), None);
    assert_eq!(q.pop_until(u64::MAX, |_| {}), Some((1 << 30, 'c')));
    assert_eq!(q.pop_until(u64::MAX, |_| {}), None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `pop_until(end)` pops exactly when the reference's earliest time is at most `end`, with
    /// ends before, at and after `now` and around digit boundaries.
    #[test]
    fn pop_until_matches_reference(
        ops in prop::collection::vec((any::<bool>(), delta(), any::<bool>()), 0..300),
    ) {
        let mut q = EventQueue::new();
        let mut r = Reference::default();
        for (push, d, back) in ops {
            let now = q.now();
            if push {
                push_both(&mut q, &mut r, now.saturating_add(d));
            } else {
                let end = if back { now.saturating_sub(d) } else { now.saturating_add(d) };
                let exp = match r.peek_time() {
                    Some(t) if t <= end => r.pop(),
                    _ => None,
                };
                prop_assert_eq!(q.pop_until(end, |_| {}), exp);
            }
            prop_assert_eq!(q.len(), r.heap.len());
            prop_assert_eq!(q.peek_time(), r.peek_time());
        }
        pop_both(&mut q, &mut r, usize::MAX);
    }
}

#[test]
fn a_small_cascaded_slot_runs_sorted_takes_pushes_into_its_window_and_overflows_back() {
    let mut q = EventQueue::new();
    let mut r = Reference::default();
    // A dozen events, ties included, in one 4 s slot of level 2, pushed out of order.
    for t in [
        8_000, 5_000, 7_000, 5_000, 8_191, 6_000, 5_000, 7_000, 4_096, 6_500, 8_000, 5_001,
    ] {
        push_both(&mut q, &mut r, t);
    }
    pop_both(&mut q, &mut r, 1);
    assert!(!q.run.is_empty(), "the slot became a run");
    assert_eq!(q.run_end, 2 * 4_096);
    // Pushes inside the window (ties with the run's events, at `now`) and beyond it.
    for t in [5_000, 8_000, 8_191, 8_192, 6_000, 20_000] {
        push_both(&mut q, &mut r, t);
    }
    pop_both(&mut q, &mut r, 4);
    // Enough pushes into the window to overflow the run: it goes back into the wheel.
    let now = q.now();
    for i in 0..RUN_CAP as u64 {
        push_both(&mut q, &mut r, now + i % 7 * 100);
    }
    assert!(q.run.is_empty() && q.run_end == 0, "the run ended");
    pop_both(&mut q, &mut r, usize::MAX);
    assert!(q.is_empty());
}

#[test]
fn no_run_for_a_window_that_ends_past_the_end_of_time() {
    let mut q = EventQueue::new();
    let mut r = Reference::default();
    let base = u64::MAX - 100;
    push_both(&mut q, &mut r, base);
    pop_both(&mut q, &mut r, 1);
    for d in [100, 3, 100, 50, 3] {
        push_both(&mut q, &mut r, base + d);
    }
    pop_both(&mut q, &mut r, usize::MAX);
    assert_eq!(q.now(), u64::MAX);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Dense pushes a few seconds ahead, as user events are: most cascaded slots become runs,
    /// many pushes land inside a run's window, some runs overflow.
    #[test]
    fn runs_match_reference(
        ops in prop::collection::vec(
            prop_oneof![
                3 => (0u64..5_000).prop_map(Some),
                1 => (0u64..300).prop_map(Some),
                1 => (0u64..300_000).prop_map(Some),
                4 => Just(None),
            ],
            0..600,
        ),
    ) {
        let mut q = EventQueue::new();
        let mut r = Reference::default();
        for op in ops {
            match op {
                Some(d) => {
                    let t = q.now() + d;
                    push_both(&mut q, &mut r, t);
                }
                None => pop_both(&mut q, &mut r, 1),
            }
        }
        pop_both(&mut q, &mut r, usize::MAX);
        prop_assert!(q.is_empty());
    }
}
