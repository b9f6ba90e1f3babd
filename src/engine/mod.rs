//! The discrete-event engine: a clock and a queue of pending events. It knows nothing of AWS.
//!
//! Ordering guarantee: events pop by `(time, seq)`, where `seq` is a global insertion
//! counter, so events scheduled for the same millisecond run in the order they were
//! scheduled (FIFO). Time is integer milliseconds since scenario start (`u64`, names ending
//! in `_ms`) and never goes backwards: scheduling an event before the current time is a model
//! bug and panics, in release builds too. Together with per-entity random streams this makes
//! a run a pure function of the scenario and the seed (README, Model: time and randomness).
//!
//! Times are plain `u64` milliseconds throughout failsim rather than a newtype: every time
//! and duration in the validated scenario, the per-user state and the reports is a `u64`
//! whose name ends in `_ms`, and the hot path does arithmetic on them constantly. One
//! convention, used everywhere, is clearer than a newtype at one boundary only.

pub mod queue;

use queue::EventQueue;

/// Clock + pending events for one run.
pub struct Scheduler<E> {
    queue: EventQueue<E>,
    now_ms: u64,
    processed: u64,
}

impl<E> Scheduler<E> {
    /// An empty schedule at time 0.
    pub fn new() -> Self {
        Scheduler {
            queue: EventQueue::with_capacity(1024),
            now_ms: 0,
            processed: 0,
        }
    }

    /// Schedules `event` at `at_ms`.
    ///
    /// # Panics
    ///
    /// Panics if `at_ms` is before the current time: simulated time never goes backwards, so
    /// such an event is a model bug.
    #[inline]
    pub fn at(&mut self, at_ms: u64, event: E) {
        if at_ms < self.now_ms {
            in_the_past(at_ms, self.now_ms);
        }
        self.queue.push(at_ms, event);
    }

    /// Schedules `event` `after_ms` from now.
    #[inline]
    pub fn after(&mut self, after_ms: u64, event: E) {
        self.queue.push(self.now_ms.saturating_add(after_ms), event);
    }

    /// The next event at or before `end_ms` with its time, advancing the clock to it.
    pub fn next_until(&mut self, end_ms: u64) -> Option<(u64, E)> {
        self.next_until_with(end_ms, |_| {})
    }

    /// [`next_until`](Self::next_until), showing `near` the events that will be due within
    /// [`queue::NEAR_MS`] (see [`EventQueue::pop_with`]).
    #[inline]
    pub fn next_until_with(&mut self, end_ms: u64, near: impl FnMut(&E)) -> Option<(u64, E)> {
        let (t, e) = self.queue.pop_until(end_ms, near)?;
        debug_assert!(t >= self.now_ms, "time went backwards");
        self.now_ms = t;
        self.processed += 1;
        Some((t, e))
    }

    /// The current time in milliseconds (time of the last event popped).
    pub fn now_ms(&self) -> u64 {
        self.now_ms
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

/// The panic of [`Scheduler::at`], out of the way of its inlined code.
#[cold]
#[inline(never)]
fn in_the_past(at_ms: u64, now_ms: u64) -> ! {
    panic!("event scheduled in the past: {at_ms} ms < now {now_ms} ms")
}

impl<E> Default for Scheduler<E> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "event scheduled in the past")]
    fn scheduling_into_the_past_panics() {
        let mut s = Scheduler::new();
        s.at(10, 'a');
        assert_eq!(s.next_until(100), Some((10, 'a')));
        s.at(9, 'b');
    }

    #[test]
    fn equal_times_pop_in_scheduling_order() {
        let mut s = Scheduler::new();
        s.at(5, 1);
        s.at(3, 2);
        s.at(5, 3);
        s.after(5, 4);
        let order: Vec<(u64, i32)> = std::iter::from_fn(|| s.next_until(10)).collect();
        assert_eq!(order, vec![(3, 2), (5, 1), (5, 3), (5, 4)]);
        assert_eq!(s.processed(), 4);
    }
}
