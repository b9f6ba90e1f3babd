//! What a run produces: the [`Recorder`] trait the simulation pushes typed events into, the
//! finished [`Report`], and the summary statistics computed from it. CSV files and charts
//! are views over a finished `Report` (see [`csv`]); nothing here touches the file system.

pub mod csv;
pub mod story;
pub mod summary;
pub mod views;

pub use summary::Summary;

/// The charts moved to [`crate::chart`]; these aliases keep `report::charts` and
/// `report::chart_kit` paths compiling until their users import from `crate::chart`.
pub use crate::chart as charts;
pub(crate) use crate::chart::kit as chart_kit;

/// Kinds of `timeline.csv` rows (INTERFACE §3).
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

/// One `timeline.csv` row.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineEvent {
    /// When.
    pub time_ms: u64,
    /// What kind of thing changed.
    pub kind: TimelineKind,
    /// Which thing.
    pub subject: String,
    /// Its new value.
    pub value: String,
}

/// Counts sampled every `series_step`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeriesRow {
    /// Sample time.
    pub time_ms: u64,
    /// Users connected, per Region (model order).
    pub connected: Vec<u32>,
    /// In their schedule, not connected and not logging in (dropped, error shown, back-off).
    pub disconnected: u32,
    /// Logging in or launching a session.
    pub logging_in: u32,
    /// Outside their working schedule.
    pub offline: u32,
    /// Status of the primary record's health check (None without one).
    pub primary_check_healthy: Option<bool>,
    /// The authoritative answer, as written in `dns_answer` timeline rows.
    pub answer: String,
}

/// Receives what the simulation observes, as it happens.
pub trait Recorder {
    /// A control-plane change or a traced user's state change.
    fn timeline(&mut self, event: TimelineEvent);
    /// A periodic sample of the population.
    fn series(&mut self, row: SeriesRow);
}

/// A recorder that keeps everything in memory (used to build a [`Report`]).
#[derive(Default, Debug)]
pub struct MemoryRecorder {
    /// Timeline rows in the order they happened.
    pub timeline: Vec<TimelineEvent>,
    /// Series rows in time order.
    pub series: Vec<SeriesRow>,
}

impl Recorder for MemoryRecorder {
    fn timeline(&mut self, event: TimelineEvent) {
        self.timeline.push(event);
    }
    fn series(&mut self, row: SeriesRow) {
        self.series.push(row);
    }
}

/// Per-user outcome (`users.csv`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    /// Group index.
    pub group: u16,
    /// Home Region index.
    pub home: u8,
    /// Registered with the FQDN (else a Region code).
    pub fqdn: bool,
    /// Client version index within the group.
    pub client_version: u8,
    /// Resolver spec index.
    pub resolver: u16,
    /// Resolver instance within a population.
    pub resolver_instance: u32,
    /// First dropped session or failed login.
    pub first_disconnect_ms: Option<u64>,
    /// First connection after the first interruption.
    pub reconnect_ms: Option<u64>,
    /// Region of that connection.
    pub reconnect_region: Option<u8>,
    /// Time in schedule without a session, from the first interruption on.
    pub downtime_ms: u64,
    /// Times the user went from working to down.
    pub interruptions: u32,
    /// Failed login attempts.
    pub login_failures: u32,
    /// Client restarts.
    pub restarts: u32,
    /// Worked in a non-home Region at some point.
    pub redirected: bool,
    /// First return home after working elsewhere.
    pub failback_ms: Option<u64>,
    /// Time connected in non-home Regions.
    pub non_home_ms: u64,
    /// Got a hijacked domain's answer.
    pub misdirected: bool,
    /// Follows DNS redirection (FQDN registration and client >= 3.0.9).
    pub redirectable: bool,
    /// Has a WorkSpace in the failover Regions.
    pub failover_workspace: bool,
    /// On the VPN (matters for private zones).
    pub on_vpn: bool,
    /// Time spent waiting in launch queues (capacity).
    pub launch_wait_ms: u64,
}

impl UserRecord {
    /// Had at least one interruption.
    pub fn affected(&self) -> bool {
        self.first_disconnect_ms.is_some()
    }
}

/// Control-plane facts the summary needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ControlFacts {
    /// Start of the first fault.
    pub first_fault_ms: Option<u64>,
    /// First unhealthy status of the primary record's check at or after the first fault.
    pub primary_unhealthy_ms: Option<u64>,
    /// First time the authoritative answer left the primary at or after the first fault.
    pub answer_left_primary_ms: Option<u64>,
    /// First time the answer returned to the primary after leaving it.
    pub answer_back_on_primary_ms: Option<u64>,
    /// Largest launch queue seen in any Region.
    pub peak_launch_queue: u64,
    /// Events processed by the engine.
    pub events_processed: u64,
}

/// Everything one run produced.
#[derive(Clone, Debug)]
pub struct Report {
    /// Scenario name.
    pub scenario: String,
    /// Seed used.
    pub seed: u64,
    /// Scenario length.
    pub duration_ms: u64,
    /// Region names.
    pub regions: Vec<String>,
    /// Group names.
    pub groups: Vec<String>,
    /// Client version strings per group.
    pub client_versions: Vec<Vec<String>>,
    /// Resolver names.
    pub resolvers: Vec<String>,
    /// Whether each resolver is a population (instances are then named `name#i`).
    pub resolver_is_population: Vec<bool>,
    /// One record per user, in user order.
    pub users: Vec<UserRecord>,
    /// Timeline rows, ordered by time then occurrence.
    pub timeline: Vec<TimelineEvent>,
    /// Series rows.
    pub series: Vec<SeriesRow>,
    /// Control-plane facts.
    pub control: ControlFacts,
    /// Fault windows `(start, end, label)` in scenario order, for charts and stories.
    pub faults: Vec<(u64, u64, String)>,
    /// Summary statistics.
    pub summary: Summary,
}
