//! One way to use every speech provider: submit a job, wait for it, get audio or text back.
//!
//! The generated clients (one crate per spec in `specs/`) do one request each. This crate adds,
//! once for all providers:
//! - [`connect`]: any provider by name, configured from the environment variables its spec
//!   declares, as one [`Provider`] type driven by its spec's tables;
//! - [`speech`]: provider-neutral traits ([`Synthesize`], [`Transcribe`], [`CloneVoice`]),
//!   dyn-compatible, that [`Provider`] implements where the spec maps the operation (`x-speech`);
//! - [`credentials`]: API keys from the caller or the environment, held as secrets;
//! - [`error`]: one error enum to match on, keeping status, code, message and request id;
//! - waiting: one engine for every asynchronous job (a required deadline that bounds the whole
//!   call, growing delays, server hints, a [`JobHandle`] to resume with), tuned by [`WaitPolicy`];
//! - retries of reads with capped backoff and server delay hints ([`RetryPolicy`]), and never a
//!   second send of a request that may have been processed;
//! - [`download`]: result URLs fetched to bytes, a file or a stream, without credentials, within
//!   size limits, refusing redirects that downgrade to http or reach metadata addresses.

#![warn(missing_docs)]

mod call;
pub mod credentials;
mod deadline;
pub mod download;
pub mod error;
mod handle;
mod hints;
mod job;
pub mod options;
mod provider;
mod retry;
pub mod speech;
mod wait;

pub use credentials::ApiKey;
pub use download::{
    DownloadError, DownloadLimits, Downloaded, Downloader, DownloaderBuilder, Refusal,
};
pub use error::{ApiFailure, Error, Submission};
pub use handle::JobHandle;
pub use hints::HintLimits;
pub use options::{JobProgress, Options, Wait};
pub use provider::{Provider, Voice, connect, providers};
pub use retry::RetryPolicy;
pub use speech::{
    AudioResult, CloneVoice, Speech, SpeechRequest, Synthesize, Transcribe, Transcript,
};
pub use wait::WaitPolicy;

/// Calling any operation by name ([`Provider::dispatch`]): the request values and the reply.
pub use speech_client_runtime::dispatch;
pub use speech_client_runtime::service::Service;

/// The waiting engine on its own, for this crate's benchmarks only: not part of the API, and
/// may change in any release.
#[doc(hidden)]
pub mod bench_support {
    pub use crate::wait::{Finished, Polled, wait_for_with_rng};
    pub use speech_client_runtime::jobs::JobState;
}
