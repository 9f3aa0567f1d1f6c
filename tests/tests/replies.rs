//! What a dispatched call answers with, in every operation of every spec: a JSON reply is the
//! server's own bytes (an undocumented member, the number formatting and the spacing kept, which
//! serialising the decoded value back would lose), and only after the operation's typed response
//! decoded them: a body of another shape is still an error that carries it.
//!
//! Driven by the specs alone: each operation is called by name (`Provider::dispatch`) with the
//! values of its first documented call, and answered with each documented JSON success example.

mod common;

use common::specs::{base_path, documented_request, specs};
use httpmock::MockServer;
use serde_json::{Value, json};
use speech_client_runtime::dispatch::Reply;
use speech_client_runtime::json_body::JsonDocument;
use speech_facade::{ApiKey, Options, Provider};
use speech_spec::{Operation, Spec, is_success};

/// The first JSON example of each success status of `operation`.
fn success_examples(spec: &Spec, operation: &Operation<'_>) -> Vec<(u16, Value)> {
    operation
        .responses()
        .filter(|(status, _)| is_success(status))
        .filter_map(|(status, response)| {
            let response = spec.resolve(response).unwrap();
            let examples = response.pointer("/content/application~1json/examples")?;
            let (_, first) = examples.as_object()?.iter().next()?;
            let value = spec.resolve(first).unwrap().get("value").cloned()?;
            Some((status.parse().ok()?, value))
        })
        .collect()
}

/// `example` as a server might print it: indented, and an object with one more member that no
/// spec documents, whose numbers are written as no serialiser writes them.
fn as_served(example: &Value) -> String {
    let printed = serde_json::to_string_pretty(example).unwrap();
    match printed.strip_prefix('{') {
        Some(members) if example.as_object().is_some_and(|object| !object.is_empty()) => {
            format!("{{\n  \"undocumented\": {{\"kept\": [1.50, 2e3]}},{members}")
        }
        _ => printed,
    }
}

/// `spec`'s provider aimed at a server that answers every request with `status` and the JSON
/// text `body` (the server, which must outlive the provider's calls, comes with it).
async fn answering(spec: &Spec, status: u16, body: &str) -> (MockServer, Provider) {
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(status)
                .header("content-type", "application/json")
                .body(body);
        })
        .await;
    let provider = Provider::new(
        &spec.provider,
        &server.url(base_path(spec)),
        ApiKey::new("key"),
        Options::default(),
    )
    .unwrap();
    (server, provider)
}

#[tokio::test]
async fn a_json_reply_is_the_bytes_the_server_sent_once_the_typed_response_decoded_them() {
    let mut checked = 0;
    for spec in specs() {
        for operation in spec.operations() {
            let id = operation.id().unwrap();
            let (request, _files) = documented_request(&spec, &operation);
            for (status, example) in success_examples(&spec, &operation) {
                let label = format!("{}::{id} {status}", spec.provider);
                let served = as_served(&example);
                let (_server, provider) = answering(&spec, status, &served).await;
                let reply = provider.dispatch().dispatch(id, request.clone()).await;
                let Ok(Reply::Json(body)) = reply.map(|reply| reply.into_inner()) else {
                    panic!("{label}: no JSON reply");
                };
                assert_eq!(body.bytes(), served.as_bytes(), "{label}");
                if example.as_object().is_some_and(|object| !object.is_empty()) {
                    assert_eq!(
                        body.value_at("/undocumented/kept/0").as_deref(),
                        Some(&json!(1.5)),
                        "{label}"
                    );
                }

                let other_shape = r#""COMPLETED""#;
                let (_server, provider) = answering(&spec, status, other_shape).await;
                match provider.dispatch().dispatch(id, request.clone()).await {
                    Err(progenitor_client::Error::InvalidResponsePayload(bytes, _)) => {
                        assert_eq!(bytes, other_shape.as_bytes(), "{label}");
                    }
                    other => panic!("{label}: a body of another shape gave {other:?}"),
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "no documented JSON answer to serve");
}
