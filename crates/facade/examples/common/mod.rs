//! What the examples share: a local stand-in for a provider (used when no key is set) and the
//! provider-neutral part of every example.

use std::time::Duration;

use httpmock::{HttpMockResponse, Method, MockServer};
use serde_json::Value;
use speech_facade::{DownloadLimits, Downloader, Error, SpeechRequest, Synthesize, Wait};
use speech_mock_support::{json_response, sequence};

/// A local stand-in for a provider: a job that is pending for two polls, then done, and a storage
/// path with a few bytes of audio.
pub struct LocalProvider {
    pub server: MockServer,
}

impl LocalProvider {
    pub fn start() -> Self {
        let server = MockServer::start();
        server.mock(|when, then| {
            when.method(Method::GET).path("/storage/speech.mp3");
            then.respond_with(move |_: &httpmock::HttpMockRequest| {
                HttpMockResponse::builder()
                    .status(200)
                    .header("content-type", "audio/mpeg")
                    .body(b"ID3 local example audio".to_vec())
                    .build()
            });
        });
        Self { server }
    }

    /// Where the results are stored (a second host would be usual; the key never goes there).
    pub fn storage_url(&self) -> String {
        self.server.url("/storage/speech.mp3")
    }

    /// The request that starts the job.
    pub fn submit(&self, method: Method, path: &str, status: u16, body: Value) -> &Self {
        self.server.mock(|when, then| {
            when.method(method).path(path);
            then.respond_with(move |_: &httpmock::HttpMockRequest| json_response(status, &body));
        });
        self
    }

    /// The status path: `pending` twice, then `done`.
    pub fn status(&self, path: &str, pending: Value, done: Value) -> &Self {
        self.server.mock(|when, then| {
            when.method(Method::GET).path(path);
            then.respond_with(sequence(vec![
                json_response(200, &pending),
                json_response(200, &pending),
                json_response(200, &done),
            ]));
        });
        self
    }
}

/// The provider-neutral part: synthesize, report progress, save the audio next to the example.
pub async fn speak_and_save(provider: &dyn Synthesize, voice: &str) -> Result<(), Error> {
    let request = SpeechRequest::new(
        "Hello from the speech facade, with one waiting engine for every provider.",
        voice,
    );
    let wait = Wait::up_to(Duration::from_secs(120)).with_progress(|progress| {
        println!(
            "job {}: {} (poll {})",
            progress.job_id, progress.state, progress.polls
        )
    });
    let speech = provider.synthesize(&request, &wait).await?;
    println!("audio: {:?}", speech.audio);
    let path = std::env::temp_dir().join("speech-facade-example.mp3");
    let saved = speech
        .save(
            &Downloader::new(Duration::from_secs(60))?,
            &path,
            &DownloadLimits::default(),
        )
        .await?;
    println!(
        "saved {} bytes ({:?}) to {}",
        saved.bytes.unwrap_or(0),
        saved.content_type,
        path.display()
    );
    Ok(())
}
