//! Every operation of `specs/miragic.yaml` against a local mock server, with the values of the
//! spec's documented examples: what the server receives (method, path, `X-API-Key`, multipart parts)
//! and what the client decodes.

use httpmock::{Method, MockServer};
use miragic_client::types::{JobStatus, SpeechToTextFormAudioFormat, Timestamp};
use miragic_client::{Client, Error};
use serde_json::{Value, json};
use speech_client_runtime::FilePart;
use speech_mock_support::{MP3_BYTES, Part, Recorder, fake_mp3, http_client, multipart_parts};

const API_KEY: &str = "test-miragic-key";
/// The job id every documented "get job" call uses (`parameters[jobId].examples`).
const DOCUMENTED_JOB_ID: &str = "25331fb2-d0b0-44f6fcc85e3e";
const TTS_TEXT: &str = "Say verbatim: A beautiful sunset over the ocean. Where I can make good?";

fn client(server: &MockServer) -> Client {
    Client::new_with_client(&server.base_url(), http_client("X-API-Key", API_KEY))
}

/// The "Job created" body printed for `create_text_to_speech_job` (`responses.200...pending`).
fn tts_job_created() -> Value {
    json!({"success":true,"data":{"jobId":"eddb46cf-ca93-4513-a45d-747a9702c446","status":"PENDING"},"message":"Text-to-speech job created successfully"})
}

/// The "Job created" body printed for `create_speech_to_text_job` (`responses.200...pending`).
fn stt_job_created() -> Value {
    json!({"success":true,"data":{"jobId":"d6527af6-9697-4860-b635-b930a441fbf2","status":"PENDING"},"message":"Speech-to-text job created successfully"})
}

/// Bytes that look like the start of an MP3 and contain CRLFs and dashes, so a sloppy multipart
/// encoder or parser would trip over them.

#[tokio::test]
async fn create_text_to_speech_job_sends_the_documented_form_and_decodes_the_pending_job() {
    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path("/api/v1/text-to-speech/generate")
                .header("X-API-Key", API_KEY)
                .header_prefix("content-type", "multipart/form-data; boundary=");
            then.respond_with(recorder.respond(200, tts_job_created()));
        })
        .await;

    // requestBody example `javascript_fetch`.
    let created = client(&server)
        .create_text_to_speech_job()
        .body_map(|body| body.text(TTS_TEXT).voice("alloy"))
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(
        multipart_parts(&recorder.single()).await,
        [Part::text("text", TTS_TEXT), Part::text("voice", "alloy")]
    );
    assert_eq!(created.status().as_u16(), 200);
    let created = created.into_inner();
    assert!(created.success);
    assert_eq!(created.data.job_id, "eddb46cf-ca93-4513-a45d-747a9702c446");
    assert_eq!(created.data.status, JobStatus::Pending);
    assert_eq!(created.message, "Text-to-speech job created successfully");
}

#[tokio::test]
async fn create_speech_to_text_job_uploads_bytes_with_the_documented_name_and_type() {
    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path("/api/v1/speech-to-text/generate")
                .header("X-API-Key", API_KEY)
                .header_prefix("content-type", "multipart/form-data; boundary=");
            then.respond_with(recorder.respond(200, stt_job_created()));
        })
        .await;

    // requestBody example `python`: x-file-parts {file: {filename: audio.mp3, contentType: audio/mpeg}}.
    let created = client(&server)
        .create_speech_to_text_job()
        .body_map(|body| {
            body.question("Transcribe this audio:".to_owned())
                .audio_format(SpeechToTextFormAudioFormat::Mp3)
        })
        .file(
            FilePart::from_bytes(MP3_BYTES)
                .file_name("audio.mp3")
                .content_type("audio/mpeg"),
        )
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(
        multipart_parts(&recorder.single()).await,
        [
            Part::text("audio_format", "mp3"),
            Part::text("question", "Transcribe this audio:"),
            Part::file("file", "audio.mp3", "audio/mpeg", MP3_BYTES),
        ]
    );
    assert!(created.success);
    assert_eq!(created.data.job_id, "d6527af6-9697-4860-b635-b930a441fbf2");
    assert_eq!(created.data.status, JobStatus::Pending);
    assert_eq!(created.message, "Speech-to-text job created successfully");
}

#[tokio::test]
async fn create_speech_to_text_job_streams_a_file_from_disk_and_sends_the_default_question() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audio.mp3");
    let audio = fake_mp3(200_000);
    std::fs::write(&path, &audio).unwrap();

    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path("/api/v1/speech-to-text/generate")
                .header("X-API-Key", API_KEY)
                .header_prefix("content-type", "multipart/form-data; boundary=");
            then.respond_with(recorder.respond(200, stt_job_created()));
        })
        .await;

    // requestBody example `javascript_fetch` (file path/to/audio.mp3, no stated content type):
    // the file name is the path's last segment and the type is guessed from the extension.
    // `question` is not set: the client sends the documented default (`x-send-default`; the table
    // calls the field required, erratum stt-question-required-with-default).
    let created = client(&server)
        .create_speech_to_text_job()
        .body_map(|body| body.audio_format("mp3"))
        .file(FilePart::from_path(&path))
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(
        multipart_parts(&recorder.single()).await,
        [
            Part::text("audio_format", "mp3"),
            Part::text("question", "Transcribe this audio:"),
            Part::file("file", "audio.mp3", "audio/mpeg", &audio),
        ]
    );
    assert_eq!(created.data.status, JobStatus::Pending);
}

#[tokio::test]
async fn get_text_to_speech_job_decodes_the_completed_job() {
    let server = MockServer::start_async().await;
    // responses.200 example `completed`.
    let completed = json!({"success": true, "data": {"id": "eddb46cf-ca93-4513-a45d-747a9702c446", "userId": "eebf31b5-7bec-445e-8b99-51c0311a389d", "text": "Say verbatim: A beautiful sunset over the ocean. Where I can make good?", "voice": "alloy", "audioUrl": "https://backend.miragic.ai/uploads/textToSpeech/processed/eebf31b5-7bec-445e-8b99-51c0311a389d/7caf97b8-f60f-41f5-9b23-5bccdfca67e2.mp3", "status": "COMPLETED", "errorMessage": null, "metadata": {"apiResponse": {"success": true, "audio_link": "https://www.dropbox.com/scl/fi/pyrh623yt9etrjjeqb9m6/bcfd45b6-17e4-4d78-adeb-1eecddaae0c0.mp3?rlkey=soni37e2h7e1gjip74bfodmjw&raw=1"}, "localAudioPath": "uploads/textToSpeech/processed/eebf31b5-7bec-445e-8b99-51c0311a389d/7caf97b8-f60f-41f5-9b23-5bccdfca67e2.mp3", "processingTimeMs": 7082}, "creditsUsed": 2, "createdAt": "2025-11-04T14:58:15.547Z", "updatedAt": "2025-11-04T14:58:22.630Z"}});
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::GET)
                .path(format!("/api/v1/text-to-speech/jobs/{DOCUMENTED_JOB_ID}"))
                .header("X-API-Key", API_KEY)
                .is_true(|request| request.query_params().is_empty());
            then.status(200)
                .header("content-type", "application/json")
                .body(completed.to_string());
        })
        .await;

    let job = client(&server)
        .get_text_to_speech_job()
        .job_id(DOCUMENTED_JOB_ID)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert!(job.success);
    let job = job.data;
    assert_eq!(job.id, "eddb46cf-ca93-4513-a45d-747a9702c446");
    assert_eq!(job.status, JobStatus::Completed);
    assert_eq!(
        job.user_id.as_deref(),
        Some("eebf31b5-7bec-445e-8b99-51c0311a389d")
    );
    assert_eq!(job.text.as_deref(), Some(TTS_TEXT));
    assert_eq!(job.voice.as_deref(), Some("alloy"));
    assert_eq!(
        job.audio_url.as_deref(),
        Some(
            "https://backend.miragic.ai/uploads/textToSpeech/processed/eebf31b5-7bec-445e-8b99-51c0311a389d/7caf97b8-f60f-41f5-9b23-5bccdfca67e2.mp3"
        )
    );
    assert_eq!(job.audio_link, None);
    assert_eq!(job.error_message, None);
    assert_eq!(job.progress, None);
    assert_eq!(job.credits_used, Some(2));
    assert!(
        matches!(&job.created_at, Some(Timestamp::String(at)) if at == "2025-11-04T14:58:15.547Z"),
        "{:?}",
        job.created_at
    );
    assert!(
        matches!(&job.updated_at, Some(Timestamp::String(at)) if at == "2025-11-04T14:58:22.630Z"),
        "{:?}",
        job.updated_at
    );
    let metadata = job.metadata.expect("metadata");
    assert_eq!(metadata.processing_time_ms, Some(7082));
    assert_eq!(
        metadata.local_audio_path.as_deref(),
        Some(
            "uploads/textToSpeech/processed/eebf31b5-7bec-445e-8b99-51c0311a389d/7caf97b8-f60f-41f5-9b23-5bccdfca67e2.mp3"
        )
    );
    let upstream = metadata.api_response.expect("apiResponse");
    assert_eq!(upstream.success, Some(true));
    assert_eq!(
        upstream.audio_link.as_deref(),
        Some(
            "https://www.dropbox.com/scl/fi/pyrh623yt9etrjjeqb9m6/bcfd45b6-17e4-4d78-adeb-1eecddaae0c0.mp3?rlkey=soni37e2h7e1gjip74bfodmjw&raw=1"
        )
    );
}

#[tokio::test]
async fn get_speech_to_text_job_decodes_the_completed_job() {
    let server = MockServer::start_async().await;
    let transcription = "The content provided appears to be audio, and I'm unable to transcribe or process voice recordings. If you have any text-based questions or need assistance, feel free to ask!";
    // responses.200 example `completed`.
    let completed = json!({"success": true, "data": {"id": "d6527af6-9697-4860-b635-b930a441fbf2", "userId": "eebf31b5-7bec-445e-8b99-51c0311a389d", "audioFileName": "3.mp3", "audioUrl": "https://backend.miragic.ai/uploads/speechToText/1762344258701-12284807.mp3", "question": "Transcribe this audio:", "audioFormat": "mp3", "transcription": transcription, "status": "COMPLETED", "errorMessage": null, "metadata": {"apiResponse": {"success": true, "transcription": transcription}, "audioFilePath": "/var/www/html/MiragicAI/backend/uploads/speechToText/1762344258701-12284807.mp3", "processingTimeMs": 9937}, "creditsUsed": 2, "createdAt": "2025-11-05T12:04:18.785Z", "updatedAt": "2025-11-05T12:04:28.723Z"}});
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::GET)
                .path(format!("/api/v1/speech-to-text/jobs/{DOCUMENTED_JOB_ID}"))
                .header("X-API-Key", API_KEY)
                .is_true(|request| request.query_params().is_empty());
            then.status(200)
                .header("content-type", "application/json")
                .body(completed.to_string());
        })
        .await;

    let job = client(&server)
        .get_speech_to_text_job()
        .job_id(DOCUMENTED_JOB_ID)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert!(job.success);
    let job = job.data;
    assert_eq!(job.id, "d6527af6-9697-4860-b635-b930a441fbf2");
    assert_eq!(job.status, JobStatus::Completed);
    assert_eq!(job.audio_file_name.as_deref(), Some("3.mp3"));
    assert_eq!(
        job.audio_url.as_deref(),
        Some("https://backend.miragic.ai/uploads/speechToText/1762344258701-12284807.mp3")
    );
    assert_eq!(job.question.as_deref(), Some("Transcribe this audio:"));
    assert_eq!(job.audio_format.as_deref(), Some("mp3"));
    assert_eq!(job.transcription.as_deref(), Some(transcription));
    assert_eq!(job.error_message, None);
    assert_eq!(job.credits_used, Some(2));
    assert!(
        matches!(&job.created_at, Some(Timestamp::String(at)) if at == "2025-11-05T12:04:18.785Z"),
        "{:?}",
        job.created_at
    );
    let metadata = job.metadata.expect("metadata");
    assert_eq!(metadata.processing_time_ms, Some(9937));
    assert_eq!(
        metadata.audio_file_path.as_deref(),
        Some("/var/www/html/MiragicAI/backend/uploads/speechToText/1762344258701-12284807.mp3")
    );
    let upstream = metadata.api_response.expect("apiResponse");
    assert_eq!(upstream.success, Some(true));
    assert_eq!(upstream.transcription.as_deref(), Some(transcription));
}

#[tokio::test]
async fn jobs_with_numeric_timestamps_decode_as_the_field_table_types_them() {
    // The Response Fields tables type `createdAt` as Number (Unix timestamp); the examples print
    // strings (errata tts-created-at-type, stt-created-at-type): a server sending numbers is polled
    // like one sending strings.
    let server = MockServer::start_async().await;
    let job = |id: &str| {
        json!({"success": true, "data": {"id": id, "status": "PENDING", "progress": 40,
            "createdAt": 1762264695, "updatedAt": 1762264702.5}})
    };
    for (kind, id) in [("text-to-speech", "tts-1"), ("speech-to-text", "stt-1")] {
        let body = job(id);
        server
            .mock_async(|when, then| {
                when.method(Method::GET)
                    .path(format!("/api/v1/{kind}/jobs/{id}"));
                then.status(200)
                    .header("content-type", "application/json")
                    .body(body.to_string());
            })
            .await;
    }
    let client = client(&server);

    let tts = client
        .get_text_to_speech_job()
        .job_id("tts-1")
        .send()
        .await
        .unwrap()
        .into_inner()
        .data;
    let stt = client
        .get_speech_to_text_job()
        .job_id("stt-1")
        .send()
        .await
        .unwrap()
        .into_inner()
        .data;

    for (created_at, updated_at) in [
        (tts.created_at, tts.updated_at),
        (stt.created_at, stt.updated_at),
    ] {
        assert!(
            matches!(created_at, Some(Timestamp::Number(at)) if at == 1762264695.0),
            "{created_at:?}"
        );
        assert!(
            matches!(updated_at, Some(Timestamp::Number(at)) if at == 1762264702.5),
            "{updated_at:?}"
        );
    }
    assert_eq!(tts.status, JobStatus::Pending);
    assert_eq!(stt.progress, Some(40.0));
}

#[tokio::test]
async fn an_invalid_api_key_decodes_to_the_documented_error_body() {
    let server = MockServer::start_async().await;
    // responses.401 example `invalid_api_key`.
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::GET)
                .path(format!("/api/v1/text-to-speech/jobs/{DOCUMENTED_JOB_ID}"))
                .header("X-API-Key", API_KEY);
            then.status(401)
                .header("content-type", "application/json")
                .body(r#"{"success": false, "error": {"code": "INVALID_API_KEY", "message": "Invalid or expired API key"}}"#);
        })
        .await;

    let error = client(&server)
        .get_text_to_speech_job()
        .job_id(DOCUMENTED_JOB_ID)
        .send()
        .await
        .unwrap_err();

    mock.assert_async().await;
    let Error::ErrorResponse(response) = error else {
        panic!("expected a documented error response, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 401);
    assert!(!response.success);
    assert_eq!(response.message, None);
    assert_eq!(
        response.error,
        Some(json!({"code": "INVALID_API_KEY", "message": "Invalid or expired API key"}))
    );
}

#[tokio::test]
async fn a_server_error_in_the_5xx_range_decodes_to_the_error_body() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path("/api/v1/text-to-speech/generate")
                .header("X-API-Key", API_KEY);
            then.status(503)
                .header("content-type", "application/json")
                .body(r#"{"success": false, "message": "Service unavailable"}"#);
        })
        .await;

    let error = client(&server)
        .create_text_to_speech_job()
        .body_map(|body| body.text(TTS_TEXT).voice("alloy"))
        .send()
        .await
        .unwrap_err();

    mock.assert_async().await;
    let Error::ErrorResponse(response) = error else {
        panic!("expected a documented error response, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 503);
    assert!(!response.success);
    assert_eq!(response.message.as_deref(), Some("Service unavailable"));
}

#[tokio::test]
async fn an_undocumented_job_status_decodes_to_unknown() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::GET)
                .path("/api/v1/speech-to-text/jobs/d6527af6-9697-4860-b635-b930a441fbf2")
                .header("X-API-Key", API_KEY);
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"success": true, "data": {"id": "d6527af6-9697-4860-b635-b930a441fbf2", "status": "QUEUED"}}"#);
        })
        .await;

    let job = client(&server)
        .get_speech_to_text_job()
        .job_id("d6527af6-9697-4860-b635-b930a441fbf2")
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(job.data.status, JobStatus::Unknown("QUEUED".into()));
    assert!(!job.data.status.is_known());
    assert_eq!(job.data.transcription, None);
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

    // `text` has `minLength: 1`.
    let error = client
        .create_text_to_speech_job()
        .body_map(|body| body.text("").voice("alloy"))
        .send()
        .await
        .unwrap_err();
    let Error::InvalidRequest(message) = error else {
        panic!("expected InvalidRequest, got {error:?}");
    };
    assert!(message.contains("text"), "{message}");

    // `file` is required.
    let error = client
        .create_speech_to_text_job()
        .body_map(|body| body.audio_format(SpeechToTextFormAudioFormat::Wav))
        .send()
        .await
        .unwrap_err();
    let Error::InvalidRequest(message) = error else {
        panic!("expected InvalidRequest, got {error:?}");
    };
    assert!(message.contains("`file`"), "{message}");

    // `audio_format` only accepts mp3 or wav.
    let error = client
        .create_speech_to_text_job()
        .body_map(|body| body.audio_format("ogg"))
        .file(FilePart::from_bytes(MP3_BYTES).file_name("audio.ogg"))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");

    // A file that cannot be opened.
    let dir = tempfile::tempdir().unwrap();
    let error = client
        .create_speech_to_text_job()
        .body_map(|body| body.audio_format("mp3"))
        .file(FilePart::from_path(dir.path().join("missing.mp3")))
        .send()
        .await
        .unwrap_err();
    let Error::InvalidRequest(message) = error else {
        panic!("expected InvalidRequest, got {error:?}");
    };
    assert!(message.contains("cannot open"), "{message}");

    // `job_id` is required.
    let error = client.get_text_to_speech_job().send().await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");

    any_request.assert_calls_async(0).await;
}
