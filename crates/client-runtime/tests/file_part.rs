//! File parts on the wire: what a standard multipart parser (multer) makes of a request built from
//! [`FilePart`]s, and which files are refused before anything is sent.

use httpmock::MockServer;
use reqwest::multipart::Form;
use speech_client_runtime::{FilePart, PartRules};
use speech_mock_support::{MP3_BYTES, Part, Recorder, multipart_parts};

const AUDIO: PartRules = PartRules {
    field: "voice",
    max_bytes: Some(1024 * 1024),
    content_types: &["audio/mpeg", "audio/wav", "audio/webm"],
};

const ANY: PartRules = PartRules {
    field: "file",
    max_bytes: None,
    content_types: &[],
};

/// A complete 8 kHz mono 16-bit PCM WAV file of four samples.
fn wav() -> Vec<u8> {
    let samples = [0u8; 8];
    let mut wav = Vec::new();
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + samples.len() as u32).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&8000u32.to_le_bytes());
    wav.extend_from_slice(&16000u32.to_le_bytes());
    wav.extend_from_slice(&2u16.to_le_bytes());
    wav.extend_from_slice(&16u16.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&(samples.len() as u32).to_le_bytes());
    wav.extend_from_slice(&samples);
    wav
}

/// Sends one file part to a loopback server and returns the parts multer reads.
async fn sent_parts(part: FilePart, rules: &PartRules) -> Vec<Part> {
    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    server
        .mock_async(|_, then| {
            then.respond_with(recorder.respond(200, serde_json::json!({})));
        })
        .await;
    let form = Form::new().part(rules.field, part.into_part(rules).await.unwrap());
    let response = reqwest::Client::new()
        .post(server.url("/upload"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    multipart_parts(&recorder.single()).await
}

#[tokio::test]
async fn file_names_with_quotes_and_line_breaks_are_sent_as_browsers_encode_them() {
    let parts = sent_parts(
        FilePart::from_bytes(MP3_BYTES)
            .file_name("my \"best\"\r\nvoice.mp3")
            .content_type("audio/mpeg"),
        &AUDIO,
    )
    .await;
    assert_eq!(
        parts,
        [Part::file(
            "voice",
            "my %22best%22%0D%0Avoice.mp3",
            "audio/mpeg",
            MP3_BYTES
        )]
    );
}

#[tokio::test]
async fn unicode_file_names_arrive_unchanged() {
    let parts = sent_parts(
        FilePart::from_bytes(MP3_BYTES)
            .file_name("voix d'été 語.mp3")
            .content_type("audio/mpeg"),
        &AUDIO,
    )
    .await;
    assert_eq!(
        parts,
        [Part::file(
            "voice",
            "voix d'été 語.mp3",
            "audio/mpeg",
            MP3_BYTES
        )]
    );
}

#[tokio::test]
async fn real_wav_and_mp3_files_from_disk_are_accepted_and_streamed_whole() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, content_type) in [
        ("a.wav", wav(), "audio/wav"),
        ("a.mp3", MP3_BYTES.to_vec(), "audio/mpeg"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let parts = sent_parts(FilePart::from_path(&path), &AUDIO).await;
        assert_eq!(parts, [Part::file("voice", name, content_type, &bytes)]);
    }
}

#[tokio::test]
async fn a_text_file_named_mp3_is_refused_naming_the_field_and_the_accepted_types() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.mp3");
    std::fs::write(&path, "these are my notes, not audio\n".repeat(20)).unwrap();
    let error = FilePart::from_path(&path)
        .into_part(&AUDIO)
        .await
        .unwrap_err();
    assert_eq!(
        error,
        "file part `voice` was not sent: its content is not recognised as audio; accepted types: \
         audio/mpeg, audio/wav, audio/webm"
    );
}

#[tokio::test]
async fn a_file_of_another_recognised_type_is_refused_naming_what_it_is() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
    let error = FilePart::from_bytes(&png[..])
        .file_name("cover.mp3")
        .content_type("audio/mpeg")
        .into_part(&AUDIO)
        .await
        .unwrap_err();
    assert_eq!(
        error,
        "file part `voice` was not sent: its content is image/png (.png), not one of the accepted \
         types: audio/mpeg, audio/wav, audio/webm"
    );
}

#[tokio::test]
async fn a_part_without_accepted_types_is_not_sniffed() {
    let parts = sent_parts(
        FilePart::from_bytes(&b"plain text"[..]).file_name("notes.txt"),
        &ANY,
    )
    .await;
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].data, b"plain text");
}
