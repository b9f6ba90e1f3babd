//! Cohorts: every run's figures broken down by who the users are — their group, how they
//! registered (connection alias or Region code), their client version, resolver, home
//! Region, and whether DNS can redirect them (and if not, the first reason why).
//!
//! [`Membership`] knows, from the scenario, which cohort of each [`Dimension`] a user is in;
//! [`rows`] computes one row of `cohorts.csv` per non-empty cohort; and
//! [`Membership::summary`] computes a cohort's summary, so `[[expect]]`, `--metric` and
//! sweeps can bound or chart `downtime_p95_ms{redirect=redirectable}`.
//!
//! Users off the VPN of a private hosted zone cannot resolve the connection alias at all
//! (<https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zones-private.html>):
//! they never work, outage or not. They form the cohort `redirect=off_vpn` and are left out
//! of every other cohort's downtime figures, as they are of the run's summary.

use super::summary::{Summary, Tally};
use super::{ControlFacts, UserRecord};
use crate::metric::{Cohort, CohortNames, Dimension, Metric, MetricRef, REDIRECT_VALUES};
use crate::scenario::{Scenario, Zone};

/// Which cohort each user is in, from the scenario's names.
#[derive(Clone, Debug, Default)]
pub struct Membership {
    pub(crate) groups: Vec<String>,
    /// Per group: each client version and whether it follows redirection.
    pub(crate) clients: Vec<Vec<(String, bool)>>,
    pub(crate) resolvers: Vec<String>,
    pub(crate) regions: Vec<String>,
    pub(crate) private_zone: bool,
}

impl Membership {
    /// The cohorts of `scenario`.
    pub fn of(scenario: &Scenario) -> Membership {
        Membership {
            groups: scenario.groups.iter().map(|g| g.name.clone()).collect(),
            clients: scenario
                .groups
                .iter()
                .map(|g| {
                    g.client_versions
                        .iter()
                        .map(|v| (v.version.clone(), v.redirects))
                        .collect()
                })
                .collect(),
            resolvers: scenario.resolvers.iter().map(|r| r.name.clone()).collect(),
            regions: scenario.regions.iter().map(|r| r.name.clone()).collect(),
            private_zone: scenario.dns.zone == Zone::Private,
        }
    }

    /// The values each dimension may take, for validating a [`MetricRef`].
    pub fn names(&self) -> CohortNames {
        let mut clients: Vec<String> = Vec::new();
        for (v, _) in self.clients.iter().flatten() {
            if !clients.contains(v) {
                clients.push(v.clone());
            }
        }
        CohortNames {
            groups: self.groups.clone(),
            clients,
            resolvers: self.resolvers.clone(),
            regions: self.regions.clone(),
        }
    }

    /// Whether `user` never works for a reason unrelated to any outage: registered with
    /// the connection alias of a private hosted zone while off the VPN.
    pub fn unrelated(&self, user: &UserRecord) -> bool {
        self.private_zone && user.fqdn && !user.on_vpn
    }

    /// The value of `dimension` for `user`.
    pub fn value<'a>(&'a self, dimension: Dimension, user: &UserRecord) -> &'a str {
        match dimension {
            Dimension::Group => &self.groups[user.group as usize],
            Dimension::Registration => {
                if user.fqdn {
                    "fqdn"
                } else {
                    "region_code"
                }
            }
            Dimension::Client => &self.clients[user.group as usize][user.client_version as usize].0,
            Dimension::Resolver => &self.resolvers[user.resolver as usize],
            Dimension::Home => &self.regions[user.home as usize],
            Dimension::Redirect => self.redirect(user),
        }
    }

    /// Whether DNS can redirect `user`, else the first reason it cannot (one of
    /// [`REDIRECT_VALUES`]).
    pub fn redirect(&self, user: &UserRecord) -> &'static str {
        REDIRECT_VALUES[self.redirect_index(user)]
    }

    /// [`redirect`](Self::redirect) as its position in [`REDIRECT_VALUES`].
    fn redirect_index(&self, user: &UserRecord) -> usize {
        if !user.fqdn {
            0
        } else if self.unrelated(user) {
            1
        } else if !user.redirectable {
            2
        } else if !user.failover_workspace {
            3
        } else {
            4
        }
    }

    /// A number standing for `user`'s value of `dimension`, an index into
    /// [`keyed_values`](Self::keyed_values): every user's cohort is then found by indexing a
    /// table instead of comparing names. `clients_before[g]` is the number of client
    /// versions of the groups before group `g`.
    fn key(&self, dimension: Dimension, user: &UserRecord, clients_before: &[usize]) -> usize {
        match dimension {
            Dimension::Group => user.group as usize,
            Dimension::Registration => usize::from(!user.fqdn),
            Dimension::Client => clients_before[user.group as usize] + user.client_version as usize,
            Dimension::Resolver => user.resolver as usize,
            Dimension::Home => user.home as usize,
            Dimension::Redirect => self.redirect_index(user),
        }
    }

    /// The value of `dimension` that each [`key`](Self::key) stands for.
    fn keyed_values(&self, dimension: Dimension) -> Vec<&str> {
        match dimension {
            Dimension::Group => self.groups.iter().map(String::as_str).collect(),
            Dimension::Registration => vec!["fqdn", "region_code"],
            Dimension::Client => self
                .clients
                .iter()
                .flatten()
                .map(|(v, _)| v.as_str())
                .collect(),
            Dimension::Resolver => self.resolvers.iter().map(String::as_str).collect(),
            Dimension::Home => self.regions.iter().map(String::as_str).collect(),
            Dimension::Redirect => REDIRECT_VALUES.to_vec(),
        }
    }

    /// `clients_before` of [`key`](Self::key).
    fn clients_before(&self) -> Vec<usize> {
        self.clients
            .iter()
            .scan(0, |before, versions| {
                let this = *before;
                *before += versions.len();
                Some(this)
            })
            .collect()
    }

    /// Whether `user` is in `cohort`.
    pub fn contains(&self, cohort: &Cohort, user: &UserRecord) -> bool {
        self.value(cohort.dimension, user) == cohort.value
    }

    /// Every cohort the scenario can have, in `cohorts.csv` order: by dimension, then in
    /// scenario order (fixed values in their documented order).
    pub fn cohorts(&self) -> Vec<Cohort> {
        let names = self.names();
        Dimension::ALL
            .into_iter()
            .flat_map(|dimension| {
                names
                    .values(dimension)
                    .into_iter()
                    .map(move |value| Cohort { dimension, value })
            })
            .collect()
    }

    /// A cohort in words, for the story and charts: `client 3.0.8 (does not follow
    /// redirection)`.
    pub fn label(&self, cohort: &Cohort) -> String {
        let v = &cohort.value;
        match cohort.dimension {
            Dimension::Group => format!("group {v}"),
            Dimension::Registration if v == "fqdn" => "registered with the FQDN".into(),
            Dimension::Registration => "registered with a Region code".into(),
            Dimension::Client => {
                let follows = self
                    .clients
                    .iter()
                    .flatten()
                    .any(|(version, redirects)| version == v && *redirects);
                if follows {
                    format!("client {v} (follows redirection)")
                } else {
                    format!("client {v} (older than 3.0.9: no redirection)")
                }
            }
            Dimension::Resolver => format!("resolver {v}"),
            Dimension::Home => format!("home {v}"),
            Dimension::Redirect => match v.as_str() {
                "region_code" => "not redirectable: Region code".into(),
                "off_vpn" => "off the VPN (private zone)".into(),
                "old_client" => "not redirectable: client < 3.0.9".into(),
                "no_failover_workspace" => "no WorkSpace in the failover Region".into(),
                _ => "redirectable".into(),
            },
        }
    }

    /// The summary of `cohort`'s users (the off-VPN users of a private zone left out,
    /// unless the cohort is theirs).
    pub fn summary(
        &self,
        seed: u64,
        cohort: &Cohort,
        users: &[UserRecord],
        control: &ControlFacts,
    ) -> Summary {
        let mut tally = Tally::default();
        for u in users.iter().filter(|u| self.contains(cohort, u)) {
            tally.add(u, self.excluded(cohort, u));
        }
        tally.summary(seed, control)
    }

    /// Whether `user`, a member of `cohort`, is left out of its downtime figures: the
    /// off-VPN users of a private zone are, except from their own cohort.
    fn excluded(&self, cohort: &Cohort, user: &UserRecord) -> bool {
        !cohort.is_off_vpn() && self.unrelated(user)
    }

    /// The value of `metric` in a run: from `summary` for every user, else computed over
    /// the cohort.
    pub fn value_of(
        &self,
        metric: &MetricRef,
        summary: &Summary,
        users: &[UserRecord],
        control: &ControlFacts,
    ) -> Option<f64> {
        match &metric.cohort {
            None => summary.get(metric.metric),
            Some(cohort) => {
                let seed = summary.get(Metric::Seed).unwrap_or(0.0) as u64;
                self.summary(seed, cohort, users, control)
                    .get(metric.metric)
            }
        }
    }
}

/// One row of `cohorts.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct CohortRow {
    /// The cohort.
    pub cohort: Cohort,
    /// It in words.
    pub label: String,
    /// Its summary.
    pub summary: Summary,
}

impl CohortRow {
    /// A metric of the cohort.
    pub fn get(&self, metric: Metric) -> Option<f64> {
        self.summary.get(metric)
    }
}

/// One row per non-empty cohort of the run, in [`Membership::cohorts`] order.
///
/// One dimension at a time: each user's cohort of the dimension is looked up once (a number
/// standing for the user's value, then a table), then every cohort's `Tally` of the
/// dimension is filled in one pass over the users, with room made for its members first.
/// Asking every cohort about every user compared names `2 × cohorts × users` times, and
/// listing members cost memory.
///
/// `everyone` is the summary of all the users as [`summarize`](super::summary::summarize)
/// gives it with [`Membership::unrelated`], before costs: a cohort that holds every user
/// (the one group, the one resolver, ...) has that summary, which is not computed again. The
/// cohort of the users off the VPN is the exception: its users count in its figures.
pub fn rows(
    membership: &Membership,
    seed: u64,
    users: &[UserRecord],
    control: &ControlFacts,
    everyone: &Summary,
) -> Vec<CohortRow> {
    let cohorts = membership.cohorts();
    let mut summaries: Vec<Option<Summary>> = vec![None; cohorts.len()];
    // Each user's cohort among the dimension's (u32::MAX: none of them).
    let mut index: Vec<u32> = Vec::with_capacity(users.len());
    let clients_before = membership.clients_before();
    for dimension in Dimension::ALL {
        // (value, cohort number) of the dimension's cohorts.
        let values: Vec<(&str, usize)> = cohorts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.dimension == dimension)
            .map(|(i, c)| (c.value.as_str(), i))
            .collect();
        // The cohort of each key's value.
        let cohort_of: Vec<u32> = membership
            .keyed_values(dimension)
            .iter()
            .map(|value| {
                values
                    .iter()
                    .position(|(v, _)| v == value)
                    .map_or(u32::MAX, |k| k as u32)
            })
            .collect();
        index.clear();
        index.extend(
            users
                .iter()
                .map(|u| cohort_of[membership.key(dimension, u, &clients_before)]),
        );
        let mut sizes = vec![0usize; values.len()];
        for &k in &index {
            if let Some(n) = sizes.get_mut(k as usize) {
                *n += 1;
            }
        }
        let whole = sizes.iter().position(|&n| n == users.len() && n > 0);
        if let Some(k) = whole.filter(|&k| !cohorts[values[k].1].is_off_vpn()) {
            summaries[values[k].1] = Some(everyone.clone());
            continue;
        }
        let mut tallies: Vec<Tally> = sizes.iter().map(|&n| Tally::with_capacity(n)).collect();
        for (u, &k) in users.iter().zip(&index) {
            if let Some(t) = tallies.get_mut(k as usize) {
                t.add(u, membership.excluded(&cohorts[values[k as usize].1], u));
            }
        }
        for ((&(_, i), tally), n) in values.iter().zip(tallies).zip(sizes) {
            if n > 0 {
                summaries[i] = Some(tally.summary(seed, control));
            }
        }
    }
    cohorts
        .into_iter()
        .zip(summaries)
        .filter_map(|(cohort, summary)| {
            Some(CohortRow {
                label: membership.label(&cohort),
                summary: summary?,
                cohort,
            })
        })
        .collect()
}

/// The `cohorts.csv` columns after `dimension,value,label`: these metrics of each cohort.
pub const CSV_METRICS: [Metric; 9] = [
    Metric::Users,
    Metric::UsersAffected,
    Metric::UsersRedirected,
    Metric::UsersNeverReconnected,
    Metric::DowntimeMeanMs,
    Metric::DowntimeP50Ms,
    Metric::DowntimeP95Ms,
    Metric::DowntimeMaxMs,
    Metric::Recovered95Ms,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row of `cohorts.csv` has the summary of its users computed directly
    /// ([`Membership::summary`]), whether `rows` tallied the cohort or took the run's
    /// summary for it; every cohort with users has a row. The scenarios have one or two
    /// groups, resolvers and client versions, and users off the VPN of a private zone (all
    /// of them, in one run, so that the off-VPN cohort holds every user).
    #[test]
    fn every_row_is_the_summary_of_its_users() {
        let runs: [(&str, &[&str]); 5] = [
            ("workspaces-failover.toml", &["users.staff.count=300"]),
            ("dns-partition.toml", &[]),
            ("private-zone-vpn.toml", &["users.staff.count=300"]),
            (
                "private-zone-vpn.toml",
                &["users.staff.count=50", "users.staff.on_vpn=0"],
            ),
            ("internet-resolvers.toml", &["users.staff.count=300"]),
        ];
        let mut took_the_runs = 0;
        for (name, sets) in runs {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("scenarios")
                .join(name);
            let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
            let scenario = crate::scenario::load(&path, &sets).expect("bundled scenario");
            let options = crate::model::RunOptions {
                seed: 5,
                trace_users: 0,
            };
            let report = crate::model::simulate(&scenario, &options);
            let m = &report.membership;
            let (users, control) = (&report.users, &report.control);
            let mut expected = 0;
            for cohort in m.cohorts() {
                if !users.iter().any(|u| m.contains(&cohort, u)) {
                    continue;
                }
                expected += 1;
                let row = report.cohorts.iter().find(|r| r.cohort == cohort);
                let row = row.unwrap_or_else(|| panic!("{name} {sets:?}: no row for {cohort}"));
                let direct = m.summary(5, &cohort, users, control);
                assert_eq!(row.summary, direct, "{name} {sets:?}: {cohort}");
                if users.iter().all(|u| m.contains(&cohort, u)) && !cohort.is_off_vpn() {
                    took_the_runs += 1;
                }
            }
            assert_eq!(report.cohorts.len(), expected, "{name} {sets:?}");
        }
        assert!(
            took_the_runs >= 10,
            "{took_the_runs} cohorts held every user"
        );
    }

    /// The number a user's cohort is looked up by stands for the same value as the name
    /// `value` gives, for every dimension and every kind of user.
    #[test]
    fn every_key_stands_for_the_users_value() {
        let membership = Membership {
            groups: vec!["staff".into(), "contractors".into()],
            clients: vec![
                vec![("5.0.0".into(), true), ("3.0.8".into(), false)],
                vec![("3.0.8".into(), false)],
            ],
            resolvers: vec!["corporate".into(), "home-isps".into()],
            regions: vec!["west".into(), "east".into()],
            private_zone: true,
        };
        let before = membership.clients_before();
        let mut seen = 0;
        for (group, client_version) in [(0u16, 0u8), (0, 1), (1, 0)] {
            for bits in 0..64u32 {
                let bit = |k: u32| bits & (1 << k) != 0;
                let user = UserRecord {
                    group,
                    client_version,
                    home: u8::from(bit(0)),
                    resolver: u16::from(bit(1)),
                    fqdn: bit(2),
                    on_vpn: bit(3),
                    redirectable: bit(4),
                    failover_workspace: bit(5),
                    ..crate::report::fixture::user(0, true)
                };
                for dimension in Dimension::ALL {
                    let keyed = membership.keyed_values(dimension);
                    assert_eq!(
                        keyed[membership.key(dimension, &user, &before)],
                        membership.value(dimension, &user),
                        "{dimension:?} of {user:?}"
                    );
                    seen += 1;
                }
            }
        }
        assert_eq!(seen, 3 * 64 * Dimension::ALL.len());
    }
}
