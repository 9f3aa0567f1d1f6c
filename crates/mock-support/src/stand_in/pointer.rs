//! Editing documented examples at the JSON Pointers the spec's contracts name.

use serde_json::{Map, Value};

/// Unescapes one reference token of a JSON Pointer (`~1` is `/`, `~0` is `~`).
fn token(raw: &str) -> String {
    raw.replace("~1", "/").replace("~0", "~")
}

/// Sets the value at `pointer`, creating the objects on the way when they are missing (a
/// contract may name a field the documented example does not print, such as a progress).
/// Returns `false` when the way is blocked by a value that is neither object nor array.
pub(crate) fn set(target: &mut Value, pointer: &str, value: Value) -> bool {
    let Some(path) = pointer.strip_prefix('/') else {
        *target = value;
        return true;
    };
    let mut node = target;
    let tokens: Vec<String> = path.split('/').map(token).collect();
    let (last, way) = tokens
        .split_last()
        .expect("split yields at least one token");
    for step in way {
        node = match node {
            Value::Object(object) => object
                .entry(step.clone())
                .or_insert_with(|| Value::Object(Map::new())),
            Value::Array(items) => {
                match step.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                    Some(item) => item,
                    None => return false,
                }
            }
            _ => return false,
        };
        if node.is_null() {
            *node = Value::Object(Map::new());
        }
    }
    match node {
        Value::Object(object) => {
            object.insert(last.clone(), value);
            true
        }
        Value::Array(items) => match last.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
            Some(item) => {
                *item = value;
                true
            }
            None => false,
        },
        _ => false,
    }
}

/// Removes the member at `pointer`, keeping the order of the others; `false` when there was none.
pub(crate) fn remove(target: &mut Value, pointer: &str) -> bool {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return false;
    };
    match target.pointer_mut(parent) {
        Some(Value::Object(object)) => object.shift_remove(&token(last)).is_some(),
        _ => false,
    }
}

/// Replaces every string in `target` equal to one of `from` by `to`: where a documented example
/// printed the documented job's id, the answer carries the new job's.
pub(crate) fn replace_strings(target: &mut Value, from: &[String], to: &Value) {
    match target {
        Value::String(text) if from.contains(text) => *target = to.clone(),
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| replace_strings(item, from, to)),
        Value::Object(object) => object
            .values_mut()
            .for_each(|item| replace_strings(item, from, to)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn set_creates_missing_objects_and_stops_at_scalars() {
        let mut value = json!({"data": {"status": "PENDING"}, "n": 1, "list": [{"a": 1}]});
        assert!(set(&mut value, "/data/progress", json!(50)));
        assert!(set(&mut value, "/meta/a~1b", json!(true)));
        assert!(set(&mut value, "/list/0/a", json!(2)));
        assert!(!set(&mut value, "/n/x", json!(0)));
        assert!(!set(&mut value, "/list/3/a", json!(0)));
        assert_eq!(
            value,
            json!({"data": {"status": "PENDING", "progress": 50}, "n": 1, "list": [{"a": 2}],
                   "meta": {"a/b": true}})
        );
    }

    #[test]
    fn remove_and_replace_work_at_any_depth() {
        let mut value =
            json!({"id": "old", "data": {"id": "old", "url": "u", "ids": ["old", "x"]}});
        assert!(remove(&mut value, "/data/url"));
        assert!(!remove(&mut value, "/data/url"));
        replace_strings(&mut value, &["old".into()], &json!("new"));
        assert_eq!(
            value,
            json!({"id": "new", "data": {"id": "new", "ids": ["new", "x"]}})
        );
    }
}
