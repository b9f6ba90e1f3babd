//! The WorkSpaces client of every user in the run
//! (<https://docs.aws.amazon.com/workspaces/latest/adminguide/cross-region-redirection.html>): logins
//! through DNS,
//! session launches and launch queues, dropped sessions, resume attempts, re-logins with
//! back-off, client restarts, periodic re-authentication and the end of the working day.
//! Per-user state is in `model::client`.

use super::*;

/// The entry of `Sim::tally` that counts users in each [`ClientState`] (by its number; the
/// entries are the fields of [`StateCounts`] in order). Connected users are counted per
/// Region instead.
pub(super) const TALLY: [usize; 9] = {
    let mut t = [0; 9];
    t[ClientState::Offline as usize] = 2;
    t[ClientState::LoggingIn as usize] = 1;
    t[ClientState::Launching as usize] = 1;
    t[ClientState::Queued as usize] = 3;
    t[ClientState::Connected as usize] = usize::MAX;
    t[ClientState::Disconnected as usize] = 0;
    t[ClientState::Waiting as usize] = 0;
    t[ClientState::Done as usize] = 2;
    t[ClientState::Misdirected as usize] = 4;
    t
};

impl<R: Recorder> Sim<'_, R> {
    // ----- users ---------------------------------------------------------------------------

    /// The number of user `u`'s stream (by group and index in group) and where it stands.
    fn user_stream(&self, u: usize) -> (u64, StreamPos) {
        let user = &self.users[u];
        let idx = self.scenario.groups[..user.group as usize]
            .iter()
            .map(|g| u64::from(g.count))
            .sum::<u64>();
        let stream_index = (u64::from(user.group) << 32) | (self.global_user(u) - idx);
        (stream_index, user.rng)
    }

    /// True with probability `p`, drawn from the user's stream. Certain outcomes (p = 0 or 1,
    /// the common case) draw nothing, which saves reopening the stream; the outcome is the
    /// same as `rng::chance` would give.
    pub(super) fn user_chance(&mut self, u: usize, p: f64) -> bool {
        if p <= 0.0 {
            false
        } else if p >= 1.0 {
            true
        } else {
            self.draw(u, |r| rng::chance(r, p))
        }
    }

    /// One draw from `dist` on the user's stream; a fixed duration opens nothing.
    pub(super) fn user_sample(&mut self, u: usize, dist: crate::dist::Dist) -> u64 {
        match dist {
            crate::dist::Dist::Fixed(ms) => ms,
            d => self.draw(u, |r| d.sample(r)),
        }
    }

    /// Runs `f` on user `u`'s stream where the user's last draw left it. In a small run the
    /// block of words the last draw computed is kept per user and reused, as a user usually
    /// takes a few of a block's 16 words each time it draws; the words are the same.
    pub(super) fn draw<T>(&mut self, u: usize, f: impl FnOnce(&mut EntityRng) -> T) -> T {
        let (index, pos) = self.user_stream(u);
        let mut r = match self.user_blocks.get(u) {
            Some(block) => self.streams.open_with(EntityKind::User, index, pos, block),
            None => self.streams.open(EntityKind::User, index, pos),
        };
        let out = f(&mut r);
        self.users[u].rng = Streams::close(&r);
        if let Some(block) = self.user_blocks.get_mut(u) {
            r.keep_in(block);
        }
        out
    }

    /// The count a user in state `s` (in `region`) is counted in.
    #[inline(always)]
    fn count_of(&mut self, s: ClientState, region: u8) -> &mut u32 {
        if s == ClientState::Connected {
            &mut self.connected[region as usize]
        } else {
            &mut self.tally[TALLY[s as usize]]
        }
    }

    /// Users not connected, by state.
    pub(super) fn counts(&self) -> StateCounts {
        let [disconnected, logging_in, offline, queued, misdirected] = self.tally;
        StateCounts {
            disconnected,
            logging_in,
            offline,
            queued,
            misdirected,
        }
    }

    /// Moves a user to a new state, keeping series counts and traces in step.
    pub(super) fn set_state(&mut self, now: u64, u: usize, s: ClientState, region: u8) {
        let (old_s, old_r) = (self.users[u].state, self.users[u].region);
        *self.count_of(old_s, old_r) -= 1;
        *self.count_of(s, region) += 1;
        // Leaving a non-home session: account the time worked away from home.
        if old_s == ClientState::Connected
            && old_r != self.users[u].home
            && !(s == ClientState::Connected && region == old_r)
        {
            let since = self.users[u].connected_since_ms;
            self.users[u].non_home_ms += now - since;
            if self.scenario.regions[old_r as usize].standby == Standby::Mrr {
                self.control.standby_ms += now - since;
            }
        }
        let user = &mut self.users[u];
        user.state = s;
        user.region = region;
        user.generation = user.generation.wrapping_add(1);
        if user.has(flag::TRACED) {
            // Only a session, a launch and a dropped session are tied to a Region.
            let has_region = region != NO_REGION
                && matches!(
                    s,
                    ClientState::Connected
                        | ClientState::Launching
                        | ClientState::Queued
                        | ClientState::Disconnected
                );
            self.observe(
                now,
                Observation::ClientStateChanged {
                    user: self.global_user(u) as u32,
                    state: s,
                    region: has_region.then_some(region),
                },
            );
        }
    }

    pub(super) fn schedule_user(&mut self, u: usize, at_ms: u64, step: Step) {
        let g = self.users[u].generation;
        if at_ms <= self.scenario.duration_ms {
            self.scheduler.at(
                at_ms,
                Event::UserStep {
                    user: u as u32,
                    generation: g,
                    step,
                },
            );
        }
    }

    /// The user stops working: a downtime interval (if any) closes.
    pub(super) fn start_downtime(&mut self, u: usize, since: u64) {
        let user = &mut self.users[u];
        if user.down_since_ms == NEVER {
            user.down_since_ms = since;
            user.interruptions += 1;
            if user.first_disconnect_ms == NEVER {
                user.first_disconnect_ms = since;
            }
        }
    }

    pub(super) fn user_step(&mut self, now: u64, u: usize, step: Step) {
        match step {
            Step::Login => self.login(now, u),
            Step::LoginFailed => self.login_failed(now, u),
            Step::Detect => {
                // The client has noticed the drop. If the Region's sessions already came back,
                // the session resumes; otherwise the user sees "can't connect" and will log
                // in again after a think time, while the client keeps trying to resume.
                let region = self.users[u].region;
                if self.severity(region, Plane::Sessions) == 0.0 {
                    self.connected(now, u, region);
                } else {
                    let g = self.scenario.groups[self.users[u].group as usize]
                        .behaviour
                        .relogin_delay;
                    let think = self.user_sample(u, g);
                    let gen = self.users[u].generation;
                    self.scheduler.after(
                        think,
                        Event::UserStep {
                            user: u as u32,
                            generation: gen,
                            step: Step::Relogin,
                        },
                    );
                }
            }
            Step::Relogin => {
                self.set_state(now, u, ClientState::LoggingIn, NO_REGION);
                self.login(now, u);
            }
            Step::Resume => {
                let region = self.users[u].region;
                if self.severity(region, Plane::Sessions) == 0.0 {
                    self.connected(now, u, region);
                }
            }
            Step::Reauth => self.reauth(now, u),
            Step::QueueTimedOut => self.give_up_queued_launch(now, u, false),
        }
    }

    pub(super) fn login(&mut self, now: u64, u: usize) {
        let scenario = self.scenario;
        let first = self.users[u].state == ClientState::Offline;
        if first {
            let g = &scenario.groups[self.users[u].group as usize];
            // The first login happens exactly at the start of the working window.
            let end = now.saturating_add(g.session_ms);
            if end <= scenario.duration_ms {
                self.scheduler.at(end, Event::WorkEnd { user: u as u32 });
            }
        }
        if self.users[u].state != ClientState::LoggingIn {
            self.set_state(now, u, ClientState::LoggingIn, NO_REGION);
        }
        self.users[u].login_started_ms = now;
        let target = self.resolve(now, u);
        if matches!(target, Err(LoginFailure::Misdirected)) {
            // The user is on the hijacked name's page from now until the next login.
            self.set_state(now, u, ClientState::Misdirected, NO_REGION);
        }
        let fail = match target {
            Err(_) => true,
            Ok(region) => {
                let user = &self.users[u];
                let no_workspace = region != user.home && !user.has(flag::FAILOVER_WS);
                let severity = self.severity(region, Plane::Logins);
                let refused =
                    no_workspace || self.user_chance(u, severity) || !self.identity_ok(region);
                if refused {
                    self.count_login_failure(region);
                }
                refused
            }
        };
        if fail {
            let d = scenario.groups[self.users[u].group as usize]
                .behaviour
                .failed_login_time;
            let wait = self.user_sample(u, d);
            let gen = self.users[u].generation;
            self.scheduler.after(
                wait,
                Event::UserStep {
                    user: u as u32,
                    generation: gen,
                    step: Step::LoginFailed,
                },
            );
            return;
        }
        let region = target.expect("checked above");
        let limit = scenario.regions[region as usize].launch_concurrency;
        if limit == 0 || self.regions[region as usize].launching < limit {
            self.set_state(now, u, ClientState::Launching, region);
            self.regions[region as usize].launching += 1;
            self.start_launch(now, u, region);
        } else {
            self.set_state(now, u, ClientState::Queued, region);
            let rs = &mut self.regions[region as usize];
            rs.queue.push_back((u as u32, self.users[u].generation));
            let q = rs.queue.len() as u64;
            self.control.peak_launch_queue = self.control.peak_launch_queue.max(q);
            let timeout = scenario.groups[self.users[u].group as usize]
                .behaviour
                .launch_queue_timeout_ms;
            if timeout > 0 {
                self.schedule_user(u, now + timeout, Step::QueueTimedOut);
            }
        }
    }

    /// A queued launch is given up: after `launch_queue_timeout` the user sees the launch
    /// fail and retries like after any failed login (back-off, then a new login that resolves
    /// the FQDN again, so the user goes home once DNS answers home). When DNS stops answering
    /// the queue's Region (`unanswered`), the launch request is abandoned and the user logs in
    /// again after the re-login think time. AWS documents neither a launch queue nor a client timeout: both are
    /// failsim's modelling choices, so that capacity shortfalls cannot keep users waiting in
    /// a failover Region for hours after their home Region is back.
    pub(super) fn give_up_queued_launch(&mut self, now: u64, u: usize, unanswered: bool) {
        let user = &mut self.users[u];
        debug_assert_eq!(user.state, ClientState::Queued);
        user.launch_wait_ms += now - user.login_started_ms;
        self.control.launch_queue_give_ups += 1;
        if unanswered {
            // The user sees the launch fail and logs in again after a think time, like
            // after a dropped session. The queue entry becomes stale with the state change
            // (lazy removal).
            self.start_downtime(u, self.users[u].login_started_ms);
            self.set_state(now, u, ClientState::Waiting, NO_REGION);
            let think = self.scenario.groups[self.users[u].group as usize]
                .behaviour
                .relogin_delay;
            let t = self.user_sample(u, think);
            self.schedule_user(u, now + t, Step::Relogin);
        } else {
            let region = self.users[u].region;
            self.count_login_failure(region);
            self.login_failed(now, u);
        }
    }

    /// The authoritative answer changed: launches still queued in a Region the answer no
    /// longer includes are abandoned (see [`Self::give_up_queued_launch`]).
    pub(super) fn abandon_unanswered_launches(&mut self, now: u64) {
        for r in 0..self.regions.len() {
            if self.answered_anywhere(r as u8) || self.regions[r].queue.is_empty() {
                continue;
            }
            let queued: Vec<(u32, u32)> = self.regions[r].queue.drain(..).collect();
            for (u, g) in queued {
                let u = u as usize;
                if self.users[u].generation == g && self.users[u].state == ClientState::Queued {
                    self.give_up_queued_launch(now, u, true);
                }
            }
        }
    }

    pub(super) fn start_launch(&mut self, _now: u64, u: usize, region: u8) {
        let scenario = self.scenario;
        let rspec = &scenario.regions[region as usize];
        let user = &self.users[u];
        let cold = region != user.home
            && matches!(rspec.standby, Standby::Autostop | Standby::Mrr)
            && !user.has(flag::WARMED_ELSEWHERE);
        // A stopped standby WorkSpace (Multi-Region Resilience) takes its activation time to
        // become usable at its first launch; an AutoStop WorkSpace its resume time.
        let resume = match rspec.standby {
            Standby::Mrr => rspec.activation_time,
            _ => rspec.resume_time,
        };
        let launch = rspec.launch_time;
        let t = self.draw(u, |r| {
            launch.sample(r) + if cold { resume.sample(r) } else { 0 }
        });
        if cold {
            self.users[u].flags |= flag::WARMED_ELSEWHERE;
        }
        let gen = self.users[u].generation;
        self.scheduler.after(
            t,
            Event::LaunchDone {
                user: u as u32,
                generation: gen,
                region,
            },
        );
    }

    pub(super) fn launch_done(&mut self, now: u64, u: usize, generation: u32, region: u8) {
        // The slot is released whatever happened to the user meanwhile.
        self.regions[region as usize].launching -= 1;
        while let Some((next, g)) = self.regions[region as usize].queue.pop_front() {
            if self.users[next as usize].generation == g {
                let user = &mut self.users[next as usize];
                // A user joins a launch queue in the instant its login starts.
                user.launch_wait_ms += now - user.login_started_ms;
                // Leaving the queue cancels the pending queue timeout (the state change
                // moves the generation on).
                self.set_state(now, next as usize, ClientState::Launching, region);
                self.regions[region as usize].launching += 1;
                self.start_launch(now, next as usize, region);
                break;
            }
        }
        if self.users[u].generation != generation {
            return;
        }
        // A launch fails if the Region's sessions or logins failed meanwhile.
        let severity = self
            .severity(region, Plane::Sessions)
            .max(self.severity(region, Plane::Logins));
        if self.user_chance(u, severity) {
            self.count_login_failure(region);
            self.login_failed(now, u);
            return;
        }
        self.connected(now, u, region);
    }

    pub(super) fn connected(&mut self, now: u64, u: usize, region: u8) {
        self.set_state(now, u, ClientState::Connected, region);
        let reauth = self.reauth_period(u, region);
        let user = &mut self.users[u];
        user.connected_since_ms = now;
        user.failed_streak = 0;
        if user.down_since_ms != NEVER {
            user.downtime_ms += now - user.down_since_ms;
            user.down_since_ms = NEVER;
        }
        if user.first_disconnect_ms != NEVER && user.reconnect_ms == NEVER {
            user.reconnect_ms = now;
            user.reconnect_region = region;
        }
        if region == user.home && user.failback_ms == NEVER && user.non_home_ms > 0 {
            user.failback_ms = now;
        }
        if reauth > 0 {
            self.schedule_user(u, now.saturating_add(reauth), Step::Reauth);
        }
        if region != self.users[u].home && self.users[u].data_age_ms == NO_DATA_AGE {
            self.arrive_on_replica(now, u, region);
        }
    }

    /// The user's first session on a standby WorkSpace with data replication: the data there
    /// is the newest snapshot copied before the primary was lost (`model::client::data_age_ms`).
    /// The WorkSpace's point on the snapshot schedule and the copy time are drawn now, so runs
    /// without replication draw nothing extra.
    fn arrive_on_replica(&mut self, now: u64, u: usize, region: u8) {
        let rspec = &self.scenario.regions[region as usize];
        let Some(replication) = rspec.replication.clone() else {
            return;
        };
        let rpo = rspec.rpo_ms;
        let every = replication.every_ms;
        let (phase, copy) = self.draw(u, |r| {
            (rng::uniform_ms(r, 0, every - 1), replication.copy.sample(r))
        });
        let user = &self.users[u];
        let lost = user.first_disconnect_ms.min(now);
        let age = crate::model::client::data_age_ms(now, lost, phase, every, copy);
        self.users[u].data_age_ms = u32::try_from(age).unwrap_or(NO_DATA_AGE - 1);
        if age > rpo {
            self.control.users_over_rpo += 1;
        }
    }

    /// Periodic re-authentication (e.g. SAML session duration): the client logs in again and
    /// follows the current DNS answer; if it names another Region the user moves there.
    /// A re-authentication that the directory or IdP cannot serve ends the session: the user
    /// logs in again, which fails until identity is back.
    pub(super) fn reauth(&mut self, now: u64, u: usize) {
        let current = self.users[u].region;
        if !self.identity_ok(current) {
            self.set_state(now, u, ClientState::LoggingIn, NO_REGION);
            self.start_downtime(u, now);
            self.login(now, u);
            return;
        }
        match self.resolve(now, u) {
            Ok(r) if r == current => {
                let every = self.reauth_period(u, current);
                self.schedule_user(u, now.saturating_add(every), Step::Reauth);
            }
            _ => {
                self.set_state(now, u, ClientState::LoggingIn, NO_REGION);
                self.start_downtime(u, now);
                self.login(now, u);
            }
        }
    }

    pub(super) fn login_failed(&mut self, now: u64, u: usize) {
        let scenario = self.scenario;
        let b = &scenario.groups[self.users[u].group as usize].behaviour;
        let started = self.users[u].login_started_ms;
        self.start_downtime(u, started);
        let user = &mut self.users[u];
        user.login_failures += 1;
        user.failed_streak = user.failed_streak.saturating_add(1);
        let sticky_restart = user.has(flag::STICKY)
            && user.held != NO_REGION
            && u32::from(user.failed_streak) >= b.restart_after_failures;
        if self.users[u].state == ClientState::Misdirected {
            // A misdirected user stays so through the back-off (see `login`); the failure
            // still cancels the user's pending events, as a state change does.
            let user = &mut self.users[u];
            user.generation = user.generation.wrapping_add(1);
        } else {
            self.set_state(now, u, ClientState::Waiting, NO_REGION);
        }
        if sticky_restart {
            // The user quits and restarts the client, which forgets the identifier it held.
            let rt = b.restart_time;
            let t = self.user_sample(u, rt);
            let user = &mut self.users[u];
            user.restarts += 1;
            user.held = NO_REGION;
            user.failed_streak = 0;
            self.schedule_user(u, now.saturating_add(t), Step::Login);
            return;
        }
        let k = u32::from(self.users[u].failed_streak - 1).min(20);
        let backoff = (b.backoff_initial_ms << k).min(b.backoff_max_ms);
        self.schedule_user(u, now.saturating_add(backoff), Step::Login);
    }

    /// Sessions in `region` drop (each with probability `severity`).
    pub(super) fn drop_sessions(&mut self, now: u64, region: u8, severity: f64, forced: bool) {
        for u in 0..self.users.len() {
            let user = &self.users[u];
            if user.state != ClientState::Connected || user.region != region {
                continue;
            }
            if !self.user_chance(u, severity) {
                continue;
            }
            if forced {
                // A forced disconnect (fail-back): the user logs in again right away and
                // follows DNS.
                self.set_state(now, u, ClientState::LoggingIn, NO_REGION);
                self.start_downtime(u, now);
                self.login(now, u);
                continue;
            }
            self.set_state(now, u, ClientState::Disconnected, region);
            self.users[u].dropped_ms = now;
            self.start_downtime(u, now);
            let d = self.scenario.groups[self.users[u].group as usize]
                .behaviour
                .detect_disconnect;
            let t = self.user_sample(u, d);
            self.schedule_user(u, now.saturating_add(t), Step::Detect);
        }
    }

    /// Sessions in `region` work again: clients still trying to resume (within the resume
    /// window) reconnect after they notice.
    pub(super) fn sessions_recovered(&mut self, now: u64, region: u8) {
        for u in 0..self.users.len() {
            let user = &self.users[u];
            if user.state != ClientState::Disconnected || user.region != region {
                continue;
            }
            let b = &self.scenario.groups[user.group as usize].behaviour;
            if now >= user.dropped_ms.saturating_add(b.resume_window_ms) {
                continue;
            }
            let d = b.detect_disconnect;
            let t = self.user_sample(u, d);
            self.schedule_user(u, now.saturating_add(t), Step::Resume);
        }
    }

    pub(super) fn work_end(&mut self, now: u64, u: usize) {
        let user = &mut self.users[u];
        if user.down_since_ms != NEVER {
            user.downtime_ms += now - user.down_since_ms;
            user.down_since_ms = NEVER;
        }
        self.set_state(now, u, ClientState::Done, NO_REGION);
    }
}
