//! Differences that are the provider's rather than one operation's: base URL, environment,
//! credentials, error bodies and the neutral mapping. The generated crate carries them as data
//! (`service::SERVICE`), so for its users they change behaviour; the facade acts on them.

use std::collections::BTreeSet;

use serde_json::Value;

use super::schema::{describe, show};
use super::{Change, Class, SERVICE};

/// Every service-level change from `old` to `new`.
pub fn changes<'a>(old: &'a Value, new: &'a Value) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut push = |at: String, class: Class, facade: Option<Class>, what: String| {
        changes.push(Change {
            scope: SERVICE.into(),
            at,
            what,
            class,
            facade,
        })
    };
    let base = |doc: &Value| doc.pointer("/servers/0/url").cloned();
    if base(old) != base(new) {
        push(
            "servers".into(),
            Class::Behaviour,
            Some(Class::Behaviour),
            format!(
                "base URL {} → {}: requests go elsewhere",
                show(base(old).as_ref()),
                show(base(new).as_ref())
            ),
        );
    }
    let key = |doc: &'a Value| doc.pointer("/x-environment/key");
    if key(old) != key(new) {
        push(
            "x-environment key".into(),
            Class::Behaviour,
            Some(Class::Breaking),
            format!(
                "{} → {}: `connect` reads the API key from another variable, so a setup with the \
                 old one fails",
                show(key(old)),
                show(key(new))
            ),
        );
    }
    let base_url = |doc: &'a Value| doc.pointer("/x-environment/base-url");
    let (facade, why) = match (base_url(old), base_url(new)) {
        (a, b) if a == b => (None, ""),
        (None, Some(_)) => (Some(Class::Additive), "the base URL can be overridden"),
        (Some(_), None) => (
            Some(Class::Behaviour),
            "the base URL override is no longer read",
        ),
        _ => (
            Some(Class::Behaviour),
            "the base URL override is read from another variable",
        ),
    };
    if let Some(facade) = facade {
        push(
            "x-environment base-url".into(),
            Class::Behaviour,
            Some(facade),
            format!("{} → {}: {why}", show(base_url(old)), show(base_url(new))),
        );
    }
    let required =
        |doc: &Value| doc.pointer("/x-environment/base-url-required") == Some(&Value::Bool(true));
    if required(old) != required(new) {
        let (facade, what) = if required(new) {
            (
                Class::Breaking,
                "now required: `connect` fails without the base URL variable",
            )
        } else {
            (
                Class::Additive,
                "no longer required: `servers` is the default",
            )
        };
        push(
            "x-environment base-url-required".into(),
            Class::Behaviour,
            Some(facade),
            what.into(),
        );
    }
    if old.get("x-error-body") != new.get("x-error-body") {
        push(
            "x-error-body".into(),
            Class::Behaviour,
            Some(Class::Behaviour),
            format!(
                "{}: error codes, messages and credit counts are read elsewhere",
                describe(old.get("x-error-body"), new.get("x-error-body"))
            ),
        );
    }
    let schemes = |doc: &Value| {
        doc.pointer("/components/securitySchemes")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (a, b) = (schemes(old), schemes(new));
    for (name, scheme) in &a {
        if b.get(name).is_some_and(|new| new != scheme) {
            push(
                format!("security scheme {name}"),
                Class::Behaviour,
                Some(Class::Behaviour),
                format!(
                    "{}: the credential is sent differently",
                    describe(Some(scheme), b.get(name))
                ),
            );
        }
    }
    let speech = |doc: &Value| doc.get("x-speech").and_then(Value::as_object).cloned();
    let (a, b) = (
        speech(old).unwrap_or_default(),
        speech(new).unwrap_or_default(),
    );
    let calls: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for call in calls {
        let at = format!("x-speech {call}");
        match (a.get(call), b.get(call)) {
            (Some(_), None) => push(
                at,
                Class::Behaviour,
                Some(Class::Breaking),
                "removed: the facade no longer offers this call for the provider".into(),
            ),
            (None, Some(_)) => push(
                at,
                Class::Additive,
                Some(Class::Additive),
                "added: the facade offers this call for the provider".into(),
            ),
            (Some(x), Some(y)) if x != y => push(
                at,
                Class::Behaviour,
                Some(Class::Behaviour),
                describe(Some(x), Some(y)),
            ),
            _ => {}
        }
    }
    changes
}
