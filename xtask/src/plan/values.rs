//! Value types the xtask emits instead of typify's: open enums for responses, bounded numbers and
//! byte-limited text for requests.
//!
//! typify makes every enum strict (a new job status would fail the whole response) and ignores
//! `minimum`/`maximum` and byte limits (a bad speed would be sent). Each schema that needs one of
//! these is given a name (hoisted into `components.schemas` if it was inline) so progenitor can be
//! told to use the emitted type in its place.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, bail};
use heck::ToUpperCamelCase;
use serde_json::{Map, Value, json};

use crate::spec::{self, schema_ref_name};

/// A named schema emitted through one of `speech-client-runtime`'s macros.
#[derive(Debug, PartialEq)]
pub struct ValueType {
    /// The type (and component) name.
    pub name: String,
    /// The property or parameter the value sits in, for error messages.
    pub field: String,
    pub description: Option<String>,
    pub kind: ValueKind,
}

#[derive(Debug, PartialEq)]
pub enum ValueKind {
    /// A response-side string enum: the documented values plus `Unknown(String)`.
    OpenEnum(Vec<String>),
    /// A request-side number with a `minimum` and/or `maximum`.
    Number {
        integer: bool,
        min: Option<f64>,
        max: Option<f64>,
    },
    /// A request-side string with a length limit: `minLength`, `maxLength` and/or `x-max-bytes`
    /// (typify would check the character limits with messages of its own; one type for all of them
    /// makes every length check read the same).
    Text {
        min_chars: Option<u64>,
        max_chars: Option<u64>,
        max_bytes: Option<u64>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Side {
    Request,
    Response,
}

/// Finds every schema that needs an emitted value type, hoists the inline ones into components and
/// returns them in a stable order (by name).
pub fn hoist(doc: &mut Value) -> Result<Vec<ValueType>> {
    let sides = component_sides(doc)?;
    let mut out = Hoisted::default();

    let names: Vec<String> = components(doc)
        .map(|c| c.keys().cloned().collect())
        .unwrap_or_default();
    for name in names {
        let schema = &mut doc["components"]["schemas"][&name];
        match sides.get(&name).copied().unwrap_or_default() {
            (true, false) => visit(schema, Side::Request, &name, &name, true, &mut out)?,
            (false, true) => visit(schema, Side::Response, &name, &name, true, &mut out)?,
            (true, true) => {
                if let Some(path) = find_value_node(schema) {
                    bail!(
                        "schema `{name}` is used in requests and in responses and holds an enum \
                         or a limit at `{path}`: split it into a request schema and a response schema"
                    );
                }
            }
            (false, false) => {}
        }
    }

    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return out.finish(doc);
    };
    for item in paths.values_mut() {
        for (method, operation) in item.as_object_mut().into_iter().flatten() {
            let Some(id) = operation
                .get("operationId")
                .and_then(Value::as_str)
                .map(str::to_owned)
            else {
                continue;
            };
            let parameters = operation
                .get_mut("parameters")
                .and_then(Value::as_array_mut);
            for parameter in parameters.into_iter().flatten() {
                let name = parameter
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                let stem = format!("{}{}", id.to_upper_camel_case(), name.to_upper_camel_case());
                if let Some(schema) = parameter.get_mut("schema") {
                    visit(schema, Side::Request, &stem, &name, false, &mut out)
                        .with_context(|| format!("{method} operation {id}"))?;
                }
            }
        }
    }
    out.finish(doc)
}

#[derive(Default)]
struct Hoisted {
    values: Vec<ValueType>,
    components: Vec<(String, Value)>,
}

impl Hoisted {
    fn finish(mut self, doc: &mut Value) -> Result<Vec<ValueType>> {
        let schemas = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
            .context("the spec has no components.schemas")?;
        for (name, schema) in self.components {
            if schemas.insert(name.clone(), schema).is_some() {
                bail!(
                    "hoisting an inline schema as `{name}` would replace the component of that name"
                );
            }
        }
        self.values.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(self.values)
    }
}

fn components(doc: &Value) -> Option<&Map<String, Value>> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
}

/// Walks one schema; a node that needs a value type is recorded (and, unless it is the component
/// itself, replaced by a reference to a new component named `stem`).
fn visit(
    node: &mut Value,
    side: Side,
    stem: &str,
    field: &str,
    top: bool,
    out: &mut Hoisted,
) -> Result<()> {
    if node.get("$ref").is_some() {
        return Ok(());
    }
    if side == Side::Request {
        move_default_to_description(node);
    }
    if let Some(kind) = value_kind(node, side).with_context(|| format!("schema at `{stem}`"))? {
        out.values.push(ValueType {
            name: stem.to_owned(),
            field: field.to_owned(),
            description: node
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_owned),
            kind,
        });
        if !top {
            let nullable = node.get("nullable") == Some(&Value::Bool(true));
            let reference = json!({"$ref": format!("#/components/schemas/{stem}")});
            let replacement = if nullable {
                json!({"allOf": [reference], "nullable": true})
            } else {
                reference
            };
            out.components
                .push((stem.to_owned(), std::mem::replace(node, replacement)));
        }
        return Ok(());
    }
    if let Some(properties) = node.get_mut("properties").and_then(Value::as_object_mut) {
        for (property, child) in properties.iter_mut() {
            let child_stem = format!("{stem}{}", property.to_upper_camel_case());
            visit(child, side, &child_stem, property, false, out)?;
        }
    }
    if let Some(items) = node.get_mut("items") {
        visit(items, side, &format!("{stem}Item"), field, false, out)?;
    }
    if let Some(values) = node
        .get_mut("additionalProperties")
        .filter(|v| v.is_object())
    {
        visit(values, side, &format!("{stem}Value"), field, false, out)?;
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        let members = node.get_mut(key).and_then(Value::as_array_mut);
        for (index, member) in members.into_iter().flatten().enumerate() {
            visit(
                member,
                side,
                &format!("{stem}Variant{index}"),
                field,
                false,
                out,
            )?;
        }
    }
    Ok(())
}

/// A request field's `default` is what the provider assumes when the field is absent; typify would
/// instead make the field non-optional and always send the default (for example a speed sent to a
/// model that does not support speed). Keep the default as documentation only, unless the spec
/// marks it `x-send-default: true` (a document that calls a field required and gives it a default):
/// then typify's behaviour is the one wanted, and the client sends the default when the caller sets
/// no value.
fn move_default_to_description(node: &mut Value) {
    let Some(object) = node.as_object_mut() else {
        return;
    };
    let sent = object.get("x-send-default") == Some(&Value::Bool(true));
    let Some(default) = (if sent {
        object.get("default").cloned()
    } else {
        object.remove("default")
    }) else {
        return;
    };
    let note = if sent {
        format!("Default (sent by the client when no value is set): `{default}`.")
    } else {
        format!("Default (applied by the provider when absent): `{default}`.")
    };
    let description = match object.get("description").and_then(Value::as_str) {
        Some(text) => format!("{}\n\n{note}", text.trim_end()),
        None => note,
    };
    object.insert("description".into(), Value::String(description));
}

/// Which emitted value type a schema node needs on the given side, if any.
fn value_kind(node: &Value, side: Side) -> Result<Option<ValueKind>> {
    let kind = node.get("type").and_then(Value::as_str);
    match side {
        Side::Response => {
            let Some(values) = node.get("enum").and_then(Value::as_array) else {
                return Ok(None);
            };
            if kind.is_some_and(|kind| kind != "string") {
                return Ok(None);
            }
            let values = values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            Ok(Some(ValueKind::OpenEnum(values)))
        }
        Side::Request => match kind {
            Some(kind @ ("number" | "integer")) => {
                for exclusive in ["exclusiveMinimum", "exclusiveMaximum"] {
                    if node.get(exclusive) == Some(&Value::Bool(true)) {
                        bail!("`{exclusive}` is not supported; state the inclusive bound");
                    }
                }
                let min = node.get("minimum").and_then(Value::as_f64);
                let max = node.get("maximum").and_then(Value::as_f64);
                Ok(
                    (min.is_some() || max.is_some()).then_some(ValueKind::Number {
                        integer: kind == "integer",
                        min,
                        max,
                    }),
                )
            }
            Some("string") if !spec::is_binary(node) => {
                let [min_chars, max_chars, max_bytes] = ["minLength", "maxLength", "x-max-bytes"]
                    .map(|key| node.get(key).and_then(Value::as_u64));
                if node.get("pattern").is_some() || node.get("enum").is_some() {
                    if max_bytes.is_some() {
                        bail!("`x-max-bytes` cannot be combined with `pattern` or `enum`");
                    }
                    return Ok(None);
                }
                Ok(
                    (min_chars.is_some() || max_chars.is_some() || max_bytes.is_some()).then_some(
                        ValueKind::Text {
                            min_chars,
                            max_chars,
                            max_bytes,
                        },
                    ),
                )
            }
            _ => Ok(None),
        },
    }
}

/// The first node of a schema (not crossing references) that needs a value type on either side.
fn find_value_node(schema: &Value) -> Option<String> {
    let mut found = None;
    walk(schema, "", &mut |node, path| {
        let needs = [Side::Request, Side::Response]
            .into_iter()
            .any(|side| matches!(value_kind(node, side), Ok(Some(_)) | Err(_)));
        if needs && found.is_none() {
            found = Some(if path.is_empty() {
                "/".to_owned()
            } else {
                path.to_owned()
            });
        }
    });
    found
}

/// Calls `f` on every schema node below `schema` (inclusive), without following references.
pub fn walk(schema: &Value, path: &str, f: &mut dyn FnMut(&Value, &str)) {
    f(schema, path);
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, child) in properties {
            walk(child, &format!("{path}/properties/{name}"), f);
        }
    }
    if let Some(items) = schema.get("items") {
        walk(items, &format!("{path}/items"), f);
    }
    if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object()) {
        walk(values, &format!("{path}/additionalProperties"), f);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for (index, member) in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            walk(member, &format!("{path}/{key}/{index}"), f);
        }
    }
}

/// For each component schema: whether requests reach it, and whether responses do.
pub fn component_sides(doc: &Value) -> Result<BTreeMap<String, (bool, bool)>> {
    let mut request_roots = Vec::new();
    let mut response_roots = Vec::new();
    for operation in spec::operations(doc) {
        for parameter in operation.parameters() {
            let parameter = spec::resolve(doc, parameter)?;
            request_roots.extend(parameter.get("schema"));
        }
        for media in operation
            .request_content()
            .into_iter()
            .flat_map(|c| c.values())
        {
            request_roots.extend(media.get("schema"));
        }
        for (_, response) in operation.responses() {
            let response = spec::resolve(doc, response)?;
            let content = response.get("content").and_then(Value::as_object);
            for media in content.into_iter().flat_map(|c| c.values()) {
                response_roots.extend(media.get("schema"));
            }
        }
    }
    let requests = reachable(doc, &request_roots);
    let responses = reachable(doc, &response_roots);
    Ok(components(doc)
        .into_iter()
        .flat_map(|c| c.keys())
        .map(|name| {
            (
                name.clone(),
                (requests.contains(name), responses.contains(name)),
            )
        })
        .collect())
}

/// The component names reachable from `roots` through references.
fn reachable(doc: &Value, roots: &[&Value]) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut pending: Vec<&Value> = roots.to_vec();
    while let Some(schema) = pending.pop() {
        walk(schema, "", &mut |node, _| {
            if let Some(name) = schema_ref_name(node)
                && seen.insert(name.to_owned())
                && let Some(target) = components(doc).and_then(|c| c.get(name))
            {
                pending.push(target);
            }
        });
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(schemas: Value, request: &str, response: &str) -> Value {
        json!({
            "paths": {"/x": {"post": {
                "operationId": "make_thing",
                "parameters": [{"name": "limit", "in": "query",
                                "schema": {"type": "integer", "minimum": 1, "maximum": 100}}],
                "requestBody": {"content": {"application/json": {
                    "schema": {"$ref": format!("#/components/schemas/{request}")}}}},
                "responses": {"200": {"content": {"application/json": {
                    "schema": {"$ref": format!("#/components/schemas/{response}")}}}}},
            }}},
            "components": {"schemas": schemas},
        })
    }

    #[test]
    fn response_enums_and_request_limits_are_hoisted_and_named_by_their_place() {
        let mut doc = doc(
            json!({
                "Req": {"type": "object", "properties": {
                    "speed": {"type": "number", "minimum": 0.1, "maximum": 5, "description": "Speed."},
                    "text": {"type": "string", "maxLength": 5000, "x-max-bytes": 5000},
                    "prompt": {"type": "string", "minLength": 1},
                    "code": {"type": "string", "minLength": 2, "pattern": "^[a-z]+$"},
                    "format": {"type": "string", "enum": ["mp3", "wav"], "default": "mp3"},
                    "question": {"type": "string", "default": "Transcribe", "x-send-default": true},
                }},
                "Job": {"type": "object", "properties": {
                    "status": {"type": "string", "enum": ["PENDING", "DONE"], "nullable": true},
                    "speed": {"type": "number", "minimum": 0},
                }},
                "Model": {"type": "string", "enum": ["a", "b"]},
            }),
            "Req",
            "Job",
        );
        doc["components"]["schemas"]["Job"]["properties"]["model"] =
            json!({"$ref": "#/components/schemas/Model"});
        let values = hoist(&mut doc).unwrap();
        let names: Vec<_> = values.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "JobStatus",
                "MakeThingLimit",
                "Model",
                "ReqPrompt",
                "ReqSpeed",
                "ReqText"
            ]
        );
        assert_eq!(
            values[0].kind,
            ValueKind::OpenEnum(vec!["PENDING".into(), "DONE".into()])
        );
        assert_eq!(
            values[3].kind,
            ValueKind::Text {
                min_chars: Some(1),
                max_chars: None,
                max_bytes: None
            }
        );
        assert_eq!(values[4].field, "speed");
        assert_eq!(values[4].description.as_deref(), Some("Speed."));
        assert_eq!(
            values[5].kind,
            ValueKind::Text {
                min_chars: None,
                max_chars: Some(5000),
                max_bytes: Some(5000)
            }
        );
        // A nullable inline enum keeps its nullability next to the new reference.
        assert_eq!(
            doc["components"]["schemas"]["Job"]["properties"]["status"],
            json!({"allOf": [{"$ref": "#/components/schemas/JobStatus"}], "nullable": true})
        );
        // A request default is documentation only: the provider applies it, the client does not send it.
        let format = &doc["components"]["schemas"]["Req"]["properties"]["format"];
        assert!(format.get("default").is_none());
        assert_eq!(
            format["description"],
            "Default (applied by the provider when absent): `\"mp3\"`."
        );
        // ... unless the spec says the client sends it.
        let question = &doc["components"]["schemas"]["Req"]["properties"]["question"];
        assert_eq!(question["default"], "Transcribe");
        assert_eq!(
            question["description"],
            "Default (sent by the client when no value is set): `\"Transcribe\"`."
        );
        // Request enums stay with typify (strict); a response-side number range is not a request limit.
        assert_eq!(
            doc["components"]["schemas"]["Req"]["properties"]["format"]["enum"],
            json!(["mp3", "wav"])
        );
        assert!(
            doc["components"]["schemas"]["Job"]["properties"]["speed"]
                .get("minimum")
                .is_some()
        );
        assert_eq!(
            doc["paths"]["/x"]["post"]["parameters"][0]["schema"],
            json!({"$ref": "#/components/schemas/MakeThingLimit"})
        );
    }

    #[test]
    fn a_schema_with_an_enum_on_both_sides_must_be_split() {
        let mut doc = doc(
            json!({"Both": {"type": "object", "properties": {"status": {"type": "string", "enum": ["A"]}}}}),
            "Both",
            "Both",
        );
        let error = hoist(&mut doc).unwrap_err().to_string();
        assert!(
            error.contains("`Both`") && error.contains("/properties/status"),
            "{error}"
        );
    }
}
