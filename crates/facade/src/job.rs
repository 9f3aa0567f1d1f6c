//! Waiting for a job through the spec's contract (`jobs::*` constants of the generated crates):
//! the one engine of [`crate::wait`], fed with states and results read by JSON Pointer.

use std::time::Duration;

use serde_json::Value;
use speech_client_runtime::jobs::{JobState, JobStatus};
use tracing::Instrument;

use crate::error::Error;
use crate::options::{JobProgress, Wait};
use crate::wait::{Polled, Status, WaitError, WaitPolicy, wait_for};

/// A finished job: its result value (where the contract points), polls and elapsed time.
#[derive(Clone, Debug, PartialEq)]
pub struct Finished {
    pub job_id: String,
    pub result: Option<Value>,
    pub polls: u32,
    pub elapsed: Duration,
}

impl Finished {
    /// The result as text (a URL, a transcription); a completed job without one is an
    /// unexpected response that names `what` was missing.
    pub fn text(&self, what: &str) -> Result<String, Error> {
        self.result
            .as_ref()
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| crate::speech::missing_result(&self.job_id, what))
    }
}

/// Polls `poll` (one status request, returning its JSON and the server's delay hint) until the
/// contract reads a completed or failed state, or the deadline passes.
pub(crate) async fn wait_job<F, Fut>(
    job_id: &str,
    contract: &JobStatus,
    policy: &WaitPolicy,
    wait: &Wait,
    mut poll: F,
) -> Result<Finished, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(Value, Option<Duration>), Error>>,
{
    let span = tracing::info_span!("wait", job_id, operation = contract.operation);
    let progress = |p: &crate::wait::Progress<'_>| {
        tracing::debug!(state = p.state, polls = p.polls, "job pending");
        if let Some(callback) = &wait.on_progress {
            callback(&JobProgress {
                job_id: p.job_id.to_owned(),
                state: p.state.to_owned(),
                percent: p.percent,
                polls: p.polls,
                elapsed: p.elapsed,
            });
        }
    };
    let outcome = wait_for(job_id, wait.deadline, policy, progress, || {
        let polled = poll();
        async move {
            let (body, retry_after) = polled.await?;
            let status = match contract.read(&body, job_id) {
                JobState::Pending { state, percent } => Status::Pending { state, percent },
                JobState::Completed { state, result } => Status::Completed { state, result },
                JobState::Failed {
                    state,
                    message,
                    code,
                } => Status::Failed {
                    state,
                    message,
                    code,
                },
            };
            Ok::<_, Error>(Polled {
                status,
                retry_after,
            })
        }
    })
    .instrument(span)
    .await;
    match outcome {
        Ok(done) => Ok(Finished {
            job_id: job_id.to_owned(),
            result: done.result,
            polls: done.polls,
            elapsed: done.elapsed,
        }),
        Err(WaitError::Failed {
            job_id,
            state,
            message,
            code,
            ..
        }) => Err(Error::JobFailed {
            job_id,
            state,
            message,
            code,
        }),
        Err(WaitError::DeadlineExceeded {
            job_id,
            last_state,
            elapsed,
            polls,
        }) => Err(Error::DeadlineExceeded {
            job_id,
            last_state,
            elapsed,
            polls,
        }),
        Err(WaitError::Poll { source, .. }) => Err(source),
    }
}
