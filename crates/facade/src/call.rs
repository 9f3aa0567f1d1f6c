//! Sending a generated client's request with the retry policy, and reading its answer as JSON for
//! the spec's waiting contracts.

use std::fmt::Debug;
use std::time::{Duration, SystemTime};

use progenitor_client::{Error as ClientError, ResponseValue};
use serde::Serialize;
use speech_client_runtime::service::ErrorBody;
use tracing::Instrument;

use crate::error::Error;
use crate::hints::{Hint, HintLimits, retry_after};
use crate::retry::{Attempt, RetryPolicy, attempt_of, retry};

/// What every request of one provider is sent with: the retry policy, and where its error bodies
/// keep code and message (from the spec).
#[derive(Clone, Copy)]
pub(crate) struct Calls<'a> {
    pub retry: &'a RetryPolicy,
    pub errors: &'static ErrorBody,
}

/// Whether a request spends credits: if so, it is only retried when it cannot have been sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cost {
    Free,
    SpendsCredits,
}

/// Sends the request `build` makes (once per attempt, so an upload is rebuilt from its source),
/// retrying as `policy` and `cost` allow, and turns a final failure into an [`Error`].
pub(crate) async fn send<T, E, F, Fut>(
    calls: Calls<'_>,
    cost: Cost,
    operation: &'static str,
    build: F,
) -> Result<ResponseValue<T>, Error>
where
    E: Serialize + Debug,
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<ResponseValue<T>, ClientError<E>>>,
{
    let span = tracing::info_span!("request", operation, ?cost);
    let policy = calls.retry;
    let result = retry(policy, cost == Cost::SpendsCredits, build, inspect)
        .instrument(span)
        .await;
    match result {
        Ok(response) => Ok(response),
        Err(error) => {
            let limits = policy.hint_limits;
            Err(Error::from_client(error, calls.errors, |headers| hint(headers, &limits)).await)
        }
    }
}

/// One status poll: the request `build` makes, sent as a free read (retried), answered as JSON for
/// the waiting contract, with the server's delay hint.
pub(crate) async fn poll_json<T, E, F, Fut>(
    calls: Calls<'_>,
    operation: &'static str,
    build: F,
) -> Result<(serde_json::Value, Option<Duration>), Error>
where
    T: Serialize,
    E: Serialize + Debug,
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<ResponseValue<T>, ClientError<E>>>,
{
    let response = send(calls, Cost::Free, operation, build).await?;
    let retry_after = hint(response.headers(), &calls.retry.hint_limits);
    Ok((json(&response.into_inner()), retry_after))
}

/// What the retry loop needs to know about a failure.
fn inspect<E>(
    error: &ClientError<E>,
) -> (Option<u16>, Option<reqwest::header::HeaderMap>, Attempt) {
    match error {
        ClientError::ErrorResponse(response) => (
            Some(response.status().as_u16()),
            Some(response.headers().clone()),
            Attempt::MaybeSent,
        ),
        ClientError::UnexpectedResponse(response) => (
            Some(response.status().as_u16()),
            Some(response.headers().clone()),
            Attempt::MaybeSent,
        ),
        ClientError::CommunicationError(source) => (None, None, attempt_of(source)),
        // Refused before sending: a client-side 4xx, never retried.
        ClientError::InvalidRequest(_) => (Some(400), None, Attempt::NotSent),
        // An answer arrived but could not be read (truncated, not the documented shape): the
        // request reached the server.
        _ => (None, None, Attempt::MaybeSent),
    }
}

/// The server's delay hint, within the ceiling.
pub(crate) fn hint(headers: &reqwest::header::HeaderMap, limits: &HintLimits) -> Option<Duration> {
    match retry_after(headers, SystemTime::now(), limits)? {
        Hint::After(delay) => Some(delay),
        Hint::TooLong(_) => Some(limits.ceiling),
    }
}

/// A typed value as JSON, for the waiting contracts' pointers.
pub(crate) fn json<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}
