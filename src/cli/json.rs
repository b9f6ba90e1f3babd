//! `--json` documents: one JSON object on stdout per command, with stable field names
//! (documented in the README's "Machine-readable output" section). Numbers that may exceed
//! 2^53 (seeds) are strings; a metric that did not happen is `null`.

use failsim::expect::ExpectationResult;
use failsim::report::Summary;
use failsim::scenario::lint::Lint;
use serde_json::{json, Map, Value};

/// Version of the documents' layout; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// `lints`: `[{code, level, field, message, fix}]`.
pub fn lints(lints: &[Lint]) -> Value {
    Value::Array(
        lints
            .iter()
            .map(|l| {
                json!({
                    "code": l.code,
                    "level": l.level(),
                    "field": l.field,
                    "message": l.message,
                    "fix": l.fix,
                })
            })
            .collect(),
    )
}

/// `summary`: `{metric: value | null}` in `summary.csv` order.
pub fn summary(summary: &Summary) -> Value {
    let mut map = Map::new();
    for (metric, value) in &summary.values {
        map.insert(metric.name().to_string(), number(*value));
    }
    Value::Object(map)
}

/// `expectations`: `[{metric, bound, value, passed, message}]`.
pub fn expectations(results: &[ExpectationResult]) -> Value {
    Value::Array(
        results
            .iter()
            .map(|r| {
                json!({
                    "metric": r.metric.to_string(),
                    "bound": r.bound_text(),
                    "min": number(r.min),
                    "max": number(r.max),
                    "value": number(r.actual),
                    "passed": r.passed,
                    "message": r.message,
                })
            })
            .collect(),
    )
}

/// A number, integral values without a fraction; `None` and non-finite values are `null`.
pub fn number(v: Option<f64>) -> Value {
    match v {
        Some(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 9.0e15 => json!(x as i64),
        Some(x) if x.is_finite() => json!(x),
        _ => Value::Null,
    }
}

/// Prints `doc` on stdout, pretty and newline-terminated.
pub fn print(doc: &Value) {
    // A `Value` always serialises.
    println!(
        "{}",
        serde_json::to_string_pretty(doc).unwrap_or_else(|_| "{}".into())
    );
}
