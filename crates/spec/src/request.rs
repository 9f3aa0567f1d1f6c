//! How a request body is put on the wire: which of its declared media types the generated client
//! sends, and how each text field of a `multipart/form-data` body is encoded. The generator and the
//! conformance suite both read these answers here, so they cannot disagree.

use anyhow::{Result, bail};
use serde_json::{Map, Value};

use crate::{is_binary, is_json_media, resolve, resolve_schema};

/// How a body of one media type is sent. The order is the client's preference when a body
/// declares several (see [`client_media`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RequestKind {
    /// `multipart/form-data`: text fields and file parts.
    Multipart,
    /// A JSON document.
    Json,
    /// The raw bytes of one file (`{type: string, format: binary}`), e.g. `application/octet-stream`.
    Binary,
    /// `application/x-www-form-urlencoded`: text fields only. Declared where a documented call
    /// sends it; the client never does (it sends the same fields as a form of another kind).
    FormUrlencoded,
}

/// The kind of a request body of media type `media` with schema `schema` (not resolved: a binary
/// body is written inline), or `None` when the generated client cannot send it.
pub fn request_kind(media: &str, schema: &Value) -> Option<RequestKind> {
    let essence = media.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("multipart/form-data") {
        Some(RequestKind::Multipart)
    } else if essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        Some(RequestKind::FormUrlencoded)
    } else if is_json_media(media) {
        Some(RequestKind::Json)
    } else if is_binary(schema) {
        Some(RequestKind::Binary)
    } else {
        None
    }
}

/// What the generated client sends for a request body that declares `content`: the first kind in
/// the order multipart, JSON, binary that the body declares, with its media types in the spec's
/// order (several only for binary, where the client picks the one that fits the file). Every other
/// declared media type documents what a documented call sends, for the conformance suite.
pub fn client_media(content: &Map<String, Value>) -> Result<(RequestKind, Vec<&str>)> {
    let kinds: Vec<(RequestKind, &str)> = content
        .iter()
        .map(|(media, object)| {
            let schema = object.get("schema").unwrap_or(&Value::Null);
            match request_kind(media, schema) {
                Some(kind) => Ok((kind, media.as_str())),
                None => bail!(
                    "request media type `{media}` is not supported (JSON, a form, or a binary file \
                     written inline as `{{type: string, format: binary}}`)"
                ),
            }
        })
        .collect::<Result<_>>()?;
    let Some(kind) = kinds
        .iter()
        .map(|(kind, _)| *kind)
        .filter(|kind| *kind != RequestKind::FormUrlencoded)
        .min()
    else {
        bail!(
            "the client sends multipart/form-data, JSON or a binary file; the body declares only {}",
            content.keys().cloned().collect::<Vec<_>>().join(", ")
        );
    };
    let media: Vec<&str> = kinds
        .iter()
        .filter(|(candidate, _)| *candidate == kind)
        .map(|(_, media)| *media)
        .collect();
    if media.len() > 1 && kind != RequestKind::Binary {
        bail!(
            "the body declares {} media types of one kind ({}); the client can send only one",
            media.len(),
            media.join(", ")
        );
    }
    Ok((kind, media))
}

/// How one text field of a form is put in the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldEncoding {
    /// One part holding the value as text (strings as they are, numbers and booleans in their
    /// JSON spelling): `text/plain`.
    Text,
    /// One part holding the value's compact JSON text: `application/json`.
    Json,
    /// One text part per array item, each under the field's name.
    EachItem,
}

/// The encoding of every text field (every property that is not a binary file part) of the form
/// whose media type object is `media`, in the schema's order, by the OpenAPI 3.0 rules: the
/// field's `encoding.<name>.contentType` where the media type object gives one (`text/plain` or
/// `application/json`), else by its type: a primitive is `text/plain`, an object or an array of
/// objects `application/json`, an array of primitives one `text/plain` part per item.
///
/// Fails on an `encoding` entry that names no property of the form or a file part, or gives
/// another content type.
pub fn form_field_encodings(doc: &Value, media: &Value) -> Result<Vec<(String, FieldEncoding)>> {
    let schema = resolve_schema(doc, media.get("schema").unwrap_or(&Value::Null))?;
    let empty = Map::new();
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let declared = media
        .get("encoding")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for name in declared.keys() {
        match properties.get(name) {
            None => bail!("`encoding.{name}` names no property of the form"),
            Some(property) if is_binary(resolve(doc, property)?) => {
                bail!("`encoding.{name}` is a file part; its accepted types are `x-content-types`")
            }
            Some(_) => {}
        }
    }
    let mut encodings = Vec::new();
    for (name, property) in properties {
        let property = resolve_schema(doc, property)?;
        if is_binary(&property) {
            continue;
        }
        let content_type = declared
            .get(name)
            .and_then(|encoding| encoding.get("contentType"))
            .and_then(Value::as_str);
        encodings.push((
            name.clone(),
            field_encoding(doc, name, &property, content_type)?,
        ));
    }
    Ok(encodings)
}

fn field_encoding(
    doc: &Value,
    name: &str,
    property: &Value,
    content_type: Option<&str>,
) -> Result<FieldEncoding> {
    let is_object = |schema: &Value| {
        schema.get("type").and_then(Value::as_str) == Some("object")
            || schema.get("properties").is_some()
    };
    let is_array = property.get("type").and_then(Value::as_str) == Some("array");
    let items_are_objects = match property.get("items") {
        Some(items) if is_array => is_object(&resolve_schema(doc, items)?),
        _ => false,
    };
    Ok(match content_type {
        Some("application/json") => FieldEncoding::Json,
        Some("text/plain") if is_object(property) || items_are_objects => {
            bail!("`encoding.{name}`: an object cannot be sent as text/plain")
        }
        Some("text/plain") if is_array => FieldEncoding::EachItem,
        Some("text/plain") => FieldEncoding::Text,
        Some(other) => bail!(
            "`encoding.{name}.contentType` is `{other}`; a text field is text/plain or application/json"
        ),
        None if is_object(property) || items_are_objects => FieldEncoding::Json,
        None if is_array => FieldEncoding::EachItem,
        None => FieldEncoding::Text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_client_sends_multipart_then_json_then_binary_and_never_urlencoded() {
        let binary = json!({"schema": {"type": "string", "format": "binary"}});
        let form = json!({"schema": {"$ref": "#/components/schemas/Form"}});
        let content = |entries: &[(&str, &Value)]| -> Map<String, Value> {
            entries
                .iter()
                .map(|(media, object)| (media.to_string(), (*object).clone()))
                .collect()
        };
        let both = content(&[
            ("application/x-www-form-urlencoded", &form),
            ("multipart/form-data", &form),
        ]);
        assert_eq!(
            client_media(&both).unwrap(),
            (RequestKind::Multipart, vec!["multipart/form-data"])
        );
        let audio = content(&[("audio/mpeg", &binary), ("audio/wav", &binary)]);
        assert_eq!(
            client_media(&audio).unwrap(),
            (RequestKind::Binary, vec!["audio/mpeg", "audio/wav"])
        );
        let only_urlencoded = content(&[("application/x-www-form-urlencoded", &form)]);
        assert!(client_media(&only_urlencoded).is_err());
        let text = content(&[("text/plain", &json!({"schema": {"type": "string"}}))]);
        let error = client_media(&text).unwrap_err().to_string();
        assert!(error.contains("`text/plain` is not supported"), "{error}");
    }

    fn form(encoding: Value) -> (Value, Value) {
        let doc = json!({"components": {"schemas": {
            "Tag": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Form": {"type": "object", "properties": {
                "file": {"type": "string", "format": "binary"},
                "title": {"type": "string"},
                "speed": {"type": "number"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "labels": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}},
                "meta": {"allOf": [{"$ref": "#/components/schemas/Tag"}]},
            }},
        }}});
        let media = json!({"schema": {"$ref": "#/components/schemas/Form"}, "encoding": encoding});
        (doc, media)
    }

    #[test]
    fn fields_are_encoded_by_the_openapi_defaults_unless_the_encoding_says_otherwise() {
        let (doc, media) = form(json!({}));
        assert_eq!(
            form_field_encodings(&doc, &media).unwrap(),
            [
                ("title".to_owned(), FieldEncoding::Text),
                ("speed".to_owned(), FieldEncoding::Text),
                ("tags".to_owned(), FieldEncoding::EachItem),
                ("labels".to_owned(), FieldEncoding::Json),
                ("meta".to_owned(), FieldEncoding::Json),
            ]
        );
        let (doc, media) = form(json!({"tags": {"contentType": "application/json"}}));
        let encodings = form_field_encodings(&doc, &media).unwrap();
        assert!(encodings.contains(&("tags".to_owned(), FieldEncoding::Json)));
    }

    #[test]
    fn an_encoding_must_name_a_text_field_and_a_text_content_type() {
        let cases = [
            (
                json!({"tag": {"contentType": "application/json"}}),
                "`encoding.tag` names no property",
            ),
            (
                json!({"file": {"contentType": "audio/mpeg"}}),
                "`encoding.file` is a file part",
            ),
            (
                json!({"title": {"contentType": "application/xml"}}),
                "is `application/xml`",
            ),
            (
                json!({"meta": {"contentType": "text/plain"}}),
                "an object cannot be sent as text/plain",
            ),
        ];
        for (encoding, expected) in cases {
            let (doc, media) = form(encoding);
            let error = form_field_encodings(&doc, &media).unwrap_err().to_string();
            assert!(error.contains(expected), "{error}");
        }
    }
}
