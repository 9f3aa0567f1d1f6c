//! The waiting policy: when to poll a job of unknown length, and how closely to poll around the
//! lengths an operation's earlier jobs had.

use std::time::Duration;

/// The shortest sleep between two polls.
///
/// A server hint of zero (or a policy with zero gaps) must not turn the waiter into a busy loop
/// that hammers the status endpoint, so every sleep lasts at least this long. The only shorter
/// sleep is the one trimmed to end at the deadline.
pub const MIN_DELAY: Duration = Duration::from_millis(100);

/// How often to poll a job, and how long to believe the server about it.
///
/// A job of unknown length is polled first `first_poll` after it was started, then after gaps
/// that grow with the time already waited: `min_gap + growth × waited`, at most `max_gap`. The
/// delay between a job's end and the poll that sees it therefore stays a fraction of the job's
/// length, and a long job costs few polls. Once a provider handle has seen jobs of an operation
/// end (with `learn`), later jobs of that operation are polled every `learned_gap` around the
/// lengths those jobs had, and on the unknown-length schedule before and after (see
/// [`crate::Provider`]).
///
/// Values outside their documented range do not cause panics: a negative or NaN growth counts as
/// 0, a jitter outside `0.0..=1.0` (or NaN) is clamped (NaN counts as 0), and every sleep between
/// polls lasts at least 100 ms.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitPolicy {
    /// When a job just started is polled first. A resumed wait polls at once.
    pub first_poll: Duration,
    /// The gap between polls of a job of unknown length right after its first poll.
    pub min_gap: Duration,
    /// How much the gap grows per second already waited: the gap after a pending answer at `t`
    /// seconds is `min_gap + growth × t`.
    pub growth: f64,
    /// Cap of the growing gap.
    pub max_gap: Duration,
    /// Randomisation in `0.0..=1.0`: each gap `g` of the unknown-length schedule is drawn
    /// uniformly from `[g × (1 - jitter), g]`.
    pub jitter: f64,
    /// Whether polls gather around the lengths of the operation's earlier jobs.
    pub learn: bool,
    /// The gap between polls around the lengths of earlier jobs.
    pub learned_gap: Duration,
    /// How long after a job was started a `404` from its status call still means "not visible
    /// yet" rather than "no such job": some APIs answer a poll that follows the submit closely
    /// before the job is readable (eventual consistency). A resumed wait has no grace.
    pub not_found_grace: Duration,
}

impl Default for WaitPolicy {
    /// First poll at 1.1 s, gaps of 1.4 s + 30 % of the time waited (at most 60 s), 10 %
    /// jitter, learning on with 1.5 s between polls around learned lengths, 5 s grace for a `404`.
    ///
    /// Why these values (the tables of `cargo xtask bench` show each claim):
    /// * Polls land at about 1.1 s, 2.8 s, 5.1 s, 8 s, 11.8 s, 16.7 s, 23 s, 31.5 s, 42 s,
    ///   56.5 s, 75 s, 99 s, 130 s, … (jitter moves each a little earlier). A fixed 2 s loop (the
    ///   providers' documented one) polls 61 times for a job of 120 s; this schedule at most 14
    ///   times, and no more often than that loop for jobs of 4 s or more.
    /// * Growing by 30 % of the time waited keeps the mean delay between a job's end and the
    ///   poll that sees it under a quarter of the job's length plus 0.3 s at the lengths the
    ///   benchmark checks (1 s to 3 min); between them, a job that ends just after a poll waits
    ///   for the next one, 1.4 s plus 30 % of the time waited later.
    /// * The 1.4 s floor of the gap respects the providers' advice not to poll more than about
    ///   once a second.
    /// * 1.5 s between polls around learned lengths brings the mean delay of a job like the
    ///   earlier ones under 1 s, the fixed 2 s loop's.
    /// * Jitter of 10 % de-synchronises waiters started together while keeping the numbers
    ///   above predictable (it only shortens gaps).
    /// * A 5 s grace for a `404` covers a status store that lags the submit by a few polls,
    ///   while a job that really does not exist is reported within seconds.
    fn default() -> Self {
        Self {
            first_poll: Duration::from_millis(1100),
            min_gap: Duration::from_millis(1400),
            growth: 0.3,
            max_gap: Duration::from_secs(60),
            jitter: 0.1,
            learn: true,
            learned_gap: Duration::from_millis(1500),
            not_found_grace: Duration::from_secs(5),
        }
    }
}

impl WaitPolicy {
    /// The gap after a pending answer `waited` seconds into the wait, before jitter, in seconds;
    /// never below [`MIN_DELAY`].
    pub(super) fn gap_after(&self, waited: f64) -> f64 {
        let growth = if self.growth > 0.0 { self.growth } else { 0.0 };
        let gap = self.min_gap.as_secs_f64() + growth * waited.max(0.0);
        let gap = if gap.is_finite() {
            gap.min(self.max_gap.as_secs_f64())
        } else {
            self.max_gap.as_secs_f64()
        };
        gap.max(MIN_DELAY.as_secs_f64())
    }

    /// `gap` shortened by a random fraction of at most `jitter`.
    pub(super) fn jittered(&self, gap: f64, rng: &mut fastrand::Rng) -> f64 {
        let jitter = if self.jitter.is_nan() {
            0.0
        } else {
            self.jitter.clamp(0.0, 1.0)
        };
        if jitter == 0.0 {
            return gap;
        }
        gap * (1.0 - jitter * rng.f64())
    }

    /// The gap around learned lengths, in seconds; never below [`MIN_DELAY`].
    pub(crate) fn learned_gap_secs(&self) -> f64 {
        self.learned_gap.as_secs_f64().max(MIN_DELAY.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gap_grows_with_the_time_waited_up_to_the_cap() {
        let policy = WaitPolicy::default();
        assert!((policy.gap_after(0.0) - 1.4).abs() < 1e-9);
        assert!((policy.gap_after(10.0) - 4.4).abs() < 1e-9);
        assert!((policy.gap_after(1000.0) - 60.0).abs() < 1e-9);
    }

    #[test]
    fn nonsense_policies_give_finite_gaps_of_at_least_the_minimum() {
        let base = WaitPolicy::default();
        let cases = [
            WaitPolicy {
                growth: f64::NAN,
                ..base.clone()
            },
            WaitPolicy {
                growth: -3.0,
                min_gap: Duration::ZERO,
                ..base.clone()
            },
            WaitPolicy {
                growth: f64::INFINITY,
                ..base.clone()
            },
            WaitPolicy {
                max_gap: Duration::MAX,
                growth: 1e300,
                ..base.clone()
            },
            WaitPolicy {
                jitter: f64::NAN,
                learned_gap: Duration::ZERO,
                ..base.clone()
            },
        ];
        let mut rng = fastrand::Rng::with_seed(3);
        for policy in &cases {
            for waited in [0.0, 1.0, 1e9, f64::MAX] {
                let gap = policy.jittered(policy.gap_after(waited), &mut rng);
                assert!(
                    gap.is_finite() && gap >= 0.0,
                    "{policy:?} at {waited}: {gap}"
                );
                assert!(policy.gap_after(waited) >= MIN_DELAY.as_secs_f64());
            }
            assert!(policy.learned_gap_secs() >= MIN_DELAY.as_secs_f64());
        }
        // NaN and negative growth count as none.
        assert!((cases[0].gap_after(100.0) - 1.4).abs() < 1e-9);
        assert!((cases[1].gap_after(100.0) - MIN_DELAY.as_secs_f64()).abs() < 1e-9);
    }

    #[test]
    fn jitter_only_shortens_gaps_and_stays_within_its_fraction() {
        let policy = WaitPolicy {
            jitter: 0.3,
            ..WaitPolicy::default()
        };
        let mut rng = fastrand::Rng::with_seed(1);
        let draws: Vec<f64> = (0..1000).map(|_| policy.jittered(10.0, &mut rng)).collect();
        assert!(draws.iter().all(|gap| (7.0..=10.0).contains(gap)));
        assert!(draws.iter().any(|gap| *gap < 7.3));
        assert!(draws.iter().any(|gap| *gap > 9.7));
        for jitter in [f64::NAN, -1.0] {
            let policy = WaitPolicy {
                jitter,
                ..WaitPolicy::default()
            };
            assert_eq!(policy.jittered(10.0, &mut rng), 10.0);
        }
        let wild = WaitPolicy {
            jitter: 5.0,
            ..WaitPolicy::default()
        };
        assert!((0.0..=10.0).contains(&wild.jittered(10.0, &mut rng)));
    }
}
