//! Audixa: text-to-speech generations, polled by generation id.

use audixa_client::{jobs, types};
use futures_util::future::BoxFuture;
use serde_json::json;

use super::connection::{Connection, generated_client};
use super::typed;
use crate::call::{json, send};
use crate::deadline::Deadline;
use crate::error::Error;
use crate::handle::JobHandle;
use crate::job::Freshness;
use crate::options::Wait;
use crate::speech::{Speech, SpeechRequest, Synthesize};

generated_client!(audixa_client);

/// Audixa (API v2). `from_env` reads `AUDIXA_API_KEY`.
pub type Audixa = Connection<audixa_client::Client>;

/// The status call's parameter that carries the generation id.
const ID: &str = "generation_id";

impl Audixa {
    /// Starts a generation with every option of the API (model, speed, emotion, ...), and waits.
    pub async fn speak(&self, request: types::TtsRequest, wait: &Wait) -> Result<Speech, Error> {
        let deadline = Deadline::after(wait.deadline);
        let start = &jobs::CREATE_TTS_GENERATION;
        let created = send(self.calls(), start.operation, &deadline, |_| {
            self.client
                .create_tts_generation()
                .body(request.clone())
                .send()
        })
        .await?
        .into_inner();
        let job = JobHandle::started(start, &json(&created), Some(ID))?;
        self.wait_generation(&job, Freshness::JustStarted, wait, &deadline)
            .await
    }

    /// Waits for a generation started earlier.
    pub async fn wait_for_generation(
        &self,
        generation_id: &str,
        wait: &Wait,
    ) -> Result<Speech, Error> {
        let job = JobHandle::with_id(
            jobs::GET_GENERATION_STATUS.operation,
            Some(ID),
            generation_id,
        );
        self.resume_synthesis(&job, wait).await
    }

    async fn wait_generation(
        &self,
        job: &JobHandle,
        freshness: Freshness,
        wait: &Wait,
        deadline: &Deadline,
    ) -> Result<Speech, Error> {
        let status = &jobs::GET_GENERATION_STATUS;
        job.expect(status.operation)?;
        let generation_id = job.required(ID)?;
        let finished = self
            .follow(job, freshness, status, (wait, deadline), |_| {
                self.client
                    .get_generation_status()
                    .generation_id(generation_id.as_str())
                    .send()
            })
            .await?;
        Speech::from_job(&finished)
    }
}

impl Synthesize for Audixa {
    fn synthesize<'a>(
        &'a self,
        request: &'a SpeechRequest,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<Speech, Error>> {
        Box::pin(async move {
            // Audixa offers no format choice in v2.
            let body = typed(
                "text-to-speech request",
                json!({"text": request.text, "voice": request.voice}),
            )?;
            self.speak(body, wait).await
        })
    }

    fn resume_synthesis<'a>(
        &'a self,
        job: &'a JobHandle,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<Speech, Error>> {
        Box::pin(async move {
            let deadline = Deadline::after(wait.deadline);
            self.wait_generation(job, Freshness::Resumed, wait, &deadline)
                .await
        })
    }
}
