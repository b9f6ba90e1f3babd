//! CloudWatch metric alarms: how an alarm turns the datapoints it can see into a state. This
//! module aggregates a metric's visible datapoints per aligned period (sum, count, minimum,
//! maximum), classifies each period of the evaluation range as good, breaching or missing, and
//! applies the alarm state rule described in the README (Model: CloudWatch metrics and
//! alarms). It follows the CloudWatch documentation, cited below by these names:
//! - CW-states: the three states and a new alarm's INSUFFICIENT_DATA start,
//!   <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html>;
//! - CW-limits: Period, EvaluationPeriods `N` and DatapointsToAlarm `M`,
//!   <https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html>;
//! - CW-evaluation: evaluation every 60 s or every 10 s,
//!   <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html>;
//! - CW-missing-data: `TreatMissingData`, the evaluation range that looks back beyond `N` and
//!   the documented missing-data tables,
//!   <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html>.
//!
//! The "variant A" algorithm below (our derivation) reproduces those tables cell for cell. It
//! does no I/O and keeps no clock: the caller says when a datapoint becomes visible and when to
//! evaluate.
//!
//! Modelling choices, where AWS publishes no rule:
//! - Periods are aligned to multiples of the period from time 0. AWS describes a
//!   sliding window for periods longer than a minute (CW-evaluation); with aligned periods an alarm
//!   whose period exceeds its 60 s cadence sees a new range only once per period.
//! - The evaluation range is `N + max(floor(N / 3), 2)` periods, which gives the documented 5
//!   for `N = 3` (CW-missing-data).
//! - A 20 s period is evaluated every 10 s, like 10 s and 30 s periods (CW-evaluation names only
//!   those).
//! - The premature-ALARM rule is variant A (see `premature_alarm`).
//! - Periods before time 0 count as missing: the simulated metric has no history from before
//!   the alarm was created, so AWS's "use data from before creation" (CW-states) never applies.
//! - `SetAlarmState`, warm-up and the newer evaluation states (CW-states) are not modelled.

use std::collections::VecDeque;
use std::fmt;

/// The state of a CloudWatch alarm (CW-states).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlarmState {
    /// The metric is within the threshold.
    Ok,
    /// The metric is outside the threshold.
    Alarm,
    /// The alarm has just been created, or has no data to decide with.
    InsufficientData,
}

impl AlarmState {
    /// The name CloudWatch uses for the state: `"OK"`, `"ALARM"` or `"INSUFFICIENT_DATA"`.
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmState::Ok => "OK",
            AlarmState::Alarm => "ALARM",
            AlarmState::InsufficientData => "INSUFFICIENT_DATA",
        }
    }
}

impl fmt::Display for AlarmState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an alarm treats a period with no datapoint (CW-missing-data). The default is `Missing`, as
/// in CloudWatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TreatMissingData {
    /// `missing`: INSUFFICIENT_DATA when the whole evaluation range is missing; otherwise the
    /// real points decide, with nothing filled in.
    #[default]
    Missing,
    /// `notBreaching`: a missing point counts as good.
    NotBreaching,
    /// `breaching`: a missing point counts as breaching.
    Breaching,
    /// `ignore`: keep the current state when the missing points would decide it.
    Ignore,
}

/// The statistic that turns one period's datapoints into one value. Route 53 alarm health
/// checks accept exactly these five
/// (<https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-types.html>);
/// percentiles are not modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Statistic {
    /// Sum divided by sample count.
    Average,
    /// Smallest datapoint.
    Minimum,
    /// Largest datapoint.
    Maximum,
    /// Sum of the datapoints.
    Sum,
    /// Number of datapoints.
    SampleCount,
}

/// How a period's statistic is compared with the threshold; when the comparison holds, the
/// period breaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparison {
    /// Breaches when `value < threshold`.
    LessThanThreshold,
    /// Breaches when `value <= threshold`.
    LessThanOrEqualToThreshold,
    /// Breaches when `value > threshold`.
    GreaterThanThreshold,
    /// Breaches when `value >= threshold`.
    GreaterThanOrEqualToThreshold,
}

impl Comparison {
    /// Whether `value` breaches `threshold` under this comparison. Plain `f64` comparisons, so
    /// the result is the same on every platform.
    pub fn breaches(self, value: f64, threshold: f64) -> bool {
        match self {
            Comparison::LessThanThreshold => value < threshold,
            Comparison::LessThanOrEqualToThreshold => value <= threshold,
            Comparison::GreaterThanThreshold => value > threshold,
            Comparison::GreaterThanOrEqualToThreshold => value >= threshold,
        }
    }
}

/// One period of the evaluation range, as the documented tables write it (CW-missing-data):
/// `-` missing, `0` good, `X` breaching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    /// No datapoint was visible for the period.
    Missing,
    /// The period's statistic is within the threshold.
    Good,
    /// The period's statistic breaches the threshold.
    Breaching,
}

/// Number of periods an evaluation looks at: `N + max(floor(N / 3), 2)`, so 5 when `N = 3`.
///
/// AWS documents only the `N = 3` case (CW-missing-data); the formula is our modelling
/// choice for every other `N`.
pub fn evaluation_range_len(evaluation_periods: u32) -> usize {
    let n = evaluation_periods as usize;
    n + (n / 3).max(2)
}

/// How many points an evaluation fills with the missing-data treatment: the shortfall of real
/// points below `N`, 0 when the range holds at least `N` real points. This is the "fill" column
/// of the documented tables (CW-missing-data); CloudWatch uses "missing data points only as few
/// times as possible" (CW-missing-data).
pub fn filled_points(range: &[Slot], evaluation_periods: u32) -> usize {
    let real = range.iter().filter(|slot| **slot != Slot::Missing).count();
    (evaluation_periods as usize).saturating_sub(real)
}

/// The alarm state rule (README, Model: CloudWatch metrics and alarms), our "variant A"
/// derivation, which reproduces every cell of AWS's documented missing-data tables.
///
/// `range` is oldest-first with the newest period last and holds exactly
/// [`evaluation_range_len`]`(n)` slots; `n` is EvaluationPeriods and `m` DatapointsToAlarm.
/// `current` is the alarm's state before this evaluation, returned where `ignore` keeps state.
///
/// - No real point in the range: `missing` -> INSUFFICIENT_DATA, `ignore` -> `current`,
///   `breaching` -> ALARM, `not_breaching` -> OK.
/// - At least `n` real points: ALARM iff at least `m` of the newest `n` real points breach; the
///   treatment is not used (CW-missing-data).
/// - Fewer than `n` real points, treatment `missing` or `ignore`, and the premature-alarm rule
///   holds: `missing` -> ALARM, `ignore` -> `current`.
/// - Otherwise every real point of the range plus the shortfall filled per the treatment
///   (breaching, good, or nothing for `missing`/`ignore`): ALARM iff at least `m` breach.
///
/// # Panics
/// If `n` is 0, `m` is not in `1..=n`, or `range` has the wrong length: these are caller bugs
/// that validation of the alarm spec rules out.
pub fn evaluate_range(
    range: &[Slot],
    n: u32,
    m: u32,
    treat: TreatMissingData,
    current: AlarmState,
) -> AlarmState {
    assert!(n >= 1, "EvaluationPeriods must be at least 1");
    assert!(
        (1..=n).contains(&m),
        "DatapointsToAlarm {m} must be in 1..={n}"
    );
    assert_eq!(
        range.len(),
        evaluation_range_len(n),
        "evaluation range for N = {n} must hold {} slots",
        evaluation_range_len(n)
    );
    let needed = m as usize;
    let is_real = |slot: &&Slot| **slot != Slot::Missing;
    let real = range.iter().filter(is_real).count();

    if real == 0 {
        return match treat {
            TreatMissingData::Missing => AlarmState::InsufficientData,
            TreatMissingData::Ignore => current,
            TreatMissingData::Breaching => AlarmState::Alarm,
            TreatMissingData::NotBreaching => AlarmState::Ok,
        };
    }

    if real >= n as usize {
        // Enough real data: reach back past gaps for the newest N real points and ignore the
        // rest; the missing-data setting plays no part (CW-missing-data).
        let breaching = range
            .iter()
            .rev()
            .filter(is_real)
            .take(n as usize)
            .filter(|slot| **slot == Slot::Breaching)
            .count();
        return alarm_if(breaching >= needed);
    }

    let premature_treatment = matches!(treat, TreatMissingData::Missing | TreatMissingData::Ignore);
    if premature_treatment && premature_alarm(range, needed) {
        return match treat {
            TreatMissingData::Ignore => current,
            _ => AlarmState::Alarm,
        };
    }

    // Keep every real point of the range and fill only the shortfall below N (CW-missing-data, rule
    // 3); `missing` and `ignore` fill with nothing, so only the real points can reach M.
    let real_breaching = range
        .iter()
        .filter(|slot| **slot == Slot::Breaching)
        .count();
    let filled_breaching = match treat {
        TreatMissingData::Breaching => filled_points(range, n),
        _ => 0,
    };
    alarm_if(real_breaching + filled_breaching >= needed)
}

/// The premature-ALARM rule, variant A (our reading of CW-missing-data): every slot older than the
/// M-th newest
/// slot is missing, the M-th newest slot breaches, and every newer slot is breaching or
/// missing. This is what makes `- - X - -` (N = M = 3) alarm under `missing` while `- - - X -`
/// and `- - - - X` do not yet (CW-missing-data).
fn premature_alarm(range: &[Slot], m: usize) -> bool {
    let pivot = range.len() - m;
    range[..pivot].iter().all(|slot| *slot == Slot::Missing)
        && range[pivot] == Slot::Breaching
        && range[pivot + 1..].iter().all(|slot| *slot != Slot::Good)
}

fn alarm_if(breached: bool) -> AlarmState {
    if breached {
        AlarmState::Alarm
    } else {
        AlarmState::Ok
    }
}

/// Why an [`AlarmSpec`] is not one CloudWatch would accept
/// (<https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html>).
#[derive(Debug, Clone, PartialEq)]
pub enum InvalidAlarmSpec {
    /// The period is not 10, 20 or 30 s or a multiple of 60 s.
    Period {
        /// The rejected period.
        period_ms: u64,
    },
    /// EvaluationPeriods is 0.
    EvaluationPeriods,
    /// DatapointsToAlarm is not in `1..=EvaluationPeriods`.
    DatapointsToAlarm {
        /// The rejected DatapointsToAlarm (M).
        datapoints_to_alarm: u32,
        /// The alarm's EvaluationPeriods (N).
        evaluation_periods: u32,
    },
    /// The threshold is NaN or infinite.
    Threshold,
    /// Period x EvaluationPeriods exceeds one day (periods under an hour) or seven days.
    EvaluationInterval {
        /// Period x EvaluationPeriods.
        interval_ms: u64,
        /// The largest interval allowed for this period.
        max_ms: u64,
    },
}

impl fmt::Display for InvalidAlarmSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidAlarmSpec::Period { period_ms } => write!(
                f,
                "alarm period {period_ms} ms is not 10, 20 or 30 s or a multiple of 60 s"
            ),
            InvalidAlarmSpec::EvaluationPeriods => {
                f.write_str("evaluation_periods must be at least 1")
            }
            InvalidAlarmSpec::DatapointsToAlarm {
                datapoints_to_alarm,
                evaluation_periods,
            } => write!(
                f,
                "datapoints_to_alarm {datapoints_to_alarm} must be between 1 and \
                 evaluation_periods ({evaluation_periods})"
            ),
            InvalidAlarmSpec::Threshold => f.write_str("alarm threshold must be a finite number"),
            InvalidAlarmSpec::EvaluationInterval {
                interval_ms,
                max_ms,
            } => write!(
                f,
                "period x evaluation_periods is {interval_ms} ms, more than the {max_ms} ms \
                 CloudWatch allows"
            ),
        }
    }
}

impl std::error::Error for InvalidAlarmSpec {}

/// The configuration of one metric alarm, in milliseconds (CW-limits). Scenario
/// defaults (`datapoints_to_alarm` = `evaluation_periods`, `treat_missing_data` = `missing`)
/// are applied before this value is built.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmSpec {
    /// Length of one period: 10 000, 20 000, 30 000 or a multiple of 60 000 ms.
    pub period_ms: u64,
    /// EvaluationPeriods (N): how many of the most recent periods are considered.
    pub evaluation_periods: u32,
    /// DatapointsToAlarm (M): how many of those N must breach, `1..=N`.
    pub datapoints_to_alarm: u32,
    /// How one period's datapoints become one value.
    pub statistic: Statistic,
    /// How that value is compared with `threshold`.
    pub comparison: Comparison,
    /// The threshold; must be finite.
    pub threshold: f64,
    /// How a period with no datapoint is treated.
    pub treat_missing_data: TreatMissingData,
}

impl AlarmSpec {
    /// How often the alarm is evaluated: 60 000 ms when the period is at least 60 s, else
    /// 10 000 ms (CW-evaluation; 10 s for a 20 s period is not documented, taken as the same as 10
    /// s
    /// and 30 s periods).
    pub fn evaluation_cadence_ms(&self) -> u64 {
        if self.period_ms >= 60_000 {
            60_000
        } else {
            10_000
        }
    }

    /// Checks the limits CloudWatch's PutMetricAlarm enforces (CW-limits) and returns the
    /// first one broken, in the order of [`AlarmSpec::violations`].
    pub fn validate(&self) -> Result<(), InvalidAlarmSpec> {
        match self.violations().into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }

    /// Every CloudWatch PutMetricAlarm limit (CW-limits) this spec breaks, in a fixed order:
    /// period 10, 20 or 30 s or a multiple of 60 s; `N >= 1`; Period x N at most 86 400 s when
    /// the period is under 3 600 s, else at most 604 800 s; `1 <= M <= N`; a finite threshold.
    /// Scenario validation reports each of them against its own key.
    pub fn violations(&self) -> Vec<InvalidAlarmSpec> {
        let period_ms = self.period_ms;
        let mut problems = Vec::new();
        if !is_alarm_period(period_ms) {
            problems.push(InvalidAlarmSpec::Period { period_ms });
        }
        if self.evaluation_periods == 0 {
            problems.push(InvalidAlarmSpec::EvaluationPeriods);
        }
        let max_ms = if period_ms < 3_600_000 {
            86_400_000
        } else {
            604_800_000
        };
        let interval_ms = period_ms.saturating_mul(u64::from(self.evaluation_periods));
        if interval_ms > max_ms {
            problems.push(InvalidAlarmSpec::EvaluationInterval {
                interval_ms,
                max_ms,
            });
        }
        if !(1..=self.evaluation_periods).contains(&self.datapoints_to_alarm) {
            problems.push(InvalidAlarmSpec::DatapointsToAlarm {
                datapoints_to_alarm: self.datapoints_to_alarm,
                evaluation_periods: self.evaluation_periods,
            });
        }
        if !self.threshold.is_finite() {
            problems.push(InvalidAlarmSpec::Threshold);
        }
        problems
    }
}

/// Whether CloudWatch accepts `period_ms` as an alarm period: 10, 20 or 30 s (high
/// resolution) or a multiple of 60 s
/// (<https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html>).
pub fn is_alarm_period(period_ms: u64) -> bool {
    matches!(period_ms, 10_000 | 20_000 | 30_000) || (period_ms > 0 && period_ms % 60_000 == 0)
}

/// Whether CloudWatch stores a metric at `resolution_ms`: 1, 5, 10 or 30 s (high resolution)
/// or a multiple of 60 s (standard resolution).
pub fn is_metric_resolution(resolution_ms: u64) -> bool {
    matches!(resolution_ms, 1_000 | 5_000 | 10_000 | 30_000)
        || (resolution_ms > 0 && resolution_ms % 60_000 == 0)
}

/// The datapoints of one period, reduced to what the five statistics need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeriodAggregate {
    /// Sum of the datapoints.
    pub sum: f64,
    /// Number of datapoints, at least 1.
    pub count: u64,
    /// Smallest datapoint.
    pub min: f64,
    /// Largest datapoint.
    pub max: f64,
}

impl PeriodAggregate {
    /// The aggregate of a single datapoint.
    pub fn new(value: f64) -> Self {
        PeriodAggregate {
            sum: value,
            count: 1,
            min: value,
            max: value,
        }
    }

    /// Adds one more datapoint.
    pub fn add(&mut self, value: f64) {
        self.sum += value;
        self.count += 1;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
    }

    /// The period's value under `statistic`.
    pub fn value(&self, statistic: Statistic) -> f64 {
        match statistic {
            Statistic::Average => self.sum / self.count as f64,
            Statistic::Minimum => self.min,
            Statistic::Maximum => self.max,
            Statistic::Sum => self.sum,
            Statistic::SampleCount => self.count as f64,
        }
    }
}

/// A period index and its aggregate; the evaluator keeps these sorted by index.
#[derive(Debug, Clone, Copy)]
struct StoredPeriod {
    index: u64,
    aggregate: PeriodAggregate,
}

/// A running alarm: collects the datapoints visible to it per aligned period and evaluates the
/// state rule at the times the caller chooses (multiples of the evaluation cadence).
///
/// Memory is bounded: only periods that can still fall inside a future evaluation range are
/// kept. Datapoints for periods that have already left every future range are dropped on
/// arrival, which cannot change any later state.
#[derive(Debug, Clone)]
pub struct AlarmEvaluator {
    spec: AlarmSpec,
    state: AlarmState,
    /// Aggregates of the periods that have datapoints, ascending by period index.
    periods: VecDeque<StoredPeriod>,
    /// Periods below this index can no longer be inside any evaluation range.
    first_needed_index: u64,
    /// Time of the latest evaluation; evaluations never go back in time.
    last_evaluation_ms: Option<u64>,
    /// The slots of the latest evaluation, oldest first (reused to avoid allocating).
    range: Vec<Slot>,
}

impl AlarmEvaluator {
    /// A newly created alarm, in INSUFFICIENT_DATA as CloudWatch puts a new alarm (CW-states).
    ///
    /// # Panics
    /// If `spec` fails [`AlarmSpec::validate`]; scenario validation must reject such alarms
    /// first.
    pub fn new(spec: AlarmSpec) -> Self {
        if let Err(problem) = spec.validate() {
            panic!("invalid alarm spec: {problem}");
        }
        let range_len = evaluation_range_len(spec.evaluation_periods);
        AlarmEvaluator {
            spec,
            state: AlarmState::InsufficientData,
            periods: VecDeque::with_capacity(range_len + 1),
            first_needed_index: 0,
            last_evaluation_ms: None,
            range: Vec::with_capacity(range_len),
        }
    }

    /// Records a datapoint that has become visible to the alarm now. It belongs to period
    /// `floor(at_ms / period_ms)`, whatever the time it became visible.
    ///
    /// # Panics
    /// If `value` is NaN or infinite (CloudWatch rejects such values).
    pub fn add_datapoint(&mut self, at_ms: u64, value: f64) {
        assert!(
            value.is_finite(),
            "metric datapoint at {at_ms} ms is not finite: {value}"
        );
        let index = at_ms / self.spec.period_ms;
        if index < self.first_needed_index {
            return;
        }
        match self
            .periods
            .binary_search_by_key(&index, |stored| stored.index)
        {
            Ok(position) => self.periods[position].aggregate.add(value),
            Err(position) => self.periods.insert(
                position,
                StoredPeriod {
                    index,
                    aggregate: PeriodAggregate::new(value),
                },
            ),
        }
    }

    /// Evaluates the alarm at `now_ms`, a multiple of the evaluation cadence. The range is the
    /// [`evaluation_range_len`] periods that ended at or before `now_ms`, the newest being
    /// period `floor(now_ms / period_ms) - 1` (`[now - P, now)` when `now` is aligned);
    /// periods before time 0 are missing. Returns the new state only when it changed.
    ///
    /// # Panics
    /// If `now_ms` is not a multiple of the cadence or is earlier than the previous evaluation.
    pub fn evaluate(&mut self, now_ms: u64) -> Option<AlarmState> {
        let cadence_ms = self.spec.evaluation_cadence_ms();
        assert!(
            now_ms % cadence_ms == 0,
            "alarm evaluated at {now_ms} ms, not a multiple of its {cadence_ms} ms cadence"
        );
        if let Some(last_ms) = self.last_evaluation_ms {
            assert!(
                now_ms >= last_ms,
                "alarm evaluated at {now_ms} ms after an evaluation at {last_ms} ms"
            );
        }
        self.last_evaluation_ms = Some(now_ms);

        let range_len = evaluation_range_len(self.spec.evaluation_periods) as u64;
        // Periods with index < `end` have ended: period k ends at (k + 1) * P <= now.
        let end = now_ms / self.spec.period_ms;
        // Later evaluations start their ranges no earlier than this one, so older periods can
        // go, and datapoints for them can be dropped when they arrive.
        let oldest = end.saturating_sub(range_len);
        self.first_needed_index = self.first_needed_index.max(oldest);
        while self
            .periods
            .front()
            .is_some_and(|stored| stored.index < self.first_needed_index)
        {
            self.periods.pop_front();
        }

        self.range.clear();
        for offset in 0..range_len {
            // The slot's period index is end - range_len + offset; below 0 it is missing.
            let slot = match (end + offset).checked_sub(range_len) {
                None => Slot::Missing,
                Some(index) => self.slot_of(index),
            };
            self.range.push(slot);
        }

        let next = evaluate_range(
            &self.range,
            self.spec.evaluation_periods,
            self.spec.datapoints_to_alarm,
            self.spec.treat_missing_data,
            self.state,
        );
        if next == self.state {
            None
        } else {
            self.state = next;
            Some(next)
        }
    }

    fn slot_of(&self, index: u64) -> Slot {
        match self
            .periods
            .binary_search_by_key(&index, |stored| stored.index)
        {
            Err(_) => Slot::Missing,
            Ok(position) => {
                let value = self.periods[position].aggregate.value(self.spec.statistic);
                if self.spec.comparison.breaches(value, self.spec.threshold) {
                    Slot::Breaching
                } else {
                    Slot::Good
                }
            }
        }
    }

    /// The current state.
    pub fn state(&self) -> AlarmState {
        self.state
    }

    /// The alarm's configuration.
    pub fn spec(&self) -> &AlarmSpec {
        &self.spec
    }

    /// The slots of the latest evaluation, oldest first; empty before the first evaluation.
    /// Useful to explain a state change in a timeline.
    pub fn last_range(&self) -> &[Slot] {
        &self.range
    }
}

#[cfg(test)]
mod tests {
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
}
