//! The documented limits of an operation's request fields, read from its spec: what a test needs
//! to build a value that breaks each one (a client must refuse it before sending anything) and a
//! value that keeps to all of them, without naming a provider or a field.

use std::path::Path;

use anyhow::{Context, Result};
use serde_json::Value;
use speech_spec::{Spec, is_binary, is_json_media};

/// Where a request field goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// A path parameter.
    Path,
    /// A query parameter.
    Query,
    /// A header parameter.
    Header,
    /// A cookie parameter.
    Cookie,
    /// A top-level field of the JSON or form body.
    Body,
    /// A file part of a multipart body.
    File,
}

/// One request field of an operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The wire name.
    pub name: String,
    /// Where it goes.
    pub location: Location,
    /// Whether the spec requires it.
    pub required: bool,
    /// Its documented limits.
    pub limits: Limits,
}

/// A field's documented limits (the schema keywords and extensions of `specs/README.md`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Limits {
    /// The fewest characters of a text (`minLength`).
    pub min_length: Option<u64>,
    /// The most characters of a text (`maxLength`).
    pub max_length: Option<u64>,
    /// The most characters of a text for each model that has a limit of its own
    /// (`x-max-length-by-model`, read with the request's `model`).
    pub max_length_by_model: Vec<(String, u64)>,
    /// The most bytes (`x-max-bytes`): UTF-8 bytes of a text, the size of a file part.
    pub max_bytes: Option<u64>,
    /// The smallest number (`minimum`).
    pub minimum: Option<f64>,
    /// The largest number (`maximum`).
    pub maximum: Option<f64>,
    /// The number is whole (`type: integer`).
    pub integer: bool,
    /// The only values accepted (`enum`).
    pub values: Vec<Value>,
    /// The media types a file part may have (`x-content-types`).
    pub content_types: Vec<String>,
}

impl Limits {
    /// Whether the spec documents no limit at all.
    pub fn is_empty(&self) -> bool {
        *self
            == Self {
                integer: self.integer,
                ..Self::default()
            }
    }
}

/// Every request field of `operation_id` in the spec at `spec_path`: its parameters, then the
/// top-level properties of its (first) request body schema, each with its limits.
///
/// # Errors
/// When the spec cannot be read or has no such operation.
pub fn request_fields(spec_path: impl AsRef<Path>, operation_id: &str) -> Result<Vec<Field>> {
    let path = spec_path.as_ref();
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    fields(&Spec::parse(path, &text)?, operation_id)
}

fn fields(spec: &Spec, operation_id: &str) -> Result<Vec<Field>> {
    let operation = spec
        .operations()
        .into_iter()
        .find(|operation| operation.id() == Some(operation_id))
        .with_context(|| format!("{} has no operation `{operation_id}`", spec.path.display()))?;
    let mut fields = Vec::new();
    for parameter in operation.parameters() {
        let parameter = spec.resolve(parameter)?;
        let location = match parameter.get("in").and_then(Value::as_str) {
            Some("path") => Location::Path,
            Some("header") => Location::Header,
            Some("cookie") => Location::Cookie,
            _ => Location::Query,
        };
        let schema = spec.resolve_schema(parameter.get("schema").unwrap_or(&Value::Null))?;
        fields.push(Field {
            name: text_of(parameter, "name").to_owned(),
            location,
            required: parameter.get("required") == Some(&Value::Bool(true)),
            limits: limits(&schema),
        });
    }
    let Some(content) = operation.request_content() else {
        return Ok(fields);
    };
    let schemas = content
        .iter()
        .filter_map(|(media, object)| Some((media, object.get("schema")?)));
    for (media, schema) in schemas {
        let schema = spec.resolve_schema(schema)?;
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            continue;
        };
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (name, property) in properties {
            let property = spec.resolve_schema(property)?;
            let file = !is_json_media(media) && is_binary(&property);
            fields.push(Field {
                name: name.clone(),
                location: if file { Location::File } else { Location::Body },
                required: required.contains(&name.as_str()),
                limits: limits(&property),
            });
        }
        break;
    }
    Ok(fields)
}

fn limits(schema: &Value) -> Limits {
    let whole = |key: &str| schema.get(key).and_then(Value::as_u64);
    let number = |key: &str| schema.get(key).and_then(Value::as_f64);
    Limits {
        min_length: whole("minLength"),
        max_length: whole("maxLength"),
        max_length_by_model: schema
            .get("x-max-length-by-model")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(model, limit)| Some((model.clone(), limit.as_u64()?)))
            .collect(),
        max_bytes: whole("x-max-bytes"),
        minimum: number("minimum"),
        maximum: number("maximum"),
        integer: text_of(schema, "type") == "integer",
        values: schema
            .get("enum")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        content_types: schema
            .get("x-content-types")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
    }
}

fn text_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const FORM: &str = r#"
openapi: 3.0.3
paths:
  /items/{id}:
    post:
      operationId: put_item
      parameters:
        - {name: id, in: path, required: true, schema: {type: string, maxLength: 8}}
        - {name: page, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
      requestBody:
        content:
          multipart/form-data:
            schema: {$ref: '#/components/schemas/Form'}
components:
  schemas:
    Form:
      type: object
      required: [file]
      properties:
        file: {type: string, format: binary, x-max-bytes: 1024, x-content-types: [audio/wav]}
        words: {type: string, minLength: 1, maxLength: 10, x-max-bytes: 10}
        tone: {type: string, enum: [low, high]}
        note: {type: string}
"#;

    #[test]
    fn parameters_then_body_fields_with_their_limits() {
        let spec = Spec::parse(Path::new("form.yaml"), FORM).unwrap();
        let fields = fields(&spec, "put_item").unwrap();
        let names: Vec<(&str, Location, bool)> = fields
            .iter()
            .map(|field| (field.name.as_str(), field.location, field.required))
            .collect();
        assert_eq!(
            names,
            [
                ("id", Location::Path, true),
                ("page", Location::Query, false),
                ("file", Location::File, true),
                ("words", Location::Body, false),
                ("tone", Location::Body, false),
                ("note", Location::Body, false),
            ]
        );
        assert_eq!(fields[0].limits.max_length, Some(8));
        let page = &fields[1].limits;
        assert!(page.integer && page.minimum == Some(1.0) && page.maximum == Some(100.0));
        let file = &fields[2].limits;
        assert_eq!(
            (file.max_bytes, file.content_types.as_slice()),
            (Some(1024), ["audio/wav".to_owned()].as_slice())
        );
        let words = &fields[3].limits;
        assert_eq!(
            (words.min_length, words.max_length, words.max_bytes),
            (Some(1), Some(10), Some(10))
        );
        assert_eq!(fields[4].limits.values, [json!("low"), json!("high")]);
        assert!(fields[5].limits.is_empty() && !fields[1].limits.is_empty());
        let missing = request_fields("no/such/spec.yaml", "put_item").unwrap_err();
        assert!(
            missing.to_string().contains("no/such/spec.yaml"),
            "{missing}"
        );
        let missing = super::fields(&spec, "nothing").unwrap_err();
        assert!(missing.to_string().contains("`nothing`"), "{missing}");
    }
}
