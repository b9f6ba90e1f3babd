//! The summary metrics: one enum, so a misspelt metric is a compile error in the code and a
//! located error (with the list of names) in a scenario's `[[expect]]` or a `--metric`.
//!
//! Every metric has its `summary.csv` name, a unit and a one-line meaning; `summary.csv`,
//! `sweep.csv`, `sweep_summary.csv`, `[[expect]]` and `--metric` all read this one list.

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
    EventsProcessed => "events_processed", Count, "Events processed by the engine.";
    CostMonthlyUsd => "cost_monthly_usd", Usd, "What the failover configuration costs per month: failover WorkSpaces, health checks, alarms (prices in [cost]).";
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

#[cfg(test)]
mod tests {
    use super::*;

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
