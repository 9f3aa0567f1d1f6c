//! Text fields of `multipart/form-data` requests.

use reqwest::multipart::Form;
use serde::Serialize;
use serde_json::Value;

/// Builds a form whose text parts are the fields of `fields`, a generated form type.
///
/// Each top-level property becomes one text part, in the order the type serialises them; absent
/// optional fields (`null` or skipped) send no part. Strings are sent as they are, numbers and booleans
/// in their JSON spelling, and arrays or objects as their compact JSON text (how the documented
/// examples send a list such as `tags=["male","young"]`).
pub fn text_fields<T: Serialize>(fields: &T) -> Result<Form, String> {
    let value =
        serde_json::to_value(fields).map_err(|e| format!("cannot encode form fields: {e}"))?;
    let Value::Object(map) = value else {
        return Err(format!("form fields must be an object, not {value}"));
    };
    Ok(map
        .into_iter()
        .filter_map(|(name, value)| field_text(value).map(|text| (name, text)))
        .fold(Form::new(), |form, (name, text)| form.text(name, text)))
}

fn field_text(value: Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_keep_their_json_spelling_and_nulls_are_left_out() {
        let cases = [
            (Value::String("alloy".into()), Some("alloy")),
            (serde_json::json!(1.5), Some("1.5")),
            (serde_json::json!(true), Some("true")),
            (
                serde_json::json!(["male", "young"]),
                Some(r#"["male","young"]"#),
            ),
            (Value::Null, None),
        ];
        for (value, expected) in cases {
            assert_eq!(field_text(value.clone()).as_deref(), expected, "{value}");
        }
    }

    #[test]
    fn a_non_object_is_refused() {
        let error = text_fields(&"just text").unwrap_err();
        assert!(error.contains("must be an object"), "{error}");
    }
}
