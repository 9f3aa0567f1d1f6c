//! The `service` module of a provider crate: the documented base URL (`servers[0]`) and how the API
//! key is sent (the first top-level security scheme), so a facade needs no provider constant in Rust.

use anyhow::{Context, Result};
use quote::quote;
use serde_json::Value;

use crate::spec::Spec;

pub fn module(spec: &Spec) -> Result<syn::Item> {
    let base_url = spec
        .doc
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .with_context(|| format!("{}: no servers[0].url", spec.path.display()))?;
    let crate::spec::Credential { header, prefix } = crate::spec::credential(&spec.doc, None)?
        .with_context(|| format!("{}: no top-level security requirement", spec.path.display()))?;
    Ok(syn::parse2(quote! {
        /// Where the API is and how it authenticates, from the spec.
        pub mod service {
            pub use speech_client_runtime::service::CredentialScheme;
            /// The documented base URL (`servers[0]`).
            pub const BASE_URL: &str = #base_url;
            /// How the API key is sent (the first top-level security scheme).
            pub const CREDENTIAL: CredentialScheme = CredentialScheme { header: #header, prefix: #prefix };
        }
    })?)
}
