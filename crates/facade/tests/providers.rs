//! For each provider, the whole path against local servers: submit → pending (several polls) →
//! completed → download from a second ("storage") server that never sees the key; and a job that
//! fails. The code under test is the same generic function for every provider: only the
//! constructor differs.

use std::time::Duration;

use httpmock::{HttpMockResponse, Method, MockServer};
use serde_json::{Value, json};
use speech_facade::wait::WaitPolicy;
use speech_facade::{
    ApiKey, Audixa, DownloadLimits, Downloader, Error, Miragic, NanoGpt, Options, Speech,
    SpeechRequest, Synthesize, VoiceClone, Wait,
};
use speech_mock_support::{Recorder, json_response, sequence};

const KEY: &str = "facade-test-key";
const AUDIO: &[u8] = b"ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x64 audio bytes";

/// Fast polls, so the tests take milliseconds; the engine's timing is tested on a paused clock in
/// `wait`'s unit tests.
fn options() -> Options {
    Options {
        wait: WaitPolicy {
            first_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            ..WaitPolicy::default()
        },
        ..Options::default()
    }
}

/// The storage server: serves the audio and records who asked.
struct Storage {
    server: MockServer,
    recorder: Recorder,
}

impl Storage {
    async fn start() -> Self {
        let server = MockServer::start_async().await;
        let recorder = Recorder::default();
        server
            .mock_async(|when, then| {
                when.method(Method::GET).path("/results/speech.mp3");
                then.respond_with(
                    recorder.answer(
                        HttpMockResponse::builder()
                            .status(200)
                            .header("content-type", "audio/mpeg")
                            .body(AUDIO.to_vec())
                            .build(),
                    ),
                );
            })
            .await;
        Self { server, recorder }
    }

    fn url(&self) -> String {
        self.server.url("/results/speech.mp3")
    }

    /// The download happened once, and carried no credential.
    fn assert_fetched_without_credentials(&self) {
        let request = self.recorder.single();
        for (name, value) in request.headers_vec() {
            assert!(
                !value.contains(KEY),
                "the storage host saw the key in `{name}`"
            );
        }
    }
}

/// The provider-neutral path every provider takes: synthesize, then save.
async fn speak_and_save<P: Synthesize>(
    provider: &P,
    voice: &str,
) -> Result<(Speech, Vec<u8>), Error> {
    let request = SpeechRequest {
        text: "Hello, this is a test speech for every provider.".into(),
        voice: voice.into(),
        format: None,
    };
    let speech = provider
        .synthesize(&request, &Wait::up_to(Duration::from_secs(10)))
        .await?;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("speech.mp3");
    let downloader = Downloader::new(Duration::from_secs(10)).unwrap();
    let saved = speech
        .save(&downloader, &path, &DownloadLimits::default())
        .await?;
    assert_eq!(saved.content_type.as_deref(), Some("audio/mpeg"));
    Ok((speech, std::fs::read(&path).unwrap()))
}

/// Mocks `path` to answer `pending` twice, then `last`.
async fn poll_mock<'a>(
    api: &'a MockServer,
    path: &str,
    key_header: &str,
    key_value: &str,
    pending: Value,
    last: Value,
) -> httpmock::Mock<'a> {
    api.mock_async(|when, then| {
        when.method(Method::GET)
            .path(path)
            .header(key_header, key_value);
        then.respond_with(sequence(vec![
            json_response(200, &pending),
            json_response(200, &pending),
            json_response(200, &last),
        ]));
    })
    .await
}

#[tokio::test]
async fn voiceclone_speech_is_polled_until_complete_then_downloaded_without_the_key() {
    let api = MockServer::start_async().await;
    let storage = Storage::start().await;
    let created = api
        .mock_async(|when, then| {
            when.method(Method::POST).path("/api/v1/tts").header("authorization", format!("Bearer {KEY}"));
            then.respond_with(move |_: &httpmock::HttpMockRequest| {
                json_response(200, &json!({"success": true, "speechId": "sp1", "creditsUsed": 29,
                    "speech": {"id": "sp1", "text": "Hello", "format": "mp3", "status": "PROCESSING", "creditsUsed": 29, "createdAt": "2024-01-01T00:00:00.000Z"}}))
            });
        })
        .await;
    let speech = |status: &str, url: Option<String>| {
        json!({"success": true, "speech": {"id": "sp1", "text": "Hello", "format": "mp3",
        "status": status, "creditsUsed": 29, "createdAt": "2024-01-01T00:00:00.000Z", "audioUrl": url}})
    };
    let polls = poll_mock(
        &api,
        "/api/v1/tts/sp1",
        "authorization",
        &format!("Bearer {KEY}"),
        speech("PROCESSING", None),
        speech("COMPLETED", Some(storage.url())),
    )
    .await;
    let provider = VoiceClone::new(&api.url("/api/v1"), ApiKey::new(KEY), options()).unwrap();

    let (result, bytes) = speak_and_save(&provider, "voice1").await.unwrap();

    assert_eq!(result.job_id.as_deref(), Some("sp1"));
    assert_eq!(bytes, AUDIO);
    created.assert_calls_async(1).await;
    polls.assert_calls_async(3).await;
    storage.assert_fetched_without_credentials();
}

#[tokio::test]
async fn miragic_job_is_polled_until_complete_then_downloaded_without_the_key() {
    let api = MockServer::start_async().await;
    let storage = Storage::start().await;
    let created = api
        .mock_async(|when, then| {
            when.method(Method::POST).path("/api/v1/text-to-speech/generate").header("x-api-key", KEY);
            then.respond_with(move |_: &httpmock::HttpMockRequest| {
                json_response(200, &json!({"success": true, "data": {"jobId": "job1", "status": "PENDING"}, "message": "queued"}))
            });
        })
        .await;
    let job = |status: &str, url: Option<String>| json!({"success": true, "data": {"id": "job1", "status": status, "audioUrl": url, "progress": 50}});
    let polls = poll_mock(
        &api,
        "/api/v1/text-to-speech/jobs/job1",
        "x-api-key",
        KEY,
        job("PENDING", None),
        job("COMPLETED", Some(storage.url())),
    )
    .await;
    let provider = Miragic::new(&api.base_url(), ApiKey::new(KEY), options()).unwrap();

    let (result, bytes) = speak_and_save(&provider, "alloy").await.unwrap();

    assert_eq!(result.job_id.as_deref(), Some("job1"));
    assert_eq!(bytes, AUDIO);
    created.assert_calls_async(1).await;
    polls.assert_calls_async(3).await;
    storage.assert_fetched_without_credentials();
}

#[tokio::test]
async fn audixa_generation_is_polled_until_complete_then_downloaded_without_the_key() {
    let api = MockServer::start_async().await;
    let storage = Storage::start().await;
    let created = api
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path("/v2/tts")
                .header("x-api-key", KEY);
            then.respond_with(move |_: &httpmock::HttpMockRequest| {
                json_response(201, &json!({"generation_id": "gen1"}))
            });
        })
        .await;
    let status = |state: &str, url: Option<String>| json!({"status": state, "url": url});
    let polls = api
        .mock_async(|when, then| {
            when.method(Method::GET)
                .path("/v2/status")
                .query_param("generation_id", "gen1")
                .header("x-api-key", KEY);
            then.respond_with(sequence(vec![
                json_response(200, &status("Generating", None)),
                json_response(200, &status("Generating", None)),
                json_response(200, &status("Completed", Some(storage.url()))),
            ]));
        })
        .await;
    let provider = Audixa::new(&api.url("/v2"), ApiKey::new(KEY), options()).unwrap();

    let (result, bytes) = speak_and_save(&provider, "am_ethan")
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));

    assert_eq!(result.job_id.as_deref(), Some("gen1"));
    assert_eq!(bytes, AUDIO);
    created.assert_calls_async(1).await;
    polls.assert_calls_async(3).await;
    storage.assert_fetched_without_credentials();
}

#[tokio::test]
async fn nanogpt_202_run_is_polled_until_complete_then_downloaded_without_the_key() {
    let api = MockServer::start_async().await;
    let storage = Storage::start().await;
    let submitted = api
        .mock_async(|when, then| {
            when.method(Method::POST).path("/api/tts").header("x-api-key", KEY);
            then.respond_with(move |_: &httpmock::HttpMockRequest| {
                json_response(202, &json!({"status": "pending", "runId": "run1", "model": "Elevenlabs-V3", "charged": true, "cost": 0.0036}))
            });
        })
        .await;
    let status = |state: &str, url: Option<String>| json!({"status": state, "runId": "run1", "audioUrl": url});
    let polls = api
        .mock_async(|when, then| {
            when.method(Method::GET)
                .path("/api/tts/status")
                .query_param("runId", "run1")
                .query_param("model", "Elevenlabs-V3")
                .header("x-api-key", KEY);
            then.respond_with(sequence(vec![
                json_response(200, &status("pending", None)),
                json_response(200, &status("pending", None)),
                json_response(200, &status("completed", Some(storage.url()))),
            ]));
        })
        .await;
    let provider = NanoGpt::new(&api.url("/api"), ApiKey::new(KEY), options()).unwrap();

    let (result, bytes) = speak_and_save(&provider, "Rachel")
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));

    assert_eq!(result.job_id.as_deref(), Some("run1"));
    assert_eq!(bytes, AUDIO);
    submitted.assert_calls_async(1).await;
    polls.assert_calls_async(3).await;
    storage.assert_fetched_without_credentials();
}

#[tokio::test]
async fn a_failed_job_is_a_typed_failure_with_the_job_id_message_and_code() {
    let api = MockServer::start_async().await;
    api.mock_async(|when, then| {
        when.method(Method::POST).path("/api/tts");
        then.respond_with(move |_: &httpmock::HttpMockRequest| {
            json_response(
                202,
                &json!({"status": "pending", "runId": "run9", "model": "Elevenlabs-V3"}),
            )
        });
    })
    .await;
    let polls = api
        .mock_async(|when, then| {
            when.method(Method::GET).path("/api/tts/status");
            then.respond_with(sequence(vec![
                json_response(200, &json!({"status": "pending"})),
                json_response(200, &json!({"status": "error", "code": "CONTENT_POLICY_VIOLATION",
                    "error": "Content rejected by provider. Please modify your prompt and try again."})),
            ]));
        })
        .await;
    let provider = NanoGpt::new(&api.url("/api"), ApiKey::new(KEY), options()).unwrap();
    let request = SpeechRequest {
        text: "Hello".into(),
        voice: "Rachel".into(),
        format: None,
    };

    let error = provider
        .synthesize(&request, &Wait::up_to(Duration::from_secs(10)))
        .await
        .unwrap_err();

    let Error::JobFailed {
        job_id,
        state,
        message,
        code,
    } = error
    else {
        panic!("expected JobFailed, got {error:?}");
    };
    assert_eq!((job_id.as_str(), state.as_str()), ("run9", "error"));
    assert_eq!(code.as_deref(), Some("CONTENT_POLICY_VIOLATION"));
    assert!(message.unwrap().starts_with("Content rejected"));
    polls.assert_calls_async(2).await;
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let api = MockServer::start_async().await;
    let any = api
        .mock_async(|_, then| {
            then.status(500);
        })
        .await;
    let provider = VoiceClone::new(&api.url("/api/v1"), ApiKey::new(KEY), options()).unwrap();
    let request = SpeechRequest {
        text: "é".repeat(2501),
        voice: "v".into(),
        format: None,
    };

    let error = provider
        .synthesize(&request, &Wait::up_to(Duration::from_secs(1)))
        .await
        .unwrap_err();

    let Error::InvalidInput { message } = &error else {
        panic!("expected InvalidInput, got {error:?}")
    };
    assert!(
        message.contains("`text`") && message.contains("5000"),
        "{message}"
    );
    any.assert_calls_async(0).await;
}
