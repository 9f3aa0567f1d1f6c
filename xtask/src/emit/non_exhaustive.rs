//! Makes the spec's schema types evolvable the way `cargo xtask diff` classifies spec changes.
//!
//! typify emits request and response structs with public fields and closed enums, so any added
//! field or value would break a consumer's struct literal or exhaustive `match`: adding an
//! *optional* request field would be a breaking change. Marking them `#[non_exhaustive]` confines
//! construction to what survives such additions: the typify builder (`Type::builder()`) and
//! a generated `new`, which takes exactly the required fields, so adding a required field still
//! changes its signature (breaking, as it should be) while adding an optional one does not.

use quote::quote;
use syn::{Fields, Item, ItemStruct, Type};

/// Marks every named-field struct and every enum typify put in the `types` module
/// `#[non_exhaustive]`, and gives each such struct a `new` taking its required fields.
pub fn apply(file: &mut syn::File) {
    let Some((_, items)) = file.items.iter_mut().find_map(|item| match item {
        Item::Mod(module) if module.ident == "types" => module.content.as_mut(),
        _ => None,
    }) else {
        return;
    };
    let mut constructors = Vec::new();
    for item in items.iter_mut() {
        match item {
            Item::Struct(item) if matches!(item.fields, Fields::Named(_)) => {
                item.attrs.push(syn::parse_quote!(#[non_exhaustive]));
                constructors.push(constructor(item));
            }
            Item::Enum(item) => item.attrs.push(syn::parse_quote!(#[non_exhaustive])),
            _ => {}
        }
    }
    items.extend(constructors);
}

/// `impl T { pub fn new(<required fields>) -> Self }`: a field is required when its value cannot
/// be left out of the JSON (not an `Option`, no `#[serde(default)]`); the others take the value
/// serde gives them when absent.
fn constructor(item: &ItemStruct) -> Item {
    let name = &item.ident;
    let mut parameters = Vec::new();
    let mut values = Vec::new();
    for field in &item.fields {
        let ident = field.ident.as_ref().expect("named field");
        let ty = &field.ty;
        let value = match serde_default(field) {
            Some(Some(path)) => {
                let path = syn::parse_str::<syn::Path>(&path).expect("serde default path");
                quote!(#path())
            }
            Some(None) => quote!(::std::default::Default::default()),
            None if is_option(ty) => quote!(::std::option::Option::None),
            None => {
                parameters.push(quote!(#ident: #ty));
                values.push(quote!(#ident));
                continue;
            }
        };
        values.push(quote!(#ident: #value));
    }
    let doc = format!(
        "Builds a `{name}` from its required fields, the optional ones unset (or at their \
         default): set them on the value, or use [`{name}::builder`]. Adding an optional field to \
         the spec keeps this signature; adding a required one changes it."
    );
    syn::parse_quote! {
        impl #name {
            #[doc = #doc]
            #[allow(clippy::too_many_arguments)]
            pub fn new(#(#parameters),*) -> Self {
                Self { #(#values),* }
            }
        }
    }
}

/// The field's `#[serde(default)]` (`Some(None)`) or `#[serde(default = "path")]`
/// (`Some(Some(path))`), if any.
fn serde_default(field: &syn::Field) -> Option<Option<String>> {
    let mut found = None;
    for attribute in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attribute.parse_nested_meta(|meta| {
            if meta.path.is_ident("default") {
                found = Some(match meta.value() {
                    Ok(value) => Some(value.parse::<syn::LitStr>()?.value()),
                    Err(_) => None,
                });
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
    }
    found
}

fn is_option(ty: &Type) -> bool {
    matches!(ty, Type::Path(path) if path.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Structs and enums become `#[non_exhaustive]`; `new` takes the required fields only and
    /// fills the others with `None` or their serde default.
    #[test]
    fn structs_and_enums_are_non_exhaustive_and_new_takes_the_required_fields() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Request {
                    pub text: ::std::string::String,
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub voice: ::std::option::Option<::std::string::String>,
                    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                    pub tags: ::std::vec::Vec<::std::string::String>,
                    #[serde(default = "defaults::request_question")]
                    pub question: ::std::string::String,
                }
                pub enum Format { Mp3, Wav }
                pub struct Wrapper(pub ::std::string::String);
            }
        };
        apply(&mut file);
        let text = prettyplease::unparse(&file);
        assert_eq!(text.matches("#[non_exhaustive]").count(), 2, "{text}");
        assert!(
            text.contains("pub fn new(text: ::std::string::String) -> Self"),
            "{text}"
        );
        assert!(
            text.contains("voice: ::std::option::Option::None"),
            "{text}"
        );
        assert!(
            text.contains("tags: ::std::default::Default::default()"),
            "{text}"
        );
        assert!(
            text.contains("question: defaults::request_question()"),
            "{text}"
        );
    }
}
