//! The `failsim` command: parse arguments, then load -> simulate -> export -> expectations ->
//! exit code. Exit codes: 0 ran and every expectation held; 1 an expectation failed; 2 bad
//! usage, invalid scenario or I/O error; 3 internal error (a bug).

use clap::{Args, Parser, Subcommand};
use failsim::chart::ImageFormat;
use failsim::model::{simulate, RunOptions};
use failsim::scenario::{self, LoadError, Scenario};
use failsim::sweep::{self, Shard, Sweep, SweepError, SweepOptions, Vary};
use failsim::time::format_ms;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "failsim",
    version,
    about = "Deterministic simulator of DNS-based cross-Region failover for Amazon WorkSpaces",
    long_about = "failsim replays a scenario (Regions, faults, Route 53 health checks and failover records, \
resolvers and client caches, WorkSpaces clients and their users) through a seeded discrete-event \
simulation and reports per-user downtime and redirection timelines as CSV files and charts. \
Sweeps run parameter grids on all cores (or sharded across machines) for capacity planning; \
[[expect]] bounds turn a scenario into a CI regression test.\n\n\
Same scenario + same seed -> byte-identical output files.",
    after_help = "Exit codes: 0 ran and every expectation held, 1 an expectation failed, \
2 bad usage / invalid scenario / I/O error, 3 internal error.\n\n\
Example: failsim run scenarios/workspaces-failover.toml --set dns.ttl=300s"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Simulate a scenario; write summary.csv, users.csv, timeline.csv, series.csv and charts.
    Run(RunArgs),
    /// Validate and lint scenarios without simulating (exit 2 if any is invalid).
    Check(CheckArgs),
    /// After one answer change under a steady lookup stream: share of lookups still given the
    /// old answer, per second for 5 minutes, then per minute to 1 hour (CSV).
    Staleness(StalenessArgs),
    /// Run a scenario over a grid of parameter values x replications, in parallel; write
    /// sweep.csv (one row per run), sweep_summary.csv (mean and 95 % confidence interval per
    /// point) and a chart.
    #[command(after_help = SWEEP_HELP)]
    Sweep(SweepArgs),
    /// Join the output directories of a sweep run in shards (--shard K/N) into exactly the
    /// files one machine would have written.
    Merge(MergeArgs),
    /// Print the JSON Schema of the scenario format (for editor completion and validation).
    Schema {
        /// Print the key reference as markdown table rows instead (as in the README).
        #[arg(long)]
        markdown: bool,
    },
}

#[derive(Args)]
struct RunArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Master seed (overrides `scenario.seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Output directory [default: output/<scenario file stem>]. Replaced atomically; never a
    /// directory failsim did not write.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Override one scenario value, e.g. `dns.ttl=30s`, `users.staff.count=5000`,
    /// `event.outage.duration=2h` (arrays of tables are addressed by `name`). Repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Users whose every client state change is written to timeline.csv (spread evenly).
    #[arg(long, value_name = "N", default_value_t = 12)]
    trace_users: u32,
    /// Chart image format.
    #[arg(long, value_enum, default_value_t = ChartFormat::Both)]
    format: ChartFormat,
    /// Write no charts (CSV only; fastest).
    #[arg(long)]
    no_charts: bool,
    /// Also write the `[[expect]]` results as JUnit XML to FILE (one test case per
    /// expectation; failures carry the value, the bound and the reproduce command), for CI.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Print nothing on stdout (errors still go to stderr).
    #[arg(long, short)]
    quiet: bool,
}

const SWEEP_HELP: &str = "\
Grid: the Cartesian product of every --vary, the first one outermost; points are numbered \
from 0 in that order. Each point runs R replications; replication r uses seed SEED + r at \
every point (common random numbers: differences between points come from the parameters, \
not from noise). Any row of sweep.csv is reproduced by `failsim run` with its seed and the \
point's values as --set.

Files: sweep.csv (point, replication, seed, one column per --vary, every summary metric), \
sweep_summary.csv (per point: runs, then <metric>_mean, _ci95_low, _ci95_high, _n), \
sweep.svg/png, sweep-manifest.toml. The directory appears when the sweep is complete; until \
then rows are appended in run order to <DIR>.partial/sweep.csv, so an interrupted sweep \
keeps every run up to the first unfinished one. Files never depend on --jobs.

Exit codes: 0 the sweep ran ([[expect]] bounds are shown, not enforced), 2 bad usage, \
invalid scenario or value, or I/O error, 3 internal error.

Examples:
  failsim sweep scenarios/capacity-planning.toml \\
      --vary region.us-east-1.launch_concurrency=50,100,150,200,250,300,400 \\
      --vary users.staff.failover_workspaces=0.95,0.97,1.0 --replications 10
  failsim sweep s.toml --vary dns.ttl=30s,60s,300s --shard 3/8 --out shards/3
  failsim merge shards/* --out output/s-sweep";

/// `failsim sweep`.
#[derive(Args)]
struct SweepArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// A scenario value and the values it takes: PATH=V1,V2,... (PATH as for --set; each
    /// value is applied like --set PATH=V). Repeatable: the sweep runs every combination.
    /// Commas inside [...], {...} or quotes do not split values. Without --vary the sweep
    /// replicates the scenario as it is.
    #[arg(long, value_name = "PATH=V1,V2,...")]
    vary: Vec<String>,
    /// Runs per grid point (replication r uses seed SEED + r at every point).
    #[arg(long, short = 'r', value_name = "R", default_value_t = sweep::DEFAULT_REPLICATIONS,
          value_parser = clap::value_parser!(u32).range(1..))]
    replications: u32,
    /// Seed of replication 0 [default: the scenario's `seed`].
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads [default: one per core]. The files do not depend on it.
    #[arg(long, short = 'j', value_name = "J", value_parser = clap::value_parser!(u64).range(1..))]
    jobs: Option<u64>,
    /// Run only share K of N (1-based K): the runs i with i % N == K - 1. For batch
    /// schedulers; join the N output directories with `failsim merge`. A shard writes only
    /// sweep.csv and sweep-manifest.toml.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<Shard>,
    /// Output directory [default: output/<scenario file stem>-sweep, or
    /// output/<stem>-sweep-shard-K-of-N with --shard]. Replaced only by a finished sweep;
    /// never a directory failsim did not write.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Override one scenario value at every point (as for `run`). Repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Summary metric to chart (against the first --vary) and to tabulate on stdout.
    #[arg(long, value_name = "NAME", default_value = sweep::DEFAULT_METRIC.name())]
    metric: String,
    /// Chart image format.
    #[arg(long, value_enum, default_value_t = ChartFormat::Both)]
    format: ChartFormat,
    /// Write no chart.
    #[arg(long)]
    no_charts: bool,
    /// Print nothing on stdout and draw no progress bar (errors still go to stderr).
    #[arg(long, short)]
    quiet: bool,
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    s.parse()
}

/// `failsim merge`.
#[derive(Args)]
struct MergeArgs {
    /// The output directories of all N shards (`failsim sweep --shard K/N`), in any order.
    #[arg(required = true, value_name = "SHARD_DIR")]
    shards: Vec<PathBuf>,
    /// Output directory: receives exactly the files one unsharded sweep would have written.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Print nothing on stdout (errors still go to stderr).
    #[arg(long, short)]
    quiet: bool,
}

/// `--format` values.
#[derive(Clone, Copy, clap::ValueEnum)]
enum ChartFormat {
    /// PNG only (1600 px wide, for slides).
    Png,
    /// SVG only (scalable, for documents).
    Svg,
    /// Both PNG and SVG.
    Both,
}

impl ChartFormat {
    fn formats(self) -> Vec<ImageFormat> {
        match self {
            ChartFormat::Png => vec![ImageFormat::Png],
            ChartFormat::Svg => vec![ImageFormat::Svg],
            ChartFormat::Both => vec![ImageFormat::Svg, ImageFormat::Png],
        }
    }
}

#[derive(Args)]
struct CheckArgs {
    /// Scenario files (TOML).
    #[arg(required = true)]
    scenarios: Vec<PathBuf>,
    /// Override scenario values before validating (as for `run`).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
}

#[derive(Args)]
struct StalenessArgs {
    /// Resolver population whose instances answer the lookups (allowed: internet).
    #[arg(long, value_name = "NAME")]
    population: String,
    /// Record TTL, e.g. `20s`, `5m`.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_ms)]
    ttl: u64,
    /// Resolver instances drawn from the population.
    #[arg(long, value_name = "N", default_value_t = failsim::staleness::DEFAULT_INSTANCES)]
    instances: u32,
    /// Lookups per second over all instances (each instance gets rate / instances).
    #[arg(long, value_name = "PER_SECOND", default_value_t = failsim::staleness::DEFAULT_RATE_PER_SECOND)]
    rate: f64,
    /// Master seed.
    #[arg(long, default_value_t = failsim::staleness::DEFAULT_SEED)]
    seed: u64,
    /// CSV file to write (replaced atomically) [default: stdout].
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

fn parse_duration_ms(text: &str) -> Result<u64, String> {
    failsim::time::parse_duration(text).map(|d| d.ms())
}

/// `failsim staleness`: the curve as CSV on stdout or in `--out`; the seed on stderr (stdout
/// may be the CSV itself).
fn staleness(args: StalenessArgs) -> Result<(), Failure> {
    use failsim::staleness::{staleness_curve, write_csv, StalenessParams};
    let params = StalenessParams {
        population: args.population,
        ttl_ms: args.ttl,
        instances: args.instances,
        rate_per_second: args.rate,
        seed: args.seed,
    };
    eprintln!("seed: {}", params.seed);
    let rows = staleness_curve(&params).map_err(|e| Failure::Usage(format!("error: {e}")))?;
    let Some(path) = &args.out else {
        return write_csv(&rows, std::io::stdout().lock())
            .map_err(|e| Failure::Usage(format!("error: cannot write stdout: {e}")));
    };
    failsim::output::write_file_atomically(path, |w| write_csv(&rows, w))
        .map_err(|e| Failure::Usage(format!("error: {e}")))?;
    let share = |ms: u64| {
        rows.iter()
            .find(|r| r.since_change_ms == ms)
            .and_then(|r| r.stale_share)
            .map_or_else(|| "n/a".to_string(), |s| format!("{:.1} %", 100.0 * s))
    };
    println!(
        "stale lookups after the change: {} at 60 s, {} at 15 min, {} at 1 h",
        share(60_000),
        share(900_000),
        share(3_600_000)
    );
    println!("output: {}", path.display());
    Ok(())
}

/// A failure that decides the exit code.
enum Failure {
    Usage(String),
    Expectations,
}

fn main() -> ExitCode {
    install_panic_hook();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(a) => run(a),
        Command::Check(a) => check(a),
        Command::Sweep(a) => sweep(a),
        Command::Merge(a) => merge(a),
        Command::Staleness(a) => staleness(a),
        Command::Schema { markdown } => {
            if markdown {
                print!("{}", scenario::reference::markdown_rows());
            } else {
                print!("{}", scenario::json_schema());
            }
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Expectations) => ExitCode::from(1),
        Err(Failure::Usage(msg)) => {
            eprintln!("{msg}");
            ExitCode::from(2)
        }
    }
}

/// A panic is a bug: say so, with how to reproduce it, and exit 3 (never a backtrace for bad
/// input — bad input never panics).
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        if failsim::guard::is_catching() {
            return; // a dependency's panic on bad input, reported as invalid input
        }
        let args: Vec<String> = std::env::args().collect();
        eprintln!("failsim: internal error: {info}");
        eprintln!("this is a bug in failsim; please report it with the scenario file.");
        eprintln!("reproduce: {}", args.join(" "));
        std::process::exit(3);
    }));
}

fn load(path: &Path, set: &[String]) -> Result<Scenario, Failure> {
    scenario::load(path, set).map_err(|e| match e {
        LoadError::Invalid(_) => Failure::Usage(e.to_string()),
        other => Failure::Usage(format!("error: {other}")),
    })
}

fn check(args: CheckArgs) -> Result<(), Failure> {
    let mut failed = Vec::new();
    for path in &args.scenarios {
        match load(path, &args.set) {
            Ok(m) => {
                let lints = failsim::scenario::lint::lint(&m);
                for l in &lints {
                    println!("{}: {l}", path.display());
                }
                println!(
                    "{}: ok ({} users, {} events, {} warning{})",
                    path.display(),
                    m.user_count(),
                    m.events.len(),
                    lints.len(),
                    if lints.len() == 1 { "" } else { "s" }
                );
            }
            Err(Failure::Usage(msg)) => {
                eprintln!("{msg}");
                failed.push(path.display().to_string());
            }
            Err(Failure::Expectations) => unreachable!("check runs no expectations"),
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::Usage(format!("invalid: {}", failed.join(", "))))
    }
}

fn default_out(scenario: &Path, suffix: &str) -> PathBuf {
    let stem = scenario
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    Path::new("output").join(format!("{stem}{suffix}"))
}

fn run(args: RunArgs) -> Result<(), Failure> {
    let model = load(&args.scenario, &args.set)?;
    // Lints once, on stderr: stdout stays the story (scripts read it).
    for l in failsim::scenario::lint::lint(&model) {
        eprintln!("{}: {l}", args.scenario.display());
    }
    let seed = args.seed.unwrap_or(model.seed);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out(&args.scenario, ""));
    let reproduce = format!(
        "failsim run {} --seed {seed}{}",
        args.scenario.display(),
        args.set
            .iter()
            .map(|s| format!(" --set {s}"))
            .collect::<String>()
    );
    let progress = std::io::stderr().is_terminal() && !args.quiet;
    if progress {
        eprintln!(
            "simulating {} users for {} ...",
            model.user_count(),
            format_ms(model.duration_ms)
        );
    }
    let started = Instant::now();
    let report = simulate(
        &model,
        &RunOptions {
            seed,
            trace_users: args.trace_users,
        },
    );
    let sim_wall = started.elapsed();
    let files = failsim::output::write_atomically(
        &out,
        Box::new(|dir: &Path| {
            let mut names = failsim::output::write_csvs(&report, dir)?;
            if !args.no_charts {
                names.extend(failsim::output::write_charts(
                    &report,
                    dir,
                    &args.format.formats(),
                )?);
            }
            Ok(names)
        }),
    )
    .map_err(|e| Failure::Usage(format!("error: {e}")))?;
    if !args.quiet {
        print!(
            "{}",
            failsim::report::story::story(&report, &out.display().to_string(), &files)
        );
    }
    let events = report.control.events_processed;
    eprintln!(
        "simulated {} events in {:.3} s ({:.1} M events/s); total {:.3} s",
        events,
        sim_wall.as_secs_f64(),
        events as f64 / sim_wall.as_secs_f64().max(1e-9) / 1e6,
        started.elapsed().as_secs_f64()
    );
    let results = failsim::expect::evaluate(&model.expectations, &report.summary);
    if let Some(path) = &args.junit {
        let xml = failsim::expect::junit_xml(&model.name, &results, &reproduce);
        std::fs::write(path, xml)
            .map_err(|e| Failure::Usage(format!("error: cannot write {}: {e}", path.display())))?;
    }
    let failed: Vec<_> = results.iter().filter(|r| !r.passed).collect();
    if failed.is_empty() {
        return Ok(());
    }
    for f in &failed {
        eprintln!("expectation failed: {}", f.message);
    }
    eprintln!("reproduce: {reproduce}");
    Err(Failure::Expectations)
}

/// Renders a sweep error for stderr (exit 2), `error:`-prefixed like `run`'s.
fn sweep_failure(e: SweepError) -> Failure {
    let text = e.to_string();
    if text.starts_with("error") {
        Failure::Usage(text)
    } else {
        Failure::Usage(format!("error: {text}"))
    }
}

fn sweep(args: SweepArgs) -> Result<(), Failure> {
    let text = scenario::read_text(&args.scenario).map_err(|e| match e {
        LoadError::Invalid(_) => Failure::Usage(e.to_string()),
        other => Failure::Usage(format!("error: {other}")),
    })?;
    let vary = args
        .vary
        .iter()
        .map(|v| Vary::parse(v))
        .collect::<Result<Vec<_>, _>>()
        .map_err(sweep_failure)?;
    let metric = sweep::parse_metric(&args.metric).map_err(sweep_failure)?;
    let shard = args.shard.unwrap_or(Shard::WHOLE);
    let out = args.out.clone().unwrap_or_else(|| {
        let suffix = if shard.is_whole() {
            "-sweep".to_string()
        } else {
            format!("-sweep-shard-{}-of-{}", shard.index, shard.count)
        };
        default_out(&args.scenario, &suffix)
    });
    let mut options = SweepOptions::new(&args.scenario, text);
    options.set = args.set.clone();
    options.vary = vary;
    options.replications = args.replications;
    options.seed = args.seed;
    options.jobs = args.jobs.map_or(0, |j| j as usize);
    options.shard = shard;
    options.metric = metric;
    options.formats = if args.no_charts {
        Vec::new()
    } else {
        args.format.formats()
    };
    options.progress = std::io::stderr().is_terminal() && !args.quiet;
    let plan = Sweep::plan(options).map_err(sweep_failure)?;
    let started = Instant::now();
    let outcome = plan.execute(&out).map_err(sweep_failure)?;
    let wall = started.elapsed().as_secs_f64();
    if !args.quiet {
        let r = args.replications;
        let base = plan.base_seed();
        println!("seed: {base} (replication r uses seed {base} + r at every point)");
        println!("scenario: {}", plan.points()[0].scenario.name);
        println!(
            "runs: {} ({} point{} x {r} replication{})",
            outcome.total_runs,
            plan.points().len(),
            if plan.points().len() == 1 { "" } else { "s" },
            if r == 1 { "" } else { "s" }
        );
        print_sweep_outcome(&outcome);
    }
    eprintln!(
        "ran {} runs in {wall:.1} s ({:.1} runs/s)",
        outcome.runs,
        outcome.runs as f64 / wall.max(1e-9)
    );
    Ok(())
}

fn merge(args: MergeArgs) -> Result<(), Failure> {
    let outcome = sweep::merge(&args.shards, &args.out).map_err(sweep_failure)?;
    if !args.quiet {
        println!(
            "merged {} shard director{} ({} runs)",
            args.shards.len(),
            if args.shards.len() == 1 { "y" } else { "ies" },
            outcome.runs
        );
        print_sweep_outcome(&outcome);
    }
    Ok(())
}

fn print_sweep_outcome(outcome: &sweep::SweepOutcome) {
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
