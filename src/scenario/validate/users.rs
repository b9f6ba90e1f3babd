//! `[[users]]`: user groups, how their clients are registered and configured, which resolvers
//! they use, their working schedule and `[users.behaviour]`.

use super::fields::{at, entry, key, FieldPath, Validator};
use crate::scenario::raw::{RawBehaviour, RawSchedule, RawUsers};
use crate::scenario::{
    Behaviour, ClientCache, ClientResolves, ClientVersion, GroupSpec, PathSeg, ResolverSpec,
    MIN_REDIRECT_CLIENT,
};
use crate::time::parse_duration;
use std::collections::BTreeMap;

/// Users in all scenarios may hold at most (memory: one compact record per user).
const MAX_USERS: u64 = 100_000_000;

pub(super) fn groups(
    validator: &mut Validator,
    raw: &[RawUsers],
    resolvers: &[ResolverSpec],
) -> Vec<GroupSpec> {
    let mut groups = Vec::new();
    let mut total_users: u64 = 0;
    for (i, group) in raw.iter().enumerate() {
        let base = entry("users", i);
        if group.count < 1 || group.count > u32::MAX as i64 {
            validator.report(
                at(&base, &[key("count")]),
                format!(
                    "{} users; allowed: 1 or more (at most 4,294,967,295)",
                    group.count
                ),
            );
        }
        let count = group.count.clamp(1, u32::MAX as i64) as u32;
        total_users += u64::from(count);
        let home = validator
            .region(at(&base, &[key("home")]), &group.home)
            .unwrap_or(0);
        let fqdn_share = fqdn_share(validator, &base, group);
        let client_versions = client_versions(validator, &base, group.client_versions.as_ref());
        let group_resolvers = group_resolvers(validator, &base, group, resolvers);
        let client_cache = client_cache(validator, &base, group.client_cache.as_deref());
        let client_resolves = client_resolves(validator, &base, group.client_resolves.as_deref());
        let (start_ms, ramp_ms, session_ms) = schedule(validator, &base, group.schedule.as_ref());
        let behaviour = behaviour(validator, &base, group.behaviour.as_ref());
        groups.push(GroupSpec {
            name: group.name.clone(),
            count,
            home,
            fqdn_share,
            client_versions,
            resolvers: group_resolvers,
            on_vpn: group.on_vpn.map_or(GroupSpec::DEFAULT_ON_VPN, |x| {
                validator.share(at(&base, &[key("on_vpn")]), x)
            }),
            failover_workspaces: group
                .failover_workspaces
                .map_or(GroupSpec::DEFAULT_FAILOVER_WORKSPACES, |x| {
                    validator.share(at(&base, &[key("failover_workspaces")]), x)
                }),
            client_cache,
            client_resolves,
            start_ms,
            ramp_ms,
            session_ms,
            time_zone_minutes: None,
            behaviour,
            created_in_console: group.created_in_console.unwrap_or(false),
        });
    }
    if raw.is_empty() {
        validator.report(vec![], "no [[users]] defined; allowed: at least one group");
    }
    if total_users > MAX_USERS {
        validator.report(
            vec![key("users")],
            format!("{total_users} users in all; allowed: at most 100,000,000"),
        );
    }
    groups
}

/// Share registered with the FQDN; the rest use a Region code.
fn fqdn_share(validator: &mut Validator, base: &FieldPath, group: &RawUsers) -> f64 {
    let Some(registration) = &group.registration else {
        return GroupSpec::DEFAULT_FQDN_SHARE;
    };
    let path = at(base, &[key("registration")]);
    let fqdn = validator.share(at(&path, &[key("fqdn")]), registration.fqdn.unwrap_or(0.0));
    let region_code = validator.share(
        at(&path, &[key("region_code")]),
        registration.region_code.unwrap_or(0.0),
    );
    validator.shares_sum_to_one(path, &[fqdn, region_code]);
    fqdn
}

/// `major.minor.patch`, missing parts 0.
fn parse_version(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = text.trim().split('.').map(|p| p.parse::<u32>().ok());
    let major = parts.next()??;
    let minor = parts.next().unwrap_or(Some(0))?;
    let patch = parts.next().unwrap_or(Some(0))?;
    Some((major, minor, patch))
}

fn client_versions(
    validator: &mut Validator,
    base: &FieldPath,
    raw: Option<&BTreeMap<String, f64>>,
) -> Vec<ClientVersion> {
    let Some(map) = raw else {
        return vec![ClientVersion {
            version: GroupSpec::DEFAULT_CLIENT_VERSION.into(),
            share: 1.0,
            redirects: true,
        }];
    };
    let mut versions = Vec::new();
    let mut shares = Vec::new();
    for (version, share) in map {
        let path = at(
            base,
            &[key("client_versions"), PathSeg::Name(version.clone())],
        );
        let share = validator.share(path.clone(), *share);
        shares.push(share);
        match parse_version(version) {
            Some(parsed) => versions.push(ClientVersion {
                version: version.clone(),
                share,
                redirects: parsed >= MIN_REDIRECT_CLIENT,
            }),
            None => validator.report(
                path,
                format!("`{version}` is not a version; allowed: dotted numbers such as \"5.22.0\""),
            ),
        }
    }
    if map.is_empty() {
        validator.report(
            at(base, &[key("client_versions")]),
            "give at least one version",
        );
    } else {
        validator.shares_sum_to_one(at(base, &[key("client_versions")]), &shares);
    }
    versions
}

/// `(resolver index, share)`; the only resolver when none is named.
fn group_resolvers(
    validator: &mut Validator,
    base: &FieldPath,
    group: &RawUsers,
    resolvers: &[ResolverSpec],
) -> Vec<(usize, f64)> {
    let Some(map) = &group.resolvers else {
        if resolvers.len() == 1 {
            return vec![(0, 1.0)];
        }
        validator.report(base.clone(), format!("several resolvers are defined; say which this group uses: resolvers = {{ {} = 1.0 }}", resolvers[0].name));
        return Vec::new();
    };
    let mut chosen = Vec::new();
    let mut shares = Vec::new();
    for (name, share) in map {
        let path = at(base, &[key("resolvers"), PathSeg::Name(name.clone())]);
        let share = validator.share(path.clone(), *share);
        shares.push(share);
        if let Some(resolver) = validator.resolver(path, name) {
            chosen.push((resolver, share));
        }
    }
    if map.is_empty() {
        validator.report(at(base, &[key("resolvers")]), "give at least one resolver");
    } else {
        validator.shares_sum_to_one(at(base, &[key("resolvers")]), &shares);
    }
    chosen
}

fn client_cache(validator: &mut Validator, base: &FieldPath, raw: Option<&str>) -> ClientCache {
    match raw {
        None => GroupSpec::DEFAULT_CLIENT_CACHE,
        Some("none") => ClientCache::None,
        Some("honor") => ClientCache::Honor,
        Some(text) => match parse_duration(text) {
            Ok(lifetime) => ClientCache::Fixed(lifetime),
            Err(_) => {
                validator.report(at(base, &[key("client_cache")]), format!("`{text}` is not a client cache; allowed: \"none\", \"honor\" or a fixed lifetime such as \"30s\""));
                ClientCache::None
            }
        },
    }
}

fn client_resolves(
    validator: &mut Validator,
    base: &FieldPath,
    raw: Option<&str>,
) -> ClientResolves {
    match raw {
        None => GroupSpec::DEFAULT_CLIENT_RESOLVES,
        Some("each_login") => ClientResolves::EachLogin,
        Some("restart") => ClientResolves::Restart,
        Some(text) => match parse_duration(text) {
            Ok(lifetime) if lifetime > 0 => ClientResolves::Lifetime(lifetime),
            _ => {
                validator.report(at(base, &[key("client_resolves")]), format!("`{text}` is not a re-resolution rule; allowed: \"each_login\", \"restart\" or a lifetime such as \"15m\""));
                ClientResolves::EachLogin
            }
        },
    }
}

/// `time_zone` and `working_hours`: a group working `09:00-17:00` in its own time zone gets
/// its schedule from `scenario.start`. With the start's local time of day `t0` and the hours
/// `[ws, we)`: before `ws` the group starts at `ws` (session `we - ws`); inside the hours it
/// is at work from time 0 until `we`; after `we` it starts at `ws` the next day. Offsets are
/// fixed (no daylight-saving rules: write the offset in force on the day).
pub(super) fn working_hours(
    validator: &mut Validator,
    raw: &[RawUsers],
    groups: &mut [GroupSpec],
    start: Option<crate::time::Instant>,
) {
    for (i, (group, spec)) in raw.iter().zip(groups.iter_mut()).enumerate() {
        let base = entry("users", i);
        if let Some(tz) = &group.time_zone {
            match crate::time::parse_offset(tz) {
                Ok(minutes) => spec.time_zone_minutes = Some(minutes),
                Err(e) => validator.report(at(&base, &[key("time_zone")]), e),
            }
        }
        let Some(hours) = &group.working_hours else {
            continue;
        };
        let path = at(&base, &[key("working_hours")]);
        let Some(start) = start else {
            validator.report(
                path,
                "needs scenario.start (the instant of time 0) to place the hours",
            );
            continue;
        };
        let schedule = group.schedule.as_ref();
        if schedule.is_some_and(|s| s.start.is_some() || s.session.is_some()) {
            validator.report(
                path.clone(),
                "give either working_hours or schedule.start/schedule.session, not both",
            );
        }
        let Some((ws, we)) = parse_hours(hours) else {
            validator.report(path, format!("`{hours}` is not a span of hours; allowed: \"HH:MM-HH:MM\" with the end after the start, e.g. \"09:00-17:00\""));
            continue;
        };
        let offset = spec.time_zone_minutes.unwrap_or(start.offset_minutes);
        let t0 = start.time_of_day_ms(offset);
        let day = 86_400_000;
        (spec.start_ms, spec.session_ms) = if t0 < ws {
            (ws - t0, we - ws)
        } else if t0 < we {
            (0, we - t0)
        } else {
            (ws + day - t0, we - ws)
        };
    }
}

/// `"09:00-17:00"` -> local milliseconds since midnight `(start, end)`, end after start.
fn parse_hours(text: &str) -> Option<(u64, u64)> {
    let clock = |t: &str| -> Option<u64> {
        let (h, m) = t.trim().split_once(':')?;
        let (h, m): (u64, u64) = (h.parse().ok()?, m.parse().ok()?);
        (h <= 24 && m < 60 && h * 60 + m <= 24 * 60).then_some((h * 60 + m) * 60_000)
    };
    let (a, b) = text.split_once('-')?;
    let (a, b) = (clock(a)?, clock(b)?);
    (b > a).then_some((a, b))
}

/// `(start_ms, ramp_ms, session_ms)`.
fn schedule(
    validator: &mut Validator,
    base: &FieldPath,
    raw: Option<&RawSchedule>,
) -> (u64, u64, u64) {
    let path = at(base, &[key("schedule")]);
    let start_ms = validator.duration_or(
        at(&path, &[key("start")]),
        raw.and_then(|s| s.start.as_ref()),
        GroupSpec::DEFAULT_START_MS,
    );
    let ramp_ms = validator.duration_or(
        at(&path, &[key("ramp")]),
        raw.and_then(|s| s.ramp.as_ref()),
        GroupSpec::DEFAULT_RAMP_MS,
    );
    let session_ms = validator.positive_duration_or(
        at(&path, &[key("session")]),
        raw.and_then(|s| s.session.as_ref()),
        GroupSpec::DEFAULT_SESSION_MS,
    );
    if validator.duration_ms > 0 && start_ms >= validator.duration_ms {
        validator.report(
            at(&path, &[key("start")]),
            "the group starts work after the scenario ends; allowed: before scenario.duration",
        );
    }
    (start_ms, ramp_ms, session_ms)
}

/// `[users.behaviour]`: every key absent falls back to [`Behaviour::default`].
fn behaviour(validator: &mut Validator, base: &FieldPath, raw: Option<&RawBehaviour>) -> Behaviour {
    let default = Behaviour::default();
    let Some(raw) = raw else {
        return default;
    };
    let path = at(base, &[key("behaviour")]);
    let mut behaviour = Behaviour {
        detect_disconnect: validator.dist_or(
            at(&path, &[key("detect_disconnect")]),
            raw.detect_disconnect.as_ref(),
            default.detect_disconnect,
        ),
        resume_window_ms: validator.duration_or(
            at(&path, &[key("resume_window")]),
            raw.resume_window.as_ref(),
            default.resume_window_ms,
        ),
        relogin_delay: validator.dist_or(
            at(&path, &[key("relogin_delay")]),
            raw.relogin_delay.as_ref(),
            default.relogin_delay,
        ),
        ..default.clone()
    };
    if let Some(backoff) = &raw.retry_backoff {
        let backoff_path = at(&path, &[key("retry_backoff")]);
        let initial =
            validator.positive_duration(at(&backoff_path, &[key("initial")]), &backoff.initial);
        let max = validator.positive_duration(at(&backoff_path, &[key("max")]), &backoff.max);
        if let (Some(initial), Some(max)) = (initial, max) {
            if max < initial {
                validator.report(at(&backoff_path, &[key("max")]), "allowed: max >= initial");
            }
            behaviour.backoff_initial_ms = initial;
            behaviour.backoff_max_ms = max.max(initial);
        }
    }
    if let Some(p) = raw.restart_probability {
        behaviour.restart_probability =
            validator.share(at(&path, &[key("restart_probability")]), p);
    }
    if let Some(n) = raw.restart_after_failures {
        if n < 1 {
            validator.report(
                at(&path, &[key("restart_after_failures")]),
                "allowed: 1 or more",
            );
        }
        behaviour.restart_after_failures = n.max(1);
    }
    behaviour.restart_time = validator.dist_or(
        at(&path, &[key("restart_time")]),
        raw.restart_time.as_ref(),
        default.restart_time,
    );
    behaviour.reauth_every_ms = validator.duration_or(
        at(&path, &[key("reauth_every")]),
        raw.reauth_every.as_ref(),
        default.reauth_every_ms,
    );
    behaviour.failed_login_time = validator.dist_or(
        at(&path, &[key("failed_login_time")]),
        raw.failed_login_time.as_ref(),
        default.failed_login_time,
    );
    behaviour.launch_queue_timeout_ms = validator.duration_or(
        at(&path, &[key("launch_queue_timeout")]),
        raw.launch_queue_timeout.as_ref(),
        default.launch_queue_timeout_ms,
    );
    behaviour
}

#[cfg(test)]
mod tests {
    use super::super::{problems_of, BASE};
    use super::parse_version;

    #[test]
    fn versions_are_dotted_numbers_with_missing_parts_zero() {
        assert_eq!(parse_version("3.0.9"), Some((3, 0, 9)));
        assert_eq!(parse_version("5"), Some((5, 0, 0)));
        assert_eq!(parse_version("5.x"), None);
    }

    #[test]
    fn old_clients_do_not_redirect() {
        let text = BASE.replace(
            "count = 10",
            "count = 10\nclient_versions = { \"3.0.8\" = 0.5, \"3.0.9\" = 0.5 }",
        );
        let scenario = crate::scenario::load_str(&text, "t.toml", &[]).unwrap();
        let redirects: Vec<bool> = scenario.groups[0]
            .client_versions
            .iter()
            .map(|v| v.redirects)
            .collect();
        assert_eq!(redirects, [false, true]);
    }

    #[test]
    fn shares_must_sum_to_one() {
        let text = BASE.replace(
            "count = 10",
            "count = 10\nregistration = { fqdn = 0.5, region_code = 0.4 }",
        );
        let problems = problems_of(&text);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "users.staff.registration");
        assert_eq!(
            problems[0].message,
            "shares sum to 0.9; allowed: shares that sum to 1"
        );
    }

    #[test]
    fn a_share_above_one_is_reported_on_its_key() {
        let text = BASE.replace("count = 10", "count = 10\non_vpn = 1.5");
        let problems = problems_of(&text);
        assert_eq!(problems[0].field, "users.staff.on_vpn");
        assert_eq!(
            problems[0].message,
            "1.5 is not a share; allowed: a number from 0 to 1"
        );
    }

    #[test]
    fn a_group_must_say_which_of_several_resolvers_it_uses() {
        let text = format!("{BASE}\n[[resolver]]\nname = \"corp\"\n[[resolver]]\nname = \"isp\"\n");
        let problems = problems_of(&text);
        assert_eq!(problems[0].field, "users.staff");
        assert_eq!(
            problems[0].message,
            "several resolvers are defined; say which this group uses: resolvers = { corp = 1.0 }"
        );
    }

    #[test]
    fn a_client_cache_is_none_honor_or_a_lifetime() {
        let text = BASE.replace("count = 10", "count = 10\nclient_cache = \"forever\"");
        let problems = problems_of(&text);
        assert_eq!(problems[0].field, "users.staff.client_cache");
        assert!(problems[0]
            .message
            .starts_with("`forever` is not a client cache"));
    }

    #[test]
    fn behaviour_checks_back_off_and_restart_limits() {
        let text = format!("{BASE}\n[users.behaviour]\nretry_backoff = {{ initial = \"5m\", max = \"30s\" }}\nrestart_after_failures = 0\n");
        let problems = problems_of(&text);
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "users.staff.behaviour.retry_backoff.max",
                "users.staff.behaviour.restart_after_failures"
            ]
        );
    }

    #[test]
    fn a_group_starting_after_the_end_is_reported() {
        let text = BASE.replace("count = 10", "count = 10\nschedule = { start = \"2h\" }");
        let problems = problems_of(&text);
        assert_eq!(problems[0].field, "users.staff.schedule.start");
    }
}

#[cfg(test)]
mod clock_tests {
    use super::super::{problems_of, BASE};

    /// BASE starting 2026-03-02 09:00 Pacific, with a second group `london`.
    fn with_start(london: &str) -> String {
        BASE.replace(
            "duration = \"1h\"",
            "duration = \"1h\"\nstart = \"2026-03-02T09:00:00-08:00\"",
        ) + &format!("[[users]]\nname = \"london\"\ncount = 5\nhome = \"east\"\n{london}\n")
    }

    #[test]
    fn working_hours_are_placed_in_each_groups_time_zone() {
        const H: u64 = 3_600_000;
        let load =
            |london: &str| crate::scenario::load_str(&with_start(london), "t.toml", &[]).unwrap();
        // 09:00 Pacific is 17:00 in London: a 09:00-17:00 day there starts tomorrow, in 16 h.
        let s = load("time_zone = \"+00:00\"\nworking_hours = \"09:00-17:00\"");
        let london = s.groups.iter().find(|g| g.name == "london").unwrap();
        assert_eq!((london.start_ms, london.session_ms), (16 * H, 8 * H));
        // An evening shift in London is under way: at work from time 0 until 22:00.
        let s = load("time_zone = \"+00:00\"\nworking_hours = \"14:00-22:00\"");
        let london = s.groups.iter().find(|g| g.name == "london").unwrap();
        assert_eq!((london.start_ms, london.session_ms), (0, 5 * H));
        // Without a time zone, the start's offset: 10:00-18:00 Pacific starts in 1 h.
        let s = load("working_hours = \"10:00-18:00\"");
        let london = s.groups.iter().find(|g| g.name == "london").unwrap();
        assert_eq!((london.start_ms, london.session_ms), (H, 8 * H));
    }

    #[test]
    fn working_hours_need_a_start_and_well_formed_hours() {
        let no_start = format!("{BASE}[[users]]\nname = \"x\"\ncount = 1\nhome = \"west\"\nworking_hours = \"09:00-17:00\"\n");
        let problems = problems_of(&no_start);
        assert_eq!(problems[0].field, "users.x.working_hours");
        assert!(problems[0].message.starts_with("needs scenario.start"));
        let problems = problems_of(&with_start(
            "working_hours = \"17:00-09:00\"\ntime_zone = \"UTC\"",
        ));
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert!(fields.contains(&"users.london.working_hours"), "{fields:?}");
        assert!(fields.contains(&"users.london.time_zone"), "{fields:?}");
        let bad_start = BASE.replace(
            "duration = \"1h\"",
            "duration = \"1h\"\nstart = \"2026-03-02 09:00\"",
        );
        assert_eq!(problems_of(&bad_start)[0].field, "scenario.start");
    }
}
