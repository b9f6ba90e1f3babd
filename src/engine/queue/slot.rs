//! FIFOs of fixed-size chunks drawn from a shared pool: the storage of the queue's coarse
//! wheel slots.
//!
//! A slot fills while time approaches it and is emptied all at once when it is cascaded. Its
//! size is not known in advance and varies by orders of magnitude (one event at 2,000 users,
//! hundreds of thousands at a million), and the slots in use rotate with time, so a `Vec` per
//! slot either regrows (copying, and faulting in fresh pages) every time a slot comes round
//! again or keeps room for the largest size it ever had. Chunks of one size, handed from slot
//! to slot through a free list, never move an event when a slot grows, and a cascaded slot
//! gives its full chunks back to the pool at once (keeping one for its next events): the
//! queue's buffers are reused for the whole run and stay proportional to the pending events.

use std::mem;

/// Bytes of one chunk: a few dozen events, a whole number of cache lines. Switching a large
/// slot to 8 MiB chunks on transparent huge pages was measured and dropped: at ten million
/// users it saved 1.2 s of user time but cost 1.8 s of kernel time and 0.44 GiB of peak memory.
const CHUNK_BYTES: usize = 1536;

/// Entries per chunk for entries of type `T` (at least one).
#[inline]
const fn chunk_len<T>() -> usize {
    let size = mem::size_of::<T>();
    if size == 0 || size >= CHUNK_BYTES {
        1
    } else {
        CHUNK_BYTES / size
    }
}

/// [`chunk_len`] for tests.
#[cfg(test)]
pub(super) const fn chunk_len_of<T>() -> usize {
    chunk_len::<T>()
}

/// Spare chunks kept whatever the queue's size, in entries.
const SPARE_MIN: usize = 1 << 12;

/// Empty chunks for reuse, at most about as many entries as the queue holds (plus
/// [`SPARE_MIN`]); beyond that a chunk given back is freed.
pub(super) struct Pool<T> {
    spare: Vec<Vec<T>>,
}

impl<T> Pool<T> {
    /// A pool holding room for about `n` entries.
    pub(super) fn with_capacity(n: usize) -> Self {
        let chunks = n.div_ceil(chunk_len::<T>());
        Self {
            spare: (0..chunks)
                .map(|_| Vec::with_capacity(chunk_len::<T>()))
                .collect(),
        }
    }

    /// An empty chunk, reused if one is spare.
    #[inline]
    fn take(&mut self) -> Vec<T> {
        self.spare
            .pop()
            .unwrap_or_else(|| Vec::with_capacity(chunk_len::<T>()))
    }

    /// Takes back an emptied chunk; `pending` (entries in the queue) bounds how many are kept.
    #[inline]
    pub(super) fn give(&mut self, chunk: Vec<T>, pending: usize) {
        debug_assert!(chunk.is_empty());
        let room = self.spare.len() * chunk_len::<T>();
        if chunk.capacity() == chunk_len::<T>() && room <= pending.max(SPARE_MIN) {
            self.spare.push(chunk);
        }
    }

    /// Spare chunks (for tests of the memory bound).
    #[cfg(test)]
    pub(super) fn spare(&self) -> usize {
        self.spare.len()
    }
}

/// Starts loading all of `chunk`'s cache lines (see [`crate::platform::prefetch`]).
#[inline]
pub(super) fn prefetch<T>(chunk: &[T]) {
    let step = (64 / mem::size_of::<T>().max(1)).max(1);
    for x in chunk.iter().step_by(step) {
        crate::platform::prefetch(x);
    }
}

/// The chunks of a slot before its tail, oldest first: kept apart from [`Slot`] because only
/// large slots have any, so that pushes touch one small header.
pub(super) type Full<E> = Vec<Vec<(u64, E)>>;

/// A FIFO of `(time, event)` entries in chunks: the full chunks (a [`Full`] list kept by the
/// caller), then the `tail` being filled; and the smallest time in it. 32 bytes, so that a push
/// touches one cache line of headers.
pub(super) struct Slot<E> {
    tail: Vec<(u64, E)>,
    min: u64,
}

impl<E> Default for Slot<E> {
    fn default() -> Self {
        Self {
            tail: Vec::new(),
            min: u64::MAX,
        }
    }
}

impl<E> Slot<E> {
    /// Appends `event` at `time`, moving a full tail to `full` and taking a new chunk from
    /// `pool`.
    #[inline(always)]
    pub(super) fn push(
        &mut self,
        full: &mut Full<E>,
        pool: &mut Pool<(u64, E)>,
        time: u64,
        event: E,
    ) {
        if self.tail.len() == self.tail.capacity() {
            self.next_chunk(full, pool);
        }
        self.tail.push((time, event));
        self.min = self.min.min(time);
    }

    #[cold]
    #[inline(never)]
    fn next_chunk(&mut self, full: &mut Full<E>, pool: &mut Pool<(u64, E)>) {
        let chunk = mem::replace(&mut self.tail, pool.take());
        if chunk.capacity() > 0 {
            full.push(chunk);
        }
    }

    /// The smallest time in the slot (`u64::MAX` if empty).
    #[inline]
    pub(super) fn min(&self) -> u64 {
        self.min
    }

    /// Starts emptying the slot: returns its smallest time and removes the only entry if
    /// there is just one (`full` being its full chunks). Otherwise the caller drains the
    /// chunks of `full` (giving them back to the pool) and the tail
    /// ([`take_tail`](Self::take_tail)).
    #[inline]
    pub(super) fn open(&mut self, full: &Full<E>) -> (u64, Option<E>) {
        let min = mem::replace(&mut self.min, u64::MAX);
        if self.tail.len() == 1 && full.is_empty() {
            (min, self.tail.pop().map(|(_, e)| e))
        } else {
            (min, None)
        }
    }

    /// Removes the tail chunk (the last entries), for the caller to drain and
    /// [`restore_tail`](Self::restore_tail).
    #[inline]
    pub(super) fn take_tail(&mut self) -> Vec<(u64, E)> {
        mem::take(&mut self.tail)
    }

    /// Puts back the drained tail chunk: the slot's next entries go to it without a trip to
    /// the pool, which is what a sparse queue (a few events a slot) does all the time.
    #[inline]
    pub(super) fn restore_tail(&mut self, tail: Vec<(u64, E)>) {
        debug_assert!(tail.is_empty() && self.tail.capacity() == 0);
        self.tail = tail;
    }

    /// Entries in the tail.
    #[inline]
    pub(super) fn tail_len(&self) -> usize {
        self.tail.len()
    }

    /// Whether the slot holds a tail chunk.
    #[cfg(test)]
    pub(super) fn has_tail(&self) -> bool {
        self.tail.capacity() > 0
    }
}

impl<E: Clone> Slot<E> {
    /// A copy whose tail chunk has the pool's chunk size (a `Vec` clone would size it to fit).
    pub(super) fn clone_chunked(&self) -> Self {
        Self {
            tail: if self.tail.capacity() == 0 {
                Vec::new()
            } else {
                copy_chunk(&self.tail)
            },
            min: self.min,
        }
    }
}

/// A copy of `chunk` with the pool's chunk size.
pub(super) fn copy_chunk<T: Clone>(chunk: &[T]) -> Vec<T> {
    let mut v = Vec::with_capacity(chunk_len::<T>());
    v.extend_from_slice(chunk);
    v
}
