//! The swimlane chart's input: the traced users' lanes, labelled with cohort and downtime.

use super::*;

/// With more lanes than the chart draws (`max`, the first ones), moves forward the lanes
/// that keep every cohort the traced users cover in view: greedily, each lane that brings a
/// cohort (of any dimension) no chosen lane is in, then the others in order, until `max`.
/// The chosen lanes come first, in their order, then the rest, in theirs. Without this, the
/// users traced to cover a cohort could fall past the limit.
pub(super) fn keep_every_cohort_in_view<T>(report: &Report, lanes: &mut Vec<(u32, T)>, max: usize) {
    if lanes.len() <= max {
        return;
    }
    let cohorts_of = |user: u32| -> Vec<(Dimension, &str)> {
        report.users.get(user as usize).map_or(Vec::new(), |u| {
            let m = &report.membership;
            Dimension::ALL.iter().map(|&d| (d, m.value(d, u))).collect()
        })
    };
    let mut covered: Vec<(Dimension, &str)> = Vec::new();
    let mut chosen = vec![false; lanes.len()];
    let mut count = 0;
    for (i, (user, _)) in lanes.iter().enumerate() {
        let new: Vec<_> = cohorts_of(*user)
            .into_iter()
            .filter(|c| !covered.contains(c))
            .collect();
        if !new.is_empty() && count < max {
            covered.extend(new);
            chosen[i] = true;
            count += 1;
        }
    }
    for c in chosen.iter_mut().filter(|c| !**c) {
        if count == max {
            break;
        }
        *c = true;
        count += 1;
    }
    let all = std::mem::take(lanes);
    let (mut first, rest): (Vec<_>, Vec<_>) =
        all.into_iter().zip(chosen).partition(|(_, keep)| *keep);
    first.extend(rest);
    lanes.extend(first.into_iter().map(|(lane, _)| lane));
}

/// A short name of a `redirect` cohort, for legends and lane labels (cut at about 300 px).
pub(super) fn redirect_label(report: &Report, cohort: &Cohort) -> String {
    match cohort.value.as_str() {
        "region_code" => "Region code".to_string(),
        "old_client" => "client < 3.0.9".to_string(),
        "no_failover_workspace" => "no failover WorkSpace".to_string(),
        "off_vpn" => "off the VPN".to_string(),
        _ => report.membership.label(cohort),
    }
}

/// A lane's label: the user, their downtime (`never back` first when they were still down
/// at the end, so that a cut label keeps it), their `redirect` cohort, and their cohorts of
/// `dimensions` (those in which the traced users differ): `user 17 · down 9m 51s ·
/// redirectable · staff · corp`.
pub(super) fn lane_label(report: &Report, user: u32, dimensions: &[Dimension]) -> String {
    let Some(record) = report.users.get(user as usize) else {
        return format!("user {user}");
    };
    let cohort = Cohort {
        dimension: Dimension::Redirect,
        value: report.membership.redirect(record).to_string(),
    };
    let downtime = if !record.affected() {
        "not affected".to_string()
    } else if record.reconnect_ms.is_none() {
        format!("never back, {}+", format_ms(record.downtime_ms))
    } else {
        format!("down {}", format_ms(record.downtime_ms))
    };
    let mut label = format!(
        "user {user} · {downtime} · {}",
        redirect_label(report, &cohort)
    );
    for &d in dimensions {
        label.push_str(" · ");
        label.push_str(report.membership.value(d, record));
    }
    label
}

/// The dimensions (besides `redirect`) in which the traced `users` are not all alike, in
/// `cohorts.csv` order but registration, which `redirect` already tells.
pub(super) fn differing_dimensions(report: &Report, users: &[u32]) -> Vec<Dimension> {
    [
        Dimension::Group,
        Dimension::Home,
        Dimension::Client,
        Dimension::Resolver,
    ]
    .into_iter()
    .filter(|&d| {
        let mut values = users
            .iter()
            .filter_map(|&u| report.users.get(u as usize))
            .map(|r| report.membership.value(d, r));
        values
            .next()
            .is_some_and(|first| values.any(|v| v != first))
    })
    .collect()
}

/// Swimlanes of the traced users, from their client state changes.
pub fn users(report: &Report, window: Window) -> UsersInput {
    let mut lanes: Vec<(u32, Lane)> = Vec::new();
    for e in &report.timeline {
        let Observation::ClientStateChanged {
            user,
            state,
            region,
        } = e.observation
        else {
            continue;
        };
        let state = match state {
            ClientState::Connected => LaneState::Connected,
            ClientState::Disconnected => LaneState::Disconnected,
            ClientState::LoggingIn | ClientState::Launching => LaneState::LoggingIn,
            ClientState::Queued => LaneState::Queued,
            ClientState::Misdirected => LaneState::Misdirected,
            ClientState::Waiting => LaneState::Waiting,
            ClientState::Offline | ClientState::Done => LaneState::Offline,
        };
        let lane = match lanes.iter_mut().position(|(u, _)| *u == user) {
            Some(i) => &mut lanes[i].1,
            None => {
                lanes.push((
                    user,
                    Lane {
                        label: String::new(),
                        segments: Vec::new(),
                    },
                ));
                &mut lanes.last_mut().expect("just pushed").1
            }
        };
        if let Some(last) = lane.segments.last_mut() {
            last.end_ms = e.time_ms;
        }
        lane.segments.push(LaneSegment {
            start_ms: e.time_ms,
            end_ms: report.duration_ms,
            state,
            region: match region {
                Some(r) if state == LaneState::Connected => {
                    Some(report.regions[r as usize].clone())
                }
                _ => None,
            },
        });
    }
    for (_, lane) in &mut lanes {
        lane.segments.retain(|s| s.end_ms > s.start_ms);
    }
    // Lanes of one cohort together, in the order of REDIRECT_VALUES, then by user.
    let cohort_rank = |user: u32| {
        report.users.get(user as usize).map_or(usize::MAX, |u| {
            let value = report.membership.redirect(u);
            REDIRECT_VALUES
                .iter()
                .position(|v| *v == value)
                .unwrap_or(usize::MAX)
        })
    };
    lanes.sort_by_key(|(id, _)| (cohort_rank(*id), *id));
    keep_every_cohort_in_view(report, &mut lanes, crate::chart::MAX_LANES);
    let ids: Vec<u32> = lanes.iter().map(|(id, _)| *id).collect();
    let dimensions = differing_dimensions(report, &ids);
    for (id, lane) in &mut lanes {
        lane.label = lane_label(report, *id, &dimensions);
    }
    UsersInput {
        clock: report.start,
        title: format!("Traced users: {}", report.scenario),
        lanes: lanes.into_iter().map(|(_, l)| l).collect(),
        duration_ms: window.end_ms,
        start_ms: window.start_ms,
        faults: faults(report),
        regions: report.regions.clone(),
    }
}
