//! One way to use every speech provider: submit a job, wait for it, get audio or text back.
//!
//! The generated clients (`miragic-client`, `audixa-client`, `voiceclone-client`, `nanogpt-client`)
//! do one request each. This crate adds, once for all providers:
//! - [`credentials`]: API keys from the caller or the environment, held as secrets;
//! - [`error`]: one error enum to match on, keeping status, code, message and request id;
//! - [`wait`]: one waiting engine for every asynchronous job (a required deadline that bounds the
//!   whole call, growing delays, server hints, typed outcomes, a [`JobHandle`] to resume with);
//! - [`retry`] and [`hints`]: retries of reads with capped backoff, server delay hints, and never a
//!   second send of a request that may have been processed;
//! - [`download`]: result URLs fetched to bytes, a file or a stream, without credentials, within
//!   size limits, refusing redirects that downgrade to http or reach metadata addresses;
//! - [`speech`]: provider-neutral traits ([`Synthesize`], [`Transcribe`], [`CloneVoice`]) that
//!   every type of [`providers`] implements where the provider offers the operation.

mod call;
pub mod credentials;
mod deadline;
pub mod download;
pub mod error;
mod handle;
pub mod hints;
mod job;
pub mod options;
pub mod providers;
pub mod retry;
pub mod speech;
pub mod wait;

pub use credentials::ApiKey;
pub use download::{
    DownloadError, DownloadLimits, Downloaded, Downloader, DownloaderBuilder, Refusal,
};
pub use error::{ApiFailure, Error, Submission};
pub use handle::JobHandle;
pub use options::{JobProgress, Options, Wait};
pub use providers::{Audixa, Miragic, NanoGpt, VoiceClone};
pub use speech::{
    AudioResult, CloneVoice, Speech, SpeechRequest, Synthesize, Transcribe, Transcript,
};
