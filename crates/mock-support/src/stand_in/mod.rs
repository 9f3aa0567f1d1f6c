//! A stand-in provider: a local server that plays any provider from its spec alone, for examples,
//! end-to-end tests and applications in any language.
//!
//! Everything it does is read from the spec, so a new spec needs no code here:
//! - **Answers** are the documented examples: each operation answers with its first success
//!   status that has a JSON example (audio bytes of the declared media type for an audio answer).
//! - **Jobs** follow `x-job-start` and `x-job-status`: a start creates a job with a fresh id
//!   (written where the documented answer printed the documented one); polls of the status
//!   operation find it by the parameter that carries the id (or in the documented list) and
//!   report it pending for [`StandInBuilder::pending_polls`] polls, then completed (or failed),
//!   with rising progress where the contract has one. A completed job's result URL points at a
//!   second origin, the storage, which serves audio and never needs the key; a text result (a
//!   transcription) stays the documented text. The ids the documented status calls ask for are
//!   jobs that are already done, so every documented call succeeds.
//! - **The credential** is checked as `components.securitySchemes` declares it; a missing or wrong
//!   key gets the documented 401 (or 403) example.
//! - **Requests** are checked against the spec (required parameters, parameter and body schemas,
//!   file parts' sizes and media types); a bad one gets the documented 400 (or 422) example, else
//!   a plain 400 whose message names the field.
//!
//! ```no_run
//! # fn main() -> anyhow::Result<()> {
//! use speech_mock_support::StandIn;
//!
//! let stand_in = StandIn::from_file("specs/audixa.yaml")?.key("test-key").start()?;
//! // ... point a client at stand_in.url() and run it ...
//! assert_eq!(stand_in.requests("create_tts_generation"), 1);
//! # Ok(())
//! # }
//! ```

mod answers;
mod api;
mod audio;
mod auth;
mod handle;
mod job_rules;
mod jobs;
mod pointer;
mod routes;
mod server;
mod storage;
#[cfg(test)]
mod tests;
mod validate;

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, bail};
use speech_spec::Spec;

use api::{Api, Role};
use auth::KeyRule;
use handle::{Shared, State};
use jobs::{Jobs, Pace};
use storage::Storage;

/// A running stand-in; it stops when dropped.
pub struct StandIn {
    url: String,
    storage_url: String,
    shared: Arc<Shared>,
    _running: server::Running,
}

/// How a stand-in plays its spec; [`StandInBuilder::start`] starts it.
pub struct StandInBuilder {
    spec: Spec,
    key: KeyRule,
    pending_polls: u32,
    failing: Failing,
}

/// Which jobs fail instead of completing.
#[derive(Clone, Debug, Default)]
pub(crate) enum Failing {
    #[default]
    Nothing,
    Everything,
    /// The jobs started by these operations.
    Started(Vec<String>),
}

impl Failing {
    fn covers(&self, start_operation: &str) -> bool {
        match self {
            Self::Nothing => false,
            Self::Everything => true,
            Self::Started(operations) => operations.iter().any(|id| id == start_operation),
        }
    }
}

impl StandIn {
    /// A stand-in for an already loaded spec.
    pub fn builder(spec: Spec) -> StandInBuilder {
        StandInBuilder {
            spec,
            key: KeyRule::default(),
            pending_polls: 2,
            failing: Failing::default(),
        }
    }

    /// A stand-in for the spec in the file at `path` (OpenAPI as YAML or JSON).
    pub fn from_file(path: impl AsRef<Path>) -> Result<StandInBuilder> {
        let path = path.as_ref();
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Ok(Self::builder(Spec::parse(path, &text)?))
    }

    /// The API's base URL, the spec's server path included (`http://127.0.0.1:<port>/v2`): what a
    /// client is given in place of the provider's.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The storage origin (`http://127.0.0.1:<port>`), where result URLs point.
    pub fn storage_url(&self) -> &str {
        &self.storage_url
    }

    /// How many requests the operation `operation_id` received, refused ones included.
    ///
    /// # Panics
    /// When the spec has no such operation: a test asking for one has a typo.
    pub fn requests(&self, operation_id: &str) -> usize {
        assert!(
            self.shared.api.operation(operation_id).is_some(),
            "the spec has no operation `{operation_id}`"
        );
        let state = self.shared.state();
        state.requests.get(operation_id).copied().unwrap_or(0)
    }

    /// How many jobs were started.
    pub fn started(&self) -> usize {
        self.shared.state().jobs.started()
    }

    /// How many requests the storage origin received.
    pub fn storage_requests(&self) -> usize {
        self.shared.state().storage.requests
    }

    /// Whether a request to the storage origin carried a header the spec sends the key in
    /// (`Authorization`, `X-API-Key`, ...): the key must never leave for a result host.
    pub fn storage_saw_key(&self) -> bool {
        self.shared.state().storage.saw_key
    }
}

impl StandInBuilder {
    /// Accepts only this key (by default any non-empty key is accepted).
    #[must_use]
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = KeyRule::Exact(key.into());
        self
    }

    /// How many polls report a job pending before it ends (default 2).
    #[must_use]
    pub fn pending_polls(mut self, polls: u32) -> Self {
        self.pending_polls = polls;
        self
    }

    /// Jobs started by the operation `start_operation` fail instead of completing.
    #[must_use]
    pub fn fail(mut self, start_operation: impl Into<String>) -> Self {
        match &mut self.failing {
            Failing::Started(operations) => operations.push(start_operation.into()),
            Failing::Nothing => self.failing = Failing::Started(vec![start_operation.into()]),
            Failing::Everything => {}
        }
        self
    }

    /// Every job fails instead of completing.
    #[must_use]
    pub fn fail_all(mut self) -> Self {
        self.failing = Failing::Everything;
        self
    }

    /// Reads the spec and starts serving on two loopback ports (API and storage).
    ///
    /// # Errors
    /// When the spec cannot be played (a contract naming a missing operation, an unsupported
    /// security scheme, an invalid schema), an operation given to [`Self::fail`] does not start
    /// jobs, or no port can be bound.
    pub fn start(self) -> Result<StandIn> {
        let api = Api::read(&self.spec)
            .with_context(|| format!("playing {}", self.spec.path.display()))?;
        if let Failing::Started(operations) = &self.failing {
            for id in operations {
                if !matches!(api.operation(id).map(|op| &op.role), Some(Role::Start(_))) {
                    bail!("`{id}` is no operation of the spec that starts a job");
                }
            }
        }
        let api_listener = TcpListener::bind("127.0.0.1:0").context("binding the API port")?;
        let storage_listener =
            TcpListener::bind("127.0.0.1:0").context("binding the storage port")?;
        let api_address = api_listener.local_addr()?;
        let storage_url = format!("http://{}", storage_listener.local_addr()?);
        let url = format!("http://{api_address}{}", api.base_path);
        let shared = Arc::new(Shared {
            api,
            key: self.key,
            pace: Pace {
                pending_polls: self.pending_polls,
            },
            failing: self.failing,
            salt: api_address.port(),
            state: Mutex::new(State {
                requests: HashMap::new(),
                jobs: Jobs::default(),
                storage: Storage::new(storage_url.clone()),
            }),
        });
        let running = server::run(api_listener, storage_listener, Arc::clone(&shared))?;
        Ok(StandIn {
            url,
            storage_url,
            shared,
            _running: running,
        })
    }
}
