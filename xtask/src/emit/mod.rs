//! The generated module of a provider crate: progenitor's output with the xtask's items merged in.

pub mod adapter;
mod dispatch;
pub mod docs;
mod hooks;
mod jobs;
mod lengths;
pub mod mock;
mod non_exhaustive;
mod operations;
mod schemas;
mod service;
mod speech;
mod values;

use std::panic::{AssertUnwindSafe, catch_unwind};

use anyhow::{Context, Result, anyhow, bail};
use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl};
use quote::quote;

use crate::plan::{Body, Plan, SuccessBody, ValueKind};
use crate::spec::Spec;

/// Where the generated module sits in its crate; value types are referred to by this path.
const MODULE_PATH: &str = "crate::generated";

/// Generates the module of `src/generated.rs` for a spec.
pub fn generate_module(spec: &Spec, plan: &Plan) -> Result<syn::File> {
    let document = progenitor_document(spec, plan)?;

    let settings = settings(plan);
    let tokens = run_progenitor(spec, || {
        Generator::new(&settings).generate_tokens(&document)
    })?;

    let mut file: syn::File = syn::parse2(tokens).context("parsing progenitor's output")?;
    schemas::behind_feature(&mut file);
    hooks::apply(spec, &mut file)?;
    non_exhaustive::apply(&mut file, plan);
    lengths::apply(spec, &mut file)?;
    let value_items = values::emit(&plan.values)?;
    let mut methods = Vec::new();
    let mut builders = Vec::new();
    let mut result_types = Vec::new();
    for operation in &plan.operations {
        let code =
            operations::emit(operation).with_context(|| format!("emitting {}", operation.id))?;
        methods.push(code.method);
        builders.push(code.builder);
        result_types.extend(code.result_type);
    }

    allow_unused_type_defaults(&mut file);
    pass_value_errors_through(&mut file);
    append_to_module(
        &mut file,
        "types",
        value_items.into_iter().chain(result_types),
    )?;
    append_to_module(&mut file, "builder", builders)?;
    // Re-export the runtime types the emitted methods take or return, so a consumer of the provider
    // crate needs no other dependency to upload a file or read audio.
    let uses_files = plan
        .operations
        .iter()
        .any(|operation| match &operation.body {
            Some(Body::Multipart { files, .. }) => !files.is_empty(),
            Some(Body::Binary(_)) => true,
            Some(Body::Json(_)) | None => false,
        });
    let uses_audio = plan.operations.iter().any(|operation| {
        operation
            .success_bodies()
            .iter()
            .any(|body| matches!(body, SuccessBody::Binary(_)))
    });
    if uses_files {
        file.items.push(syn::parse_quote!(
            pub use speech_client_runtime::FilePart;
        ));
    }
    if uses_audio {
        file.items.push(syn::parse_quote!(
            pub use speech_client_runtime::Audio;
        ));
    }
    file.items.extend(jobs::module(spec)?);
    file.items.push(service::module(spec)?);
    if !methods.is_empty() {
        file.items.push(syn::parse2(quote! {
            impl Client {
                #(#methods)*
            }
        })?);
    }
    let dispatch = dispatch::emit(spec, &file)?;
    file.items.push(dispatch);
    docs::document_module(spec, plan, &mut file);
    Ok(file)
}

/// The document handed to progenitor (the plan's copy of the spec, without emitted operations).
fn progenitor_document(spec: &Spec, plan: &Plan) -> Result<openapiv3::OpenAPI> {
    serde_json::from_value(plan.progenitor_doc.clone()).with_context(|| {
        format!(
            "{} is not a valid OpenAPI 3.0 document",
            spec.path.display()
        )
    })
}

/// progenitor's settings: builder interface, schemars derives (moved behind the crate's
/// `schemars` feature by [`schemas::behind_feature`]), and the xtask's value types in place of
/// typify's.
fn settings(plan: &Plan) -> GenerationSettings {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_derive(schemas::DERIVE);
    for value in &plan.values {
        let impls: Vec<TypeImpl> = match value.kind {
            ValueKind::OpenEnum(_) => vec![TypeImpl::FromStr, TypeImpl::Display],
            ValueKind::Number { .. } => vec![TypeImpl::Display],
            ValueKind::Text { .. } => vec![TypeImpl::FromStr, TypeImpl::Display],
        };
        let path = format!("{MODULE_PATH}::types::{}", value.name);
        settings.with_replacement(&value.name, path, impls.into_iter());
    }
    settings
}

/// Runs a progenitor generator. progenitor reports many unsupported shapes by panicking; that
/// becomes an error that names the spec.
fn run_progenitor(
    spec: &Spec,
    generate: impl FnOnce() -> std::result::Result<proc_macro2::TokenStream, progenitor::Error>,
) -> Result<proc_macro2::TokenStream> {
    catch_unwind(AssertUnwindSafe(generate))
        .map_err(|panic| {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            anyhow!("progenitor panicked on {}: {message}", spec.path.display())
        })?
        .map_err(|e| anyhow!("progenitor failed on {}: {e}", spec.path.display()))
}

/// Appends items to the inline module `name` of the generated file.
fn append_to_module(
    file: &mut syn::File,
    name: &str,
    items: impl IntoIterator<Item = proc_macro2::TokenStream>,
) -> Result<()> {
    let module = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == name => Some(module),
            _ => None,
        })
        .with_context(|| format!("progenitor's output has no `{name}` module"))?;
    let Some((_, content)) = module.content.as_mut() else {
        bail!("module `{name}` has no body");
    };
    for tokens in items {
        let parsed: syn::File = syn::parse2(tokens)
            .with_context(|| format!("parsing the items emitted into `{name}`"))?;
        content.extend(parsed.items);
    }
    Ok(())
}

/// typify's builders wrap a setter's conversion error as "error converting supplied value for
/// text: ..."; the xtask's value types already name their field in a sentence ("`text` must be at
/// least 1 character (got 0)"), so for setters of those types the message is passed on as it is,
/// naming the field once.
fn pass_value_errors_through(file: &mut syn::File) {
    struct Setters;
    impl syn::visit_mut::VisitMut for Setters {
        fn visit_impl_item_fn_mut(&mut self, function: &mut syn::ImplItemFn) {
            let generics = &function.sig.generics;
            let bounds = &generics.where_clause;
            let target = quote!(#generics #bounds).to_string();
            let value_type = format!("{} :: types ::", MODULE_PATH.replace("::", " :: "));
            if target.contains(&value_type) {
                syn::visit_mut::visit_block_mut(&mut PassThrough, &mut function.block);
            }
        }
    }
    struct PassThrough;
    impl syn::visit_mut::VisitMut for PassThrough {
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            let Ok(message) = mac.parse_body::<syn::LitStr>() else {
                return;
            };
            if mac.path.is_ident("format")
                && message
                    .value()
                    .starts_with("error converting supplied value for ")
            {
                mac.tokens = quote!("{e}");
            }
        }
    }
    let builder = file
        .items
        .iter_mut()
        .filter_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "types" => module.content.as_mut(),
            _ => None,
        })
        .flat_map(|(_, items)| items.iter_mut())
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "builder" => Some(module),
            _ => None,
        });
    if let Some(builder) = builder {
        syn::visit_mut::visit_item_mod_mut(&mut Setters, builder);
    }
}

/// typify emits generic default helpers (`types::defaults`) whether or not a field still uses them
/// (a bounded value type replaces the field's default); allow the unused ones there only.
fn allow_unused_type_defaults(file: &mut syn::File) {
    let types = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == "types" => module.content.as_mut(),
        _ => None,
    });
    for item in types.into_iter().flat_map(|(_, items)| items.iter_mut()) {
        if let syn::Item::Mod(module) = item
            && module.ident == "defaults"
        {
            module.attrs.push(syn::parse_quote!(#[allow(dead_code)]));
        }
    }
}
