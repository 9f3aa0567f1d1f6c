//! How a stand-in plays its spec: the key it accepts, how its jobs go, the replies scripted for
//! the next requests; and starting it.

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, bail};
use speech_spec::Spec;

use super::api::{Api, Role};
use super::auth::KeyRule;
use super::handle::{Shared, State};
use super::jobs::{Failure, Jobs, Pace};
use super::reply::Reply;
use super::server;
use super::storage::Storage;
use super::{RequestLog, Served, StandIn};

/// How a stand-in plays its spec; [`StandInBuilder::start`] starts it.
pub struct StandInBuilder {
    spec: Spec,
    key: KeyRule,
    pace: Pace,
    failing: Failing,
    result_query: Option<String>,
    scripts: HashMap<String, Vec<Reply>>,
    storage_script: Vec<Reply>,
    port: u16,
    log: Option<RequestLog>,
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
    pub(crate) fn covers(&self, start_operation: &str) -> bool {
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
            pace: Pace {
                pending_polls: 2,
                ..Pace::default()
            },
            failing: Failing::default(),
            result_query: None,
            scripts: HashMap::new(),
            storage_script: Vec::new(),
            port: 0,
            log: None,
        }
    }

    /// A stand-in for the spec in the file at `path` (OpenAPI as YAML or JSON).
    pub fn from_file(path: impl AsRef<Path>) -> Result<StandInBuilder> {
        let path = path.as_ref();
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Ok(Self::builder(Spec::parse(path, &text)?))
    }

    /// A stand-in for the provider `name` whose spec is `text` (OpenAPI as YAML or JSON): the
    /// text a provider crate ships (`service::SERVICE.spec`), so no spec file is needed.
    pub fn from_text(name: &str, text: &str) -> Result<StandInBuilder> {
        Ok(Self::builder(Spec::parse(
            Path::new(&format!("{name}.yaml")),
            text,
        )?))
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
        self.pace.pending_polls = polls;
        self
    }

    /// Pending jobs report `state` instead of their contract's first pending state: a state the
    /// spec may not list, as providers add states.
    #[must_use]
    pub fn pending_state(mut self, state: impl Into<String>) -> Self {
        self.pace.pending_state = Some(state.into());
        self
    }

    /// A job found in a list (`x-job-status.items`) is missing from it for the first `polls`
    /// polls of that list, as a job still being created.
    #[must_use]
    pub fn unlisted_polls(mut self, polls: u32) -> Self {
        self.pace.unlisted_polls = polls;
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

    /// A failed job reports `message` where its contract keeps a failure message and `code`
    /// where it keeps a code (by default: the documented failure, else a message saying the
    /// stand-in was told to fail).
    #[must_use]
    pub fn failure(mut self, code: impl Into<String>, message: impl Into<String>) -> Self {
        self.pace.failure = Some(Failure {
            code: code.into(),
            message: message.into(),
        });
        self
    }

    /// Result URLs carry `query` (`X-Signature=...`), as a signed storage URL does.
    #[must_use]
    pub fn result_query(mut self, query: impl Into<String>) -> Self {
        self.result_query = Some(query.into());
        self
    }

    /// The next requests of the operation `operation_id` that pass the credential and request
    /// checks get `replies`, one each, in order; then the operation plays its spec again. A
    /// second call adds to the first.
    #[must_use]
    pub fn script(
        mut self,
        operation_id: impl Into<String>,
        replies: impl IntoIterator<Item = Reply>,
    ) -> Self {
        self.scripts
            .entry(operation_id.into())
            .or_default()
            .extend(replies);
        self
    }

    /// The next requests of the storage origin get `replies`, one each, in order
    /// ([`Reply::spec`] is the stored file); then it serves its files again.
    #[must_use]
    pub fn storage_script(mut self, replies: impl IntoIterator<Item = Reply>) -> Self {
        self.storage_script.extend(replies);
        self
    }

    /// Serves the API on this loopback port (default 0: any free port); the storage origin
    /// always takes a free port.
    #[must_use]
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Calls `log` with every request answered, on either origin, once its answer's status is
    /// known (from the server's thread: keep it short).
    #[must_use]
    pub fn log(mut self, log: impl Fn(&Served) + Send + Sync + 'static) -> Self {
        self.log = Some(Arc::new(log));
        self
    }

    /// Reads the spec and starts serving on two loopback ports (API and storage).
    ///
    /// # Errors
    /// When the spec cannot be played (a contract naming a missing operation, an unsupported
    /// security scheme, an invalid schema), an operation given to [`Self::fail`] does not start
    /// jobs, one given to [`Self::script`] does not exist, or no port can be bound.
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
        if let Some(id) = self.scripts.keys().find(|id| api.operation(id).is_none()) {
            bail!("`{id}` is no operation of the spec: it cannot be scripted");
        }
        let api_listener = TcpListener::bind(("127.0.0.1", self.port))
            .with_context(|| format!("binding the API port {}", self.port))?;
        let storage_listener =
            TcpListener::bind("127.0.0.1:0").context("binding the storage port")?;
        let api_address = api_listener.local_addr()?;
        let storage_url = format!("http://{}", storage_listener.local_addr()?);
        let url = format!("http://{api_address}{}", api.base_path);
        let shared = Arc::new(Shared {
            api,
            key: self.key,
            failing: self.failing,
            salt: api_address.port(),
            log: self.log,
            state: Mutex::new(State {
                requests: HashMap::new(),
                total: 0,
                last_parameters: HashMap::new(),
                pace: self.pace,
                jobs: Jobs::default(),
                storage: Storage::new(storage_url.clone(), self.result_query),
                scripts: self
                    .scripts
                    .into_iter()
                    .map(|(id, replies)| (id, replies.into()))
                    .collect(),
                storage_script: self.storage_script.into(),
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
