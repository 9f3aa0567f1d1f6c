//! Structural JSON comparison for the checks: which field differs, by JSON Pointer.

use json_patch::PatchOperation;
use serde_json::{Map, Value};

/// The value with the differences that do not change meaning removed: every number as a float
/// (`1` and `1.0` are the same speed), and `null` object members dropped (a documented `null` and
/// an omitted optional field are the same absence).
pub fn normalise(value: &Value) -> Value {
    match value {
        Value::Number(number) => number.as_f64().map_or(Value::Null, Value::from),
        Value::Array(items) => Value::Array(items.iter().map(normalise).collect()),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .filter(|(_, member)| !member.is_null())
                .map(|(name, member)| (name.clone(), normalise(member)))
                .collect::<Map<_, _>>(),
        ),
        other => other.clone(),
    }
}

/// Every difference between what was documented and what was received, naming the field.
pub fn json_differences(documented: &Value, received: &Value) -> Vec<String> {
    json_patch::diff(documented, received)
        .0
        .into_iter()
        .map(|operation| match operation {
            PatchOperation::Add(add) => {
                format!("`{}` is {}, not documented", add.path, add.value)
            }
            PatchOperation::Remove(remove) => format!(
                "`{}` is documented as {} but missing",
                remove.path,
                at(documented, remove.path.as_str())
            ),
            PatchOperation::Replace(replace) => format!(
                "`{}` is {}, documented {}",
                replace.path,
                replace.value,
                at(documented, replace.path.as_str())
            ),
            other => format!("{other}"),
        })
        .collect()
}

/// The documented fields that re-serialising a decoded value loses or changes (fields it adds,
/// such as defaults, are not losses).
pub fn lost_fields(documented: &Value, reserialised: &Value) -> Vec<String> {
    let documented = normalise(documented);
    let reserialised = normalise(reserialised);
    json_patch::diff(&documented, &reserialised)
        .0
        .into_iter()
        .filter_map(|operation| match operation {
            PatchOperation::Remove(remove) => Some(format!(
                "`{}` (documented {})",
                remove.path,
                at(&documented, remove.path.as_str())
            )),
            PatchOperation::Replace(replace) => Some(format!(
                "`{}` (documented {}, re-serialised {})",
                replace.path,
                at(&documented, replace.path.as_str()),
                replace.value
            )),
            _ => None,
        })
        .collect()
}

fn at(value: &Value, pointer: &str) -> String {
    value
        .pointer(pointer)
        .map_or_else(|| "nothing".to_owned(), Value::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn differences_name_the_field() {
        let documented = json!({"text": "Hello", "speed": 1});
        let received = json!({"text": "Hallo", "speed": 1.0, "extra": true});
        let found = json_differences(&normalise(&documented), &normalise(&received));
        assert!(
            found
                .iter()
                .any(|d| d.contains("`/text` is \"Hallo\", documented \"Hello\"")),
            "{found:?}"
        );
        assert!(found.iter().any(|d| d.contains("`/extra`")), "{found:?}");
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn null_and_absent_are_the_same_and_added_fields_are_no_loss() {
        let documented = json!({"audioUrl": null, "status": "PROCESSING", "n": 2});
        assert!(
            lost_fields(
                &documented,
                &json!({"status": "PROCESSING", "n": 2.0, "x": 1})
            )
            .is_empty()
        );
        let lost = lost_fields(&documented, &json!({"n": 2}));
        assert_eq!(
            lost,
            vec!["`/status` (documented \"PROCESSING\")".to_owned()]
        );
    }
}
