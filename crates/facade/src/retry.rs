//! Deciding whether a failed request may be repeated, and repeating it.
//!
//! Two kinds of request are told apart:
//!
//! - **Reads** (`spends_credits = false`) are safe to repeat, so transient failures are retried:
//!   no response at all (connection error, timeout, reset), `408`, `429` and any `5xx`.
//! - **Credit-spending requests** (`spends_credits = true`: synthesis, transcription, cloning)
//!   are billed when the server processes them. They are retried only when the request provably
//!   was not processed: it never left the client (a connection error), or the server refused it
//!   with a rate limit (`429` that is not an insufficient-credits answer; the spec's
//!   `x-error-body` tells them apart). Nothing that may have been processed is sent twice.
//!
//! Delays come from a capped exponential schedule with jitter ([`backon`]), raised to the
//! server's hint ([`crate::hints`]) when it asks for longer. The number of retries is bounded,
//! except for rate-limit refusals, which cost nothing and are repeated for as long as the
//! caller's deadline allows. No sleep runs past the deadline: a retry that could not start
//! before it is not waited for, and the last error is returned at once.

use std::future::Future;
use std::time::{Duration, SystemTime};

use backon::{ExponentialBuilder, Retryable, TokioSleeper};
use reqwest::header::HeaderMap;

use crate::deadline::Deadline;
use crate::hints::{Hint, HintLimits, retry_after};

/// Whether a failed attempt may have reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Attempt {
    /// The request cannot have reached the server (connect error, DNS, refused before sending).
    NotSent,
    /// It may have reached the server (timeout after sending, reset mid-response, any response).
    MaybeSent,
}

/// What the retry loop needs to know about a failed attempt.
#[derive(Debug, Clone)]
pub(crate) struct AttemptFailure {
    /// The response status; `None` without a response.
    pub status: Option<u16>,
    /// The response headers, read for a delay hint.
    pub headers: Option<HeaderMap>,
    /// Whether the request may have reached the server.
    pub attempt: Attempt,
    /// The server refused the request with a rate limit, which proves it was not processed
    /// (an insufficient-credits answer is not a refusal of this kind: it is final).
    pub rate_limited: bool,
    /// The failure would happen again whatever the wait (an answer over the size limit).
    pub permanent: bool,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Try again; `after` is the server's hint, if it gave a usable one.
    Retry {
        /// The wait the server asked for (already within the hint ceiling).
        after: Option<Duration>,
    },
    /// Give up and report the error.
    Stop,
}

/// How many times, and how far apart, failed requests are repeated.
///
/// Retry `n` (from 0) sleeps a random time in `[b, 2b)` where
/// `b = min(min_delay · 2ⁿ, max_delay / 2)`, and never more than `max_delay`; a server hint
/// longer than that replaces it, up to `hint_limits.ceiling`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so at most `max_retries + 1` attempts). Rate-limit
    /// refusals are repeated beyond it while the caller's deadline allows.
    pub max_retries: u32,
    /// Lower bound of the first delay.
    pub min_delay: Duration,
    /// Upper bound of any backoff delay.
    pub max_delay: Duration,
    /// Bounds on every server hint, for retries and for job polls alike: a longer hint stops a
    /// retry, and a poll waits the ceiling before asking again.
    pub hint_limits: HintLimits,
}

impl Default for RetryPolicy {
    /// 3 retries, delays from 0.5 s up to at most 8 s, jittered.
    ///
    /// 0.5 s → 8 s is the schedule of the OpenAI and Anthropic SDKs, which front the same kind
    /// of rate-limited, occasionally overloaded APIs. Three retries (one more than those SDKs'
    /// two) cover a short `503` blip of a few seconds: the backoff waits add up to at most
    /// 1 + 2 + 4 = 7 s before the last attempt, so a caller is never held much longer than that
    /// unless the server asks for it. The jitter spreads clients that failed together so they
    /// do not come back together; it is backon's, which keeps each delay at least its base
    /// rather than drawing from zero ("full jitter"), so no retry fires immediately at a server
    /// that is already struggling.
    fn default() -> Self {
        Self {
            max_retries: 3,
            min_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            hint_limits: HintLimits::default(),
        }
    }
}

impl RetryPolicy {
    /// The backoff schedule.
    ///
    /// backon's jitter adds up to 100 % of the base delay, so the base is capped at half of
    /// `max_delay`: the jittered delay then stays below `max_delay` while remaining random at
    /// the cap (a plain clamp would send every capped client back at the same instant).
    fn schedule(&self) -> ExponentialBuilder {
        ExponentialBuilder::new()
            .with_jitter()
            .with_factor(2.0)
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay / 2)
            .with_max_times(usize::try_from(self.max_retries).unwrap_or(usize::MAX))
    }

    /// The sleep before the next attempt, or `None` to stop.
    ///
    /// `backoff` is the schedule's next delay, `None` once the retry budget is spent; a
    /// rate-limit refusal goes on past the budget, after the server's hint or else `max_delay`.
    /// The larger of backoff and hint is used: the hint says when the server can take the
    /// request again, the backoff keeps a floor when the hint is zero.
    fn next_delay(
        &self,
        verdict: Verdict,
        backoff: Option<Duration>,
        rate_limited: bool,
    ) -> Option<Duration> {
        let Verdict::Retry { after } = verdict else {
            return None;
        };
        let wait = match backoff {
            Some(backoff) => {
                let backoff = backoff.min(self.max_delay);
                after.map_or(backoff, |hint| hint.max(backoff))
            }
            None if rate_limited => after.unwrap_or(self.max_delay).max(self.min_delay),
            None => return None,
        };
        Some(wait.min(self.hint_limits.ceiling))
    }
}

/// What to do after `failure`. `now` is a parameter so that date hints can be tested. See the
/// module documentation for the rules; in short, reads retry transient failures unless the server
/// asks for a wait above the ceiling (it is then better to report the error than to hold the
/// caller), and credit-spending requests retry only requests that were not processed.
pub(crate) fn classify(
    failure: &AttemptFailure,
    spends_credits: bool,
    now: SystemTime,
    limits: &HintLimits,
) -> Verdict {
    let hint = || {
        let status = failure.status?;
        retry_after(failure.headers.as_ref()?, status, now, limits)
    };
    let retry = || match hint() {
        Some(Hint::TooLong(_)) => Verdict::Stop,
        Some(Hint::After(wait)) => Verdict::Retry { after: Some(wait) },
        None => Verdict::Retry { after: None },
    };
    if failure.permanent {
        return Verdict::Stop;
    }
    if spends_credits {
        return match (failure.status, failure.attempt) {
            (None, Attempt::NotSent) => Verdict::Retry { after: None },
            (Some(429), _) if failure.rate_limited => retry(),
            // A response proves the request arrived, whatever `attempt` says.
            _ => Verdict::Stop,
        };
    }
    if is_transient(failure.status) {
        retry()
    } else {
        Verdict::Stop
    }
}

/// Failures worth repeating a read for: none (no response), request timeout, rate limit and
/// server errors. Other statuses would fail the same way again.
fn is_transient(status: Option<u16>) -> bool {
    status.is_none_or(|code| matches!(code, 408 | 429 | 500..=599))
}

/// Runs `attempt` until it succeeds, the verdict is [`Verdict::Stop`], the retry budget is spent
/// or the next retry could not start before `deadline`, and returns the last result.
///
/// `attempt` receives the attempt number (from 0) and must build the request afresh each time
/// (an upload body is consumed by sending, so it is rebuilt from its source). `inspect` tells
/// the loop what a failure was. Sleeps use tokio's timer, so tests can run them on a paused
/// clock. The attempts themselves are not cut off here: the caller runs the whole loop under the
/// deadline.
pub(crate) async fn retry<T, E, F, Fut>(
    policy: &RetryPolicy,
    spends_credits: bool,
    deadline: &Deadline,
    mut attempt: F,
    mut inspect: impl FnMut(&E) -> AttemptFailure,
) -> Result<T, E>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut number: u32 = 0;
    let numbered = || {
        let current = number;
        number = number.saturating_add(1);
        attempt(current)
    };
    numbered
        .retry(policy.schedule())
        .sleep(TokioSleeper)
        .adjust(|error, backoff| {
            let failure = inspect(error);
            let limits = &policy.hint_limits;
            let verdict = classify(&failure, spends_credits, SystemTime::now(), limits);
            let delay = policy.next_delay(verdict, backoff, failure.rate_limited)?;
            deadline.allows(delay).then_some(delay)
        })
        .await
}

/// Whether a failed `reqwest` request may have reached the server.
///
/// Only connection failures (DNS, refused, TLS handshake, connect timeout) happen before any
/// request byte is written, so only they are [`Attempt::NotSent`]. Everything else is
/// [`Attempt::MaybeSent`]: in particular reqwest reports a timeout the same way whether it
/// struck while the request was being written or while waiting for the answer, so a timed-out
/// request may have been received, and billed, by the server.
pub(crate) fn attempt_of(error: &reqwest::Error) -> Attempt {
    if error.is_connect() {
        Attempt::NotSent
    } else {
        Attempt::MaybeSent
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use backon::BackoffBuilder;
    use reqwest::header::HeaderValue;
    use tokio::time::Instant;

    /// Paused-clock sleeps end on a millisecond tick; allow for that rounding.
    const TICK: Duration = Duration::from_millis(1);

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
    }

    fn retry_after_header(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let value = HeaderValue::from_str(value).expect("test header value");
        headers.insert("retry-after", value);
        headers
    }

    fn failure(status: Option<u16>, headers: Option<&HeaderMap>, sent: Attempt) -> AttemptFailure {
        AttemptFailure {
            status,
            headers: headers.cloned(),
            attempt: sent,
            rate_limited: false,
            permanent: false,
        }
    }

    fn classify_read(status: Option<u16>, headers: Option<&HeaderMap>, sent: Attempt) -> Verdict {
        let failure = failure(status, headers, sent);
        classify(&failure, false, now(), &HintLimits::default())
    }

    fn classify_spend(status: Option<u16>, headers: Option<&HeaderMap>, sent: Attempt) -> Verdict {
        let failure = failure(status, headers, sent);
        classify(&failure, true, now(), &HintLimits::default())
    }

    /// A `429` that refused the request (a rate limit, not missing credits).
    fn classify_refused_spend(headers: Option<&HeaderMap>) -> Verdict {
        let failure = AttemptFailure {
            rate_limited: true,
            ..failure(Some(429), headers, Attempt::MaybeSent)
        };
        classify(&failure, true, now(), &HintLimits::default())
    }

    const RETRY: Verdict = Verdict::Retry { after: None };

    fn retry_after_secs(seconds: u64) -> Verdict {
        Verdict::Retry {
            after: Some(Duration::from_secs(seconds)),
        }
    }

    #[test]
    fn read_classification_table() {
        use Attempt::{MaybeSent, NotSent};
        let hint_2s = retry_after_header("2");
        let hint_0s = retry_after_header("0");
        let hint_long = retry_after_header("120");
        let hint_garbage = retry_after_header("later");
        let cases: Vec<(Option<u16>, Option<&HeaderMap>, Attempt, Verdict)> = vec![
            (None, None, NotSent, RETRY),
            (None, None, MaybeSent, RETRY),
            (Some(408), None, MaybeSent, RETRY),
            (Some(429), None, MaybeSent, RETRY),
            (Some(500), None, MaybeSent, RETRY),
            (Some(501), None, MaybeSent, RETRY),
            (Some(502), None, MaybeSent, RETRY),
            (Some(503), None, MaybeSent, RETRY),
            (Some(504), None, MaybeSent, RETRY),
            (Some(599), None, MaybeSent, RETRY),
            (Some(200), None, MaybeSent, Verdict::Stop),
            (Some(304), None, MaybeSent, Verdict::Stop),
            (Some(400), None, MaybeSent, Verdict::Stop),
            (Some(401), None, MaybeSent, Verdict::Stop),
            (Some(403), None, MaybeSent, Verdict::Stop),
            (Some(404), None, MaybeSent, Verdict::Stop),
            (Some(409), None, MaybeSent, Verdict::Stop),
            (Some(422), None, MaybeSent, Verdict::Stop),
            (Some(600), None, MaybeSent, Verdict::Stop),
            (Some(429), Some(&hint_2s), MaybeSent, retry_after_secs(2)),
            (Some(503), Some(&hint_2s), MaybeSent, retry_after_secs(2)),
            (Some(429), Some(&hint_0s), MaybeSent, retry_after_secs(0)),
            (Some(429), Some(&hint_garbage), MaybeSent, RETRY),
            (Some(429), Some(&hint_long), MaybeSent, Verdict::Stop),
            (Some(503), Some(&hint_long), MaybeSent, Verdict::Stop),
            (Some(404), Some(&hint_2s), MaybeSent, Verdict::Stop),
        ];
        for (status, headers, sent, expected) in cases {
            let found = classify_read(status, headers, sent);
            assert_eq!(
                found, expected,
                "status {status:?}, hint {headers:?}, {sent:?}"
            );
        }
    }

    #[test]
    fn spending_classification_table() {
        use Attempt::{MaybeSent, NotSent};
        let hint_2s = retry_after_header("2");
        let cases: Vec<(Option<u16>, Option<&HeaderMap>, Attempt, Verdict)> = vec![
            (None, None, NotSent, RETRY),
            (None, None, MaybeSent, Verdict::Stop),
            (Some(408), None, MaybeSent, Verdict::Stop),
            (Some(429), None, MaybeSent, Verdict::Stop),
            (Some(429), Some(&hint_2s), MaybeSent, Verdict::Stop),
            (Some(500), None, MaybeSent, Verdict::Stop),
            (Some(503), Some(&hint_2s), MaybeSent, Verdict::Stop),
            (Some(400), None, MaybeSent, Verdict::Stop),
            // A response proves the request was received, even if the caller says otherwise.
            (Some(503), None, NotSent, Verdict::Stop),
            (Some(429), Some(&hint_2s), NotSent, Verdict::Stop),
        ];
        for (status, headers, sent, expected) in cases {
            let found = classify_spend(status, headers, sent);
            assert_eq!(
                found, expected,
                "status {status:?}, hint {headers:?}, {sent:?}"
            );
        }
        // A rate-limit refusal proves the request was not processed: it is retried, after the
        // server's hint, unless that hint is beyond the ceiling.
        assert_eq!(classify_refused_spend(None), RETRY);
        assert_eq!(classify_refused_spend(Some(&hint_2s)), retry_after_secs(2));
        let hint_long = retry_after_header("120");
        assert_eq!(classify_refused_spend(Some(&hint_long)), Verdict::Stop);
    }

    #[test]
    fn default_policy() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.max_retries, 3);
        assert_eq!(policy.min_delay, Duration::from_millis(500));
        assert_eq!(policy.max_delay, Duration::from_secs(8));
        assert_eq!(policy.hint_limits, HintLimits::default());
    }

    /// Bounds `[b, 2b]` of retry `n`'s backoff, per the `RetryPolicy` documentation (the upper
    /// end is inclusive to absorb backon's `f32` arithmetic).
    fn backoff_bounds(policy: &RetryPolicy, n: u32) -> (Duration, Duration) {
        let base = policy
            .min_delay
            .saturating_mul(2u32.saturating_pow(n))
            .min(policy.max_delay / 2);
        (base, base.saturating_mul(2).min(policy.max_delay))
    }

    fn long_policy() -> RetryPolicy {
        RetryPolicy {
            max_retries: 7,
            ..RetryPolicy::default()
        }
    }

    #[test]
    fn schedule_is_capped_jittered_and_bounded() {
        let policy = long_policy();
        let mut first_delays = Vec::new();
        for _ in 0..200 {
            let delays: Vec<Duration> = policy
                .schedule()
                .build()
                .map(|backoff| {
                    policy
                        .next_delay(RETRY, Some(backoff), false)
                        .expect("retry")
                })
                .collect();
            assert_eq!(delays.len(), 7, "one delay per retry");
            for (n, delay) in (0u32..).zip(&delays) {
                let (low, high) = backoff_bounds(&policy, n);
                assert!(low <= *delay && *delay <= high, "retry {n}: {delay:?}");
                assert!(*delay <= policy.max_delay, "retry {n}: {delay:?}");
            }
            first_delays.push(delays[0]);
            // Capped retries keep their jitter instead of all landing on max_delay.
            assert!(delays[4..].iter().all(|d| *d >= Duration::from_secs(4)));
        }
        first_delays.sort();
        first_delays.dedup();
        assert!(first_delays.len() > 100, "delays are jittered");
    }

    #[test]
    fn next_delay_prefers_larger_of_hint_and_backoff_within_ceiling() {
        let policy = RetryPolicy {
            hint_limits: HintLimits {
                ceiling: Duration::from_secs(10),
            },
            max_delay: Duration::from_secs(30),
            ..RetryPolicy::default()
        };
        let secs = Duration::from_secs;
        let hinted = |s| Verdict::Retry {
            after: Some(secs(s)),
        };
        assert_eq!(
            policy.next_delay(hinted(5), Some(secs(1)), false),
            Some(secs(5))
        );
        assert_eq!(
            policy.next_delay(hinted(0), Some(secs(1)), false),
            Some(secs(1))
        );
        assert_eq!(
            policy.next_delay(RETRY, Some(secs(20)), false),
            Some(secs(10))
        );
        assert_eq!(
            policy.next_delay(RETRY, Some(secs(60)), false),
            Some(secs(10))
        );
        assert_eq!(
            policy.next_delay(hinted(5), None, false),
            None,
            "budget spent"
        );
        assert_eq!(policy.next_delay(Verdict::Stop, Some(secs(1)), false), None);
        // A rate-limit refusal goes on past the budget: after the hint, else the longest backoff.
        assert_eq!(policy.next_delay(hinted(5), None, true), Some(secs(5)));
        assert_eq!(policy.next_delay(RETRY, None, true), Some(secs(10)));
    }

    /// A failure as a fake transport would report it.
    #[derive(Debug, Clone)]
    struct Failure {
        status: Option<u16>,
        headers: Option<HeaderMap>,
        sent: Attempt,
        rate_limited: bool,
        number: u32,
    }

    impl Failure {
        fn no_response(sent: Attempt) -> impl Fn(u32) -> Self {
            move |number| Self {
                status: None,
                headers: None,
                sent,
                rate_limited: false,
                number,
            }
        }

        fn status(status: u16, headers: Option<HeaderMap>) -> impl Fn(u32) -> Self {
            move |number| Self {
                status: Some(status),
                headers: headers.clone(),
                sent: Attempt::MaybeSent,
                rate_limited: false,
                number,
            }
        }

        /// A rate-limit refusal (`429`, not an insufficient-credits answer).
        fn refused(headers: Option<HeaderMap>) -> impl Fn(u32) -> Self {
            move |number| Self {
                rate_limited: true,
                ..Self::status(429, headers.clone())(number)
            }
        }
    }

    fn inspect(failure: &Failure) -> AttemptFailure {
        AttemptFailure {
            status: failure.status,
            headers: failure.headers.clone(),
            attempt: failure.sent,
            rate_limited: failure.rate_limited,
            permanent: false,
        }
    }

    /// Runs the loop with an attempt that fails with `fail(n)` until attempt `succeed_at`,
    /// recording the attempt numbers and the paused-clock instants they started at.
    async fn run(
        policy: &RetryPolicy,
        spends_credits: bool,
        succeed_at: u32,
        fail: impl Fn(u32) -> Failure,
    ) -> (Result<u32, Failure>, Vec<u32>, Vec<Duration>) {
        let hour = Deadline::after(Duration::from_secs(3600));
        run_until(&hour, policy, spends_credits, succeed_at, fail).await
    }

    /// [`run`] held to `deadline`.
    async fn run_until(
        deadline: &Deadline,
        policy: &RetryPolicy,
        spends_credits: bool,
        succeed_at: u32,
        fail: impl Fn(u32) -> Failure,
    ) -> (Result<u32, Failure>, Vec<u32>, Vec<Duration>) {
        let start = Instant::now();
        let mut numbers = Vec::new();
        let mut starts = Vec::new();
        let result = retry(
            policy,
            spends_credits,
            deadline,
            |n| {
                numbers.push(n);
                starts.push(start.elapsed());
                let outcome = if n >= succeed_at { Ok(n) } else { Err(fail(n)) };
                async move { outcome }
            },
            inspect,
        )
        .await;
        (result, numbers, starts)
    }

    fn gaps(starts: &[Duration]) -> Vec<Duration> {
        starts.windows(2).map(|pair| pair[1] - pair[0]).collect()
    }

    fn assert_gaps_follow_schedule(policy: &RetryPolicy, starts: &[Duration]) {
        for (n, gap) in (0u32..).zip(gaps(starts)) {
            let (low, high) = backoff_bounds(policy, n);
            assert!(low <= gap && gap <= high + TICK, "retry {n} slept {gap:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn succeeds_after_transient_failures() {
        let policy = RetryPolicy::default();
        let fail = Failure::status(503, None);
        let (result, numbers, starts) = run(&policy, false, 2, fail).await;
        assert_eq!(result.expect("third attempt succeeds"), 2);
        assert_eq!(numbers, [0, 1, 2]);
        assert_gaps_follow_schedule(&policy, &starts);
    }

    #[tokio::test(start_paused = true)]
    async fn budget_spent_returns_last_error() {
        let policy = RetryPolicy::default();
        let fail = Failure::no_response(Attempt::MaybeSent);
        let (result, numbers, starts) = run(&policy, false, u32::MAX, fail).await;
        let error = result.expect_err("always fails");
        assert_eq!(error.number, 3, "the last attempt's error");
        assert_eq!(numbers, [0, 1, 2, 3], "max_retries + 1 attempts, numbered");
        assert_gaps_follow_schedule(&policy, &starts);
        let total = *starts.last().expect("attempts");
        assert!(
            total < Duration::from_secs(7) + 3 * TICK,
            "bounded: {total:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn budget_follows_max_retries() {
        for max_retries in [0, 1, 5] {
            let policy = RetryPolicy {
                max_retries,
                ..RetryPolicy::default()
            };
            let fail = Failure::status(500, None);
            let (result, numbers, starts) = run(&policy, false, u32::MAX, fail).await;
            assert!(result.is_err());
            let expected: Vec<u32> = (0..=max_retries).collect();
            assert_eq!(numbers, expected, "max_retries {max_retries}");
            assert_gaps_follow_schedule(&policy, &starts);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn non_transient_status_is_not_retried() {
        let fail = Failure::status(404, None);
        let (result, numbers, starts) = run(&RetryPolicy::default(), false, u32::MAX, fail).await;
        assert_eq!(result.expect_err("404").status, Some(404));
        assert_eq!(numbers, [0]);
        assert_eq!(starts, [Duration::ZERO]);
    }

    #[tokio::test(start_paused = true)]
    async fn hint_is_honoured() {
        let fail = Failure::status(429, Some(retry_after_header("5")));
        let (result, numbers, starts) = run(&RetryPolicy::default(), false, 2, fail).await;
        assert!(result.is_ok());
        assert_eq!(numbers, [0, 1, 2]);
        for gap in gaps(&starts) {
            // The hint exceeds every default backoff below 4 s, so it is the sleep.
            let hint = Duration::from_secs(5);
            assert!(hint <= gap && gap <= hint + TICK, "slept {gap:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn zero_hint_keeps_backoff_floor() {
        let policy = RetryPolicy::default();
        let fail = Failure::status(429, Some(retry_after_header("0")));
        let (result, _, starts) = run(&policy, false, 1, fail).await;
        assert!(result.is_ok());
        assert_gaps_follow_schedule(&policy, &starts);
    }

    #[tokio::test(start_paused = true)]
    async fn too_long_hint_stops() {
        let fail = Failure::status(429, Some(retry_after_header("600")));
        let (result, numbers, starts) = run(&RetryPolicy::default(), false, u32::MAX, fail).await;
        assert_eq!(result.expect_err("stopped").status, Some(429));
        assert_eq!(numbers, [0]);
        assert_eq!(starts, [Duration::ZERO], "no sleep before giving up");
    }

    #[tokio::test(start_paused = true)]
    async fn spending_request_not_retried_after_maybe_sent() {
        let failures: [Box<dyn Fn(u32) -> Failure>; 2] = [
            Box::new(Failure::no_response(Attempt::MaybeSent)),
            Box::new(Failure::status(503, None)),
        ];
        for fail in failures {
            let (result, numbers, _) = run(&RetryPolicy::default(), true, u32::MAX, fail).await;
            assert!(result.is_err());
            assert_eq!(numbers, [0], "never charged twice");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn spending_request_retried_when_not_sent() {
        let policy = RetryPolicy::default();
        let fail = Failure::no_response(Attempt::NotSent);
        let (result, numbers, starts) = run(&policy, true, 2, fail).await;
        assert_eq!(result.expect("third attempt succeeds"), 2);
        assert_eq!(numbers, [0, 1, 2]);
        assert_gaps_follow_schedule(&policy, &starts);

        let fail = Failure::no_response(Attempt::NotSent);
        let (result, numbers, _) = run(&policy, true, u32::MAX, fail).await;
        assert!(result.is_err());
        assert_eq!(numbers, [0, 1, 2, 3], "still bounded by the budget");
    }

    #[tokio::test(start_paused = true)]
    async fn a_refused_spending_request_is_retried_after_the_hint_within_the_deadline() {
        let policy = RetryPolicy::default();
        let fail = Failure::refused(Some(retry_after_header("1")));
        let (result, numbers, starts) = run(&policy, true, 2, fail).await;
        assert_eq!(result.expect("accepted on the third attempt"), 2);
        assert_eq!(numbers, [0, 1, 2]);
        assert!(
            gaps(&starts)
                .iter()
                .all(|gap| *gap >= Duration::from_secs(1))
        );

        // Refusals go on past the retry budget while the deadline allows, and stop before it.
        let deadline = Deadline::after(Duration::from_secs(20));
        let fail = Failure::refused(Some(retry_after_header("1")));
        let (result, numbers, starts) = run_until(&deadline, &policy, true, 10, fail).await;
        assert_eq!(result.expect("accepted on the eleventh attempt"), 10);
        assert_eq!(numbers.len(), 11, "beyond max_retries = 3");
        assert!(*starts.last().unwrap() < Duration::from_secs(20));

        let deadline = Deadline::after(Duration::from_secs(5));
        let fail = Failure::refused(Some(retry_after_header("1")));
        let (result, _, starts) = run_until(&deadline, &policy, true, u32::MAX, fail).await;
        assert!(result.unwrap_err().rate_limited);
        assert!(deadline.elapsed() <= Duration::from_secs(5), "{starts:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn no_retry_sleep_runs_past_the_deadline() {
        // A hint of 10 s with 3 s left: the error comes back at once instead of a sleep.
        let deadline = Deadline::after(Duration::from_secs(3));
        let fail = Failure::status(429, Some(retry_after_header("10")));
        let (result, numbers, _) =
            run_until(&deadline, &RetryPolicy::default(), false, u32::MAX, fail).await;
        assert_eq!(result.unwrap_err().status, Some(429));
        assert_eq!(numbers, [0]);
        assert_eq!(deadline.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn upload_is_rebuilt_for_every_attempt() {
        let source = b"RIFF....WAVEfmt audio bytes".to_vec();
        let mut built: Vec<(u32, Vec<u8>)> = Vec::new();
        let result: Result<(), Failure> = retry(
            &RetryPolicy::default(),
            false,
            &Deadline::after(Duration::from_secs(60)),
            |n| {
                // A body is consumed by sending; each attempt builds its own from the source.
                let body = source.clone();
                built.push((n, body.clone()));
                let failure = Failure::no_response(Attempt::MaybeSent)(n);
                async move {
                    drop(body);
                    Err(failure)
                }
            },
            inspect,
        )
        .await;
        assert!(result.is_err());
        let numbers: Vec<u32> = built.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, [0, 1, 2, 3]);
        assert!(
            built.iter().all(|(_, body)| *body == source),
            "complete body each time"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn retry_future_is_send() {
        fn assert_send<T: Send>(value: T) -> T {
            value
        }
        let policy = RetryPolicy::default();
        let deadline = Deadline::after(Duration::from_secs(60));
        let future = retry(
            &policy,
            false,
            &deadline,
            |n| async move { Ok::<u32, Failure>(n) },
            inspect,
        );
        assert_eq!(assert_send(future).await.expect("first attempt"), 0);
    }

    /// A local port with nothing listening on it.
    async fn closed_port() -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        listener.local_addr().expect("address")
    }

    #[tokio::test]
    async fn refused_connection_is_not_sent() {
        let address = closed_port().await;
        let error = reqwest::get(format!("http://{address}/"))
            .await
            .expect_err("nothing listens");
        assert!(error.is_connect(), "{error:?}");
        assert_eq!(attempt_of(&error), Attempt::NotSent);
    }

    #[tokio::test]
    async fn connection_dropped_after_request_is_maybe_sent() {
        use tokio::io::AsyncReadExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.expect("accept");
            let mut buffer = [0u8; 1024];
            let read = socket.read(&mut buffer).await.expect("read request");
            assert!(read > 0, "the request reached the server");
            // Dropping the socket closes it without an answer.
        });
        let error = reqwest::get(format!("http://{address}/"))
            .await
            .expect_err("no response");
        server.await.expect("server task");
        assert!(!error.is_connect(), "{error:?}");
        assert_eq!(attempt_of(&error), Attempt::MaybeSent);
    }
}
