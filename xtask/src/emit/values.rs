//! Value types, as invocations of `speech-client-runtime`'s macros.

use anyhow::{Result, bail};
use heck::ToUpperCamelCase;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::plan::{ValueKind, ValueType};

/// The items to add to the generated `types` module for each value type.
pub fn emit(values: &[ValueType]) -> Result<Vec<TokenStream>> {
    values.iter().map(emit_one).collect()
}

fn emit_one(value: &ValueType) -> Result<TokenStream> {
    let name = format_ident!("{}", value.name);
    let field = &value.field;
    let doc = value.description.as_deref().unwrap_or("").trim();
    let doc = if doc.is_empty() {
        format!("`{field}`")
    } else {
        doc.to_owned()
    };
    Ok(match &value.kind {
        ValueKind::OpenEnum(values) => {
            let variants = variant_names(values)?;
            let variants = variants.iter().map(|v| format_ident!("{v}"));
            quote! {
                speech_client_runtime::open_enum! {
                    #[doc = #doc]
                    pub enum #name { #(#variants = #values,)* }
                }
            }
        }
        ValueKind::Number { integer, min, max } => {
            let (inner, min, max) = if *integer {
                let bound = |b: &Option<f64>| b.map(|b| Literal::i64_unsuffixed(b as i64));
                (quote!(i64), bound(min), bound(max))
            } else {
                let bound = |b: &Option<f64>| b.map(Literal::f64_unsuffixed);
                (quote!(f64), bound(min), bound(max))
            };
            let min = option(min);
            let max = option(max);
            quote! {
                speech_client_runtime::bounded_number! {
                    #[doc = #doc]
                    pub struct #name(#inner) for #field, min = #min, max = #max;
                }
            }
        }
        ValueKind::Text {
            min_chars,
            max_chars,
            max_bytes,
        } => {
            let usize_literal = |n: &u64| Literal::usize_unsuffixed(*n as usize);
            let min_chars = option(min_chars.as_ref().map(usize_literal));
            let max_chars = option(max_chars.as_ref().map(usize_literal));
            let max_bytes = option(max_bytes.as_ref().map(usize_literal));
            quote! {
                speech_client_runtime::bounded_text! {
                    #[doc = #doc]
                    pub struct #name for #field,
                        min_chars = #min_chars, max_chars = #max_chars, max_bytes = #max_bytes;
                }
            }
        }
    })
}

fn option(value: Option<Literal>) -> TokenStream {
    match value {
        Some(value) => quote!(::std::option::Option::Some(#value)),
        None => quote!(::std::option::Option::None),
    }
}

/// Rust variant names for wire values: `tts-1-hd` → `Tts1Hd`, `PENDING` → `Pending`. A value that
/// would start with a digit gets a `V` in front; two values with the same name are an error.
pub fn variant_names(values: &[String]) -> Result<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    for value in values {
        let mut name = value.to_upper_camel_case();
        if name.is_empty() {
            bail!("enum value {value:?} has no letters or digits to name a variant after");
        }
        if name.starts_with(|c: char| c.is_ascii_digit()) {
            name.insert(0, 'V');
        }
        if name == "Unknown" {
            bail!("enum value {value:?} clashes with the open enum's `Unknown` variant");
        }
        if let Some(index) = names.iter().position(|n| *n == name) {
            bail!(
                "enum values {:?} and {value:?} both name the variant `{name}`",
                values[index]
            );
        }
        names.push(name);
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(values: &[&str]) -> Result<Vec<String>> {
        variant_names(&values.iter().map(|v| v.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn wire_values_become_rust_variant_names() {
        assert_eq!(
            names(&[
                "PENDING",
                "tts-1-hd",
                "Kokoro-82m",
                "Minimax-Speech-2.6-HD",
                "pcm"
            ])
            .unwrap(),
            ["Pending", "Tts1Hd", "Kokoro82m", "MinimaxSpeech26Hd", "Pcm"]
        );
        assert_eq!(names(&["1080p"]).unwrap(), ["V1080p"]);
    }

    #[test]
    fn colliding_or_unnameable_values_are_errors() {
        assert!(
            names(&["tts-1", "TTS_1"])
                .unwrap_err()
                .to_string()
                .contains("`Tts1`")
        );
        assert!(names(&["unknown"]).is_err());
        assert!(names(&["--"]).is_err());
    }

    #[test]
    fn numbers_keep_their_kind_and_bounds() {
        let value = ValueType {
            name: "Speed".into(),
            field: "speed".into(),
            description: None,
            kind: ValueKind::Number {
                integer: false,
                min: Some(0.1),
                max: Some(5.0),
            },
        };
        let tokens = emit_one(&value).unwrap().to_string();
        assert!(
            tokens.contains("pub struct Speed (f64) for \"speed\""),
            "{tokens}"
        );
        assert!(
            tokens.contains("Some (0.1)") && tokens.contains("Some (5.0)"),
            "{tokens}"
        );
    }
}
