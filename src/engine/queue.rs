//! Placeholder event queue (binary heap keyed by `(time, seq)`); replaced by a monotone
//! radix queue.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Pending events ordered by `(time_ms, seq)`.
pub struct EventQueue<E> {
    heap: BinaryHeap<Reverse<(u64, u64, Slot<E>)>>,
    seq: u64,
    now: u64,
}

struct Slot<E>(E);
impl<E> PartialEq for Slot<E> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl<E> Eq for Slot<E> {}
impl<E> PartialOrd for Slot<E> {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl<E> Ord for Slot<E> {
    fn cmp(&self, _: &Self) -> std::cmp::Ordering {
        std::cmp::Ordering::Equal
    }
}

impl<E> EventQueue<E> {
    /// Empty queue.
    pub fn new() -> Self {
        Self::with_capacity(0)
    }
    /// Empty queue with room for `n` events.
    pub fn with_capacity(n: usize) -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(n),
            seq: 0,
            now: 0,
        }
    }
    /// Schedules an event.
    pub fn push(&mut self, time_ms: u64, event: E) {
        assert!(time_ms >= self.now, "event time went backwards");
        self.heap.push(Reverse((time_ms, self.seq, Slot(event))));
        self.seq += 1;
    }
    /// Earliest event.
    pub fn pop(&mut self) -> Option<(u64, E)> {
        let Reverse((t, _, Slot(e))) = self.heap.pop()?;
        self.now = t;
        Some((t, e))
    }
    /// Time of the earliest event.
    pub fn peek_time(&self) -> Option<u64> {
        self.heap.peek().map(|Reverse((t, _, _))| *t)
    }
    /// Pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }
    /// No pending events.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
    /// Time of the last pop.
    pub fn now(&self) -> u64 {
        self.now
    }
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}
