//! One waiting engine for every asynchronous job.
//!
//! Providers expose long-running work (speech synthesis, transcription, voice cloning,
//! generations) as a job id plus a status endpoint. [`run`] polls such an endpoint until the job
//! completes, fails, or a caller-chosen deadline passes, so that every provider behaves the same
//! way:
//!
//! * a job just started is polled first after a short while and then at gaps that grow with the
//!   time already waited ([`WaitPolicy`]), so short jobs are noticed quickly and long jobs cost
//!   few polls; a resumed job is polled at once, since it may be long done;
//! * once jobs of the same operation have ended, the next one is polled closely around the
//!   lengths they had and sparsely before ([`history`], [`schedule`]);
//! * a progress percent, where the provider reports one, predicts the job's end: the next poll
//!   moves there, but never later than the unknown-length schedule's gap;
//! * gaps are randomised downwards ("jitter") so that many waiters started together do not hit
//!   the server in lock-step;
//! * a `Retry-After`-style hint from the server replaces the planned poll; it arrives bounded by
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

pub(crate) mod history;
mod policy;
pub(crate) mod schedule;

use std::future::Future;
use std::time::Duration;

use serde_json::Value;
use speech_client_runtime::jobs::JobState;
use tokio::time::Instant;

use crate::deadline::Deadline;
use crate::error::{Error, Submission};
use crate::handle::JobHandle;

pub use history::History;
pub use policy::{MIN_DELAY, WaitPolicy};
use schedule::Schedule;

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
    /// When, since the wait began, the job was last seen pending (zero if never) and when the
    /// poll that saw it done was sent: it ended in between.
    pub ended_between: (Duration, Duration),
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

/// The engine on its own, for a job just started, with a caller-supplied random generator for
/// the jitter and the lengths of earlier jobs (`history`), every poll error ending the wait: for
/// the crate's benchmarks. Passing `fastrand::Rng::with_seed(..)` makes the poll schedule
/// reproducible.
///
/// # Errors
/// [`Error::JobFailed`], [`Error::DeadlineExceeded`], or the error a poll returned.
pub async fn wait_for_with_rng<F, Fut>(
    job_id: &str,
    deadline: Duration,
    policy: &WaitPolicy,
    rng: fastrand::Rng,
    history: Option<&History>,
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
    let window = history.and_then(|history| history.window(policy.learned_gap_secs()));
    let schedule = Schedule::new(policy, rng, window);
    let every_error_ends_the_wait = |_: &Error| None;
    run(
        &job,
        &deadline,
        schedule,
        Freshness::JustStarted,
        on_progress,
        every_error_ends_the_wait,
        poll,
    )
    .await
}

/// Whether the job was just started by this call (its age is the wait's; a `404` is first read
/// as "not visible yet") or is being resumed (it may be long done, its age is unknown, and a
/// `404` is final).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Freshness {
    JustStarted,
    Resumed,
}

/// The engine: polls `job` until it completes, fails, or `deadline` passes.
///
/// A job just started is first polled at the schedule's first poll, a resumed one at once. After
/// each pending answer `on_progress` is called, then the waiter sleeps until the server's hint
/// if there is one (already bounded where it was read), else until the schedule's next poll
/// (moved by the end the progress percent predicts).
///
/// Each poll runs under the deadline: a poll still running when it passes is dropped (its request
/// cancelled) and the wait ends. `worth_waiting_out` decides which poll errors do not end the wait
/// (`Some(hint)`: poll again after the hint, or at the schedule's next poll); every other error
/// ends it, as it is. A poll that would not end before the deadline is moved earlier so that a
/// poll as long as the previous one still ends at the deadline (after a pending answer), or the
/// wait ends at once (an error whose hint does not fit in the time left).
///
/// A failed job is [`Error::JobFailed`]; a deadline that passes first is
/// [`Error::DeadlineExceeded`] carrying `job` to resume with, the last state and the last error.
pub(crate) async fn run<F, Fut>(
    job: &JobHandle,
    deadline: &Deadline,
    mut schedule: Schedule,
    freshness: Freshness,
    mut on_progress: impl FnMut(&Progress<'_>),
    worth_waiting_out: impl Fn(&Error) -> Option<Option<Duration>>,
    mut poll: F,
) -> Result<Finished, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Polled, Error>>,
{
    let job_id = job.id.as_str();
    let began = Instant::now();
    let waited = || began.elapsed().as_secs_f64();
    let mut polls: u32 = 0;
    let mut last_state = None;
    let mut last_error = None;
    let mut last_pending = Duration::ZERO;
    let mut progress = ProgressClock::new(freshness);
    let mut round_trip = Duration::ZERO;
    let mut wanted = match freshness {
        Freshness::JustStarted => at(began, schedule.first()),
        Freshness::Resumed => Some(began),
    };
    let mut patient = true;
    while let Some(poll_at) = wanted.and_then(|at| when(deadline, at, round_trip, patient)) {
        // A sleep registers with the timer, whose resolution is a millisecond: a poll due now
        // (a resumed job's first) is sent without one.
        if poll_at > Instant::now() {
            deadline.sleep_until(poll_at).await;
        }
        let sent = Instant::now();
        let answer = deadline.run(poll()).await;
        polls = polls.saturating_add(1);
        round_trip = sent.elapsed();
        let sent_at = sent.saturating_duration_since(began);
        match answer {
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
                            ended_between: (last_pending, sent_at),
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
                last_pending = sent_at;
                last_state = Some(state);
                last_error = None;
                let estimated_end = progress.estimated_end(sent_at.as_secs_f64(), percent);
                wanted = match retry_after {
                    Some(hint) => Instant::now().checked_add(hint.max(MIN_DELAY)),
                    None => at(began, schedule.next(waited(), estimated_end)),
                };
                patient = true;
            }
            // A poll cut short by the deadline inside the poll function ends the wait too.
            Some(Err(_)) if deadline.passed() => break,
            Some(Err(error)) => match worth_waiting_out(&error) {
                Some(hint) => {
                    last_error = Some(Box::new(error));
                    wanted = match hint {
                        Some(hint) => Instant::now().checked_add(hint.max(MIN_DELAY)),
                        None => at(began, schedule.after(waited())),
                    };
                    patient = false;
                }
                None => return Err(error),
            },
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

/// The instant `seconds` after `began`, if representable.
fn at(began: Instant, seconds: f64) -> Option<Instant> {
    began.checked_add(Duration::try_from_secs_f64(seconds).ok()?)
}

/// When to poll, wanted at `at`, or `None` to end the wait.
///
/// A poll that would not end before the deadline (judged by the last poll's `round_trip`) is
/// moved earlier, to end at the deadline, when `last_chance` allows one (after a pending answer,
/// where the job may finish meanwhile); otherwise, or when even an immediate poll could not end
/// in time, the wait ends now rather than sleeping into the deadline.
fn when(
    deadline: &Deadline,
    at: Instant,
    round_trip: Duration,
    last_chance: bool,
) -> Option<Instant> {
    let now = Instant::now();
    let Some(end) = deadline.instant() else {
        return Some(at);
    };
    if at.checked_add(round_trip).is_some_and(|done| done <= end) {
        return Some(at);
    }
    let last = end.checked_sub(round_trip)?;
    (last_chance && now < end && last >= now).then_some(last)
}

/// Predicts a job's end from its progress percent, assuming steady progress: from the start of
/// the wait for a job just started (0 % then), else from the first percent reported. A whole
/// percent is read as the middle of its step (a job at 42.7 % that reports 42 is as likely as
/// one at 42.2 %), so that the prediction is not late by the step.
struct ProgressClock {
    origin: Option<(f64, f64)>,
}

impl ProgressClock {
    fn new(freshness: Freshness) -> Self {
        Self {
            origin: (freshness == Freshness::JustStarted).then_some((0.0, 0.0)),
        }
    }

    /// The end predicted by `percent` reported at `seconds` into the wait, if it predicts one.
    fn estimated_end(&mut self, seconds: f64, percent: Option<f64>) -> Option<f64> {
        let percent = percent.filter(|percent| *percent > 0.0 && *percent < 100.0)?;
        let percent = if percent.fract() == 0.0 {
            percent + 0.5
        } else {
            percent
        };
        let Some((since, from)) = self.origin else {
            self.origin = Some((seconds, percent));
            return None;
        };
        (percent > from && seconds > since)
            .then(|| seconds + (100.0 - percent) * (seconds - since) / (percent - from))
    }
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

    /// A first poll after 1 s, then every 2 s, without jitter or learning: easy-to-read exact
    /// schedules.
    fn steady_policy() -> WaitPolicy {
        WaitPolicy {
            first_poll: Duration::from_secs(1),
            min_gap: Duration::from_secs(2),
            growth: 0.0,
            max_gap: Duration::from_secs(2),
            jitter: 0.0,
            learn: false,
            learned_gap: Duration::from_secs(1),
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

    /// A job that completes `length` after it starts, waited for with the default policy (its
    /// jitter drawn from `seed`) and `history`.
    async fn default_wait(
        length: Duration,
        deadline: Duration,
        seed: u64,
        history: Option<&History>,
    ) -> Finished {
        let log = PollLog::new();
        wait_for_with_rng(
            JOB,
            deadline,
            &WaitPolicy::default(),
            seeded(seed),
            history,
            ignore_progress,
            job_done_at(&log, length),
        )
        .await
        .unwrap()
    }

    /// Waits for a job just started, every poll error ending the wait.
    async fn wait_for<F, Fut>(
        deadline: Duration,
        policy: &WaitPolicy,
        on_progress: impl FnMut(&Progress<'_>),
        poll: F,
    ) -> Result<Finished, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Polled, Error>>,
    {
        wait_for_with_rng(JOB, deadline, policy, seeded(0), None, on_progress, poll).await
    }

    /// Waits with `policy` from `freshness`, with errors worth waiting out after `hint`.
    async fn wait_from<F, Fut>(
        freshness: Freshness,
        deadline: &Deadline,
        policy: &WaitPolicy,
        hint: impl Fn(&Error) -> Option<Option<Duration>>,
        poll: F,
    ) -> Result<Finished, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Polled, Error>>,
    {
        let schedule = Schedule::new(policy, seeded(1), None);
        run(
            &handle(),
            deadline,
            schedule,
            freshness,
            ignore_progress,
            hint,
            poll,
        )
        .await
    }

    #[tokio::test(start_paused = true)]
    async fn a_job_just_started_is_first_polled_after_the_first_gap_and_a_resumed_one_at_once() {
        let log = PollLog::new();
        let done = wait_for(
            Duration::from_secs(60),
            &WaitPolicy::default(),
            ignore_progress,
            job_done_at(&log, Duration::ZERO),
        )
        .await
        .unwrap();
        assert_eq!(done.result, Some(json!("audio.wav")));
        assert_eq!(done.polls, 1);
        let first = log.instants()[0];
        // 1.1 s, shortened by at most the 10 % jitter.
        assert!(
            first <= Duration::from_millis(1100) && first >= Duration::from_millis(990),
            "{first:?}"
        );
        assert_eq!(done.ended_between, (Duration::ZERO, first));

        let log = PollLog::new();
        let deadline = Deadline::after(Duration::from_secs(60));
        let done = wait_from(
            Freshness::Resumed,
            &deadline,
            &WaitPolicy::default(),
            |_| None,
            job_done_at(&log, Duration::ZERO),
        )
        .await
        .unwrap();
        assert_eq!(done.polls, 1);
        assert_eq!(log.instants(), vec![Duration::ZERO]);
    }

    #[tokio::test(start_paused = true)]
    async fn polls_follow_the_schedule_and_report_when_the_job_ended() {
        let log = PollLog::new();
        let done = wait_for(
            Duration::from_secs(60),
            &steady_policy(),
            ignore_progress,
            job_done_at(&log, Duration::from_secs(6)),
        )
        .await
        .unwrap();
        assert_eq!(log.instants(), secs(&[1.0, 3.0, 5.0, 7.0]));
        assert_eq!(done.polls, 4);
        assert_eq!(done.elapsed, Duration::from_secs(7));
        assert_eq!(
            done.ended_between,
            (Duration::from_secs(5), Duration::from_secs(7))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn jitter_is_reproducible_with_a_seed_and_differs_without() {
        let run = |seed| async move {
            let log = PollLog::new();
            let outcome = wait_for_with_rng(
                JOB,
                Duration::from_secs(300),
                &WaitPolicy::default(),
                seeded(seed),
                None,
                ignore_progress,
                job_never_done(&log),
            )
            .await;
            assert!(matches!(outcome, Err(Error::DeadlineExceeded { .. })));
            log.gaps()
        };
        let gaps = run(7).await;
        assert!(gaps.len() > 8, "{gaps:?}");
        assert_eq!(run(7).await, gaps, "same seed, same schedule");
        assert_ne!(run(8).await, gaps, "another seed, another schedule");
    }

    #[tokio::test(start_paused = true)]
    async fn server_hint_replaces_the_planned_poll() {
        let log = PollLog::new();
        let outcome = wait_for(
            Duration::from_secs(10),
            &steady_policy(),
            ignore_progress,
            job_with_hint(&log, Duration::from_secs(3)),
        )
        .await;
        assert!(matches!(outcome, Err(Error::DeadlineExceeded { .. })));
        // Steady 3 s gaps instead of 2; the last poll lands on the deadline.
        assert_eq!(log.instants(), secs(&[1.0, 4.0, 7.0, 10.0]));
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
            Duration::from_secs(2),
            &steady_policy(),
            ignore_progress,
            zero_hint,
        )
        .await;
        // First poll at 1 s, then every 100 ms up to 2 s.
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
            Duration::from_secs(8),
            &steady_policy(),
            ignore_progress,
            job_never_done(&log),
        )
        .await;
        // Natural schedule 1, 3, 5, 7, 9: the poll at 9 s is moved to the deadline at 8 s.
        assert_eq!(log.instants(), secs(&[1.0, 3.0, 5.0, 7.0, 8.0]));
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
        assert_eq!(elapsed, Duration::from_secs(8));
        assert_eq!(polls, 5);
    }

    #[tokio::test(start_paused = true)]
    async fn a_deadline_before_the_first_poll_still_gets_one_poll_at_it() {
        let log = PollLog::new();
        let outcome = wait_for(
            Duration::from_millis(500),
            &WaitPolicy::default(),
            ignore_progress,
            job_done_at(&log, Duration::ZERO),
        )
        .await;
        assert!(outcome.is_ok(), "{outcome:?}");
        assert_eq!(log.instants(), secs(&[0.5]));

        let log = PollLog::new();
        let outcome = wait_for(
            Duration::ZERO,
            &WaitPolicy::default(),
            ignore_progress,
            job_never_done(&log),
        )
        .await;
        assert!(matches!(
            outcome,
            Err(Error::DeadlineExceeded {
                polls: 0,
                elapsed: Duration::ZERO,
                ..
            })
        ));
        assert_eq!(log.count(), 0);
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
            Duration::from_secs(11),
            &steady_policy(),
            ignore_progress,
            slow_poll,
        )
        .await;
        // Each poll takes 3 s: a poll that would end past the deadline is moved earlier, and the
        // wait ends at the deadline exactly.
        let instants = log.instants();
        assert_eq!(instants[0], Duration::from_secs(1));
        assert!(matches!(
            outcome,
            Err(Error::DeadlineExceeded { elapsed, .. }) if elapsed == Duration::from_secs(11)
        ));
        assert!(
            instants
                .iter()
                .all(|at| *at + Duration::from_secs(3) <= Duration::from_secs(11)),
            "every poll ends by the deadline: {instants:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn failure_state_reports_message_and_code() {
        let log = PollLog::new();
        let failing = || {
            let status = if log.count() == 0 {
                pending("queued", None)
            } else {
                JobState::Failed {
                    state: "error".to_owned(),
                    message: Some("voice not found".to_owned()),
                    code: Some("E42".to_owned()),
                }
            };
            log.record();
            ready(Ok::<_, Error>(Polled::from(status)))
        };
        let outcome = wait_for(
            Duration::from_secs(60),
            &steady_policy(),
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
            let answer = if log.count() == 0 {
                Ok(Polled::from(pending("queued", None)))
            } else {
                Err(transport("connection reset"))
            };
            log.record();
            ready(answer)
        };
        let outcome = wait_for(
            Duration::from_secs(60),
            &steady_policy(),
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
        let hint = |_: &Error| Some(Some(Duration::from_secs(3)));
        let done = wait_from(
            Freshness::Resumed,
            &deadline,
            &steady_policy(),
            hint,
            busy_then_done,
        )
        .await
        .expect("the job completes after the busy answers");
        assert_eq!(done.polls, 4);
        assert_eq!(log.instants(), secs(&[0.0, 3.0, 6.0, 9.0]));

        // Without a hint, the schedule's next poll.
        let log = PollLog::new();
        let busy_once = || {
            let answer = if log.count() == 0 {
                Err(transport("busy"))
            } else {
                Ok(Polled::from(completed()))
            };
            log.record();
            ready(answer)
        };
        let deadline = Deadline::after(Duration::from_secs(60));
        wait_from(
            Freshness::Resumed,
            &deadline,
            &steady_policy(),
            |_| Some(None),
            busy_once,
        )
        .await
        .unwrap();
        assert_eq!(log.instants(), secs(&[0.0, 1.0]));

        // A hint longer than the time left ends the wait at once, with the error kept.
        let log = PollLog::new();
        let always_busy = || {
            log.record();
            ready(Err::<Polled, _>(transport("busy")))
        };
        let hint = |_: &Error| Some(Some(Duration::from_secs(20)));
        let deadline = Deadline::after(Duration::from_secs(10));
        let outcome = wait_from(
            Freshness::Resumed,
            &deadline,
            &steady_policy(),
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
        let policy = steady_policy();
        let waiting = wait_for(
            Duration::from_secs(3600),
            &policy,
            ignore_progress,
            job_never_done(&log),
        );
        // `timeout` drops the wait future when it fires.
        let timed_out = tokio::time::timeout(Duration::from_secs(8), waiting).await;
        assert!(timed_out.is_err());
        let polls_when_dropped = log.count();
        assert_eq!(polls_when_dropped, 4, "polls at 1, 3, 5 and 7 s");
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
        let done = wait_for(Duration::from_secs(60), &steady_policy(), record, script)
            .await
            .unwrap();
        assert_eq!(done.polls, 4);
        let seen = seen.into_inner();
        assert_eq!(
            seen.iter()
                .map(|(state, percent, polls, _)| (state.as_str(), *percent, *polls))
                .collect::<Vec<_>>(),
            vec![
                ("queued", None, 1),
                ("running", Some(20.0), 2),
                ("running", Some(80.0), 3),
            ]
        );
        assert_eq!(seen[0].3, Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_progress_percent_moves_the_next_poll_to_the_end_it_predicts() {
        // A job of 30 s reporting steady progress: at 1 s it says 3 %, predicting its end at
        // 33.3 s; the unknown-length gap of the steady policy (2 s) bounds the postponement.
        let log = PollLog::new();
        let steady_progress = || {
            let now = log.record().as_secs_f64();
            let state = if now >= 30.0 {
                completed()
            } else {
                pending("running", Some((100.0 * now / 30.0).floor()))
            };
            ready(Ok::<_, Error>(Polled::from(state)))
        };
        let policy = WaitPolicy {
            min_gap: Duration::from_secs(1),
            growth: 0.3,
            max_gap: Duration::from_secs(60),
            ..steady_policy()
        };
        let done = wait_for(
            Duration::from_secs(120),
            &policy,
            ignore_progress,
            steady_progress,
        )
        .await
        .unwrap();
        let late = done.elapsed.as_secs_f64() - 30.0;
        assert!(
            (0.0..0.5).contains(&late),
            "{late} s late, polls {:?}",
            log.instants()
        );
        // The same job without percent is seen later, on the growing schedule.
        let log_without = PollLog::new();
        let silent = wait_for(
            Duration::from_secs(120),
            &policy,
            ignore_progress,
            job_done_at(&log_without, Duration::from_secs(30)),
        )
        .await
        .unwrap();
        assert!(silent.elapsed > done.elapsed + Duration::from_secs(1));

        // A percent stuck low cannot slow the wait below the unknown-length schedule.
        let log_stuck = PollLog::new();
        let stuck = || {
            let now = log_stuck.record();
            let state = if now >= Duration::from_secs(30) {
                completed()
            } else {
                pending("running", Some(1.0))
            };
            ready(Ok::<_, Error>(Polled::from(state)))
        };
        let stalled = wait_for(Duration::from_secs(120), &policy, ignore_progress, stuck)
            .await
            .unwrap();
        // (Each poll may wake up to a millisecond late: the timer's resolution.)
        assert_eq!(stalled.polls, silent.polls);
        assert!(stalled.elapsed <= silent.elapsed + Duration::from_millis(20));
    }

    #[tokio::test(start_paused = true)]
    async fn the_default_policy_keeps_a_long_job_to_few_polls_and_notices_a_short_one_soon() {
        let long = Duration::from_secs(120);
        let mut late_total = Duration::ZERO;
        for seed in 0..50 {
            let done = default_wait(long, Duration::from_secs(600), seed, None).await;
            // A fixed 2 s loop polls 61 times.
            assert!(done.polls <= 14, "seed {seed}: {} polls", done.polls);
            let short = Duration::from_secs(1);
            let done = default_wait(short, Duration::from_secs(60), seed, None).await;
            late_total += done.elapsed - short;
        }
        // A fixed 2 s loop notices it 1 s late; this schedule at its first poll (1.1 s), unless
        // the jitter moves that poll before the job's end.
        let mean_late = late_total / 50;
        assert!(mean_late <= Duration::from_millis(550), "{mean_late:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn jobs_like_the_earlier_ones_are_polled_around_their_length() {
        let length = Duration::from_secs(60);
        let mut history = History::default();
        let mut learned = Vec::new();
        for job in 0..12u64 {
            let done = default_wait(length, Duration::from_secs(600), job, Some(&history)).await;
            let (after, by) = done.ended_between;
            history.record(after, by);
            learned.push((done.polls, done.elapsed - length));
        }
        let (first_polls, first_late) = learned[0];
        let (polls, late) = *learned.last().unwrap();
        assert!(late < Duration::from_secs(2), "{learned:?}");
        assert!(late < first_late, "{learned:?}");
        assert!(polls <= first_polls + 4, "{learned:?}");
    }
}
