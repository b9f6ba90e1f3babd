//! Faults and operator actions (`[[event]]`, README, Model: Regions and faults): a Region's planes
//! failing with a
//! severity, checker partitions, DNS and resolver outages, manual record edits, disabled or
//! inverted health checks, forced disconnects and domain lapses.

use super::*;
use crate::scenario::DnsSpec;

impl<R: Recorder> Sim<'_, R> {
    pub(super) fn severity(&self, region: u8, plane: Plane) -> f64 {
        self.regions[region as usize].severity[plane_slot(plane)]
    }

    /// Recomputes every plane's severity from the faults active at `now`.
    pub(super) fn recompute_region(&mut self, now: u64, region: usize, ending: Option<usize>) {
        let mut in_force = [0.0f64; 5];
        let mut endpoint_failure = EventSpec::DEFAULT_PROBE_FAILURE;
        for (i, e) in self.scenario.events.iter().enumerate() {
            if let EventAction::RegionOutage {
                region: r,
                planes,
                severity,
                probe_failure,
            } = e.action
            {
                let active = r == region
                    && e.at_ms <= now
                    && e.end_ms.is_none_or(|end| end > now)
                    && Some(i) != ending;
                if active {
                    let endpoint = plane_slot(Plane::Endpoint);
                    if planes.contains(Plane::Endpoint) && severity > in_force[endpoint] {
                        endpoint_failure = probe_failure;
                    }
                    for p in PLANES {
                        if planes.contains(p) {
                            in_force[plane_slot(p)] = in_force[plane_slot(p)].max(severity);
                        }
                    }
                }
            }
        }
        let before = self.regions[region].severity;
        self.regions[region].severity = in_force;
        self.regions[region].endpoint_failure = endpoint_failure;
        if Some(region as u8) == self.control_region {
            let control = in_force[plane_slot(Plane::Control)] > 0.0;
            match (control, self.control_failing_since) {
                (true, None) => self.control_failing_since = Some(now),
                (false, Some(_)) => self.control_failing_since = None,
                _ => {}
            }
        }
        let failing = PlaneSet(
            PLANES
                .iter()
                .filter(|p| in_force[plane_slot(**p)] > 0.0)
                .fold(0, |acc, p| acc | PlaneSet::bit(*p)),
        );
        self.observe(
            now,
            Observation::RegionPlanesChanged {
                region: region as u8,
                failing,
            },
        );
        let sessions_before = before[0];
        let sessions_now = in_force[0];
        if sessions_now > sessions_before {
            self.drop_sessions(now, region as u8, sessions_now, false);
        } else if sessions_now == 0.0 && sessions_before > 0.0 {
            self.sessions_recovered(now, region as u8);
        }
    }

    pub(super) fn event_start(&mut self, now: u64, i: usize) {
        let scenario = self.scenario;
        let e = &scenario.events[i];
        // Time-to figures are measured from the first fault; a scenario without faults
        // (planned maintenance) measures them from its first operator action instead.
        if self.control.first_fault_ms.is_none() && (e.action.is_fault() || !scenario.has_faults())
        {
            self.control.first_fault_ms = Some(now);
        }
        let event = i as u16;
        self.observe(
            now,
            if e.action.is_fault() {
                Observation::FaultStarted { event }
            } else {
                Observation::ActionTaken { event }
            },
        );
        match e.action {
            EventAction::RegionOutage { region, .. } => self.recompute_region(now, region, None),
            EventAction::CheckerPartition {
                ref checker_regions,
                target,
            } => {
                for &cr in checker_regions {
                    self.partitions[cr][target] += 1;
                }
            }
            EventAction::DnsOutage => self.dns_outages += 1,
            EventAction::ResolverOutage { resolver } => {
                let base = self.resolver_base[resolver] as usize;
                let n = if scenario.resolvers[resolver].population.is_some() {
                    scenario.resolvers[resolver].instances as usize
                } else {
                    1
                };
                for r in &mut self.resolvers[base..base + n] {
                    r.down += 1;
                }
            }
            EventAction::SetRecord { .. }
            | EventAction::DisableHealthCheck { .. }
            | EventAction::InvertHealthCheck { .. }
            | EventAction::SetRoutingControl { .. } => match self.refusal(now, i) {
                None => self.apply_change(now, i),
                Some(by) => self.refuse_change(now, i, by),
            },
            EventAction::ArcOutage {
                ref cluster_regions,
            } => {
                for &r in cluster_regions {
                    self.arc_down[r] += 1;
                }
            }
            EventAction::DisconnectUsers { region } => {
                self.drop_sessions(now, region as u8, 1.0, true)
            }
            EventAction::DomainLapse { hijacked } => {
                self.lapsed = Some(hijacked);
                self.refresh_answer(now);
            }
            EventAction::DirectoryOutage { .. }
            | EventAction::IdpOutage
            | EventAction::NetworkOutage { .. } => self.identity.apply(&e.action, 1),
            EventAction::DnsPartition { .. } => self.dns_partition(now, i, 1),
        }
    }

    pub(super) fn event_end(&mut self, now: u64, i: usize) {
        let scenario = self.scenario;
        let e = &scenario.events[i];
        let event = i as u16;
        self.observe(
            now,
            if e.action.is_fault() {
                Observation::FaultEnded { event }
            } else {
                Observation::ActionEnded { event }
            },
        );
        match e.action {
            EventAction::RegionOutage { region, .. } => self.recompute_region(now, region, Some(i)),
            EventAction::CheckerPartition {
                ref checker_regions,
                target,
            } => {
                for &cr in checker_regions {
                    self.partitions[cr][target] -= 1;
                }
            }
            EventAction::DnsOutage => self.dns_outages -= 1,
            EventAction::ArcOutage {
                ref cluster_regions,
            } => {
                for &r in cluster_regions {
                    self.arc_down[r] -= 1;
                }
            }
            EventAction::ResolverOutage { resolver } => {
                let base = self.resolver_base[resolver] as usize;
                let n = if scenario.resolvers[resolver].population.is_some() {
                    scenario.resolvers[resolver].instances as usize
                } else {
                    1
                };
                for r in &mut self.resolvers[base..base + n] {
                    r.down -= 1;
                }
            }
            // A reverting action is undone only if it was applied; the undoing is a
            // health-check change like the action itself, so it goes through the Route 53
            // control plane too and is retried while refused.
            EventAction::DisableHealthCheck { .. } | EventAction::InvertHealthCheck { .. }
                if self.applied[i] =>
            {
                match self.refusal(now, i) {
                    None => self.apply_revert(now, i),
                    Some(by) => self.refuse_revert(now, i, by),
                }
            }
            EventAction::DirectoryOutage { .. }
            | EventAction::IdpOutage
            | EventAction::NetworkOutage { .. } => self.identity.apply(&e.action, -1),
            EventAction::DnsPartition { .. } => self.dns_partition(now, i, -1),
            _ => {}
        }
    }

    // ----- the Route 53 control plane ------------------------------------------------------

    /// What refuses operator change `i` at `now`, if anything: the Route 53 control plane for
    /// record and health-check changes, the ARC cluster for routing controls.
    fn refusal(&mut self, now: u64, i: usize) -> Option<Refusal> {
        match self.scenario.events[i].action {
            EventAction::SetRoutingControl { health_check, on } => {
                self.arc_refusal(health_check, on)
            }
            _ => (!self.control_plane_accepts(now, i)).then_some(Refusal::Route53ControlPlane),
        }
    }

    /// Whether the ARC cluster refuses to set routing control `check` to `on`: a change
    /// commits only while a majority of the cluster's Regions are reachable (ARC replicates
    /// state to a quorum across its five Regional endpoints; an operator rotates through the
    /// endpoints, so any reachable one will do), and only if the assertion safety rule
    /// (`arc.min_on` routing controls On) still holds afterwards
    /// (<https://docs.aws.amazon.com/r53recovery/latest/dg/routing.safety-rules.html>).
    fn arc_refusal(&self, check: usize, on: bool) -> Option<Refusal> {
        let arc = &self.scenario.arc;
        let up = self.arc_down.iter().filter(|&&d| d == 0).count();
        if up < arc.quorum() {
            return Some(Refusal::ArcQuorum);
        }
        let on_after = self
            .scenario
            .health_checks
            .iter()
            .enumerate()
            .filter(|(c, hc)| {
                matches!(hc.kind, HealthCheckType::RoutingControl { .. }) && *c != check
            })
            .filter(|(c, _)| self.raw_status[*c])
            .count()
            + usize::from(on);
        (on_after < arc.min_on as usize).then_some(Refusal::ArcSafetyRule)
    }

    /// Whether the Route 53 control plane accepts a change at `now`. It lives in us-east-1:
    /// while that Region's `control` plane fails, each attempt is refused with the plane's
    /// severity — unless the zone has accelerated recovery and the plane has been failing for
    /// [`DnsSpec::ACCELERATED_RECOVERY_MS`], when changes go through us-west-2 instead.
    fn control_plane_accepts(&mut self, now: u64, i: usize) -> bool {
        let Some(region) = self.control_region else {
            return true;
        };
        let severity = self.severity(region, Plane::Control);
        if severity <= 0.0 {
            return true;
        }
        let dns = &self.scenario.dns;
        let moved = self
            .control_failing_since
            .is_some_and(|since| now >= since + DnsSpec::ACCELERATED_RECOVERY_MS);
        if dns.accelerated_recovery && moved {
            return true;
        }
        // One stream per attempt (event, time), so attempts do not shift other draws.
        let attempt = 1u64 << 40 | (i as u64) << 32 | (now / 1000);
        let mut r = self.streams.stream(EntityKind::Scenario, attempt);
        !rng::chance(&mut r, severity)
    }

    /// Change `i` was refused at `now`: the operator tries again after `control_retry`
    /// unless that is past `control_give_up` from the first attempt, the action's own end,
    /// or the scenario's end. A safety rule's refusal is final: retrying cannot change it.
    fn refuse_change(&mut self, now: u64, i: usize, by: Refusal) {
        let scenario = self.scenario;
        let e = &scenario.events[i];
        let next = now + scenario.dns.control_retry_ms;
        let retrying = by != Refusal::ArcSafetyRule
            && next <= e.at_ms + scenario.dns.control_give_up_ms
            && e.end_ms.is_none_or(|end| next < end)
            && next <= scenario.duration_ms;
        self.refused(now, i, by, retrying.then_some(next), false);
    }

    /// Records a refusal of action `i` (or of its undoing, `revert`) and schedules the retry
    /// at `retry_at`, if any.
    fn refused(&mut self, now: u64, i: usize, by: Refusal, retry_at: Option<u64>, revert: bool) {
        let event = i as u16;
        let retrying = retry_at.is_some();
        self.observe(
            now,
            Observation::ActionRefused {
                event,
                retrying,
                by,
            },
        );
        if let Some(at) = retry_at {
            self.scheduler.at(at, Event::ControlRetry { event, revert });
        }
    }

    pub(super) fn control_retry(&mut self, now: u64, i: usize, revert: bool) {
        match (self.refusal(now, i), revert) {
            (None, false) => {
                let event = i as u16;
                self.observe(now, Observation::ActionAccepted { event });
                self.apply_change(now, i);
            }
            (None, true) => {
                let event = i as u16;
                self.observe(now, Observation::ActionAccepted { event });
                self.apply_revert(now, i);
            }
            (Some(by), false) => self.refuse_change(now, i, by),
            (Some(by), true) => self.refuse_revert(now, i, by),
        }
    }

    /// The undoing of timed action `i` was refused at `now`: the operator retries after
    /// `control_retry` until `control_give_up` from the first attempt (the action's end) or
    /// the scenario's end; the check stays disabled or inverted meanwhile.
    fn refuse_revert(&mut self, now: u64, i: usize, by: Refusal) {
        let scenario = self.scenario;
        let end = scenario.events[i]
            .end_ms
            .expect("a reverted action has an end");
        let next = now + scenario.dns.control_retry_ms;
        let retrying =
            next <= end + scenario.dns.control_give_up_ms && next <= scenario.duration_ms;
        self.refused(now, i, by, retrying.then_some(next), true);
    }

    /// Undoes timed action `i` (the control plane accepted the change).
    fn apply_revert(&mut self, now: u64, i: usize) {
        match self.scenario.events[i].action {
            EventAction::DisableHealthCheck { health_check } => {
                self.disabled[health_check] = self.scenario.health_checks[health_check].disabled;
                self.recompute_check(health_check, now);
            }
            EventAction::InvertHealthCheck { health_check } => {
                self.inverted[health_check] = !self.inverted[health_check];
                self.recompute_check(health_check, now);
            }
            _ => unreachable!("only disable and invert revert"),
        }
    }

    /// Applies a change the control plane accepted.
    fn apply_change(&mut self, now: u64, i: usize) {
        let scenario = self.scenario;
        self.applied[i] = true;
        match scenario.events[i].action {
            EventAction::SetRecord { .. } => {
                // A record edit reaches all name servers after a log-normal delay whose 95th
                // percentile is `edit_propagation` (Route 53: "generally within 60 seconds";
                // see `DnsSpec::DEFAULT_EDIT_PROPAGATION_MS` for the tail).
                let mut r = self.streams.stream(EntityKind::Scenario, 1000 + i as u64);
                let p95_ms = scenario.dns.edit_propagation_ms;
                let delay = crate::dist::Dist::LogNormal {
                    median_ms: p95_ms / 3,
                    p95_ms,
                }
                .sample(&mut r);
                self.scheduler
                    .after(delay, Event::RecordEditApplied { event: i as u16 });
            }
            EventAction::DisableHealthCheck { health_check } => {
                self.disabled[health_check] = true;
                self.recompute_check(health_check, now);
            }
            EventAction::InvertHealthCheck { health_check } => {
                self.inverted[health_check] = !self.inverted[health_check];
                self.recompute_check(health_check, now);
            }
            EventAction::SetRoutingControl { health_check, on } => {
                self.raw_status[health_check] = on;
                self.recompute_check(health_check, now);
            }
            _ => unreachable!("only record and health-check changes go through the control plane"),
        }
    }
}
