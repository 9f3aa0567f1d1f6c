//! Calling any operation of a generated client by name, with JSON values: what a facade needs to
//! drive every provider through one code path. Each generated crate implements [`Dispatch`] for its
//! `Client`; the values are converted to the operation's own typed request, so every documented
//! limit is checked exactly as with the typed builders, before anything is sent.

use std::any::Any;
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use progenitor_client::{Error, ResponseValue};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Audio;
use crate::file_part::FilePart;
use crate::json_body::JsonBody;
use crate::service::Service;

/// The values of one request: parameters by wire name, the JSON body (for a multipart form, its
/// text fields), and file parts by field name. Cloning is cheap (a file part is read again when
/// sent), so a retry sends the same request again.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// Parameter values by wire name (path, query and header alike).
    pub parameters: BTreeMap<String, Value>,
    /// The JSON body; for a multipart form, its text fields as one JSON object.
    pub body: Option<Value>,
    /// The file parts of a multipart body, by field name.
    pub files: BTreeMap<String, FilePart>,
    /// The file an upload operation takes: its raw (`application/octet-stream`) body, or its one
    /// file part.
    pub upload: Option<FilePart>,
}

impl Request {
    /// The parameter `name` as the operation's typed value; `None` when the request does not set it.
    ///
    /// # Errors
    /// A [`Refusal`] naming the parameter when the type refuses the value.
    pub fn parameter<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Refusal> {
        self.parameters
            .get(name)
            .filter(|value| !value.is_null())
            .map(|value| typed(format_args!("parameter `{name}`"), value))
            .transpose()
    }

    /// The body as the operation's typed request body; `None` when the request has none.
    ///
    /// # Errors
    /// A [`Refusal`] naming the field the type refuses.
    pub fn body<T: DeserializeOwned>(&self) -> Result<Option<T>, Refusal> {
        self.body
            .as_ref()
            .map(|value| typed("body", value))
            .transpose()
    }

    /// Refuses values `operation` has no place for (a misspelt parameter would otherwise be
    /// dropped silently): `parameters` and `files` are its wire names, `body` whether it takes a
    /// JSON or form body, `upload` whether it takes one file (a raw body or its only file part).
    ///
    /// # Errors
    /// A [`Refusal`] naming the first value that has no place.
    pub fn check(
        &self,
        operation: &str,
        parameters: &[&str],
        files: &[&str],
        body: bool,
        upload: bool,
    ) -> Result<(), Refusal> {
        if let Some(name) = self
            .parameters
            .keys()
            .find(|name| !parameters.contains(&name.as_str()))
        {
            return Err(Refusal(format!("`{operation}` has no parameter `{name}`")));
        }
        if let Some(name) = self
            .files
            .keys()
            .find(|name| !files.contains(&name.as_str()))
        {
            return Err(Refusal(format!("`{operation}` has no file part `{name}`")));
        }
        if self.body.is_some() && !body {
            return Err(Refusal(format!("`{operation}` takes no body")));
        }
        if self.upload.is_some() && !upload {
            return Err(Refusal(format!(
                "`{operation}` takes no single file to upload"
            )));
        }
        Ok(())
    }

    /// The file part for `field`; the upload for an operation whose only file part it is.
    pub fn file(&self, field: &str, only_part: bool) -> Option<FilePart> {
        self.files
            .get(field)
            .or(self.upload.as_ref().filter(|_| only_part))
            .cloned()
    }
}

/// A value the operation's types refuse; it becomes [`Error::InvalidRequest`] (nothing is sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

impl From<Refusal> for Error<Value> {
    fn from(refusal: Refusal) -> Self {
        Error::InvalidRequest(refusal.0)
    }
}

/// `value` as `T`, or a refusal that names `what` and the field the type refused (`what` is
/// only formatted for a refusal).
fn typed<T: DeserializeOwned>(what: impl fmt::Display, value: &Value) -> Result<T, Refusal> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let reason = error.inner().to_string();
        let field = format!("`{path}`");
        // The generated value types name their field themselves; others are named here.
        Refusal(if path == "." || reason.contains(&field) {
            format!("{what}: {reason}")
        } else {
            format!("{what}: {field}: {reason}")
        })
    })
}

/// What an operation answered with.
#[derive(Debug)]
pub enum Reply {
    /// A JSON body, as the server sent it, after the operation's typed response decoded it.
    Json(JsonBody),
    /// An audio body, not yet read.
    Audio(Audio),
    /// No body.
    Empty,
}

/// The result of a dispatched call: progenitor's, with the typed error body as JSON.
pub type Dispatched = Result<ResponseValue<Reply>, Error<Value>>;

/// A future that a dispatched call returns.
pub type DispatchFuture<'a> = Pin<Box<dyn Future<Output = Dispatched> + Send + 'a>>;

/// A generated client that can be called by operation name (implemented by every generated
/// `Client`).
pub trait Dispatch: Any + Send + Sync {
    /// What the spec says about the provider.
    fn service(&self) -> &'static Service;

    /// Sends `operation` with the values of `request`. A value the operation's types refuse, or
    /// an operation the spec does not have, is [`Error::InvalidRequest`] and nothing is sent.
    fn dispatch<'a>(&'a self, operation: &'a str, request: Request) -> DispatchFuture<'a>;

    /// The client itself, to reach its typed calls.
    fn as_any(&self) -> &dyn Any;
}

/// A typed success as a [`Reply`] (for the generated `Dispatch` implementations, which send the
/// call inside [`crate::body_limit::keeping_body`]): `into` gets the decoded value and `body`, the
/// bytes it was decoded from.
pub fn reply<T>(
    response: ResponseValue<T>,
    body: Bytes,
    into: impl FnOnce(T, JsonBody) -> Reply,
) -> ResponseValue<Reply> {
    let Ok(reply) = response.map::<_, _, Infallible>(|value| into(value, JsonBody::new(body)));
    reply
}

/// A decoded JSON value as a [`Reply`]: the body it was decoded from. Decoding is what proves the
/// body has the documented shape; the reply keeps the provider's own bytes rather than the value
/// serialised back.
pub fn json<T>(_decoded: T, body: JsonBody) -> Reply {
    Reply::Json(body)
}

/// A typed error as one with its body as JSON (for the generated `Dispatch` implementations).
pub fn untyped_error<E: Serialize>(error: Error<E>) -> Error<Value> {
    match error {
        Error::ErrorResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            let body = serde_json::to_value(response.into_inner()).unwrap_or(Value::Null);
            Error::ErrorResponse(ResponseValue::new(body, status, headers))
        }
        Error::InvalidRequest(message) => Error::InvalidRequest(message),
        Error::CommunicationError(error) => Error::CommunicationError(error),
        Error::InvalidUpgrade(error) => Error::InvalidUpgrade(error),
        Error::ResponseBodyError(error) => Error::ResponseBodyError(error),
        Error::InvalidResponsePayload(bytes, error) => Error::InvalidResponsePayload(bytes, error),
        Error::UnexpectedResponse(response) => Error::UnexpectedResponse(response),
        Error::Custom(message) => Error::Custom(message),
    }
}

/// The refusal of an operation the spec does not have.
pub fn unknown_operation(service: &Service, operation: &str) -> Error<Value> {
    Error::InvalidRequest(format!("{} has no operation `{operation}`", service.name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        text: String,
        speed: Option<f64>,
    }

    #[test]
    fn a_value_the_type_refuses_is_an_invalid_request_naming_the_field() {
        let request = Request {
            body: Some(json!({"text": "hi", "speed": "fast"})),
            ..Request::default()
        };
        let Err(Refusal(message)) = request.body::<Body>() else {
            panic!("accepted");
        };
        assert!(
            message.starts_with("body: `speed`: invalid type"),
            "{message}"
        );
        let request = Request {
            body: Some(json!({"text": "hi", "extra": 1})),
            ..Request::default()
        };
        let Err(Refusal(message)) = request.body::<Body>() else {
            panic!("accepted");
        };
        assert!(message.contains("unknown field `extra`"), "{message}");
    }

    #[test]
    fn a_value_the_operation_has_no_place_for_is_refused_by_name() {
        let request = Request {
            parameters: [("page".to_owned(), json!(1)), ("pgae".to_owned(), json!(2))]
                .into_iter()
                .collect(),
            ..Request::default()
        };
        assert_eq!(
            request.check("list", &["page"], &[], false, false),
            Err(Refusal("`list` has no parameter `pgae`".into()))
        );
        assert_eq!(
            request.check("list", &["page", "pgae"], &[], false, false),
            Ok(())
        );
        let with_body = Request {
            body: Some(json!({})),
            ..Request::default()
        };
        assert_eq!(
            with_body.check("get", &[], &[], false, false),
            Err(Refusal("`get` takes no body".into()))
        );
        let upload = Request {
            upload: Some(FilePart::from_bytes(vec![1])),
            ..Request::default()
        };
        assert!(upload.check("speak", &[], &[], true, false).is_err());
        assert!(upload.check("clone", &[], &["voice"], true, true).is_ok());
    }

    #[test]
    fn an_absent_or_null_parameter_is_not_set() {
        let request = Request {
            parameters: [("a".to_owned(), Value::Null)].into_iter().collect(),
            ..Request::default()
        };
        assert!(request.parameter::<String>("a").unwrap().is_none());
        assert!(request.parameter::<String>("b").unwrap().is_none());
    }
}
