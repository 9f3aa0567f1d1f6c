//! Miragic: text-to-speech and speech-to-text, both as jobs.

use std::path::Path;

use futures_util::future::BoxFuture;
use miragic_client::{jobs, types};
use serde_json::json;
use speech_client_runtime::FilePart;

use super::connection::{Connection, generated_client};
use super::typed;
use crate::call::{json, send};
use crate::deadline::Deadline;
use crate::error::Error;
use crate::handle::JobHandle;
use crate::job::Freshness;
use crate::options::Wait;
use crate::speech::{Speech, SpeechRequest, Synthesize, Transcribe, Transcript};

generated_client!(miragic_client);

/// Miragic text-to-speech and speech-to-text. `from_env` reads `MIRAGIC_API_KEY`.
pub type Miragic = Connection<miragic_client::Client>;

/// The status calls' parameter that carries the job id.
const ID: &str = "jobId";

impl Miragic {
    /// Starts a text-to-speech job with every option of the API, and waits for it.
    pub async fn speak(&self, form: types::TextToSpeechForm, wait: &Wait) -> Result<Speech, Error> {
        let deadline = Deadline::after(wait.deadline);
        let start = &jobs::CREATE_TEXT_TO_SPEECH_JOB;
        let created = send(self.calls(), start.operation, &deadline, |_| {
            self.client
                .create_text_to_speech_job()
                .body(form.clone())
                .send()
        })
        .await?
        .into_inner();
        let job = JobHandle::started(start, &json(&created), Some(ID))?;
        self.wait_speech(&job, Freshness::JustStarted, wait, &deadline)
            .await
    }

    /// Waits for a text-to-speech job started earlier.
    pub async fn wait_for_speech(&self, job_id: &str, wait: &Wait) -> Result<Speech, Error> {
        let job = JobHandle::with_id(jobs::GET_TEXT_TO_SPEECH_JOB.operation, Some(ID), job_id);
        self.resume_synthesis(&job, wait).await
    }

    async fn wait_speech(
        &self,
        job: &JobHandle,
        freshness: Freshness,
        wait: &Wait,
        deadline: &Deadline,
    ) -> Result<Speech, Error> {
        let status = &jobs::GET_TEXT_TO_SPEECH_JOB;
        job.expect(status.operation)?;
        let job_id = job.required(ID)?;
        let finished = self
            .follow(job, freshness, status, (wait, deadline), |_| {
                self.client
                    .get_text_to_speech_job()
                    .job_id(job_id.as_str())
                    .send()
            })
            .await?;
        Speech::from_job(&finished)
    }

    /// Uploads audio with every option of the API (format, question), and waits for the text.
    pub async fn transcribe_with(
        &self,
        form: types::SpeechToTextForm,
        path: &Path,
        wait: &Wait,
    ) -> Result<Transcript, Error> {
        let deadline = Deadline::after(wait.deadline);
        let start = &jobs::CREATE_SPEECH_TO_TEXT_JOB;
        // The upload is rebuilt from the file for every attempt.
        let created = send(self.calls(), start.operation, &deadline, |_| {
            self.client
                .create_speech_to_text_job()
                .body(form.clone())
                .file(FilePart::from_path(path))
                .send()
        })
        .await?
        .into_inner();
        let job = JobHandle::started(start, &json(&created), Some(ID))?;
        self.wait_transcript(&job, Freshness::JustStarted, wait, &deadline)
            .await
    }

    /// Waits for a speech-to-text job started earlier.
    pub async fn wait_for_transcript(
        &self,
        job_id: &str,
        wait: &Wait,
    ) -> Result<Transcript, Error> {
        let job = JobHandle::with_id(jobs::GET_SPEECH_TO_TEXT_JOB.operation, Some(ID), job_id);
        self.resume_transcription(&job, wait).await
    }

    async fn wait_transcript(
        &self,
        job: &JobHandle,
        freshness: Freshness,
        wait: &Wait,
        deadline: &Deadline,
    ) -> Result<Transcript, Error> {
        let status = &jobs::GET_SPEECH_TO_TEXT_JOB;
        job.expect(status.operation)?;
        let job_id = job.required(ID)?;
        let finished = self
            .follow(job, freshness, status, (wait, deadline), |_| {
                self.client
                    .get_speech_to_text_job()
                    .job_id(job_id.as_str())
                    .send()
            })
            .await?;
        Ok(Transcript {
            text: finished.text("a transcription")?,
            job_id: finished.job_id,
        })
    }
}

impl Synthesize for Miragic {
    fn synthesize<'a>(
        &'a self,
        request: &'a SpeechRequest,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<Speech, Error>> {
        Box::pin(async move {
            // Miragic offers no format choice; the job's audio is what it produces.
            let form = typed(
                "text-to-speech form",
                json!({"text": request.text, "voice": request.voice}),
            )?;
            self.speak(form, wait).await
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

impl Transcribe for Miragic {
    fn transcribe<'a>(
        &'a self,
        path: &'a Path,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<Transcript, Error>> {
        Box::pin(async move {
            // The documented `audio_format` is the file's own format, read from its extension; a file
            // the API does not accept is refused here.
            let extension = path
                .extension()
                .and_then(|extension| extension.to_str())
                .unwrap_or_default()
                .to_ascii_lowercase();
            let form = typed(
                "speech-to-text form (audio_format from the file extension)",
                json!({"audio_format": extension}),
            )?;
            self.transcribe_with(form, path, wait).await
        })
    }

    fn resume_transcription<'a>(
        &'a self,
        job: &'a JobHandle,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<Transcript, Error>> {
        Box::pin(async move {
            let deadline = Deadline::after(wait.deadline);
            self.wait_transcript(job, Freshness::Resumed, wait, &deadline)
                .await
        })
    }
}
