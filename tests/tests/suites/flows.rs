//! The whole path of every neutral operation, for every spec, against the spec's own stand-in
//! (`speech_mock_support::StandIn`): submit → pending (several polls) → completed → the result
//! (audio downloaded from a storage origin that never sees the key, a transcript, a cloned voice),
//! a job that fails, a wait resumed from its handle, and the voice list and balance read as
//! documented. No provider is named: the values come from each spec's documented calls.

use crate::common;

use std::time::Duration;

use common::specs::{root, specs};
use common::{KEY, Synthesis, jobs, options, service_of, syntheses};
use serde_json::Value;
use speech_facade::{
    ApiKey, AudioResult, CloneVoice, DownloadLimits, Downloader, Error, Provider, Submission,
    Synthesize, Transcribe, Wait,
};
use speech_mock_support::StandIn;
use speech_spec::Spec;

/// Pending polls before each job completes.
const PENDING: u32 = 2;

fn wait() -> Wait {
    Wait::up_to(Duration::from_secs(20))
}

fn stand_in(spec: &Spec) -> speech_mock_support::StandInBuilder {
    StandIn::from_file(root().join(&spec.path))
        .unwrap()
        .key(KEY)
        .pending_polls(PENDING)
}

fn provider(spec: &Spec, stand_in: &StandIn) -> Provider {
    Provider::new(&spec.provider, stand_in.url(), ApiKey::new(KEY), options()).unwrap()
}

#[tokio::test]
async fn every_synthesis_is_polled_until_complete_then_downloaded_without_the_key() {
    let mut checked = 0;
    for Synthesis {
        spec,
        request,
        submit: operation,
        ..
    } in syntheses()
    {
        let stand_in = stand_in(&spec).start().unwrap();
        let provider = provider(&spec, &stand_in);
        let speaker: &dyn Synthesize = &provider;

        let speech = speaker
            .synthesize(&request, &wait())
            .await
            .unwrap_or_else(|error| panic!("{}: {error}", spec.provider));

        let label = &spec.provider;
        assert_eq!(stand_in.requests(operation), 1, "{label}: submitted once");
        match &speech.audio {
            AudioResult::Url(url) => {
                assert!(url.starts_with(stand_in.storage_url()), "{label}: {url}");
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("speech.audio");
                let downloader = Downloader::new(Duration::from_secs(10)).unwrap();
                let saved = speech
                    .save(&downloader, &path, &DownloadLimits::default())
                    .await
                    .unwrap();
                assert!(saved.bytes.unwrap_or(0) > 0, "{label}");
                assert!(!std::fs::read(&path).unwrap().is_empty(), "{label}");
                assert!(
                    !stand_in.storage_saw_key(),
                    "{label}: the key reached storage"
                );
            }
            AudioResult::Bytes { bytes, .. } => assert!(!bytes.is_empty(), "{label}"),
        }
        checked += 1;
    }
    let mapped = specs()
        .iter()
        .filter(|spec| service_of(spec).speech.synthesize.is_some())
        .count();
    assert!(
        checked > 0 && checked == mapped,
        "{checked} of {mapped} syntheses checked"
    );
}

#[tokio::test]
async fn a_failed_synthesis_job_is_a_typed_failure() {
    for Synthesis { spec, request, .. } in jobs() {
        let stand_in = stand_in(&spec).fail_all().start().unwrap();
        let result = provider(&spec, &stand_in)
            .synthesize(&request, &wait())
            .await;
        // A start answered without a job (a direct answer) cannot fail as a job.
        match result {
            Err(Error::JobFailed { job_id, state, .. }) => {
                assert!(!job_id.is_empty() && !state.is_empty(), "{}", spec.provider);
            }
            Ok(speech) if speech.job_id.is_none() => {}
            other => panic!("{}: expected JobFailed, got {other:?}", spec.provider),
        }
    }
}

#[tokio::test]
async fn a_wait_cut_by_its_deadline_resumes_from_the_handle_without_a_second_submit() {
    for Synthesis {
        spec,
        request,
        submit: operation,
        ..
    } in jobs()
    {
        let stand_in = stand_in(&spec).pending_polls(1000).start().unwrap();
        let provider = provider(&spec, &stand_in);
        let error = provider
            .synthesize(&request, &Wait::up_to(Duration::from_millis(300)))
            .await
            .unwrap_err();
        let Error::DeadlineExceeded {
            submission: Submission::Started(handle),
            ..
        } = error
        else {
            panic!("{}: expected a started job, got {error:?}", spec.provider);
        };
        // Stored and read back, as an application would across processes.
        let stored = serde_json::to_string(&handle).unwrap();
        let handle = serde_json::from_str(&stored).unwrap();
        let polls_before = stand_in.requests(&handle_operation(&stored));
        let again = provider
            .resume_synthesis(&handle, &Wait::up_to(Duration::from_millis(300)))
            .await
            .unwrap_err();
        assert!(
            matches!(again, Error::DeadlineExceeded { .. }),
            "{}: {again:?}",
            spec.provider
        );
        assert!(
            stand_in.requests(&handle_operation(&stored)) > polls_before,
            "{}: the resumed wait polled",
            spec.provider
        );
        assert_eq!(
            stand_in.requests(operation),
            1,
            "{}: never resubmitted",
            spec.provider
        );
    }
}

/// The status operation a stored handle polls.
fn handle_operation(stored: &str) -> String {
    let value: Value = serde_json::from_str(stored).unwrap();
    value["operation"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_transcription_and_voice_clone_uploads_once_and_waits_for_its_result() {
    let dir = tempfile::tempdir().unwrap();
    let audio = dir.path().join("sample.mp3");
    // An MP3 frame header, so that every accepted-type check sees audio.
    std::fs::write(&audio, [0xFF, 0xFB, 0x90, 0x64, 0, 0, 0, 0, 0, 0, 0, 0]).unwrap();
    let mut checked = 0;
    for spec in specs() {
        let service = service_of(&spec);
        let stand_in = stand_in(&spec).start().unwrap();
        let provider = provider(&spec, &stand_in);
        if let Some(mapping) = service.speech.transcribe {
            let transcript = provider
                .transcribe(&audio, &wait())
                .await
                .unwrap_or_else(|error| panic!("{}: {error}", spec.provider));
            assert!(!transcript.text.is_empty(), "{}", spec.provider);
            assert_eq!(stand_in.requests(mapping.operation), 1, "{}", spec.provider);
            checked += 1;
        }
        if let Some(mapping) = service.speech.clone_voice {
            let voice = provider
                .clone_voice(&audio, Some("A voice"), &wait())
                .await
                .unwrap_or_else(|error| panic!("{}: {error}", spec.provider));
            assert!(!voice.is_empty(), "{}", spec.provider);
            assert_eq!(stand_in.requests(mapping.operation), 1, "{}", spec.provider);
            checked += 1;
        }
    }
    assert!(checked > 0, "no spec maps transcribe or clone-voice");
}

#[tokio::test]
async fn voices_and_balance_are_read_where_the_spec_maps_them() {
    for spec in specs() {
        let service = service_of(&spec);
        let stand_in = stand_in(&spec).start().unwrap();
        let provider = provider(&spec, &stand_in);
        match service.speech.voices {
            Some(_) => {
                let voices = provider.voices(&wait()).await.unwrap();
                assert!(!voices.is_empty(), "{}", spec.provider);
                assert!(voices.iter().all(|voice| !voice.id.is_empty()));
            }
            None => match provider.voices(&wait()).await {
                Err(
                    error @ Error::Unsupported {
                        operation: "voices",
                        ..
                    },
                ) => assert!(error.to_string().contains("offers no `voices`"), "{error}"),
                other => panic!("{}: {other:?}", spec.provider),
            },
        }
        match service.speech.balance {
            Some(_) => {
                provider.balance(&wait()).await.unwrap();
            }
            None => match provider.balance(&wait()).await {
                Err(
                    error @ Error::Unsupported {
                        operation: "balance",
                        ..
                    },
                ) => assert!(error.to_string().contains("offers no `balance`"), "{error}"),
                other => panic!("{}: {other:?}", spec.provider),
            },
        }
    }
}
