//! No key in any captured log line: every spec's synthesis, with the faults that make the facade
//! retry and fail (a 503 poll, a rate-limited submit), run under a subscriber that records
//! everything at TRACE level, including the HTTP libraries' own events. (Its own test binary: a
//! per-thread subscriber must not race other tests' callsites.)

mod common;

use std::time::Duration;

use common::{KEY, syntheses};
use speech_mock_support::Reply;

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
    let syntheses = syntheses();
    assert!(!syntheses.is_empty(), "no spec maps synthesis");
    runtime.block_on(async {
        for synthesis in &syntheses {
            // A 503 poll, where there are polls (retried), then completion.
            let stand_in = synthesis.stand_in().pending_polls(0);
            let stand_in = match synthesis.poll {
                Some(poll) => stand_in.script(poll, [Reply::status(503)]),
                None => stand_in,
            };
            let stand_in = stand_in.start().unwrap();
            synthesis
                .run(&stand_in, Duration::from_secs(10))
                .await
                .unwrap_or_else(|e| panic!("{}: {e:?}", synthesis.name()));
            // A submit rate-limited until its deadline (more refusals than the fast backoff can
            // ask for in a second) ends in an error.
            let limited = Reply::raw(429, Some("application/json"), "{}");
            let stand_in = synthesis
                .stand_in()
                .script(synthesis.submit, vec![limited; 5000])
                .start()
                .unwrap();
            assert!(
                synthesis
                    .run(&stand_in, Duration::from_secs(1))
                    .await
                    .is_err(),
                "{}",
                synthesis.name()
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
