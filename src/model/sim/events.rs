//! Faults and operator actions (`[[event]]`, README, Model: Regions and faults): a Region's planes
//! failing with a
//! severity, checker partitions, DNS and resolver outages, manual record edits, disabled or
//! inverted health checks, forced disconnects and domain lapses.

use super::*;

impl<R: Recorder> Sim<'_, R> {
    pub(super) fn severity(&self, region: u8, plane: Plane) -> f64 {
        self.regions[region as usize].severity[plane_slot(plane)]
    }

    /// Recomputes every plane's severity from the faults active at `now`.
    pub(super) fn recompute_region(&mut self, now: u64, region: usize, ending: Option<usize>) {
        let mut in_force = [0.0f64; 4];
        for (i, e) in self.scenario.events.iter().enumerate() {
            if let EventAction::RegionOutage {
                region: r,
                planes,
                severity,
            } = e.action
            {
                let active = r == region
                    && e.at_ms <= now
                    && e.end_ms.is_none_or(|end| end > now)
                    && Some(i) != ending;
                if active {
                    for p in [
                        Plane::Sessions,
                        Plane::Logins,
                        Plane::Endpoint,
                        Plane::Metrics,
                    ] {
                        if planes.contains(p) {
                            in_force[plane_slot(p)] = in_force[plane_slot(p)].max(severity);
                        }
                    }
                }
            }
        }
        let before = self.regions[region].severity;
        self.regions[region].severity = in_force;
        let failing = PlaneSet(
            [
                Plane::Sessions,
                Plane::Logins,
                Plane::Endpoint,
                Plane::Metrics,
            ]
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
            EventAction::SetRecord { .. } => {
                // Record edits reach all name servers after a delay, uniform in
                // [0, edit_propagation] (changes propagate "generally within 60 seconds",
                // https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-creating.html).
                let mut r = self.streams.stream(EntityKind::Scenario, 1000 + i as u64);
                let delay = rng::uniform_ms(&mut r, 0, scenario.dns.edit_propagation_ms);
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
            EventAction::DisconnectUsers { region } => {
                self.drop_sessions(now, region as u8, 1.0, true)
            }
            EventAction::DomainLapse { hijacked } => {
                self.lapsed = Some(hijacked);
                self.refresh_answer(now);
            }
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
            EventAction::DisableHealthCheck { health_check } => {
                self.disabled[health_check] = scenario.health_checks[health_check].disabled;
                self.recompute_check(health_check, now);
            }
            EventAction::InvertHealthCheck { health_check } => {
                self.inverted[health_check] = !self.inverted[health_check];
                self.recompute_check(health_check, now);
            }
            _ => {}
        }
    }
}
