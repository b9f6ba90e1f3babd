//! A FIFO of fixed-size chunks drawn from a shared pool: the storage of the queue's coarse
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

/// Bytes of one chunk: a few dozen events, a whole number of cache lines.
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

/// A FIFO of entries in chunks: `full` chunks in order, then the `tail` being filled.
pub(super) struct Slot<T> {
    full: Vec<Vec<T>>,
    tail: Vec<T>,
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Self {
            full: Vec::new(),
            tail: Vec::new(),
        }
    }
}

impl<T> Slot<T> {
    /// Appends `x`, taking a new chunk from `pool` when the tail is full.
    #[inline]
    pub(super) fn push(&mut self, pool: &mut Pool<T>, x: T) {
        if self.tail.len() == self.tail.capacity() {
            self.next_chunk(pool);
        }
        self.tail.push(x);
    }

    #[cold]
    #[inline(never)]
    fn next_chunk(&mut self, pool: &mut Pool<T>) {
        let full = mem::replace(&mut self.tail, pool.take());
        if full.capacity() > 0 {
            self.full.push(full);
        }
    }

    /// Removes the only entry, if the slot holds exactly one.
    #[inline]
    pub(super) fn take_single(&mut self) -> Option<T> {
        if self.tail.len() == 1 && self.full.is_empty() {
            self.tail.pop()
        } else {
            None
        }
    }

    /// Removes the full chunks, in FIFO order (they come before the tail). The caller drains
    /// them, gives them back to the pool and [`restore_full`](Self::restore_full)s the list.
    #[inline]
    pub(super) fn take_full(&mut self) -> Vec<Vec<T>> {
        mem::take(&mut self.full)
    }

    /// Puts back the emptied list returned by [`take_full`](Self::take_full), keeping its room.
    #[inline]
    pub(super) fn restore_full(&mut self, list: Vec<Vec<T>>) {
        debug_assert!(list.is_empty() && self.full.is_empty());
        self.full = list;
    }

    /// Removes the tail chunk (the last entries), for the caller to drain and
    /// [`restore_tail`](Self::restore_tail).
    #[inline]
    pub(super) fn take_tail(&mut self) -> Vec<T> {
        mem::take(&mut self.tail)
    }

    /// Puts back the drained tail chunk: the slot's next entries go to it without a trip to
    /// the pool, which is what a sparse queue (a few events a slot) does all the time.
    #[inline]
    pub(super) fn restore_tail(&mut self, tail: Vec<T>) {
        debug_assert!(tail.is_empty() && self.tail.capacity() == 0);
        self.tail = tail;
    }

    /// Entries in the slot.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.full.iter().map(Vec::len).sum::<usize>() + self.tail.len()
    }

    /// Chunks the slot holds.
    #[cfg(test)]
    pub(super) fn chunks(&self) -> usize {
        self.full.len() + usize::from(self.tail.capacity() > 0)
    }

    /// Full chunks the slot holds (all but the tail).
    #[cfg(test)]
    pub(super) fn full_chunks(&self) -> usize {
        self.full.len()
    }
}

impl<T: Clone> Slot<T> {
    /// A copy whose chunks have the pool's chunk size (a `Vec` clone would size them to fit).
    pub(super) fn clone_chunked(&self) -> Self {
        let copy = |c: &Vec<T>| {
            let mut v = Vec::with_capacity(chunk_len::<T>());
            v.extend_from_slice(c);
            v
        };
        Self {
            full: self.full.iter().map(copy).collect(),
            tail: if self.tail.capacity() == 0 {
                Vec::new()
            } else {
                copy(&self.tail)
            },
        }
    }
}
