//! Response decoding shared by the operations the xtask emits itself.
//!
//! progenitor decodes its own operations; these helpers give the emitted ones the same
//! [`ResponseValue`]/[`Error`] behaviour: a body that does not decode is an
//! [`Error::InvalidResponsePayload`] that keeps the raw bytes.

use progenitor_client::{ByteStream, Error, ResponseValue};
use std::convert::Infallible;

use reqwest::header::CONTENT_TYPE;

use crate::Audio;

/// Whether the response declares a JSON body (`application/json` or any `+json` type).
pub fn is_json(response: &reqwest::Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| {
            let essence = value.split(';').next().unwrap_or("").trim();
            essence.eq_ignore_ascii_case("application/json") || essence.ends_with("+json")
        })
        .unwrap_or(false)
}

/// Whether the response's `Content-Type` is one of `accepted` (compared without parameters, ignoring
/// case). A response without a `Content-Type` is accepted: some servers send audio without one.
pub fn media_type_is_one_of(response: &reqwest::Response, accepted: &[&str]) -> bool {
    let Some(value) = response.headers().get(CONTENT_TYPE) else {
        return true;
    };
    let essence = value
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim();
    accepted
        .iter()
        .any(|media| media.eq_ignore_ascii_case(essence))
}

/// Decodes a JSON body into `T` and applies `wrap` (the variant of an operation's result enum).
pub async fn json<T, U, E>(
    response: reqwest::Response,
    wrap: impl FnOnce(T) -> U,
) -> Result<ResponseValue<U>, Error<E>>
where
    T: serde::de::DeserializeOwned + std::fmt::Debug,
    U: std::fmt::Debug,
{
    ResponseValue::<T>::from_response(response).await?.map(wrap)
}

/// The answer to an error status: the typed error body `E` when the body decodes as one;
/// otherwise the answer itself, as [`Error::UnexpectedResponse`] with its status, headers and the
/// bytes read, so that a caller can still tell a `429` from a `500` when the server's error body is
/// not the documented shape. (progenitor's own decoding reports such a body as
/// [`Error::InvalidResponsePayload`], which has no status.)
pub async fn error_response<E: serde::de::DeserializeOwned>(
    response: reqwest::Response,
) -> Error<E> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = match response.bytes().await {
        Ok(body) => body,
        Err(error) => return Error::ResponseBodyError(error),
    };
    match serde_json::from_slice::<E>(&body) {
        Ok(decoded) => Error::ErrorResponse(ResponseValue::new(decoded, status, headers)),
        Err(_) => {
            let mut answer = http::Response::new(body);
            *answer.status_mut() = status;
            *answer.headers_mut() = headers;
            Error::UnexpectedResponse(reqwest::Response::from(answer))
        }
    }
}

/// Wraps an audio body without reading it.
pub fn audio<U: std::fmt::Debug>(
    response: reqwest::Response,
    wrap: impl FnOnce(Audio) -> U,
) -> ResponseValue<U> {
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let Ok(value) = ResponseValue::stream(response)
        .map::<U, _, Infallible>(|body: ByteStream| wrap(Audio::new(content_type, body)));
    value
}
