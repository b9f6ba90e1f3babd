//! `failsim import`: the JSON the AWS CLI prints -> a scenario file.
//!
//! Each file is recognised by its top-level keys (the CLI's `--query` may reshape anything,
//! so the command that produced it is not trusted), parsed into typed structs (one module per
//! AWS service), and merged: several files of one kind are pages of one listing and are
//! concatenated, an object seen twice must be the same both times. Regional APIs name no
//! Region, so their files are passed as `REGION=PATH`; where the content names one (alarm
//! ARNs) it must agree. [`writer`] then turns the [`Deployment`] into TOML, with marked
//! defaults for what the APIs cannot tell and warnings for what failsim cannot simulate.

pub mod cloudwatch;
pub mod inventory;
pub mod route53;
pub mod workspaces;
pub mod writer;

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// One input file, read.
#[derive(Clone, Debug)]
pub struct Input {
    /// The Region given with `REGION=PATH`, if any.
    pub region: Option<String>,
    /// The path as given.
    pub path: String,
    /// Its contents.
    pub text: String,
}

impl Input {
    /// Splits a command-line argument into `(Region, path)`: `us-west-2=aliases.json` or a
    /// bare path. Only a Region-code prefix counts, so paths may contain `=`.
    pub fn split_arg(arg: &str) -> (Option<String>, String) {
        if let Some((region, path)) = arg.split_once('=') {
            if is_region_code(region) {
                return (Some(region.to_string()), path.to_string());
            }
        }
        (None, arg.to_string())
    }

    /// SHA-256 of the contents, in hex.
    pub fn sha256(&self) -> String {
        Sha256::digest(self.text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// `xx-name-N` or `xx-gov-name-N`: an AWS Region code.
fn is_region_code(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && parts.last().unwrap().bytes().all(|b| b.is_ascii_digit())
}

/// Why an import failed: nothing is written.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {message}", location(*line, *column))]
pub struct ImportError {
    /// The input file.
    pub file: String,
    /// 1-based line and column from the JSON parser, 0 when not known.
    pub line: usize,
    /// See `line`.
    pub column: usize,
    /// What is wrong: the object, the field and what is allowed.
    pub message: String,
}

fn location(line: usize, column: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}:{column}")
    }
}

fn error(input: &Input, message: impl Into<String>) -> ImportError {
    ImportError {
        file: input.path.clone(),
        line: 0,
        column: 0,
        message: message.into(),
    }
}

/// Everything read from the inputs, merged; objects keyed by their AWS id.
#[derive(Debug, Default)]
pub struct Deployment {
    /// The inputs with their SHA-256, in command-line order.
    pub files: Vec<(String, String)>,
    /// Record sets, keyed by (name, type, set identifier).
    pub records: BTreeMap<(String, String, String), route53::RecordSet>,
    /// Health checks by id.
    pub health_checks: BTreeMap<String, route53::HealthCheck>,
    /// Metric alarms by (Region, name).
    pub alarms: BTreeMap<(String, String), cloudwatch::MetricAlarm>,
    /// Alias objects by (Region, connection string).
    pub aliases: BTreeMap<(String, String), workspaces::ConnectionAlias>,
    /// Directories by (Region, id).
    pub directories: BTreeMap<(String, String), workspaces::Directory>,
    /// WorkSpaces by (Region, id).
    pub workspaces: BTreeMap<(String, String), workspaces::Workspace>,
    /// What was dropped or is incomplete, said once each.
    pub warnings: Vec<String>,
    /// The client inventory (`--client-versions FILE`), if given.
    pub client_inventory: Option<inventory::ClientInventory>,
}

/// The kinds of file recognised, by their top-level key.
const KINDS: [(&str, &str); 8] = [
    ("ResourceRecordSets", "route53 list-resource-record-sets"),
    ("HealthChecks", "route53 list-health-checks"),
    ("HealthCheck", "route53 get-health-check"),
    ("MetricAlarms", "cloudwatch describe-alarms"),
    ("CompositeAlarms", "cloudwatch describe-alarms"),
    (
        "ConnectionAliases",
        "workspaces describe-connection-aliases",
    ),
    ("Directories", "workspaces describe-workspace-directories"),
    ("Workspaces", "workspaces describe-workspaces"),
];

/// Reads every input into one [`Deployment`].
pub fn read(inputs: &[Input]) -> Result<Deployment, ImportError> {
    let mut deployment = Deployment::default();
    for input in inputs {
        deployment.files.push((input.path.clone(), input.sha256()));
        read_one(&mut deployment, input)?;
    }
    Ok(deployment)
}

/// Parses `input.text` as `T`, locating errors by line, column and field path.
fn parse<T: serde::de::DeserializeOwned>(input: &Input) -> Result<T, ImportError> {
    let mut de = serde_json::Deserializer::from_str(&input.text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        ImportError {
            file: input.path.clone(),
            line: inner.line(),
            column: inner.column(),
            message: format!("in `{path}`: {inner}"),
        }
    })
}

fn read_one(d: &mut Deployment, input: &Input) -> Result<(), ImportError> {
    let value: serde_json::Value = parse(input)?;
    let Some(object) = value.as_object() else {
        return Err(error(
            input,
            "not an AWS CLI JSON output: the top level is not an object",
        ));
    };
    if object.contains_key("NextToken")
        || object.get("IsTruncated") == Some(&serde_json::Value::Bool(true))
    {
        d.warnings.push(format!("{}: the output is one page of several (NextToken or IsTruncated): pass every page, or run the command without --max-items / --no-paginate", input.path));
    }
    let Some((key, _)) = KINDS.iter().find(|(k, _)| object.contains_key(*k)) else {
        let keys: Vec<&str> = object.keys().map(String::as_str).collect();
        let known: Vec<&str> = KINDS.iter().map(|(k, _)| *k).collect();
        return Err(error(
            input,
            format!(
                "not a recognised AWS CLI output: top-level keys {keys:?}; expected one of {}",
                known.join(", ")
            ),
        ));
    };
    let regional = matches!(*key, "ConnectionAliases" | "Directories" | "Workspaces");
    let region = match (&input.region, regional) {
        (Some(r), _) => r.clone(),
        (None, true) => {
            return Err(error(input, format!("`{key}` comes from a regional WorkSpaces API whose output names no Region: pass the file as REGION={} (for example us-west-2={})", input.path, input.path)));
        }
        (None, false) => String::new(),
    };
    match *key {
        "ResourceRecordSets" => {
            let sets: route53::RecordSets = parse(input)?;
            for r in sets.resource_record_sets {
                let id = (
                    route53::plain_name(&r.name),
                    r.kind.clone(),
                    r.set_identifier.clone().unwrap_or_default(),
                );
                merge(&mut d.records, id, r, input, "record set")?;
            }
        }
        "HealthChecks" | "HealthCheck" => {
            let checks = if *key == "HealthChecks" {
                parse::<route53::HealthChecks>(input)?.health_checks
            } else {
                vec![parse::<route53::OneHealthCheck>(input)?.health_check]
            };
            for h in checks {
                merge(&mut d.health_checks, h.id.clone(), h, input, "health check")?;
            }
        }
        "MetricAlarms" | "CompositeAlarms" => {
            let alarms: cloudwatch::Alarms = parse(input)?;
            for a in alarms.composite_alarms.iter().chain(&alarms.log_alarms) {
                d.warnings.push(format!(
                    "{}: composite or log alarm `{}` dropped: failsim simulates metric alarms only",
                    input.path, a.alarm_name
                ));
            }
            for a in alarms.metric_alarms {
                let alarm_region = match (a.arn_region(), region.as_str()) {
                    (Some(arn), "") => arn.to_string(),
                    (Some(arn), given) if arn != given => {
                        return Err(error(input, format!("alarm `{}`: its ARN names Region {arn} but the file was passed as {given}=", a.alarm_name)));
                    }
                    (_, "") => return Err(error(input, format!("alarm `{}` has no AlarmArn to tell its Region: pass the file as REGION={}", a.alarm_name, input.path))),
                    (_, given) => given.to_string(),
                };
                merge(
                    &mut d.alarms,
                    (alarm_region, a.alarm_name.clone()),
                    a,
                    input,
                    "alarm",
                )?;
            }
        }
        "ConnectionAliases" => {
            for a in parse::<workspaces::Aliases>(input)?.connection_aliases {
                let id = (region.clone(), route53::plain_name(&a.connection_string));
                merge(&mut d.aliases, id, a, input, "connection alias")?;
            }
        }
        "Directories" => {
            for x in parse::<workspaces::Directories>(input)?.directories {
                merge(
                    &mut d.directories,
                    (region.clone(), x.directory_id.clone()),
                    x,
                    input,
                    "directory",
                )?;
            }
        }
        _ => {
            for w in parse::<workspaces::Workspaces>(input)?.workspaces {
                merge(
                    &mut d.workspaces,
                    (region.clone(), w.workspace_id.clone()),
                    w,
                    input,
                    "WorkSpace",
                )?;
            }
        }
    }
    Ok(())
}

/// Adds an object; the same id twice must be the same object (overlapping pages), never a
/// contradiction.
fn merge<K: Ord + std::fmt::Debug, V: PartialEq>(
    map: &mut BTreeMap<K, V>,
    id: K,
    value: V,
    input: &Input,
    what: &str,
) -> Result<(), ImportError> {
    match map.get(&id) {
        Some(existing) if *existing != value => Err(error(input, format!("{what} {id:?} differs from the one read from an earlier file: the exports contradict each other (taken at different times?)"))),
        Some(_) => Ok(()),
        None => {
            map.insert(id, value);
            Ok(())
        }
    }
}

/// Reads the inputs and writes the scenario; the text is validated before it is returned, so
/// what `failsim import` writes is what `failsim check` accepts.
pub fn import(inputs: &[Input]) -> Result<writer::Imported, ImportError> {
    import_with(inputs, None)
}

/// [`import`] with the client inventory read from `--client-versions FILE`: its version
/// shares become every group's `client_versions` instead of a marked default.
pub fn import_with(
    inputs: &[Input],
    client_inventory: Option<inventory::ClientInventory>,
) -> Result<writer::Imported, ImportError> {
    let mut deployment = read(inputs)?;
    deployment.client_inventory = client_inventory;
    let whole = |message: String| ImportError {
        file: inputs
            .iter()
            .map(|i| i.path.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        line: 0,
        column: 0,
        message,
    };
    let imported = writer::write(&deployment).map_err(whole)?;
    if let Err(e) = crate::scenario::load_str(&imported.toml, "imported.toml", &[]) {
        return Err(whole(format!(
            "the deployment cannot be simulated as exported:\n{e}"
        )));
    }
    Ok(imported)
}
