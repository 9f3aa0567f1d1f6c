//! Each provider's jobs through the one `Provider` type, against its spec's stand-in: a synthesis
//! polled through its pending states until complete, then downloaded from a second origin that
//! never sees the key, byte for byte; a job that fails, reported with its id, state, message and
//! code; and a job found in a list, waited for while it is not listed yet. What
//! `tests/suites/flows.rs` (package speech-tests) does not check already. No provider is named.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{provider, stand_in, synthesis_request};
use speech_facade::{
    AudioResult, CloneVoice, DownloadLimits, Downloader, Error, Service, Synthesize, Transcribe,
    Wait, providers,
};
use speech_mock_support::fake_mp3;

fn wait() -> Wait {
    Wait::up_to(Duration::from_secs(10))
}

/// The providers whose synthesis starts a job, with the start and status operations.
fn synthesis_jobs() -> Vec<(&'static Service, &'static str, &'static str)> {
    let jobs: Vec<_> = providers()
        .filter_map(|service| {
            let submit = service.speech.synthesize?.operation;
            Some((service, submit, service.job_start(submit)?.poll))
        })
        .collect();
    assert!(!jobs.is_empty(), "no provider's synthesis starts a job");
    jobs
}

#[tokio::test]
async fn a_synthesis_job_is_polled_until_complete_then_downloaded_whole_without_the_key() {
    for (service, submit, poll) in synthesis_jobs() {
        let name = service.name;
        let stand_in = stand_in(service).pending_polls(2).start().unwrap();
        let speech = provider(service, &stand_in)
            .synthesize(&synthesis_request(service), &wait())
            .await
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));

        // The job the stand-in started, polled twice pending and once completed.
        let job_id = speech.job_id.clone().expect("a job id");
        let polled = stand_in.last_parameters(poll).unwrap();
        assert!(
            polled.iter().any(|(_, value)| *value == job_id),
            "{name}: {job_id} not in {polled:?}"
        );
        assert_eq!(stand_in.requests(submit), 1, "{name}");
        assert_eq!(stand_in.requests(poll), 3, "{name}");

        let AudioResult::Url(url) = &speech.audio else {
            panic!("{name}: a job's result is a URL, got {:?}", speech.audio);
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("speech.audio");
        let downloader = Downloader::new(Duration::from_secs(10)).unwrap();
        let saved = speech
            .save(&downloader, &path, &DownloadLimits::default())
            .await
            .unwrap();
        let media = saved.content_type.unwrap_or_default();
        assert!(media.starts_with("audio/"), "{name}: {media}");
        let served = reqwest::get(url).await.unwrap().bytes().await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), served, "{name}");
        assert_eq!(stand_in.storage_requests(), 2, "{name}");
        assert!(
            !stand_in.storage_saw_key(),
            "{name}: the storage saw the key"
        );
    }
}

#[tokio::test]
async fn on_start_hears_the_handle_once_after_the_start_is_answered_and_before_any_poll() {
    for (service, submit, poll) in synthesis_jobs() {
        let name = service.name;
        let stand_in = std::sync::Arc::new(stand_in(service).pending_polls(2).start().unwrap());
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let wait = {
            let (stand_in, heard) = (
                std::sync::Arc::clone(&stand_in),
                std::sync::Arc::clone(&log),
            );
            wait().on_start(move |handle| {
                let counts = (stand_in.requests(submit), stand_in.requests(poll));
                heard.lock().unwrap().push((handle.clone(), counts));
            })
        };
        let speech = provider(service, &stand_in)
            .synthesize(&synthesis_request(service), &wait)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let heard = log.lock().unwrap().clone();
        let [(handle, counts)] = heard.as_slice() else {
            panic!("{name}: heard {heard:?}");
        };
        assert_eq!(*counts, (1, 0), "{name}: submitted once, not yet polled");
        assert_eq!(handle.operation, poll, "{name}");
        assert_eq!(Some(&handle.id), speech.job_id.as_ref(), "{name}");

        // A resumed wait starts nothing, so it tells nothing.
        let resumed = provider(service, &stand_in)
            .resume_synthesis(handle, &wait)
            .await;
        assert!(resumed.is_ok(), "{name}: {resumed:?}");
        assert_eq!(log.lock().unwrap().len(), 1, "{name}");
    }
}

#[tokio::test]
async fn a_failed_job_is_a_typed_failure_with_the_job_id_state_message_and_code() {
    const CODE: &str = "CONTENT_REJECTED";
    const MESSAGE: &str = "Content rejected by provider.";
    for (service, _, poll) in synthesis_jobs() {
        let name = service.name;
        let contract = service.job_status(poll).unwrap();
        let stand_in = stand_in(service)
            .pending_polls(1)
            .fail_all()
            .failure(CODE, MESSAGE)
            .start()
            .unwrap();
        let error = provider(service, &stand_in)
            .synthesize(&synthesis_request(service), &wait())
            .await
            .unwrap_err();
        let Error::JobFailed {
            job_id,
            state,
            message,
            code,
        } = error
        else {
            panic!("{name}: expected JobFailed, got {error:?}");
        };
        let polled = stand_in.last_parameters(poll).unwrap();
        assert!(polled.iter().any(|(_, value)| *value == job_id), "{name}");
        assert!(contract.failed.contains(&state.as_str()), "{name}: {state}");
        // The message and code where the spec's status contract keeps them.
        let kept = |place: bool, value: &str| place.then(|| value.to_owned());
        assert_eq!(
            message,
            kept(!contract.message.is_empty(), MESSAGE),
            "{name}"
        );
        assert_eq!(code, kept(contract.code.is_some(), CODE), "{name}");
        assert_eq!(stand_in.requests(poll), 2, "{name}");
    }
}

/// A neutral call that starts a job.
#[derive(Clone, Copy, Debug)]
enum Call {
    Synthesize,
    Transcribe,
    CloneVoice,
}

impl Call {
    fn operation(self, service: &Service) -> Option<&'static str> {
        let speech = &service.speech;
        match self {
            Self::Synthesize => speech.synthesize.map(|mapping| mapping.operation),
            Self::Transcribe => speech.transcribe.map(|mapping| mapping.operation),
            Self::CloneVoice => speech.clone_voice.map(|mapping| mapping.operation),
        }
    }

    /// Runs the call; what it returns, as text.
    async fn run(
        self,
        service: &Service,
        provider: &speech_facade::Provider,
        sample: &Path,
    ) -> String {
        let result = match self {
            Self::Synthesize => provider
                .synthesize(&synthesis_request(service), &wait())
                .await
                .map(|speech| format!("{:?}", speech.audio)),
            Self::Transcribe => provider
                .transcribe(sample, &wait())
                .await
                .map(|transcript| transcript.text),
            Self::CloneVoice => provider.clone_voice(sample, Some("Mine"), &wait()).await,
        };
        result.unwrap_or_else(|e| panic!("{} {self:?}: {e:?}", service.name))
    }
}

#[tokio::test]
async fn a_job_found_in_a_list_is_waited_for_until_it_is_listed_and_completed() {
    let dir = tempfile::tempdir().unwrap();
    let sample = dir.path().join("sample.mp3");
    std::fs::write(&sample, fake_mp3(64)).unwrap();
    let mut checked = 0;
    for service in providers() {
        for call in [Call::Synthesize, Call::Transcribe, Call::CloneVoice] {
            let Some(start) = call.operation(service) else {
                continue;
            };
            let Some(poll) = service.job_start(start).map(|start| start.poll) else {
                continue;
            };
            if service.job_status(poll).unwrap().items.is_none() {
                continue;
            }
            // Not listed yet, listed pending, listed completed.
            let stand_in = stand_in(service)
                .unlisted_polls(1)
                .pending_polls(1)
                .start()
                .unwrap();
            let result = call
                .run(service, &provider(service, &stand_in), &sample)
                .await;
            assert!(!result.is_empty(), "{} {call:?}", service.name);
            assert_eq!(stand_in.requests(start), 1, "{} {call:?}", service.name);
            assert_eq!(stand_in.requests(poll), 3, "{} {call:?}", service.name);
            checked += 1;
        }
    }
    assert!(checked > 0, "no provider's job is found in a list");
}
