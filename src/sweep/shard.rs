//! `--shard K/N`: the share of a sweep's runs one process runs, so that a sweep can be spread
//! over machines (a Slurm array, a Kubernetes Indexed Job) and merged afterwards.

use std::fmt;
use std::str::FromStr;

/// `--shard K/N`: this process runs the `K`-th (1-based) of `N` round-robin shares of the
/// runs, the runs `i` with `i % N == K - 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// K, 1-based.
    pub index: u32,
    /// N, at least 1.
    pub count: u32,
}

impl Shard {
    /// All runs (`1/1`).
    pub const WHOLE: Shard = Shard { index: 1, count: 1 };

    /// Whether run `run` belongs to this shard.
    pub fn takes(self, run: usize) -> bool {
        run % self.count as usize == (self.index - 1) as usize
    }

    /// Whether this is the whole sweep.
    pub fn is_whole(self) -> bool {
        self.count == 1
    }
}

impl FromStr for Shard {
    type Err = String;

    /// Parses `K/N` with `1 <= K <= N`.
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || {
            format!(
                "`{s}` is not a shard; expected K/N with 1 <= K <= N, e.g. 3/8 (K is 1-based: \
                 a 0-based scheduler index needs +1)"
            )
        };
        let (k, n) = s.trim().split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_deal_runs_round_robin() {
        assert_eq!("3/8".parse::<Shard>(), Ok(Shard { index: 3, count: 8 }));
        assert_eq!(" 1/1 ".parse::<Shard>(), Ok(Shard::WHOLE));
        for bad in ["0/8", "9/8", "3", "a/b", "3/0", "-1/2", "1/2/3"] {
            let e = bad.parse::<Shard>().unwrap_err();
            assert!(e.contains("K/N") && e.contains("1-based"), "{bad}: {e}");
        }
        let n = 4;
        for run in 0..40 {
            let owners: Vec<u32> = (1..=n)
                .filter(|&k| Shard { index: k, count: n }.takes(run))
                .collect();
            assert_eq!(owners, vec![(run % 4) as u32 + 1], "run {run}");
        }
    }
}
