//! The `service` module of a provider crate: the documented base URL (`servers[0]`), how the API
//! key is sent (the first top-level security scheme) and what error bodies carry where
//! (`x-error-body`), so a facade needs no provider constant in Rust; and `SERVICE`, all of it with
//! the job contracts and the neutral operations (`x-speech`) in one value.

use anyhow::{Context, Result};
use quote::quote;
use serde_json::Value;

use super::jobs::{list, optional};
use crate::spec::Spec;

pub fn module(spec: &Spec) -> Result<syn::Item> {
    let base_url = spec
        .doc
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .with_context(|| format!("{}: no servers[0].url", spec.path.display()))?;
    let crate::spec::Credential { header, prefix } = crate::spec::credential(&spec.doc, None)?
        .with_context(|| format!("{}: no top-level security requirement", spec.path.display()))?;
    let error_body = spec.doc.get("x-error-body").cloned().unwrap_or_default();
    let [code, message, insufficient] =
        ["code", "message", "insufficient-credits-codes"].map(|key| list(&error_body, key));
    let [credits, need_credits] = ["credits", "need-credits"].map(|key| optional(&error_body, key));
    let environment = spec.doc.get("x-environment").cloned().unwrap_or_default();
    let key_variable = environment
        .get("key")
        .and_then(Value::as_str)
        .with_context(|| format!("{}: no x-environment.key", spec.path.display()))?;
    let base_url_variable = optional(&environment, "base-url");
    let provider = &spec.provider;
    let speech = super::speech::table(spec)?;
    let [job_starts, job_statuses] = ["x-job-start", "x-job-status"].map(|extension| {
        spec.operations()
            .into_iter()
            .filter(|operation| operation.value.get(extension).is_some())
            .filter_map(|operation| operation.id())
            .map(|id| {
                let name =
                    quote::format_ident!("{}", heck::ToShoutySnakeCase::to_shouty_snake_case(id));
                quote!(crate::jobs::#name)
            })
            .collect::<Vec<_>>()
    });
    let spends_credits: Vec<&str> = spec
        .operations()
        .into_iter()
        .filter(|operation| operation.value.get("x-spends-credits") == Some(&Value::Bool(true)))
        .filter_map(|operation| operation.id())
        .collect();
    Ok(syn::parse2(quote! {
        /// Where the API is and how it authenticates, from the spec.
        pub mod service {
            pub use speech_client_runtime::service::{CredentialScheme, ErrorBody, Service};
            /// The documented base URL (`servers[0]`).
            pub const BASE_URL: &str = #base_url;
            /// How the API key is sent (the first top-level security scheme).
            pub const CREDENTIAL: CredentialScheme = CredentialScheme { header: #header, prefix: #prefix };
            /// The environment variable that holds the API key (`x-environment`).
            pub const KEY_VARIABLE: &str = #key_variable;
            /// The environment variable that holds the base URL, for an API whose documented host
            /// is a placeholder (`x-environment`).
            pub const BASE_URL_VARIABLE: Option<&str> = #base_url_variable;
            /// The operations that spend credits (`x-spends-credits`): never sent twice unless
            /// provably not processed.
            pub const SPENDS_CREDITS: &[&str] = &[#(#spends_credits),*];
            /// What an error body carries where (`x-error-body`).
            pub const ERROR_BODY: ErrorBody = ErrorBody {
                code: &[#(#code),*],
                message: &[#(#message),*],
                credits: #credits,
                need_credits: #need_credits,
                insufficient_credits_codes: &[#(#insufficient),*],
            };
            /// Everything above, the job contracts (`jobs`) and the provider-neutral operations
            /// (`x-speech`), as one value.
            pub const SERVICE: Service = Service {
                name: #provider,
                base_url: BASE_URL,
                credential: CREDENTIAL,
                key_variable: KEY_VARIABLE,
                base_url_variable: BASE_URL_VARIABLE,
                spends_credits: SPENDS_CREDITS,
                error_body: ERROR_BODY,
                job_starts: &[#(#job_starts),*],
                job_statuses: &[#(#job_statuses),*],
                speech: #speech,
            };
        }
    })?)
}
