//! `failsim compare`: two configurations over the same replications.

use super::args::{CompareArgs, VERSION};
use super::{default_out, json, shell_join, show_progress, Failure, Source};
use failsim::decide::compare::{compare as run_compare, CompareOptions, Comparison, CSV_HEADER};
use failsim::expect::{self, ExpectationResult};
use failsim::html::{compare_report, fnv1a64_hex, ComparePage, Provenance};
use failsim::output;
use failsim::scenario::Scenario;
use serde_json::{json, Map, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// `failsim compare`.
pub fn compare(args: CompareArgs) -> Result<(), Failure> {
    require_a_difference(&args)?;
    let sides = Sides::load(&args)?;
    let seed = args.runs.seed.unwrap_or(sides.base.seed);
    let (comparison, wall) = run(&args, &sides, seed)?;
    let outcome = Outcome {
        seed,
        labels: Labels::of(&args, &sides.base_source, &sides.candidate_source),
        results: expect::evaluate(&sides.candidate.expectations, |m| {
            comparison.candidate.mean(m)
        }),
        comparison,
    };
    let files = write_files(&args, &sides, &outcome)?;
    if args.output.json {
        print_json(&args, &sides.out, &outcome, &files);
    } else if !args.output.quiet {
        print_text(&args, &sides.out, &outcome, &files);
    }
    if !args.output.quiet {
        eprintln!(
            "ran {} runs in {wall:.1} s",
            2 * u64::from(args.runs.replications)
        );
    }
    if outcome.results.iter().all(|r| r.passed) {
        Ok(())
    } else {
        Err(Failure::Expectations)
    }
}

/// Refuses a comparison of a scenario with itself: without a candidate file, the overrides
/// must make the two sides differ.
fn require_a_difference(args: &CompareArgs) -> Result<(), Failure> {
    if args.candidate.is_none() && args.set.is_empty() && args.base_set.is_empty() {
        return Err(Failure::error(
            "nothing to compare: give a CANDIDATE scenario, or --set overrides that make the \
             candidate differ from BASE (e.g. --set dns.ttl=300s)",
        ));
    }
    Ok(())
}

/// The two sides, as read and as loaded with their overrides, and where the results go.
struct Sides {
    base_source: Source,
    candidate_source: Source,
    base: Scenario,
    candidate: Scenario,
    out: PathBuf,
}

impl Sides {
    /// Reads both scenarios (the candidate is BASE again without a CANDIDATE), checks the
    /// output directory, then loads both: in that order, so an unusable destination is
    /// reported before any simulation-sized work.
    fn load(args: &CompareArgs) -> Result<Sides, Failure> {
        let base_source = Source::read(&args.base)?;
        let candidate_source = match &args.candidate {
            Some(path) => Source::read(path)?,
            None => Source::read(&args.base)?,
        };
        let out = args
            .out
            .clone()
            .unwrap_or_else(|| out_dir(args, &base_source, &candidate_source));
        output::check_dir_destination(&out).map_err(Failure::error)?;
        let base = base_source.load(&args.base_set)?;
        let candidate = candidate_source.load(&args.set)?;
        Ok(Sides {
            base_source,
            candidate_source,
            base,
            candidate,
            out,
        })
    }
}

/// Runs the replications of both sides, saying so on a terminal; returns the comparison and
/// the seconds it took.
fn run(args: &CompareArgs, sides: &Sides, seed: u64) -> Result<(Comparison, f64), Failure> {
    let options = CompareOptions {
        replications: args.runs.replications,
        seed,
        jobs: args.runs.threads(),
        charts: !args.output.no_charts,
    };
    if show_progress(args.output.quiet || args.output.json) {
        eprintln!(
            "comparing: {} replications of each side ...",
            args.runs.replications
        );
    }
    let started = Instant::now();
    let comparison =
        run_compare(&sides.base, &sides.candidate, &options).map_err(Failure::error)?;
    Ok((comparison, started.elapsed().as_secs_f64()))
}

/// What a comparison found, as the files and the terminal show it.
struct Outcome {
    seed: u64,
    labels: Labels,
    comparison: Comparison,
    /// The candidate's expectations, on its means over the replications.
    results: Vec<ExpectationResult>,
}

/// Writes compare.csv, the charts and report.html into the output directory, all or nothing;
/// returns the names written.
fn write_files(
    args: &CompareArgs,
    sides: &Sides,
    outcome: &Outcome,
) -> Result<Vec<String>, Failure> {
    let formats = args.output.chart_formats();
    let provenance = |source: &Source, set: &[String]| Provenance {
        scenario_path: source.label.clone(),
        scenario_hash: fnv1a64_hex(source.text.as_bytes()),
        scenario_text: Some(source.text.clone()),
        overrides: set.to_vec(),
        command: shell_join(std::env::args()),
    };
    let (base_provenance, candidate_provenance) = (
        provenance(&sides.base_source, &args.base_set),
        provenance(&sides.candidate_source, &args.set),
    );
    let (labels, comparison, name) = (&outcome.labels, &outcome.comparison, &sides.candidate.name);
    output::write_atomically(
        &sides.out,
        Box::new(|dir: &Path| {
            let mut names = vec![output::write_file(dir, "compare.csv", |w| {
                write_csv(comparison, w)
            })?];
            let (charts, svgs) = failsim::decide::charts::write_compare_charts(
                comparison,
                (&labels.base_short, &labels.candidate_short),
                name,
                dir,
                (&formats, !args.output.no_charts),
            )?;
            names.extend(charts);
            let html = compare_report(&ComparePage {
                scenario_name: name,
                seed: outcome.seed,
                sides: (&labels.base, &labels.candidate),
                comparison,
                expectations: &outcome.results,
                charts: svgs,
                provenance: (&base_provenance, &candidate_provenance),
            });
            names.push(output::write_file(dir, "report.html", |w| {
                w.write_all(html.as_bytes())
            })?);
            Ok(names)
        }),
    )
    .map_err(Failure::error)
}

/// `--json`: the comparison as one JSON document on stdout.
fn print_json(args: &CompareArgs, out: &Path, outcome: &Outcome, files: &[String]) {
    let results = &outcome.results;
    let mut doc = Map::new();
    doc.insert("format_version".into(), json!(json::FORMAT_VERSION));
    doc.insert("failsim_version".into(), json!(VERSION));
    doc.insert("base".into(), json!(outcome.labels.base));
    doc.insert("candidate".into(), json!(outcome.labels.candidate));
    doc.insert("seed".into(), json!(outcome.seed.to_string()));
    doc.insert("replications".into(), json!(args.runs.replications));
    doc.insert("metrics".into(), metrics_json(&outcome.comparison));
    doc.insert("expectations".into(), json::expectations(results));
    doc.insert("passed".into(), json!(results.iter().all(|r| r.passed)));
    doc.insert("output".into(), json!(out.display().to_string()));
    doc.insert("files".into(), json!(files));
    json::print(&Value::Object(doc));
}

/// The comparison for the person at the terminal: the seed, both sides, the table, the
/// candidate's expectations and where the files are.
fn print_text(args: &CompareArgs, out: &Path, outcome: &Outcome, files: &[String]) {
    let (seed, r) = (outcome.seed, args.runs.replications);
    println!("seed: {seed} (replication r uses seed {seed} + r on both sides)");
    println!("base: {}", outcome.labels.base);
    println!("candidate: {}", outcome.labels.candidate);
    println!("replications: {r} per side");
    print!("{}", outcome.comparison.table());
    for result in &outcome.results {
        println!(
            "candidate expectation {}: {} (mean over {r} replications)",
            if result.passed { "holds" } else { "FAILS" },
            result.message
        );
    }
    println!("output: {} ({})", out.display(), files.join(", "));
}

/// How each side is named: the file and its overrides in full, and briefly for legends
/// (the file stem when the files differ, else the overrides alone).
struct Labels {
    base: String,
    candidate: String,
    base_short: String,
    candidate_short: String,
}

impl Labels {
    fn of(args: &CompareArgs, base: &Source, candidate: &Source) -> Labels {
        let name = |source: &Source, set: &[String]| {
            let mut label = source.label.clone();
            for s in set {
                label += &format!(" --set {s}");
            }
            label
        };
        let short = |source: &Source, set: &[String], fallback: &str| {
            let mut words: Vec<String> = Vec::new();
            if args.candidate.is_some() {
                words.push(source.stem());
            }
            words.extend(set.iter().map(|s| format!("--set {s}")));
            if words.is_empty() {
                fallback.to_string()
            } else {
                words.join(" ")
            }
        };
        Labels {
            base: name(base, &args.base_set),
            candidate: name(candidate, &args.set),
            base_short: short(base, &args.base_set, "base (as written)"),
            candidate_short: short(candidate, &args.set, "candidate"),
        }
    }
}

/// `output/<base stem>-compare--<candidate stem or overrides>`.
fn out_dir(args: &CompareArgs, base: &Source, candidate: &Source) -> PathBuf {
    let mut label: Vec<String> = args.base_set.iter().map(|s| format!("base.{s}")).collect();
    if args.candidate.is_some() {
        label.push(candidate.stem());
    }
    label.extend(args.set.iter().cloned());
    if let Some(seed) = args.runs.seed {
        label.push(format!("seed={seed}"));
    }
    default_out(&base.stem(), "-compare", &label)
}

fn write_csv(comparison: &Comparison, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record(CSV_HEADER)?;
    for row in comparison.csv_rows() {
        csv.write_record(&row)?;
    }
    csv.flush()
}

fn metrics_json(comparison: &Comparison) -> Value {
    let mut map = Map::new();
    for m in &comparison.metrics {
        map.insert(
            m.metric.to_string(),
            json!({
                "base_mean": json::number(m.base.mean),
                "candidate_mean": json::number(m.candidate.mean),
                "difference_mean": json::number(m.paired.mean),
                "difference_ci95_low": json::number(m.paired.ci95.map(|c| c.0)),
                "difference_ci95_high": json::number(m.paired.ci95.map(|c| c.1)),
                "independent_ci95_low": json::number(m.independent_ci95.map(|c| c.0)),
                "independent_ci95_high": json::number(m.independent_ci95.map(|c| c.1)),
                "pairs": m.paired.n,
                "significant": m.significant(),
            }),
        );
    }
    Value::Object(map)
}
