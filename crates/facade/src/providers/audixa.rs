//! Audixa: text-to-speech generations, polled by generation id.

use audixa_client::{jobs, types};
use serde_json::json;

use super::connection::{Connection, generated_client};
use super::{job_id, typed};
use crate::call::{Cost, json, poll_json, send};
use crate::error::Error;
use crate::job::wait_job;
use crate::options::Wait;
use crate::speech::{Speech, SpeechRequest, Synthesize};

generated_client!(audixa_client, key: "AUDIXA_API_KEY", base_url: None);

/// Audixa (API v2). `from_env` reads `AUDIXA_API_KEY`.
pub type Audixa = Connection<audixa_client::Client>;

impl Audixa {
    /// Starts a generation with every option of the API (model, speed, emotion, ...), and waits.
    pub async fn speak(&self, request: types::TtsRequest, wait: &Wait) -> Result<Speech, Error> {
        let created = send(
            self.calls(),
            Cost::SpendsCredits,
            "create_tts_generation",
            |_| {
                self.client
                    .create_tts_generation()
                    .body(request.clone())
                    .send()
            },
        )
        .await?
        .into_inner();
        let start = &jobs::CREATE_TTS_GENERATION;
        let id = job_id(
            &start.poll_parameters(&json(&created)),
            "generation_id",
            start.operation,
        )?;
        self.wait_for_generation(&id, wait).await
    }

    /// Waits for a generation started earlier.
    pub async fn wait_for_generation(
        &self,
        generation_id: &str,
        wait: &Wait,
    ) -> Result<Speech, Error> {
        let finished = wait_job(
            generation_id,
            &jobs::GET_GENERATION_STATUS,
            &self.options.wait,
            wait,
            || {
                poll_json(self.calls(), "get_generation_status", |_| {
                    self.client
                        .get_generation_status()
                        .generation_id(generation_id)
                        .send()
                })
            },
        )
        .await?;
        Speech::from_job(&finished)
    }
}

impl Synthesize for Audixa {
    async fn synthesize(&self, request: &SpeechRequest, wait: &Wait) -> Result<Speech, Error> {
        // Audixa offers no format choice in v2.
        let body = typed(
            "text-to-speech request",
            json!({"text": request.text, "voice": request.voice}),
        )?;
        self.speak(body, wait).await
    }
}
