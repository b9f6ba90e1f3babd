//! The tests of every documented CloudWatch alarm rule in `alarm` (the module docs list the
//! rules and their sources).

use super::*;

/// Parses the documentation's notation, oldest first: `0` good, `X` breaching, `-` missing.
fn slots(text: &str) -> Vec<Slot> {
    text.split_whitespace()
        .map(|token| match token {
            "0" => Slot::Good,
            "X" => Slot::Breaching,
            "-" => Slot::Missing,
            other => panic!("bad slot {other:?}"),
        })
        .collect()
}

const ALL_STATES: [AlarmState; 3] = [
    AlarmState::Ok,
    AlarmState::Alarm,
    AlarmState::InsufficientData,
];

/// The documented result of one cell: a fixed state, or "Retain current state".
#[derive(Debug, Clone, Copy)]
enum Expected {
    State(AlarmState),
    Retain,
}

const OK: Expected = Expected::State(AlarmState::Ok);
const ALARM: Expected = Expected::State(AlarmState::Alarm);
const INSUFFICIENT: Expected = Expected::State(AlarmState::InsufficientData);
const RETAIN: Expected = Expected::Retain;

/// Treatments in the column order of the documented tables.
const TABLE_COLUMNS: [TreatMissingData; 4] = [
    TreatMissingData::Missing,
    TreatMissingData::Ignore,
    TreatMissingData::Breaching,
    TreatMissingData::NotBreaching,
];

/// Checks one table row for every treatment and every current state: a fixed cell must
/// not depend on the current state, a Retain cell must return it.
fn check_row(n: u32, m: u32, points: &str, fill: usize, expected: [Expected; 4]) {
    let range = slots(points);
    assert_eq!(filled_points(&range, n), fill, "fill column of {points:?}");
    for (treat, cell) in TABLE_COLUMNS.into_iter().zip(expected) {
        for current in ALL_STATES {
            let want = match cell {
                Expected::State(state) => state,
                Expected::Retain => current,
            };
            assert_eq!(
                evaluate_range(&range, n, m, treat, current),
                want,
                "N={n} M={m} {points:?} {treat:?} from {current:?}"
            );
        }
    }
}

// ---- 1. Documented tables
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html)
// ----

#[test]
fn documented_table_t1_n3_m3_every_cell() {
    // T1,3,3: datapoints, fill, MISSING, IGNORE, BREACHING, NOT_BREACHING.
    check_row(3, 3, "0 - X - X", 0, [OK, OK, OK, OK]);
    check_row(3, 3, "0 - - - -", 2, [OK, OK, OK, OK]);
    check_row(3, 3, "- - - - -", 3, [INSUFFICIENT, RETAIN, ALARM, OK]);
    check_row(3, 3, "0 X X - X", 0, [ALARM, ALARM, ALARM, ALARM]);
    check_row(3, 3, "- - X - -", 2, [ALARM, RETAIN, ALARM, OK]);
}

#[test]
fn documented_table_t1_retain_returns_each_current_state() {
    // The two Retain cells of T1 (rows 3 and 5, IGNORE), spelled out per current state so
    // a rule that always answers one state cannot pass.
    for points in ["- - - - -", "- - X - -"] {
        let range = slots(points);
        for current in ALL_STATES {
            assert_eq!(
                evaluate_range(&range, 3, 3, TreatMissingData::Ignore, current),
                current,
                "{points:?} from {current:?}"
            );
        }
    }
}

#[test]
fn documented_table_t2_n3_m2_every_cell() {
    // The 2-of-3 table of the same section of the user guide (June 2023 snapshot, which the
    // live page
    // mentions but does not reproduce; its "# of missing data points" column is the fill).
    check_row(3, 2, "0 - X - X", 0, [ALARM, ALARM, ALARM, ALARM]);
    check_row(3, 2, "0 0 X 0 X", 0, [ALARM, ALARM, ALARM, ALARM]);
    check_row(3, 2, "0 - X - -", 1, [OK, OK, ALARM, OK]);
    check_row(3, 2, "- - - - 0", 2, [OK, OK, ALARM, OK]);
    check_row(3, 2, "- - - X -", 2, [ALARM, RETAIN, ALARM, OK]);
}

#[test]
fn premature_rule_documented_non_examples_do_not_alarm_under_missing() {
    // The user guide: with M = 3, `- - - - X` and `- - - X -` do not alarm immediately, and
    // `- - X - -` does. Under `missing` the first two keep only the single real point,
    // 1 breaching < 3 -> OK.
    for points in ["- - - - X", "- - - X -"] {
        assert_eq!(
            evaluate_range(
                &slots(points),
                3,
                3,
                TreatMissingData::Missing,
                AlarmState::InsufficientData
            ),
            AlarmState::Ok,
            "{points:?}"
        );
    }
    assert_eq!(
        evaluate_range(
            &slots("- - X - -"),
            3,
            3,
            TreatMissingData::Missing,
            AlarmState::Ok
        ),
        AlarmState::Alarm
    );
}

// ---- 3. M-of-N cases derived from the rules ----

#[test]
fn n5_m3_enough_real_points_uses_newest_five_real() {
    // N = 5 -> range 7. `X X 0 0 0 X X`: 7 real >= 5, newest five real are `0 0 0 X X`,
    // 2 breaching < 3 -> OK for every treatment; the two old breaches are ignored.
    check_row(5, 3, "X X 0 0 0 X X", 0, [OK, OK, OK, OK]);
    // `0 0 X X 0 X 0`: newest five `X X 0 X 0` hold 3 breaching >= 3 -> ALARM.
    check_row(5, 3, "0 0 X X 0 X 0", 0, [ALARM, ALARM, ALARM, ALARM]);
    // `X 0 - X - X 0`: 5 real >= 5; reaching back over the gaps gives `X 0 X X 0`,
    // 3 breaching -> ALARM, the missing-data setting unused.
    check_row(5, 3, "X 0 - X - X 0", 0, [ALARM, ALARM, ALARM, ALARM]);
    // `X X 0 - 0 X 0`: 6 real, newest five `X 0 0 X 0`: 2 breaching -> OK even though the
    // whole range holds 3 breaching points.
    check_row(5, 3, "X X 0 - 0 X 0", 0, [OK, OK, OK, OK]);
}

#[test]
fn n5_m3_fewer_real_points_than_n_are_filled() {
    // `X - X - 0 - X`: 4 real < 5, fill 1. Premature? 3rd newest slot is `0` -> no.
    // missing/ignore: real only, 3 breaching >= 3 -> ALARM; breaching: 3 + 1 -> ALARM;
    // notBreaching: 3 + 0 -> ALARM.
    check_row(5, 3, "X - X - 0 - X", 1, [ALARM, ALARM, ALARM, ALARM]);
    // `0 - X - 0 - X`: 4 real, 2 breaching. missing/ignore: 2 < 3 -> OK; breaching: fill
    // 1 -> 3 -> ALARM; notBreaching: 2 -> OK.
    check_row(5, 3, "0 - X - 0 - X", 1, [OK, OK, ALARM, OK]);
    // `- - - 0 0 X -`: 3 real, fill 2. breaching: 1 + 2 = 3 -> ALARM; others 1 -> OK.
    check_row(5, 3, "- - - 0 0 X -", 2, [OK, OK, ALARM, OK]);
}

#[test]
fn n5_m3_premature_rule() {
    // `- - - - X - -`: the 3rd newest slot (index 4) breaches, everything older is
    // missing, everything newer missing -> premature ALARM under missing, Retain under
    // ignore. breaching: 1 + 4 filled -> ALARM; notBreaching: 1 -> OK.
    check_row(5, 3, "- - - - X - -", 4, [ALARM, RETAIN, ALARM, OK]);
    // `- - - - X - 0`: a good slot newer than the pivot -> no premature ALARM.
    // missing/ignore: 1 < 3 -> OK; breaching: 1 + 3 -> ALARM; notBreaching -> OK.
    check_row(5, 3, "- - - - X - 0", 3, [OK, OK, ALARM, OK]);
    // `- - - - - X -`: the 3rd newest slot is missing -> too early to alarm (the next
    // point might be good). missing/ignore: 1 < 3 -> OK.
    check_row(5, 3, "- - - - - X -", 4, [OK, OK, ALARM, OK]);
}

#[test]
fn n3_m2_real_points_alone_decide_under_missing() {
    // `X X - - -`: 2 real < 3, not premature (2nd newest slot missing). missing/ignore
    // fill nothing: 2 breaching >= 2 -> ALARM; notBreaching: `X X 0` -> ALARM too.
    check_row(3, 2, "X X - - -", 1, [ALARM, ALARM, ALARM, ALARM]);
    // `- - - 0 X`: 2 real, not premature (2nd newest slot good). missing/ignore: 1 -> OK;
    // breaching: `0 X` + X -> ALARM; notBreaching: `0 X 0` -> OK.
    check_row(3, 2, "- - - 0 X", 1, [OK, OK, ALARM, OK]);
    // `- - 0 X X`: 3 real >= 3, `0 X X` -> ALARM whatever the treatment.
    check_row(3, 2, "- - 0 X X", 0, [ALARM, ALARM, ALARM, ALARM]);
}

#[test]
fn breaching_fill_uses_as_few_points_as_possible() {
    // N = 3, M = 2, `- - 0 - 0`: 2 real good points, so exactly one point is filled
    // ("as few times as possible"): 1 breaching < 2 -> OK. Filling all three missing slots
    // would
    // give 3 breaching and a wrong ALARM.
    let range = slots("- - 0 - 0");
    assert_eq!(filled_points(&range, 3), 1);
    assert_eq!(
        evaluate_range(&range, 3, 2, TreatMissingData::Breaching, AlarmState::Ok),
        AlarmState::Ok
    );
    // With one good point two are filled: `0` + X X -> 2 breaching -> ALARM.
    assert_eq!(
        evaluate_range(
            &slots("- - 0 - -"),
            3,
            2,
            TreatMissingData::Breaching,
            AlarmState::Ok
        ),
        AlarmState::Alarm
    );
}

#[test]
fn n1_m1_cases() {
    // N = 1 -> range 3. `- - X`: 1 real >= N, the newest real point breaches -> ALARM.
    check_row(1, 1, "- - X", 0, [ALARM, ALARM, ALARM, ALARM]);
    // `X - -`: 1 real >= 1, the newest real point breaches -> ALARM whatever the
    // treatment (the gap is skipped).
    check_row(1, 1, "X - -", 0, [ALARM, ALARM, ALARM, ALARM]);
    // `X 0 -`: newest real point is good -> OK.
    check_row(1, 1, "X 0 -", 0, [OK, OK, OK, OK]);
    check_row(1, 1, "- - -", 1, [INSUFFICIENT, RETAIN, ALARM, OK]);
}

#[test]
fn variant_a_choices_where_the_variants_disagree() {
    // NOT AWS conformance cases (AWS publishes no such table): they pin failsim's choice of
    // variant A where the two candidate variants disagree. `0 - X - -`, N = M = 3: the
    // 3rd newest slot breaches but an older slot is real, so no premature ALARM;
    // 1 breaching < 3 -> OK (variant B would say ALARM).
    assert_eq!(
        evaluate_range(
            &slots("0 - X - -"),
            3,
            3,
            TreatMissingData::Missing,
            AlarmState::Ok
        ),
        AlarmState::Ok
    );
    // Also not documented: N = 5, M = 3, `- - - - X X X`. The 3rd newest slot breaches with
    // only missing slots before it and breaching ones after -> premature, so `ignore`
    // keeps the current state because our rule applies the premature rule before the
    // fill step, although the 3 real breaching points alone reach M (variant B, which
    // needs fewer than M real points, would say ALARM). missing -> ALARM; breaching:
    // 3 + 2 filled -> ALARM; notBreaching: 3 + 0 -> ALARM.
    check_row(5, 3, "- - - - X X X", 2, [ALARM, RETAIN, ALARM, ALARM]);
}

#[test]
#[should_panic(expected = "must hold 5 slots")]
fn evaluate_range_rejects_a_range_of_the_wrong_length() {
    evaluate_range(
        &slots("- - -"),
        3,
        3,
        TreatMissingData::Missing,
        AlarmState::Ok,
    );
}

// ---- 4. Evaluation range length ----

#[test]
fn evaluation_range_len_values() {
    assert_eq!(evaluation_range_len(1), 3);
    assert_eq!(evaluation_range_len(2), 4);
    assert_eq!(evaluation_range_len(3), 5);
    assert_eq!(evaluation_range_len(5), 7);
    assert_eq!(evaluation_range_len(6), 8);
    assert_eq!(evaluation_range_len(9), 12);
    assert_eq!(evaluation_range_len(10), 13);
}

// ---- 5. Evaluator end to end ----

fn spec(period_ms: u64, n: u32, m: u32, treat: TreatMissingData) -> AlarmSpec {
    AlarmSpec {
        period_ms,
        evaluation_periods: n,
        datapoints_to_alarm: m,
        statistic: Statistic::Maximum,
        comparison: Comparison::GreaterThanThreshold,
        threshold: 5.0,
        treat_missing_data: treat,
    }
}

#[test]
fn new_alarm_starts_insufficient_data() {
    let alarm = AlarmEvaluator::new(spec(60_000, 3, 3, TreatMissingData::Missing));
    assert_eq!(alarm.state(), AlarmState::InsufficientData);
    assert_eq!(alarm.spec().period_ms, 60_000);
    assert!(alarm.last_range().is_empty());
}

#[test]
fn alarm_state_names() {
    assert_eq!(AlarmState::Ok.as_str(), "OK");
    assert_eq!(AlarmState::Alarm.as_str(), "ALARM");
    assert_eq!(AlarmState::InsufficientData.as_str(), "INSUFFICIENT_DATA");
    assert_eq!(
        AlarmState::InsufficientData.to_string(),
        "INSUFFICIENT_DATA"
    );
}

#[test]
fn period_alignment_at_the_boundary() {
    // Sum > 50 over 1-minute periods, N = M = 1. 59 999 ms is the last instant of period
    // 0; 60 000 ms the first of period 1. Period 0 sums to 1 (OK), period 1 to 100.
    let mut alarm = AlarmEvaluator::new(AlarmSpec {
        statistic: Statistic::Sum,
        threshold: 50.0,
        ..spec(60_000, 1, 1, TreatMissingData::Missing)
    });
    alarm.add_datapoint(59_999, 1.0);
    alarm.add_datapoint(60_000, 100.0);
    // If 60 000 fell in period 0 the sum would be 101 (ALARM); if 59 999 fell in period 1
    // period 0 would be missing (INSUFFICIENT_DATA).
    assert_eq!(alarm.evaluate(60_000), Some(AlarmState::Ok));
    assert_eq!(alarm.last_range(), slots("- - 0").as_slice());
    assert_eq!(alarm.evaluate(120_000), Some(AlarmState::Alarm));
    assert_eq!(alarm.last_range(), slots("- 0 X").as_slice());
}

#[test]
fn evaluation_sees_only_periods_ended_at_or_before_now() {
    // N = M = 1, Maximum > 5. A breaching point in period 1 ([60 s, 120 s)) is not seen
    // at 60 s, only once the period has ended, at 120 s.
    let mut alarm = AlarmEvaluator::new(spec(60_000, 1, 1, TreatMissingData::NotBreaching));
    alarm.add_datapoint(60_000, 9.0);
    assert_eq!(alarm.evaluate(60_000), Some(AlarmState::Ok));
    assert_eq!(alarm.evaluate(120_000), Some(AlarmState::Alarm));

    // With a 5-minute period at a 1-minute cadence, period 0 ([0, 300 s)) is first seen at
    // 300 s, never at 240 s.
    let mut alarm = AlarmEvaluator::new(spec(300_000, 1, 1, TreatMissingData::NotBreaching));
    alarm.add_datapoint(10_000, 9.0);
    for now_ms in [0, 60_000, 120_000, 180_000, 240_000] {
        alarm.evaluate(now_ms);
        assert_eq!(alarm.state(), AlarmState::Ok, "at {now_ms} ms");
    }
    assert_eq!(alarm.evaluate(300_000), Some(AlarmState::Alarm));
}

#[test]
fn periods_before_time_zero_are_missing() {
    // N = M = 3, one breaching point in period 0, evaluated at 60 s: the range is
    // periods -4..=0, i.e. `- - - - X`. Under breaching the four pre-zero slots are
    // missing and fill 2 points -> 3 breaching -> ALARM; under missing -> OK (one real).
    for (treat, want) in [
        (TreatMissingData::Breaching, AlarmState::Alarm),
        (TreatMissingData::Missing, AlarmState::Ok),
        (TreatMissingData::NotBreaching, AlarmState::Ok),
    ] {
        let mut alarm = AlarmEvaluator::new(spec(60_000, 3, 3, treat));
        alarm.add_datapoint(30_000, 9.0);
        alarm.evaluate(60_000);
        assert_eq!(alarm.last_range(), slots("- - - - X").as_slice());
        assert_eq!(alarm.state(), want, "{treat:?}");
    }
}

#[test]
fn every_statistic_and_comparison_at_the_threshold() {
    // One period with datapoints 1, 2, 6: average 3, minimum 1, maximum 6, sum 9,
    // sample count 3. With the threshold equal to the statistic, the inclusive comparisons
    // breach and the strict ones do not; a wrong statistic value would flip one of them.
    let cases = [
        (Statistic::Average, 3.0),
        (Statistic::Minimum, 1.0),
        (Statistic::Maximum, 6.0),
        (Statistic::Sum, 9.0),
        (Statistic::SampleCount, 3.0),
    ];
    let comparisons = [
        (Comparison::GreaterThanOrEqualToThreshold, AlarmState::Alarm),
        (Comparison::GreaterThanThreshold, AlarmState::Ok),
        (Comparison::LessThanOrEqualToThreshold, AlarmState::Alarm),
        (Comparison::LessThanThreshold, AlarmState::Ok),
    ];
    for (statistic, value) in cases {
        for (comparison, want) in comparisons {
            let mut alarm = AlarmEvaluator::new(AlarmSpec {
                statistic,
                comparison,
                threshold: value,
                ..spec(60_000, 1, 1, TreatMissingData::Missing)
            });
            for datapoint in [1.0, 2.0, 6.0] {
                alarm.add_datapoint(20_000, datapoint);
            }
            assert_eq!(
                alarm.evaluate(60_000),
                Some(want),
                "{statistic:?} {comparison:?} threshold {value}"
            );
        }
    }
}

#[test]
fn comparison_just_off_the_threshold() {
    assert!(Comparison::GreaterThanThreshold.breaches(5.5, 5.0));
    assert!(!Comparison::GreaterThanOrEqualToThreshold.breaches(4.5, 5.0));
    assert!(Comparison::LessThanThreshold.breaches(4.5, 5.0));
    assert!(!Comparison::LessThanOrEqualToThreshold.breaches(5.5, 5.0));
}

#[test]
fn state_change_is_reported_once() {
    let mut alarm = AlarmEvaluator::new(spec(60_000, 1, 1, TreatMissingData::Missing));
    // All missing at 0: INSUFFICIENT_DATA is the creation state, so no change.
    assert_eq!(alarm.evaluate(0), None);
    alarm.add_datapoint(0, 9.0);
    assert_eq!(alarm.evaluate(60_000), Some(AlarmState::Alarm));
    // Same time again, then a minute later with the breach still the newest real point.
    assert_eq!(alarm.evaluate(60_000), None);
    assert_eq!(alarm.evaluate(120_000), None);
    assert_eq!(alarm.state(), AlarmState::Alarm);
    alarm.add_datapoint(120_000, 1.0);
    assert_eq!(alarm.evaluate(180_000), Some(AlarmState::Ok));
    assert_eq!(alarm.evaluate(240_000), None);
}

#[test]
fn cadence_is_ten_seconds_below_one_minute() {
    for (period_ms, cadence_ms) in [
        (10_000, 10_000),
        (20_000, 10_000),
        (30_000, 10_000),
        (60_000, 60_000),
        (120_000, 60_000),
        (300_000, 60_000),
    ] {
        let alarm_spec = spec(period_ms, 1, 1, TreatMissingData::Missing);
        assert_eq!(
            alarm_spec.evaluation_cadence_ms(),
            cadence_ms,
            "period {period_ms}"
        );
    }
}

#[test]
fn sub_minute_periods_evaluate_every_ten_seconds() {
    // 30 s period, N = M = 1: a breach in period 0 ([0, 30 s)) is seen at 30 s, between
    // the 10 s ticks at 20 s and 40 s; a good point in period 1 clears it at 60 s.
    let mut alarm = AlarmEvaluator::new(spec(30_000, 1, 1, TreatMissingData::Missing));
    alarm.add_datapoint(5_000, 9.0);
    alarm.add_datapoint(35_000, 1.0);
    assert_eq!(alarm.evaluate(10_000), None);
    assert_eq!(alarm.evaluate(20_000), None);
    assert_eq!(alarm.evaluate(30_000), Some(AlarmState::Alarm));
    assert_eq!(alarm.evaluate(40_000), None);
    assert_eq!(alarm.evaluate(50_000), None);
    assert_eq!(alarm.evaluate(60_000), Some(AlarmState::Ok));

    // 20 s period: period 1 is [20 s, 40 s) and is first seen at 40 s.
    let mut alarm = AlarmEvaluator::new(spec(20_000, 1, 1, TreatMissingData::NotBreaching));
    alarm.add_datapoint(20_000, 9.0);
    assert_eq!(alarm.evaluate(20_000), Some(AlarmState::Ok));
    assert_eq!(alarm.evaluate(30_000), None);
    assert_eq!(alarm.evaluate(40_000), Some(AlarmState::Alarm));
}

#[test]
#[should_panic(expected = "not a multiple of its 60000 ms cadence")]
fn evaluate_rejects_a_time_off_the_cadence() {
    let mut alarm = AlarmEvaluator::new(spec(60_000, 1, 1, TreatMissingData::Missing));
    alarm.evaluate(30_000);
}

#[test]
#[should_panic(expected = "after an evaluation at")]
fn evaluate_rejects_time_going_backwards() {
    let mut alarm = AlarmEvaluator::new(spec(60_000, 1, 1, TreatMissingData::Missing));
    alarm.evaluate(120_000);
    alarm.evaluate(60_000);
}

#[test]
fn memory_stays_bounded_over_a_long_run() {
    // A day of one-minute periods, two datapoints each, N = 3 (range 5): the evaluator
    // never holds more than the range plus the period still filling.
    let mut alarm = AlarmEvaluator::new(spec(60_000, 3, 2, TreatMissingData::Missing));
    for minute in 0..1_440u64 {
        alarm.add_datapoint(minute * 60_000 + 1_000, 1.0);
        alarm.add_datapoint(minute * 60_000 + 31_000, 9.0);
        alarm.evaluate((minute + 1) * 60_000);
        assert!(alarm.periods.len() <= evaluation_range_len(3) + 1);
    }
    assert_eq!(alarm.periods.front().map(|p| p.index), Some(1_435));
    assert_eq!(alarm.state(), AlarmState::Alarm);
}

#[test]
fn late_datapoints_count_only_while_their_period_can_be_evaluated() {
    // N = M = 1 (range 3), NotBreaching. At 600 s the range is periods 7..=9.
    let mut alarm = AlarmEvaluator::new(spec(60_000, 1, 1, TreatMissingData::NotBreaching));
    assert_eq!(alarm.evaluate(600_000), Some(AlarmState::Ok));
    // A late breach for period 6 can never be in a range again: dropped, not stored.
    alarm.add_datapoint(6 * 60_000, 9.0);
    assert!(alarm.periods.is_empty());
    assert_eq!(alarm.evaluate(600_000), None);
    // A late breach for period 9 (the newest of the range) is still used.
    alarm.add_datapoint(9 * 60_000 + 59_999, 9.0);
    assert_eq!(alarm.evaluate(600_000), Some(AlarmState::Alarm));
    // Out-of-order arrival inside one period aggregates into the same slot.
    alarm.add_datapoint(9 * 60_000, 1.0);
    assert_eq!(alarm.periods.len(), 1);
    assert_eq!(alarm.periods[0].aggregate.count, 2);
}

#[test]
fn spec_validation_follows_cloudwatch_limits() {
    let good = spec(60_000, 3, 3, TreatMissingData::Missing);
    for period_ms in [10_000, 20_000, 30_000, 60_000, 120_000, 3_600_000] {
        assert_eq!(
            AlarmSpec {
                period_ms,
                evaluation_periods: 1,
                datapoints_to_alarm: 1,
                ..good.clone()
            }
            .validate(),
            Ok(()),
            "period {period_ms}"
        );
    }
    for period_ms in [0, 1_000, 15_000, 45_000, 90_000] {
        assert_eq!(
            AlarmSpec {
                period_ms,
                ..good.clone()
            }
            .validate(),
            Err(InvalidAlarmSpec::Period { period_ms })
        );
    }
    assert_eq!(
        AlarmSpec {
            evaluation_periods: 0,
            datapoints_to_alarm: 0,
            ..good.clone()
        }
        .validate(),
        Err(InvalidAlarmSpec::EvaluationPeriods)
    );
    for m in [0, 4] {
        assert_eq!(
            AlarmSpec {
                datapoints_to_alarm: m,
                ..good.clone()
            }
            .validate(),
            Err(InvalidAlarmSpec::DatapointsToAlarm {
                datapoints_to_alarm: m,
                evaluation_periods: 3
            })
        );
    }
    for threshold in [f64::NAN, f64::INFINITY] {
        assert_eq!(
            AlarmSpec {
                threshold,
                ..good.clone()
            }
            .validate(),
            Err(InvalidAlarmSpec::Threshold)
        );
    }
    // One day for periods under an hour, seven days from one hour up.
    let interval = |period_ms: u64, n: u32| AlarmSpec {
        period_ms,
        evaluation_periods: n,
        datapoints_to_alarm: 1,
        ..good.clone()
    };
    assert_eq!(interval(60_000, 1_440).validate(), Ok(()));
    assert_eq!(
        interval(60_000, 1_441).validate(),
        Err(InvalidAlarmSpec::EvaluationInterval {
            interval_ms: 86_460_000,
            max_ms: 86_400_000
        })
    );
    assert_eq!(interval(3_600_000, 168).validate(), Ok(()));
    assert!(interval(3_600_000, 169).validate().is_err());
}

#[test]
#[should_panic(expected = "invalid alarm spec")]
fn new_rejects_an_invalid_spec() {
    AlarmEvaluator::new(spec(45_000, 3, 3, TreatMissingData::Missing));
}

// ---- 2. T1 row 2 over time, through the evaluator ----

/// Success-ratio style alarm: Average < 0.9 breaches, one-minute periods.
fn ratio_alarm(n: u32, m: u32, treat: TreatMissingData) -> AlarmEvaluator {
    AlarmEvaluator::new(AlarmSpec {
        period_ms: 60_000,
        evaluation_periods: n,
        datapoints_to_alarm: m,
        statistic: Statistic::Average,
        comparison: Comparison::LessThanThreshold,
        threshold: 0.9,
        treat_missing_data: treat,
    })
}

#[test]
fn t1_row2_stays_ok_then_alarms_at_the_next_evaluation() {
    // N = M = 3, breaching. Good data in periods 0..=4, then none. At 540 s the range is
    // periods 4..=8 = `0 - - - -` -> OK (one good real point + two filled breaches). At
    // the next evaluation (600 s), with still no data, the good point has left the range
    // -> `- - - - -` -> ALARM (the documented table's explanation of its row 2).
    let mut alarm = ratio_alarm(3, 3, TreatMissingData::Breaching);
    for minute in 0..5u64 {
        alarm.add_datapoint(minute * 60_000 + 30_000, 1.0);
    }
    for now_ms in (300_000..=480_000).step_by(60_000) {
        alarm.evaluate(now_ms);
        assert_eq!(alarm.state(), AlarmState::Ok, "at {now_ms} ms");
    }
    assert_eq!(alarm.evaluate(540_000), None);
    assert_eq!(alarm.last_range(), slots("0 - - - -").as_slice());
    assert_eq!(alarm.state(), AlarmState::Ok);
    assert_eq!(alarm.evaluate(600_000), Some(AlarmState::Alarm));
    assert_eq!(alarm.last_range(), slots("- - - - -").as_slice());
}

#[test]
fn t1_row2_with_the_documented_five_minute_period() {
    // Same as above with the 5-minute period of the documentation's prose and the 1-minute
    // cadence: aligned periods mean the range only moves every 300 s, so the alarm stays
    // OK on every tick while `0 - - - -` is the range and goes ALARM on the first tick of
    // the next range (3 000 s = end of period 9).
    let mut alarm = AlarmEvaluator::new(AlarmSpec {
        period_ms: 300_000,
        ..ratio_alarm(3, 3, TreatMissingData::Breaching)
            .spec()
            .clone()
    });
    for period in 0..5u64 {
        alarm.add_datapoint(period * 300_000 + 100_000, 1.0);
    }
    alarm.evaluate(1_500_000);
    assert_eq!(alarm.state(), AlarmState::Ok);
    for now_ms in (2_700_000..3_000_000).step_by(60_000) {
        assert_eq!(alarm.evaluate(now_ms), None, "at {now_ms} ms");
        assert_eq!(alarm.last_range(), slots("0 - - - -").as_slice());
    }
    assert_eq!(alarm.evaluate(3_000_000), Some(AlarmState::Alarm));
}

// ---- 6. Canary scenario: data stops ----

/// A canary publishes success ratio 1.0 once a minute (mid-period) for periods 0..=9 and
/// then stops. The alarm is evaluated every minute from 300 s (when a 5-period range is
/// all real data) to 1 200 s. Returns the state changes as (time, new state).
fn canary_stops(n: u32, m: u32, treat: TreatMissingData) -> Vec<(u64, AlarmState)> {
    let mut alarm = ratio_alarm(n, m, treat);
    let mut changes = Vec::new();
    for minute in 1..=20u64 {
        if minute <= 10 {
            alarm.add_datapoint((minute - 1) * 60_000 + 30_000, 1.0);
        }
        let now_ms = minute * 60_000;
        if now_ms < 300_000 {
            continue;
        }
        if let Some(state) = alarm.evaluate(now_ms) {
            changes.push((now_ms, state));
        }
    }
    changes
}

#[test]
fn canary_stops_under_missing_goes_insufficient_only_when_range_is_empty() {
    // Last data in period 9. Ranges at 660..=840 s hold 4, 3, 2, 1 good real points -> OK
    // (below 3 real points the real ones alone decide). At 900 s the range is periods
    // 10..=14, all missing -> INSUFFICIENT_DATA.
    assert_eq!(
        canary_stops(3, 3, TreatMissingData::Missing),
        vec![
            (300_000, AlarmState::Ok),
            (900_000, AlarmState::InsufficientData)
        ]
    );
}

#[test]
fn canary_stops_under_breaching_alarms_once_the_good_points_leave_the_range() {
    // N = M = 3: r good real points + (3 - r) filled breaches reach M = 3 only when r = 0,
    // so the alarm fires when the whole 5-period range is missing (900 s = 5 missing
    // periods), not after N = 3 missing periods: T1 row 2 in motion.
    assert_eq!(
        canary_stops(3, 3, TreatMissingData::Breaching),
        vec![(300_000, AlarmState::Ok), (900_000, AlarmState::Alarm)]
    );
    // N = 3, M = 2: one good point + two filled breaches already reach M at 840 s
    // (`1 - - - -`), after 4 missing periods; at 780 s (`1 1 - - -`) only one is filled.
    assert_eq!(
        canary_stops(3, 2, TreatMissingData::Breaching),
        vec![(300_000, AlarmState::Ok), (840_000, AlarmState::Alarm)]
    );
    // N = M = 1: the newest real point is used as long as one is in the 3-slot range,
    // so ALARM comes when the range empties, 3 periods after the last data (780 s).
    assert_eq!(
        canary_stops(1, 1, TreatMissingData::Breaching),
        vec![(300_000, AlarmState::Ok), (780_000, AlarmState::Alarm)]
    );
}

#[test]
fn canary_stops_under_not_breaching_and_ignore_stays_ok() {
    // notBreaching: every fill is good -> OK throughout. ignore: once the range is empty
    // the state is kept, and it was OK.
    for treat in [TreatMissingData::NotBreaching, TreatMissingData::Ignore] {
        assert_eq!(
            canary_stops(3, 3, treat),
            vec![(300_000, AlarmState::Ok)],
            "{treat:?}"
        );
    }
}

#[test]
fn canary_before_any_data_reflects_the_treatment_at_creation() {
    // At 0 s every slot is before time 0 or empty. Evaluating at creation shows each
    // treatment's pure behaviour: breaching raises a (startup) ALARM, notBreaching says
    // OK, missing and ignore stay INSUFFICIENT_DATA.
    for (treat, want) in [
        (TreatMissingData::Missing, None),
        (TreatMissingData::Ignore, None),
        (TreatMissingData::Breaching, Some(AlarmState::Alarm)),
        (TreatMissingData::NotBreaching, Some(AlarmState::Ok)),
    ] {
        let mut alarm = ratio_alarm(3, 3, treat);
        assert_eq!(alarm.evaluate(0), want, "{treat:?}");
    }
}
