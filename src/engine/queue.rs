//! Pending-event queue of the simulation engine.
//!
//! [`EventQueue`] stores events keyed by their scheduled time in whole
//! milliseconds and hands them back in strict `(time_ms, seq)` order, where
//! `seq` is the global insertion counter: earlier times first, and events
//! scheduled for the same millisecond pop in exactly the order they were
//! pushed (FIFO). Ties are common with integer-millisecond times, so this
//! guarantee is what makes a seeded run reproducible bit for bit.
//!
//! A discrete-event simulation never schedules into the past, so the keys are
//! *monotone*: every pushed time is at least the time of the most recently
//! popped event. The queue exploits that with a monotone radix heap on the
//! time alone: an event lives in the bucket named by the highest bit in which
//! its time differs from [`EventQueue::now`], and a bucket is only split (its
//! events redistributed into lower buckets) when everything below it is empty.
//! Each event therefore moves a handful of times, in sequential passes over
//! contiguous `Vec`s, instead of paying `O(log n)` cache-missing comparisons
//! per operation as a binary heap does with a million pending events. Buckets
//! are FIFO and a split preserves order, so equal times keep insertion order
//! without storing a sequence number at all.

use std::collections::VecDeque;

/// Number of radix buckets: one per bit position of a `u64` time.
const BITS: usize = 64;

/// Splitting a bucket below this bit hands its events to [`EventQueue::pop_with`]'s `near`.
const NEAR_BITS: usize = 6;

/// Events at most this far ahead of `now` when their bucket splits count as near.
pub const NEAR_MS: u64 = 1 << NEAR_BITS;

/// Bucket buffers from this size on ask for transparent huge pages.
const HUGE_BUCKET_BYTES: usize = 8 << 20;

/// Emptied bucket buffers are kept for reuse while all bucket buffers
/// together have room for at most `SLACK` times the pending events plus
/// [`SLACK_MIN`], and freed beyond that.
const SLACK: usize = 3;

/// Buffer room (in events) that is always kept, however small the queue.
const SLACK_MIN: usize = 1 << 12;

/// Pending events ordered by `(time_ms, seq)`; `seq` = global insertion
/// counter.
///
/// Events with equal times pop in insertion (FIFO) order. Pushing an event
/// earlier than [`now`](Self::now) is a model bug and panics.
///
/// # Examples
///
/// ```
/// use failsim::engine::queue::EventQueue;
///
/// let mut q = EventQueue::new();
/// q.push(20, "b");
/// q.push(10, "a");
/// q.push(20, "c");
/// assert_eq!(q.pop(), Some((10, "a")));
/// assert_eq!(q.pop(), Some((20, "b")));
/// assert_eq!(q.pop(), Some((20, "c")));
/// assert_eq!(q.pop(), None);
/// assert_eq!(q.now(), 20);
/// ```
pub struct EventQueue<E> {
    /// Events due exactly at `now`, in insertion order.
    due: VecDeque<E>,
    /// `buckets[b]` holds the events whose time differs from `now` first in
    /// bit `b` (counting from the least significant bit), each bucket in
    /// insertion order for equal times.
    buckets: [Vec<(u64, E)>; BITS],
    /// `mins[b]` is the smallest time in `buckets[b]` (`u64::MAX` if empty).
    mins: [u64; BITS],
    /// Bit `b` is set iff `buckets[b]` is non-empty.
    occupied: u64,
    /// Time of the most recently popped event (0 before the first pop).
    now: u64,
    /// Number of pending events.
    len: usize,
    /// Room still to hand out from the [`with_capacity`](Self::with_capacity)
    /// hint, in events.
    hint: usize,
    /// Total capacity of the bucket buffers, in events.
    capacity: usize,
}

impl<E> EventQueue<E> {
    /// Creates an empty queue.
    #[must_use]
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// Creates an empty queue with room for about `n` pending events
    /// before its buffers have to grow.
    ///
    /// Events are spread over up to 64 radix buckets whose sizes are not
    /// known in advance, so `n` is a budget rather than one allocation: the
    /// first time a bucket runs out of room it takes half of what is left
    /// (at least doubling as usual). Times spread over a range fill the
    /// buckets roughly geometrically (half in the top one, a quarter in the
    /// next, ...), which this matches. At most `n` entries are reserved
    /// beyond normal amortised growth.
    #[must_use]
    pub fn with_capacity(n: usize) -> Self {
        Self {
            due: VecDeque::new(),
            buckets: std::array::from_fn(|_| Vec::new()),
            mins: [u64::MAX; BITS],
            occupied: 0,
            now: 0,
            len: 0,
            hint: n,
            capacity: 0,
        }
    }

    /// Schedules `event` at `time_ms`.
    ///
    /// Events pushed with equal times pop in the order they were pushed.
    ///
    /// # Panics
    ///
    /// Panics if `time_ms` is earlier than the time of the most recently
    /// popped event ([`now`](Self::now)): simulated time never goes
    /// backwards, so such a push is a model bug.
    #[inline]
    pub fn push(&mut self, time_ms: u64, event: E) {
        assert!(
            time_ms >= self.now,
            "EventQueue::push: time {time_ms} ms is earlier than now ({} ms)",
            self.now
        );
        self.len += 1;
        let diff = time_ms ^ self.now;
        if diff == 0 {
            self.due.push_back(event);
        } else {
            self.insert(diff, time_ms, event);
        }
    }

    /// Files an event whose time differs from `now` (`diff = time ^ now`,
    /// non-zero) into its radix bucket.
    #[inline]
    fn insert(&mut self, diff: u64, time_ms: u64, event: E) {
        debug_assert!(diff != 0);
        let b = (BITS - 1 - diff.leading_zeros() as usize) & (BITS - 1);
        if self.buckets[b].len() == self.buckets[b].capacity() {
            self.grow(b);
        }
        self.buckets[b].push((time_ms, event));
        self.mins[b] = self.mins[b].min(time_ms);
        self.occupied |= 1 << b;
    }

    /// Grows the full bucket `b`, drawing on the capacity hint while it lasts.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, b: usize) {
        grow_bucket(&mut self.buckets[b], &mut self.hint, &mut self.capacity);
    }

    /// Removes the earliest event and returns it with its time; events with
    /// equal time pop in insertion (FIFO) order.
    ///
    /// Returns `None` if the queue is empty. On success [`now`](Self::now)
    /// becomes the returned time.
    #[inline]
    pub fn pop(&mut self) -> Option<(u64, E)> {
        self.pop_with(|_| {})
    }

    /// [`pop`](Self::pop), calling `near` on the events that a split brings
    /// within [`NEAR_MS`] of the new `now`: the caller can start loading what
    /// they will touch (a prefetch) well before they pop. The order of events
    /// does not depend on `near`.
    #[inline]
    pub fn pop_with(&mut self, near: impl FnMut(&E)) -> Option<(u64, E)> {
        if self.due.is_empty() {
            if self.occupied == 0 {
                return None;
            }
            self.advance(near);
        }
        let event = self.due.pop_front()?;
        self.len -= 1;
        Some((self.now, event))
    }

    /// Moves `now` to the earliest pending time and splits the lowest
    /// non-empty bucket, which contains it. Requires `due` to be empty and
    /// at least one bucket to be occupied.
    ///
    /// Every bucket below the split one is empty, so events of the split
    /// bucket are appended to empty buckets in their stored order: FIFO order
    /// among equal times is preserved.
    #[inline(never)]
    fn advance(&mut self, mut near: impl FnMut(&E)) {
        debug_assert!(self.due.is_empty() && self.occupied != 0);
        let i = self.occupied.trailing_zeros() as usize;
        let now = self.mins[i];
        self.now = now;
        self.occupied &= !(1 << i);
        self.mins[i] = u64::MAX;
        let close = i < NEAR_BITS;
        // Every event of bucket `i` differs from the new `now` below bit `i`, so it moves to
        // a lower bucket (or is due): drain bucket `i` in place into the ones below it.
        let (lower, upper) = self.buckets.split_at_mut(i);
        let split = &mut upper[0];
        for (time_ms, event) in split.drain(..) {
            if close {
                near(&event);
            }
            let diff = time_ms ^ now;
            if diff == 0 {
                self.due.push_back(event);
            } else {
                let b = (BITS - 1 - diff.leading_zeros() as usize) & (BITS - 1);
                let bucket = &mut lower[b];
                if bucket.len() == bucket.capacity() {
                    grow_bucket(bucket, &mut self.hint, &mut self.capacity);
                }
                bucket.push((time_ms, event));
                self.mins[b] = self.mins[b].min(time_ms);
                self.occupied |= 1 << b;
            }
        }
        // Keep the (now empty) buffer for reuse unless the buffers hold much
        // more room than there are events; then free it so that memory stays
        // proportional to the queue's size rather than to its history.
        if self.capacity > self.len.saturating_mul(SLACK).saturating_add(SLACK_MIN) {
            self.capacity -= split.capacity();
            *split = Vec::new();
        }
    }

    /// Time of the earliest pending event, or `None` if the queue is empty.
    #[inline]
    #[must_use]
    pub fn peek_time(&self) -> Option<u64> {
        if !self.due.is_empty() {
            Some(self.now)
        } else if self.occupied == 0 {
            None
        } else {
            Some(self.mins[self.occupied.trailing_zeros() as usize])
        }
    }

    /// Number of pending events.
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Returns `true` if no events are pending.
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Time of the last popped event (0 before the first pop).
    #[inline]
    #[must_use]
    pub fn now(&self) -> u64 {
        self.now
    }
}

/// Grows the full `bucket`, drawing on the capacity `hint` while it lasts and counting the
/// room added in `capacity` (see [`EventQueue::with_capacity`]).
#[cold]
#[inline(never)]
fn grow_bucket<T>(bucket: &mut Vec<T>, hint: &mut usize, capacity: &mut usize) {
    let give = hint.div_ceil(2);
    *hint -= give;
    let before = bucket.capacity();
    bucket.reserve(give.max(before).max(4));
    *capacity += bucket.capacity() - before;
    if bucket.capacity() * std::mem::size_of::<T>() >= HUGE_BUCKET_BYTES {
        // A large bucket is filled page by page as events arrive; with 4 KiB pages each
        // new page costs a fault (the kernel's time at ten million users was a fifth of
        // the run).
        crate::platform::advise_huge_pages(bucket);
    }
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Clone> Clone for EventQueue<E> {
    fn clone(&self) -> Self {
        let buckets: [Vec<(u64, E)>; BITS] = self.buckets.clone();
        Self {
            due: self.due.clone(),
            capacity: buckets.iter().map(Vec::capacity).sum(),
            buckets,
            mins: self.mins,
            occupied: self.occupied,
            now: self.now,
            len: self.len,
            hint: self.hint,
        }
    }
}

/// Shows the queue's state (pending count, `now`, next time), not its events.
impl<E> std::fmt::Debug for EventQueue<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventQueue")
            .field("len", &self.len)
            .field("now", &self.now)
            .field("next_time", &self.peek_time())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
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
        assert_eq!(
            c.capacity,
            c.buckets.iter().map(Vec::capacity).sum::<usize>()
        );
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
        assert_eq!(
            q.capacity,
            q.buckets.iter().map(Vec::capacity).sum::<usize>()
        );
        assert!(q.capacity <= SLACK * q.len() + SLACK_MIN + q.len());
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
}
