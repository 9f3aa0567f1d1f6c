//! Fault scenarios: the real generated clients and facade against each spec's stand-in, scripted
//! to misbehave, for every spec whose `x-speech` maps what the scenario needs (and at least one).
//! Each checks the outcome, that nothing panics or hangs past its deadline, and how many requests
//! each operation saw. No provider is named: operations, error shapes and codes come from the
//! specs.

use crate::common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{KEY, Synthesis, jobs, options, spending, syntheses};
use futures_util::future::join_all;
use httpmock::{HttpMockResponse, Method, MockServer};
use speech_facade::{AudioResult, Error, Options, RetryPolicy, Submission};
use speech_mock_support::{Recorder, Reply};
use tokio::time::Instant;

/// A deadline no scenario that should succeed comes near.
const LONG: Duration = Duration::from_secs(10);

/// A code that means "too many requests" in no spec's list of insufficient-credits codes.
const RATE_LIMITED: &str = "RATE_LIMITED";

#[tokio::test]
async fn a_5xx_on_a_status_poll_is_retried_then_the_job_completes() {
    let jobs = jobs();
    for code in [500, 502, 503, 504] {
        for job in &jobs {
            // A pending poll, the 5xx, then the spec completes the job.
            let stand_in = job
                .stand_in()
                .pending_polls(1)
                .script(job.poll(), [Reply::spec(), Reply::status(code)])
                .start()
                .unwrap();
            let speech = job
                .run(&stand_in, LONG)
                .await
                .unwrap_or_else(|e| panic!("{} with {code}: {e:?}", job.name()));
            assert!(
                matches!(speech.audio, AudioResult::Url(_)),
                "{}",
                job.name()
            );
            assert_eq!(stand_in.requests(job.submit), 1, "{}", job.name());
            assert_eq!(stand_in.requests(job.poll()), 3, "{}", job.name());
        }
    }
}

/// The polls of a job whose first poll is refused with `refusal`, that completes on the next,
/// and how long passed from the refusal's making (its hint counts from then) to the end of the
/// call: for every spec at once (each waits out a hint of a second or more).
async fn refused_first_poll(refusal: impl Fn() -> Reply) -> Vec<(String, Duration, usize)> {
    let jobs = jobs();
    let runs = jobs.iter().map(|job| {
        let started = Instant::now();
        let stand_in = job
            .stand_in()
            .pending_polls(0)
            .script(job.poll(), [refusal()])
            .start()
            .unwrap();
        async move {
            job.run(&stand_in, LONG)
                .await
                .unwrap_or_else(|e| panic!("{}: {e:?}", job.name()));
            let took = started.elapsed();
            (job.name().to_owned(), took, stand_in.requests(job.poll()))
        }
    });
    join_all(runs).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_with_retry_after_is_honoured_in_seconds_and_as_an_http_date() {
    for as_date in [false, true] {
        let retry_after = || {
            if as_date {
                httpdate_in(Duration::from_secs(1))
            } else {
                "1".to_owned()
            }
        };
        let refusal =
            || Reply::error(429, None, "Too Many Requests").header("Retry-After", retry_after());
        for (name, took, polls) in refused_first_poll(refusal).await {
            // The hint (up to a second, the date's resolution) was waited out, not the 2–8 ms
            // backoff.
            assert!(
                took >= Duration::from_millis(400),
                "{name} (date: {as_date}): {took:?}"
            );
            assert_eq!(polls, 2, "{name}");
        }
    }
}

/// An HTTP date `after` from now (rounded up: the format has whole seconds).
fn httpdate_in(after: Duration) -> String {
    httpdate::fmt_http_date(SystemTime::now() + after + Duration::from_millis(999))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_with_x_ratelimit_reset_is_waited_out() {
    let refusal = || {
        let reset = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 2;
        Reply::error(429, Some(RATE_LIMITED), "Rate limit exceeded")
            .header("X-RateLimit-Reset", reset)
    };
    for (name, took, polls) in refused_first_poll(refusal).await {
        assert!(took >= Duration::from_millis(800), "{name}: {took:?}");
        assert_eq!(polls, 2, "{name}");
    }
}

#[tokio::test]
async fn a_200_poll_not_of_the_documented_shape_is_retried_then_reported_with_the_raw_body() {
    let truncated = || Reply::raw(200, Some("application/json"), r#"{"status": "Compl"#);
    // Well-formed JSON naming a finished state, but not the documented status answer: the typed
    // decode refuses it before the job contract reads anything.
    let other_shape = || Reply::raw(200, Some("application/json"), r#""COMPLETED""#);
    let html = || {
        Reply::raw(
            200,
            Some("text/html"),
            "<html><body>502 Bad Gateway</body></html>",
        )
    };
    let attempts = 1 + usize::try_from(RetryPolicy::default().max_retries).unwrap();
    let jobs = jobs();
    for (label, bad) in [
        ("truncated JSON", truncated as fn() -> Reply),
        ("HTML page", html),
        ("JSON of another shape", other_shape),
    ] {
        for job in &jobs {
            // Once: a read is retried, and the job completes.
            let stand_in = job
                .stand_in()
                .pending_polls(0)
                .script(job.poll(), [bad()])
                .start()
                .unwrap();
            job.run(&stand_in, LONG)
                .await
                .unwrap_or_else(|e| panic!("{} {label} once: {e:?}", job.name()));
            assert_eq!(stand_in.requests(job.poll()), 2, "{} {label}", job.name());
            // Always (more often than the retry budget): a typed error that keeps the raw body.
            let stand_in = job
                .stand_in()
                .pending_polls(0)
                .script(job.poll(), (0..=attempts).map(|_| bad()))
                .start()
                .unwrap();
            let error = job.run(&stand_in, LONG).await.unwrap_err();
            let Error::UnexpectedResponse { body, .. } = &error else {
                panic!(
                    "{} {label}: expected UnexpectedResponse, got {error:?}",
                    job.name()
                );
            };
            assert!(
                !body.is_empty(),
                "{} {label}: the raw body is kept",
                job.name()
            );
            assert_eq!(
                stand_in.requests(job.poll()),
                attempts,
                "{} {label}",
                job.name()
            );
        }
    }
}

/// A `429` that refuses a request with `code`: a rate limit, or (where the spec lists the code
/// as insufficient credits) missing credits.
fn refusal(code: &str) -> Reply {
    Reply::error(429, Some(code), "refused").header("Retry-After", "0.05")
}

#[tokio::test]
async fn a_rate_limited_submit_is_retried_after_its_hint_but_an_out_of_credits_one_is_not() {
    for synthesis in syntheses() {
        let codes = synthesis.service.error_body.insufficient_credits_codes;
        assert!(!codes.contains(&RATE_LIMITED), "{}", synthesis.name());
        let stand_in = synthesis
            .stand_in()
            .pending_polls(0)
            .script(
                synthesis.submit,
                [refusal(RATE_LIMITED), refusal(RATE_LIMITED)],
            )
            .start()
            .unwrap();
        let started = Instant::now();
        synthesis
            .run(&stand_in, LONG)
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", synthesis.name()));
        assert_eq!(
            stand_in.requests(synthesis.submit),
            3,
            "{}",
            synthesis.name()
        );
        if let Some(poll) = synthesis.poll {
            assert_eq!(stand_in.requests(poll), 1, "{}", synthesis.name());
        }
        assert!(
            started.elapsed() >= Duration::from_millis(100),
            "{}: the hints were honoured",
            synthesis.name()
        );
    }
    // Where a spec says which codes mean missing credits, a 429 with one is final.
    let mut checked = 0;
    for synthesis in syntheses() {
        for code in synthesis.service.error_body.insufficient_credits_codes {
            let stand_in = synthesis
                .stand_in()
                .script(synthesis.submit, [refusal(code)])
                .start()
                .unwrap();
            let error = synthesis.run(&stand_in, LONG).await.unwrap_err();
            assert!(
                matches!(error, Error::InsufficientCredits { .. }),
                "{} {code}: {error:?}",
                synthesis.name()
            );
            assert_eq!(
                stand_in.requests(synthesis.submit),
                1,
                "{}",
                synthesis.name()
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "no spec lists an insufficient-credits code");
}

#[tokio::test]
async fn an_unknown_status_value_keeps_polling_and_a_job_that_never_finishes_hits_the_deadline() {
    const UNKNOWN: &str = "QUEUED_SOMEWHERE_NEW";
    for job in jobs() {
        let contract = job.service.job_status(job.poll()).unwrap();
        let listed = [contract.pending, contract.completed, contract.failed];
        assert!(!listed.concat().contains(&UNKNOWN), "{}", job.name());
        let stand_in = job
            .stand_in()
            .pending_polls(u32::MAX)
            .pending_state(UNKNOWN)
            .start()
            .unwrap();
        let deadline = Duration::from_millis(300);
        let started = Instant::now();
        let error = job.run(&stand_in, deadline).await.unwrap_err();
        let Error::DeadlineExceeded {
            submission: Submission::Started(handle),
            last_state,
            polls,
            elapsed,
            ..
        } = &error
        else {
            panic!("{}: expected DeadlineExceeded, got {error:?}", job.name());
        };
        assert!(!handle.id.is_empty());
        assert_eq!(last_state.as_deref(), Some(UNKNOWN), "{}", job.name());
        // The wait ends by the deadline: at it, or a little before when no poll could answer in
        // the time left.
        assert!(
            *polls > 3 && *elapsed <= deadline + Duration::from_millis(100),
            "{}: {polls} polls in {elapsed:?}",
            job.name()
        );
        // No hang past the deadline (generous bound for a loaded machine).
        assert!(
            started.elapsed() < deadline + Duration::from_secs(2),
            "{}: {:?}",
            job.name(),
            started.elapsed()
        );
        assert_eq!(stand_in.requests(job.submit), 1, "{}", job.name());
        assert!(stand_in.requests(job.poll()) >= 3, "{}", job.name());
    }
}

#[tokio::test]
async fn a_credit_spending_post_answered_5xx_or_hanging_is_never_sent_twice() {
    for synthesis in spending() {
        // A 5xx after the POST: it may have been processed; not retried.
        let stand_in = synthesis
            .stand_in()
            .script(
                synthesis.submit,
                [Reply::raw(503, Some("application/json"), "{}").header("Retry-After", "0")],
            )
            .start()
            .unwrap();
        let error = synthesis
            .run(&stand_in, Duration::from_secs(5))
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                Error::Provider { .. } | Error::UnexpectedResponse { .. }
            ),
            "{}: {error:?}",
            synthesis.name()
        );
        assert_eq!(
            stand_in.requests(synthesis.submit),
            1,
            "{}",
            synthesis.name()
        );

        // A server that reads the request and never answers: the request timeout fires; not
        // retried.
        let stand_in = synthesis
            .stand_in()
            .script(synthesis.submit, [Reply::silence()])
            .start()
            .unwrap();
        let quick = Options {
            timeout: Duration::from_millis(300),
            ..options()
        };
        let (result, took) = synthesis
            .run_timed(stand_in.url(), Duration::from_secs(5), quick)
            .await;
        assert!(
            matches!(result, Err(Error::Unconfirmed { operation, .. }) if operation == synthesis.submit),
            "{}: {result:?}",
            synthesis.name()
        );
        assert!(
            took < Duration::from_secs(5),
            "{}: {took:?}",
            synthesis.name()
        );
        assert_eq!(
            stand_in.requests(synthesis.submit),
            1,
            "{}",
            synthesis.name()
        );
    }
}

#[tokio::test]
async fn a_connection_reset_mid_response_on_a_poll_is_retried() {
    for job in jobs() {
        let stand_in = job
            .stand_in()
            .pending_polls(0)
            .script(job.poll(), [Reply::spec().cut()])
            .start()
            .unwrap();
        job.run(&stand_in, LONG)
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", job.name()));
        assert_eq!(stand_in.requests(job.submit), 1, "{}", job.name());
        assert_eq!(
            stand_in.requests(job.poll()),
            2,
            "{}: the cut poll, the retried poll",
            job.name()
        );
    }
}

#[tokio::test]
async fn a_credit_spending_post_whose_connection_drops_is_not_sent_again() {
    for synthesis in spending() {
        let stand_in = synthesis
            .stand_in()
            .script(synthesis.submit, [Reply::hang_up()])
            .start()
            .unwrap();
        let result = synthesis.run(&stand_in, LONG).await;
        assert!(
            matches!(result, Err(Error::Unconfirmed { operation, .. }) if operation == synthesis.submit),
            "{}: {result:?}",
            synthesis.name()
        );
        assert_eq!(
            stand_in.requests(synthesis.submit),
            1,
            "{}: the POST reached the server once",
            synthesis.name()
        );
    }
}

/// Saves a finished speech to `path`.
async fn save(speech: &speech_facade::Speech, path: &std::path::Path) -> Result<(), Error> {
    let downloader = speech_facade::Downloader::new(Duration::from_secs(30))?;
    speech
        .save(&downloader, path, &speech_facade::DownloadLimits::default())
        .await
        .map(drop)
}

/// A completed job's speech, with the stand-in whose storage holds it.
async fn completed(
    job: &Synthesis,
    storage: impl IntoIterator<Item = Reply>,
) -> (speech_facade::Speech, speech_mock_support::StandIn) {
    let stand_in = job
        .stand_in()
        .pending_polls(0)
        .result_query("X-Signature=abc")
        .storage_script(storage)
        .start()
        .unwrap();
    let speech = job
        .run(&stand_in, LONG)
        .await
        .unwrap_or_else(|e| panic!("{}: {e:?}", job.name()));
    (speech, stand_in)
}

#[tokio::test]
async fn a_result_on_a_storage_host_redirecting_to_a_third_host_never_sees_the_key() {
    for job in jobs() {
        let third = MockServer::start_async().await;
        let at_third = Recorder::default();
        third
            .mock_async(|when, then| {
                when.method(Method::GET).path("/audio/result.mp3");
                then.respond_with(
                    at_third.answer(
                        HttpMockResponse::builder()
                            .status(200)
                            .header("content-type", "audio/mpeg")
                            .body("ID3 audio")
                            .build(),
                    ),
                );
            })
            .await;
        let moved = Reply::status(302).header("location", third.url("/audio/result.mp3"));
        let (speech, stand_in) = completed(&job, [moved]).await;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("result.mp3");
        save(&speech, &path).await.unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"ID3 audio",
            "{}",
            job.name()
        );
        // One request each, and no header of either carries the key.
        assert_eq!(stand_in.storage_requests(), 1, "{}", job.name());
        assert!(
            !stand_in.storage_saw_key(),
            "{}: the storage saw the key",
            job.name()
        );
        for (name, value) in at_third.single().headers_vec() {
            assert!(
                !value.contains(KEY),
                "{}: the third host saw the key in `{name}`",
                job.name()
            );
        }
    }
}

#[tokio::test]
async fn a_200_mb_result_streams_to_a_file_and_an_interrupted_one_leaves_no_file() {
    const SIZE: u64 = 200 * 1024 * 1024;
    for job in jobs() {
        let (speech, stand_in) = completed(
            &job,
            [
                Reply::generated(200, "audio/mpeg", SIZE),
                Reply::generated(200, "audio/mpeg", 8192).cut(),
            ],
        )
        .await;
        let dir = tempfile::tempdir().unwrap();

        let path = dir.path().join("big.mp3");
        save(&speech, &path).await.unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().len(),
            SIZE,
            "{}",
            job.name()
        );

        // The second download is cut mid-body: an error, and nothing that looks like the result.
        let cut = dir.path().join("cut.mp3");
        let error = save(&speech, &cut).await.unwrap_err();
        assert!(
            matches!(error, Error::Download(_)),
            "{}: {error:?}",
            job.name()
        );
        assert!(
            !cut.exists(),
            "{}: a partial file was left at the target path",
            job.name()
        );
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            left,
            vec![std::ffi::OsString::from("big.mp3")],
            "{}: temporary files left behind",
            job.name()
        );
        assert_eq!(stand_in.storage_requests(), 2, "{}", job.name());
    }
}
