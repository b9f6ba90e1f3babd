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

impl CohortKey {
    /// The cohort values of user `u`; `resolver_base` is the first instance of each resolver.
    pub(super) fn of(u: &User, resolver_base: &[u32]) -> CohortKey {
        CohortKey::drawn(&Drawn::of(u), u.home, resolver_base)
    }

    fn drawn(d: &Drawn, home: u8, resolver_base: &[u32]) -> CohortKey {
        CohortKey {
            group: usize::from(d.group),
            version: usize::from(d.version),
            resolver: resolver_base.partition_point(|&b| b <= d.resolver) - 1,
            home: usize::from(home),
            flags: d.flags,
        }
    }
}

/// What a partitioned run's plan keeps of each user it draws: 8 bytes, so that planning ten
/// million users stays small.
#[derive(Clone, Copy)]
pub(super) struct Drawn {
    pub(super) resolver: u32,
    group: u16,
    version: u8,
    flags: u8,
}

impl Drawn {
    pub(super) fn of(u: &User) -> Drawn {
        Drawn {
            resolver: u.resolver,
            group: u.group,
            version: u.version,
            flags: u.flags,
        }
    }
}

/// [`cover_users`] over the users a plan drew, in global order.
pub(super) fn cover_drawn(
    scenario: &Scenario,
    trace: u32,
    drawn: &[Drawn],
    resolver_base: &[u32],
) -> Vec<u64> {
    let keys = drawn.iter().map(|d| {
        let home = scenario.groups[usize::from(d.group)].home as u8;
        CohortKey::drawn(d, home, resolver_base)
    });
    cover_users(scenario, trace, keys)
}

/// The users traced only to cover a cohort, as global numbers in ascending order. `keys`
/// yields every user's cohort values in global order; the users spread evenly (`is_traced`)
/// cover their cohorts as they come, like the others, so the choice is the same whichever
/// partition of the users a run simulates where.
pub(super) fn cover_users(
    scenario: &Scenario,
    trace: u32,
    keys: impl Iterator<Item = CohortKey>,
) -> Vec<u64> {
    let total = scenario.user_count();
    let mut cover = TraceCover::new(scenario);
    let mut extra = Vec::new();
    for (g, key) in keys.enumerate() {
        let g = g as u64;
        let spread = is_traced(g, total, u64::from(trace));
        if spread || cover.is_new(&key) {
            cover.cover(&key);
            if !spread {
                extra.push(g);
            }
        }
    }
    extra
}
