//! Where values land on the page: tick steps for time, count and value axes, and the
//! scales that map scenario time, user counts and sweep values onto pixels. The run charts
//! use integer arithmetic only, so their output never depends on float formatting or
//! rounding differences; the sweep chart's value scale uses `+ - * /` and rounding only.

/// Tick spacings for time and duration axes, in milliseconds.
pub(super) const TIME_STEPS_MS: [u64; 21] = [
    1_000,
    2_000,
    5_000,
    10_000,
    15_000,
    30_000,
    60_000,
    120_000,
    300_000,
    600_000,
    900_000,
    1_200_000,
    1_800_000,
    3_600_000,
    7_200_000,
    10_800_000,
    14_400_000,
    21_600_000,
    43_200_000,
    86_400_000,
    604_800_000,
];

/// The smallest tick spacing that gives at most `max_ticks` intervals over `span_ms`.
pub(super) fn time_step(span_ms: u64, max_ticks: u64) -> u64 {
    let max_ticks = max_ticks.max(1);
    for step in TIME_STEPS_MS {
        if span_ms.div_ceil(step) <= max_ticks {
            return step;
        }
    }
    let week = TIME_STEPS_MS[TIME_STEPS_MS.len() - 1];
    span_ms.div_ceil(max_ticks).div_ceil(week) * week
}

/// The smallest 1-2-5 step that gives at most `max_ticks` intervals up to `max`.
pub(super) fn count_step(max: u64, max_ticks: u64) -> u64 {
    let max_ticks = max_ticks.max(1);
    let mut magnitude: u64 = 1;
    loop {
        for m in [1, 2, 5] {
            let step = magnitude.saturating_mul(m);
            if max.div_ceil(step) <= max_ticks {
                return step;
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

/// Scales a value `v` in `[0, max]` onto `[0, span]` pixels, rounding to nearest.
pub(super) fn proportional_px(v: u64, max: u64, span: i32) -> i32 {
    if max == 0 || span <= 0 {
        return 0;
    }
    let v = u128::from(v.min(max));
    let span_u = span as u128;
    ((v * span_u + u128::from(max) / 2) / u128::from(max)) as i32
}

/// Maps scenario time in `[start_ms, end_ms]` onto the horizontal pixel range
/// `[left, right]`; times outside the window are clamped to its edges.
#[derive(Debug, Clone, Copy)]
pub(super) struct TimeScale {
    pub(super) left: i32,
    pub(super) right: i32,
    /// The time at `left`: 0, or the start of a zoomed window.
    pub(super) start_ms: u64,
    pub(super) end_ms: u64,
}

impl TimeScale {
    pub(super) fn x(&self, t_ms: u64) -> i32 {
        let span = self.end_ms.saturating_sub(self.start_ms);
        self.left
            + proportional_px(
                t_ms.saturating_sub(self.start_ms),
                span,
                self.right - self.left,
            )
    }

    /// Whether `[from_ms, to_ms)` overlaps the window.
    pub(super) fn overlaps(&self, from_ms: u64, to_ms: u64) -> bool {
        to_ms > self.start_ms && from_ms < self.end_ms
    }
}

/// Maps a count onto the vertical pixel range `[top, bottom]` (0 at the bottom).
#[derive(Debug, Clone, Copy)]
pub(super) struct CountScale {
    pub(super) top: i32,
    pub(super) bottom: i32,
    pub(super) max: u64,
}

impl CountScale {
    pub(super) fn y(&self, v: u64) -> i32 {
        self.bottom - proportional_px(v, self.max, self.bottom - self.top)
    }
}

/// The end of the time axis: the given duration, or else the latest time in the input,
/// or one minute when there is nothing at all.
pub(super) fn axis_end_ms(duration_ms: u64, latest_ms: u64) -> u64 {
    if duration_ms > 0 {
        duration_ms
    } else if latest_ms > 0 {
        latest_ms
    } else {
        60_000
    }
}

/// A 1-2-5 step giving at most `max_ticks` intervals over `span` (> 0). Built by exact
/// multiplications and divisions by 10, not logarithms, so it is the same everywhere.
pub(super) fn nice_step(span: f64, max_ticks: f64) -> f64 {
    let raw = span / max_ticks;
    let mut magnitude = 1.0f64;
    while magnitude > raw {
        magnitude /= 10.0;
    }
    while magnitude * 10.0 <= raw {
        magnitude *= 10.0;
    }
    for m in [1.0, 2.0, 5.0] {
        if m * magnitude >= raw {
            return m * magnitude;
        }
    }
    10.0 * magnitude
}

/// Decimals needed to show multiples of `step`.
pub(super) fn decimals(step: f64) -> usize {
    let mut d = 0;
    let mut scaled = step;
    while d < 6 && (scaled - scaled.round()).abs() > 1e-9 * scaled.abs().max(1.0) {
        scaled *= 10.0;
        d += 1;
    }
    d
}

/// Maps data values onto pixels.
#[derive(Clone, Copy, Debug)]
pub(super) struct ValueScale {
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) from_px: i32,
    pub(super) to_px: i32,
}

impl ValueScale {
    pub(super) fn px(&self, v: f64) -> i32 {
        if self.hi <= self.lo {
            return (self.from_px + self.to_px) / 2;
        }
        let t = (v - self.lo) / (self.hi - self.lo);
        self.from_px + (t * f64::from(self.to_px - self.from_px)).round() as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = 60_000;

    #[test]
    fn axis_steps_are_round() {
        assert_eq!(time_step(360 * MIN, 13), 30 * MIN);
        assert_eq!(time_step(0, 10), 1_000);
        assert_eq!(time_step(u64::MAX, 10) % 604_800_000, 0);
        assert_eq!(count_step(2_000, 8), 500);
        assert_eq!(count_step(1, 8), 1);
        assert!(count_step(u64::MAX, 8) > 0);
        assert_eq!(proportional_px(5, 10, 100), 50);
        assert_eq!(proportional_px(u64::MAX, u64::MAX, 1_000), 1_000);
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(48.0, 8.0), 10.0);
        assert_eq!(nice_step(16.0, 8.0), 2.0);
        assert_eq!(nice_step(0.9, 8.0), 0.2);
        assert_eq!(nice_step(7.0, 8.0), 1.0);
        assert_eq!(decimals(0.2), 1);
        assert_eq!(decimals(0.05), 2);
        assert_eq!(decimals(10.0), 0);
    }
}
