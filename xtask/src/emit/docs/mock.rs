//! Doc comments for the typed mock helpers (`src/mock.rs`): what each `When` method matches and
//! what each `Then` method answers, read from the httpmock calls progenitor and the xtask emit.

use heck::ToSnakeCase;
use quote::ToTokens;
use syn::visit_mut::VisitMut;

use super::{add_doc, has_doc, impl_fns};

/// Documents the undocumented public items of a generated mock module (`src/mock.rs`).
pub fn document_mock(file: &mut syn::File) {
    for item in &mut file.items {
        match item {
            syn::Item::Mod(module) if module.ident == "operations" => {
                for item in module.content.iter_mut().flat_map(|(_, items)| items) {
                    document_mock_item(item);
                }
            }
            syn::Item::Trait(definition) if definition.ident == "MockServerExt" => {
                for item in &mut definition.items {
                    if let syn::TraitItem::Fn(function) = item {
                        let op = function.sig.ident.to_string();
                        add_doc(
                            &mut function.attrs,
                            &format!(
                                "Mocks [`Client::{op}`](crate::Client::{op}): `config_fn` \
                                 narrows the requests it matches (`When`) and sets its answer \
                                 (`Then`)."
                            ),
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

/// A `When` or `Then` wrapper of the mock module, and its methods.
fn document_mock_item(item: &mut syn::Item) {
    match item {
        syn::Item::Struct(definition) if !has_doc(&definition.attrs) => {
            let name = definition.ident.to_string();
            let (op, role) = mock_wrapper(&name);
            let text = match role {
                "When" => format!(
                    "The requests a mock of [`Client::{op}`](crate::Client::{op}) matches: each \
                     method narrows them."
                ),
                _ => format!(
                    "The answer a mock of [`Client::{op}`](crate::Client::{op}) gives: one \
                     method per documented status, taking the response type."
                ),
            };
            add_doc(&mut definition.attrs, &text);
        }
        syn::Item::Impl(block) if block.trait_.is_none() => {
            let name = block.self_ty.to_token_stream().to_string();
            let (_, role) = mock_wrapper(&name);
            for function in impl_fns(block) {
                if has_doc(&function.attrs) {
                    continue;
                }
                let ident = function.sig.ident.to_string();
                let text = match ident.as_str() {
                    "new" if role == "When" => "Wraps httpmock's `When`, narrowed to this \
                                                operation's method and path."
                        .to_owned(),
                    "new" => "Wraps httpmock's `Then`.".to_owned(),
                    "into_inner" => format!(
                        "The httpmock `{role}` inside, to match or answer beyond what the spec \
                         allows."
                    ),
                    _ if role == "When" => when_doc(&ident, &function.block),
                    _ => then_doc(&function.block),
                };
                add_doc(&mut function.attrs, &text);
            }
        }
        _ => {}
    }
}

/// `ListVoicesWhen` → (`list_voices`, `When`).
fn mock_wrapper(name: &str) -> (String, &'static str) {
    if let Some(operation) = name.strip_suffix("When") {
        (operation.to_snake_case(), "When")
    } else {
        (name.trim_end_matches("Then").to_snake_case(), "Then")
    }
}

/// What a `When` method matches, read from the httpmock call it makes.
fn when_doc(ident: &str, block: &syn::Block) -> String {
    let code = block.to_token_stream().to_string();
    let name = first_string_literal(block).unwrap_or_else(|| ident.to_owned());
    if code.contains("query_param_missing") {
        format!(
            "Matches requests whose `{name}` query parameter is `value`; `None` matches requests \
             without it."
        )
    } else if code.contains("query_param") {
        format!("Matches requests whose `{name}` query parameter is `value`.")
    } else if code.contains("path_matches") {
        format!("Matches requests whose path holds `value` as `{ident}`.")
    } else if code.contains("json_body") {
        "Matches requests whose JSON body equals `value`.".to_owned()
    } else if code.contains("header") {
        format!("Matches requests whose `{name}` header is `value`.")
    } else {
        format!("Matches requests by `{ident}`.")
    }
}

/// What a `Then` method answers, read from the status and content type it sets.
fn then_doc(block: &syn::Block) -> String {
    let code = block.to_token_stream().to_string();
    let status = code
        .split("status (")
        .nth(1)
        .and_then(|rest| rest.split("u16").next())
        .and_then(|digits| digits.trim().parse::<u16>().ok());
    let status = status
        .and_then(|code| http::StatusCode::from_u16(code).ok())
        .map(|code| code.to_string())
        .unwrap_or_else(|| "the documented status".to_owned());
    if code.contains("json_body") {
        format!("Answers `{status}` with `value` as its JSON body.")
    } else {
        format!("Answers `{status}` with `value` as its body.")
    }
}

fn first_string_literal(block: &syn::Block) -> Option<String> {
    struct Find(Option<String>);
    impl syn::visit_mut::VisitMut for Find {
        fn visit_lit_str_mut(&mut self, literal: &mut syn::LitStr) {
            self.0.get_or_insert_with(|| literal.value());
        }
    }
    let mut find = Find(None);
    find.visit_block_mut(&mut block.clone());
    find.0
}
