//! [`Rows`]: the rows of a large CSV file (`users.csv`, `series.csv`) built in one buffer and
//! handed to the writer in large pieces.
//!
//! A 2,000-user run writes 4,000 rows of about twenty cells. Built with `extend_from_slice`,
//! every number and name was a call to the C library's `memcpy` for a few bytes (60,000 calls,
//! a twentieth of the run's time), and every row was copied again into the file's
//! `BufWriter`. Here a number's digits are written straight into the buffer, a short cell is
//! copied with two overlapping word moves, and a piece of at least [`PIECE`] bytes goes to the
//! writer in one call (a `BufWriter` passes a piece larger than its own buffer straight
//! through). The bytes are those `extend_from_slice` and `itoa` would have written.

use std::io::{self, Write};

/// Bytes gathered before they are written: a `BufWriter`'s usual 64 KiB.
pub(super) const PIECE: usize = 1 << 16;

/// Room kept free at the end of the buffer, so that a number or a short cell can be written
/// without checking capacity: the longest `u64` has 20 digits, and short cells are copied
/// 16 bytes at a time.
const ROOM: usize = 32;

/// Pairs of decimal digits, `00` to `99`.
const PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// See the module documentation.
pub(super) struct Rows<W: Write> {
    buf: Vec<u8>,
    out: W,
}

impl<W: Write> Rows<W> {
    /// Rows written to `out`.
    pub(super) fn new(out: W) -> Self {
        Rows {
            buf: Vec::with_capacity(PIECE + 4096),
            out,
        }
    }

    /// Makes sure [`ROOM`] bytes are free after the end.
    #[inline(always)]
    fn room(&mut self) {
        if self.buf.capacity() - self.buf.len() < ROOM {
            self.buf.reserve(ROOM);
        }
    }

    /// Appends `bytes`.
    #[inline(always)]
    pub(super) fn bytes(&mut self, bytes: &[u8]) {
        let n = bytes.len();
        if n > 16 {
            self.buf.extend_from_slice(bytes);
            return;
        }
        self.room();
        let len = self.buf.len();
        let src = bytes.as_ptr();
        // SAFETY: `room` left at least ROOM (32) >= 16 >= n bytes of capacity after `len`;
        // every read is inside `bytes` (the word moves are at offsets 0 and n - 8 when n >= 8,
        // 0 and n - 4 when n >= 4, else single bytes below n), every write inside the
        // capacity, and source and destination do not overlap (the buffer is ours alone).
        // The n bytes after `len` are all written before the length covers them.
        unsafe {
            let dst = self.buf.as_mut_ptr().add(len);
            if n >= 8 {
                let head = std::ptr::read_unaligned(src as *const u64);
                let tail = std::ptr::read_unaligned(src.add(n - 8) as *const u64);
                std::ptr::write_unaligned(dst as *mut u64, head);
                std::ptr::write_unaligned(dst.add(n - 8) as *mut u64, tail);
            } else if n >= 4 {
                let head = std::ptr::read_unaligned(src as *const u32);
                let tail = std::ptr::read_unaligned(src.add(n - 4) as *const u32);
                std::ptr::write_unaligned(dst as *mut u32, head);
                std::ptr::write_unaligned(dst.add(n - 4) as *mut u32, tail);
            } else {
                for i in 0..n {
                    *dst.add(i) = *src.add(i);
                }
            }
            self.buf.set_len(len + n);
        }
    }

    /// Appends one byte.
    #[inline(always)]
    pub(super) fn byte(&mut self, b: u8) {
        self.buf.push(b);
    }

    /// Appends `v` in decimal.
    #[inline(always)]
    pub(super) fn num(&mut self, mut v: u64) {
        self.room();
        let digits = decimal_digits(v);
        let len = self.buf.len();
        // SAFETY: `room` left at least 32 bytes of capacity after `len`, and a u64 has at most
        // 20 digits; positions `len..len + digits` are each written once, from the last digit
        // back, before the length covers them.
        unsafe {
            let dst = self.buf.as_mut_ptr().add(len);
            let mut end = digits;
            while v >= 100 {
                let pair = (v % 100) as usize * 2;
                v /= 100;
                end -= 2;
                *dst.add(end) = PAIRS[pair];
                *dst.add(end + 1) = PAIRS[pair + 1];
            }
            if v >= 10 {
                let pair = v as usize * 2;
                *dst = PAIRS[pair];
                *dst.add(1) = PAIRS[pair + 1];
            } else {
                *dst = b'0' + v as u8;
            }
            self.buf.set_len(len + digits);
        }
    }

    /// Ends a row: a line break, and the gathered rows go to the writer once they fill a
    /// piece.
    #[inline(always)]
    pub(super) fn end_row(&mut self) -> io::Result<()> {
        self.buf.push(b'\n');
        if self.buf.len() >= PIECE {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Writes what is left and flushes the writer.
    pub(super) fn finish(mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.out.flush()
    }
}

/// The number of decimal digits of `v` (1 for 0): the bit length gives the count or one
/// less (log10 2 ≈ 1233 / 4096), and one comparison with a power of ten decides.
#[inline(always)]
fn decimal_digits(v: u64) -> usize {
    const POW10: [u64; 20] = {
        let mut p = [1u64; 20];
        let mut i = 1;
        while i < 20 {
            p[i] = p[i - 1] * 10;
            i += 1;
        }
        p
    };
    let v = v | 1; // 0 has one digit, like 1
    let bits = 64 - v.leading_zeros() as usize;
    let below = (bits * 1233) >> 12;
    below + usize::from(v >= POW10[below])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(f: impl FnOnce(&mut Rows<&mut Vec<u8>>)) -> Vec<u8> {
        let mut out = Vec::new();
        let mut rows = Rows::new(&mut out);
        f(&mut rows);
        rows.finish().unwrap();
        out
    }

    #[test]
    fn numbers_are_written_as_to_string_writes_them() {
        let mut values: Vec<u64> = vec![0, 1, 9, 10, 11, 99, 100, 101, u64::MAX, u64::MAX - 1];
        let mut p = 1u64;
        for _ in 0..19 {
            p *= 10;
            values.extend([p - 1, p, p + 1]);
        }
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push(x >> (x % 64));
        }
        let got = built(|r| {
            for &v in &values {
                r.num(v);
                r.byte(b',');
            }
        });
        let want: String = values.iter().map(|v| format!("{v},")).collect();
        assert_eq!(String::from_utf8(got).unwrap(), want);
    }

    #[test]
    fn digits_are_counted_around_every_power_of_ten() {
        let mut p = 1u64;
        for digits in 1..=20 {
            assert_eq!(decimal_digits(p), digits, "{p}");
            assert_eq!(
                decimal_digits(p.saturating_mul(10) - 1),
                digits,
                "{p} * 10 - 1"
            );
            p = p.saturating_mul(10);
        }
        assert_eq!(decimal_digits(0), 1);
        assert_eq!(decimal_digits(u64::MAX), 20);
    }

    #[test]
    fn cells_of_every_length_are_copied_whole() {
        let text: Vec<u8> = (0..40u8).map(|i| b'a' + i % 26).collect();
        let got = built(|r| {
            for n in 0..=text.len() {
                r.bytes(&text[..n]);
                r.byte(b'|');
            }
        });
        let want: Vec<u8> = (0..=text.len())
            .flat_map(|n| text[..n].iter().copied().chain([b'|']))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn rows_reach_the_writer_in_pieces_and_all_of_them_at_the_end() {
        /// Records the size of each write.
        struct Sizes(Vec<usize>, Vec<u8>);
        impl Write for Sizes {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                self.0.push(b.len());
                self.1.extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut sink = Sizes(Vec::new(), Vec::new());
        let mut rows = Rows::new(&mut sink);
        let mut want = Vec::new();
        for i in 0..20_000u64 {
            rows.num(i);
            rows.bytes(b",cell");
            rows.end_row().unwrap();
            want.extend_from_slice(format!("{i},cell\n").as_bytes());
        }
        rows.finish().unwrap();
        assert_eq!(sink.1, want);
        let (last, full) = sink.0.split_last().unwrap();
        assert!(full.len() >= 2, "{:?}", sink.0);
        assert!(full.iter().all(|&n| n >= PIECE), "{:?}", sink.0);
        assert!(*last < PIECE, "{:?}", sink.0);
    }
}
