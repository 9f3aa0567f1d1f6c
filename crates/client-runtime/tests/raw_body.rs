//! Raw binary request bodies on the wire: the exact bytes with the declared media type and a
//! `Content-Length` (a file is streamed, not chunked), the media type picked from the file where
//! the spec declares several, and files refused before anything is sent.

use httpmock::{HttpMockRequest, MockServer};
use speech_client_runtime::{BodyRules, FilePart};
use speech_mock_support::{MP3_BYTES, Recorder};

const OCTET_STREAM: BodyRules = BodyRules {
    max_bytes: Some(4096),
    content_types: &["audio/mpeg", "audio/wav"],
    media_types: &["application/octet-stream"],
};

const AUDIO_TYPES: BodyRules = BodyRules {
    max_bytes: None,
    content_types: &[],
    media_types: &["audio/mpeg", "audio/wav"],
};

const WAV_HEAD: &[u8] =
    b"RIFF\x24\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0\x40\x1f\0\0\x80\x3e\0\0\x02\0\x10\0data\0\0\0\0";

/// Sends `file` as the whole body to a loopback server and returns the request it received.
async fn sent(file: FilePart, rules: &BodyRules) -> HttpMockRequest {
    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    server
        .mock_async(|_, then| {
            then.respond_with(recorder.respond(200, serde_json::json!({})));
        })
        .await;
    let raw = file.into_body(rules).await.unwrap();
    let response = reqwest::Client::new()
        .post(server.url("/upload"))
        .header(reqwest::header::CONTENT_TYPE, raw.content_type)
        .header(reqwest::header::CONTENT_LENGTH, raw.length)
        .body(raw.body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    recorder.single()
}

fn header(request: &HttpMockRequest, name: &str) -> Option<String> {
    request
        .headers_vec()
        .iter()
        .find(|(candidate, _)| candidate.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.clone())
}

#[tokio::test]
async fn a_file_is_streamed_whole_with_the_declared_type_and_its_length() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("voice.mp3");
    std::fs::write(&path, MP3_BYTES).unwrap();
    let request = sent(FilePart::from_path(&path), &OCTET_STREAM).await;
    assert_eq!(request.body_vec(), MP3_BYTES);
    assert_eq!(
        header(&request, "content-type").as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(
        header(&request, "content-length"),
        Some(MP3_BYTES.len().to_string())
    );
    assert_eq!(header(&request, "transfer-encoding"), None);
}

#[tokio::test]
async fn bytes_in_memory_are_sent_as_they_are_and_the_file_is_read_again_for_each_attempt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("voice.mp3");
    std::fs::write(&path, MP3_BYTES).unwrap();
    let file = FilePart::from_path(&path);
    let first = sent(file.clone(), &OCTET_STREAM).await;
    let second = sent(file, &OCTET_STREAM).await;
    assert_eq!(first.body_vec(), second.body_vec());
    let in_memory = sent(FilePart::from_bytes(MP3_BYTES), &OCTET_STREAM).await;
    assert_eq!(in_memory.body_vec(), MP3_BYTES);
}

#[tokio::test]
async fn with_several_declared_types_the_body_goes_as_the_one_of_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let named = dir.path().join("take.wav");
    std::fs::write(&named, WAV_HEAD).unwrap();
    let unnamed = dir.path().join("take");
    std::fs::write(&unnamed, WAV_HEAD).unwrap();
    let cases = [
        (FilePart::from_path(&named), "audio/wav"),
        (FilePart::from_path(&unnamed), "audio/wav"),
        (FilePart::from_bytes(MP3_BYTES), "audio/mpeg"),
        (
            FilePart::from_bytes(&b"not audio"[..]).content_type("audio/wav"),
            "audio/wav",
        ),
    ];
    for (file, expected) in cases {
        let raw = file.into_body(&AUDIO_TYPES).await.unwrap();
        assert_eq!(raw.content_type, expected);
    }
    let error = FilePart::from_bytes(&b"not audio"[..])
        .into_body(&AUDIO_TYPES)
        .await
        .unwrap_err();
    assert!(
        error.contains("not recognised as one of the declared types (audio/mpeg, audio/wav)"),
        "{error}"
    );
}

#[tokio::test]
async fn missing_too_large_or_wrong_files_are_refused_naming_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    let large = dir.path().join("large.mp3");
    let mut bytes = MP3_BYTES.to_vec();
    bytes.resize(4097, 0);
    std::fs::write(&large, &bytes).unwrap();
    let text = dir.path().join("notes.mp3");
    std::fs::write(&text, "just some text").unwrap();
    let cases = [
        (
            FilePart::from_path(dir.path().join("missing.mp3")),
            "the request body: cannot open",
        ),
        (
            FilePart::from_path(&large),
            "the request body is 4097 bytes; the limit is 4096 bytes",
        ),
        (
            FilePart::from_path(&text),
            "the request body was not sent: its content is not recognised as audio",
        ),
        (
            FilePart::from_bytes(MP3_BYTES).content_type("video/mp4"),
            "the request body has content type `video/mp4`; accepted: audio/mpeg, audio/wav",
        ),
    ];
    for (file, expected) in cases {
        let error = file.into_body(&OCTET_STREAM).await.unwrap_err();
        assert!(
            error.contains(expected),
            "expected `{expected}` in: {error}"
        );
    }
}
