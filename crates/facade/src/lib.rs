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
//!   call, gaps that grow with the time waited, polls gathered around the lengths of earlier jobs
//!   and the end a progress percent predicts, server hints, a [`JobHandle`] to resume with), tuned
//!   by [`WaitPolicy`];
//! - retries of reads with capped backoff and server delay hints ([`RetryPolicy`]), and never a
//!   second send of a request that may have been processed;
//! - [`download`]: result URLs fetched to bytes, a file or a stream, without credentials, within
//!   size limits, refusing redirects that downgrade to http or reach metadata addresses.
//!
//! # Quick start
//!
//! Text to speech with a provider picked by name, waiting at most a minute for the job, the audio
//! saved to a file. [`connect`] reads the key (and base URL) from the environment variables the
//! provider's spec names, e.g. `connect("nanogpt", Options::default())` reads `NANOGPT_API_KEY`;
//! [`Provider::new`] takes them from the caller, as here. (This example runs against a local
//! stand-in that plays the first provider whose spec maps text to speech.)
//!
//! ```
//! # #[tokio::main]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let service = speech_facade::providers()
//! #     .find(|service| service.speech.synthesize.is_some())
//! #     .expect("a provider that synthesizes");
//! # let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
//! #     .join("../../specs")
//! #     .join(format!("{}.yaml", service.name));
//! # let stand_in = speech_mock_support::StandIn::from_file(spec)?.key("YOUR_API_KEY").start()?;
//! # let (name, base_url) = (service.name, stand_in.url());
//! # let directory = tempfile::tempdir()?;
//! use std::time::Duration;
//!
//! use speech_facade::{
//!     ApiKey, DownloadLimits, Downloader, Options, Provider, SpeechRequest, Synthesize, Wait,
//! };
//!
//! // `name` is a spec's name ("nanogpt"), `base_url` its API's address.
//! let provider = Provider::new(name, base_url, ApiKey::new("YOUR_API_KEY"), Options::default())?;
//! // A voice id of the provider; `provider.voices(&wait)` lists them where it can.
//! let voice = "default";
//! let request = SpeechRequest::new("Hello from the speech facade, one call for any provider.", voice);
//! let speech = provider
//!     .synthesize(&request, &Wait::up_to(Duration::from_secs(60)))
//!     .await?;
//!
//! let path = directory.path().join("hello.audio");
//! let downloader = Downloader::new(Duration::from_secs(60))?;
//! let saved = speech.save(&downloader, &path, &DownloadLimits::default()).await?;
//! println!("{} bytes of {:?} in {}", saved.bytes.unwrap_or(0), saved.content_type, path.display());
//! # assert!(std::fs::metadata(&path)?.len() > 0);
//! # Ok(())
//! # }
//! ```
//!
//! `crates/facade/examples/` has the same for transcription and voice cloning, and shows each
//! provider's answers when no key is set.
//!
//! # Features
//!
//! - One per provider, named after its spec (`specs/<name>.yaml`), each building that provider's
//!   client; `all-providers` (default) enables every one. [`providers`], [`connect`] and
//!   [`Provider::new`] know the providers enabled, so a consumer of one provider builds one client:
//!   `default-features = false, features = ["rustls", "<name>"]`.
//! - TLS: `rustls` (default; rustls with aws-lc-rs), `rustls-no-provider` (the rustls crypto
//!   provider the application installs) or `native-tls`.

#![warn(missing_docs)]

mod call;
pub mod credentials;
mod deadline;
pub mod download;
pub mod error;
mod handle;
mod hints;
mod http;
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
pub use http::ConfigureHttp;
pub use options::{JobProgress, Options, Wait};
pub use provider::{Provider, Voice, connect, providers};
pub use retry::RetryPolicy;
pub use speech::{
    AudioResult, CloneVoice, Speech, SpeechRequest, Synthesize, Transcribe, Transcript,
};
pub use wait::WaitPolicy;

/// Calling any operation by name ([`Provider::dispatch`]): the request values and the reply.
pub use speech_client_runtime::dispatch;
pub use speech_client_runtime::service::{RateLimit, Service};

/// The waiting engine on its own, for this crate's benchmarks only: not part of the API, and
/// may change in any release.
#[doc(hidden)]
pub mod bench_support {
    pub use crate::wait::{Finished, History, Polled, Progress, wait_for_with_rng};
    pub use speech_client_runtime::jobs::JobState;
}
