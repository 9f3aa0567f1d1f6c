//! The conformance adapter of a provider: one function that drives the generated client from the
//! values of a documented example, for any operation of the spec, and reports what came back.
//!
//! It is derived from the generated module itself (the builders' setters and their types, what
//! `send` returns, the result enums), so it follows whatever progenitor and the emitter produced
//! and the conformance suite never names a provider type by hand.

use anyhow::{Context, Result, bail};
use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::visit_mut::VisitMut;

use crate::spec::Spec;

/// The Rust source of `conformance/src/adapters/<provider>.rs` (without the header).
pub fn generate(spec: &Spec, module: &syn::File, krate: &str) -> Result<String> {
    let krate = format_ident!("{krate}");
    let builders = Builders::read(module)?;
    let mut arms = Vec::new();
    for operation in spec.operations() {
        let id = operation
            .id()
            .context("an operation without an operationId")?;
        let builder = builders.get(id)?;
        let mut setters = Vec::new();
        for parameter in operation.parameters() {
            let parameter = spec.resolve(parameter)?;
            let name = parameter
                .get("name")
                .and_then(Value::as_str)
                .context("a parameter without a name")?;
            setters.push(builder.value_setter(id, name, &krate, SetterSource::Parameter)?);
        }
        if let Some(content) = operation.request_content() {
            let (kind, _) = crate::spec::client_media(content)?;
            if kind == crate::spec::RequestKind::Binary {
                let method = builder.file_setter(id, "body")?;
                setters.push(quote! {
                    if let Some(file) = call.upload.take() {
                        request = request.#method(file);
                    }
                });
            } else {
                setters.push(builder.value_setter(id, "body", &krate, SetterSource::Body)?);
            }
        }
        for field in binary_fields(spec, &operation)? {
            let method = builder.file_setter(id, &field)?;
            setters.push(quote! {
                if let Some(file) = call.files.remove(#field) {
                    request = request.#method(file);
                }
            });
        }
        let method = format_ident!("{id}");
        let success = builder.success(&krate, module)?;
        arms.push(quote! {
            #id => {
                #[allow(unused_mut)]
                let mut request = client.#method();
                #(#setters)*
                Ok(crate::exchange::finish(request.send().await, |value| async move { #success }).await)
            }
        });
    }
    let doc = format!(
        " Drives `{}` from the values of the documented examples of `{}`.",
        krate.to_string().replace('_', "-"),
        spec.path.display()
    );
    let tokens = quote! {
        #![doc = #doc]

        use crate::exchange::{Call, CallError, Exchange};

        /// Sends `operation` with the values in `call` and reports the response as decoded by the
        /// generated client.
        pub async fn call(
            client: &#krate::Client,
            operation: &str,
            call: &mut Call,
        ) -> Result<Exchange, CallError> {
            match operation {
                #(#arms)*
                other => Err(CallError::UnknownOperation(other.to_owned())),
            }
        }
    };
    Ok(prettyplease::unparse(&syn::parse2(tokens)?))
}

/// The `conformance/src/adapters/mod.rs` source: one module per provider and a dispatcher.
pub fn generate_index(providers: &[(String, String)]) -> Result<String> {
    let modules = providers
        .iter()
        .map(|(provider, _)| format_ident!("{provider}"));
    let arms = providers.iter().map(|(provider, krate)| {
        let module = format_ident!("{provider}");
        let krate = format_ident!("{krate}");
        quote! {
            #provider => #module::call(&#krate::Client::new_with_client(base_url, http), operation, call).await,
        }
    });
    let names = providers.iter().map(|(provider, _)| provider);
    let tokens = quote! {
        //! One adapter per spec in `specs/`, generated with it by `cargo xtask generate`.

        #(
            #[rustfmt::skip]
            pub mod #modules;
        )*

        use crate::exchange::{Call, CallError, Exchange};

        /// The providers that have an adapter, by spec name.
        pub const PROVIDERS: &[&str] = &[#(#names),*];

        /// Sends `operation` of `provider`'s client to `base_url`, through `http` (which carries the
        /// credential).
        pub async fn call(
            provider: &str,
            base_url: &str,
            http: reqwest::Client,
            operation: &str,
            call: &mut Call,
        ) -> Result<Exchange, CallError> {
            match provider {
                #(#arms)*
                other => Err(CallError::UnknownProvider(other.to_owned())),
            }
        }
    };
    Ok(prettyplease::unparse(&syn::parse2(tokens)?))
}

#[derive(Clone, Copy)]
enum SetterSource {
    Parameter,
    Body,
}

/// The builders of the generated `builder` module, by struct name.
pub(super) struct Builders(Vec<Builder>);

pub(super) struct Builder {
    name: String,
    /// `(method, value type)` of every `fn x<V>(self, value: V) where V: TryInto<T>` setter.
    pub(super) values: Vec<(String, syn::Type)>,
    /// Methods that take a `FilePart`.
    files: Vec<String>,
    /// `T` of `send(self) -> Result<ResponseValue<T>, Error<E>>`.
    pub(super) success: Option<syn::Type>,
}

impl Builders {
    pub(super) fn read(module: &syn::File) -> Result<Self> {
        let items = module_items(module, "builder")?;
        let mut builders = Vec::new();
        for item in items {
            let syn::Item::Impl(block) = item else {
                continue;
            };
            let syn::Type::Path(self_type) = &*block.self_ty else {
                continue;
            };
            let Some(segment) = self_type.path.segments.last() else {
                continue;
            };
            let mut builder = Builder {
                name: segment.ident.to_string(),
                values: Vec::new(),
                files: Vec::new(),
                success: None,
            };
            for item in &block.items {
                if let syn::ImplItem::Fn(function) = item {
                    builder.read_method(&function.sig);
                }
            }
            builders.push(builder);
        }
        Ok(Self(builders))
    }

    pub(super) fn get(&self, operation_id: &str) -> Result<&Builder> {
        let name = heck::AsUpperCamelCase(operation_id).to_string();
        self.0
            .iter()
            .find(|builder| builder.name == name && builder.success.is_some())
            .with_context(|| format!("no builder `{name}` with a `send` for {operation_id}"))
    }
}

impl Builder {
    fn read_method(&mut self, signature: &syn::Signature) {
        let name = signature.ident.to_string();
        if name == "send" {
            self.success = send_success_type(signature);
            return;
        }
        if let Some(ty) = try_into_bound(signature) {
            self.values.push((name, ty));
            return;
        }
        let takes_file_part = signature.inputs.iter().any(
            |input| matches!(input, syn::FnArg::Typed(arg) if type_ends_with(&arg.ty, "FilePart")),
        );
        if takes_file_part {
            self.files.push(name);
        }
    }

    /// The setter of the parameter (or body) `name`, and the type it converts to.
    pub(super) fn setter(&self, operation_id: &str, name: &str) -> Result<(syn::Ident, syn::Type)> {
        let snake = name.to_snake_case();
        let (method, ty) = self
            .values
            .iter()
            .find(|(method, _)| *method == snake || *method == format!("{snake}_"))
            .with_context(|| format!("{operation_id}: no setter for `{name}`"))?;
        Ok((format_ident!("{method}"), ty.clone()))
    }

    /// The code that sets one parameter (or the body) from the call, converting the JSON value
    /// to the setter's own type: a value the type refuses is a `CallError`, as a consumer's
    /// `TryFrom` error would be.
    fn value_setter(
        &self,
        operation_id: &str,
        name: &str,
        krate: &syn::Ident,
        source: SetterSource,
    ) -> Result<TokenStream> {
        let (setter, mut ty) = self.setter(operation_id, name)?;
        CratePaths(krate).visit_type_mut(&mut ty);
        Ok(match source {
            SetterSource::Parameter => quote! {
                if let Some(value) = call.parameter::<#ty>(#name)? {
                    request = request.#setter(value);
                }
            },
            SetterSource::Body => quote! {
                if let Some(value) = call.body::<#ty>()? {
                    request = request.#setter(value);
                }
            },
        })
    }

    /// The method that sets the file part `field`.
    pub(super) fn file_setter(&self, operation_id: &str, field: &str) -> Result<syn::Ident> {
        let snake = field.to_snake_case();
        self.files
            .iter()
            .find(|method| **method == snake)
            .map(|method| format_ident!("{method}"))
            .with_context(|| format!("{operation_id}: no file setter for `{field}`"))
    }

    /// The block that turns the success value `value` into a `Decoded` body.
    fn success(&self, krate: &syn::Ident, module: &syn::File) -> Result<TokenStream> {
        let ty = self.success.as_ref().context("no send")?;
        if type_ends_with(ty, "Audio") {
            return Ok(quote!(crate::exchange::audio(value).await));
        }
        if matches!(ty, syn::Type::Tuple(tuple) if tuple.elems.is_empty()) {
            return Ok(quote! {
                let () = value;
                crate::exchange::Decoded::Empty
            });
        }
        if type_ends_with(ty, "ByteStream") {
            bail!("{}: a byte stream response is not supported", self.name);
        }
        let name = last_ident(ty).context("a named success type")?;
        let Some(variants) = result_enum_variants(module, &name)? else {
            return Ok(quote!(crate::exchange::json(&value)));
        };
        let name = format_ident!("{name}");
        let arms = variants.iter().map(|(variant, ty)| {
            let variant = format_ident!("{variant}");
            if type_ends_with(ty, "Audio") {
                quote!(#krate::types::#name::#variant(value) => crate::exchange::audio(value).await,)
            } else {
                quote!(#krate::types::#name::#variant(value) => crate::exchange::json(&value),)
            }
        });
        Ok(quote! {
            match value {
                #(#arms)*
            }
        })
    }
}

/// The binary (file) properties of the schema of the request body the client sends.
pub(super) fn binary_fields(
    spec: &Spec,
    operation: &crate::spec::Operation,
) -> Result<Vec<String>> {
    let mut fields = Vec::new();
    let Some(content) = operation.request_content() else {
        return Ok(fields);
    };
    let (_, client_media) = crate::spec::client_media(content)?;
    for media in client_media.into_iter().map(|media| &content[media]) {
        let Some(schema) = media.get("schema") else {
            continue;
        };
        for (name, property) in spec
            .resolve(schema)?
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if crate::spec::is_binary(property) {
                fields.push(name.clone());
            }
        }
    }
    Ok(fields)
}

fn module_items<'a>(module: &'a syn::File, name: &str) -> Result<&'a [syn::Item]> {
    module
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| &items[..]),
            _ => None,
        })
        .with_context(|| format!("the generated module has no `{name}` module"))
}

/// The variants of a result enum in `types`, each with its one field's type; `None` when `name`
/// is not such an enum.
pub(super) fn result_enum_variants(
    module: &syn::File,
    name: &str,
) -> Result<Option<Vec<(String, syn::Type)>>> {
    for item in module_items(module, "types")? {
        let syn::Item::Enum(definition) = item else {
            continue;
        };
        if definition.ident != name {
            continue;
        }
        let mut variants = Vec::new();
        for variant in &definition.variants {
            let syn::Fields::Unnamed(fields) = &variant.fields else {
                return Ok(None);
            };
            let [field] = &fields.unnamed.iter().collect::<Vec<_>>()[..] else {
                return Ok(None);
            };
            variants.push((variant.ident.to_string(), field.ty.clone()));
        }
        return Ok(Some(variants));
    }
    Ok(None)
}

/// `T` in `where V: std::convert::TryInto<T>`.
fn try_into_bound(signature: &syn::Signature) -> Option<syn::Type> {
    let clause = signature.generics.where_clause.as_ref()?;
    clause.predicates.iter().find_map(|predicate| {
        let syn::WherePredicate::Type(predicate) = predicate else {
            return None;
        };
        if !matches!(&predicate.bounded_ty, syn::Type::Path(p) if p.path.is_ident("V")) {
            return None;
        }
        predicate.bounds.iter().find_map(|bound| {
            let syn::TypeParamBound::Trait(bound) = bound else {
                return None;
            };
            let segment = bound.path.segments.last()?;
            if segment.ident != "TryInto" {
                return None;
            }
            let syn::PathArguments::AngleBracketed(arguments) = &segment.arguments else {
                return None;
            };
            arguments.args.iter().find_map(|argument| match argument {
                syn::GenericArgument::Type(ty) => Some(ty.clone()),
                _ => None,
            })
        })
    })
}

/// `T` in `-> Result<ResponseValue<T>, Error<E>>`.
fn send_success_type(signature: &syn::Signature) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = &signature.output else {
        return None;
    };
    let result = first_generic(ty)?;
    first_generic(&result)
}

fn first_generic(ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let syn::PathArguments::AngleBracketed(arguments) = &path.path.segments.last()?.arguments
    else {
        return None;
    };
    arguments.args.iter().find_map(|argument| match argument {
        syn::GenericArgument::Type(ty) => Some(ty.clone()),
        _ => None,
    })
}

pub(super) fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

pub(super) fn type_ends_with(ty: &syn::Type, name: &str) -> bool {
    last_ident(ty).is_some_and(|ident| ident == name)
}

/// Rewrites the generated module's own paths (`types::X`, `crate::generated::types::X`) into
/// paths through the provider crate (`<provider>_client::types::X`).
struct CratePaths<'a>(&'a syn::Ident);

impl VisitMut for CratePaths<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let krate = self.0;
        let skip = match names.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["crate", "generated", ..] => Some(2),
            ["types", ..] => Some(0),
            _ => None,
        };
        if let Some(skip) = skip {
            let rest: Vec<syn::PathSegment> = path.segments.iter().skip(skip).cloned().collect();
            *path = syn::parse_quote!(#krate::#(#rest)::*);
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}
