//! Route 53 DNS locations in the run (README, Model: DNS locations). Route 53's health
//! checkers send their reports to every DNS location; during an Internet partition a location
//! receives only some of them and decides from those: "each Route 53 location considers an
//! endpoint healthy when only a portion of reachable health checkers consider it healthy"
//! (<https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-problems.html>).
//! So locations can answer differently.
//!
//! With `dns.locations` declared, each location keeps its own status of every health check
//! (endpoint checks from the checkers it hears, calculated checks from its own view of the
//! children, alarm checks and routing controls as everywhere), its own DNS view after
//! `health_propagation`, and its own answer; resolvers pinned to it (`dns_location`) resolve
//! through that answer. The global view (every checker) stays as it was: it is what CloudWatch
//! and the console show, and what resolvers without a location get. Without locations nothing
//! here runs and no state exists.

use super::*;

/// One DNS location's view of the health checks and its answer.
pub(super) struct DnsLocation {
    /// Active `dns_partition`s cutting each checker Region's reports off
    /// (index into [`CHECKER_REGIONS`]).
    cut: [u32; CHECKER_REGIONS.len()],
    /// Per check: checkers whose reports arrive, and how many of them report healthy.
    received: Vec<u32>,
    healthy: Vec<u32>,
    /// Per check: raw status (before disable/invert), effective status, and what the
    /// location's name servers see (after `health_propagation`).
    raw: Vec<bool>,
    status: Vec<bool>,
    dns_view: Vec<bool>,
    /// The location's authoritative answer.
    pub(super) answer: DnsAnswer,
}

impl<R: Recorder> Sim<'_, R> {
    /// Builds the locations from the global view at time 0 (every report arrives) and
    /// observes each one's initial answer; also decides which views users resolve through.
    pub(super) fn start_locations(&mut self) {
        let scenario = self.scenario;
        if scenario.dns.locations.is_empty() {
            return;
        }
        let totals: Vec<u32> = self.checker_ranges.iter().map(|(a, b)| b - a).collect();
        for l in 0..scenario.dns.locations.len() {
            let location = DnsLocation {
                cut: [0; CHECKER_REGIONS.len()],
                received: totals.clone(),
                healthy: self.healthy_checkers.clone(),
                raw: self.raw_status.clone(),
                status: self.status.clone(),
                dns_view: self.dns_view.clone(),
                answer: self.answer.clone(),
            };
            self.locations.push(location);
            let answer = self.answer.clone();
            let location = l as u8;
            self.observe(0, Observation::LocationAnswerChanged { location, answer });
        }
        // The global view counts when some resolver has no location.
        self.global_view_used = scenario.resolvers.iter().any(|r| r.dns_location.is_none());
    }

    /// A checker flipped: the locations that hear its Region count it.
    pub(super) fn locations_checker_flipped(&mut self, check: usize, region: u8, healthy: bool) {
        for loc in &mut self.locations {
            if loc.cut[region as usize] == 0 {
                if healthy {
                    loc.healthy[check] += 1;
                } else {
                    loc.healthy[check] -= 1;
                }
            }
        }
    }

    /// A `dns_partition` starts (`delta` 1) or ends (-1): the locations stop or resume
    /// hearing those checker Regions, recount and re-decide every check.
    pub(super) fn dns_partition(&mut self, now: u64, event: usize, delta: i32) {
        let scenario = self.scenario;
        let EventAction::DnsPartition {
            ref locations,
            ref checker_regions,
        } = scenario.events[event].action
        else {
            unreachable!("a dns_partition event");
        };
        for &l in locations {
            for &cr in checker_regions {
                let cut = &mut self.locations[l].cut[cr];
                *cut = cut.checked_add_signed(delta).expect("partition count");
            }
            self.recount_location(l);
            for check in 0..scenario.health_checks.len() {
                self.recompute_location_check(l, check, now);
            }
        }
    }

    /// Counts, per endpoint check, the checkers location `l` hears and the healthy ones.
    fn recount_location(&mut self, l: usize) {
        for (check, &(a, b)) in self.checker_ranges.iter().enumerate() {
            let loc = &mut self.locations[l];
            let heard = self.checkers[a as usize..b as usize]
                .iter()
                .filter(|c| loc.cut[c.region as usize] == 0);
            let (received, healthy) = heard.fold((0, 0), |(n, h), c| {
                (n + 1, h + u32::from(c.verdict.healthy))
            });
            loc.received[check] = received;
            loc.healthy[check] = healthy;
        }
    }

    /// Re-decides check `check` at every location (after a global change: an alarm, a
    /// routing control, disable or invert, a checker flip).
    pub(super) fn recompute_locations(&mut self, check: usize, now: u64) {
        for l in 0..self.locations.len() {
            self.recompute_location_check(l, check, now);
        }
    }

    /// Re-decides one check at location `l`; on a change, records it, schedules the
    /// location's name servers to see it after `health_propagation` and re-decides the
    /// calculated checks that depend on it.
    fn recompute_location_check(&mut self, l: usize, check: usize, now: u64) {
        let scenario = self.scenario;
        let loc = &self.locations[l];
        let raw = match &scenario.health_checks[check].kind {
            HealthCheckType::Endpoint(_) => crate::model::health::location_endpoint_healthy(
                loc.healthy[check],
                loc.received[check],
                loc.raw[check],
                scenario.dns.no_checker_reports,
            ),
            HealthCheckType::Calculated {
                children,
                healthy_threshold,
            } => {
                let healthy = children.iter().filter(|&&c| loc.status[c]).count() as u32;
                crate::model::health::calculated_healthy(healthy, *healthy_threshold)
            }
            HealthCheckType::Alarm { .. } | HealthCheckType::RoutingControl { .. } => {
                self.raw_status[check]
            }
        };
        let effective =
            crate::model::health::effective_status(raw, self.disabled[check], self.inverted[check]);
        let loc = &mut self.locations[l];
        loc.raw[check] = raw;
        if effective == loc.status[check] {
            return;
        }
        loc.status[check] = effective;
        let (location, c) = (l as u8, check as u16);
        self.observe(
            now,
            Observation::LocationCheckChanged {
                location,
                check: c,
                healthy: effective,
            },
        );
        self.scheduler.after(
            scenario.dns.health_propagation_ms,
            Event::LocationSeesCheck {
                location,
                check: c,
                healthy: effective,
            },
        );
        for parent in 0..scenario.health_checks.len() {
            if let HealthCheckType::Calculated { children, .. } =
                &scenario.health_checks[parent].kind
            {
                if children.contains(&check) {
                    self.recompute_location_check(l, parent, now);
                }
            }
        }
    }

    /// A status change reached location `l`'s name servers.
    pub(super) fn location_sees_check(&mut self, now: u64, l: usize, check: usize, healthy: bool) {
        self.locations[l].dns_view[check] = healthy;
        self.refresh_location_answer(now, l);
    }

    /// Recomputes every location's answer (a record edit or a lapsed domain reaches them all).
    pub(super) fn refresh_location_answers(&mut self, now: u64) {
        for l in 0..self.locations.len() {
            self.refresh_location_answer(now, l);
        }
    }

    fn refresh_location_answer(&mut self, now: u64, l: usize) {
        let new = crate::model::dns::authoritative_answer(
            &self.scenario.dns.routing,
            self.lapsed,
            self.manual_record,
            &self.locations[l].dns_view,
        );
        if new == self.locations[l].answer {
            return;
        }
        self.locations[l].answer = new.clone();
        let location = l as u8;
        self.observe(
            now,
            Observation::LocationAnswerChanged {
                location,
                answer: new,
            },
        );
        self.abandon_unanswered_launches(now);
        self.track_split(now);
    }

    /// Whether some view users resolve through answers `region`.
    pub(super) fn answered_anywhere(&self, region: u8) -> bool {
        self.answer.includes(region) || self.locations.iter().any(|l| l.answer.includes(region))
    }

    /// Opens or closes a period in which the views users resolve through (every location,
    /// and the global view when a resolver has no location) do not all give the same answer.
    pub(super) fn track_split(&mut self, now: u64) {
        let Some(first) = self.locations.first() else {
            return;
        };
        let global = self.global_view_used.then_some(&self.answer);
        let split = self
            .locations
            .iter()
            .map(|l| &l.answer)
            .chain(global)
            .any(|a| *a != first.answer);
        match (split, self.split_since) {
            (true, None) => {
                self.split_since = Some(now);
                self.control.dns_splits += 1;
            }
            // Locations that change at the same millisecond, one after the other, never
            // really disagreed: a split of 0 ms is not counted.
            (false, Some(since)) if since == now => {
                self.control.dns_splits -= 1;
                self.split_since = None;
            }
            (false, Some(since)) => {
                self.control.dns_split_ms += now - since;
                self.split_since = None;
            }
            _ => {}
        }
    }

    /// Closes an open split at the scenario's end.
    pub(super) fn close_split(&mut self, end: u64) {
        if let Some(since) = self.split_since.take() {
            self.control.dns_split_ms += end.saturating_sub(since);
        }
    }
}
