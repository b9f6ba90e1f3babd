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
    ///
    /// While nothing can change — the checker healthy, its endpoint healthy and reachable,
    /// and no `[[event]]` starting or ending (the only things that change a probe's outcome)
    /// before the next probe — the next probe is sent here, not as an event: it draws the same
    /// numbers from the checker's own stream, and agrees with the verdict, so nobody can tell
    /// when it was made. A quiet 6-hour day's 11,500 probes (16 checkers every 30 s) become a
    /// few dozen events.
    pub(super) fn probe(&mut self, c: usize) {
        let at = self.scheduler.now_ms();
        let quiet_until = self.next_event_boundary_after(at);
        let (next, elided) = self.send_probe(c, at);
        let quiet = elided && next < quiet_until && next <= self.scenario.duration_ms;
        if quiet && self.shortcuts() && self.probe_cannot_fail(c) {
            // The probe at `next`, made now: counted as the engine would have.
            self.elide(next);
            self.quiet_probes(c, next, quiet_until);
        } else {
            self.scheduler.at(next, Event::Probe { checker: c as u32 });
        }
    }

    /// [`probe`](Self::probe)'s probes from `at` on while nothing can change (checker `c`
    /// healthy, its endpoint healthy and reachable, no `[[event]]` boundary before
    /// `quiet_until`): each passes and agrees with the verdict, so what `send_probe` would do
    /// comes down to drawing its round trip, ending the checker's streak of opposite results
    /// and counting its result; the first probe due at or after `quiet_until` (or after the
    /// scenario's end) is scheduled. Nothing these probes do changes what makes them quiet.
    fn quiet_probes(&mut self, c: usize, mut at: u64, quiet_until: u64) {
        let interval = self.endpoint(self.checkers[c].check as usize).interval_ms;
        let end = self.scenario.duration_ms;
        loop {
            #[cfg(test)]
            self.probe_log.push((c as u32, at));
            let checker = &mut self.checkers[c];
            let took = rng::uniform_ms(&mut checker.rng, 20, 200);
            checker.verdict.opposite_streak = 0;
            self.elide(at.saturating_add(took));
            let next = at.saturating_add(took + interval);
            if !(next < quiet_until && next <= end) {
                self.scheduler.at(next, Event::Probe { checker: c as u32 });
                return;
            }
            self.elide(next);
            at = next;
        }
    }

    /// Sends checker `c`'s probe at `at`; returns when the next one goes out and whether the
    /// result was applied at once (it agrees with the verdict) rather than scheduled.
    fn send_probe(&mut self, c: usize, at: u64) -> (u64, bool) {
        #[cfg(test)]
        self.probe_log.push((c as u32, at));
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
        let agrees = ok == self.checkers[c].verdict.healthy && self.shortcuts();
        let verdict = &mut self.checkers[c].verdict;
        if agrees {
            // A result that agrees with the verdict only ends the checker's streak of
            // opposite results (`CheckerVerdict::observe`). Nothing but this checker's next
            // result reads the streak, and that comes after this one (the next probe goes out
            // after this response), so the result is applied now instead of as an event: most
            // probes agree, and this halves the control plane's events.
            verdict.opposite_streak = 0;
            self.elide(at.saturating_add(took));
        } else {
            self.scheduler.at(
                at.saturating_add(took),
                Event::ProbeResult {
                    checker: c as u32,
                    ok,
                },
            );
        }
        (at.saturating_add(took + e.interval_ms), agrees)
    }

    /// Whether the shortcuts of `probe` are taken (always, but in tests that check they
    /// change nothing).
    fn shortcuts(&self) -> bool {
        #[cfg(test)]
        return self.shortcuts;
        #[cfg(not(test))]
        true
    }

    /// Whether checker `c`'s next probe surely passes and agrees with its verdict while no
    /// `[[event]]` starts or ends: the checker healthy, its endpoint healthy and reachable.
    /// A probe sent early whose result disagreed would schedule that result's event ahead of
    /// its turn among events of the same millisecond; a probe that cannot fail never does.
    fn probe_cannot_fail(&self, c: usize) -> bool {
        let checker = &self.checkers[c];
        let e = self.endpoint(checker.check as usize);
        checker.verdict.healthy
            && self.partitions[checker.region as usize][e.target] == 0
            && self.regions[e.target].severity[plane_slot(Plane::Endpoint)] == 0.0
    }

    /// The first time after `now` at which an `[[event]]` starts or ends (`u64::MAX`: none).
    fn next_event_boundary_after(&self, now: u64) -> u64 {
        let i = self.event_boundaries.partition_point(|&t| t <= now);
        self.event_boundaries.get(i).copied().unwrap_or(u64::MAX)
    }

    /// Counts a control-plane event due at `at_ms` that the model applied early because it
    /// could change nothing (see `probe`), as the engine would have counted it had it been
    /// scheduled: `events_processed` does not depend on the shortcut.
    fn elide(&mut self, at_ms: u64) {
        if at_ms <= self.scenario.duration_ms {
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
