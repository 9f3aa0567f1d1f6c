//! Path values cannot move a request, in every operation with a path parameter of every spec:
//! each value is either refused before anything is sent (naming the operation and the parameter),
//! or sent to exactly the templated path with the value as one segment that decodes back to it.
//!
//! Driven by the specs alone: each operation is called by name (`Provider::dispatch`) with the
//! values of its first documented call, the path parameter replaced by a hostile value.

use crate::common;

use common::specs::{base_path, documented_request, specs};
use httpmock::MockServer;
use progenitor_client::Error;
use serde_json::json;
use speech_client_runtime::dispatch::Request;
use speech_client_runtime::path::decode_segment;
use speech_facade::{ApiKey, Options, Provider};
use speech_mock_support::Recorder;
use speech_spec::Spec;

/// The values a caller (or a server, through a job id it returned) might put in a path.
fn hostile_values() -> Vec<String> {
    let mut values: Vec<String> = [
        ".",
        "..",
        "%2e%2e",
        ".%2E",
        r"..\x",
        r"..\..\..\admin\delete-all",
        "../../admin/delete-all",
        "a/b",
        "?",
        "#",
        "a b",
        "\"quoted\" 'id'",
        "line\r\nbreak",
        "語/é",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    values.push("ab/é".repeat(2048)); // 10 kB
    values
}

/// The values that cannot be one segment: the URL parser resolves them as dot segments.
const REFUSED: [&str; 2] = [".", ".."];

#[tokio::test]
async fn path_values_stay_one_segment_of_their_operation_path_in_every_spec() {
    let mut checked = 0;
    for spec in specs() {
        for operation in spec.operations() {
            let id = operation.id().unwrap();
            let path_parameters: Vec<String> = operation
                .parameters()
                .map(|parameter| spec.resolve(parameter).unwrap())
                .filter(|parameter| parameter["in"] == "path")
                .map(|parameter| parameter["name"].as_str().unwrap().to_owned())
                .collect();
            let (documented, _files) = documented_request(&spec, &operation);
            for parameter in &path_parameters {
                for value in hostile_values() {
                    check(&spec, id, operation.path, parameter, &documented, &value).await;
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "no spec has a path parameter to check");
}

/// Sends `operation` with `parameter` set to `value` and checks where it went, if anywhere.
async fn check(
    spec: &Spec,
    operation: &str,
    template: &str,
    parameter: &str,
    documented: &Request,
    value: &str,
) {
    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    server
        .mock_async(|_, then| {
            then.respond_with(recorder.respond(404, json!({"error": "no such job"})));
        })
        .await;
    let base = base_path(spec);
    let key = ApiKey::new("key-that-must-not-leave-the-operation-path");
    let provider = Provider::new(&spec.provider, &server.url(&base), key, Options::default())
        .expect("a provider for every spec");
    let mut request = documented.clone();
    request
        .parameters
        .insert(parameter.to_owned(), json!(value));
    let shown = if value.len() > 40 {
        format!("{}... ({} bytes)", &value[..12], value.len())
    } else {
        format!("{value:?}")
    };
    let label = format!("{}::{operation}: {shown}", spec.provider);
    match provider.dispatch().dispatch(operation, request).await {
        Err(Error::InvalidRequest(message)) => {
            assert!(REFUSED.contains(&value), "{label} was refused: {message}");
            assert!(
                message.contains(&format!("`{operation}`"))
                    && message.contains(&format!("`{parameter}`")),
                "{label}: {message}"
            );
            assert_eq!(recorder.all().len(), 0, "{label} was sent");
        }
        _ => {
            assert!(!REFUSED.contains(&value), "{label} was sent");
            let requests = recorder.all();
            assert_eq!(requests.len(), 1, "{label}");
            let path = requests[0].uri().path().to_owned();
            let sent = path
                .strip_prefix(&base)
                .unwrap_or_else(|| panic!("{label} reached {path}, outside {base}"));
            let sent: Vec<&str> = sent.split('/').collect();
            let expected: Vec<&str> = template.split('/').collect();
            assert_eq!(sent.len(), expected.len(), "{label}: {path}");
            for (segment, templated) in sent.iter().zip(&expected) {
                if *templated == format!("{{{parameter}}}") {
                    assert_eq!(decode_segment(segment), value, "{label}: {path}");
                } else if !templated.starts_with('{') {
                    assert_eq!(segment, templated, "{label}: {path}");
                }
            }
        }
    }
}
