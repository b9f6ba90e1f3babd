//! The one validation pass: raw structs -> [`Scenario`], collecting every problem.
//!
//! Names are gathered first so references resolve whatever the table order; then each table
//! is validated by its own function, in file-format order (`[scenario]`, regions, CloudWatch,
//! health checks, DNS and resolvers, users, events, expectations). Problems are reported in
//! that order.

mod alias;
mod arc;
mod cloudwatch;
mod cost;
mod directories;
mod dns;
mod events;
mod expect;
mod fields;
mod health;
mod locations;
mod regions;
mod users;

use super::raw::RawScenario;
use super::{Problem, Scenario};
use fields::{at, key, FieldPath, Validator};

pub(crate) fn validate(raw: &RawScenario) -> Result<Scenario, Vec<Problem>> {
    let mut validator = Validator::default();
    let (duration_ms, series_step_ms) = scenario_table(&mut validator, raw);
    let start = raw.scenario.start.as_ref().and_then(|text| {
        crate::time::parse_instant(text)
            .map_err(|e| validator.report(vec![key("scenario"), key("start")], e))
            .ok()
    });
    validator.duration_ms = duration_ms;
    names(&mut validator, raw);
    let regions = regions::regions(&mut validator, &raw.region);
    let metrics = cloudwatch::metrics(&mut validator, &raw.metric);
    let alarms = cloudwatch::alarms(&mut validator, &raw.alarm);
    let health_checks = health::health_checks(&mut validator, &raw.health_check, &alarms, &metrics);
    let alias = alias::alias(&mut validator, &raw.alias, &raw.dns.fqdn);
    let dns = dns::dns(&mut validator, &raw.dns, alias.as_ref());
    let resolvers = dns::resolvers(&mut validator, &raw.resolver);
    let (directories, on_premises) = directories::directories(&mut validator, &raw.directory);
    let mut groups = users::groups(&mut validator, &raw.users, &resolvers);
    users::working_hours(&mut validator, &raw.users, &mut groups, start);
    if let Some(alias) = &alias {
        alias::workspaces_behind(&mut validator, alias, &groups);
    }
    let arc = arc::arc(&mut validator, raw.arc.as_ref());
    let events = events::events(&mut validator, &raw.event, &health_checks, &arc);
    let expectations = expect::expectations(&mut validator, &raw.expect, &groups);
    let cost = cost::cost(&mut validator, raw.cost.as_ref());
    if !validator.problems.is_empty() {
        return Err(validator.problems);
    }
    Ok(Scenario {
        name: raw.scenario.name.clone(),
        seed: raw.scenario.seed.unwrap_or(Scenario::DEFAULT_SEED),
        duration_ms,
        start,
        series_step_ms,
        regions,
        metrics,
        alarms,
        health_checks,
        dns,
        resolvers,
        directories,
        on_premises,
        groups,
        events,
        expectations,
        alias,
        arc,
        cost,
    })
}

/// `[scenario]`: `(duration_ms, series_step_ms)`; the duration is 0 when invalid.
fn scenario_table(validator: &mut Validator, raw: &RawScenario) -> (u64, u64) {
    let base: FieldPath = vec![key("scenario")];
    let duration_ms = validator
        .positive_duration(at(&base, &[key("duration")]), &raw.scenario.duration)
        .unwrap_or(0);
    let series_step_ms = validator.positive_duration_or(
        at(&base, &[key("series_step")]),
        raw.scenario.series_step.as_ref(),
        Scenario::DEFAULT_SERIES_STEP_MS,
    );
    if duration_ms > Scenario::MAX_DURATION_MS {
        validator.report(
            at(&base, &[key("duration")]),
            format!(
                "is longer than a year; allowed: at most {} (366 days)",
                crate::time::format_ms(Scenario::MAX_DURATION_MS)
            ),
        );
    }
    if duration_ms > 0 && duration_ms / series_step_ms > 1_000_000 {
        validator.report(at(&base, &[key("series_step")]), "gives more than a million series rows; allowed: a step of at least duration / 1,000,000");
    }
    (duration_ms, series_step_ms)
}

/// The names of every array of tables, and the limits on how many entries each may have.
fn names(validator: &mut Validator, raw: &RawScenario) {
    validator.regions = validator.unique_names("region", raw.region.iter().map(|r| &r.name));
    validator.metrics = validator.unique_names("metric", raw.metric.iter().map(|m| &m.name));
    validator.alarms = validator.unique_names("alarm", raw.alarm.iter().map(|a| &a.name));
    validator.health_checks =
        validator.unique_names("health_check", raw.health_check.iter().map(|h| &h.name));
    validator.resolvers = validator.unique_names("resolver", raw.resolver.iter().map(|r| &r.name));
    validator.directories =
        validator.unique_names("directory", raw.directory.iter().map(|d| &d.name));
    validator.unique_names("users", raw.users.iter().map(|u| &u.name));
    validator.unique_names("event", raw.event.iter().map(|e| &e.name));
    // Compact per-entity state stores these as small integers.
    for (count, table, max) in [
        (raw.region.len(), "region", 250usize),
        (raw.health_check.len(), "health_check", 65_535),
        (raw.users.len(), "users", 65_535),
        (raw.resolver.len(), "resolver", 65_535),
        (raw.event.len(), "event", 65_535),
        (raw.metric.len(), "metric", 65_535),
    ] {
        if count > max {
            validator.report(
                vec![key(table)],
                format!("{count} [[{table}]] entries; allowed: at most {max}"),
            );
        }
    }
    if raw.region.is_empty() {
        validator.report(vec![], "no [[region]] defined; allowed: at least one (usually a primary and a failover Region)");
    }
}

/// Validates a scenario written as TOML text (tests of the tables use it).
#[cfg(test)]
fn problems_of(text: &str) -> Vec<crate::scenario::Diagnostic> {
    match crate::scenario::load_str(text, "t.toml", &[]) {
        Ok(_) => Vec::new(),
        Err(crate::scenario::LoadError::Invalid(diagnostics)) => diagnostics,
        Err(other) => panic!("{other}"),
    }
}

/// A small valid scenario; tests append or replace tables to break one thing.
#[cfg(test)]
const BASE: &str = r#"
[scenario]
name = "t"
duration = "1h"

[[region]]
name = "west"
[[region]]
name = "east"

[dns]
fqdn = "desktop.example.com"
routing = { policy = "failover", primary = { region = "west" }, secondary = { region = "east" } }

[[users]]
name = "staff"
count = 10
home = "west"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_scenario_is_valid() {
        assert_eq!(problems_of(BASE), vec![]);
    }

    #[test]
    fn defaults_apply_when_keys_are_absent() {
        let scenario = crate::scenario::load_str(BASE, "t.toml", &[]).unwrap();
        assert_eq!(scenario.seed, Scenario::DEFAULT_SEED);
        assert_eq!(scenario.series_step_ms, Scenario::DEFAULT_SERIES_STEP_MS);
        assert_eq!(scenario.resolvers[0].name, "default");
    }

    #[test]
    fn too_fine_a_series_step_is_reported_on_its_key() {
        let text = BASE.replace(
            "duration = \"1h\"",
            "duration = \"1h\"\nseries_step = \"1ms\"",
        );
        let problems = problems_of(&text);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "scenario.series_step");
        assert!(problems[0]
            .message
            .contains("more than a million series rows"));
    }

    #[test]
    fn duplicate_and_dotted_names_are_reported() {
        let text = format!("{BASE}\n[[users]]\nname = \"staff\"\ncount = 1\nhome = \"west\"\n[[users]]\nname = \"a.b\"\ncount = 1\nhome = \"west\"\n");
        let problems = problems_of(&text);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].message.starts_with("duplicate name `staff`"));
        assert_eq!(problems[1].field, "users[2].name");
        assert!(problems[1].message.contains("contains `.`"));
    }

    #[test]
    fn every_problem_is_reported_in_one_pass() {
        let text = BASE
            .replace("count = 10", "count = 0")
            .replace("duration = \"1h\"", "duration = \"soon\"");
        let fields: Vec<String> = problems_of(&text).into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["scenario.duration", "users.staff.count"]);
    }
}
