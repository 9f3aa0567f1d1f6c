//! No key in any captured log line: every provider's path, with the faults that make the facade
//! retry and fail (a 503 poll, a rate-limited submit), run under a subscriber that records
//! everything at TRACE level, including the HTTP libraries' own events. (Its own test binary: a
//! per-thread subscriber must not race other tests' callsites.)

mod common;

use std::time::Duration;

use common::{KEY, flows, serve, status_only, synthesize};
use httpmock::{HttpMockResponse, Method, MockServer};
use speech_mock_support::json_response;

#[test]
fn no_log_line_carries_the_key_through_retries_and_failures() {
    let captured = speech_mock_support::CapturedLog::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        for flow in flows() {
            // A 503 poll (retried), then completion.
            let server = MockServer::start_async().await;
            serve(
                &server,
                &flow,
                vec![status_only(503), json_response(200, &flow.completed)],
            )
            .await;
            synthesize(&flow, &server, Duration::from_secs(10))
                .await
                .unwrap();
            // A rate-limited submit (not retried: it spends credits) ends in an error.
            let server = MockServer::start_async().await;
            let (path, _, _) = flow.submit.clone();
            server
                .mock_async(|when, then| {
                    when.method(Method::POST).path(path);
                    then.respond_with(|_: &httpmock::HttpMockRequest| {
                        HttpMockResponse::builder()
                            .status(429)
                            .header("content-type", "application/json")
                            .body("{}")
                            .build()
                    });
                })
                .await;
            assert!(
                synthesize(&flow, &server, Duration::from_secs(5))
                    .await
                    .is_err()
            );
        }
    });
    let log = captured.text();
    assert!(
        log.lines().count() > 20,
        "the subscriber captured the run:\n{log}"
    );
    for line in log.lines() {
        assert!(!line.contains(KEY), "a log line carries the key: {line}");
    }
}
