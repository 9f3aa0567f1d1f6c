//! What the facade logs: spans for the submit, each poll and the download, and never the key or
//! a signed URL's query, for every provider whose synthesis is a job. (Its own test binary:
//! tracing's per-thread subscriber must not race other tests' callsites.)

mod common;

use std::time::Duration;

use common::{KEY, provider, stand_in, synthesis_request};
use speech_facade::{DownloadLimits, Downloader, Synthesize, Wait, providers};

const SIGNATURE: &str = "X-Signature=secret-signature";

#[test]
fn spans_and_events_cover_submit_polls_and_download_and_never_carry_the_key() {
    let jobs: Vec<_> = providers()
        .filter_map(|service| {
            let submit = service.speech.synthesize?.operation;
            Some((service, submit, service.job_start(submit)?.poll))
        })
        .collect();
    assert!(!jobs.is_empty(), "no provider's synthesis starts a job");
    for (service, submit, poll) in jobs {
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
        let stand_in = stand_in(service).result_query(SIGNATURE).start().unwrap();
        runtime.block_on(async {
            let speech = provider(service, &stand_in)
                .synthesize(
                    &synthesis_request(service),
                    &Wait::up_to(Duration::from_secs(10)),
                )
                .await
                .unwrap_or_else(|e| panic!("{}: {e:?}", service.name));
            let dir = tempfile::tempdir().unwrap();
            let downloader = Downloader::new(Duration::from_secs(10)).unwrap();
            speech
                .save(
                    &downloader,
                    &dir.path().join("speech"),
                    &DownloadLimits::default(),
                )
                .await
                .unwrap();
        });
        let log = captured.text();
        for expected in ["request", submit, "wait", poll, "download"] {
            assert!(
                log.contains(expected),
                "{}: no `{expected}` in the log:\n{log}",
                service.name
            );
        }
        assert!(
            !log.contains(KEY),
            "{}: the key is in the log:\n{log}",
            service.name
        );
        assert!(
            !log.contains("secret-signature"),
            "{}: a signed URL's query is in the log:\n{log}",
            service.name
        );
    }
}
