//! Scenario files: TOML -> raw structs -> one validation pass -> [`Scenario`].
//!
//! After [`load`] the simulator never sees a name it must look up, an unparsed duration or
//! an invalid value (DESIGN §2). Every problem found is reported with the file, line and
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

/// Loads and validates a scenario file, applying `--set` overrides (`PATH=VALUE`) first.
pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    load_str(&text, &path.display().to_string(), overrides)
}

/// Like [`load`], from text; `file` names the source in diagnostics.
pub fn load_str(text: &str, file: &str, overrides: &[String]) -> Result<Scenario, LoadError> {
    let text = if overrides.is_empty() {
        text.to_string()
    } else {
        overrides::apply_all(text, overrides)?
    };
    let located = locate::Locator::new(file, &text);
    let blame = |mut diagnostics: Vec<Diagnostic>| {
        overrides::attribute(&mut diagnostics, overrides);
        LoadError::Invalid(diagnostics)
    };
    let raw: raw::RawScenario = match toml::from_str(&text) {
        Ok(r) => r,
        Err(e) => return Err(blame(vec![located.toml_error(&e)])),
    };
    validate::validate(&raw)
        .map_err(|problems| blame(problems.iter().map(|p| located.locate(p)).collect()))
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
