//! Differences between the operations of two documents: the operations themselves, their
//! parameters, request bodies, responses, credentials and job contracts.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use serde_json::Value;

use super::schema::{Collector, describe, show};
use super::{Change, Class, Side};
use crate::spec::{self, Operation};

/// Every operation-level change from `old` to `new`, operations by id.
pub fn changes(old: &Value, new: &Value) -> Result<Vec<Change>> {
    let (old_operations, new_operations) = (by_id(old), by_id(new));
    let facade = facade_operations(old)
        .into_iter()
        .chain(facade_operations(new))
        .collect::<BTreeSet<_>>();
    let mut changes = Vec::new();
    let ids: BTreeSet<&String> = old_operations.keys().chain(new_operations.keys()).collect();
    for id in ids {
        let mut collector = Collector {
            old,
            new,
            scope: id.clone(),
            facade: facade.contains(id),
            changes: Vec::new(),
        };
        match (old_operations.get(id), new_operations.get(id)) {
            (Some(_), None) => collector.push(
                None,
                "operation".into(),
                Class::Breaking,
                "removed: its client method is gone".into(),
            ),
            (None, Some(operation)) => collector.push(
                None,
                "operation".into(),
                Class::Additive,
                format!("added: `{}` (method `{id}`)", operation.label()),
            ),
            (Some(a), Some(b)) => compare(&mut collector, a, b)?,
            (None, None) => unreachable!("the id comes from one of the maps"),
        }
        changes.extend(collector.changes);
    }
    Ok(changes)
}

fn by_id(doc: &Value) -> BTreeMap<String, Operation<'_>> {
    spec::operations(doc)
        .into_iter()
        .map(|operation| {
            let id = operation
                .id()
                .map_or_else(|| operation.label(), str::to_owned);
            (id, operation)
        })
        .collect()
}

/// The operations the facade calls: those `x-speech` names (and their uploads), and the status
/// operations of the jobs they start.
fn facade_operations(doc: &Value) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for entry in doc
        .get("x-speech")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.values())
    {
        for pointer in ["/operation", "/audio/upload"] {
            if let Some(id) = entry.pointer(pointer).and_then(Value::as_str) {
                ids.insert(id.to_owned());
            }
        }
    }
    for operation in spec::operations(doc) {
        if let (Some(id), Some(poll)) = (
            operation.id(),
            operation
                .value
                .pointer("/x-job-start/poll")
                .and_then(Value::as_str),
        ) && ids.contains(id)
        {
            ids.insert(poll.to_owned());
        }
    }
    ids
}

fn compare(c: &mut Collector, old: &Operation, new: &Operation) -> Result<()> {
    if (old.method, old.path) != (new.method, new.path) {
        c.push(
            None,
            "operation".into(),
            Class::Behaviour,
            format!(
                "now `{} {}` (was `{} {}`): requests go elsewhere",
                new.method.to_uppercase(),
                new.path,
                old.method.to_uppercase(),
                old.path
            ),
        );
    }
    parameters(c, old, new)?;
    request_body(c, old, new)?;
    responses(c, old, new)?;
    security(c, old, new)?;
    for key in ["x-spends-credits", "x-job-start", "x-job-status"] {
        let (a, b) = (old.value.get(key), new.value.get(key));
        if a != b {
            let what = format!(
                "{}: how the facade retries and waits changes",
                describe(a, b)
            );
            c.changes.push(Change {
                scope: c.scope.clone(),
                at: key.into(),
                what,
                class: Class::Behaviour,
                facade: Some(Class::Behaviour),
            });
        }
    }
    Ok(())
}

fn parameters(c: &mut Collector, old: &Operation, new: &Operation) -> Result<()> {
    let list = |doc: &Value, operation: &Operation| -> Result<BTreeMap<String, Value>> {
        operation
            .parameters()
            .map(|parameter| {
                let parameter = spec::resolve(doc, parameter)?;
                let key = format!(
                    "{}:{}",
                    parameter["in"].as_str().unwrap_or_default(),
                    parameter["name"].as_str().unwrap_or_default()
                );
                Ok((key, parameter.clone()))
            })
            .collect()
    };
    let (a, b) = (list(c.old, old)?, list(c.new, new)?);
    let required = |parameter: &Value| parameter.get("required") == Some(&Value::Bool(true));
    for (key, parameter) in &a {
        let at = format!("parameter {key}");
        let Some(new_parameter) = b.get(key) else {
            c.push(
                Some(Side::Request),
                at,
                Class::Breaking,
                "removed: its setter is gone".into(),
            );
            continue;
        };
        match (required(parameter), required(new_parameter)) {
            (false, true) => c.push(
                Some(Side::Request),
                at.clone(),
                Class::Breaking,
                "now required: calls without it are refused".into(),
            ),
            (true, false) => c.push(
                Some(Side::Request),
                at.clone(),
                Class::Additive,
                "now optional (the setter is unchanged)".into(),
            ),
            _ => {}
        }
        let null = Value::Null;
        c.schema(
            Side::Request,
            &at,
            parameter.get("schema").unwrap_or(&null),
            new_parameter.get("schema").unwrap_or(&null),
            None,
        )?;
    }
    for (key, parameter) in b.iter().filter(|(key, _)| !a.contains_key(*key)) {
        let (class, what) = if required(parameter) {
            (
                Class::Breaking,
                "required parameter added: calls without it are refused",
            )
        } else {
            (Class::Additive, "optional parameter added: a new setter")
        };
        c.push(
            Some(Side::Request),
            format!("parameter {key}"),
            class,
            what.into(),
        );
    }
    Ok(())
}

fn request_body(c: &mut Collector, old: &Operation, new: &Operation) -> Result<()> {
    let required = |operation: &Operation| {
        operation.value.pointer("/requestBody/required") == Some(&Value::Bool(true))
    };
    let at = "request body".to_owned();
    let (a, b) = match (old.request_content(), new.request_content()) {
        (None, None) => return Ok(()),
        (Some(_), None) => {
            c.push(
                Some(Side::Request),
                at,
                Class::Breaking,
                "removed: the body's setters are gone".into(),
            );
            return Ok(());
        }
        (None, Some(_)) => {
            let (class, what) = if required(new) {
                (
                    Class::Breaking,
                    "required body added: calls without it are refused",
                )
            } else {
                (Class::Additive, "optional body added")
            };
            c.push(Some(Side::Request), at, class, what.into());
            return Ok(());
        }
        (Some(a), Some(b)) => (a, b),
    };
    match (required(old), required(new)) {
        (false, true) => c.push(
            Some(Side::Request),
            at.clone(),
            Class::Breaking,
            "now required: calls without it are refused".into(),
        ),
        (true, false) => c.push(
            Some(Side::Request),
            at.clone(),
            Class::Additive,
            "now optional".into(),
        ),
        _ => {}
    }
    let (sent_a, sent_b) = (spec::client_media(a)?, spec::client_media(b)?);
    if sent_a.0 != sent_b.0 {
        c.push(
            Some(Side::Request),
            at.clone(),
            Class::Breaking,
            format!(
                "the client now sends {:?} instead of {:?}: the builder's setters change",
                sent_b.0, sent_a.0
            ),
        );
        return Ok(());
    }
    for media in a.keys().filter(|media| !b.contains_key(*media)) {
        let (class, why) = if sent_a.1.contains(&media.as_str()) {
            (
                Class::Breaking,
                "the client no longer sends it: files of that type are refused",
            )
        } else {
            (Class::Behaviour, "a documented call's media type only")
        };
        c.push(
            Some(Side::Request),
            at.clone(),
            class,
            format!("media type `{media}` removed ({why})"),
        );
    }
    for media in b.keys().filter(|media| !a.contains_key(*media)) {
        c.push(
            Some(Side::Request),
            at.clone(),
            Class::Additive,
            format!("media type `{media}` added"),
        );
    }
    let several = a.len() > 1 || b.len() > 1;
    for (media, object) in a {
        if let Some(new_object) = b.get(media) {
            let here = if several {
                format!("{at} {media}")
            } else {
                at.clone()
            };
            if object.get("encoding") != new_object.get("encoding") {
                c.push(
                    Some(Side::Request),
                    here.clone(),
                    Class::Behaviour,
                    format!(
                        "encoding: {}: form fields are sent differently",
                        describe(object.get("encoding"), new_object.get("encoding"))
                    ),
                );
            }
            let null = Value::Null;
            c.schema(
                Side::Request,
                &here,
                object.get("schema").unwrap_or(&null),
                new_object.get("schema").unwrap_or(&null),
                None,
            )?;
        }
    }
    Ok(())
}

/// What a generated method returns for a body: the component it decodes (or audio).
fn body_signature(media: &str, object: &Value) -> String {
    let schema = object.get("schema").unwrap_or(&Value::Null);
    match spec::schema_ref_name(schema) {
        Some(name) if spec::is_json_media(media) => name.to_owned(),
        _ if spec::is_json_media(media) => show(Some(schema)),
        _ => "audio".to_owned(),
    }
}

fn signatures(doc: &Value, operation: &Operation, success: bool) -> BTreeSet<String> {
    operation
        .responses()
        .filter(|(status, _)| spec::is_success(status) == success)
        .filter_map(|(_, response)| spec::resolve(doc, response).ok())
        .flat_map(|response| {
            response
                .get("content")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
        })
        .map(|(media, object)| body_signature(media, object))
        .collect()
}

fn responses(c: &mut Collector, old: &Operation, new: &Operation) -> Result<()> {
    let map = |doc: &Value, operation: &Operation| -> Result<BTreeMap<String, Value>> {
        operation
            .responses()
            .map(|(status, response)| {
                Ok((status.to_owned(), spec::resolve(doc, response)?.clone()))
            })
            .collect()
    };
    let (a, b) = (map(c.old, old)?, map(c.new, new)?);
    let content = |response: &Value| {
        response
            .get("content")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (old_bodies, new_bodies) = (
        [signatures(c.old, old, false), signatures(c.old, old, true)],
        [signatures(c.new, new, false), signatures(c.new, new, true)],
    );
    // One error schema per operation: progenitor types its errors with it, or with `()` without.
    let error_type_changes = old_bodies[0].is_empty() != new_bodies[0].is_empty();
    for (status, response) in &a {
        let at = format!("response {status}");
        let Some(new_response) = b.get(status) else {
            let bodies = &new_bodies[usize::from(spec::is_success(status))];
            let gone = content(response)
                .iter()
                .any(|(media, object)| !bodies.contains(&body_signature(media, object)));
            let (class, what) = match (spec::is_success(status), gone || error_type_changes) {
                (true, true) => (
                    Class::Breaking,
                    "removed: the method's return type loses that body",
                ),
                (false, true) => (
                    Class::Breaking,
                    "removed: the operation's error type changes",
                ),
                (true, false) => (Class::Behaviour, "removed: the status is now unexpected"),
                (false, false) => (
                    Class::Behaviour,
                    "removed: the status is no longer a documented error",
                ),
            };
            c.push(Some(Side::Response), at, class, what.into());
            continue;
        };
        let (old_content, new_content) = (content(response), content(new_response));
        let kinds = |content: &serde_json::Map<String, Value>| -> BTreeSet<bool> {
            content
                .keys()
                .map(|media| spec::is_json_media(media))
                .collect()
        };
        for media in old_content
            .keys()
            .filter(|media| !new_content.contains_key(*media))
        {
            let class = if kinds(&new_content).contains(&spec::is_json_media(media)) {
                Class::Behaviour
            } else {
                Class::Breaking
            };
            c.push(
                Some(Side::Response),
                at.clone(),
                class,
                format!("media type `{media}` removed"),
            );
        }
        for media in new_content
            .keys()
            .filter(|media| !old_content.contains_key(*media))
        {
            let (class, why) = if kinds(&old_content).contains(&spec::is_json_media(media)) {
                (Class::Additive, "decoded as the same type")
            } else {
                (Class::Breaking, "the method's return type changes")
            };
            c.push(
                Some(Side::Response),
                at.clone(),
                class,
                format!("media type `{media}` added ({why})"),
            );
        }
        let several = old_content.len() > 1 || new_content.len() > 1;
        for (media, object) in &old_content {
            if let Some(new_object) = new_content.get(media) {
                let here = if several {
                    format!("{at} {media}")
                } else {
                    at.clone()
                };
                let null = Value::Null;
                c.schema(
                    Side::Response,
                    &here,
                    object.get("schema").unwrap_or(&null),
                    new_object.get("schema").unwrap_or(&null),
                    None,
                )?;
            }
        }
    }
    for (status, response) in b.iter().filter(|(status, _)| !a.contains_key(*status)) {
        let bodies = &old_bodies[usize::from(spec::is_success(status))];
        let new_body = content(response)
            .iter()
            .any(|(media, object)| !bodies.contains(&body_signature(media, object)));
        let (class, what) = match (spec::is_success(status), new_body || error_type_changes) {
            (true, true) => (
                Class::Breaking,
                "added with a body the method did not return: its return type changes",
            ),
            (false, true) => (Class::Breaking, "added: the operation's error type changes"),
            (true, false) => (Class::Behaviour, "added: the status is now a success"),
            (false, false) => (Class::Behaviour, "added: a documented error"),
        };
        c.push(
            Some(Side::Response),
            format!("response {status}"),
            class,
            what.into(),
        );
    }
    Ok(())
}

fn security(c: &mut Collector, old: &Operation, new: &Operation) -> Result<()> {
    let names = |doc: &Value, operation: &Operation| -> Result<Vec<Vec<String>>> {
        Ok(spec::security_alternatives(doc, operation)?
            .into_iter()
            .map(|all| all.into_iter().map(|(name, _)| name.to_owned()).collect())
            .collect())
    };
    let (a, b) = (names(c.old, old)?, names(c.new, new)?);
    if a == b {
        return Ok(());
    }
    let (class, why) = if a.is_empty() {
        (Class::Breaking, "calls without a credential are refused")
    } else {
        (Class::Behaviour, "the credential sent changes")
    };
    c.push(
        Some(Side::Request),
        "security".into(),
        class,
        format!("{a:?} → {b:?}: {why}"),
    );
    Ok(())
}
