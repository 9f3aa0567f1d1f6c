//! What the local server of a case answers with and expects: the test key and where it goes, the
//! base path, documented answers served as printed, the bytes of uploaded files. Shared by the
//! documented cases, the calls sent as printed and the tolerance cases.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use httpmock::HttpMockResponse;
use serde_json::Value;
use speech_spec::{Operation, Spec, is_json_media, is_success};

/// The key every case authenticates with; the server checks it arrives where the spec says.
pub(crate) const API_KEY: &str = "conformance-test-key";

/// The bytes every uploaded file holds.
pub(crate) fn file_bytes() -> Vec<u8> {
    speech_mock_support::fake_mp3(2048)
}

/// The credential header the operation's first security scheme names, with the test key.
pub(crate) fn credential(spec: &Spec, operation: &Operation<'_>) -> Result<(String, String)> {
    Ok(match speech_spec::credential(&spec.doc, Some(operation))? {
        Some(credential) => (
            credential.header.to_ascii_lowercase(),
            format!("{}{API_KEY}", credential.prefix),
        ),
        None => ("x-unauthenticated".into(), "none".into()),
    })
}

/// The path of `servers[0]` (`/api/v1` of `https://your-domain.com/api/v1`).
pub(crate) fn base_path(spec: &Spec) -> Result<String> {
    let url = spec
        .doc
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .context("no servers[0].url")?;
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |at| &after_scheme[at..]);
    Ok(path.trim_end_matches('/').to_owned())
}

/// The status a range stands for when a case serves it (`4XX` → 400).
pub(crate) fn status_code(status: &str) -> Result<u16> {
    let digits = status.replace(['X', 'x'], "0");
    digits.parse().with_context(|| format!("status `{status}`"))
}

/// Documented response headers with an example value.
pub(crate) fn documented_headers(response: &Value) -> BTreeMap<String, String> {
    response
        .get("headers")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(name, header)| {
            let value = header
                .get("example")
                .or_else(|| header.pointer("/schema/example"))
                .or_else(|| {
                    header
                        .get("examples")
                        .and_then(Value::as_object)
                        .and_then(|examples| examples.values().next())
                        .and_then(|example| example.get("value"))
                })?;
            let text = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            Some((name.clone(), text))
        })
        .collect()
}

pub(crate) fn served_bytes(value: &Value) -> Vec<u8> {
    match value {
        Value::String(text) => text.as_bytes().to_vec(),
        other => other.to_string().into_bytes(),
    }
}

pub(crate) fn served_response(
    status: u16,
    media_type: &str,
    value: &Value,
    headers: &BTreeMap<String, String>,
) -> Result<HttpMockResponse> {
    let body = if is_json_media(media_type) {
        serde_json::to_vec(value)?
    } else {
        served_bytes(value)
    };
    let mut builder = HttpMockResponse::builder()
        .status(status)
        .header("content-type", media_type);
    for (name, value) in headers {
        if !name.eq_ignore_ascii_case("content-length") {
            builder = builder.header(name.as_str(), value.as_str());
        }
    }
    Ok(builder.body(body).build())
}

/// The operation's first documented success answer, served to request cases so that the call
/// completes (the request, not this answer, is what a request case checks).
pub(crate) fn success_answer(spec: &Spec, operation: &Operation<'_>) -> Result<HttpMockResponse> {
    for (status, response) in operation.responses() {
        if !is_success(status) {
            continue;
        }
        let response = spec.resolve(response)?;
        for (media_type, object) in crate::cases::content(response) {
            if let Some(value) = object
                .get("examples")
                .and_then(Value::as_object)
                .and_then(|examples| examples.values().next())
                .and_then(|example| example.get("value"))
            {
                return served_response(status_code(status)?, &media_type, value, &BTreeMap::new());
            }
        }
    }
    // An audio answer with no printed example (nothing to print): MP3 bytes of its media type.
    for (status, response) in operation.responses() {
        if !is_success(status) {
            continue;
        }
        let response = spec.resolve(response)?;
        if let Some((media_type, _)) = crate::cases::content(response)
            .into_iter()
            .find(|(media_type, _)| !is_json_media(media_type))
        {
            return Ok(HttpMockResponse::builder()
                .status(status_code(status)?)
                .header("content-type", media_type)
                .body(file_bytes())
                .build());
        }
    }
    bail!(
        "{}: no documented success answer to reply with",
        operation.label()
    )
}

/// A JSON value as text on the wire: strings as they are, anything else as compact JSON.
pub(crate) fn plain_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
