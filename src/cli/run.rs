//! `failsim run`: check every destination, load, simulate, write the files and the
//! manifest, then tell the story (or print JSON) and check the expectations.

use super::args::{ChartFormat, RunArgs, UsersFormatArg, DEFAULT_TRACE_USERS, VERSION};
use super::progress::{ProgressRecorder, SimProgress};
use super::{default_out, json, shell_join, show_progress, Failure, Source};
use failsim::expect::{self, JunitContext};
use failsim::model::{simulate_into_threads, RunOptions};
use failsim::output::{self, RunManifest};
use failsim::report::Report;
use failsim::scenario::lint::lint;
use failsim::time::format_ms;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The overrides that name a run's default directory: every `--set`, then `seed=N`.
fn overrides_label(args: &RunArgs) -> Vec<String> {
    let mut label = args.set.clone();
    if let Some(seed) = args.seed {
        label.push(format!("seed={seed}"));
    }
    label
}

/// The shell-quoted command that writes the same directory again: every option that
/// changes what is written, `--seed` always (the scenario's when not given).
fn reproduce(args: &RunArgs, seed: Option<u64>) -> String {
    let mut words: Vec<String> = vec!["failsim".into(), "run".into()];
    words.push(args.scenario.display().to_string());
    if let Some(seed) = seed {
        words.extend(["--seed".into(), seed.to_string()]);
    }
    if let Some(out) = &args.out {
        words.extend(["--out".into(), out.display().to_string()]);
    }
    for s in &args.set {
        words.extend(["--set".into(), s.clone()]);
    }
    if args.trace_users != DEFAULT_TRACE_USERS {
        words.extend(["--trace-users".into(), args.trace_users.to_string()]);
    }
    if args.format != ChartFormat::Both {
        let name = match args.format {
            ChartFormat::Png => "png",
            ChartFormat::Svg => "svg",
            ChartFormat::Both => "both",
        };
        words.extend(["--format".into(), name.into()]);
    }
    if args.no_charts {
        words.push("--no-charts".into());
    }
    if args.users_format == UsersFormatArg::Parquet {
        words.extend(["--users-format".into(), "parquet".into()]);
    }
    shell_join(&words)
}

/// Writes the JUnit file; an error names the file.
fn write_junit(path: &Path, xml: &str) -> Result<(), Failure> {
    output::write_file_atomically(path, |w| std::io::Write::write_all(w, xml.as_bytes()))
        .map_err(Failure::error)
}

/// Every destination is checked before the scenario is even read, so that a refused `--out`
/// or an unwritable `--junit` costs no simulation.
fn check_destinations(args: &RunArgs, out: &Path) -> Result<(), Failure> {
    if let Some(j) = &args.junit {
        output::check_file_destination(j).map_err(Failure::error)?;
    }
    output::check_dir_destination(out).map_err(Failure::error)
}

/// `failsim run`.
pub fn run(args: RunArgs) -> Result<(), Failure> {
    let source = Source::read(&args.scenario);
    let out: PathBuf = match (&args.out, &source) {
        (Some(o), _) => o.clone(),
        (None, Ok(s)) => default_out(&s.stem(), "", &overrides_label(&args)),
        (None, Err(_)) => default_out("scenario", "", &[]),
    };
    check_destinations(&args, &out)?;
    let loaded = source.and_then(|s| s.load(&args.set).map(|m| (s, m)));
    let (source, model) = match loaded {
        Ok(x) => x,
        Err(failure) => {
            if let (Some(path), Failure::Usage(message)) = (&args.junit, &failure) {
                let context = JunitContext {
                    reproduce: &reproduce(&args, args.seed),
                    seed: args.seed,
                    overrides: &args.set,
                };
                let label = args.scenario.display().to_string();
                write_junit(path, &expect::junit_invalid(&label, message, &context))?;
            }
            return Err(failure);
        }
    };
    if !args.ignore_memory_estimate {
        let cost = failsim::model::budget::estimate(&model);
        let available = failsim::platform::available_memory_bytes;
        if let Some(why) = failsim::model::budget::memory_refusal(&cost, available) {
            return Err(Failure::Usage(format!("error: {}: {why}", source.label)));
        }
    }
    let lints = lint(&model);
    if !args.quiet && !args.json {
        // Lints once, on stderr: stdout stays the story (scripts read it).
        for l in &lints {
            eprintln!("{}: {l}", source.label);
        }
    }
    let seed = args.seed.unwrap_or(model.seed);
    let reproduce = reproduce(&args, Some(seed));
    if show_progress(args.quiet || args.json) {
        eprintln!(
            "simulating {} users for {} ...",
            model.user_count(),
            format_ms(model.duration_ms)
        );
    }
    let started = Instant::now();
    let mut progress = SimProgress::new(
        show_progress(args.quiet || args.json),
        "simulating",
        model.duration_ms,
    );
    let mut recorder = ProgressRecorder::new(&mut progress, model.duration_ms);
    let options = RunOptions {
        seed,
        trace_users: args.trace_users,
    };
    // All cores by default; a run that could use no second thread does not count them.
    let threads = match args.threads {
        Some(n) => n as usize,
        None if failsim::model::could_use_threads(&model) => {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        }
        None => 1,
    };
    let (outcome, threading) =
        simulate_into_threads(&model, &options, threads, &mut recorder).map_err(Failure::error)?;
    let mut report = Report::new(&model, outcome, recorder.inner);
    progress.finish();
    let sim_wall = started.elapsed();
    report.overrides = args.set.clone();
    let manifest = RunManifest {
        failsim_version: VERSION.to_string(),
        scenario: args.scenario.display().to_string(),
        scenario_name: model.name.clone(),
        scenario_sha256: output::manifest::sha256(source.text.as_bytes()),
        seed: seed.to_string(),
        set: args.set.clone(),
        command: reproduce.clone(),
    };
    let results = expect::evaluate(&model.expectations, |m| report.metric(m));
    let provenance = failsim::html::Provenance {
        scenario_path: source.label.clone(),
        scenario_hash: manifest.scenario_sha256.clone(),
        scenario_text: Some(source.text.clone()),
        overrides: args.set.clone(),
        command: reproduce.clone(),
    };
    let out_text = out.display().to_string();
    let mut story = String::new();
    let files = output::write_atomically(
        &out,
        Box::new(|dir: &Path| {
            // The tables are written while the charts render (README, Performance); without
            // charts no thread pool is started, which would cost more than it saves.
            let tables = || output::write_csvs(&report, dir, args.users_format.format());
            let charts = || {
                let formats = args.format.formats();
                output::write_charts(&report, dir, &formats, args.window, &model.expectations)
            };
            let (tables, rendered) = if args.no_charts {
                (tables(), None)
            } else {
                let (tables, rendered) = rayon::join(tables, charts);
                (tables, Some(rendered))
            };
            let mut names = tables?;
            let mut charts = Vec::new();
            if let Some(rendered) = rendered {
                let (chart_names, rendered) = rendered?;
                names.extend(chart_names);
                charts = rendered.for_page();
            }
            names.push(output::REPORT_HTML.to_string());
            names.push(manifest.write(dir)?);
            story = failsim::report::story::story(&report, &out_text, &names);
            let page = failsim::html::run_report(&failsim::html::RunPage {
                report: &report,
                story: &story,
                charts: &charts,
                lints: &lints,
                expectations: &results,
                provenance: &provenance,
            });
            output::write_file(dir, output::REPORT_HTML, |w| {
                std::io::Write::write_all(w, page.as_bytes())
            })?;
            Ok(names)
        }),
    )
    .map_err(Failure::error)?;
    if args.json {
        json::print(&json!({
            "format_version": json::FORMAT_VERSION,
            "failsim_version": VERSION,
            "scenario": manifest.scenario,
            "scenario_name": model.name,
            "scenario_sha256": manifest.scenario_sha256,
            "seed": seed.to_string(),
            "set": args.set,
            "output": out.display().to_string(),
            "files": files,
            "summary": json::summary(&report.summary),
            "lints": json::lints(&lints),
            "expectations": json::expectations(&results),
            "passed": results.iter().all(|r| r.passed),
            "reproduce": reproduce,
            "threads": threading.threads(),
            "single_thread_reason": threading.reason().map(|r| r.to_string()),
        }));
    } else if !args.quiet {
        print!("{story}");
    }
    if !args.quiet {
        let events = report.control.events_processed;
        eprintln!(
            "simulated {} events in {:.3} s ({:.1} M events/s) on {threading}; total {:.3} s",
            events,
            sim_wall.as_secs_f64(),
            events as f64 / sim_wall.as_secs_f64().max(1e-9) / 1e6,
            started.elapsed().as_secs_f64()
        );
    }
    if let Some(path) = &args.junit {
        let context = JunitContext {
            reproduce: &reproduce,
            seed: Some(seed),
            overrides: &args.set,
        };
        write_junit(path, &expect::junit_xml(&model.name, &results, &context))?;
    }
    // The process ends with this command: the run's per-user and series tables are left to
    // the operating system, which takes a finished process's memory back at once, instead of
    // being freed (and unmapped) piece by piece first.
    std::mem::forget(report);
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
