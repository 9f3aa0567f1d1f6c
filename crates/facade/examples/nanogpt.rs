//! NanoGPT text-to-speech (an asynchronous model, answered with a 202 ticket):
//! `cargo run -p speech-facade --example nanogpt`.
//!
//! With `NANOGPT_API_KEY` set it talks to the real API (`NANOGPT_VOICE` picks the voice);
//! otherwise to a local stand-in.

mod common;

use httpmock::Method;
use serde_json::json;
use speech_facade::{ApiKey, Options, Provider};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var_os("NANOGPT_API_KEY").is_some() {
        let voice = std::env::var("NANOGPT_VOICE").unwrap_or_else(|_| "af_bella".into());
        common::speak_and_save(
            &speech_facade::connect("nanogpt", Options::default())?,
            &voice,
        )
        .await?;
        return Ok(());
    }
    let local = common::LocalProvider::start();
    let status = |state: &str, url: Option<String>| json!({"status": state, "runId": "run1", "audioUrl": url});
    local
        .submit(Method::POST, "/api/tts", 202,
            json!({"status": "pending", "runId": "run1", "model": "Elevenlabs-V3", "charged": true, "cost": 0.0036}))
        .status("/api/tts/status", status("pending", None), status("completed", Some(local.storage_url())));
    let provider = Provider::new(
        "nanogpt",
        &local.server.url("/api"),
        ApiKey::new("local-key"),
        Options::default(),
    )?;
    common::speak_and_save(&provider, "Rachel").await?;
    Ok(())
}
