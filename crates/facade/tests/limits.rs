//! Every documented limit is refused before anything is sent, with an error that names the field
//! and the limit. Limits the provider-neutral calls take (text, format, upload file) go through
//! the facade against a server that counts requests (it must see none); limits of each provider's
//! own options are enforced by the generated request types the typed methods take, whose
//! constructors refuse the value.

mod common;

use std::time::Duration;

use common::{KEY, options};
use httpmock::MockServer;
use speech_facade::{
    ApiKey, CloneVoice, Error, Provider, SpeechRequest, Synthesize, Transcribe, Wait,
};

/// The message of an `InvalidInput`.
fn refused<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
    match result {
        Err(Error::InvalidInput { message }) => message,
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

fn request(text: String, voice: &str, format: Option<&str>) -> SpeechRequest {
    let request = SpeechRequest::new(text, voice);
    match format {
        Some(format) => request.format(format),
        None => request,
    }
}

fn wait() -> Wait {
    Wait::up_to(Duration::from_secs(5))
}

#[tokio::test]
async fn neutral_calls_refuse_every_documented_limit_before_sending() {
    let server = MockServer::start_async().await;
    let any_request = server
        .mock_async(|_, then| {
            then.status(500);
        })
        .await;
    let key = || ApiKey::new(KEY);
    let voiceclone = Provider::new("voiceclone", &server.url("/api/v1"), key(), options()).unwrap();
    let nanogpt = Provider::new("nanogpt", &server.url("/api"), key(), options()).unwrap();
    let audixa = Provider::new("audixa", &server.url("/v2"), key(), options()).unwrap();
    let miragic = Provider::new("miragic", &server.base_url(), key(), options()).unwrap();
    let dir = tempfile::tempdir().unwrap();

    // (what, message) for each limit; every call must be refused with both parts named.
    let mut cases: Vec<(&str, String, [&str; 2])> = Vec::new();
    let too_many_bytes = "é".repeat(2501); // 2501 characters, 5002 UTF-8 bytes
    cases.push((
        "voice clone text ≤ 5000 UTF-8 bytes",
        refused(
            voiceclone
                .synthesize(&request(too_many_bytes, "v", None), &wait())
                .await,
        ),
        ["`text`", "5000"],
    ));
    cases.push((
        "voice clone format mp3|wav|opus|pcm",
        refused(
            voiceclone
                .synthesize(&request("Hi".into(), "v", Some("flac")), &wait())
                .await,
        ),
        ["`format`", "flac"],
    ));
    let big = dir.path().join("voice.mp3");
    std::fs::write(&big, vec![0u8; 20 * 1024 * 1024 + 1]).unwrap();
    cases.push((
        "voice clone upload ≤ 20 MiB",
        refused(voiceclone.clone_voice(&big, None, &wait()).await),
        ["voice", "20971520"],
    ));
    let text_file = dir.path().join("voice.txt");
    std::fs::write(&text_file, b"not audio").unwrap();
    cases.push((
        "voice clone upload is MP3/WAV/WebM",
        refused(voiceclone.clone_voice(&text_file, None, &wait()).await),
        ["voice", "audio/mpeg"],
    ));
    cases.push((
        "NanoGPT text ≤ 10000 characters",
        refused(
            nanogpt
                .synthesize(&request("a".repeat(10_001), "Rachel", None), &wait())
                .await,
        ),
        ["`text`", "10000"],
    ));
    cases.push((
        "NanoGPT response_format enum",
        refused(
            nanogpt
                .synthesize(&request("Hi".into(), "Rachel", Some("ogg")), &wait())
                .await,
        ),
        ["`response_format`", "ogg"],
    ));
    cases.push((
        "Audixa text ≥ 30 characters",
        refused(
            audixa
                .synthesize(&request("Too short".into(), "am_ethan", None), &wait())
                .await,
        ),
        ["`text`", "30"],
    ));
    cases.push((
        "Audixa text ≤ 5000 characters",
        refused(
            audixa
                .synthesize(&request("a".repeat(5001), "am_ethan", None), &wait())
                .await,
        ),
        ["`text`", "5000"],
    ));
    let ogg = dir.path().join("audio.ogg");
    std::fs::write(&ogg, b"OggS").unwrap();
    cases.push((
        "Miragic audio_format mp3|wav",
        refused(miragic.transcribe(&ogg, &wait()).await),
        ["`audio_format`", "ogg"],
    ));
    cases.push((
        "Miragic text not empty",
        refused(
            miragic
                .synthesize(&request(String::new(), "alloy", None), &wait())
                .await,
        ),
        ["`text`", "at least 1 character"],
    ));
    cases.push((
        "NanoGPT text not empty",
        refused(
            nanogpt
                .synthesize(&request(String::new(), "Rachel", None), &wait())
                .await,
        ),
        ["`text`", "at least 1 character"],
    ));
    cases.push((
        "voice clone text not empty",
        refused(
            voiceclone
                .synthesize(&request(String::new(), "v", None), &wait())
                .await,
        ),
        ["`text`", "at least 1 character"],
    ));
    cases.push((
        "Audixa text not empty (its minimum is 30)",
        refused(
            audixa
                .synthesize(&request(String::new(), "am_ethan", None), &wait())
                .await,
        ),
        ["`text`", "at least 30 characters"],
    ));

    for (what, message, parts) in cases {
        for part in parts {
            assert!(
                message.contains(part),
                "{what}: `{part}` not in \"{message}\""
            );
        }
        // A message names its field once, and reads as a sentence, not as debug output.
        let field = parts[0];
        if field.starts_with('`') {
            assert_eq!(message.matches(field).count(), 1, "{what}: \"{message}\"");
        }
        assert!(!message.contains("Some("), "{what}: \"{message}\"");
    }
    any_request.assert_calls_async(0).await;
}

/// The typed methods (`speak`) take the generated request types: a value outside a documented
/// range cannot be built, and the error names the field and the range.
#[test]
fn provider_options_outside_their_documented_ranges_cannot_be_built() {
    use audixa_client::types as audixa;
    use nanogpt_client::types as nanogpt;
    use voiceclone_client::types as voiceclone;

    let cases: Vec<(&str, String, [&str; 2])> = vec![
        (
            "NanoGPT speed 0.1–5",
            nanogpt::TtsRequestSpeed::try_from(5.5)
                .unwrap_err()
                .to_string(),
            ["`speed`", "at most 5"],
        ),
        (
            "NanoGPT speed 0.1–5",
            nanogpt::TtsRequestSpeed::try_from(0.05)
                .unwrap_err()
                .to_string(),
            ["`speed`", "at least 0.1"],
        ),
        (
            "NanoGPT stability 0–1",
            nanogpt::TtsRequestStability::try_from(1.5)
                .unwrap_err()
                .to_string(),
            ["`stability`", "at most 1"],
        ),
        (
            "NanoGPT similarity_boost 0–1",
            nanogpt::TtsRequestSimilarityBoost::try_from(-0.1)
                .unwrap_err()
                .to_string(),
            ["`similarity_boost`", "at least 0"],
        ),
        (
            "NanoGPT style 0–1",
            nanogpt::TtsRequestStyle::try_from(2.0)
                .unwrap_err()
                .to_string(),
            ["`style`", "at most 1"],
        ),
        (
            "Audixa speed 0.5–2.0",
            audixa::TtsRequestSpeed::try_from(2.5)
                .unwrap_err()
                .to_string(),
            ["`speed`", "at most 2"],
        ),
        (
            "Audixa temperature 0.7–0.9",
            audixa::TtsRequestTemperature::try_from(1.0)
                .unwrap_err()
                .to_string(),
            ["`temperature`", "at most 0.9"],
        ),
        (
            "Audixa top_p 0.7–0.98",
            audixa::TtsRequestTopP::try_from(0.5)
                .unwrap_err()
                .to_string(),
            ["`top_p`", "at least 0.7"],
        ),
        (
            "voice clone list limit 1–100",
            voiceclone::ListVoicesLimit::try_from(101)
                .unwrap_err()
                .to_string(),
            ["`limit`", "at most 100"],
        ),
        (
            "voice clone list page ≥ 1",
            voiceclone::ListVoicesPage::try_from(0)
                .unwrap_err()
                .to_string(),
            ["`page`", "at least 1"],
        ),
    ];
    for (what, message, parts) in cases {
        for part in parts {
            assert!(
                message.contains(part),
                "{what}: `{part}` not in \"{message}\""
            );
        }
        // A message names its field once, and reads as a sentence, not as debug output.
        let field = parts[0];
        if field.starts_with('`') {
            assert_eq!(message.matches(field).count(), 1, "{what}: \"{message}\"");
        }
        assert!(!message.contains("Some("), "{what}: \"{message}\"");
    }
    // Enumerations refuse values the spec does not list.
    assert!(audixa::TtsRequestEmotion::try_from("furious").is_err());
    assert!(audixa::TtsRequestModel::try_from("basic").is_err());
    assert!(nanogpt::TtsRequestModel::try_from("tts-2").is_err());
    assert!(voiceclone::ListVoicesSortBy::try_from("name").is_err());
}
