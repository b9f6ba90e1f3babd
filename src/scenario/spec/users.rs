//! The validated `[[users]]` group: who the users are, how their clients behave, and the
//! defaults of each key.

use crate::dist::Dist;

/// Client-side DNS cache of the WorkSpaces client host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientCache {
    /// No cache (glibc).
    None,
    /// Honour the TTL (OS stub caches).
    Honor,
    /// Fixed lifetime whatever the TTL (Java's 30 s).
    Fixed(u64),
}

/// When the WorkSpaces client itself re-resolves the connection alias (its TXT record):
/// the application-level cache, above the host's `client_cache` and the resolver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientResolves {
    /// At every login attempt (AWS: after an outage users log in again and the FQDN sends
    /// them to the failover Region). The `restart_probability` share still holds its
    /// identifier until restarted ("in some cases" a restart is needed).
    EachLogin,
    /// Only when the client starts: every client keeps the identifier it resolved until the
    /// user restarts it (as if `restart_probability` were 1).
    Restart,
    /// The client keeps the identifier for this lifetime, then resolves at the next login.
    Lifetime(u64),
}

/// A client version share.
#[derive(Clone, Debug)]
pub struct ClientVersion {
    /// Version string as written.
    pub version: String,
    /// Share of the group.
    pub share: f64,
    /// Whether it follows FQDN redirection (>= 3.0.9).
    pub redirects: bool,
}

/// `[[users]]`.
#[derive(Clone, Debug)]
pub struct GroupSpec {
    /// Name.
    pub name: String,
    /// Number of users (>= 1).
    pub count: u32,
    /// Home Region.
    pub home: usize,
    /// Share registered with the FQDN (default 1.0); the rest use a Region code.
    pub fqdn_share: f64,
    /// Client versions (default all `5.22.0`).
    pub client_versions: Vec<ClientVersion>,
    /// `(resolver index, share)` (default: the only resolver).
    pub resolvers: Vec<(usize, f64)>,
    /// Share on the VPN (default 1.0; matters for private zones).
    pub on_vpn: f64,
    /// Share with a WorkSpace in each failover Region (default 1.0).
    pub failover_workspaces: f64,
    /// Client cache (default none).
    pub client_cache: ClientCache,
    /// When the WorkSpaces client re-resolves the alias (default at each login).
    pub client_resolves: ClientResolves,
    /// Schedule start (default 0 s).
    pub start_ms: u64,
    /// Logins spread uniformly over this ramp (default 30 min).
    pub ramp_ms: u64,
    /// Working session length (default 8 h).
    pub session_ms: u64,
    /// `time_zone`: the group's UTC offset in minutes (default: `scenario.start`'s offset).
    pub time_zone_minutes: Option<i32>,
    /// Client and user behaviour.
    pub behaviour: Behaviour,
    /// Users created in the WorkSpaces console (default false): the console mails a
    /// Region-code invitation for every WorkSpace, failover ones included.
    pub created_in_console: bool,
}

impl GroupSpec {
    /// `registration.fqdn` when `registration` is not given: everyone uses the FQDN.
    pub const DEFAULT_FQDN_SHARE: f64 = 1.0;
    /// The client version of the whole group when `client_versions` is not given.
    pub const DEFAULT_CLIENT_VERSION: &'static str = "5.22.0";
    /// `on_vpn` when not given.
    pub const DEFAULT_ON_VPN: f64 = 1.0;
    /// `failover_workspaces` when not given.
    pub const DEFAULT_FAILOVER_WORKSPACES: f64 = 1.0;
    /// `client_cache` when not given (glibc has no cache).
    pub const DEFAULT_CLIENT_CACHE: ClientCache = ClientCache::None;
    /// `client_resolves` when not given: at each login attempt.
    pub const DEFAULT_CLIENT_RESOLVES: ClientResolves = ClientResolves::EachLogin;
    /// `schedule.start` when not given.
    pub const DEFAULT_START_MS: u64 = 0;
    /// `schedule.ramp` when not given: 30 min.
    pub const DEFAULT_RAMP_MS: u64 = 30 * 60_000;
    /// `schedule.session` when not given: 8 h.
    pub const DEFAULT_SESSION_MS: u64 = 8 * 3_600_000;
}

/// `[users.behaviour]`; defaults in [`Behaviour::DEFAULT`].
#[derive(Clone, Debug)]
pub struct Behaviour {
    /// Time for the client to notice a dropped session (default uniform 5-30 s).
    pub detect_disconnect: Dist,
    /// The session can resume in the same Region within this window (default 20 min).
    pub resume_window_ms: u64,
    /// Think time before the user logs in again after the error (default log-normal 1 m / 5 m).
    pub relogin_delay: Dist,
    /// First back-off after a failed login (default 30 s), doubling.
    pub backoff_initial_ms: u64,
    /// Back-off cap (default 5 min).
    pub backoff_max_ms: u64,
    /// Share of clients that keep their old connection identifier until restarted (default 0).
    pub restart_probability: f64,
    /// Failed logins before such a user restarts the client (default 2).
    pub restart_after_failures: u32,
    /// Time to restart the client (default uniform 20 s - 1 min).
    pub restart_time: Dist,
    /// Periodic re-authentication (default 0 = never).
    pub reauth_every_ms: u64,
    /// Time until a login attempt against a failed Region reports failure (default uniform
    /// 10-30 s; a modelling choice, not published).
    pub failed_login_time: Dist,
    /// How long a client waits in a Region's launch queue (capacity) before the user gives
    /// up and logs in again, following DNS afresh (default 10 min; 0 = waits for ever).
    /// AWS publishes no launch queue and no client timeout: a modelling choice.
    pub launch_queue_timeout_ms: u64,
}

impl Behaviour {
    /// Every behaviour key's default.
    pub const DEFAULT: Behaviour = Behaviour {
        detect_disconnect: Dist::Uniform {
            min_ms: 5_000,
            max_ms: 30_000,
        },
        resume_window_ms: 20 * 60_000,
        relogin_delay: Dist::LogNormal {
            median_ms: 60_000,
            p95_ms: 300_000,
        },
        backoff_initial_ms: 30_000,
        backoff_max_ms: 300_000,
        restart_probability: 0.0,
        restart_after_failures: 2,
        restart_time: Dist::Uniform {
            min_ms: 20_000,
            max_ms: 60_000,
        },
        reauth_every_ms: 0,
        failed_login_time: Dist::Uniform {
            min_ms: 10_000,
            max_ms: 30_000,
        },
        launch_queue_timeout_ms: 10 * 60_000,
    };
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour::DEFAULT
    }
}
