//! Miragic text-to-speech: `cargo run -p speech-facade --example miragic`.
//!
//! With `MIRAGIC_API_KEY` set it talks to the real API (`MIRAGIC_VOICE` picks the voice);
//! otherwise to a local stand-in.

mod common;

use httpmock::Method;
use serde_json::json;
use speech_facade::{ApiKey, Options, Provider};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var_os("MIRAGIC_API_KEY").is_some() {
        let voice = std::env::var("MIRAGIC_VOICE").unwrap_or_else(|_| "alloy".into());
        common::speak_and_save(
            &speech_facade::connect("miragic", Options::default())?,
            &voice,
        )
        .await?;
        return Ok(());
    }
    let local = common::LocalProvider::start();
    let job = |status: &str, url: Option<String>| json!({"success": true, "data": {"id": "job1", "status": status, "audioUrl": url}});
    local
        .submit(Method::POST, "/api/v1/text-to-speech/generate", 200,
            json!({"success": true, "data": {"jobId": "job1", "status": "PENDING"}, "message": "Job created"}))
        .status("/api/v1/text-to-speech/jobs/job1", job("PENDING", None), job("COMPLETED", Some(local.storage_url())));
    let provider = Provider::new(
        "miragic",
        &local.server.base_url(),
        ApiKey::new("local-key"),
        Options::default(),
    )?;
    common::speak_and_save(&provider, "alloy").await?;
    Ok(())
}
