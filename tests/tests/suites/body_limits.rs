//! Bounded memory for every API response body, in every operation of every spec: a JSON (or
//! error) body larger than the limit fails quickly with a `BodyTooLarge` in the error's source
//! chain, whether its length is declared or it never ends; a body within the limit decodes; audio
//! is left whole to the caller; `with_max_body_bytes` sets the limit for the calls inside it.
//!
//! Driven by the specs alone: each operation is called by name (`Provider::dispatch`) with the
//! values of its first documented call.

use crate::common;

use std::time::{Duration, Instant};

use common::specs::{base_path, documented_request, specs};
use futures_util::TryStreamExt;
use httpmock::MockServer;
use serde_json::Value;
use speech_client_runtime::body_limit::{DEFAULT_MAX_BYTES, with_max_body_bytes};
use speech_client_runtime::dispatch::{Dispatched, Reply};
use speech_client_runtime::{BodyTooLarge, body_too_large};
use speech_facade::{ApiKey, Options, Provider};
use speech_mock_support::{RawAct, RawServer, json_response};
use speech_spec::{Operation, Spec, is_json_media, is_success};

/// How long a refused body may take: the limit is hit after 4 MiB on loopback, or at once.
const QUICKLY: Duration = Duration::from_secs(10);

/// The `BodyTooLarge` a failed call carries, if any.
fn too_large(result: Dispatched) -> Option<BodyTooLarge> {
    let error = result.err()?;
    body_too_large(&error).copied()
}

/// The media types of `operation`'s responses whose status `keep` accepts.
fn media_types(spec: &Spec, operation: &Operation<'_>, keep: fn(&str) -> bool) -> Vec<String> {
    operation
        .responses()
        .filter(|(status, _)| keep(status))
        .flat_map(|(_, response)| {
            spec.resolve(response)
                .unwrap()
                .get("content")
                .and_then(Value::as_object)
                .map(|content| content.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        })
        .collect()
}

/// Whether `operation` answers `200` with JSON (what the raw servers below send).
fn answers_json(spec: &Spec, operation: &Operation<'_>) -> bool {
    media_types(spec, operation, |status| status == "200")
        .iter()
        .any(|media| is_json_media(media))
}

fn answers_only_audio(spec: &Spec, operation: &Operation<'_>) -> bool {
    let media = media_types(spec, operation, is_success);
    !media.is_empty() && media.iter().all(|media| media.starts_with("audio/"))
}

/// A documented JSON error status of `operation` (decoded into its error schema), if any.
fn documented_json_error(spec: &Spec, operation: &Operation<'_>) -> Option<u16> {
    operation
        .responses()
        .filter(|(status, _)| status.starts_with('4'))
        .find(|(_, response)| {
            let response = spec.resolve(response).unwrap();
            response
                .get("content")
                .and_then(Value::as_object)
                .is_some_and(|content| content.keys().any(|media| is_json_media(media)))
        })
        .and_then(|(status, _)| status.parse().ok())
}

/// Calls every operation `select` picks, of every spec, against the API at `base` (a server that
/// answers any path the same way): `(label, BodyTooLarge, time)` for each.
async fn every_call(
    base: &str,
    select: impl Fn(&Spec, &Operation<'_>) -> bool,
) -> Vec<(String, Option<BodyTooLarge>, Duration)> {
    let mut results = Vec::new();
    for spec in specs() {
        let url = format!("{base}{}", base_path(&spec));
        let provider =
            Provider::new(&spec.provider, &url, ApiKey::new("key"), Options::default()).unwrap();
        for operation in spec.operations() {
            if !select(&spec, &operation) {
                continue;
            }
            let (request, _files) = documented_request(&spec, &operation);
            let id = operation.id().unwrap();
            let started = Instant::now();
            let result = too_large(provider.dispatch().dispatch(id, request).await);
            results.push((
                format!("{}::{id}", spec.provider),
                result,
                started.elapsed(),
            ));
        }
    }
    assert!(!results.is_empty(), "no operation selected");
    results
}

fn assert_all_refused(results: &[(String, Option<BodyTooLarge>, Duration)], limit: u64) {
    for (call, too_large, elapsed) in results {
        assert_eq!(*too_large, Some(BodyTooLarge { limit }), "{call}");
        assert!(*elapsed < QUICKLY, "{call} took {elapsed:?}");
    }
}

#[tokio::test]
async fn a_50_mb_json_body_fails_before_it_is_read() {
    let server = RawServer::scripted(vec![RawAct::Generated {
        content_type: "application/json",
        length: 50 * 1024 * 1024,
    }])
    .await;
    let results = every_call(&server.url(""), answers_json).await;
    assert_all_refused(&results, DEFAULT_MAX_BYTES);
}

#[tokio::test]
async fn an_endless_chunked_json_body_fails_once_past_the_limit() {
    let server = RawServer::scripted(vec![RawAct::Unending {
        status: 200,
        content_type: "application/json",
    }])
    .await;
    let results = every_call(&server.url(""), answers_json).await;
    assert_all_refused(&results, DEFAULT_MAX_BYTES);
}

#[tokio::test]
async fn an_error_body_over_the_limit_fails_rather_than_being_buffered() {
    for spec in specs() {
        for operation in spec.operations() {
            let Some(status) = documented_json_error(&spec, &operation) else {
                continue;
            };
            let id = operation.id().unwrap();
            let select = |candidate: &Spec, other: &Operation<'_>| {
                candidate.provider == spec.provider && other.id() == Some(id)
            };
            let endless = RawServer::scripted(vec![RawAct::Unending {
                status,
                content_type: "application/json",
            }])
            .await;
            assert_all_refused(
                &every_call(&endless.url(""), select).await,
                DEFAULT_MAX_BYTES,
            );
            let declared = RawServer::scripted(vec![RawAct::Answer {
                status,
                content_type: "application/json",
                body: vec![b' '; DEFAULT_MAX_BYTES as usize + 1],
            }])
            .await;
            assert_all_refused(
                &every_call(&declared.url(""), select).await,
                DEFAULT_MAX_BYTES,
            );
        }
    }
}

#[tokio::test]
async fn with_max_body_bytes_sets_the_limit_for_the_calls_inside_it() {
    let mut checked = 0;
    for spec in specs() {
        for operation in spec.operations() {
            // The operation's first documented JSON success example, served as it is.
            let example = operation
                .responses()
                .filter(|(status, _)| *status == "200")
                .find_map(|(_, response)| {
                    let response = spec.resolve(response).unwrap();
                    let examples = response.pointer("/content/application~1json/examples")?;
                    let (_, first) = examples.as_object()?.iter().next()?;
                    spec.resolve(first).unwrap().get("value").cloned()
                });
            let Some(example) = example else { continue };
            let length = serde_json::to_vec(&example).unwrap().len() as u64;
            let server = MockServer::start_async().await;
            server
                .mock_async(|_, then| {
                    let answer = json_response(200, &example);
                    then.respond_with(move |_: &httpmock::HttpMockRequest| answer.clone());
                })
                .await;
            let url = server.url(base_path(&spec));
            let provider =
                Provider::new(&spec.provider, &url, ApiKey::new("key"), Options::default())
                    .unwrap();
            let id = operation.id().unwrap();
            let (request, _files) = documented_request(&spec, &operation);
            let call = || provider.dispatch().dispatch(id, request.clone());
            let label = format!("{}::{id} ({length} bytes)", spec.provider);

            assert!(
                matches!(call().await.map(|r| r.into_inner()), Ok(Reply::Json(_))),
                "{label}"
            );
            let refused = with_max_body_bytes(length - 1, call()).await;
            assert_eq!(
                too_large(refused),
                Some(BodyTooLarge { limit: length - 1 }),
                "{label}"
            );
            let decoded = with_max_body_bytes(length + 1024, call()).await;
            assert!(
                matches!(decoded.map(|r| r.into_inner()), Ok(Reply::Json(_))),
                "{label}"
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "no documented JSON answer to serve");
}

#[tokio::test]
async fn audio_bodies_are_left_whole_to_the_caller() {
    let length = DEFAULT_MAX_BYTES + 2 * 1024 * 1024;
    let mut checked = 0;
    for spec in specs() {
        for operation in spec.operations() {
            if !answers_only_audio(&spec, &operation) {
                continue;
            }
            let server = RawServer::scripted(vec![RawAct::Generated {
                content_type: "audio/mpeg",
                length,
            }])
            .await;
            let url = server.url(&base_path(&spec));
            let provider =
                Provider::new(&spec.provider, &url, ApiKey::new("key"), Options::default())
                    .unwrap();
            let id = operation.id().unwrap();
            let (request, _files) = documented_request(&spec, &operation);
            let reply = provider.dispatch().dispatch(id, request).await.unwrap();
            let Reply::Audio(audio) = reply.into_inner() else {
                panic!("{}::{id}: not audio", spec.provider);
            };
            assert_eq!(audio.content_type(), Some("audio/mpeg"));
            assert_eq!(audio.bytes().await.unwrap().len() as u64, length);
            checked += 1;
        }
    }
    assert!(checked > 0, "no operation answers with audio only");
}

#[tokio::test]
async fn an_audio_answer_streams_and_an_html_page_in_its_place_is_not_audio() {
    let mut checked = 0;
    for spec in specs() {
        for operation in spec.operations() {
            if !answers_only_audio(&spec, &operation) {
                continue;
            }
            let id = operation.id().unwrap();
            let label = format!("{}::{id}", spec.provider);
            let (request, _files) = documented_request(&spec, &operation);

            // An answer that never ends: its first chunk arrives, so the audio is a stream.
            let endless = RawServer::scripted(vec![RawAct::Unending {
                status: 200,
                content_type: "audio/mpeg",
            }])
            .await;
            let url = endless.url(&base_path(&spec));
            let provider =
                Provider::new(&spec.provider, &url, ApiKey::new("key"), Options::default())
                    .unwrap();
            let reply = provider.dispatch().dispatch(id, request.clone()).await;
            let Ok(Reply::Audio(audio)) = reply.map(|r| r.into_inner()) else {
                panic!("{label}: not audio");
            };
            let mut stream = audio.into_stream();
            let first = stream.try_next().await;
            assert!(
                first.unwrap().is_some_and(|chunk| !chunk.is_empty()),
                "{label}"
            );

            // A gateway's HTML page with 200 is not audio: an unexpected response, kept whole.
            let page = b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>".to_vec();
            let html = RawServer::scripted(vec![RawAct::Answer {
                status: 200,
                content_type: "text/html",
                body: page,
            }])
            .await;
            let url = html.url(&base_path(&spec));
            let provider =
                Provider::new(&spec.provider, &url, ApiKey::new("key"), Options::default())
                    .unwrap();
            let result = provider.dispatch().dispatch(id, request).await;
            let Err(progenitor_client::Error::UnexpectedResponse(response)) = result else {
                panic!("{label}: an HTML page was taken for audio: {result:?}");
            };
            assert_eq!(response.status(), 200, "{label}");
            checked += 1;
        }
    }
    assert!(checked > 0, "no operation answers with audio only");
}
