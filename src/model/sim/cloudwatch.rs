//! CloudWatch in the run
//! (<https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html>):
//! metrics publishing datapoints at their
//! resolution (lost while their Region's `metrics` plane fails), canaries, and alarms
//! evaluated on their cadence, feeding the health checks that follow them. The evaluation
//! rules are in `model::alarm`.

use super::*;

impl<R: Recorder> Sim<'_, R> {
    /// Closes the metric periods that end at `boundary`: publishes each standard metric's
    /// datapoint for `[boundary - resolution, boundary)`.
    ///
    /// It runs before any other event at `boundary` (see `handle`), so a period's datapoint
    /// reflects the state during that period: a fault that starts at `boundary` does not
    /// lose the datapoint of the minute before it, and a fault that ends at `boundary` still
    /// loses the datapoint of the last minute spent inside it. Connected users are counted
    /// and login failures attributed the same way.
    pub(super) fn close_periods(&mut self, boundary: u64) {
        let scenario = self.scenario;
        for (m, spec) in scenario.metrics.iter().enumerate() {
            if boundary % spec.resolution_ms != 0 || spec.source == MetricSource::Scripted {
                continue;
            }
            let value = match spec.source {
                MetricSource::Canary => {
                    let st = &mut self.metrics[m];
                    let v = (st.canary_total > 0)
                        .then(|| f64::from(st.canary_ok) / f64::from(st.canary_total));
                    st.canary_ok = 0;
                    st.canary_total = 0;
                    v
                }
                MetricSource::ConnectedUsers => Some(f64::from(
                    self.connected[spec.target.unwrap_or(spec.region)],
                )),
                MetricSource::LoginFailures => {
                    let v = f64::from(self.metrics[m].login_failures);
                    self.metrics[m].login_failures = 0;
                    Some(v)
                }
                MetricSource::Scripted => unreachable!("skipped above"),
            };
            self.publish(boundary, m, boundary - spec.resolution_ms, value);
        }
    }

    /// One control tick at `now`, in a fixed order: run canary probes for the period
    /// starting now, publish scripted datapoints due, hand datapoints that became visible to
    /// their alarms, then evaluate alarms due at `now` and update the health checks that
    /// follow them. (The periods that ended at `now` were closed before anything else ran
    /// at `now`: [`Self::close_periods`].) A fixed order within the tick keeps equal-time
    /// effects deterministic and guarantees an alarm sees a period's datapoint when `delay`
    /// is 0.
    pub(super) fn control_tick(&mut self, now: u64) {
        let scenario = self.scenario;
        for (m, spec) in scenario.metrics.iter().enumerate() {
            if spec.source == MetricSource::Scripted {
                while let Some(&(at, value)) = spec.datapoints.get(self.metrics[m].next_scripted) {
                    if at > now {
                        break;
                    }
                    self.metrics[m].next_scripted += 1;
                    self.publish(now, m, at, Some(value));
                }
            }
            if spec.source == MetricSource::Canary && now % CANARY_INTERVAL_MS == 0 {
                // The canary probes the target's endpoint; it runs in the metric's Region, and
                // a failed probe counts against the success ratio.
                // Each probe's result is put to the metric's Region as it happens; a put made
                // while that Region's `metrics` plane fails is lost. The period's datapoint is
                // the mean of the results that arrived (missing when none did), so it
                // reflects the state during the period.
                let target = spec.target.expect("validated: canaries have a target") as u8;
                let severity = self.severity(target, Plane::Endpoint);
                let loss = self.severity(spec.region as u8, Plane::Metrics);
                let st = &mut self.metrics[m];
                let ok = !rng::chance(&mut st.rng, severity);
                if !rng::chance(&mut st.rng, loss) {
                    st.canary_total += 1;
                    st.canary_ok += u32::from(ok);
                }
            }
        }
        for m in 0..self.metrics.len() {
            while let Some(&(visible_at, at, value)) = self.metrics[m].pending.front() {
                if visible_at > now {
                    break;
                }
                self.metrics[m].pending.pop_front();
                for (a, spec) in scenario.alarms.iter().enumerate() {
                    if spec.metric == m {
                        self.alarms[a].add_datapoint(at, value);
                    }
                }
            }
        }
        for a in 0..self.alarms.len() {
            let cadence = self.alarms[a].spec().evaluation_cadence_ms();
            if now == 0 || now % cadence != 0 {
                continue;
            }
            if let Some(state) = self.alarms[a].evaluate(now) {
                let alarm = a as u16;
                self.observe(now, Observation::AlarmChanged { alarm, state });
            }
            let state = self.alarms[a].state();
            for hc in 0..scenario.health_checks.len() {
                if let HealthCheckType::Alarm {
                    alarm,
                    insufficient_data,
                } = scenario.health_checks[hc].kind
                {
                    if alarm != a {
                        continue;
                    }
                    // Route 53 follows the alarm's data with the alarm's criteria
                    // (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-types.html).
                    let raw = match state {
                        alarm::AlarmState::Ok => true,
                        alarm::AlarmState::Alarm => false,
                        alarm::AlarmState::InsufficientData => match insufficient_data {
                            InsufficientData::Healthy => true,
                            InsufficientData::Unhealthy => false,
                            InsufficientData::LastKnownStatus => self.last_known[hc],
                        },
                    };
                    if state != alarm::AlarmState::InsufficientData {
                        self.last_known[hc] = raw;
                    }
                    self.raw_status[hc] = raw;
                    self.recompute_check(hc, now);
                }
            }
        }
    }

    /// A login attempt at `region` failed (refused, a launch that failed, or a queued launch
    /// that timed out): one more in every `login_failures` metric that counts that Region.
    /// Counted when the Region fails the attempt, not when the client shows the error a few
    /// seconds later (failsim's choice: it is the service that would emit the metric). A
    /// login that fails before reaching a Region (no answer, a hijacked name) is no Region's.
    pub(super) fn count_login_failure(&mut self, region: u8) {
        for (m, spec) in self.scenario.metrics.iter().enumerate() {
            if spec.source == MetricSource::LoginFailures
                && spec.target.unwrap_or(spec.region) == usize::from(region)
            {
                self.metrics[m].login_failures += 1;
            }
        }
    }

    /// Publishes one datapoint with timestamp `at` (or records it missing). A metric stored in
    /// a Region whose `metrics` plane fails loses the datapoint with that probability: the
    /// alarm then sees *missing* data, not breaching data. A canary's samples met that fate
    /// one by one as they were put (see `control_tick`), so its datapoint is not lost again.
    pub(super) fn publish(&mut self, now: u64, m: usize, at: u64, value: Option<f64>) {
        let spec = &self.scenario.metrics[m];
        let severity = match spec.source {
            MetricSource::Canary => 0.0,
            _ => self.severity(spec.region as u8, Plane::Metrics),
        };
        let lost = rng::chance(&mut self.metrics[m].rng, severity);
        let value = value.filter(|_| !lost);
        if let Some(v) = value {
            self.metrics[m]
                .pending
                .push_back((now.saturating_add(spec.delay_ms), at, v));
        }
        let metric = m as u16;
        self.observe(now, Observation::DatapointPublished { metric, value });
    }
}

/// Canary probes run every 10 s (a modelling choice; a resolution period's datapoint is the
/// success ratio of the probes sent in it).
pub(super) const CANARY_INTERVAL_MS: u64 = 10_000;
