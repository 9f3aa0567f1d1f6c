//! Audixa text-to-speech: `cargo run -p speech-facade --example audixa`.
//!
//! With `AUDIXA_API_KEY` set it talks to the real API (`AUDIXA_VOICE` picks the voice);
//! otherwise to a local stand-in.

mod common;

use httpmock::Method;
use serde_json::json;
use speech_facade::{ApiKey, Options, Provider};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var_os("AUDIXA_API_KEY").is_some() {
        let voice = std::env::var("AUDIXA_VOICE").unwrap_or_else(|_| "am_ethan".into());
        common::speak_and_save(
            &speech_facade::connect("audixa", Options::default())?,
            &voice,
        )
        .await?;
        return Ok(());
    }
    let local = common::LocalProvider::start();
    let status = |state: &str, url: Option<String>| json!({"status": state, "url": url});
    local
        .submit(
            Method::POST,
            "/v2/tts",
            201,
            json!({"generation_id": "gen1"}),
        )
        .status(
            "/v2/status",
            status("Generating", None),
            status("Completed", Some(local.storage_url())),
        );
    let provider = Provider::new(
        "audixa",
        &local.server.url("/v2"),
        ApiKey::new("local-key"),
        Options::default(),
    )?;
    common::speak_and_save(&provider, "am_ethan").await?;
    Ok(())
}
