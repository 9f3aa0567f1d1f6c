//! Test support shared by the provider crates' tests and the conformance suite: what a mock server
//! needs to answer like a provider and to show what a client sent.
//!
//! - [`http_client`]: a `reqwest` client that sends one credential header, as a provider expects.
//! - [`json_response`], [`Recorder`]: answers from a mock server, the recorder keeping each request.
//! - [`exact_query`]: a matcher for a query string, in any order.
//! - [`multipart_parts`]: a recorded `multipart/form-data` body, decoded part by part.
//! - [`invalid_request`]: the message of a request the client refused to send.
//! - [`CapturedLog`]: a log sink a test reads back.
//! - [`RawServer`]: a loopback server that streams bodies of any size, or endless ones.
//! - [`StandIn`]: a local server that plays any provider from its spec alone (documented answers,
//!   jobs, credential, request validation), with [`Reply`]s scripted for fault scenarios.
//! - [`audio_sample`]: a few bytes that start like an audio file of a given media type.
//! - [`limits`]: the documented limits of an operation's request fields, read from its spec.

#![warn(missing_docs)]

pub mod limits;
mod log;
mod multipart;
mod raw;
mod recorder;
mod stand_in;

pub use log::CapturedLog;
pub use multipart::{Part, multipart_parts};
pub use raw::{RawAct, RawServer, UNENDING_CAP};
pub use recorder::{Recorder, exact_query, json_response, sequence};
pub use stand_in::{Origin, Reply, RequestLog, Served, StandIn, StandInBuilder, audio_sample};

use progenitor_client::Error;

/// A `reqwest` client that sends `header: value` on every request, the way a consumer wires a
/// provider's API key into a generated client with `Client::new_with_client`.
///
/// # Panics
/// When `header` or `value` is not a valid HTTP header name or value (a test's own constant).
pub fn http_client(header: &str, value: &str) -> reqwest::Client {
    let name = reqwest::header::HeaderName::try_from(header).expect("a header name");
    let value = reqwest::header::HeaderValue::try_from(value).expect("a header value");
    reqwest::Client::builder()
        .default_headers([(name, value)].into_iter().collect())
        .build()
        .expect("a reqwest client")
}

/// The message of an [`Error::InvalidRequest`]: a request refused before anything was sent.
///
/// # Panics
/// When `result` is anything else, naming what it was.
pub fn invalid_request<T: std::fmt::Debug, E: std::fmt::Debug>(
    result: Result<T, Error<E>>,
) -> String {
    match result {
        Err(Error::InvalidRequest(message)) => message,
        other => panic!("expected Error::InvalidRequest, got {other:?}"),
    }
}

/// Deterministic bytes standing in for an MP3 file of `len` bytes: an MPEG frame header, then
/// bytes that include CR, LF and `-` so that a multipart boundary mix-up would show.
pub fn fake_mp3(len: usize) -> Vec<u8> {
    let mut bytes = vec![0xff, 0xfb, 0x90, 0x64];
    bytes.extend((0..len.saturating_sub(4)).map(|i| b"\r\n--\x00\x01\x02"[i % 7]));
    bytes.truncate(len);
    bytes
}

/// A few bytes standing in for a small MP3 upload: an ID3 tag, an MPEG frame header, and CR, LF
/// and `--` that a multipart boundary mix-up would trip on.
pub const MP3_BYTES: &[u8] =
    b"ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x64\r\n--\r\n\x00\x01\x02";
