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
    /// Session launch in progress.
    Launching,
    /// Session launch waiting in the Region's launch queue (`launch_concurrency`).
    Queued,
    /// Working in `region`.
    Connected,
    /// Session dropped; the client tries to resume it in `region`.
    Disconnected,
    /// Error shown, back-off or client restart.
    Waiting,
    /// After the working day.
    Done,
    /// The last login got a hijacked answer (a lapsed domain) and sent the user's
    /// credentials to whoever holds it; until the next login attempt.
    Misdirected,
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
            ClientState::Queued => "queued",
            ClientState::Misdirected => "misdirected",
        }
    }
}

/// "No Region" marker for `u8` Region fields.
pub const NO_REGION: u8 = u8::MAX;
/// "Never" marker for `u64` time fields.
pub const NEVER: u64 = u64::MAX;
/// "No replicated data" marker for [`User::data_age_ms`].
pub const NO_DATA_AGE: u32 = u32::MAX;

/// Age of the data a user finds on a Multi-Region Resilience standby WorkSpace arriving at
/// `arrival_ms`: snapshots of the primary WorkSpace are taken every `every_ms` from
/// `phase_ms` (the WorkSpace's own point on AWS's internal schedule, `0 <= phase < every`,
/// and running before time 0 too) while the primary works, i.e. up to `primary_lost_ms`, and
/// each is usable in the standby Region `copy_ms` after it was taken. The standby holds the
/// newest usable snapshot; its age at arrival is the work the user lost. Source: the
/// WorkSpaces Multi-Region Resilience guide (snapshots every 12 hours, data 12-24 hours old
/// after failover), <https://docs.aws.amazon.com/workspaces/latest/adminguide/multi-region-resilience.html>
pub fn data_age_ms(
    arrival_ms: u64,
    primary_lost_ms: u64,
    phase_ms: u64,
    every_ms: u64,
    copy_ms: u64,
) -> u64 {
    debug_assert!(every_ms > 0 && phase_ms < every_ms);
    let newest_taken = i128::from(primary_lost_ms.min(arrival_ms));
    let newest_usable = i128::from(arrival_ms) - i128::from(copy_ms);
    let limit = newest_taken.min(newest_usable);
    let every = i128::from(every_ms);
    let k = (limit - i128::from(phase_ms)).div_euclid(every);
    let snapshot = i128::from(phase_ms) + k * every;
    (i128::from(arrival_ms) - snapshot) as u64
}

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
#[derive(Clone, Copy, Debug)]
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
    /// Age of the replicated data on the first standby WorkSpace the user arrived on, in ms
    /// (saturating), or [`NO_DATA_AGE`]. Fills the padding before the `u64` counters.
    pub data_age_ms: u32,
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
    use super::data_age_ms;

    const H: u64 = 3_600_000;

    #[test]
    fn data_age_is_the_newest_copied_snapshot_taken_before_the_primary_was_lost() {
        // Snapshots at 2h, 14h, ... (and -10h); each usable 1 h later.
        // Primary lost at 20h, arrival at 20h30: the 14h snapshot (usable since 15h).
        assert_eq!(
            data_age_ms(20 * H + H / 2, 20 * H, 2 * H, 12 * H, H),
            6 * H + H / 2
        );
        // Arrival at 14h30: the 14h snapshot is still being copied, so the 2h one.
        assert_eq!(
            data_age_ms(14 * H + H / 2, 14 * H + H / 4, 2 * H, 12 * H, H),
            12 * H + H / 2
        );
        // No snapshot after the primary was lost counts, however long the user waits.
        assert_eq!(data_age_ms(40 * H, 20 * H, 2 * H, 12 * H, H), 26 * H);
        // Snapshots before the run started count: at 1h the newest usable one is from -10h.
        assert_eq!(data_age_ms(H, H, 2 * H, 12 * H, H), 11 * H);
    }

    #[test]
    fn aws_defaults_give_data_twelve_to_twenty_four_hours_old() {
        // 12 h cadence and a 12 h copy: whatever the phase, the data is 12-24 h old.
        for phase in [0, 1, H, 6 * H, 12 * H - 1] {
            let age = data_age_ms(30 * H, 30 * H, phase, 12 * H, 12 * H);
            assert!((12 * H..=24 * H).contains(&age), "phase {phase}: {age}");
        }
    }

    #[test]
    fn a_user_is_two_cache_lines() {
        assert_eq!(std::mem::size_of::<super::User>(), 128);
        assert_eq!(std::mem::align_of::<super::User>(), 64);
        // The fields every event touches stay in the first line.
        let u = std::mem::offset_of!(super::User, connected_since_ms);
        assert!(u + 8 <= 64, "hot fields spill into the second line ({u})");
    }
}
