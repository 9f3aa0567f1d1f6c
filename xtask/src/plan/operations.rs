//! Operations progenitor 0.15 cannot generate, described for the xtask's emitter.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, bail};
use heck::ToSnakeCase;
use serde_json::Value;

use crate::spec::{
    self, FieldEncoding, Operation, RequestKind, is_binary, is_json_media, schema_ref_name,
};

/// An operation the xtask emits, with every name already resolved.
#[derive(Debug)]
pub struct EmittedOperation {
    pub id: String,
    pub method: String,
    pub path: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub parameters: Vec<Parameter>,
    pub body: Option<Body>,
    pub success: Vec<SuccessResponse>,
    /// The one error schema, and the statuses that carry it.
    pub error: Option<(String, Vec<StatusKey>)>,
}

#[derive(Debug)]
pub struct Parameter {
    /// The name on the wire.
    pub name: String,
    pub location: ParameterLocation,
    pub required: bool,
    /// A Rust type path relative to the generated module (`types::Foo`, `::std::string::String`).
    pub rust_type: String,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParameterLocation {
    Path,
    Query,
}

#[derive(Debug, PartialEq)]
pub enum Body {
    /// A JSON body of the named schema.
    Json(String),
    /// A `multipart/form-data` body: the named schema holds the text fields, `files` the file parts,
    /// `encodings` how each text field is put in the form.
    Multipart {
        fields: String,
        files: Vec<FilePartPlan>,
        encodings: Vec<(String, FieldEncoding)>,
    },
    /// The raw bytes of one file as the whole body.
    Binary(BinaryBodyPlan),
}

/// A raw binary request body (`{type: string, format: binary}`, e.g. `application/octet-stream`).
#[derive(Clone, Debug, PartialEq)]
pub struct BinaryBodyPlan {
    /// The declared media types; the client sends the one of the file where there are several.
    pub media_types: Vec<String>,
    pub max_bytes: Option<u64>,
    pub content_types: Vec<String>,
    pub description: Option<String>,
}

/// A binary property of a multipart form, sent as a file part.
#[derive(Clone, Debug, PartialEq)]
pub struct FilePartPlan {
    pub name: String,
    pub required: bool,
    pub max_bytes: Option<u64>,
    pub content_types: Vec<String>,
    pub description: Option<String>,
}

impl FilePartPlan {
    /// The builder method that sets this part.
    pub fn setter(&self) -> String {
        self.name.to_snake_case()
    }
}

#[derive(Debug)]
pub struct SuccessResponse {
    pub status: StatusKey,
    pub bodies: Vec<SuccessBody>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SuccessBody {
    /// A JSON body of the named schema.
    Json(String),
    /// Binary content (audio) of the listed media types.
    Binary(Vec<String>),
    /// No body.
    Empty,
}

/// A response key: one status code, or a range such as `4XX`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StatusKey {
    Code(u16),
    Range(u16),
}

impl StatusKey {
    pub fn parse(key: &str) -> Result<Self> {
        if let Some(class) = key.strip_suffix("XX").or_else(|| key.strip_suffix("xx")) {
            let class: u16 = class
                .parse()
                .with_context(|| format!("response key `{key}`"))?;
            return Ok(Self::Range(class));
        }
        Ok(Self::Code(key.parse().with_context(|| {
            format!("response key `{key}`: use a status code or a range such as 4XX (no `default`)")
        })?))
    }
}

/// Whether progenitor 0.15 cannot generate the operation: a non-JSON request body, binary success
/// content, or success responses with more than one kind of body.
pub fn needs_emitter(operation: &Operation) -> bool {
    let non_json_request = operation
        .request_content()
        .is_some_and(|content| content.keys().any(|media| !is_json_media(media)));
    let kinds: BTreeSet<String> = operation
        .responses()
        .filter(|(status, _)| spec::is_success(status))
        .flat_map(
            |(_, response)| match response.get("content").and_then(Value::as_object) {
                None => vec!["empty".to_owned()],
                Some(content) => content
                    .iter()
                    .map(|(media, object)| {
                        let schema = object.get("schema").unwrap_or(&Value::Null);
                        if is_json_media(media) {
                            schema.to_string()
                        } else {
                            "binary".to_owned()
                        }
                    })
                    .collect(),
            },
        )
        .collect();
    non_json_request || kinds.contains("binary") || kinds.len() > 1
}

/// Takes the binary properties out of the multipart form schemas of the emitted operations (progenitor
/// generates the text fields; the file parts become builder methods), keyed by form schema name.
pub fn take_file_parts(
    doc: &mut Value,
    emitted: &[String],
) -> Result<BTreeMap<String, Vec<FilePartPlan>>> {
    let mut forms = BTreeSet::new();
    for operation in spec::operations(doc) {
        if !operation
            .id()
            .is_some_and(|id| emitted.iter().any(|e| e == id))
        {
            continue;
        }
        for (media, object) in operation.request_content().into_iter().flatten() {
            if media != "multipart/form-data" {
                continue;
            }
            let schema = object.get("schema").unwrap_or(&Value::Null);
            let name = schema_ref_name(schema).with_context(|| {
                format!(
                    "{}: the multipart body must be a $ref to a named schema",
                    operation.label()
                )
            })?;
            forms.insert(name.to_owned());
        }
    }
    let mut parts = BTreeMap::new();
    for form in forms {
        let schema = doc
            .pointer_mut(&format!("/components/schemas/{form}"))
            .with_context(|| format!("missing schema {form}"))?;
        parts.insert(form, take_binary_properties(schema));
    }
    Ok(parts)
}

fn take_binary_properties(schema: &mut Value) -> Vec<FilePartPlan> {
    let required: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return Vec::new();
    };
    let names: Vec<String> = properties
        .iter()
        .filter(|(_, property)| is_binary(property))
        .map(|(name, _)| name.clone())
        .collect();
    let files: Vec<FilePartPlan> = names
        .iter()
        .filter_map(|name| properties.remove(name).map(|property| (name, property)))
        .map(|(name, property)| FilePartPlan {
            name: name.clone(),
            required: required.contains(name),
            max_bytes: property.get("x-max-bytes").and_then(Value::as_u64),
            content_types: content_types(&property),
            description: description(&property),
        })
        .collect();
    if let Some(list) = schema.get_mut("required").and_then(Value::as_array_mut) {
        list.retain(|name| !names.iter().any(|n| Some(n.as_str()) == name.as_str()));
        if list.is_empty() {
            schema
                .as_object_mut()
                .map(|object| object.remove("required"));
        }
    }
    files
}

/// `x-content-types` of a binary schema: the accepted media types of the file.
fn content_types(schema: &Value) -> Vec<String> {
    schema
        .get("x-content-types")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

fn description(schema: &Value) -> Option<String> {
    schema
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Removes the emitted operations from the document handed to progenitor.
pub fn remove(doc: &mut Value, emitted: &[String]) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        if let Some(item) = item.as_object_mut() {
            item.retain(|_, operation| {
                let id = operation.get("operationId").and_then(Value::as_str);
                !id.is_some_and(|id| emitted.iter().any(|e| e == id))
            });
        }
    }
    paths.retain(|_, item| {
        item.as_object().is_some_and(|item| {
            item.keys()
                .any(|key| key != "parameters" && !key.starts_with("x-"))
        })
    });
}

impl EmittedOperation {
    pub fn new(
        doc: &Value,
        operation: &Operation,
        file_parts: &BTreeMap<String, Vec<FilePartPlan>>,
    ) -> Result<Self> {
        let label = operation.label();
        let text = |key: &str| {
            operation
                .value
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let parameters = operation
            .parameters()
            .map(|parameter| Parameter::new(doc, parameter))
            .collect::<Result<_>>()
            .with_context(|| label.clone())?;
        let required = operation
            .value
            .pointer("/requestBody/required")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let body = operation
            .request_content()
            .map(|content| Body::new(doc, content, required, file_parts))
            .transpose()
            .with_context(|| label.clone())?;
        let mut success = Vec::new();
        let mut errors: Vec<(StatusKey, Option<String>)> = Vec::new();
        for (status, response) in operation.responses() {
            let key = StatusKey::parse(status).with_context(|| label.clone())?;
            let response = spec::resolve(doc, response)?;
            let content = response.get("content").and_then(Value::as_object);
            if spec::is_success(status) {
                success.push(SuccessResponse {
                    status: key,
                    bodies: success_bodies(content)
                        .with_context(|| format!("{label}, {status}"))?,
                });
            } else {
                let schema = content
                    .and_then(|content| content.iter().find(|(media, _)| is_json_media(media)))
                    .and_then(|(_, object)| object.get("schema"))
                    .and_then(schema_ref_name)
                    .map(str::to_owned);
                errors.push((key, schema));
            }
        }
        let error_schemas: BTreeSet<_> = errors
            .iter()
            .filter_map(|(_, schema)| schema.clone())
            .collect();
        let error = match error_schemas.len() {
            0 => None,
            1 => Some((
                error_schemas.into_iter().next().unwrap_or_default(),
                errors.iter().map(|(status, _)| *status).collect(),
            )),
            _ => bail!("{label} mixes error schemas: {error_schemas:?}"),
        };
        Ok(Self {
            id: operation.id().context("operationId")?.to_owned(),
            method: operation.method.to_owned(),
            path: operation.path.to_owned(),
            summary: text("summary"),
            description: text("description"),
            parameters,
            body,
            success,
            error,
        })
    }

    /// The distinct bodies a successful call can return, in a stable order.
    pub fn success_bodies(&self) -> Vec<&SuccessBody> {
        let mut bodies: Vec<&SuccessBody> = self.success.iter().flat_map(|s| &s.bodies).collect();
        bodies.sort();
        bodies.dedup();
        bodies
    }
}

fn success_bodies(content: Option<&serde_json::Map<String, Value>>) -> Result<Vec<SuccessBody>> {
    let Some(content) = content else {
        return Ok(vec![SuccessBody::Empty]);
    };
    let mut bodies = Vec::new();
    let mut binary = Vec::new();
    for (media, object) in content {
        let schema = object.get("schema").unwrap_or(&Value::Null);
        if is_json_media(media) {
            let name = schema_ref_name(schema)
                .context("a JSON response body must be a $ref to a named schema")?;
            bodies.push(SuccessBody::Json(name.to_owned()));
        } else if is_binary(schema) {
            binary.push(media.clone());
        } else {
            bail!("response media type `{media}` is neither JSON nor binary");
        }
    }
    if !binary.is_empty() {
        bodies.push(SuccessBody::Binary(binary));
    }
    Ok(bodies)
}

impl Body {
    /// The body the client sends, of the media type `spec::client_media` picks.
    fn new(
        doc: &Value,
        content: &serde_json::Map<String, Value>,
        required: bool,
        file_parts: &BTreeMap<String, Vec<FilePartPlan>>,
    ) -> Result<Self> {
        let (kind, media) = spec::client_media(content)?;
        let object = &content[media[0]];
        let schema = object.get("schema").unwrap_or(&Value::Null);
        if kind == RequestKind::Binary {
            if !required {
                bail!("a binary request body is the upload itself: mark it `required: true`");
            }
            return Ok(Self::Binary(BinaryBodyPlan {
                media_types: media.iter().map(|media| (*media).to_owned()).collect(),
                max_bytes: schema.get("x-max-bytes").and_then(Value::as_u64),
                content_types: content_types(schema),
                description: description(schema),
            }));
        }
        let name = schema_ref_name(schema)
            .context("a request body must be a $ref to a named schema")?
            .to_owned();
        Ok(match kind {
            RequestKind::Multipart => Self::Multipart {
                files: file_parts.get(&name).cloned().unwrap_or_default(),
                encodings: spec::form_field_encodings(doc, object)?,
                fields: name,
            },
            _ => Self::Json(name),
        })
    }
}

impl Parameter {
    fn new(doc: &Value, parameter: &Value) -> Result<Self> {
        let parameter = spec::resolve(doc, parameter)?;
        let name = parameter
            .get("name")
            .and_then(Value::as_str)
            .context("parameter name")?;
        let location = match parameter.get("in").and_then(Value::as_str) {
            Some("path") => ParameterLocation::Path,
            Some("query") => ParameterLocation::Query,
            other => bail!("parameter `{name}` in {other:?} is not supported by the emitter"),
        };
        let schema = parameter.get("schema").unwrap_or(&Value::Null);
        let rust_type = match schema_ref_name(schema) {
            Some(name) => format!("types::{name}"),
            None if schema.get("enum").is_some() => {
                bail!("parameter `{name}`: name its enum schema in components")
            }
            None => match schema.get("type").and_then(Value::as_str) {
                Some("string") => "::std::string::String".to_owned(),
                Some("integer") => "i64".to_owned(),
                Some("number") => "f64".to_owned(),
                Some("boolean") => "bool".to_owned(),
                other => bail!("parameter `{name}` has unsupported type {other:?}"),
            },
        };
        Ok(Self {
            name: name.to_owned(),
            location,
            required: parameter.get("required") == Some(&Value::Bool(true)),
            rust_type,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn operation(value: Value) -> Value {
        json!({"paths": {"/tts": {"post": value}}})
    }

    #[test]
    fn the_emitter_takes_multipart_audio_and_mixed_success_operations() {
        let cases = [
            (
                json!({"requestBody": {"content": {"multipart/form-data": {}}},
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/a"}}}}}}),
                true,
            ),
            (
                json!({"responses": {"200": {"content": {"audio/mpeg": {"schema": {"type": "string", "format": "binary"}}}}}}),
                true,
            ),
            (
                json!({"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/a"}}}},
                                  "202": {"content": {"application/json": {"schema": {"$ref": "#/b"}}}}}}),
                true,
            ),
            (
                json!({"requestBody": {"content": {"application/json": {}}},
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/a"}}}},
                                  "201": {"content": {"application/json": {"schema": {"$ref": "#/a"}}}},
                                  "400": {"content": {"application/json": {"schema": {"$ref": "#/e"}}}}}}),
                false,
            ),
        ];
        for (value, expected) in cases {
            let doc = operation(value);
            let operations = spec::operations(&doc);
            assert_eq!(needs_emitter(&operations[0]), expected, "{doc}");
        }
    }

    #[test]
    fn file_parts_leave_the_form_schema_with_their_limits() {
        let mut doc = json!({
            "paths": {"/clone": {"post": {"operationId": "clone_voice",
                "requestBody": {"content": {"multipart/form-data": {"schema": {"$ref": "#/components/schemas/Form"}}}}}}},
            "components": {"schemas": {"Form": {"type": "object", "required": ["voice", "title"], "properties": {
                "voice": {"type": "string", "format": "binary", "x-max-bytes": 20, "x-content-types": ["audio/wav"]},
                "title": {"type": "string"},
            }}}},
        });
        let parts = take_file_parts(&mut doc, &["clone_voice".to_owned()]).unwrap();
        assert_eq!(
            parts["Form"],
            [FilePartPlan {
                name: "voice".into(),
                required: true,
                max_bytes: Some(20),
                content_types: vec!["audio/wav".into()],
                description: None,
            }]
        );
        assert_eq!(
            doc["components"]["schemas"]["Form"],
            json!({"type": "object", "required": ["title"], "properties": {"title": {"type": "string"}}})
        );
    }

    #[test]
    fn a_binary_body_is_planned_inline_required_with_its_media_types_and_limits() {
        let plan = |body: Value| {
            let doc = json!({"paths": {"/upload": {"post": {"operationId": "upload_audio",
                "requestBody": body,
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Uploaded"}}}}}}}}});
            let operation = spec::operations(&doc)[0];
            EmittedOperation::new(&doc, &operation, &BTreeMap::new()).map(|o| o.body)
        };
        let audio = json!({"type": "string", "format": "binary", "description": "The file.",
                           "x-max-bytes": 10, "x-content-types": ["audio/mpeg"]});
        let body = plan(json!({"required": true, "content": {
            "audio/mpeg": {"schema": audio}, "audio/wav": {"schema": audio}}}))
        .unwrap();
        assert_eq!(
            body,
            Some(Body::Binary(BinaryBodyPlan {
                media_types: vec!["audio/mpeg".into(), "audio/wav".into()],
                max_bytes: Some(10),
                content_types: vec!["audio/mpeg".into()],
                description: Some("The file.".into()),
            }))
        );
        let optional = plan(json!({"content": {"application/octet-stream": {"schema": audio}}}));
        assert!(format!("{:#}", optional.unwrap_err()).contains("mark it `required: true`"));
        let named = plan(
            json!({"required": true, "content": {"application/octet-stream": {
            "schema": {"$ref": "#/components/schemas/Audio"}}}}),
        );
        assert!(format!("{:#}", named.unwrap_err()).contains("is not supported"));
    }

    #[test]
    fn removing_operations_drops_emptied_paths_only() {
        let mut doc = json!({"paths": {
            "/a": {"post": {"operationId": "x"}, "parameters": []},
            "/b": {"post": {"operationId": "y"}, "get": {"operationId": "z"}},
        }});
        remove(&mut doc, &["x".to_owned(), "y".to_owned()]);
        assert_eq!(doc, json!({"paths": {"/b": {"get": {"operationId": "z"}}}}));
    }

    #[test]
    fn status_keys_are_codes_or_ranges_and_default_is_refused() {
        assert_eq!(StatusKey::parse("202").unwrap(), StatusKey::Code(202));
        assert_eq!(StatusKey::parse("4XX").unwrap(), StatusKey::Range(4));
        assert!(StatusKey::parse("default").is_err());
    }
}
