//! Regions, user groups (one per home Region and directory, from describe-workspaces) and
//! the marked default outage.

use super::checks::Alarm;
use super::records::Ident;
use super::{name_of, q};
use crate::import::Deployment;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Primary first, then the other Regions in name order.
pub(super) fn regions(
    d: &Deployment,
    primary: &str,
    ids: &[Ident],
    alarms: &[Alarm],
) -> Vec<String> {
    let mut set: BTreeSet<String> = ids.iter().map(|a| a.region.clone()).collect();
    set.extend(d.workspaces.keys().map(|k| k.0.clone()));
    set.extend(alarms.iter().map(|a| a.region.clone()));
    set.remove(primary);
    std::iter::once(primary.to_string()).chain(set).collect()
}

pub(super) fn write_regions(out: &mut String, d: &Deployment, regions: &[String], primary: &str) {
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

/// One group per (home Region, directory): users work in the primary Region when they have a
/// WorkSpace there, else in the first Region they have one in.
pub(super) fn write_users(out: &mut String, d: &Deployment, primary: &str, ids: &[Ident]) {
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
        let _ = writeln!(out, "\n# workspaces directory {directory}{} in {region}: {count} users, {covered} with a WorkSpace in every other aliased Region\n[[users]]\nname = {}\ncount = {count}\nhome = {}\nfailover_workspaces = {}", name.map_or(String::new(), |n| format!(" ({n})")), q(&name_of(directory)), q(region), f64::from(covered) / f64::from(count));
        write_client_versions(out, d);
    }
}

/// The group's client versions from the inventory, or the marked default with how to fill
/// it in.
fn write_client_versions(out: &mut String, d: &Deployment) {
    match &d.client_inventory {
        Some(inventory) => {
            let _ = writeln!(
                out,
                "client_versions = {}  # from {}",
                inventory.toml_table(),
                inventory.path
            );
            let _ = writeln!(out, "# DEFAULT: registration (FQDN vs Region code), resolvers, schedule and behaviour are in\n# no AWS API; set them from your client-management inventory.");
        }
        None => {
            let _ = writeln!(out, "# DEFAULT: registration (FQDN vs Region code), client_versions, resolvers, schedule and\n# behaviour are in no AWS API; set them from your client-management inventory, or pass\n# `--client-versions FILE` (a CSV `version,users`) to `failsim import`.");
        }
    }
}

pub(super) fn write_defaults(out: &mut String, primary: &str) {
    let _ = writeln!(out, "\n# DEFAULT: the outage to simulate. Change `region`, `at`, `duration` and `planes` to the\n# failure you want to study.\n[[event]]\nname = \"outage\"\nkind = \"region_outage\"\nregion = {}\nat = \"1h\"\nduration = \"45m\"", q(primary));
}
