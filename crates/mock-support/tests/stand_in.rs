//! The stand-in plays every spec in `specs/`, driven by the spec alone: no test names a provider,
//! a path or a field, so a new spec is covered as soon as it is added.

mod support;

use serde_json::{Value, json};
use speech_spec::Spec;
use support::calls::{CallBody, FormPart, call_names, documented_call, set_parameter};
use support::{Job, KEY, Key, builder, documented_result, fetch, job_starts, send, specs};

/// Every documented call gets a success: a plain operation its documented answer, a start a
/// job, a status call for a documented id that job done; `requests()` counts each call.
#[tokio::test]
async fn every_documented_call_gets_a_success() {
    for spec in specs() {
        let stand_in = builder(&spec).key(KEY).start().unwrap();
        let mut calls = 0;
        for operation in spec.operations() {
            let id = operation.id().unwrap();
            let names = call_names(&spec, &operation);
            for name in &names {
                let call = documented_call(&spec, &operation, name);
                let reply = send(&spec, &operation, stand_in.url(), &call, Key::Given(KEY)).await;
                let what = format!("{} {id} `{name}`", spec.provider);
                assert!(
                    reply.is_success(),
                    "{what}: {} {}",
                    reply.status,
                    String::from_utf8_lossy(&reply.bytes)
                );
                let media = reply.content_type.clone().unwrap_or_default();
                if media.starts_with("audio/") {
                    assert!(!reply.bytes.is_empty(), "{what}: empty audio");
                } else if !reply.bytes.is_empty() {
                    reply.json();
                }
                if operation.value.get("x-job-start").is_none()
                    && operation.value.get("x-job-status").is_none()
                {
                    assert_documented_success(&spec, &operation, &reply, &what);
                }
            }
            assert_eq!(stand_in.requests(id), names.len(), "{} {id}", spec.provider);
            calls += names.len();
        }
        assert!(calls > 0, "{}: no documented call", spec.provider);
        assert_eq!(stand_in.started(), job_count(&spec), "{}", spec.provider);
    }
}

/// How many documented calls start a job.
fn job_count(spec: &Spec) -> usize {
    job_starts(spec)
        .iter()
        .map(|start| call_names(spec, start).len())
        .sum()
}

/// A plain operation answers its first documented success with a JSON example.
fn assert_documented_success(
    spec: &Spec,
    operation: &speech_spec::Operation,
    reply: &support::Reply,
    what: &str,
) {
    let documented = operation.responses().find_map(|(status, response)| {
        let response = spec.resolve(response).unwrap();
        let example = response["content"]
            .as_object()?
            .iter()
            .filter(|(media, _)| speech_spec::is_json_media(media))
            .find_map(|(_, media)| media.get("examples")?.as_object()?.values().next())?;
        let value = spec.resolve(example).unwrap()["value"].clone();
        status.starts_with('2').then(|| (status.to_owned(), value))
    });
    if let Some((status, value)) = documented {
        assert_eq!(reply.status.to_string(), status, "{what}");
        assert_eq!(reply.json(), value, "{what}");
    }
}

/// Each job-start operation's job: a fresh id, pending for the configured polls with rising
/// progress where the contract reports one, then completed with its result on the storage origin
/// (served without the key) or, for a text result, the documented text.
#[tokio::test]
async fn each_job_goes_pending_then_completed_with_its_result_on_the_storage() {
    const PENDING: u32 = 3;
    for spec in specs() {
        let stand_in = builder(&spec)
            .key(KEY)
            .pending_polls(PENDING)
            .start()
            .unwrap();
        let starts = job_starts(&spec);
        let mut fetched = 0;
        for start in &starts {
            let what = format!("{} {}", spec.provider, start.id().unwrap());
            let (job, answer) = start_job(&spec, start, stand_in.url()).await;
            let (_, second) = start_job(&spec, start, stand_in.url()).await;
            let documented = documented_start_answer(&spec, start);
            assert_ne!(
                answer, documented,
                "{what}: the documented id, not a fresh one"
            );
            assert_ne!(answer, second, "{what}: two jobs with one id");
            // A job found in a list may name its id as its result.
            let result_is_id = job.contract["result"][0] == job.contract["id"];
            let mut progress = Vec::new();
            for _ in 0..PENDING {
                let report = poll(&spec, &job, stand_in.url()).await;
                let state = job.state(&report);
                assert!(job.is("pending", &state), "{what}: {state} while pending");
                assert!(
                    job.result(&report).is_none() || result_is_id,
                    "{what}: a result while pending: {report}"
                );
                if let Some(percent) = job.contract["percent"].as_str() {
                    progress.push(report.pointer(percent).and_then(Value::as_f64).unwrap());
                }
            }
            assert!(
                progress.windows(2).all(|w| w[0] < w[1]),
                "{what}: {progress:?}"
            );
            let report = poll(&spec, &job, stand_in.url()).await;
            let state = job.state(&report);
            assert!(
                job.is("completed", &state),
                "{what}: {state} after {PENDING} polls"
            );
            let result = job.result(&report).expect("a completed job has a result");
            let documented = documented_result(&spec, &job);
            let is_url = documented
                .as_ref()
                .and_then(Value::as_str)
                .is_none_or(|text| text.starts_with("http"));
            if result_is_id {
                assert_eq!(result.as_str(), job.listed_id.as_deref(), "{what}");
            } else if is_url {
                let url = result.as_str().unwrap();
                assert!(url.starts_with(stand_in.storage_url()), "{what}: {url}");
                let audio = fetch(url).await;
                fetched += 1;
                assert_eq!(audio.status, 200, "{what}: {url}");
                assert!(audio.content_type.unwrap().starts_with("audio/"), "{what}");
                assert!(!audio.bytes.is_empty(), "{what}");
            } else {
                assert_eq!(Some(result), documented, "{what}: the documented text");
            }
        }
        assert_eq!(stand_in.started(), 2 * starts.len(), "{}", spec.provider);
        assert_eq!(stand_in.storage_requests(), fetched, "{}", spec.provider);
        assert!(!stand_in.storage_saw_key(), "{}", spec.provider);
    }
}

/// Starts a job with the start's first documented call; returns it and the start's answer.
async fn start_job<'a>(
    spec: &'a Spec,
    start: &speech_spec::Operation<'a>,
    base: &str,
) -> (Job<'a>, Value) {
    let name = &call_names(spec, start)[0];
    let call = documented_call(spec, start, name);
    let reply = send(spec, start, base, &call, Key::Given(KEY)).await;
    let what = format!("{} {}", spec.provider, start.id().unwrap());
    assert!(reply.is_success(), "{what}: {}", reply.status);
    if let Some(status) = start.value["x-job-start"]["status"].as_u64() {
        assert_eq!(
            u64::from(reply.status),
            status,
            "{what}: the contract's status"
        );
    }
    let answer = reply.json();
    (Job::from_start(spec, start, &answer), answer)
}

/// The documented answer a start's success prints first.
fn documented_start_answer(spec: &Spec, start: &speech_spec::Operation) -> Value {
    let wanted = start.value["x-job-start"]["status"].as_u64();
    start
        .responses()
        .filter(|(status, _)| match wanted {
            Some(wanted) => status.parse::<u64>().ok() == Some(wanted),
            None => status.starts_with('2'),
        })
        .find_map(|(_, response)| {
            let response = spec.resolve(response).unwrap();
            let example = response["content"]["application/json"]["examples"]
                .as_object()?
                .values()
                .next()?;
            Some(spec.resolve(example).unwrap()["value"].clone())
        })
        .expect("a documented start answer")
}

/// One poll of `job`; its report.
async fn poll(spec: &Spec, job: &Job<'_>, base: &str) -> Value {
    let reply = send(spec, &job.status, base, &job.poll, Key::Given(KEY)).await;
    assert_eq!(reply.status, 200, "{}: {:?}", spec.provider, job.poll);
    job.report(&reply.json()).expect("the job is reported")
}

/// A job told to fail reads as failed through the contract, with a message where the contract
/// names one; a failure set for one start leaves the others' jobs completing, and `fail_all`
/// fails every job.
#[tokio::test]
async fn a_configured_failure_reads_as_failed() {
    for spec in specs() {
        let starts = job_starts(&spec);
        for failing in &starts {
            let stand_in = builder(&spec)
                .key(KEY)
                .fail(failing.id().unwrap())
                .start()
                .unwrap();
            for start in &starts {
                let ends = if start.id() == failing.id() {
                    "failed"
                } else {
                    "completed"
                };
                assert_job_ends(&spec, start, stand_in.url(), ends).await;
            }
        }
        let stand_in = builder(&spec).key(KEY).fail_all().start().unwrap();
        for start in &starts {
            assert_job_ends(&spec, start, stand_in.url(), "failed").await;
        }
    }
}

/// Starts a job and polls it past the default two pending polls: it ends as `stage`.
async fn assert_job_ends(spec: &Spec, start: &speech_spec::Operation<'_>, base: &str, stage: &str) {
    let what = format!("{} {}", spec.provider, start.id().unwrap());
    let (job, _) = start_job(spec, start, base).await;
    for _ in 0..2 {
        let report = poll(spec, &job, base).await;
        assert!(job.is("pending", &job.state(&report)), "{what}");
    }
    let report = poll(spec, &job, base).await;
    let state = job.state(&report);
    assert!(job.is(stage, &state), "{what}: {state}, expected {stage}");
    let messages = job.contract["message"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if stage == "failed" && !messages.is_empty() {
        let message = messages
            .iter()
            .filter_map(|pointer| report.pointer(pointer.as_str().unwrap()))
            .find_map(Value::as_str);
        assert!(message.is_some_and(|m| !m.is_empty()), "{what}: {report}");
    }
}

/// A wrong or missing key is refused (401 or 403) on every operation that needs one; the right
/// key gets through; each refusal is counted.
#[tokio::test]
async fn a_wrong_or_missing_key_is_refused() {
    for spec in specs() {
        let stand_in = builder(&spec).key(KEY).start().unwrap();
        for operation in spec.operations() {
            if speech_spec::credential(&spec.doc, Some(&operation))
                .unwrap()
                .is_none()
            {
                continue;
            }
            let id = operation.id().unwrap();
            let name = &call_names(&spec, &operation)[0];
            let call = documented_call(&spec, &operation, name);
            for key in [Key::Given("not-the-key"), Key::Given(""), Key::None] {
                let reply = send(&spec, &operation, stand_in.url(), &call, key).await;
                assert!(
                    [401, 403].contains(&reply.status),
                    "{} {id}: {}",
                    spec.provider,
                    reply.status
                );
            }
            let reply = send(&spec, &operation, stand_in.url(), &call, Key::Given(KEY)).await;
            assert!(
                reply.is_success(),
                "{} {id}: {}",
                spec.provider,
                reply.status
            );
            assert_eq!(stand_in.requests(id), 4, "{} {id}", spec.provider);
        }
    }
}

/// A documented call made to break the request schema (a required field or parameter left
/// out, a text over its `maxLength`) is refused with a 4xx and a JSON body.
#[tokio::test]
async fn a_request_breaking_a_limit_is_refused() {
    for spec in specs() {
        let stand_in = builder(&spec).key(KEY).start().unwrap();
        let mut broken = 0;
        for operation in spec.operations() {
            let id = operation.id().unwrap();
            let name = &call_names(&spec, &operation)[0];
            let call = documented_call(&spec, &operation, name);
            for (change, bad) in breakages(&spec, &operation, &call) {
                let reply = send(&spec, &operation, stand_in.url(), &bad, Key::Given(KEY)).await;
                let what = format!("{} {id}: {change}", spec.provider);
                assert!(
                    (400..500).contains(&reply.status),
                    "{what}: {}",
                    reply.status
                );
                reply.json();
                broken += 1;
            }
        }
        assert!(broken > 0, "{}: no limit to break", spec.provider);
        assert_eq!(
            stand_in.started(),
            0,
            "{}: a refused start ran",
            spec.provider
        );
    }
}

/// Versions of `call` that each break one rule of the spec.
fn breakages(
    spec: &Spec,
    operation: &speech_spec::Operation,
    call: &support::calls::Call,
) -> Vec<(String, support::calls::Call)> {
    let mut broken = Vec::new();
    for parameter in operation.parameters() {
        let parameter = spec.resolve(parameter).unwrap();
        let name = parameter["name"].as_str().unwrap();
        if parameter["in"] == "query" && parameter["required"] == true {
            let mut bad = call.clone();
            bad.query.retain(|(given, _)| given != name);
            broken.push((format!("query `{name}` left out"), bad));
        }
        let schema = spec.resolve_schema(&parameter["schema"]).unwrap();
        if let Some(maximum) = schema["maximum"]
            .as_f64()
            .filter(|_| parameter["in"] == "query")
        {
            let mut bad = call.clone();
            set_parameter(&mut bad, parameter, &(maximum + 1.0).to_string());
            broken.push((format!("query `{name}` over its maximum"), bad));
        }
    }
    let Some((_, media)) = operation.request_content().into_iter().flatten().next() else {
        return broken;
    };
    let schema = spec.resolve_schema(&media["schema"]).unwrap();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let properties = schema["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for (field, property) in properties {
        let property = spec.resolve_schema(&property).unwrap();
        if required.contains(&field.as_str()) {
            let mut bad = call.clone();
            edit_field(&mut bad, &field, None);
            broken.push((format!("`{field}` left out"), bad));
        }
        if let Some(limit) = property["maxLength"].as_u64() {
            let mut bad = call.clone();
            let long = "x".repeat(limit as usize + 1);
            if edit_field(&mut bad, &field, Some(long)) {
                broken.push((format!("`{field}` over {limit} characters"), bad));
            }
        }
    }
    broken
}

/// Removes a body field (`None`) or sets a text field present in the call; `false` when the
/// call has no such field to set.
fn edit_field(call: &mut support::calls::Call, field: &str, text: Option<String>) -> bool {
    match &mut call.body {
        Some(CallBody::Json(value)) => {
            let object = value.as_object_mut().unwrap();
            match text {
                None => object.remove(field).is_some(),
                Some(text) => object.insert(field.to_owned(), json!(text)).is_some(),
            }
        }
        Some(CallBody::Multipart(parts)) => {
            let name_of = |part: &FormPart| match part {
                FormPart::Text(name, _) | FormPart::File { name, .. } => name.clone(),
            };
            match text {
                None => {
                    let before = parts.len();
                    parts.retain(|part| name_of(part) != field);
                    parts.len() < before
                }
                Some(text) => {
                    let part = parts.iter_mut().find(|part| name_of(part) == field);
                    match part {
                        Some(FormPart::Text(_, value)) => {
                            *value = text;
                            true
                        }
                        _ => false,
                    }
                }
            }
        }
        None => false,
    }
}

/// A poll for an id no start gave is a 404 with a JSON body.
#[tokio::test]
async fn an_unknown_job_is_not_found() {
    let mut checked = 0;
    for spec in specs() {
        let stand_in = builder(&spec).key(KEY).start().unwrap();
        for start in job_starts(&spec) {
            let Some(parameters) = start.value["x-job-start"]["parameters"].as_object() else {
                continue; // a job found in a list is pending until listed
            };
            let (_, mut answer) = start_job(&spec, &start, stand_in.url()).await;
            // The fresh id is where the answer differs from the documented one.
            let documented = documented_start_answer(&spec, &start);
            for pointer in parameters.values().filter_map(Value::as_str) {
                if answer.pointer(pointer) != documented.pointer(pointer) {
                    *answer.pointer_mut(pointer).unwrap() = json!("no-such-job");
                }
            }
            let job = Job::from_start(&spec, &start, &answer);
            let reply = send(
                &spec,
                &job.status,
                stand_in.url(),
                &job.poll,
                Key::Given(KEY),
            )
            .await;
            assert_eq!(reply.status, 404, "{} {:?}", spec.provider, job.poll);
            reply.json();
            checked += 1;
        }
    }
    assert!(checked > 0, "no job polled by its id");
}
