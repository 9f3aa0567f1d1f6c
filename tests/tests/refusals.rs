//! Every documented limit of every request value, in every operation of every spec, is checked
//! before anything is sent: a value that breaks one (too long, too short, out of range, not one of
//! the enum's values, too many UTF-8 bytes, a missing required field, a file too large or of a
//! type the operation does not accept) is refused as `InvalidRequest` naming the field, and the
//! server receives nothing.
//!
//! Driven by the specs alone: each operation is called by name (`Provider::dispatch`) with the
//! values of its first documented call, one value at a time replaced by one that breaks a limit.

mod common;

use common::specs::{base_path, documented_request, specs};
use httpmock::MockServer;
use progenitor_client::Error;
use serde_json::{Value, json};
use speech_client_runtime::FilePart;
use speech_client_runtime::dispatch::Request;
use speech_facade::{ApiKey, Options, Provider};
use speech_mock_support::Recorder;
use speech_spec::{Operation, RequestKind, Spec, client_media, is_binary};

/// One request that breaks one limit, and what the refusal must name.
struct Breach {
    what: String,
    field: String,
    request: Request,
}

/// Values that break the limits of `schema` (a string, number or integer schema).
fn breaking_values(schema: &Value) -> Vec<(String, Value)> {
    let mut values = Vec::new();
    let number = |key: &str| schema.get(key).and_then(Value::as_f64);
    let count = |key: &str| schema.get(key).and_then(Value::as_u64);
    if let Some(max) = count("maxLength") {
        values.push((
            format!("longer than {max}"),
            json!("a".repeat(max as usize + 1)),
        ));
    }
    if let Some(min) = count("minLength").filter(|min| *min > 0) {
        values.push((
            format!("shorter than {min}"),
            json!("a".repeat(min as usize - 1)),
        ));
    }
    if let Some(max) = count("x-max-bytes").filter(|_| !is_binary(schema)) {
        // Two UTF-8 bytes per character: within a character limit, over the byte limit.
        values.push((
            format!("over {max} bytes"),
            json!("é".repeat(max as usize / 2 + 1)),
        ));
    }
    if schema.get("enum").is_some() {
        values.push(("not in the enum".into(), json!("not-a-documented-value")));
    }
    let integer = schema.get("type").and_then(Value::as_str) == Some("integer");
    let step = if integer { 1.0 } else { 0.5 };
    let as_json = |n: f64| if integer { json!(n as i64) } else { json!(n) };
    if let Some(max) = number("maximum") {
        values.push((format!("above {max}"), as_json(max + step)));
    }
    if let Some(min) = number("minimum") {
        values.push((format!("below {min}"), as_json(min - step)));
    }
    values
}

/// Every single-limit breach of the operation's documented call.
fn breaches(spec: &Spec, operation: &Operation<'_>, documented: &Request) -> Vec<Breach> {
    let mut found = Vec::new();
    for parameter in operation.parameters() {
        let parameter = spec.resolve(parameter).unwrap();
        let name = parameter["name"].as_str().unwrap().to_owned();
        let schema = spec.resolve_schema(&parameter["schema"]).unwrap();
        for (what, value) in breaking_values(&schema) {
            let mut request = documented.clone();
            request.parameters.insert(name.clone(), value);
            found.push(Breach {
                what: format!("parameter `{name}` {what}"),
                field: name.clone(),
                request,
            });
        }
    }
    let Some(content) = operation.request_content() else {
        return found;
    };
    let (kind, media) = client_media(content).unwrap();
    if kind == RequestKind::Binary {
        return found;
    }
    let schema = spec.resolve_schema(&content[media[0]]["schema"]).unwrap();
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (name, property) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let property = spec.resolve_schema(property).unwrap();
        let mut breach = |what: String, request: Request| {
            found.push(Breach {
                what: format!("body `{name}` {what}"),
                field: name.clone(),
                request,
            });
        };
        if is_binary(&property) {
            if let Some(max) = property.get("x-max-bytes").and_then(Value::as_u64) {
                let mut request = documented.clone();
                let part = FilePart::from_bytes(vec![0xFF; max as usize + 1])
                    .file_name("big.mp3")
                    .content_type("audio/mpeg");
                request.files.insert(name.clone(), part);
                breach(format!("file over {max} bytes"), request);
            }
            if property.get("x-content-types").is_some() {
                let mut request = documented.clone();
                let part = FilePart::from_bytes(b"plain text, not audio".to_vec())
                    .file_name("notes.txt")
                    .content_type("text/plain");
                request.files.insert(name.clone(), part);
                breach("file of a type not accepted".into(), request);
            }
            continue;
        }
        let Some(Value::Object(body)) = &documented.body else {
            continue;
        };
        if required.contains(&name.as_str()) && body.contains_key(name) {
            let mut request = documented.clone();
            request
                .body
                .as_mut()
                .unwrap()
                .as_object_mut()
                .unwrap()
                .remove(name);
            breach("missing (required)".into(), request);
        }
        for (what, value) in breaking_values(&property) {
            let mut request = documented.clone();
            request.body.as_mut().unwrap()[name.as_str()] = value;
            breach(what, request);
        }
    }
    found
}

#[tokio::test]
async fn every_documented_limit_is_refused_before_anything_is_sent() {
    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    server
        .mock_async(|_, then| {
            then.respond_with(recorder.respond(500, json!({"error": "must not be reached"})));
        })
        .await;
    let mut checked = 0;
    for spec in specs() {
        let url = server.url(base_path(&spec));
        let provider =
            Provider::new(&spec.provider, &url, ApiKey::new("key"), Options::default()).unwrap();
        for operation in spec.operations() {
            let id = operation.id().unwrap();
            let (documented, _files) = documented_request(&spec, &operation);
            for breach in breaches(&spec, &operation, &documented) {
                let label = format!("{}::{id}: {}", spec.provider, breach.what);
                let result = provider.dispatch().dispatch(id, breach.request).await;
                let Err(Error::InvalidRequest(message)) = result else {
                    panic!("{label}: not refused: {result:?}");
                };
                assert!(message.contains(&breach.field), "{label}: {message}");
                assert_eq!(recorder.all().len(), 0, "{label}: sent");
                checked += 1;
            }
        }
    }
    assert!(checked > 20, "only {checked} limits found in the specs");
    eprintln!("{checked} limits refused before sending");
}
