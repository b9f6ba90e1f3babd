//! The discrete-event engine: a clock and a queue of pending events. It knows nothing of AWS.
//!
//! Ordering guarantee: events pop by `(time, seq)`, where `seq` is a global insertion
//! counter, so events scheduled for the same millisecond run in the order they were
//! scheduled (FIFO). Time is integer milliseconds and never goes backwards: scheduling an
//! event before the current time is a model bug and panics. Together with per-entity random
//! streams this makes a run a pure function of the scenario and the seed (DESIGN §3).

pub mod queue;

use crate::time::SimTime;
use queue::EventQueue;

/// Clock + pending events for one run.
pub struct Scheduler<E> {
    queue: EventQueue<E>,
    now: SimTime,
    processed: u64,
}

impl<E> Scheduler<E> {
    /// An empty schedule at time 0.
    pub fn new() -> Self {
        Scheduler {
            queue: EventQueue::with_capacity(1024),
            now: SimTime::ZERO,
            processed: 0,
        }
    }

    /// Schedules `event` at `at` (which must not be in the past).
    pub fn at(&mut self, at: SimTime, event: E) {
        debug_assert!(at >= self.now, "event scheduled in the past");
        self.queue.push(at.0, event);
    }

    /// Schedules `event` `after_ms` from now.
    pub fn after(&mut self, after_ms: u64, event: E) {
        self.queue.push(self.now.0.saturating_add(after_ms), event);
    }

    /// The next event at or before `end`, advancing the clock to it.
    pub fn next_until(&mut self, end: SimTime) -> Option<(SimTime, E)> {
        match self.queue.peek_time() {
            Some(t) if t <= end.0 => {
                let (t, e) = self.queue.pop().expect("peeked");
                self.now = SimTime(t);
                self.processed += 1;
                Some((self.now, e))
            }
            _ => None,
        }
    }

    /// The current time (time of the last event popped).
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Events popped so far.
    pub fn processed(&self) -> u64 {
        self.processed
    }

    /// Events still pending.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }
}

impl<E> Default for Scheduler<E> {
    fn default() -> Self {
        Self::new()
    }
}
