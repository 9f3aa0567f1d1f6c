//! The white-label voice-clone API: clone a voice (upload), speak with it (a job).

use std::path::Path;

use futures_util::future::BoxFuture;
use serde_json::json;
use speech_client_runtime::FilePart;
use voiceclone_client::{jobs, types};

use super::connection::{Connection, generated_client};
use super::typed;
use crate::call::{json, send};
use crate::deadline::Deadline;
use crate::error::Error;
use crate::handle::JobHandle;
use crate::job::Freshness;
use crate::options::Wait;
use crate::speech::{CloneVoice, Speech, SpeechRequest, Synthesize};

generated_client!(voiceclone_client);

/// The voice-clone API. `from_env` reads `VOICECLONE_API_KEY` and `VOICECLONE_BASE_URL` (the API
/// is deployed per customer; the documentation's host is a placeholder).
pub type VoiceClone = Connection<voiceclone_client::Client>;

/// The status call's parameter that carries the speech id.
const ID: &str = "speechId";

impl VoiceClone {
    /// Starts a speech with every option of the API, and waits for it.
    pub async fn speak(&self, request: types::SpeechRequest, wait: &Wait) -> Result<Speech, Error> {
        let deadline = Deadline::after(wait.deadline);
        let start = &jobs::CREATE_SPEECH;
        let created = send(self.calls(), start.operation, &deadline, |_| {
            self.client.create_speech().body(request.clone()).send()
        })
        .await?
        .into_inner();
        let job = JobHandle::started(start, &json(&created), Some(ID))?;
        self.wait_speech(&job, Freshness::JustStarted, wait, &deadline)
            .await
    }

    /// Waits for a speech started earlier (to resume after a deadline).
    pub async fn wait_for_speech(&self, speech_id: &str, wait: &Wait) -> Result<Speech, Error> {
        let job = JobHandle::with_id(jobs::GET_SPEECH.operation, Some(ID), speech_id);
        self.resume_synthesis(&job, wait).await
    }

    async fn wait_speech(
        &self,
        job: &JobHandle,
        freshness: Freshness,
        wait: &Wait,
        deadline: &Deadline,
    ) -> Result<Speech, Error> {
        let status = &jobs::GET_SPEECH;
        job.expect(status.operation)?;
        let speech_id = job.required(ID)?;
        let finished = self
            .follow(job, freshness, status, (wait, deadline), |_| {
                self.client
                    .get_speech()
                    .speech_id(speech_id.as_str())
                    .send()
            })
            .await?;
        Speech::from_job(&finished)
    }

    /// Waits until a cloned voice is ready to speak with: the clone response has no status, so
    /// the voice is looked up in the newest voices (`x-job-status` of `list_voices`).
    pub async fn wait_for_voice(&self, voice_id: &str, wait: &Wait) -> Result<(), Error> {
        let job = JobHandle::with_id(jobs::LIST_VOICES.operation, None, voice_id);
        self.resume_clone(&job, wait).await.map(drop)
    }

    async fn wait_voice(
        &self,
        job: &JobHandle,
        freshness: Freshness,
        wait: &Wait,
        deadline: &Deadline,
    ) -> Result<String, Error> {
        let status = &jobs::LIST_VOICES;
        job.expect(status.operation)?;
        let newest =
            types::ListVoicesLimit::try_from(100).map_err(|error| Error::InvalidInput {
                message: error.to_string(),
            })?;
        self.follow(job, freshness, status, (wait, deadline), |_| {
            self.client
                .list_voices()
                .sort_by(types::ListVoicesSortBy::CreatedAt)
                .sort_order(types::ListVoicesSortOrder::Desc)
                .limit(newest)
                .send()
        })
        .await?;
        Ok(job.id.clone())
    }
}

impl Synthesize for VoiceClone {
    fn synthesize<'a>(
        &'a self,
        request: &'a SpeechRequest,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<Speech, Error>> {
        Box::pin(async move {
            let mut body = json!({"text": request.text, "voiceId": request.voice});
            if let Some(format) = &request.format {
                body["format"] = json!(format);
            }
            self.speak(typed("speech request", body)?, wait).await
        })
    }

    fn resume_synthesis<'a>(
        &'a self,
        job: &'a JobHandle,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<Speech, Error>> {
        Box::pin(async move {
            let deadline = Deadline::after(wait.deadline);
            self.wait_speech(job, Freshness::Resumed, wait, &deadline)
                .await
        })
    }
}

impl CloneVoice for VoiceClone {
    fn clone_voice<'a>(
        &'a self,
        path: &'a Path,
        title: Option<&'a str>,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<String, Error>> {
        Box::pin(async move {
            let deadline = Deadline::after(wait.deadline);
            let mut form = json!({});
            if let Some(title) = title {
                form["title"] = json!(title);
            }
            let form: types::VoiceCloneForm = typed("voice clone form", form)?;
            let start = &jobs::CLONE_VOICE;
            // The upload is rebuilt from the file for every attempt (a sent stream cannot be reused).
            let cloned = send(self.calls(), start.operation, &deadline, |_| {
                self.client
                    .clone_voice()
                    .body(form.clone())
                    .voice(FilePart::from_path(path))
                    .send()
            })
            .await?
            .into_inner();
            let job = JobHandle::started(start, &json(&cloned), None)?;
            self.wait_voice(&job, Freshness::JustStarted, wait, &deadline)
                .await
        })
    }

    fn resume_clone<'a>(
        &'a self,
        job: &'a JobHandle,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<String, Error>> {
        Box::pin(async move {
            let deadline = Deadline::after(wait.deadline);
            self.wait_voice(job, Freshness::Resumed, wait, &deadline)
                .await
        })
    }
}
