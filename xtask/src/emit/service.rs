//! The `service` module of a provider crate: `SERVICE`, everything the spec says about the
//! provider beyond its operations (base URL, credential, environment, credit-spending operations,
//! error bodies, job contracts, neutral operations), so a facade needs no provider constant in
//! Rust.

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
    let rate_limit = rate_limit(spec.doc.get("x-rate-limit"));
    let operation_rate_limits = spec.operations().into_iter().filter_map(|operation| {
        let id = operation.id()?;
        let limit = operation.value.get("x-rate-limit")?;
        let limit = self::rate_limit(Some(limit));
        Some(quote!((#id, #limit)))
    });
    let base_url_required = environment
        .get("base-url-required")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Ok(syn::parse2(quote! {
        /// Where the API is, how it authenticates, and what the facade needs to drive it, from
        /// the spec.
        pub mod service {
            pub use speech_client_runtime::service::{CredentialScheme, ErrorBody, RateLimit, Service};
            /// The provider as its spec describes it: the documented base URL (`servers[0]`), how
            /// the API key is sent (the first top-level security scheme), the environment variables
            /// (`x-environment`), the operations that spend credits (`x-spends-credits`: never
            /// sent twice unless provably not processed), what an error body carries where
            /// (`x-error-body`), the job contracts (`jobs`), the provider-neutral operations
            /// (`x-speech`), the documented rate limits (`x-rate-limit`) and the spec itself
            /// (`openapi.yaml`, a copy of the spec shipped with the crate).
            pub const SERVICE: Service = Service {
                name: #provider,
                base_url: #base_url,
                credential: CredentialScheme { header: #header, prefix: #prefix },
                key_variable: #key_variable,
                base_url_variable: #base_url_variable,
                base_url_required: #base_url_required,
                spends_credits: &[#(#spends_credits),*],
                error_body: ErrorBody {
                    code: &[#(#code),*],
                    message: &[#(#message),*],
                    credits: #credits,
                    need_credits: #need_credits,
                    insufficient_credits_codes: &[#(#insufficient),*],
                },
                job_starts: &[#(#job_starts),*],
                job_statuses: &[#(#job_statuses),*],
                speech: #speech,
                rate_limit: #rate_limit,
                operation_rate_limits: &[#(#operation_rate_limits),*],
                spec: include_str!("../openapi.yaml"),
            };
        }
    })?)
}

/// A `RateLimit` literal from an `x-rate-limit` object (no bound where there is none).
fn rate_limit(limit: Option<&Value>) -> proc_macro2::TokenStream {
    let [per_minute, concurrent] = ["requests-per-minute", "concurrent"].map(|key| {
        match limit
            .and_then(|limit| limit.get(key))
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
        {
            Some(n) => quote!(Some(#n)),
            None => quote!(None),
        }
    });
    quote!(RateLimit { requests_per_minute: #per_minute, concurrent: #concurrent })
}
