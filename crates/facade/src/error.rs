//! The facade's errors: one enum a caller can match on, whatever the provider. Every variant that
//! comes from a response keeps the HTTP status, the provider's code and message, and the request id
//! where the provider sends one. No variant holds a credential.

use std::time::Duration;

use serde_json::Value;
use speech_client_runtime::service::ErrorBody;

use crate::handle::JobHandle;

/// What the provider said when it refused a request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ApiFailure {
    /// The HTTP status.
    pub status: u16,
    /// The provider's error code, where its error body has one (`x-error-body`).
    pub code: Option<String>,
    /// The provider's error message, where its error body has one (`x-error-body`).
    pub message: Option<String>,
    /// The request id the provider sent in an `x-request-id`, `request-id` or
    /// `x-amzn-requestid` header, to quote to its support.
    pub request_id: Option<String>,
    /// The error body as JSON, when it was JSON.
    pub body: Option<Value>,
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request {id})")?;
        }
        Ok(())
    }
}

/// Everything a facade call can fail with.
///
/// `#[non_exhaustive]`: new kinds of failure may be added without a major version; match with a
/// wildcard arm.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration value is missing: the variable to set is named.
    #[error("`{variable}` is not set")]
    MissingConfiguration {
        /// The environment variable to set.
        variable: &'static str,
    },
    /// The base URL cannot be used: refused when the client is built, before any request.
    #[error("the base URL `{url}` cannot be used: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// The key cannot be sent as an HTTP header value.
    #[error("the API key is not a valid header value")]
    InvalidCredential,
    /// The provider's spec maps no such neutral operation (`x-speech`): nothing was sent.
    #[error("{provider} offers no `{operation}`: its spec maps no such neutral operation")]
    Unsupported {
        /// The provider's name.
        provider: &'static str,
        /// The neutral operation, as `x-speech` names it (`synthesize`, `transcribe`,
        /// `clone-voice`, `voices`, `balance`).
        operation: &'static str,
    },
    /// Refused before anything was sent: the message names the field and the limit.
    #[error("invalid input: {message}")]
    InvalidInput {
        /// What is wrong, naming the field and its limit.
        message: String,
    },
    /// The provider rejected the input (400, 413, 422).
    #[error("the provider rejected the request: {0}")]
    Rejected(Box<ApiFailure>),
    /// The provider refused the key (401, 403).
    #[error("unauthorised: {0}")]
    Unauthorized(Box<ApiFailure>),
    /// The account lacks credits: a 402, or an error code the spec lists as meaning so
    /// (`x-error-body.insufficient-credits-codes`) whatever the status.
    #[error("insufficient credits: {failure}{}", credit_counts(*.credits, *.need_credits))]
    InsufficientCredits {
        /// What the provider said.
        failure: Box<ApiFailure>,
        /// The balance the error reports, where the provider sends it.
        credits: Option<i64>,
        /// What the request needed, where the provider sends it.
        need_credits: Option<i64>,
    },
    /// Too many requests (429).
    #[error("rate limited: {failure}{}", after(*.retry_after))]
    RateLimited {
        /// What the provider said.
        failure: Box<ApiFailure>,
        /// How long the provider asked to wait (`retry-after-ms`, `Retry-After` or
        /// `X-RateLimit-Reset`), within the hint limits.
        retry_after: Option<Duration>,
    },
    /// The resource does not exist (404): an unknown job, voice or path.
    #[error("not found: {0}")]
    NotFound(Box<ApiFailure>),
    /// A server-side failure (5xx) or an undocumented refusal.
    #[error("provider failure: {0}")]
    Provider(Box<ApiFailure>),
    /// The answer could not be understood (not the documented shape). `body` keeps the start of
    /// the raw body (at most [`BODY_EXCERPT_BYTES`]), `excerpt` the start of it as text.
    #[error("unexpected response{}: {excerpt}", status.map(|s| format!(" (HTTP {s})")).unwrap_or_default())]
    UnexpectedResponse {
        /// The HTTP status, when the answer had one.
        status: Option<u16>,
        /// The start of the body as text.
        excerpt: String,
        /// The start of the raw body.
        body: bytes::Bytes,
    },
    /// The job reached a failure state.
    #[error("job {job_id} failed in state `{state}`: {}", message.as_deref().unwrap_or("no message"))]
    JobFailed {
        /// The job's id.
        job_id: String,
        /// The failure state the provider reported.
        state: String,
        /// The provider's failure message, where it sends one.
        message: Option<String>,
        /// The provider's failure code, where it sends one.
        code: Option<String>,
    },
    /// The caller's deadline passed before the call finished. What happened to the request that
    /// starts the job is in `submission`: when the job was started, its handle resumes the wait.
    #[error("{}", deadline_message(submission, last_state.as_deref(), last_error.as_deref(), *elapsed, *polls))]
    DeadlineExceeded {
        /// What became of the request that starts the job.
        submission: Submission,
        /// The state the last successful poll reported.
        last_state: Option<String>,
        /// Why the last poll failed, when it did (a rate limit, a server error, ...).
        last_error: Option<Box<Error>>,
        /// How long the call ran.
        elapsed: Duration,
        /// How many status polls were sent.
        polls: u32,
    },
    /// An API answer was larger than [`crate::Options::max_response_bytes`]; nothing past the
    /// limit was read or kept.
    #[error("the provider's answer is larger than the limit of {limit} bytes")]
    ResponseTooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// Fetching a result URL failed (the URL in the error has no query string).
    #[error("download: {0}")]
    Download(Box<crate::download::DownloadError>),
    /// A request that spends credits (the spec's `x-spends-credits`) was sent and no answer came:
    /// the connection broke after sending, or the request timed out. The provider may have
    /// accepted it, and charged for it, so it was not sent again: check with the provider
    /// before submitting anew. (The same, cut off by the caller's deadline, is
    /// [`Error::DeadlineExceeded`] with [`Submission::Unconfirmed`].)
    #[error(
        "`{operation}` got no answer ({message}): the provider may have accepted (and charged) \
         it, so it was not sent again"
    )]
    Unconfirmed {
        /// The operation whose answer never came.
        operation: &'static str,
        /// Every cause in the chain, outermost first.
        message: String,
        /// The underlying error, when there is one.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// No answer: connecting, sending or reading failed. `message` gives every cause in the
    /// chain (connection refused, name not resolved, timed out, ...).
    #[error("transport: {message}")]
    Transport {
        /// Every cause in the chain, outermost first.
        message: String,
        /// The underlying error, when there is one.
        #[source]
        source: Option<reqwest::Error>,
    },
}

/// What became of the request that starts a job, when a call ends early.
#[derive(Clone, Debug, PartialEq)]
pub enum Submission {
    /// Nothing that could start a job was sent (or every attempt was refused unprocessed).
    NotSent,
    /// The start request was sent but no answer came: the provider may have accepted it, and
    /// charged for it. It was not sent again; check with the provider before submitting anew.
    Unconfirmed {
        /// The operation whose answer never came.
        operation: &'static str,
    },
    /// The job was started: resume waiting with this handle.
    Started(Box<JobHandle>),
}

/// Largest raw error body an [`Error`] keeps: enough for any documented error message, small
/// enough that an error page of a hundred megabytes costs nothing.
pub const BODY_EXCERPT_BYTES: usize = 64 << 10;

/// Characters of an unexpected body shown in the error's message.
const EXCERPT_CHARS: usize = 200;

fn credit_counts(credits: Option<i64>, need: Option<i64>) -> String {
    match (credits, need) {
        (Some(have), Some(need)) => format!(" (balance {have}, needed {need})"),
        (Some(have), None) => format!(" (balance {have})"),
        (None, Some(need)) => format!(" (needed {need})"),
        (None, None) => String::new(),
    }
}

fn after(retry_after: Option<Duration>) -> String {
    retry_after.map_or_else(String::new, |wait| {
        format!("; retry after {:.1} s", wait.as_secs_f64())
    })
}

fn deadline_message(
    submission: &Submission,
    last_state: Option<&str>,
    last_error: Option<&Error>,
    elapsed: Duration,
    polls: u32,
) -> String {
    let elapsed = format!("{:.1} s", elapsed.as_secs_f64());
    let mut message = match submission {
        Submission::NotSent => format!("the deadline passed after {elapsed}; nothing was started"),
        Submission::Unconfirmed { operation } => format!(
            "the deadline passed after {elapsed} with no answer to `{operation}`: the provider may \
             have accepted (and charged) it; it was not sent again"
        ),
        Submission::Started(job) => format!(
            "job {} not finished after {elapsed} and {polls} poll{}; resume the wait with its handle",
            job.id,
            if polls == 1 { "" } else { "s" }
        ),
    };
    if let Some(state) = last_state.filter(|state| !state.is_empty()) {
        message.push_str(&format!(" (last state `{state}`)"));
    }
    if let Some(error) = last_error {
        message.push_str(&format!(" (last poll: {error})"));
    }
    message
}

impl Error {
    /// The job this error is about, when one was started: store it to resume the wait.
    pub fn job(&self) -> Option<&JobHandle> {
        match self {
            Self::DeadlineExceeded {
                submission: Submission::Started(job),
                ..
            } => Some(job),
            _ => None,
        }
    }

    /// A result that is not the documented shape (e.g. a completed job without a result URL).
    pub(crate) fn missing_result(job_id: &str, what: &str) -> Self {
        Self::UnexpectedResponse {
            status: None,
            excerpt: format!("job {job_id} completed without {what}"),
            body: bytes::Bytes::new(),
        }
    }

    /// A transport failure, with every cause of the chain in its message; an answer cut off by the
    /// size limit is [`Error::ResponseTooLarge`].
    pub(crate) fn transport(source: reqwest::Error) -> Self {
        if let Some(too_large) = speech_client_runtime::body_too_large(&source) {
            return Self::ResponseTooLarge {
                limit: too_large.limit,
            };
        }
        let source = source.without_url();
        let mut message = source.to_string();
        let mut cause = std::error::Error::source(&source);
        while let Some(error) = cause {
            let text = error.to_string();
            if !message.contains(&text) {
                message.push_str(": ");
                message.push_str(&text);
            }
            cause = error.source();
        }
        Self::Transport {
            message,
            source: Some(source),
        }
    }
}

impl From<crate::download::DownloadError> for Error {
    fn from(error: crate::download::DownloadError) -> Self {
        Self::Download(Box::new(error))
    }
}

/// The request id headers providers use, in the order they are looked for.
const REQUEST_ID_HEADERS: [&str; 3] = ["x-request-id", "request-id", "x-amzn-requestid"];

impl Error {
    /// Classifies a generated client's error. `retry_after` reads a server hint from the headers.
    pub(crate) async fn from_client<E: serde::Serialize + std::fmt::Debug>(
        error: progenitor_client::Error<E>,
        shape: &ErrorBody,
        retry_after: impl Fn(&reqwest::header::HeaderMap, u16) -> Option<Duration>,
    ) -> Self {
        use progenitor_client::Error as E;
        match error {
            E::InvalidRequest(message) => Self::InvalidInput { message },
            E::ErrorResponse(response) => {
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                let body = serde_json::to_value(response.into_inner()).ok();
                Self::from_status(status, &headers, body, shape, retry_after(&headers, status))
            }
            // A status the spec does not declare is still a refusal the caller can act on: it is
            // classified by status, reading what the body says where the spec says.
            E::UnexpectedResponse(response) if response.status().as_u16() >= 400 => {
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                let body = serde_json::from_slice(&excerpt_of(response).await).ok();
                Self::from_status(status, &headers, body, shape, retry_after(&headers, status))
            }
            E::UnexpectedResponse(response) => {
                let status = Some(response.status().as_u16());
                Self::unexpected(status, excerpt_of(response).await)
            }
            E::InvalidResponsePayload(bytes, _) => Self::unexpected(None, bytes),
            E::CommunicationError(source) | E::ResponseBodyError(source) => Self::transport(source),
            other => Self::Transport {
                message: other.to_string(),
                source: None,
            },
        }
    }

    /// Classifies an error status with its (JSON) body, read where the spec says (`shape`).
    pub(crate) fn from_status(
        status: u16,
        headers: &reqwest::header::HeaderMap,
        body: Option<Value>,
        shape: &ErrorBody,
        retry_after: Option<Duration>,
    ) -> Self {
        let field = |pointers: &[&str]| {
            body.as_ref().and_then(|body| {
                pointers
                    .iter()
                    .find_map(|pointer| match body.pointer(pointer) {
                        Some(Value::String(text)) => Some(text.clone()),
                        Some(Value::Number(number)) => Some(number.to_string()),
                        _ => None,
                    })
            })
        };
        let number = |pointer: Option<&str>| {
            body.as_ref()
                .and_then(|b| b.pointer(pointer?))
                .and_then(Value::as_i64)
        };
        let failure = Box::new(ApiFailure {
            status,
            code: field(shape.code),
            message: field(shape.message),
            request_id: REQUEST_ID_HEADERS
                .iter()
                .find_map(|name| headers.get(*name)?.to_str().ok().map(str::to_owned)),
            body: body.clone(),
        });
        let no_credits = failure
            .code
            .as_deref()
            .is_some_and(|code| shape.insufficient_credits_codes.contains(&code));
        match status {
            _ if status == 402 || no_credits => Self::InsufficientCredits {
                credits: number(shape.credits),
                need_credits: number(shape.need_credits),
                failure,
            },
            429 => Self::RateLimited {
                failure,
                retry_after,
            },
            401 | 403 => Self::Unauthorized(failure),
            404 => Self::NotFound(failure),
            400 | 413 | 422 => Self::Rejected(failure),
            _ => Self::Provider(failure),
        }
    }

    /// An answer that is not the documented shape; only the start of `body` is kept.
    pub(crate) fn unexpected(status: Option<u16>, body: bytes::Bytes) -> Self {
        let body = body.slice(..body.len().min(BODY_EXCERPT_BYTES));
        let excerpt: String = String::from_utf8_lossy(&body)
            .chars()
            .take(EXCERPT_CHARS)
            .collect();
        Self::UnexpectedResponse {
            status,
            excerpt,
            body,
        }
    }
}

/// The start of a response body, at most [`BODY_EXCERPT_BYTES`]: the rest is never read, so an
/// endless or enormous error page costs neither time nor memory.
async fn excerpt_of(mut response: reqwest::Response) -> bytes::Bytes {
    let mut kept = bytes::BytesMut::new();
    while kept.len() < BODY_EXCERPT_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = BODY_EXCERPT_BYTES - kept.len();
                kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(None) | Err(_) => break,
        }
    }
    kept.freeze()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// An error body with a code, a message and the credits counts (`x-error-body`).
    const SHAPE: ErrorBody = ErrorBody {
        code: &["/code"],
        message: &["/error"],
        credits: Some("/credits"),
        need_credits: Some("/needCredits"),
        insufficient_credits_codes: &["USAGE_LIMIT_EXCEEDED"],
    };

    fn classify(status: u16, body: Value) -> Error {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-request-id", "req-1".parse().unwrap());
        Error::from_status(
            status,
            &headers,
            Some(body),
            &SHAPE,
            Some(Duration::from_secs(3)),
        )
    }

    #[test]
    fn statuses_map_to_variants_keeping_status_code_message_and_request_id() {
        let Error::Unauthorized(failure) = classify(
            401,
            json!({"code": "UNAUTHORIZED", "error": "Invalid API key"}),
        ) else {
            panic!()
        };
        assert_eq!(
            *failure,
            ApiFailure {
                status: 401,
                code: Some("UNAUTHORIZED".into()),
                message: Some("Invalid API key".into()),
                request_id: Some("req-1".into()),
                body: Some(json!({"code": "UNAUTHORIZED", "error": "Invalid API key"})),
            }
        );
        assert!(matches!(classify(404, json!({})), Error::NotFound(_)));
        assert!(matches!(classify(413, json!({})), Error::Rejected(_)));
        assert!(matches!(classify(503, json!({})), Error::Provider(_)));
        assert!(matches!(
            classify(429, json!({"code": "RATE_LIMITED"})),
            Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(3)
        ));
    }

    #[test]
    fn insufficient_credits_keep_the_documented_counts() {
        let body = json!({"code": "USAGE_LIMIT_EXCEEDED", "error": "Insufficient credits", "credits": 500, "needCredits": 1000});
        assert!(matches!(
            classify(429, body),
            Error::InsufficientCredits {
                credits: Some(500),
                need_credits: Some(1000),
                ..
            }
        ));
        // The same status with the rate-limit code is a rate limit.
        assert!(matches!(
            classify(
                429,
                json!({"code": "RATE_LIMITED", "error": "Rate limit exceeded"})
            ),
            Error::RateLimited { .. }
        ));
        assert!(matches!(
            classify(402, json!({"detail": "Insufficient Balance"})),
            Error::InsufficientCredits { .. }
        ));
    }

    #[test]
    fn messages_read_as_sentences_without_debug_noise() {
        let failure = || {
            Box::new(ApiFailure {
                status: 429,
                ..ApiFailure::default()
            })
        };
        let limited = Error::RateLimited {
            failure: failure(),
            retry_after: Some(Duration::from_millis(1500)),
        };
        assert_eq!(
            limited.to_string(),
            "rate limited: HTTP 429; retry after 1.5 s"
        );
        let limited = Error::RateLimited {
            failure: failure(),
            retry_after: None,
        };
        assert_eq!(limited.to_string(), "rate limited: HTTP 429");
        let credits = Error::InsufficientCredits {
            failure: failure(),
            credits: Some(500),
            need_credits: Some(1000),
        };
        assert_eq!(
            credits.to_string(),
            "insufficient credits: HTTP 429 (balance 500, needed 1000)"
        );
        let deadline = Error::DeadlineExceeded {
            submission: Submission::NotSent,
            last_state: None,
            last_error: None,
            elapsed: Duration::from_millis(2049),
            polls: 0,
        };
        assert_eq!(
            deadline.to_string(),
            "the deadline passed after 2.0 s; nothing was started"
        );
        for error in [limited, credits, deadline] {
            let text = error.to_string();
            assert!(!text.contains("Some(") && !text.contains("None"), "{text}");
        }
    }

    #[test]
    fn an_enormous_unexpected_body_is_kept_as_a_short_excerpt() {
        let page = bytes::Bytes::from(vec![b'x'; 100 << 20]);
        let error = Error::unexpected(Some(503), page);
        let Error::UnexpectedResponse { body, excerpt, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(body.len(), BODY_EXCERPT_BYTES);
        assert_eq!(excerpt.chars().count(), EXCERPT_CHARS);
        // Debug shows the bytes as text, not as a list of numbers.
        let debug = format!("{error:?}");
        assert!(
            debug.contains("xxxx") && debug.len() < 2 * BODY_EXCERPT_BYTES,
            "{}",
            debug.len()
        );
    }

    #[tokio::test]
    async fn a_transport_error_names_its_cause() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        drop(listener);
        let source = reqwest::get(format!("http://{address}/"))
            .await
            .unwrap_err();
        let error = Error::transport(source);
        let text = error.to_string().to_lowercase();
        assert!(text.contains("connection refused"), "{text}");
    }
}
