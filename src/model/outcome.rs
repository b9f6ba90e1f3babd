//! What one run leaves behind once the event loop has finished: a record per user and the
//! control-plane facts the summary needs. The report is built from an [`Outcome`] plus what a
//! [`MemoryRecorder`](super::observe::MemoryRecorder) kept.

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
    /// Age of the replicated data on the first standby WorkSpace (Multi-Region Resilience
    /// with data replication) the user worked on; `None` when the user never arrived on
    /// replicated data.
    pub data_age_ms: Option<u64>,
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
    /// Queued launches given up: the client waited `launch_queue_timeout`, or DNS stopped
    /// answering the queue's Region.
    pub launch_queue_give_ups: u64,
    /// Multi-Region Resilience standby WorkSpaces provisioned (users with a failover
    /// WorkSpace x standby Regions other than their home): the fixed monthly fee applies to
    /// each.
    pub standby_workspaces: u64,
    /// Time users worked on standby WorkSpaces: what the hourly rate applies to.
    pub standby_ms: u64,
    /// Users who arrived on replicated data older than the standby Region's `rpo`.
    pub users_over_rpo: u64,
    /// Events of the model processed, those made without the event queue included (see
    /// `sim::health::probe`).
    pub events_processed: u64,
    /// Time the DNS locations users resolve through gave different answers (`dns.locations`;
    /// 0 without them).
    pub dns_split_ms: u64,
    /// Times they began to differ.
    pub dns_splits: u32,
}

/// The result of one simulation run, apart from what went to the recorder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Seed the run used.
    pub seed: u64,
    /// One record per user, in user order.
    pub users: Vec<UserRecord>,
    /// Control-plane facts.
    pub control: ControlFacts,
}
