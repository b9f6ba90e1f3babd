//! What the simulation tells the outside world while it runs: typed, past-tense
//! [`Observation`]s and periodic [`Sample`]s, pushed into a [`Recorder`].
//!
//! Observations carry indices into the validated scenario (Region, health check, alarm,
//! metric, event, user), never names or formatted text: the simulation formats nothing, and
//! a recorder that discards everything (the sweep's) costs nothing. The report turns them
//! into `timeline.csv` rows, chart markers and the story, and decides from the variant — not
//! from a name — whether an entry is a fault or an operator action.

use super::alarm::AlarmState;
use super::client::ClientState;
use super::dns::DnsAnswer;
use crate::scenario::PlaneSet;

/// One change the simulation observed. Indices refer to the scenario's lists, in scenario
/// order.
#[derive(Clone, Debug, PartialEq)]
pub enum Observation {
    /// The set of failing planes of a Region changed (empty: the Region works again).
    RegionPlanesChanged {
        /// Region index.
        region: u8,
        /// Planes failing from now on.
        failing: PlaneSet,
    },
    /// One Route 53 health checker changed its verdict on its target.
    CheckerFlipped {
        /// Health check index.
        check: u16,
        /// Index into `scenario::CHECKER_REGIONS` of the checker's Region.
        checker_region: u8,
        /// The checker's number within its Region.
        index_in_region: u8,
        /// Its new verdict.
        healthy: bool,
    },
    /// A health check's status changed (after disable/invert), or its initial status.
    HealthCheckChanged {
        /// Health check index.
        check: u16,
        /// Its new status.
        healthy: bool,
    },
    /// A health check's status at one Route 53 DNS location changed (only with
    /// `dns.locations`): the location decides endpoint checks from the checkers it hears.
    LocationCheckChanged {
        /// Index into `dns.locations`.
        location: u8,
        /// Health check index.
        check: u16,
        /// Its new status there.
        healthy: bool,
    },
    /// A CloudWatch alarm changed state, or its initial state.
    AlarmChanged {
        /// Alarm index.
        alarm: u16,
        /// Its new state.
        state: AlarmState,
    },
    /// A metric published one datapoint.
    DatapointPublished {
        /// Metric index.
        metric: u16,
        /// The value, or `None` when the datapoint went missing.
        value: Option<f64>,
    },
    /// The authoritative answer for the FQDN changed, or its initial answer.
    AnswerChanged {
        /// The new answer.
        answer: DnsAnswer,
    },
    /// One Route 53 DNS location's answer changed, or its initial answer (only with
    /// `dns.locations`).
    LocationAnswerChanged {
        /// Index into `dns.locations`.
        location: u8,
        /// The new answer there.
        answer: DnsAnswer,
    },
    /// A fault began (`region_outage`, `checker_partition`, `dns_outage`,
    /// `resolver_outage`).
    FaultStarted {
        /// Event index.
        event: u16,
    },
    /// A fault ended.
    FaultEnded {
        /// Event index.
        event: u16,
    },
    /// An operator acted (`set_record`, `disable_health_check`, `invert_health_check`,
    /// `disconnect_users`, `domain_lapse`).
    ActionTaken {
        /// Event index.
        event: u16,
    },
    /// An operator action was refused: by the Route 53 control plane (us-east-1), by an ARC
    /// cluster without a quorum, or by an ARC safety rule; `retrying` says whether the
    /// operator will try again after `dns.control_retry` (false: past `dns.control_give_up`
    /// or refused by a safety rule, the action is abandoned).
    ActionRefused {
        /// Event index.
        event: u16,
        /// Another attempt will follow.
        retrying: bool,
        /// Who refused it.
        by: Refusal,
    },
    /// A retried operator action finally went through the control plane.
    ActionAccepted {
        /// Event index.
        event: u16,
    },
    /// A timed operator action was reverted (its `duration` ran out).
    ActionEnded {
        /// Event index.
        event: u16,
    },
    /// A traced user's client changed state.
    ClientStateChanged {
        /// User number (scenario order of groups, then index in group).
        user: u32,
        /// The new state.
        state: ClientState,
        /// The Region of the session, launch or dropped session, when the state has one.
        region: Option<u8>,
    },
}

/// An observation with the time it happened.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineEntry {
    /// When, in milliseconds since scenario start.
    pub time_ms: u64,
    /// What happened.
    pub observation: Observation,
}

/// Users outside a session, by state. With the connected users of each Region they add up to
/// every user at every sample.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StateCounts {
    /// In their schedule, not connected and not logging in (dropped, error shown, back-off).
    pub disconnected: u32,
    /// Logging in or launching a session.
    pub logging_in: u32,
    /// Outside their working schedule.
    pub offline: u32,
    /// Waiting in a Region's launch queue for a session launch.
    pub queued: u32,
    /// Sent to a hijacked answer by their last login, until they log in again.
    pub misdirected: u32,
}

impl std::ops::AddAssign for StateCounts {
    /// Sums two disjoint sets of users' counts (the partitions of a run on several threads).
    fn add_assign(&mut self, other: StateCounts) {
        let StateCounts {
            disconnected,
            logging_in,
            offline,
            queued,
            misdirected,
        } = other;
        self.disconnected += disconnected;
        self.logging_in += logging_in;
        self.offline += offline;
        self.queued += queued;
        self.misdirected += misdirected;
    }
}

impl StateCounts {
    /// Users in their schedule but not connected: every state but `offline`.
    pub fn not_connected(&self) -> u32 {
        self.disconnected + self.logging_in + self.queued + self.misdirected
    }
}

/// A periodic sample of the population, borrowed from the simulation's state.
#[derive(Clone, Copy, Debug)]
pub struct Sample<'a> {
    /// Sample time.
    pub time_ms: u64,
    /// Users connected, per Region (scenario order).
    pub connected: &'a [u32],
    /// Users not connected, by state.
    pub counts: StateCounts,
    /// Status of the primary record's health check (None without one).
    pub primary_check_healthy: Option<bool>,
    /// The authoritative answer.
    pub answer: &'a DnsAnswer,
}

/// An owned [`Sample`]: one row of `series.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesRow {
    /// Sample time.
    pub time_ms: u64,
    /// Users connected, per Region (scenario order).
    pub connected: Vec<u32>,
    /// In their schedule, not connected and not logging in (dropped, error shown, back-off).
    pub disconnected: u32,
    /// Logging in or launching a session.
    pub logging_in: u32,
    /// Outside their working schedule.
    pub offline: u32,
    /// Waiting in a Region's launch queue for a session launch.
    pub queued: u32,
    /// Sent to a hijacked answer by their last login, until they log in again.
    pub misdirected: u32,
    /// Status of the primary record's health check (None without one).
    pub primary_check_healthy: Option<bool>,
    /// The authoritative answer.
    pub answer: DnsAnswer,
}

impl From<&Sample<'_>> for SeriesRow {
    fn from(s: &Sample<'_>) -> Self {
        SeriesRow {
            time_ms: s.time_ms,
            connected: s.connected.to_vec(),
            disconnected: s.counts.disconnected,
            logging_in: s.counts.logging_in,
            offline: s.counts.offline,
            queued: s.counts.queued,
            misdirected: s.counts.misdirected,
            primary_check_healthy: s.primary_check_healthy,
            answer: s.answer.clone(),
        }
    }
}

impl SeriesRow {
    /// The users by state other than connected.
    pub fn counts(&self) -> StateCounts {
        StateCounts {
            disconnected: self.disconnected,
            logging_in: self.logging_in,
            offline: self.offline,
            queued: self.queued,
            misdirected: self.misdirected,
        }
    }
}

/// What refused an operator action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The Route 53 control plane in us-east-1 is impaired.
    Route53ControlPlane,
    /// Too few ARC cluster Regions are reachable for a quorum.
    ArcQuorum,
    /// An ARC assertion safety rule would be broken.
    ArcSafetyRule,
}

/// Receives what the simulation observes, as it happens, in the order it happens.
pub trait Recorder {
    /// A control-plane change or a traced user's state change at `time_ms`.
    fn observe(&mut self, time_ms: u64, observation: Observation);
    /// A periodic sample of the population.
    fn sample(&mut self, sample: &Sample<'_>);
    /// Told once, before the first sample, how many samples the run takes (a recorder that
    /// keeps them can make room once instead of growing as they come).
    fn expect_samples(&mut self, _samples: usize) {}
}

/// A recorder that keeps everything in memory, for a [`Report`](crate::report::Report).
#[derive(Default, Debug)]
pub struct MemoryRecorder {
    /// Observations in the order they happened.
    pub timeline: Vec<TimelineEntry>,
    /// Samples in time order.
    pub series: Vec<SeriesRow>,
}

impl Recorder for MemoryRecorder {
    fn observe(&mut self, time_ms: u64, observation: Observation) {
        self.timeline.push(TimelineEntry {
            time_ms,
            observation,
        });
    }
    fn sample(&mut self, sample: &Sample<'_>) {
        self.series.push(SeriesRow::from(sample));
    }
    fn expect_samples(&mut self, samples: usize) {
        // Capped: an absurd scenario (a month at 1 ms steps) still grows as it goes, and
        // meets the memory estimate's refusal rather than an allocation failure here.
        self.series.reserve_exact(samples.min(1 << 20));
    }
}
