//! Seeded randomness: one independent ChaCha8 stream per simulated entity ([`EntityRng`]).
//!
//! The master seed is expanded into a ChaCha key; each entity (a user, a health checker, a
//! resolver, ...) reads its own ChaCha *stream*, numbered from the entity's kind and index
//! (README, Model: time and randomness). Adding a user does not change anyone else's draws, and two
//! sweep points that
//! share a seed share their random numbers (common random numbers).
//!
//! Users are many, so they do not keep a generator (an [`EntityRng`] is 120 bytes). A user
//! keeps only a [`StreamPos`] — how many 32-bit words of its stream it has consumed — and
//! reopens its stream at that position when it needs to draw ([`Streams::open`] /
//! [`Streams::close`]). The draws are the same as if the generator had been kept.

mod chacha;

pub use chacha::{Block, EntityRng};
use rand::Rng;

/// Kinds of entities that own a random stream; part of the stream number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum EntityKind {
    /// A simulated user (index = user number).
    User = 1,
    /// A Route 53 health checker (index = global checker number).
    Checker = 2,
    /// A resolver instance.
    Resolver = 3,
    /// A Region's launch service (launch times).
    Region = 4,
    /// Scenario-level draws (record-edit propagation, population expansion).
    Scenario = 5,
    /// A metric source (canary probes).
    Metric = 6,
}

/// Position in an entity's stream, in 32-bit words consumed (compact per-user state).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StreamPos(pub u32);

/// Factory of per-entity streams for one master seed.
#[derive(Clone, Debug)]
pub struct Streams {
    /// The ChaCha key, as the eight little-endian words of the expanded seed.
    key: [u32; 8],
}

impl Streams {
    /// Expands `seed` into a ChaCha key with SplitMix64 (so nearby seeds give unrelated keys).
    pub fn new(seed: u64) -> Self {
        let mut key = [0u8; 32];
        let mut state = seed;
        for chunk in key.chunks_mut(8) {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes());
        }
        Streams {
            key: std::array::from_fn(|i| {
                u32::from_le_bytes(key[4 * i..4 * i + 4].try_into().expect("4 bytes"))
            }),
        }
    }

    #[inline]
    fn stream_id(kind: EntityKind, index: u64) -> u64 {
        debug_assert!(index < 1 << 56);
        ((kind as u64) << 56) | index
    }

    /// A fresh generator for entity `(kind, index)`, at the start of its stream.
    pub fn stream(&self, kind: EntityKind, index: u64) -> EntityRng {
        self.open(kind, index, StreamPos(0))
    }

    /// Reopens entity `(kind, index)`'s stream where `pos` left it. Cheap: no block is
    /// computed until the first draw.
    #[inline]
    pub fn open(&self, kind: EntityKind, index: u64, pos: StreamPos) -> EntityRng {
        EntityRng::new(self.key, Self::stream_id(kind, index), u64::from(pos.0))
    }

    /// [`Streams::open`], taking the words of `block` if it is the block of this stream that
    /// the next word is in ([`EntityRng::with_block`]).
    #[inline]
    pub fn open_with(
        &self,
        kind: EntityKind,
        index: u64,
        pos: StreamPos,
        block: &Block,
    ) -> EntityRng {
        EntityRng::with_block(
            self.key,
            Self::stream_id(kind, index),
            u64::from(pos.0),
            block,
        )
    }

    /// Where `rng` now stands, to be stored until the next [`Streams::open`].
    #[inline]
    pub fn close(rng: &EntityRng) -> StreamPos {
        StreamPos(u32::try_from(rng.word_pos()).expect("an entity drew over 4e9 words"))
    }
}

/// Uniform draw in `[0, 1)` with 53 random bits (platform-independent).
#[inline]
pub fn unit(rng: &mut EntityRng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Uniform integer in `[lo, hi]` (inclusive); `lo` when `hi <= lo`.
#[inline]
pub fn uniform_ms(rng: &mut EntityRng, lo: u64, hi: u64) -> u64 {
    if hi <= lo {
        return lo;
    }
    lo + rng.random_range(0..=hi - lo)
}

/// True with probability `p`.
#[inline]
pub fn chance(rng: &mut EntityRng, p: f64) -> bool {
    if p <= 0.0 {
        false
    } else if p >= 1.0 {
        true
    } else {
        unit(rng) < p
    }
}

/// Standard normal draw (Box–Muller with `libm`, so every platform gets the same bits).
pub fn standard_normal(rng: &mut EntityRng) -> f64 {
    // 1 - unit() is in (0, 1], so ln never sees 0.
    let u1 = 1.0 - unit(rng);
    let u2 = unit(rng);
    libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
}

/// Index drawn from cumulative weights (`cumulative` ascending, last = total).
#[inline]
pub fn pick_cumulative(rng: &mut EntityRng, cumulative: &[f64]) -> usize {
    let total = *cumulative.last().expect("non-empty weights");
    let x = unit(rng) * total;
    cumulative
        .iter()
        .position(|&c| x < c)
        .unwrap_or(cumulative.len() - 1)
}

use rand::RngCore;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_independent_and_reproducible() {
        let s = Streams::new(7);
        let a: Vec<u64> = (0..4)
            .map(|_| s.stream(EntityKind::User, 1).next_u64())
            .collect();
        assert!(
            a.windows(2).all(|w| w[0] == w[1]),
            "same stream, same start"
        );
        let mut u1 = s.stream(EntityKind::User, 1);
        let mut u2 = s.stream(EntityKind::User, 2);
        let mut c1 = s.stream(EntityKind::Checker, 1);
        let x = u1.next_u64();
        assert_ne!(x, u2.next_u64());
        assert_ne!(x, c1.next_u64());
        assert_ne!(x, Streams::new(8).stream(EntityKind::User, 1).next_u64());
    }

    #[test]
    fn reopening_continues_the_stream() {
        let s = Streams::new(42);
        let mut kept = s.stream(EntityKind::User, 9);
        let expected: Vec<u64> = (0..10).map(|_| kept.next_u64()).collect();
        let mut pos = StreamPos::default();
        let mut got = Vec::new();
        for _ in 0..5 {
            let mut r = s.open(EntityKind::User, 9, pos);
            got.push(r.next_u64());
            got.push(r.next_u64());
            pos = Streams::close(&r);
        }
        assert_eq!(got, expected);
    }

    #[test]
    fn unit_and_uniform_bounds() {
        let mut r = Streams::new(1).stream(EntityKind::Scenario, 0);
        for _ in 0..10_000 {
            let u = unit(&mut r);
            assert!((0.0..1.0).contains(&u));
            let v = uniform_ms(&mut r, 5, 9);
            assert!((5..=9).contains(&v));
        }
        assert_eq!(uniform_ms(&mut r, 5, 5), 5);
    }

    #[test]
    fn normal_has_unit_variance() {
        let mut r = Streams::new(3).stream(EntityKind::Scenario, 1);
        let n = 50_000;
        let xs: Vec<f64> = (0..n).map(|_| standard_normal(&mut r)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.02, "mean {mean}");
        assert!((var - 1.0).abs() < 0.03, "variance {var}");
    }
}
