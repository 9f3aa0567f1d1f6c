//! Doc comments for the public items progenitor leaves undocumented, so a generated crate is
//! `missing_docs` clean and its rustdoc tells a user what each item is: a struct field gets its
//! spec property's `description` (found by the serde wire name), an enum variant the value it
//! stands for, a builder and its setters what they build and set, a mock helper what it matches
//! or answers. Items that already have a doc keep it.

use std::collections::HashMap;

use heck::{ToSnakeCase, ToUpperCamelCase};
use quote::ToTokens;
use serde_json::Value;

use crate::plan::Plan;
use crate::spec::Spec;

mod mock;
mod prose;

pub use mock::document_mock;
pub use prose::user_facing;

/// Documents the undocumented public items of a generated module (`src/generated.rs`).
pub fn document_module(spec: &Spec, plan: &Plan, file: &mut syn::File) {
    // The spec as written holds each property's description; the plan's copy has hoisted inline
    // value types into components (a property there is a bare `$ref`) and adds their names.
    let mut schemas = object_schemas(&plan.progenitor_doc);
    schemas.extend(object_schemas(&spec.doc));
    let mut field_docs = HashMap::new();
    for item in &mut file.items {
        let syn::Item::Mod(module) = item else {
            continue;
        };
        let Some((_, items)) = module.content.as_mut() else {
            continue;
        };
        if module.ident == "types" {
            document_types(spec, items, &schemas, &mut field_docs);
            if let Some(builders) = items.iter_mut().find_map(|item| match item {
                syn::Item::Mod(module) if module.ident == "builder" => module.content.as_mut(),
                _ => None,
            }) {
                document_type_builders(&mut builders.1, &field_docs);
            }
        } else if module.ident == "builder" {
            document_operation_builders(items, spec);
        }
    }
}

/// The object schemas of a document by the Rust type name typify gives them: a component keeps
/// its name, an inline object is named after its parent and property (`Speech.voice` is
/// `SpeechVoice`), an inline array item gets `Item` added (`ErrorResponseErrorsItem`).
fn object_schemas(doc: &Value) -> HashMap<String, &Value> {
    fn visit<'a>(name: String, schema: &'a Value, out: &mut HashMap<String, &'a Value>) {
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (property, child) in properties {
                visit(
                    format!("{name}{}", property.to_upper_camel_case()),
                    child,
                    out,
                );
            }
        }
        if let Some(items) = schema.get("items") {
            visit(format!("{name}Item"), items, out);
        }
        out.insert(name, schema);
    }
    let mut out = HashMap::new();
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            visit(name.to_upper_camel_case(), schema, &mut out);
        }
    }
    out
}

/// Fields, variants and `builder()` functions of the `types` module; records each field's
/// description by (type, field) for the builders' setters.
fn document_types(
    spec: &Spec,
    items: &mut [syn::Item],
    schemas: &HashMap<String, &Value>,
    field_docs: &mut HashMap<(String, String), String>,
) {
    for item in items {
        match item {
            syn::Item::Struct(definition) => {
                let name = definition.ident.to_string();
                let schema = schemas.get(&name);
                for field in definition.fields.iter_mut() {
                    let Some(ident) = &field.ident else { continue };
                    let ident = ident.to_string();
                    let wire = serde_rename(&field.attrs).unwrap_or_else(|| ident.clone());
                    if !has_doc(&field.attrs) {
                        let property = schema
                            .and_then(|schema| schema.pointer(&format!("/properties/{wire}")));
                        let description = property
                            .and_then(|property| property.get("description"))
                            .and_then(Value::as_str);
                        if let Some(description) = description {
                            add_doc(&mut field.attrs, description.trim());
                        } else {
                            let values = property
                                .map(|property| enum_values(spec, property))
                                .filter(|values| !values.is_empty())
                                .map(|values| format!(", documented as {values}"))
                                .unwrap_or_default();
                            let absent = if is_option(&field.ty) {
                                "; `None` when it is absent"
                            } else {
                                ""
                            };
                            add_doc(
                                &mut field.attrs,
                                &format!("The `{wire}` member of the JSON object{values}{absent}."),
                            );
                            continue;
                        }
                    }
                    field_docs.insert((name.clone(), ident), doc_text(&field.attrs));
                }
            }
            syn::Item::Enum(definition) => {
                for variant in &mut definition.variants {
                    if has_doc(&variant.attrs) {
                        continue;
                    }
                    let text = match (&variant.fields, serde_rename(&variant.attrs)) {
                        (syn::Fields::Unit, Some(wire)) => format!("The value `{wire}`."),
                        (syn::Fields::Unit, None) => format!("The value `{}`.", variant.ident),
                        (fields, _) => format!(
                            "The value as a `{}`.",
                            fields
                                .to_token_stream()
                                .to_string()
                                .trim_matches(['(', ')', ' '])
                        ),
                    };
                    add_doc(&mut variant.attrs, &text);
                }
            }
            syn::Item::Impl(block) if block.trait_.is_none() => {
                let target = block.self_ty.to_token_stream().to_string();
                for function in impl_fns(block) {
                    if function.sig.ident == "builder" && !has_doc(&function.attrs) {
                        add_doc(
                            &mut function.attrs,
                            &format!(
                                "A builder for this type, checked when built: \
                                 [`builder::{target}`] takes one field at a time, and converting \
                                 it fails on the first invalid value or unset required field."
                            ),
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

/// The values a property takes, itself or through the schema it refers to (`allOf: [$ref]` too),
/// as "`a`, `b` or `c`"; empty when it is not an enum.
fn enum_values(spec: &Spec, property: &Value) -> String {
    let Ok(schema) = spec.resolve_schema(property) else {
        return String::new();
    };
    let values: Vec<String> = schema
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|value| format!("`{value}`"))
        .collect();
    match values.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// The builders of `types::builder`: the struct and each setter.
fn document_type_builders(items: &mut [syn::Item], field_docs: &HashMap<(String, String), String>) {
    for item in items {
        match item {
            syn::Item::Struct(definition) if !has_doc(&definition.attrs) => {
                let name = definition.ident.to_string();
                add_doc(
                    &mut definition.attrs,
                    &format!(
                        "Builds a [`{name}`](super::{name}) one field at a time: each setter \
                         converts its value, and `{name}::try_from(builder)` reports the first \
                         value that did not convert or a required field left unset."
                    ),
                );
            }
            syn::Item::Impl(block) if block.trait_.is_none() => {
                let target = block.self_ty.to_token_stream().to_string();
                for function in impl_fns(block) {
                    if has_doc(&function.attrs) {
                        continue;
                    }
                    let field = function.sig.ident.to_string();
                    let mut text = format!("Sets [`{target}::{field}`](super::{target}::{field}).");
                    if let Some(doc) = field_docs.get(&(target.clone(), field)) {
                        text.push_str("\n\n");
                        text.push_str(doc);
                    }
                    add_doc(&mut function.attrs, &text);
                }
            }
            _ => {}
        }
    }
}

/// The request builders of the top-level `builder` module: `new` and the parameter and body
/// setters.
fn document_operation_builders(items: &mut [syn::Item], spec: &Spec) {
    let operations = spec.operations();
    for item in items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if block.trait_.is_some() {
            continue;
        }
        let syn::Type::Path(path) = &*block.self_ty else {
            continue;
        };
        let Some(name) = path.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        let Some(operation) = operations.iter().find(|operation| {
            operation
                .id()
                .is_some_and(|id| id.to_upper_camel_case() == name)
        }) else {
            continue;
        };
        let op = operation.id().unwrap_or_default().to_snake_case();
        let body = body_type(operation);
        for function in impl_fns(block) {
            if has_doc(&function.attrs) {
                continue;
            }
            let ident = function.sig.ident.to_string();
            let text = match ident.as_str() {
                "new" => format!(
                    "Starts a request on `client`, as [`Client::{op}`](super::Client::{op}) does."
                ),
                "body" => match &body {
                    Some(body) => format!(
                        "Sets the request body: a [`types::{body}`](super::types::{body}) or its \
                         [builder](super::types::builder::{body}); a value that does not convert \
                         is reported by `send`."
                    ),
                    None => "Sets the request body.".to_owned(),
                },
                "body_map" => match &body {
                    Some(body) => format!(
                        "Changes the request body through its \
                         [builder](super::types::builder::{body}), one field at a time: \
                         `.body_map(|body| body.field(value))`."
                    ),
                    None => "Changes the request body through its builder.".to_owned(),
                },
                parameter => parameter_doc(spec, operation, parameter),
            };
            add_doc(&mut function.attrs, &text);
        }
    }
}

/// "Sets the `limit` query parameter." followed by the parameter's description.
fn parameter_doc(spec: &Spec, operation: &crate::spec::Operation, ident: &str) -> String {
    let parameter = operation
        .parameters()
        .filter_map(|parameter| spec.resolve(parameter).ok())
        .find(|parameter| {
            parameter
                .get("name")
                .and_then(Value::as_str)
                .is_some_and(|name| name.to_snake_case() == ident.trim_end_matches('_'))
        });
    let Some(parameter) = parameter else {
        return format!("Sets `{ident}`.");
    };
    let text = |key: &str| {
        parameter
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let required = if parameter.get("required") == Some(&Value::Bool(true)) {
        "required "
    } else {
        ""
    };
    let mut doc = format!(
        "Sets the {required}`{}` {} parameter.",
        text("name"),
        text("in")
    );
    let description = text("description").trim();
    if !description.is_empty() {
        doc.push_str("\n\n");
        doc.push_str(description);
    }
    doc
}

/// The named schema of an operation's JSON request body, if it has one.
fn body_type(operation: &crate::spec::Operation) -> Option<String> {
    operation
        .request_content()?
        .values()
        .find_map(|media| crate::spec::schema_ref_name(media.get("schema")?))
        .map(|name| name.to_upper_camel_case())
}

fn impl_fns(block: &mut syn::ItemImpl) -> impl Iterator<Item = &mut syn::ImplItemFn> {
    block.items.iter_mut().filter_map(|item| match item {
        syn::ImplItem::Fn(function) if matches!(function.vis, syn::Visibility::Public(_)) => {
            Some(function)
        }
        _ => None,
    })
}

/// The wire name a serde attribute gives a field or variant (`#[serde(rename = "...")]`).
fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut rename = None;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                rename = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
    }
    rename
}

fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(path)
        if path.path.segments.last().is_some_and(|segment| segment.ident == "Option"))
}

fn has_doc(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| attr.path().is_ident("doc"))
}

/// The text of an item's doc attributes, one line each.
fn doc_text(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter_map(|attr| match &attr.meta {
            syn::Meta::NameValue(pair) if pair.path.is_ident("doc") => match &pair.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }) => Some(text.value().trim().to_owned()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Adds `text` as the item's doc comment, one `///` line per line.
fn add_doc(attrs: &mut Vec<syn::Attribute>, text: &str) {
    let lines = text.lines().map(|line| {
        let line = format!(" {line}");
        syn::parse_quote!(#[doc = #line])
    });
    attrs.splice(0..0, lines);
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: T, version: '1'}
servers: [{url: 'https://api.example.com'}]
security: [{key: []}]
x-environment: {key: T_API_KEY}
paths:
  /things:
    post:
      operationId: create_thing
      summary: Create a thing
      parameters:
        - {name: dryRun, in: query, description: Only check the thing (S1)., schema: {type: boolean}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Thing'}
      responses:
        '204': {description: Created}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: x-api-key}
  schemas:
    Thing:
      type: object
      required: [kind]
      properties:
        coverImage: {type: string, description: The cover's URL (erratum cover-url).}
        kind: {type: string, enum: [small, large]}
        note: {type: string}
"#;

    fn generated() -> String {
        let spec = Spec::parse(Path::new("specs/t.yaml"), SPEC).unwrap();
        let spec = user_facing(&spec);
        let plan = Plan::new(&spec).unwrap();
        let module = crate::emit::generate_module(&spec, &plan).unwrap();
        prettyplease::unparse(&module)
    }

    /// The doc line right above the first line of `module` that contains `item`.
    fn doc_above(module: &str, item: &str) -> String {
        let lines: Vec<&str> = module.lines().collect();
        let at = lines
            .iter()
            .position(|line| line.contains(item))
            .unwrap_or_else(|| panic!("no `{item}` in\n{module}"));
        lines[..at]
            .iter()
            .rev()
            .skip_while(|line| !line.trim_start().starts_with("///"))
            .take_while(|line| line.trim_start().starts_with("///"))
            .map(|line| line.trim())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_field_takes_its_spec_description_by_wire_name_without_source_markers() {
        let module = generated();
        assert_eq!(
            doc_above(&module, "pub cover_image:"),
            "///The cover's URL."
        );
        assert_eq!(
            doc_above(&module, "pub kind:"),
            "/// The `kind` member of the JSON object, documented as `small` or `large`."
        );
        assert_eq!(
            doc_above(&module, "pub note:"),
            "/// The `note` member of the JSON object; `None` when it is absent."
        );
    }

    #[test]
    fn variants_builders_and_setters_say_what_they_are() {
        let module = generated();
        assert_eq!(doc_above(&module, "Small,"), "/// The value `small`.");
        assert!(
            doc_above(&module, "pub fn builder() -> builder::Thing")
                .starts_with("/// A builder for this type, checked when built")
        );
        let setter = doc_above(&module, "pub fn cover_image<T>");
        assert!(
            setter.starts_with("/// Sets [`Thing::cover_image`](super::Thing::cover_image).")
                && setter.ends_with("/// The cover's URL."),
            "{setter}"
        );
        assert_eq!(
            doc_above(&module, "pub fn dry_run<V>"),
            "/// Sets the `dryRun` query parameter.\n///\n/// Only check the thing."
        );
        assert!(
            doc_above(&module, "pub fn body<V>")
                .starts_with("/// Sets the request body: a [`types::Thing`]")
        );
    }

    #[test]
    fn mock_helpers_say_what_they_match_and_answer() {
        let spec = Spec::parse(Path::new("specs/t.yaml"), SPEC).unwrap();
        let plan = Plan::new(&spec).unwrap();
        let mock = crate::emit::mock::generate(&spec, &plan).unwrap();
        assert_eq!(
            doc_above(&mock, "pub fn dry_run<"),
            "/// Matches requests whose `dryRun` query parameter is `value`; `None` matches \
             requests without it."
        );
        assert_eq!(
            doc_above(&mock, "pub fn body("),
            "/// Matches requests whose JSON body equals `value`."
        );
        assert!(
            doc_above(&mock, "fn create_thing<F>")
                .starts_with("/// Mocks [`Client::create_thing`](crate::Client::create_thing)")
        );
    }
}
