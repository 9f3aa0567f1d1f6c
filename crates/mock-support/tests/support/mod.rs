//! What the stand-in tests share: the workspace's specs, sending a spec-driven call with plain
//! `reqwest`, and following a job through its `x-job-start`/`x-job-status` contract.

pub mod calls;

use calls::{Call, CallBody, FormPart, set_parameter, text};
use serde_json::Value;
use speech_spec::{Operation, Spec, credential};

pub const KEY: &str = "stand-in-test-key";

thread_local! {
    /// One client per test: each test runs on a thread and runtime of its own, and a client's
    /// pooled connections belong to the runtime that opened them. Building a client costs tens
    /// of milliseconds (its TLS roots), so it is not built per call.
    static CLIENT: reqwest::Client = reqwest::Client::new();
}

/// Every spec of the workspace (`specs/*.yaml`).
pub fn specs() -> Vec<Spec> {
    let root = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .join("../..");
    let specs = speech_spec::load_all(&root).expect("the specs load");
    assert!(!specs.is_empty(), "no spec found under specs/");
    specs
}

/// An answer, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.bytes)))
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// How a call carries the key.
#[derive(Clone, Copy)]
pub enum Key<'a> {
    /// In the header the operation's (first) security scheme names.
    Given(&'a str),
    None,
}

/// Sends `call` below `base` with plain `reqwest`.
pub async fn send(
    spec: &Spec,
    operation: &Operation<'_>,
    base: &str,
    call: &Call,
    key: Key<'_>,
) -> Reply {
    let client = CLIENT.with(Clone::clone);
    let method = reqwest::Method::from_bytes(call.method.as_bytes()).unwrap();
    let mut request = client
        .request(method, format!("{base}{}", call.path))
        .query(&call.query);
    for (name, value) in &call.headers {
        request = request.header(name, value);
    }
    if let (Key::Given(key), Some(credential)) =
        (key, credential(&spec.doc, Some(operation)).unwrap())
    {
        request = request.header(credential.header, format!("{}{key}", credential.prefix));
    }
    request = match &call.body {
        None => request,
        Some(CallBody::Json(value)) => request.json(value),
        Some(CallBody::Multipart(parts)) => request.multipart(form(parts)),
    };
    let response = request.send().await.expect("the stand-in answers");
    Reply {
        status: response.status().as_u16(),
        content_type: response
            .headers()
            .get("content-type")
            .map(|value| value.to_str().unwrap().to_owned()),
        bytes: response.bytes().await.unwrap().to_vec(),
    }
}

fn form(parts: &[FormPart]) -> reqwest::multipart::Form {
    parts
        .iter()
        .fold(reqwest::multipart::Form::new(), |form, part| match part {
            FormPart::Text(name, value) => form.text(name.clone(), value.clone()),
            FormPart::File {
                name,
                file_name,
                content_type,
            } => {
                let mut part = reqwest::multipart::Part::bytes(speech_mock_support::MP3_BYTES);
                if let Some(file_name) = file_name {
                    part = part.file_name(file_name.clone());
                }
                if let Some(content_type) = content_type {
                    part = part.mime_str(content_type).unwrap();
                }
                form.part(name.clone(), part)
            }
        })
}

/// A plain GET of `url`, with no key.
pub async fn fetch(url: &str) -> Reply {
    let client = CLIENT.with(Clone::clone);
    let response = client.get(url).send().await.expect("the storage answers");
    Reply {
        status: response.status().as_u16(),
        content_type: response
            .headers()
            .get("content-type")
            .map(|value| value.to_str().unwrap().to_owned()),
        bytes: response.bytes().await.unwrap().to_vec(),
    }
}

/// The operation with `id`.
pub fn operation<'a>(spec: &'a Spec, id: &str) -> Operation<'a> {
    spec.operations()
        .into_iter()
        .find(|operation| operation.id() == Some(id))
        .unwrap_or_else(|| panic!("{}: no operation `{id}`", spec.provider))
}

/// The operations that start a job.
pub fn job_starts(spec: &Spec) -> Vec<Operation<'_>> {
    spec.operations()
        .into_iter()
        .filter(|operation| operation.value.get("x-job-start").is_some())
        .collect()
}

/// A job being followed: how to poll it and where its state is.
pub struct Job<'a> {
    pub status: Operation<'a>,
    pub contract: &'a Value,
    pub poll: Call,
    /// For a job found in a list: its id, matched at the contract's `id` in each item.
    pub listed_id: Option<String>,
}

impl<'a> Job<'a> {
    /// The job a start answered with `answer`: the poll call filled from the answer at the
    /// `x-job-start` pointers, the other required parameters as documented.
    pub fn from_start(spec: &'a Spec, start: &Operation<'a>, answer: &Value) -> Self {
        let contract_start = &start.value["x-job-start"];
        let status = operation(spec, contract_start["poll"].as_str().unwrap());
        let mut poll = Call {
            method: status.method.to_uppercase(),
            path: status.path.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
        };
        let listed_id = contract_start["job-id"]
            .as_str()
            .map(|pointer| text(answer.pointer(pointer).expect("the job id")));
        for parameter in status.parameters() {
            let parameter = spec.resolve(parameter).unwrap();
            let name = parameter["name"].as_str().unwrap();
            let from_answer = contract_start
                .pointer(&format!("/parameters/{name}"))
                .and_then(Value::as_str)
                .map(|pointer| {
                    answer
                        .pointer(pointer)
                        .expect("a poll parameter in the answer")
                });
            let documented = parameter
                .get("examples")
                .and_then(Value::as_object)
                .and_then(|all| all.values().next())
                .filter(|_| parameter["required"] == Value::Bool(true))
                .map(|example| &example["value"]);
            if let Some(value) = from_answer.or(documented) {
                set_parameter(&mut poll, parameter, &text(value));
            }
        }
        Self {
            contract: &status.value["x-job-status"],
            status,
            poll,
            listed_id,
        }
    }

    /// The job's report in a poll's answer (for a list, its item; `None` when not listed).
    pub fn report(&self, answer: &Value) -> Option<Value> {
        let Some(id) = &self.listed_id else {
            return Some(answer.clone());
        };
        let items = self.contract["items"].as_str().unwrap();
        let id_pointer = self.contract["id"].as_str().unwrap();
        answer
            .pointer(items)?
            .as_array()?
            .iter()
            .find(|item| item.pointer(id_pointer).map(text).as_deref() == Some(id))
            .cloned()
    }

    /// The state a report shows.
    pub fn state(&self, report: &Value) -> String {
        let pointer = self.contract["state"].as_str().unwrap();
        text(report.pointer(pointer).expect("a state"))
    }

    /// Whether `state` is one of the contract's `stage` list (`pending`, `completed`, `failed`).
    pub fn is(&self, stage: &str, state: &str) -> bool {
        self.contract[stage]
            .as_array()
            .unwrap()
            .iter()
            .any(|listed| listed == state)
    }

    /// The first result present in a report.
    pub fn result(&self, report: &Value) -> Option<Value> {
        self.contract["result"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|pointer| report.pointer(pointer.as_str().unwrap()))
            .find(|value| !value.is_null())
            .cloned()
    }
}

/// A stand-in builder for a workspace spec.
pub fn builder(spec: &Spec) -> speech_mock_support::StandInBuilder {
    let root = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .join("../..");
    speech_mock_support::StandIn::from_file(root.join(&spec.path)).expect("the spec loads")
}

/// The result the status operation's documented completed answer shows (for a list, its
/// completed item's), if any.
pub fn documented_result(spec: &Spec, job: &Job) -> Option<Value> {
    let ok = job
        .status
        .responses()
        .find(|(status, _)| status.starts_with('2'))
        .map(|(_, response)| spec.resolve(response).unwrap())?;
    let examples = ok["content"]
        .as_object()?
        .values()
        .filter_map(|media| media.get("examples").and_then(Value::as_object))
        .flatten()
        .map(|(_, example)| spec.resolve(example).unwrap()["value"].clone());
    let reports: Vec<Value> = match job.contract["items"].as_str() {
        Some(items) => examples
            .filter_map(|list| list.pointer(items)?.as_array().cloned())
            .flatten()
            .collect(),
        None => examples.collect(),
    };
    let state = job.contract["state"].as_str().unwrap();
    reports
        .iter()
        .filter(|report| {
            let shown = report.pointer(state).map(text).unwrap_or_default();
            job.is("completed", &shown)
        })
        .find_map(|report| job.result(report))
}
