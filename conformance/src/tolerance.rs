//! Tolerance cases: what providers send that their documents do not show. Derived from each
//! documented JSON response example and its schema, so every operation gets them with no Rust per
//! provider:
//! - `extra_fields`: an unknown member added to every object;
//! - `enum`: every field with a documented value set (a job status, a model, an error code) set to
//!   each documented value in turn (every job state) and to a value the spec does not list;
//! - `null`: every `nullable` field set to `null`;
//! - `malformed`: truncated JSON, an HTML error page with status 200, an empty body, for the
//!   first JSON success of each operation.
//!
//! The first three must decode to the same kind of result with no documented field lost; a
//! malformed body must give a typed error that keeps the raw body.

use anyhow::{Context, Result};
use httpmock::HttpMockResponse;
use serde_json::{Value, json};
use speech_spec::{Operation, Spec, is_json_media, is_success};

use crate::exchange::{Decoded, Exchange};
use crate::json::lost_fields;
use crate::run::{answer_with, exchange_kind};
use crate::served::{served_response, status_code};

/// A value no spec lists, for open enums.
const UNDOCUMENTED: &str = "UNDOCUMENTED_VALUE_FOR_TOLERANCE";

/// One tolerance case: a body derived from a documented example, or a malformed one.
#[derive(Clone, Debug)]
pub struct ToleranceCase {
    pub provider: String,
    pub operation: String,
    /// `200::completed::enum::/data/status=FAILED`, `malformed::html_page`, ...
    pub label: String,
    pub status: String,
    pub media_type: String,
    pub body: ServedBody,
}

#[derive(Clone, Debug)]
pub enum ServedBody {
    /// A JSON value the client must decode, and what re-serialising must keep of it (the
    /// documented fields: unknown ones are tolerated, not kept).
    Json { served: Value, kept: Value },
    /// Bytes the client must refuse with a typed error that keeps them.
    Malformed(Vec<u8>),
}

impl ToleranceCase {
    pub fn name(&self) -> String {
        format!(
            "{}::{}::tolerance::{}",
            self.provider, self.operation, self.label
        )
    }
}

/// Every tolerance case of a spec.
pub fn cases(spec: &Spec) -> Result<Vec<ToleranceCase>> {
    let mut cases = Vec::new();
    for operation in spec.operations() {
        let id = operation
            .id()
            .context("an operation without an operationId")?;
        let mut first_success: Option<(String, String, Value)> = None;
        for (status, response) in operation.responses() {
            let response = spec.resolve(response)?;
            for (media_type, object) in crate::cases::content(response) {
                if !is_json_media(&media_type) {
                    continue;
                }
                let schema = object.get("schema").cloned().unwrap_or(Value::Null);
                for (example, documented) in object
                    .get("examples")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    let Some(value) = spec.resolve(documented)?.get("value") else {
                        continue;
                    };
                    if is_success(status) && first_success.is_none() {
                        first_success =
                            Some((status.to_owned(), media_type.clone(), value.clone()));
                    }
                    let mut case = |label: String, served: Value, kept: Value| {
                        cases.push(ToleranceCase {
                            provider: spec.provider.clone(),
                            operation: id.to_owned(),
                            label: format!("{status}::{example}::{label}"),
                            status: status.to_owned(),
                            media_type: media_type.clone(),
                            body: ServedBody::Json { served, kept },
                        });
                    };
                    case(
                        "extra_fields".into(),
                        with_extra_fields(value),
                        value.clone(),
                    );
                    for found in fields_of(spec, &schema, value, "")? {
                        match found {
                            Field::Enum { pointer, values } => {
                                for variant in
                                    values.iter().map(String::as_str).chain([UNDOCUMENTED])
                                {
                                    let mut body = value.clone();
                                    set(&mut body, &pointer, json!(variant));
                                    case(format!("enum::{pointer}={variant}"), body.clone(), body);
                                }
                            }
                            Field::Nullable { pointer } => {
                                let mut body = value.clone();
                                set(&mut body, &pointer, Value::Null);
                                case(format!("null::{pointer}"), body.clone(), body);
                            }
                            Field::Alternatives { pointer, types } => {
                                for kind in types {
                                    let mut body = value.clone();
                                    set(&mut body, &pointer, sample(&kind));
                                    case(format!("one_of::{pointer}={kind}"), body.clone(), body);
                                }
                            }
                        }
                    }
                }
            }
        }
        if let Some((status, media_type, value)) = first_success {
            let text = serde_json::to_string(&value)?;
            let malformed = [
                (
                    "truncated_json",
                    text.as_bytes()[..text.len() / 2].to_vec(),
                    media_type.clone(),
                ),
                (
                    "html_page",
                    b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>".to_vec(),
                    "text/html".to_owned(),
                ),
                ("empty_body", Vec::new(), media_type.clone()),
            ];
            for (label, bytes, media_type) in malformed {
                cases.push(ToleranceCase {
                    provider: spec.provider.clone(),
                    operation: id.to_owned(),
                    label: format!("malformed::{label}"),
                    status: status.clone(),
                    media_type,
                    body: ServedBody::Malformed(bytes),
                });
            }
        }
    }
    Ok(cases)
}

/// Serves the case's body and returns every problem found (none: the case passes).
pub async fn run(spec: &Spec, case: &ToleranceCase) -> Result<Vec<String>> {
    let operation: Operation = spec
        .operations()
        .into_iter()
        .find(|operation| operation.id() == Some(case.operation.as_str()))
        .with_context(|| format!("no operation {}", case.operation))?;
    let code = status_code(&case.status)?;
    let served = match &case.body {
        ServedBody::Json { served, .. } => {
            served_response(code, &case.media_type, served, &Default::default())?
        }
        ServedBody::Malformed(bytes) => HttpMockResponse::builder()
            .status(code)
            .header("content-type", case.media_type.as_str())
            .body(bytes.clone())
            .build(),
    };
    let exchange = answer_with(spec, &operation, served).await?;
    let mut problems = Vec::new();
    match (&case.body, &exchange) {
        (
            ServedBody::Json { kept, .. },
            Exchange::Success { status, body, .. } | Exchange::ErrorBody { status, body, .. },
        ) => {
            if *status != code
                || matches!(exchange, Exchange::Success { .. }) != is_success(&case.status)
            {
                problems.push(format!(
                    "served {code}, the client reported {}",
                    exchange_kind(&exchange)
                ));
            }
            if let Decoded::Json { value: decoded, .. } = body {
                for lost in lost_fields(kept, decoded) {
                    problems.push(format!("re-serialising loses {lost}"));
                }
            }
        }
        (ServedBody::Json { .. }, _) => {
            problems.push(format!(
                "the body did not decode: {}",
                exchange_kind(&exchange)
            ));
        }
        (ServedBody::Malformed(bytes), Exchange::Failed { raw_body, .. }) => {
            if raw_body.as_deref() != Some(bytes.as_slice()) {
                problems.push(format!(
                    "the error keeps {:?} instead of the raw body",
                    raw_body.as_deref().map(String::from_utf8_lossy)
                ));
            }
        }
        (ServedBody::Malformed(_), _) => {
            problems.push(format!(
                "a malformed body was accepted: {}",
                exchange_kind(&exchange)
            ));
        }
    }
    Ok(problems)
}

/// A field of a documented example that a tolerance case varies.
enum Field {
    Enum {
        pointer: String,
        values: Vec<String>,
    },
    Nullable {
        pointer: String,
    },
    /// A value the document types in several ways (`oneOf` of primitive types, e.g. a timestamp
    /// printed as a string and tabled as a number): a case per type other than the printed one.
    Alternatives {
        pointer: String,
        types: Vec<String>,
    },
}

/// A value of the primitive JSON Schema type `kind`, for a case that serves it.
fn sample(kind: &str) -> Value {
    match kind {
        "integer" => json!(1_762_264_695),
        "number" => json!(1_762_264_695.5),
        "boolean" => json!(true),
        _ => json!("1762264695"),
    }
}

/// The primitive types of a `oneOf` (or `anyOf`) schema's alternatives, when all are primitive.
fn alternative_types(spec: &Spec, schema: &Value) -> Result<Vec<String>> {
    let Some(members) = ["oneOf", "anyOf"]
        .iter()
        .find_map(|key| schema.get(key).and_then(Value::as_array))
    else {
        return Ok(Vec::new());
    };
    let mut types = Vec::new();
    for member in members {
        let member = spec.resolve_schema(member)?;
        match member.get("type").and_then(Value::as_str) {
            Some(kind @ ("string" | "number" | "integer" | "boolean")) => {
                types.push(kind.to_owned());
            }
            _ => return Ok(Vec::new()),
        }
    }
    Ok(types)
}

/// The JSON Schema type of a primitive value.
fn type_of(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "string",
        Value::Bool(_) => "boolean",
        Value::Number(number) if number.is_f64() => "number",
        Value::Number(_) => "integer",
        _ => "other",
    }
}

/// The enum, nullable and several-typed fields of `value`, found by walking it alongside its schema, with
/// `$ref`s followed and `allOf` members merged (`speech_spec::resolve_schema`), so how a schema is
/// composed does not change the cases.
fn fields_of(spec: &Spec, schema: &Value, value: &Value, pointer: &str) -> Result<Vec<Field>> {
    let schema = spec.resolve_schema(schema)?;
    let mut found = Vec::new();
    let others: Vec<String> = alternative_types(spec, &schema)?
        .into_iter()
        .filter(|kind| kind != type_of(value) && !(kind == "number" && type_of(value) == "integer"))
        .collect();
    if !others.is_empty() {
        found.push(Field::Alternatives {
            pointer: pointer.to_owned(),
            types: others,
        });
    }
    if let (Some(values), Value::String(_)) = (schema.get("enum").and_then(Value::as_array), value)
    {
        found.push(Field::Enum {
            pointer: pointer.to_owned(),
            values: values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        });
    }
    match value {
        Value::Object(members) => {
            for (name, property) in properties(spec, &schema)? {
                let child = format!("{pointer}/{name}");
                if property.get("nullable") == Some(&Value::Bool(true)) {
                    found.push(Field::Nullable {
                        pointer: child.clone(),
                    });
                }
                if let Some(member) = members.get(&name) {
                    found.extend(fields_of(spec, &property, member, &child)?);
                }
            }
        }
        Value::Array(items) => {
            if let (Some(item_schema), Some(first)) = (schema.get("items"), items.first()) {
                found.extend(fields_of(
                    spec,
                    item_schema,
                    first,
                    &format!("{pointer}/0"),
                )?);
            }
        }
        _ => {}
    }
    Ok(found)
}

/// A schema's properties, each resolved (with `nullable` kept from a reference's wrapper).
fn properties(spec: &Spec, schema: &Value) -> Result<Vec<(String, Value)>> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, property)| Ok((name.clone(), spec.resolve_schema(property)?)))
        .collect()
}

fn with_extra_fields(value: &Value) -> Value {
    match value {
        Value::Object(members) => {
            let mut members: serde_json::Map<String, Value> = members
                .iter()
                .map(|(name, member)| (name.clone(), with_extra_fields(member)))
                .collect();
            members.insert(
                "undocumentedFieldForTolerance".into(),
                json!({"nested": [1, "two", null]}),
            );
            Value::Object(members)
        }
        Value::Array(items) => Value::Array(items.iter().map(with_extra_fields).collect()),
        other => other.clone(),
    }
}

fn set(value: &mut Value, pointer: &str, new: Value) {
    if pointer.is_empty() {
        *value = new;
        return;
    }
    let (parent, name) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    if let Some(Value::Object(members)) = value.pointer_mut(parent) {
        members.insert(name.to_owned(), new);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::{Value, json};
    use speech_spec::Spec;

    use super::cases;

    fn specs() -> Vec<Spec> {
        speech_spec::load_all(&crate::workspace_root()).unwrap()
    }

    /// The tolerance case labels of each operation.
    fn labels(spec: &Spec) -> BTreeMap<String, Vec<String>> {
        let mut labels: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for case in cases(spec).unwrap() {
            labels.entry(case.operation).or_default().push(case.label);
        }
        labels
    }

    fn with_doc(spec: &Spec, doc: Value) -> Spec {
        Spec {
            provider: spec.provider.clone(),
            path: spec.path.clone(),
            doc,
        }
    }

    /// Every JSON response schema wrapped twice (`allOf: [{allOf: [schema]}]`), every property of
    /// every component wrapped once, and every component's properties split over two `allOf`
    /// members: what a value must hold is unchanged, so the derived cases must be too.
    fn rewrapped(doc: &Value) -> Value {
        let mut doc = doc.clone();
        for item in doc["paths"].as_object_mut().unwrap().values_mut() {
            for operation in item.as_object_mut().unwrap().values_mut() {
                let Some(responses) = operation
                    .get_mut("responses")
                    .and_then(Value::as_object_mut)
                else {
                    continue;
                };
                for response in responses.values_mut() {
                    let media = response
                        .get_mut("content")
                        .and_then(Value::as_object_mut)
                        .into_iter()
                        .flat_map(|content| content.values_mut());
                    for media in media {
                        if let Some(schema) = media.get_mut("schema") {
                            *schema = json!({"allOf": [{"allOf": [schema.take()]}]});
                        }
                    }
                }
            }
        }
        let schemas = doc["components"]["schemas"].as_object_mut().unwrap();
        for schema in schemas.values_mut() {
            let Some(properties) = schema
                .get_mut("properties")
                .and_then(Value::as_object_mut)
                .map(std::mem::take)
            else {
                continue;
            };
            let wrapped: Vec<(String, Value)> = properties
                .into_iter()
                .map(|(name, property)| (name, json!({"allOf": [property]})))
                .collect();
            let (first, second) = wrapped.split_at(wrapped.len() / 2);
            let object = schema.as_object_mut().unwrap();
            object.remove("properties");
            object.insert(
                "allOf".into(),
                json!([
                    {"properties": first.iter().cloned().collect::<serde_json::Map<_, _>>()},
                    {"properties": second.iter().cloned().collect::<serde_json::Map<_, _>>()},
                ]),
            );
        }
        doc
    }

    #[test]
    fn wrapping_schemas_in_all_of_does_not_change_the_cases() {
        let mut total = 0;
        for spec in specs() {
            let before = labels(&spec);
            let after = labels(&with_doc(&spec, rewrapped(&spec.doc)));
            assert_eq!(before, after, "{}", spec.path.display());
            total += before.values().map(Vec::len).sum::<usize>();
        }
        assert!(total > 100, "only {total} tolerance cases");
    }

    #[test]
    fn an_enum_behind_all_of_still_gets_a_case_per_value() {
        let spec = specs().into_iter().next().unwrap();
        let doc = json!({
            "paths": {"/job": {"get": {"operationId": "get_job", "responses": {"200": {"content": {
                "application/json": {
                    "schema": {"allOf": [{"$ref": "#/components/schemas/Job"}], "description": "The job."},
                    "examples": {"done": {"value": {"status": "DONE"}}},
                }}}}}}},
            "components": {"schemas": {
                "Job": {"allOf": [{"properties": {"status": {"allOf": [{"$ref": "#/components/schemas/Status"}]}}}]},
                "Status": {"type": "string", "enum": ["PENDING", "DONE"]},
            }},
        });
        let labels = labels(&with_doc(&spec, doc));
        assert_eq!(
            labels["get_job"],
            [
                "200::done::extra_fields",
                "200::done::enum::/status=PENDING",
                "200::done::enum::/status=DONE",
                "200::done::enum::/status=UNDOCUMENTED_VALUE_FOR_TOLERANCE",
                "malformed::truncated_json",
                "malformed::html_page",
                "malformed::empty_body",
            ]
        );
    }

    #[test]
    fn a_value_typed_several_ways_gets_a_case_per_other_type() {
        let spec = specs().into_iter().next().unwrap();
        let doc = json!({
            "paths": {"/job": {"get": {"operationId": "get_job", "responses": {"200": {"content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/Job"},
                    "examples": {"done": {"value": {"at": "2025-11-04", "size": 3}}},
                }}}}}}},
            "components": {"schemas": {
                "Job": {"properties": {
                    "at": {"allOf": [{"$ref": "#/components/schemas/Timestamp"}]},
                    "size": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
                }},
                "Timestamp": {"oneOf": [{"type": "string"}, {"type": "number"}]},
            }},
        });
        let labels = labels(&with_doc(&spec, doc));
        assert_eq!(
            labels["get_job"][..3],
            [
                "200::done::extra_fields",
                "200::done::one_of::/at=number",
                "200::done::one_of::/size=string",
            ]
        );
    }
}
