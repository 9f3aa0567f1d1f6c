//! `x-job-start` and `x-job-status`: the waiting contract the facade reads must point at real
//! operations, parameters and state values, or waiting would fail at run time instead of here.

use anyhow::Result;
use serde_json::Value;

use super::Findings;
use crate::spec::{Operation, Spec, is_success};

pub fn check(spec: &Spec, findings: &mut Findings) -> Result<()> {
    let operations = spec.operations();
    for operation in &operations {
        if let Some(start) = operation.value.get("x-job-start") {
            check_start(spec, operation, start, &operations, findings)?;
        }
        if let Some(status) = operation.value.get("x-job-status") {
            check_status(spec, operation, status, findings)?;
        }
    }
    Ok(())
}

fn check_start(
    spec: &Spec,
    operation: &Operation,
    start: &Value,
    operations: &[Operation],
    findings: &mut Findings,
) -> Result<()> {
    let place = format!("{}: x-job-start", operation.label());
    let poll_id = start
        .get("poll")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(poll) = operations.iter().find(|o| o.id() == Some(poll_id)) else {
        findings.add(
            &place,
            format!("`poll: {poll_id}` is not an operation of the spec"),
        );
        return Ok(());
    };
    if poll.value.get("x-job-status").is_none() {
        findings.add(&place, format!("`{poll_id}` has no `x-job-status`"));
    }
    let mut names = Vec::new();
    for parameter in poll.parameters() {
        if let Some(name) = spec.resolve(parameter)?.get("name").and_then(Value::as_str) {
            names.push(name.to_owned());
        }
    }
    for (name, pointer) in start
        .get("parameters")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if !names.contains(name) {
            findings.add(&place, format!("`{poll_id}` has no parameter `{name}`"));
        }
        if !pointer.as_str().is_some_and(|p| p.starts_with('/')) {
            findings.add(
                &place,
                format!("parameter `{name}`: `{pointer}` is not a JSON Pointer"),
            );
        }
    }
    Ok(())
}

fn check_status(
    spec: &Spec,
    operation: &Operation,
    status: &Value,
    findings: &mut Findings,
) -> Result<()> {
    let place = format!("{}: x-job-status", operation.label());
    for (name, _) in status
        .get("parameters")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let mut declared = false;
        for parameter in operation.parameters() {
            declared |= spec.resolve(parameter)?.get("name").and_then(Value::as_str) == Some(name);
        }
        if !declared {
            findings.add(&place, format!("`parameters`: no parameter `{name}`"));
        }
    }
    let pointer = status
        .get("state")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(schema) = success_schema(spec, operation)? else {
        findings.add(&place, "the operation has no JSON success schema".into());
        return Ok(());
    };
    // A job found in a list: the state is inside the array's item schema.
    let schema = match status.get("items").and_then(Value::as_str) {
        None => schema,
        Some(items) => {
            let item =
                schema_at(spec, &schema, items)?.and_then(|array| array.get("items").cloned());
            let Some(item) = item else {
                findings.add(
                    &place,
                    format!("`items: {items}` is not an array of the success schema"),
                );
                return Ok(());
            };
            if status.get("id").and_then(Value::as_str).is_none() {
                findings.add(&place, "`items` without `id`".into());
            }
            spec.resolve_schema(&item)?
        }
    };
    let Some(state) = schema_at(spec, &schema, pointer)? else {
        findings.add(
            &place,
            format!("`state: {pointer}` is not in the success schema"),
        );
        return Ok(());
    };
    let allowed: Vec<&str> = state
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for list in ["pending", "completed", "failed"] {
        let values = status.get(list).and_then(Value::as_array);
        if values.is_none_or(|values| values.is_empty()) && list != "failed" {
            findings.add(&place, format!("no `{list}` states"));
        }
        for value in values.into_iter().flatten() {
            let value = value.as_str().unwrap_or_default();
            if !allowed.contains(&value) {
                findings.add(
                    &place,
                    format!("`{list}` state `{value}` is not a value of `{pointer}`"),
                );
            }
        }
    }
    Ok(())
}

/// The JSON schema of the operation's first success response.
pub(super) fn success_schema(spec: &Spec, operation: &Operation) -> Result<Option<Value>> {
    for (status, response) in operation.responses() {
        if !is_success(status) {
            continue;
        }
        if let Some(schema) = spec
            .resolve(response)?
            .pointer("/content/application~1json/schema")
        {
            return Ok(Some(spec.resolve_schema(schema)?));
        }
    }
    Ok(None)
}

/// The schema of the value at `pointer` inside a value of `schema`.
pub(super) fn schema_at(spec: &Spec, schema: &Value, pointer: &str) -> Result<Option<Value>> {
    let mut current = spec.resolve_schema(schema)?;
    for segment in pointer.split('/').skip(1) {
        let next = current
            .pointer(&format!("/properties/{segment}"))
            .or_else(|| {
                current
                    .get("items")
                    .filter(|_| segment.parse::<usize>().is_ok())
            });
        let Some(next) = next else {
            return Ok(None);
        };
        current = spec.resolve_schema(next)?;
    }
    Ok(Some(current))
}
