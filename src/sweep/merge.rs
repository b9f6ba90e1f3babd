//! `failsim merge`: joins the shard directories of one sweep into exactly the files an
//! unsharded run writes.

use super::files::{finish_partial, prepare_partial, write_summary_and_chart, CsvOut, Layout};
use super::manifest::Manifest;
use super::plan::RunId;
use super::shard::Shard;
use super::stats::Aggregate;
use super::{io_error, partial_dir, PointStats, SweepError, SweepOutcome};
use super::{MANIFEST, SWEEP_CSV};
use crate::output;
use std::fs;
use std::path::{Path, PathBuf};

/// Joins the `N` shard directories of one sweep (written with `--shard K/N`, in any order)
/// into `out`: the `sweep.csv`, `sweep_summary.csv`, chart and manifest an unsharded run of
/// the same sweep writes, byte for byte. Refuses shards of different sweeps (scenario
/// contents, `--set`, `--vary`, seed, replications, metric, chart formats or failsim
/// version differ), missing, repeated or unfinished shards, and rows that are not the
/// shard's runs.
pub fn merge(shard_dirs: &[PathBuf], out: &Path) -> Result<SweepOutcome, SweepError> {
    if shard_dirs.is_empty() {
        return Err(SweepError::Usage(
            "merge needs at least one shard directory".to_string(),
        ));
    }
    output::check_ours(out)?;
    let shards = read_shards(shard_dirs)?;
    check_complete_set(&shards)?;
    let first = &shards[0];
    let manifest_path = first.dir.join(MANIFEST);
    let metric = crate::metric::MetricRef::parse(&first.manifest.metric)
        .ok()
        .ok_or_else(|| {
            SweepError::Merge(format!(
                "{}: `metric` {} is not a summary metric of this failsim version",
                manifest_path.display(),
                first.manifest.metric
            ))
        })?;
    if let Some(bad) = first
        .manifest
        .charts
        .iter()
        .find(|c| *c != "svg" && *c != "png")
    {
        return Err(SweepError::Merge(format!(
            "{}: `charts` has `{bad}`; allowed: svg, png",
            manifest_path.display()
        )));
    }
    if let Some(shard_dir) = shard_dirs.iter().find(|d| same_dir(d, out)) {
        return Err(SweepError::Usage(format!(
            "--out {} is one of the shard directories; merge into a new directory",
            shard_dir.display()
        )));
    }
    let mut merged = first.manifest.clone();
    merged.shard = Shard::WHOLE.to_string();
    merged.shard_runs = merged.runs;
    merged.complete = true;
    let layout = Layout::new(&merged, metric);
    let header = layout.sweep_header();
    let base_seed: u64 = merged.seed.parse().map_err(|_| {
        SweepError::Merge(format!(
            "{}: `seed` is not a number",
            manifest_path.display()
        ))
    })?;
    let total = merged.runs as usize;
    if total != layout.point_count() * merged.replications as usize {
        return Err(SweepError::Merge(format!(
            "{}: `runs` does not match the grid and replications",
            manifest_path.display()
        )));
    }
    let mut readers = Vec::with_capacity(shards.len());
    for shard in &shards {
        readers.push(ShardReader::open(&shard.dir.join(SWEEP_CSV), &header)?);
    }
    let partial = partial_dir(out);
    prepare_partial(&partial)?;
    let joined = join_shards(&partial, &layout, &merged, base_seed, &mut readers);
    let (files, stats) = match joined {
        Ok(x) => x,
        Err(e) => {
            // Nothing of a failed merge is worth keeping.
            let _ = fs::remove_dir_all(&partial);
            return Err(e);
        }
    };
    if let Err(e) = finish_partial(&partial, out) {
        let _ = fs::remove_dir_all(&partial);
        return Err(e);
    }
    Ok(SweepOutcome {
        out: out.to_path_buf(),
        files,
        runs: total,
        total_runs: total,
        shard: Shard::WHOLE,
        metric: layout.metric.clone(),
        vary: layout.vary.iter().map(|v| v.path.clone()).collect(),
        expect_min: layout.expect_min.clone(),
        expect_max: layout.expect_max.clone(),
        points: stats,
    })
}

/// One shard directory given to [`merge`], with its manifest.
struct ShardDir {
    shard: Shard,
    dir: PathBuf,
    manifest: Manifest,
}

/// Reads every shard directory's manifest, refusing unfinished shards; returns them in
/// shard order.
fn read_shards(shard_dirs: &[PathBuf]) -> Result<Vec<ShardDir>, SweepError> {
    let mut shards = Vec::with_capacity(shard_dirs.len());
    for dir in shard_dirs {
        let path = dir.join(MANIFEST);
        if !path.is_file() {
            let hint = if partial_dir_hint(dir) {
                " (an interrupted sweep's .partial directory? rerun that shard)"
            } else {
                " (not a sweep output directory?)"
            };
            return Err(SweepError::Merge(format!(
                "{} has no {MANIFEST}{hint}",
                dir.display()
            )));
        }
        let manifest = Manifest::read(&path)?;
        let shard: Shard = manifest
            .shard
            .parse()
            .map_err(|e| SweepError::Merge(format!("{}: `shard`: {e}", path.display())))?;
        if !manifest.complete {
            return Err(SweepError::Merge(format!(
                "{} is an unfinished shard {shard} (interrupted?); rerun it",
                dir.display()
            )));
        }
        shards.push(ShardDir {
            shard,
            dir: dir.clone(),
            manifest,
        });
    }
    shards.sort_by_key(|s| s.shard.index);
    Ok(shards)
}

/// Checks that `shards` (in shard order) are the `N` shards of one sweep, each once.
fn check_complete_set(shards: &[ShardDir]) -> Result<(), SweepError> {
    let first = &shards[0];
    let n = first.shard.count;
    for other in &shards[1..] {
        if let Some(field) = first.manifest.differs_from(&other.manifest) {
            return Err(SweepError::Merge(format!(
                "{} and {} are shards of different sweeps (`{field}` differs in {MANIFEST})",
                first.dir.display(),
                other.dir.display()
            )));
        }
        if other.shard.count != n {
            return Err(SweepError::Merge(format!(
                "{} is shard {} but {} is shard {}: the shard counts differ",
                other.dir.display(),
                other.shard,
                first.dir.display(),
                first.shard
            )));
        }
    }
    for pair in shards.windows(2) {
        if pair[0].shard == pair[1].shard {
            return Err(SweepError::Merge(format!(
                "shard {} is given twice: {} and {}",
                pair[0].shard,
                pair[0].dir.display(),
                pair[1].dir.display()
            )));
        }
    }
    let present: Vec<u32> = shards.iter().map(|s| s.shard.index).collect();
    if let Some(message) = missing_shards(&present, n) {
        return Err(SweepError::Merge(message));
    }
    Ok(())
}

/// Ranges of shards shown in a "missing shards" message; the rest are counted.
const MISSING_RANGES_SHOWN: usize = 10;

/// The message for the shards of `1..=n` not in `present` (sorted, distinct), if any, as
/// ranges: computed from the shards given, never by listing `1..=n` (a shard made with
/// `--shard 1/4294967295` would otherwise build billions of strings).
fn missing_shards(present: &[u32], n: u32) -> Option<String> {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    let mut next = 1u32;
    for &k in present {
        if k > next {
            ranges.push((next, k - 1));
        }
        next = k.saturating_add(1);
    }
    if next <= n && present.last() != Some(&n) {
        ranges.push((next, n));
    }
    if ranges.is_empty() {
        return None;
    }
    let total: u64 = ranges.iter().map(|(a, b)| u64::from(b - a) + 1).sum();
    let mut shown: Vec<String> = ranges
        .iter()
        .take(MISSING_RANGES_SHOWN)
        .map(|&(a, b)| {
            if a == b {
                format!("{a}/{n}")
            } else {
                format!("{a}/{n} to {b}/{n}")
            }
        })
        .collect();
    if ranges.len() > MISSING_RANGES_SHOWN {
        shown.push(format!(
            "and {} more range{}",
            ranges.len() - MISSING_RANGES_SHOWN,
            if ranges.len() - MISSING_RANGES_SHOWN == 1 {
                ""
            } else {
                "s"
            }
        ));
    }
    Some(format!(
        "missing shard{} {} of {n}{}",
        if total == 1 { "" } else { "s" },
        shown.join(", "),
        if total > 1 {
            format!(" ({total} shards)")
        } else {
            String::new()
        }
    ))
}

/// Streams the shards' rows in run order into `dir`, checking each row is the run expected
/// there, and writes the summary, chart and manifest.
fn join_shards(
    dir: &Path,
    layout: &Layout,
    merged: &Manifest,
    base_seed: u64,
    readers: &mut [ShardReader],
) -> Result<(Vec<String>, Vec<PointStats>), SweepError> {
    let replications = layout.replications;
    let total = merged.runs as usize;
    let grid = layout.grid();
    let mut csv = CsvOut::create(&dir.join(SWEEP_CSV), &layout.sweep_header())?;
    let mut aggregate = Aggregate::new(layout);
    let n = readers.len();
    for i in 0..total {
        let run = RunId::new(i, replications, base_seed);
        let reader = &mut readers[i % n];
        let record = reader.next_record()?.ok_or_else(|| {
            SweepError::Merge(format!(
                "{} ends before run {i} (point {}, replication {}); was the shard cut short?",
                reader.path.display(),
                run.point,
                run.replication
            ))
        })?;
        let mut expected = vec![
            run.point.to_string(),
            run.replication.to_string(),
            run.seed.to_string(),
        ];
        expected.extend(grid[run.point].iter().cloned());
        if record[..expected.len()] != expected[..] {
            return Err(SweepError::Merge(format!(
                "{} line {}: expected run {i} ({}), found {}",
                reader.path.display(),
                reader.line,
                expected.join(","),
                record[..expected.len()].join(",")
            )));
        }
        aggregate.add(&record).map_err(|e| {
            SweepError::Merge(format!(
                "{} line {}: {e}",
                reader.path.display(),
                reader.line
            ))
        })?;
        csv.push(&record)?;
    }
    for reader in readers.iter_mut() {
        if reader.next_record()?.is_some() {
            return Err(SweepError::Merge(format!(
                "{} line {}: more rows than the shard's runs",
                reader.path.display(),
                reader.line
            )));
        }
    }
    csv.finish()?;
    let stats = aggregate.finish();
    let mut files = vec![SWEEP_CSV.to_string()];
    files.extend(write_summary_and_chart(dir, layout, &stats)?);
    merged.write(&dir.join(MANIFEST))?;
    files.push(MANIFEST.to_string());
    Ok((files, stats))
}

/// Whether two paths name the same existing directory.
fn same_dir(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn partial_dir_hint(dir: &Path) -> bool {
    dir.file_name()
        .is_some_and(|n| n.to_string_lossy().ends_with(".partial"))
}

/// Reads one shard's `sweep.csv`, checking its header.
struct ShardReader {
    path: PathBuf,
    records: csv::StringRecordsIntoIter<fs::File>,
    line: u64,
}

impl ShardReader {
    fn open(path: &Path, header: &[String]) -> Result<ShardReader, SweepError> {
        let file = fs::File::open(path).map_err(io_error(path))?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(file);
        let found = reader
            .headers()
            .map_err(|e| SweepError::Merge(format!("{}: {e}", path.display())))?
            .clone();
        if found.iter().ne(header.iter().map(String::as_str)) {
            return Err(SweepError::Merge(format!(
                "{}: the columns are not those of this sweep (written by another failsim \
                 version?)",
                path.display()
            )));
        }
        Ok(ShardReader {
            path: path.to_path_buf(),
            records: reader.into_records(),
            line: 1,
        })
    }

    fn next_record(&mut self) -> Result<Option<Vec<String>>, SweepError> {
        match self.records.next() {
            None => Ok(None),
            Some(Err(e)) => Err(SweepError::Merge(format!("{}: {e}", self.path.display()))),
            Some(Ok(r)) => {
                self.line += 1;
                Ok(Some(r.iter().map(str::to_string).collect()))
            }
        }
    }
}

#[cfg(test)]
mod missing_tests {
    use super::missing_shards;

    #[test]
    fn merge_of_a_huge_shard_count_listed_every_missing_shard() {
        assert_eq!(missing_shards(&[1, 2, 3], 3), None);
        assert_eq!(
            missing_shards(&[1, 3], 3).unwrap(),
            "missing shard 2/3 of 3"
        );
        let start = std::time::Instant::now();
        let m = missing_shards(&[1], u32::MAX).unwrap();
        assert!(start.elapsed().as_secs() < 1);
        assert_eq!(
            m,
            "missing shards 2/4294967295 to 4294967295/4294967295 of 4294967295 (4294967294 shards)"
        );
        let every_other: Vec<u32> = (1..=40).map(|k| 2 * k).collect();
        let m = missing_shards(&every_other, 81).unwrap();
        assert!(
            m.ends_with("19/81, and 31 more ranges of 81 (41 shards)"),
            "{m}"
        );
    }
}
