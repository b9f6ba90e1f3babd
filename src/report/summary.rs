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
    percentile_rank(sorted.len(), p).map(|r| sorted[r])
}

/// The 0-based position of the nearest-rank `p`th percentile among `n` values (None when
/// there are none).
fn percentile_rank(n: usize, p: u32) -> Option<usize> {
    let rank = (u64::from(p) * n as u64).div_ceil(100).max(1);
    (n > 0).then_some(rank as usize - 1)
}

/// The values a sorted copy of `values` would hold at `ranks` (0-based; None past the end),
/// without sorting: each rank, in increasing order, is selected in the part of the slice
/// above the previous one (`select_nth_unstable`, linear on average). A summary needs a
/// handful of ranks, so this costs a few passes where sorting a million downtimes cost
/// twenty, and a run has a summary per cohort. `values` is left reordered.
fn at_ranks<const K: usize>(values: &mut [u64], ranks: [Option<usize>; K]) -> [Option<u64>; K] {
    let mut order: [usize; K] = std::array::from_fn(|i| i);
    order.sort_unstable_by_key(|&i| ranks[i]);
    let mut out = [None; K];
    let mut lo = 0;
    for i in order {
        let Some(rank) = ranks[i].filter(|&r| r < values.len()) else {
            continue;
        };
        if rank >= lo {
            values[lo..].select_nth_unstable(rank - lo);
            lo = rank + 1;
        }
        // A rank equal to an earlier one is already in place.
        out[i] = Some(values[rank]);
    }
    out
}

/// Computes the summary of a run; `unrelated` says which users never work for a reason
/// unrelated to the outage (see the module docs).
pub fn summarize(
    seed: u64,
    users: &[UserRecord],
    control: &ControlFacts,
    unrelated: &dyn Fn(&UserRecord) -> bool,
) -> Summary {
    let mut t = Tally::with_capacity(users.len());
    for u in users {
        t.add(u, unrelated(u));
    }
    t.summary(seed, control)
}

fn count(n: u64) -> Option<f64> {
    Some(n as f64)
}

/// How many users there are, and how many are affected, redirected, not redirectable,
/// misdirected, off the VPN (unrelated to the outage) and never reconnected.
fn user_counts(t: &Tally) -> [(Metric, Option<f64>); 7] {
    [
        (Metric::Users, count(t.users)),
        (Metric::UsersAffected, Some(t.downtimes.len() as f64)),
        (Metric::UsersRedirected, count(t.redirected)),
        (Metric::UsersNotRedirectable, count(t.not_redirectable)),
        (Metric::UsersMisdirected, count(t.misdirected)),
        (Metric::UsersOffVpn, count(t.unrelated)),
        (Metric::UsersNeverReconnected, count(t.never_reconnected)),
    ]
}

/// Downtime of the affected users (in any order; left reordered): mean, percentiles, max,
/// total hours.
fn downtime(downtimes: &mut [u64]) -> [(Metric, Option<f64>); 7] {
    let n = downtimes.len();
    let total_down: u64 = downtimes.iter().sum();
    let mean = (n > 0).then(|| (total_down as f64 / n as f64).round());
    let ranks = [50, 90, 95, 99, 100].map(|p| percentile_rank(n, p));
    let [p50, p90, p95, p99, max] = at_ranks(downtimes, ranks).map(|x| x.map(|x| x as f64));
    [
        (Metric::DowntimeMeanMs, mean),
        (Metric::DowntimeP50Ms, p50),
        (Metric::DowntimeP90Ms, p90),
        (Metric::DowntimeP95Ms, p95),
        (Metric::DowntimeP99Ms, p99),
        (Metric::DowntimeMaxMs, max),
        (
            Metric::DowntimeTotalHours,
            Some((total_down as f64 / 3_600_000.0 * 1000.0).round() / 1000.0),
        ),
    ]
}

/// Times from the first fault to detection, DNS failover, 50 % and 95 % of the affected users
/// connected again, and failback; `None` for what never happened.
fn times_to(control: &ControlFacts, t: &mut Tally) -> [(Metric, Option<f64>); 5] {
    let since_fault = |at: Option<u64>| -> Option<f64> {
        match (control.first_fault_ms, at) {
            (Some(f), Some(at)) => Some(at.saturating_sub(f) as f64),
            _ => None,
        }
    };
    // Share of affected users connected again: the k-th earliest first reconnection.
    let affected = t.downtimes.len() as u64;
    let need = |share_pct: u64| -> Option<usize> {
        let need = (share_pct * affected).div_ceil(100).max(1) as usize;
        (affected > 0).then_some(need - 1)
    };
    let [r50, r95] = at_ranks(&mut t.reconnects, [need(50), need(95)]);
    [
        (
            Metric::DetectionMs,
            since_fault(control.primary_unhealthy_ms),
        ),
        (
            Metric::DnsFailoverMs,
            since_fault(control.answer_left_primary_ms),
        ),
        (Metric::Recovered50Ms, since_fault(r50)),
        (Metric::Recovered95Ms, since_fault(r95)),
        (
            Metric::FailbackMs,
            since_fault(control.answer_back_on_primary_ms),
        ),
    ]
}

/// Login failures and client restarts, and the launch queues: peak length, longest wait,
/// users who gave up.
fn sessions_and_launches(t: &Tally, control: &ControlFacts) -> [(Metric, Option<f64>); 5] {
    [
        (Metric::LoginFailures, count(t.login_failures)),
        (Metric::ClientRestarts, count(t.restarts)),
        (
            Metric::PeakLaunchQueue,
            Some(control.peak_launch_queue as f64),
        ),
        (
            Metric::LaunchWaitMaxMs,
            t.launch_wait_max_ms.map(|x| x as f64),
        ),
        (
            Metric::LaunchQueueGiveUps,
            Some(control.launch_queue_give_ups as f64),
        ),
    ]
}

/// Replicated data on standby WorkSpaces: users redirected without it, its age (percentiles
/// of `t.ages`), users over the RPO, and the standby WorkSpaces kept and their hours.
fn replicated_data(t: &mut Tally, control: &ControlFacts) -> [(Metric, Option<f64>); 7] {
    let n = t.ages.len();
    let ranks = [50, 95, 100].map(|p| percentile_rank(n, p));
    let [p50, p95, max] = at_ranks(&mut t.ages, ranks).map(|x| x.map(|x| x as f64));
    [
        (
            Metric::UsersRedirectedWithoutData,
            count(t.redirected_without_data),
        ),
        (Metric::DataAgeP50Ms, p50),
        (Metric::DataAgeP95Ms, p95),
        (Metric::DataAgeMaxMs, max),
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

/// Everything the summary needs from the users, gathered in one pass over them (a million
/// records do not fit in the cache: each extra pass is a trip through main memory).
/// What a summary is computed from, gathered one user at a time ([`Tally::add`]) so that a
/// cohort's can be filled in the same pass over the users as the others of its dimension.
#[derive(Default)]
pub(super) struct Tally {
    users: u64,
    unrelated: u64,
    downtimes: Vec<u64>,
    reconnects: Vec<u64>,
    ages: Vec<u64>,
    redirected: u64,
    not_redirectable: u64,
    misdirected: u64,
    never_reconnected: u64,
    redirected_without_data: u64,
    login_failures: u64,
    restarts: u64,
    launch_wait_max_ms: Option<u64>,
}

impl Tally {
    /// An empty tally with room for `users` affected users (a million downtimes would
    /// otherwise be copied as their vector grows, into fresh pages each time).
    pub(super) fn with_capacity(users: usize) -> Tally {
        Tally {
            downtimes: Vec::with_capacity(users),
            reconnects: Vec::with_capacity(users),
            ..Tally::default()
        }
    }

    /// Counts `u`; an `unrelated` user (see the module docs) only in `users_off_vpn`.
    pub(super) fn add(&mut self, u: &UserRecord, unrelated: bool) {
        self.users += 1;
        if unrelated {
            self.unrelated += 1;
            return;
        }
        if u.affected() {
            self.downtimes.push(u.downtime_ms);
            self.reconnects.extend(u.reconnect_ms);
            self.not_redirectable += u64::from(!u.redirectable);
            self.never_reconnected += u64::from(u.reconnect_ms.is_none());
        }
        self.ages.extend(u.data_age_ms);
        self.redirected += u64::from(u.redirected);
        self.misdirected += u64::from(u.misdirected);
        self.redirected_without_data += u64::from(u.redirected && u.data_age_ms.is_none());
        self.login_failures += u64::from(u.login_failures);
        self.restarts += u64::from(u.restarts);
        self.launch_wait_max_ms = self.launch_wait_max_ms.max(Some(u.launch_wait_ms));
    }

    /// The summary of the users added, every metric in [`Metric::ALL`] order.
    pub(super) fn summary(mut self, seed: u64, control: &ControlFacts) -> Summary {
        let mut values: Vec<(Metric, Option<f64>)> = Vec::with_capacity(Metric::ALL.len());
        values.push((Metric::Seed, Some(seed as f64)));
        values.extend(user_counts(&self));
        values.extend(downtime(&mut self.downtimes));
        values.extend(times_to(control, &mut self));
        values.extend(sessions_and_launches(&self, control));
        values.extend(replicated_data(&mut self, control));
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

    proptest::proptest! {
        /// Selecting ranks gives what a sorted copy holds at them, duplicates, repeated and
        /// out-of-range ranks included.
        #[test]
        fn ranks_are_selected_as_a_sort_would_place_them(
            values in proptest::collection::vec(0u64..50, 0..300),
            raw in proptest::array::uniform5(0usize..320),
        ) {
            let mut sorted = values.clone();
            sorted.sort_unstable();
            let ranks = raw.map(Some);
            let mut scratch = values.clone();
            let got = at_ranks(&mut scratch, ranks);
            for (r, g) in raw.iter().zip(got) {
                proptest::prop_assert_eq!(g, sorted.get(*r).copied());
            }
            let n = values.len();
            let pcts = [50, 90, 95, 99, 100];
            let got = at_ranks(&mut scratch, pcts.map(|p| percentile_rank(n, p)));
            for (p, g) in pcts.iter().zip(got) {
                proptest::prop_assert_eq!(g, percentile(&sorted, *p));
            }
        }
    }

    #[test]
    fn value_formatting() {
        assert_eq!(Summary::format_value(None), "");
        assert_eq!(Summary::format_value(Some(120000.0)), "120000");
        assert_eq!(Summary::format_value(Some(1.25)), "1.25");
        assert_eq!(Summary::format_value(Some(2.0 / 3.0)), "0.667");
    }
}
