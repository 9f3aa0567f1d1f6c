//! NanoGPT: `POST /tts` answers with JSON (an audio URL), with audio bytes, or with a 202 ticket
//! to poll; all three end as one [`Speech`].

use nanogpt_client::types::SubmitTtsResponse;
use nanogpt_client::{jobs, types};
use serde_json::{Value, json};

use super::connection::{Connection, generated_client};
use super::{job_id, parameter, typed};
use crate::call::{Cost, json, poll_json, send};
use crate::error::Error;
use crate::job::wait_job;
use crate::options::Wait;
use crate::speech::{AudioResult, Speech, SpeechRequest, Synthesize};

generated_client!(nanogpt_client, key: "NANOGPT_API_KEY", base_url: None);

/// NanoGPT text-to-speech. `from_env` reads `NANOGPT_API_KEY`.
pub type NanoGpt = Connection<nanogpt_client::Client>;

impl NanoGpt {
    /// Submits with every option of the API; waits when the model answers with a ticket.
    pub async fn speak(&self, request: types::TtsRequest, wait: &Wait) -> Result<Speech, Error> {
        let submitted = send(self.calls(), Cost::SpendsCredits, "submit_tts", |_| {
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
                let content_type = audio.content_type().map(str::to_owned);
                let bytes = audio.bytes().await.map_err(|source| Error::Transport {
                    message: source.to_string(),
                    source: Some(source),
                })?;
                Ok(Speech {
                    job_id: None,
                    audio: AudioResult::Bytes {
                        content_type,
                        bytes,
                    },
                })
            }
            SubmitTtsResponse::TtsPendingTicket(ticket) => {
                let parameters = jobs::SUBMIT_TTS.poll_parameters(&json(&ticket));
                self.wait_for_run(&parameters, wait).await
            }
        }
    }

    /// Waits for a run started earlier, from its ticket's values (`runId`, `model`, and the cost
    /// fields the ticket carried).
    pub async fn wait_for_run(
        &self,
        ticket: &[(&'static str, Value)],
        wait: &Wait,
    ) -> Result<Speech, Error> {
        let run_id = job_id(ticket, "runId", jobs::SUBMIT_TTS.operation)?;
        let model = job_id(ticket, "model", jobs::SUBMIT_TTS.operation)?;
        let cost = ticket
            .iter()
            .find(|(n, _)| *n == "cost")
            .and_then(|(_, v)| v.as_f64());
        let payment_source = parameter(ticket, "paymentSource");
        let is_api_request = ticket
            .iter()
            .find(|(n, _)| *n == "isApiRequest")
            .and_then(|(_, v)| v.as_bool());
        let finished = wait_job(
            &run_id,
            &jobs::GET_TTS_STATUS,
            &self.options.wait,
            wait,
            || {
                poll_json(self.calls(), "get_tts_status", |_| {
                    let mut poll = self
                        .client
                        .get_tts_status()
                        .run_id(run_id.as_str())
                        .model(model.as_str());
                    if let Some(cost) = cost {
                        poll = poll.cost(cost);
                    }
                    if let Some(source) = &payment_source {
                        poll = poll.payment_source(source.as_str());
                    }
                    if let Some(flag) = is_api_request {
                        poll = poll.is_api_request(flag);
                    }
                    poll.send()
                })
            },
        )
        .await?;
        Speech::from_job(&finished)
    }
}

impl Synthesize for NanoGpt {
    async fn synthesize(&self, request: &SpeechRequest, wait: &Wait) -> Result<Speech, Error> {
        let mut body = json!({"text": request.text, "voice": request.voice});
        if let Some(format) = &request.format {
            body["response_format"] = json!(format);
        }
        self.speak(typed("text-to-speech request", body)?, wait)
            .await
    }
}
