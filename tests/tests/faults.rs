//! Fault scenarios: the real generated clients and facade against local servers that misbehave, for
//! every provider the case applies to. Each checks the outcome, that nothing panics or hangs past
//! its deadline, and how many requests each server saw.

mod common;

use std::time::Duration;

use common::{Flow, KEY, flows, options, serve, status_only, synthesize, synthesize_at};
use httpmock::{HttpMockResponse, Method, MockServer};
use serde_json::json;
use speech_facade::RetryPolicy;
use speech_facade::{Error, Options, Submission};
use speech_mock_support::{RawAct, RawServer, Recorder, json_response};

#[tokio::test]
async fn a_5xx_on_a_status_poll_is_retried_then_the_job_completes() {
    for code in [500, 502, 503, 504] {
        for flow in flows() {
            let server = MockServer::start_async().await;
            let (submit, status) = serve(
                &server,
                &flow,
                vec![
                    json_response(200, &flow.pending),
                    status_only(code),
                    json_response(200, &flow.completed),
                ],
            )
            .await;
            let speech = synthesize(&flow, &server, Duration::from_secs(10))
                .await
                .unwrap_or_else(|e| panic!("{} with {code}: {e:?}", flow.name));
            assert!(
                matches!(speech.audio, speech_facade::AudioResult::Url(_)),
                "{}",
                flow.name
            );
            submit.assert_calls_async(1).await;
            status.assert_calls_async(3).await;
        }
    }
}

#[tokio::test]
async fn a_429_with_retry_after_is_honoured_in_seconds_and_as_an_http_date() {
    for as_date in [false, true] {
        let retry_after = if as_date {
            httpdate_in(Duration::from_secs(1))
        } else {
            "1".to_owned()
        };
        let flow = &flows()[1];
        let server = MockServer::start_async().await;
        let limited = HttpMockResponse::builder()
            .status(429)
            .header("Retry-After", retry_after.as_str())
            .header("content-type", "application/json")
            .body(r#"{"detail":"Too Many Requests"}"#)
            .build();
        let (_, status) = serve(
            &server,
            flow,
            vec![limited, json_response(200, &flow.completed)],
        )
        .await;
        let started = tokio::time::Instant::now();
        synthesize(flow, &server, Duration::from_secs(10))
            .await
            .unwrap();
        // The hint (up to a second, the date's resolution) was waited out, not the 2–8 ms backoff.
        assert!(
            started.elapsed() >= Duration::from_millis(400),
            "{retry_after}: {:?}",
            started.elapsed()
        );
        status.assert_calls_async(2).await;
    }
}

/// An HTTP date `after` from now (rounded up: the format has whole seconds).
fn httpdate_in(after: Duration) -> String {
    httpdate::fmt_http_date(std::time::SystemTime::now() + after + Duration::from_millis(999))
}

#[tokio::test]
async fn the_voice_clone_429_with_x_ratelimit_reset_is_waited_out() {
    let flow = &flows()[2];
    let server = MockServer::start_async().await;
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 2;
    let limited = HttpMockResponse::builder()
        .status(429)
        .header("X-RateLimit-Reset", reset.to_string().as_str())
        .header("content-type", "application/json")
        .body(r#"{"code":"RATE_LIMITED","error":"Rate limit exceeded"}"#)
        .build();
    let (_, status) = serve(
        &server,
        flow,
        vec![limited, json_response(200, &flow.completed)],
    )
    .await;
    let started = tokio::time::Instant::now();
    synthesize(flow, &server, Duration::from_secs(10))
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(800),
        "{:?}",
        started.elapsed()
    );
    status.assert_calls_async(2).await;
}

#[tokio::test]
async fn truncated_json_and_an_html_page_with_200_are_retried_then_reported_with_the_raw_body() {
    let truncated = || {
        HttpMockResponse::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(r#"{"status": "Compl"#)
            .build()
    };
    let html = || {
        HttpMockResponse::builder()
            .status(200)
            .header("content-type", "text/html")
            .body("<html><body>502 Bad Gateway</body></html>")
            .build()
    };
    for (label, bad) in [
        ("truncated JSON", truncated as fn() -> HttpMockResponse),
        ("HTML page", html),
    ] {
        for flow in flows() {
            // Once: a read is retried, and the job completes.
            let server = MockServer::start_async().await;
            let (_, status) = serve(
                &server,
                &flow,
                vec![bad(), json_response(200, &flow.completed)],
            )
            .await;
            synthesize(&flow, &server, Duration::from_secs(10))
                .await
                .unwrap_or_else(|e| panic!("{} {label} once: {e:?}", flow.name));
            status.assert_calls_async(2).await;
            // Always: after the retry budget, a typed error that keeps the raw body.
            let server = MockServer::start_async().await;
            let (_, status) = serve(&server, &flow, vec![bad()]).await;
            let error = synthesize(&flow, &server, Duration::from_secs(10))
                .await
                .unwrap_err();
            let Error::UnexpectedResponse { body, .. } = &error else {
                panic!(
                    "{} {label}: expected UnexpectedResponse, got {error:?}",
                    flow.name
                );
            };
            assert!(
                !body.is_empty(),
                "{} {label}: the raw body is kept",
                flow.name
            );
            status
                .assert_calls_async(1 + u64::from(RetryPolicy::default().max_retries) as usize)
                .await;
        }
    }
}

/// A `429` answer that refuses a request: a rate limit, or (where the spec says which code means
/// it) missing credits.
fn refusal(code: &str) -> HttpMockResponse {
    HttpMockResponse::builder()
        .status(429)
        .header("content-type", "application/json")
        .header("Retry-After", "0.05")
        .body(
            json!({"success": false, "code": code, "error": "refused", "detail": "refused"})
                .to_string(),
        )
        .build()
}

#[tokio::test]
async fn a_rate_limited_submit_is_retried_after_its_hint_but_an_out_of_credits_one_is_not() {
    for flow in flows() {
        let server = MockServer::start_async().await;
        let (path, code, body) = flow.submit.clone();
        let answers = vec![
            refusal("RATE_LIMITED"),
            refusal("RATE_LIMITED"),
            json_response(code, &body),
        ];
        let post = server
            .mock_async(|when, then| {
                when.method(Method::POST).path(path);
                then.respond_with(speech_mock_support::sequence(answers));
            })
            .await;
        let status = server
            .mock_async(|when, then| {
                when.method(Method::GET).path(flow.status_path);
                then.respond_with(speech_mock_support::sequence(vec![json_response(
                    200,
                    &flow.completed,
                )]));
            })
            .await;
        let started = tokio::time::Instant::now();
        synthesize(&flow, &server, Duration::from_secs(10))
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", flow.name));
        post.assert_calls_async(3).await;
        status.assert_calls_async(1).await;
        assert!(
            started.elapsed() >= Duration::from_millis(100),
            "the hints were honoured"
        );
    }
    // The voice-clone API answers missing credits with a 429 too; its spec's code tells them
    // apart, and that refusal is final.
    let flow = flows()
        .into_iter()
        .find(|f| f.name == "voiceclone")
        .unwrap();
    let server = MockServer::start_async().await;
    let post = server
        .mock_async(|when, then| {
            when.method(Method::POST).path(flow.submit.0);
            then.respond_with(speech_mock_support::sequence(vec![refusal(
                "USAGE_LIMIT_EXCEEDED",
            )]));
        })
        .await;
    let error = synthesize(&flow, &server, Duration::from_secs(10))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::InsufficientCredits { .. }),
        "{error:?}"
    );
    post.assert_calls_async(1).await;
}

#[tokio::test]
async fn an_unknown_status_value_keeps_polling_and_a_job_that_never_finishes_hits_the_deadline() {
    for flow in flows() {
        let mut unknown = flow.pending.clone();
        *unknown.pointer_mut(flow.contract.state).unwrap() = json!("QUEUED_SOMEWHERE_NEW");
        let server = MockServer::start_async().await;
        let (submit, status) = serve(&server, &flow, vec![json_response(200, &unknown)]).await;
        let deadline = Duration::from_millis(300);
        let started = tokio::time::Instant::now();
        let error = synthesize(&flow, &server, deadline).await.unwrap_err();
        let Error::DeadlineExceeded {
            submission: Submission::Started(job),
            last_state,
            polls,
            elapsed,
            ..
        } = &error
        else {
            panic!("{}: expected DeadlineExceeded, got {error:?}", flow.name);
        };
        assert!(!job.id.is_empty());
        assert_eq!(
            last_state.as_deref(),
            Some("QUEUED_SOMEWHERE_NEW"),
            "{}",
            flow.name
        );
        // The wait ends by the deadline: at it, or a little before when no poll could answer in
        // the time left.
        assert!(
            *polls > 3 && *elapsed <= deadline + Duration::from_millis(100),
            "{}: {polls} polls in {elapsed:?}",
            flow.name
        );
        // No hang past the deadline (generous bound for a loaded machine).
        assert!(
            started.elapsed() < deadline + Duration::from_secs(2),
            "{}: {:?}",
            flow.name,
            started.elapsed()
        );
        submit.assert_calls_async(1).await;
        assert!(status.calls_async().await >= 3);
    }
}

#[tokio::test]
async fn a_credit_spending_post_answered_5xx_or_hanging_is_never_sent_twice() {
    for flow in flows() {
        // A 5xx after the POST: it may have been processed; not retried.
        let server = MockServer::start_async().await;
        let (path, _, _) = flow.submit.clone();
        let post = server
            .mock_async(|when, then| {
                when.method(Method::POST).path(path);
                then.status(503)
                    .header("content-type", "application/json")
                    .header("Retry-After", "0")
                    .body("{}");
            })
            .await;
        let error = synthesize(&flow, &server, Duration::from_secs(5))
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                Error::Provider { .. } | Error::UnexpectedResponse { .. }
            ),
            "{}: {error:?}",
            flow.name
        );
        post.assert_calls_async(1).await;

        // A server that accepts and never answers: the request timeout fires; not retried.
        let server = MockServer::start_async().await;
        let post = server
            .mock_async(|when, then| {
                when.method(Method::POST).path(path);
                then.delay(Duration::from_secs(30)).status(200);
            })
            .await;
        let started = tokio::time::Instant::now();
        let quick = Options {
            timeout: Duration::from_millis(300),
            ..options()
        };
        let result = synthesize_at(
            &flow,
            &server.url(flow.base_path),
            Duration::from_secs(5),
            quick,
        )
        .await;
        assert!(
            matches!(result, Err(Error::Transport { .. })),
            "{}: {result:?}",
            flow.name
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{}: {:?}",
            flow.name,
            started.elapsed()
        );
        post.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn a_connection_reset_mid_response_on_a_poll_is_retried() {
    for flow in flows() {
        let (_, code, submitted) = flow.submit.clone();
        let server = RawServer::scripted(vec![
            RawAct::json(code, &submitted),
            RawAct::CutMidBody(flow.completed.to_string().into_bytes()),
            RawAct::json(200, &flow.completed),
        ])
        .await;
        let result = synthesize_at(
            &flow,
            &server.url(flow.base_path),
            Duration::from_secs(10),
            options(),
        )
        .await;
        result.unwrap_or_else(|e| panic!("{}: {e:?}", flow.name));
        assert_eq!(
            server.requests(),
            3,
            "{}: submit, the cut poll, the retried poll",
            flow.name
        );
    }
}

#[tokio::test]
async fn a_credit_spending_post_whose_connection_drops_is_not_sent_again() {
    for flow in flows() {
        let server = RawServer::scripted(vec![RawAct::HangUp]).await;
        let result = synthesize_at(
            &flow,
            &server.url(flow.base_path),
            Duration::from_secs(10),
            options(),
        )
        .await;
        assert!(
            matches!(result, Err(Error::Transport { .. })),
            "{}: {result:?}",
            flow.name
        );
        assert_eq!(
            server.requests(),
            1,
            "{}: the POST reached the server once",
            flow.name
        );
    }
}

/// A job whose result URL is `audio_url`, completed on the first poll.
async fn completed_at<'a>(
    server: &'a MockServer,
    flow: &Flow,
    audio_url: &str,
) -> (httpmock::Mock<'a>, httpmock::Mock<'a>) {
    let mut completed = flow.completed.clone();
    *completed.pointer_mut(flow.contract.result[0]).unwrap() = json!(audio_url);
    serve(server, flow, vec![json_response(200, &completed)]).await
}

/// Saves a finished speech to `path`.
async fn save(speech: &speech_facade::Speech, path: &std::path::Path) -> Result<(), Error> {
    let downloader = speech_facade::Downloader::new(Duration::from_secs(30))?;
    speech
        .save(&downloader, path, &speech_facade::DownloadLimits::default())
        .await
        .map(drop)
}

#[tokio::test]
async fn a_result_on_a_storage_host_redirecting_to_a_third_host_never_sees_the_key() {
    for flow in flows() {
        let api = MockServer::start_async().await;
        let storage = MockServer::start_async().await;
        let third = MockServer::start_async().await;
        let final_url = third.url("/audio/result.mp3");
        let at_storage = Recorder::default();
        let at_third = Recorder::default();
        storage
            .mock_async(|when, then| {
                when.method(Method::GET).path("/signed/result.mp3");
                then.respond_with(
                    at_storage.answer(
                        HttpMockResponse::builder()
                            .status(302)
                            .header("location", final_url.as_str())
                            .build(),
                    ),
                );
            })
            .await;
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
        completed_at(
            &api,
            &flow,
            &storage.url("/signed/result.mp3?X-Signature=abc"),
        )
        .await;
        let speech = synthesize(&flow, &api, Duration::from_secs(10))
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("result.mp3");
        save(&speech, &path).await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"ID3 audio");
        // One request each, and no header of either carries the key.
        for (recorder, host) in [(&at_storage, "storage"), (&at_third, "third host")] {
            let request = recorder.single();
            for (name, value) in request.headers_vec() {
                assert!(
                    !value.contains(KEY),
                    "{}: the {host} saw the key in `{name}`",
                    flow.name
                );
            }
        }
    }
}

#[tokio::test]
async fn a_200_mb_result_streams_to_a_file_and_an_interrupted_one_leaves_no_file() {
    const SIZE: u64 = 200 * 1024 * 1024;
    let flow = &flows()[3];
    let storage = RawServer::scripted(vec![
        RawAct::Generated {
            content_type: "audio/mpeg",
            length: SIZE,
        },
        RawAct::CutMidBody(vec![b'x'; 4096]),
    ])
    .await;
    let api = MockServer::start_async().await;
    completed_at(&api, flow, &storage.url("/big.mp3")).await;
    let speech = synthesize(flow, &api, Duration::from_secs(10))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();

    let path = dir.path().join("big.mp3");
    save(&speech, &path).await.unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len(), SIZE);

    // The second download is cut mid-body: an error, and nothing that looks like the result.
    let cut = dir.path().join("cut.mp3");
    let error = save(&speech, &cut).await.unwrap_err();
    assert!(matches!(error, Error::Download(_)), "{error:?}");
    assert!(!cut.exists(), "a partial file was left at the target path");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left,
        vec![std::ffi::OsString::from("big.mp3")],
        "temporary files left behind"
    );
    assert_eq!(storage.requests(), 2);
}
