//! What the facade logs: spans for the submit, each poll and the download, and never the key or
//! a signed URL's query. (Its own test binary: tracing's per-thread subscriber must not race other
//! tests' callsites.)

mod common;

use common::{KEY, Storage, options, speak_and_save, voiceclone_flow};
use httpmock::MockServer;
use speech_facade::{ApiKey, Provider};

/// Collects everything the facade logs at any level.

#[test]
fn spans_and_events_cover_submit_polls_and_download_and_never_carry_the_key() {
    let captured = speech_mock_support::CapturedLog::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::NEW)
        .with_writer(move || writer.clone())
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let api = MockServer::start_async().await;
        let storage = Storage::start().await;
        voiceclone_flow(
            &api,
            format!("{}?X-Signature=secret-signature", storage.url()),
        )
        .await;
        let provider = Provider::new(
            "voiceclone",
            &api.url("/api/v1"),
            ApiKey::new(KEY),
            options(),
        )
        .unwrap();
        speak_and_save(&provider, "voice1").await.unwrap();
    });
    let log = captured.text();
    for expected in ["request", "create_speech", "wait", "get_speech", "download"] {
        assert!(log.contains(expected), "no `{expected}` in the log:\n{log}");
    }
    assert!(!log.contains(KEY), "the key is in the log:\n{log}");
    assert!(
        !log.contains("secret-signature"),
        "a signed URL's query is in the log:\n{log}"
    );
}
