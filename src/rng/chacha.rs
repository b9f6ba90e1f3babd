//! [`EntityRng`]: the ChaCha8 word stream of one entity, computed one 64-byte block at a time
//! and only when a word is drawn.
//!
//! The words are exactly those of `rand_chacha`'s `ChaCha8Rng` seeded with the same key and
//! set to the same stream (RFC 7539's block function with 8 rounds, a 64-bit block counter in
//! state words 12-13 and the 64-bit stream number in 14-15; words handed out in order, a `u64`
//! being two consecutive words, low first). That generator computes four blocks (256 bytes)
//! whenever it is positioned, which costs more than most entities draw between two events: a
//! user typically takes a few words when it is reopened. Computing a single block, lazily,
//! makes reopening a stream nearly free and drawing from it about a third of the cost. The
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
    pub fn new(key: [u32; 8], stream: u64, pos: u64) -> Self {
        EntityRng {
            key,
            stream,
            pos,
            buf_block: u64::MAX,
            buf: [0; 16],
        }
    }

    /// Words consumed so far (`ChaCha8Rng::get_word_pos`).
    pub fn word_pos(&self) -> u64 {
        self.pos
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

/// The 16 words of block `block` of stream `stream` (the input state added to the rounds'
/// output).
#[inline]
fn chacha8_block(key: &[u32; 8], block: u64, stream: u64) -> [u32; 16] {
    #[cfg(target_arch = "x86_64")]
    {
        sse2::block(key, block, stream)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        scalar_block(key, block, stream)
    }
}

/// The block function on plain integers (other architectures, and the reference the SSE2
/// version is tested against).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn scalar_block(key: &[u32; 8], block: u64, stream: u64) -> [u32; 16] {
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

#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
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

/// The block function with the state's four rows in SSE2 registers (every x86-64 CPU has
/// SSE2): the column round works on whole rows, the diagonal round after rotating rows b, c
/// and d by one, two and three lanes.
#[cfg(target_arch = "x86_64")]
mod sse2 {
    use super::{DOUBLE_ROUNDS, SIGMA};
    use std::arch::x86_64::{
        __m128i, _mm_add_epi32, _mm_loadu_si128, _mm_or_si128, _mm_setr_epi32, _mm_shuffle_epi32,
        _mm_slli_epi32, _mm_srli_epi32, _mm_storeu_si128, _mm_xor_si128,
    };

    macro_rules! rotl {
        ($x:expr, $n:literal) => {
            _mm_or_si128(_mm_slli_epi32::<$n>($x), _mm_srli_epi32::<{ 32 - $n }>($x))
        };
    }

    /// Four quarter rounds at once, one per lane.
    #[inline(always)]
    fn rounds(a: &mut __m128i, b: &mut __m128i, c: &mut __m128i, d: &mut __m128i) {
        // SAFETY: register arithmetic only; SSE2 is part of the x86-64 baseline.
        unsafe {
            *a = _mm_add_epi32(*a, *b);
            *d = rotl!(_mm_xor_si128(*d, *a), 16);
            *c = _mm_add_epi32(*c, *d);
            *b = rotl!(_mm_xor_si128(*b, *c), 12);
            *a = _mm_add_epi32(*a, *b);
            *d = rotl!(_mm_xor_si128(*d, *a), 8);
            *c = _mm_add_epi32(*c, *d);
            *b = rotl!(_mm_xor_si128(*b, *c), 7);
        }
    }

    pub(super) fn block(key: &[u32; 8], block: u64, stream: u64) -> [u32; 16] {
        let mut out = [0u32; 16];
        // SAFETY: unaligned loads and stores of 16 bytes within `key` (32 bytes) and `out`
        // (64 bytes); SSE2 is part of the x86-64 baseline.
        unsafe {
            let a0 = _mm_setr_epi32(
                SIGMA[0] as i32,
                SIGMA[1] as i32,
                SIGMA[2] as i32,
                SIGMA[3] as i32,
            );
            let b0 = _mm_loadu_si128(key.as_ptr().cast::<__m128i>());
            let c0 = _mm_loadu_si128(key.as_ptr().add(4).cast::<__m128i>());
            let d0 = _mm_setr_epi32(
                block as i32,
                (block >> 32) as i32,
                stream as i32,
                (stream >> 32) as i32,
            );
            let (mut a, mut b, mut c, mut d) = (a0, b0, c0, d0);
            for _ in 0..DOUBLE_ROUNDS {
                rounds(&mut a, &mut b, &mut c, &mut d);
                b = _mm_shuffle_epi32::<0x39>(b);
                c = _mm_shuffle_epi32::<0x4E>(c);
                d = _mm_shuffle_epi32::<0x93>(d);
                rounds(&mut a, &mut b, &mut c, &mut d);
                b = _mm_shuffle_epi32::<0x93>(b);
                c = _mm_shuffle_epi32::<0x4E>(c);
                d = _mm_shuffle_epi32::<0x39>(d);
            }
            let p = out.as_mut_ptr().cast::<__m128i>();
            _mm_storeu_si128(p, _mm_add_epi32(a, a0));
            _mm_storeu_si128(p.add(1), _mm_add_epi32(b, b0));
            _mm_storeu_si128(p.add(2), _mm_add_epi32(c, c0));
            _mm_storeu_si128(p.add(3), _mm_add_epi32(d, d0));
        }
        out
    }
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
    fn words_equal_rand_chachas_at_every_position_and_draw_width() {
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
                let (mut a, mut b) = ([0u8; 7], [0u8; 7]);
                ours.fill_bytes(&mut a);
                theirs.fill_bytes(&mut b);
                assert_eq!((a, ours.next_u32()), (b, theirs.next_u32()));
            }
        }
    }

    #[test]
    fn the_sse2_block_equals_the_scalar_one() {
        let key: [u32; 8] = std::array::from_fn(|i| 0x9E37_79B9u32.wrapping_mul(i as u32 + 1));
        for (block, stream) in [(0, 0), (1, 2), (u64::MAX, 5), (1 << 40, 1 << 60)] {
            assert_eq!(
                chacha8_block(&key, block, stream),
                scalar_block(&key, block, stream)
            );
        }
    }
}
