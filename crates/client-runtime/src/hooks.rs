//! What the generated clients' `ClientHooks` do around every request, written once here.
//!
//! Each generated crate lists its operations (id, path template, declared audio media types) in a
//! table taken from its spec and implements progenitor's hooks by calling [`pre`] and [`exec`]:
//! - [`pre`] refuses a request whose URL no longer has its operation's path shape
//!   ([`crate::path::check_path`]), before anything is sent;
//! - [`exec`] sends the request and limits the body of every response that is not declared audio
//!   ([`crate::body_limit`]).

use progenitor_client::OperationInfo;

use crate::body_limit;
use crate::response::media_type_is_one_of;

/// One operation of a generated client, as its spec declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The `operationId`.
    pub id: &'static str,
    /// The path template, such as `/tts/{speechId}`.
    pub path: &'static str,
    /// The audio (binary) media types a success response of the operation may carry.
    pub audio: &'static [&'static str],
}

fn find<'a>(operations: &'a [Operation], info: &OperationInfo) -> Option<&'a Operation> {
    operations
        .iter()
        .find(|operation| operation.id == info.operation_id)
}

/// Checks a built request before it is sent: its URL must be under `base_url` and match the
/// operation's path template segment for segment. The error is the `Error::InvalidRequest`
/// message.
pub fn pre(
    operations: &[Operation],
    base_url: &str,
    request: &reqwest::Request,
    info: &OperationInfo,
) -> Result<(), String> {
    let Some(operation) = find(operations, info) else {
        return Err(format!(
            "`{}` was not sent: the client has no path template for it",
            info.operation_id
        ));
    };
    crate::path::check_path(operation.id, base_url, operation.path, request.url())
}

/// Sends a request; unless the response is a success with one of the operation's declared audio
/// media types, its body is limited to [`body_limit::max_body_bytes`] (read when the request is
/// sent, so the caller's [`body_limit::with_max_body_bytes`] scope applies).
pub async fn exec(
    operations: &[Operation],
    client: &reqwest::Client,
    request: reqwest::Request,
    info: &OperationInfo,
) -> reqwest::Result<reqwest::Response> {
    let max = body_limit::max_body_bytes();
    let audio = find(operations, info).map_or(&[][..], |operation| operation.audio);
    let response = client.execute(request).await?;
    let is_audio = response.status().is_success()
        && !audio.is_empty()
        && media_type_is_one_of(&response, audio);
    Ok(if is_audio {
        response
    } else {
        body_limit::limit(response, max)
    })
}
