//! `impl Dispatch for Client`: every operation of the generated client callable by name with JSON
//! values (the runtime's `dispatch` module), so a facade drives any provider through one code path.
//!
//! Like the conformance adapter, it is derived from the generated module itself (the builders'
//! setters and their types, what `send` returns), so it follows whatever progenitor and the emitter
//! produced. Values are converted to the setters' own types: a value the spec does not allow is
//! refused, naming the field, before anything is sent.

use anyhow::{Context, Result, bail};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::adapter::{Builder, Builders, binary_fields, result_enum_variants, type_ends_with};
use crate::spec::Spec;

/// The `impl Dispatch for Client` item of the generated module.
pub fn emit(spec: &Spec, module: &syn::File) -> Result<syn::Item> {
    let builders = Builders::read(module)?;
    let mut arms = Vec::new();
    for operation in spec.operations() {
        let id = operation
            .id()
            .context("an operation without an operationId")?;
        let builder = builders.get(id)?;
        let mut setters = Vec::new();
        let mut names = Vec::new();
        for parameter in operation.parameters() {
            let parameter = spec.resolve(parameter)?;
            let name = parameter
                .get("name")
                .and_then(Value::as_str)
                .context("a parameter without a name")?;
            names.push(name.to_owned());
            let (setter, ty) = builder.setter(id, name)?;
            setters.push(quote! {
                if let Some(value) = request.parameter::<#ty>(#name)? {
                    call = call.#setter(value);
                }
            });
        }
        // A JSON or form body takes `request.body`; a raw binary body takes `request.upload`.
        let mut has_body = false;
        let mut raw_body = false;
        if let Some(content) = operation.request_content() {
            let (kind, _) = crate::spec::client_media(content)?;
            if kind == crate::spec::RequestKind::Binary {
                raw_body = true;
                let setter = builder.file_setter(id, "body")?;
                setters.push(quote! {
                    if let Some(file) = request.upload.clone() {
                        call = call.#setter(file);
                    }
                });
            } else {
                has_body = true;
                let (setter, ty) = builder.setter(id, "body")?;
                setters.push(quote! {
                    if let Some(value) = request.body::<#ty>()? {
                        call = call.#setter(value);
                    }
                });
            }
        }
        let fields = binary_fields(spec, &operation)?;
        let only_part = fields.len() == 1 || raw_body;
        let check =
            quote!(request.check(#id, &[#(#names),*], &[#(#fields),*], #has_body, #only_part)?;);
        for field in fields {
            let setter = builder.file_setter(id, &field)?;
            setters.push(quote! {
                if let Some(file) = request.file(#field, #only_part) {
                    call = call.#setter(file);
                }
            });
        }
        let method = format_ident!("{id}");
        let reply = reply(builder, module)?;
        arms.push(quote! {
            #id => {
                #[allow(unused_mut)]
                let mut call = self.#method();
                #check
                #(#setters)*
                let (response, body) =
                    speech_client_runtime::body_limit::keeping_body(call.send()).await;
                let response = response.map_err(dispatch::untyped_error)?;
                Ok(dispatch::reply(response, body, #reply))
            }
        });
    }
    Ok(syn::parse2(quote! {
        impl speech_client_runtime::dispatch::Dispatch for Client {
            fn service(&self) -> &'static speech_client_runtime::service::Service {
                &service::SERVICE
            }

            fn dispatch<'a>(
                &'a self,
                operation: &'a str,
                request: speech_client_runtime::dispatch::Request,
            ) -> speech_client_runtime::dispatch::DispatchFuture<'a> {
                use speech_client_runtime::dispatch;
                #[allow(unused_variables)]
                let request = request;
                Box::pin(async move {
                    match operation {
                        #(#arms)*
                        other => Err(dispatch::unknown_operation(&service::SERVICE, other)),
                    }
                })
            }

            fn as_any(&self) -> &dyn ::std::any::Any {
                self
            }
        }
    })?)
}

/// The function that turns the success value and the body it was decoded from into a
/// `dispatch::Reply`.
fn reply(builder: &Builder, module: &syn::File) -> Result<TokenStream> {
    let ty = builder.success.as_ref().context("no send")?;
    if type_ends_with(ty, "Audio") {
        return Ok(quote!(|audio, _| dispatch::Reply::Audio(audio)));
    }
    if matches!(ty, syn::Type::Tuple(tuple) if tuple.elems.is_empty()) {
        return Ok(quote!(|(), _| dispatch::Reply::Empty));
    }
    if type_ends_with(ty, "ByteStream") {
        bail!("a byte stream response is not supported");
    }
    let name = super::adapter::last_ident(ty).context("a named success type")?;
    let Some(variants) = result_enum_variants(module, &name)? else {
        return Ok(quote!(dispatch::json));
    };
    let name = format_ident!("{name}");
    let arms = variants.iter().map(|(variant, ty)| {
        let variant = format_ident!("{variant}");
        if type_ends_with(ty, "Audio") {
            quote!(types::#name::#variant(value) => dispatch::Reply::Audio(value),)
        } else {
            quote!(types::#name::#variant(value) => dispatch::json(value, body),)
        }
    });
    Ok(quote! {
        |value, body| match value {
            #(#arms)*
        }
    })
}
