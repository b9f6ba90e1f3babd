//! The data-age chart: shares, the age axis, edge cases and what the SVG says.

use super::*;

#[test]
fn shares_round_half_up_and_never_hide_a_user() {
    assert_eq!(share_text(973, 2_000), "49 %");
    assert_eq!(share_text(1, 200), "1 %");
    assert_eq!(share_text(1, 1_000), "< 1 %");
    assert_eq!(share_text(999, 1_000), "> 99 %");
    assert_eq!(share_text(0, 1_000), "0 %");
    assert_eq!(share_text(5, 5), "100 %");
    assert_eq!(share_text(0, 0), "0 %");
}

#[test]
fn the_age_axis_ticks_whole_hours_past_the_oldest_data_and_the_rpo() {
    let (ts, step) = age_scale(24 * HOUR_MS, (100, 1_400));
    assert_eq!(step % HOUR_MS, 0);
    assert!(ts.end_ms > 24 * HOUR_MS && ts.end_ms % step == 0);
    let (ts, step) = age_scale(10 * 60_000, (100, 1_400));
    assert_eq!((step, ts.end_ms), (HOUR_MS, 2 * HOUR_MS));
    // An objective at a whole step is not drawn on the plot's edge.
    let (ts, step) = age_scale(24 * HOUR_MS - 6_000, (100, 1_400));
    assert!(ts.end_ms >= 24 * HOUR_MS + step / 2, "{}", ts.end_ms);
}

const H: u64 = HOUR_MS;

fn sample(ages_ms: Vec<u64>, over_rpo: u64, without_data: u64) -> DataAgeInput {
    DataAgeInput {
        title: "Data age on standby WorkSpaces (seed 1): sample".to_string(),
        ages_ms,
        over_rpo,
        without_data,
        cohorts: vec![],
        rpos: vec![RpoLine {
            at_ms: 18 * H,
            label: "RPO 18h · 50 % over it".to_string(),
        }],
    }
}

fn svg_of(input: &DataAgeInput) -> String {
    crate::chart::kit::register_font().unwrap();
    crate::chart::svg_string(input).unwrap()
}

/// The pale fill behind ages past the objective, as the SVG writes it.
fn over_rpo_fill() -> String {
    let plotters::style::RGBColor(r, g, b) = OVER_RPO_FILL;
    format!("#{r:02X}{g:02X}{b:02X}")
}

#[test]
fn the_svg_states_the_figures_the_lines_and_the_users_left_out() {
    let input = sample(vec![20 * H, 13 * H, 22 * H, 14 * H], 2, 3);
    let svg = svg_of(&input);
    for text in [
        "4 redirected users arrived on replicated data · max 22h 00m 00s · 2 (50 %) older than the RPO · 3 redirected without their data (not shown)",
        "p50 = 14h",
        "p95 = 22h",
        "RPO 18h · 50 % over it",
        "age of the replicated data when the user arrived (hours)",
    ] {
        assert!(svg.contains(text), "no {text:?} in the SVG");
    }
    assert!(
        svg.contains(&over_rpo_fill()),
        "ages past the RPO are shaded"
    );
    let svg = svg_of(&sample(vec![13 * H, 14 * H], 0, 0));
    assert!(svg.contains("max 14h 00m 00s · none older than the RPO"));
    let svg = svg_of(&sample(vec![20 * H], 1, 0));
    assert!(svg.contains("1 redirected user arrived"));
    assert!(svg.contains("p50 = p95 = 20h") && !svg.contains("without"));
}

#[test]
fn several_objectives_are_each_drawn_and_none_is_shaded() {
    let mut input = sample(vec![13 * H, 20 * H], 1, 0);
    input.rpos = vec![
        RpoLine {
            at_ms: 12 * H,
            label: "RPO us-east-1 12h".to_string(),
        },
        RpoLine {
            at_ms: 18 * H,
            label: "RPO eu-west-1 18h".to_string(),
        },
    ];
    let svg = svg_of(&input);
    assert!(svg.contains("RPO us-east-1 12h") && svg.contains("RPO eu-west-1 18h"));
    assert!(!svg.contains(&over_rpo_fill()));
}

#[test]
fn cohorts_get_a_legend_only_when_there_are_two() {
    let mut input = sample(vec![13 * H, 20 * H, 21 * H], 2, 0);
    input.cohorts = vec![AgeCurve {
        label: "home us-west-2".to_string(),
        ages_ms: vec![13 * H, 20 * H, 21 * H],
        slot: 0,
    }];
    assert!(!svg_of(&input).contains("home us-west-2"));
    input.cohorts = vec![
        AgeCurve {
            label: "home us-west-2".to_string(),
            ages_ms: vec![13 * H, 20 * H],
            slot: 0,
        },
        AgeCurve {
            label: "home eu-west-1".to_string(),
            ages_ms: vec![21 * H],
            slot: 2,
        },
    ];
    let svg = svg_of(&input);
    for text in ["all (3)", "home us-west-2 (2)", "home eu-west-1 (1)"] {
        assert!(svg.contains(text), "no {text:?} in the legend");
    }
}

#[test]
fn data_age_edge_cases_render_without_panicking() {
    use crate::chart::tests::{edge_case_dir, render_both};
    let (_temp, dir, keep) = edge_case_dir();
    let dir = dir.as_path();
    for (name, ages_ms) in [
        ("data-age-empty", vec![]),
        ("data-age-one", vec![90_000]),
        ("data-age-zeros", vec![0, 0, 0]),
        ("data-age-huge", vec![u64::MAX / 2, 1]),
        (
            "data-age-many",
            (0..20_000u64).map(|k| 12 * H + k * 37 % (12 * H)).collect(),
        ),
    ] {
        let n = ages_ms.len() as u64;
        render_both(&sample(ages_ms, n / 2, 1), name, dir, keep);
    }
    let mut no_rpo = sample(vec![5 * H], 0, 0);
    no_rpo.rpos.clear();
    render_both(&no_rpo, "data-age-no-rpo", dir, keep);
    let svg = svg_of(&sample(vec![], 0, 4));
    assert!(svg.contains("no redirected user arrived on replicated data"));
}
