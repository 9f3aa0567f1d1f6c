//! Sending a generated client's request with the retry policy, held to the caller's deadline.

use std::fmt::Debug;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use progenitor_client::{Error as ClientError, ResponseValue};
use serde::Serialize;
use serde_json::Value;
use speech_client_runtime::service::ErrorBody;
use speech_client_runtime::with_max_body_bytes;
use tracing::Instrument;

use crate::deadline::Deadline;
use crate::error::{Error, Submission};
use crate::hints::{Hint, HintLimits, retry_after};
use crate::retry::{Attempt, AttemptFailure, RetryPolicy, attempt_of, retry};

/// What every request of one provider is sent with: the retry policy, and where its error bodies
/// keep code and message (from the spec).
#[derive(Clone, Copy)]
pub(crate) struct Calls<'a> {
    pub retry: &'a RetryPolicy,
    pub errors: &'static ErrorBody,
    /// The operations that spend credits (the spec's `x-spends-credits`).
    pub spends_credits: &'static [&'static str],
    /// The largest API answer read (`Options::max_response_bytes`).
    pub max_response_bytes: u64,
}

/// Sends the request of `operation` that `build` makes (once per attempt, so an upload is rebuilt
/// from its source), retrying as the policy allows (a request of an operation the spec says spends
/// credits only when it was not processed), and turns a final failure into an [`Error`].
///
/// Everything, retries and their sleeps included, ends by `deadline`. A credit-spending request
/// sent without an answer is never sent again, and the error says that it may have been
/// accepted: [`Error::Unconfirmed`], or when the deadline cut it off in flight,
/// [`Submission::Unconfirmed`].
pub(crate) async fn send<T, E, F, Fut>(
    calls: Calls<'_>,
    operation: &'static str,
    deadline: &Deadline,
    mut build: F,
) -> Result<ResponseValue<T>, Error>
where
    E: Serialize + Debug,
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<ResponseValue<T>, ClientError<E>>>,
{
    let spends_credits = calls.spends_credits.contains(&operation);
    let span = tracing::info_span!("request", operation, spends_credits);
    let in_flight = AtomicBool::new(false);
    let attempt = |number| {
        in_flight.store(true, Ordering::Relaxed);
        build(number)
    };
    let inspect = |error: &ClientError<E>| {
        let failure = inspect(error, calls.errors);
        // A failure that proves nothing was sent leaves nothing in flight.
        let sent = failure.attempt == Attempt::MaybeSent && !failure.rate_limited;
        in_flight.store(sent, Ordering::Relaxed);
        failure
    };
    let sending = async {
        let retried = retry(calls.retry, spends_credits, deadline, attempt, inspect);
        let sent = with_max_body_bytes(calls.max_response_bytes, retried).await;
        match sent {
            Ok(response) => Ok(response),
            Err(error) => {
                let limits = calls.retry.hint_limits;
                let hint = |headers: &_, status| hint(headers, status, &limits);
                Err(Error::from_client(error, calls.errors, hint).await)
            }
        }
    };
    match deadline.run(sending.instrument(span)).await {
        Some(result) => result.map_err(|error| unconfirmed(error, spends_credits, operation)),
        None => {
            let submission = if spends_credits && in_flight.load(Ordering::Relaxed) {
                Submission::Unconfirmed { operation }
            } else {
                Submission::NotSent
            };
            Err(Error::DeadlineExceeded {
                submission,
                last_state: None,
                last_error: None,
                elapsed: deadline.elapsed(),
                polls: 0,
            })
        }
    }
}

/// A credit-spending request that got no answer may still have been accepted: it is
/// [`Error::Unconfirmed`], because the caller must not simply submit again. A connection that
/// was never made sent nothing.
fn unconfirmed(error: Error, spends_credits: bool, operation: &'static str) -> Error {
    match error {
        Error::Transport { message, source }
            if spends_credits && source.as_ref().is_none_or(|s| !s.is_connect()) =>
        {
            Error::Unconfirmed {
                operation,
                message,
                source,
            }
        }
        other => other,
    }
}

/// What the retry loop needs to know about a failure. A `429` is a rate-limit refusal unless the
/// error body carries one of the spec's insufficient-credits codes.
fn inspect<E: Serialize>(error: &ClientError<E>, shape: &ErrorBody) -> AttemptFailure {
    let answered = |status: u16, headers: &reqwest::header::HeaderMap, body: Option<Value>| {
        let out_of_credits = body
            .as_ref()
            .and_then(|body| shape.code.iter().find_map(|pointer| body.pointer(pointer)))
            .and_then(Value::as_str)
            .is_some_and(|code| shape.insufficient_credits_codes.contains(&code));
        AttemptFailure {
            status: Some(status),
            headers: Some(headers.clone()),
            attempt: Attempt::MaybeSent,
            rate_limited: status == 429 && !out_of_credits,
            permanent: false,
        }
    };
    match error {
        ClientError::ErrorResponse(response) => answered(
            response.status().as_u16(),
            response.headers(),
            serde_json::to_value(response.as_ref()).ok(),
        ),
        ClientError::UnexpectedResponse(response) => {
            answered(response.status().as_u16(), response.headers(), None)
        }
        ClientError::CommunicationError(source) | ClientError::ResponseBodyError(source) => {
            AttemptFailure {
                status: None,
                headers: None,
                attempt: attempt_of(source),
                rate_limited: false,
                permanent: speech_client_runtime::body_too_large(source).is_some(),
            }
        }
        // Refused before sending: a client-side 4xx, never retried.
        ClientError::InvalidRequest(_) => AttemptFailure {
            status: Some(400),
            headers: None,
            attempt: Attempt::NotSent,
            rate_limited: false,
            permanent: true,
        },
        // An answer arrived but could not be read (truncated, not the documented shape): the
        // request reached the server.
        _ => AttemptFailure {
            status: None,
            headers: None,
            attempt: Attempt::MaybeSent,
            rate_limited: false,
            permanent: false,
        },
    }
}

/// The server's delay hint in a response with `status`; a longer one than the ceiling becomes the
/// ceiling (a job poll then waits that long before asking again).
pub(crate) fn hint(
    headers: &reqwest::header::HeaderMap,
    status: u16,
    limits: &HintLimits,
) -> Option<Duration> {
    match retry_after(headers, status, SystemTime::now(), limits)? {
        Hint::After(delay) => Some(delay),
        Hint::TooLong(_) => Some(limits.ceiling),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hint_beyond_the_ceiling_becomes_the_ceiling() {
        let limits = HintLimits {
            ceiling: Duration::from_secs(5),
        };
        let headers = |seconds: &str| {
            let mut map = reqwest::header::HeaderMap::new();
            map.insert("retry-after", seconds.parse().unwrap());
            map
        };
        assert_eq!(
            hint(&headers("3"), 429, &limits),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            hint(&headers("3600"), 429, &limits),
            Some(Duration::from_secs(5))
        );
    }
}
