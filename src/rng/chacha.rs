//! [`EntityRng`]: the ChaCha8 word stream of one entity, computed one 64-byte block at a time
//! and only when a word is drawn.
//!
//! The words are exactly those of `rand_chacha`'s `ChaCha8Rng` seeded with the same key and
//! set to the same stream (RFC 7539's block function with 8 rounds, a 64-bit block counter in
//! state words 12-13 and the 64-bit stream number in 14-15; words handed out in order, a `u64`
//! being two consecutive words, low first). That generator computes four blocks (256 bytes)
//! whenever it is positioned, which costs more than most entities draw between two events: a
//! user typically takes a few words when it is reopened. Computing a single block, lazily,
//! makes reopening a stream nearly free and a user's few draws cheaper. The
//! unit tests compare every word with `ChaCha8Rng`.

use rand::RngCore;

/// "expand 32-byte k", ChaCha's constant row.
const SIGMA: [u32; 4] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574];

/// Double rounds of ChaCha8.
const DOUBLE_ROUNDS: usize = 4;

/// Words per ChaCha block.
const BLOCK_WORDS: u64 = 16;

/// The ChaCha8 stream `stream` under `key`, positioned at a word; see the module docs.
#[derive(Clone)]
pub struct EntityRng {
    key: [u32; 8],
    stream: u64,
    /// Position (in words) of the next word to hand out.
    pos: u64,
    /// Block number held in `buf` (`u64::MAX`: none yet).
    buf_block: u64,
    buf: [u32; 16],
}

impl EntityRng {
    /// Stream `stream` under `key`, at word `pos`. Computes nothing until a word is drawn.
    #[inline]
    pub fn new(key: [u32; 8], stream: u64, pos: u64) -> Self {
        EntityRng {
            key,
            stream,
            pos,
            buf_block: u64::MAX,
            buf: [0; 16],
        }
    }

    /// [`EntityRng::new`] followed by [`EntityRng::reuse`] of `block`, without clearing a
    /// buffer that `block` then fills.
    #[inline]
    pub fn with_block(key: [u32; 8], stream: u64, pos: u64, block: &Block) -> Self {
        let usable = block.stream == stream && block.number == pos / BLOCK_WORDS;
        EntityRng {
            key,
            stream,
            pos,
            buf_block: if usable { block.number } else { u64::MAX },
            buf: block.words,
        }
    }

    /// Stores the block this generator holds into `block` (as [`EntityRng::held`] would),
    /// unless `block` holds it already: a generator made [`with_block`](Self::with_block)
    /// that computed nothing leaves it alone.
    #[inline]
    pub fn keep_in(&self, block: &mut Block) {
        if block.number != self.buf_block || block.stream != self.stream {
            *block = self.held();
        }
    }

    /// Words consumed so far (`ChaCha8Rng::get_word_pos`).
    #[inline]
    pub fn word_pos(&self) -> u64 {
        self.pos
    }

    /// The block this generator last computed, to spare the next generator of the same
    /// stream computing it again ([`EntityRng::reuse`]).
    pub fn held(&self) -> Block {
        Block {
            stream: self.stream,
            number: self.buf_block,
            words: self.buf,
        }
    }

    /// Takes `block` as computed if it is of this stream and the one the next word is in.
    /// `block` must come from [`EntityRng::held`] of a generator under the same key (the
    /// same [`super::Streams`]); the words drawn are then the same either way.
    #[inline]
    pub fn reuse(&mut self, block: &Block) {
        if block.stream == self.stream && block.number == self.pos / BLOCK_WORDS {
            self.buf_block = block.number;
            self.buf = block.words;
        }
    }

    #[inline]
    fn next_word(&mut self) -> u32 {
        let block = self.pos / BLOCK_WORDS;
        if block != self.buf_block {
            self.refill(block);
        }
        let w = self.buf[(self.pos % BLOCK_WORDS) as usize];
        self.pos += 1;
        w
    }

    #[cold]
    #[inline(never)]
    fn refill(&mut self, block: u64) {
        self.buf = chacha8_block(&self.key, block, self.stream);
        self.buf_block = block;
    }
}

/// A computed block of a stream, kept between two openings of it ([`EntityRng::held`]).
#[derive(Clone, Copy, Debug)]
pub struct Block {
    stream: u64,
    /// Block number (`u64::MAX`: none).
    number: u64,
    words: [u32; 16],
}

impl Block {
    /// No block: reusing it computes as usual.
    pub const NONE: Block = Block {
        stream: 0,
        number: u64::MAX,
        words: [0; 16],
    };
}

/// Shows where the stream stands, not the key.
impl std::fmt::Debug for EntityRng {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EntityRng")
            .field("stream", &self.stream)
            .field("pos", &self.pos)
            .finish_non_exhaustive()
    }
}

impl RngCore for EntityRng {
    #[inline]
    fn next_u32(&mut self) -> u32 {
        self.next_word()
    }

    #[inline]
    fn next_u64(&mut self) -> u64 {
        // Both words in the block held: one check instead of two.
        let i = (self.pos % BLOCK_WORDS) as usize;
        if i + 1 < BLOCK_WORDS as usize && self.pos / BLOCK_WORDS == self.buf_block {
            self.pos += 2;
            return (u64::from(self.buf[i + 1]) << 32) | u64::from(self.buf[i]);
        }
        let lo = u64::from(self.next_word());
        let hi = u64::from(self.next_word());
        (hi << 32) | lo
    }

    /// Whole words, little-endian; a partly used last word is consumed (as `ChaCha8Rng` does).
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(4) {
            let w = self.next_word().to_le_bytes();
            chunk.copy_from_slice(&w[..chunk.len()]);
        }
    }
}

/// The 16 words of block `block` of stream `stream`: the input state added to the output of
/// eight rounds. Plain integer code on purpose. A caller wants a word of the block at once,
/// so what counts is the block's latency, and that is a chain of 96 dependent add, xor and
/// rotate steps whichever way the state is laid out (8 rounds x 12 steps). In general-purpose
/// registers each step takes one cycle and the four quarter rounds of a round run side by
/// side; with the state's rows in vector registers (the usual SIMD ChaCha) a rotate is two
/// to three instructions, and on CPUs where a dependent vector integer instruction takes
/// two cycles (the AMD EPYC failsim is measured on) the chain is over twice as long. Measured
/// there: one block 29 ns in this code, 66 ns with SSE2 rows, 48 ns with AVX-512 rows
/// (one-instruction rotates); a million-user run used 1.56 s of CPU with this code, 1.75 s
/// with SSE2 rows and 1.61 s with AVX-512 rows (medians of 7). Keep the loop rolled: fully
/// unrolled, LLVM vectorises part of the state and one block took 41 ns.
fn chacha8_block(key: &[u32; 8], block: u64, stream: u64) -> [u32; 16] {
    let mut input = [0u32; 16];
    input[..4].copy_from_slice(&SIGMA);
    input[4..12].copy_from_slice(key);
    input[12] = block as u32;
    input[13] = (block >> 32) as u32;
    input[14] = stream as u32;
    input[15] = (stream >> 32) as u32;
    let mut x = input;
    for _ in 0..DOUBLE_ROUNDS {
        quarter(&mut x, 0, 4, 8, 12);
        quarter(&mut x, 1, 5, 9, 13);
        quarter(&mut x, 2, 6, 10, 14);
        quarter(&mut x, 3, 7, 11, 15);
        quarter(&mut x, 0, 5, 10, 15);
        quarter(&mut x, 1, 6, 11, 12);
        quarter(&mut x, 2, 7, 8, 13);
        quarter(&mut x, 3, 4, 9, 14);
    }
    for (o, i) in x.iter_mut().zip(input) {
        *o = o.wrapping_add(i);
    }
    x
}

#[inline(always)]
fn quarter(x: &mut [u32; 16], a: usize, b: usize, c: usize, d: usize) {
    x[a] = x[a].wrapping_add(x[b]);
    x[d] = (x[d] ^ x[a]).rotate_left(16);
    x[c] = x[c].wrapping_add(x[d]);
    x[b] = (x[b] ^ x[c]).rotate_left(12);
    x[a] = x[a].wrapping_add(x[b]);
    x[d] = (x[d] ^ x[a]).rotate_left(8);
    x[c] = x[c].wrapping_add(x[d]);
    x[b] = (x[b] ^ x[c]).rotate_left(7);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn key_words(key: &[u8; 32]) -> [u32; 8] {
        std::array::from_fn(|i| u32::from_le_bytes(key[4 * i..4 * i + 4].try_into().unwrap()))
    }

    fn reference(key: &[u8; 32], stream: u64, pos: u64) -> ChaCha8Rng {
        let mut r = ChaCha8Rng::from_seed(*key);
        r.set_stream(stream);
        r.set_word_pos(u128::from(pos));
        r
    }

    #[test]
    fn words_equal_rand_chachas_at_every_position_and_draw_width_also_reusing_a_block() {
        let key: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(37) ^ 0x5a);
        for stream in [0, 1, 7, (1 << 56) | 3, u64::MAX >> 8] {
            for pos in [0, 1, 14, 15, 16, 17, 63, 64, 65, 1000, 4_000_001] {
                let mut ours = EntityRng::new(key_words(&key), stream, pos);
                let mut theirs = reference(&key, stream, pos);
                for i in 0..200u32 {
                    match i % 3 {
                        0 => assert_eq!(ours.next_u32(), theirs.next_u32()),
                        1 => assert_eq!(ours.next_u64(), theirs.next_u64()),
                        _ => assert_eq!(
                            ours.random_range(0..=1_000_003u64),
                            theirs.random_range(0..=1_000_003u64)
                        ),
                    }
                    assert_eq!(u128::from(ours.word_pos()), theirs.get_word_pos());
                }
                // A generator made with a block, used or not, keeps it or stores its own.
                let k = key_words(&key);
                let mut kept = ours.held();
                let mut with = EntityRng::with_block(k, stream, ours.word_pos(), &kept);
                let mut foreign = EntityRng::with_block(k, stream ^ 1, ours.word_pos(), &kept);
                let mut theirs_with = theirs.clone();
                let mut theirs_foreign = reference(&key, stream ^ 1, ours.word_pos());
                for _ in 0..20 {
                    assert_eq!(with.next_u32(), theirs_with.next_u32());
                    assert_eq!(foreign.next_u32(), theirs_foreign.next_u32());
                }
                with.keep_in(&mut kept);
                assert_eq!(
                    (kept.number, kept.words),
                    (with.held().number, with.held().words)
                );
                // A generator reopened at the same place with the held block carries on
                // with the same words.
                let mut again = EntityRng::new(k, stream, ours.word_pos());
                again.reuse(&ours.held());
                let mut other = EntityRng::new(k, stream ^ 1, ours.word_pos());
                other.reuse(&ours.held());
                let mut theirs_again = theirs.clone();
                let mut theirs_other = reference(&key, stream ^ 1, ours.word_pos());
                for _ in 0..40 {
                    assert_eq!(again.next_u32(), theirs_again.next_u32());
                    assert_eq!(other.next_u32(), theirs_other.next_u32());
                }
                let (mut a, mut b) = ([0u8; 7], [0u8; 7]);
                ours.fill_bytes(&mut a);
                theirs.fill_bytes(&mut b);
                assert_eq!((a, ours.next_u32()), (b, theirs.next_u32()));
            }
        }
    }

    /// The block counter is two state words (12 low, 13 high): blocks whose number needs the
    /// high word, and the step from block 2^32 - 1 to 2^32 (a carry from word 12 into word
    /// 13), give `ChaCha8Rng`'s words too. Positions far beyond what a run draws, but the
    /// other tests only reach block 250,000, where word 13 is always zero.
    #[test]
    fn words_equal_rand_chachas_where_the_block_counter_carries_into_its_high_word() {
        let key: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(101).wrapping_add(3));
        let carry = 16 * (1u64 << 32);
        for stream in [0, 5, u64::MAX] {
            for pos in [
                carry - 17,
                carry - 3,
                carry,
                carry + 1,
                16 * (3u64 << 40) + 9,
            ] {
                let mut ours = EntityRng::new(key_words(&key), stream, pos);
                let mut theirs = reference(&key, stream, pos);
                for _ in 0..40 {
                    assert_eq!(
                        ours.next_u32(),
                        theirs.next_u32(),
                        "stream {stream} pos {pos}"
                    );
                }
                assert_eq!(u128::from(ours.word_pos()), theirs.get_word_pos());
            }
        }
    }
}
