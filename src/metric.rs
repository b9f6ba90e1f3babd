//! The summary metrics: one enum, so a misspelt metric is a compile error in the code and a
//! located error (with the list of names) in a scenario's `[[expect]]` or a `--metric`.
//!
//! Every metric has its `summary.csv` name, a unit and a one-line meaning; `summary.csv`,
//! `sweep.csv`, `sweep_summary.csv`, `[[expect]]` and `--metric` all read this one list.
//!
//! A metric can be qualified by a cohort, Prometheus-style: `downtime_p95_ms{redirect=redirectable}`
//! is the p95 downtime of the users who can follow DNS redirection ([`MetricRef`]). The
//! cohort dimensions are [`Dimension`]; `cohorts.csv` lists every cohort of a run.

/// The unit a metric is measured in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A count (users, events, failures) or an identifier (the seed).
    Count,
    /// Milliseconds; time-to metrics are measured from the start of the first fault.
    Milliseconds,
    /// Hours, rounded to 3 decimals.
    Hours,
    /// US dollars, rounded to cents.
    Usd,
}

macro_rules! metrics {
    ($( $variant:ident => $name:literal, $unit:ident, $meaning:literal; )*) => {
        /// A summary metric (a column of `summary.csv`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Metric {
            $(
                #[doc = $meaning]
                $variant,
            )*
        }

        impl Metric {
            /// Every metric, in `summary.csv` order.
            pub const ALL: &'static [Metric] = &[$(Metric::$variant),*];

            /// The name used in `summary.csv`, `[[expect]]` and `--metric`.
            pub const fn name(self) -> &'static str {
                match self { $(Metric::$variant => $name,)* }
            }

            /// The unit of its values.
            pub const fn unit(self) -> Unit {
                match self { $(Metric::$variant => Unit::$unit,)* }
            }

            /// What it measures, in one sentence.
            pub const fn meaning(self) -> &'static str {
                match self { $(Metric::$variant => $meaning,)* }
            }
        }
    };
}

metrics! {
    Seed => "seed", Count, "The seed of the run.";
    Users => "users", Count, "Simulated users.";
    UsersAffected => "users_affected", Count, "Users with at least one interruption (dropped session or failed login).";
    UsersRedirected => "users_redirected", Count, "Users who worked in a non-home Region at some point.";
    UsersNotRedirectable => "users_not_redirectable", Count, "Affected users who cannot follow DNS redirection (Region-code registration or a client older than 3.0.9).";
    UsersMisdirected => "users_misdirected", Count, "Users who received a hijacked domain's answer.";
    UsersOffVpn => "users_off_vpn", Count, "Users off the VPN of a private hosted zone: never working, for a reason unrelated to the outage; left out of every other user and downtime figure.";
    UsersNeverReconnected => "users_never_reconnected", Count, "Affected users who never connected again before the end.";
    DowntimeMeanMs => "downtime_mean_ms", Milliseconds, "Mean downtime of affected users.";
    DowntimeP50Ms => "downtime_p50_ms", Milliseconds, "Median downtime of affected users (nearest rank).";
    DowntimeP90Ms => "downtime_p90_ms", Milliseconds, "90th percentile downtime of affected users (nearest rank).";
    DowntimeP95Ms => "downtime_p95_ms", Milliseconds, "95th percentile downtime of affected users (nearest rank).";
    DowntimeP99Ms => "downtime_p99_ms", Milliseconds, "99th percentile downtime of affected users (nearest rank).";
    DowntimeMaxMs => "downtime_max_ms", Milliseconds, "Largest downtime of an affected user.";
    DowntimeTotalHours => "downtime_total_hours", Hours, "Downtime of all affected users added up.";
    DetectionMs => "detection_ms", Milliseconds, "From the first fault to the primary record's health check turning unhealthy.";
    DnsFailoverMs => "dns_failover_ms", Milliseconds, "From the first fault to the authoritative answer leaving the primary.";
    Recovered50Ms => "recovered_50_ms", Milliseconds, "From the first fault until half of the affected users were connected again.";
    Recovered95Ms => "recovered_95_ms", Milliseconds, "From the first fault until 95 % of the affected users were connected again.";
    FailbackMs => "failback_ms", Milliseconds, "From the first fault to the answer returning to the primary.";
    LoginFailures => "login_failures", Count, "Failed login attempts of all users.";
    ClientRestarts => "client_restarts", Count, "Client restarts of all users.";
    PeakLaunchQueue => "peak_launch_queue", Count, "Largest launch queue seen in any Region.";
    LaunchWaitMaxMs => "launch_wait_max_ms", Milliseconds, "Longest time one user spent waiting in launch queues (capacity), added up over the run.";
    LaunchQueueGiveUps => "launch_queue_give_ups", Count, "Queued launches given up: after `launch_queue_timeout`, or because DNS stopped answering the queue's Region.";
    UsersRedirectedWithoutData => "users_redirected_without_data", Count, "Redirected users whose failover WorkSpace held none of their data (no Multi-Region Resilience data replication).";
    DataAgeP50Ms => "data_age_p50_ms", Milliseconds, "Median age of the replicated data redirected users arrived on (standby WorkSpaces with data replication).";
    DataAgeP95Ms => "data_age_p95_ms", Milliseconds, "95th percentile age of the replicated data redirected users arrived on.";
    DataAgeMaxMs => "data_age_max_ms", Milliseconds, "Largest age of the replicated data a redirected user arrived on.";
    UsersOverRpo => "users_over_rpo", Count, "Users who arrived on replicated data older than the standby Region's `rpo`.";
    StandbyWorkspaces => "standby_workspaces", Count, "Multi-Region Resilience standby WorkSpaces provisioned (each bears the fixed monthly fee).";
    StandbyHours => "standby_hours", Hours, "Hours worked on standby WorkSpaces (what the hourly rate applies to).";
    EventsProcessed => "events_processed", Count, "Events of the model processed (a probe or probe result that could change nothing is made without the event queue, and counted).";
    CostMonthlyUsd => "cost_monthly_usd", Usd, "What the failover configuration costs per month: failover WorkSpaces, health checks, alarms (prices in the `[cost]` table).";
    CostIncidentUsd => "cost_incident_usd", Usd, "What the simulated incident costs: hourly WorkSpaces fees away from home, plus downtime at cost.downtime_hourly.";
}

impl Metric {
    /// The metric called `name`, if any.
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.iter().copied().find(|m| m.name() == name)
    }

    /// Every name, joined by `, ` (for "allowed: ..." messages).
    pub fn names() -> String {
        Metric::ALL
            .iter()
            .map(|m| m.name())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether values are milliseconds (shown as durations to people).
    pub fn is_duration(self) -> bool {
        self.unit() == Unit::Milliseconds
    }
}

impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A way of splitting users into cohorts (`cohorts.csv`, `metric{dimension=value}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dimension {
    /// The `[[users]]` group.
    Group,
    /// How the client is registered: `fqdn` (the connection alias) or `region_code`.
    Registration,
    /// The client version string (whether it follows redirection is in the cohort's label).
    Client,
    /// The `[[resolver]]` the user's lookups go to.
    Resolver,
    /// The home Region.
    Home,
    /// Whether the user can be redirected by DNS, and if not the first reason why:
    /// see [`REDIRECT_VALUES`].
    Redirect,
}

/// The values of [`Dimension::Redirect`], in the order reasons are tried: a user is in the
/// first that applies.
pub const REDIRECT_VALUES: [&str; 5] = [
    "region_code",
    "off_vpn",
    "old_client",
    "no_failover_workspace",
    "redirectable",
];

impl Dimension {
    /// Every dimension, in `cohorts.csv` order.
    pub const ALL: [Dimension; 6] = [
        Dimension::Group,
        Dimension::Registration,
        Dimension::Client,
        Dimension::Resolver,
        Dimension::Home,
        Dimension::Redirect,
    ];

    /// The name used in `cohorts.csv` and in `metric{name=value}`.
    pub const fn name(self) -> &'static str {
        match self {
            Dimension::Group => "group",
            Dimension::Registration => "registration",
            Dimension::Client => "client",
            Dimension::Resolver => "resolver",
            Dimension::Home => "home",
            Dimension::Redirect => "redirect",
        }
    }

    /// The dimension called `name`, if any.
    pub fn from_name(name: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.name() == name)
    }

    /// The values every scenario has (`None` when they are scenario names).
    pub fn fixed_values(self) -> Option<&'static [&'static str]> {
        match self {
            Dimension::Registration => Some(&["fqdn", "region_code"]),
            Dimension::Redirect => Some(&REDIRECT_VALUES),
            _ => None,
        }
    }
}

/// One cohort: the users whose `dimension` has `value` (`redirect=redirectable`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cohort {
    /// What the users are split by.
    pub dimension: Dimension,
    /// The value shared by the cohort's users.
    pub value: String,
}

impl Cohort {
    /// Whether this is `redirect=off_vpn`: the users off the VPN of a private hosted zone,
    /// left out of every other cohort's figures.
    pub fn is_off_vpn(&self) -> bool {
        self.dimension == Dimension::Redirect && self.value == "off_vpn"
    }
}

impl std::fmt::Display for Cohort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.dimension.name(), self.value)
    }
}

/// The scenario names a cohort value may take, per dimension (for validating a
/// [`MetricRef`] against a scenario).
#[derive(Clone, Debug, Default)]
pub struct CohortNames {
    /// `[[users]]` names.
    pub groups: Vec<String>,
    /// Client version strings, each once, in order of first appearance.
    pub clients: Vec<String>,
    /// `[[resolver]]` names.
    pub resolvers: Vec<String>,
    /// `[[region]]` names.
    pub regions: Vec<String>,
}

impl CohortNames {
    /// The values `dimension` may take.
    pub fn values(&self, dimension: Dimension) -> Vec<String> {
        if let Some(fixed) = dimension.fixed_values() {
            return fixed.iter().map(|v| v.to_string()).collect();
        }
        match dimension {
            Dimension::Group => self.groups.clone(),
            Dimension::Client => self.clients.clone(),
            Dimension::Resolver => self.resolvers.clone(),
            _ => self.regions.clone(),
        }
    }

    /// `Ok` when `cohort` names a cohort of this scenario, else the message saying what is
    /// allowed.
    pub fn check(&self, cohort: &Cohort) -> Result<(), String> {
        let allowed = self.values(cohort.dimension);
        if allowed.contains(&cohort.value) {
            return Ok(());
        }
        Err(format!(
            "no cohort `{cohort}` in this scenario; allowed values of `{}`: {}",
            cohort.dimension.name(),
            allowed.join(", ")
        ))
    }
}

/// A metric, of all users or of one cohort: `downtime_p95_ms` or
/// `downtime_p95_ms{redirect=redirectable}`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MetricRef {
    /// The summary metric.
    pub metric: Metric,
    /// The cohort it is computed over; `None`: every user.
    pub cohort: Option<Cohort>,
}

impl From<Metric> for MetricRef {
    fn from(metric: Metric) -> Self {
        MetricRef {
            metric,
            cohort: None,
        }
    }
}

impl MetricRef {
    /// Parses `name` or `name{dimension=value}`. Scenario names (groups, Regions,
    /// resolvers, client versions) are checked later, against the scenario
    /// ([`CohortNames::check`]); fixed values are checked here.
    pub fn parse(text: &str) -> Result<MetricRef, String> {
        let text = text.trim();
        let (name, cohort) = match text.split_once('{') {
            None => (text, None),
            Some((name, rest)) => {
                let Some(inner) = rest.strip_suffix('}') else {
                    return Err(format!(
                        "`{text}`: a cohort is written `metric{{dimension=value}}`, e.g. downtime_p95_ms{{redirect=redirectable}}"
                    ));
                };
                (name.trim(), Some(parse_cohort(inner)?))
            }
        };
        let metric = Metric::from_name(name).ok_or_else(|| {
            format!(
                "unknown summary metric `{name}`; allowed: {}",
                Metric::names()
            )
        })?;
        Ok(MetricRef { metric, cohort })
    }

    /// Whether values are milliseconds.
    pub fn is_duration(&self) -> bool {
        self.metric.is_duration()
    }
}

fn parse_cohort(inner: &str) -> Result<Cohort, String> {
    let dimensions = || {
        Dimension::ALL
            .iter()
            .map(|d| d.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some((dimension, value)) = inner.split_once('=') else {
        return Err(format!(
            "`{{{inner}}}`: expected {{dimension=value}}, dimensions: {}",
            dimensions()
        ));
    };
    let (dimension, value) = (dimension.trim(), value.trim().trim_matches('"'));
    let dimension = Dimension::from_name(dimension).ok_or_else(|| {
        format!(
            "unknown cohort dimension `{dimension}`; allowed: {}",
            dimensions()
        )
    })?;
    if let Some(fixed) = dimension.fixed_values() {
        if !fixed.contains(&value) {
            return Err(format!(
                "unknown value `{value}` of cohort dimension `{}`; allowed: {}",
                dimension.name(),
                fixed.join(", ")
            ));
        }
    }
    if value.is_empty() {
        return Err(format!("`{{{inner}}}`: the cohort value is empty"));
    }
    Ok(Cohort {
        dimension,
        value: value.to_string(),
    })
}

impl std::fmt::Display for MetricRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.cohort {
            None => f.write_str(self.metric.name()),
            Some(c) => write!(f, "{}{{{c}}}", self.metric.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_refs_parse_and_print() {
        let r = MetricRef::parse("downtime_p95_ms{redirect=redirectable}").unwrap();
        assert_eq!(r.metric, Metric::DowntimeP95Ms);
        assert_eq!(
            r.cohort,
            Some(Cohort {
                dimension: Dimension::Redirect,
                value: "redirectable".into()
            })
        );
        assert_eq!(r.to_string(), "downtime_p95_ms{redirect=redirectable}");
        assert_eq!(
            MetricRef::parse("users_affected").unwrap(),
            MetricRef::from(Metric::UsersAffected)
        );
        let r = MetricRef::parse("downtime_max_ms{home = us-west-2}").unwrap();
        assert_eq!(r.to_string(), "downtime_max_ms{home=us-west-2}");
    }

    #[test]
    fn bad_metric_refs_say_what_is_allowed() {
        let e = MetricRef::parse("downtime_p95_ms{redirect=maybe}").unwrap_err();
        assert!(e.contains("allowed: region_code, off_vpn"), "{e}");
        let e = MetricRef::parse("downtime_p95_ms{colour=red}").unwrap_err();
        assert!(e.contains("unknown cohort dimension `colour`"), "{e}");
        assert!(e.contains("group, registration, client"), "{e}");
        let e = MetricRef::parse("downtime_p95_ms{redirectable}").unwrap_err();
        assert!(e.contains("expected {dimension=value}"), "{e}");
        let e = MetricRef::parse("downtime_p95_ms{redirect=redirectable").unwrap_err();
        assert!(e.contains("metric{dimension=value}"), "{e}");
        let e = MetricRef::parse("p95{home=a}").unwrap_err();
        assert!(e.contains("unknown summary metric `p95`"), "{e}");
        let names = CohortNames {
            regions: vec!["us-west-2".into()],
            ..CohortNames::default()
        };
        let bad = MetricRef::parse("users{home=eu-west-1}").unwrap();
        let e = names.check(bad.cohort.as_ref().unwrap()).unwrap_err();
        assert!(e.contains("allowed values of `home`: us-west-2"), "{e}");
    }

    #[test]
    fn names_round_trip_and_are_unique() {
        for &m in Metric::ALL {
            assert_eq!(Metric::from_name(m.name()), Some(m));
        }
        let mut names: Vec<_> = Metric::ALL.iter().map(|m| m.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Metric::ALL.len());
        assert_eq!(Metric::from_name("downtime_p95"), None);
    }

    #[test]
    fn units_follow_the_name_suffix() {
        for &m in Metric::ALL {
            assert_eq!(m.is_duration(), m.name().ends_with("_ms"), "{m}");
        }
    }
}
