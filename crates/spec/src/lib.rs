//! Loading a spec and walking its operations: the reading shared by the xtask (lint, generate) and
//! the conformance suite.
//!
//! Transforms and checks work on the document as JSON (`serde_json::Value`): they read vendor
//! extensions and rewrite schemas, which is simpler on plain JSON than on `openapiv3`'s typed model.
//! The typed model is only built for progenitor, from the transformed JSON.

#![warn(missing_docs)]

pub mod json_schema;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};

mod request;
pub use request::{FieldEncoding, RequestKind, client_media, form_field_encodings, request_kind};

/// The HTTP methods an OpenAPI path item can hold, in the order the spec lists them.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One provider's spec.
pub struct Spec {
    /// The provider name: the spec's file stem, also the crate directory (`crates/<provider>`).
    pub provider: String,
    /// The spec's path relative to the workspace root, for messages.
    pub path: PathBuf,
    /// The document, as JSON.
    pub doc: Value,
}

impl Spec {
    /// Reads `specs/<provider>.yaml` (`path` relative to `root`).
    pub fn load(root: &Path, path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(root.join(path))
            .with_context(|| format!("reading {}", path.display()))?;
        Self::parse(path, &text)
    }

    /// Parses the YAML `text` of the spec at `path` (the provider is the file stem).
    pub fn parse(path: &Path, text: &str) -> Result<Self> {
        let doc: Value =
            serde_norway::from_str(text).with_context(|| format!("parsing {}", path.display()))?;
        let provider = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .context("spec file name")?
            .to_owned();
        Ok(Self {
            provider,
            path: path.to_owned(),
            doc,
        })
    }

    /// Every operation, in the order the spec lists paths and methods.
    pub fn operations(&self) -> Vec<Operation<'_>> {
        operations(&self.doc)
    }

    /// Follows `$ref`s (local ones only) until a value that is not a reference.
    pub fn resolve<'a>(&'a self, value: &'a Value) -> Result<&'a Value> {
        resolve(&self.doc, value)
    }

    /// A schema with its `$ref`s followed and its `allOf` members merged in (see [`resolve_schema`]).
    pub fn resolve_schema(&self, schema: &Value) -> Result<Value> {
        resolve_schema(&self.doc, schema)
    }
}

/// Every `specs/*.yaml` below the workspace `root`, in name order.
pub fn load_all(root: &Path) -> Result<Vec<Spec>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join("specs"))
        .context("reading specs/")?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .filter_map(|path| path.strip_prefix(root).ok().map(Path::to_path_buf))
        .collect();
    paths.sort();
    paths.iter().map(|path| Spec::load(root, path)).collect()
}

/// How an API key is sent: in `header`, after `prefix` (`"Bearer "` for HTTP bearer auth).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credential {
    /// The header that carries the key.
    pub header: String,
    /// What goes before the key in the header's value (`"Bearer "`, or nothing).
    pub prefix: String,
}

/// The credential of the first security scheme that applies to `operation` (its own `security`,
/// else the document's); `None` when nothing is required.
pub fn credential(doc: &Value, operation: Option<&Operation>) -> Result<Option<Credential>> {
    let requirements = operation
        .and_then(|operation| operation.value.get("security"))
        .or_else(|| doc.get("security"))
        .and_then(Value::as_array);
    let Some(scheme) = requirements
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|requirement| requirement.keys())
        .next()
    else {
        return Ok(None);
    };
    let definition = doc
        .pointer(&format!("/components/securitySchemes/{scheme}"))
        .with_context(|| format!("security scheme `{scheme}` is not defined"))?;
    let field = |key: &str| {
        definition
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let (header, prefix) = match (field("type"), field("in"), field("scheme")) {
        ("apiKey", "header", _) => (field("name"), ""),
        ("http", _, bearer) if bearer.eq_ignore_ascii_case("bearer") => {
            ("Authorization", "Bearer ")
        }
        other => bail!("security scheme `{scheme}` {other:?} is not supported"),
    };
    Ok(Some(Credential {
        header: header.to_owned(),
        prefix: prefix.to_owned(),
    }))
}

/// The credentials an operation accepts, as OpenAPI states them: one entry per alternative
/// (its own `security`, else the document's), each the schemes that must all be present, by name
/// with their `components.securitySchemes` definition. No alternative, or an empty one, means the
/// operation needs no credential.
pub fn security_alternatives<'a>(
    doc: &'a Value,
    operation: &Operation<'a>,
) -> Result<Vec<Vec<(&'a str, &'a Value)>>> {
    let requirements = operation
        .value
        .get("security")
        .or_else(|| doc.get("security"))
        .and_then(Value::as_array);
    requirements
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .map(|requirement| {
            requirement
                .keys()
                .map(|scheme| {
                    let definition = doc
                        .pointer(&format!("/components/securitySchemes/{scheme}"))
                        .with_context(|| format!("security scheme `{scheme}` is not defined"))?;
                    Ok((scheme.as_str(), resolve(doc, definition)?))
                })
                .collect()
        })
        .collect()
}

/// The path of the document's first server URL (`https://api.example.com/v2` gives `/v2`), its
/// variables replaced by their defaults; empty when the API sits at the host's root.
pub fn base_path(doc: &Value) -> String {
    let Some(server) = doc.pointer("/servers/0") else {
        return String::new();
    };
    let mut url = server
        .get("url")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    for (name, variable) in server
        .get("variables")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let default = variable.get("default").and_then(Value::as_str);
        url = url.replace(&format!("{{{name}}}"), default.unwrap_or_default());
    }
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |start| &rest[start..]),
        None => url.as_str(),
    };
    path.trim_end_matches('/').to_owned()
}

/// All operations of a document, in path then method order.
pub fn operations(doc: &Value) -> Vec<Operation<'_>> {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS.iter().filter_map(move |method| {
                item.get(*method).map(|value| Operation {
                    path,
                    method,
                    value,
                    path_parameters: item.get("parameters"),
                })
            })
        })
        .collect()
}

/// Follows local `$ref`s until a value that is not a reference.
pub fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> Result<&'a Value> {
    for _ in 0..32 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return Ok(value);
        };
        let pointer = reference
            .strip_prefix('#')
            .with_context(|| format!("only local references are supported: {reference}"))?;
        value = doc
            .pointer(pointer)
            .with_context(|| format!("unresolved reference {reference}"))?;
    }
    bail!("reference cycle")
}

/// A schema with its `$ref`s followed and every `allOf` member (references followed, nested
/// `allOf`s merged the same way) merged into one schema: what a value of it must have. The
/// schema's own keywords win over its members' (a `description` or `nullable: true` next to
/// `allOf: [$ref]`, how a nullable reference is written); `properties` and `required` are the union
/// of all of them. So wrapping a schema in `allOf: [$ref]`, or splitting its properties over
/// several `allOf` members, does not change what a reader of the result sees.
pub fn resolve_schema(doc: &Value, schema: &Value) -> Result<Value> {
    merged(doc, schema, 0)
}

fn merged(doc: &Value, schema: &Value, depth: usize) -> Result<Value> {
    if depth > 32 {
        bail!("`allOf` nested too deep (a reference cycle?)");
    }
    let schema = resolve(doc, schema)?;
    let (Some(members), Value::Object(own)) =
        (schema.get("allOf").and_then(Value::as_array), schema)
    else {
        return Ok(schema.clone());
    };
    let mut out = own.clone();
    out.remove("allOf");
    for member in members {
        let Value::Object(member) = merged(doc, member, depth + 1)? else {
            continue;
        };
        for (key, value) in member {
            match (key.as_str(), out.get_mut(&key), value) {
                ("properties", Some(Value::Object(properties)), Value::Object(more)) => {
                    for (name, property) in more {
                        properties.entry(name).or_insert(property);
                    }
                }
                ("required", Some(Value::Array(required)), Value::Array(more)) => {
                    for name in more {
                        if !required.contains(&name) {
                            required.push(name);
                        }
                    }
                }
                (_, Some(_), _) => {}
                (_, None, value) => {
                    out.insert(key, value);
                }
            }
        }
    }
    Ok(Value::Object(out))
}

/// The request fields the client sends with their `default` when the caller sets none: the
/// properties of a request body `schema` (references followed) marked `x-send-default: true`, in
/// the schema's order.
pub fn sent_defaults(doc: &Value, schema: &Value) -> Result<Vec<(String, Value)>> {
    let schema = resolve(doc, schema)?;
    let properties = schema.get("properties").and_then(Value::as_object);
    Ok(properties
        .into_iter()
        .flatten()
        .filter(|(_, property)| property.get("x-send-default") == Some(&Value::Bool(true)))
        .filter_map(|(name, property)| Some((name.clone(), property.get("default")?.clone())))
        .collect())
}

/// The component name a `#/components/schemas/<name>` reference points to.
pub fn schema_ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| reference.strip_prefix("#/components/schemas/"))
}

/// One operation of a spec.
#[derive(Clone, Copy)]
pub struct Operation<'a> {
    /// The path template (`/tts/{speechId}`).
    pub path: &'a str,
    /// The HTTP method, lower case as OpenAPI writes it (`post`).
    pub method: &'a str,
    /// The operation object.
    pub value: &'a Value,
    path_parameters: Option<&'a Value>,
}

impl<'a> Operation<'a> {
    /// The `operationId`: the generated client's method name.
    pub fn id(&self) -> Option<&'a str> {
        self.value.get("operationId").and_then(Value::as_str)
    }

    /// How messages name the operation: `POST /tts (submit_tts)`.
    pub fn label(&self) -> String {
        let method = self.method.to_uppercase();
        match self.id() {
            Some(id) => format!("{method} {} ({id})", self.path),
            None => format!("{method} {}", self.path),
        }
    }

    /// Path-level and operation-level parameters, unresolved.
    pub fn parameters(&self) -> impl Iterator<Item = &'a Value> {
        let list = |value: Option<&'a Value>| {
            value
                .and_then(Value::as_array)
                .map(|list| list.iter())
                .into_iter()
                .flatten()
        };
        list(self.path_parameters).chain(list(self.value.get("parameters")))
    }

    /// The request body's media types and their media type objects.
    pub fn request_content(&self) -> Option<&'a Map<String, Value>> {
        self.value
            .get("requestBody")
            .and_then(|body| body.get("content"))
            .and_then(Value::as_object)
    }

    /// `(status, response)` pairs in the order the spec lists them.
    pub fn responses(&self) -> impl Iterator<Item = (&'a str, &'a Value)> {
        self.value
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(status, response)| (status.as_str(), response))
    }
}

/// Whether a status key (`200`, `2XX`, `404`, `4XX`) is a success.
pub fn is_success(status: &str) -> bool {
    status.starts_with('2')
}

/// Whether a media type carries JSON.
pub fn is_json_media(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// Whether a schema is a binary payload (`type: string, format: binary`).
pub fn is_binary(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string")
        && schema.get("format").and_then(Value::as_str) == Some("binary")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_resolve_through_chains_and_report_missing_targets() {
        let doc = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"type": "string"},
        }}});
        let start = json!({"$ref": "#/components/schemas/A"});
        assert_eq!(resolve(&doc, &start).unwrap(), &json!({"type": "string"}));
        let missing = json!({"$ref": "#/components/schemas/C"});
        assert!(
            resolve(&doc, &missing)
                .unwrap_err()
                .to_string()
                .contains("unresolved")
        );
    }

    #[test]
    fn all_of_members_merge_through_references_and_nesting() {
        let doc = json!({"components": {"schemas": {
            "Status": {"type": "string", "enum": ["A", "B"]},
            "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
            "Wrapped": {"allOf": [{"$ref": "#/components/schemas/Base"}]},
        }}});
        let nullable = json!({"allOf": [{"$ref": "#/components/schemas/Status"}], "nullable": true, "description": "Own."});
        assert_eq!(
            resolve_schema(&doc, &nullable).unwrap(),
            json!({"nullable": true, "description": "Own.", "type": "string", "enum": ["A", "B"]})
        );
        let split = json!({"allOf": [
            {"allOf": [{"$ref": "#/components/schemas/Wrapped"}]},
            {"required": ["status"], "properties": {"status": {"$ref": "#/components/schemas/Status"}}},
        ]});
        assert_eq!(
            resolve_schema(&doc, &split).unwrap(),
            json!({"type": "object", "required": ["id", "status"], "properties": {
                "id": {"type": "string"},
                "status": {"$ref": "#/components/schemas/Status"},
            }})
        );
    }

    #[test]
    fn sent_defaults_are_the_marked_properties_with_a_default() {
        let doc = json!({"components": {"schemas": {"Form": {"properties": {
            "question": {"type": "string", "default": "Transcribe", "x-send-default": true},
            "speed": {"type": "number", "default": 1},
            "format": {"type": "string", "default": "mp3", "x-send-default": false},
        }}}}});
        let form = json!({"$ref": "#/components/schemas/Form"});
        assert_eq!(
            sent_defaults(&doc, &form).unwrap(),
            [("question".to_owned(), json!("Transcribe"))]
        );
    }

    #[test]
    fn security_alternatives_list_each_requirement_with_its_schemes() {
        let doc = json!({
            "security": [{"key": []}, {"bearer": []}],
            "components": {"securitySchemes": {
                "key": {"type": "apiKey", "in": "header", "name": "x-api-key"},
                "bearer": {"type": "http", "scheme": "bearer"},
            }},
            "paths": {"/a": {"get": {}, "post": {"security": []}}},
        });
        let operations = operations(&doc);
        let get = security_alternatives(&doc, &operations[0]).unwrap();
        let names: Vec<Vec<&str>> = get
            .iter()
            .map(|all| all.iter().map(|(name, _)| *name).collect())
            .collect();
        assert_eq!(names, [["key"], ["bearer"]]);
        assert_eq!(get[0][0].1["name"], "x-api-key");
        assert!(
            security_alternatives(&doc, &operations[1])
                .unwrap()
                .is_empty()
        );
        let undefined = json!({"security": [{"missing": []}], "paths": {"/a": {"get": {}}}});
        let error = security_alternatives(&undefined, &super::operations(&undefined)[0]);
        assert!(error.unwrap_err().to_string().contains("missing"));
    }

    #[test]
    fn the_base_path_is_the_first_server_path() {
        let base = |servers| base_path(&json!({ "servers": servers }));
        assert_eq!(base(json!([{"url": "https://api.example.com/v2/"}])), "/v2");
        assert_eq!(base(json!([{"url": "https://api.example.com"}])), "");
        assert_eq!(base(json!([{"url": "/api"}])), "/api");
        assert_eq!(
            base(json!([{"url": "https://{host}/{version}", "variables": {
                "host": {"default": "example.com"}, "version": {"default": "v1"}}}])),
            "/v1"
        );
        assert_eq!(base_path(&json!({})), "");
    }

    #[test]
    fn operations_come_in_path_then_method_order_with_path_level_parameters() {
        let doc = json!({"paths": {
            "/a": {"post": {"operationId": "make"}, "get": {"operationId": "read"},
                   "parameters": [{"name": "id", "in": "path"}]},
        }});
        let operations = operations(&doc);
        let ids: Vec<_> = operations.iter().map(|op| op.id().unwrap()).collect();
        assert_eq!(ids, ["read", "make"]);
        assert_eq!(operations[0].parameters().count(), 1);
        assert_eq!(operations[1].label(), "POST /a (make)");
    }
}
