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
mod tests;
