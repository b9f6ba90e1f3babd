//! Route 53 DNS locations: `dns.locations` and `dns.no_checker_reports`, a resolver's
//! `dns_location`, and the `dns_partition` event that cuts checker reports off from
//! locations (README, Model: DNS locations).

use super::fields::{at, key, FieldPath, Validator};
use crate::scenario::raw::{RawDns, RawEvent};
use crate::scenario::{DnsSpec, EventAction, InsufficientData, PathSeg};
use std::collections::BTreeSet;

/// `dns.locations` (names, unique, at most [`DnsSpec::MAX_LOCATIONS`]) and
/// `dns.no_checker_reports`; remembers the names for the references that follow.
pub(super) fn locations(
    validator: &mut Validator,
    raw: &RawDns,
) -> (Vec<String>, InsufficientData) {
    let base: FieldPath = vec![key("dns"), key("locations")];
    let names = raw.locations.clone().unwrap_or_default();
    if raw.locations.as_ref().is_some_and(Vec::is_empty) {
        validator.report(base.clone(), "an empty list; allowed: one or more location names, or leave `locations` out for the one global view");
    }
    if names.len() > DnsSpec::MAX_LOCATIONS {
        validator.report(
            base.clone(),
            format!(
                "{} locations; allowed: at most {}",
                names.len(),
                DnsSpec::MAX_LOCATIONS
            ),
        );
    }
    let mut seen = BTreeSet::new();
    for (j, name) in names.iter().enumerate() {
        let path = at(&base, &[PathSeg::Index(j)]);
        if name.trim().is_empty() {
            validator.report(path, "must not be empty");
        } else if name.contains('.') {
            validator.report(
                path,
                format!("`{name}` contains `.`; use letters, digits, `-` and `_`"),
            );
        } else if !seen.insert(name.as_str()) {
            validator.report(path, format!("duplicate location `{name}`"));
        }
    }
    if raw.no_checker_reports.is_some() && names.is_empty() {
        validator.report(
            vec![key("dns"), key("no_checker_reports")],
            "only used with `dns.locations` (the global view always hears every checker); remove it or declare locations",
        );
    }
    validator.locations = names.clone();
    let no_reports = raw
        .no_checker_reports
        .unwrap_or(DnsSpec::DEFAULT_NO_CHECKER_REPORTS);
    (names, no_reports)
}

/// A resolver's `dns_location`: an index into `dns.locations`.
pub(super) fn resolver_location(
    validator: &mut Validator,
    path: FieldPath,
    name: Option<&String>,
) -> Option<usize> {
    let name = name?;
    lookup(validator, path, name)
}

fn lookup(validator: &mut Validator, path: FieldPath, name: &str) -> Option<usize> {
    let names = std::mem::take(&mut validator.locations);
    let index = validator.lookup(path, name, "DNS location (dns.locations)", &names);
    validator.locations = names;
    index
}

/// `dns_partition`: `dns_locations` stop receiving the reports of the checkers in
/// `checker_regions`.
pub(super) fn dns_partition(
    validator: &mut Validator,
    base: &FieldPath,
    event: &RawEvent,
) -> Option<EventAction> {
    let mut locations = Vec::new();
    match &event.dns_locations {
        Some(names) if !names.is_empty() => {
            for (j, name) in names.iter().enumerate() {
                let path = at(base, &[key("dns_locations"), PathSeg::Index(j)]);
                match lookup(validator, path.clone(), name) {
                    Some(l) if locations.contains(&l) => {
                        validator.report(path, format!("`{name}` is listed twice"))
                    }
                    Some(l) => locations.push(l),
                    None => {}
                }
            }
        }
        _ => validator.report(
            base.clone(),
            "a dns_partition needs `dns_locations = [...]`, names from `dns.locations`",
        ),
    }
    let mut checker_regions = Vec::new();
    match &event.checker_regions {
        Some(names) if !names.is_empty() => {
            for (j, name) in names.iter().enumerate() {
                let path = at(base, &[key("checker_regions"), PathSeg::Index(j)]);
                match validator.checker_region(path.clone(), name) {
                    Some(c) if checker_regions.contains(&c) => {
                        validator.report(path, format!("`{name}` is listed twice"))
                    }
                    Some(c) => checker_regions.push(c),
                    None => {}
                }
            }
        }
        _ => validator.report(
            base.clone(),
            "a dns_partition needs `checker_regions = [...]`: the Route 53 checker Regions whose reports those locations stop receiving",
        ),
    }
    (!locations.is_empty() && !checker_regions.is_empty()).then_some(EventAction::DnsPartition {
        locations,
        checker_regions,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{problems_of, BASE};

    const LOCATED: &str =
        "fqdn = \"desktop.example.com\"\nlocations = [\"sao-paulo\", \"us-east\"]";

    fn with_locations(extra: &str) -> String {
        format!(
            "{}{extra}",
            BASE.replace("fqdn = \"desktop.example.com\"", LOCATED)
        )
    }

    #[test]
    fn locations_resolvers_and_partitions_validate() {
        let text = with_locations("\n[[resolver]]\nname = \"br\"\ndns_location = \"sao-paulo\"\n[[event]]\nname = \"cut\"\nkind = \"dns_partition\"\nat = \"10m\"\nduration = \"5m\"\ndns_locations = [\"sao-paulo\"]\ncheckers_placeholder\n")
            .replace("checkers_placeholder", "checker_regions = [\"us-east-1\", \"us-west-2\"]");
        let scenario = crate::scenario::load_str(&text, "t.toml", &[]).unwrap();
        assert_eq!(scenario.dns.locations, ["sao-paulo", "us-east"]);
        assert_eq!(scenario.resolvers[0].dns_location, Some(0));
        match &scenario.events[0].action {
            crate::scenario::EventAction::DnsPartition {
                locations,
                checker_regions,
            } => {
                assert_eq!(locations, &[0]);
                assert_eq!(checker_regions, &[0, 2]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_unknown_location_is_reported_where_it_is_named() {
        let text = with_locations("\n[[resolver]]\nname = \"br\"\ndns_location = \"rio\"\n[[event]]\nname = \"cut\"\nkind = \"dns_partition\"\nat = \"10m\"\ndns_locations = [\"us-east\", \"lima\", \"us-east\"]\nchecker_regions = [\"us-east-1\", \"mars-1\"]\n");
        let problems = problems_of(&text);
        let got: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.field.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "resolver.br.dns_location",
                    "unknown DNS location (dns.locations) `rio`; defined: sao-paulo, us-east"
                ),
                (
                    "event.cut.dns_locations[1]",
                    "unknown DNS location (dns.locations) `lima`; defined: sao-paulo, us-east"
                ),
                ("event.cut.dns_locations[2]", "`us-east` is listed twice"),
                ("event.cut.checker_regions[1]", got[3].1),
            ]
        );
        assert!(got[3]
            .1
            .starts_with("`mars-1` is not a Route 53 health-checker Region"));
    }

    #[test]
    fn a_partition_without_locations_and_bad_location_lists_are_reported() {
        let text = format!("{BASE}\n[[event]]\nname = \"cut\"\nkind = \"dns_partition\"\nat = \"10m\"\ndns_locations = [\"x\"]\nchecker_regions = [\"us-east-1\"]\n");
        let problems = problems_of(&text);
        assert_eq!(problems[0].field, "event.cut.dns_locations[0]");
        assert_eq!(
            problems[0].message,
            "unknown DNS location (dns.locations) `x`; none are defined"
        );
        let text = BASE.replace(
            "fqdn = \"desktop.example.com\"",
            "fqdn = \"desktop.example.com\"\nlocations = [\"a\", \"a\", \"b.c\"]\nno_checker_reports = \"healthy\"",
        );
        let fields: Vec<String> = problems_of(&text).into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["dns.locations[1]", "dns.locations[2]"]);
        let text = BASE.replace(
            "fqdn = \"desktop.example.com\"",
            "fqdn = \"desktop.example.com\"\nno_checker_reports = \"healthy\"",
        );
        assert_eq!(problems_of(&text)[0].field, "dns.no_checker_reports");
    }
}
