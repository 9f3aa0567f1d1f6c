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
//! - **Faults** are scripted without provider knowledge: the next answers of an operation or of
//!   the storage ([`StandInBuilder::script`], [`Reply`]: a 5xx, a rate limit with its hints, an
//!   error body in the spec's shape, a body that is not JSON, the spec's answer cut or dripped,
//!   a large body, a connection closed or left hanging), and jobs that report an unlisted state,
//!   a given failure, or appear in their list late.
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
mod body;
mod builder;
mod handle;
mod job_rules;
mod jobs;
mod pointer;
mod reply;
mod routes;
mod server;
mod storage;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_faults;
mod validate;

use std::sync::Arc;

pub use audio::bytes as audio_sample;
pub use builder::StandInBuilder;
pub use reply::Reply;

use handle::Shared;

/// Which of a stand-in's two origins answered a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The API ([`StandIn::url`]).
    Api,
    /// The storage that serves result files ([`StandIn::storage_url`]).
    Storage,
}

/// One request a stand-in answered, as its request log ([`StandInBuilder::log`]) hears it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Served {
    /// Which origin answered: the API or the result storage.
    pub origin: Origin,
    /// The request's method (`GET`, `POST`, ...).
    pub method: String,
    /// The request's path, without the query (which may carry a signature).
    pub path: String,
    /// The spec's operation the path and method matched, on the API origin.
    pub operation: Option<String>,
    /// The status answered; `None` when the connection was closed without an answer (a
    /// scripted hang-up).
    pub status: Option<u16>,
}

/// Called with every request a stand-in answered.
pub type RequestLog = Arc<dyn Fn(&Served) + Send + Sync>;

/// A running stand-in; it stops when dropped.
pub struct StandIn {
    url: String,
    storage_url: String,
    shared: Arc<Shared>,
    _running: server::Running,
}

impl StandIn {
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
        self.known(operation_id);
        let state = self.shared.state();
        state.requests.get(operation_id).copied().unwrap_or(0)
    }

    /// How many requests the API origin received, whatever they were for (an unknown path
    /// included): zero proves a client sent nothing.
    pub fn total_requests(&self) -> usize {
        self.shared.state().total
    }

    /// The path and query parameters of the last request the operation `operation_id` received
    /// (`None` before its first), by name as sent: what a test compares between two clients.
    ///
    /// # Panics
    /// When the spec has no such operation.
    pub fn last_parameters(&self, operation_id: &str) -> Option<Vec<(String, String)>> {
        self.known(operation_id);
        self.shared
            .state()
            .last_parameters
            .get(operation_id)
            .cloned()
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
    /// (`Authorization`, `X-API-Key`, ...), or the key given to [`StandInBuilder::key`] in any
    /// header: the key must never leave for a result host.
    pub fn storage_saw_key(&self) -> bool {
        self.shared.state().storage.saw_key
    }

    /// From now on, jobs report pending for `polls` polls in all: those polled as often already
    /// end at their next poll (a job a test left pending, done while nobody waits).
    pub fn set_pending_polls(&self, polls: u32) {
        self.shared.state().pace.pending_polls = polls;
    }

    fn known(&self, operation_id: &str) {
        assert!(
            self.shared.api.operation(operation_id).is_some(),
            "the spec has no operation `{operation_id}`"
        );
    }
}
