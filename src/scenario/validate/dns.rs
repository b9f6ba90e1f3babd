//! `[dns]` and `[[resolver]]`: the connection alias record with its routing policy, and the
//! recursive resolvers users go through.

use super::fields::{at, entry, key, FieldPath, Validator};
use crate::scenario::raw::{OneOrMany, RawDns, RawResolver, RawRouting, TtlPolicy};
use crate::scenario::{
    AliasSpec, DnsSpec, PathSeg, RecordSpec, ResolverSpec, Routing, TtlPolicySpec, Zone,
};
use std::collections::BTreeSet;

pub(super) fn dns(validator: &mut Validator, raw: &RawDns, alias: Option<&AliasSpec>) -> DnsSpec {
    let base: FieldPath = vec![key("dns")];
    let fqdn_ok = !raw.fqdn.is_empty()
        && raw.fqdn.len() <= 255
        && raw
            .fqdn
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if !fqdn_ok {
        validator.report(
            at(&base, &[key("fqdn")]),
            "allowed: 1-255 letters, digits, `.` and `-` (WorkSpaces connection string)",
        );
    }
    let ttl_ms = validator.duration_or(
        at(&base, &[key("ttl")]),
        raw.ttl.as_ref(),
        DnsSpec::DEFAULT_TTL_MS,
    );
    if ttl_ms % 1000 != 0 {
        validator.report(at(&base, &[key("ttl")]), "DNS TTLs are whole seconds");
    }
    let health_propagation_ms = validator.duration_or(
        at(&base, &[key("health_propagation")]),
        raw.health_propagation.as_ref(),
        DnsSpec::DEFAULT_HEALTH_PROPAGATION_MS,
    );
    let edit_propagation_ms = validator.duration_or(
        at(&base, &[key("edit_propagation")]),
        raw.edit_propagation.as_ref(),
        DnsSpec::DEFAULT_EDIT_PROPAGATION_MS,
    );
    let (routing, record_values) = routing(
        validator,
        &at(&base, &[key("routing")]),
        &raw.routing,
        alias,
    );
    let control_retry_ms = validator.duration_or(
        at(&base, &[key("control_retry")]),
        raw.control_retry.as_ref(),
        DnsSpec::DEFAULT_CONTROL_RETRY_MS,
    );
    if control_retry_ms == 0 {
        validator.report(
            at(&base, &[key("control_retry")]),
            "allowed: a duration greater than 0",
        );
    }
    let control_give_up_ms = validator.duration_or(
        at(&base, &[key("control_give_up")]),
        raw.control_give_up.as_ref(),
        DnsSpec::DEFAULT_CONTROL_GIVE_UP_MS,
    );
    let (locations, no_checker_reports) = super::locations::locations(validator, raw);
    let zone = raw.zone.unwrap_or(DnsSpec::DEFAULT_ZONE);
    let accelerated_recovery = raw.accelerated_recovery.unwrap_or(false);
    if accelerated_recovery && zone == Zone::Private {
        validator.report(
            at(&base, &[key("accelerated_recovery")]),
            "Route 53 accelerated recovery is only for public hosted zones; allowed: false with zone = \"private\"",
        );
    }
    DnsSpec {
        fqdn: raw.fqdn.clone(),
        ttl_ms,
        zone,
        health_propagation_ms,
        edit_propagation_ms,
        control_retry_ms,
        control_give_up_ms,
        accelerated_recovery,
        routing,
        record_values,
        locations,
        no_checker_reports,
    }
}

/// One record: the Region its value maps to and the value as written (`None` for the
/// `region` shorthand). A record takes `region` (shorthand for that Region's connection
/// identifier) or `identifier` (the TXT value, mapped through the alias's associations).
fn record(
    validator: &mut Validator,
    path: FieldPath,
    written: (Option<&String>, Option<&String>),
    health_check: Option<&String>,
    weight: u32,
    alias: Option<&AliasSpec>,
) -> (RecordSpec, Option<String>) {
    let region = match written {
        (Some(_), Some(_)) => {
            validator.report(path.clone(), "give `region` or `identifier`, not both");
            0
        }
        (None, None) => {
            validator.report(path.clone(), "a record needs `identifier` (the TXT value: a connection identifier of the alias) or `region` (shorthand for that Region's identifier)");
            0
        }
        (Some(region), None) => {
            let index = validator.region(at(&path, &[key("region")]), region);
            if let (Some(index), Some(alias)) = (index, alias) {
                if alias.association_in(index).is_none() {
                    validator.report(at(&path, &[key("region")]), format!("alias `{}` has no association in Region `{region}`, so no connection identifier sends clients there; add an [[alias.association]] for it or write the record's `identifier`", alias.connection_string));
                }
            }
            index.unwrap_or(0)
        }
        (None, Some(identifier)) => match alias {
            None => {
                validator.report(at(&path, &[key("identifier")]), "a record holding a connection identifier needs an [[alias]] whose associations map it to a Region");
                0
            }
            Some(_) if identifier.is_empty() => {
                validator.report(
                    at(&path, &[key("identifier")]),
                    "an empty TXT value; allowed: a connection identifier of the alias",
                );
                0
            }
            Some(alias) => alias.region_of(identifier).unwrap_or(RecordSpec::UNMATCHED),
        },
    };
    let spec = RecordSpec {
        region,
        health_check: health_check
            .and_then(|h| validator.health_check(at(&path, &[key("health_check")]), h)),
        weight,
    };
    (spec, written.1.cloned())
}

/// The answer everyone starts from must map to a Region: a primary whose value matches no
/// association would leave no Region for the users to work in at all.
fn primary_matches(validator: &mut Validator, path: FieldPath, record: &RecordSpec) {
    if !record.matched() {
        validator.report(path, "the primary record's identifier matches no association of the alias: no FQDN login could ever succeed; use the connection identifier of the primary Region's association");
    }
}

fn routing(
    validator: &mut Validator,
    base: &FieldPath,
    raw: &RawRouting,
    alias: Option<&AliasSpec>,
) -> (Routing, Vec<Option<String>>) {
    let mut values = Vec::new();
    let routing = match raw {
        RawRouting::Failover { primary, secondary } => {
            let primary_path = at(base, &[key("primary")]);
            let (first, value) = record(
                validator,
                primary_path.clone(),
                (primary.region.as_ref(), primary.identifier.as_ref()),
                primary.health_check.as_ref(),
                0,
                alias,
            );
            primary_matches(validator, at(&primary_path, &[key("identifier")]), &first);
            let mut chain = vec![first];
            values.push(value);
            for (j, s) in secondary.as_slice().iter().enumerate() {
                let path = match secondary {
                    OneOrMany::One(_) => at(base, &[key("secondary")]),
                    OneOrMany::Many(_) => at(base, &[key("secondary"), PathSeg::Index(j)]),
                };
                let (spec, value) = record(
                    validator,
                    path,
                    (s.region.as_ref(), s.identifier.as_ref()),
                    s.health_check.as_ref(),
                    0,
                    alias,
                );
                chain.push(spec);
                values.push(value);
            }
            if secondary.as_slice().is_empty() {
                validator.report(
                    at(base, &[key("secondary")]),
                    "failover routing needs at least one secondary record",
                );
            }
            // A Region written twice is a slip of the pen; an identifier that maps to a Region
            // already in the chain is the deployment as built (the copy-paste mistake the
            // `secondary-holds-primary-identifier` lint explains), so it is simulated.
            // Compared by name: an unknown Region has no index to compare (and with no
            // [[region]] at all, indexing the names would panic).
            let mut seen = BTreeSet::new();
            let names = std::iter::once(primary.region.as_ref())
                .chain(secondary.as_slice().iter().map(|s| s.region.as_ref()));
            for name in names.flatten() {
                if !seen.insert(name) {
                    let message = format!("Region `{name}` appears twice in the failover chain");
                    validator.report(base.clone(), message);
                }
            }
            Routing::Failover(chain)
        }
        RawRouting::Weighted { records } => {
            let mut weighted = Vec::new();
            for (j, r) in records.iter().enumerate() {
                let path = at(base, &[key("records"), PathSeg::Index(j)]);
                if r.weight > 255 {
                    validator.report(
                        at(&path, &[key("weight")]),
                        format!("{} is out of range; allowed: 0 to 255", r.weight),
                    );
                }
                let (spec, value) = record(
                    validator,
                    path,
                    (r.region.as_ref(), r.identifier.as_ref()),
                    r.health_check.as_ref(),
                    r.weight,
                    alias,
                );
                weighted.push(spec);
                values.push(value);
            }
            if weighted.is_empty() {
                validator.report(
                    at(base, &[key("records")]),
                    "weighted routing needs at least one record",
                );
                Routing::Weighted(weighted)
            } else {
                let routing = Routing::Weighted(weighted);
                if routing.primary_region() == RecordSpec::UNMATCHED {
                    validator.report(at(base, &[key("records")]), "the heaviest weighted record (the primary) holds an identifier that matches no association of the alias; use the connection identifier of its Region's association");
                }
                routing
            }
        }
        RawRouting::Simple { region, identifier } => {
            let (spec, value) = record(
                validator,
                base.clone(),
                (region.as_ref(), identifier.as_ref()),
                None,
                0,
                alias,
            );
            primary_matches(validator, at(base, &[key("identifier")]), &spec);
            values.push(value);
            Routing::Simple(spec.region)
        }
    };
    (routing, values)
}

/// The resolvers in file order, or the implicit honouring one when none is given.
pub(super) fn resolvers(validator: &mut Validator, raw: &[RawResolver]) -> Vec<ResolverSpec> {
    let mut resolvers = Vec::new();
    for (i, resolver) in raw.iter().enumerate() {
        let base = entry("resolver", i);
        let ttl_policy = ttl_policy(validator, &base, resolver);
        if resolver.population.is_some() {
            population_keys(validator, &base, resolver);
        }
        if let Some(population) = &resolver.population {
            if population != "internet" {
                validator.report(
                    at(&base, &[key("population")]),
                    format!("unknown population `{population}`; allowed: \"internet\""),
                );
            }
        } else if resolver.instances.is_some() {
            validator.report(
                at(&base, &[key("instances")]),
                "`instances` is only used with `population`",
            );
        }
        let instances = resolver
            .instances
            .unwrap_or(ResolverSpec::DEFAULT_INSTANCES);
        if !(1..=1_000_000).contains(&instances) {
            validator.report(at(&base, &[key("instances")]), "allowed: 1 to 1,000,000");
        }
        resolvers.push(ResolverSpec {
            name: resolver.name.clone(),
            ttl_policy,
            serve_stale_ms: validator.duration_or(
                at(&base, &[key("serve_stale")]),
                resolver.serve_stale.as_ref(),
                ResolverSpec::DEFAULT_SERVE_STALE_MS,
            ),
            stale_first: resolver.stale_first.unwrap_or(false),
            prefetch: resolver.prefetch.unwrap_or(false),
            population: resolver.population.clone(),
            instances,
            dns_location: super::locations::resolver_location(
                validator,
                at(&base, &[key("dns_location")]),
                resolver.dns_location.as_ref(),
            ),
        });
    }
    if resolvers.is_empty() {
        resolvers.push(ResolverSpec::implicit());
        validator.resolvers = vec![ResolverSpec::IMPLICIT_NAME.into()];
    }
    resolvers
}

/// `ttl_policy` with the one parameter its policy takes.
fn ttl_policy(validator: &mut Validator, base: &FieldPath, raw: &RawResolver) -> TtlPolicySpec {
    let policy = raw.ttl_policy.unwrap_or(TtlPolicy::Honor);
    for (present, field, wanted, name) in [
        (
            raw.min_ttl.is_some(),
            "min_ttl",
            TtlPolicy::MinTtl,
            "min_ttl",
        ),
        (
            raw.max_ttl.is_some(),
            "max_ttl",
            TtlPolicy::MaxTtl,
            "max_ttl",
        ),
        (
            raw.extension.is_some(),
            "extension",
            TtlPolicy::Extend,
            "extend",
        ),
    ] {
        if present && policy != wanted {
            validator.report(
                at(base, &[key(field)]),
                format!("`{field}` is only used with ttl_policy = \"{name}\""),
            );
        }
    }
    match policy {
        TtlPolicy::Honor => TtlPolicySpec::Honor,
        TtlPolicy::MinTtl => match &raw.min_ttl {
            Some(t) => TtlPolicySpec::MinTtl(
                validator
                    .duration(at(base, &[key("min_ttl")]), t)
                    .unwrap_or(0),
            ),
            None => {
                validator.report(
                    base.clone(),
                    "ttl_policy = \"min_ttl\" needs `min_ttl`, e.g. \"5m\"",
                );
                TtlPolicySpec::Honor
            }
        },
        TtlPolicy::MaxTtl => match &raw.max_ttl {
            Some(t) => TtlPolicySpec::MaxTtl(
                validator
                    .duration(at(base, &[key("max_ttl")]), t)
                    .unwrap_or(0),
            ),
            None => {
                validator.report(
                    base.clone(),
                    "ttl_policy = \"max_ttl\" needs `max_ttl`, e.g. \"1m\"",
                );
                TtlPolicySpec::Honor
            }
        },
        TtlPolicy::Extend => TtlPolicySpec::Extend(validator.dist_or(
            at(base, &[key("extension")]),
            raw.extension.as_ref(),
            TtlPolicySpec::DEFAULT_EXTENSION,
        )),
    }
}

/// A population draws each instance's behaviour from its mixture: no per-resolver keys.
fn population_keys(validator: &mut Validator, base: &FieldPath, raw: &RawResolver) {
    for (present, field) in [
        (raw.ttl_policy.is_some(), "ttl_policy"),
        (raw.min_ttl.is_some(), "min_ttl"),
        (raw.max_ttl.is_some(), "max_ttl"),
        (raw.extension.is_some(), "extension"),
        (raw.serve_stale.is_some(), "serve_stale"),
        (raw.stale_first.is_some(), "stale_first"),
        (raw.prefetch.is_some(), "prefetch"),
    ] {
        if present {
            validator.report(at(base, &[key(field)]), format!("a population draws each instance's `{field}` from its documented mixture; remove it (or drop `population` to describe one resolver)"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{problems_of, BASE};
    use crate::scenario::TtlPolicySpec;

    #[test]
    fn a_ttl_must_be_whole_seconds() {
        let text = BASE.replace("fqdn = ", "ttl = \"1500ms\"\nfqdn = ");
        let problems = problems_of(&text);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "dns.ttl");
        assert_eq!(problems[0].message, "DNS TTLs are whole seconds");
    }

    #[test]
    fn a_ttl_without_a_unit_says_how_to_write_one() {
        let text = BASE.replace("fqdn = ", "ttl = \"30\"\nfqdn = ");
        let problems = problems_of(&text);
        assert_eq!(problems[0].field, "dns.ttl");
        assert!(
            problems[0].message.ends_with(
                "allowed: a duration with a unit such as \"250ms\", \"30s\", \"5m\", \"1h 30m\""
            ),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn a_region_twice_in_the_failover_chain_is_reported() {
        let text = BASE.replace(
            "secondary = { region = \"east\" }",
            "secondary = { region = \"west\" }",
        );
        let problems = problems_of(&text);
        assert_eq!(problems[0].field, "dns.routing");
        assert_eq!(
            problems[0].message,
            "Region `west` appears twice in the failover chain"
        );
    }

    #[test]
    fn weighted_records_take_weights_up_to_255() {
        let text = BASE.replace("{ policy = \"failover\", primary = { region = \"west\" }, secondary = { region = \"east\" } }", "{ policy = \"weighted\", records = [{ region = \"west\", weight = 256 }] }");
        let problems = problems_of(&text);
        assert_eq!(problems[0].field, "dns.routing.records[0].weight");
        assert_eq!(
            problems[0].message,
            "256 is out of range; allowed: 0 to 255"
        );
    }

    #[test]
    fn a_policy_parameter_needs_its_policy() {
        let text = format!("{BASE}\n[[resolver]]\nname = \"corp\"\nmin_ttl = \"5m\"\n[[resolver]]\nname = \"isp\"\nttl_policy = \"extend\"\n");
        let problems = problems_of(&text.replace(
            "home = \"west\"",
            "home = \"west\"\nresolvers = { corp = 1.0 }",
        ));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].field, "resolver.corp.min_ttl");
        assert_eq!(
            problems[0].message,
            "`min_ttl` is only used with ttl_policy = \"min_ttl\""
        );
        let scenario = crate::scenario::load_str(
            &text.replace("min_ttl = \"5m\"\n", "").replace(
                "home = \"west\"",
                "home = \"west\"\nresolvers = { corp = 1.0 }",
            ),
            "t.toml",
            &[],
        )
        .unwrap();
        assert_eq!(
            scenario.resolvers[1].ttl_policy,
            TtlPolicySpec::Extend(TtlPolicySpec::DEFAULT_EXTENSION)
        );
    }

    #[test]
    fn a_population_takes_no_per_resolver_keys() {
        let text = format!(
            "{BASE}\n[[resolver]]\nname = \"isps\"\npopulation = \"internet\"\nprefetch = true\n"
        );
        let problems = problems_of(&text);
        assert_eq!(problems[0].field, "resolver.isps.prefetch");
        assert!(problems[0]
            .message
            .starts_with("a population draws each instance's `prefetch`"));
    }
}
