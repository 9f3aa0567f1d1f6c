//! When to poll: the unknown-length schedule of the [`WaitPolicy`], gathered around the window
//! where the operation's earlier jobs ended, and moved by the end the job's progress predicts.
//!
//! Times are seconds since the wait began, as `f64`: the schedule is arithmetic on estimates,
//! and [`super::run`] turns each into an instant within the deadline.

use super::history::Window;
use super::policy::{MIN_DELAY, WaitPolicy};

/// Unknown-length polls earlier than this fraction of the window's start are skipped: the
/// history says the job is longer. Polls from there on still notice a job three times shorter
/// than those seen as the unknown-length schedule would.
const TRUST: f64 = 3.0;

/// How fast the gaps grow leading into and out of the window, per poll.
const LEAD_GROWTH: f64 = 2.0;

/// A bound on the polls leading into or out of a window (the growth ends them long before).
const LEAD_LIMIT: usize = 64;

/// The poll times of one wait.
pub(crate) struct Schedule {
    policy: WaitPolicy,
    rng: fastrand::Rng,
    /// The unknown-length schedule's next poll, generated forward as the wait goes on.
    unknown: f64,
    learned: Option<Learned>,
}

/// The polls that the window of earlier jobs' lengths adds.
struct Learned {
    /// Unknown-length polls before this are skipped.
    trust_from: f64,
    /// Polls leading into the window, at gaps that double away from it (ascending).
    lead_in: Vec<f64>,
    /// The window's first poll; the next ones follow every `gap` up to `last`.
    first: f64,
    gap: f64,
    last: f64,
    /// Polls leading out of the window, at gaps that double (ascending).
    lead_out: Vec<f64>,
}

impl Schedule {
    /// The schedule of a wait for a job just started (`resumed == false`) or resumed, around
    /// `window` if the operation's earlier jobs give one (only a job just started has a known
    /// age to compare with them).
    pub(crate) fn new(policy: &WaitPolicy, mut rng: fastrand::Rng, window: Option<Window>) -> Self {
        let unknown = policy.jittered(policy.first_poll.as_secs_f64(), &mut rng);
        let learned = window
            .filter(|_| policy.learn)
            .map(|window| Learned::new(window, policy, &mut rng));
        Self {
            policy: policy.clone(),
            rng,
            unknown,
            learned,
        }
    }

    /// The wait's first poll: the first unknown-length one (from `trust_from` on, around a
    /// window), or the first leading into the window.
    pub(crate) fn first(&mut self) -> f64 {
        self.planned_after(f64::NEG_INFINITY)
    }

    /// The first poll after `now`: the next unknown-length poll, or around the window the next
    /// of its polls (unknown-length ones only before the polls leading in, from `trust_from`
    /// on, and after those leading out).
    pub(crate) fn after(&mut self, now: f64) -> f64 {
        let next = self.planned_after(now);
        next.max(now + MIN_DELAY.as_secs_f64())
    }

    /// [`Self::after`] before the minimum delay.
    fn planned_after(&mut self, now: f64) -> f64 {
        let Some(learned) = &self.learned else {
            return self.unknown_after(now, 0.0);
        };
        let (start, end) = learned.span();
        let learned_next = learned.after(now);
        let trust_from = learned.trust_from;
        // An unknown-length poll less than half a learned gap before the polls leading in adds
        // nothing to them.
        let lead_in_from = start - learned.gap / 2.0;
        let unknown = if now < start {
            Some(self.unknown_after(now, trust_from)).filter(|at| *at < lead_in_from)
        } else if now >= end {
            Some(self.unknown_after(now, 0.0))
        } else {
            None
        };
        match (unknown, learned_next) {
            (Some(unknown), Some(learned)) => unknown.min(learned),
            (Some(at), None) | (None, Some(at)) => at,
            (None, None) => self.unknown_after(now, 0.0),
        }
    }

    /// The next poll after `now`, given the end the job's progress predicts (`estimated_end`):
    /// at that end if it comes before the planned poll; after the planned poll, at that end but
    /// no later than the unknown-length gap from `now`, so that progress that stalls or misleads
    /// cannot slow the wait below the unknown-length schedule.
    pub(crate) fn next(&mut self, now: f64, estimated_end: Option<f64>) -> f64 {
        let planned = self.after(now);
        match estimated_end.filter(|end| end.is_finite()) {
            Some(end) => {
                let latest = planned.max(now + self.policy.gap_after(now));
                end.max(now + MIN_DELAY.as_secs_f64()).min(latest)
            }
            None => planned,
        }
    }

    /// The first unknown-length poll after `now` and not before `from`.
    fn unknown_after(&mut self, now: f64, from: f64) -> f64 {
        while self.unknown <= now || self.unknown < from {
            let gap = self.policy.gap_after(self.unknown);
            let gap = self.policy.jittered(gap, &mut self.rng);
            self.unknown += gap.max(MIN_DELAY.as_secs_f64());
        }
        self.unknown
    }
}

impl Learned {
    fn new(window: Window, policy: &WaitPolicy, rng: &mut fastrand::Rng) -> Self {
        let gap = policy.learned_gap_secs();
        let trust_from = window.from / TRUST;
        // A random phase, so that each job ends at a random point between two polls: the
        // history then learns the spread, not the schedule's own grid.
        let width = (window.to - window.from).max(0.0);
        let first = window.from + rng.f64() * gap.min(width);
        let last = first + ((window.to - first) / gap).floor().max(0.0) * gap;

        let mut lead_out = Vec::new();
        let (mut at, mut step) = (last, gap);
        while lead_out.len() < LEAD_LIMIT {
            step *= LEAD_GROWTH;
            if step >= policy.gap_after(at) {
                break;
            }
            at += step;
            lead_out.push(at);
        }

        let mut lead_in = Vec::new();
        let (mut at, mut step) = (first, gap);
        while lead_in.len() < LEAD_LIMIT {
            step *= LEAD_GROWTH;
            let earlier = at - step;
            if earlier < trust_from || step >= policy.gap_after(earlier) {
                break;
            }
            at = earlier;
            lead_in.push(at);
        }
        lead_in.reverse();

        Self {
            trust_from,
            lead_in,
            first,
            gap,
            last,
            lead_out,
        }
    }

    /// From the first poll leading in to the last leading out.
    fn span(&self) -> (f64, f64) {
        let start = self.lead_in.first().copied().unwrap_or(self.first);
        let end = self.lead_out.last().copied().unwrap_or(self.last);
        (start, end)
    }

    /// The first of these polls after `now`, if any.
    fn after(&self, now: f64) -> Option<f64> {
        if let Some(at) = self.lead_in.iter().copied().find(|at| *at > now) {
            return Some(at);
        }
        if now < self.first {
            return Some(self.first);
        }
        if now < self.last {
            let steps = ((now - self.first) / self.gap).floor() + 1.0;
            return Some((self.first + steps * self.gap).min(self.last));
        }
        self.lead_out.iter().copied().find(|at| *at > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn steady() -> WaitPolicy {
        WaitPolicy {
            jitter: 0.0,
            ..WaitPolicy::default()
        }
    }

    /// Every poll of `schedule` up to `until`.
    fn polls(schedule: &mut Schedule, until: f64) -> Vec<f64> {
        let mut at = Vec::new();
        let mut now = 0.0;
        loop {
            now = schedule.after(now);
            if now > until {
                return at;
            }
            at.push(now);
        }
    }

    fn rounded(values: &[f64]) -> Vec<f64> {
        values.iter().map(|v| (v * 100.0).round() / 100.0).collect()
    }

    #[test]
    fn a_job_of_unknown_length_is_polled_at_gaps_growing_with_the_time_waited() {
        let mut schedule = Schedule::new(&steady(), fastrand::Rng::with_seed(1), None);
        assert_eq!(
            rounded(&polls(&mut schedule, 60.0)),
            vec![
                1.1, 2.83, 5.08, 8.0, 11.8, 16.74, 23.17, 31.52, 42.37, 56.49
            ]
        );
    }

    #[test]
    fn a_job_of_a_length_seen_before_is_polled_closely_around_it_and_sparsely_before() {
        let window = Window {
            from: 108.0,
            to: 132.0,
        };
        let mut schedule = Schedule::new(&steady(), fastrand::Rng::with_seed(1), Some(window));
        let polls = polls(&mut schedule, 400.0);
        // Nothing before a third of the window's start; the window polled every 1.5 s.
        assert!(polls[0] >= 36.0, "{polls:?}");
        let inside: Vec<f64> = polls
            .iter()
            .copied()
            .filter(|at| (108.0..=132.0).contains(at))
            .collect();
        assert!(inside.len() >= 15, "{polls:?}");
        assert!(
            inside
                .windows(2)
                .all(|pair| (pair[1] - pair[0] - 1.5).abs() < 1e-9)
        );
        assert!(
            inside[0] < 109.5 && *inside.last().unwrap() > 130.5,
            "{inside:?}"
        );
        let before = polls.iter().filter(|at| **at < 108.0).count();
        assert!(before <= 6, "{polls:?}");
        // After the window, gaps double until they reach the unknown-length ones.
        let after: Vec<f64> = polls.iter().copied().filter(|at| *at > 132.0).collect();
        assert!(
            (after[0] - inside.last().unwrap() - 3.0).abs() < 1e-9,
            "{after:?}"
        );
        let gaps: Vec<f64> = after.windows(2).map(|pair| pair[1] - pair[0]).collect();
        assert!(
            gaps.windows(2).all(|pair| pair[1] >= pair[0] - 1e-9),
            "{gaps:?}"
        );
        assert!(*gaps.last().unwrap() > 30.0, "{gaps:?}");
        // Polls are strictly increasing and never closer than the minimum delay.
        assert!(
            polls
                .windows(2)
                .all(|pair| pair[1] - pair[0] >= MIN_DELAY.as_secs_f64() - 1e-9)
        );
    }

    #[test]
    fn learning_can_be_turned_off() {
        let window = Window {
            from: 108.0,
            to: 132.0,
        };
        let policy = WaitPolicy {
            learn: false,
            ..steady()
        };
        let mut with = Schedule::new(&policy, fastrand::Rng::with_seed(1), Some(window));
        let mut without = Schedule::new(&policy, fastrand::Rng::with_seed(1), None);
        assert_eq!(polls(&mut with, 200.0), polls(&mut without, 200.0));
    }

    #[test]
    fn a_predicted_end_moves_the_next_poll_but_never_past_the_unknown_length_gap() {
        let mut schedule = Schedule::new(&steady(), fastrand::Rng::with_seed(1), None);
        // Planned next poll after 1.1 s: 2.83 s.
        assert!((schedule.next(1.1, Some(2.0)) - 2.0).abs() < 1e-9);
        let mut schedule = Schedule::new(&steady(), fastrand::Rng::with_seed(1), None);
        assert!((schedule.next(1.1, Some(2.5)) - 2.5).abs() < 1e-9);
        // A far end postpones the poll only to the unknown-length gap (1.4 + 0.3 × 40 s).
        let mut schedule = Schedule::new(&steady(), fastrand::Rng::with_seed(1), None);
        let next = schedule.next(40.0, Some(1000.0));
        assert!((next - (40.0 + 1.4 + 12.0)).abs() < 1e-9, "{next}");
        // An end in the past or now still waits the minimum delay; nonsense is ignored.
        let mut schedule = Schedule::new(&steady(), fastrand::Rng::with_seed(1), None);
        assert!((schedule.next(5.0, Some(1.0)) - 5.1).abs() < 1e-9);
        let mut schedule = Schedule::new(&steady(), fastrand::Rng::with_seed(1), None);
        let planned = Schedule::new(&steady(), fastrand::Rng::with_seed(1), None).after(5.0);
        assert_eq!(schedule.next(5.0, Some(f64::NAN)), planned);
    }

    #[test]
    fn any_window_gives_a_finite_increasing_schedule() {
        let policy = WaitPolicy {
            max_gap: Duration::from_secs(3600),
            ..WaitPolicy::default()
        };
        for (from, to) in [
            (0.0, 0.0),
            (0.0, 0.5),
            (0.3, 0.4),
            (5.0, 5.0),
            (1.0, 86_400.0),
            (1e9, 1e9 + 10.0),
        ] {
            let mut schedule = Schedule::new(
                &policy,
                fastrand::Rng::with_seed(9),
                Some(Window { from, to }),
            );
            let mut now = 0.0;
            for _ in 0..500 {
                let next = schedule.after(now);
                assert!(
                    next.is_finite() && next > now,
                    "{from}..{to}: {now} -> {next}"
                );
                now = next;
            }
        }
    }
}
