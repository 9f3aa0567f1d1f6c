//! Text fields of `multipart/form-data` requests.

use reqwest::multipart::Form;
use serde::Serialize;
use serde_json::Value;

/// How one text field is put in the form: the spec's `encoding` for the field, or the OpenAPI 3.0
/// default for its type, decided by the generator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldEncoding {
    /// One part holding the value as text: strings as they are, numbers and booleans in their
    /// JSON spelling (`text/plain`).
    Text,
    /// One part holding the value's compact JSON text (`application/json`), such as
    /// `["male","young"]`. The part carries no `Content-Type` header, as the documented calls send
    /// it (a form field without a file name is text to the server; the spec's `encoding` says how
    /// to read it).
    Json,
    /// One text part per array item, each under the field's name (an array of primitives).
    EachItem,
}

/// Builds a form whose text parts are the fields of `fields`, a generated form type.
///
/// Each top-level property becomes its parts, in the order the type serialises them, encoded as
/// `encodings` says for it (a field it does not list is sent as [`FieldEncoding::Text`] when it is
/// a primitive and as [`FieldEncoding::Json`] otherwise); absent optional fields (`null` or
/// skipped) send no part.
pub fn text_fields<T: Serialize>(
    fields: &T,
    encodings: &[(&str, FieldEncoding)],
) -> Result<Form, String> {
    let value =
        serde_json::to_value(fields).map_err(|e| format!("cannot encode form fields: {e}"))?;
    let Value::Object(map) = value else {
        return Err(format!("form fields must be an object, not {value}"));
    };
    let mut form = Form::new();
    for (name, value) in map {
        let encoding = encodings
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, encoding)| *encoding);
        for text in field_texts(value, encoding) {
            form = form.text(name.clone(), text);
        }
    }
    Ok(form)
}

/// The texts of the parts one field becomes.
fn field_texts(value: Value, encoding: Option<FieldEncoding>) -> Vec<String> {
    match (value, encoding) {
        (Value::Null, _) => Vec::new(),
        (Value::Array(items), Some(FieldEncoding::EachItem)) => items
            .into_iter()
            .flat_map(|item| field_texts(item, Some(FieldEncoding::Text)))
            .collect(),
        (Value::String(text), Some(FieldEncoding::Text) | None) => vec![text],
        (other, _) => vec![other.to_string()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_encoding_gives_its_parts_and_nulls_are_left_out() {
        use FieldEncoding::{EachItem, Json, Text};
        let cases = [
            (json!("alloy"), Some(Text), vec!["alloy"]),
            (json!("alloy"), None, vec!["alloy"]),
            (json!("alloy"), Some(Json), vec![r#""alloy""#]),
            (json!(1.5), Some(Text), vec!["1.5"]),
            (json!(true), None, vec!["true"]),
            (
                json!(["male", "young"]),
                Some(Json),
                vec![r#"["male","young"]"#],
            ),
            (json!(["male", "young"]), None, vec![r#"["male","young"]"#]),
            (json!(["male", 2, null]), Some(EachItem), vec!["male", "2"]),
            (json!({"a": [1]}), Some(Json), vec![r#"{"a":[1]}"#]),
            (Value::Null, Some(Text), vec![]),
        ];
        for (value, encoding, expected) in cases {
            assert_eq!(
                field_texts(value.clone(), encoding),
                expected,
                "{value} as {encoding:?}"
            );
        }
    }

    #[test]
    fn a_non_object_is_refused() {
        let error = text_fields(&"just text", &[]).unwrap_err();
        assert!(error.contains("must be an object"), "{error}");
    }
}
