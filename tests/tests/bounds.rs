//! Deadlines are bounds and waits are patient, whatever the server does: for every provider, a
//! status answer that drips, rate limits longer than the time left, a submit that never answers,
//! a job not yet visible, a storm of `429`s, rate-limit headers on every answer, and a wait
//! resumed from a stored handle.

mod common;

use std::time::Duration;

use common::{Flow, flows, options, resume_at, serve, synthesize, synthesize_timed};
use futures_util::future::join_all;
use httpmock::{HttpMockResponse, Method, MockServer};
use speech_facade::{Error, JobHandle, Options, Submission};
use speech_mock_support::{RawAct, RawServer, json_response};
use tokio::time::Instant;

/// How far past its deadline a call may return: scheduling noise on a loaded machine, nothing
/// the server can stretch.
const OVERRUN: Duration = Duration::from_millis(100);

/// A provider API whose submit answers at once and whose status answer drips one byte a second.
async fn dripping_status(flow: &Flow) -> RawServer {
    let (submit_path, code, submit) = flow.submit.clone();
    let status_path = flow.status_path.to_ascii_lowercase();
    let pending = flow.pending.to_string().into_bytes();
    RawServer::start(move |_, path| {
        if path.starts_with(&status_path) {
            RawAct::Drip {
                body: pending.clone(),
                every: Duration::from_secs(1),
            }
        } else {
            assert!(
                path.starts_with(&submit_path.to_ascii_lowercase()),
                "{path}"
            );
            RawAct::json(code, &submit)
        }
    })
    .await
}

/// Runs `flow`'s synthesis against `base`, returning the error and how long the call took.
async fn timed(flow: &Flow, base: &str, deadline: Duration, options: Options) -> (Error, Duration) {
    let (result, took) = synthesize_timed(flow, base, deadline, options).await;
    (result.expect_err("the call cannot succeed"), took)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dripping_status_answer_cannot_hold_a_call_past_its_deadline() {
    let deadline = Duration::from_millis(1500);
    let slow_timeout = Options {
        timeout: Duration::from_secs(4),
        ..options()
    };
    let cases = flows().into_iter().flat_map(|flow| {
        let with_defaults = Options::default();
        [(flow.clone(), slow_timeout.clone()), (flow, with_defaults)]
    });
    let runs = cases.map(|(flow, options)| async move {
        let server = dripping_status(&flow).await;
        let base = server.url(flow.base_path);
        let (error, took) = timed(&flow, &base, deadline, options).await;
        (flow.name, error, took)
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
    let runs = flows().into_iter().map(|flow| async move {
        let server = MockServer::start_async().await;
        let limited = HttpMockResponse::builder()
            .status(429)
            .header("Retry-After", "10")
            .header("content-type", "application/json")
            .body(r#"{"success": false, "error": "slow down", "detail": "slow down"}"#)
            .build();
        let (submit, _) = serve(&server, &flow, vec![limited]).await;
        let (error, took) = timed(&flow, &server.url(flow.base_path), deadline, options()).await;
        submit.assert_calls_async(1).await;
        (flow.name, error, took)
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
    let runs = flows().into_iter().map(|flow| async move {
        let server = MockServer::start_async().await;
        let post = server
            .mock_async(|when, then| {
                when.method(Method::POST).path(flow.submit.0);
                then.delay(Duration::from_secs(30)).status(200);
            })
            .await;
        // The default request timeout (300 s) is far beyond the deadline.
        let base = server.url(flow.base_path);
        let (error, took) = timed(&flow, &base, deadline, Options::default()).await;
        post.assert_calls_async(1).await;
        (flow.name, error, took)
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
    let not_found = HttpMockResponse::builder()
        .status(404)
        .header("content-type", "application/json")
        .body(r#"{"success": false, "code": "NOT_FOUND", "error": "not found", "detail": "not found"}"#)
        .build();
    let limited = HttpMockResponse::builder()
        .status(429)
        .header("Retry-After", "0.02")
        .header("content-type", "application/json")
        .body(r#"{"success": false, "code": "RATE_LIMITED", "error": "slow down", "detail": "slow down"}"#)
        .build();
    for flow in flows() {
        // Two 404s right after the submit: the status store lags; the wait goes on.
        let server = MockServer::start_async().await;
        let polls = vec![
            not_found.clone(),
            not_found.clone(),
            json_response(200, &flow.pending),
            json_response(200, &flow.completed),
        ];
        let (_, status) = serve(&server, &flow, polls).await;
        synthesize(&flow, &server, Duration::from_secs(10))
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", flow.name));
        status.assert_calls_async(4).await;

        // Twelve 429s in a row: far beyond one poll's three retries, well within the deadline.
        let server = MockServer::start_async().await;
        let mut polls = vec![limited.clone(); 12];
        polls.push(json_response(200, &flow.completed));
        let (submit, status) = serve(&server, &flow, polls).await;
        synthesize(&flow, &server, Duration::from_secs(20))
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", flow.name));
        submit.assert_calls_async(1).await;
        status.assert_calls_async(13).await;
    }
}

#[tokio::test]
async fn rate_limit_headers_on_served_polls_do_not_delay_the_next_poll() {
    // The voice-clone API sends X-RateLimit-* on every response; a reset 30 s ahead with requests
    // left must not hold a poll that was served.
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 30;
    for flow in flows() {
        let with_headers = |body: &serde_json::Value| {
            HttpMockResponse::builder()
                .status(200)
                .header("content-type", "application/json")
                .header("X-RateLimit-Limit", "60")
                .header("X-RateLimit-Remaining", "57")
                .header("X-RateLimit-Reset", reset.to_string())
                .body(body.to_string())
                .build()
        };
        let server = MockServer::start_async().await;
        let polls = vec![with_headers(&flow.pending), with_headers(&flow.completed)];
        let (_, status) = serve(&server, &flow, polls).await;
        let started = Instant::now();
        synthesize(&flow, &server, Duration::from_secs(60))
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", flow.name));
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{}: {:?}",
            flow.name,
            started.elapsed()
        );
        status.assert_calls_async(2).await;
    }
}

#[tokio::test]
async fn a_stored_job_handle_resumes_the_wait_in_another_client() {
    for flow in flows() {
        // The first call gives up while the job is pending.
        let server = MockServer::start_async().await;
        serve(&server, &flow, vec![json_response(200, &flow.pending)]).await;
        let error = synthesize(&flow, &server, Duration::from_millis(200))
            .await
            .unwrap_err();
        let job = error
            .job()
            .unwrap_or_else(|| panic!("{}: {error:?}", flow.name));
        let stored = serde_json::to_string(job).unwrap();

        // Later, elsewhere: the handle read back resumes the wait with every poll parameter.
        let restored: JobHandle = serde_json::from_str(&stored).unwrap();
        let later = MockServer::start_async().await;
        let status = later
            .mock_async(|when, then| {
                let when = when.method(Method::GET).path(flow.status_path);
                let when = if flow.name == "nanogpt" {
                    when.query_param("runId", "r1")
                        .query_param("model", "Elevenlabs-V3")
                } else {
                    when
                };
                drop(when);
                then.status(200)
                    .header("content-type", "application/json")
                    .body(flow.completed.to_string());
            })
            .await;
        let speech = resume_at(
            &flow,
            &later.url(flow.base_path),
            &restored,
            Duration::from_secs(5),
        )
        .await
        .unwrap_or_else(|e| panic!("{}: {e:?}", flow.name));
        assert_eq!(speech.job_id.as_deref(), Some(restored.id.as_str()));
        status.assert_calls_async(1).await;

        // A resumed job that the provider does not know is reported at once: no grace.
        let gone = MockServer::start_async().await;
        gone.mock_async(|when, then| {
            when.method(Method::GET).path(flow.status_path);
            then.status(404)
                .header("content-type", "application/json")
                .body(
                    r#"{"success": false, "code": "NOT_FOUND", "error": "gone", "detail": "gone"}"#,
                );
        })
        .await;
        let started = Instant::now();
        let error = resume_at(
            &flow,
            &gone.url(flow.base_path),
            &restored,
            Duration::from_secs(30),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(error, Error::NotFound(_)),
            "{}: {error:?}",
            flow.name
        );
        assert!(started.elapsed() < Duration::from_secs(2), "{}", flow.name);

        // A handle for another kind of job is refused by name, before anything is sent.
        let wrong = JobHandle {
            operation: "some_other_status".into(),
            ..restored.clone()
        };
        let error = resume_at(
            &flow,
            &gone.url(flow.base_path),
            &wrong,
            Duration::from_secs(1),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&error, Error::InvalidInput { message } if message.contains("some_other_status")),
            "{}: {error:?}",
            flow.name
        );
    }
}

#[tokio::test]
async fn an_enormous_status_answer_fails_within_the_size_limit_and_is_not_asked_for_again() {
    let runs = flows().into_iter().map(|flow| async move {
        let (submit_path, code, submit) = flow.submit.clone();
        let status_path = flow.status_path.to_ascii_lowercase();
        let server = RawServer::start(move |_, path| {
            if path.starts_with(&status_path) {
                RawAct::Generated {
                    content_type: "application/json",
                    length: 200 << 20,
                }
            } else {
                assert!(path.starts_with(&submit_path.to_ascii_lowercase()));
                RawAct::json(code, &submit)
            }
        })
        .await;
        let small = Options {
            max_response_bytes: 64 << 10,
            ..options()
        };
        let base = server.url(flow.base_path);
        let (error, _) = timed(&flow, &base, Duration::from_secs(10), small).await;
        (flow.name, error, server.requests())
    });
    for (name, error, requests) in join_all(runs).await {
        assert!(
            matches!(error, Error::ResponseTooLarge { limit } if limit == 64 << 10),
            "{name}: {error:?}"
        );
        assert_eq!(requests, 2, "{name}: one submit and one poll");
    }
}

#[tokio::test]
async fn a_direct_audio_answer_is_read_within_the_download_limit() {
    let flow = flows().into_iter().find(|f| f.name == "nanogpt").unwrap();
    let server = RawServer::start(|_, _| RawAct::Generated {
        content_type: "audio/mpeg",
        length: 8 << 20,
    })
    .await;
    let limited = Options {
        download: speech_facade::DownloadLimits { max_bytes: 1 << 20 },
        ..options()
    };
    let base = server.url(flow.base_path);
    let (error, _) = timed(&flow, &base, Duration::from_secs(10), limited).await;
    let Error::Download(download) = &error else {
        panic!("{error:?}");
    };
    assert!(
        matches!(**download, speech_facade::DownloadError::TooLarge { limit, .. } if limit == 1 << 20),
        "{error:?}"
    );
    assert_eq!(
        server.requests(),
        1,
        "a credit-spending answer is not asked for again"
    );

    // Within the limit, the audio comes back whole.
    let server = RawServer::start(|_, _| RawAct::Generated {
        content_type: "audio/mpeg",
        length: 512 << 10,
    })
    .await;
    let base = server.url(flow.base_path);
    let generous = Options {
        download: speech_facade::DownloadLimits { max_bytes: 1 << 20 },
        ..options()
    };
    let (speech, _) = synthesize_timed(&flow, &base, Duration::from_secs(10), generous).await;
    let speech = speech.expect("the audio fits");
    assert!(
        matches!(&speech.audio, speech_facade::AudioResult::Bytes { bytes, .. } if bytes.len() == 512 << 10),
        "{:?}",
        speech.job_id
    );
}
