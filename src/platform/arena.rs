//! The `failsim` command's memory allocator: the system allocator, except that the first
//! 4 MiB of blocks are carved from one region laid on transparent huge pages.
//!
//! Why: a run of a few thousand users allocates under 3 MB in all (the scenario, users and
//! their records, the series, file buffers), and on Linux each 4 KiB page of fresh memory costs
//! a page fault the first time it is written, about 1.3 µs in a virtual machine: some 280
//! faults, more than a tenth of the 2,000-user run. A 2 MiB huge page is one fault (under
//! 0.1 ms here). The region is 2 MiB aligned and advised `MADV_HUGEPAGE` (the kernel's
//! `Documentation/admin-guide/mm/transhuge.rst`; with THP off it is ordinary memory, faulted
//! page by page as before). Blocks are handed out by bumping a pointer; a freed block is taken
//! back only when it is the last one handed out (a vector growing at the end, a buffer freed
//! before the next), and otherwise stays used until the process ends. Once the region is
//! full every block comes from the system allocator, so a run of a million users allocates as
//! before, and a freed block of the region is never reused for another. Nothing here changes
//! what is computed.
//!
//! Only the binary installs it (`#[global_allocator]` in `main.rs`), and only on Linux is
//! there a region; the library, its tests and other systems use the system allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Size of the region.
const REGION: usize = 4 << 20;
/// Alignment of the region: a huge page.
const HUGE: usize = 2 << 20;

/// Region state: `UNSET` until the first block, then `MAKING` while one thread
/// creates it, then `READY` (or `NONE` when it could not be made).
const UNSET: usize = 0;
const MAKING: usize = 1;
const READY: usize = 2;
const NONE: usize = 3;

/// The allocator; see the module documentation.
pub struct Arena {
    state: AtomicUsize,
    /// Start and end of the region, and the first free byte.
    start: AtomicUsize,
    end: AtomicUsize,
    next: AtomicUsize,
}

impl Arena {
    /// An allocator whose region is made at its first block.
    pub const fn new() -> Arena {
        Arena {
            state: AtomicUsize::new(UNSET),
            start: AtomicUsize::new(0),
            end: AtomicUsize::new(0),
            next: AtomicUsize::new(0),
        }
    }

    /// Whether the region is there, making it first if no thread has tried yet.
    fn ready(&self) -> bool {
        loop {
            match self.state.load(Ordering::Acquire) {
                READY => return true,
                NONE => return false,
                MAKING => std::hint::spin_loop(),
                _ => {
                    if self
                        .state
                        .compare_exchange(UNSET, MAKING, Ordering::AcqRel, Ordering::Acquire)
                        .is_ok()
                    {
                        let made = self.make();
                        self.state
                            .store(if made { READY } else { NONE }, Ordering::Release);
                        return made;
                    }
                }
            }
        }
    }

    /// Takes the region from the system allocator and advises it for huge pages (Linux only:
    /// elsewhere there is no region and every block is the system allocator's).
    fn make(&self) -> bool {
        if !cfg!(target_os = "linux") {
            return false;
        }
        let layout = Layout::from_size_align(REGION, HUGE).expect("a valid layout");
        // SAFETY: a non-zero size; the region is never freed (it lives as long as the process).
        let start = unsafe { System.alloc(layout) } as usize;
        if start == 0 {
            return false;
        }
        super::advise_huge_region(start, REGION);
        self.start.store(start, Ordering::Relaxed);
        self.end.store(start + REGION, Ordering::Relaxed);
        self.next.store(start, Ordering::Release);
        true
    }

    /// Bytes of the region handed out so far (0 before the first block, or without a region).
    pub fn region_used(&self) -> usize {
        if self.state.load(Ordering::Acquire) != READY {
            return 0;
        }
        self.next.load(Ordering::Acquire) - self.start.load(Ordering::Relaxed)
    }

    /// Whether `ptr` lies in the region.
    fn owns(&self, ptr: *mut u8) -> bool {
        let p = ptr as usize;
        self.state.load(Ordering::Acquire) == READY
            && p >= self.start.load(Ordering::Relaxed)
            && p < self.end.load(Ordering::Relaxed)
    }

    /// A block from the region, or `None` when it does not fit.
    fn carve(&self, layout: Layout) -> Option<*mut u8> {
        let end = self.end.load(Ordering::Relaxed);
        let mut next = self.next.load(Ordering::Acquire);
        loop {
            let at = next.checked_next_multiple_of(layout.align())?;
            let after = at.checked_add(layout.size())?;
            if after > end {
                return None;
            }
            match self
                .next
                .compare_exchange_weak(next, after, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return Some(at as *mut u8),
                Err(now) => next = now,
            }
        }
    }
}

impl Default for Arena {
    fn default() -> Self {
        Arena::new()
    }
}

// SAFETY: every block comes either from `System` (and goes back to it: `owns` tells the two
// apart by address) or from the region, where blocks never overlap: `next` only moves past a
// block once it is handed out (compare-exchange), and moves back over a block only when that
// block, the last one handed out, is freed or resized by its owner.
unsafe impl GlobalAlloc for Arena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if self.ready() {
            if let Some(p) = self.carve(layout) {
                return p;
            }
        }
        // SAFETY: the caller's layout, as `GlobalAlloc::alloc` requires.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if self.ready() {
            if let Some(p) = self.carve(layout) {
                // A block taken back and handed out again holds what its last owner wrote.
                // SAFETY: the block is valid for `layout.size()` bytes and ours alone.
                unsafe { std::ptr::write_bytes(p, 0, layout.size()) };
                return p;
            }
        }
        // SAFETY: the caller's layout. (The system's zeroed allocation takes fresh pages for a
        // large array, already zero, instead of writing every byte.)
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if self.owns(ptr) {
            // The last block handed out is taken back; any other stays used.
            let end = ptr as usize + layout.size();
            let _ =
                self.next
                    .compare_exchange(end, ptr as usize, Ordering::AcqRel, Ordering::Relaxed);
            return;
        }
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !self.owns(ptr) {
            // SAFETY: `ptr` came from `System` with `layout`.
            return unsafe { System.realloc(ptr, layout, new_size) };
        } else {
            // The last block handed out grows or shrinks where it is, if the region has room;
            // any other block shrinks where it is (its tail stays used).
            let old_end = ptr as usize + layout.size();
            if let Some(new_end) = (ptr as usize).checked_add(new_size) {
                if new_end <= self.end.load(Ordering::Relaxed)
                    && self
                        .next
                        .compare_exchange(old_end, new_end, Ordering::AcqRel, Ordering::Relaxed)
                        .is_ok()
                {
                    return ptr;
                }
            }
            if new_size <= layout.size() {
                return ptr;
            }
        }
        // Elsewhere: a new block, the contents copied, the old block freed.
        // SAFETY: `new_size` with the old alignment is a valid layout (the caller guarantees
        // it does not overflow `isize` once rounded).
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: as in `alloc`.
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks are valid for the smaller of the two sizes and distinct.
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    /// Fills `len` bytes at `p` with `byte`.
    fn fill(p: *mut u8, len: usize, byte: u8) {
        // SAFETY: callers pass blocks of at least `len` bytes that they own.
        unsafe { std::ptr::write_bytes(p, byte, len) }
    }

    /// Whether the `len` bytes at `p` all hold `byte`.
    fn holds(p: *mut u8, len: usize, byte: u8) -> bool {
        // SAFETY: as in `fill`.
        unsafe { std::slice::from_raw_parts(p, len) }
            .iter()
            .all(|&b| b == byte)
    }

    #[test]
    fn blocks_are_aligned_apart_and_keep_their_contents() {
        let arena = Arena::new();
        let mut blocks = Vec::new();
        for (i, (size, align)) in [
            (1, 1),
            (24, 8),
            (100, 64),
            (4096, 4096),
            (7, 2),
            (70_000, 16),
        ]
        .into_iter()
        .enumerate()
        {
            // SAFETY: valid non-zero layouts; every block is freed below with its layout.
            let p = unsafe { arena.alloc(layout(size, align)) };
            assert!(!p.is_null());
            assert_eq!(p as usize % align, 0, "block {i} aligned to {align}");
            fill(p, size, i as u8 + 1);
            blocks.push((p, size, align, i as u8 + 1));
        }
        for &(p, size, _, byte) in &blocks {
            assert!(
                holds(p, size, byte),
                "a later block overwrote one of {size} bytes"
            );
        }
        if cfg!(target_os = "linux") {
            assert!(
                blocks.iter().all(|&(p, ..)| arena.owns(p)),
                "all in the region"
            );
        }
        let used = arena.region_used();
        for (k, (p, size, align, _)) in blocks.into_iter().rev().enumerate() {
            // SAFETY: allocated above with this layout, freed once.
            unsafe { arena.dealloc(p, layout(size, align)) };
            if k == 0 && cfg!(target_os = "linux") {
                assert_eq!(
                    arena.region_used(),
                    used - size,
                    "the last block taken back"
                );
            }
        }
    }

    #[test]
    fn the_last_block_is_taken_back_and_grows_in_place() {
        if !cfg!(target_os = "linux") {
            return;
        }
        let arena = Arena::new();
        // SAFETY: valid layouts; each block is used within its size and freed once.
        unsafe {
            let a = arena.alloc(layout(64, 8));
            let b = arena.alloc(layout(64, 8));
            arena.dealloc(b, layout(64, 8));
            assert_eq!(
                arena.alloc(layout(64, 8)),
                b,
                "the last block is handed out again"
            );
            fill(b, 64, 7);
            let grown = arena.realloc(b, layout(64, 8), 1000);
            assert_eq!(grown, b, "the last block grows where it is");
            assert!(holds(grown, 64, 7));
            // A block that is not the last moves when it grows, contents and all.
            fill(a, 64, 9);
            let moved = arena.realloc(a, layout(64, 8), 5000);
            assert_ne!(moved, a);
            assert!(holds(moved, 64, 9));
            assert!(holds(grown, 64, 7), "growing `a` left `b` alone");
            // ... and shrinks where it is.
            assert_eq!(arena.realloc(grown, layout(1000, 8), 10), grown);
            arena.dealloc(moved, layout(5000, 8));
        }
    }

    #[test]
    fn a_full_region_hands_over_to_the_system_allocator() {
        let arena = Arena::new();
        // SAFETY: valid layouts; blocks are used within their sizes and freed once.
        unsafe {
            let big = arena.alloc(layout(REGION - 100, 8));
            let after = arena.alloc(layout(1000, 8));
            assert!(!after.is_null());
            assert!(!arena.owns(after), "no room left: the system's block");
            fill(after, 1000, 3);
            // Growing a system block past the region's room stays with the system.
            let grown = arena.realloc(after, layout(1000, 8), 1 << 20);
            assert!(!arena.owns(grown));
            assert!(holds(grown, 1000, 3));
            arena.dealloc(grown, layout(1 << 20, 8));
            arena.dealloc(big, layout(REGION - 100, 8));
        }
    }

    #[test]
    fn zeroed_blocks_are_zero_even_when_handed_out_again() {
        let arena = Arena::new();
        // SAFETY: valid layouts; blocks are used within their sizes and freed once.
        unsafe {
            let dirty = arena.alloc(layout(512, 8));
            fill(dirty, 512, 0xAB);
            arena.dealloc(dirty, layout(512, 8));
            let zeroed = arena.alloc_zeroed(layout(512, 8));
            assert!(holds(zeroed, 512, 0));
            arena.dealloc(zeroed, layout(512, 8));
        }
    }

    #[test]
    fn threads_get_blocks_of_their_own() {
        let arena = Arena::new();
        std::thread::scope(|s| {
            for t in 0..4u8 {
                let arena = &arena;
                s.spawn(move || {
                    let mut mine = Vec::new();
                    for i in 0..500usize {
                        let size = 16 + (i * 37) % 300;
                        // SAFETY: valid layouts; each block is filled within its size and
                        // freed once, by the thread that allocated it.
                        let p = unsafe { arena.alloc(layout(size, 8)) };
                        fill(p, size, t + 1);
                        mine.push((p, size));
                        if i % 3 == 0 {
                            let (q, n) = mine.pop().unwrap();
                            assert!(holds(q, n, t + 1), "another thread wrote into it");
                            unsafe { arena.dealloc(q, layout(n, 8)) };
                        }
                    }
                    for (p, n) in mine {
                        assert!(holds(p, n, t + 1), "another thread wrote into it");
                        unsafe { arena.dealloc(p, layout(n, 8)) };
                    }
                });
            }
        });
    }
}
