//! What the facade's integration tests share: the test key, local API and storage servers, and
//! the provider-neutral flow.
#![allow(dead_code, reason = "each test binary uses a part of it")]

use std::time::Duration;

use httpmock::{HttpMockResponse, Method, MockServer};
use serde_json::{Value, json};
use speech_facade::WaitPolicy;
use speech_facade::{
    DownloadLimits, Downloader, Error, Options, Speech, SpeechRequest, Synthesize, Wait,
};
use speech_mock_support::{Recorder, json_response, sequence};

pub const KEY: &str = "facade-test-key";
pub const AUDIO: &[u8] = b"ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x64 audio bytes";

/// Fast polls, so the tests take milliseconds; the engine's timing is tested on a paused clock in
/// `wait`'s unit tests.
pub fn options() -> Options {
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
pub struct Storage {
    server: MockServer,
    recorder: Recorder,
}

impl Storage {
    pub async fn start() -> Self {
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

    pub fn url(&self) -> String {
        self.server.url("/results/speech.mp3")
    }

    /// The download happened once, and carried no credential.
    pub fn assert_fetched_without_credentials(&self) {
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
pub async fn speak_and_save<P: Synthesize>(
    provider: &P,
    voice: &str,
) -> Result<(Speech, Vec<u8>), Error> {
    let request = SpeechRequest::new("Hello, this is a test speech for every provider.", voice);
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
pub async fn poll_mock<'a>(
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

/// The voice-clone API's documented flow: a created speech, then its status (processing twice,
/// then completed at `audio_url`).
pub async fn voiceclone_flow<'a>(
    api: &'a MockServer,
    audio_url: String,
) -> (httpmock::Mock<'a>, httpmock::Mock<'a>) {
    let speech = |status: &str, url: Option<String>| {
        json!({"id": "sp1", "text": "Hello", "format": "mp3",
        "status": status, "creditsUsed": 29, "createdAt": "2024-01-01T00:00:00.000Z", "audioUrl": url})
    };
    let created_body = json!({"success": true, "speechId": "sp1", "creditsUsed": 29, "speech": speech("PROCESSING", None)});
    let created = api
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path("/api/v1/tts")
                .header("authorization", format!("Bearer {KEY}"));
            then.respond_with(move |_: &httpmock::HttpMockRequest| {
                json_response(200, &created_body)
            });
        })
        .await;
    let polls = poll_mock(
        api,
        "/api/v1/tts/sp1",
        "authorization",
        &format!("Bearer {KEY}"),
        json!({"success": true, "speech": speech("PROCESSING", None)}),
        json!({"success": true, "speech": speech("COMPLETED", Some(audio_url))}),
    )
    .await;
    (created, polls)
}
