//! The command line as clap defines it: every subcommand, flag and help text. Completions and
//! the man page are generated from this one definition.

use clap::{Args, Parser, Subcommand};
use failsim::chart::ImageFormat;
use failsim::sweep::{self, Shard};
use std::path::PathBuf;

/// The command line, as clap parses it.
#[derive(Parser)]
#[command(
    name = "failsim",
    version = VERSION,
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
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// `--version`: the package version, and the git commit when built from a checkout
/// (`build.rs` sets `FAILSIM_VERSION_LONG`; a build from a source archive has no commit).
pub const VERSION: &str = env!("FAILSIM_VERSION_LONG");

/// `run --trace-users` when not given.
pub const DEFAULT_TRACE_USERS: u32 = 12;

/// The subcommands.
#[derive(Subcommand)]
pub enum Command {
    /// Simulate a scenario; write summary.csv, users.csv, timeline.csv, series.csv and charts.
    Run(RunArgs),
    /// Validate and lint scenarios without simulating (exit 2 if any is invalid; with
    /// --deny-warnings, exit 1 if any has a warning).
    Check(CheckArgs),
    /// After one answer change under a steady lookup stream: share of lookups still given the
    /// old answer, per second for 5 minutes, then per minute to 1 hour (CSV).
    Staleness(StalenessArgs),
    /// Run a scenario over a grid of parameter values x replications, in parallel; write
    /// sweep.csv (one row per run), sweep_summary.csv (mean and 95 % confidence interval per
    /// point) and a chart.
    #[command(after_help = SWEEP_HELP)]
    Sweep(SweepArgs),
    /// Compare two configurations over the same replications (common random numbers):
    /// paired differences with 95 % confidence intervals; compare.csv and overlaid charts.
    #[command(after_help = COMPARE_HELP,
              mut_arg("seed", |a| a.help("Seed of replication 0 [default: BASE's `seed`]")))]
    Compare(CompareArgs),
    /// Vary each parameter alone between two bounds and rank the parameters by their
    /// effect on a metric; sensitivity.csv and a tornado chart.
    #[command(after_help = SENSITIVITY_HELP)]
    Sensitivity(SensitivityArgs),
    /// Join the output directories of a sweep run in shards (--shard K/N) into exactly the
    /// files one machine would have written.
    Merge(MergeArgs),
    /// Build a scenario from AWS CLI JSON outputs (route53 list-resource-record-sets,
    /// list-health-checks / get-health-check, cloudwatch describe-alarms, workspaces
    /// describe-connection-aliases / describe-workspace-directories / describe-workspaces).
    Import(ImportArgs),
    /// Print the JSON Schema of the scenario format (for editor completion and validation).
    Schema {
        /// Print the key reference as a markdown table instead (as in the README).
        #[arg(long)]
        markdown: bool,
    },
    /// Print a shell completion script, e.g. `failsim completions bash >
    /// ~/.local/share/bash-completion/completions/failsim`.
    Completions {
        /// Shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `failsim man > ~/.local/share/man/man1/failsim.1`.
    Man,
}

/// `failsim run`.
#[derive(Args)]
pub struct RunArgs {
    /// Scenario file (TOML); `-` reads it from standard input.
    pub scenario: PathBuf,
    /// Master seed (overrides `scenario.seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output directory [default: output/<scenario file stem>, or
    /// output/<stem>--<overrides> with --set or --seed, so an overridden run never replaces
    /// the baseline]. Replaced atomically; never a directory failsim did not write.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Override one scenario value, e.g. `dns.ttl=30s`, `users.staff.count=5000`,
    /// `event.outage.duration=2h` (arrays of tables are addressed by `name`). Repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Users whose every client state change is written to timeline.csv (spread evenly),
    /// plus one user of each cohort none of them is in.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_TRACE_USERS)]
    pub trace_users: u32,
    /// Threads the simulation may use [default: one per core]. The files do not depend on
    /// it; scenarios whose users are coupled (a launch capacity, a metric of users, one
    /// shared resolver) run on one thread, and the timing line on stderr says why.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub threads: Option<u64>,
    /// Chart image format.
    #[arg(long, value_enum, default_value_t = ChartFormat::Both)]
    pub format: ChartFormat,
    /// Write no charts (CSV only; fastest).
    #[arg(long)]
    pub no_charts: bool,
    /// File format of the per-user table: `users.csv`, or `users.parquet` (same columns,
    /// typed, for pandas, DuckDB or Polars).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = UsersFormatArg::Csv)]
    pub users_format: UsersFormatArg,
    /// Time span of the timeline and swimlane charts, as durations since scenario start,
    /// e.g. `0..6h` for the whole run or `50m..2h` [default: the incident, from the first
    /// fault to full recovery with a margin].
    #[arg(long, value_name = "START..END", value_parser = failsim::report::views::Window::parse)]
    pub window: Option<failsim::report::views::Window>,
    /// Also write the `[[expect]]` results as JUnit XML to FILE (one test case per
    /// expectation; failures carry the value, the bound and the reproduce command), for CI.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Print one JSON document on stdout instead of the story (fields in the README).
    #[arg(long)]
    pub json: bool,
    /// Print nothing but errors: no story, lints, progress or timing.
    #[arg(long, short)]
    pub quiet: bool,
    /// Run even when the run's estimated memory exceeds the memory available.
    #[arg(long)]
    pub ignore_memory_estimate: bool,
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

Goal-seek (--find PATH=LOW..HIGH): bisection for the smallest (--largest: largest) value whose \
means over R replications meet every [[expect]]; the same seeds at every value. The upper end \
must meet them (else exit 1: nothing in the bracket does) and the lower end is tried first. \
--verify K more values spread over the bracket check that the response is monotone; values on \
the wrong side of the boundary are reported. The answer comes with every value evaluated, the \
runs at the boundary and whether each bound holds at 97.5 % one-sided confidence.

Examples:
  failsim sweep scenarios/capacity-planning.toml \\
      --find region.us-east-1.launch_concurrency=10..1000 --replications 20
  failsim sweep scenarios/capacity-planning.toml \\
      --vary region.us-east-1.launch_concurrency=50,100,150,200,250,300,400 \\
      --vary users.staff.failover_workspaces=0.95,0.97,1.0 --replications 10
  failsim sweep s.toml --vary dns.ttl=30s,60s,300s --shard 3/8 --out shards/3
  failsim merge shards/* --out output/s-sweep";

/// `failsim sweep`.
#[derive(Args)]
pub struct SweepArgs {
    /// Scenario file (TOML); `-` reads it from standard input.
    pub scenario: PathBuf,
    /// A scenario value and the values it takes: PATH=V1,V2,... (PATH as for --set; each
    /// value is applied like --set PATH=V). Repeatable: the sweep runs every combination.
    /// Commas inside [...], {...} or quotes do not split values. Without --vary the sweep
    /// replicates the scenario as it is.
    #[arg(long, value_name = "PATH=V1,V2,...")]
    pub vary: Vec<String>,
    /// Replications, seed and worker threads.
    #[command(flatten)]
    pub runs: ReplicationArgs,
    /// Run only share K of N (1-based K): the runs i with i % N == K - 1. For batch
    /// schedulers; join the N output directories with `failsim merge`. A shard writes only
    /// sweep.csv and sweep-manifest.toml.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Output directory [default: output/<scenario file stem>-sweep, or
    /// output/<stem>-sweep-shard-K-of-N with --shard]. Replaced only by a finished sweep;
    /// never a directory failsim did not write.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Override one scenario value at every point (as for `run`). Repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Summary metric to chart (against the first --vary) and to tabulate on stdout.
    #[arg(long, value_name = "NAME", default_value = sweep::DEFAULT_METRIC.name())]
    pub metric: String,
    /// Goal-seek instead of a grid: the smallest value of PATH in LOW..HIGH (integers,
    /// durations or decimals) whose means over the replications meet every [[expect]],
    /// by bisection with common random numbers. Writes find.csv and a chart per bounded
    /// metric (find-METRIC.svg/png); exit 1 when no value
    /// in the bracket meets them.
    #[arg(long, value_name = "PATH=LOW..HIGH", conflicts_with_all = ["vary", "shard"])]
    pub find: Option<String>,
    /// With --find: the largest value instead of the smallest.
    #[arg(long, requires = "find")]
    pub largest: bool,
    /// With --find: seek towards the end of the bracket where this metric's mean is
    /// smaller, e.g. `cost_monthly_usd` for the cheapest value that meets the bounds.
    #[arg(
        long,
        value_name = "METRIC",
        requires = "find",
        conflicts_with = "largest"
    )]
    pub minimize: Option<String>,
    /// With --find: resolution of the answer [default: 1, 1s, or (HIGH - LOW) / 100].
    #[arg(long, value_name = "STEP", requires = "find")]
    pub step: Option<String>,
    /// With --find: extra values evaluated evenly over the bracket to check that the
    /// response is monotone.
    #[arg(long, value_name = "K", requires = "find", default_value_t = 4)]
    pub verify: u32,
    /// Charts and what is printed.
    #[command(flatten)]
    pub output: OutputArgs,
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    s.parse()
}

/// `failsim merge`.
#[derive(Args)]
pub struct MergeArgs {
    /// The output directories of all N shards (`failsim sweep --shard K/N`), in any order.
    #[arg(required = true, value_name = "SHARD_DIR")]
    pub shards: Vec<PathBuf>,
    /// Output directory: receives exactly the files one unsharded sweep would have written.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Print nothing on stdout (errors still go to stderr).
    #[arg(long, short)]
    pub quiet: bool,
}

const COMPARE_HELP: &str = "\
The base is BASE with --base-set; the candidate is CANDIDATE (or BASE again) with --set. \
Replication r of both uses seed SEED + r, so both sides see the same users and draws and the \
difference comes from the configuration. For each summary metric: both means, the paired \
difference (candidate - base) with its 95 % Student-t interval, the interval two independent \
samples would give (for contrast) and whether the difference is significant (the paired \
interval excludes 0).

Files: compare.csv (one row per metric), compare-downtime.svg/png (downtime CDFs of affected \
users over all replications), compare-timeline.svg/png (users connected and not connected \
over time, replication 0).

Exit codes: 0 compared and the candidate's [[expect]] bounds hold for its means over the \
replications, 1 one does not, 2 bad usage, invalid scenario or I/O error, 3 internal error.

Examples:
  failsim compare scenarios/workspaces-failover.toml --set dns.ttl=300s
  failsim compare scenarios/capacity-planning.toml scenarios/capacity-autostop.toml -r 20";

/// `failsim compare`.
#[derive(Args)]
pub struct CompareArgs {
    /// The base scenario (TOML); `-` reads it from standard input.
    pub base: PathBuf,
    /// The candidate scenario [default: BASE, changed by --set].
    pub candidate: Option<PathBuf>,
    /// Override one value of the candidate (as for `run`). Repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Override one value of the base. Repeatable.
    #[arg(long = "base-set", value_name = "PATH=VALUE")]
    pub base_set: Vec<String>,
    /// Replications, seed and worker threads.
    #[command(flatten)]
    pub runs: ReplicationArgs,
    /// Output directory [default: output/<base stem>-compare--<candidate>].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Charts and what is printed.
    #[command(flatten)]
    pub output: OutputArgs,
}

const SENSITIVITY_HELP: &str = "\
Each --vary PATH=LOW..HIGH is set to LOW, then to HIGH, the others staying as in the scenario; \
every configuration runs R replications with seeds SEED + r (common random numbers). The \
effect of a parameter on the metric is mean(HIGH) - mean(LOW); parameters are ranked by its \
size. Each end's difference from the base comes with its paired 95 % interval.

Files: sensitivity.csv (one row per parameter, in rank order), tornado.svg/png.

Example:
  failsim sensitivity scenarios/workspaces-failover.toml --vary dns.ttl=30s..300s \\
      --vary health_check.primary.failure_threshold=1..10 \\
      --vary users.staff.behaviour.restart_probability=0..0.5 --metric downtime_p95_ms";

/// `failsim sensitivity`.
#[derive(Args)]
pub struct SensitivityArgs {
    /// Scenario file (TOML); `-` reads it from standard input.
    pub scenario: PathBuf,
    /// A parameter and its bounds: PATH=LOW..HIGH (values as for --set). Repeatable.
    #[arg(long, value_name = "PATH=LOW..HIGH", required = true)]
    pub vary: Vec<String>,
    /// Summary metric to rank by.
    #[arg(long, value_name = "NAME", default_value = sweep::DEFAULT_METRIC.name())]
    pub metric: String,
    /// Override one scenario value everywhere (as for `run`). Repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Replications, seed and worker threads.
    #[command(flatten)]
    pub runs: ReplicationArgs,
    /// Output directory [default: output/<scenario file stem>-sensitivity].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Charts and what is printed.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The replication options of `sweep` (also with `--find`), `compare` and `sensitivity`.
#[derive(Args)]
pub struct ReplicationArgs {
    /// Replications per configuration (grid point, compared side, varied bound); replication r
    /// uses seed SEED + r in each.
    #[arg(long, short = 'r', value_name = "R", default_value_t = sweep::DEFAULT_REPLICATIONS,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub replications: u32,
    /// Seed of replication 0 [default: the scenario's `seed`].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads [default: one per core]. The files and results do not depend on it.
    #[arg(long, short = 'j', value_name = "J", value_parser = clap::value_parser!(u64).range(1..))]
    pub jobs: Option<u64>,
}

impl ReplicationArgs {
    /// `--jobs` as the library takes it: 0 for one per core.
    pub fn threads(&self) -> usize {
        self.jobs.map_or(0, |j| j as usize)
    }
}

/// The chart and printing options of `sweep` (also with `--find`), `compare` and
/// `sensitivity`.
#[derive(Args)]
pub struct OutputArgs {
    /// Chart image format.
    #[arg(long, value_enum, default_value_t = ChartFormat::Both)]
    pub format: ChartFormat,
    /// Write no charts.
    #[arg(long)]
    pub no_charts: bool,
    /// Print one JSON document on stdout instead of the table (fields in the README).
    #[arg(long)]
    pub json: bool,
    /// Print nothing but errors: no table, progress bar or timing.
    #[arg(long, short)]
    pub quiet: bool,
}

impl OutputArgs {
    /// The chart image formats to render: none with `--no-charts`.
    pub fn chart_formats(&self) -> Vec<ImageFormat> {
        if self.no_charts {
            Vec::new()
        } else {
            self.format.formats()
        }
    }
}

/// `--format` values.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ChartFormat {
    /// PNG only (1600 px wide, for slides).
    Png,
    /// SVG only (scalable, for documents).
    Svg,
    /// Both PNG and SVG.
    Both,
}

impl ChartFormat {
    /// The image formats to render.
    pub fn formats(self) -> Vec<ImageFormat> {
        match self {
            ChartFormat::Png => vec![ImageFormat::Png],
            ChartFormat::Svg => vec![ImageFormat::Svg],
            ChartFormat::Both => vec![ImageFormat::Svg, ImageFormat::Png],
        }
    }
}

/// `--users-format` values.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UsersFormatArg {
    /// `users.csv`.
    Csv,
    /// `users.parquet` (Apache Parquet, Snappy-compressed).
    Parquet,
}

impl UsersFormatArg {
    /// The library's format.
    pub fn format(self) -> failsim::output::UsersFormat {
        match self {
            UsersFormatArg::Csv => failsim::output::UsersFormat::Csv,
            UsersFormatArg::Parquet => failsim::output::UsersFormat::Parquet,
        }
    }
}

/// `failsim check`.
#[derive(Args)]
pub struct CheckArgs {
    /// Scenario files (TOML); `-` reads one from standard input.
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Override scenario values before validating (as for `run`).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Exit 1 when a valid scenario has a warning (notes do not count), for CI gates.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print one JSON document on stdout (fields in the README).
    #[arg(long)]
    pub json: bool,
    /// Print nothing but errors (and, with --deny-warnings, the warnings that fail).
    #[arg(long, short)]
    pub quiet: bool,
}

/// `failsim staleness`.
#[derive(Args)]
pub struct StalenessArgs {
    /// Resolver population whose instances answer the lookups (allowed: internet).
    #[arg(long, value_name = "NAME")]
    pub population: String,
    /// Record TTL, e.g. `20s`, `5m`.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_ms)]
    pub ttl: u64,
    /// Resolver instances drawn from the population.
    #[arg(long, value_name = "N", default_value_t = failsim::staleness::DEFAULT_INSTANCES)]
    pub instances: u32,
    /// Lookups per second over all instances (each instance gets rate / instances).
    #[arg(long, value_name = "PER_SECOND", default_value_t = failsim::staleness::DEFAULT_RATE_PER_SECOND)]
    pub rate: f64,
    /// Master seed.
    #[arg(long, default_value_t = failsim::staleness::DEFAULT_SEED)]
    pub seed: u64,
    /// Client-side cache in front of the resolvers: none, honor (OS stub: the resolver's
    /// remaining TTL) or a fixed lifetime such as 30s (Java) or the WorkSpaces client's own.
    #[arg(long, value_name = "CACHE", default_value = "none", value_parser = parse_client_cache)]
    pub client_cache: failsim::scenario::ClientCache,
    /// Clients behind each resolver instance, each with its own cache (with --client-cache).
    #[arg(long, value_name = "N", default_value_t = failsim::staleness::DEFAULT_CLIENTS_PER_INSTANCE)]
    pub clients: u32,
    /// CSV file to write (replaced atomically) [default: stdout].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print nothing but errors (the CSV still goes to stdout without --out).
    #[arg(long, short)]
    pub quiet: bool,
}

fn parse_client_cache(text: &str) -> Result<failsim::scenario::ClientCache, String> {
    use failsim::scenario::ClientCache;
    match text {
        "none" => Ok(ClientCache::None),
        "honor" => Ok(ClientCache::Honor),
        _ => failsim::time::parse_duration(text)
            .map(ClientCache::Fixed)
            .map_err(|_| format!("`{text}`: allowed none, honor or a lifetime such as 30s")),
    }
}

fn parse_duration_ms(text: &str) -> Result<u64, String> {
    failsim::time::parse_duration(text)
}

/// `failsim import`.
#[derive(Args)]
pub struct ImportArgs {
    /// AWS CLI JSON files; a regional WorkSpaces output as REGION=PATH (us-west-2=aliases.json).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
    /// Write the scenario here (default: standard output). Nothing is written on error.
    #[arg(long, value_name = "SCENARIO.toml")]
    pub out: Option<PathBuf>,
    /// Client versions in use, from your client-management tool: a CSV with the header
    /// `version,users` and one row per version (`5.22.0,1840`). Their shares become every
    /// group's `client_versions` (clients older than 3.0.9 ignore redirection) instead of a
    /// marked default.
    #[arg(long, value_name = "FILE")]
    pub client_versions: Option<PathBuf>,
}
