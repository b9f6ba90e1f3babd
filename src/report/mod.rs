//! What a run produced, ready for people and files: [`Report::new`] assembles, from the
//! validated scenario and the simulation's [`Outcome`] and recorded observations, everything
//! a view needs — names, per-user records, the typed timeline, the series, fault windows with
//! their labels, and the summary statistics. The story, the CSV writers and the chart inputs
//! read the `Report` alone; nothing here touches the file system.

pub mod cohort;
pub mod csv;
pub mod story;
pub mod summary;
pub mod timeline;
pub mod users_parquet;
pub mod views;

pub use crate::model::{ControlFacts, SeriesRow, TimelineEntry, UserRecord};
pub use cohort::{CohortRow, Membership};
pub use summary::Summary;
pub use timeline::TimelineKind;

use crate::metric::MetricRef;
use crate::model::{MemoryRecorder, Outcome};
use crate::scenario::{DirectoryTarget, EventAction, PlaneSet, Scenario, Zone};

/// A fault's window, for charts and the story.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// Index of the `[[event]]`.
    pub event: u16,
    /// Start.
    pub start_ms: u64,
    /// End (the scenario end when it does not end earlier).
    pub end_ms: u64,
    /// What failed, for people (`us-west-2 outage (all planes)`).
    pub label: String,
}

/// Everything one run produced.
#[derive(Clone, Debug)]
pub struct Report {
    /// Scenario name.
    pub scenario: String,
    /// Seed used.
    pub seed: u64,
    /// Scenario length.
    pub duration_ms: u64,
    /// `scenario.start`: the wall-clock instant of time 0, when the scenario gives one.
    pub start: Option<crate::time::Instant>,
    /// Region names.
    pub regions: Vec<String>,
    /// Per Region, its `rpo` when it holds standby WorkSpaces with data replication
    /// (`None` otherwise): the objectives the data-age chart draws.
    pub replication_rpo_ms: Vec<Option<u64>>,
    /// Group names.
    pub groups: Vec<String>,
    /// Client version strings per group.
    pub client_versions: Vec<Vec<String>>,
    /// Resolver names.
    pub resolvers: Vec<String>,
    /// Whether each resolver is a population (instances are then named `name#i`).
    pub resolver_is_population: Vec<bool>,
    /// Health check names.
    pub health_checks: Vec<String>,
    /// Alarm names.
    pub alarms: Vec<String>,
    /// Metric names.
    pub metrics: Vec<String>,
    /// `[[event]]` names.
    pub events: Vec<String>,
    /// The FQDN users register with.
    pub fqdn: String,
    /// Route 53 DNS locations (`dns.locations`; empty: one global view).
    pub dns_locations: Vec<String>,
    /// The hosted zone is private (users off the VPN cannot resolve the FQDN).
    pub private_zone: bool,
    /// One record per user, in user order.
    pub users: Vec<UserRecord>,
    /// Observations, ordered by time then occurrence.
    pub timeline: Vec<TimelineEntry>,
    /// Series rows.
    pub series: Vec<SeriesRow>,
    /// Control-plane facts.
    pub control: ControlFacts,
    /// Fault windows in scenario order.
    pub faults: Vec<Fault>,
    /// Summary statistics.
    pub summary: Summary,
    /// The `--set` overrides the run was made with (empty for the scenario as written);
    /// the story and chart subtitles show them, so an overridden run never passes for the
    /// scenario file's. The CLI fills it; [`Report::new`] leaves it empty.
    pub overrides: Vec<String>,
    /// What the configuration costs per month and what the incident cost, by item.
    pub cost: crate::cost::CostFigures,
    /// Which cohort each user is in.
    pub membership: Membership,
    /// The summary of every non-empty cohort (`cohorts.csv`).
    pub cohorts: Vec<CohortRow>,
}

impl Report {
    /// The value of a metric, of every user or of a cohort (`None`: it did not happen).
    pub fn metric(&self, metric: &MetricRef) -> Option<f64> {
        let Some(cohort) = &metric.cohort else {
            return self.summary.get(metric.metric);
        };
        match self.cohorts.iter().find(|r| &r.cohort == cohort) {
            Some(row) => row.get(metric.metric),
            None => self
                .membership
                .summary(self.seed, cohort, &[], &self.control)
                .get(metric.metric),
        }
    }
}

impl Report {
    /// Assembles the report of a run of `scenario` from its outcome and what `recorded` kept.
    pub fn new(scenario: &Scenario, outcome: Outcome, recorded: MemoryRecorder) -> Report {
        let Outcome {
            seed,
            users,
            control,
        } = outcome;
        let membership = Membership::of(scenario);
        let summary = summary::summarize(seed, &users, &control, &|u| membership.unrelated(u));
        let cohorts = cohort::rows(&membership, seed, &users, &control, &summary);
        let cost = crate::cost::figures(scenario, &users);
        let summary = summary.with_cost(&cost);
        let mut timeline = recorded.timeline;
        // Stable sort: events at the same millisecond keep the order they happened in.
        timeline.sort_by_key(|e| e.time_ms);
        let names = |it: &mut dyn Iterator<Item = &String>| it.cloned().collect::<Vec<_>>();
        Report {
            overrides: Vec::new(),
            scenario: scenario.name.clone(),
            seed,
            duration_ms: scenario.duration_ms,
            start: scenario.start,
            regions: names(&mut scenario.regions.iter().map(|r| &r.name)),
            replication_rpo_ms: scenario
                .regions
                .iter()
                .map(|r| r.replication.is_some().then_some(r.rpo_ms))
                .collect(),
            groups: names(&mut scenario.groups.iter().map(|g| &g.name)),
            client_versions: scenario
                .groups
                .iter()
                .map(|g| names(&mut g.client_versions.iter().map(|v| &v.version)))
                .collect(),
            resolvers: names(&mut scenario.resolvers.iter().map(|r| &r.name)),
            resolver_is_population: scenario
                .resolvers
                .iter()
                .map(|r| r.population.is_some())
                .collect(),
            health_checks: names(&mut scenario.health_checks.iter().map(|h| &h.name)),
            alarms: names(&mut scenario.alarms.iter().map(|a| &a.name)),
            metrics: names(&mut scenario.metrics.iter().map(|m| &m.name)),
            events: names(&mut scenario.events.iter().map(|e| &e.name)),
            fqdn: scenario.dns.fqdn.clone(),
            dns_locations: scenario.dns.locations.clone(),
            private_zone: scenario.dns.zone == Zone::Private,
            users,
            timeline,
            series: recorded.series,
            control,
            faults: faults(scenario),
            summary,
            cost,
            membership,
            cohorts,
        }
    }
}

/// Fault windows with a label saying what failed.
fn faults(scenario: &Scenario) -> Vec<Fault> {
    scenario
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.action.is_fault())
        .map(|(i, e)| Fault {
            event: i as u16,
            start_ms: e.at_ms,
            end_ms: e.end_ms.unwrap_or(scenario.duration_ms),
            label: fault_label(scenario, &e.action).unwrap_or_else(|| e.name.clone()),
        })
        .collect()
}

/// What a fault breaks, in words; `None` for operator actions.
fn fault_label(scenario: &Scenario, action: &EventAction) -> Option<String> {
    Some(match action {
        EventAction::RegionOutage {
            region,
            planes,
            severity,
            ..
        } => {
            let planes = if *planes == PlaneSet::ALL {
                "all planes".to_string()
            } else {
                planes.label().replace('+', ", ")
            };
            let partial = if *severity < 1.0 {
                format!(", {:.0} % of requests", severity * 100.0)
            } else {
                String::new()
            };
            format!(
                "{} outage ({planes}{partial})",
                scenario.regions[*region].name
            )
        }
        EventAction::CheckerPartition {
            checker_regions,
            target,
        } => format!(
            "{} checker Region(s) cut off from {}",
            checker_regions.len(),
            scenario.regions[*target].name
        ),
        EventAction::DnsOutage => "authoritative DNS unreachable".to_string(),
        EventAction::DnsPartition {
            locations,
            checker_regions,
        } => {
            let names: Vec<&str> = locations
                .iter()
                .map(|&l| scenario.dns.locations[l].as_str())
                .collect();
            let from = match checker_regions.as_slice() {
                [one] => format!("{} checkers", crate::scenario::CHECKER_REGIONS[*one]),
                many => format!("{} checker Regions", many.len()),
            };
            format!(
                "DNS location{} {} cut off from {from}",
                if names.len() == 1 { "" } else { "s" },
                names.join(", ")
            )
        }
        EventAction::ResolverOutage { resolver } => {
            format!("resolver {} down", scenario.resolvers[*resolver].name)
        }
        EventAction::ArcOutage { cluster_regions } => format!(
            "ARC cluster endpoint(s) unreachable in {}",
            cluster_regions
                .iter()
                .map(|&r| scenario.arc.cluster_regions[r].as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        EventAction::DirectoryOutage {
            target: DirectoryTarget::Directory(d),
        } => {
            let d = &scenario.directories[*d];
            format!(
                "directory {} ({}) down",
                d.name, scenario.regions[d.region].name
            )
        }
        EventAction::DirectoryOutage {
            target: DirectoryTarget::OnPremises(d),
        } => format!(
            "on-premises directory {} down (every AD Connector to it)",
            scenario.on_premises[*d]
        ),
        EventAction::IdpOutage => "SAML identity provider down".to_string(),
        EventAction::NetworkOutage { region } => format!(
            "{} link to on-premises (VPN / Direct Connect) down",
            scenario.regions[*region].name
        ),
        _ => return None,
    })
}

#[cfg(test)]
pub(crate) mod fixture {
    //! A hand-built report, for testing views without running the simulator.
    use super::*;
    use crate::model::dns::DnsAnswer;
    use crate::model::Observation;

    pub(crate) fn user(home: u8, affected: bool) -> UserRecord {
        UserRecord {
            group: 0,
            home,
            fqdn: true,
            client_version: 0,
            resolver: 0,
            resolver_instance: 0,
            first_disconnect_ms: affected.then_some(3_600_000),
            reconnect_ms: affected.then_some(3_900_000),
            reconnect_region: affected.then_some(1),
            downtime_ms: if affected { 300_000 } else { 0 },
            interruptions: u32::from(affected),
            login_failures: 0,
            restarts: 0,
            redirected: affected,
            failback_ms: None,
            non_home_ms: if affected { 3_600_000 } else { 0 },
            misdirected: false,
            redirectable: true,
            failover_workspace: true,
            on_vpn: true,
            launch_wait_ms: 0,
            data_age_ms: None,
        }
    }

    /// Two Regions `west` (primary) and `east`; a fault `fault_name` on `west` from 1h to 2h,
    /// and the operator action `action_name` (a `disable_health_check`) at 1h 30m; three users,
    /// two of them affected.
    pub(crate) fn report(fault_name: &str, action_name: &str) -> Report {
        let at = |time_ms: u64, observation: Observation| TimelineEntry {
            time_ms,
            observation,
        };
        let timeline = vec![
            at(
                0,
                Observation::HealthCheckChanged {
                    check: 0,
                    healthy: true,
                },
            ),
            at(
                0,
                Observation::AnswerChanged {
                    answer: DnsAnswer::Region(0),
                },
            ),
            at(3_600_000, Observation::FaultStarted { event: 0 }),
            at(
                3_600_000,
                Observation::RegionPlanesChanged {
                    region: 0,
                    failing: PlaneSet::ALL,
                },
            ),
            at(
                3_600_000,
                Observation::ClientStateChanged {
                    user: 1,
                    state: crate::model::client::ClientState::Disconnected,
                    region: Some(0),
                },
            ),
            at(
                3_700_000,
                Observation::HealthCheckChanged {
                    check: 0,
                    healthy: false,
                },
            ),
            at(
                3_710_000,
                Observation::AnswerChanged {
                    answer: DnsAnswer::Region(1),
                },
            ),
            at(
                3_900_000,
                Observation::ClientStateChanged {
                    user: 1,
                    state: crate::model::client::ClientState::Connected,
                    region: Some(1),
                },
            ),
            at(5_400_000, Observation::ActionTaken { event: 1 }),
            at(7_200_000, Observation::FaultEnded { event: 0 }),
        ];
        let series = (0..=4)
            .map(|k| SeriesRow {
                time_ms: k * 3_600_000,
                connected: if k == 1 { vec![1, 0] } else { vec![1, 2] },
                disconnected: if k == 1 { 2 } else { 0 },
                logging_in: 0,
                offline: 0,
                queued: 0,
                misdirected: 0,
                primary_check_healthy: Some(k != 1),
                answer: DnsAnswer::Region(u8::from(k == 1)),
            })
            .collect();
        let users = vec![user(0, false), user(0, true), user(0, true)];
        let control = ControlFacts {
            first_fault_ms: Some(3_600_000),
            primary_unhealthy_ms: Some(3_700_000),
            answer_left_primary_ms: Some(3_710_000),
            answer_back_on_primary_ms: None,
            peak_launch_queue: 0,
            launch_queue_give_ups: 0,
            standby_workspaces: 0,
            standby_ms: 0,
            users_over_rpo: 0,
            events_processed: 100,
            dns_split_ms: 0,
            dns_splits: 0,
        };
        let membership = Membership {
            groups: vec!["staff".into()],
            clients: vec![vec![("5.0".into(), true)]],
            resolvers: vec!["corp".into()],
            regions: vec!["west".into(), "east".into()],
            private_zone: false,
        };
        let summary = summary::summarize(42, &users, &control, &|_| false);
        Report {
            overrides: Vec::new(),
            scenario: "hand-built".into(),
            seed: 42,
            duration_ms: 4 * 3_600_000,
            start: None,
            regions: vec!["west".into(), "east".into()],
            replication_rpo_ms: vec![None, None],
            groups: vec!["staff".into()],
            client_versions: vec![vec!["5.0".into()]],
            resolvers: vec!["corp".into()],
            resolver_is_population: vec![false],
            health_checks: vec!["primary".into()],
            alarms: vec![],
            metrics: vec![],
            events: vec![fault_name.into(), action_name.into()],
            fqdn: "desktop.example.com".into(),
            dns_locations: vec![],
            private_zone: false,
            cohorts: cohort::rows(&membership, 42, &users, &control, &summary),
            summary,
            membership,
            cost: crate::cost::CostFigures::default(),
            users,
            timeline,
            series,
            control,
            faults: vec![Fault {
                event: 0,
                start_ms: 3_600_000,
                end_ms: 7_200_000,
                label: "west outage (all planes)".into(),
            }],
        }
    }
}
