//! [`Deployment`] -> scenario TOML. Every imported object gets a comment naming its AWS id;
//! what the APIs cannot tell (client versions, Region-code registrations, resolvers, user
//! behaviour, the outage to simulate) is written as a default marked `DEFAULT` with a note on
//! how to fill it in; what failsim cannot simulate is dropped with a warning.

use super::route53::{plain_name, txt_value, HealthCheck, RecordSet};
use super::Deployment;
use crate::scenario::CHECKER_REGIONS;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// The scenario text and the warnings (also written into its header).
pub struct Imported {
    /// The scenario file.
    pub toml: String,
    /// What was dropped or is incomplete.
    pub warnings: Vec<String>,
}

/// A record that answers with a TXT value (chained alias records flattened).
struct Leaf {
    value: String,
    health_check: Option<String>,
    weight: Option<u32>,
    ttl: Option<u64>,
    id: String,
}

fn q(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// A name usable in `--set` paths: letters, digits, `-` and `_`.
fn name_of(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn check_name(id: &str) -> String {
    format!("hc-{}", &id[..id.len().min(8)])
}

/// Writes the scenario; `Err` when the exports hold no record to simulate.
pub fn write(d: &Deployment) -> Result<Imported, String> {
    let mut warnings = d.warnings.clone();
    let fqdn = fqdn(d)?;
    let (policy, leaves) = leaves(d, &fqdn, &mut warnings)?;
    let identifiers = identifiers(d, &fqdn, &mut warnings)?;
    let region_of = |value: &str| {
        identifiers
            .iter()
            .find(|a| a.identifier == value)
            .map(|a| a.region.clone())
    };
    let primary = leaves
        .iter()
        .max_by_key(|l| {
            (
                policy != "weighted" || l.weight.is_some(),
                l.weight.unwrap_or(0),
            )
        })
        .and_then(|l| region_of(&l.value));
    let primary = match (&policy[..], leaves.first()) {
        ("failover" | "simple", Some(first)) => region_of(&first.value),
        _ => primary,
    }
    .or_else(|| identifiers.first().map(|a| a.region.clone()))
    .ok_or("no connection alias association and no WorkSpaces Region found: pass the describe-connection-aliases output of each Region as REGION=PATH")?;
    let mut out = String::new();
    header(&mut out, d, &fqdn);
    let checks = health_checks(d, &leaves, &mut warnings);
    let alarms = alarms_used(d, &checks, &mut warnings);
    let regions = regions(d, &primary, &identifiers, &alarms);
    write_regions(&mut out, d, &regions, &primary);
    write_alarms(&mut out, &alarms, &primary);
    write_checks(
        &mut out,
        d,
        &checks,
        &alarms,
        &leaves,
        &identifiers,
        &primary,
    );
    write_dns(&mut out, &fqdn, &policy, &leaves, &checks, &mut warnings);
    write_alias(&mut out, &fqdn, &identifiers);
    write_users(&mut out, d, &primary, &identifiers);
    write_defaults(&mut out, &primary);
    let mut text = String::new();
    for w in &warnings {
        let _ = writeln!(text, "# WARNING: {w}");
    }
    if !warnings.is_empty() {
        text.push('\n');
    }
    Ok(Imported {
        toml: out.replacen("\n[scenario]", &format!("\n{text}[scenario]"), 1),
        warnings,
    })
}

/// The connection string to simulate: the first alias whose name has TXT records, else the
/// first TXT name with a routing policy.
fn fqdn(d: &Deployment) -> Result<String, String> {
    let txt: BTreeSet<&String> = d
        .records
        .keys()
        .filter(|k| k.1 == "TXT")
        .map(|k| &k.0)
        .collect();
    let strings: BTreeSet<&String> = d.aliases.keys().map(|k| &k.1).collect();
    if let Some(s) = strings.iter().find(|s| txt.contains(**s)) {
        return Ok((*s).clone());
    }
    if let Some(s) = strings.first() {
        return Err(format!("no TXT record named `{s}` (the connection alias) in the route53 list-resource-record-sets output; pass the hosted zone that holds it"));
    }
    d.records
        .iter()
        .find(|(k, r)| k.1 == "TXT" && (r.failover.is_some() || r.weight.is_some()))
        .map(|(k, _)| k.0.clone())
        .ok_or_else(|| "no TXT record with a failover or weighted policy in the inputs: pass the route53 list-resource-record-sets output of the zone holding the connection alias".into())
}

/// The records of `name`: policy and leaves, following alias records (chained failover).
fn leaves(
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
fn flatten(d: &Deployment, r: &RecordSet, out: &mut Vec<Leaf>, depth: usize) -> Result<(), String> {
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
struct Ident {
    region: String,
    identifier: String,
    directory: String,
    account: String,
    owner: String,
    alias_id: String,
}

fn identifiers(
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

fn header(out: &mut String, d: &Deployment, fqdn: &str) {
    let _ = writeln!(
        out,
        "# Imported by `failsim import` from the AWS CLI outputs below (SHA-256)."
    );
    for (path, sha) in &d.files {
        let _ = writeln!(out, "#   {path}  {sha}");
    }
    let _ = writeln!(out, "# Values marked DEFAULT are not in any AWS API: fill them in before trusting the run.\n\n[scenario]\nname = {}\nseed = 1\nduration = \"6h\"  # DEFAULT: how long to simulate", q(&format!("Imported deployment: {fqdn}")));
}

/// Primary first, then the other Regions in name order.
fn regions(d: &Deployment, primary: &str, ids: &[Ident], alarms: &[Alarm]) -> Vec<String> {
    let mut set: BTreeSet<String> = ids.iter().map(|a| a.region.clone()).collect();
    set.extend(d.workspaces.keys().map(|k| k.0.clone()));
    set.extend(alarms.iter().map(|a| a.region.clone()));
    set.remove(primary);
    std::iter::once(primary.to_string()).chain(set).collect()
}

fn write_regions(out: &mut String, d: &Deployment, regions: &[String], primary: &str) {
    for r in regions {
        let modes: BTreeMap<&str, usize> = d.workspaces.iter().filter(|(k, _)| &k.0 == r).fold(
            BTreeMap::new(),
            |mut m, (_, w)| {
                let mode = w
                    .workspace_properties
                    .as_ref()
                    .and_then(|p| p.running_mode.as_deref())
                    .unwrap_or("ALWAYS_ON");
                *m.entry(mode).or_insert(0) += 1;
                m
            },
        );
        let _ = writeln!(out, "\n[[region]]\nname = {}", q(r));
        let total: usize = modes.values().sum();
        if total > 0 {
            let auto = modes.get("AUTO_STOP").copied().unwrap_or(0);
            let _ = writeln!(
                out,
                "# WorkSpaces here: {total} ({auto} AUTO_STOP = {:.0} %, {} ALWAYS_ON)",
                auto as f64 * 100.0 / total as f64,
                modes.get("ALWAYS_ON").copied().unwrap_or(0)
            );
            if r != primary {
                let standby = if auto * 2 > total {
                    "autostop"
                } else {
                    "running"
                };
                let _ = writeln!(
                    out,
                    "standby = {}  # from the running mode of most WorkSpaces here",
                    q(standby)
                );
            }
        }
        let _ = writeln!(
            out,
            "# DEFAULT: launch_concurrency, launch_time, resume_time (not in any AWS API)"
        );
    }
}

/// An imported alarm with the Region it lives in.
struct Alarm {
    region: String,
    name: String,
    aws: super::cloudwatch::MetricAlarm,
}

fn alarms_used(d: &Deployment, checks: &[&HealthCheck], warnings: &mut Vec<String>) -> Vec<Alarm> {
    let mut out = Vec::new();
    for ((region, name), a) in &d.alarms {
        let used = checks.iter().any(|h| {
            h.health_check_config
                .alarm_identifier
                .as_ref()
                .is_some_and(|i| &i.region == region && &i.name == name)
        });
        if !used {
            continue;
        }
        if a.metrics.is_some() {
            warnings.push(format!("alarm `{name}` ({region}) uses metric math, which failsim does not simulate: dropped"));
            continue;
        }
        out.push(Alarm {
            region: region.clone(),
            name: name_of(name),
            aws: a.clone(),
        });
    }
    out
}

fn write_alarms(out: &mut String, alarms: &[Alarm], primary: &str) {
    for a in alarms {
        let aws = &a.aws;
        let metric = format!("{}-metric", a.name);
        let _ = writeln!(out, "\n# cloudwatch alarm {} watches {}/{} ({} {}); failsim cannot compute that metric,\n# so a canary success ratio stands in. DEFAULT: `target`, `comparison` and `threshold` below.", aws.alarm_arn.as_deref().unwrap_or(&aws.alarm_name), aws.namespace.as_deref().unwrap_or("?"), aws.metric_name.as_deref().unwrap_or("?"), aws.comparison_operator.as_deref().unwrap_or("?"), aws.threshold.map_or("?".into(), |t| t.to_string()));
        let period = aws.period.unwrap_or(60);
        let _ = writeln!(out, "[[metric]]\nname = {}\nsource = \"canary\"\nregion = {}\ntarget = {}\nresolution = \"{}s\"", q(&metric), q(&a.region), q(primary), period.min(60));
        let statistic = match aws.statistic.as_deref() {
            Some("Minimum") => "minimum",
            Some("Maximum") => "maximum",
            Some("Sum") => "sum",
            Some("SampleCount") => "sample_count",
            _ => "average",
        };
        let missing = match aws.treat_missing_data.as_deref() {
            Some("breaching") => "breaching",
            Some("notBreaching") => "not_breaching",
            Some("ignore") => "ignore",
            _ => "missing",
        };
        let n = aws.evaluation_periods.unwrap_or(1);
        let _ = writeln!(out, "\n# cloudwatch alarm {}\n[[alarm]]\nname = {}\nmetric = {}\nstatistic = {}\nperiod = \"{period}s\"\nevaluation_periods = {n}\ndatapoints_to_alarm = {}\ncomparison = \"less_than_threshold\"  # DEFAULT (stand-in canary)\nthreshold = 0.9  # DEFAULT (stand-in canary)\ntreat_missing_data = {}", aws.alarm_name, q(&a.name), q(&metric), q(statistic), aws.datapoints_to_alarm.unwrap_or(n), q(missing));
    }
}

/// The health checks the records use, with calculated children, in id order.
fn health_checks<'a>(
    d: &'a Deployment,
    leaves: &[Leaf],
    warnings: &mut Vec<String>,
) -> Vec<&'a HealthCheck> {
    let mut wanted: Vec<String> = leaves
        .iter()
        .filter_map(|l| l.health_check.clone())
        .collect();
    let mut out: BTreeMap<String, &HealthCheck> = BTreeMap::new();
    while let Some(id) = wanted.pop() {
        if out.contains_key(&id) {
            continue;
        }
        let Some(h) = d.health_checks.get(&id) else {
            warnings.push(format!("health check {id} is used by a record but not in the inputs (route53 list-health-checks): the record is imported without it"));
            continue;
        };
        let kind = h.health_check_config.kind.as_str();
        if !matches!(
            kind,
            "HTTP"
                | "HTTPS"
                | "HTTP_STR_MATCH"
                | "HTTPS_STR_MATCH"
                | "TCP"
                | "CALCULATED"
                | "CLOUDWATCH_METRIC"
        ) {
            warnings.push(format!(
                "health check {id} has type {kind}, which failsim does not simulate: dropped"
            ));
            continue;
        }
        if kind == "CLOUDWATCH_METRIC" {
            let found = h
                .health_check_config
                .alarm_identifier
                .as_ref()
                .and_then(|i| d.alarms.get(&(i.region.clone(), i.name.clone())));
            if found.is_none_or(|a| a.metrics.is_some()) {
                warnings.push(format!("health check {id} follows an alarm that is not in the cloudwatch describe-alarms inputs (or uses metric math): dropped"));
                continue;
            }
        }
        wanted.extend(
            h.health_check_config
                .child_health_checks
                .iter()
                .flatten()
                .cloned(),
        );
        out.insert(id, h);
    }
    out.into_values().collect()
}

fn write_checks(
    out: &mut String,
    d: &Deployment,
    checks: &[&HealthCheck],
    alarms: &[Alarm],
    leaves: &[Leaf],
    ids: &[Ident],
    primary: &str,
) {
    let _ = d;
    for h in checks {
        let c = &h.health_check_config;
        let _ = writeln!(
            out,
            "\n# route53 health check {}\n[[health_check]]\nname = {}",
            h.id,
            q(&check_name(&h.id))
        );
        match c.kind.as_str() {
            "CALCULATED" => {
                let children: Vec<String> = c
                    .child_health_checks
                    .iter()
                    .flatten()
                    .filter(|x| checks.iter().any(|h| &h.id == *x))
                    .map(|x| q(&check_name(x)))
                    .collect();
                let _ = writeln!(
                    out,
                    "type = \"calculated\"\nchildren = [{}]\nhealthy_threshold = {}",
                    children.join(", "),
                    c.health_threshold.unwrap_or(children.len() as u32)
                );
            }
            "CLOUDWATCH_METRIC" => {
                let i = c
                    .alarm_identifier
                    .as_ref()
                    .expect("kept only with an alarm");
                let name = alarms
                    .iter()
                    .find(|a| a.region == i.region && a.aws.alarm_name == i.name)
                    .map_or(name_of(&i.name), |a| a.name.clone());
                let insufficient = match c.insufficient_data_health_status.as_deref() {
                    Some("Healthy") => "healthy",
                    Some("Unhealthy") => "unhealthy",
                    _ => "last_known_status",
                };
                let _ = writeln!(
                    out,
                    "type = \"alarm\"\nalarm = {}\ninsufficient_data = {}",
                    q(&name),
                    q(insufficient)
                );
            }
            kind => {
                let target = leaves
                    .iter()
                    .find(|l| l.health_check.as_deref() == Some(&h.id))
                    .and_then(|l| ids.iter().find(|a| a.identifier == l.value))
                    .map_or(primary, |a| a.region.as_str());
                let endpoint = c
                    .fully_qualified_domain_name
                    .as_deref()
                    .or(c.ip_address.as_deref())
                    .unwrap_or("?");
                let regions: Vec<String> = c
                    .regions
                    .iter()
                    .flatten()
                    .filter(|r| CHECKER_REGIONS.contains(&r.as_str()))
                    .map(|r| q(r))
                    .collect();
                let _ = writeln!(out, "type = \"endpoint\"\ntarget = {}  # DEFAULT: the Region serving {endpoint} (the Region of the record it guards)\nprotocol = {}\ninterval = \"{}s\"\nfailure_threshold = {}", q(target), q(&kind.to_ascii_lowercase()), c.request_interval.unwrap_or(30), c.failure_threshold.unwrap_or(3));
                if !regions.is_empty() {
                    let _ = writeln!(out, "regions = [{}]", regions.join(", "));
                }
            }
        }
        let _ = writeln!(
            out,
            "inverted = {}\ndisabled = {}",
            c.inverted.unwrap_or(false),
            c.disabled.unwrap_or(false)
        );
    }
}

fn write_dns(
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

fn write_alias(out: &mut String, fqdn: &str, ids: &[Ident]) {
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

/// One group per (home Region, directory): users work in the primary Region when they have a
/// WorkSpace there, else in the first Region they have one in.
fn write_users(out: &mut String, d: &Deployment, primary: &str, ids: &[Ident]) {
    let mut by_user: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for ((region, _), w) in &d.workspaces {
        by_user
            .entry(&w.user_name)
            .or_default()
            .push((region, &w.directory_id));
    }
    let alias_regions: BTreeSet<&str> = ids.iter().map(|a| a.region.as_str()).collect();
    let mut groups: BTreeMap<(&str, &str), (u32, u32)> = BTreeMap::new();
    for places in by_user.values() {
        let home = places.iter().find(|p| p.0 == primary).unwrap_or(&places[0]);
        let others: Vec<&&str> = alias_regions.iter().filter(|r| **r != home.0).collect();
        let covered =
            !others.is_empty() && others.iter().all(|r| places.iter().any(|p| p.0 == **r));
        let g = groups.entry(*home).or_insert((0, 0));
        g.0 += 1;
        g.1 += u32::from(covered);
    }
    if groups.is_empty() {
        let _ = writeln!(out, "\n# DEFAULT: no describe-workspaces output was given; pass each Region's as REGION=PATH to\n# count the users per directory and their failover WorkSpaces.\n[[users]]\nname = \"staff\"\ncount = 100\nhome = {}", q(primary));
    }
    for ((region, directory), (count, covered)) in groups {
        let name = d
            .directories
            .get(&(region.to_string(), directory.to_string()))
            .and_then(|x| x.directory_name.clone());
        let _ = writeln!(out, "\n# workspaces directory {directory}{} in {region}: {count} users, {covered} with a WorkSpace in every other aliased Region\n[[users]]\nname = {}\ncount = {count}\nhome = {}\nfailover_workspaces = {}\n# DEFAULT: registration (FQDN vs Region code), client_versions, resolvers, schedule and\n# behaviour are in no AWS API; set them from your client-management inventory.", name.map_or(String::new(), |n| format!(" ({n})")), q(&name_of(directory)), q(region), f64::from(covered) / f64::from(count));
    }
}

fn write_defaults(out: &mut String, primary: &str) {
    let _ = writeln!(out, "\n# DEFAULT: the outage to simulate. Change `region`, `at`, `duration` and `planes` to the\n# failure you want to study.\n[[event]]\nname = \"outage\"\nkind = \"region_outage\"\nregion = {}\nat = \"1h\"\nduration = \"45m\"", q(primary));
}
