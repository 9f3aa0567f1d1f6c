//! Path values cannot move a request, in every generated operation with a path parameter: each
//! value is either refused before anything is sent (naming the operation and the parameter), or
//! sent to exactly the templated path with the value as one segment that decodes back to it.

use std::fmt::Debug;

use httpmock::MockServer;
use miragic_client::Error;
use serde_json::json;
use speech_client_runtime::path::decode_segment;
use speech_mock_support::{Recorder, http_client};

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

enum Outcome {
    Refused(String),
    Sent,
}

fn outcome<T: Debug, E: Debug>(result: Result<T, Error<E>>) -> Outcome {
    match result {
        Err(Error::InvalidRequest(message)) => Outcome::Refused(message),
        _ => Outcome::Sent,
    }
}

/// Runs `call` with every hostile value against a server that records what arrives; `prefix` is
/// the path before the value, `operation` and `parameter` what a refusal must name.
async fn check<F, Fut>(operation: &str, parameter: &str, prefix: &str, call: F)
where
    F: Fn(String, String) -> Fut,
    Fut: Future<Output = Outcome>,
{
    for value in hostile_values() {
        let server = MockServer::start_async().await;
        let recorder = Recorder::default();
        server
            .mock_async(|_, then| {
                then.respond_with(recorder.respond(404, json!({"error": "no such job"})));
            })
            .await;
        let shown = if value.len() > 40 {
            format!("{}... ({} bytes)", &value[..12], value.len())
        } else {
            format!("{value:?}")
        };
        match call(server.base_url(), value.clone()).await {
            Outcome::Refused(message) => {
                assert!(
                    REFUSED.contains(&value.as_str()),
                    "{operation}: {shown} was refused: {message}"
                );
                assert!(
                    message.contains(&format!("`{operation}`"))
                        && message.contains(&format!("`{parameter}`")),
                    "{operation}: {shown}: {message}"
                );
                assert_eq!(recorder.all().len(), 0, "{operation}: {shown} was sent");
            }
            Outcome::Sent => {
                assert!(
                    !REFUSED.contains(&value.as_str()),
                    "{operation}: {shown} was sent"
                );
                let requests = recorder.all();
                assert_eq!(requests.len(), 1, "{operation}: {shown}");
                let path = requests[0].uri().path().to_owned();
                let segment = path.strip_prefix(prefix).unwrap_or_else(|| {
                    panic!("{operation}: {shown} reached {path}, not {prefix}...")
                });
                assert!(!segment.contains('/'), "{operation}: {shown}: {path}");
                assert_eq!(decode_segment(segment), value, "{operation}: {path}");
            }
        }
    }
}

#[tokio::test]
async fn miragic_job_ids_stay_one_segment_of_the_job_path() {
    for (operation, prefix) in [
        ("get_text_to_speech_job", "/api/v1/text-to-speech/jobs/"),
        ("get_speech_to_text_job", "/api/v1/speech-to-text/jobs/"),
    ] {
        check(operation, "jobId", prefix, |base, value| async move {
            let client = miragic_client::Client::new_with_client(
                &base,
                http_client("X-API-Key", "key-that-must-not-leave-the-job-path"),
            );
            if operation == "get_text_to_speech_job" {
                outcome(client.get_text_to_speech_job().job_id(value).send().await)
            } else {
                outcome(client.get_speech_to_text_job().job_id(value).send().await)
            }
        })
        .await;
    }
}

#[tokio::test]
async fn voiceclone_speech_ids_stay_one_segment_of_the_speech_path_under_the_base_path() {
    check(
        "get_speech",
        "speechId",
        "/api/v1/tts/",
        |base, value| async move {
            let client = voiceclone_client::Client::new_with_client(
                &format!("{base}/api/v1"),
                http_client("authorization", "Bearer key-that-must-not-leave-the-api"),
            );
            outcome(client.get_speech().speech_id(value).send().await)
        },
    )
    .await;
}
