//! A spec read into what the stand-in serves: each operation's route, credential, request rules,
//! documented answers and part in a job's lifecycle. Everything is read when the stand-in starts,
//! so a spec it cannot play fails there, not on some request.

use anyhow::{Context, Result};
use serde_json::Value;
use speech_spec::json_schema::SchemaSet;
use speech_spec::{Spec, base_path, security_alternatives};

use super::answers::Answers;
use super::auth::Scheme;
use super::job_rules::{StartRule, StatusRule};
use super::routes::Route;
use super::validate::RequestRules;

pub(crate) struct Api {
    /// The path of the spec's server URL (`/v2`), below which the operations' paths are served.
    pub base_path: String,
    pub operations: Vec<ApiOperation>,
    /// The request headers that carry a key (lower case), to notice one reaching the storage.
    pub key_headers: Vec<String>,
    /// Where the spec's error bodies carry a message, for requests that match no operation.
    pub message_pointer: Option<String>,
}

pub(crate) struct ApiOperation {
    pub id: String,
    pub method: String,
    pub route: Route,
    /// Alternatives, each the schemes that must all carry a key; empty when open.
    pub security: Vec<Vec<Scheme>>,
    pub request: RequestRules,
    pub answers: Answers,
    pub role: Role,
}

/// An operation's part in a job's lifecycle.
pub(crate) enum Role {
    Plain,
    Start(StartRule),
    Status(Box<StatusRule>),
}

impl Api {
    pub(crate) fn read(spec: &Spec) -> Result<Self> {
        let schemas = SchemaSet::new(&spec.doc);
        let mut starts = Vec::new();
        for operation in spec.operations() {
            if let Some(start) = operation.value.get("x-job-start") {
                let rule =
                    StartRule::read(spec, &operation, start).with_context(|| operation.label())?;
                starts.push((operation.label(), Some(rule)));
            }
        }
        // For each status operation: the parameter the (first) start polling it fills with the
        // id, and the ids the starts' documented answers print.
        let polled: Vec<(String, Option<String>, Vec<String>)> = starts
            .iter()
            .filter_map(|(_, rule)| rule.as_ref())
            .map(|rule| {
                let ids = rule.documented_ids.clone();
                (rule.poll.clone(), rule.id_parameter.clone(), ids)
            })
            .collect();
        let mut operations = Vec::new();
        let mut key_headers = Vec::new();
        for operation in spec.operations() {
            let label = operation.label();
            let id = operation
                .id()
                .with_context(|| format!("{label} has no operationId"))?;
            let mut security = Vec::new();
            for alternative in security_alternatives(&spec.doc, &operation)? {
                let schemes = alternative
                    .into_iter()
                    .map(|(name, definition)| Scheme::read(name, definition))
                    .collect::<Result<Vec<_>>>()?;
                key_headers.extend(schemes.iter().filter_map(Scheme::header));
                security.push(schemes);
            }
            let start = starts
                .iter_mut()
                .find(|(start, _)| *start == label)
                .and_then(|(_, rule)| rule.take());
            let role = if let Some(rule) = start {
                Role::Start(rule)
            } else if let Some(contract) = operation
                .value
                .get("x-job-status")
                // A status operation no start polls reports no job of the stand-in's.
                .filter(|_| polled.iter().any(|(poll, ..)| poll == id))
            {
                let polling = || polled.iter().filter(|(poll, ..)| poll == id);
                let id_parameter = polling().find_map(|(_, parameter, _)| parameter.as_deref());
                let start_ids: Vec<String> = polling()
                    .flat_map(|(.., ids)| ids.iter().cloned())
                    .collect();
                let rule = StatusRule::read(
                    spec,
                    &schemas,
                    &operation,
                    contract,
                    id_parameter,
                    start_ids,
                )
                .with_context(|| label.clone())?;
                Role::Status(Box::new(rule))
            } else {
                Role::Plain
            };
            operations.push(ApiOperation {
                id: id.to_owned(),
                method: operation.method.to_owned(),
                route: Route::parse(operation.path),
                security,
                request: RequestRules::read(spec, &schemas, &operation)
                    .with_context(|| label.clone())?,
                answers: Answers::read(spec, &operation).with_context(|| label.clone())?,
                role,
            });
        }
        key_headers.sort();
        key_headers.dedup();
        let message_pointer = spec
            .doc
            .pointer("/x-error-body/message")
            .and_then(|pointers| match pointers {
                Value::Array(list) => list.first().and_then(Value::as_str),
                other => other.as_str(),
            })
            .map(str::to_owned);
        Ok(Self {
            base_path: base_path(&spec.doc),
            operations,
            key_headers,
            message_pointer,
        })
    }

    pub(crate) fn operation(&self, id: &str) -> Option<&ApiOperation> {
        self.operations.iter().find(|operation| operation.id == id)
    }
}
