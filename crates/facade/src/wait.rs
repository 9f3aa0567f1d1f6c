//! One waiting engine for every asynchronous job.
//!
//! Providers expose long-running work (speech synthesis, transcription, voice cloning,
//! generations) as a job id plus a status endpoint. [`run`] polls such an endpoint until the job
//! completes, fails, or a caller-chosen deadline passes, so that every provider behaves the same
//! way:
//!
//! * the first poll happens immediately, because many jobs are already done or nearly done;
//! * the delay between polls then grows geometrically up to a cap, so short jobs are noticed
//!   quickly and long jobs cost few requests;
//! * the delay is randomised downwards ("jitter") so that many waiters started together do not
//!   hit the server in lock-step;
//! * a `Retry-After`-style hint from the server replaces the computed delay; it arrives bounded by
//!   `RetryPolicy::hint_limits`, the one ceiling for every hint;
//! * the deadline is mandatory and is a bound: every poll runs under it (a poll still running
//!   when it passes is cancelled), and the last poll is moved earlier so that, if it takes as long
//!   as the one before, it ends at the deadline instead of after it;
//! * errors worth waiting out (a rate limit, a server error, no answer) do not end the wait while
//!   the deadline allows; the engine polls again after the server's hint;
//! * the outcome is the crate's own: the job's result, or [`Error::JobFailed`], or
//!   [`Error::DeadlineExceeded`] carrying the job's handle and last state to resume with.
//!
//! All timing uses [`tokio::time`], so the engine works with tokio's paused test clock.
//! [`run`] is a plain `async fn`: dropping its future stops polling, nothing keeps running in the
//! background.

use std::future::Future;
use std::time::Duration;

use serde_json::Value;
use speech_client_runtime::jobs::JobState;
use tokio::time::Instant;

use crate::deadline::Deadline;
use crate::error::{Error, Submission};
use crate::handle::JobHandle;

/// The shortest sleep between two polls.
///
/// A server hint of zero (or a policy with zero delays) must not turn the waiter into a busy
/// loop that hammers the status endpoint, so every sleep lasts at least this long. The only
/// shorter sleep is the one trimmed to end at the deadline.
pub const MIN_DELAY: Duration = Duration::from_millis(100);

/// How often to poll a job and how long to believe the server about it.
///
/// Values outside their documented range do not cause panics: a multiplier below 1 (or NaN) is
/// treated as 1, a jitter outside `0.0..=1.0` (or NaN) is clamped (NaN counts as 0), and every
/// sleep is at least 100 ms.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitPolicy {
    /// Delay before the second poll (the first poll happens immediately).
    pub first_delay: Duration,
    /// Cap of the growing delay.
    pub max_delay: Duration,
    /// Growth of the delay per poll, e.g. 1.5.
    pub multiplier: f64,
    /// Randomisation in `0.0..=1.0`: each delay `d` is drawn uniformly from `[d * (1 - jitter), d]`.
    pub jitter: f64,
    /// How long after a job was started a `404` from its status call still means "not visible
    /// yet" rather than "no such job": some APIs answer a poll that follows the submit closely
    /// before the job is readable (eventual consistency). A resumed wait has no grace.
    pub not_found_grace: Duration,
}

impl Default for WaitPolicy {
    /// 0.5 s first delay, ×1.5 growth, 10 s cap, 10 % jitter, 5 s grace for a `404`.
    ///
    /// Why these values:
    /// * Short jobs: polls land at about 0 s, 0.5 s, 1.25 s, 2.4 s, 4 s, … A job that finishes
    ///   at 1 s is seen by 1.25 s, where a fixed 2 s loop would see it at 2 s. With growth 1.5 a
    ///   job is noticed at most about half its own duration plus 0.5 s late, and never more
    ///   than 10 s late once the cap is reached.
    /// * Long jobs: the 10 s cap keeps a 120 s job to at most 20 polls even when every jitter
    ///   draw lands at its low end; a fixed 2 s loop would send 61.
    /// * Jitter of 10 % de-synchronises waiters started together while keeping the numbers
    ///   above predictable.
    /// * A 5 s grace for a `404` covers a status store that lags the submit by a few polls,
    ///   while a job that really does not exist is reported within seconds.
    fn default() -> Self {
        Self {
            first_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(10),
            multiplier: 1.5,
            jitter: 0.1,
            not_found_grace: Duration::from_secs(5),
        }
    }
}

/// What the progress callback sees after each poll that found the job still pending.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress<'a> {
    /// The job being waited for.
    pub job_id: &'a str,
    /// The provider's own name for the pending state (e.g. `queued`, `processing`).
    pub state: &'a str,
    /// Completion percentage, when the provider reports one.
    pub percent: Option<f64>,
    /// Number of polls so far, including the one that produced this report.
    pub polls: u32,
    /// Time since the wait began.
    pub elapsed: Duration,
}

/// One poll's answer: the job's state as its spec's contract reads it, and the server's hint for
/// when to ask again.
#[derive(Debug, Clone, PartialEq)]
pub struct Polled {
    /// The job's state.
    pub state: JobState,
    /// A server hint (e.g. from `Retry-After`) for the delay before the next poll.
    pub retry_after: Option<Duration>,
}

impl From<JobState> for Polled {
    /// A poll answer without a server hint, the common case.
    fn from(state: JobState) -> Self {
        Self {
            state,
            retry_after: None,
        }
    }
}

/// A job that finished: its result value (where the contract points), polls and elapsed time.
/// A job that failed or outlived the deadline is an [`Error`] instead.
#[derive(Clone, Debug, PartialEq)]
pub struct Finished {
    /// The job's id.
    pub job_id: String,
    /// The value at the first result pointer present in the last status, if any.
    pub result: Option<Value>,
    /// How many polls the wait sent.
    pub polls: u32,
    /// How long the wait took.
    pub elapsed: Duration,
}

impl Finished {
    /// The result as text (a URL, a transcription); a completed job without one is an
    /// unexpected response that names `what` was missing.
    pub fn text(&self, what: &str) -> Result<String, Error> {
        self.result
            .as_ref()
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| Error::missing_result(&self.job_id, what))
    }
}

/// Polls `poll` until the job completes, fails, or `deadline` passes (for the crate's tests).
#[cfg(test)]
pub async fn wait_for<F, Fut>(
    job_id: &str,
    deadline: Duration,
    policy: &WaitPolicy,
    on_progress: impl FnMut(&Progress<'_>),
    poll: F,
) -> Result<Finished, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Polled, Error>>,
{
    wait_for_with_rng(
        job_id,
        deadline,
        policy,
        fastrand::Rng::new(),
        on_progress,
        poll,
    )
    .await
}

/// The engine on its own, with a caller-supplied random generator for the jitter, every poll
/// error ending the wait: for the crate's benchmarks. Passing `fastrand::Rng::with_seed(..)`
/// makes the poll schedule reproducible.
///
/// # Errors
/// [`Error::JobFailed`], [`Error::DeadlineExceeded`], or the error a poll returned.
pub async fn wait_for_with_rng<F, Fut>(
    job_id: &str,
    deadline: Duration,
    policy: &WaitPolicy,
    rng: fastrand::Rng,
    on_progress: impl FnMut(&Progress<'_>),
    poll: F,
) -> Result<Finished, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Polled, Error>>,
{
    let job = JobHandle {
        operation: String::new(),
        id: job_id.to_owned(),
        parameters: Default::default(),
    };
    let deadline = Deadline::after(deadline);
    let every_error_ends_the_wait = |_: &Error| None;
    run(
        &job,
        &deadline,
        policy,
        rng,
        on_progress,
        every_error_ends_the_wait,
        poll,
    )
    .await
}

/// The engine: polls `job` until it completes, fails, or `deadline` passes.
///
/// The first poll happens at once. After each pending answer `on_progress` is called, then the
/// waiter sleeps for the server's hint if there is one (already bounded where it was read) or else
/// for the next backoff delay (see [`WaitPolicy`]).
///
/// Each poll runs under the deadline: a poll still running when it passes is dropped (its request
/// cancelled) and the wait ends. `worth_waiting_out` decides which poll errors do not end the wait
/// (`Some(hint)`: poll again after the hint, or the backoff delay); every other error ends it, as
/// it is. After a pending answer or an error worth waiting out, the next poll happens after the
/// delay, unless it would not end before the deadline: the last poll is then moved earlier so that
/// a poll as long as the previous one still ends at the deadline (a pending answer), or the wait
/// ends at once (an error whose hint does not fit in the time left).
///
/// A failed job is [`Error::JobFailed`]; a deadline that passes first is
/// [`Error::DeadlineExceeded`] carrying `job` to resume with, the last state and the last error.
pub(crate) async fn run<F, Fut>(
    job: &JobHandle,
    deadline: &Deadline,
    policy: &WaitPolicy,
    mut rng: fastrand::Rng,
    mut on_progress: impl FnMut(&Progress<'_>),
    worth_waiting_out: impl Fn(&Error) -> Option<Option<Duration>>,
    mut poll: F,
) -> Result<Finished, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Polled, Error>>,
{
    let job_id = job.id.as_str();
    let mut polls: u32 = 0;
    let mut last_state = None;
    let mut last_error = None;
    loop {
        let began = Instant::now();
        let answer = deadline.run(poll()).await;
        polls = polls.saturating_add(1);
        let round_trip = began.elapsed();
        let (hint, patient) = match answer {
            None => break,
            Some(Ok(Polled { state, retry_after })) => {
                let (state, percent) = match state {
                    JobState::Pending { state, percent } => (state, percent),
                    JobState::Completed { result, .. } => {
                        return Ok(Finished {
                            job_id: job_id.to_owned(),
                            result,
                            polls,
                            elapsed: deadline.elapsed(),
                        });
                    }
                    JobState::Failed {
                        state,
                        message,
                        code,
                    } => {
                        return Err(Error::JobFailed {
                            job_id: job_id.to_owned(),
                            state,
                            message,
                            code,
                        });
                    }
                };
                on_progress(&Progress {
                    job_id,
                    state: &state,
                    percent,
                    polls,
                    elapsed: deadline.elapsed(),
                });
                last_state = Some(state);
                last_error = None;
                (retry_after, true)
            }
            // A poll cut short by the deadline inside the poll function ends the wait too.
            Some(Err(_)) if deadline.passed() => break,
            Some(Err(error)) => match worth_waiting_out(&error) {
                Some(hint) => {
                    last_error = Some(Box::new(error));
                    (hint, false)
                }
                None => return Err(error),
            },
        };
        let delay = next_delay(policy, polls, hint, &mut rng);
        match next_poll(deadline, delay, round_trip, patient) {
            Some(at) => deadline.sleep_until(at).await,
            None => break,
        }
    }
    Err(Error::DeadlineExceeded {
        submission: Submission::Started(Box::new(job.clone())),
        last_state,
        last_error,
        elapsed: deadline.elapsed(),
        polls,
    })
}

/// When to poll next, `delay` from now, or `None` to end the wait.
///
/// A poll that would not end before the deadline (judged by the last poll's `round_trip`) is
/// moved earlier, to end at the deadline, when `last_chance` allows one (after a pending answer,
/// where the job may finish meanwhile); otherwise, or when even an immediate poll could not end
/// in time, the wait ends now rather than sleeping into the deadline.
fn next_poll(
    deadline: &Deadline,
    delay: Duration,
    round_trip: Duration,
    last_chance: bool,
) -> Option<Instant> {
    let now = Instant::now();
    let natural = now.checked_add(delay)?;
    let Some(end) = deadline.instant() else {
        return Some(natural);
    };
    if natural
        .checked_add(round_trip)
        .is_some_and(|done| done <= end)
    {
        return Some(natural);
    }
    let last = end.checked_sub(round_trip)?;
    (last_chance && now < end && last >= now).then_some(last)
}

/// The sleep after the `pending_polls`-th pending answer: the server hint if present
/// (bounded where it was read), else the jittered backoff delay; never below [`MIN_DELAY`].
fn next_delay(
    policy: &WaitPolicy,
    pending_polls: u32,
    hint: Option<Duration>,
    rng: &mut fastrand::Rng,
) -> Duration {
    let delay = match hint {
        Some(hint) => hint,
        None => jittered(backoff_delay(policy, pending_polls), policy.jitter, rng),
    };
    delay.max(MIN_DELAY)
}

/// `first_delay * multiplier^(pending_polls - 1)`, capped at `max_delay`, before jitter.
///
/// Computed in floating point so that large exponents saturate to the cap instead of
/// overflowing `Duration` arithmetic (which would panic): a product that is NaN (0 s times
/// infinite growth), infinite or beyond `Duration::MAX` is rejected by `try_from_secs_f64`
/// and replaced by the cap.
fn backoff_delay(policy: &WaitPolicy, pending_polls: u32) -> Duration {
    let multiplier = if policy.multiplier >= 1.0 {
        policy.multiplier
    } else {
        1.0
    };
    let exponent = i32::try_from(pending_polls.saturating_sub(1)).unwrap_or(i32::MAX);
    let secs = policy.first_delay.as_secs_f64() * multiplier.powi(exponent);
    let cap = policy.max_delay;
    Duration::try_from_secs_f64(secs).map_or(cap, |delay| delay.min(cap))
}

/// Draws a delay uniformly from `[delay * (1 - jitter), delay]`.
///
/// Jitter only shortens delays, so the cap and the poll-count estimates of the default policy
/// remain upper bounds.
fn jittered(delay: Duration, jitter: f64, rng: &mut fastrand::Rng) -> Duration {
    let jitter = if jitter.is_nan() {
        0.0
    } else {
        jitter.clamp(0.0, 1.0)
    };
    if jitter == 0.0 {
        return delay;
    }
    let factor = 1.0 - jitter * rng.f64();
    Duration::try_from_secs_f64(delay.as_secs_f64() * factor).map_or(delay, |d| d.min(delay))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::cell::RefCell;
    use std::future::{Ready, ready};

    const JOB: &str = "job-123";

    /// Records when each poll started, relative to the test's start.
    struct PollLog {
        start: Instant,
        at: RefCell<Vec<Duration>>,
    }

    impl PollLog {
        fn new() -> Self {
            Self {
                start: Instant::now(),
                at: RefCell::new(Vec::new()),
            }
        }

        /// Records a poll now and returns its instant.
        fn record(&self) -> Duration {
            let now = self.start.elapsed();
            self.at.borrow_mut().push(now);
            now
        }

        fn instants(&self) -> Vec<Duration> {
            self.at.borrow().clone()
        }

        fn count(&self) -> usize {
            self.at.borrow().len()
        }

        /// Gaps between consecutive polls.
        fn gaps(&self) -> Vec<Duration> {
            self.instants().windows(2).map(|w| w[1] - w[0]).collect()
        }
    }

    type Answer = Ready<Result<Polled, Error>>;

    fn pending(state: &str, percent: Option<f64>) -> JobState {
        JobState::Pending {
            state: state.to_owned(),
            percent,
        }
    }

    fn completed() -> JobState {
        JobState::Completed {
            state: "done".to_owned(),
            result: Some(json!("audio.wav")),
        }
    }

    fn handle() -> JobHandle {
        JobHandle {
            operation: "get_job".into(),
            id: JOB.into(),
            parameters: Default::default(),
        }
    }

    /// An error a poll may fail with.
    fn transport(message: &str) -> Error {
        Error::Transport {
            message: message.to_owned(),
            source: None,
        }
    }

    /// A job that reports `processing` until `done_at` after the log's start, then completes.
    fn job_done_at(log: &PollLog, done_at: Duration) -> impl FnMut() -> Answer + '_ {
        move || {
            let now = log.record();
            let status = if now >= done_at {
                completed()
            } else {
                pending("processing", None)
            };
            ready(Ok(status.into()))
        }
    }

    /// A job that never finishes; its state names the poll number so the last one is visible.
    fn job_never_done(log: &PollLog) -> impl FnMut() -> Answer + '_ {
        move || {
            log.record();
            let state = format!("processing #{}", log.count());
            ready(Ok(pending(&state, None).into()))
        }
    }

    /// A pending job whose every answer carries the same server hint.
    fn job_with_hint(log: &PollLog, hint: Duration) -> impl FnMut() -> Answer + '_ {
        move || {
            log.record();
            ready(Ok(Polled {
                state: pending("processing", None),
                retry_after: Some(hint),
            }))
        }
    }

    /// Doubling from 1 s to an 8 s cap without jitter: easy-to-read exact schedules.
    fn doubling_policy() -> WaitPolicy {
        WaitPolicy {
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(8),
            multiplier: 2.0,
            jitter: 0.0,
            not_found_grace: Duration::ZERO,
        }
    }

    fn secs(values: &[f64]) -> Vec<Duration> {
        values.iter().map(|s| Duration::from_secs_f64(*s)).collect()
    }

    fn seeded(seed: u64) -> fastrand::Rng {
        fastrand::Rng::with_seed(seed)
    }

    fn ignore_progress(_: &Progress<'_>) {}

    #[tokio::test(start_paused = true)]
    async fn immediate_completion_takes_one_poll() {
        let log = PollLog::new();
        let done = wait_for(
            JOB,
            Duration::from_secs(60),
            &WaitPolicy::default(),
            ignore_progress,
            job_done_at(&log, Duration::ZERO),
        )
        .await
        .unwrap();
        assert_eq!(done.result, Some(json!("audio.wav")));
        assert_eq!(done.polls, 1);
        assert_eq!(done.elapsed, Duration::ZERO);
        assert_eq!(log.instants(), vec![Duration::ZERO]);
    }

    #[tokio::test(start_paused = true)]
    async fn delays_grow_from_first_delay_to_the_cap() {
        let log = PollLog::new();
        let done = wait_for(
            JOB,
            Duration::from_secs(60),
            &doubling_policy(),
            ignore_progress,
            job_done_at(&log, Duration::from_secs(35)),
        )
        .await
        .unwrap();
        // Gaps 1, 2, 4, then capped at 8.
        assert_eq!(
            log.instants(),
            secs(&[0.0, 1.0, 3.0, 7.0, 15.0, 23.0, 31.0, 39.0])
        );
        assert_eq!(done.polls, 8);
        assert_eq!(done.elapsed, Duration::from_secs(39));
    }

    #[tokio::test(start_paused = true)]
    async fn jitter_stays_within_bounds_and_is_reproducible() {
        let policy = WaitPolicy {
            jitter: 0.5,
            ..doubling_policy()
        };
        let run = |seed| {
            let policy = policy.clone();
            async move {
                let log = PollLog::new();
                let outcome = wait_for_with_rng(
                    JOB,
                    Duration::from_secs(300),
                    &policy,
                    seeded(seed),
                    ignore_progress,
                    job_never_done(&log),
                )
                .await;
                assert!(matches!(outcome, Err(Error::DeadlineExceeded { .. })));
                log.gaps()
            }
        };
        let gaps = run(7).await;
        // The last gap is trimmed to the deadline, so it is not a plain backoff delay.
        let untrimmed = &gaps[..gaps.len() - 1];
        assert!(untrimmed.len() > 10);
        for (index, gap) in untrimmed.iter().enumerate() {
            let nominal = Duration::from_secs(1 << index.min(3));
            assert!(*gap <= nominal, "gap {index} = {gap:?} above {nominal:?}");
            assert!(*gap >= nominal / 2, "gap {index} = {gap:?} below half");
        }
        assert!(
            untrimmed
                .iter()
                .enumerate()
                .any(|(i, gap)| *gap < Duration::from_secs(1 << i.min(3))),
            "jitter was not applied"
        );
        assert_eq!(run(7).await, gaps, "same seed, same schedule");
        assert_ne!(run(8).await, gaps, "another seed, another schedule");
    }

    #[test]
    fn jitter_draws_cover_the_range_without_leaving_it() {
        let mut rng = seeded(1);
        let delay = Duration::from_secs(10);
        let draws: Vec<Duration> = (0..1000).map(|_| jittered(delay, 0.3, &mut rng)).collect();
        assert!(
            draws
                .iter()
                .all(|d| *d >= Duration::from_secs(7) && *d <= delay)
        );
        assert!(draws.iter().any(|d| *d < Duration::from_millis(7300)));
        assert!(draws.iter().any(|d| *d > Duration::from_millis(9700)));
        // Out-of-range jitter is clamped rather than producing negative or longer delays.
        assert_eq!(jittered(delay, f64::NAN, &mut rng), delay);
        assert_eq!(jittered(delay, -1.0, &mut rng), delay);
        assert!(jittered(delay, 5.0, &mut rng) <= delay);
    }

    #[tokio::test(start_paused = true)]
    async fn server_hint_replaces_the_backoff_delay() {
        let log = PollLog::new();
        let outcome = wait_for(
            JOB,
            Duration::from_secs(10),
            &doubling_policy(),
            ignore_progress,
            job_with_hint(&log, Duration::from_secs(3)),
        )
        .await;
        assert!(matches!(outcome, Err(Error::DeadlineExceeded { .. })));
        // Steady 3 s gaps instead of 1, 2, 4; the last poll lands on the deadline.
        assert_eq!(log.instants(), secs(&[0.0, 3.0, 6.0, 9.0, 10.0]));
    }

    #[tokio::test(start_paused = true)]
    async fn zero_hint_still_waits_the_minimum_delay() {
        let log = PollLog::new();
        // With the paused clock a busy loop would never reach the deadline, so give up with
        // an error after far more polls than the minimum delay allows.
        let zero_hint = || {
            log.record();
            let answer = if log.count() > 100 {
                Err(transport("busy loop"))
            } else {
                Ok(Polled {
                    state: pending("processing", None),
                    retry_after: Some(Duration::ZERO),
                })
            };
            ready(answer)
        };
        let outcome = wait_for(
            JOB,
            Duration::from_secs(1),
            &doubling_policy(),
            ignore_progress,
            zero_hint,
        )
        .await;
        assert!(
            matches!(outcome, Err(Error::DeadlineExceeded { polls: 11, .. })),
            "{outcome:?}"
        );
        assert!(log.gaps().iter().all(|gap| *gap == MIN_DELAY));
    }

    #[tokio::test(start_paused = true)]
    async fn deadline_exceeded_reports_elapsed_polls_and_last_state() {
        let log = PollLog::new();
        let outcome = wait_for(
            JOB,
            Duration::from_secs(10),
            &doubling_policy(),
            ignore_progress,
            job_never_done(&log),
        )
        .await;
        // Natural schedule 0, 1, 3, 7, 15: the sleep after 7 s is trimmed to end at 10 s.
        assert_eq!(log.instants(), secs(&[0.0, 1.0, 3.0, 7.0, 10.0]));
        let Err(Error::DeadlineExceeded {
            submission: Submission::Started(job),
            last_state,
            last_error: None,
            elapsed,
            polls,
        }) = outcome
        else {
            panic!("expected DeadlineExceeded, got {outcome:?}");
        };
        assert_eq!(job.id, JOB);
        assert_eq!(last_state.as_deref(), Some("processing #5"));
        assert_eq!(elapsed, Duration::from_secs(10));
        assert_eq!(polls, 5);
    }

    #[tokio::test(start_paused = true)]
    async fn zero_deadline_polls_exactly_once() {
        let log = PollLog::new();
        let outcome = wait_for(
            JOB,
            Duration::ZERO,
            &WaitPolicy::default(),
            ignore_progress,
            job_never_done(&log),
        )
        .await;
        assert!(matches!(
            outcome,
            Err(Error::DeadlineExceeded {
                polls: 1,
                elapsed: Duration::ZERO,
                ..
            })
        ));
        assert_eq!(log.count(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn slow_polls_count_towards_the_deadline() {
        let log = PollLog::new();
        let slow_poll = || {
            log.record();
            async {
                tokio::time::sleep(Duration::from_secs(3)).await;
                Ok::<_, Error>(Polled::from(pending("processing", None)))
            }
        };
        let outcome = wait_for(
            JOB,
            Duration::from_secs(10),
            &doubling_policy(),
            ignore_progress,
            slow_poll,
        )
        .await;
        // Polls run 0–3 and 4–7; the next would start at 9 and end at 12, past the deadline, so
        // it starts at once (7–10) to end at the deadline. The wait ends at the deadline exactly.
        assert_eq!(log.instants(), secs(&[0.0, 4.0, 7.0]));
        assert!(matches!(
            outcome,
            Err(Error::DeadlineExceeded { polls: 3, elapsed, .. })
                if elapsed == Duration::from_secs(10)
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn failure_state_reports_message_and_code() {
        let log = PollLog::new();
        let failing = || {
            let status = if log.record().is_zero() {
                pending("queued", None)
            } else {
                JobState::Failed {
                    state: "error".to_owned(),
                    message: Some("voice not found".to_owned()),
                    code: Some("E42".to_owned()),
                }
            };
            ready(Ok::<_, Error>(Polled::from(status)))
        };
        let outcome = wait_for(
            JOB,
            Duration::from_secs(60),
            &doubling_policy(),
            ignore_progress,
            failing,
        )
        .await;
        let Err(error) = outcome else {
            panic!("expected a failure");
        };
        assert_eq!(
            error.to_string(),
            "job job-123 failed in state `error`: voice not found"
        );
        let Error::JobFailed {
            job_id,
            state,
            message,
            code,
        } = error
        else {
            panic!("expected JobFailed, got {error:?}");
        };
        assert_eq!(job_id, JOB);
        assert_eq!(state, "error");
        assert_eq!(message.as_deref(), Some("voice not found"));
        assert_eq!(code.as_deref(), Some("E42"));
        assert_eq!(log.count(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_poll_error_ends_the_wait_as_it_is() {
        let log = PollLog::new();
        let flaky = || {
            let answer = if log.record().is_zero() {
                Ok(Polled::from(pending("queued", None)))
            } else {
                Err(transport("connection reset"))
            };
            ready(answer)
        };
        let outcome = wait_for(
            JOB,
            Duration::from_secs(60),
            &doubling_policy(),
            ignore_progress,
            flaky,
        )
        .await;
        let Err(error) = outcome else {
            panic!("expected a poll error");
        };
        assert_eq!(error.to_string(), "transport: connection reset");
        assert_eq!(log.count(), 2, "no poll after the error");
    }

    #[tokio::test(start_paused = true)]
    async fn errors_worth_waiting_out_keep_the_wait_going_until_a_hint_no_longer_fits() {
        let log = PollLog::new();
        // Busy (hint 2 s) for the first three polls, then done.
        let busy_then_done = || {
            let answer = if log.count() < 3 {
                Err(transport("busy"))
            } else {
                Ok(Polled::from(completed()))
            };
            log.record();
            ready(answer)
        };
        let deadline = Deadline::after(Duration::from_secs(60));
        let hint = |_: &Error| Some(Some(Duration::from_secs(2)));
        let rng = seeded(1);
        let done = run(
            &handle(),
            &deadline,
            &doubling_policy(),
            rng,
            ignore_progress,
            hint,
            busy_then_done,
        )
        .await
        .expect("the job completes after the busy answers");
        assert_eq!(done.polls, 4);
        assert_eq!(log.instants(), secs(&[0.0, 2.0, 4.0, 6.0]));

        // A hint longer than the time left ends the wait at once, with the error kept.
        let log = PollLog::new();
        let always_busy = || {
            log.record();
            ready(Err::<Polled, _>(transport("busy")))
        };
        let hint = |_: &Error| Some(Some(Duration::from_secs(20)));
        let deadline = Deadline::after(Duration::from_secs(10));
        let outcome = run(
            &handle(),
            &deadline,
            &doubling_policy(),
            seeded(1),
            ignore_progress,
            hint,
            always_busy,
        )
        .await;
        assert!(
            matches!(
                outcome,
                Err(Error::DeadlineExceeded {
                    polls: 1,
                    last_error: Some(_),
                    ..
                })
            ),
            "{outcome:?}"
        );
        assert_eq!(
            deadline.elapsed(),
            Duration::ZERO,
            "no sleep into the deadline"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_the_future_stops_polling() {
        let log = PollLog::new();
        let policy = doubling_policy();
        let waiting = wait_for(
            JOB,
            Duration::from_secs(3600),
            &policy,
            ignore_progress,
            job_never_done(&log),
        );
        // `timeout` drops the wait future when it fires.
        let timed_out = tokio::time::timeout(Duration::from_secs(10), waiting).await;
        assert!(timed_out.is_err());
        let polls_when_dropped = log.count();
        assert_eq!(polls_when_dropped, 4, "polls at 0, 1, 3 and 7 s");
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert_eq!(log.count(), polls_when_dropped);
    }

    #[tokio::test(start_paused = true)]
    async fn progress_sees_each_pending_state_and_percent() {
        let answers = RefCell::new(vec![
            pending("queued", None),
            pending("running", Some(20.0)),
            pending("running", Some(80.0)),
            completed(),
        ]);
        answers.borrow_mut().reverse();
        let script = || {
            let status = answers.borrow_mut().pop().expect("scripted answer");
            ready(Ok::<_, Error>(Polled::from(status)))
        };
        let seen = RefCell::new(Vec::new());
        let record = |progress: &Progress<'_>| {
            assert_eq!(progress.job_id, JOB);
            seen.borrow_mut().push((
                progress.state.to_owned(),
                progress.percent,
                progress.polls,
                progress.elapsed,
            ));
        };
        let done = wait_for(
            JOB,
            Duration::from_secs(60),
            &doubling_policy(),
            record,
            script,
        )
        .await
        .unwrap();
        assert_eq!(done.polls, 4);
        assert_eq!(
            seen.into_inner(),
            vec![
                ("queued".to_owned(), None, 1, Duration::ZERO),
                ("running".to_owned(), Some(20.0), 2, Duration::from_secs(1)),
                ("running".to_owned(), Some(80.0), 3, Duration::from_secs(3)),
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn default_policy_notices_a_short_job_quickly() {
        let finished_at = Duration::from_secs(1);
        for seed in 0..50 {
            let log = PollLog::new();
            let done = wait_for_with_rng(
                JOB,
                Duration::from_secs(60),
                &WaitPolicy::default(),
                seeded(seed),
                ignore_progress,
                job_done_at(&log, finished_at),
            )
            .await
            .unwrap();
            // A fixed 2 s loop would notice it 1 s late, at its second poll.
            let late = done.elapsed - finished_at;
            assert!(late <= Duration::from_millis(500), "seed {seed}: {late:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn default_policy_keeps_a_long_job_to_few_polls() {
        let finished_at = Duration::from_secs(120);
        let default = WaitPolicy::default();
        // Every jitter draw at its low end is the same as scaling the delays by (1 - jitter).
        let worst_draws = WaitPolicy {
            first_delay: default.first_delay.mul_f64(1.0 - default.jitter),
            max_delay: default.max_delay.mul_f64(1.0 - default.jitter),
            jitter: 0.0,
            ..default.clone()
        };
        for (seed, policy) in (0..50)
            .map(|seed| (seed, &default))
            .chain([(0, &worst_draws)])
        {
            let log = PollLog::new();
            let done = wait_for_with_rng(
                JOB,
                Duration::from_secs(600),
                policy,
                seeded(seed),
                ignore_progress,
                job_done_at(&log, finished_at),
            )
            .await
            .unwrap();
            assert!(done.polls <= 20, "seed {seed}: {} polls", done.polls);
            assert!(done.elapsed <= finished_at + default.max_delay);
        }
    }

    #[test]
    fn backoff_survives_nonsense_policies() {
        let base = doubling_policy();
        let cases = [
            WaitPolicy {
                multiplier: f64::NAN,
                ..base.clone()
            },
            WaitPolicy {
                multiplier: 0.5,
                ..base.clone()
            },
            WaitPolicy {
                multiplier: f64::INFINITY,
                first_delay: Duration::ZERO,
                ..base.clone()
            },
            WaitPolicy {
                max_delay: Duration::MAX,
                multiplier: 10.0,
                ..base.clone()
            },
        ];
        let mut rng = seeded(3);
        for policy in &cases {
            for polls in [1, 2, 50, u32::MAX] {
                let delay = next_delay(policy, polls, None, &mut rng);
                assert!(delay >= MIN_DELAY, "{policy:?} after {polls}: {delay:?}");
                assert!(delay <= policy.max_delay.max(MIN_DELAY));
            }
        }
        // A multiplier below 1 must not shrink the delay.
        assert_eq!(backoff_delay(&cases[1], 5), Duration::from_secs(1));
        assert_eq!(backoff_delay(&cases[3], u32::MAX), Duration::MAX);
    }

    #[tokio::test(start_paused = true)]
    async fn unrepresentable_deadline_does_not_panic() {
        let log = PollLog::new();
        let done = wait_for(
            JOB,
            Duration::MAX,
            &doubling_policy(),
            ignore_progress,
            job_done_at(&log, Duration::from_secs(2)),
        )
        .await
        .unwrap();
        assert_eq!(done.polls, 3);
    }
}
