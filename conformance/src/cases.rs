//! The cases of a spec: one per documented request (a call of the provider's document) and one
//! per documented response example, read from the spec alone, so a new example is a new case.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use serde_json::{Map, Value};
use speech_spec::{Operation, RequestKind, Spec};

/// One documented example to replay.
#[derive(Clone, Debug)]
pub struct Case {
    pub provider: String,
    pub operation: String,
    pub kind: CaseKind,
}

#[derive(Clone, Debug)]
pub enum CaseKind {
    /// A documented call: the client is driven with its values and the server checks the request.
    Request { example: String },
    /// A documented response: the server serves it and the client decodes it.
    Response {
        status: String,
        media_type: String,
        example: String,
    },
    /// A documented status with no printed body: the server answers with the status alone
    /// (audio bytes for an audio success) and the client must report it for what it is.
    Status { status: String },
}

impl Case {
    /// `provider::operation::request::example` or
    /// `provider::operation::response::status::example`: the test name.
    pub fn name(&self) -> String {
        match &self.kind {
            CaseKind::Request { example } => {
                format!("{}::{}::request::{example}", self.provider, self.operation)
            }
            CaseKind::Response {
                status, example, ..
            } => format!(
                "{}::{}::response::{status}::{example}",
                self.provider, self.operation
            ),
            CaseKind::Status { status } => {
                format!("{}::{}::status::{status}", self.provider, self.operation)
            }
        }
    }

    /// The snapshot name: the test name with `__` for `::`.
    pub fn snapshot_name(&self) -> String {
        self.name().replace("::", "__")
    }
}

/// Every case of a spec, operation by operation: requests first, then responses in spec order.
pub fn cases(spec: &Spec) -> Result<Vec<Case>> {
    let mut cases = Vec::new();
    for operation in spec.operations() {
        let id = operation
            .id()
            .context("an operation without an operationId")?;
        let case = |kind| Case {
            provider: spec.provider.clone(),
            operation: id.to_owned(),
            kind,
        };
        for example in request_examples(spec, &operation)? {
            cases.push(case(CaseKind::Request { example }));
        }
        for (status, response) in operation.responses() {
            let response = spec.resolve(response)?;
            if !has_examples(response) {
                cases.push(case(CaseKind::Status {
                    status: status.to_owned(),
                }));
            }
            for (media_type, object) in content(response) {
                for example in object
                    .get("examples")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .map(|(name, _)| name)
                {
                    cases.push(case(CaseKind::Response {
                        status: status.to_owned(),
                        media_type: media_type.clone(),
                        example: example.clone(),
                    }));
                }
            }
        }
    }
    Ok(cases)
}

/// The names of the documented calls of an operation, in the order the spec first uses them:
/// body examples, parameter examples, then `x-bare-requests`.
pub fn request_examples(spec: &Spec, operation: &Operation) -> Result<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    let mut add = |name: &String| {
        if !names.contains(name) {
            names.push(name.clone());
        }
    };
    for (_, media) in operation.request_content().into_iter().flatten() {
        media
            .get("examples")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .for_each(|(name, _)| add(name));
    }
    for parameter in operation.parameters() {
        spec.resolve(parameter)?
            .get("examples")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .for_each(|(name, _)| add(name));
    }
    operation
        .value
        .get("x-bare-requests")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .for_each(|(name, _)| add(name));
    Ok(names)
}

/// Whether any media type of a response has a printed example.
pub fn has_examples(response: &Value) -> bool {
    content(response).iter().any(|(_, object)| {
        object
            .get("examples")
            .and_then(Value::as_object)
            .is_some_and(|examples| !examples.is_empty())
    })
}

/// A response's `content` entries.
pub fn content(response: &Value) -> Vec<(String, &Value)> {
    response
        .get("content")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(media, object)| (media.clone(), object))
        .collect()
}

/// One documented call, resolved from the places the spec spreads it over.
#[derive(Debug, Default)]
pub struct DocumentedCall {
    /// Parameter values by wire name, with where each goes (`path`, `query`, `header`).
    pub parameters: BTreeMap<String, (String, Value)>,
    pub body: Option<DocumentedBody>,
    /// Body fields the call prints but the client does not send (`x-not-sent`), with the erratum
    /// that decided so.
    pub not_sent: Option<NotSent>,
}

#[derive(Clone, Debug)]
pub struct NotSent {
    pub erratum: String,
    pub fields: Vec<String>,
}

/// A documented request body, as the call sends it (its media type's kind).
#[derive(Debug)]
pub enum DocumentedBody {
    Json(Value),
    /// Text fields (as JSON values), the exact text where the call prints one (`x-form-text`), and
    /// the file parts.
    Multipart {
        fields: Map<String, Value>,
        form_text: BTreeMap<String, String>,
        files: BTreeMap<String, DocumentedFile>,
    },
    /// Text fields (as JSON values) posted as a urlencoded form of `media_type`.
    FormUrlencoded {
        media_type: String,
        fields: Map<String, Value>,
    },
    /// A raw binary body: the path the call uploads, sent as `media_type`.
    Binary {
        media_type: String,
        path: String,
    },
}

impl DocumentedBody {
    /// The JSON body or the form's text fields, as the client is given them.
    pub fn fields(&self) -> Option<Value> {
        match self {
            Self::Json(value) => Some(value.clone()),
            Self::Multipart { fields, .. } | Self::FormUrlencoded { fields, .. } => {
                Some(Value::Object(fields.clone()))
            }
            Self::Binary { .. } => None,
        }
    }
}

/// A file part as the call uploads it.
#[derive(Debug)]
pub struct DocumentedFile {
    /// The uploaded path (cURL's `@path`), or the variable the call passes.
    pub source: FileSource,
    /// The file name the call puts on the wire.
    pub file_name: Option<String>,
    /// The content type, when the call states it.
    pub content_type: Option<String>,
}

#[derive(Debug)]
pub enum FileSource {
    Path(String),
    Variable(String),
}

/// The values of the documented call `example` of `operation`.
pub fn documented_call(
    spec: &Spec,
    operation: &Operation,
    example: &str,
) -> Result<DocumentedCall> {
    let mut call = DocumentedCall::default();
    for parameter in operation.parameters() {
        let parameter = spec.resolve(parameter)?;
        if let Some(value) = parameter.pointer(&format!("/examples/{example}/value")) {
            let name = text(parameter, "name").context("a parameter without a name")?;
            let location = text(parameter, "in").unwrap_or("query");
            call.parameters
                .insert(name.to_owned(), (location.to_owned(), value.clone()));
        }
    }
    for (media, object) in operation.request_content().into_iter().flatten() {
        let Some(documented) = object.pointer(&format!("/examples/{example}")) else {
            continue;
        };
        let value = documented.get("value").cloned().unwrap_or(Value::Null);
        if let Some(not_sent) = documented.get("x-not-sent") {
            call.not_sent = Some(NotSent {
                erratum: text(not_sent, "erratum").unwrap_or_default().to_owned(),
                fields: not_sent
                    .get("fields")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
            });
        }
        let schema = object.get("schema").unwrap_or(&Value::Null);
        call.body = Some(match speech_spec::request_kind(media, schema) {
            Some(RequestKind::Multipart) => multipart(documented, value)?,
            Some(RequestKind::FormUrlencoded) => {
                let Value::Object(fields) = value else {
                    anyhow::bail!("a urlencoded example whose value is not an object");
                };
                DocumentedBody::FormUrlencoded {
                    media_type: media.clone(),
                    fields,
                }
            }
            Some(RequestKind::Binary) => {
                let path = value
                    .as_str()
                    .context("a binary body example whose value is not the uploaded path")?;
                DocumentedBody::Binary {
                    media_type: media.clone(),
                    path: path.to_owned(),
                }
            }
            Some(RequestKind::Json) | None => DocumentedBody::Json(value),
        });
    }
    Ok(call)
}

fn multipart(documented: &Value, value: Value) -> Result<DocumentedBody> {
    let Value::Object(mut fields) = value else {
        anyhow::bail!("a multipart example whose value is not an object");
    };
    let mut files = BTreeMap::new();
    for (field, part) in documented
        .get("x-file-parts")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let printed = fields.remove(field);
        let source = match (
            text(part, "variable"),
            printed.as_ref().and_then(Value::as_str),
        ) {
            (Some(variable), _) => FileSource::Variable(variable.to_owned()),
            (None, Some(path)) => FileSource::Path(path.to_owned()),
            (None, None) => anyhow::bail!("file part `{field}` has neither a path nor a variable"),
        };
        files.insert(
            field.clone(),
            DocumentedFile {
                source,
                file_name: text(part, "filename").map(str::to_owned),
                content_type: text(part, "contentType").map(str::to_owned),
            },
        );
    }
    let form_text = documented
        .get("x-form-text")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(field, text)| Some((field.clone(), text.as_str()?.to_owned())))
        .collect();
    Ok(DocumentedBody::Multipart {
        fields,
        form_text,
        files,
    })
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}
