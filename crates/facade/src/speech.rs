//! The provider-neutral operations: the same calls whichever provider a client was built for, so
//! switching provider is a change of name ([`crate::connect`]). Each provider keeps its generated
//! client ([`crate::Provider::client`]) for everything these do not cover.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures_util::future::BoxFuture;

use crate::download::file::write_atomically;
use crate::download::{DownloadLimits, Downloaded, Downloader};
use crate::error::Error;
use crate::handle::JobHandle;
use crate::options::Wait;

/// Text to speak, and with which voice.
#[derive(Clone, Debug, PartialEq)]
pub struct SpeechRequest {
    /// The text to speak.
    pub text: String,
    /// The provider's voice id (`alloy`, `am_ethan`, a cloned voice id, ...).
    pub voice: String,
    /// An audio format the provider offers (`mp3`, `wav`, ...); `None` leaves it to the provider.
    /// A provider that offers no choice refuses it.
    pub format: Option<String>,
    /// The provider's own request fields, by wire name (a `model`, a `speed`):
    /// checked with the rest of the request against its spec before anything is sent.
    pub options: serde_json::Map<String, serde_json::Value>,
}

impl SpeechRequest {
    /// `text` spoken by `voice`, in the provider's default format.
    pub fn new(text: impl Into<String>, voice: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            voice: voice.into(),
            format: None,
            options: serde_json::Map::new(),
        }
    }

    /// In `format` (`mp3`, `wav`, ...).
    pub fn format(mut self, format: impl Into<String>) -> Self {
        self.format = Some(format.into());
        self
    }

    /// With the provider's own field `name` set to `value`.
    pub fn option(mut self, name: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
        self.options.insert(name.into(), value.into());
        self
    }
}

/// Where the audio is: a result URL to download (without credentials), or the bytes themselves
/// when the provider answers with audio.
#[derive(Clone, Debug, PartialEq)]
pub enum AudioResult {
    /// A URL to fetch the audio from.
    Url(String),
    /// The audio itself.
    Bytes {
        /// The media type the provider declared (`audio/mpeg`, ...), if any.
        content_type: Option<String>,
        /// The audio bytes.
        bytes: Bytes,
    },
}

/// A finished synthesis.
#[derive(Clone, Debug, PartialEq)]
pub struct Speech {
    /// The provider's job id, when the synthesis was a job.
    pub job_id: Option<String>,
    /// Where the audio is.
    pub audio: AudioResult,
}

impl Speech {
    /// Writes the audio to `path`: a result URL is downloaded (without credentials, within
    /// `limits`); bytes already received are written. Either way the file appears complete or not
    /// at all.
    pub async fn save(
        &self,
        downloader: &Downloader,
        path: &Path,
        limits: &DownloadLimits,
    ) -> Result<Downloaded<PathBuf>, Error> {
        match &self.audio {
            AudioResult::Url(url) => Ok(downloader.to_file(url, path, limits).await?),
            AudioResult::Bytes {
                content_type,
                bytes,
            } => {
                let body = futures_util::stream::once(std::future::ready(Ok(bytes.clone())));
                let written = write_atomically(path, Box::pin(body)).await?;
                Ok(Downloaded {
                    body: path.to_owned(),
                    content_type: content_type.clone(),
                    bytes: Some(written),
                })
            }
        }
    }
}

/// Text to speech, for every provider.
pub trait Synthesize {
    /// Submits `request`, waits for the job within `wait.deadline`, and returns where the audio is.
    fn synthesize<'a>(
        &'a self,
        request: &'a SpeechRequest,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<Speech, Error>>;

    /// Waits again for a synthesis job whose wait ended at a deadline: `job` is the handle that
    /// [`Error::DeadlineExceeded`] carried (see [`Error::job`]), possibly stored and read back in
    /// another process.
    fn resume_synthesis<'a>(
        &'a self,
        job: &'a JobHandle,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<Speech, Error>>;
}

/// Speech to text.
pub trait Transcribe {
    /// Uploads the audio file at `path` and waits for its transcription.
    fn transcribe<'a>(
        &'a self,
        path: &'a std::path::Path,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<Transcript, Error>>;

    /// Waits again for a transcription job whose wait ended at a deadline (see
    /// [`Synthesize::resume_synthesis`]).
    fn resume_transcription<'a>(
        &'a self,
        job: &'a JobHandle,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<Transcript, Error>>;
}

/// A finished transcription.
#[derive(Clone, Debug, PartialEq)]
pub struct Transcript {
    /// The provider's job id, when the transcription was a job.
    pub job_id: Option<String>,
    /// The text, as the provider transcribed it.
    pub text: String,
}

/// Voice cloning.
pub trait CloneVoice {
    /// Uploads the voice sample at `path`, waits until the new voice is ready, and returns its id.
    fn clone_voice<'a>(
        &'a self,
        path: &'a std::path::Path,
        title: Option<&'a str>,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<String, Error>>;

    /// Waits again for a cloned voice whose wait ended at a deadline; returns its id (see
    /// [`Synthesize::resume_synthesis`]).
    fn resume_clone<'a>(
        &'a self,
        job: &'a JobHandle,
        wait: &'a Wait,
    ) -> BoxFuture<'a, Result<String, Error>>;
}
