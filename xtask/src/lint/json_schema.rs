//! Validating examples: OpenAPI 3.0 schema objects turned into JSON Schema (draft 4, the dialect
//! OpenAPI 3.0 extends) and checked with the `jsonschema` crate.

use anyhow::{Result, anyhow};
use serde_json::{Map, Value, json};

/// Validates values against schemas of one document.
pub struct ExampleValidator {
    /// `components.schemas`, converted; referenced from each validated schema.
    components: Value,
}

impl ExampleValidator {
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

    /// The validation errors of `value` against `schema` (empty when valid), each as
    /// `<path in the value>: <message>`.
    pub fn errors(&self, schema: &Value, value: &Value) -> Result<Vec<String>> {
        // Local references (`#/components/schemas/X`) resolve inside this root document.
        let root = json!({"components": self.components, "allOf": [convert(schema)]});
        let validator =
            jsonschema::draft4::new(&root).map_err(|e| anyhow!("invalid schema: {e}"))?;
        Ok(validator
            .iter_errors(value)
            .map(|error| {
                let path = error.instance_path().to_string();
                let path = if path.is_empty() {
                    "/".to_owned()
                } else {
                    path
                };
                format!("{path}: {error}")
            })
            .collect())
    }
}

/// Converts an OpenAPI 3.0 schema object to JSON Schema: `nullable: true` becomes an explicit
/// `null` alternative; everything else OpenAPI adds is ignored by a JSON Schema validator.
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
            "nullable" | "example" | "examples" | "discriminator" => continue,
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn validator() -> ExampleValidator {
        ExampleValidator::new(&json!({"components": {"schemas": {
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
        assert!(validator().errors(&schema, &valid).unwrap().is_empty());
    }

    #[test]
    fn errors_name_the_path_in_the_value() {
        let schema = json!({"$ref": "#/components/schemas/Job"});
        let errors = validator()
            .errors(&schema, &json!({"status": "LOST", "url": 3}))
            .unwrap();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors.iter().any(|e| e.starts_with("/status:")),
            "{errors:?}"
        );
        assert!(errors.iter().any(|e| e.starts_with("/url:")), "{errors:?}");
        let missing = validator().errors(&schema, &json!({})).unwrap();
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
}
