//! A spec's schema objects as JSON Schema, checked with the `jsonschema` crate.
//!
//! OpenAPI 3.0 schemas are a dialect of JSON Schema draft 4 (`exclusiveMinimum: true`, `$ref`
//! siblings ignored), so draft 4 is the validator's dialect; what OpenAPI and the specs add is
//! converted here, in one place:
//! - `nullable: true` becomes an explicit `null` alternative;
//! - `x-max-bytes: N` on a text is a keyword of its own: at most `N` bytes of UTF-8 (a file part,
//!   `format: binary`, is not text: its bytes are the caller's to count);
//! - `x-max-length-by-model: {<model>: N}` on a property becomes the standard construct "the
//!   sibling `model` is not M, or the property is at most N characters long", one per model (a
//!   request without `model` has the `model` property's `default`).
//!
//! References (`#/components/schemas/X`) resolve inside a root document that carries the converted
//! components.

use anyhow::{Result, anyhow};
use jsonschema::paths::Location;
use jsonschema::{Keyword, ValidationError, Validator};
use serde_json::{Map, Value, json};

/// Validators for the schemas of one document.
pub struct SchemaSet {
    /// `components.schemas`, converted; referenced from each compiled schema.
    components: Value,
}

impl SchemaSet {
    /// The validators of `doc`'s `components.schemas`, each able to follow `$ref`s to the others.
    pub fn new(doc: &Value) -> Self {
        let schemas = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| {
                schemas
                    .iter()
                    .map(|(name, schema)| (name.clone(), convert(schema)))
                    .collect::<Map<_, _>>()
            })
            .unwrap_or_default();
        Self {
            components: json!({"schemas": schemas}),
        }
    }

    /// A validator for one schema object of the document (a `$ref` or an inline schema).
    pub fn compile(&self, schema: &Value) -> Result<Validator> {
        let root = json!({"components": self.components, "allOf": [convert(schema)]});
        jsonschema::draft4::options()
            .with_keyword("x-max-bytes", max_bytes)
            .build(&root)
            .map_err(|e| anyhow!("invalid schema: {e}"))
    }

    /// The validation errors of `value` against `schema` (empty when valid), each as
    /// `<path in the value>: <message>`.
    pub fn errors(&self, schema: &Value, value: &Value) -> Result<Vec<String>> {
        Ok(errors(&self.compile(schema)?, value))
    }
}

/// The errors of `value` against a compiled validator, each as `<path in the value>: <message>`
/// (the path `/` for the value itself).
pub fn errors(validator: &Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|error| {
            let path = error.instance_path().to_string();
            let path = if path.is_empty() { "/".into() } else { path };
            format!("{path}: {error}")
        })
        .collect()
}

/// Converts an OpenAPI 3.0 schema object to JSON Schema (see the module documentation).
pub fn convert(schema: &Value) -> Value {
    let Some(object) = schema.as_object() else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in object {
        let converted = match key.as_str() {
            "properties" => Value::Object(
                value
                    .as_object()
                    .map(|properties| {
                        properties
                            .iter()
                            .map(|(k, v)| (k.clone(), convert(v)))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            "items" | "additionalProperties" | "not" => convert(value),
            "allOf" | "anyOf" | "oneOf" => Value::Array(
                value
                    .as_array()
                    .map(|list| list.iter().map(convert).collect())
                    .unwrap_or_default(),
            ),
            "nullable" | "example" | "examples" | "discriminator" | "x-max-length-by-model" => {
                continue;
            }
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    let by_model = lengths_by_model(object);
    if !by_model.is_empty() {
        let mut all = out
            .remove("allOf")
            .and_then(|all| all.as_array().cloned())
            .unwrap_or_default();
        all.extend(by_model);
        out.insert("allOf".into(), Value::Array(all));
    }
    if object.get("nullable") != Some(&Value::Bool(true)) {
        return Value::Object(out);
    }
    match out.get("type").cloned() {
        Some(Value::String(kind)) => {
            out.insert("type".into(), json!([kind, "null"]));
            if let Some(Value::Array(values)) = out.get_mut("enum") {
                values.push(Value::Null);
            }
            Value::Object(out)
        }
        _ => json!({"anyOf": [Value::Object(out), {"type": "null"}]}),
    }
}

/// For an object schema, one alternative per `x-max-length-by-model` entry of its properties:
/// another model, or the property within that model's length. A request that names no model gets
/// the `model` property's `default`, so the default model's limit holds for it too.
fn lengths_by_model(object: &Map<String, Value>) -> Vec<Value> {
    let properties = object.get("properties").and_then(Value::as_object);
    let default_model = properties
        .and_then(|properties| properties.get("model"))
        .and_then(|model| model.get("default"));
    properties
        .into_iter()
        .flatten()
        .filter_map(|(name, property)| {
            Some((name, property.get("x-max-length-by-model")?.as_object()?))
        })
        .flat_map(|(name, limits)| {
            limits.iter().map(move |(model, limit)| {
                let another_model = if default_model.and_then(Value::as_str) == Some(model) {
                    json!({"required": ["model"], "properties": {"model": {"not": {"enum": [model]}}}})
                } else {
                    json!({"not": {"required": ["model"], "properties": {"model": {"enum": [model]}}}})
                };
                json!({"anyOf": [another_model, {"properties": {name: {"maxLength": limit}}}]})
            })
        })
        .collect()
}

/// The `x-max-bytes` keyword: a text of at most N bytes of UTF-8.
fn max_bytes<'a>(
    parent: &'a Map<String, Value>,
    value: &'a Value,
    _: Location,
) -> Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>> {
    let limit = value
        .as_u64()
        .ok_or_else(|| ValidationError::schema("`x-max-bytes` must be a whole number"))?;
    let binary = parent.get("format").and_then(Value::as_str) == Some("binary");
    Ok(Box::new(MaxBytes {
        limit: if binary { None } else { Some(limit) },
    }))
}

/// `limit` is `None` on a file part, whose size is checked where its bytes are.
struct MaxBytes {
    limit: Option<u64>,
}

impl<'i> Keyword<'i> for MaxBytes {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        match (self.limit, instance.as_str()) {
            (Some(limit), Some(text)) if text.len() as u64 > limit => Err(ValidationError::custom(
                format!("is {} bytes of UTF-8, more than {limit}", text.len()),
            )),
            _ => Ok(()),
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        self.validate(instance).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> SchemaSet {
        SchemaSet::new(&json!({"components": {"schemas": {
            "Status": {"type": "string", "enum": ["PENDING", "DONE"]},
            "Job": {"type": "object", "required": ["status"], "properties": {
                "status": {"$ref": "#/components/schemas/Status"},
                "url": {"type": "string", "nullable": true},
                "error": {"allOf": [{"$ref": "#/components/schemas/Status"}], "nullable": true},
            }},
        }}}))
    }

    #[test]
    fn nullable_fields_accept_null_and_references_resolve() {
        let schema = json!({"$ref": "#/components/schemas/Job"});
        let valid = json!({"status": "DONE", "url": null, "error": null, "extra": 1});
        assert!(set().errors(&schema, &valid).unwrap().is_empty());
    }

    #[test]
    fn errors_name_the_path_in_the_value() {
        let schema = json!({"$ref": "#/components/schemas/Job"});
        let errors = set()
            .errors(&schema, &json!({"status": "LOST", "url": 3}))
            .unwrap();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors.iter().any(|e| e.starts_with("/status:")),
            "{errors:?}"
        );
        assert!(errors.iter().any(|e| e.starts_with("/url:")), "{errors:?}");
        let missing = set().errors(&schema, &json!({})).unwrap();
        assert!(missing[0].contains("status"), "{missing:?}");
    }

    #[test]
    fn conversion_makes_null_explicit() {
        assert_eq!(
            convert(&json!({"type": "string", "enum": ["a"], "nullable": true, "example": "a"})),
            json!({"type": ["string", "null"], "enum": ["a", null]})
        );
        assert_eq!(
            convert(&json!({"allOf": [{"$ref": "#/x"}], "nullable": true})),
            json!({"anyOf": [{"allOf": [{"$ref": "#/x"}]}, {"type": "null"}]})
        );
    }

    #[test]
    fn draft_four_bounds_are_exclusive_when_marked() {
        let schema = json!({"type": "number", "minimum": 0, "exclusiveMinimum": true});
        assert!(!set().errors(&schema, &json!(0)).unwrap().is_empty());
        assert!(set().errors(&schema, &json!(0.1)).unwrap().is_empty());
    }

    #[test]
    fn byte_limits_count_utf8_bytes_and_skip_file_parts() {
        let text = json!({"type": "string", "maxLength": 10, "x-max-bytes": 4});
        assert!(set().errors(&text, &json!("abcd")).unwrap().is_empty());
        let errors = set().errors(&text, &json!("äbcd")).unwrap();
        assert!(errors[0].contains("5 bytes"), "{errors:?}");
        let file = json!({"type": "string", "format": "binary", "x-max-bytes": 1});
        assert!(
            set()
                .errors(&file, &json!("upload.mp3"))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn lengths_by_model_apply_to_the_named_model_only() {
        let schema = json!({"type": "object", "properties": {
            "model": {"type": "string"},
            "text": {"type": "string", "maxLength": 10, "x-max-length-by-model": {"short": 3}},
        }});
        let check = |value| set().errors(&schema, &value).unwrap().is_empty();
        assert!(check(json!({"model": "short", "text": "abc"})));
        assert!(!check(json!({"model": "short", "text": "abcd"})));
        assert!(check(json!({"model": "long", "text": "abcdefgh"})));
        assert!(check(json!({"text": "abcdefgh"})));
        assert!(!check(json!({"model": "long", "text": "abcdefghijk"})));
    }

    #[test]
    fn a_request_without_a_model_has_the_default_models_length() {
        let schema = json!({"type": "object", "properties": {
            "model": {"type": "string", "default": "short"},
            "text": {"type": "string", "maxLength": 10, "x-max-length-by-model": {"short": 3}},
        }});
        let check = |value| set().errors(&schema, &value).unwrap().is_empty();
        assert!(check(json!({"text": "abc"})));
        assert!(!check(json!({"text": "abcd"})));
        assert!(check(json!({"model": "long", "text": "abcd"})));
        assert!(!check(json!({"model": "short", "text": "abcd"})));
    }
}
