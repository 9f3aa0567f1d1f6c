//! Requests checked against the spec: the required parameters, each parameter's schema, and the
//! body against its media type's schema (JSON, `multipart/form-data`, form-urlencoded), with the
//! schemas compiled by `speech_spec::json_schema`. Text from a query, a header or a form field is
//! read as the type its schema names before it is checked.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use bytes::Bytes;
use hyper::HeaderMap;
use jsonschema::Validator;
use serde_json::{Map, Value};
use speech_spec::json_schema::{SchemaSet, errors};
use speech_spec::{Operation, Spec, is_binary, is_json_media};

/// The longest message a refusal carries: a schema error quotes the value, which may be long.
const MESSAGE_LIMIT: usize = 300;

/// What one request carries, as the checks read it.
pub(crate) struct Incoming<'a> {
    pub path: &'a [(String, String)],
    pub query: &'a [(String, String)],
    pub headers: &'a HeaderMap,
    pub body: &'a Bytes,
}

/// The rules of one operation's requests.
pub(crate) struct RequestRules {
    parameters: Vec<Parameter>,
    body: Option<BodyRules>,
}

struct Parameter {
    name: String,
    location: String,
    required: bool,
    shape: Shape,
    validator: Validator,
}

struct BodyRules {
    required: bool,
    media: Vec<MediaRules>,
}

struct MediaRules {
    media: String,
    kind: Kind,
    validator: Option<Validator>,
}

enum Kind {
    Json,
    /// `multipart/form-data` or `application/x-www-form-urlencoded`: fields by name.
    Form {
        multipart: bool,
        fields: BTreeMap<String, Field>,
    },
    /// Any other body (a raw upload): only its presence is checked.
    Opaque,
}

struct Field {
    shape: Shape,
    /// `Some` for a file part: its byte limit and accepted media types.
    file: Option<FileRules>,
}

struct FileRules {
    max_bytes: Option<u64>,
    content_types: Vec<String>,
}

/// How a text becomes the JSON value its schema describes.
enum Shape {
    String,
    Integer,
    Number,
    Boolean,
    Array(Box<Shape>),
    /// An object, or a schema with no single type: the text read as JSON when it parses.
    Json,
}

impl RequestRules {
    pub(crate) fn read(spec: &Spec, schemas: &SchemaSet, operation: &Operation) -> Result<Self> {
        let mut parameters = Vec::new();
        for parameter in operation.parameters() {
            let parameter = spec.resolve(parameter)?;
            let text = |key: &str| parameter.get(key).and_then(Value::as_str).unwrap_or("");
            let schema = parameter.get("schema").cloned().unwrap_or_default();
            parameters.push(Parameter {
                name: text("name").to_owned(),
                location: text("in").to_owned(),
                required: parameter.get("required") == Some(&Value::Bool(true)),
                shape: Shape::of(spec, &schema)?,
                validator: schemas
                    .compile(&schema)
                    .with_context(|| format!("parameter `{}`", text("name")))?,
            });
        }
        let body = match operation.value.get("requestBody") {
            Some(body) => Some(BodyRules::read(spec, schemas, spec.resolve(body)?)?),
            None => None,
        };
        Ok(Self { parameters, body })
    }

    /// `Err` with a message naming what is wrong when the request breaks a rule.
    pub(crate) async fn check(&self, incoming: &Incoming<'_>) -> Result<(), String> {
        for parameter in &self.parameters {
            parameter.check(incoming)?;
        }
        match &self.body {
            Some(body) => body.check(incoming).await,
            None => Ok(()),
        }
    }
}

impl Parameter {
    fn check(&self, incoming: &Incoming) -> Result<(), String> {
        let texts: Vec<String> = match self.location.as_str() {
            "path" => values(incoming.path, &self.name),
            "query" => values(incoming.query, &self.name),
            "header" => incoming
                .headers
                .get_all(self.name.to_ascii_lowercase().as_str())
                .iter()
                .filter_map(|value| value.to_str().ok().map(str::to_owned))
                .collect(),
            _ => return Ok(()),
        };
        if texts.is_empty() {
            return match self.required {
                true => Err(format!(
                    "{} parameter `{}` is required",
                    self.location, self.name
                )),
                false => Ok(()),
            };
        }
        let value = self.shape.read(&texts);
        first_error(
            &self.validator,
            &value,
            &format!("{} `{}`", self.location, self.name),
        )
    }
}

impl BodyRules {
    fn read(spec: &Spec, schemas: &SchemaSet, body: &Value) -> Result<Self> {
        let mut media = Vec::new();
        for (name, object) in body
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let schema = object.get("schema");
            let essence = essence(name);
            let kind = if is_json_media(name) {
                Kind::Json
            } else if essence == "multipart/form-data"
                || essence == "application/x-www-form-urlencoded"
            {
                Kind::Form {
                    multipart: essence == "multipart/form-data",
                    fields: fields(spec, schema)?,
                }
            } else {
                Kind::Opaque
            };
            let validator = match (&kind, schema) {
                (Kind::Opaque, _) | (_, None) => None,
                (_, Some(schema)) => Some(schemas.compile(schema)?),
            };
            media.push(MediaRules {
                media: essence,
                kind,
                validator,
            });
        }
        Ok(Self {
            required: body.get("required") == Some(&Value::Bool(true)),
            media,
        })
    }

    async fn check(&self, incoming: &Incoming<'_>) -> Result<(), String> {
        if incoming.body.is_empty() {
            return match self.required {
                true => Err("the request body is required".into()),
                false => Ok(()),
            };
        }
        let content_type = incoming
            .headers
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .unwrap_or("");
        let given = essence(content_type);
        let Some(rules) = self
            .media
            .iter()
            .find(|rules| media_matches(&rules.media, &given))
        else {
            let accepted: Vec<&str> = self
                .media
                .iter()
                .map(|rules| rules.media.as_str())
                .collect();
            return Err(format!(
                "a body of type `{content_type}` is not accepted; the operation takes {}",
                accepted.join(", ")
            ));
        };
        let value = match &rules.kind {
            Kind::Opaque => return Ok(()),
            Kind::Json => serde_json::from_slice(incoming.body)
                .map_err(|error| format!("the body is not JSON: {error}"))?,
            Kind::Form {
                multipart: true,
                fields,
            } => multipart(fields, content_type, incoming.body.clone()).await?,
            Kind::Form { fields, .. } => {
                let pairs: Vec<(String, String)> = form_urlencoded::parse(incoming.body)
                    .map(|(name, value)| (name.into_owned(), value.into_owned()))
                    .collect();
                form_object(fields, &pairs)
            }
        };
        match &rules.validator {
            Some(validator) => first_error(validator, &value, "body"),
            None => Ok(()),
        }
    }
}

/// The fields of a form schema (its top-level properties), each with how its text is read.
fn fields(spec: &Spec, schema: Option<&Value>) -> Result<BTreeMap<String, Field>> {
    let Some(schema) = schema else {
        return Ok(BTreeMap::new());
    };
    let schema = spec.resolve_schema(schema)?;
    let mut fields = BTreeMap::new();
    for (name, property) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let property = spec.resolve_schema(property)?;
        let file = is_binary(&property).then(|| FileRules {
            max_bytes: property.get("x-max-bytes").and_then(Value::as_u64),
            content_types: property
                .get("x-content-types")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(essence)
                .collect(),
        });
        let shape = Shape::of(spec, &property)?;
        fields.insert(name.clone(), Field { shape, file });
    }
    Ok(fields)
}

/// A multipart body as the JSON object its schema describes: each text field read by its shape,
/// each file part as its file name (checked here against its byte limit and media types).
async fn multipart(
    fields: &BTreeMap<String, Field>,
    content_type: &str,
    body: Bytes,
) -> Result<Value, String> {
    let boundary = multer::parse_boundary(content_type)
        .map_err(|error| format!("not a multipart body: {error}"))?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut parts = multer::Multipart::new(stream, boundary);
    let mut pairs = Vec::new();
    while let Some(part) = parts
        .next_field()
        .await
        .map_err(|error| format!("a malformed multipart body: {error}"))?
    {
        let name = part.name().unwrap_or_default().to_owned();
        let file_name = part.file_name().map(str::to_owned);
        let media = part.content_type().map(|media| essence(media.as_ref()));
        let data = part
            .bytes()
            .await
            .map_err(|error| format!("a malformed multipart body: {error}"))?;
        match fields.get(&name).and_then(|field| field.file.as_ref()) {
            Some(rules) => {
                rules.check(&name, media.as_deref(), data.len())?;
                pairs.push((name, file_name.unwrap_or_default()));
            }
            None => pairs.push((name, String::from_utf8_lossy(&data).into_owned())),
        }
    }
    Ok(form_object(fields, &pairs))
}

impl FileRules {
    fn check(&self, name: &str, media: Option<&str>, len: usize) -> Result<(), String> {
        if let Some(limit) = self.max_bytes.filter(|limit| len as u64 > *limit) {
            return Err(format!(
                "file part `{name}` is {len} bytes, more than {limit}"
            ));
        }
        match media {
            Some(media)
                if !self.content_types.is_empty()
                    && !self.content_types.iter().any(|accepted| accepted == media) =>
            {
                Err(format!(
                    "file part `{name}` is `{media}`, not one of {}",
                    self.content_types.join(", ")
                ))
            }
            _ => Ok(()),
        }
    }
}

/// Form fields as a JSON object: a repeated name gathers its values.
fn form_object(fields: &BTreeMap<String, Field>, pairs: &[(String, String)]) -> Value {
    let mut names: Vec<&String> = Vec::new();
    for (name, _) in pairs {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let object: Map<String, Value> = names
        .into_iter()
        .map(|name| {
            let texts = values(pairs, name);
            let value = match fields.get(name) {
                Some(Field { file: Some(_), .. }) => Value::String(texts.join(",")),
                Some(field) => field.shape.read(&texts),
                None if texts.len() == 1 => Value::String(texts[0].clone()),
                None => Value::Array(texts.into_iter().map(Value::String).collect()),
            };
            (name.clone(), value)
        })
        .collect();
    Value::Object(object)
}

impl Shape {
    fn of(spec: &Spec, schema: &Value) -> Result<Self> {
        let schema = spec.resolve_schema(schema)?;
        Ok(match schema.get("type").and_then(Value::as_str) {
            Some("string") => Self::String,
            Some("integer") => Self::Integer,
            Some("number") => Self::Number,
            Some("boolean") => Self::Boolean,
            Some("array") => Self::Array(Box::new(match schema.get("items") {
                Some(items) => Self::of(spec, items)?,
                None => Self::Json,
            })),
            _ => Self::Json,
        })
    }

    /// The value of one or more texts (several only for a repeated query or form name); a text
    /// that does not read as the shape stays a string, for the schema to refuse.
    fn read(&self, texts: &[String]) -> Value {
        match self {
            Self::Array(items) => match texts {
                [one] if one.trim_start().starts_with('[') => serde_json::from_str(one)
                    .unwrap_or_else(|_| Value::Array(vec![items.read_one(one)])),
                _ => Value::Array(texts.iter().map(|text| items.read_one(text)).collect()),
            },
            _ => texts.last().map_or(Value::Null, |text| self.read_one(text)),
        }
    }

    fn read_one(&self, text: &str) -> Value {
        let parsed = match self {
            Self::String => None,
            Self::Integer => text.parse::<i64>().ok().map(Value::from),
            Self::Number => text
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number),
            Self::Boolean => text.parse::<bool>().ok().map(Value::Bool),
            Self::Array(_) | Self::Json => serde_json::from_str(text).ok(),
        };
        parsed.unwrap_or_else(|| Value::String(text.to_owned()))
    }
}

fn values(pairs: &[(String, String)], name: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value.clone())
        .collect()
}

/// The media type without parameters, in lower case.
fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a declared media type (possibly `audio/*` or `*/*`) covers a given one.
fn media_matches(declared: &str, given: &str) -> bool {
    match declared.strip_suffix("/*") {
        Some("*") => true,
        Some(kind) => given.split('/').next() == Some(kind),
        None => declared == given,
    }
}

fn first_error(validator: &Validator, value: &Value, what: &str) -> Result<(), String> {
    match errors(validator, value).into_iter().next() {
        None => Ok(()),
        Some(error) => {
            let mut message = format!("{what} {error}");
            if message.len() > MESSAGE_LIMIT {
                let cut = (0..=MESSAGE_LIMIT)
                    .rev()
                    .find(|i| message.is_char_boundary(*i))
                    .unwrap_or(0);
                message.truncate(cut);
                message.push('…');
            }
            Err(message)
        }
    }
}
