//! NanoGPT: `POST /tts` answers with JSON (an audio URL), with audio bytes, or with a 202 ticket
//! to poll; all three end as one [`Speech`].

use futures_util::TryStreamExt;
use futures_util::future::BoxFuture;
use nanogpt_client::types::SubmitTtsResponse;
use nanogpt_client::{jobs, types};
use serde_json::{Value, json};
use speech_client_runtime::Audio;

use super::connection::{Connection, generated_client};
use super::typed;
use crate::call::{json, send};
use crate::deadline::Deadline;
use crate::download::{DownloadError, DownloadLimits};
use crate::error::{Error, Submission};
use crate::handle::JobHandle;
use crate::job::Freshness;
use crate::options::Wait;
use crate::speech::{AudioResult, Speech, SpeechRequest, Synthesize};

generated_client!(nanogpt_client);

/// NanoGPT text-to-speech. `from_env` reads `NANOGPT_API_KEY`.
pub type NanoGpt = Connection<nanogpt_client::Client>;

/// The status call's parameter that carries the run id.
const ID: &str = "runId";

impl NanoGpt {
    /// Submits with every option of the API; waits when the model answers with a ticket. A direct
    /// audio answer is read within `Options::download` (held in memory).
    pub async fn speak(&self, request: types::TtsRequest, wait: &Wait) -> Result<Speech, Error> {
        let deadline = Deadline::after(wait.deadline);
        let start = &jobs::SUBMIT_TTS;
        let submitted = send(self.calls(), start.operation, &deadline, |_| {
            self.client.submit_tts().body(request.clone()).send()
        })
        .await?
        .into_inner();
        match submitted {
            SubmitTtsResponse::TtsResult(result) => Ok(Speech {
                job_id: None,
                audio: AudioResult::Url(result.audio_url),
            }),
            SubmitTtsResponse::Audio(audio) => {
                let limits = &self.options.download;
                let Some(audio) = deadline.run(read_audio(audio, limits)).await else {
                    // Answered, so accepted and charged, but not received in full.
                    return Err(Error::DeadlineExceeded {
                        submission: Submission::Unconfirmed {
                            operation: start.operation,
                        },
                        last_state: None,
                        last_error: None,
                        elapsed: deadline.elapsed(),
                        polls: 0,
                    });
                };
                Ok(Speech {
                    job_id: None,
                    audio: audio?,
                })
            }
            SubmitTtsResponse::TtsPendingTicket(ticket) => {
                let job = JobHandle::started(start, &json(&ticket), Some(ID))?;
                self.wait_run(&job, Freshness::JustStarted, wait, &deadline)
                    .await
            }
        }
    }

    /// Waits for a run started earlier, from its handle (the run id, the model, and the cost
    /// fields its ticket carried).
    pub async fn wait_for_run(&self, job: &JobHandle, wait: &Wait) -> Result<Speech, Error> {
        self.resume_synthesis(job, wait).await
    }

    async fn wait_run(
        &self,
        job: &JobHandle,
        freshness: Freshness,
        wait: &Wait,
        deadline: &Deadline,
    ) -> Result<Speech, Error> {
        let status = &jobs::GET_TTS_STATUS;
        job.expect(status.operation)?;
        let run_id = job.required(ID)?;
        let model = job.required("model")?;
        let cost = job.optional("cost").and_then(Value::as_f64);
        let payment_source = job.optional("paymentSource").and_then(Value::as_str);
        let is_api_request = job.optional("isApiRequest").and_then(Value::as_bool);
        let finished = self
            .follow(job, freshness, status, (wait, deadline), |_| {
                let mut poll = self
                    .client
                    .get_tts_status()
                    .run_id(run_id.as_str())
                    .model(model.as_str());
                if let Some(cost) = cost {
                    poll = poll.cost(cost);
                }
                if let Some(source) = payment_source {
                    poll = poll.payment_source(source);
                }
                if let Some(flag) = is_api_request {
                    poll = poll.is_api_request(flag);
                }
                poll.send()
            })
            .await?;
        Speech::from_job(&finished)
    }
}

/// Reads a direct audio answer, refusing it as soon as it passes `limits.max_bytes`.
async fn read_audio(audio: Audio, limits: &DownloadLimits) -> Result<AudioResult, Error> {
    let content_type = audio.content_type().map(str::to_owned);
    let mut body = audio.into_stream();
    let mut bytes = bytes::BytesMut::new();
    while let Some(chunk) = body.try_next().await.map_err(Error::transport)? {
        let seen = (bytes.len() + chunk.len()) as u64;
        if seen > limits.max_bytes {
            return Err(Error::from(DownloadError::TooLarge {
                url: format!("the audio answer of `{}`", jobs::SUBMIT_TTS.operation),
                limit: limits.max_bytes,
                seen,
            }));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(AudioResult::Bytes {
        content_type,
        bytes: bytes.freeze(),
    })
}

impl Synthesize for NanoGpt {
    fn synthesize<'a>(
        &'a self,
        request: &'a SpeechRequest,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<Speech, Error>> {
        Box::pin(async move {
            let mut body = json!({"text": request.text, "voice": request.voice});
            if let Some(format) = &request.format {
                body["response_format"] = json!(format);
            }
            self.speak(typed("text-to-speech request", body)?, wait)
                .await
        })
    }

    fn resume_synthesis<'a>(
        &'a self,
        job: &'a JobHandle,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<Speech, Error>> {
        Box::pin(async move {
            let deadline = Deadline::after(wait.deadline);
            self.wait_run(job, Freshness::Resumed, wait, &deadline)
                .await
        })
    }
}
