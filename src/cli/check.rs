//! `failsim check`: validate and lint without simulating.

use super::args::CheckArgs;
use super::{is_stdin, json, Failure, Source};
use failsim::scenario::lint::lint;
use serde_json::{json, Value};

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `failsim check`: exit 2 when a scenario is invalid; with `--deny-warnings`, exit 1 when
/// a valid one has a warning (notes are advice and never fail).
pub fn check(args: CheckArgs) -> Result<(), Failure> {
    if args.scenarios.iter().filter(|p| is_stdin(p)).count() > 1 {
        return Err(Failure::error(
            "standard input (`-`) can be given only once",
        ));
    }
    let mut invalid = Vec::new();
    let mut warned = Vec::new();
    let mut docs = Vec::new();
    for path in &args.scenarios {
        let shown = path.display().to_string();
        let loaded = Source::read(path).and_then(|s| s.load(&args.set).map(|m| (s, m)));
        let (source, model) = match loaded {
            Ok(x) => x,
            Err(Failure::Usage(msg)) => {
                eprintln!("{msg}");
                invalid.push(shown.clone());
                docs.push(json!({
                    "scenario": shown,
                    "valid": false,
                    "errors": msg.lines().filter(|l| !l.is_empty()).collect::<Vec<_>>(),
                    "lints": Value::Array(Vec::new()),
                }));
                continue;
            }
            Err(Failure::Expectations) => unreachable!("check runs no expectations"),
        };
        let lints = lint(&model);
        let warnings = lints.iter().filter(|l| l.level() == "warning").count();
        let notes = lints.len() - warnings;
        if warnings > 0 {
            warned.push(shown.clone());
        }
        let loud = !args.quiet && !args.json;
        for l in &lints {
            let fails = args.deny_warnings && l.level() == "warning";
            if loud {
                println!("{}: {l}", source.label);
            } else if fails && !args.json {
                eprintln!("{}: {l}", source.label);
            }
        }
        if loud {
            println!(
                "{}: ok ({} users, {}, {}, {})",
                source.label,
                model.user_count(),
                plural(model.events.len(), "event", "events"),
                plural(warnings, "warning", "warnings"),
                plural(notes, "note", "notes"),
            );
        }
        docs.push(json!({
            "scenario": shown,
            "valid": true,
            "scenario_name": model.name,
            "users": model.user_count(),
            "events": model.events.len(),
            "warnings": warnings,
            "notes": notes,
            "errors": Value::Array(Vec::new()),
            "lints": json::lints(&lints),
        }));
    }
    let denied = args.deny_warnings && !warned.is_empty();
    if args.json {
        json::print(&json!({
            "format_version": json::FORMAT_VERSION,
            "scenarios": docs,
            "valid": invalid.is_empty(),
            "passed": invalid.is_empty() && !denied,
        }));
    }
    if !invalid.is_empty() {
        return Err(Failure::Usage(format!("invalid: {}", invalid.join(", "))));
    }
    if denied {
        eprintln!("warnings denied (--deny-warnings): {}", warned.join(", "));
        return Err(Failure::Expectations);
    }
    Ok(())
}
