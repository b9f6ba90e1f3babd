//! Summary statistics (`summary.csv`), computed from a finished run.
//!
//! Downtime figures are over *affected* users (those with at least one interruption), leaving
//! out the users who never work for a reason unrelated to the outage (off the VPN of a
//! private hosted zone: counted by `users_off_vpn` and nowhere else);
//! percentiles use the nearest-rank method on integer milliseconds, so they are exact and
//! identical on every platform. Time-to figures (`detection_ms`, `dns_failover_ms`,
//! `recovered_*_ms`, `failback_ms`) are measured from the start of the first fault and are
//! empty when the thing never happened.

use super::{ControlFacts, UserRecord};
use crate::metric::Metric;

/// Summary metrics as `(metric, value)`; `None` = did not happen (empty CSV field).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    /// Values in [`Metric::ALL`] order.
    pub values: Vec<(Metric, Option<f64>)>,
}

impl Summary {
    /// A metric's value.
    pub fn get(&self, metric: Metric) -> Option<f64> {
        self.values
            .iter()
            .find(|(m, _)| *m == metric)
            .and_then(|(_, v)| *v)
    }

    /// Sets a metric's value.
    pub fn set(&mut self, metric: Metric, value: Option<f64>) {
        if let Some(entry) = self.values.iter_mut().find(|(m, _)| *m == metric) {
            entry.1 = value;
        }
    }

    /// The summary with the cost metrics of `cost` filled in.
    pub fn with_cost(mut self, cost: &crate::cost::CostFigures) -> Summary {
        self.set(Metric::CostMonthlyUsd, Some(cost.monthly_usd));
        self.set(Metric::CostIncidentUsd, Some(cost.incident_usd));
        self
    }

    /// A value as written to CSV: integers without a decimal point, others with up to 3
    /// decimals, empty when absent.
    pub fn format_value(v: Option<f64>) -> String {
        match v {
            None => String::new(),
            Some(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => format!("{}", x as i64),
            Some(x) => {
                let s = format!("{x:.3}");
                s.trim_end_matches('0').trim_end_matches('.').to_string()
            }
        }
    }
}

/// Nearest-rank percentile of a sorted slice (`p` in (0, 100]).
pub fn percentile(sorted: &[u64], p: u32) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len() as u64;
    let rank = (u64::from(p) * n).div_ceil(100).max(1);
    Some(sorted[(rank - 1) as usize])
}

/// Computes the summary of a run; `unrelated` says which users never work for a reason
/// unrelated to the outage (see the module docs).
pub fn summarize(
    seed: u64,
    users: &[UserRecord],
    control: &ControlFacts,
    unrelated: &dyn Fn(&UserRecord) -> bool,
) -> Summary {
    let all: Vec<&UserRecord> = users.iter().collect();
    summarize_users(seed, &all, control, unrelated)
}

/// [`summarize`] over some of a run's users (a cohort).
pub fn summarize_users(
    seed: u64,
    all: &[&UserRecord],
    control: &ControlFacts,
    unrelated: &dyn Fn(&UserRecord) -> bool,
) -> Summary {
    let users: Vec<&UserRecord> = all.iter().copied().filter(|u| !unrelated(u)).collect();
    let affected: Vec<&UserRecord> = users.iter().copied().filter(|u| u.affected()).collect();
    let mut values: Vec<(Metric, Option<f64>)> = Vec::with_capacity(Metric::ALL.len());
    values.push((Metric::Seed, Some(seed as f64)));
    values.extend(user_counts(all.len(), &users, affected.len()));
    values.extend(downtime(&affected));
    values.extend(times_to(control, &affected));
    values.extend(sessions_and_launches(&users, control));
    values.extend(replicated_data(&users, control));
    values.extend([
        (
            Metric::EventsProcessed,
            Some(control.events_processed as f64),
        ),
        // Filled in by `with_cost`: the prices live in the scenario.
        (Metric::CostMonthlyUsd, None),
        (Metric::CostIncidentUsd, None),
    ]);
    debug_assert!(values
        .iter()
        .map(|(m, _)| *m)
        .eq(Metric::ALL.iter().copied()));
    Summary { values }
}

/// How many users of `all` there are, how many of them are affected, redirected, not
/// redirectable, misdirected, off the VPN (`all` less `users`) and never reconnected.
fn user_counts(all: usize, users: &[&UserRecord], affected: usize) -> [(Metric, Option<f64>); 7] {
    let count = |f: &dyn Fn(&UserRecord) -> bool| users.iter().filter(|u| f(u)).count() as f64;
    [
        (Metric::Users, Some(all as f64)),
        (Metric::UsersAffected, Some(affected as f64)),
        (Metric::UsersRedirected, Some(count(&|u| u.redirected))),
        (
            Metric::UsersNotRedirectable,
            Some(count(&|u| u.affected() && !u.redirectable)),
        ),
        (Metric::UsersMisdirected, Some(count(&|u| u.misdirected))),
        (Metric::UsersOffVpn, Some((all - users.len()) as f64)),
        (
            Metric::UsersNeverReconnected,
            Some(count(&|u| u.affected() && u.reconnect_ms.is_none())),
        ),
    ]
}

/// Downtime of the affected users: mean, percentiles, max and total hours.
fn downtime(affected: &[&UserRecord]) -> [(Metric, Option<f64>); 7] {
    let mut downtimes: Vec<u64> = affected.iter().map(|u| u.downtime_ms).collect();
    downtimes.sort_unstable();
    let total_down: u64 = downtimes.iter().sum();
    let mean = if downtimes.is_empty() {
        None
    } else {
        Some((total_down as f64 / downtimes.len() as f64).round())
    };
    let pct = |p| percentile(&downtimes, p).map(|x| x as f64);
    [
        (Metric::DowntimeMeanMs, mean),
        (Metric::DowntimeP50Ms, pct(50)),
        (Metric::DowntimeP90Ms, pct(90)),
        (Metric::DowntimeP95Ms, pct(95)),
        (Metric::DowntimeP99Ms, pct(99)),
        (Metric::DowntimeMaxMs, downtimes.last().map(|&x| x as f64)),
        (
            Metric::DowntimeTotalHours,
            Some((total_down as f64 / 3_600_000.0 * 1000.0).round() / 1000.0),
        ),
    ]
}

/// Times from the first fault to detection, DNS failover, 50 % and 95 % of the affected users
/// connected again, and failback; `None` for what never happened.
fn times_to(control: &ControlFacts, affected: &[&UserRecord]) -> [(Metric, Option<f64>); 5] {
    let since_fault = |t: Option<u64>| -> Option<f64> {
        match (control.first_fault_ms, t) {
            (Some(f), Some(t)) => Some(t.saturating_sub(f) as f64),
            _ => None,
        }
    };
    // Share of affected users connected again: the k-th earliest first reconnection.
    let mut reconnects: Vec<u64> = affected.iter().filter_map(|u| u.reconnect_ms).collect();
    reconnects.sort_unstable();
    let recovered = |share_pct: u64| -> Option<u64> {
        if affected.is_empty() {
            return None;
        }
        let need = (share_pct * affected.len() as u64).div_ceil(100).max(1) as usize;
        reconnects.get(need - 1).copied()
    };
    [
        (
            Metric::DetectionMs,
            since_fault(control.primary_unhealthy_ms),
        ),
        (
            Metric::DnsFailoverMs,
            since_fault(control.answer_left_primary_ms),
        ),
        (Metric::Recovered50Ms, since_fault(recovered(50))),
        (Metric::Recovered95Ms, since_fault(recovered(95))),
        (
            Metric::FailbackMs,
            since_fault(control.answer_back_on_primary_ms),
        ),
    ]
}

/// Login failures and client restarts over the users, and the launch queues in the failover
/// Region: peak length, longest wait, users who gave up.
fn sessions_and_launches(
    users: &[&UserRecord],
    control: &ControlFacts,
) -> [(Metric, Option<f64>); 5] {
    [
        (
            Metric::LoginFailures,
            Some(
                users
                    .iter()
                    .map(|u| u64::from(u.login_failures))
                    .sum::<u64>() as f64,
            ),
        ),
        (
            Metric::ClientRestarts,
            Some(users.iter().map(|u| u64::from(u.restarts)).sum::<u64>() as f64),
        ),
        (
            Metric::PeakLaunchQueue,
            Some(control.peak_launch_queue as f64),
        ),
        (
            Metric::LaunchWaitMaxMs,
            users
                .iter()
                .map(|u| u.launch_wait_ms)
                .max()
                .map(|x| x as f64),
        ),
        (
            Metric::LaunchQueueGiveUps,
            Some(control.launch_queue_give_ups as f64),
        ),
    ]
}

/// Replicated data on standby WorkSpaces: users redirected without it, its age, users over
/// the RPO, and the standby WorkSpaces kept and their hours.
fn replicated_data(users: &[&UserRecord], control: &ControlFacts) -> [(Metric, Option<f64>); 7] {
    let mut ages: Vec<u64> = users.iter().filter_map(|u| u.data_age_ms).collect();
    ages.sort_unstable();
    let data_age = |p| percentile(&ages, p).map(|x| x as f64);
    let without_data = users
        .iter()
        .filter(|u| u.redirected && u.data_age_ms.is_none())
        .count();
    [
        (
            Metric::UsersRedirectedWithoutData,
            Some(without_data as f64),
        ),
        (Metric::DataAgeP50Ms, data_age(50)),
        (Metric::DataAgeP95Ms, data_age(95)),
        (Metric::DataAgeMaxMs, data_age(100)),
        (Metric::UsersOverRpo, Some(control.users_over_rpo as f64)),
        (
            Metric::StandbyWorkspaces,
            Some(control.standby_workspaces as f64),
        ),
        (
            Metric::StandbyHours,
            Some((control.standby_ms as f64 / 3_600_000.0 * 1000.0).round() / 1000.0),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let xs: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&xs, 50), Some(50));
        assert_eq!(percentile(&xs, 95), Some(95));
        assert_eq!(percentile(&xs, 100), Some(100));
        assert_eq!(percentile(&[7], 99), Some(7));
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[1, 2, 3, 4], 50), Some(2));
    }

    #[test]
    fn value_formatting() {
        assert_eq!(Summary::format_value(None), "");
        assert_eq!(Summary::format_value(Some(120000.0)), "120000");
        assert_eq!(Summary::format_value(Some(1.25)), "1.25");
        assert_eq!(Summary::format_value(Some(2.0 / 3.0)), "0.667");
    }
}
