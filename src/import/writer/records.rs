//! The records of the connection alias's name: failover, weighted and simple leaves (alias
//! records flattened), the alias associations, and their `[dns]` and `[[alias]]` tables.

use super::{check_name, q};
use crate::import::route53::{plain_name, txt_value, HealthCheck, RecordSet};
use crate::import::Deployment;
use std::collections::BTreeSet;
use std::fmt::Write;

/// A record that answers with a TXT value (chained alias records flattened).
pub(super) struct Leaf {
    pub(super) value: String,
    pub(super) health_check: Option<String>,
    pub(super) weight: Option<u32>,
    pub(super) ttl: Option<u64>,
    pub(super) id: String,
}

/// The records of `name`: policy and leaves, following alias records (chained failover).
pub(super) fn leaves(
    d: &Deployment,
    name: &str,
    warnings: &mut Vec<String>,
) -> Result<(String, Vec<Leaf>), String> {
    let mut sets: Vec<&RecordSet> = d
        .records
        .iter()
        .filter(|(k, _)| k.0 == name && k.1 == "TXT")
        .map(|(_, r)| r)
        .collect();
    sets.retain(|r| {
        let dropped = [
            (r.region.is_some(), "latency"),
            (r.geo_location.is_some(), "geolocation"),
            (r.geo_proximity_location.is_some(), "geoproximity"),
            (r.cidr_routing_config.is_some(), "IP-based"),
            (r.multi_value_answer.is_some(), "multivalue answer"),
        ];
        match dropped.iter().find(|x| x.0) {
            Some((_, kind)) => {
                warnings.push(format!("record {} TXT `{}` uses {kind} routing, which failsim does not simulate: dropped", r.name, r.set_identifier.as_deref().unwrap_or("")));
                false
            }
            None => true,
        }
    });
    let failover: Vec<&RecordSet> = ["PRIMARY", "SECONDARY"]
        .iter()
        .filter_map(|f| {
            sets.iter()
                .find(|r| r.failover.as_deref() == Some(f))
                .copied()
        })
        .collect();
    let (policy, chosen) = if !failover.is_empty() {
        if failover.len() < 2 {
            return Err(format!(
                "the failover records of `{name}` need a PRIMARY and a SECONDARY; found one"
            ));
        }
        ("failover", failover)
    } else if sets.iter().any(|r| r.weight.is_some()) {
        ("weighted", sets.clone())
    } else if sets.len() == 1 {
        ("simple", sets.clone())
    } else {
        return Err(format!("{} TXT records named `{name}` with no routing policy failsim simulates (failover, weighted or simple)", sets.len()));
    };
    let mut leaves = Vec::new();
    for r in chosen {
        flatten(d, r, &mut leaves, 0)?;
    }
    Ok((policy.into(), leaves))
}

/// A record's leaves: itself, or the failover chain its alias target names.
pub(super) fn flatten(
    d: &Deployment,
    r: &RecordSet,
    out: &mut Vec<Leaf>,
    depth: usize,
) -> Result<(), String> {
    let id = format!(
        "{} TXT {}",
        r.name,
        r.set_identifier.as_deref().unwrap_or("(simple)")
    );
    if let Some(target) = &r.alias_target {
        if depth > 8 {
            return Err(format!("record {id}: alias records nest more than 8 deep"));
        }
        let name = plain_name(&target.dns_name);
        let mut found = false;
        for f in ["PRIMARY", "SECONDARY"] {
            if let Some(next) = d
                .records
                .iter()
                .find(|(k, x)| k.0 == name && k.1 == "TXT" && x.failover.as_deref() == Some(f))
            {
                flatten(d, next.1, out, depth + 1)?;
                found = true;
            }
        }
        if !found {
            return Err(format!("record {id} is an alias of `{name}`, which has no failover TXT records in the inputs"));
        }
        return Ok(());
    }
    let values: Vec<String> = r
        .resource_records
        .iter()
        .flatten()
        .map(|v| txt_value(&v.value))
        .collect();
    let Some(value) = values.first() else {
        return Err(format!(
            "record {id} has neither ResourceRecords nor AliasTarget"
        ));
    };
    out.push(Leaf {
        value: value.clone(),
        health_check: r.health_check_id.clone(),
        weight: r.weight,
        ttl: r.ttl,
        id,
    });
    Ok(())
}

/// One association as imported.
pub(super) struct Ident {
    pub(super) region: String,
    pub(super) identifier: String,
    pub(super) directory: String,
    pub(super) account: String,
    pub(super) owner: String,
    pub(super) alias_id: String,
}

pub(super) fn identifiers(
    d: &Deployment,
    fqdn: &str,
    warnings: &mut Vec<String>,
) -> Result<Vec<Ident>, String> {
    let mut out: Vec<Ident> = Vec::new();
    for ((region, string), alias) in &d.aliases {
        if string != fqdn {
            warnings.push(format!("connection alias `{string}` ({region}) is not the one simulated (`{fqdn}`): dropped"));
            continue;
        }
        let owner = alias.owner_account_id.clone().unwrap_or_default();
        if let Some(other) = out.iter().find(|o| o.owner != owner) {
            return Err(format!("alias `{fqdn}` is owned by {} in {} but by {owner} in {region}: the same account creates the alias in every Region", other.owner, other.region));
        }
        for a in &alias.associations {
            let status = a.association_status.as_deref().unwrap_or("");
            if !status.starts_with("ASSOCIATED_WITH_") {
                warnings.push(format!(
                    "association of `{fqdn}` in {region} with {} is {status}: dropped",
                    a.resource_id.as_deref().unwrap_or("?")
                ));
                continue;
            }
            out.push(Ident {
                region: region.clone(),
                identifier: a.connection_identifier.clone().unwrap_or_default(),
                directory: a.resource_id.clone().unwrap_or_default(),
                account: a
                    .associated_account_id
                    .clone()
                    .unwrap_or_else(|| owner.clone()),
                owner: owner.clone(),
                alias_id: alias.alias_id.clone().unwrap_or_default(),
            });
        }
    }
    Ok(out)
}

pub(super) fn write_dns(
    out: &mut String,
    fqdn: &str,
    policy: &str,
    leaves: &[Leaf],
    checks: &[&HealthCheck],
    warnings: &mut Vec<String>,
) {
    let ttl = leaves.iter().find_map(|l| l.ttl).unwrap_or(300);
    if leaves.iter().any(|l| l.ttl.is_some_and(|t| t != ttl)) {
        warnings.push(format!("the records of `{fqdn}` have different TTLs: failsim uses one, {ttl} s (the first record's)"));
    }
    let record = |l: &Leaf, weight: bool| {
        let mut s = format!("{{ identifier = {}", q(&l.value));
        if let Some(h) = l
            .health_check
            .as_ref()
            .filter(|h| checks.iter().any(|c| &c.id == *h))
        {
            s += &format!(", health_check = {}", q(&check_name(h)));
        }
        if weight {
            s += &format!(", weight = {}", l.weight.unwrap_or(0));
        }
        s + " }"
    };
    let _ = writeln!(out, "\n[dns]\nfqdn = {}\nttl = \"{ttl}s\"", q(fqdn));
    for l in leaves {
        let _ = writeln!(out, "# route53 record {}", l.id);
    }
    let routing = match policy {
        "failover" => {
            let secondaries: Vec<String> = leaves[1..].iter().map(|l| record(l, false)).collect();
            format!(
                "{{ policy = \"failover\", primary = {}, secondary = [{}] }}",
                record(&leaves[0], false),
                secondaries.join(", ")
            )
        }
        "weighted" => format!(
            "{{ policy = \"weighted\", records = [{}] }}",
            leaves
                .iter()
                .map(|l| record(l, true))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => format!(
            "{{ policy = \"simple\", identifier = {} }}",
            q(&leaves[0].value)
        ),
    };
    let _ = writeln!(out, "routing = {routing}");
}

pub(super) fn write_alias(out: &mut String, fqdn: &str, ids: &[Ident]) {
    let Some(first) = ids.first() else { return };
    let shared: BTreeSet<&String> = ids
        .iter()
        .map(|a| &a.account)
        .filter(|a| **a != first.owner)
        .collect();
    let _ = writeln!(
        out,
        "\n[[alias]]\nconnection_string = {}\nowner_account = {}",
        q(fqdn),
        q(&first.owner)
    );
    if let Some(s) = shared.first() {
        let _ = writeln!(out, "shared_account = {}", q(s));
    }
    for a in ids {
        let _ = writeln!(out, "\n# workspaces connection alias {} ({}), association with {}\n[[alias.association]]\nregion = {}\ndirectory = {}\nconnection_identifier = {}\naccount = {}", a.alias_id, a.region, a.directory, q(&a.region), q(&a.directory), q(&a.identifier), q(&a.account));
    }
}
