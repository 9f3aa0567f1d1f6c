//! For each provider, the whole path against local servers: submit → pending (several polls) →
//! completed → download from a second ("storage") server that never sees the key; and a job that
//! fails. The code under test is the same generic function for every provider: only the
//! constructor differs.

mod common;

use std::time::Duration;

use common::{AUDIO, KEY, Storage, options, poll_mock, speak_and_save, voiceclone_flow};
use httpmock::{Method, MockServer};
use serde_json::json;
use speech_facade::{ApiKey, Error, Provider, SpeechRequest, Synthesize, Wait};
use speech_mock_support::{json_response, sequence};

#[tokio::test]
async fn voiceclone_speech_is_polled_until_complete_then_downloaded_without_the_key() {
    let api = MockServer::start_async().await;
    let storage = Storage::start().await;
    let (created, polls) = voiceclone_flow(&api, storage.url()).await;
    let provider = Provider::new(
        "voiceclone",
        &api.url("/api/v1"),
        ApiKey::new(KEY),
        options(),
    )
    .unwrap();

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
    let provider = Provider::new("miragic", &api.base_url(), ApiKey::new(KEY), options()).unwrap();

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
    let provider = Provider::new("audixa", &api.url("/v2"), ApiKey::new(KEY), options()).unwrap();

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
    let provider = Provider::new("nanogpt", &api.url("/api"), ApiKey::new(KEY), options()).unwrap();

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
    let provider = Provider::new("nanogpt", &api.url("/api"), ApiKey::new(KEY), options()).unwrap();
    let request = SpeechRequest::new("Hello", "Rachel");

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
    let provider = Provider::new(
        "voiceclone",
        &api.url("/api/v1"),
        ApiKey::new(KEY),
        options(),
    )
    .unwrap();
    let request = SpeechRequest::new("é".repeat(2501), "v");

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

/// A job that fails, for the providers whose status reports failures with a message: the error
/// keeps the job id, the failure state and the provider's message.
#[tokio::test]
async fn failed_jobs_of_every_provider_are_typed_failures() {
    struct Case {
        submit: (&'static str, u16, serde_json::Value),
        status: (&'static str, serde_json::Value),
        job: &'static str,
        state: &'static str,
        message: &'static str,
    }
    let cases = [
        Case {
            submit: (
                "/api/v1/text-to-speech/generate",
                200,
                json!({"success": true, "data": {"jobId": "m1", "status": "PENDING"}, "message": "ok"}),
            ),
            status: (
                "/api/v1/text-to-speech/jobs/m1",
                json!({"success": true, "data": {"id": "m1", "status": "FAILED", "errorMessage": "Voice model unavailable"}}),
            ),
            job: "m1",
            state: "FAILED",
            message: "Voice model unavailable",
        },
        Case {
            submit: ("/v2/tts", 201, json!({"generation_id": "g1"})),
            status: (
                "/v2/status",
                json!({"status": "Failed", "detail": "Generation failed"}),
            ),
            job: "g1",
            state: "Failed",
            message: "Generation failed",
        },
        Case {
            submit: (
                "/api/v1/tts",
                200,
                json!({"success": true, "speechId": "s1", "creditsUsed": 2,
                "speech": {"id": "s1", "text": "Hi", "format": "mp3", "status": "PROCESSING", "creditsUsed": 2, "createdAt": "2024-01-01T00:00:00.000Z"}}),
            ),
            status: (
                "/api/v1/tts/s1",
                json!({"success": true, "speech": {"id": "s1", "text": "Hi", "format": "mp3", "status": "FAILED",
                "creditsUsed": 2, "createdAt": "2024-01-01T00:00:00.000Z"}}),
            ),
            job: "s1",
            state: "FAILED",
            message: "",
        },
    ];
    for case in cases {
        let api = MockServer::start_async().await;
        let (path, code, body) = case.submit;
        api.mock_async(|when, then| {
            when.method(Method::POST).path(path);
            then.respond_with(move |_: &httpmock::HttpMockRequest| json_response(code, &body));
        })
        .await;
        let (path, body) = case.status;
        api.mock_async(|when, then| {
            when.method(Method::GET).path(path);
            then.respond_with(move |_: &httpmock::HttpMockRequest| json_response(200, &body));
        })
        .await;
        let request =
            SpeechRequest::new("Hello, this is a test speech for every provider.", "voice");
        let wait = Wait::up_to(Duration::from_secs(10));
        let key = || ApiKey::new(KEY);
        let result = match case.job {
            "m1" => {
                Provider::new("miragic", &api.base_url(), key(), options())
                    .unwrap()
                    .synthesize(&request, &wait)
                    .await
            }
            "g1" => {
                Provider::new("audixa", &api.url("/v2"), key(), options())
                    .unwrap()
                    .synthesize(&request, &wait)
                    .await
            }
            _ => {
                Provider::new("voiceclone", &api.url("/api/v1"), key(), options())
                    .unwrap()
                    .synthesize(&request, &wait)
                    .await
            }
        };
        let Err(Error::JobFailed {
            job_id,
            state,
            message,
            ..
        }) = result
        else {
            panic!("{}: expected JobFailed, got {result:?}", case.job);
        };
        assert_eq!((job_id.as_str(), state.as_str()), (case.job, case.state));
        assert_eq!(message.unwrap_or_default(), case.message);
    }
}

/// A cloned voice is ready when it is listed as COMPLETED: the clone call uploads once, then the
/// newest voices are polled until the new one appears and completes.
#[tokio::test]
async fn a_cloned_voice_is_waited_for_until_it_is_listed_as_completed() {
    use speech_facade::CloneVoice;

    let api = MockServer::start_async().await;
    let upload = api
        .mock_async(|when, then| {
            when.method(Method::POST).path("/api/v1/voice-clone").header_prefix("content-type", "multipart/form-data");
            then.respond_with(move |_: &httpmock::HttpMockRequest| {
                json_response(200, &json!({"success": true, "voiceId": "v1", "voice": {"id": "v1", "title": "Mine",
                    "audioUrl": "https://storage.example/v1.mp3", "createdAt": "2024-01-01T00:00:00.000Z"}}))
            });
        })
        .await;
    let voice = |status: &str| {
        json!({"id": "v1", "title": "Mine", "status": status, "type": "USER", "isPublic": false, "usageCount": 0,
        "createdAt": "2024-01-01T00:00:00.000Z"})
    };
    let page = |voices: Vec<serde_json::Value>| {
        json!({"success": true, "voices": voices,
        "pagination": {"page": 1, "limit": 100, "total": 1, "totalPages": 1, "hasNext": false, "hasPrev": false}})
    };
    let listed = api
        .mock_async(|when, then| {
            when.method(Method::GET)
                .path("/api/v1/voices")
                .query_param("sortBy", "createdAt")
                .query_param("sortOrder", "desc");
            then.respond_with(sequence(vec![
                json_response(200, &page(vec![])),
                json_response(200, &page(vec![voice("PROCESSING")])),
                json_response(200, &page(vec![voice("COMPLETED")])),
            ]));
        })
        .await;
    let dir = tempfile::tempdir().unwrap();
    let sample = dir.path().join("voice.mp3");
    std::fs::write(&sample, AUDIO).unwrap();
    let provider = Provider::new(
        "voiceclone",
        &api.url("/api/v1"),
        ApiKey::new(KEY),
        options(),
    )
    .unwrap();

    let voice_id = provider
        .clone_voice(&sample, Some("Mine"), &Wait::up_to(Duration::from_secs(10)))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));

    assert_eq!(voice_id, "v1");
    upload.assert_calls_async(1).await;
    listed.assert_calls_async(3).await;
}

/// The generated client stays reachable, typed, for every operation and option of the API.
#[tokio::test]
async fn the_typed_client_is_reachable_from_the_provider() {
    let api = MockServer::start_async().await;
    let credits = api
        .mock_async(|when, then| {
            when.method(Method::GET).path("/api/v1/credits");
            then.respond_with(move |_: &httpmock::HttpMockRequest| {
                json_response(200, &json!({"success": true, "credits": 42,
                    "breakdown": {"regular": 40, "permanent": 2, "resetAt": "2024-02-01T00:00:00.000Z"}}))
            });
        })
        .await;
    let provider = Provider::new(
        "voiceclone",
        &api.url("/api/v1"),
        ApiKey::new(KEY),
        options(),
    )
    .unwrap();
    assert!(provider.client::<nanogpt_client::Client>().is_none());
    let typed: &voiceclone_client::Client = provider.client().unwrap();
    let answer = typed.get_credits().send().await.unwrap().into_inner();
    assert_eq!(answer.credits, 42);
    credits.assert_calls_async(1).await;
}
