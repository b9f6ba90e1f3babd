//! Which users are traced (`run --trace-users N`): `N` users spread evenly over all users,
//! plus, in the same single pass over the users, the first user of every cohort that no
//! traced user before it is in, so the swimlane chart has a lane for every cohort of
//! `cohorts.csv` (group, registration, client version, resolver, home Region, reason not
//! redirected). At most one extra user per cohort value; the choice depends only on the
//! scenario and the users' attributes, so it is the same on every run.

use super::*;

/// Whether user `i` of `total` is among `n` traced users spread evenly over all users.
pub(super) fn is_traced(i: u64, total: u64, n: u64) -> bool {
    if n >= total {
        return true;
    }
    // User i is traced when it is the first user of one of n equal slices.
    let slice_of = |x: u64| x * n / total;
    i == 0 || slice_of(i) != slice_of(i - 1)
}

/// The cohorts the traced users chosen so far are in, one flag per value of each dimension.
/// The rules mirror `report::cohort::Membership::value` (the model cannot read the report);
/// a test checks that every cohort of the report gets a lane.
pub(super) struct TraceCover {
    /// Per group, the index of each of its client versions in `clients`.
    client_of: Vec<Vec<usize>>,
    private_zone: bool,
    groups: Vec<bool>,
    registrations: [bool; 2],
    clients: Vec<bool>,
    resolvers: Vec<bool>,
    homes: Vec<bool>,
    redirects: [bool; 5],
}

/// The cohort values of one user, as indices into [`TraceCover`]'s flags.
pub(super) struct CohortKey {
    pub(super) group: usize,
    pub(super) version: usize,
    pub(super) resolver: usize,
    pub(super) home: usize,
    pub(super) flags: u8,
}

impl TraceCover {
    pub(super) fn new(scenario: &Scenario) -> TraceCover {
        let mut names: Vec<&str> = Vec::new();
        let client_of = scenario
            .groups
            .iter()
            .map(|g| {
                g.client_versions
                    .iter()
                    .map(|v| match names.iter().position(|n| *n == v.version) {
                        Some(i) => i,
                        None => {
                            names.push(&v.version);
                            names.len() - 1
                        }
                    })
                    .collect()
            })
            .collect();
        TraceCover {
            client_of,
            private_zone: scenario.dns.zone == Zone::Private,
            groups: vec![false; scenario.groups.len()],
            registrations: [false; 2],
            clients: vec![false; names.len()],
            resolvers: vec![false; scenario.resolvers.len()],
            homes: vec![false; scenario.regions.len()],
            redirects: [false; 5],
        }
    }

    /// The first reason DNS cannot redirect the user, or that it can: the index of the
    /// value in `metric::REDIRECT_VALUES` (region_code, off_vpn, old_client,
    /// no_failover_workspace, redirectable).
    fn redirect(&self, flags: u8) -> usize {
        let has = |f: u8| flags & f != 0;
        if !has(flag::FQDN) {
            0
        } else if self.private_zone && !has(flag::ON_VPN) {
            1
        } else if !has(flag::REDIRECTS) {
            2
        } else if !has(flag::FAILOVER_WS) {
            3
        } else {
            4
        }
    }

    /// Whether a user with `key` is in a cohort no traced user is in yet.
    pub(super) fn is_new(&self, key: &CohortKey) -> bool {
        !self.groups[key.group]
            || !self.registrations[usize::from(key.flags & flag::FQDN != 0)]
            || !self.clients[self.client_of[key.group][key.version]]
            || !self.resolvers[key.resolver]
            || !self.homes[key.home]
            || !self.redirects[self.redirect(key.flags)]
    }

    /// Marks the cohorts of a traced user as covered.
    pub(super) fn cover(&mut self, key: &CohortKey) {
        self.groups[key.group] = true;
        self.registrations[usize::from(key.flags & flag::FQDN != 0)] = true;
        self.clients[self.client_of[key.group][key.version]] = true;
        self.resolvers[key.resolver] = true;
        self.homes[key.home] = true;
        let r = self.redirect(key.flags);
        self.redirects[r] = true;
    }
}
