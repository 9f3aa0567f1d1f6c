//! Every operation of `specs/nanogpt.yaml` against a local mock server, with the values of the
//! spec's documented examples: what the server receives (method, path, query, `x-api-key` or
//! `Authorization: Bearer`, JSON body) and what the client decodes, including the three success
//! shapes of `submit_tts` (JSON, audio, 202 ticket) and the audio stream of `create_speech`.

use futures_util::StreamExt;
use httpmock::{Method, MockServer};
use nanogpt_client::types::{
    SubmitTtsResponse, TtsPendingTicketStatus, TtsRequest, TtsRequestModel,
    TtsRequestResponseFormat, TtsRequestSimilarityBoost, TtsRequestSpeed, TtsRequestStability,
    TtsRequestStyle, TtsStatusStatus,
};
use nanogpt_client::{Client, Error};
use serde_json::json;
use speech_mock_support::{exact_query, fake_mp3, http_client, invalid_request};

const API_KEY: &str = "test-nanogpt-key";
const BEARER: &str = "Bearer test-nanogpt-key";
/// The run of the documented asynchronous example (202 ticket and status poll).
const RUN_ID: &str = "98b0d593-fe8d-49b8-89c9-233022232297";

/// A client for the documented `/api` base path that sends the header `/tts` and `/tts/status`
/// document: `x-api-key`.
fn key_client(server: &MockServer) -> Client {
    Client::new_with_client(&server.url("/api"), http_client("x-api-key", API_KEY))
}

/// A client that sends `Authorization: Bearer`, the scheme `/v1/audio/speech` lists first.
fn bearer_client(server: &MockServer) -> Client {
    Client::new_with_client(&server.url("/api"), http_client("authorization", BEARER))
}

#[tokio::test]
async fn submit_tts_decodes_a_json_reply_to_the_tts_result_variant() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path("/api/tts")
                .header("x-api-key", API_KEY)
                .header("content-type", "application/json")
                // requestBody example `curl`.
                .json_body(json!({
                    "text": "Hello! This is a test of the text-to-speech API.",
                    "model": "Kokoro-82m",
                    "voice": "af_bella",
                    "speed": 1.0,
                    "response_format": "mp3",
                    "instructions": "speak with enthusiasm",
                    "stability": 0.5,
                    "similarity_boost": 0.75,
                    "style": 0.0
                }));
            // responses.200 application/json example `json_response_most_models`.
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    json!({
                        "audioUrl": "https://storage.url/audio-file.wav",
                        "contentType": "audio/wav",
                        "model": "Kokoro-82m",
                        "text": "Hello world",
                        "voice": "af_bella",
                        "speed": 1,
                        "duration": 2.3,
                        "cost": 0.001,
                        "currency": "USD"
                    })
                    .to_string(),
                );
        })
        .await;

    let response = key_client(&server)
        .submit_tts()
        .body_map(|body| {
            body.text("Hello! This is a test of the text-to-speech API.")
                .model(TtsRequestModel::Kokoro82m)
                .voice("af_bella".to_owned())
                .speed(TtsRequestSpeed::try_from(1.0).unwrap())
                .response_format(TtsRequestResponseFormat::Mp3)
                .instructions("speak with enthusiasm".to_owned())
                .stability(TtsRequestStability::try_from(0.5).unwrap())
                .similarity_boost(TtsRequestSimilarityBoost::try_from(0.75).unwrap())
                .style(TtsRequestStyle::try_from(0.0).unwrap())
        })
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(response.status().as_u16(), 200);
    let SubmitTtsResponse::TtsResult(result) = response.into_inner() else {
        panic!("expected the TtsResult variant");
    };
    assert_eq!(result.audio_url, "https://storage.url/audio-file.wav");
    assert_eq!(result.content_type, "audio/wav");
    assert_eq!(result.model.as_deref(), Some("Kokoro-82m"));
    assert_eq!(result.text.as_deref(), Some("Hello world"));
    assert_eq!(result.voice.as_deref(), Some("af_bella"));
    assert_eq!(result.speed, Some(1.0));
    assert_eq!(result.duration, Some(2.3));
    assert_eq!(result.cost, Some(0.001));
    assert_eq!(result.currency.as_deref(), Some("USD"));
}

#[tokio::test]
async fn submit_tts_decodes_an_audio_reply_to_the_audio_variant() {
    let server = MockServer::start_async().await;
    let mp3 = fake_mp3(4096);
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path("/api/tts")
                .header("x-api-key", API_KEY)
                // requestBody example `python_format_mp3`.
                .json_body(json!({
                    "text": "This is MP3 format.",
                    "model": "tts-1",
                    "voice": "echo",
                    "response_format": "mp3"
                }));
            then.status(200)
                .header("content-type", "audio/mpeg")
                .body(&mp3);
        })
        .await;

    let response = key_client(&server)
        .submit_tts()
        .body_map(|body| {
            body.text("This is MP3 format.")
                .model(TtsRequestModel::Tts1)
                .voice("echo".to_owned())
                .response_format(TtsRequestResponseFormat::Mp3)
        })
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(response.status().as_u16(), 200);
    let SubmitTtsResponse::Audio(audio) = response.into_inner() else {
        panic!("expected the Audio variant");
    };
    assert_eq!(audio.content_type(), Some("audio/mpeg"));
    assert_eq!(audio.bytes().await.unwrap().as_ref(), mp3.as_slice());
}

#[tokio::test]
async fn submit_tts_decodes_a_202_reply_to_the_pending_ticket_variant() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path("/api/tts")
                .header("x-api-key", API_KEY)
                // requestBody example `curl_submit`, exactly: unset fields are not sent.
                .json_body(json!({
                    "text": "Hello there!",
                    "model": "Elevenlabs-Turbo-V2.5",
                    "voice": "Rachel",
                    "speed": 1.0
                }));
            // responses.202 example `pending`.
            then.status(202)
                .header("content-type", "application/json")
                .body(
                    json!({
                        "status": "pending",
                        "runId": RUN_ID,
                        "model": "Elevenlabs-Turbo-V2.5",
                        "charged": true,
                        "cost": 0.0050388,
                        "paymentSource": "USD",
                        "isApiRequest": true
                    })
                    .to_string(),
                );
        })
        .await;

    let response = key_client(&server)
        .submit_tts()
        .body_map(|body| {
            body.text("Hello there!")
                .model(TtsRequestModel::ElevenlabsTurboV25)
                .voice("Rachel".to_owned())
                .speed(TtsRequestSpeed::try_from(1.0).unwrap())
        })
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(response.status().as_u16(), 202);
    let SubmitTtsResponse::TtsPendingTicket(ticket) = response.into_inner() else {
        panic!("expected the TtsPendingTicket variant");
    };
    assert_eq!(ticket.status, TtsPendingTicketStatus::Pending);
    assert_eq!(ticket.run_id, RUN_ID);
    assert_eq!(ticket.model, "Elevenlabs-Turbo-V2.5");
    assert_eq!(ticket.charged, Some(true));
    assert_eq!(ticket.cost, Some(0.0050388));
    assert_eq!(ticket.payment_source.as_deref(), Some("USD"));
    assert_eq!(ticket.is_api_request, Some(true));
}

#[tokio::test]
async fn get_tts_status_passes_the_ticket_back_and_decodes_the_completed_job() {
    let server = MockServer::start_async().await;
    // Parameter examples `curl_poll`.
    let query = [
        ("runId", RUN_ID),
        ("model", "Elevenlabs-Turbo-V2.5"),
        ("cost", "0.0050388"),
        ("paymentSource", "USD"),
        ("isApiRequest", "true"),
    ];
    let mock = server
        .mock_async(|when, then| {
            let mut when = when
                .method(Method::GET)
                .path("/api/tts/status")
                .header("x-api-key", API_KEY)
                .is_true(exact_query(&query));
            for (name, value) in query {
                when = when.query_param(name, value);
            }
            // responses.200 example `completed`.
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"status": "completed", "audioUrl": "https://.../file.mp3", "contentType": "audio/mpeg", "model": "Elevenlabs-Turbo-V2.5"}"#,
                );
        })
        .await;

    let status = key_client(&server)
        .get_tts_status()
        .run_id(RUN_ID)
        .model("Elevenlabs-Turbo-V2.5")
        .cost(0.0050388)
        .payment_source("USD")
        .is_api_request(true)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(status.status, TtsStatusStatus::Completed);
    assert_eq!(status.audio_url.as_deref(), Some("https://.../file.mp3"));
    assert_eq!(status.content_type.as_deref(), Some("audio/mpeg"));
    assert_eq!(status.model.as_deref(), Some("Elevenlabs-Turbo-V2.5"));
    assert_eq!(status.error, None);
}

#[tokio::test]
async fn get_tts_status_decodes_the_pending_and_error_examples() {
    let server = MockServer::start_async().await;
    // responses.200 examples `pending` and `error_content_policy`, one run each.
    let pending = server
        .mock_async(|when, then| {
            when.method(Method::GET)
                .path("/api/tts/status")
                .header("x-api-key", API_KEY)
                .is_true(exact_query(&[
                    ("runId", RUN_ID),
                    ("model", "Elevenlabs-V3"),
                ]));
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    json!({"status": "pending", "runId": RUN_ID, "queuePosition": 3}).to_string(),
                );
        })
        .await;
    let rejected = server
        .mock_async(|when, then| {
            when.method(Method::GET)
                .path("/api/tts/status")
                .header("x-api-key", API_KEY)
                .is_true(exact_query(&[("runId", "run-rejected"), ("model", "Elevenlabs-V3")]));
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    json!({"status": "error", "code": "CONTENT_POLICY_VIOLATION", "error": "Content rejected by provider. Please modify your prompt and try again."})
                        .to_string(),
                );
        })
        .await;
    let client = key_client(&server);

    let status = client
        .get_tts_status()
        .run_id(RUN_ID)
        .model("Elevenlabs-V3")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.status, TtsStatusStatus::Pending);
    assert_eq!(status.run_id.as_deref(), Some(RUN_ID));
    assert_eq!(status.queue_position, Some(3));

    let status = client
        .get_tts_status()
        .run_id("run-rejected")
        .model("Elevenlabs-V3")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.status, TtsStatusStatus::Error);
    assert_eq!(status.code.as_deref(), Some("CONTENT_POLICY_VIOLATION"));
    assert_eq!(
        status.error.as_deref(),
        Some("Content rejected by provider. Please modify your prompt and try again.")
    );

    pending.assert_async().await;
    rejected.assert_async().await;
}

#[tokio::test]
async fn create_speech_streams_the_audio_chunk_by_chunk() {
    let server = MockServer::start_async().await;
    let mp3 = fake_mp3(256 * 1024);
    let input =
        "Hello, this is a streaming test with a longer message to observe progressive chunking.";
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path("/api/v1/audio/speech")
                .header("authorization", BEARER)
                .header("content-type", "application/json")
                // requestBody example `curl_streaming`, exactly: `speed` is not set, so it is not
                // sent (gpt-4o-mini-tts does not support it).
                .json_body(json!({
                    "model": "gpt-4o-mini-tts",
                    "input": input,
                    "voice": "alloy",
                    "response_format": "mp3",
                    "stream": true
                }));
            then.status(200)
                .header("content-type", "audio/mpeg")
                .body(&mp3);
        })
        .await;

    let response = bearer_client(&server)
        .create_speech()
        .body_map(|body| {
            body.model("gpt-4o-mini-tts")
                .input(input)
                .voice("alloy".to_owned())
                .response_format("mp3".to_owned())
                .stream(true)
        })
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(response.status().as_u16(), 200);
    let audio = response.into_inner();
    assert_eq!(audio.content_type(), Some("audio/mpeg"));
    let mut stream = audio.into_stream().into_inner();
    let mut received = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = stream.next().await {
        received.extend_from_slice(&chunk.unwrap());
        chunks += 1;
    }
    assert!(chunks >= 1);
    assert_eq!(received.len(), mp3.len());
    assert!(
        received == mp3,
        "the streamed audio differs from the body sent"
    );
}

#[tokio::test]
async fn documented_errors_decode_to_the_typed_error_bodies() {
    let server = MockServer::start_async().await;
    // `POST /tts` responses.402 example `insufficient_balance_required_balance`.
    let tts = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path("/api/tts")
                .header("x-api-key", API_KEY);
            then.status(402)
                .header("content-type", "application/json")
                .body(r#"{"error": "Insufficient balance", "requiredBalance": 0.0035, "status": 402}"#);
        })
        .await;
    // `POST /v1/audio/speech` responses.400 example `invalid_request`.
    let speech = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path("/api/v1/audio/speech")
                .header("authorization", BEARER);
            then.status(400)
                .header("content-type", "application/json")
                .body(r#"{"error": {"message": "...", "type": "invalid_request_error", "param": null, "code": "invalid_request"}}"#);
        })
        .await;

    let error = key_client(&server)
        .submit_tts()
        .body_map(|body| body.text("Hello world!").model(TtsRequestModel::Kokoro82m))
        .send()
        .await
        .unwrap_err();
    let Error::ErrorResponse(response) = error else {
        panic!("expected a documented error response, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 402);
    assert_eq!(response.error, json!("Insufficient balance"));
    assert_eq!(response.required_balance, Some(0.0035));
    assert_eq!(response.status, Some(402));
    assert_eq!(response.message, None);

    let error = bearer_client(&server)
        .create_speech()
        .body_map(|body| body.model("gpt-4o-mini-tts").input("Hello from NanoGPT!"))
        .send()
        .await
        .unwrap_err();
    let Error::ErrorResponse(response) = error else {
        panic!("expected a documented error response, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 400);
    let detail = &response.error;
    assert_eq!(detail.message, "...");
    assert_eq!(detail.type_.as_deref(), Some("invalid_request_error"));
    assert_eq!(detail.param, None);
    assert_eq!(detail.code.as_deref(), Some("invalid_request"));

    tts.assert_async().await;
    speech.assert_async().await;
}

#[tokio::test]
async fn undocumented_status_values_decode_to_unknown() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::GET)
                .path("/api/tts/status")
                .header("x-api-key", API_KEY)
                .query_param("runId", RUN_ID);
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"status": "QUEUED", "runId": "98b0d593-fe8d-49b8-89c9-233022232297"}"#);
        })
        .await;

    let status = key_client(&server)
        .get_tts_status()
        .run_id(RUN_ID)
        .model("Elevenlabs-Turbo-V2.5")
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(status.status, TtsStatusStatus::Unknown("QUEUED".into()));
    assert!(!status.status.is_known());
}

#[tokio::test]
async fn bad_requests_are_refused_before_anything_is_sent() {
    let server = MockServer::start_async().await;
    let any_request = server
        .mock_async(|_, then| {
            then.status(500);
        })
        .await;
    let client = key_client(&server);

    // `speed` is 0.1..=5: 7.0 cannot be built, nor decoded into a request.
    assert_eq!(
        TtsRequestSpeed::try_from(7.0).unwrap_err().to_string(),
        "`speed` must be at most 5 (got 7)"
    );
    let error = serde_json::from_value::<TtsRequest>(json!({"text": "Hello world!", "speed": 7.0}))
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("`speed` must be at most 5 (got 7)"),
        "{error}"
    );

    // `text` is at most 10000 characters.
    let message = invalid_request(
        client
            .submit_tts()
            .body_map(|body| body.text("a".repeat(10_001)))
            .send()
            .await,
    );
    assert_eq!(
        message,
        "`text` must be at most 10000 characters (got 10001)"
    );

    // Empty text is refused (`minLength: 1`, an inference marked x-source 3rd), on both endpoints.
    let message = invalid_request(
        client
            .submit_tts()
            .body_map(|body| body.text(""))
            .send()
            .await,
    );
    assert_eq!(message, "`text` must be at least 1 character (got 0)");
    let message = invalid_request(
        bearer_client(&server)
            .create_speech()
            .body_map(|body| body.model("tts-1").input(""))
            .send()
            .await,
    );
    assert_eq!(message, "`input` must be at least 1 character (got 0)");

    // `text` is required.
    let message = invalid_request(client.submit_tts().send().await);
    assert!(message.contains("text"), "{message}");

    // `model` is one of the documented names, spelled exactly: a misspelled one does not build.
    assert!(TtsRequestModel::try_from("Kokoro-82M").is_err());

    // `runId` and `model` are required to poll.
    let message = invalid_request(client.get_tts_status().model("Elevenlabs-V3").send().await);
    assert!(message.contains("run_id"), "{message}");

    // `input` is required for `/v1/audio/speech`.
    let message = invalid_request(
        bearer_client(&server)
            .create_speech()
            .body_map(|body| body.model("gpt-4o-mini-tts"))
            .send()
            .await,
    );
    assert!(message.contains("input"), "{message}");

    any_request.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_200_html_page_from_the_audio_endpoint_is_an_unexpected_response_not_audio() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(Method::POST).path("/api/v1/audio/speech");
            then.status(200)
                .header("content-type", "text/html; charset=utf-8")
                .body("<html><body>Service unavailable</body></html>");
        })
        .await;

    let result = bearer_client(&server)
        .create_speech()
        .body_map(|body| body.model("tts-1").input("Hello".to_owned()))
        .send()
        .await;
    match result {
        Err(Error::UnexpectedResponse(response)) => {
            assert_eq!(response.status(), 200);
            assert!(
                response
                    .text()
                    .await
                    .unwrap()
                    .contains("Service unavailable")
            );
        }
        other => panic!("expected an unexpected response, got {other:?}"),
    }
}
