//! What earlier jobs of an operation took: the window of lengths where the next one will most
//! likely end.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

/// How many of an operation's latest jobs are remembered: enough to estimate a spread, few
/// enough to follow a provider that gets faster or slower.
const REMEMBERED: usize = 16;

/// How many ended jobs it takes before their lengths shape the schedule.
const ENOUGH: usize = 3;

/// An observation is left out when it is more than this many times as imprecise as the median
/// one (once enough precise ones remain): the first jobs, seen on the unknown-length schedule,
/// only say their length to within a third, and would otherwise widen the window for long.
const IMPRECISE: f64 = 3.0;

/// The lengths of the latest jobs of one operation, each as the interval its polls bracketed:
/// pending at the last poll before (`after`), ended by the poll that saw it end (`by`).
#[derive(Clone, Debug, Default)]
pub struct History {
    ended: VecDeque<(f64, f64)>,
}

/// Where the next job will most likely end, in seconds since its wait began.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Window {
    pub(crate) from: f64,
    pub(crate) to: f64,
}

impl History {
    /// Remembers a job that was pending `after` its wait began and had ended `by` then (the
    /// send times of the last pending poll and of the poll that saw it end).
    pub fn record(&mut self, after: Duration, by: Duration) {
        let (after, by) = (after.as_secs_f64(), by.as_secs_f64());
        if !(by > 0.0 && by.is_finite() && after <= by) {
            return;
        }
        if self.ended.len() == REMEMBERED {
            self.ended.pop_front();
        }
        self.ended.push_back((after, by));
    }

    /// The window of likely end times, once [`ENOUGH`] jobs have ended: from the earliest to the
    /// latest length seen (each the middle of its interval, on a log scale), widened by the
    /// gap a sample of that size leaves on each side (the spread over one less than the count,
    /// the unbiased estimate for evenly spread lengths) and by half the gap between the polls
    /// that will gather there (`poll_gap`, seconds).
    pub(crate) fn window(&self, poll_gap: f64) -> Option<Window> {
        if self.ended.len() < ENOUGH {
            return None;
        }
        let intervals: Vec<(f64, f64)> = self
            .ended
            .iter()
            // A job seen at the first poll was pending for an unknown part of it: count it as
            // ending in its second half.
            .map(|&(after, by)| (after.max(by / 2.0).ln(), by.ln()))
            .collect();
        let mut widths: Vec<f64> = intervals.iter().map(|(low, high)| high - low).collect();
        widths.sort_by(f64::total_cmp);
        let median_width = widths[widths.len() / 2];
        let precise: Vec<(f64, f64)> = intervals
            .iter()
            .copied()
            .filter(|(low, high)| high - low <= IMPRECISE * median_width)
            .collect();
        let used = if precise.len() >= 5 {
            precise
        } else {
            intervals
        };
        let middles: Vec<f64> = used.iter().map(|(low, high)| (low + high) / 2.0).collect();
        let shortest = middles.iter().copied().fold(f64::INFINITY, f64::min);
        let longest = middles.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let margin = (longest - shortest) / (middles.len() - 1) as f64;
        let from = ((shortest - margin).exp() - poll_gap / 2.0).max(0.0);
        let to = (longest + margin).exp() + poll_gap / 2.0;
        (from.is_finite() && to.is_finite()).then_some(Window { from, to })
    }
}

/// The histories of every operation polled through one provider handle (and its clones).
#[derive(Debug, Default)]
pub(crate) struct Histories(Mutex<HashMap<String, History>>);

impl Histories {
    /// The window of `operation`'s next job, if enough of its jobs have ended.
    pub(crate) fn window(&self, operation: &str, poll_gap: f64) -> Option<Window> {
        let histories = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        histories.get(operation)?.window(poll_gap)
    }

    /// Remembers a job of `operation` (see [`History::record`]).
    pub(crate) fn record(&self, operation: &str, after: Duration, by: Duration) {
        let mut histories = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        histories
            .entry(operation.to_owned())
            .or_default()
            .record(after, by);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(after: f64, by: f64) -> (Duration, Duration) {
        (Duration::from_secs_f64(after), Duration::from_secs_f64(by))
    }

    #[test]
    fn two_jobs_are_not_enough_to_learn_from() {
        let mut history = History::default();
        for _ in 0..2 {
            let (after, by) = secs(29.0, 30.0);
            history.record(after, by);
        }
        assert_eq!(history.window(1.5), None);
    }

    #[test]
    fn the_window_covers_the_lengths_seen_with_a_margin_on_each_side() {
        let mut history = History::default();
        for length in [28.0, 29.0, 30.0, 31.0, 32.0] {
            let (after, by) = secs(length - 0.75, length + 0.75);
            history.record(after, by);
        }
        let window = history.window(1.5).unwrap();
        assert!(window.from < 28.0 - 1.0 && window.from > 25.0, "{window:?}");
        assert!(window.to > 32.0 + 1.0 && window.to < 35.0, "{window:?}");
    }

    #[test]
    fn a_first_job_seen_coarsely_does_not_widen_the_window_once_precise_ones_exist() {
        let mut history = History::default();
        // The first job, on the unknown-length schedule: ended between 98 s and 130 s.
        let (after, by) = secs(98.0, 130.0);
        history.record(after, by);
        for length in [118.0, 119.0, 120.0, 121.0, 122.0] {
            let (after, by) = secs(length - 1.5, length);
            history.record(after, by);
        }
        let window = history.window(1.5).unwrap();
        assert!(window.from > 110.0, "{window:?}");
        // With too few precise ones, the coarse one counts (its middle, 113 s, widens the window).
        let mut few = History::default();
        for (after, by) in [(98.0, 130.0), (118.5, 120.0), (119.5, 121.0)] {
            let (after, by) = secs(after, by);
            few.record(after, by);
        }
        assert!(few.window(1.5).unwrap().from < 110.0);
    }

    #[test]
    fn only_the_latest_jobs_count() {
        let mut history = History::default();
        for _ in 0..REMEMBERED {
            let (after, by) = secs(9.0, 10.0);
            history.record(after, by);
        }
        for _ in 0..REMEMBERED {
            let (after, by) = secs(59.0, 60.0);
            history.record(after, by);
        }
        let window = history.window(1.5).unwrap();
        assert!(window.from > 50.0, "{window:?}");
    }

    #[test]
    fn impossible_intervals_are_ignored() {
        let mut history = History::default();
        for (after, by) in [(5.0, 0.0), (10.0, 5.0), (0.0, 0.0)] {
            let (after, by) = secs(after, by);
            history.record(after, by);
        }
        assert!(history.ended.is_empty());
    }

    #[test]
    fn histories_are_kept_per_operation() {
        let histories = Histories::default();
        for _ in 0..ENOUGH {
            histories.record("get_a", Duration::from_secs(9), Duration::from_secs(10));
        }
        assert!(histories.window("get_a", 1.5).is_some());
        assert_eq!(histories.window("get_b", 1.5), None);
    }
}
