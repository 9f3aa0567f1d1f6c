//! The provider-neutral operations, driven by the spec's `x-speech` table: where each neutral
//! value goes in the provider's request, which answer starts a job, where the result is.

use std::borrow::Cow;
use std::path::Path;

use futures_util::TryStreamExt;
use futures_util::future::BoxFuture;
use serde_json::{Map, Value, json};
use speech_client_runtime::Audio;
use speech_client_runtime::FilePart;
use speech_client_runtime::dispatch::{Reply, Request};
use speech_client_runtime::json_body::{JsonBody, JsonDocument};
use speech_client_runtime::neutral::{AudioInput, Place, Target};

use super::{Answer, Provider};
use crate::deadline::Deadline;
use crate::download::{DownloadError, DownloadLimits};
use crate::error::{Error, Submission};
use crate::handle::JobHandle;
use crate::options::Wait;
use crate::speech::{
    AudioResult, CloneVoice, Speech, SpeechRequest, Synthesize, Transcribe, Transcript,
};
use crate::wait::Finished;
use crate::wait::Freshness;

/// A voice the account can speak with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Voice {
    /// What [`SpeechRequest::voice`] takes.
    pub id: String,
    /// Its display name, where the provider lists one.
    pub name: Option<String>,
}

/// The neutral operation `what` (for messages) that the provider does not offer.
fn unsupported(provider: &Provider, what: &'static str) -> Error {
    Error::Unsupported {
        provider: provider.service().name,
        operation: what,
    }
}

impl Provider {
    async fn synthesize_now(&self, request: &SpeechRequest, wait: &Wait) -> Result<Speech, Error> {
        let mapping = self
            .service()
            .speech
            .synthesize
            .ok_or_else(|| unsupported(self, "synthesize"))?;
        let mut call = Request::default();
        place(&mut call, mapping.text, json!(request.text))?;
        place(&mut call, mapping.voice, json!(request.voice))?;
        if let Some(format) = &request.format {
            let target = mapping.format.ok_or_else(|| Error::InvalidInput {
                message: format!(
                    "{} offers no choice of audio format (asked for `{format}`)",
                    self.service().name
                ),
            })?;
            place(&mut call, target, json!(format))?;
        }
        extend(&mut call, &request.options)?;
        let deadline = Deadline::after(wait.deadline);
        let response = self.send(mapping.operation, &call, &deadline).await?;
        match self.started(mapping.operation, response)? {
            Answer::Job(job) => {
                let finished = self
                    .follow(&job, Freshness::JustStarted, wait, &deadline)
                    .await?;
                speech_of(&finished)
            }
            Answer::Direct(Reply::Json(body)) => Ok(Speech {
                job_id: None,
                audio: AudioResult::Url(text_at(&body, mapping.result, mapping.operation)?),
            }),
            Answer::Direct(Reply::Audio(audio)) => {
                let limits = &self.options.download;
                let Some(audio) = deadline
                    .run(read_audio(audio, limits, mapping.operation))
                    .await
                else {
                    // Answered, so accepted and charged, but not received in full.
                    return Err(Error::DeadlineExceeded {
                        submission: Submission::Unconfirmed {
                            operation: mapping.operation,
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
            Answer::Direct(Reply::Empty) => Err(empty_answer(mapping.operation)),
        }
    }

    /// Sends the audio file at `path` as `audio` says: in the request itself, or uploaded first
    /// with its own operation whose answer then goes into the request.
    async fn attach_audio(
        &self,
        call: &mut Request,
        audio: AudioInput,
        path: &Path,
        deadline: &Deadline,
    ) -> Result<(), Error> {
        match audio {
            AudioInput::Direct(target) => place_file(call, target, path),
            AudioInput::Upload {
                operation,
                result,
                into,
            } => {
                let upload = Request {
                    upload: Some(FilePart::from_path(path)),
                    ..Request::default()
                };
                let response = self.send(operation, &upload, deadline).await?;
                let Reply::Json(body) = response.into_inner() else {
                    return Err(empty_answer(operation));
                };
                let value = body
                    .value_at(result)
                    .filter(|value| !value.is_null())
                    .map(Cow::into_owned)
                    .ok_or_else(|| missing(operation, result))?;
                place(call, into, value)
            }
        }
    }

    async fn transcribe_now(&self, path: &Path, wait: &Wait) -> Result<Transcript, Error> {
        let mapping = self
            .service()
            .speech
            .transcribe
            .ok_or_else(|| unsupported(self, "transcribe"))?;
        let deadline = Deadline::after(wait.deadline);
        let mut call = Request::default();
        if let Some(target) = mapping.format {
            // The audio file's own format, read from its extension; a format the API does not
            // accept is refused by the request type, before anything is sent.
            let extension = path
                .extension()
                .and_then(|extension| extension.to_str())
                .unwrap_or_default()
                .to_ascii_lowercase();
            place(&mut call, target, json!(extension))?;
        }
        self.attach_audio(&mut call, mapping.audio, path, &deadline)
            .await?;
        let response = self.send(mapping.operation, &call, &deadline).await?;
        match self.started(mapping.operation, response)? {
            Answer::Job(job) => {
                let finished = self
                    .follow(&job, Freshness::JustStarted, wait, &deadline)
                    .await?;
                transcript_of(&finished)
            }
            Answer::Direct(Reply::Json(body)) => Ok(Transcript {
                job_id: None,
                text: text_at(&body, mapping.result, mapping.operation)?,
            }),
            Answer::Direct(_) => Err(empty_answer(mapping.operation)),
        }
    }

    async fn clone_now(
        &self,
        path: &Path,
        name: Option<&str>,
        wait: &Wait,
    ) -> Result<String, Error> {
        let mapping = self
            .service()
            .speech
            .clone_voice
            .ok_or_else(|| unsupported(self, "clone-voice"))?;
        let deadline = Deadline::after(wait.deadline);
        let mut call = Request::default();
        if let Some(name) = name {
            let target = mapping.name.ok_or_else(|| Error::InvalidInput {
                message: format!("{} takes no name for a cloned voice", self.service().name),
            })?;
            place(&mut call, target, json!(name))?;
        }
        self.attach_audio(&mut call, mapping.audio, path, &deadline)
            .await?;
        let response = self.send(mapping.operation, &call, &deadline).await?;
        match self.started(mapping.operation, response)? {
            Answer::Job(job) => {
                let finished = self
                    .follow(&job, Freshness::JustStarted, wait, &deadline)
                    .await?;
                Ok(voice_of(&finished))
            }
            Answer::Direct(Reply::Json(body)) => text_at(&body, mapping.result, mapping.operation),
            Answer::Direct(_) => Err(empty_answer(mapping.operation)),
        }
    }

    /// Waits again for a job of the neutral operation `operation` (one that starts jobs).
    async fn resume(
        &self,
        operation: Option<&'static str>,
        what: &'static str,
        job: &JobHandle,
        wait: &Wait,
    ) -> Result<Finished, Error> {
        let operation = operation.ok_or_else(|| unsupported(self, what))?;
        if let Some(start) = self.service().job_start(operation) {
            job.expect(start.poll)?;
        }
        let deadline = Deadline::after(wait.deadline);
        self.follow(job, Freshness::Resumed, wait, &deadline).await
    }

    /// The voices the account can speak with (`x-speech.voices`), as the provider lists them
    /// (one page, with the spec's fixed parameters).
    pub async fn voices(&self, wait: &Wait) -> Result<Vec<Voice>, Error> {
        let mapping = self
            .service()
            .speech
            .voices
            .ok_or_else(|| unsupported(self, "voices"))?;
        let mut call = Request::default();
        for (name, value) in mapping.parameters {
            let value = serde_json::from_str(value).unwrap_or(Value::Null);
            call.parameters.insert((*name).to_owned(), value);
        }
        let deadline = Deadline::after(wait.deadline);
        let response = self.send(mapping.operation, &call, &deadline).await?;
        let Reply::Json(body) = response.into_inner() else {
            return Err(empty_answer(mapping.operation));
        };
        let items = body.value_at(mapping.items);
        let items = items
            .as_deref()
            .and_then(Value::as_array)
            .ok_or_else(|| missing(mapping.operation, mapping.items))?;
        items
            .iter()
            .map(|item| {
                let id = item
                    .pointer(mapping.id)
                    .map(text)
                    .ok_or_else(|| missing(mapping.operation, mapping.id))?;
                let name = mapping
                    .name
                    .and_then(|pointer| item.pointer(pointer))
                    .filter(|value| !value.is_null())
                    .map(text);
                Ok(Voice { id, name })
            })
            .collect()
    }

    /// The account's remaining credits (`x-speech.balance`), in the provider's unit.
    pub async fn balance(&self, wait: &Wait) -> Result<f64, Error> {
        let mapping = self
            .service()
            .speech
            .balance
            .ok_or_else(|| unsupported(self, "balance"))?;
        let deadline = Deadline::after(wait.deadline);
        let response = self
            .send(mapping.operation, &Request::default(), &deadline)
            .await?;
        let Reply::Json(body) = response.into_inner() else {
            return Err(empty_answer(mapping.operation));
        };
        body.value_at(mapping.value)
            .and_then(|value| value.as_f64())
            .ok_or_else(|| missing(mapping.operation, mapping.value))
    }
}

/// Puts `value` where `target` says; a file target takes a path, not a value.
fn place(call: &mut Request, target: Target, value: Value) -> Result<(), Error> {
    match target.place {
        Place::Body => {
            body(call).insert(target.name.to_owned(), value);
        }
        Place::Query | Place::Path => {
            call.parameters.insert(target.name.to_owned(), value);
        }
        Place::File => {
            return Err(Error::InvalidInput {
                message: format!("`{}` is a file part, not a value", target.name),
            });
        }
    }
    Ok(())
}

fn place_file(call: &mut Request, target: Target, path: &Path) -> Result<(), Error> {
    if target.place != Place::File {
        return place(call, target, json!(path.to_string_lossy()));
    }
    call.files
        .insert(target.name.to_owned(), FilePart::from_path(path));
    Ok(())
}

/// The request's body object, created on first use.
fn body(call: &mut Request) -> &mut Map<String, Value> {
    let body = call.body.get_or_insert_with(|| Value::Object(Map::new()));
    if !body.is_object() {
        *body = Value::Object(Map::new());
    }
    body.as_object_mut().expect("made an object above")
}

/// The caller's provider-specific options: more body fields, by wire name. A neutral field is
/// not overridden.
fn extend(call: &mut Request, options: &Map<String, Value>) -> Result<(), Error> {
    let body = body(call);
    for (name, value) in options {
        if body.contains_key(name) {
            return Err(Error::InvalidInput {
                message: format!("the option `{name}` repeats a field the request already sets"),
            });
        }
        body.insert(name.clone(), value.clone());
    }
    Ok(())
}

fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The first string at `pointers` in a direct answer of `operation`.
fn text_at(body: &JsonBody, pointers: &[&str], operation: &str) -> Result<String, Error> {
    pointers
        .iter()
        .find_map(|pointer| match body.value_at(pointer)?.into_owned() {
            Value::String(text) => Some(text),
            _ => None,
        })
        .ok_or_else(|| missing(operation, pointers.first().copied().unwrap_or("")))
}

fn missing(operation: &str, pointer: &str) -> Error {
    Error::UnexpectedResponse {
        status: None,
        excerpt: format!("{operation} answered without `{pointer}`"),
        body: bytes::Bytes::new(),
    }
}

fn empty_answer(operation: &str) -> Error {
    Error::UnexpectedResponse {
        status: None,
        excerpt: format!("{operation} answered without the documented JSON"),
        body: bytes::Bytes::new(),
    }
}

fn speech_of(finished: &Finished) -> Result<Speech, Error> {
    Ok(Speech {
        job_id: Some(finished.job_id.clone()),
        audio: AudioResult::Url(finished.text("an audio URL")?),
    })
}

fn transcript_of(finished: &Finished) -> Result<Transcript, Error> {
    Ok(Transcript {
        text: finished.text("a transcription")?,
        job_id: Some(finished.job_id.clone()),
    })
}

/// A cloned voice's id: the job's result where the contract has one, else the job id.
fn voice_of(finished: &Finished) -> String {
    finished
        .result
        .as_ref()
        .map(text)
        .unwrap_or_else(|| finished.job_id.clone())
}

/// Reads a direct audio answer, refusing it as soon as it passes `limits.max_bytes`.
async fn read_audio(
    audio: Audio,
    limits: &DownloadLimits,
    operation: &str,
) -> Result<AudioResult, Error> {
    let content_type = audio.content_type().map(str::to_owned);
    let mut body = audio.into_stream();
    let mut bytes = bytes::BytesMut::new();
    while let Some(chunk) = body.try_next().await.map_err(Error::transport)? {
        let seen = (bytes.len() + chunk.len()) as u64;
        if seen > limits.max_bytes {
            return Err(Error::from(DownloadError::TooLarge {
                url: format!("the audio answer of `{operation}`"),
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

impl Synthesize for Provider {
    fn synthesize<'a>(
        &'a self,
        request: &'a SpeechRequest,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<Speech, Error>> {
        Box::pin(self.synthesize_now(request, wait))
    }

    fn resume_synthesis<'a>(
        &'a self,
        job: &'a JobHandle,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<Speech, Error>> {
        Box::pin(async move {
            let operation = self.service().speech.synthesize.map(|m| m.operation);
            speech_of(&self.resume(operation, "synthesize", job, wait).await?)
        })
    }
}

impl Transcribe for Provider {
    fn transcribe<'a>(
        &'a self,
        path: &'a Path,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<Transcript, Error>> {
        Box::pin(self.transcribe_now(path, wait))
    }

    fn resume_transcription<'a>(
        &'a self,
        job: &'a JobHandle,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<Transcript, Error>> {
        Box::pin(async move {
            let operation = self.service().speech.transcribe.map(|m| m.operation);
            transcript_of(&self.resume(operation, "transcribe", job, wait).await?)
        })
    }
}

impl CloneVoice for Provider {
    fn clone_voice<'a>(
        &'a self,
        path: &'a Path,
        title: Option<&'a str>,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<String, Error>> {
        Box::pin(self.clone_now(path, title, wait))
    }

    fn resume_clone<'a>(
        &'a self,
        job: &'a JobHandle,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<String, Error>> {
        Box::pin(async move {
            let operation = self.service().speech.clone_voice.map(|m| m.operation);
            Ok(voice_of(
                &self.resume(operation, "clone-voice", job, wait).await?,
            ))
        })
    }
}
