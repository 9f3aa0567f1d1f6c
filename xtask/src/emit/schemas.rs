//! The `schemars::JsonSchema` derives typify adds to the schema types, moved behind the generated
//! crate's `schemars` feature: a consumer who does not publish or check JSON Schemas compiles
//! neither `schemars` nor its derive macro.

use syn::punctuated::Punctuated;
use syn::{Attribute, Item, Token};

/// The derive typify is asked for ([`super::settings`]).
pub const DERIVE: &str = "schemars::JsonSchema";

/// Rewrites `#[derive(.., schemars::JsonSchema)]` on the items of the `types` module as
/// `#[derive(..)] #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]`.
pub fn behind_feature(file: &mut syn::File) {
    let types = file.items.iter_mut().find_map(|item| match item {
        Item::Mod(module) if module.ident == "types" => module.content.as_mut(),
        _ => None,
    });
    for item in types.into_iter().flat_map(|(_, items)| items.iter_mut()) {
        let attributes = match item {
            Item::Struct(item) => &mut item.attrs,
            Item::Enum(item) => &mut item.attrs,
            _ => continue,
        };
        if attributes.iter_mut().any(remove_derive) {
            attributes.push(syn::parse_quote!(
                #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
            ));
        }
    }
}

/// Removes the JSON Schema derive from a `#[derive(..)]` attribute; whether it was there.
fn remove_derive(attribute: &mut Attribute) -> bool {
    if !attribute.path().is_ident("derive") {
        return false;
    }
    let Ok(paths) = attribute.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
    else {
        return false;
    };
    let is_schema = |path: &syn::Path| quote::quote!(#path).to_string().replace(' ', "") == DERIVE;
    if !paths.iter().any(is_schema) {
        return false;
    }
    let kept = paths.into_iter().filter(|path| !is_schema(path));
    *attribute = syn::parse_quote!(#[derive(#(#kept),*)]);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_derive_moves_behind_the_feature_and_the_others_stay() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(Clone, Debug, schemars::JsonSchema)]
                pub struct Request { pub text: String }
                #[derive(Clone, Debug)]
                pub enum Plain { A }
            }
            #[derive(Clone, schemars::JsonSchema)]
            pub struct Outside;
        };
        behind_feature(&mut file);
        let expected: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(Clone, Debug)]
                #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
                pub struct Request { pub text: String }
                #[derive(Clone, Debug)]
                pub enum Plain { A }
            }
            #[derive(Clone, schemars::JsonSchema)]
            pub struct Outside;
        };
        assert_eq!(
            prettyplease::unparse(&file),
            prettyplease::unparse(&expected)
        );
    }
}
