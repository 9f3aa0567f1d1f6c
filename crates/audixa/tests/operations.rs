//! Every operation of `specs/audixa.yaml` against a local mock server, with the values of the
//! spec's documented examples: what the server receives (method, path, query, `x-api-key`, JSON body)
//! and what the client decodes.

use audixa_client::types::{
    GenerationStatusStatus, ListVoicesModel, TtsRequestEmotion, TtsRequestModel, TtsRequestSpeed,
    TtsRequestTemperature, TtsRequestTopP,
};
use audixa_client::{Client, Error};
use httpmock::{Method, MockServer};
use serde_json::{Value, json};
use speech_mock_support::{exact_query, http_client};

const API_KEY: &str = "test-audixa-key";
/// The generation id of the seed's 201 example and S1's status examples.
const GENERATION_ID: &str = "base_27b4695b-017f-4b6e-8121-03264624479c";
/// The spec has no request example for `POST /tts`; this text uses the voice and model of S1's
/// status examples and is long enough for the 30-character minimum.
const TEXT: &str = "Welcome to Audixa AI, the voice of your next product.";

/// A client for the documented `/v2` base path that sends `x-api-key` on every request.
fn client(server: &MockServer) -> Client {
    Client::new_with_client(&server.url("/v2"), http_client("x-api-key", API_KEY))
}

fn json_body(value: &Value) -> String {
    value.to_string()
}

#[tokio::test]
async fn create_tts_generation_sends_only_the_fields_set() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path("/v2/tts")
                .header("x-api-key", API_KEY)
                .header("content-type", "application/json")
                // Unset optional fields are not sent, not even those with a documented default:
                // the provider applies its defaults.
                .json_body(json!({
                    "text": TEXT,
                    "voice": "am_ethan",
                }));
            // responses.201 example `created`.
            then.status(201)
                .header("content-type", "application/json")
                .body(json_body(&json!({"generation_id": GENERATION_ID})));
        })
        .await;

    let created = client(&server)
        .create_tts_generation()
        .body_map(|body| body.text(TEXT).voice("am_ethan"))
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.into_inner().generation_id, GENERATION_ID);
}

#[tokio::test]
async fn create_tts_generation_sends_every_advance_model_option() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path("/v2/tts")
                .header("x-api-key", API_KEY)
                .json_body(json!({
                    "text": TEXT,
                    "voice": "adv_user_clone_abc",
                    "model": "advance",
                    "speed": 1.25,
                    "emotion": "happy",
                    "temperature": 0.8,
                    "top_p": 0.95,
                    "do_sample": true,
                }));
            // responses.201 example `created_s2`.
            then.status(201)
                .header("content-type", "application/json")
                .body(json_body(
                    &json!({"generation_id": "gen_abc123xyz789def456"}),
                ));
        })
        .await;

    let created = client(&server)
        .create_tts_generation()
        .body_map(|body| {
            body.text(TEXT)
                .voice("adv_user_clone_abc")
                .model(TtsRequestModel::Advance)
                .speed(TtsRequestSpeed::try_from(1.25).unwrap())
                .emotion(TtsRequestEmotion::Happy)
                .temperature(TtsRequestTemperature::try_from(0.8).unwrap())
                .top_p(TtsRequestTopP::try_from(0.95).unwrap())
                .do_sample(true)
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(created.generation_id, "gen_abc123xyz789def456");
}

#[tokio::test]
async fn get_generation_status_decodes_the_completed_task() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::GET)
                .path("/v2/status")
                .header("x-api-key", API_KEY)
                .query_param("generation_id", GENERATION_ID)
                .is_true(exact_query(&[("generation_id", GENERATION_ID)]));
            // responses.200 example `completed_s1`.
            then.status(200)
                .header("content-type", "application/json")
                .body(json_body(&json!({
                    "generation_id": GENERATION_ID,
                    "user_id": "user_xyz_789",
                    "status": "Completed",
                    "text_input": "Welcome to Audixa AI...",
                    "voice_id": "am_ethan",
                    "model": "base",
                    "audio_url": "https://media.audixa.ai/base_27b4695b....wav",
                    "created_at": "2025-09-05T03:30:01Z",
                })));
        })
        .await;

    let status = client(&server)
        .get_generation_status()
        .generation_id(GENERATION_ID)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(status.status, GenerationStatusStatus::Completed);
    assert_eq!(status.generation_id.as_deref(), Some(GENERATION_ID));
    assert_eq!(status.user_id.as_deref(), Some("user_xyz_789"));
    assert_eq!(
        status.text_input.as_deref(),
        Some("Welcome to Audixa AI...")
    );
    assert_eq!(status.voice_id.as_deref(), Some("am_ethan"));
    assert_eq!(status.model.as_deref(), Some("base"));
    assert_eq!(
        status.audio_url.as_deref(),
        Some("https://media.audixa.ai/base_27b4695b....wav")
    );
    assert_eq!(status.url, None);
    assert_eq!(status.created_at.as_deref(), Some("2025-09-05T03:30:01Z"));
}

#[tokio::test]
async fn get_generation_status_decodes_the_other_documented_states() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    // responses.200 examples `generating_s1`, `completed_s2` and `failed_s2`, each for its own id.
    let examples = [
        (
            "gen_generating",
            json!({"generation_id": GENERATION_ID, "user_id": "user_xyz_789", "status": "Generating", "text_input": "Welcome to Audixa AI...", "voice_id": "am_ethan", "model": "base", "audio_url": null, "created_at": "2025-09-05T03:30:01Z"}),
        ),
        (
            "gen_abc123xyz789",
            json!({"status": "Completed", "url": "https://cdn.audixa.ai/audio/gen_abc123xyz789.mp3"}),
        ),
        (
            "gen_failed",
            json!({"status": "Failed", "detail": "Text contains unsupported characters"}),
        ),
    ];
    let mut mocks = Vec::new();
    for (id, body) in &examples {
        mocks.push(
            server
                .mock_async(|when, then| {
                    when.method(Method::GET)
                        .path("/v2/status")
                        .header("x-api-key", API_KEY)
                        .is_true(exact_query(&[("generation_id", *id)]));
                    then.status(200)
                        .header("content-type", "application/json")
                        .body(json_body(body));
                })
                .await,
        );
    }

    let generating = client
        .get_generation_status()
        .generation_id("gen_generating")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(generating.status, GenerationStatusStatus::Generating);
    assert_eq!(generating.audio_url, None);

    let completed = client
        .get_generation_status()
        .generation_id("gen_abc123xyz789")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(completed.status, GenerationStatusStatus::Completed);
    assert_eq!(
        completed.url.as_deref(),
        Some("https://cdn.audixa.ai/audio/gen_abc123xyz789.mp3")
    );
    assert_eq!(completed.audio_url, None);

    let failed = client
        .get_generation_status()
        .generation_id("gen_failed")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(failed.status, GenerationStatusStatus::Failed);
    assert_eq!(
        failed.detail.as_deref(),
        Some("Text contains unsupported characters")
    );

    for mock in &mocks {
        mock.assert_async().await;
    }
}

#[tokio::test]
async fn list_voices_decodes_the_documented_voices() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::GET)
                .path("/v2/voices")
                .header("x-api-key", API_KEY)
                .query_param("model", "base")
                .is_true(exact_query(&[("model", "base")]));
            // responses.200 example `base_voices`.
            then.status(200)
                .header("content-type", "application/json")
                .body(json_body(&json!({
                    "user_id": "user_xyz_789",
                    "model": "base",
                    "voices": [
                        {"voice_id": "am_2riuownnf", "name": "Ethan", "gender": "Male", "accent": "American", "free": true, "description": "VoiceID: am_2riuownnf"},
                        {"voice_id": "af_3kbq21leo", "name": "Lily", "gender": "Female", "accent": "American", "free": true, "description": "VoiceID: af_3kbq21leo"},
                        {"voice_id": "bf_jp71qvnzd", "name": "Alice", "gender": "Female", "accent": "British", "free": true, "description": "VoiceID: bf_jp71qvnzd"},
                        {"voice_id": "adv_user_clone_abc", "name": "My Custom Voice", "gender": "Male", "accent": "Custom", "free": false, "description": "User cloned voice"}
                    ]
                })));
        })
        .await;

    let list = client(&server)
        .list_voices()
        .model(ListVoicesModel::Base)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(list.user_id, "user_xyz_789");
    assert_eq!(list.model, "base");
    let ids: Vec<&str> = list.voices.iter().map(|v| v.voice_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "am_2riuownnf",
            "af_3kbq21leo",
            "bf_jp71qvnzd",
            "adv_user_clone_abc"
        ]
    );
    let ethan = &list.voices[0];
    assert_eq!(ethan.name, "Ethan");
    assert_eq!(ethan.gender, "Male");
    assert_eq!(ethan.accent, "American");
    assert_eq!(ethan.free, Some(true));
    assert_eq!(ethan.custom, None);
    assert_eq!(ethan.description, "VoiceID: am_2riuownnf");
    let clone = &list.voices[3];
    assert_eq!(clone.accent, "Custom");
    assert_eq!(clone.free, Some(false));
    assert_eq!(clone.description, "User cloned voice");
}

#[tokio::test]
async fn an_unknown_generation_decodes_to_the_documented_404_body() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::GET)
                .path("/v2/status")
                .header("x-api-key", API_KEY)
                .query_param("generation_id", "gen_expired");
            // responses.404 example `generation_not_found`.
            then.status(404)
                .header("content-type", "application/json")
                .body(r#"{"detail": "Generation not found"}"#);
        })
        .await;

    let error = client(&server)
        .get_generation_status()
        .generation_id("gen_expired")
        .send()
        .await
        .unwrap_err();

    mock.assert_async().await;
    let Error::ErrorResponse(response) = error else {
        panic!("expected a documented error response, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(response.detail, Some(json!("Generation not found")));
    assert!(response.errors.is_empty());
}

#[tokio::test]
async fn a_validation_error_decodes_its_field_errors() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path("/v2/tts")
                .header("x-api-key", API_KEY);
            // responses.400 example `validation_error_voice_s2`.
            then.status(400)
                .header("content-type", "application/json")
                .body(json_body(&json!({
                    "detail": "Validation error",
                    "errors": [
                        {"field": "text", "message": "Text is required"},
                        {"field": "voice", "message": "Invalid voice ID"}
                    ]
                })));
        })
        .await;

    let error = client(&server)
        .create_tts_generation()
        .body_map(|body| body.text(TEXT).voice("xx_unknown"))
        .send()
        .await
        .unwrap_err();

    mock.assert_async().await;
    let Error::ErrorResponse(response) = error else {
        panic!("expected a documented error response, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(response.detail, Some(json!("Validation error")));
    let errors: Vec<(Option<&str>, Option<&str>)> = response
        .errors
        .iter()
        .map(|e| (e.field.as_deref(), e.message.as_deref()))
        .collect();
    assert_eq!(
        errors,
        [
            (Some("text"), Some("Text is required")),
            (Some("voice"), Some("Invalid voice ID"))
        ]
    );
}

#[tokio::test]
async fn an_undocumented_generation_status_decodes_to_unknown() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::GET)
                .path("/v2/status")
                .header("x-api-key", API_KEY)
                .query_param("generation_id", GENERATION_ID);
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"status": "QUEUED"}"#);
        })
        .await;

    let status = client(&server)
        .get_generation_status()
        .generation_id(GENERATION_ID)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(
        status.status,
        GenerationStatusStatus::Unknown("QUEUED".into())
    );
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
    let client = client(&server);

    // `text` has `minLength: 30` ("Welcome to Audixa AI..." is 23 characters).
    let error = client
        .create_tts_generation()
        .body_map(|body| body.text("Welcome to Audixa AI...").voice("am_ethan"))
        .send()
        .await
        .unwrap_err();
    let Error::InvalidRequest(message) = error else {
        panic!("expected InvalidRequest, got {error:?}");
    };
    assert_eq!(message, "`text` must be at least 30 characters (got 23)");

    // `text` has `maxLength: 5000`.
    let error = client
        .create_tts_generation()
        .body_map(|body| body.text("a".repeat(5001)).voice("am_ethan"))
        .send()
        .await
        .unwrap_err();
    let Error::InvalidRequest(message) = error else {
        panic!("expected InvalidRequest, got {error:?}");
    };
    assert_eq!(message, "`text` must be at most 5000 characters (got 5001)");

    // `voice` is required.
    let error = client
        .create_tts_generation()
        .body_map(|body| body.text(TEXT))
        .send()
        .await
        .unwrap_err();
    let Error::InvalidRequest(message) = error else {
        panic!("expected InvalidRequest, got {error:?}");
    };
    assert!(message.contains("voice"), "{message}");

    // `model` only accepts base or advance ("basic" is the typo of erratum voices-model-basic).
    let error = client
        .list_voices()
        .model("basic")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");

    // Out-of-range numbers cannot even be built (erratum temperature-upper-bound: at most 0.9).
    assert_eq!(
        TtsRequestTemperature::try_from(1.0)
            .unwrap_err()
            .to_string(),
        "`temperature` must be at most 0.9 (got 1)"
    );
    assert_eq!(
        TtsRequestSpeed::try_from(0.25).unwrap_err().to_string(),
        "`speed` must be at least 0.5 (got 0.25)"
    );
    assert!(TtsRequestTopP::try_from(0.99).is_err());

    any_request.assert_calls_async(0).await;
}
