//! `x-speech`: how the provider-neutral operations map onto the spec's own. Every name it uses must
//! be an operation, a parameter, a body field or a file part the spec declares, and every pointer a
//! place in the answer's schema, or the facade would fail at run time instead of here.

use anyhow::Result;
use serde_json::{Map, Value};

use super::Findings;
use super::jobs::{schema_at, success_schema};
use crate::spec::{Operation, Spec, is_binary};

/// The neutral operations and the keys each one takes (`operation` aside); `*` marks required.
const NEUTRAL: &[(&str, &[&str])] = &[
    ("synthesize", &["text*", "voice*", "format", "result"]),
    ("transcribe", &["audio*", "format", "result"]),
    ("clone-voice", &["audio*", "name", "result"]),
    ("voices", &["items*", "id*", "name", "parameters"]),
    ("balance", &["value*"]),
];

pub fn check(spec: &Spec, findings: &mut Findings) -> Result<()> {
    let Some(speech) = spec.doc.get("x-speech") else {
        return Ok(());
    };
    let Some(speech) = speech.as_object() else {
        findings.add("x-speech", "is not a map of neutral operations".into());
        return Ok(());
    };
    let operations = spec.operations();
    for (neutral, mapping) in speech {
        let place = format!("x-speech.{neutral}");
        let Some((_, keys)) = NEUTRAL.iter().find(|(name, _)| name == neutral) else {
            let known: Vec<&str> = NEUTRAL.iter().map(|(name, _)| *name).collect();
            findings.add(&place, format!("unknown ({})", known.join(", ")));
            continue;
        };
        let Some(mapping) = mapping.as_object() else {
            findings.add(&place, "is not a map".into());
            continue;
        };
        let Some(operation) = operation_named(&operations, mapping.get("operation")) else {
            findings.add(
                &place,
                "`operation` does not name an operation of the spec".into(),
            );
            continue;
        };
        let entries = mapping.iter().filter(|(key, _)| *key != "operation");
        let checker = Mapping {
            spec,
            operation,
            operations: &operations,
            place: &place,
            mapping,
        };
        checker.check(keys, entries, findings)?;
    }
    Ok(())
}

fn operation_named<'a, 's>(
    operations: &'a [Operation<'s>],
    name: Option<&Value>,
) -> Option<&'a Operation<'s>> {
    let name = name?.as_str()?;
    operations
        .iter()
        .find(|operation| operation.id() == Some(name))
}

struct Mapping<'a> {
    spec: &'a Spec,
    operation: &'a Operation<'a>,
    operations: &'a [Operation<'a>],
    place: &'a str,
    mapping: &'a Map<String, Value>,
}

impl Mapping<'_> {
    fn check<'v>(
        &self,
        keys: &[&str],
        entries: impl Iterator<Item = (&'v String, &'v Value)>,
        findings: &mut Findings,
    ) -> Result<()> {
        let mut seen = Vec::new();
        for (key, value) in entries {
            seen.push(key.as_str());
            if !keys.iter().any(|known| known.trim_end_matches('*') == key) {
                findings.add(self.place, format!("unknown key `{key}`"));
                continue;
            }
            match key.as_str() {
                "text" | "voice" | "format" | "name" if !self.is_listing() => {
                    self.target(self.operation, key, value, findings)?;
                }
                "audio" => self.audio(value, findings)?,
                "result" => self.pointers(key, value, findings)?,
                "items" | "id" | "name" | "value" => self.pointers(key, value, findings)?,
                "parameters" => self.fixed_parameters(value, findings)?,
                _ => {}
            }
        }
        for required in keys.iter().filter_map(|key| key.strip_suffix('*')) {
            if !seen.contains(&required) {
                findings.add(self.place, format!("`{required}` is required"));
            }
        }
        let starts_job = self.operation.value.get("x-job-start").is_some();
        let answers_directly = keys.contains(&"result") && !seen.contains(&"result");
        if answers_directly && !starts_job {
            findings.add(
                self.place,
                "the operation starts no job (`x-job-start`), so `result` must say where its answer \
                 keeps the result"
                    .into(),
            );
        }
        Ok(())
    }

    /// `voices` and `balance` read an answer: their keys are pointers, not request targets.
    fn is_listing(&self) -> bool {
        self.place.ends_with(".voices") || self.place.ends_with(".balance")
    }

    /// A request target `place:name` that `operation` has.
    fn target(
        &self,
        operation: &Operation<'_>,
        key: &str,
        value: &Value,
        findings: &mut Findings,
    ) -> Result<()> {
        let text = value.as_str().unwrap_or_default();
        let Some((place, name)) = text.split_once(':') else {
            findings.add(
                self.place,
                format!("`{key}: {value}` is not `body:`, `query:`, `path:` or `file:` and a name"),
            );
            return Ok(());
        };
        let found = match place {
            "body" => self.body_property(operation, name)?.is_some(),
            "file" => self
                .body_property(operation, name)?
                .is_some_and(|property| is_binary(&property)),
            "query" | "path" => self.has_parameter(operation, place, name)?,
            _ => {
                findings.add(
                    self.place,
                    format!("`{key}`: `{place}` is not body, query, path or file"),
                );
                return Ok(());
            }
        };
        if !found {
            let id = operation.id().unwrap_or_default();
            findings.add(
                self.place,
                format!("`{key}: {text}`: `{id}` has no {place} `{name}`"),
            );
        }
        Ok(())
    }

    /// `audio`: a target (`file:voice`), or `{upload, result, into}`.
    fn audio(&self, value: &Value, findings: &mut Findings) -> Result<()> {
        if value.is_string() {
            return self.target(self.operation, "audio", value, findings);
        }
        let upload = operation_named(self.operations, value.get("upload"));
        let Some(upload) = upload else {
            findings.add(
                self.place,
                "`audio` is neither a target nor `{upload: <operation>, result, into}`".into(),
            );
            return Ok(());
        };
        let has_body = upload.value.get("requestBody").is_some();
        if !has_body {
            findings.add(
                self.place,
                format!(
                    "`audio.upload`: `{}` takes no body",
                    upload.id().unwrap_or_default()
                ),
            );
        }
        let result = value.get("result").cloned().unwrap_or_default();
        self.pointer_in(upload, "audio.result", &result, findings)?;
        let into = value.get("into").cloned().unwrap_or_default();
        self.target(self.operation, "audio.into", &into, findings)
    }

    /// Fixed parameters of a listing (`{model: base}`): parameters of the operation.
    fn fixed_parameters(&self, value: &Value, findings: &mut Findings) -> Result<()> {
        for (name, _) in value.as_object().into_iter().flatten() {
            if !self.has_parameter(self.operation, "query", name)?
                && !self.has_parameter(self.operation, "path", name)?
            {
                findings.add(self.place, format!("`parameters`: no parameter `{name}`"));
            }
        }
        Ok(())
    }

    /// `result`, `items`, `id`, `name`, `value`: pointers into the operation's success schema
    /// (`id` and `name` of a listing into its items).
    fn pointers(&self, key: &str, value: &Value, findings: &mut Findings) -> Result<()> {
        let items = matches!(key, "id" | "name");
        let list = match value {
            Value::Array(list) => list.clone(),
            other => vec![other.clone()],
        };
        for pointer in &list {
            if items {
                let prefix = self
                    .mapping
                    .get("items")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let full = format!("{prefix}/0{}", pointer.as_str().unwrap_or_default());
                self.pointer_in(self.operation, key, &Value::String(full), findings)?;
            } else {
                self.pointer_in(self.operation, key, pointer, findings)?;
            }
        }
        Ok(())
    }

    /// A JSON Pointer into the first JSON success schema of `operation`.
    fn pointer_in(
        &self,
        operation: &Operation<'_>,
        key: &str,
        pointer: &Value,
        findings: &mut Findings,
    ) -> Result<()> {
        let Some(pointer) = pointer.as_str().filter(|p| p.starts_with('/')) else {
            findings.add(
                self.place,
                format!("`{key}`: {pointer} is not a JSON Pointer"),
            );
            return Ok(());
        };
        let found = match success_schema(self.spec, operation)? {
            Some(schema) => schema_at(self.spec, &schema, pointer)?.is_some(),
            None => false,
        };
        if !found {
            findings.add(
                self.place,
                format!(
                    "`{key}: {pointer}` is not in the JSON success schema of `{}`",
                    operation.id().unwrap_or_default()
                ),
            );
        }
        Ok(())
    }

    /// The property `name` of any request media type's schema of `operation`.
    fn body_property(&self, operation: &Operation<'_>, name: &str) -> Result<Option<Value>> {
        for (_, media) in operation.request_content().into_iter().flatten() {
            let Some(schema) = media.get("schema") else {
                continue;
            };
            let schema = self.spec.resolve_schema(schema)?;
            if let Some(property) = schema.pointer(&format!("/properties/{name}")) {
                return Ok(Some(self.spec.resolve_schema(property)?));
            }
        }
        Ok(None)
    }

    fn has_parameter(&self, operation: &Operation<'_>, place: &str, name: &str) -> Result<bool> {
        for parameter in operation.parameters() {
            let parameter = self.spec.resolve(parameter)?;
            if parameter.get("name").and_then(Value::as_str) == Some(name)
                && parameter.get("in").and_then(Value::as_str) == Some(place)
            {
                return Ok(true);
            }
        }
        Ok(false)
    }
}
