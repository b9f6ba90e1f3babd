//! Lints on the connection-alias layer: the mistakes that make cross-Region redirection a
//! no-op although DNS "fails over" (WorkSpaces Administration Guide, "Cross-Region
//! Redirection", <https://docs.aws.amazon.com/workspaces/latest/adminguide/cross-region-redirection.html>).

use super::{push, Lint};
use crate::scenario::{AliasSpec, RecordSpec, Routing, Scenario};

/// Every alias lint, in a fixed order: records, then the alias, then user groups.
pub(super) fn alias_lints(model: &Scenario, out: &mut Vec<Lint>) {
    let Some(alias) = &model.alias else { return };
    record_value_lints(model, alias, out);
    let regions: std::collections::BTreeSet<usize> =
        alias.associations.iter().map(|a| a.region).collect();
    if regions.len() < 2 {
        push(
            out,
            "alias-in-one-region",
            "alias.association".into(),
            format!("alias `{}` is associated in {} Region(s): there is no other Region whose connection identifier DNS could answer with, so users cannot be redirected", alias.connection_string, regions.len()),
            "create the same connection string in the failover Region, associate it with the directory there and put that association's identifier in the secondary record".into(),
        );
    }
    for g in &model.groups {
        if g.created_in_console && g.failover_workspaces > 0.0 {
            push(
                out,
                "console-region-code-invitations",
                format!("users.{}.created_in_console", g.name),
                format!("`{}` were created in the WorkSpaces console, which mails a Region-code invitation for every WorkSpace, failover ones included; a user who registers the failover invitation's code is pinned to that Region and never follows `{}`", g.name, alias.connection_string),
                format!("tell these users to register `{}` and ignore the Region codes in their invitations (or create the failover WorkSpaces through the API, which sends no invitation)", alias.connection_string),
            );
        }
    }
}

/// The records as `(field, record, written value)`, in routing order.
fn records(model: &Scenario) -> Vec<(String, &RecordSpec, Option<&str>)> {
    let values = &model.dns.record_values;
    let value = |i: usize| values.get(i).and_then(|v| v.as_deref());
    match &model.dns.routing {
        Routing::Failover(chain) => chain
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let field = match i {
                    0 => "dns.routing.primary".to_string(),
                    _ if chain.len() == 2 => "dns.routing.secondary".to_string(),
                    _ => format!("dns.routing.secondary[{}]", i - 1),
                };
                (field, r, value(i))
            })
            .collect(),
        Routing::Weighted(recs) => recs
            .iter()
            .enumerate()
            .map(|(i, r)| (format!("dns.routing.records[{i}]"), r, value(i)))
            .collect(),
        Routing::Simple(_) => Vec::new(),
    }
}

/// Non-primary records holding the primary's identifier; values matching no association.
fn record_value_lints(model: &Scenario, alias: &AliasSpec, out: &mut Vec<Lint>) {
    let primary = model.dns.routing.primary_region();
    let records = records(model);
    let primary_index = records.iter().position(|(_, r, _)| r.region == primary);
    let used: Vec<usize> = records.iter().map(|(_, r, _)| r.region).collect();
    let known = alias
        .associations
        .iter()
        .map(|a| {
            format!(
                "`{}` ({})",
                a.connection_identifier, model.regions[a.region].name
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    for (i, (field, record, value)) in records.iter().enumerate() {
        let Some(value) = value else { continue };
        if !record.matched() {
            push(
                out,
                "record-matches-no-association",
                format!("{field}.identifier"),
                format!("the record holds `{value}`, which is the connection identifier of no association of `{}`: a client given this answer cannot map it to a Region and its login fails", alias.connection_string),
                format!("use one of the alias's identifiers: {known}"),
            );
        } else if record.region == primary && Some(i) != primary_index {
            // A published version of the AWS guide's Route 53 walk-through told readers to
            // enter the primary Region's identifier in the step that creates the secondary
            // record; later versions say the failover Region's.
            let failover = alias
                .associations
                .iter()
                .find(|a| a.region != primary && !used.contains(&a.region))
                .or_else(|| alias.associations.iter().find(|a| a.region != primary));
            let fix = match failover {
                Some(a) => format!("set the record to the failover Region's identifier: identifier = \"{}\" ({})", a.connection_identifier, model.regions[a.region].name),
                None => "associate the alias in the failover Region and put that association's identifier in this record".into(),
            };
            push(
                out,
                "secondary-holds-primary-identifier",
                format!("{field}.identifier"),
                format!("the record holds `{value}`, the connection identifier of the primary Region {}: when DNS fails over it answers with the same identifier and nobody is redirected (the copy-paste mistake an older version of the AWS guide's secondary-record step led to)", model.regions[primary].name),
                fix,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::load_str;

    const BASE: &str = r#"[scenario]
name = "t"
duration = "1h"
[[region]]
name = "us-west-2"
[[region]]
name = "us-east-1"
[[health_check]]
name = "p"
type = "endpoint"
target = "us-west-2"
[dns]
fqdn = "desktop.example.com"
ttl = "60s"
routing = { policy = "failover", primary = { identifier = "aaaa1111", health_check = "p" }, secondary = { identifier = "SECONDARY" } }
[[users]]
name = "staff"
count = 10
home = "us-west-2"
[[alias]]
connection_string = "desktop.example.com"
owner_account = "111111111111"
[[alias.association]]
region = "us-west-2"
directory = "d-926722edaf"
connection_identifier = "aaaa1111"
[[alias.association]]
region = "us-east-1"
directory = "d-906734f1ce"
connection_identifier = "bbbb2222"
"#;

    /// The warnings (the secondary-without-health-check note is beside the point here).
    fn lints(text: &str) -> Vec<crate::scenario::lint::Lint> {
        let mut found = crate::scenario::lint::lint(&load_str(text, "t.toml", &[]).unwrap());
        found.retain(|l| l.level() == "warning");
        found
    }

    #[test]
    fn a_correct_alias_has_no_lints() {
        assert_eq!(lints(&BASE.replace("SECONDARY", "bbbb2222")), vec![]);
    }

    #[test]
    fn the_primary_identifier_in_the_secondary_is_explained_with_the_fix() {
        let found = lints(&BASE.replace("SECONDARY", "aaaa1111"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code, "secondary-holds-primary-identifier");
        assert_eq!(found[0].field, "dns.routing.secondary.identifier");
        assert_eq!(
            found[0].fix,
            "set the record to the failover Region's identifier: identifier = \"bbbb2222\" (us-east-1)"
        );
    }

    #[test]
    fn a_value_matching_no_association_lists_the_identifiers() {
        let found = lints(&BASE.replace("SECONDARY", "cccc3333"));
        assert_eq!(found[0].code, "record-matches-no-association");
        assert!(found[0]
            .fix
            .contains("`aaaa1111` (us-west-2), `bbbb2222` (us-east-1)"));
    }

    #[test]
    fn one_region_aliases_and_console_users_are_flagged() {
        let one = BASE
            .replace("SECONDARY", "aaaa1111")
            .split("[[alias.association]]\nregion = \"us-east-1\"")
            .next()
            .unwrap()
            .to_string();
        let codes: Vec<_> = lints(&one).into_iter().map(|l| l.code).collect();
        assert_eq!(
            codes,
            ["secondary-holds-primary-identifier", "alias-in-one-region"]
        );
        let console = BASE
            .replace("SECONDARY", "bbbb2222")
            .replace("home = \"us-west-2\"", "home = \"us-west-2\"\ncreated_in_console = true\nregistration = { fqdn = 0.9, region_code = 0.1 }");
        let found = lints(&console);
        let codes: Vec<_> = found.iter().map(|l| l.code).collect();
        assert_eq!(
            codes,
            ["users-on-region-codes", "console-region-code-invitations"]
        );
        assert!(found[0]
            .fix
            .contains("connection string `desktop.example.com`"));
    }
}
