//! The spec's `x-max-length-by-model: {<model>: N}`: a text whose longest length depends on the
//! model the same request names (the schema's own `maxLength` is the largest of them). The
//! generated request type checks it when it is built, so a text too long for its model is refused
//! before anything is sent, as every other documented limit is.

use serde::Serialize;
use serde_json::Value;

/// One text field's lengths by model, as the spec gives them.
#[derive(Clone, Copy, Debug)]
pub struct LengthByModel {
    /// The text's name in the JSON body.
    pub field: &'static str,
    /// The model the provider applies when the request names none (the `model` property's
    /// `default`), if the spec documents one.
    pub default_model: Option<&'static str>,
    /// The most characters of the text, for each model with a limit of its own.
    pub limits: &'static [(&'static str, usize)],
}

/// The name of the sibling property that names the model.
const MODEL: &str = "model";

/// Checks each rule on `request` (a request body as it is sent): the text may be at most the
/// limit of the model the request names (or of the default model, when it names none), in
/// characters, as JSON Schema counts them. A model without a limit of its own leaves the text to
/// its schema's `maxLength`.
pub fn check<T: Serialize>(request: &T, rules: &[LengthByModel]) -> Result<(), String> {
    let body = serde_json::to_value(request).map_err(|error| error.to_string())?;
    let model = body
        .get(MODEL)
        .and_then(Value::as_str)
        .or_else(|| rules.iter().find_map(|rule| rule.default_model));
    let Some(model) = model else {
        return Ok(());
    };
    for rule in rules {
        let limit = rule
            .limits
            .iter()
            .find_map(|(name, limit)| (*name == model).then_some(*limit));
        let text = body.get(rule.field).and_then(Value::as_str);
        if let (Some(limit), Some(text)) = (limit, text) {
            let length = text.chars().count();
            if length > limit {
                return Err(format!(
                    "`{}` must be at most {} for model `{model}` (got {length})",
                    rule.field,
                    crate::bounded::count(limit, "character"),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const RULES: &[LengthByModel] = &[LengthByModel {
        field: "text",
        default_model: Some("long"),
        limits: &[("short", 3), ("long", 6)],
    }];

    #[test]
    fn a_text_longer_than_its_model_takes_is_refused_naming_field_model_and_limit() {
        let error = check(&json!({"text": "héllo", "model": "short"}), RULES).unwrap_err();
        assert_eq!(
            error,
            "`text` must be at most 3 characters for model `short` (got 5)"
        );
        assert!(check(&json!({"text": "hé", "model": "short"}), RULES).is_ok());
        assert!(check(&json!({"text": "héllo", "model": "long"}), RULES).is_ok());
    }

    #[test]
    fn without_a_model_the_default_models_limit_applies() {
        assert!(check(&json!({"text": "héllo!"}), RULES).is_ok());
        let error = check(&json!({"text": "héllo!!"}), RULES).unwrap_err();
        assert!(error.contains("model `long`"), "{error}");
    }

    #[test]
    fn a_model_without_a_limit_of_its_own_and_a_missing_text_pass() {
        assert!(check(&json!({"text": "a long text", "model": "other"}), RULES).is_ok());
        assert!(check(&json!({"model": "short"}), RULES).is_ok());
        let no_default = [LengthByModel {
            default_model: None,
            ..RULES[0]
        }];
        assert!(check(&json!({"text": "a long text"}), &no_default).is_ok());
    }
}
