//! Typed httpmock helpers for consumers (`src/mock.rs`, behind the provider crate's `mock`
//! feature): progenitor's own helpers for the operations it generates, and the same `When`/`Then`
//! wrappers, emitted here, for the operations the xtask emits. A consumer mocks a provider with
//! `server.submit_tts(|when, then| { when.body(&request); then.ok(&result); })` and never writes a
//! path by hand.

use anyhow::{Context, Result};
use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use progenitor::Generator;
use quote::{format_ident, quote};

use super::{progenitor_document, run_progenitor, settings};
use crate::plan::{Body, EmittedOperation, ParameterLocation, Plan, StatusKey, SuccessBody};
use crate::spec::Spec;

/// The module source of `src/mock.rs` (without the header).
pub fn generate(spec: &Spec, plan: &Plan) -> Result<String> {
    let document = progenitor_document(spec, plan)?;
    let tokens = run_progenitor(spec, || {
        Generator::new(&settings(plan)).httpmock(&document, "crate")
    })?;
    let mut file: syn::File =
        syn::parse2(tokens).context("parsing progenitor's httpmock output")?;
    syn::visit_mut::visit_file_mut(&mut EncodedPathValues, &mut file);
    let mut wrappers = Vec::new();
    let mut signatures = Vec::new();
    let mut methods = Vec::new();
    for operation in &plan.operations {
        let emitted = emit_operation(operation)?;
        wrappers.push(emitted.wrappers);
        signatures.push(emitted.signature);
        methods.push(emitted.method);
    }
    for item in &mut file.items {
        match item {
            syn::Item::Mod(module) if module.ident == "operations" => {
                let (_, items) = module.content.as_mut().context("an inline module")?;
                for tokens in &wrappers {
                    items.extend(syn::parse2::<syn::File>(tokens.clone())?.items);
                }
            }
            syn::Item::Trait(definition) if definition.ident == "MockServerExt" => {
                for tokens in &signatures {
                    definition.items.push(syn::parse2(tokens.clone())?);
                }
            }
            syn::Item::Impl(block) if block.trait_.is_some() => {
                for tokens in &methods {
                    block.items.push(syn::parse2(tokens.clone())?);
                }
            }
            _ => {}
        }
    }
    super::docs::document_mock(&mut file);
    let doc = format!(
        " Typed [httpmock](https://docs.rs/httpmock) helpers for every operation of `{}`: \
         `MockServerExt` adds one method per operation to `httpmock::MockServer`.",
        spec.path.display()
    );
    file.attrs.push(syn::parse_quote!(#![doc = #doc]));
    file.attrs.push(syn::parse_quote!(
        #![allow(clippy::to_string_in_format_args, reason = "as progenitor's httpmock output writes it")]
    ));
    file.attrs.push(syn::parse_quote!(
        #![allow(
            clippy::unnecessary_to_owned,
            reason = "progenitor's path matchers format any parameter type with `to_string()`; the                       value is encoded from that text"
        )]
    ));
    Ok(prettyplease::unparse(&file))
}

struct EmittedMock {
    wrappers: TokenStream,
    signature: TokenStream,
    method: TokenStream,
}

fn emit_operation(operation: &EmittedOperation) -> Result<EmittedMock> {
    let op = format_ident!("{}", operation.id.to_snake_case());
    let when = format_ident!("{}When", operation.id.to_upper_camel_case());
    let then = format_ident!("{}Then", operation.id.to_upper_camel_case());
    let method = match operation.method.as_str() {
        "get" => quote!(::httpmock::Method::GET),
        "post" => quote!(::httpmock::Method::POST),
        "put" => quote!(::httpmock::Method::PUT),
        "patch" => quote!(::httpmock::Method::PATCH),
        "delete" => quote!(::httpmock::Method::DELETE),
        other => anyhow::bail!("{}: method `{other}`", operation.id),
    };
    let path_re = path_regex(&operation.path, None);
    let mut when_methods = Vec::new();
    for parameter in &operation.parameters {
        let ident = format_ident!("{}", parameter.name.to_snake_case());
        let ty: syn::Type =
            syn::parse_str(&parameter.rust_type.replace("types::", "crate::types::"))?;
        let name = &parameter.name;
        when_methods.push(match parameter.location {
            ParameterLocation::Path => {
                let pattern = path_regex(&operation.path, Some(name));
                quote! {
                    pub fn #ident(self, value: &#ty) -> Self {
                        let re = regex::Regex::new(&format!(
                            #pattern,
                            regex::escape(&speech_client_runtime::path::encode_path(&value.to_string()))
                        )).unwrap();
                        Self(self.0.path_matches(re))
                    }
                }
            }
            ParameterLocation::Query if parameter.required => quote! {
                pub fn #ident(self, value: &#ty) -> Self {
                    Self(self.0.query_param(#name, value.to_string()))
                }
            },
            ParameterLocation::Query => quote! {
                pub fn #ident<'a, T>(self, value: T) -> Self
                where
                    T: Into<Option<&'a #ty>>,
                {
                    match value.into() {
                        Some(value) => Self(self.0.query_param(#name, value.to_string())),
                        None => Self(self.0.query_param_missing(#name)),
                    }
                }
            },
        });
    }
    let mut new_when =
        quote!(inner.method(#method).path_matches(regex::Regex::new(#path_re).unwrap()));
    match &operation.body {
        Some(Body::Json(schema)) => {
            let ty = format_ident!("{schema}");
            when_methods.push(quote! {
                pub fn body(self, value: &crate::types::#ty) -> Self {
                    Self(self.0.json_body_obj(value))
                }
            });
        }
        Some(Body::Multipart { .. }) => {
            new_when = quote!(#new_when.header_prefix("content-type", "multipart/form-data"));
        }
        Some(Body::Binary(body)) => {
            if let [media_type] = &body.media_types[..] {
                new_when = quote!(#new_when.header("content-type", #media_type));
            }
            when_methods.push(quote! {
                /// Matches a request whose body is exactly `bytes`.
                pub fn body(self, bytes: impl Into<Vec<u8>>) -> Self {
                    let bytes = bytes.into();
                    Self(self.0.is_true(move |request| request.body_ref() == bytes.as_slice()))
                }

                /// Matches a request sent with this `Content-Type`.
                pub fn content_type(self, media_type: &str) -> Self {
                    Self(self.0.header("content-type", media_type))
                }
            });
        }
        None => {}
    }

    let mut then_methods = Vec::new();
    for success in &operation.success {
        for body in &success.bodies {
            then_methods.push(then_method(success.status, body)?);
        }
    }
    if let Some((schema, statuses)) = &operation.error {
        for status in statuses {
            then_methods.push(then_method(*status, &SuccessBody::Json(schema.clone()))?);
        }
    }

    let wrappers = quote! {
        pub struct #when(::httpmock::When);
        impl #when {
            pub fn new(inner: ::httpmock::When) -> Self {
                Self(#new_when)
            }

            pub fn into_inner(self) -> ::httpmock::When {
                self.0
            }

            #(#when_methods)*
        }

        pub struct #then(::httpmock::Then);
        impl #then {
            pub fn new(inner: ::httpmock::Then) -> Self {
                Self(inner)
            }

            pub fn into_inner(self) -> ::httpmock::Then {
                self.0
            }

            #(#then_methods)*
        }
    };
    let signature = quote! {
        fn #op<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>
        where
            F: FnOnce(operations::#when, operations::#then);
    };
    let method = quote! {
        fn #op<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>
        where
            F: FnOnce(operations::#when, operations::#then),
        {
            self.mock(|when, then| config_fn(operations::#when::new(when), operations::#then::new(then)))
        }
    };
    Ok(EmittedMock {
        wrappers,
        signature,
        method,
    })
}

/// A `Then` method answering `status` with `body`: named after the status (`ok`, `accepted`,
/// `bad_request`; `client_error(status, ..)` for a range), `_audio` for audio bytes.
fn then_method(status: StatusKey, body: &SuccessBody) -> Result<TokenStream> {
    let (name, status_param, status_value) = match status {
        StatusKey::Code(code) => {
            let reason = http::StatusCode::from_u16(code)
                .ok()
                .and_then(|status| status.canonical_reason())
                .with_context(|| format!("status {code} has no name"))?;
            (reason.to_snake_case(), quote!(), quote!(#code))
        }
        StatusKey::Range(class) => {
            let name = match class {
                2 => "success",
                3 => "redirect",
                4 => "client_error",
                _ => "server_error",
            };
            (
                name.to_owned(),
                quote!(status: u16,),
                quote! {{
                    assert_eq!(status / 100u16, #class);
                    status
                }},
            )
        }
    };
    Ok(match body {
        SuccessBody::Json(schema) => {
            let name = format_ident!("{name}");
            let ty = format_ident!("{schema}");
            quote! {
                pub fn #name(self, #status_param value: &crate::types::#ty) -> Self {
                    Self(self.0.status(#status_value).header("content-type", "application/json").json_body_obj(value))
                }
            }
        }
        SuccessBody::Binary(_) => {
            let name = format_ident!("{name}_audio");
            quote! {
                pub fn #name(self, #status_param content_type: &str, body: impl Into<Vec<u8>>) -> Self {
                    Self(self.0.status(#status_value).header("content-type", content_type).body(body.into()))
                }
            }
        }
        SuccessBody::Empty => {
            let name = format_ident!("{name}");
            quote! {
                pub fn #name(self, #status_param) -> Self {
                    Self(self.0.status(#status_value))
                }
            }
        }
    })
}

/// Rewrites progenitor's path matchers (`format!("^/tts/{}$", value.to_string())`) to match the
/// value as the client sends it: encoded by the runtime's `encode_path`, and taken literally rather
/// than as a regex.
struct EncodedPathValues;

impl syn::visit_mut::VisitMut for EncodedPathValues {
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        if !mac.path.is_ident("format") {
            return;
        }
        let Ok(arguments) = mac.parse_body_with(
            syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
        ) else {
            return;
        };
        let mut arguments = arguments.into_iter();
        let Some(syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(pattern),
            ..
        })) = arguments.next()
        else {
            return;
        };
        if !pattern.value().starts_with("^/") {
            return;
        }
        let values = arguments
            .map(|value| quote!(regex::escape(&speech_client_runtime::path::encode_path(&#value))));
        mac.tokens = quote!(#pattern, #(#values),*);
    }
}

/// A regex for the path: `^/tts/[^/]*$`, or with the `{}` placeholder for `parameter`'s value (the
/// other parameters stay wildcards).
fn path_regex(path: &str, parameter: Option<&str>) -> String {
    let mut out = String::from("^");
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&regex_escape(&rest[..start]));
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |end| start + end);
        let name = &rest[start + 1..end];
        out.push_str(if Some(name) == parameter {
            "{}"
        } else {
            "[^/]*"
        });
        rest = rest.get(end + 1..).unwrap_or("");
    }
    out.push_str(&regex_escape(rest));
    out.push('$');
    out
}

/// Escapes regex metacharacters, and doubles braces for `format!`.
fn regex_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '{' => out.push_str("{{"),
            '}' => out.push_str("}}"),
            '.' | '+' | '*' | '?' | '(' | ')' | '|' | '[' | ']' | '^' | '$' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}
