//! Differences between two versions of one schema (a body, a parameter, a field), recursively, by
//! JSON-Pointer-like path (`/voice/settings/speed`, `/tags[]` for an array's items).

use std::collections::BTreeSet;

use anyhow::Result;
use serde_json::Value;

use super::{Change, Class, Side};
use crate::spec::resolve_schema;

/// How deep nested schemas are compared (a recursive schema stops there).
const MAX_DEPTH: usize = 16;

/// Collects the changes of one scope (an operation or the service).
pub struct Collector<'a> {
    pub old: &'a Value,
    pub new: &'a Value,
    pub scope: String,
    /// Whether the facade calls this operation (a neutral operation, its job's status or upload).
    pub facade: bool,
    pub changes: Vec<Change>,
}

impl Collector<'_> {
    /// Records a change; its class for the facade follows from what the facade does with the
    /// operation: it sets no optional field and reads responses through the spec's pointers, so
    /// only a refused request breaks it.
    pub fn push(&mut self, side: Option<Side>, at: String, class: Class, what: String) {
        let facade = match (self.facade, class, side) {
            (false, ..) | (true, Class::Additive, _) => None,
            (true, Class::Breaking, Some(Side::Response)) => Some(Class::Behaviour),
            (true, class, _) => Some(class),
        };
        self.changes.push(Change {
            scope: self.scope.clone(),
            at,
            what,
            class,
            facade,
        });
    }

    /// Compares the schema `old` (of the old document) with `new` (of the new one) at `at`.
    /// `required` says whether the schema is a required property (`None` for a body or an item).
    pub fn schema(
        &mut self,
        side: Side,
        at: &str,
        old: &Value,
        new: &Value,
        required: Option<bool>,
    ) -> Result<()> {
        self.compare(side, at, old, new, required, 0)
    }

    fn compare(
        &mut self,
        side: Side,
        at: &str,
        old: &Value,
        new: &Value,
        required: Option<bool>,
        depth: usize,
    ) -> Result<()> {
        if depth > MAX_DEPTH {
            return Ok(());
        }
        let old = resolve_schema(self.old, old)?;
        let new = resolve_schema(self.new, new)?;
        let (old_shape, new_shape) = (shape(self.old, &old)?, shape(self.new, &new)?);
        if old_shape != new_shape {
            self.push(
                Some(side),
                at.to_owned(),
                Class::Breaking,
                format!("type {old_shape} → {new_shape}: the Rust type changes"),
            );
            return Ok(());
        }
        self.nullable(side, at, &old, &new, required);
        self.enumeration(side, at, &old, &new);
        self.limits(side, at, &old, &new);
        if side == Side::Request {
            for key in ["default", "x-send-default"] {
                if old.get(key) != new.get(key) {
                    self.push(
                        Some(side),
                        at.to_owned(),
                        Class::Behaviour,
                        format!(
                            "{key} {} → {}: the value used when the caller sets none changes",
                            show(old.get(key)),
                            show(new.get(key))
                        ),
                    );
                }
            }
        }
        self.properties(side, at, &old, &new, depth)?;
        if let (Some(old_items), Some(new_items)) = (old.get("items"), new.get("items")) {
            self.compare(
                side,
                &child(at, "[]"),
                old_items,
                new_items,
                None,
                depth + 1,
            )?;
        }
        Ok(())
    }

    fn nullable(&mut self, side: Side, at: &str, old: &Value, new: &Value, required: Option<bool>) {
        let nullable = |schema: &Value| schema.get("nullable") == Some(&Value::Bool(true));
        if nullable(old) == nullable(new) {
            return;
        }
        let (class, why) = if required == Some(true) {
            (
                Class::Breaking,
                "the required field's Rust type changes between `T` and `Option<T>`",
            )
        } else {
            (Class::Additive, "the Rust type is an `Option` either way")
        };
        let state = if nullable(new) {
            "now nullable"
        } else {
            "no longer nullable"
        };
        self.push(Some(side), at.to_owned(), class, format!("{state}: {why}"));
    }

    fn enumeration(&mut self, side: Side, at: &str, old: &Value, new: &Value) {
        let values = |schema: &Value| -> Option<BTreeSet<String>> {
            let list = schema.get("enum")?.as_array()?;
            Some(list.iter().map(|value| show(Some(value))).collect())
        };
        match (values(old), values(new)) {
            (None, None) => {}
            (Some(_), None) | (None, Some(_)) => {
                let state = if values(new).is_some() {
                    "now an enum"
                } else {
                    "no longer an enum"
                };
                self.push(
                    Some(side),
                    at.to_owned(),
                    Class::Breaking,
                    format!("{state}: the Rust type changes between a string and an enum"),
                );
            }
            (Some(old), Some(new)) => {
                for value in new.difference(&old) {
                    let (class, why) = match side {
                        Side::Request => (
                            Class::Additive,
                            "accepted (a new variant of a `#[non_exhaustive]` enum)",
                        ),
                        Side::Response => (
                            Class::Behaviour,
                            "documented: it arrives as its own variant instead of `Unknown`",
                        ),
                    };
                    self.push(
                        Some(side),
                        at.to_owned(),
                        class,
                        format!("enum value {value} {why}"),
                    );
                }
                for value in old.difference(&new) {
                    let why = match side {
                        Side::Request => "removed: its variant is gone and the value is refused",
                        Side::Response => {
                            "removed: its variant is gone (the value now arrives as `Unknown`)"
                        }
                    };
                    self.push(
                        Some(side),
                        at.to_owned(),
                        Class::Breaking,
                        format!("enum value {value} {why}"),
                    );
                }
            }
        }
    }

    /// Limits bind requests: the client checks them before sending, so a narrower one refuses
    /// values that were sent before. A limit is also what makes a field a bounded Rust type
    /// (numbers with `minimum`/`maximum`, text with a length), so losing the last one changes the
    /// field's type. On responses a limit is documentation: the client reads any value.
    fn limits(&mut self, side: Side, at: &str, old: &Value, new: &Value) {
        const LOWER: [&str; 3] = ["minimum", "minLength", "minItems"];
        const UPPER: [&str; 4] = ["maximum", "maxLength", "maxItems", "x-max-bytes"];
        let number = |schema: &Value, key: &str| schema.get(key).and_then(Value::as_f64);
        let limit = |this: &mut Self,
                     key: &str,
                     narrower: bool,
                     old: Option<String>,
                     new: Option<String>| {
            let (class, why) = match (side, narrower) {
                (Side::Response, _) => (
                    Class::Behaviour,
                    "documentation only: responses are not checked",
                ),
                (Side::Request, true) => (
                    Class::Breaking,
                    "narrower: values that were sent are refused",
                ),
                (Side::Request, false) => (
                    Class::Additive,
                    "wider: every value sent before is still accepted",
                ),
            };
            let old = old.unwrap_or_else(|| "none".into());
            let new = new.unwrap_or_else(|| "none".into());
            this.push(
                Some(side),
                at.to_owned(),
                class,
                format!("{key} {old} → {new} ({why})"),
            );
        };
        for (keys, lower) in [(&LOWER[..], true), (&UPPER[..], false)] {
            for key in keys {
                let (a, b) = (number(old, key), number(new, key));
                if a == b {
                    continue;
                }
                let narrower = match (a, b) {
                    (Some(a), Some(b)) => (b > a) == lower,
                    (None, Some(_)) => true,
                    _ => false,
                };
                limit(
                    self,
                    key,
                    narrower,
                    a.map(|a| a.to_string()),
                    b.map(|b| b.to_string()),
                );
            }
        }
        for key in ["exclusiveMinimum", "exclusiveMaximum"] {
            let flag = |schema: &Value| schema.get(key) == Some(&Value::Bool(true));
            if flag(old) != flag(new) {
                limit(
                    self,
                    key,
                    flag(new),
                    Some(flag(old).to_string()),
                    Some(flag(new).to_string()),
                );
            }
        }
        if old.get("pattern") != new.get("pattern") {
            // typify makes a field with a pattern a type of its own, so any change is a new type.
            let class = if side == Side::Request {
                Class::Breaking
            } else {
                Class::Behaviour
            };
            self.push(
                Some(side),
                at.to_owned(),
                class,
                format!("pattern {} → {}: values are checked differently and the field's Rust type changes", show(old.get("pattern")), show(new.get("pattern"))),
            );
        }
        self.content_types(side, at, old, new);
        self.lengths_by_model(side, at, old, new);
        if side == Side::Request && bounded(old) && !bounded(new) {
            self.push(
                Some(side),
                at.to_owned(),
                Class::Breaking,
                "no limit left: the field's bounded Rust type becomes a plain one".into(),
            );
        }
    }

    fn content_types(&mut self, side: Side, at: &str, old: &Value, new: &Value) {
        let types = |schema: &Value| -> Option<BTreeSet<String>> {
            let list = schema.get("x-content-types")?.as_array()?;
            Some(
                list.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
            )
        };
        let (old, new) = (types(old), types(new));
        if old == new || side == Side::Response {
            return;
        }
        match (old, new) {
            (Some(old), Some(new)) => {
                for added in new.difference(&old) {
                    self.push(
                        Some(side),
                        at.to_owned(),
                        Class::Additive,
                        format!("x-content-types: `{added}` accepted"),
                    );
                }
                for removed in old.difference(&new) {
                    self.push(
                        Some(side),
                        at.to_owned(),
                        Class::Breaking,
                        format!("x-content-types: `{removed}` refused"),
                    );
                }
            }
            (None, Some(_)) => self.push(
                Some(side),
                at.to_owned(),
                Class::Breaking,
                "x-content-types added: files of other types are refused".into(),
            ),
            _ => self.push(
                Some(side),
                at.to_owned(),
                Class::Additive,
                "x-content-types removed: files of any type are accepted".into(),
            ),
        }
    }

    fn lengths_by_model(&mut self, side: Side, at: &str, old: &Value, new: &Value) {
        let key = "x-max-length-by-model";
        let (a, b) = (
            old.get(key).unwrap_or(&Value::Null),
            new.get(key).unwrap_or(&Value::Null),
        );
        if a == b || side == Side::Response {
            return;
        }
        let models: BTreeSet<&String> = a
            .as_object()
            .into_iter()
            .chain(b.as_object())
            .flat_map(|m| m.keys())
            .collect();
        for model in models {
            let (x, y) = (
                a.get(model).and_then(Value::as_u64),
                b.get(model).and_then(Value::as_u64),
            );
            if x == y {
                continue;
            }
            let narrower = match (x, y) {
                (Some(x), Some(y)) => y < x,
                (None, Some(_)) => true,
                _ => false,
            };
            let class = if narrower {
                Class::Breaking
            } else {
                Class::Additive
            };
            self.push(
                Some(side),
                at.to_owned(),
                class,
                format!(
                    "{key} {model}: {} → {}",
                    show(a.get(model)),
                    show(b.get(model))
                ),
            );
        }
    }

    fn properties(
        &mut self,
        side: Side,
        at: &str,
        old: &Value,
        new: &Value,
        depth: usize,
    ) -> Result<()> {
        let empty = serde_json::Map::new();
        let properties = |schema: &Value| {
            schema
                .get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_else(|| empty.clone())
        };
        let required = |schema: &Value, name: &str| {
            schema
                .get("required")
                .and_then(Value::as_array)
                .is_some_and(|list| list.iter().any(|r| r == name))
        };
        let (old_properties, new_properties) = (properties(old), properties(new));
        for (name, schema) in &old_properties {
            let here = child(at, &format!("/{name}"));
            let Some(new_schema) = new_properties.get(name) else {
                self.push(
                    Some(side),
                    here,
                    Class::Breaking,
                    "field removed: the Rust field is gone".into(),
                );
                continue;
            };
            let (was, is) = (required(old, name), required(new, name));
            if was != is {
                let what = match (side, is) {
                    (Side::Request, true) => {
                        "now required: calls without it are refused and `new` takes it"
                    }
                    (Side::Request, false) => {
                        "now optional: the Rust field changes from `T` to `Option<T>`"
                    }
                    (Side::Response, true) => {
                        "now always present: the Rust field changes from `Option<T>` to `T`"
                    }
                    (Side::Response, false) => {
                        "now optional: the Rust field changes from `T` to `Option<T>`"
                    }
                };
                self.push(Some(side), here.clone(), Class::Breaking, what.into());
            }
            self.compare(side, &here, schema, new_schema, Some(is), depth + 1)?;
        }
        for name in new_properties
            .keys()
            .filter(|name| !old_properties.contains_key(*name))
        {
            let here = child(at, &format!("/{name}"));
            let (class, what) = match (side, required(new, name)) {
                (Side::Request, true) => (
                    Class::Breaking,
                    "required field added: calls without it are refused and `new` takes it",
                ),
                (Side::Request, false) => (
                    Class::Additive,
                    "optional field added (the struct is `#[non_exhaustive]`)",
                ),
                (Side::Response, _) => (
                    Class::Additive,
                    "field added (the struct is `#[non_exhaustive]`)",
                ),
            };
            self.push(Some(side), here, class, what.into());
        }
        Ok(())
    }
}

/// What kind of value a schema describes, as far as it decides the Rust type: its `type` (a binary
/// payload apart), or its alternatives.
fn shape(doc: &Value, schema: &Value) -> Result<String> {
    for key in ["oneOf", "anyOf"] {
        if let Some(members) = schema.get(key).and_then(Value::as_array) {
            let members: Vec<String> = members
                .iter()
                .map(|member| shape(doc, &resolve_schema(doc, member)?))
                .collect::<Result<_>>()?;
            return Ok(format!("{key}({})", members.join(", ")));
        }
    }
    if crate::spec::is_binary(schema) {
        return Ok("binary".into());
    }
    Ok(match schema.get("type").and_then(Value::as_str) {
        Some(kind) => kind.to_owned(),
        None if schema.get("properties").is_some() => "object".into(),
        None => "any".into(),
    })
}

/// Whether a request schema becomes one of the xtask's bounded value types.
fn bounded(schema: &Value) -> bool {
    let has = |keys: &[&str]| keys.iter().any(|key| schema.get(*key).is_some());
    match schema.get("type").and_then(Value::as_str) {
        Some("number" | "integer") => has(&["minimum", "maximum"]),
        Some("string") if !crate::spec::is_binary(schema) => {
            has(&["minLength", "maxLength", "x-max-bytes"])
        }
        _ => false,
    }
}

/// The path of a property (`/name`) or of an array's items (`[]`) below `at`: the first step below
/// a body, parameter or response (`request body`) is set apart by a space.
fn child(at: &str, step: &str) -> String {
    if at.contains(" /") {
        format!("{at}{step}")
    } else {
        format!("{at} /{}", step.trim_start_matches('/'))
    }
}

/// How a value changed: the members that differ when both are objects (a job contract, a neutral
/// call), else both values.
pub fn describe(old: Option<&Value>, new: Option<&Value>) -> String {
    let (Some(a), Some(b)) = (
        old.and_then(Value::as_object),
        new.and_then(Value::as_object),
    ) else {
        return format!("{} → {}", show(old), show(new));
    };
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|key| a.get(*key) != b.get(*key))
        .map(|key| format!("{key} {} → {}", show(a.get(key)), show(b.get(key))))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A JSON value as a report shows it (`none` when absent).
pub fn show(value: Option<&Value>) -> String {
    match value {
        None => "none".into(),
        Some(Value::String(text)) => format!("`{text}`"),
        Some(other) => format!("`{other}`"),
    }
}
