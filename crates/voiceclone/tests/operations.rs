//! Every operation of `specs/voiceclone.yaml` against a local mock server, with the values of the
//! spec's documented examples: what the server receives (method, path, query, `Authorization:
//! Bearer`, JSON body, multipart parts) and what the client decodes.

use httpmock::{Method, MockServer};
use serde_json::{Value, json};
use speech_client_runtime::FilePart;
use speech_mock_support::{
    MP3_BYTES, Part, Recorder, exact_query, fake_mp3, http_client, invalid_request, multipart_parts,
};
use voiceclone_client::types::{
    ErrorCode, ListVoicesLimit, ListVoicesPage, ListVoicesSortBy, ListVoicesSortOrder,
    ListVoicesStatus, SpeechAudioFormat, SpeechProcessingStatus, SpeechRequestFormat,
    SpeechRequestText, VoiceCloneFormDescription, VoiceStatus, VoiceType,
};
use voiceclone_client::{Client, Error};

const BEARER: &str = "Bearer test-voiceclone-key";
/// The voice and speech id every documented example uses.
const ID: &str = "clxxxx";
const SPEECH_TEXT: &str = "Hello, this is a test speech.";

/// A client for the documented `/api/v1` base path that sends `Authorization: Bearer`.
fn client(server: &MockServer) -> Client {
    Client::new_with_client(&server.url("/api/v1"), http_client("authorization", BEARER))
}

/// `POST /voice-clone` responses.200 example `cloned`.
fn cloned() -> Value {
    json!({
        "success": true,
        "voiceId": "clxxxx",
        "voice": {
            "id": "clxxxx",
            "title": "My Voice Clone",
            "description": "A custom voice description",
            "coverImage": "https://example.com/cover.jpg",
            "audioUrl": "https://your-storage.com/voices/user123/1234567890-voice.mp3",
            "duration": 125.3,
            "tags": ["male", "young"],
            "createdAt": "2024-01-01T00:00:00.000Z"
        }
    })
}

/// Bytes that look like the start of an MP3 and contain CRLFs and dashes, so a sloppy multipart
/// encoder or parser would trip over them.

#[tokio::test]
async fn clone_voice_uploads_bytes_with_every_documented_field() {
    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path("/api/v1/voice-clone")
                .header("authorization", BEARER)
                .header_prefix("content-type", "multipart/form-data; boundary=");
            then.respond_with(recorder.respond(200, cloned()));
        })
        .await;

    // requestBody example `curl_with_metadata`.
    let response = client(&server)
        .clone_voice()
        .body_map(|body| {
            body.title("My Voice Clone".to_owned())
                .description(
                    VoiceCloneFormDescription::try_from("A custom voice description").unwrap(),
                )
                .cover_image("https://example.com/cover.jpg".to_owned())
                .tags(vec![
                    "male".to_owned(),
                    "young".to_owned(),
                    "energetic".to_owned(),
                ])
        })
        .voice(
            FilePart::from_bytes(MP3_BYTES)
                .file_name("voice.mp3")
                .content_type("audio/mpeg"),
        )
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(
        multipart_parts(&recorder.single()).await,
        [
            Part::text("coverImage", "https://example.com/cover.jpg"),
            Part::text("description", "A custom voice description"),
            // x-form-text.tags: the compact JSON array text the cURL call sends.
            Part::text("tags", r#"["male","young","energetic"]"#),
            Part::text("title", "My Voice Clone"),
            Part::file("voice", "voice.mp3", "audio/mpeg", MP3_BYTES),
        ]
    );
    assert_eq!(response.status().as_u16(), 200);
    let response = response.into_inner();
    assert!(response.success);
    assert_eq!(response.voice_id, ID);
    let voice = response.voice;
    assert_eq!(voice.id, ID);
    assert_eq!(voice.title, "My Voice Clone");
    assert_eq!(
        voice.description.as_deref(),
        Some("A custom voice description")
    );
    assert_eq!(
        voice.cover_image.as_deref(),
        Some("https://example.com/cover.jpg")
    );
    assert_eq!(
        voice.audio_url,
        "https://your-storage.com/voices/user123/1234567890-voice.mp3"
    );
    assert_eq!(voice.duration, Some(125.3));
    assert_eq!(voice.tags, ["male", "young"]);
    assert_eq!(voice.created_at, "2024-01-01T00:00:00.000Z");
}

#[tokio::test]
async fn clone_voice_streams_the_voice_file_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("voice.mp3");
    // MP3 bytes: the client checks a voice file's leading bytes before uploading it.
    let audio = fake_mp3(300_000);
    std::fs::write(&path, &audio).unwrap();

    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path("/api/v1/voice-clone")
                .header("authorization", BEARER)
                .header_prefix("content-type", "multipart/form-data; boundary=");
            then.respond_with(recorder.respond(200, cloned()));
        })
        .await;

    // requestBody example `curl_basic`: the voice file only, sent as `voice.mp3`; its type is
    // guessed from the extension.
    let response = client(&server)
        .clone_voice()
        .voice(FilePart::from_path(&path))
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(
        multipart_parts(&recorder.single()).await,
        [Part::file("voice", "voice.mp3", "audio/mpeg", &audio)]
    );
    assert_eq!(response.voice_id, ID);
}

/// A complete 8 kHz mono 16-bit PCM WAV file of four silent samples.
fn small_wav() -> Vec<u8> {
    let mut wav = b"RIFF\x2c\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0".to_vec();
    wav.extend_from_slice(&8000u32.to_le_bytes());
    wav.extend_from_slice(&16000u32.to_le_bytes());
    wav.extend_from_slice(b"\x02\0\x10\0data\x08\0\0\0");
    wav.extend_from_slice(&[0; 8]);
    wav
}

#[tokio::test]
async fn clone_voice_uploads_a_real_wav_file_whose_leading_bytes_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sample.wav");
    std::fs::write(&path, small_wav()).unwrap();

    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::POST).path("/api/v1/voice-clone");
            then.respond_with(recorder.respond(200, cloned()));
        })
        .await;

    let response = client(&server)
        .clone_voice()
        .voice(FilePart::from_path(&path))
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(
        multipart_parts(&recorder.single()).await,
        [Part::file("voice", "sample.wav", "audio/wav", &small_wav())]
    );
    assert_eq!(response.voice_id, ID);
}

#[tokio::test]
async fn list_voices_sends_the_documented_filters_and_decodes_the_page() {
    let server = MockServer::start_async().await;
    // Parameter examples `javascript_fetch`.
    let query = [
        ("page", "1"),
        ("limit", "20"),
        ("status", "COMPLETED"),
        ("sortBy", "createdAt"),
        ("sortOrder", "desc"),
    ];
    let mock = server
        .mock_async(|when, then| {
            let mut when = when
                .method(Method::GET)
                .path("/api/v1/voices")
                .header("authorization", BEARER)
                .is_true(exact_query(&query));
            for (name, value) in query {
                when = when.query_param(name, value);
            }
            // responses.200 example `one_voice`.
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    json!({
                        "success": true,
                        "voices": [{
                            "id": "clxxxx",
                            "title": "My Voice Clone",
                            "description": "A custom voice description",
                            "coverImage": "https://example.com/cover.jpg",
                            "audioUrl": "https://your-storage.com/voices/user123/voice.mp3",
                            "duration": 125,
                            "status": "COMPLETED",
                            "type": "USER",
                            "isPublic": false,
                            "popularity": 0,
                            "tags": ["male", "young"],
                            "usageCount": 15,
                            "createdAt": "2024-01-01T00:00:00.000Z",
                            "updatedAt": "2024-01-01T00:00:00.000Z"
                        }],
                        "pagination": {"page": 1, "limit": 20, "total": 1, "totalPages": 1, "hasNext": false, "hasPrev": false}
                    })
                    .to_string(),
                );
        })
        .await;

    let list = client(&server)
        .list_voices()
        .page(ListVoicesPage::try_from(1).unwrap())
        .limit(ListVoicesLimit::try_from(20).unwrap())
        .status(ListVoicesStatus::Completed)
        .sort_by(ListVoicesSortBy::CreatedAt)
        .sort_order(ListVoicesSortOrder::Desc)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert!(list.success);
    assert_eq!(list.voices.len(), 1);
    let voice = &list.voices[0];
    assert_eq!(voice.id, ID);
    assert_eq!(voice.title, "My Voice Clone");
    assert_eq!(voice.status, VoiceStatus::Completed);
    assert_eq!(voice.type_, VoiceType::User);
    assert_eq!(voice.duration, Some(125.0));
    assert_eq!(voice.is_public, Some(false));
    assert_eq!(voice.popularity, Some(0.0));
    assert_eq!(voice.tags, ["male", "young"]);
    assert_eq!(voice.usage_count, 15);
    assert_eq!(
        voice.audio_url.as_deref(),
        Some("https://your-storage.com/voices/user123/voice.mp3")
    );
    assert_eq!(
        voice.updated_at.as_deref(),
        Some("2024-01-01T00:00:00.000Z")
    );
    let page = &list.pagination;
    assert_eq!(
        (page.page, page.limit, page.total, page.total_pages),
        (1, 20, 1, 1)
    );
    assert!(!page.has_next);
    assert!(!page.has_prev);
}

#[tokio::test]
async fn create_speech_sends_the_documented_body_and_decodes_the_processing_task() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path("/api/v1/tts")
                .header("authorization", BEARER)
                .header("content-type", "application/json")
                // requestBody example `curl` (identical in `javascript_fetch` and `python`).
                .json_body(json!({"text": SPEECH_TEXT, "voiceId": ID, "format": "mp3"}));
            // responses.200 example `processing`.
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    json!({
                        "success": true,
                        "speechId": "clxxxx",
                        "creditsUsed": 29,
                        "speech": {
                            "id": "clxxxx",
                            "text": SPEECH_TEXT,
                            "format": "mp3",
                            "status": "PROCESSING",
                            "creditsUsed": 29,
                            "createdAt": "2024-01-01T00:00:00.000Z"
                        }
                    })
                    .to_string(),
                );
        })
        .await;

    let created = client(&server)
        .create_speech()
        .body_map(|body| {
            body.text(SPEECH_TEXT)
                .voice_id(ID)
                .format(SpeechRequestFormat::Mp3)
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert!(created.success);
    assert_eq!(created.speech_id, ID);
    assert_eq!(created.credits_used, 29);
    let speech = created.speech;
    assert_eq!(speech.id, ID);
    assert_eq!(speech.text, SPEECH_TEXT);
    assert_eq!(speech.format, SpeechAudioFormat::Mp3);
    assert_eq!(speech.status, SpeechProcessingStatus::Processing);
    assert_eq!(speech.credits_used, 29);
    assert_eq!(speech.audio_url, None);
    assert_eq!(speech.voice.map(|v| v.id), None);
}

#[tokio::test]
async fn get_speech_decodes_the_completed_speech() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            // Parameter example `curl`.
            when.method(Method::GET)
                .path("/api/v1/tts/clxxxx")
                .header("authorization", BEARER)
                .is_true(exact_query(&[]));
            // responses.200 example `completed`.
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    json!({
                        "success": true,
                        "speech": {
                            "id": "clxxxx",
                            "text": SPEECH_TEXT,
                            "audioUrl": "https://your-storage.com/speeches/user123/speech.mp3",
                            "format": "mp3",
                            "duration": 3.5,
                            "status": "COMPLETED",
                            "creditsUsed": 29,
                            "createdAt": "2024-01-01T00:00:00.000Z",
                            "updatedAt": "2024-01-01T00:00:15.000Z",
                            "voice": {"id": "clxxxx", "title": "My Voice", "coverImage": "https://example.com/cover.jpg", "type": "USER"}
                        }
                    })
                    .to_string(),
                );
        })
        .await;

    let status = client(&server)
        .get_speech()
        .speech_id(ID)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert!(status.success);
    let speech = status.speech;
    assert_eq!(speech.status, SpeechProcessingStatus::Completed);
    assert_eq!(
        speech.audio_url.as_deref(),
        Some("https://your-storage.com/speeches/user123/speech.mp3")
    );
    assert_eq!(speech.format, SpeechAudioFormat::Mp3);
    assert_eq!(speech.duration, Some(3.5));
    assert_eq!(speech.credits_used, 29);
    assert_eq!(
        speech.updated_at.as_deref(),
        Some("2024-01-01T00:00:15.000Z")
    );
    let voice = speech.voice.expect("voice");
    assert_eq!(voice.id, ID);
    assert_eq!(voice.title, "My Voice");
    assert_eq!(
        voice.cover_image.as_deref(),
        Some("https://example.com/cover.jpg")
    );
    assert_eq!(voice.type_, VoiceType::User);
}

#[tokio::test]
async fn get_credits_decodes_the_balance() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::GET)
                .path("/api/v1/credits")
                .header("authorization", BEARER)
                .is_true(exact_query(&[]));
            // responses.200 example `balance`.
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"success": true, "credits": 5000, "breakdown": {"regular": 3000, "permanent": 2000, "resetAt": "2024-02-01T00:00:00.000Z"}}"#,
                );
        })
        .await;

    let balance = client(&server)
        .get_credits()
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert!(balance.success);
    assert_eq!(balance.credits, 5000);
    assert_eq!(balance.breakdown.regular, 3000);
    assert_eq!(balance.breakdown.permanent, 2000);
    assert_eq!(
        balance.breakdown.reset_at.as_deref(),
        Some("2024-02-01T00:00:00.000Z")
    );
}

#[tokio::test]
async fn documented_errors_decode_to_the_typed_error_body() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    // `POST /tts` responses.429 example `insufficient_credits`.
    let tts = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path("/api/v1/tts")
                .header("authorization", BEARER);
            then.status(429)
                .header("content-type", "application/json")
                .body(r#"{"error": "Insufficient credits", "code": "USAGE_LIMIT_EXCEEDED", "credits": 10, "needCredits": 29}"#);
        })
        .await;
    // `GET /tts/{speechId}` responses.404 example `speech_not_found`.
    let speech = server
        .mock_async(|when, then| {
            when.method(Method::GET)
                .path("/api/v1/tts/clmissing")
                .header("authorization", BEARER);
            then.status(404)
                .header("content-type", "application/json")
                .body(r#"{"code": "NOT_FOUND", "error": "Speech not found or access denied"}"#);
        })
        .await;
    // `POST /voice-clone` responses.400 example `invalid_file_type`.
    let clone = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path("/api/v1/voice-clone")
                .header("authorization", BEARER);
            then.status(400)
                .header("content-type", "application/json")
                .body(r#"{"code": "INVALID_PARAMETERS", "error": "Invalid file type. Supported formats: MP3, WAV, WebM"}"#);
        })
        .await;
    // `GET /credits` responses.401 example `unauthorized`.
    let credits = server
        .mock_async(|when, then| {
            when.method(Method::GET)
                .path("/api/v1/credits")
                .header("authorization", BEARER);
            then.status(401)
                .header("content-type", "application/json")
                .body(r#"{"code": "UNAUTHORIZED", "error": "Authentication required"}"#);
        })
        .await;

    let error = client
        .create_speech()
        .body_map(|body| body.text(SPEECH_TEXT).voice_id(ID))
        .send()
        .await
        .unwrap_err();
    let Error::ErrorResponse(response) = error else {
        panic!("expected a documented error response, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(response.code, ErrorCode::UsageLimitExceeded);
    assert_eq!(response.error, "Insufficient credits");
    assert_eq!(response.credits, Some(10));
    assert_eq!(response.need_credits, Some(29));

    let error = client
        .get_speech()
        .speech_id("clmissing")
        .send()
        .await
        .unwrap_err();
    let Error::ErrorResponse(response) = error else {
        panic!("expected a documented error response, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(response.code, ErrorCode::NotFound);
    assert_eq!(response.error, "Speech not found or access denied");
    assert_eq!(response.credits, None);

    let error = client
        .clone_voice()
        .voice(
            FilePart::from_bytes(MP3_BYTES)
                .file_name("voice.webm")
                .content_type("audio/webm;codecs=opus"),
        )
        .send()
        .await
        .unwrap_err();
    let Error::ErrorResponse(response) = error else {
        panic!("expected a documented error response, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(response.code, ErrorCode::InvalidParameters);
    assert_eq!(
        response.error,
        "Invalid file type. Supported formats: MP3, WAV, WebM"
    );

    let error = client.get_credits().send().await.unwrap_err();
    let Error::ErrorResponse(response) = error else {
        panic!("expected a documented error response, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 401);
    assert_eq!(response.code, ErrorCode::Unauthorized);
    assert_eq!(response.error, "Authentication required");

    for mock in [&tts, &speech, &clone, &credits] {
        mock.assert_async().await;
    }
}

#[tokio::test]
async fn undocumented_status_and_error_code_values_decode_to_unknown() {
    let server = MockServer::start_async().await;
    let status = server
        .mock_async(|when, then| {
            when.method(Method::GET)
                .path("/api/v1/tts/clxxxx")
                .header("authorization", BEARER);
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    json!({"success": true, "speech": {"id": "clxxxx", "text": SPEECH_TEXT, "format": "flac", "status": "QUEUED", "creditsUsed": 29, "createdAt": "2024-01-01T00:00:00.000Z"}})
                        .to_string(),
                );
        })
        .await;
    let credits = server
        .mock_async(|when, then| {
            when.method(Method::GET)
                .path("/api/v1/credits")
                .header("authorization", BEARER);
            then.status(500)
                .header("content-type", "application/json")
                .body(r#"{"code": "MAINTENANCE", "error": "Back soon"}"#);
        })
        .await;
    let client = client(&server);

    let speech = client
        .get_speech()
        .speech_id(ID)
        .send()
        .await
        .unwrap()
        .into_inner()
        .speech;
    assert_eq!(
        speech.status,
        SpeechProcessingStatus::Unknown("QUEUED".into())
    );
    assert_eq!(speech.format, SpeechAudioFormat::Unknown("flac".into()));

    let error = client.get_credits().send().await.unwrap_err();
    let Error::ErrorResponse(response) = error else {
        panic!("expected a documented error response, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 500);
    assert_eq!(response.code, ErrorCode::Unknown("MAINTENANCE".into()));

    status.assert_async().await;
    credits.assert_async().await;
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

    // `text` is limited to 5000 UTF-8 bytes: 2000 characters of 3 bytes each are 6000 bytes.
    let cjk = "語".repeat(2000);
    assert_eq!(
        SpeechRequestText::try_from(cjk.as_str())
            .unwrap_err()
            .to_string(),
        "`text` must be at most 5000 UTF-8 bytes (got 6000)"
    );
    let message = invalid_request(
        client
            .create_speech()
            .body_map(|body| body.text(cjk.as_str()).voice_id(ID))
            .send()
            .await,
    );
    assert!(
        message.contains("`text` must be at most 5000 UTF-8 bytes (got 6000)"),
        "{message}"
    );

    // Empty text is refused (`minLength: 1`, an inference marked x-source 3rd).
    let message = invalid_request(
        client
            .create_speech()
            .body_map(|body| body.text("").voice_id(ID))
            .send()
            .await,
    );
    assert_eq!(message, "`text` must be at least 1 character (got 0)");

    // `voice` is at most 20 MiB (erratum voice-max-20mb-mib), from memory ...
    let message = invalid_request(
        client
            .clone_voice()
            .voice(
                FilePart::from_bytes(vec![0u8; 20 * 1024 * 1024 + 1])
                    .file_name("voice.mp3")
                    .content_type("audio/mpeg"),
            )
            .send()
            .await,
    );
    assert_eq!(
        message,
        "file part `voice` is 20971521 bytes; the limit is 20971520 bytes"
    );

    // ... or from disk (a sparse file: nothing is read).
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.mp3");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(20 * 1024 * 1024 + 1)
        .unwrap();
    let message = invalid_request(
        client
            .clone_voice()
            .voice(FilePart::from_path(&big))
            .send()
            .await,
    );
    assert!(message.contains("the limit is 20971520 bytes"), "{message}");

    // `voice` must be MP3, WAV or WebM: a stated wrong type, a guessed wrong type, or no type.
    let message = invalid_request(
        client
            .clone_voice()
            .voice(
                FilePart::from_bytes(MP3_BYTES)
                    .file_name("voice.txt")
                    .content_type("text/plain"),
            )
            .send()
            .await,
    );
    assert!(
        message
            .starts_with("file part `voice` has content type `text/plain`; accepted: audio/mpeg"),
        "{message}"
    );
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "not audio").unwrap();
    let message = invalid_request(
        client
            .clone_voice()
            .voice(FilePart::from_path(&notes))
            .send()
            .await,
    );
    assert!(message.contains("`text/plain`"), "{message}");
    let message = invalid_request(
        client
            .clone_voice()
            .voice(FilePart::from_bytes(MP3_BYTES))
            .send()
            .await,
    );
    assert!(message.contains("has no content type"), "{message}");

    // A text file named `.mp3` has the right extension but is not audio: its leading bytes say so.
    let fake = dir.path().join("x.mp3");
    std::fs::write(&fake, "Dear diary, today I recorded nothing.\n").unwrap();
    let message = invalid_request(
        client
            .clone_voice()
            .voice(FilePart::from_path(&fake))
            .send()
            .await,
    );
    assert_eq!(
        message,
        "file part `voice` was not sent: its content is not recognised as audio; accepted types: \
         audio/mpeg, audio/mp3, audio/wav, audio/x-wav, audio/wave, audio/webm, video/webm"
    );

    // `voice` is required.
    let message = invalid_request(client.clone_voice().send().await);
    assert!(message.contains("`voice`"), "{message}");

    // `description` is at most 500 characters: such a value cannot be built.
    assert_eq!(
        VoiceCloneFormDescription::try_from("x".repeat(501))
            .unwrap_err()
            .to_string(),
        "`description` must be at most 500 characters (got 501)"
    );

    // `limit` is 1..=100.
    assert_eq!(
        ListVoicesLimit::try_from(101).unwrap_err().to_string(),
        "`limit` must be at most 100 (got 101)"
    );
    let message = invalid_request(client.list_voices().limit(101i64).send().await);
    assert!(message.contains("limit"), "{message}");

    any_request.assert_calls_async(0).await;
}
