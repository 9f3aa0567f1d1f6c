//! Voice-clone API text-to-speech: `cargo run -p speech-facade --example voiceclone`.
//!
//! With `VOICECLONE_API_KEY` and `VOICECLONE_BASE_URL` set it talks to that deployment
//! (`VOICECLONE_VOICE` picks the voice); otherwise to a local stand-in.

mod common;

use httpmock::Method;
use serde_json::json;
use speech_facade::{ApiKey, Options, Provider};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var_os("VOICECLONE_API_KEY").is_some() {
        let voice = std::env::var("VOICECLONE_VOICE").unwrap_or_else(|_| "clxxxx".into());
        common::speak_and_save(
            &speech_facade::connect("voiceclone", Options::default())?,
            &voice,
        )
        .await?;
        return Ok(());
    }
    let local = common::LocalProvider::start();
    let speech = |status: &str, url: Option<String>| {
        json!({"success": true, "speech": {"id": "sp1", "text": "Hello", "format": "mp3", "status": status,
            "creditsUsed": 29, "createdAt": "2024-01-01T00:00:00.000Z", "audioUrl": url}})
    };
    let created = json!({"success": true, "speechId": "sp1", "creditsUsed": 29, "speech": {"id": "sp1", "text": "Hello",
        "format": "mp3", "status": "PROCESSING", "creditsUsed": 29, "createdAt": "2024-01-01T00:00:00.000Z"}});
    local
        .submit(Method::POST, "/api/v1/tts", 200, created)
        .status(
            "/api/v1/tts/sp1",
            speech("PROCESSING", None),
            speech("COMPLETED", Some(local.storage_url())),
        );
    let provider = Provider::new(
        "voiceclone",
        &local.server.url("/api/v1"),
        ApiKey::new("local-key"),
        Options::default(),
    )?;
    common::speak_and_save(&provider, "clxxxx").await?;
    Ok(())
}
