//! Scenario files: TOML -> raw structs -> one validation pass -> [`Scenario`].
//!
//! After [`load`] the simulator never sees a name it must look up, an unparsed duration or
//! an invalid value. Every problem found is reported with the file, line and
//! column, the field (in the dotted form `--set` uses: `users.staff.count`) and what is
//! allowed. Syntax and type errors stop the parse at the first one (TOML cannot be read past
//! them); validation then reports every remaining problem at once.
//!
//! Defaults live on the validated types in [`spec`], each defined once.

mod diagnostic;
pub mod lint;
mod locate;
pub mod overrides;
pub mod raw;
pub mod reference;
pub mod spec;
mod validate;

pub use diagnostic::{Diagnostic, LoadError};
pub(crate) use diagnostic::{PathSeg, Problem};
pub use raw::{
    HealthCheckKind, InsufficientData, MetricSource, Plane, ProbeFailure, Protocol, Standby,
    TtlPolicy, Zone,
};
pub use spec::*;
use std::path::Path;

/// The JSON Schema of the scenario format (for editors: e.g. Taplo / Even Better TOML's
/// `#:schema` directive). Durations are strings with units; see the README's reference.
pub fn json_schema() -> String {
    let mut schema = schemars::schema_for!(raw::RawScenario);
    schema.insert("title".into(), "failsim scenario".into());
    schema.insert(
        "description".into(),
        "A failsim scenario file (TOML). Every duration is a string with a unit, e.g. \"250ms\", \"30s\", \"5m\", \"1h 30m\".".into(),
    );
    let mut value = schema.to_value();
    for (path, pointer) in reference::schema_keys(&value.clone()) {
        if let (Some(doc), Some(node)) = (
            reference::KEYS.iter().find(|k| k.path == path),
            value.pointer_mut(&pointer).and_then(|n| n.as_object_mut()),
        ) {
            node.insert(
                "description".into(),
                format!("{} Default: {}.", doc.meaning, doc.default_text()).into(),
            );
        }
    }
    serde_json::to_string_pretty(&value).expect("a schema serialises") + "\n"
}

/// The largest scenario file failsim reads: 64 MiB.
///
/// Why: a scenario at every entry limit (65,535 entries per table, about a hundred bytes
/// each) is some tens of megabytes; anything larger is not a scenario file, and reading it
/// whole (`check /dev/zero`) would exhaust memory before the parser could say so.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// Loads and validates a scenario file, applying `--set` overrides (`PATH=VALUE`) first.
pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario, LoadError> {
    let text = read_text(path)?;
    load_str(&text, &path.display().to_string(), overrides)
}

/// Reads a scenario file: at most [`MAX_FILE_BYTES`], and UTF-8 (TOML's encoding), with the
/// position of the first bad byte when it is not.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    let file = std::fs::File::open(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    read_text_from(file, &path.display().to_string())
}

/// Like [`read_text`], from any reader (standard input); `file` names it in diagnostics.
pub fn read_text_from(reader: impl std::io::Read, file: &str) -> Result<String, LoadError> {
    use std::io::Read;
    // Room for a typical scenario (the bundled ones are 1-9 KB) up front, so that it is read
    // in one or two calls rather than in reads of 32, 64, 128... bytes as an empty buffer
    // grows; a larger file doubles it as it goes.
    let mut bytes = Vec::with_capacity(16 << 10);
    reader
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| LoadError::Io {
            path: file.into(),
            source,
        })?;
    let file = file.to_string();
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::Invalid(vec![Diagnostic {
            file,
            line: 0,
            column: 0,
            field: String::new(),
            origin: None,
            message: format!(
                "is larger than {} MiB; allowed: a scenario file of at most {} MiB",
                MAX_FILE_BYTES >> 20,
                MAX_FILE_BYTES >> 20
            ),
        }]));
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let good = std::str::from_utf8(good).expect("valid up to here");
        let line = good.matches('\n').count() + 1;
        let column = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        LoadError::Invalid(vec![Diagnostic {
            file,
            line,
            column,
            field: String::new(),
            origin: None,
            message: format!(
                "byte 0x{:02x} is not UTF-8; allowed: UTF-8 text (TOML files are UTF-8)",
                e.as_bytes()[good.len()]
            ),
        }])
    })
}

/// Like [`load`], from text; `file` names the source in diagnostics.
pub fn load_str(text: &str, file: &str, overrides: &[String]) -> Result<Scenario, LoadError> {
    let edited = if overrides.is_empty() {
        text.to_string()
    } else {
        overrides::apply_all(text, overrides)?
    };
    // Problems are located in the user's text, not the edited one (a `--set` that inserts a
    // key would shift every later line), and those an override causes are blamed on it.
    let located = locate::Locator::new(file, text);
    let blame = |mut diagnostics: Vec<Diagnostic>| {
        overrides::attribute(&mut diagnostics, overrides);
        LoadError::Invalid(diagnostics)
    };
    let raw: raw::RawScenario = match toml::from_str(&edited) {
        Ok(r) => r,
        Err(e) => return Err(blame(vec![toml_error(text, file, overrides, &e)])),
    };
    if let Some(d) = located.strict_error() {
        return Err(LoadError::Invalid(vec![d]));
    }
    let scenario = validate::validate(&raw)
        .map_err(|problems| blame(problems.iter().map(|p| located.locate(p)).collect()))?;
    let cost = crate::model::budget::estimate(&scenario);
    if let Some(problem) = crate::model::budget::refusal(&cost) {
        return Err(blame(vec![located.locate(&problem)]));
    }
    Ok(scenario)
}

/// Locates a TOML error of the edited text: in the user's file when the file alone has it,
/// else against the first `--set` after which the text has it.
fn toml_error(text: &str, file: &str, overrides: &[String], e: &toml::de::Error) -> Diagnostic {
    for k in 0..overrides.len() {
        let partial = if k == 0 {
            text.to_string()
        } else {
            match overrides::apply_all(text, &overrides[..k]) {
                Ok(p) => p,
                Err(_) => continue,
            }
        };
        if let Err(e) = toml::from_str::<raw::RawScenario>(&partial) {
            let mut d = locate::Locator::new(file, &partial).toml_error(&e);
            if k > 0 {
                d.origin = Some(format!("--set {}", overrides[k - 1]));
            }
            return d;
        }
    }
    let mut d = locate::Locator::new(file, text).toml_error(e);
    if let Some(last) = overrides.last() {
        let edited = overrides::apply_all(text, overrides).unwrap_or_default();
        d = locate::Locator::new(file, &edited).toml_error(e);
        d.origin = Some(format!("--set {last}"));
    }
    d
}

#[cfg(test)]
mod robustness {
    //! Bad input never panics: every line of bundled scenarios is deleted or given hostile
    //! values; loading must return a value or located errors, and whatever loads must simulate.
    use super::*;
    use crate::model::{simulate, RunOptions};

    const HOSTILE: [&str; 9] = [
        "\"x\"", "0", "-1", "1e308", "nan", "inf", "[]", "{}", "\"0s\"",
    ];

    fn check(text: &str, label: &str) {
        let result = std::panic::catch_unwind(|| {
            if let Ok(model) = load_str(text, "m.toml", &["users.staff.count=15".to_string()]) {
                simulate(
                    &model,
                    &RunOptions {
                        seed: 1,
                        trace_users: 2,
                    },
                );
            }
        });
        assert!(result.is_ok(), "panicked on {label}:\n{text}");
    }

    #[test]
    fn mutated_scenarios_never_panic() {
        for name in [
            "workspaces-failover",
            "alarm-failover",
            "maintenance-weighted",
        ] {
            let path = format!("{}/scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(path).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                if line.trim_start().starts_with('#') || line.trim().is_empty() {
                    continue;
                }
                let mut deleted = lines.clone();
                deleted.remove(i);
                check(
                    &deleted.join("\n"),
                    &format!("{name}: line {} deleted", i + 1),
                );
                if let Some((key, _)) = line.split_once('=') {
                    for h in HOSTILE {
                        let mut changed = lines.clone();
                        let replaced = format!("{key}= {h}");
                        changed[i] = &replaced;
                        check(
                            &changed.join("\n"),
                            &format!("{name}: line {} = {h}", i + 1),
                        );
                    }
                }
            }
        }
    }
}
