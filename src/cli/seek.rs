//! `failsim sweep --find`: goal-seek one parameter against the scenario's `[[expect]]`.

use super::args::{SweepArgs, VERSION};
use super::{default_out, json, show_progress, Failure, Source};
use failsim::decide::seek::{seek, Direction, Find, Kind, Seek, SeekOptions};
use failsim::metric::{Metric, MetricRef};
use failsim::output;
use serde_json::json;
use std::path::Path;
use std::time::Instant;

/// `failsim sweep SCENARIO --find PATH=LOW..HIGH`.
pub fn find(args: &SweepArgs, spec: &str) -> Result<(), Failure> {
    let find = Find::parse(spec).map_err(|e| Failure::error(format!("--find {e}")))?;
    let step = match &args.step {
        None => None,
        Some(text) => Some(parse_step(&find, text)?),
    };
    let minimize = match &args.minimize {
        None => None,
        Some(name) => Some(failsim::sweep::parse_metric(name).map_err(Failure::error)?),
    };
    let source = Source::read(&args.scenario)?;
    let out = args.out.clone().unwrap_or_else(|| {
        let mut label = args.set.clone();
        label.push(find.path.clone());
        default_out(&source.stem(), "-find", &label)
    });
    output::check_dir_destination(&out).map_err(Failure::error)?;
    let base = source.load(&args.set)?;
    let seed = args.runs.seed.unwrap_or(base.seed);
    let load = |assignment: &str| -> Result<failsim::scenario::Scenario, String> {
        let mut set = args.set.clone();
        set.push(assignment.to_string());
        failsim::scenario::load_str(&source.text, &source.label, &set)
            .map_err(|e| format!("{e}\n(with --find value {assignment})"))
    };
    let options = SeekOptions {
        replications: args.runs.replications,
        seed,
        jobs: args.runs.threads(),
        step,
        direction: if args.largest {
            Direction::Largest
        } else {
            Direction::Smallest
        },
        verify: args.verify,
        report: vec![
            Metric::CostMonthlyUsd.into(),
            Metric::CostIncidentUsd.into(),
        ],
        minimize,
    };
    if show_progress(args.output.quiet || args.output.json) {
        eprintln!("seeking {} in {spec} ...", find.path);
    }
    let started = Instant::now();
    let result = seek(&find, &base.expectations, &load, &options).map_err(Failure::error)?;
    let wall = started.elapsed().as_secs_f64();
    let metrics = result.evaluations[0].runs.metrics.clone();
    let charts = seek_charts(&result, &base, args.runs.replications);
    let formats = args.output.chart_formats();
    let files = output::write_atomically(
        &out,
        Box::new(|dir: &Path| {
            let mut names = vec![output::write_file(dir, "find.csv", |w| {
                write_csv(&result, &metrics, w)
            })?];
            names.extend(failsim::sweep::write_seek_charts(dir, &charts, &formats)?);
            Ok(names)
        }),
    )
    .map_err(Failure::error)?;
    let confidence = result.confidence(&base.expectations);
    if args.output.json {
        let evaluations: Vec<_> = result
            .by_value()
            .iter()
            .map(|e| {
                let means: serde_json::Map<String, serde_json::Value> = metrics
                    .iter()
                    .map(|m| (m.to_string(), json::number(e.runs.mean(m))))
                    .collect();
                json!({
                    "value": find.set_value(e.value).trim_matches('"'),
                    "meets": e.meets,
                    "replications_meeting": e.replications_meeting,
                    "verification": e.verification,
                    "means": means,
                })
            })
            .collect();
        json::print(&json!({
            "format_version": json::FORMAT_VERSION,
            "failsim_version": VERSION,
            "scenario": args.scenario.display().to_string(),
            "path": find.path,
            "direction": direction_name(result.direction),
            "seed": seed.to_string(),
            "replications": args.runs.replications,
            "found": result.found.map(|v| find.set_value(v).trim_matches('"').to_string()),
            "evaluations": evaluations,
            "non_monotone": result.non_monotone,
            "bounds_at_97_5_percent": confidence.iter().map(|(l, c)| json!({"expectation": l, "confident": c})).collect::<Vec<_>>(),
            "runs": result.runs(),
            "output": out.display().to_string(),
            "files": files,
        }));
    } else if !args.output.quiet {
        print!(
            "{}",
            story(&result, &metrics, &confidence, seed, args.runs.replications)
        );
        println!("output: {} ({})", out.display(), files.join(", "));
    }
    if !args.output.quiet {
        eprintln!("ran {} runs in {wall:.1} s", result.runs());
    }
    match result.found {
        Some(_) => Ok(()),
        None => Err(Failure::Expectations),
    }
}

fn parse_step(find: &Find, text: &str) -> Result<f64, Failure> {
    let parsed = match find.kind {
        Kind::Duration => failsim::time::parse_duration(text).map(|ms| ms as f64),
        _ => text.parse::<f64>().map_err(|e| e.to_string()),
    };
    match parsed {
        Ok(step) if step > 0.0 => Ok(step),
        _ => Err(Failure::error(format!(
            "--step {text}: expected a positive {}",
            if find.kind == Kind::Duration {
                "duration such as 5s"
            } else {
                "number"
            }
        ))),
    }
}

fn direction_name(d: Direction) -> &'static str {
    match d {
        Direction::Smallest => "smallest",
        Direction::Largest => "largest",
    }
}

/// The answer for people: the value, the evidence, the evaluations.
fn story(
    result: &Seek,
    metrics: &[MetricRef],
    confidence: &[(String, bool)],
    seed: u64,
    replications: u32,
) -> String {
    let find = &result.find;
    let mut s = format!(
        "seed: {seed} (replication r uses seed {seed} + r at every value)\n\
         seeking the {} {} in {}..{} (step {}) meeting every [[expect]] on the mean of {replications} replications\n",
        direction_name(result.direction),
        find.path,
        find.show(find.low),
        find.show(find.high),
        find.show(result.step),
    );
    match result.found {
        None => {
            s += &format!(
                "not found: even {} misses an expectation; no value in the bracket meets them all\n",
                find.show(match result.direction {
                    Direction::Smallest => find.high,
                    Direction::Largest => find.low,
                })
            );
        }
        Some(v) => {
            s += &format!("found: {} = {}\n", find.path, find.show(v));
            let (at, short) = result.boundary();
            if let Some(at) = at {
                s += &format!(
                    "  at {}: {} of {replications} replications meet every expectation on their own\n",
                    find.show(at.value),
                    at.replications_meeting
                );
            }
            if let Some(short) = short {
                s += &format!(
                    "  at {}: the means miss ({} of {replications} replications meet every expectation)\n",
                    find.show(short.value),
                    short.replications_meeting
                );
            }
            for (line, confident) in confidence {
                s += &format!(
                    "  {line}: {}\n",
                    if *confident {
                        "holds at 97.5 % one-sided confidence"
                    } else {
                        "the mean meets it, but not at 97.5 % confidence (more replications narrow the interval)"
                    }
                );
            }
        }
    }
    if result.non_monotone.is_empty() {
        if result.found.is_some() {
            s += "monotone: every value evaluated is on the side of the boundary bisection assumes\n";
        }
    } else {
        s += "NOT MONOTONE: the response changes direction in the bracket; the answer is the boundary bisection found:\n";
        for note in &result.non_monotone {
            s += &format!("  {note}\n");
        }
    }
    s += &format!("evaluated ({} runs):\n", result.runs());
    for e in result.by_value() {
        let means: Vec<String> = metrics
            .iter()
            .map(|m| match e.runs.mean(m) {
                Some(v) => format!("{m} {}", failsim::decide::show(m.metric, v, false)),
                None => format!("{m} -"),
            })
            .collect();
        s += &format!(
            "  {:>10}  {:<5} {:>3}/{replications}  {}{}\n",
            find.show(e.value),
            if e.meets { "meets" } else { "fails" },
            e.replications_meeting,
            means.join(", "),
            if e.verification {
                "  (verification)"
            } else {
                ""
            }
        );
    }
    s
}

/// The goal-seek chart of each metric an `[[expect]]` bounds, in the order of their first
/// bound: the metric at every value evaluated, with its bounds and the value found.
fn seek_charts(
    result: &Seek,
    base: &failsim::scenario::Scenario,
    replications: u32,
) -> Vec<(MetricRef, failsim::chart::SweepInput)> {
    let find = &result.find;
    let found = match result.found {
        Some(v) => format!("found: {}", find.show(v)),
        None => format!("no value of {} meets every [[expect]]", find.path),
    };
    let mut metrics: Vec<&MetricRef> = Vec::new();
    for e in &base.expectations {
        if !metrics.contains(&&e.metric) {
            metrics.push(&e.metric);
        }
    }
    let evaluations = result.by_value();
    let found_at = result
        .found
        .and_then(|v| evaluations.iter().position(|e| e.value == v));
    metrics
        .into_iter()
        .map(|metric| {
            let bounds = |pick: fn(&failsim::scenario::Expectation) -> Option<f64>| {
                let on_metric = base.expectations.iter().filter(|e| &e.metric == metric);
                on_metric.filter_map(pick).collect::<Vec<f64>>()
            };
            let points: Vec<failsim::sweep::SeekPoint> = evaluations
                .iter()
                .map(|e| failsim::sweep::SeekPoint {
                    value: find.set_value(e.value).trim_matches('"').to_string(),
                    label: find.show(e.value),
                    stats: e.runs.stats(metric),
                    replications: e.runs.values_of(metric).into_iter().flatten().collect(),
                })
                .collect();
            let input = failsim::sweep::seek_input(
                &base.name,
                &find.path,
                &points,
                replications,
                metric,
                (&bounds(|e| e.min), &bounds(|e| e.max)),
                (&found, found_at),
            );
            (metric.clone(), input)
        })
        .collect()
}

fn write_csv(
    result: &Seek,
    metrics: &[MetricRef],
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut csv = csv::Writer::from_writer(w);
    let mut header = vec![
        result.find.path.clone(),
        "meets".into(),
        "replications_meeting".into(),
        "replications".into(),
        "verification".into(),
    ];
    header.extend(metrics.iter().map(|m| format!("{m}_mean")));
    csv.write_record(&header)?;
    for e in result.by_value() {
        let mut row = vec![
            result.find.set_value(e.value).trim_matches('"').to_string(),
            e.meets.to_string(),
            e.replications_meeting.to_string(),
            e.runs.replications().to_string(),
            e.verification.to_string(),
        ];
        row.extend(metrics.iter().map(|m| {
            e.runs
                .mean(m)
                .map(failsim::sweep::format3)
                .unwrap_or_default()
        }));
        csv.write_record(&row)?;
    }
    csv.flush()
}
