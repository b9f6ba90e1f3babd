//! Route 53 health checks in the run
//! (<https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html>):
//! each endpoint checker's
//! probes and verdict, the 18 % rule, calculated and alarm checks, disable/invert, and the
//! propagation of a status change to DNS. The rules themselves are in `model::health`.

use super::*;

impl<R: Recorder> Sim<'_, R> {
    pub(super) fn endpoint(&self, check: usize) -> &crate::scenario::EndpointCheck {
        match &self.scenario.health_checks[check].kind {
            HealthCheckType::Endpoint(e) => e,
            _ => unreachable!("checkers exist only for endpoint checks"),
        }
    }

    /// A checker sends a probe. Its outcome is decided when it is sent: a partition makes it
    /// time out after the protocol's connect timeout (nothing comes back); a failing endpoint
    /// (with probability = severity) answers as its fault's `probe_failure` says
    /// (`model::health::probe_outcome`); a healthy endpoint answers within a round trip
    /// (20-200 ms, a modelling choice). The next probe goes out `interval` after the response
    /// or timeout: Route 53 measures the interval from a response to the next request.
    pub(super) fn probe(&mut self, c: usize) {
        let check = self.checkers[c].check as usize;
        // Borrowed from the scenario, not cloned: a clone allocated (the checker Regions'
        // list) at every probe, the most frequent control-plane event.
        let scenario = self.scenario;
        let HealthCheckType::Endpoint(e) = &scenario.health_checks[check].kind else {
            unreachable!("checkers exist only for endpoint checks")
        };
        let partitioned = self.partitions[self.checkers[c].region as usize][e.target] > 0;
        let severity = self.regions[e.target].severity[plane_slot(Plane::Endpoint)];
        let failure = self.regions[e.target].endpoint_failure;
        let r = &mut self.checkers[c].rng;
        let outcome = if partitioned {
            crate::model::health::probe_outcome(e.protocol, ProbeFailure::Timeout)
        } else if rng::chance(r, severity) {
            crate::model::health::probe_outcome(e.protocol, failure)
        } else {
            crate::model::health::ProbeOutcome {
                passes: true,
                extra_ms: 0,
                whole: false,
            }
        };
        let ok = outcome.passes;
        let took = if outcome.whole {
            outcome.extra_ms
        } else {
            rng::uniform_ms(r, 20, 200) + outcome.extra_ms
        };
        let verdict = &mut self.checkers[c].verdict;
        if ok == verdict.healthy {
            // A result that agrees with the verdict only ends the checker's streak of
            // opposite results (`CheckerVerdict::observe`). Nothing but this checker's next
            // result reads the streak, and that comes after this one (the next probe goes out
            // after this response), so the result is applied now instead of as an event: most
            // probes agree, and this halves the control plane's events.
            verdict.opposite_streak = 0;
            self.elide(took);
        } else {
            self.scheduler.after(
                took,
                Event::ProbeResult {
                    checker: c as u32,
                    ok,
                },
            );
        }
        self.scheduler
            .after(took + e.interval_ms, Event::Probe { checker: c as u32 });
    }

    /// Counts a control-plane event due `after_ms` from now that the model applied early
    /// because it could change nothing (see `probe`), as the engine would have counted it
    /// had it been scheduled: `events_processed` does not depend on the shortcut.
    fn elide(&mut self, after_ms: u64) {
        let at = self.scheduler.now_ms().saturating_add(after_ms);
        if at <= self.scenario.duration_ms {
            self.elided_events += 1;
            self.control_events += 1;
        }
    }

    pub(super) fn probe_result(&mut self, now: u64, c: usize, ok: bool) {
        let check = self.checkers[c].check as usize;
        let threshold = self.endpoint(check).failure_threshold;
        if !self.checkers[c].verdict.observe(ok, threshold) {
            return;
        }
        let healthy = self.checkers[c].verdict.healthy;
        let checker = &self.checkers[c];
        let observation = Observation::CheckerFlipped {
            check: check as u16,
            checker_region: checker.region,
            index_in_region: checker.index_in_region,
            healthy,
        };
        self.observe(now, observation);
        if healthy {
            self.healthy_checkers[check] += 1;
        } else {
            self.healthy_checkers[check] -= 1;
        }
        if !self.locations.is_empty() {
            let region = self.checkers[c].region;
            self.locations_checker_flipped(check, region, healthy);
        }
        self.recompute_check(check, now);
    }

    /// Recomputes a check's status in the global view and then at every DNS location.
    pub(super) fn recompute_check(&mut self, check: usize, now: u64) {
        self.recompute_global_check(check, now);
        self.recompute_locations(check, now);
    }

    /// Recomputes a check's raw and effective status; on a change, records it, updates
    /// calculated parents and schedules DNS to see it after `health_propagation`.
    fn recompute_global_check(&mut self, check: usize, now: u64) {
        let scenario = self.scenario;
        let hc = &scenario.health_checks[check];
        let raw = match &hc.kind {
            HealthCheckType::Endpoint(_) => {
                let (a, b) = self.checker_ranges[check];
                crate::model::health::endpoint_healthy(self.healthy_checkers[check], b - a)
            }
            HealthCheckType::Calculated {
                children,
                healthy_threshold,
            } => {
                let healthy = children.iter().filter(|&&c| self.status[c]).count() as u32;
                crate::model::health::calculated_healthy(healthy, *healthy_threshold)
            }
            HealthCheckType::Alarm { .. } | HealthCheckType::RoutingControl { .. } => {
                self.raw_status[check]
            }
        };
        self.raw_status[check] = raw;
        let effective =
            crate::model::health::effective_status(raw, self.disabled[check], self.inverted[check]);
        if effective == self.status[check] {
            return;
        }
        self.status[check] = effective;
        self.observe(
            now,
            Observation::HealthCheckChanged {
                check: check as u16,
                healthy: effective,
            },
        );
        if Some(check) == self.primary_check
            && !effective
            && self.control.first_fault_ms.is_some()
            && self.control.primary_unhealthy_ms.is_none()
        {
            self.control.primary_unhealthy_ms = Some(now);
        }
        self.scheduler.after(
            scenario.dns.health_propagation_ms,
            Event::DnsSeesCheck {
                check: check as u16,
                healthy: effective,
            },
        );
        for parent in 0..scenario.health_checks.len() {
            if let HealthCheckType::Calculated { children, .. } =
                &scenario.health_checks[parent].kind
            {
                if children.contains(&check) {
                    self.recompute_check(parent, now);
                }
            }
        }
    }
}
