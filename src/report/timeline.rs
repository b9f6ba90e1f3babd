//! The timeline in words: how each typed [`Observation`] reads as a `timeline.csv` row
//! (`kind`, `subject`, `value`; README, Output files) and in the story and chart markers. The one
//! place where observations become names and labels.

use super::Report;
use crate::model::dns::DnsAnswer;
use crate::model::Observation;
use crate::scenario::CHECKER_REGIONS;
use std::borrow::Cow;

/// Kinds of `timeline.csv` rows (README, Output files).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TimelineKind {
    /// A Region's failing planes changed (value: planes or `ok`).
    Region,
    /// One health checker flipped (subject `check/region#i`).
    Checker,
    /// A health check's status changed.
    HealthCheck,
    /// An alarm's state changed.
    Alarm,
    /// A metric datapoint (value or `missing`).
    Datapoint,
    /// The authoritative answer changed.
    DnsAnswer,
    /// A fault or operator action started or ended.
    Action,
    /// A traced user's client changed state.
    User,
}

impl TimelineKind {
    /// The kind of row an observation is written as.
    pub fn of(observation: &Observation) -> TimelineKind {
        match observation {
            Observation::RegionPlanesChanged { .. } => TimelineKind::Region,
            Observation::CheckerFlipped { .. } => TimelineKind::Checker,
            Observation::HealthCheckChanged { .. } | Observation::LocationCheckChanged { .. } => {
                TimelineKind::HealthCheck
            }
            Observation::AlarmChanged { .. } => TimelineKind::Alarm,
            Observation::DatapointPublished { .. } => TimelineKind::Datapoint,
            Observation::AnswerChanged { .. } | Observation::LocationAnswerChanged { .. } => {
                TimelineKind::DnsAnswer
            }
            Observation::FaultStarted { .. }
            | Observation::FaultEnded { .. }
            | Observation::ActionTaken { .. }
            | Observation::ActionRefused { .. }
            | Observation::ActionAccepted { .. }
            | Observation::ActionEnded { .. } => TimelineKind::Action,
            Observation::ClientStateChanged { .. } => TimelineKind::User,
        }
    }

    /// The `kind` column value.
    pub fn as_str(self) -> &'static str {
        match self {
            TimelineKind::Region => "region",
            TimelineKind::Checker => "checker",
            TimelineKind::HealthCheck => "health_check",
            TimelineKind::Alarm => "alarm",
            TimelineKind::Datapoint => "datapoint",
            TimelineKind::DnsAnswer => "dns_answer",
            TimelineKind::Action => "action",
            TimelineKind::User => "user",
        }
    }
}

/// A health status as written everywhere.
pub fn status_label(healthy: bool) -> &'static str {
    if healthy {
        "healthy"
    } else {
        "unhealthy"
    }
}

/// One `timeline.csv` row, rendered from an observation.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineRow<'a> {
    /// When.
    pub time_ms: u64,
    /// What kind of thing changed.
    pub kind: TimelineKind,
    /// Which thing.
    pub subject: Cow<'a, str>,
    /// Its new value.
    pub value: Cow<'a, str>,
}

impl Report {
    /// The timeline as `timeline.csv` rows, in order.
    pub fn timeline_rows(&self) -> impl Iterator<Item = TimelineRow<'_>> + '_ {
        self.timeline.iter().map(|e| TimelineRow {
            time_ms: e.time_ms,
            kind: TimelineKind::of(&e.observation),
            subject: self.subject(&e.observation),
            value: self.value(&e.observation),
        })
    }

    /// An answer as written in `dns_answer` rows and the `answer` column: a Region name,
    /// `unmatched` (a TXT value no association of the alias holds), `NXDOMAIN`, `hijacked`,
    /// or weighted shares `a=1;b=3`.
    pub fn answer_label(&self, answer: &DnsAnswer) -> String {
        let region = |r: u8| {
            self.regions
                .get(r as usize)
                .map_or_else(|| "unmatched".to_string(), Clone::clone)
        };
        match answer {
            DnsAnswer::Region(r) => region(*r),
            DnsAnswer::NxDomain => "NXDOMAIN".to_string(),
            DnsAnswer::Hijacked => "hijacked".to_string(),
            DnsAnswer::Weighted(c) => c
                .iter()
                .map(|(r, w)| format!("{}={w}", region(*r)))
                .collect::<Vec<_>>()
                .join(";"),
        }
    }

    /// How the story and chart markers name the global view's answer when DNS locations
    /// exist (`" (global)"`); empty without them.
    pub fn global_view_tag(&self) -> &'static str {
        if self.dns_locations.is_empty() {
            ""
        } else {
            " (global)"
        }
    }

    /// The `subject` column: what changed.
    pub fn subject(&self, observation: &Observation) -> Cow<'_, str> {
        match *observation {
            Observation::RegionPlanesChanged { region, .. } => {
                Cow::Borrowed(self.regions[usize::from(region)].as_str())
            }
            Observation::CheckerFlipped {
                check,
                checker_region,
                index_in_region,
                ..
            } => Cow::Owned(format!(
                "{}/{}#{}",
                self.health_checks[check as usize],
                CHECKER_REGIONS[checker_region as usize],
                index_in_region
            )),
            Observation::HealthCheckChanged { check, .. } => {
                Cow::Borrowed(self.health_checks[usize::from(check)].as_str())
            }
            // `check@location`: the check's status at one DNS location.
            Observation::LocationCheckChanged {
                location, check, ..
            } => Cow::Owned(format!(
                "{}@{}",
                self.health_checks[usize::from(check)],
                self.dns_locations[usize::from(location)]
            )),
            Observation::AlarmChanged { alarm, .. } => {
                Cow::Borrowed(self.alarms[usize::from(alarm)].as_str())
            }
            Observation::DatapointPublished { metric, .. } => {
                Cow::Borrowed(self.metrics[usize::from(metric)].as_str())
            }
            Observation::AnswerChanged { .. } => Cow::Borrowed(self.fqdn.as_str()),
            // `fqdn@location`: the answer one DNS location gives.
            Observation::LocationAnswerChanged { location, .. } => Cow::Owned(format!(
                "{}@{}",
                self.fqdn,
                self.dns_locations[usize::from(location)]
            )),
            Observation::FaultStarted { event }
            | Observation::FaultEnded { event }
            | Observation::ActionTaken { event }
            | Observation::ActionRefused { event, .. }
            | Observation::ActionAccepted { event }
            | Observation::ActionEnded { event } => {
                Cow::Borrowed(self.events[usize::from(event)].as_str())
            }
            Observation::ClientStateChanged { user, .. } => Cow::Owned(user.to_string()),
        }
    }

    /// The `value` column: its new value.
    pub fn value(&self, observation: &Observation) -> Cow<'_, str> {
        match observation {
            Observation::RegionPlanesChanged { failing, .. } => {
                if failing.0 == 0 {
                    Cow::Borrowed("ok")
                } else {
                    Cow::Owned(failing.label())
                }
            }
            Observation::CheckerFlipped { healthy, .. }
            | Observation::HealthCheckChanged { healthy, .. }
            | Observation::LocationCheckChanged { healthy, .. } => {
                Cow::Borrowed(status_label(*healthy))
            }
            Observation::AlarmChanged { state, .. } => Cow::Borrowed(state.as_str()),
            // Shortest round-trip form: platform-independent.
            Observation::DatapointPublished { value, .. } => match value {
                Some(v) => Cow::Owned(format!("{v}")),
                None => Cow::Borrowed("missing"),
            },
            Observation::AnswerChanged { answer }
            | Observation::LocationAnswerChanged { answer, .. } => {
                Cow::Owned(self.answer_label(answer))
            }
            Observation::FaultStarted { .. } | Observation::ActionTaken { .. } => {
                Cow::Borrowed("start")
            }
            Observation::FaultEnded { .. } | Observation::ActionEnded { .. } => {
                Cow::Borrowed("end")
            }
            Observation::ActionRefused {
                by: crate::model::Refusal::ArcSafetyRule,
                ..
            } => Cow::Borrowed("safety_rule"),
            Observation::ActionRefused { retrying: true, .. } => Cow::Borrowed("refused"),
            Observation::ActionRefused {
                retrying: false, ..
            } => Cow::Borrowed("abandoned"),
            Observation::ActionAccepted { .. } => Cow::Borrowed("accepted"),
            Observation::ClientStateChanged { state, region, .. } => match region {
                Some(r) => Cow::Owned(format!("{}:{}", state.as_str(), self.regions[*r as usize])),
                None => Cow::Borrowed(state.as_str()),
            },
        }
    }
}
