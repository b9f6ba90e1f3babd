//! Per-user state of the WorkSpaces client (README, Model), kept compact for a million users:
//! no heap allocation per user, a random-stream position instead of a generator, and a
//! generation counter that cancels stale events instead of removing them from the queue.

use crate::rng::StreamPos;

/// Client state. `Waiting` covers "error shown / think time", back-off and client restarts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ClientState {
    /// Before the working day.
    Offline,
    /// Resolving and authenticating.
    LoggingIn,
    /// Session launch in progress (or queued).
    Launching,
    /// Working in `region`.
    Connected,
    /// Session dropped; the client tries to resume it in `region`.
    Disconnected,
    /// Error shown, back-off or client restart.
    Waiting,
    /// After the working day.
    Done,
}

impl ClientState {
    /// Name used in traces.
    pub fn as_str(self) -> &'static str {
        match self {
            ClientState::Offline => "offline",
            ClientState::LoggingIn => "logging_in",
            ClientState::Launching => "launching",
            ClientState::Connected => "connected",
            ClientState::Disconnected => "disconnected",
            ClientState::Waiting => "waiting",
            ClientState::Done => "offline",
        }
    }
}

/// "No Region" marker for `u8` Region fields.
pub const NO_REGION: u8 = u8::MAX;
/// "Never" marker for `u64` time fields.
pub const NEVER: u64 = u64::MAX;

/// Flag bits of [`User::flags`].
pub mod flag {
    /// Registered with the FQDN.
    pub const FQDN: u8 = 1;
    /// Client version >= 3.0.9.
    pub const REDIRECTS: u8 = 2;
    /// On the VPN (can resolve a private zone).
    pub const ON_VPN: u8 = 4;
    /// Has a WorkSpace in the failover Regions.
    pub const FAILOVER_WS: u8 = 8;
    /// Client keeps its connection identifier until restarted.
    pub const STICKY: u8 = 16;
    /// Traced: every state change goes to the timeline.
    pub const TRACED: u8 = 32;
    /// Has launched a session outside home before (AutoStop resume already paid).
    pub const WARMED_ELSEWHERE: u8 = 64;
    /// Got a hijacked answer.
    pub const MISDIRECTED: u8 = 128;
}

/// One simulated user: exactly two cache lines. A million users do not fit in cache, so
/// each user event costs a memory access; the fields every event touches come first, in the
/// first line, and the outcome counters (read at the end) fill the second.
#[derive(Clone, Debug)]
#[repr(C, align(64))]
pub struct User {
    /// Cancels stale events: an event carries the generation it was scheduled in.
    pub generation: u32,
    /// Random-stream position.
    pub rng: StreamPos,
    /// Resolver instance (index into the simulation's resolver instances).
    pub resolver: u32,
    /// Group index.
    pub group: u16,
    /// Consecutive failed logins.
    pub failed_streak: u16,
    /// Client version index in the group.
    pub version: u8,
    /// Home Region.
    pub home: u8,
    /// [`flag`] bits.
    pub flags: u8,
    /// Current state.
    pub state: ClientState,
    /// Region of the current session / launch / dropped session.
    pub region: u8,
    /// Connection identifier the client holds (sticky clients), or [`NO_REGION`].
    pub held: u8,
    /// Client DNS cache: the cached answer.
    pub cached_answer: u8,
    /// Region of the first reconnection.
    pub reconnect_region: u8,
    /// Client DNS cache expiry.
    pub cache_expires_ms: u64,
    /// Start of the current login attempt (also when the user joined a launch queue).
    pub login_started_ms: u64,
    /// When the session dropped (resume window start).
    pub dropped_ms: u64,
    /// Downtime clock: start of the current downtime, or [`NEVER`].
    pub down_since_ms: u64,
    /// Start of the current session.
    pub connected_since_ms: u64,
    // ---- second cache line: outcome counters ----
    /// Times the user went from working to down.
    pub interruptions: u32,
    /// Failed logins in total.
    pub login_failures: u32,
    /// Client restarts.
    pub restarts: u32,
    /// Accumulated downtime.
    pub downtime_ms: u64,
    /// Time connected outside home.
    pub non_home_ms: u64,
    /// First interruption, or [`NEVER`].
    pub first_disconnect_ms: u64,
    /// First connection after the first interruption, or [`NEVER`].
    pub reconnect_ms: u64,
    /// First return home after working elsewhere, or [`NEVER`].
    pub failback_ms: u64,
    /// Time spent in launch queues.
    pub launch_wait_ms: u64,
}

impl User {
    /// Whether a flag is set.
    pub fn has(&self, f: u8) -> bool {
        self.flags & f != 0
    }

    /// Follows DNS redirection.
    pub fn redirectable(&self) -> bool {
        self.has(flag::FQDN) && self.has(flag::REDIRECTS)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_user_is_two_cache_lines() {
        assert_eq!(std::mem::size_of::<super::User>(), 128);
        assert_eq!(std::mem::align_of::<super::User>(), 64);
        // The fields every event touches stay in the first line.
        let u = std::mem::offset_of!(super::User, connected_since_ms);
        assert!(u + 8 <= 64, "hot fields spill into the second line ({u})");
    }
}
