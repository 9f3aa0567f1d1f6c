//! The `service` module of a provider crate: the documented base URL (`servers[0]`) and how the API
//! key is sent (the first top-level security scheme), so a facade needs no provider constant in Rust.

use anyhow::{Context, Result, bail};
use quote::quote;
use serde_json::Value;

use crate::spec::Spec;

pub fn module(spec: &Spec) -> Result<syn::Item> {
    let base_url = spec
        .doc
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .with_context(|| format!("{}: no servers[0].url", spec.path.display()))?;
    let scheme = spec
        .doc
        .pointer("/security/0")
        .and_then(Value::as_object)
        .and_then(|requirement| requirement.keys().next())
        .with_context(|| format!("{}: no top-level security requirement", spec.path.display()))?;
    let definition = spec
        .doc
        .pointer(&format!("/components/securitySchemes/{scheme}"))
        .with_context(|| {
            format!(
                "{}: security scheme `{scheme}` is not defined",
                spec.path.display()
            )
        })?;
    let field = |key: &str| {
        definition
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let (header, prefix) = match (field("type"), field("in"), field("scheme")) {
        ("apiKey", "header", _) => (field("name").to_owned(), String::new()),
        ("http", _, bearer) if bearer.eq_ignore_ascii_case("bearer") => {
            ("Authorization".to_owned(), "Bearer ".to_owned())
        }
        other => bail!(
            "{}: security scheme `{scheme}` {other:?} is not supported",
            spec.path.display()
        ),
    };
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
