//! `failsim sensitivity`: each parameter alone between two bounds, ranked by its effect.

use super::args::{SensitivityArgs, VERSION};
use super::{default_out, json, show_progress, Failure, Source};
use failsim::decide::sensitivity::{
    sensitivity as run_sensitivity, Range, Sensitivity, CSV_HEADER,
};
use failsim::decide::show;
use failsim::output;
use serde_json::json;
use std::path::Path;
use std::time::Instant;

/// `failsim sensitivity`.
pub fn sensitivity(args: SensitivityArgs) -> Result<(), Failure> {
    let ranges = args
        .vary
        .iter()
        .map(|v| Range::parse(v))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Failure::error)?;
    let metric = failsim::sweep::parse_metric(&args.metric).map_err(Failure::error)?;
    let source = Source::read(&args.scenario)?;
    let out = args.out.clone().unwrap_or_else(|| {
        let mut label = args.set.clone();
        if let Some(seed) = args.runs.seed {
            label.push(format!("seed={seed}"));
        }
        default_out(&source.stem(), "-sensitivity", &label)
    });
    output::check_dir_destination(&out).map_err(Failure::error)?;
    let base = source.load(&args.set)?;
    let seed = args.runs.seed.unwrap_or(base.seed);
    let load = |extra: &[String]| -> Result<failsim::scenario::Scenario, String> {
        let mut set = args.set.clone();
        set.extend(extra.iter().cloned());
        failsim::scenario::load_str(&source.text, &source.label, &set).map_err(|e| {
            let text = e.to_string();
            match extra.first() {
                Some(a) => text.replace(&format!("--set {a}"), &format!("--vary {a}")),
                None => text,
            }
        })
    };
    // Every bound is checked before anything runs.
    for range in &ranges {
        for high in [false, true] {
            load(&[range.assignment(high)]).map_err(Failure::Usage)?;
        }
    }
    if show_progress(args.output.quiet || args.output.json) {
        eprintln!("varying {} parameters ...", ranges.len());
    }
    let started = Instant::now();
    let jobs = args.runs.threads();
    let result = run_sensitivity(
        &ranges,
        &metric,
        &load,
        (seed, args.runs.replications, jobs),
    )
    .map_err(Failure::error)?;
    let wall = started.elapsed().as_secs_f64();
    let formats = args.output.chart_formats();
    let subtitle = format!(
        "each parameter alone; {} replications per configuration, seeds {seed}.. shared",
        args.runs.replications
    );
    let files = output::write_atomically(
        &out,
        Box::new(|dir: &Path| {
            let mut names = vec![output::write_file(dir, "sensitivity.csv", |w| {
                write_csv(&result, w)
            })?];
            names.extend(failsim::decide::charts::write_tornado(
                &result, &base.name, &subtitle, dir, &formats,
            )?);
            Ok(names)
        }),
    )
    .map_err(Failure::error)?;
    if args.output.json {
        let effects: Vec<_> = result
            .effects
            .iter()
            .map(|e| {
                json!({
                    "path": e.range.path,
                    "low": e.range.low,
                    "high": e.range.high,
                    "low_mean": json::number(e.low.mean),
                    "high_mean": json::number(e.high.mean),
                    "swing": e.swing(),
                })
            })
            .collect();
        json::print(&json!({
            "format_version": json::FORMAT_VERSION,
            "failsim_version": VERSION,
            "scenario": args.scenario.display().to_string(),
            "metric": result.metric.to_string(),
            "seed": seed.to_string(),
            "replications": args.runs.replications,
            "base_mean": json::number(result.base.mean),
            "effects": effects,
            "runs": result.runs,
            "output": out.display().to_string(),
            "files": files,
        }));
    } else if !args.output.quiet {
        print!("{}", table(&result, seed, args.runs.replications));
        println!("output: {} ({})", out.display(), files.join(", "));
    }
    if !args.output.quiet {
        eprintln!("ran {} runs in {wall:.1} s", result.runs);
    }
    Ok(())
}

fn table(result: &Sensitivity, seed: u64, replications: u32) -> String {
    let m = result.metric.metric;
    let mean = |x: Option<f64>| x.map(|v| show(m, v, false)).unwrap_or_else(|| "-".into());
    let mut s = format!(
        "seed: {seed} (replication r uses seed {seed} + r in every configuration)\n\
         metric: {} (mean of {replications} replications); base {}\n",
        result.metric,
        mean(result.base.mean)
    );
    let mut rows = vec![[
        "rank".to_string(),
        "parameter".into(),
        "low -> high".into(),
        "at low".into(),
        "at high".into(),
        "swing".into(),
    ]];
    for (k, e) in result.effects.iter().enumerate() {
        rows.push([
            (k + 1).to_string(),
            e.range.path.clone(),
            format!("{} -> {}", e.range.low, e.range.high),
            mean(e.low.mean),
            mean(e.high.mean),
            show(m, e.swing(), true),
        ]);
    }
    let mut widths = [0usize; 6];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in &rows {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(k, (c, w))| {
                if k == 1 || k == 2 {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect();
        s += line.join("  ").trim_end();
        s.push('\n');
    }
    s
}

fn write_csv(result: &Sensitivity, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record(CSV_HEADER)?;
    for row in result.csv_rows() {
        csv.write_record(&row)?;
    }
    csv.flush()
}
