//! [`Deployment`] -> scenario TOML. Every imported object gets a comment naming its AWS id;
//! what the APIs cannot tell (client versions, Region-code registrations, resolvers, user
//! behaviour, the outage to simulate) is written as a default marked `DEFAULT` with a note on
//! how to fill it in; what failsim cannot simulate is dropped with a warning.

mod checks;
mod fleet;
mod records;

use super::Deployment;
use checks::{alarms_used, health_checks, write_alarms, write_checks};
use fleet::{regions, write_defaults, write_regions, write_users};
use records::{identifiers, leaves, write_alias, write_dns};
use std::collections::BTreeSet;
use std::fmt::Write;

/// The scenario text and the warnings (also written into its header).
pub struct Imported {
    /// The scenario file.
    pub toml: String,
    /// What was dropped or is incomplete.
    pub warnings: Vec<String>,
}

pub(super) fn q(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// A name usable in `--set` paths: letters, digits, `-` and `_`.
pub(super) fn name_of(text: &str) -> String {
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

pub(super) fn check_name(id: &str) -> String {
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

fn header(out: &mut String, d: &Deployment, fqdn: &str) {
    let _ = writeln!(
        out,
        "# Imported by `failsim import` from the AWS CLI outputs below (SHA-256)."
    );
    for (path, sha) in &d.files {
        let _ = writeln!(out, "#   {path}  {sha}");
    }
    if let Some(inventory) = &d.client_inventory {
        let _ = writeln!(
            out,
            "# Client versions from {} ({} users).",
            inventory.path,
            inventory.users()
        );
    }
    let _ = writeln!(out, "# Values marked DEFAULT are not in any AWS API: fill them in before trusting the run.\n\n[scenario]\nname = {}\nseed = 1\nduration = \"6h\"  # DEFAULT: how long to simulate", q(&format!("Imported deployment: {fqdn}")));
}
