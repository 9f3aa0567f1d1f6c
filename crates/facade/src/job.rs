//! Waiting for a job through the spec's contract (`jobs::*` constants of the generated crates):
//! the one engine of [`crate::wait`], fed with states and results read by JSON Pointer, held to
//! the caller's deadline, and resumable from a [`JobHandle`].

use std::time::Duration;

use futures_util::FutureExt;
use serde_json::Value;
use speech_client_runtime::jobs::{JobStart, JobStatus};
use speech_client_runtime::json_body::JsonDocument;
use tracing::Instrument;

use crate::deadline::Deadline;
use crate::error::Error;
use crate::handle::JobHandle;
use crate::options::{JobProgress, Wait};
use crate::wait::history::Histories;
use crate::wait::schedule::Schedule;
use crate::wait::{Finished, Freshness, Polled, WaitPolicy};

impl JobHandle {
    /// The handle of a job that `start` started, read from the start response (as JSON): every
    /// poll parameter the contract names, and the job id, which is the start's `job-id` when the
    /// job is found in a list, else the first poll parameter (the contract lists it first).
    pub(crate) fn started(start: &JobStart, response: &impl JsonDocument) -> Result<Self, Error> {
        let found = start.poll_parameters(response);
        let id = match start.job_id {
            Some(_) => start.job_id(response),
            None => start
                .parameters
                .first()
                .and_then(|(first, _)| found.iter().find(|(name, _)| name == first))
                .map(|(_, value)| text(value)),
        };
        let id = id.ok_or_else(|| Error::UnexpectedResponse {
            status: None,
            excerpt: format!("{} answered without a job id", start.operation),
            body: bytes::Bytes::new(),
        })?;
        Ok(Self {
            operation: start.poll.to_owned(),
            id,
            parameters: found
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value))
                .collect(),
        })
    }

    /// Checks that this handle is for `operation` before polling with it.
    pub(crate) fn expect(&self, operation: &str) -> Result<(), Error> {
        if self.operation == operation {
            return Ok(());
        }
        Err(Error::InvalidInput {
            message: format!(
                "the job handle is for `{}`, not `{operation}`: resume it with the call that \
                 waits for that kind of job",
                self.operation
            ),
        })
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Polls `poll` (one status request, returning its JSON, parsed or as received, and the server's
/// delay hint) until the contract reads a completed or failed state, or the deadline passes.
///
/// A job just started is polled around the lengths its operation's earlier jobs had
/// (`histories`), and its own length is remembered there once it completes.
///
/// A poll that fails with something worth waiting out (a rate limit, a server error, no answer,
/// and a `404` within the policy's grace after the job was started) does not end the wait while
/// the deadline allows: the engine polls again, after the server's hint when there is one.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn wait_job<F, Fut, B>(
    job: &JobHandle,
    freshness: Freshness,
    contract: &JobStatus,
    policy: &WaitPolicy,
    histories: &Histories,
    wait: &Wait,
    deadline: &Deadline,
    mut poll: F,
) -> Result<Finished, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(B, Option<Duration>), Error>>,
    B: JsonDocument,
{
    let job_id = job.id.as_str();
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
    let waiting_started = tokio::time::Instant::now();
    let worth_waiting_out = |error: &Error| match error {
        Error::RateLimited { retry_after, .. } => Some(*retry_after),
        Error::Provider(failure) if failure.status >= 500 => Some(None),
        Error::UnexpectedResponse {
            status: Some(500..),
            ..
        }
        | Error::Transport { .. } => Some(None),
        Error::NotFound(_)
            if freshness == Freshness::JustStarted
                && waiting_started.elapsed() < policy.not_found_grace =>
        {
            Some(None)
        }
        _ => None,
    };
    let window = match freshness {
        Freshness::JustStarted => histories.window(contract.operation, policy.learned_gap_secs()),
        Freshness::Resumed => None,
    };
    let schedule = Schedule::new(policy, fastrand::Rng::new(), window);
    let finished = crate::wait::run(
        job,
        deadline,
        schedule,
        freshness,
        progress,
        worth_waiting_out,
        // The poll's own future, mapped (not awaited inside another one that would hold it twice).
        || {
            poll().map(|polled| {
                let (body, retry_after) = polled?;
                Ok(Polled {
                    state: contract.read(&body, job_id),
                    retry_after,
                })
            })
        },
    )
    .instrument(span)
    .await?;
    if freshness == Freshness::JustStarted {
        let (after, by) = finished.ended_between;
        histories.record(contract.operation, after, by);
    }
    Ok(finished)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const START: JobStart = JobStart {
        operation: "submit",
        poll: "get_status",
        status: Some(202),
        parameters: &[("runId", "/runId"), ("model", "/model"), ("cost", "/cost")],
        job_id: None,
    };

    #[test]
    fn a_handle_keeps_every_poll_parameter_and_survives_a_round_trip_through_json() {
        let response = json!({"runId": "r-1", "model": "Elevenlabs-Turbo-V2.5", "cost": 0.25});
        let handle = JobHandle::started(&START, &response).unwrap();
        assert_eq!(handle.id, "r-1");
        assert_eq!(handle.operation, "get_status");
        assert_eq!(handle.parameters["model"], json!("Elevenlabs-Turbo-V2.5"));
        assert_eq!(handle.parameters["cost"], json!(0.25));
        let stored = serde_json::to_string(&handle).unwrap();
        let restored: JobHandle = serde_json::from_str(&stored).unwrap();
        assert_eq!(restored, handle);
    }

    #[test]
    fn a_handle_for_another_operation_is_refused_by_name() {
        let handle = JobHandle::started(&START, &json!({"runId": "r-1", "model": "m"})).unwrap();
        assert!(handle.expect("get_status").is_ok());
        let error = handle.expect("get_speech").unwrap_err();
        assert!(error.to_string().contains("is for `get_status`"), "{error}");
    }

    const STATUS: JobStatus = JobStatus {
        operation: "get_status",
        items: None,
        state: "/status",
        pending: &["running"],
        completed: &["done"],
        failed: &["failed"],
        result: &[],
        percent: None,
        message: &[],
        code: None,
        parameters: &[],
    };

    /// Waits for a job that is done from its third poll on.
    async fn wait_three_polls(freshness: Freshness, histories: &Histories) -> Finished {
        let handle = JobHandle::started(&START, &json!({"runId": "r-1"})).unwrap();
        let polls = std::cell::Cell::new(0);
        let poll = || {
            polls.set(polls.get() + 1);
            let status = if polls.get() >= 3 { "done" } else { "running" };
            std::future::ready(Ok((json!({"status": status}), None)))
        };
        let wait = Wait::up_to(Duration::from_secs(600));
        let deadline = Deadline::after(wait.deadline);
        wait_job(
            &handle,
            freshness,
            &STATUS,
            &WaitPolicy::default(),
            histories,
            &wait,
            &deadline,
            poll,
        )
        .await
        .unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn the_length_of_a_job_just_started_is_remembered_and_shapes_the_next_waits() {
        let histories = Histories::default();
        let policy = WaitPolicy::default();
        let first = wait_three_polls(Freshness::JustStarted, &histories).await;
        assert_eq!(first.polls, 3);
        assert_eq!(
            histories.window("get_status", policy.learned_gap_secs()),
            None
        );
        for _ in 0..2 {
            wait_three_polls(Freshness::JustStarted, &histories).await;
        }
        let window = histories
            .window("get_status", policy.learned_gap_secs())
            .expect("three jobs are enough");
        let (after, by) = first.ended_between;
        assert!(window.from < by.as_secs_f64() && window.to > after.as_secs_f64());
        // A resumed job's age is unknown: its wait is not remembered.
        let histories = Histories::default();
        for _ in 0..3 {
            wait_three_polls(Freshness::Resumed, &histories).await;
        }
        assert_eq!(
            histories.window("get_status", policy.learned_gap_secs()),
            None
        );
    }

    #[test]
    fn a_start_response_without_the_id_is_an_unexpected_response() {
        let error = JobHandle::started(&START, &json!({"model": "m"})).unwrap_err();
        assert!(
            matches!(&error, Error::UnexpectedResponse { excerpt, .. } if excerpt == "submit answered without a job id"),
            "{error:?}"
        );
    }
}
