//! The data-age chart's input: how old the replicated data was that redirected users found
//! on their Multi-Region Resilience standby WorkSpace, against each Region's `rpo`.

use super::*;
use crate::chart::{share_text, AgeCurve, DataAgeInput, RpoLine};
use crate::time::format_hours_minutes;

/// The CDF of the age of the data redirected users arrived on (users off the VPN of a
/// private zone left out, as in the summary), with the RPO lines, and a curve per home
/// Region, or else per group, when users with data come from more than one. `None` when no
/// user arrived on replicated data: the chart is drawn only for runs that need it.
pub fn data_age(report: &Report) -> Option<DataAgeInput> {
    let with_data: Vec<(&UserRecord, u64)> = report
        .users
        .iter()
        .filter(|u| !report.membership.unrelated(u))
        .filter_map(|u| u.data_age_ms.map(|age| (u, age)))
        .collect();
    if with_data.is_empty() {
        return None;
    }
    let count = |m: Metric| report.summary.get(m).unwrap_or(0.0) as u64;
    let over_rpo = count(Metric::UsersOverRpo);
    Some(DataAgeInput {
        title: format!(
            "Data age on standby WorkSpaces (seed {}): {}",
            report.seed, report.scenario
        ),
        ages_ms: with_data.iter().map(|&(_, age)| age).collect(),
        over_rpo,
        without_data: count(Metric::UsersRedirectedWithoutData),
        cohorts: age_cohorts(report, &with_data),
        rpos: rpo_lines(report, over_rpo, with_data.len() as u64),
    })
}

/// One curve per home Region when the users with data come from several, else one per
/// group when from several groups, else none (the curve of all users says it all).
fn age_cohorts(report: &Report, with_data: &[(&UserRecord, u64)]) -> Vec<AgeCurve> {
    let by = |key: fn(&UserRecord) -> usize, names: &[String], what: &str| -> Vec<AgeCurve> {
        names
            .iter()
            .enumerate()
            .map(|(slot, name)| AgeCurve {
                label: format!("{what} {name}"),
                ages_ms: with_data
                    .iter()
                    .filter(|(u, _)| key(u) == slot)
                    .map(|&(_, age)| age)
                    .collect(),
                slot,
            })
            .filter(|c| !c.ages_ms.is_empty())
            .collect()
    };
    let homes = by(|u| usize::from(u.home), &report.regions, "home");
    if homes.len() > 1 {
        return homes;
    }
    let groups = by(|u| usize::from(u.group), &report.groups, "group");
    if groups.len() > 1 {
        return groups;
    }
    Vec::new()
}

/// A line at each distinct `rpo` of the Regions with data replication. With one objective
/// its label gives the share of users past it (`RPO 18h · 49 % over it`); with several it
/// names their Regions, and the subtitle gives the count over all of them (the report does
/// not keep which Region each user's data was in).
fn rpo_lines(report: &Report, over_rpo: u64, users: u64) -> Vec<RpoLine> {
    let mut objectives: Vec<(u64, Vec<&str>)> = Vec::new();
    for (name, rpo) in report.regions.iter().zip(&report.replication_rpo_ms) {
        let Some(rpo) = *rpo else { continue };
        match objectives.iter_mut().find(|(at, _)| *at == rpo) {
            Some((_, names)) => names.push(name),
            None => objectives.push((rpo, vec![name])),
        }
    }
    objectives.sort_by_key(|(at, _)| *at);
    let single = objectives.len() == 1;
    objectives
        .into_iter()
        .map(|(at_ms, names)| RpoLine {
            at_ms,
            label: if single {
                let share = match over_rpo {
                    0 => "none".to_string(),
                    _ => share_text(over_rpo, users),
                };
                format!("RPO {} · {share} over it", format_hours_minutes(at_ms))
            } else {
                format!("RPO {} {}", names.join(", "), format_hours_minutes(at_ms))
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{fixture, summary};

    const H: u64 = 3_600_000;

    /// The fixture's report with data ages: users 1 and 2 (redirected to `east`) arrived on
    /// data 20 h and 13 h old, a fourth user was redirected without data; `east` has data
    /// replication with an 18 h objective, and the simulation counted one user over it.
    fn report_with_ages() -> Report {
        let mut report = fixture::report("outage", "ignore-check");
        report.users[1].data_age_ms = Some(20 * H);
        report.users[2].data_age_ms = Some(13 * H);
        report.users.push(fixture::user(0, true));
        report.replication_rpo_ms = vec![None, Some(18 * H)];
        report.control.users_over_rpo = 1;
        report.summary = summary::summarize(42, &report.users, &report.control, &|_| false);
        report
    }

    #[test]
    fn no_user_on_replicated_data_draws_no_chart() {
        assert_eq!(data_age(&fixture::report("outage", "ignore-check")), None);
    }

    #[test]
    fn the_chart_is_over_users_on_replicated_data_against_the_rpo() {
        let input = data_age(&report_with_ages()).expect("two users have a data age");
        assert_eq!(input.ages_ms, vec![20 * H, 13 * H]);
        assert_eq!((input.over_rpo, input.without_data), (1, 1));
        assert_eq!(
            input.rpos,
            vec![RpoLine {
                at_ms: 18 * H,
                label: "RPO 18h · 50 % over it".to_string()
            }]
        );
        // One home Region and one group: the curve of all users says it all.
        assert!(input.cohorts.is_empty());
        assert!(input.title.contains("(seed 42): hand-built"));
        let mut report = report_with_ages();
        report.control.users_over_rpo = 0;
        report.summary = summary::summarize(42, &report.users, &report.control, &|_| false);
        let input = data_age(&report).unwrap();
        assert_eq!(input.rpos[0].label, "RPO 18h · none over it");
    }

    #[test]
    fn home_regions_or_else_groups_get_a_curve_each() {
        let mut report = report_with_ages();
        report.groups.push("contractors".into());
        report.users[2].group = 1;
        let curves = |report: &Report| {
            data_age(report)
                .unwrap()
                .cohorts
                .into_iter()
                .map(|c| (c.label, c.ages_ms, c.slot))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            curves(&report),
            [
                ("group staff".to_string(), vec![20 * H], 0),
                ("group contractors".to_string(), vec![13 * H], 1),
            ]
        );
        report.users[2].home = 1;
        assert_eq!(
            curves(&report),
            [
                ("home west".to_string(), vec![20 * H], 0),
                ("home east".to_string(), vec![13 * H], 1),
            ]
        );
    }

    #[test]
    fn different_objectives_are_named_by_their_regions() {
        let mut report = report_with_ages();
        report.regions.push("north".into());
        report.replication_rpo_ms = vec![Some(24 * H), Some(12 * H), Some(24 * H)];
        let labels: Vec<(u64, String)> = data_age(&report)
            .unwrap()
            .rpos
            .into_iter()
            .map(|r| (r.at_ms, r.label))
            .collect();
        assert_eq!(
            labels,
            [
                (12 * H, "RPO east 12h".to_string()),
                (24 * H, "RPO west, north 24h".to_string()),
            ]
        );
    }
}
