//! Documented calls whose media type the generated client does not send: a form posted
//! `application/x-www-form-urlencoded` (a Python `requests.post(url, data=...)` call). The
//! request case drives the client with the same values (it sends them in the media type it
//! prefers); here the suite also sends the call as printed and checks what a server that follows
//! the spec checks: the request arrives in the declared media type, its body decodes to the
//! documented fields, and those are valid against that media type's schema. A spec that declared
//! the call's media type with the wrong schema, or not at all, fails here.

use std::fmt::Write as _;

use anyhow::{Context, Result, bail};
use httpmock::MockServer;
use serde_json::{Map, Value, json};
use speech_mock_support::Recorder;
use speech_spec::{Operation, Spec};

use crate::cases::DocumentedCall;
use crate::served::{base_path, credential, plain_text, success_answer};

/// Sends the documented urlencoded form `fields` of `operation` as printed to a local server;
/// returns what the snapshot records and the problems found.
pub async fn replay_form(
    spec: &Spec,
    operation: &Operation<'_>,
    call: &DocumentedCall,
    media_type: &str,
    fields: &Map<String, Value>,
) -> Result<(String, Vec<String>)> {
    let sent_fields: Vec<(String, String)> = fields
        .iter()
        .filter(|(name, _)| {
            call.not_sent
                .as_ref()
                .is_none_or(|not_sent| !not_sent.fields.contains(name))
        })
        .map(|(name, value)| Ok(pairs(name, value)?.into_iter()))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    let answer = success_answer(spec, operation)?;
    server
        .mock_async(|_, then| {
            then.respond_with(recorder.answer(answer));
        })
        .await;
    let mut url = server.url(format!("{}{}", base_path(spec)?, operation.path));
    let mut query = Vec::new();
    for (name, (location, value)) in &call.parameters {
        match location.as_str() {
            "path" => {
                let encoded = speech_client_runtime::path::encode_path(&plain_text(value));
                url = url.replace(&format!("{{{name}}}"), &encoded);
            }
            "query" => query.push((name.clone(), plain_text(value))),
            _ => {}
        }
    }
    let (header, key) = credential(spec, operation)?;
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&sent_fields)
        .finish();
    let method = reqwest::Method::from_bytes(operation.method.to_ascii_uppercase().as_bytes())?;
    reqwest::Client::new()
        .request(method, url)
        .query(&query)
        .header(header, key)
        .header(reqwest::header::CONTENT_TYPE, media_type)
        .body(body)
        .send()
        .await
        .context("sending the documented call as printed")?;
    let request = recorder
        .all()
        .into_iter()
        .next()
        .context("the documented call did not reach the server")?;

    let mut out = String::new();
    let mut problems = Vec::new();
    let _ = writeln!(out, "\nas printed ({media_type}):");
    let _ = writeln!(out, "{} {}", request.method(), request.uri().path());
    let content_type = request
        .headers_vec()
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    let _ = writeln!(out, "content-type {content_type}");
    if !content_type.eq_ignore_ascii_case(media_type) {
        problems.push(format!(
            "as printed: content type `{content_type}`, documented {media_type}"
        ));
    }
    let received: Vec<(String, String)> = form_urlencoded::parse(&request.body_vec())
        .into_owned()
        .collect();
    for (name, value) in &received {
        let _ = writeln!(out, "field {name}={value}");
    }
    if received != sent_fields {
        problems.push(format!(
            "as printed: the server decoded the fields {received:?}, documented {sent_fields:?}"
        ));
    }
    let schema = operation
        .request_content()
        .and_then(|content| content.get(media_type))
        .and_then(|media| media.get("schema"))
        .with_context(|| format!("{}: no schema for {media_type}", operation.label()))?;
    let decoded = typed_fields(spec, schema, &received)?;
    let root = json!({
        "components": spec.doc.get("components").cloned().unwrap_or(Value::Null),
        "allOf": [schema],
    });
    let validator = jsonschema::draft4::new(&root)
        .map_err(|error| anyhow::anyhow!("the {media_type} schema is invalid: {error}"))?;
    for error in validator.iter_errors(&decoded) {
        problems.push(format!(
            "as printed: the {media_type} body does not match its schema at `{}`: {error}",
            error.instance_path()
        ));
    }
    Ok((out, problems))
}

/// The `name=value` pairs a form field becomes (OpenAPI's `form` style, exploded: an array is one
/// pair per item).
fn pairs(name: &str, value: &Value) -> Result<Vec<(String, String)>> {
    Ok(match value {
        Value::Null => Vec::new(),
        Value::Array(items) => items
            .iter()
            .map(|item| (name.to_owned(), plain_text(item)))
            .collect(),
        Value::Object(_) => bail!("form field `{name}`: an object cannot be urlencoded"),
        other => vec![(name.to_owned(), plain_text(other))],
    })
}

/// The decoded pairs as the JSON object a server following the schema reads them as: a number,
/// integer or boolean property parsed from its text (left as text when it does not parse, so the
/// schema reports it), an array property collecting every pair of its name.
fn typed_fields(spec: &Spec, schema: &Value, received: &[(String, String)]) -> Result<Value> {
    let schema = spec.resolve_schema(schema)?;
    let mut object = Map::new();
    for (name, text) in received {
        let property = match schema.pointer(&format!("/properties/{name}")) {
            Some(property) => spec.resolve_schema(property)?,
            None => Value::Null,
        };
        let kind = |schema: &Value| {
            schema
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        if kind(&property) == "array" {
            let items = match property.get("items") {
                Some(items) => spec.resolve_schema(items)?,
                None => Value::Null,
            };
            let entry = object
                .entry(name.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(values) = entry {
                values.push(typed(&kind(&items), text));
            }
        } else {
            object.insert(name.clone(), typed(&kind(&property), text));
        }
    }
    Ok(Value::Object(object))
}

fn typed(kind: &str, text: &str) -> Value {
    let parsed = match kind {
        "integer" | "number" => serde_json::from_str::<serde_json::Number>(text)
            .ok()
            .map(Value::Number),
        "boolean" => text.parse().ok().map(Value::Bool),
        _ => None,
    };
    parsed.unwrap_or_else(|| Value::String(text.to_owned()))
}
