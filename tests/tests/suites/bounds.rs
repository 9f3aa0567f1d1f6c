//! Deadlines are bounds and waits are patient, whatever the server does: for every spec whose
//! synthesis starts a job (or, where a scenario needs no job, every spec that maps synthesis),
//! a status answer that drips, rate limits longer than the time left, a submit that never
//! answers, a job not yet visible, a storm of `429`s, rate-limit headers on every answer, a wait
//! resumed from a stored handle, and answers larger than their limits. Each spec's stand-in plays
//! the API; no provider is named.

use crate::common;

use std::time::Duration;

use common::{Synthesis, jobs, options, syntheses};
use futures_util::future::join_all;
use speech_facade::{
    AudioResult, DownloadError, DownloadLimits, Error, JobHandle, Options, Submission, Synthesize,
    Wait,
};
use speech_mock_support::Reply;
use speech_spec::{Spec, is_binary};
use tokio::time::Instant;

/// How far past its deadline a call may return: scheduling noise on a loaded machine, nothing
/// the server can stretch.
const OVERRUN: Duration = Duration::from_millis(100);

/// Runs `job`'s synthesis against `base`, returning the error and how long the call took.
async fn timed(
    job: &Synthesis,
    base: &str,
    deadline: Duration,
    options: Options,
) -> (Error, Duration) {
    let (result, took) = job.run_timed(base, deadline, options).await;
    (result.expect_err("the call cannot succeed"), took)
}

/// `count` copies of `reply`: more answers than the scenario's call can ask for.
fn times(count: usize, reply: &Reply) -> Vec<Reply> {
    vec![reply.clone(); count]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dripping_status_answer_cannot_hold_a_call_past_its_deadline() {
    let deadline = Duration::from_millis(1500);
    let slow_timeout = Options {
        timeout: Duration::from_secs(4),
        ..options()
    };
    let jobs = jobs();
    let cases = jobs.iter().flat_map(|job| {
        let with_defaults = Options::default();
        [(job, slow_timeout.clone()), (job, with_defaults)]
    });
    let runs = cases.map(|(job, options)| async move {
        // Every status answer drips a byte a second.
        let drip = Reply::spec().drip(Duration::from_secs(1));
        let stand_in = job
            .stand_in()
            .script(job.poll(), times(8, &drip))
            .start()
            .unwrap();
        let (error, took) = timed(job, stand_in.url(), deadline, options).await;
        (job.name(), error, took)
    });
    for (name, error, took) in join_all(runs).await {
        assert!(
            took <= deadline + OVERRUN,
            "{name}: returned after {took:?}"
        );
        assert!(
            matches!(&error, Error::DeadlineExceeded { submission: Submission::Started(job), .. } if !job.id.is_empty()),
            "{name}: {error:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_longer_than_the_time_left_ends_the_call_by_its_deadline() {
    let deadline = Duration::from_secs(3);
    let jobs = jobs();
    let runs = jobs.iter().map(|job| async move {
        let limited = Reply::error(429, None, "slow down").header("Retry-After", "10");
        let stand_in = job
            .stand_in()
            .script(job.poll(), times(8, &limited))
            .start()
            .unwrap();
        let (error, took) = timed(job, stand_in.url(), deadline, options()).await;
        assert_eq!(stand_in.requests(job.submit), 1, "{}", job.name());
        (job.name(), error, took)
    });
    for (name, error, took) in join_all(runs).await {
        assert!(
            took <= deadline + OVERRUN,
            "{name}: returned after {took:?}"
        );
        let Error::DeadlineExceeded { last_error, .. } = &error else {
            panic!("{name}: {error:?}");
        };
        assert!(
            matches!(last_error.as_deref(), Some(Error::RateLimited { .. })),
            "{name}: {error:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submit_that_never_answers_ends_at_the_deadline_and_says_it_may_have_been_accepted() {
    let deadline = Duration::from_secs(1);
    let syntheses = syntheses();
    assert!(!syntheses.is_empty(), "no spec maps synthesis");
    let runs = syntheses.iter().map(|synthesis| async move {
        let stand_in = synthesis
            .stand_in()
            .script(synthesis.submit, [Reply::silence()])
            .start()
            .unwrap();
        // The default request timeout (300 s) is far beyond the deadline.
        let (error, took) = timed(synthesis, stand_in.url(), deadline, Options::default()).await;
        assert_eq!(
            stand_in.requests(synthesis.submit),
            1,
            "{}",
            synthesis.name()
        );
        (synthesis.name(), error, took)
    });
    for (name, error, took) in join_all(runs).await {
        assert!(
            took <= deadline + OVERRUN,
            "{name}: returned after {took:?}"
        );
        assert!(
            matches!(
                &error,
                Error::DeadlineExceeded {
                    submission: Submission::Unconfirmed { .. },
                    ..
                }
            ),
            "{name}: {error:?}"
        );
        assert!(
            error.to_string().contains("may have accepted"),
            "{name}: {error}"
        );
    }
}

#[tokio::test]
async fn a_job_not_yet_visible_is_waited_for_and_a_storm_of_429_outlasts_the_retry_budget() {
    let not_found = Reply::error(404, Some("NOT_FOUND"), "not found");
    let limited =
        Reply::error(429, Some("RATE_LIMITED"), "slow down").header("Retry-After", "0.02");
    for job in jobs() {
        // Two 404s right after the submit: the status store lags; the wait goes on through a
        // pending poll to the completed one.
        let stand_in = job
            .stand_in()
            .pending_polls(1)
            .script(job.poll(), times(2, &not_found))
            .start()
            .unwrap();
        job.run(&stand_in, Duration::from_secs(10))
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", job.name()));
        assert_eq!(stand_in.requests(job.poll()), 4, "{}", job.name());

        // Twelve 429s in a row: far beyond one poll's three retries, well within the deadline.
        let stand_in = job
            .stand_in()
            .pending_polls(0)
            .script(job.poll(), times(12, &limited))
            .start()
            .unwrap();
        job.run(&stand_in, Duration::from_secs(20))
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", job.name()));
        assert_eq!(stand_in.requests(job.submit), 1, "{}", job.name());
        assert_eq!(stand_in.requests(job.poll()), 13, "{}", job.name());
    }
}

#[tokio::test]
async fn rate_limit_headers_on_served_polls_do_not_delay_the_next_poll() {
    // Some APIs send X-RateLimit-* on every response; a reset 30 s ahead with requests left must
    // not hold a poll that was served.
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 30;
    let with_headers = Reply::spec()
        .header("X-RateLimit-Limit", 60)
        .header("X-RateLimit-Remaining", 57)
        .header("X-RateLimit-Reset", reset);
    for job in jobs() {
        let stand_in = job
            .stand_in()
            .pending_polls(1)
            .script(job.poll(), times(2, &with_headers))
            .start()
            .unwrap();
        let started = Instant::now();
        job.run(&stand_in, Duration::from_secs(60))
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", job.name()));
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{}: {:?}",
            job.name(),
            started.elapsed()
        );
        assert_eq!(stand_in.requests(job.poll()), 2, "{}", job.name());
    }
}

/// Resumes the wait for `handle` with a new provider at `base`, as an application would after
/// storing the handle of an [`Error::DeadlineExceeded`].
async fn resume(
    job: &Synthesis,
    base: &str,
    handle: &JobHandle,
    deadline: Duration,
) -> Result<speech_facade::Speech, Error> {
    let provider = job.provider(base, options())?;
    let speaker: &dyn Synthesize = &provider;
    speaker
        .resume_synthesis(handle, &Wait::up_to(deadline))
        .await
}

/// The requests `operation` has received, once no more arrive for 100 ms.
async fn settled_requests(stand_in: &speech_mock_support::StandIn, operation: &str) -> usize {
    let mut count = stand_in.requests(operation);
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = stand_in.requests(operation);
        if now == count {
            return count;
        }
        count = now;
    }
}

#[tokio::test]
async fn a_stored_job_handle_resumes_the_wait_in_another_client() {
    for job in jobs() {
        // The first call gives up while the job is pending.
        let stand_in = job.stand_in().pending_polls(u32::MAX).start().unwrap();
        let error = job
            .run(&stand_in, Duration::from_millis(200))
            .await
            .unwrap_err();
        let handle = error
            .job()
            .unwrap_or_else(|| panic!("{}: {error:?}", job.name()));
        let stored = serde_json::to_string(handle).unwrap();
        // A poll the deadline cut off may still reach the stand-in after the call returned:
        // count once nothing more arrives.
        let polls_before = settled_requests(&stand_in, job.poll()).await;
        let first_polls = stand_in.last_parameters(job.poll()).unwrap();

        // Later, in another client: the handle read back resumes the wait, and its poll carries
        // every parameter the first client's polls did.
        stand_in.set_pending_polls(0);
        let restored: JobHandle = serde_json::from_str(&stored).unwrap();
        let speech = resume(&job, stand_in.url(), &restored, Duration::from_secs(5))
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", job.name()));
        assert_eq!(speech.job_id.as_deref(), Some(restored.id.as_str()));
        assert_eq!(
            stand_in.requests(job.poll()),
            polls_before + 1,
            "{}",
            job.name()
        );
        assert_eq!(
            stand_in.last_parameters(job.poll()).unwrap(),
            first_polls,
            "{}",
            job.name()
        );
        assert_eq!(stand_in.requests(job.submit), 1, "{}", job.name());

        // A resumed job that the provider does not know is reported at once: no grace.
        let gone = job.stand_in().start().unwrap();
        let started = Instant::now();
        let error = resume(&job, gone.url(), &restored, Duration::from_secs(30))
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::NotFound(_)),
            "{}: {error:?}",
            job.name()
        );
        assert!(started.elapsed() < Duration::from_secs(2), "{}", job.name());

        // A handle for another kind of job is refused by name, before anything is sent.
        let wrong = JobHandle {
            operation: "some_other_status".into(),
            ..restored.clone()
        };
        let error = resume(&job, gone.url(), &wrong, Duration::from_secs(1))
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::InvalidInput { message } if message.contains("some_other_status")),
            "{}: {error:?}",
            job.name()
        );
        assert_eq!(gone.total_requests(), 1, "{}", job.name());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enormous_status_answer_fails_within_the_size_limit_and_is_not_asked_for_again() {
    let jobs = jobs();
    let runs = jobs.iter().map(|job| async move {
        let enormous = Reply::generated(200, "application/json", 200 << 20);
        let stand_in = job
            .stand_in()
            .script(job.poll(), [enormous])
            .start()
            .unwrap();
        let small = Options {
            max_response_bytes: 64 << 10,
            ..options()
        };
        let (error, _) = timed(job, stand_in.url(), Duration::from_secs(10), small).await;
        let requests = (stand_in.requests(job.submit), stand_in.requests(job.poll()));
        (job.name(), error, requests)
    });
    for (name, error, requests) in join_all(runs).await {
        assert!(
            matches!(error, Error::ResponseTooLarge { limit } if limit == 64 << 10),
            "{name}: {error:?}"
        );
        assert_eq!(requests, (1, 1), "{name}: one submit and one poll");
    }
}

/// The first success status and media type of `operation` that carry audio, if it can answer
/// with audio itself.
fn audio_answer(spec: &Spec, operation: &str) -> Option<(u16, String)> {
    let operation = spec
        .operations()
        .into_iter()
        .find(|candidate| candidate.id() == Some(operation))?;
    operation.responses().find_map(|(status, response)| {
        let status = status
            .parse::<u16>()
            .ok()
            .filter(|s| (200..300).contains(s))?;
        let content = spec.resolve(response).ok()?.get("content")?;
        content.as_object()?.iter().find_map(|(media, object)| {
            let schema = spec.resolve_schema(object.get("schema")?).ok()?;
            is_binary(&schema).then(|| (status, media.clone()))
        })
    })
}

/// Each synthesis whose operation can answer with audio, with that answer's status and media
/// type.
fn audio_answers() -> Vec<(Synthesis, u16, String)> {
    let found: Vec<_> = syntheses()
        .into_iter()
        .filter_map(|synthesis| {
            let (status, media) = audio_answer(&synthesis.spec, synthesis.submit)?;
            Some((synthesis, status, media))
        })
        .collect();
    assert!(!found.is_empty(), "no spec's synthesis answers with audio");
    found
}

#[tokio::test]
async fn a_direct_audio_answer_is_read_within_the_download_limit() {
    let limited = || Options {
        download: DownloadLimits { max_bytes: 1 << 20 },
        ..options()
    };
    for (synthesis, status, media) in audio_answers() {
        let name = synthesis.name();
        let stand_in = synthesis
            .stand_in()
            .script(
                synthesis.submit,
                [Reply::generated(status, &media, 8 << 20)],
            )
            .start()
            .unwrap();
        let (error, _) = timed(
            &synthesis,
            stand_in.url(),
            Duration::from_secs(10),
            limited(),
        )
        .await;
        let Error::Download(download) = &error else {
            panic!("{name}: {error:?}");
        };
        assert!(
            matches!(**download, DownloadError::TooLarge { limit, .. } if limit == 1 << 20),
            "{name}: {error:?}"
        );
        assert_eq!(
            stand_in.requests(synthesis.submit),
            1,
            "{name}: a credit-spending answer is not asked for again"
        );

        // Within the limit, the audio comes back whole.
        let stand_in = synthesis
            .stand_in()
            .script(
                synthesis.submit,
                [Reply::generated(status, &media, 512 << 10)],
            )
            .start()
            .unwrap();
        let (speech, _) = synthesis
            .run_timed(stand_in.url(), Duration::from_secs(10), limited())
            .await;
        let speech = speech.unwrap_or_else(|e| panic!("{name}: the audio fits: {e:?}"));
        assert!(
            matches!(&speech.audio, AudioResult::Bytes { bytes, .. } if bytes.len() == 512 << 10),
            "{name}: {:?}",
            speech.job_id
        );
    }
}
