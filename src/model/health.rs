//! Route 53 health-check rules
//! (<https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html>,
//! <https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-types.html>), as small
//! pure functions.
//!
//! - A checker flips its verdict after `failure_threshold` consecutive opposite results, in
//!   both directions.
//! - An endpoint check is healthy iff *more than* 18 % of its checkers report healthy.
//!   Each Route 53 DNS location applies that rule to the checkers whose reports reach it
//!   (<https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-problems.html>:
//!   "each Route 53 location considers an endpoint healthy when only a portion of reachable
//!   health checkers consider it healthy"); [`location_endpoint_healthy`].
//! - A calculated check is healthy iff at least `healthy_threshold` children are healthy;
//!   0 means always healthy, more than the number of children always unhealthy.
//! - `disabled` makes the status healthy; `inverted` then flips it. A disabled,
//!   inverted check is therefore unhealthy — the way to force a record out (our reading of
//!   the guide).
//! - A probe to a failing endpoint fails, or passes, by how the endpoint fails and what the
//!   protocol checks ([`probe_outcome`]).

use crate::scenario::{InsufficientData, ProbeFailure, Protocol};

/// Budget for the HTTP status line after the connection is made: 2 s. Route 53: "the
/// endpoint must respond with an HTTP status code of 2xx or 3xx within two seconds after
/// connecting" (<https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html>).
pub const RESPONSE_TIMEOUT_MS: u64 = 2_000;

/// What one probe to a failing endpoint comes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProbeOutcome {
    /// The checker counts the probe as a success.
    pub passes: bool,
    /// Time the probe takes beyond one network round trip (the round trip itself is drawn
    /// by the caller), or the whole time when `whole` is set.
    pub extra_ms: u64,
    /// `extra_ms` is the whole time (a timeout, which no round trip completes).
    pub whole: bool,
}

/// A probe to an endpoint failing in `failure` mode, by protocol (Route 53's rules, linked
/// above): HTTP(S) and string-matching checks need a TCP connection within 4 s and then a
/// 2xx/3xx status within 2 s; TCP checks need only the connection, within 10 s.
///
/// - `timeout`: no connection; the probe fails after the connect timeout (4 s or 10 s).
/// - `refused`: the connection is refused; the probe fails after one round trip.
/// - `http_5xx`: connected, status 5xx; HTTP checks fail after the round trip, a TCP check
///   passes (it asks for nothing beyond the connection).
/// - `hang`: connected, no status; HTTP checks fail after the round trip plus the 2 s
///   response budget, a TCP check passes.
pub fn probe_outcome(protocol: Protocol, failure: ProbeFailure) -> ProbeOutcome {
    let tcp = protocol == Protocol::Tcp;
    let (passes, extra_ms, whole) = match failure {
        ProbeFailure::Timeout => (false, protocol.connect_timeout_ms(), true),
        ProbeFailure::Refused => (false, 0, false),
        ProbeFailure::Http5xx => (tcp, 0, false),
        ProbeFailure::Hang if tcp => (true, 0, false),
        ProbeFailure::Hang => (false, RESPONSE_TIMEOUT_MS, false),
    };
    ProbeOutcome {
        passes,
        extra_ms,
        whole,
    }
}

/// One health checker's view of an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckerVerdict {
    /// Current verdict.
    pub healthy: bool,
    /// Consecutive results that disagree with the verdict.
    pub opposite_streak: u32,
}

impl CheckerVerdict {
    /// A new checker considers the endpoint healthy.
    pub const NEW: CheckerVerdict = CheckerVerdict {
        healthy: true,
        opposite_streak: 0,
    };

    /// Applies one probe result; returns true when the verdict flipped.
    pub fn observe(&mut self, probe_ok: bool, failure_threshold: u32) -> bool {
        if probe_ok == self.healthy {
            self.opposite_streak = 0;
            return false;
        }
        self.opposite_streak += 1;
        if self.opposite_streak >= failure_threshold {
            self.healthy = probe_ok;
            self.opposite_streak = 0;
            return true;
        }
        false
    }
}

/// The 18 % rule: healthy iff strictly more than 18 % of `total` checkers are healthy.
/// Integer form of `healthy / total > 0.18`, exact for every count.
pub fn endpoint_healthy(healthy: u32, total: u32) -> bool {
    u64::from(healthy) * 100 > u64::from(total) * 18
}

/// A DNS location's view of an endpoint check: the 18 % rule over the `received` checkers
/// whose reports reach the location (`healthy` of them report healthy). Checkers cut off by
/// a partition do not count at all, healthy or not: the location decides from the reachable
/// ones. With none reachable AWS is silent; `no_reports` decides (`last_known_status`: the
/// location's `previous` view stands).
pub fn location_endpoint_healthy(
    healthy: u32,
    received: u32,
    previous: bool,
    no_reports: InsufficientData,
) -> bool {
    if received > 0 {
        return endpoint_healthy(healthy, received);
    }
    match no_reports {
        InsufficientData::Healthy => true,
        InsufficientData::Unhealthy => false,
        InsufficientData::LastKnownStatus => previous,
    }
}

/// The long-run share of time one checker reports healthy while each probe fails with
/// probability `fail` (a partial outage), flipping after `threshold` opposite results in a
/// row in both directions: a healthy checker needs on average `(1 - f^k) / ((1 - f) f^k)`
/// probes to see `k` failures in a row, an unhealthy one the same with successes, and the
/// share is the first over the sum (probes of equal length: a simplification). Route 53
/// counts the endpoint healthy while more than 18 % of checkers are, so when this share is
/// well above 18 % a partial outage leaves the check healthy, or flapping near 18 %.
pub fn checker_healthy_share(fail: f64, threshold: u32) -> f64 {
    if fail <= 0.0 {
        return 1.0;
    }
    if fail >= 1.0 {
        return 0.0;
    }
    let k = f64::from(threshold);
    let probes_to_streak = |p: f64| (1.0 - libm::pow(p, k)) / ((1.0 - p) * libm::pow(p, k));
    let healthy = probes_to_streak(fail);
    let unhealthy = probes_to_streak(1.0 - fail);
    healthy / (healthy + unhealthy)
}

/// Calculated check: at least `threshold` healthy children.
pub fn calculated_healthy(healthy_children: u32, threshold: u32) -> bool {
    healthy_children >= threshold
}

/// Status after `disabled` and `inverted`.
pub fn effective_status(raw_healthy: bool, disabled: bool, inverted: bool) -> bool {
    let base = disabled || raw_healthy;
    base != inverted
}

#[cfg(test)]
mod tests {
    #[test]
    fn probe_outcomes_by_failure_mode_and_protocol() {
        use super::{probe_outcome, ProbeOutcome};
        use crate::scenario::{ProbeFailure as F, Protocol as P};
        let o = |passes, extra_ms, whole| ProbeOutcome {
            passes,
            extra_ms,
            whole,
        };
        assert_eq!(probe_outcome(P::Https, F::Timeout), o(false, 4_000, true));
        assert_eq!(
            probe_outcome(P::HttpStrMatch, F::Timeout),
            o(false, 4_000, true)
        );
        assert_eq!(probe_outcome(P::Tcp, F::Timeout), o(false, 10_000, true));
        assert_eq!(probe_outcome(P::Http, F::Refused), o(false, 0, false));
        assert_eq!(probe_outcome(P::Tcp, F::Refused), o(false, 0, false));
        assert_eq!(probe_outcome(P::Https, F::Http5xx), o(false, 0, false));
        assert_eq!(probe_outcome(P::Tcp, F::Http5xx), o(true, 0, false));
        assert_eq!(
            probe_outcome(P::HttpsStrMatch, F::Hang),
            o(false, 2_000, false)
        );
        assert_eq!(probe_outcome(P::Tcp, F::Hang), o(true, 0, false));
    }

    use super::*;

    #[test]
    fn eighteen_percent_rule_at_16_checkers() {
        // 3/16 = 18.75 % > 18 % -> healthy; 2/16 = 12.5 % -> unhealthy.
        assert!(endpoint_healthy(3, 16));
        assert!(!endpoint_healthy(2, 16));
        assert!(!endpoint_healthy(0, 16));
        assert!(endpoint_healthy(16, 16));
    }

    #[test]
    fn eighteen_percent_rule_is_strict() {
        // Exactly 18 % healthy is unhealthy: 18 of 100, 9 of 50.
        assert!(!endpoint_healthy(18, 100));
        assert!(endpoint_healthy(19, 100));
        assert!(!endpoint_healthy(9, 50));
        // More than 18 %, worked out: n=8 -> >= 2; n=6 -> >= 2; n=3 -> >= 1.
        assert!(!endpoint_healthy(1, 8) && endpoint_healthy(2, 8));
        assert!(!endpoint_healthy(1, 6) && endpoint_healthy(2, 6));
        assert!(!endpoint_healthy(0, 3) && endpoint_healthy(1, 3));
    }

    #[test]
    fn a_location_applies_the_rule_to_the_checkers_it_hears() {
        use InsufficientData as N;
        // 16 checkers, 14 of them cut off and failing (not counted), the 2 it hears healthy:
        // 2 of 2 is more than 18 %, whatever the global view (2 of 16) says.
        assert!(location_endpoint_healthy(2, 2, false, N::LastKnownStatus));
        assert!(!endpoint_healthy(2, 16));
        // Hearing only the 14 failing ones: unhealthy, though 2 healthy checkers exist.
        assert!(!location_endpoint_healthy(0, 14, true, N::LastKnownStatus));
        // 18 % of the reachable ones is still not enough: 1 of 6 = 16.7 %; 2 of 6 is.
        assert!(!location_endpoint_healthy(1, 6, true, N::Healthy));
        assert!(location_endpoint_healthy(2, 6, false, N::Unhealthy));
    }

    #[test]
    fn a_location_without_reports_follows_no_checker_reports() {
        use InsufficientData as N;
        assert!(location_endpoint_healthy(0, 0, true, N::LastKnownStatus));
        assert!(!location_endpoint_healthy(0, 0, false, N::LastKnownStatus));
        assert!(location_endpoint_healthy(0, 0, false, N::Healthy));
        assert!(!location_endpoint_healthy(0, 0, true, N::Unhealthy));
    }

    #[test]
    fn a_checker_is_healthy_half_the_time_when_half_the_probes_fail() {
        // Symmetric: 50 % failing probes, any threshold -> healthy half the time.
        for k in [1, 3, 10] {
            assert!((checker_healthy_share(0.5, k) - 0.5).abs() < 1e-12, "{k}");
        }
        // k = 3, 80 % failing: 4.77 probes to three failures, 155 to three successes -> 3 %.
        let s = checker_healthy_share(0.8, 3);
        assert!((0.029..0.031).contains(&s), "{s}");
        // k = 1: healthy share = 1 - fail.
        assert!((checker_healthy_share(0.7, 1) - 0.3).abs() < 1e-12);
        assert_eq!(checker_healthy_share(1.0, 3), 0.0);
        assert_eq!(checker_healthy_share(0.0, 3), 1.0);
    }

    #[test]
    fn checker_needs_threshold_failures_to_go_unhealthy() {
        let mut c = CheckerVerdict::NEW;
        assert!(!c.observe(false, 3));
        assert!(!c.observe(false, 3));
        assert!(c.observe(false, 3), "third consecutive failure flips");
        assert!(!c.healthy);
    }

    #[test]
    fn a_success_resets_the_failure_streak() {
        let mut c = CheckerVerdict::NEW;
        c.observe(false, 3);
        c.observe(false, 3);
        c.observe(true, 3);
        assert!(!c.observe(false, 3));
        assert!(!c.observe(false, 3));
        assert!(c.healthy, "streak restarted after the success");
        assert!(c.observe(false, 3));
    }

    #[test]
    fn threshold_applies_to_recovery_too() {
        let mut c = CheckerVerdict {
            healthy: false,
            opposite_streak: 0,
        };
        assert!(!c.observe(true, 3));
        assert!(!c.observe(true, 3));
        assert!(c.observe(true, 3), "third consecutive success flips back");
        assert!(c.healthy);
        let mut one = CheckerVerdict::NEW;
        assert!(one.observe(false, 1), "threshold 1 flips at once");
    }

    #[test]
    fn calculated_thresholds() {
        assert!(calculated_healthy(0, 0), "threshold 0 is always healthy");
        assert!(
            !calculated_healthy(3, 4),
            "more than the children: never healthy"
        );
        assert!(calculated_healthy(2, 2));
        assert!(!calculated_healthy(1, 2));
    }

    #[test]
    fn disabled_and_inverted() {
        assert!(effective_status(false, true, false), "disabled is healthy");
        assert!(
            !effective_status(true, false, true),
            "inverted flips healthy"
        );
        assert!(
            effective_status(false, false, true),
            "inverted flips unhealthy"
        );
        assert!(
            !effective_status(true, true, true),
            "disabled + inverted forces unhealthy"
        );
    }
}
