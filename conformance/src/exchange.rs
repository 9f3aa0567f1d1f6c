//! What a conformance case hands to a generated client, and what it gets back, in a form that
//! does not depend on the provider's types: the adapters (generated per provider) convert both ways.

use std::collections::BTreeMap;
use std::fmt::Debug;

use progenitor_client::{Error, ResponseValue};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;
use speech_client_runtime::Audio;

/// The values of one documented call: parameters by their wire name, the JSON body (for a form:
/// its text fields), the file parts by field name, and the file of a raw binary body. The same
/// values a facade dispatches by operation name, converted to the typed request the same way.
pub use speech_client_runtime::dispatch::Request as Call;

/// The client could not be given the documented values: a documented call it cannot make.
#[derive(Debug)]
pub enum CallError {
    /// A value the request type refuses (a limit, an enum, a missing field): the message names
    /// the parameter or field.
    Refused(String),
    UnknownOperation(String),
    UnknownProvider(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Refused(message) => write!(f, "the client refuses the documented {message}"),
            Self::UnknownOperation(id) => write!(f, "the client has no operation `{id}`"),
            Self::UnknownProvider(name) => write!(f, "no adapter for provider `{name}`"),
        }
    }
}

impl std::error::Error for CallError {}

impl From<speech_client_runtime::dispatch::Refusal> for CallError {
    fn from(refusal: speech_client_runtime::dispatch::Refusal) -> Self {
        Self::Refused(refusal.0)
    }
}

/// What the generated client made of the server's answer.
#[derive(Debug)]
pub enum Exchange {
    /// A documented success status, decoded.
    Success {
        status: u16,
        headers: BTreeMap<String, String>,
        body: Decoded,
    },
    /// A documented error status, decoded to the typed error body.
    ErrorBody {
        status: u16,
        headers: BTreeMap<String, String>,
        body: Decoded,
    },
    /// Any other `progenitor_client::Error`: what kind, the status if there was a response, and
    /// the raw body where the error keeps it.
    Failed {
        kind: &'static str,
        status: Option<u16>,
        message: String,
        raw_body: Option<Vec<u8>>,
    },
}

/// What a call's result becomes: a success decoded by `decode`, or the classified error.
pub async fn finish<T, E, F, Fut>(result: Result<ResponseValue<T>, Error<E>>, decode: F) -> Exchange
where
    E: Serialize + JsonSchema + Debug,
    F: FnOnce(T) -> Fut,
    Fut: Future<Output = Decoded>,
{
    match result {
        Ok(response) => {
            let status = response.status().as_u16();
            let headers = headers(response.headers());
            let body = decode(response.into_inner()).await;
            Exchange::Success {
                status,
                headers,
                body,
            }
        }
        Err(error) => Exchange::from_error(error).await,
    }
}

impl Exchange {
    /// Classifies a client error; an error response keeps its decoded body.
    pub async fn from_error<E: Serialize + JsonSchema + Debug>(error: Error<E>) -> Self {
        let message = error.to_string();
        match error {
            Error::ErrorResponse(response) => Self::ErrorBody {
                status: response.status().as_u16(),
                headers: headers(response.headers()),
                body: json(&response.into_inner()),
            },
            Error::InvalidResponsePayload(bytes, _) => Self::Failed {
                kind: "InvalidResponsePayload",
                status: None,
                message,
                raw_body: Some(bytes.to_vec()),
            },
            Error::UnexpectedResponse(response) => {
                let status = response.status().as_u16();
                let raw_body = response.bytes().await.ok().map(|bytes| bytes.to_vec());
                Self::Failed {
                    kind: "UnexpectedResponse",
                    status: Some(status),
                    // progenitor's message prints the whole response, `date` header included,
                    // which would change every snapshot on every run.
                    message: format!("Unexpected Response: HTTP {status}"),
                    raw_body,
                }
            }
            Error::InvalidRequest(_) => Self::failed("InvalidRequest", message),
            Error::CommunicationError(_) => Self::failed("CommunicationError", message),
            Error::InvalidUpgrade(_) => Self::failed("InvalidUpgrade", message),
            Error::ResponseBodyError(_) => Self::failed("ResponseBodyError", message),
            Error::Custom(_) => Self::failed("Custom", message),
        }
    }

    fn failed(kind: &'static str, message: String) -> Self {
        Self::Failed {
            kind,
            status: None,
            message,
            raw_body: None,
        }
    }
}

/// A decoded body.
#[derive(Debug)]
pub enum Decoded {
    Json {
        /// The typed value serialised again.
        value: Value,
        /// The typed value as Rust prints it (`{:#?}`): what a snapshot records.
        debug: String,
        /// The JSON Schema `schemars` derives for the value's type.
        schema: Value,
    },
    Audio {
        content_type: Option<String>,
        bytes: Vec<u8>,
    },
    Empty,
}

/// A typed JSON body.
pub fn json<T: Serialize + JsonSchema + Debug>(value: &T) -> Decoded {
    Decoded::Json {
        value: serde_json::to_value(value).unwrap_or_else(|e| Value::String(format!("{e}"))),
        debug: format!("{value:#?}"),
        schema: serde_json::to_value(schemars::schema_for!(T)).unwrap_or(Value::Null),
    }
}

/// An audio body, read to the end.
pub async fn audio(audio: Audio) -> Decoded {
    let content_type = audio.content_type().map(str::to_owned);
    let bytes = audio.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
    Decoded::Audio {
        content_type,
        bytes,
    }
}

/// Response headers by lower-case name (values that are not text are skipped).
pub fn headers(map: &reqwest::header::HeaderMap) -> BTreeMap<String, String> {
    map.iter()
        .filter_map(|(name, value)| {
            Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect()
}
