//! Replaying one case: a local mock server, the generated client driven through its adapter, and
//! the checks of each direction. A case yields the text its snapshot records and the problems
//! found; any problem fails the case with a message that names the field.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use anyhow::{Context, Result, bail};
use httpmock::{HttpMockRequest, HttpMockResponse, MockServer};
use serde_json::Value;
use speech_client_runtime::FilePart;
use speech_mock_support::{Part, Recorder, http_client, multipart_parts};
use speech_spec::{FieldEncoding, Operation, RequestKind, Spec, is_json_media, is_success};

use crate::cases::{
    Case, CaseKind, DocumentedBody, DocumentedCall, FileSource, documented_call, request_examples,
};
use crate::exchange::{Call, Decoded, Exchange};
use crate::json::{json_differences, lost_fields, normalise};
use crate::served::{
    base_path, credential, documented_headers, file_bytes, plain_text, served_bytes,
    served_response, status_code, success_answer,
};

/// What a case produced.
#[derive(Debug)]
pub struct Outcome {
    /// What the snapshot records: the request as the server received it, or the response as the
    /// client decoded it.
    pub snapshot: String,
    /// Every check that failed, each naming what differs.
    pub problems: Vec<String>,
}

/// Runs one case of `spec`.
pub async fn run(spec: &Spec, case: &Case) -> Result<Outcome> {
    let operation = spec
        .operations()
        .into_iter()
        .find(|operation| operation.id() == Some(case.operation.as_str()))
        .with_context(|| format!("no operation {}", case.operation))?;
    match &case.kind {
        CaseKind::Request { example } => request_case(spec, &operation, example).await,
        CaseKind::Response {
            status,
            media_type,
            example,
        } => response_case(spec, &operation, status, media_type, example).await,
        CaseKind::Status { status } => status_case(spec, &operation, status).await,
    }
}

/// A status the docs name without a body: served with an empty body (or, for an audio success,
/// audio bytes of its first media type); the client must report an error for an error status and
/// keep the (empty) raw body, or decode the audio.
async fn status_case(spec: &Spec, operation: &Operation<'_>, status: &str) -> Result<Outcome> {
    let code = status_code(status)?;
    let response = response_of(spec, operation, status)?;
    let media_type = crate::cases::content(response)
        .first()
        .map(|(media, _)| media.clone());
    let mut served = HttpMockResponse::builder().status(code);
    if let Some(media_type) = &media_type {
        served = served.header("content-type", media_type.as_str());
        if is_success(status) && !is_json_media(media_type) {
            served = served.body(file_bytes());
        }
    }
    let exchange = answer_with(spec, operation, served.build()).await?;
    let mut snapshot = format!("served {code} without a documented body\n");
    describe_exchange(&exchange, &mut snapshot);
    let mut problems = Vec::new();
    match (&exchange, is_success(status)) {
        (
            Exchange::Success {
                status: got,
                body: Decoded::Audio { bytes, .. },
                ..
            },
            true,
        ) if *got == code && *bytes == file_bytes() => {}
        (Exchange::Success { .. }, _) => {
            problems.push(format!(
                "served {code} without a body; the client reported {}",
                exchange_kind(&exchange)
            ));
        }
        (Exchange::ErrorBody { status: got, .. }, false) if *got != code => {
            problems.push(format!("served {code}; the error reports {got}"));
        }
        (
            Exchange::Failed {
                raw_body: None,
                kind,
                ..
            },
            false,
        ) => {
            problems.push(format!(
                "served {code}; the client's {kind} error keeps no raw body"
            ));
        }
        _ => {}
    }
    Ok(Outcome { snapshot, problems })
}

/// Sends the operation's first documented call to a server that answers `served`, and reports
/// what the client made of it.
pub(crate) async fn answer_with(
    spec: &Spec,
    operation: &Operation<'_>,
    served: HttpMockResponse,
) -> Result<Exchange> {
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.respond_with(move |_: &HttpMockRequest| served.clone());
        })
        .await;
    let files = tempfile::tempdir()?;
    let call = materialise(&first_documented_call(spec, operation)?, files.path())?;
    send(spec, operation, &server, call).await
}

/// The operation's response for a status key, references resolved.
fn response_of<'a>(spec: &'a Spec, operation: &Operation<'a>, status: &str) -> Result<&'a Value> {
    let response = operation
        .responses()
        .find(|(key, _)| *key == status)
        .with_context(|| format!("{}: no response {status}", operation.label()))?
        .1;
    spec.resolve(response)
}

/// The operation's first documented call (or no values at all when it has none).
fn first_documented_call(spec: &Spec, operation: &Operation<'_>) -> Result<DocumentedCall> {
    match request_examples(spec, operation)?.first() {
        Some(name) => documented_call(spec, operation, name),
        None => Ok(DocumentedCall::default()),
    }
}

/// The request direction: the documented call's values go through the generated client; the
/// server records what arrives and it is compared with the call. A call printed in a media type
/// the client does not send is also sent as printed ([`crate::as_printed`]).
async fn request_case(spec: &Spec, operation: &Operation<'_>, example: &str) -> Result<Outcome> {
    let documented = documented_call(spec, operation, example)?;
    let files = tempfile::tempdir()?;
    let call = materialise(&documented, files.path())?;
    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    let answer = success_answer(spec, operation)?;
    server
        .mock_async(|_, then| {
            then.respond_with(recorder.answer(answer));
        })
        .await;
    let mut problems = Vec::new();
    let exchange = send(spec, operation, &server, call).await;
    match &exchange {
        Err(error) => problems.push(format!(
            "the client cannot make the documented call: {error}"
        )),
        Ok(Exchange::Success { .. }) => {}
        Ok(other) => problems.push(format!(
            "the documented success answer did not decode: {other:?}"
        )),
    }
    let Some(request) = recorder.all().into_iter().next() else {
        problems.push("nothing reached the server".into());
        return Ok(Outcome {
            snapshot: String::new(),
            problems,
        });
    };
    let expected = ExpectedRequest::new(spec, operation, &documented)?;
    let (mut snapshot, found) = expected.compare(&request).await;
    problems.extend(found);
    if let Some(DocumentedBody::FormUrlencoded { media_type, fields }) = &documented.body {
        let (printed, found) =
            crate::as_printed::replay_form(spec, operation, &documented, media_type, fields)
                .await?;
        snapshot.push_str(&printed);
        problems.extend(found);
    }
    Ok(Outcome { snapshot, problems })
}

/// The response direction: the server serves the documented example verbatim; the client decodes
/// it; the decoded value must keep every documented field and match the type's own JSON Schema.
async fn response_case(
    spec: &Spec,
    operation: &Operation<'_>,
    status: &str,
    media_type: &str,
    example: &str,
) -> Result<Outcome> {
    let response = response_of(spec, operation, status)?;
    let documented = response
        .pointer(&format!(
            "/content/{}/examples/{example}",
            media_type.replace('~', "~0").replace('/', "~1")
        ))
        .context("no such example")?;
    let documented = spec.resolve(documented)?;
    let value = documented
        .get("value")
        .context("an example without a value")?;
    let code = status_code(status)?;
    let served = served_response(code, media_type, value, &documented_headers(response))?;

    let exchange = answer_with(spec, operation, served).await;

    let mut problems = Vec::new();
    let mut snapshot = String::new();
    match exchange {
        Err(error) => problems.push(format!("the client cannot make a documented call: {error}")),
        Ok(exchange) => {
            describe_exchange(&exchange, &mut snapshot);
            let (kind_ok, decoded) = match &exchange {
                Exchange::Success { status, body, .. } => (
                    is_success(&status.to_string()) && *status == code,
                    Some(body),
                ),
                Exchange::ErrorBody { status, body, .. } => (
                    !is_success(&status.to_string()) && *status == code,
                    Some(body),
                ),
                Exchange::Failed { .. } => (false, None),
            };
            if !kind_ok {
                problems.push(format!(
                    "served status {code} ({}), the client reported {}",
                    if is_success(status) {
                        "success"
                    } else {
                        "error"
                    },
                    exchange_kind(&exchange)
                ));
            }
            if let Some(decoded) = decoded {
                check_decoded(decoded, media_type, value, &mut problems);
            }
        }
    }
    Ok(Outcome { snapshot, problems })
}

/// The decoded body keeps what was served: every documented JSON field, the JSON Schema of the
/// Rust type accepts the example, audio arrives byte for byte with its content type.
fn check_decoded(decoded: &Decoded, media_type: &str, example: &Value, problems: &mut Vec<String>) {
    match decoded {
        Decoded::Json { value, schema, .. } => {
            for lost in lost_fields(example, value) {
                problems.push(format!("re-serialising the decoded value loses {lost}"));
            }
            match jsonschema::validator_for(schema) {
                Err(error) => problems.push(format!("the derived JSON Schema is invalid: {error}")),
                Ok(validator) => {
                    for error in validator.iter_errors(example) {
                        problems.push(format!(
                            "the type's JSON Schema (schemars) rejects the example at `{}`: {error}",
                            error.instance_path()
                        ));
                    }
                }
            }
        }
        Decoded::Audio {
            content_type,
            bytes,
        } => {
            if content_type.as_deref() != Some(media_type) {
                problems.push(format!(
                    "audio content type {content_type:?}, served {media_type}"
                ));
            }
            if bytes.as_slice() != served_bytes(example).as_slice() {
                problems.push(format!("audio bytes differ: {} received", bytes.len()));
            }
        }
        Decoded::Empty => {
            if !example.is_null() {
                problems.push("a documented body was decoded as empty".into());
            }
        }
    }
}

async fn send(
    spec: &Spec,
    operation: &Operation<'_>,
    server: &MockServer,
    mut call: Call,
) -> Result<Exchange> {
    let (header, value) = credential(spec, operation)?;
    let base_url = server.url(&base_path(spec)?);
    Ok(crate::adapters::call(
        &spec.provider,
        &base_url,
        http_client(&header, &value),
        operation.id().unwrap_or_default(),
        &mut call,
    )
    .await?)
}

/// Turns a documented call into the client's values; uploaded files (file parts and raw bodies)
/// are written to `dir` under the uploaded path's last segment (so the client sends that file
/// name), or, for a variable, given MP3 bytes named after the variable.
pub fn materialise(documented: &DocumentedCall, dir: &std::path::Path) -> Result<Call> {
    let mut call = Call {
        parameters: documented
            .parameters
            .iter()
            .map(|(name, (_, value))| (name.clone(), value.clone()))
            .collect(),
        ..Call::default()
    };
    match &documented.body {
        None => {}
        Some(DocumentedBody::Json(value)) => call.body = Some(value.clone()),
        Some(DocumentedBody::FormUrlencoded { fields, .. }) => {
            call.body = Some(Value::Object(fields.clone()));
        }
        Some(DocumentedBody::Binary { path, .. }) => {
            call.upload = Some(FilePart::from_path(uploaded_file(dir, path)?));
        }
        Some(DocumentedBody::Multipart { fields, files, .. }) => {
            call.body = Some(Value::Object(fields.clone()));
            for (field, file) in files {
                let part = match &file.source {
                    FileSource::Path(path) => FilePart::from_path(uploaded_file(dir, path)?),
                    FileSource::Variable(variable) => FilePart::from_bytes(file_bytes())
                        .file_name(variable.clone())
                        .content_type("audio/mpeg"),
                };
                let part = match &file.content_type {
                    Some(content_type) => part.content_type(content_type.clone()),
                    None => part,
                };
                call.files.insert(field.clone(), part);
            }
        }
    }
    if let (Some(Value::Object(body)), Some(not_sent)) = (&mut call.body, &documented.not_sent) {
        body.retain(|field, _| !not_sent.fields.contains(field));
    }
    Ok(call)
}

/// Writes the test file for an uploaded `path` into `dir`, under the path's last segment (the file
/// name the client sends).
fn uploaded_file(dir: &std::path::Path, path: &str) -> Result<std::path::PathBuf> {
    let local = dir.join(path.rsplit('/').next().unwrap_or(path));
    std::fs::write(&local, file_bytes())?;
    Ok(local)
}

pub(crate) fn exchange_kind(exchange: &Exchange) -> String {
    match exchange {
        Exchange::Success { status, .. } => format!("success {status}"),
        Exchange::ErrorBody { status, .. } => format!("error body {status}"),
        Exchange::Failed { kind, message, .. } => format!("{kind}: {message}"),
    }
}

fn describe_exchange(exchange: &Exchange, out: &mut String) {
    let (label, status, headers, body) = match exchange {
        Exchange::Success {
            status,
            headers,
            body,
        } => ("success", status, headers, body),
        Exchange::ErrorBody {
            status,
            headers,
            body,
        } => ("error body", status, headers, body),
        Exchange::Failed {
            kind,
            status,
            message,
            raw_body,
        } => {
            let _ = writeln!(out, "failed: {kind} (status {status:?})\n{message}");
            if let Some(raw) = raw_body {
                let _ = writeln!(out, "raw body: {}", String::from_utf8_lossy(raw));
            }
            return;
        }
    };
    let _ = writeln!(out, "{label} {status}");
    for (name, value) in headers {
        if name.starts_with("x-") {
            let _ = writeln!(out, "{name}: {value}");
        }
    }
    match body {
        Decoded::Json { debug, .. } => {
            let _ = writeln!(out, "{debug}");
        }
        Decoded::Audio {
            content_type,
            bytes,
        } => {
            let _ = writeln!(out, "audio {content_type:?}, {} bytes", bytes.len());
        }
        Decoded::Empty => {
            let _ = writeln!(out, "(no body)");
        }
    }
}

/// What the server must receive for a documented call.
struct ExpectedRequest {
    method: String,
    /// The path's segments as the server decodes them: a path value is one segment, whatever
    /// characters it holds (the client percent-encodes them).
    path: Vec<String>,
    query: Vec<(String, String)>,
    credential: (String, String),
    body: Option<ExpectedBody>,
    /// Printed fields that must not reach the server (`x-not-sent`).
    not_sent: Option<crate::cases::NotSent>,
}

enum ExpectedBody {
    Json(Value),
    Multipart(Vec<ExpectedPart>),
    /// The uploaded file's bytes, sent as this media type.
    Binary(String),
}

struct ExpectedPart {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    data: Vec<u8>,
    is_file: bool,
}

/// What the client must send for a documented body: the documented values in the media type the
/// client sends (`speech_spec::client_media`), without the fields the call prints but the client
/// does not send, with the defaults the client sends (`x-send-default`), and a form's text fields
/// as the call prints them (`x-form-text`), else encoded as the spec's `encoding` says.
fn expected_body(
    spec: &Spec,
    operation: &Operation<'_>,
    call: &DocumentedCall,
    documented: &DocumentedBody,
) -> Result<ExpectedBody> {
    let content = operation
        .request_content()
        .context("a documented body for an operation without one")?;
    let (kind, media) = speech_spec::client_media(content)?;
    let media = &content[media[0]];
    if let DocumentedBody::Binary { media_type, .. } = documented {
        return Ok(ExpectedBody::Binary(media_type.clone()));
    }
    let sent_defaults = match media.get("schema") {
        Some(schema) => speech_spec::sent_defaults(&spec.doc, schema)?,
        None => Vec::new(),
    };
    let sent = |field: &String| {
        call.not_sent
            .as_ref()
            .is_none_or(|not_sent| !not_sent.fields.contains(field))
    };
    let mut value = documented.fields().unwrap_or(Value::Null);
    if let Value::Object(members) = &mut value {
        members.retain(|field, _| sent(field));
        for (name, default) in &sent_defaults {
            members
                .entry(name.clone())
                .or_insert_with(|| default.clone());
        }
    }
    match kind {
        RequestKind::Json => Ok(ExpectedBody::Json(value)),
        RequestKind::Multipart => {
            let encodings = speech_spec::form_field_encodings(&spec.doc, media)?;
            let printed = match documented {
                DocumentedBody::Multipart { form_text, .. } => form_text.clone(),
                _ => BTreeMap::new(),
            };
            let mut parts = Vec::new();
            for (name, value) in value.as_object().into_iter().flatten() {
                let encoding = encodings
                    .iter()
                    .find(|(field, _)| field == name)
                    .map(|(_, encoding)| *encoding);
                let texts = match printed.get(name) {
                    Some(text) => vec![text.clone()],
                    None => form_texts(value, encoding),
                };
                for text in texts {
                    parts.push(ExpectedPart {
                        name: name.clone(),
                        file_name: None,
                        content_type: None,
                        data: text.into_bytes(),
                        is_file: false,
                    });
                }
            }
            if let DocumentedBody::Multipart { files, .. } = documented {
                for (name, file) in files {
                    parts.push(ExpectedPart {
                        name: name.clone(),
                        file_name: file.file_name.clone(),
                        content_type: file.content_type.clone(),
                        data: file_bytes(),
                        is_file: true,
                    });
                }
            }
            Ok(ExpectedBody::Multipart(parts))
        }
        other => bail!(
            "{}: the client sends {other:?} bodies; the documented call sends values",
            operation.label()
        ),
    }
}

/// The texts of the parts a form field becomes, as its encoding says (a field the schema does
/// not declare is sent as text).
fn form_texts(value: &Value, encoding: Option<FieldEncoding>) -> Vec<String> {
    match (value, encoding) {
        (Value::Null, _) => Vec::new(),
        (Value::Array(items), Some(FieldEncoding::EachItem)) => items
            .iter()
            .filter(|item| !item.is_null())
            .map(plain_text)
            .collect(),
        (value, Some(FieldEncoding::Json)) => vec![value.to_string()],
        (value, _) => vec![plain_text(value)],
    }
}

impl ExpectedRequest {
    fn new(spec: &Spec, operation: &Operation<'_>, call: &DocumentedCall) -> Result<Self> {
        let template = format!("{}{}", base_path(spec)?, operation.path);
        let path = template
            .split('/')
            .map(|segment| {
                call.parameters
                    .iter()
                    .filter(|(_, (location, _))| location == "path")
                    .fold(segment.to_owned(), |segment, (name, (_, value))| {
                        segment.replace(&format!("{{{name}}}"), &plain_text(value))
                    })
            })
            .collect();
        let mut query = Vec::new();
        for (name, (location, value)) in &call.parameters {
            if location == "query" {
                query.push((name.clone(), plain_text(value)));
            }
        }
        query.sort();
        let body = match &call.body {
            None => None,
            Some(documented) => Some(expected_body(spec, operation, call, documented)?),
        };
        Ok(Self {
            method: operation.method.to_ascii_uppercase(),
            path,
            query,
            credential: credential(spec, operation)?,
            body,
            not_sent: call.not_sent.clone(),
        })
    }

    /// The received request as its snapshot prints it, and every way it differs from the call.
    async fn compare(&self, request: &HttpMockRequest) -> (String, Vec<String>) {
        let mut problems = Vec::new();
        let mut out = String::new();
        let method = request.method().to_string();
        let path = request.uri().path().to_owned();
        let _ = writeln!(out, "{method} {path}");
        if method != self.method {
            problems.push(format!("method {method}, documented {}", self.method));
        }
        problems.extend(path_problem(&path, &self.path));
        let mut query = request.query_params();
        query.sort();
        for (name, value) in &query {
            let _ = writeln!(out, "query {name}={value}");
        }
        if query != self.query {
            problems.push(format!("query {query:?}, documented {:?}", self.query));
        }
        let header = |name: &str| {
            request
                .headers_vec()
                .iter()
                .find(|(candidate, _)| candidate.eq_ignore_ascii_case(name))
                .map(|(_, value)| value.clone())
        };
        let (credential_header, credential_value) = &self.credential;
        let _ = writeln!(out, "credential in {credential_header}");
        if header(credential_header).as_deref() != Some(credential_value.as_str()) {
            problems.push(format!(
                "no `{credential_header}` credential as the security scheme requires"
            ));
        }
        let content_type = header("content-type").unwrap_or_default();
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned();
        let _ = writeln!(out, "content-type {essence}");
        match &self.body {
            None => {
                if !request.body_vec().is_empty() {
                    problems.push("a body was sent; the documented call sends none".into());
                }
            }
            Some(ExpectedBody::Json(expected)) => {
                if essence != "application/json" {
                    problems.push(format!(
                        "content type `{content_type}`, documented application/json"
                    ));
                }
                match serde_json::from_slice::<Value>(&request.body_vec()) {
                    Err(error) => problems.push(format!("the body is not JSON: {error}")),
                    Ok(received) => {
                        let _ = writeln!(
                            out,
                            "{}",
                            serde_json::to_string_pretty(&received).unwrap_or_default()
                        );
                        for difference in
                            json_differences(&normalise(expected), &normalise(&received))
                        {
                            problems.push(format!("body: {difference}"));
                        }
                    }
                }
            }
            Some(ExpectedBody::Multipart(expected)) => {
                if essence != "multipart/form-data" {
                    problems.push(format!(
                        "content type `{content_type}`, documented multipart/form-data"
                    ));
                }
                let received = multipart_parts(request).await;
                describe_parts(&received, &mut out);
                compare_parts(expected, &received, &mut problems);
            }
            Some(ExpectedBody::Binary(media_type)) => {
                if !essence.eq_ignore_ascii_case(media_type) {
                    problems.push(format!(
                        "content type `{content_type}`, documented {media_type}"
                    ));
                }
                let body = request.body_vec();
                let _ = writeln!(out, "body: {} bytes", body.len());
                if body != file_bytes() {
                    problems.push(format!(
                        "the body is not the uploaded file: {} bytes, the file has {}",
                        body.len(),
                        file_bytes().len()
                    ));
                }
            }
        }
        if let Some(not_sent) = &self.not_sent {
            let _ = writeln!(
                out,
                "not sent ({}): {}",
                not_sent.erratum,
                not_sent.fields.join(", ")
            );
            let body = request.body_vec();
            let json: Option<Value> = serde_json::from_slice(&body).ok();
            let parts = if essence == "multipart/form-data" {
                multipart_parts(request).await
            } else {
                Vec::new()
            };
            for field in &not_sent.fields {
                let in_json = json.as_ref().is_some_and(|body| body.get(field).is_some());
                if in_json || parts.iter().any(|part| &part.name == field) {
                    problems.push(format!(
                        "`{field}` reached the server; erratum {} says it is not sent",
                        not_sent.erratum
                    ));
                }
            }
        }
        (out, problems)
    }
}

/// How a received path differs from the documented one, compared segment by segment, each
/// percent-decoded as the server decodes it: a value with reserved characters (`a/b c`) is one
/// segment the client sends encoded (`a%2Fb%20c`), and it matches the value as documented.
fn path_problem(received: &str, documented: &[String]) -> Option<String> {
    let decoded: Vec<String> = received
        .split('/')
        .map(speech_client_runtime::path::decode_segment)
        .collect();
    (decoded != documented)
        .then(|| format!("path {received} (decoded {decoded:?}), documented {documented:?}"))
}

fn describe_parts(parts: &[Part], out: &mut String) {
    let mut sorted: Vec<&Part> = parts.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    for part in sorted {
        match &part.file_name {
            Some(file_name) => {
                let _ = writeln!(
                    out,
                    "part {}: file {file_name:?}, {}, {} bytes",
                    part.name,
                    part.content_type.as_deref().unwrap_or("no content type"),
                    part.data.len()
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "part {}: {}",
                    part.name,
                    String::from_utf8_lossy(&part.data)
                );
            }
        }
    }
}

/// Compares the parts of each name in order (a field encoded one part per item repeats its name).
fn compare_parts(expected: &[ExpectedPart], received: &[Part], problems: &mut Vec<String>) {
    let names: BTreeSet<&str> = expected
        .iter()
        .map(|part| part.name.as_str())
        .chain(received.iter().map(|part| part.name.as_str()))
        .collect();
    for name in names {
        let expected: Vec<&ExpectedPart> = expected.iter().filter(|p| p.name == name).collect();
        let received: Vec<&Part> = received.iter().filter(|p| p.name == name).collect();
        match (expected.len(), received.len()) {
            (_, 0) => problems.push(format!("part `{name}` was not sent")),
            (0, _) => problems.push(format!(
                "part `{name}` was sent; the documented call has none"
            )),
            (documented, sent) if documented != sent => problems.push(format!(
                "part `{name}` was sent {sent} times; the documented call sends it {documented} times"
            )),
            _ => {}
        }
        for (part, got) in expected.iter().zip(&received) {
            compare_part(part, got, problems);
        }
    }
}

fn compare_part(part: &ExpectedPart, got: &Part, problems: &mut Vec<String>) {
    if got.data != part.data {
        problems.push(format!(
            "part `{}`: sent {:?}, documented {:?}",
            part.name,
            String::from_utf8_lossy(&got.data),
            String::from_utf8_lossy(&part.data)
        ));
    }
    if part.is_file && got.file_name.is_none() {
        problems.push(format!("part `{}` was sent without a file name", part.name));
    }
    if part.file_name.is_some() && got.file_name != part.file_name {
        problems.push(format!(
            "part `{}`: file name {:?}, documented {:?}",
            part.name, got.file_name, part.file_name
        ));
    }
    if part.content_type.is_some() && got.content_type != part.content_type {
        problems.push(format!(
            "part `{}`: content type {:?}, documented {:?}",
            part.name, got.content_type, part.content_type
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::path_problem;

    fn segments(path: &[&str]) -> Vec<String> {
        path.iter().map(|segment| (*segment).to_owned()).collect()
    }

    #[test]
    fn a_path_is_compared_decoded_segment_by_segment() {
        let documented = segments(&["", "v1", "tts", r"a/b c?#%2e\é"]);
        let encoded = "/v1/tts/a%2Fb%20c%3F%23%252e%5C%C3%A9";
        assert_eq!(path_problem(encoded, &documented), None);
        for wrong in [
            // the value's slash sent raw: two segments
            "/v1/tts/a/b%20c%3F%23%252e%5C%C3%A9",
            // encoded twice
            "/v1/tts/a%252Fb%2520c%253F%2523%25252e%255C%25C3%25A9",
            // `%2e` in the value decoded by the client instead of sent as text
            "/v1/tts/a%2Fb%20c%3F%23.%5C%C3%A9",
        ] {
            let problem = path_problem(wrong, &documented);
            assert!(
                problem
                    .as_deref()
                    .is_some_and(|p| p.starts_with(&format!("path {wrong} "))),
                "{wrong}: {problem:?}"
            );
        }
    }
}
