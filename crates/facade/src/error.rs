//! The facade's errors: one enum a caller can match on, whatever the provider. Every variant that
//! comes from a response keeps the HTTP status, the provider's code and message, and the request id
//! where the provider sends one. No variant holds a credential.

use std::time::Duration;

use serde_json::Value;
use speech_client_runtime::service::ErrorBody;

/// What the provider said when it refused a request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ApiFailure {
    pub status: u16,
    pub code: Option<String>,
    pub message: Option<String>,
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

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A configuration value is missing: the variable to set is named.
    #[error("`{variable}` is not set")]
    MissingConfiguration { variable: &'static str },
    /// The key cannot be sent as an HTTP header value.
    #[error("the API key is not a valid header value")]
    InvalidCredential,
    /// Refused before anything was sent: the message names the field and the limit.
    #[error("invalid input: {message}")]
    InvalidInput { message: String },
    /// The provider rejected the input (400, 413, 422).
    #[error("the provider rejected the request: {0}")]
    Rejected(Box<ApiFailure>),
    #[error("unauthorised: {0}")]
    Unauthorized(Box<ApiFailure>),
    #[error("insufficient credits: {failure} (have {credits:?}, need {need_credits:?})")]
    InsufficientCredits {
        failure: Box<ApiFailure>,
        credits: Option<i64>,
        need_credits: Option<i64>,
    },
    #[error("rate limited: {failure} (retry after {retry_after:?})")]
    RateLimited {
        failure: Box<ApiFailure>,
        retry_after: Option<Duration>,
    },
    #[error("not found: {0}")]
    NotFound(Box<ApiFailure>),
    /// A server-side failure (5xx) or an undocumented refusal.
    #[error("provider failure: {0}")]
    Provider(Box<ApiFailure>),
    /// The answer could not be understood (not the documented shape); the raw body is kept.
    #[error("unexpected response (status {status:?}): {excerpt}")]
    UnexpectedResponse {
        status: Option<u16>,
        excerpt: String,
        body: Vec<u8>,
    },
    /// The job reached a failure state.
    #[error("job {job_id} failed in state {state}: {}", message.as_deref().unwrap_or("no message"))]
    JobFailed {
        job_id: String,
        state: String,
        message: Option<String>,
        code: Option<String>,
    },
    /// The deadline passed before the job finished; wait again on `job_id` to resume.
    #[error(
        "job {job_id} not finished after {elapsed:?} and {polls} polls (last state {last_state:?})"
    )]
    DeadlineExceeded {
        job_id: String,
        last_state: Option<String>,
        elapsed: Duration,
        polls: u32,
    },
    /// Fetching a result URL failed (the URL in the error has no query string).
    #[error("download: {0}")]
    Download(Box<crate::download::DownloadError>),
    #[error("transport: {message}")]
    Transport {
        message: String,
        #[source]
        source: Option<reqwest::Error>,
    },
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
        retry_after: impl Fn(&reqwest::header::HeaderMap) -> Option<Duration>,
    ) -> Self {
        use progenitor_client::Error as E;
        match error {
            E::InvalidRequest(message) => Self::InvalidInput { message },
            E::ErrorResponse(response) => {
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                let body = serde_json::to_value(response.into_inner()).ok();
                Self::from_status(status, &headers, body, shape, retry_after(&headers))
            }
            E::UnexpectedResponse(response) => {
                let status = Some(response.status().as_u16());
                let body = response
                    .bytes()
                    .await
                    .map(|b| b.to_vec())
                    .unwrap_or_default();
                Self::unexpected(status, body)
            }
            E::InvalidResponsePayload(bytes, _) => Self::unexpected(None, bytes.to_vec()),
            E::CommunicationError(source) | E::ResponseBodyError(source) => Self::Transport {
                message: source.to_string(),
                source: Some(source),
            },
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

    fn unexpected(status: Option<u16>, body: Vec<u8>) -> Self {
        let excerpt: String = String::from_utf8_lossy(&body).chars().take(200).collect();
        Self::UnexpectedResponse {
            status,
            excerpt,
            body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The voice-clone API's error body, as its spec declares it.
    const SHAPE: ErrorBody = voiceclone_client::service::ERROR_BODY;

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
}
