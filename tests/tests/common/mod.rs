//! What the cross-crate scenarios share: the local API of each provider (submit, status states),
//! options that poll and retry fast, and the provider-neutral synthesis.
#![allow(dead_code, reason = "each test binary uses a part of it")]

pub mod specs;

use std::time::Duration;

use httpmock::{HttpMockResponse, Method, MockServer};
use serde_json::{Value, json};
use speech_client_runtime::jobs::JobStatus;
use speech_facade::{
    ApiKey, Error, JobHandle, Options, Provider, RetryPolicy, SpeechRequest, Synthesize, Wait,
    WaitPolicy,
};
use speech_mock_support::{json_response, sequence};

pub const KEY: &str = "fault-scenario-key";

/// Fast polls and retries, so the scenarios take milliseconds.
pub fn options() -> Options {
    Options {
        wait: WaitPolicy {
            first_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            ..WaitPolicy::default()
        },
        retry: RetryPolicy {
            min_delay: Duration::from_millis(2),
            max_delay: Duration::from_millis(8),
            ..RetryPolicy::default()
        },
        ..Options::default()
    }
}

/// A provider's local API: where a job is submitted and polled, and the bodies of each state.
#[derive(Clone)]
pub struct Flow {
    pub name: &'static str,
    /// The spec's status contract: where the state and the result are.
    pub contract: &'static JobStatus,
    pub base_path: &'static str,
    pub submit: (&'static str, u16, Value),
    pub status_path: &'static str,
    pub pending: Value,
    pub completed: Value,
}

pub fn flows() -> Vec<Flow> {
    let url = "https://storage.example/result.mp3";
    let speech = |status: &str, url: Option<&str>| {
        json!({"success": true, "speech": {"id": "s1", "text": "t", "format": "mp3",
        "status": status, "creditsUsed": 1, "createdAt": "2024-01-01T00:00:00.000Z", "audioUrl": url}})
    };
    vec![
        Flow {
            name: "miragic",
            contract: &miragic_client::jobs::GET_TEXT_TO_SPEECH_JOB,
            base_path: "",
            submit: (
                "/api/v1/text-to-speech/generate",
                200,
                json!({"success": true, "data": {"jobId": "j1", "status": "PENDING"}, "message": "ok"}),
            ),
            status_path: "/api/v1/text-to-speech/jobs/j1",
            pending: json!({"success": true, "data": {"id": "j1", "status": "PENDING"}}),
            completed: json!({"success": true, "data": {"id": "j1", "status": "COMPLETED", "audioUrl": url}}),
        },
        Flow {
            name: "audixa",
            contract: &audixa_client::jobs::GET_GENERATION_STATUS,
            base_path: "/v2",
            submit: ("/v2/tts", 201, json!({"generation_id": "g1"})),
            status_path: "/v2/status",
            pending: json!({"status": "Generating"}),
            completed: json!({"status": "Completed", "url": url}),
        },
        Flow {
            name: "voiceclone",
            contract: &voiceclone_client::jobs::GET_SPEECH,
            base_path: "/api/v1",
            submit: (
                "/api/v1/tts",
                200,
                json!({"success": true, "speechId": "s1", "creditsUsed": 1,
                "speech": {"id": "s1", "text": "t", "format": "mp3", "status": "PROCESSING", "creditsUsed": 1, "createdAt": "2024-01-01T00:00:00.000Z"}}),
            ),
            status_path: "/api/v1/tts/s1",
            pending: speech("PROCESSING", None),
            completed: speech("COMPLETED", Some(url)),
        },
        Flow {
            name: "nanogpt",
            contract: &nanogpt_client::jobs::GET_TTS_STATUS,
            base_path: "/api",
            submit: (
                "/api/tts",
                202,
                json!({"status": "pending", "runId": "r1", "model": "Elevenlabs-V3"}),
            ),
            status_path: "/api/tts/status",
            pending: json!({"status": "pending", "runId": "r1"}),
            completed: json!({"status": "completed", "runId": "r1", "audioUrl": url}),
        },
    ]
}

/// Runs the provider-neutral synthesis of `flow`'s provider against `server`.
pub async fn synthesize(
    flow: &Flow,
    server: &MockServer,
    deadline: Duration,
) -> Result<speech_facade::Speech, Error> {
    synthesize_at(flow, &server.url(flow.base_path), deadline, options()).await
}

/// [`synthesize`] against the API at `base`, with other options.
pub async fn synthesize_at(
    flow: &Flow,
    base: &str,
    deadline: Duration,
    options: Options,
) -> Result<speech_facade::Speech, Error> {
    synthesize_timed(flow, base, deadline, options).await.0
}

/// `flow`'s provider at `base`, chosen at run time and used through the neutral interface.
pub fn provider(flow: &Flow, base: &str, options: Options) -> Result<Box<dyn Synthesize>, Error> {
    let provider = Provider::new(flow.name, base, ApiKey::new(KEY), options)?;
    Ok(Box::new(provider))
}

/// [`synthesize_at`], with how long the call took (the provider is built before the clock
/// starts: the deadline bounds the call, not the construction of its client).
pub async fn synthesize_timed(
    flow: &Flow,
    base: &str,
    deadline: Duration,
    options: Options,
) -> (Result<speech_facade::Speech, Error>, Duration) {
    let request = SpeechRequest::new("A sentence long enough for every provider's minimum.", "v");
    let provider = match provider(flow, base, options) {
        Ok(provider) => provider,
        Err(error) => return (Err(error), Duration::ZERO),
    };
    let started = tokio::time::Instant::now();
    let result = provider.synthesize(&request, &Wait::up_to(deadline)).await;
    (result, started.elapsed())
}

/// Resumes the wait for `job` with `flow`'s provider, as an application would after storing the
/// handle of a [`Error::DeadlineExceeded`].
pub async fn resume_at(
    flow: &Flow,
    base: &str,
    job: &JobHandle,
    deadline: Duration,
) -> Result<speech_facade::Speech, Error> {
    provider(flow, base, options())?
        .resume_synthesis(job, &Wait::up_to(deadline))
        .await
}

/// Mocks the submit and answers the status polls with `polls` in order (the last one repeats).
pub async fn serve<'a>(
    server: &'a MockServer,
    flow: &Flow,
    polls: Vec<HttpMockResponse>,
) -> (httpmock::Mock<'a>, httpmock::Mock<'a>) {
    let (path, code, body) = flow.submit.clone();
    let submit = server
        .mock_async(|when, then| {
            when.method(Method::POST).path(path);
            then.respond_with(move |_: &httpmock::HttpMockRequest| json_response(code, &body));
        })
        .await;
    let status = server
        .mock_async(|when, then| {
            when.method(Method::GET).path(flow.status_path);
            then.respond_with(sequence(polls));
        })
        .await;
    (submit, status)
}

pub fn status_only(code: u16) -> HttpMockResponse {
    HttpMockResponse::builder().status(code).build()
}
