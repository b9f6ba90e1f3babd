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
//! popped event ([`EventQueue::now`]). The queue exploits that with a
//! hierarchical timing wheel over absolute time, cascaded like a radix heap:
//!
//! - A time is read as eleven 6-bit digits. An event lives on the *level* of
//!   the highest digit in which its time differs from `now`, in the *slot*
//!   named by its value of that digit: 64 slots a level, and eleven levels
//!   cover every `u64`, so far-future events (days ahead, or near `u64::MAX`)
//!   need no overflow structure.
//! - Level 0 holds the events of `now`'s 64 ms block, one FIFO per
//!   millisecond; the slot of `now` is the queue of due events.
//! - Each level has an occupancy bitmap (`trailing_zeros` finds the next
//!   slot) and a bitmap of non-empty levels finds the lowest level.
//! - When level 0 runs out, the lowest occupied slot of the lowest non-empty
//!   level holds the earliest events. `now` jumps to their smallest time
//!   (kept per slot as events are pushed) and the slot is *cascaded*: its
//!   events are redistributed, in stored order, to lower levels relative to
//!   the new `now`. Everything below was empty, so equal times keep their
//!   insertion order without a sequence number.
//! - A cascaded slot of level 1 or 2 (a 64 ms or 4 s window) holding a few
//!   events (at most `RUN_MAX`) is not spilled: its events are sorted by
//!   time, stably, into a *run* that pops from its end, and events pushed
//!   into the run's window while it lasts are inserted into it in order. The
//!   wheel holds nothing earlier than the window's end meanwhile, so the run
//!   is every event due before it. Spilled, most of those events would be
//!   cascaded once more from level 1 before they popped; on the bundled
//!   scenario at 2,000 users, where a 4 s slot holds a few dozen events, runs
//!   cut the queue's instructions by a third. A run that would outgrow
//!   `RUN_CAP` goes back into the wheel.
//!
//! Against the binary radix heap this replaced (one bucket per bit), an event
//! moves at most once per level instead of once per bit: the model's delays
//! (probes every 10-30 s, user steps of seconds to minutes, 8 h sessions)
//! sit on levels 2 to 4. Because `now` jumps to a slot's minimum rather than
//! to its start, a slot holding a single event hands it straight to `pop`
//! (three cascades in four at 2,000 users). On the bundled scenario an event
//! now moves 1.8 times at 2,000 users and 2.3 times at a million (about four
//! before). The coarse slots are chunked FIFOs sharing one pool of chunks
//! (`slot.rs`), so a slot that fills never copies its events or faults in
//! fresh pages, and memory follows the number of pending events (plus at most
//! one chunk per slot), not the run's history.

mod bits;
mod slot;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;

use bits::Bits;
use slot::{Full, Pool, Slot};

/// Bits of time per level: 64 slots, one `u64` occupancy word a level. With
/// 8-bit digits (256 slots a level) fewer events move, but the four times
/// larger slot headers made a 1,000-run sweep of the bundled scenario 20 %
/// slower in CPU time (more cache misses) at the same speed for a million users.
const DIGIT: u32 = 6;

/// Slots per level.
const SLOTS: usize = 1 << DIGIT;

/// `SLOTS - 1`, the mask of one digit.
const MASK: u64 = SLOTS as u64 - 1;

/// Levels needed to cover a `u64` time.
const LEVELS: usize = 64_usize.div_ceil(DIGIT as usize);

/// Levels above level 0 (their slots hold times with the event).
const COARSE: usize = LEVELS - 1;

/// Cascading a level-1 slot, whose events are all within this many milliseconds of the new
/// `now`, shows them to [`EventQueue::pop_with`]'s `near`.
pub const NEAR_MS: u64 = 1 << DIGIT;

/// One value per slot of each coarse level.
type Wheel<T> = [[T; SLOTS]; COARSE];

/// A cascaded slot of level [`RUN_LEVELS`] or below holding at most this many events
/// becomes a sorted run instead of being spilled into the levels below.
const RUN_MAX: usize = 48;

/// Levels whose slots may become runs: their windows (64 ms, 4 s) are short, so few events
/// are pushed into a run while it lasts.
const RUN_LEVELS: usize = 2;

/// A run that would grow beyond this many events goes back into the wheel.
const RUN_CAP: usize = 64;

/// A due-queue buffer with more room than this (and than the pending events) is freed once
/// drained rather than kept.
const EXACT_KEEP: usize = 1 << 12;

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
    /// Level 0: `exact[s]` holds, in insertion order, the events due at the
    /// millisecond of `now`'s 64 ms block whose low digit is `s`.
    exact: Box<[VecDeque<E>; SLOTS]>,
    /// Bit `s` of `occupied[k]` is set if slot `s` of level `k` is non-empty
    /// (on level 0 it may also be set for the drained slot of `now`).
    occupied: [Bits; LEVELS],
    /// Bit `k` (`k >= 1`) is set iff `occupied[k] != 0`.
    levels: u32,
    /// `slots[k - 1][s]`: slot `s` of level `k >= 1`, events with their
    /// times, and their smallest time.
    slots: Box<Wheel<Slot<E>>>,
    /// `full[k - 1][s]`: the full chunks of `slots[k - 1][s]`.
    full: Box<Wheel<Full<E>>>,
    /// Empty chunks for the coarse slots.
    pool: Pool<(u64, E)>,
    /// The events of a cascaded slot, in reverse pop order (the next at the end): every
    /// pending event earlier than `run_end`. Empty when no run is in progress.
    run: Vec<(u64, E)>,
    /// End (exclusive) of the window of the run in progress; 0 when there is none.
    run_end: u64,
    /// Time of the most recently popped event (0 before the first pop).
    now: u64,
    /// Number of pending events.
    len: usize,
}

impl<E> EventQueue<E> {
    /// Creates an empty queue.
    #[must_use]
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// Creates an empty queue with room for about `n` pending events
    /// before its buffers have to grow (chunks allocated up front, filled
    /// as events arrive).
    #[must_use]
    pub fn with_capacity(n: usize) -> Self {
        Self {
            exact: Box::new(std::array::from_fn(|_| VecDeque::new())),
            occupied: [Bits::default(); LEVELS],
            levels: 0,
            slots: Box::new(std::array::from_fn(|_| {
                std::array::from_fn(|_| Slot::default())
            })),
            full: Box::new(std::array::from_fn(|_| std::array::from_fn(|_| Vec::new()))),
            pool: Pool::with_capacity(n),
            run: Vec::new(),
            run_end: 0,
            now: 0,
            len: 0,
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
    #[inline(always)]
    pub fn push(&mut self, time_ms: u64, event: E) {
        assert!(
            time_ms >= self.now,
            "EventQueue::push: time {time_ms} ms is earlier than now ({} ms)",
            self.now
        );
        self.len += 1;
        if time_ms < self.run_end {
            self.run_insert(time_ms, event);
        } else {
            self.place(time_ms, event);
        }
    }

    /// Files an event due within the run in progress into the run, behind those due at or
    /// before it; a run that is full goes back into the wheel first.
    #[inline(never)]
    fn run_insert(&mut self, time_ms: u64, event: E) {
        if self.run.len() >= RUN_CAP {
            self.end_run();
            self.place(time_ms, event);
        } else {
            let i = self.run.partition_point(|e| e.0 > time_ms);
            self.run.insert(i, (time_ms, event));
        }
    }

    /// Files the run's events into the wheel, in pop order (the levels below the run's are
    /// empty, so equal times keep their order), and ends the run.
    #[cold]
    #[inline(never)]
    fn end_run(&mut self) {
        let mut run = std::mem::take(&mut self.run);
        self.run_end = 0;
        for (time_ms, event) in run.drain(..).rev() {
            self.place(time_ms, event);
        }
        self.run = run;
    }

    /// Files an event (at or after `now`) on the level of the highest digit
    /// in which its time differs from `now`.
    #[inline(always)]
    fn place(&mut self, time_ms: u64, event: E) {
        let diff = time_ms ^ self.now;
        if diff <= MASK {
            let s = (time_ms & MASK) as usize;
            self.exact[s].push_back(event);
            self.occupied[0].set(s);
        } else {
            let k = ((63 - diff.leading_zeros()) / DIGIT) as usize;
            let s = ((time_ms >> (k as u32 * DIGIT)) & MASK) as usize;
            let full = &mut self.full[k - 1][s];
            self.slots[k - 1][s].push(full, &mut self.pool, time_ms, event);
            self.occupied[k].set(s);
            self.levels |= 1 << k;
        }
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

    /// [`pop`](Self::pop), calling `near` on the events that a cascade brings
    /// within [`NEAR_MS`] of the new `now`: the caller can start loading what
    /// they will touch (a prefetch) well before they pop. The order of events
    /// does not depend on `near`.
    #[inline]
    pub fn pop_with(&mut self, near: impl FnMut(&E)) -> Option<(u64, E)> {
        self.pop_until(u64::MAX, near)
    }

    /// [`pop_with`](Self::pop_with) if the earliest event is due at or before
    /// `end_ms`; otherwise `None`, leaving the queue as it was. An event loop
    /// with an end time needs no [`peek_time`](Self::peek_time) before each pop.
    #[inline]
    pub fn pop_until(&mut self, end_ms: u64, near: impl FnMut(&E)) -> Option<(u64, E)> {
        if let Some(&(time_ms, _)) = self.run.last() {
            if time_ms > end_ms {
                return None;
            }
            self.now = time_ms;
            self.len -= 1;
            return Some((time_ms, self.run_pop()));
        }
        let due = if self.now <= end_ms {
            self.exact[(self.now & MASK) as usize].pop_front()
        } else {
            None
        };
        let event = match due {
            Some(event) => event,
            None if self.len == 0 => return None,
            None => self.advance(end_ms, near)?,
        };
        self.len -= 1;
        Some((self.now, event))
    }

    /// The next event of the run in progress, ending the run with its last.
    #[inline(always)]
    fn run_pop(&mut self) -> E {
        let (_, event) = self.run.pop().expect("a run in progress");
        if self.run.is_empty() {
            self.run_end = 0;
        }
        event
    }

    /// Moves `now` to the earliest pending time and pops the first event due
    /// then, unless that time is after `end_ms`. Requires the slot of `now` to
    /// be empty (or after `end_ms`) and the queue not to be.
    #[inline(never)]
    fn advance(&mut self, end_ms: u64, near: impl FnMut(&E)) -> Option<E> {
        let s = (self.now & MASK) as usize;
        if self.exact[s].is_empty() {
            self.occupied[0].clear(s);
            if self.exact[s].capacity() > EXACT_KEEP.max(self.len) {
                self.exact[s] = VecDeque::new();
            }
        }
        if let Some(next) = self.occupied[0].first() {
            let next = (self.now & !MASK) | next as u64;
            if next > end_ms {
                return None;
            }
            self.now = next;
        } else {
            let k = self.levels.trailing_zeros() as usize;
            let s = self.occupied[k].first().expect("a non-empty level");
            if self.slots[k - 1][s].min() > end_ms {
                return None;
            }
            if let Some(event) = self.cascade(k, s, near) {
                return Some(event);
            }
        }
        let event = self.exact[(self.now & MASK) as usize].pop_front();
        Some(event.expect("the slot of the earliest time holds an event"))
    }

    /// Empties slot `s` of level `k`, the lowest occupied slot of the lowest
    /// non-empty level (level 0 being empty), into the levels below, moving
    /// `now` to its smallest time. A slot holding a single event (most of
    /// them in a small run) hands it back directly, to be popped.
    ///
    /// Every level below is empty, so events of the cascaded slot are
    /// appended to empty slots in their stored order: FIFO order among equal
    /// times is preserved.
    #[inline(always)]
    fn cascade(&mut self, k: usize, s: usize, near: impl FnMut(&E)) -> Option<E> {
        debug_assert!(self.occupied[0].is_empty() && self.levels & (1 << k) != 0);
        self.occupied[k].clear(s);
        if self.occupied[k].is_empty() {
            self.levels &= !(1 << k);
        }
        let (min, single) = self.slots[k - 1][s].open(&self.full[k - 1][s]);
        self.now = min;
        if single.is_some() {
            return single;
        }
        let shift = k as u32 * DIGIT;
        let end = ((u128::from(min >> shift) + 1) << shift).min(u128::from(u64::MAX));
        let small = k <= RUN_LEVELS
            && self.full[k - 1][s].is_empty()
            && self.slots[k - 1][s].tail_len() <= RUN_MAX;
        if small && end < u128::from(u64::MAX) {
            self.start_run(k, s, end as u64, near);
            return Some(self.run_pop());
        }
        self.spill_slot(k, s, near);
        None
    }

    /// Makes the events of slot `s` of level `k` (being cascaded, a few, in one chunk) the run
    /// in progress, up to the end of the slot's window, `end`: sorted by time, equal times in
    /// their stored order. Cheaper than spilling them into the levels below, from where most
    /// would be cascaded once more.
    #[inline(never)]
    fn start_run(&mut self, k: usize, s: usize, end: u64, mut near: impl FnMut(&E)) {
        let mut tail = self.slots[k - 1][s].take_tail();
        debug_assert!(self.run.is_empty());
        self.run.append(&mut tail);
        self.slots[k - 1][s].restore_tail(tail);
        self.run.sort_by_key(|e| e.0);
        self.run.reverse();
        if k == 1 {
            for (_, event) in &self.run {
                near(event);
            }
        }
        self.run_end = end;
    }

    /// Re-files the events of slot `s` of level `k` (being cascaded) into the
    /// levels below `k`, in their stored order.
    #[inline(never)]
    fn spill_slot(&mut self, k: usize, s: usize, mut near: impl FnMut(&E)) {
        let close = k == 1;
        let mut full = std::mem::take(&mut self.full[k - 1][s]);
        let mut tail = self.slots[k - 1][s].take_tail();
        for i in 0..full.len() {
            // A large slot was filled long ago and its chunks lie anywhere: load the next
            // one while this one is re-filed.
            slot::prefetch(full.get(i + 1).unwrap_or(&tail));
            let mut chunk = std::mem::take(&mut full[i]);
            self.spill(&mut chunk, close, &mut near);
            self.pool.give(chunk, self.len);
        }
        full.clear();
        self.full[k - 1][s] = full;
        self.spill(&mut tail, close, &mut near);
        self.slots[k - 1][s].restore_tail(tail);
    }

    /// Re-files the events of one chunk of a cascaded slot, leaving it empty.
    #[inline(always)]
    fn spill(&mut self, chunk: &mut Vec<(u64, E)>, close: bool, near: &mut impl FnMut(&E)) {
        for (time_ms, event) in chunk.drain(..) {
            if close {
                near(&event);
            }
            self.place(time_ms, event);
        }
    }

    /// Time of the earliest pending event, or `None` if the queue is empty.
    #[inline]
    #[must_use]
    pub fn peek_time(&self) -> Option<u64> {
        if let Some(&(time_ms, _)) = self.run.last() {
            return Some(time_ms);
        }
        let s = (self.now & MASK) as usize;
        if !self.exact[s].is_empty() {
            Some(self.now)
        } else if let Some(later) = self.occupied[0].first_but(s) {
            Some((self.now & !MASK) | later as u64)
        } else if self.levels == 0 {
            None
        } else {
            let k = self.levels.trailing_zeros() as usize;
            let s = self.occupied[k].first().expect("a non-empty level");
            Some(self.slots[k - 1][s].min())
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

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Clone> Clone for EventQueue<E> {
    fn clone(&self) -> Self {
        Self {
            exact: self.exact.clone(),
            occupied: self.occupied,
            levels: self.levels,
            slots: Box::new(std::array::from_fn(|k| {
                std::array::from_fn(|s| self.slots[k][s].clone_chunked())
            })),
            full: Box::new(std::array::from_fn(|k| {
                std::array::from_fn(|s| {
                    self.full[k][s]
                        .iter()
                        .map(|c| slot::copy_chunk(c))
                        .collect()
                })
            })),
            pool: Pool::with_capacity(0),
            run: self.run.clone(),
            run_end: self.run_end,
            now: self.now,
            len: self.len,
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
