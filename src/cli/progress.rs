//! Progress in simulated time on stderr, for `run` and `staleness`: a bar that appears only
//! on a terminal, only when not quiet, and only once the work has lasted a second, so quick
//! runs and scripts never see it. The model knows nothing of it: `run` feeds it from the
//! [`Recorder`]'s periodic samples, `staleness` from its progress callback.

use failsim::model::{MemoryRecorder, Observation, Recorder, Sample};
use failsim::time::format_clock;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::{Duration, Instant};

/// Work shorter than this never shows a bar.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// A simulated-time progress bar, hidden until the work has lasted [`SHOW_AFTER`].
pub struct SimProgress {
    bar: ProgressBar,
    enabled: bool,
    shown: bool,
    started: Instant,
}

impl SimProgress {
    /// A bar for `what` (`simulating`, `staleness`) over `total_ms` of simulated time;
    /// `enabled` is false for `-q`, `--json` or a stderr that is not a terminal.
    pub fn new(enabled: bool, what: &str, total_ms: u64) -> SimProgress {
        let bar = ProgressBar::with_draw_target(Some(total_ms), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template(&format!(
            "{what}: {{msg}} simulated, about {{eta}} left [{{wide_bar}}]"
        )) {
            bar.set_style(style.progress_chars("=> "));
        }
        SimProgress {
            bar,
            enabled,
            shown: false,
            started: Instant::now(),
        }
    }

    /// Simulated time has reached `done_ms` of `total_ms`.
    pub fn at(&mut self, done_ms: u64, total_ms: u64) {
        if !self.enabled {
            return;
        }
        if !self.shown && self.started.elapsed() >= SHOW_AFTER {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown = true;
        }
        self.bar.set_length(total_ms);
        self.bar.set_message(format_clock(done_ms));
        self.bar.set_position(done_ms);
    }

    /// Removes the bar (the story or the CSV follows).
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// A [`MemoryRecorder`] that also moves a [`SimProgress`] at every periodic sample.
pub struct ProgressRecorder<'a> {
    /// What the report is built from.
    pub inner: MemoryRecorder,
    progress: &'a mut SimProgress,
    total_ms: u64,
}

impl<'a> ProgressRecorder<'a> {
    /// Records into a fresh [`MemoryRecorder`]; `total_ms` is the scenario's duration.
    pub fn new(progress: &'a mut SimProgress, total_ms: u64) -> Self {
        ProgressRecorder {
            inner: MemoryRecorder::default(),
            progress,
            total_ms,
        }
    }
}

impl Recorder for ProgressRecorder<'_> {
    fn observe(&mut self, time_ms: u64, observation: Observation) {
        self.inner.observe(time_ms, observation);
    }

    fn sample(&mut self, sample: &Sample<'_>) {
        self.progress.at(sample.time_ms, self.total_ms);
        self.inner.sample(sample);
    }

    fn expect_samples(&mut self, samples: usize) {
        self.inner.expect_samples(samples);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use failsim::model::{simulate, simulate_into, RunOptions};
    use failsim::report::Report;

    #[test]
    fn recording_through_the_progress_bar_changes_nothing() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios/workspaces-failover.toml");
        let model = failsim::scenario::load(&path, &["users.staff.count=50".to_string()])
            .expect("bundled scenario");
        let options = RunOptions {
            seed: 3,
            trace_users: 5,
        };
        // Enabled but never drawn: the test's stderr is not a terminal and the run is short.
        let mut progress = SimProgress::new(true, "simulating", model.duration_ms);
        let mut recorder = ProgressRecorder::new(&mut progress, model.duration_ms);
        let outcome = simulate_into(&model, &options, &mut recorder);
        let via_bar = Report::new(&model, outcome, recorder.inner);
        assert!(progress.bar.position() > 0, "samples moved the bar");
        assert_eq!(progress.bar.length(), Some(model.duration_ms));
        let direct = simulate(&model, &options);
        let csv = |r: &Report| {
            let mut v = Vec::new();
            failsim::report::csv::write_users(r, &mut v).unwrap();
            failsim::report::csv::write_timeline(r, &mut v).unwrap();
            failsim::report::csv::write_series(r, &mut v).unwrap();
            v
        };
        assert_eq!(csv(&via_bar), csv(&direct));
    }
}
