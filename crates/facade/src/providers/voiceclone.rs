//! The white-label voice-clone API: clone a voice (upload), speak with it (a job).

use std::path::Path;

use serde_json::json;
use speech_client_runtime::FilePart;
use voiceclone_client::{jobs, types};

use super::connection::{Connection, generated_client};
use super::{job_id, typed};
use crate::call::{Cost, json, poll_json, send};
use crate::error::Error;
use crate::job::wait_job;
use crate::options::Wait;
use crate::speech::{CloneVoice, Speech, SpeechRequest, Synthesize, missing_result};

generated_client!(voiceclone_client, key: "VOICECLONE_API_KEY", base_url: Some("VOICECLONE_BASE_URL"));

/// The voice-clone API. `from_env` reads `VOICECLONE_API_KEY` and `VOICECLONE_BASE_URL` (the API
/// is deployed per customer; the documentation's host is a placeholder).
pub type VoiceClone = Connection<voiceclone_client::Client>;

impl VoiceClone {
    /// Starts a speech with every option of the API, and waits for it.
    pub async fn speak(&self, request: types::SpeechRequest, wait: &Wait) -> Result<Speech, Error> {
        let created = send(self.calls(), Cost::SpendsCredits, "create_speech", |_| {
            self.client.create_speech().body(request.clone()).send()
        })
        .await?
        .into_inner();
        let start = &jobs::CREATE_SPEECH;
        let speech_id = job_id(
            &start.poll_parameters(&json(&created)),
            "speechId",
            start.operation,
        )?;
        self.wait_for_speech(&speech_id, wait).await
    }

    /// Waits for a speech started earlier (to resume after a deadline).
    pub async fn wait_for_speech(&self, speech_id: &str, wait: &Wait) -> Result<Speech, Error> {
        let finished = wait_job(
            speech_id,
            &jobs::GET_SPEECH,
            &self.options.wait,
            wait,
            || {
                poll_json(self.calls(), "get_speech", |_| {
                    self.client.get_speech().speech_id(speech_id).send()
                })
            },
        )
        .await?;
        Speech::from_job(&finished)
    }
}

impl Synthesize for VoiceClone {
    async fn synthesize(&self, request: &SpeechRequest, wait: &Wait) -> Result<Speech, Error> {
        let mut body = json!({"text": request.text, "voiceId": request.voice});
        if let Some(format) = &request.format {
            body["format"] = json!(format);
        }
        self.speak(typed("speech request", body)?, wait).await
    }
}

impl CloneVoice for VoiceClone {
    async fn clone_voice(
        &self,
        path: &Path,
        title: Option<&str>,
        wait: &Wait,
    ) -> Result<String, Error> {
        let mut form = json!({});
        if let Some(title) = title {
            form["title"] = json!(title);
        }
        let form: types::VoiceCloneForm = typed("voice clone form", form)?;
        // The upload is rebuilt from the file for every attempt (a sent stream cannot be reused).
        let cloned = send(self.calls(), Cost::SpendsCredits, "clone_voice", |_| {
            self.client
                .clone_voice()
                .body(form.clone())
                .voice(FilePart::from_path(path))
                .send()
        })
        .await?
        .into_inner();
        let start = &jobs::CLONE_VOICE;
        let voice_id = start
            .job_id(&json(&cloned))
            .ok_or_else(|| missing_result(start.operation, "a voice id"))?;
        self.wait_for_voice(&voice_id, wait).await?;
        Ok(voice_id)
    }
}

impl VoiceClone {
    /// Waits until a cloned voice is ready to speak with: the clone response has no status, so
    /// the voice is looked up in the newest voices (`x-job-status` of `list_voices`).
    pub async fn wait_for_voice(&self, voice_id: &str, wait: &Wait) -> Result<(), Error> {
        let newest =
            types::ListVoicesLimit::try_from(100).map_err(|error| Error::InvalidInput {
                message: error.to_string(),
            })?;
        wait_job(
            voice_id,
            &jobs::LIST_VOICES,
            &self.options.wait,
            wait,
            || {
                poll_json(self.calls(), "list_voices", |_| {
                    self.client
                        .list_voices()
                        .sort_by(types::ListVoicesSortBy::CreatedAt)
                        .sort_order(types::ListVoicesSortOrder::Desc)
                        .limit(newest)
                        .send()
                })
            },
        )
        .await?;
        Ok(())
    }
}
