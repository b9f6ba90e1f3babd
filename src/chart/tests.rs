//! Tests of all three run charts together, on made-up but realistic inputs: determinism,
//! size, visible data, SVG text, edge cases and error messages.

use std::path::{Path, PathBuf};

use plotters::style::RGBColor;

use super::downtime::percentile_ms;
use super::kit::{thousands, HEIGHT};
use super::palette::{
    CDF_LINE, DISCONNECTED_COLOUR, OFFLINE_COLOUR, REGION_COLOURS, WAITING_COLOUR,
};
use super::*;
use crate::time::format_duration_whole_seconds;

/// splitmix64: a fixed, dependency-free mixer for made-up test data.
fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn uniform(seed: u64, lo: u64, hi: u64) -> u64 {
    lo + mix(seed) % (hi - lo + 1)
}

const MIN: u64 = 60_000;
const OUTAGE_START: u64 = 60 * MIN;
const OUTAGE_END: u64 = 105 * MIN;
const DNS_FAILOVER: u64 = OUTAGE_START + 100_000;
const DNS_FAILBACK: u64 = OUTAGE_END + 100_000;
const DURATION: u64 = 360 * MIN;

/// One made-up user: segments over the whole run and the downtime (if affected).
fn sample_user(i: u64) -> (Vec<LaneSegment>, Option<u64>) {
    let seg = |start_ms, end_ms, state, region: Option<&str>| LaneSegment {
        start_ms,
        end_ms,
        state,
        region: region.map(str::to_string),
    };
    let start = uniform(i * 8 + 1, 0, 30 * MIN);
    let login = uniform(i * 8 + 2, 30_000, 120_000);
    let mut segments = vec![
        seg(0, start, LaneState::Offline, None),
        seg(start, start + login, LaneState::LoggingIn, None),
    ];
    let connected = start + login;
    if connected >= OUTAGE_START {
        segments.push(seg(
            connected,
            DURATION,
            LaneState::Connected,
            Some("us-west-2"),
        ));
        return (segments, None);
    }
    segments.push(seg(
        connected,
        OUTAGE_START,
        LaneState::Connected,
        Some("us-west-2"),
    ));
    let notice = OUTAGE_START + uniform(i * 8 + 3, 5_000, 30_000);
    segments.push(seg(OUTAGE_START, notice, LaneState::Disconnected, None));
    let category = mix(i * 8 + 4) % 100;
    let relogin_login = uniform(i * 8 + 5, 40_000, 120_000);
    let (waiting_until, region) = if category < 78 {
        // Re-logs in after the DNS change: a skewed think time of 20 s to 8 min.
        let think = uniform(i * 8 + 6, 20_000, 8 * MIN).min(uniform(i * 8 + 7, 20_000, 8 * MIN));
        (DNS_FAILOVER.max(notice) + think, "us-east-1")
    } else if category < 93 {
        // Behind a resolver that extends TTLs: failed logins until the answer expires.
        (
            OUTAGE_START + uniform(i * 8 + 6, 10 * MIN, 30 * MIN),
            "us-east-1",
        )
    } else {
        // Region-code registration or no WorkSpace in us-east-1: back after recovery.
        (
            OUTAGE_END + uniform(i * 8 + 6, 30_000, 5 * MIN),
            "us-west-2",
        )
    };
    segments.push(seg(notice, waiting_until, LaneState::Waiting, None));
    let back = waiting_until + relogin_login;
    segments.push(seg(waiting_until, back, LaneState::LoggingIn, None));
    segments.push(seg(back, DURATION, LaneState::Connected, Some(region)));
    (segments, Some(back - OUTAGE_START))
}

fn sample_faults() -> Vec<FaultWindow> {
    vec![FaultWindow {
        start_ms: OUTAGE_START,
        end_ms: OUTAGE_END,
        label: "us-west-2 outage (sessions, logins, endpoint)".to_string(),
    }]
}

fn sample_inputs() -> (TimelineInput, DowntimeInput, UsersInput) {
    const USERS: u64 = 2_000;
    const STEP: u64 = 10_000;
    let times_ms: Vec<u64> = (0..=DURATION / STEP).map(|k| k * STEP).collect();
    let mut counts = vec![[0u32; 5]; times_ms.len()];
    let mut downtimes_ms = Vec::new();
    let mut lanes = Vec::new();
    let traced = [
        3, 150, 420, 777, 901, 1_024, 1_234, 1_500, 1_666, 1_818, 1_950, 1_999,
    ];
    for i in 0..USERS {
        let (segments, downtime) = sample_user(i);
        downtimes_ms.extend(downtime);
        for s in &segments {
            let band = match (s.state, s.region.as_deref()) {
                (LaneState::Connected, Some("us-west-2")) => 0,
                (LaneState::Connected, _) => 1,
                (LaneState::Disconnected | LaneState::Waiting | LaneState::Misdirected, _) => 2,
                (LaneState::LoggingIn | LaneState::Queued, _) => 3,
                (LaneState::Offline, _) => 4,
            };
            let first = s.start_ms.div_ceil(STEP) as usize;
            // A segment running to the end also covers the sample at the very end.
            let last = if s.end_ms >= DURATION {
                times_ms.len()
            } else {
                s.end_ms.div_ceil(STEP) as usize
            };
            for c in &mut counts[first..last] {
                c[band] += 1;
            }
        }
        if traced.contains(&i) {
            let group = if i % 3 == 0 { "contractors" } else { "staff" };
            lanes.push(Lane {
                label: format!("user {i} ({group})"),
                segments,
            });
        }
    }
    let labels = [
        "connected us-west-2",
        "connected us-east-1",
        "disconnected",
        "logging in",
        "offline",
    ];
    let bands = labels
        .iter()
        .enumerate()
        .map(|(b, label)| StackedSeries {
            label: label.to_string(),
            values: counts.iter().map(|c| c[b]).collect(),
        })
        .collect();
    let mut sorted = downtimes_ms.clone();
    sorted.sort_unstable();
    let p95 = percentile_ms(&sorted, 950).unwrap_or(0);
    let marker = |at_ms, kind, label: &str| Marker {
        at_ms,
        kind,
        label: label.to_string(),
    };
    let timeline = TimelineInput {
        clock: None,
        title: "WorkSpaces cross-Region redirection: us-west-2 -> us-east-1".to_string(),
        subtitle: format!(
            "seed 7 · {} users · {} affected · downtime p95 {} · DNS failover 1m 40s after the fault",
            thousands(USERS),
            thousands(sorted.len() as u64),
            format_duration_whole_seconds(p95)
        ),
        times_ms,
        bands,
        faults: sample_faults(),
        markers: vec![
            marker(OUTAGE_START + 60_000, MarkerKind::Alarm, "primary-down ALARM"),
            marker(OUTAGE_START + 90_000, MarkerKind::HealthCheck, "primary unhealthy"),
            marker(DNS_FAILOVER, MarkerKind::DnsAnswer, "DNS -> us-east-1"),
            marker(OUTAGE_END + 60_000, MarkerKind::Alarm, "primary-down OK"),
            marker(OUTAGE_END + 90_000, MarkerKind::HealthCheck, "primary healthy"),
            marker(DNS_FAILBACK, MarkerKind::DnsAnswer, "DNS -> us-west-2"),
        ],
        duration_ms: DURATION,
        start_ms: 0,
    };
    let (slow, fast): (Vec<u64>, Vec<u64>) = downtimes_ms.iter().partition(|&&d| d > 20 * 60_000);
    let downtime = DowntimeInput {
        title: "Downtime of affected users: us-west-2 outage, seed 7".to_string(),
        downtimes_ms,
        censored: 2,
        cohorts: vec![
            crate::chart::CohortCurve {
                label: "redirectable".to_string(),
                downtimes_ms: fast,
                slot: 3,
            },
            crate::chart::CohortCurve {
                label: "not redirectable: Region code".to_string(),
                downtimes_ms: slow,
                slot: 0,
            },
        ],
        targets: vec![crate::chart::DowntimeTarget {
            at_ms: 10 * 60_000,
            label: "expect downtime_p95_ms <= 10m".to_string(),
        }],
    };
    let users = UsersInput {
        clock: None,
        title: "Traced users: us-west-2 outage, seed 7".to_string(),
        lanes,
        duration_ms: DURATION,
        start_ms: 0,
        faults: sample_faults(),
        regions: vec!["us-west-2".to_string(), "us-east-1".to_string()],
    };
    (timeline, downtime, users)
}

fn render_any(chart: &Chart3, format: ImageFormat, path: &Path) -> Result<(), ChartError> {
    match chart {
        Chart3::Timeline(c) => render_timeline(c, format, path),
        Chart3::Downtime(c) => render_downtime(c, format, path),
        Chart3::Users(c) => render_users(c, format, path),
    }
}

enum Chart3 {
    Timeline(TimelineInput),
    Downtime(DowntimeInput),
    Users(UsersInput),
}

fn sample_charts() -> Vec<(&'static str, Chart3)> {
    let (timeline, downtime, users) = sample_inputs();
    vec![
        ("timeline", Chart3::Timeline(timeline)),
        ("downtime", Chart3::Downtime(downtime)),
        ("users", Chart3::Users(users)),
    ]
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "IHDR is the first chunk");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

/// Writes the sample charts for people to look at:
/// `cargo test -- --ignored write_sample_charts` (directory from
/// `FAILSIM_CHARTS_OUT`, default `/tmp/charts-out`).
#[test]
#[ignore = "writes sample charts outside the build tree"]
fn write_sample_charts() {
    let dir = std::env::var_os("FAILSIM_CHARTS_OUT")
        .map_or_else(|| PathBuf::from("/tmp/charts-out"), PathBuf::from);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, chart) in sample_charts() {
        for format in [ImageFormat::Svg, ImageFormat::Png] {
            let path = dir.join(format!("{name}.{}", format.extension()));
            render_any(&chart, format, &path).unwrap();
        }
    }
}

#[test]
fn every_chart_is_byte_identical_when_rendered_twice_and_slide_sized() {
    let dir = tempfile::tempdir().unwrap();
    for (name, chart) in sample_charts() {
        for format in [ImageFormat::Svg, ImageFormat::Png] {
            let ext = format.extension();
            let first = dir.path().join(format!("{name}-1.{ext}"));
            let second = dir.path().join(format!("{name}-2.{ext}"));
            render_any(&chart, format, &first).unwrap();
            render_any(&chart, format, &second).unwrap();
            let (a, b) = (
                std::fs::read(&first).unwrap(),
                std::fs::read(&second).unwrap(),
            );
            assert!(a.len() > 1_000, "{name}.{ext} is suspiciously small");
            assert!(a == b, "{name}.{ext} differs between two renders");
            if format == ImageFormat::Png {
                let (w, h) = png_size(&a);
                assert_eq!(w, 1600, "{name} width");
                assert!(h >= 600, "{name} height {h}");
            } else {
                let svg = String::from_utf8(a).unwrap();
                assert!(svg.starts_with("<svg") && svg.contains(r#"width="1600""#));
            }
        }
    }
}

#[test]
fn charts_show_the_data() {
    register_font().unwrap();
    let (timeline, downtime, users) = sample_inputs();
    let share_of = |pixels: &[u8], colour: RGBColor| {
        let hits = pixels
            .chunks_exact(3)
            .filter(|p| p[0] == colour.0 && p[1] == colour.1 && p[2] == colour.2)
            .count();
        hits as f64 / (pixels.len() / 3) as f64
    };
    let non_white = |pixels: &[u8]| {
        let hits = pixels
            .chunks_exact(3)
            .filter(|p| p != &[255, 255, 255])
            .count();
        hits as f64 / (pixels.len() / 3) as f64
    };
    let pixels = rgb_pixels(&timeline).unwrap();
    assert!(
        share_of(&pixels, REGION_COLOURS[0]) > 0.05,
        "us-west-2 band visible"
    );
    assert!(
        share_of(&pixels, REGION_COLOURS[1]) > 0.05,
        "us-east-1 band visible"
    );
    assert!(
        share_of(&pixels, DISCONNECTED_COLOUR) > 0.001,
        "disconnected visible"
    );
    assert!(share_of(&pixels, OFFLINE_COLOUR) > 0.01, "offline visible");
    assert!(non_white(&pixels) > 0.4);
    let pixels = rgb_pixels(&downtime).unwrap();
    assert!(share_of(&pixels, CDF_LINE) > 0.001, "CDF line visible");
    assert!(non_white(&pixels) > 0.02);
    let pixels = rgb_pixels(&users).unwrap();
    assert!(
        share_of(&pixels, WAITING_COLOUR) > 0.001,
        "waiting segments visible"
    );
    assert!(
        share_of(&pixels, REGION_COLOURS[1]) > 0.01,
        "us-east-1 segments visible"
    );
    // Text is drawn: the title row is not blank.
    let title_row = &pixels[1600 * 3 * 30..1600 * 3 * 31];
    assert!(non_white(title_row) > 0.0, "title drawn");
}

#[test]
fn svg_names_the_font_and_carries_the_labels() {
    let dir = tempfile::tempdir().unwrap();
    let (timeline, downtime, _) = sample_inputs();
    let path = dir.path().join("timeline.svg");
    render_timeline(&timeline, ImageFormat::Svg, &path).unwrap();
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.contains(r#"font-family="DejaVu Sans, sans-serif""#));
    assert!(
        svg.contains("1:01:40 DNS -&gt; us-east-1"),
        "marker label with time"
    );
    assert!(svg.contains("us-west-2 outage (sessions, logins, endpoint) 1:00–1:45"));
    assert!(
        svg.contains(">\n3:00\n<") || svg.contains("3:00"),
        "h:mm ticks"
    );
    let path = dir.path().join("downtime.svg");
    render_downtime(&downtime, ImageFormat::Svg, &path).unwrap();
    let svg = std::fs::read_to_string(&path).unwrap();
    for p in ["p50 = ", "p95 = ", "p99 = "] {
        assert!(svg.contains(p), "{p} label");
    }
    let one = DowntimeInput {
        title: "one".to_string(),
        downtimes_ms: vec![90_000],
        censored: 0,
        cohorts: vec![],
        targets: vec![],
    };
    render_downtime(&one, ImageFormat::Svg, &path).unwrap();
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(
        svg.contains("p50 = p95 = p99 = 1m 30s"),
        "equal percentiles share a label"
    );
    let none = DowntimeInput {
        title: "none".to_string(),
        downtimes_ms: vec![],
        censored: 0,
        cohorts: vec![],
        targets: vec![],
    };
    render_downtime(&none, ImageFormat::Svg, &path).unwrap();
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.contains("no user was affected"));
    // Some users still down: the line marks where they start. All of them: the whole
    // curve is downtime so far, and the label says so instead of "above".
    let some = DowntimeInput {
        title: "some".to_string(),
        downtimes_ms: vec![60_000, 120_000, 180_000],
        censored: 1,
        cohorts: vec![],
        targets: vec![],
    };
    render_downtime(&some, ImageFormat::Svg, &path).unwrap();
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.contains("above: 1 still down at the end"));
    let all = DowntimeInput {
        censored: 3,
        ..some
    };
    render_downtime(&all, ImageFormat::Svg, &path).unwrap();
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.contains("all 3 still down at the end: the curve shows downtime so far"));
    assert!(!svg.contains("above:"));
}

/// SVG to a file; PNG drawn in memory (the same drawing code, without the PNG
/// encoder, which is slow in debug builds), and to a file when keeping the output.
pub(super) fn render_both<C: Chart>(chart: &C, name: &str, dir: &Path, keep: bool) {
    let path = dir.join(format!("{name}.svg"));
    render(chart, ImageFormat::Svg, &path).unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() > 0);
    let pixels = rgb_pixels(chart).unwrap();
    assert!(pixels.iter().any(|&b| b != 255), "{name} is blank");
    if keep {
        render(chart, ImageFormat::Png, &dir.join(format!("{name}.png"))).unwrap();
    }
}

/// Where the edge-case tests write: `FAILSIM_CHARTS_EDGE_OUT` keeps the files for a look,
/// else a temporary directory. Returns the guard of that directory, the directory and
/// whether the files are kept.
pub(super) fn edge_case_dir() -> (tempfile::TempDir, PathBuf, bool) {
    let temp = tempfile::tempdir().unwrap();
    let keep = std::env::var_os("FAILSIM_CHARTS_EDGE_OUT");
    let dir = keep
        .clone()
        .map_or_else(|| temp.path().to_path_buf(), PathBuf::from);
    std::fs::create_dir_all(&dir).unwrap();
    (temp, dir, keep.is_some())
}

#[test]
fn timeline_edge_cases_render_without_panicking() {
    let (_temp, dir, keep) = edge_case_dir();
    let dir = dir.as_path();
    let empty_timeline = TimelineInput {
        clock: None,
        title: String::new(),
        subtitle: String::new(),
        times_ms: vec![],
        bands: vec![],
        faults: vec![],
        markers: vec![],
        duration_ms: 0,
        start_ms: 0,
    };
    render_both(&empty_timeline, "timeline-empty", dir, keep);
    let odd_timeline = TimelineInput {
        clock: None,
        title: "odd".to_string(),
        subtitle: "unsorted times, short band, markers and faults out of range".to_string(),
        times_ms: vec![0, 20_000, 10_000, 30_000, 40_000],
        bands: vec![
            StackedSeries {
                label: "connected eu-west-1".to_string(),
                values: vec![1, 2, 3, 4],
            },
            StackedSeries {
                label: "something else".to_string(),
                values: vec![0, 0, 0, 0, 0, 9],
            },
        ],
        faults: vec![
            FaultWindow {
                start_ms: 50_000,
                end_ms: 10_000,
                label: "backwards".to_string(),
            },
            FaultWindow {
                start_ms: 0,
                end_ms: u64::MAX,
                label: "forever".to_string(),
            },
        ],
        markers: (0..40)
            .map(|k| Marker {
                at_ms: k * 500,
                kind: MarkerKind::ALL[k as usize % 4],
                label: format!("flap {k}"),
            })
            .chain([Marker {
                at_ms: u64::MAX,
                kind: MarkerKind::Action,
                label: "never".to_string(),
            }])
            .collect(),
        duration_ms: 0,
        start_ms: 0,
    };
    render_both(&odd_timeline, "timeline-odd", dir, keep);
    let one_point = TimelineInput {
        clock: None,
        times_ms: vec![0],
        bands: vec![StackedSeries {
            label: "offline".to_string(),
            values: vec![0],
        }],
        ..empty_timeline.clone()
    };
    render_both(&one_point, "timeline-one-point", dir, keep);
}

#[test]
fn downtime_edge_cases_render_without_panicking() {
    let (_temp, dir, keep) = edge_case_dir();
    let dir = dir.as_path();
    for (name, downtimes_ms) in [
        ("downtime-empty", vec![]),
        ("downtime-one", vec![90_000]),
        ("downtime-zeros", vec![0, 0, 0]),
        ("downtime-huge", vec![u64::MAX / 2, 1]),
        (
            "downtime-many",
            (0..20_000u64).map(|k| k * 37 % 9_000_000).collect(),
        ),
    ] {
        let input = DowntimeInput {
            title: name.to_string(),
            downtimes_ms,
            censored: 0,
            cohorts: vec![],
            targets: vec![],
        };
        render_both(&input, name, dir, keep);
    }
}

#[test]
fn users_edge_cases_render_without_panicking() {
    let (_temp, dir, keep) = edge_case_dir();
    let dir = dir.as_path();
    let no_lanes = UsersInput {
        clock: None,
        title: "nobody traced".to_string(),
        lanes: vec![],
        duration_ms: 0,
        start_ms: 0,
        faults: vec![],
        regions: vec![],
    };
    render_both(&no_lanes, "users-empty", dir, keep);
    let one_lane = UsersInput {
        clock: None,
        title: "one user, zero duration".to_string(),
        lanes: vec![Lane {
            label: "user 0 (staff) with a label far too long to fit beside the lanes of this chart"
                .to_string(),
            segments: vec![
                LaneSegment {
                    start_ms: 5_000,
                    end_ms: 1_000,
                    state: LaneState::Connected,
                    region: Some("ap-south-1".to_string()),
                },
                LaneSegment {
                    start_ms: 0,
                    end_ms: 0,
                    state: LaneState::Waiting,
                    region: None,
                },
                LaneSegment {
                    start_ms: 0,
                    end_ms: 10_000,
                    state: LaneState::Connected,
                    region: None,
                },
            ],
        }],
        duration_ms: 0,
        start_ms: 0,
        faults: sample_faults(),
        regions: vec![],
    };
    render_both(&one_lane, "users-one", dir, keep);
    let many_lanes = UsersInput {
        clock: None,
        title: "many".to_string(),
        lanes: (0..200)
            .map(|k| Lane {
                label: format!("user {k}"),
                segments: vec![LaneSegment {
                    start_ms: k * 1_000,
                    end_ms: 400_000,
                    state: LaneState::Connected,
                    region: Some(format!("region-{}", k % 9)),
                }],
            })
            .collect(),
        duration_ms: 400_000,
        start_ms: 0,
        faults: vec![],
        regions: vec![],
    };
    assert!(many_lanes.size().1 > 2 * HEIGHT);
    render_both(&many_lanes, "users-many", dir, keep);
}

#[test]
fn errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (_, downtime, _) = sample_inputs();
    let wrong_extension = dir.path().join("downtime.jpeg");
    let error = render_downtime(&downtime, ImageFormat::Png, &wrong_extension).unwrap_err();
    assert_eq!(error.path(), wrong_extension.as_path());
    assert!(error.to_string().contains("downtime.jpeg"), "{error}");
    assert!(!wrong_extension.exists());
    for format in [ImageFormat::Svg, ImageFormat::Png] {
        let missing = dir
            .path()
            .join("no-such-dir")
            .join(format!("downtime.{}", format.extension()));
        let error = render_downtime(&downtime, format, &missing).unwrap_err();
        assert!(error.to_string().contains("no-such-dir"), "{error}");
    }
}

/// A sweep input with `lines` lines over three x values, each point with a confidence
/// interval and three replications.
fn sample_sweep(categorical: bool, lines: usize) -> SweepInput {
    let ticks = ["running", "autostop", "mrr"];
    SweepInput {
        title: "p95 downtime by standby".to_string(),
        subtitle: "test".to_string(),
        x_title: "standby".to_string(),
        y_title: "p95 downtime, minutes".to_string(),
        x_ticks: ticks
            .iter()
            .enumerate()
            .map(|(i, t)| (i as f64, t.to_string()))
            .collect(),
        categorical,
        minutes: true,
        legend_title: String::new(),
        lines: (0..lines)
            .map(|l| SweepLine {
                label: format!("line {l}"),
                points: (0..3)
                    .map(|i| {
                        let mean = 10.0 + 5.0 * i as f64 + l as f64;
                        Some(SweepPoint {
                            x: i as f64,
                            mean,
                            ci: Some((mean - 2.0, mean + 2.0)),
                        })
                    })
                    .collect(),
                replications: (0..3)
                    .map(|i| {
                        let mean = 10.0 + 5.0 * i as f64 + l as f64;
                        vec![mean - 3.0, mean, mean + 3.0]
                    })
                    .collect(),
            })
            .collect(),
        bounds: vec![],
        empty_message: None,
        x_marker: None,
    }
}

/// Categories are not a scale: their means are dots with error bars, never joined by a
/// line (the lines are drawn 3 px wide, nothing else is). A numeric x joins them.
#[test]
fn categorical_sweeps_draw_dots_without_lines() {
    let joined = |chart: &SweepInput| {
        let svg = svg_document(&AnyChart::Sweep(chart)).unwrap();
        svg.lines()
            .filter(|l| l.contains("<polyline") && l.contains(r#"stroke-width="3""#))
            .count()
    };
    assert_eq!(joined(&sample_sweep(true, 2)), 0);
    // Two lines and their two legend swatches.
    assert_eq!(joined(&sample_sweep(false, 2)), 4);
    let svg = svg_document(&AnyChart::Sweep(&sample_sweep(true, 1))).unwrap();
    assert!(svg.contains("mean 10m"), "a lone line's means are labelled");
    assert!(
        svg.contains("one replication"),
        "replications in the legend"
    );
    let svg = svg_document(&AnyChart::Sweep(&sample_sweep(false, 2))).unwrap();
    assert!(svg.contains(">\nline 1\n<") || svg.matches("line 1").count() >= 2);
}

/// Labels at the lines' ends keep apart, inside the plot, each near its line.
#[test]
fn end_labels_are_spread_apart() {
    use super::sweep::spread_apart;
    assert_eq!(
        spread_apart(&[100, 105, 300], 20, (0, 500)),
        vec![100, 120, 300]
    );
    assert_eq!(spread_apart(&[495, 490], 20, (0, 500)), vec![500, 480]);
    assert_eq!(spread_apart(&[-5], 20, (0, 500)), vec![0]);
}

/// A title and a fault label far too long for the chart end in an ellipsis and stay
/// inside it, rather than running off the edge or over the legend.
#[test]
fn long_titles_and_fault_labels_end_in_an_ellipsis() {
    let (mut timeline, _, mut users) = sample_inputs();
    let long = "a very long scenario name that goes on and on ".repeat(8);
    timeline.title = long.clone();
    timeline.faults[0].label = format!("us-west-2 outage {long}");
    users.title = long.clone();
    users.faults = timeline.faults.clone();
    for svg in [
        svg_document(&AnyChart::Timeline(&timeline)).unwrap(),
        svg_document(&AnyChart::Users(&users)).unwrap(),
    ] {
        assert!(!svg.contains(long.trim_end()), "the whole title");
        assert!(svg.contains("… 1:00–1:45"), "the fault's times stay whole");
        let cut: Vec<&str> = svg
            .split(['>', '<'])
            .filter(|t| t.trim_end().ends_with('…'))
            .collect();
        assert!(!cut.is_empty(), "title cut: {cut:?}");
        for text in cut {
            assert!(
                super::kit::text_width(text.trim(), super::kit::TITLE_SIZE) <= 1600,
                "{text}"
            );
        }
    }
}
