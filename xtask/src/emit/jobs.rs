//! The `jobs` module of a provider crate: the spec's `x-job-start` / `x-job-status` contracts as
//! constants of the runtime's `JobStart` / `JobStatus`, one per operation that has one.

use anyhow::Result;
use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::spec::Spec;

/// The `jobs` module, or `None` when the spec declares no job.
pub fn module(spec: &Spec) -> Result<Option<syn::Item>> {
    let mut constants = Vec::new();
    for operation in spec.operations() {
        let Some(id) = operation.id() else { continue };
        let name = format_ident!("{}", id.to_shouty_snake_case());
        if let Some(start) = operation.value.get("x-job-start") {
            let poll = text(start, "poll");
            let status = match start.get("status").and_then(Value::as_u64) {
                Some(code) => {
                    let code = u16::try_from(code)?;
                    quote!(Some(#code))
                }
                None => quote!(None),
            };
            let parameters = start
                .get("parameters")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(name, pointer)| {
                    let pointer = pointer.as_str().unwrap_or_default();
                    quote!((#name, #pointer))
                });
            let job_id = optional(start, "job-id");
            let doc = format!(
                "How to wait for the job [`Client::{id}`](crate::Client::{id}) starts (`x-job-start`)."
            );
            constants.push(quote! {
                #[doc = #doc]
                pub const #name: JobStart = JobStart {
                    operation: #id,
                    poll: #poll,
                    status: #status,
                    parameters: &[#(#parameters),*],
                    job_id: #job_id,
                };
            });
        }
        if let Some(status) = operation.value.get("x-job-status") {
            let state = text(status, "state");
            let [pending, completed, failed, result, message] =
                ["pending", "completed", "failed", "result", "message"]
                    .map(|key| list(status, key));
            let percent = optional(status, "percent");
            let items = match (
                status.get("items").and_then(Value::as_str),
                status.get("id").and_then(Value::as_str),
            ) {
                (Some(items), Some(id)) => quote!(Some((#items, #id))),
                _ => quote!(None),
            };
            let code = optional(status, "code");
            let fixed = status
                .get("parameters")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(name, value)| {
                    let value = value.to_string();
                    quote!((#name, #value))
                });
            let doc = format!(
                "How to read the state of a job from [`Client::{id}`](crate::Client::{id}) (`x-job-status`)."
            );
            constants.push(quote! {
                #[doc = #doc]
                pub const #name: JobStatus = JobStatus {
                    operation: #id,
                    items: #items,
                    state: #state,
                    pending: &[#(#pending),*],
                    completed: &[#(#completed),*],
                    failed: &[#(#failed),*],
                    result: &[#(#result),*],
                    percent: #percent,
                    message: &[#(#message),*],
                    code: #code,
                    parameters: &[#(#fixed),*],
                };
            });
        }
    }
    if constants.is_empty() {
        return Ok(None);
    }
    Ok(Some(syn::parse2(quote! {
        /// The spec's waiting contracts: which operations start jobs, how to poll them, where the
        /// state and the result are.
        pub mod jobs {
            pub use speech_client_runtime::jobs::{JobStart, JobState, JobStatus};
            #(#constants)*
        }
    })?))
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// The strings of the list `key` of an extension object (empty when absent).
pub(super) fn list(value: &Value, key: &str) -> Vec<String> {
    value
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// `Some("<string>")` or `None`, as Rust tokens, for the string `key` of an extension object.
pub(super) fn optional(value: &Value, key: &str) -> TokenStream {
    match value.get(key).and_then(Value::as_str) {
        Some(pointer) => quote!(Some(#pointer)),
        None => quote!(None),
    }
}
