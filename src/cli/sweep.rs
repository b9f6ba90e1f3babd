//! `failsim sweep` and `failsim merge`.

use super::args::{MergeArgs, SweepArgs, VERSION};
use super::{default_out, json, show_progress, Failure, Source};
use failsim::sweep::{self, Shard, Sweep, SweepOptions, SweepOutcome, Vary};
use serde_json::{json, Map, Value};
use std::time::Instant;

/// `failsim sweep`.
pub fn sweep(args: SweepArgs) -> Result<(), Failure> {
    if let Some(spec) = &args.find {
        return super::seek::find(&args, spec);
    }
    let vary = args
        .vary
        .iter()
        .map(|v| Vary::parse(v))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Failure::error)?;
    let metric = sweep::parse_metric(&args.metric).map_err(Failure::error)?;
    let shard = args.shard.unwrap_or(Shard::WHOLE);
    let source = Source::read(&args.scenario)?;
    let out = args.out.clone().unwrap_or_else(|| {
        let suffix = if shard.is_whole() {
            "-sweep".to_string()
        } else {
            format!("-sweep-shard-{}-of-{}", shard.index, shard.count)
        };
        let mut label = args.set.clone();
        if let Some(seed) = args.runs.seed {
            label.push(format!("seed={seed}"));
        }
        default_out(&source.stem(), &suffix, &label)
    });
    failsim::output::check_dir_destination(&out).map_err(Failure::error)?;
    let mut options = SweepOptions::new(&args.scenario, source.text);
    options.set = args.set.clone();
    options.vary = vary;
    options.replications = args.runs.replications;
    options.seed = args.runs.seed;
    options.jobs = args.runs.threads();
    options.shard = shard;
    options.metric = metric;
    options.formats = args.output.chart_formats();
    options.progress = show_progress(args.output.quiet || args.output.json);
    let plan = Sweep::plan(options).map_err(Failure::error)?;
    let started = Instant::now();
    let outcome = plan.execute(&out).map_err(Failure::error)?;
    let wall = started.elapsed().as_secs_f64();
    let base = plan.base_seed();
    let name = &plan.points()[0].scenario.name;
    if args.output.json {
        let mut doc = outcome_json(&outcome);
        doc.insert(
            "scenario".into(),
            json!(args.scenario.display().to_string()),
        );
        doc.insert("scenario_name".into(), json!(name));
        doc.insert("seed".into(), json!(base.to_string()));
        doc.insert("replications".into(), json!(args.runs.replications));
        doc.insert("set".into(), json!(args.set));
        json::print(&Value::Object(doc));
    } else if !args.output.quiet {
        let r = args.runs.replications;
        println!("seed: {base} (replication r uses seed {base} + r at every point)");
        println!("scenario: {name}");
        println!(
            "runs: {} ({} point{} x {r} replication{})",
            outcome.total_runs,
            plan.points().len(),
            if plan.points().len() == 1 { "" } else { "s" },
            if r == 1 { "" } else { "s" }
        );
        print_outcome(&outcome);
    }
    if !args.output.quiet {
        eprintln!(
            "ran {} runs in {wall:.1} s ({:.1} runs/s)",
            outcome.runs,
            outcome.runs as f64 / wall.max(1e-9)
        );
    }
    Ok(())
}

/// The fields a sweep's and a merge's JSON documents share.
fn outcome_json(outcome: &SweepOutcome) -> Map<String, Value> {
    let names: Vec<&str> = sweep::metrics().map(|m| m.name()).collect();
    let points: Vec<Value> = outcome
        .points
        .iter()
        .map(|p| {
            let mut values = Map::new();
            for (path, v) in outcome.vary.iter().zip(&p.values) {
                values.insert(path.clone(), json!(v));
            }
            let mut metrics = Map::new();
            for (name, s) in names.iter().zip(&p.metrics) {
                metrics.insert(
                    name.to_string(),
                    json!({
                        "n": s.n,
                        "mean": json::number(s.mean),
                        "ci95_low": json::number(s.ci95.map(|c| c.0)),
                        "ci95_high": json::number(s.ci95.map(|c| c.1)),
                    }),
                );
            }
            json!({"point": p.point, "values": values, "runs": p.runs, "metrics": metrics})
        })
        .collect();
    let mut doc = Map::new();
    doc.insert("format_version".into(), json!(json::FORMAT_VERSION));
    doc.insert("failsim_version".into(), json!(VERSION));
    doc.insert("shard".into(), json!(outcome.shard.to_string()));
    doc.insert("runs".into(), json!(outcome.runs));
    doc.insert("total_runs".into(), json!(outcome.total_runs));
    doc.insert("metric".into(), json!(outcome.metric.to_string()));
    doc.insert("expect_min".into(), json!(outcome.expect_min));
    doc.insert("expect_max".into(), json!(outcome.expect_max));
    doc.insert("vary".into(), json!(outcome.vary));
    doc.insert("points".into(), Value::Array(points));
    doc.insert("output".into(), json!(outcome.out.display().to_string()));
    doc.insert("files".into(), json!(outcome.files));
    doc
}

/// `failsim merge`.
pub fn merge(args: MergeArgs) -> Result<(), Failure> {
    let outcome = sweep::merge(&args.shards, &args.out).map_err(Failure::error)?;
    if !args.quiet {
        println!(
            "merged {} shard director{} ({} runs)",
            args.shards.len(),
            if args.shards.len() == 1 { "y" } else { "ies" },
            outcome.runs
        );
        print_outcome(&outcome);
    }
    Ok(())
}

fn print_outcome(outcome: &SweepOutcome) {
    if outcome.shard.is_whole() {
        print!("{}", outcome.table());
    } else {
        println!(
            "shard {}: {} of {} runs; when every shard is done: failsim merge <the {} shard \
             directories> --out DIR",
            outcome.shard, outcome.runs, outcome.total_runs, outcome.shard.count
        );
    }
    println!(
        "output: {} ({})",
        outcome.out.display(),
        outcome.files.join(", ")
    );
}
