//! The WorkSpaces connection-alias layer: a connection string, the accounts that own and share
//! it, and its associations — per Region, one directory and the connection identifier the DNS
//! TXT record must hold to send clients there.
//!
//! Source: Amazon WorkSpaces Administration Guide, "Cross-Region Redirection for Amazon
//! WorkSpaces" (<https://docs.aws.amazon.com/workspaces/latest/adminguide/cross-region-redirection.html>)
//! and the WorkSpaces API reference (`ConnectionAlias`, `ConnectionAliasAssociation`,
//! <https://docs.aws.amazon.com/workspaces/latest/api/API_ConnectionAliasAssociation.html>).

/// `[[alias]]`: one connection alias, the same connection string created in each Region.
#[derive(Clone, Debug)]
pub struct AliasSpec {
    /// The FQDN users register (`ConnectionString`); equal to `dns.fqdn`.
    pub connection_string: String,
    /// The AWS account that created the alias in every Region (`OwnerAccountId`).
    pub owner_account: String,
    /// The one other account the alias is shared with, if any.
    pub shared_account: Option<String>,
    /// Associations in file order, at most one per Region.
    pub associations: Vec<AssociationSpec>,
}

/// `[[alias.association]]`: the alias associated with a directory in one Region.
#[derive(Clone, Debug)]
pub struct AssociationSpec {
    /// The Region (index into the scenario's Regions).
    pub region: usize,
    /// The directory id (`ResourceId`, `d-…` or `wsd-…`).
    pub directory: String,
    /// `ConnectionIdentifier`: what the TXT record holds to send clients to this Region.
    pub connection_identifier: String,
    /// `AssociatedAccountId`: the owner, or the shared account (default the owner).
    pub account: String,
}

impl AliasSpec {
    /// The Region an answer holding `identifier` sends clients to, if any association has it.
    /// Identifiers are compared exactly: the API defines them as `^[a-zA-Z0-9]+$` and DNS
    /// returns TXT strings as written.
    pub fn region_of(&self, identifier: &str) -> Option<usize> {
        self.associations
            .iter()
            .find(|a| a.connection_identifier == identifier)
            .map(|a| a.region)
    }

    /// The association in Region `region`, if any.
    pub fn association_in(&self, region: usize) -> Option<&AssociationSpec> {
        self.associations.iter().find(|a| a.region == region)
    }
}

/// Regions where cross-Region redirection is not available (WorkSpaces Administration Guide,
/// cross-Region redirection limitations): AWS GovCloud (US-West) and China (Ningxia).
pub const NO_REDIRECTION_REGIONS: [(&str, &str); 2] = [
    ("us-gov-west-1", "AWS GovCloud (US-West)"),
    ("cn-northwest-1", "China (Ningxia)"),
];
