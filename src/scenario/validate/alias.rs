//! `[[alias]]`: the WorkSpaces connection alias of `dns.fqdn` and its associations.
//!
//! Rules, from the WorkSpaces Administration Guide's "Cross-Region Redirection" page
//! (<https://docs.aws.amazon.com/workspaces/latest/adminguide/cross-region-redirection.html>)
//! and the API reference (`CreateConnectionAlias`, `ConnectionAliasAssociation`):
//! - the connection string is an FQDN of at most 255 characters `[.0-9a-zA-Z-]` (labels of at
//!   most 63, as in any DNS name); it is the name users register, so it must be `dns.fqdn`;
//! - accounts are 12-digit AWS account ids; an alias is shared with at most one other account;
//! - per Region the alias is associated with at most one directory, by the owner or by the
//!   shared account, never both;
//! - connection identifiers are 1-20 letters and digits, one per association;
//! - cross-Region redirection is not available in AWS GovCloud (US-West) or China (Ningxia);
//! - an association sends users to its Region, so users must have WorkSpaces there.

use super::fields::{at, entry, key, FieldPath, Validator};
use crate::scenario::raw::RawAlias;
use crate::scenario::{AliasSpec, AssociationSpec, GroupSpec, PathSeg, NO_REDIRECTION_REGIONS};

/// The alias of the scenario (at most one: the scenario simulates one FQDN).
pub(super) fn alias(validator: &mut Validator, raw: &[RawAlias], fqdn: &str) -> Option<AliasSpec> {
    if raw.len() > 1 {
        validator.report(
            vec![key("alias")],
            format!("{} [[alias]] entries; allowed: one, the alias of dns.fqdn (a scenario simulates one connection string)", raw.len()),
        );
    }
    let raw = raw.first()?;
    let base = entry("alias", 0);
    connection_string(validator, &base, &raw.connection_string, fqdn);
    account(
        validator,
        at(&base, &[key("owner_account")]),
        &raw.owner_account,
    );
    if let Some(shared) = &raw.shared_account {
        let path = at(&base, &[key("shared_account")]);
        if account(validator, path.clone(), shared) && *shared == raw.owner_account {
            validator.report(
                path,
                "the owner account cannot share the alias with itself; allowed: one other account",
            );
        }
    }
    let mut associations: Vec<AssociationSpec> = Vec::new();
    for (j, a) in raw.association.iter().enumerate() {
        let path = at(&base, &[key("association"), PathSeg::Index(j)]);
        let region_path = at(&path, &[key("region")]);
        if let Some((_, long)) = NO_REDIRECTION_REGIONS
            .iter()
            .find(|(code, _)| *code == a.region)
        {
            validator.report(region_path.clone(), format!("cross-Region redirection is not available in {long} (`{}`); allowed: any other Region with WorkSpaces", a.region));
        }
        let region = validator.region(region_path.clone(), &a.region);
        directory(validator, at(&path, &[key("directory")]), &a.directory);
        identifier(
            validator,
            at(&path, &[key("connection_identifier")]),
            &a.connection_identifier,
        );
        let account_id = a
            .account
            .clone()
            .unwrap_or_else(|| raw.owner_account.clone());
        if a.account.is_some()
            && account_id != raw.owner_account
            && raw.shared_account.as_ref() != Some(&account_id)
        {
            validator.report(at(&path, &[key("account")]), format!("`{account_id}` is neither the owner ({}) nor the shared account; only they can associate the alias", raw.owner_account));
        }
        if let Some(other) = associations
            .iter()
            .find(|o| o.connection_identifier == a.connection_identifier)
        {
            let message = format!("connection identifier `{}` is already the one of the association in Region `{}`; each association has its own", a.connection_identifier, validator.regions[other.region]);
            validator.report(at(&path, &[key("connection_identifier")]), message);
        }
        let Some(region) = region else { continue };
        if let Some(other) = associations.iter().find(|o| o.region == region) {
            let message = if other.account != account_id {
                format!("the alias is already associated in `{}` by account {}; the owner and the shared account cannot both associate it in the same Region", a.region, other.account)
            } else {
                format!("the alias is already associated with directory `{}` in `{}`; allowed: one directory per Region per alias", other.directory, a.region)
            };
            validator.report(region_path, message);
            continue;
        }
        associations.push(AssociationSpec {
            region,
            directory: a.directory.clone(),
            connection_identifier: a.connection_identifier.clone(),
            account: account_id,
        });
    }
    Some(AliasSpec {
        connection_string: raw.connection_string.clone(),
        owner_account: raw.owner_account.clone(),
        shared_account: raw.shared_account.clone(),
        associations,
    })
}

/// An association sends FQDN users to its Region: somebody must have a WorkSpace there (a home
/// Region, or any Region for groups with failover WorkSpaces).
pub(super) fn workspaces_behind(
    validator: &mut Validator,
    alias: &AliasSpec,
    groups: &[GroupSpec],
) {
    for (j, a) in alias.associations.iter().enumerate() {
        let served = groups
            .iter()
            .any(|g| g.home == a.region || g.failover_workspaces > 0.0);
        if !served {
            let path = at(
                &entry("alias", 0),
                &[key("association"), PathSeg::Index(j), key("region")],
            );
            let message = format!("no user group has WorkSpaces in `{}` (it is nobody's home and no group has failover_workspaces); an association there would send users to a Region where they cannot work", validator.regions[a.region]);
            validator.report(path, message);
        }
    }
}

fn connection_string(validator: &mut Validator, base: &FieldPath, text: &str, fqdn: &str) {
    let path = at(base, &[key("connection_string")]);
    let chars_ok = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if text.is_empty() || text.len() > 255 || !chars_ok {
        validator.report(path, format!("`{text}` is not a valid connection string; allowed: 1-255 letters, digits, `.` and `-` (a fully qualified domain name)"));
    } else if text
        .split('.')
        .any(|label| label.is_empty() || label.len() > 63)
    {
        validator.report(path, format!("`{text}` has an empty label or one longer than 63 characters; allowed: a fully qualified domain name such as desktop.example.com"));
    } else if !text.eq_ignore_ascii_case(fqdn.trim_end_matches('.')) {
        validator.report(path, format!("`{text}` is not dns.fqdn (`{fqdn}`): users register the connection string, and the TXT record at that name decides their Region"));
    }
}

/// A 12-digit AWS account id; whether it was one.
fn account(validator: &mut Validator, path: FieldPath, text: &str) -> bool {
    let ok = text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit());
    if !ok {
        validator.report(
            path,
            format!("`{text}` is not an AWS account id; allowed: 12 digits"),
        );
    }
    ok
}

/// `d-` + 8-63 hex digits (AWS Directory Service) or `wsd-` + 8-63 letters and digits.
fn directory(validator: &mut Validator, path: FieldPath, text: &str) {
    let tail_ok = |tail: &str, hex: bool| {
        (8..=63).contains(&tail.len())
            && tail.bytes().all(|b| {
                b.is_ascii_digit()
                    || if hex {
                        (b'a'..=b'f').contains(&b)
                    } else {
                        b.is_ascii_lowercase()
                    }
            })
    };
    let ok = match (text.strip_prefix("d-"), text.strip_prefix("wsd-")) {
        (Some(tail), _) => tail_ok(tail, true),
        (_, Some(tail)) => tail_ok(tail, false),
        _ => false,
    };
    if !ok {
        validator.report(path, format!("`{text}` is not a WorkSpaces directory id; allowed: `d-` and 8-63 hexadecimal digits, or `wsd-` and 8-63 lower-case letters and digits"));
    }
}

/// 1-20 letters and digits (`ConnectionIdentifier`).
fn identifier(validator: &mut Validator, path: FieldPath, text: &str) {
    if text.is_empty() || text.len() > 20 || !text.bytes().all(|b| b.is_ascii_alphanumeric()) {
        validator.report(path, format!("`{text}` is not a connection identifier; allowed: 1-20 letters and digits, as AssociateConnectionAlias returns it"));
    }
}

#[cfg(test)]
mod tests {
    use super::super::{problems_of, BASE};

    /// BASE with an alias associated in both Regions, records holding identifiers.
    pub(crate) fn with_alias(associations: &str, secondary: &str) -> String {
        let routing = format!("{{ policy = \"failover\", primary = {{ identifier = \"aaaa1111\" }}, secondary = {{ {secondary} }} }}");
        let text = BASE.replace(
            "{ policy = \"failover\", primary = { region = \"west\" }, secondary = { region = \"east\" } }",
            &routing,
        );
        format!("{text}\n[[alias]]\nconnection_string = \"desktop.example.com\"\nowner_account = \"111111111111\"\nshared_account = \"222222222222\"\n{associations}")
    }

    const TWO: &str = "[[alias.association]]\nregion = \"west\"\ndirectory = \"d-926722edaf\"\nconnection_identifier = \"aaaa1111\"\n[[alias.association]]\nregion = \"east\"\ndirectory = \"d-906734f1ce\"\nconnection_identifier = \"bbbb2222\"\n";

    fn fields(text: &str) -> Vec<(String, String)> {
        problems_of(text)
            .into_iter()
            .map(|p| (p.field, p.message))
            .collect()
    }

    #[test]
    fn records_map_identifiers_through_the_associations() {
        let text = with_alias(TWO, "identifier = \"bbbb2222\"");
        let scenario = crate::scenario::load_str(&text, "t.toml", &[]).unwrap();
        let crate::scenario::Routing::Failover(chain) = &scenario.dns.routing else {
            panic!()
        };
        assert_eq!((chain[0].region, chain[1].region), (0, 1));
        assert_eq!(scenario.dns.record_values[1].as_deref(), Some("bbbb2222"));
        let alias = scenario.alias.unwrap();
        assert_eq!(alias.associations[1].account, "111111111111");
    }

    #[test]
    fn the_primary_identifier_in_the_secondary_is_simulated_not_refused() {
        let text = with_alias(TWO, "identifier = \"aaaa1111\"");
        let scenario = crate::scenario::load_str(&text, "t.toml", &[]).unwrap();
        let crate::scenario::Routing::Failover(chain) = &scenario.dns.routing else {
            panic!()
        };
        assert_eq!(
            chain[1].region, 0,
            "the secondary sends clients to the primary's Region"
        );
    }

    #[test]
    fn an_unknown_identifier_is_unmatched_and_refused_on_the_primary() {
        let text = with_alias(TWO, "identifier = \"zzzz9999\"");
        let scenario = crate::scenario::load_str(&text, "t.toml", &[]).unwrap();
        let crate::scenario::Routing::Failover(chain) = &scenario.dns.routing else {
            panic!()
        };
        assert!(!chain[1].matched());
        let text = text.replacen("identifier = \"aaaa1111\" }", "identifier = \"nope\" }", 1);
        let found = fields(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "dns.routing.primary.identifier");
        assert!(found[0]
            .1
            .starts_with("the primary record's identifier matches no association"));
    }

    #[test]
    fn one_directory_per_region_and_never_owner_and_shared_together() {
        let twice = format!("{TWO}[[alias.association]]\nregion = \"east\"\ndirectory = \"d-906734f1cf\"\nconnection_identifier = \"cccc3333\"\n");
        let found = fields(&with_alias(&twice, "identifier = \"bbbb2222\""));
        assert_eq!(found[0].0, "alias[0].association[2].region");
        assert!(
            found[0].1.contains("one directory per Region per alias"),
            "{}",
            found[0].1
        );
        let shared = twice.replace(
            "connection_identifier = \"cccc3333\"",
            "connection_identifier = \"cccc3333\"\naccount = \"222222222222\"",
        );
        let found = fields(&with_alias(&shared, "identifier = \"bbbb2222\""));
        assert!(
            found[0].1.contains(
                "the owner and the shared account cannot both associate it in the same Region"
            ),
            "{}",
            found[0].1
        );
    }

    #[test]
    fn regions_without_redirection_are_refused() {
        let text = with_alias(TWO, "identifier = \"bbbb2222\"")
            .replace("name = \"east\"", "name = \"cn-northwest-1\"")
            .replace("region = \"east\"", "region = \"cn-northwest-1\"");
        let found = fields(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "alias[0].association[1].region");
        assert!(found[0]
            .1
            .starts_with("cross-Region redirection is not available in China (Ningxia)"));
    }

    #[test]
    fn malformed_strings_accounts_directories_and_identifiers_are_located() {
        let text = with_alias(TWO, "identifier = \"bbbb2222\"")
            .replace(
                "connection_string = \"desktop.example.com\"",
                "connection_string = \"desk_top.example.com\"",
            )
            .replace(
                "owner_account = \"111111111111\"",
                "owner_account = \"1111\"",
            )
            .replace("d-906734f1ce", "d-XYZ")
            .replace(
                "connection_identifier = \"bbbb2222\"",
                "connection_identifier = \"bbbb-2222\"",
            );
        let names: Vec<String> = fields(&text).into_iter().map(|f| f.0).collect();
        assert_eq!(
            names,
            [
                "alias[0].connection_string",
                "alias[0].owner_account",
                "alias[0].association[1].directory",
                "alias[0].association[1].connection_identifier",
            ]
        );
    }

    #[test]
    fn an_association_needs_workspaces_in_its_region() {
        let text = with_alias(TWO, "identifier = \"bbbb2222\"").replace(
            "home = \"west\"",
            "home = \"west\"\nfailover_workspaces = 0.0",
        );
        let found = fields(&text);
        assert_eq!(found[0].0, "alias[0].association[1].region");
        assert!(found[0]
            .1
            .starts_with("no user group has WorkSpaces in `east`"));
    }

    #[test]
    fn a_region_shorthand_needs_an_association_and_an_identifier_needs_an_alias() {
        let one = TWO
            .split("[[alias.association]]\nregion = \"east\"")
            .next()
            .unwrap();
        let found = fields(&with_alias(one, "region = \"east\""));
        assert_eq!(found[0].0, "dns.routing.secondary.region");
        assert!(found[0]
            .1
            .starts_with("alias `desktop.example.com` has no association in Region `east`"));
        let no_alias = BASE.replace(
            "secondary = { region = \"east\" }",
            "secondary = { identifier = \"bbbb2222\" }",
        );
        let found = fields(&no_alias);
        assert_eq!(found[0].0, "dns.routing.secondary.identifier");
    }
}
