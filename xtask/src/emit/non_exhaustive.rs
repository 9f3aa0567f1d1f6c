//! Makes the spec's schema types evolvable the way `cargo xtask diff` classifies spec changes.
//!
//! typify emits request and response structs with public fields and closed enums, so any added
//! field or value would break a consumer's struct literal or exhaustive `match`: adding an
//! *optional* request field would be a breaking change. Marking them `#[non_exhaustive]` confines
//! construction to what survives such additions: the typify builder (`Type::builder()`) and, for
//! request types, a generated `new` that takes exactly the required fields, so adding a required
//! request field still changes its signature (breaking, as it should be) while adding an optional
//! one does not. Response types get no `new`: they are decoded, not built (a test builds one with
//! its builder or from JSON), so a field the provider starts sending breaks nothing.

use std::collections::{BTreeMap, BTreeSet};

use quote::{ToTokens, quote};
use syn::{Fields, Item, ItemStruct, Type};

use crate::plan::{Body, Plan};

/// Marks every named-field struct and every enum typify put in the `types` module
/// `#[non_exhaustive]`, and gives each request struct (a request body's, or one a request struct
/// holds) a `new` taking its required fields.
pub fn apply(file: &mut syn::File, plan: &Plan) {
    let roots = request_roots(file, plan);
    let Some((_, items)) = file.items.iter_mut().find_map(|item| match item {
        Item::Mod(module) if module.ident == "types" => module.content.as_mut(),
        _ => None,
    }) else {
        return;
    };
    let structs: BTreeMap<String, BTreeSet<String>> = items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(item) if matches!(item.fields, Fields::Named(_)) => Some((
                item.ident.to_string(),
                words(item.fields.iter().map(|field| &field.ty)),
            )),
            _ => None,
        })
        .collect();
    let requests = reachable(&structs, roots);
    let mut constructors = Vec::new();
    for item in items.iter_mut() {
        match item {
            Item::Struct(item) if matches!(item.fields, Fields::Named(_)) => {
                item.attrs.push(syn::parse_quote!(#[non_exhaustive]));
                if requests.contains(&item.ident.to_string()) {
                    constructors.push(constructor(item));
                }
            }
            Item::Enum(item) => item.attrs.push(syn::parse_quote!(#[non_exhaustive])),
            _ => {}
        }
    }
    items.extend(constructors);
}

/// The names that request bodies start from: what progenitor's operation builders hold (their
/// `body` field's type), and the JSON and form bodies of the operations the xtask emits.
fn request_roots(file: &syn::File, plan: &Plan) -> BTreeSet<String> {
    let builders = file.items.iter().find_map(|item| match item {
        Item::Mod(module) if module.ident == "builder" => module.content.as_ref(),
        _ => None,
    });
    let mut roots: BTreeSet<String> = builders
        .into_iter()
        .flat_map(|(_, items)| items)
        .filter_map(|item| match item {
            Item::Struct(item) => Some(words(item.fields.iter().map(|field| &field.ty))),
            _ => None,
        })
        .flatten()
        .collect();
    roots.extend(
        plan.operations
            .iter()
            .filter_map(|operation| match &operation.body {
                Some(Body::Json(name)) | Some(Body::Multipart { fields: name, .. }) => {
                    Some(name.clone())
                }
                Some(Body::Binary(_)) | None => None,
            }),
    );
    roots
}

/// The structs among `structs` (name to the words of its field types) that `roots` name, and
/// those their fields hold, transitively.
fn reachable(
    structs: &BTreeMap<String, BTreeSet<String>>,
    roots: BTreeSet<String>,
) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut pending: Vec<String> = roots.into_iter().collect();
    while let Some(name) = pending.pop() {
        if let Some(fields) = structs.get(&name)
            && found.insert(name)
        {
            pending.extend(fields.iter().cloned());
        }
    }
    found
}

/// The identifiers in some types (`Option<types::builder::Voice>` gives `Option`, `types`,
/// `builder`, `Voice`).
fn words<'a>(types: impl IntoIterator<Item = &'a Type>) -> BTreeSet<String> {
    types
        .into_iter()
        .flat_map(|ty| {
            ty.to_token_stream()
                .to_string()
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .filter(|word| !word.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
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
    /// fills the others with `None` or their serde default, and only request structs (what an
    /// operation builder's body holds, transitively) get one.
    #[test]
    fn structs_and_enums_are_non_exhaustive_and_request_structs_get_new() {
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
                    pub settings: ::std::option::Option<Settings>,
                }
                pub struct Settings {
                    pub speed: f64,
                }
                pub struct Answer {
                    pub id: ::std::string::String,
                }
                pub enum Format { Mp3, Wav }
                pub struct Wrapper(pub ::std::string::String);
            }
            pub mod builder {
                pub struct Speak<'a> {
                    client: &'a super::Client,
                    body: Result<types::builder::Request, String>,
                }
            }
        };
        let spec = crate::spec::Spec::parse(
            std::path::Path::new("specs/empty.yaml"),
            "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents: {schemas: {}}\n",
        )
        .unwrap();
        apply(&mut file, &Plan::new(&spec).unwrap());
        let text = prettyplease::unparse(&file);
        assert_eq!(text.matches("#[non_exhaustive]").count(), 4, "{text}");
        assert!(
            text.contains("pub fn new(text: ::std::string::String) -> Self"),
            "{text}"
        );
        assert!(text.contains("pub fn new(speed: f64) -> Self"), "{text}");
        assert_eq!(text.matches("pub fn new(").count(), 2, "{text}");
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
