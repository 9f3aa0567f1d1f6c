//! `x-max-length-by-model` on a property of a request schema: the longest text depends on the
//! model the same request names, which no JSON Schema keyword of one property can say (the
//! property's `maxLength` is the largest limit). The check goes into the schema type's conversion
//! from its builder, the one way every request body is built (the operation builder's `body`,
//! `body_map` and a dispatched call's JSON alike), and calls the runtime's `length_by_model`.

use anyhow::{Context, Result, bail};
use heck::ToUpperCamelCase;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::{Expr, Item, Stmt};

use crate::spec::Spec;

/// The extension, on a text property.
const EXTENSION: &str = "x-max-length-by-model";

/// Adds the check of each `components.schemas` entry whose properties carry the extension to
/// `impl TryFrom<builder::X> for X`. A schema without a `model` property to read the model from,
/// or an entry of the extension that is not a whole number, is an error of the spec.
pub fn apply(spec: &Spec, file: &mut syn::File) -> Result<()> {
    let schemas = spec
        .doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        let schema = spec.resolve_schema(schema)?;
        let rules = rules(spec, &schema).with_context(|| format!("schema `{name}`"))?;
        if rules.is_empty() {
            continue;
        }
        let type_name = name.to_upper_camel_case();
        let conversion = builder_conversion(file, &type_name).with_context(|| {
            format!("schema `{name}` has `{EXTENSION}`, but its type `{type_name}` has no builder")
        })?;
        check_before_returning(conversion, &rules)
            .with_context(|| format!("the conversion of `{type_name}` from its builder"))?;
    }
    Ok(())
}

/// The `LengthByModel` values of `schema`'s properties that carry the extension.
fn rules(spec: &Spec, schema: &Value) -> Result<Vec<proc_macro2::TokenStream>> {
    let properties = schema.get("properties").and_then(Value::as_object);
    let mut rules = Vec::new();
    for (field, property) in properties.into_iter().flatten() {
        let property = spec.resolve(property)?;
        let Some(limits) = property.get(EXTENSION) else {
            continue;
        };
        let limits = limits
            .as_object()
            .with_context(|| format!("`{field}`: `{EXTENSION}` is not a map of models"))?;
        let Some(model) = properties.and_then(|properties| properties.get("model")) else {
            bail!("`{field}` has `{EXTENSION}`, but the schema has no `model` property");
        };
        let default_model = match spec.resolve(model)?.get("default").and_then(Value::as_str) {
            Some(model) => quote!(Some(#model)),
            None => quote!(None),
        };
        let mut entries = Vec::new();
        for (model, limit) in limits {
            let limit = limit.as_u64().with_context(|| {
                format!("`{field}`: the limit of `{model}` is not a whole number")
            })?;
            let limit = usize::try_from(limit)?;
            entries.push(quote!((#model, #limit)));
        }
        rules.push(quote! {
            speech_client_runtime::length_by_model::LengthByModel {
                field: #field,
                default_model: #default_model,
                limits: &[#(#entries),*],
            }
        });
    }
    Ok(rules)
}

/// `types::builder`'s `impl TryFrom<T> for super::T`'s function.
fn builder_conversion<'a>(file: &'a mut syn::File, type_name: &str) -> Option<&'a mut syn::Block> {
    let module = |items: &'a mut Vec<Item>, name: &str| {
        items.iter_mut().find_map(|item| match item {
            Item::Mod(module) if module.ident == name => {
                module.content.as_mut().map(|(_, items)| items)
            }
            _ => None,
        })
    };
    let types = module(&mut file.items, "types")?;
    let builder = module(types, "builder")?;
    let target = format_ident!("{type_name}");
    builder.iter_mut().find_map(|item| {
        let Item::Impl(conversion) = item else {
            return None;
        };
        let (_, path, _) = conversion.trait_.as_ref()?;
        let is_try_from = path.segments.last()?.ident == "TryFrom";
        let self_type = &conversion.self_ty;
        let converts = quote!(#self_type).to_string() == quote!(super::#target).to_string();
        if !(is_try_from && converts) {
            return None;
        }
        conversion.items.iter_mut().find_map(|item| match item {
            syn::ImplItem::Fn(function) if function.sig.ident == "try_from" => {
                Some(&mut function.block)
            }
            _ => None,
        })
    })
}

/// Rewrites the conversion's `Ok(Self { .. })` to build the value, check it, then return it.
fn check_before_returning(
    block: &mut syn::Block,
    rules: &[proc_macro2::TokenStream],
) -> Result<()> {
    let Some(Stmt::Expr(Expr::Call(call), None)) = block.stmts.last() else {
        bail!("it does not end in `Ok(..)`");
    };
    let (Expr::Path(function), Some(value)) = (&*call.func, call.args.first()) else {
        bail!("it does not end in `Ok(..)`");
    };
    if !function.path.is_ident("Ok") || call.args.len() != 1 {
        bail!("it does not end in `Ok(..)`");
    }
    let value = value.clone();
    block.stmts.pop();
    let checked: syn::Block = syn::parse_quote!({
        let value = #value;
        speech_client_runtime::length_by_model::check(&value, &[#(#rules),*])?;
        Ok(value)
    });
    block.stmts.extend(checked.stmts);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(properties: Value) -> Spec {
        Spec {
            provider: "acme".into(),
            path: "specs/acme.yaml".into(),
            doc: json!({"components": {"schemas": {"SpeechRequest": {
                "type": "object",
                "properties": properties,
            }}}}),
        }
    }

    fn progenitor_output() -> syn::File {
        syn::parse_quote! {
            pub mod types {
                pub mod builder {
                    impl ::std::convert::TryFrom<SpeechRequest> for super::SpeechRequest {
                        type Error = super::error::ConversionError;
                        fn try_from(
                            value: SpeechRequest,
                        ) -> ::std::result::Result<Self, super::error::ConversionError> {
                            Ok(Self { model: value.model?, text: value.text? })
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_conversion_from_the_builder_checks_the_text_against_the_model_before_returning() {
        let spec = spec(json!({
            "model": {"type": "string", "default": "fast"},
            "text": {"type": "string", "maxLength": 100, "x-max-length-by-model": {"fast": 10}},
        }));
        let mut file = progenitor_output();
        apply(&spec, &mut file).unwrap();
        let code = quote!(#file).to_string().replace(' ', "");
        let expected = quote! {
            let value = Self { model: value.model?, text: value.text? };
            speech_client_runtime::length_by_model::check(&value, &[
                speech_client_runtime::length_by_model::LengthByModel {
                    field: "text",
                    default_model: Some("fast"),
                    limits: &[("fast", 10usize)],
                }
            ])?;
            Ok(value)
        }
        .to_string()
        .replace(' ', "");
        assert!(code.contains(&expected), "{code}");
    }

    #[test]
    fn a_limit_by_model_without_a_model_property_or_a_builder_is_an_error_of_the_spec() {
        let no_model = spec(json!({
            "text": {"type": "string", "x-max-length-by-model": {"fast": 10}},
        }));
        let error = apply(&no_model, &mut progenitor_output()).unwrap_err();
        assert!(
            format!("{error:#}").contains("no `model` property"),
            "{error:#}"
        );

        let with_model = spec(json!({
            "model": {"type": "string"},
            "text": {"type": "string", "x-max-length-by-model": {"fast": 10}},
        }));
        let mut no_builder: syn::File = syn::parse_quote!(
            pub mod types {}
        );
        let error = apply(&with_model, &mut no_builder).unwrap_err();
        assert!(format!("{error:#}").contains("has no builder"), "{error:#}");
    }
}
