//! The occupancy bitmap of one wheel level: which of its slots hold events.

use super::SLOTS;

/// Words of a bitmap with one bit per slot.
const WORDS: usize = SLOTS.div_ceil(64);

/// Bit `s` is set iff slot `s` of a level holds events; [`first`](Self::first) finds the
/// lowest one with a `trailing_zeros` per word.
#[derive(Clone, Copy, Default)]
pub(super) struct Bits([u64; WORDS]);

impl Bits {
    #[inline(always)]
    pub(super) fn set(&mut self, s: usize) {
        self.0[s / 64] |= 1 << (s % 64);
    }

    #[inline(always)]
    pub(super) fn clear(&mut self, s: usize) {
        self.0[s / 64] &= !(1 << (s % 64));
    }

    /// The lowest set bit.
    #[inline(always)]
    pub(super) fn first(&self) -> Option<usize> {
        self.0
            .iter()
            .position(|&w| w != 0)
            .map(|i| i * 64 + self.0[i].trailing_zeros() as usize)
    }

    /// The lowest set bit other than `s`.
    #[inline(always)]
    pub(super) fn first_but(&self, s: usize) -> Option<usize> {
        let mut rest = *self;
        rest.clear(s);
        rest.first()
    }

    #[inline(always)]
    pub(super) fn is_empty(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }
}
