//! The documented calls of an operation, read from the spec: each example name spread over the
//! parameters and the body (specs/README.md, "Examples"), as a client would put it on the wire.

use serde_json::{Map, Value};
use speech_spec::{Operation, Spec, is_json_media};

/// One request, ready to send below the stand-in's base URL.
#[derive(Clone, Debug)]
pub struct Call {
    pub method: String,
    /// The path with its parameters filled in (percent-encoded).
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Option<CallBody>,
}

#[derive(Clone, Debug)]
pub enum CallBody {
    Json(Value),
    Multipart(Vec<FormPart>),
}

#[derive(Clone, Debug)]
pub enum FormPart {
    Text(String, String),
    File {
        name: String,
        file_name: Option<String>,
        content_type: Option<String>,
    },
}

/// The names of the documented calls of `operation`: body examples, parameter examples, then
/// `x-bare-requests`, each once.
pub fn call_names(spec: &Spec, operation: &Operation) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut add = |object: Option<&Value>| {
        for name in object
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
        {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    };
    for (_, media) in operation.request_content().into_iter().flatten() {
        add(media.get("examples"));
    }
    for parameter in operation.parameters() {
        add(spec.resolve(parameter).unwrap().get("examples"));
    }
    add(operation.value.get("x-bare-requests"));
    names
}

/// The documented call `name` of `operation`. A required parameter the call does not set takes
/// its first documented value.
pub fn documented_call(spec: &Spec, operation: &Operation, name: &str) -> Call {
    let mut call = Call {
        method: operation.method.to_uppercase(),
        path: operation.path.to_owned(),
        query: Vec::new(),
        headers: Vec::new(),
        body: None,
    };
    for parameter in operation.parameters() {
        let parameter = spec.resolve(parameter).unwrap();
        let examples = parameter.get("examples").and_then(Value::as_object);
        let value = examples
            .and_then(|all| all.get(name))
            .or_else(|| {
                let required = parameter.get("required") == Some(&Value::Bool(true));
                examples.filter(|_| required)?.values().next()
            })
            .map(|example| spec.resolve(example).unwrap()["value"].clone());
        if let Some(value) = value {
            set_parameter(&mut call, parameter, &text(&value));
        }
    }
    for (media, object) in operation.request_content().into_iter().flatten() {
        let Some(example) = object.get("examples").and_then(|all| all.get(name)) else {
            continue;
        };
        let example = spec.resolve(example).unwrap();
        let mut value = example["value"].clone();
        for field in example
            .pointer("/x-not-sent/fields")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            value.as_object_mut().unwrap().remove(field);
        }
        call.body = Some(if is_json_media(media) {
            CallBody::Json(value)
        } else {
            CallBody::Multipart(form_parts(spec, object, example, value))
        });
    }
    call
}

/// Puts a parameter's text where it goes.
pub fn set_parameter(call: &mut Call, parameter: &Value, value: &str) {
    let name = parameter["name"].as_str().unwrap().to_owned();
    match parameter["in"].as_str().unwrap() {
        "path" => {
            let encoded =
                percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC);
            call.path = call
                .path
                .replace(&format!("{{{name}}}"), &encoded.to_string());
        }
        "query" => {
            call.query.retain(|(given, _)| *given != name);
            call.query.push((name, value.to_owned()));
        }
        "header" => call.headers.push((name, value.to_owned())),
        _ => {}
    }
}

/// A value as the text a path, query or form field carries.
pub fn text(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

/// The parts of a multipart example: its file parts (`x-file-parts`, or binary properties) and
/// text fields (`x-form-text` where the call sends an exact text).
fn form_parts(spec: &Spec, media: &Value, example: &Value, value: Value) -> Vec<FormPart> {
    let schema = spec.resolve_schema(&media["schema"]).unwrap();
    let files = example.get("x-file-parts").and_then(Value::as_object);
    let form_text = example.get("x-form-text").and_then(Value::as_object);
    let fields: Map<String, Value> = value.as_object().cloned().unwrap_or_default();
    fields
        .into_iter()
        .map(|(name, field)| {
            let property = schema.pointer(&format!("/properties/{name}"));
            let binary = property
                .map(|property| speech_spec::is_binary(&spec.resolve_schema(property).unwrap()))
                .unwrap_or(false);
            match files.and_then(|files| files.get(&name)) {
                Some(file) => FormPart::File {
                    name,
                    file_name: file["filename"].as_str().map(str::to_owned),
                    content_type: file["contentType"].as_str().map(str::to_owned),
                },
                None if binary => FormPart::File {
                    name,
                    file_name: None,
                    content_type: None,
                },
                None => {
                    let exact = form_text.and_then(|all| all.get(&name)).map(text);
                    let sent = exact.unwrap_or_else(|| text(&field));
                    FormPart::Text(name, sent)
                }
            }
        })
        .collect()
}
