//! The spec's `x-speech` as the runtime's `neutral::Neutral` table (in `service::SERVICE`): which
//! operation each provider-neutral call uses and where its values go. `lint` has checked every
//! name and pointer, so this only translates.

use anyhow::{Context, Result, bail};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::spec::Spec;

/// The `Neutral { .. }` expression of the spec.
pub fn table(spec: &Spec) -> Result<TokenStream> {
    let speech = spec.doc.get("x-speech").cloned().unwrap_or_default();
    let entry = |name: &str, build: fn(&Value) -> Result<TokenStream>| -> Result<TokenStream> {
        match speech.get(name) {
            Some(mapping) => {
                let value = build(mapping).with_context(|| format!("x-speech.{name}"))?;
                Ok(quote!(Some(#value)))
            }
            None => Ok(quote!(None)),
        }
    };
    let synthesize = entry("synthesize", |m| {
        let [operation, text, voice] = [
            text_of(m, "operation")?,
            target(m, "text")?,
            target(m, "voice")?,
        ];
        let format = optional_target(m, "format")?;
        let result = pointers(m, "result");
        Ok(quote!(neutral::Synthesis {
            operation: #operation, text: #text, voice: #voice, format: #format, result: &[#(#result),*],
        }))
    })?;
    let transcribe = entry("transcribe", |m| {
        let operation = text_of(m, "operation")?;
        let audio = audio(m)?;
        let format = optional_target(m, "format")?;
        let result = pointers(m, "result");
        Ok(quote!(neutral::Transcription {
            operation: #operation, audio: #audio, format: #format, result: &[#(#result),*],
        }))
    })?;
    let clone_voice = entry("clone-voice", |m| {
        let operation = text_of(m, "operation")?;
        let audio = audio(m)?;
        let name = optional_target(m, "name")?;
        let result = pointers(m, "result");
        Ok(quote!(neutral::Cloning {
            operation: #operation, audio: #audio, name: #name, result: &[#(#result),*],
        }))
    })?;
    let voices = entry("voices", |m| {
        let [operation, items, id] = ["operation", "items", "id"].map(|key| text_of(m, key));
        let (operation, items, id) = (operation?, items?, id?);
        let name = optional_text(m, "name");
        let parameters = m
            .get("parameters")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(name, value)| {
                let value = value.to_string();
                quote!((#name, #value))
            });
        Ok(quote!(neutral::VoiceListing {
            operation: #operation, items: #items, id: #id, name: #name,
            parameters: &[#(#parameters),*],
        }))
    })?;
    let balance = entry("balance", |m| {
        let [operation, value] = ["operation", "value"].map(|key| text_of(m, key));
        let (operation, value) = (operation?, value?);
        Ok(quote!(neutral::BalanceReading { operation: #operation, value: #value }))
    })?;
    Ok(quote! {{
        use speech_client_runtime::neutral;
        neutral::Neutral {
            synthesize: #synthesize,
            transcribe: #transcribe,
            clone_voice: #clone_voice,
            voices: #voices,
            balance: #balance,
        }
    }})
}

fn text_of(mapping: &Value, key: &str) -> Result<TokenStream> {
    let text = mapping
        .get(key)
        .and_then(Value::as_str)
        .with_context(|| format!("no `{key}`"))?;
    Ok(quote!(#text))
}

fn optional_text(mapping: &Value, key: &str) -> TokenStream {
    match mapping.get(key).and_then(Value::as_str) {
        Some(text) => quote!(Some(#text)),
        None => quote!(None),
    }
}

/// `result: [/a, /b]` (or one pointer) as string literals.
fn pointers(mapping: &Value, key: &str) -> Vec<String> {
    match mapping.get(key) {
        Some(Value::String(pointer)) => vec![pointer.clone()],
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

fn target(mapping: &Value, key: &str) -> Result<TokenStream> {
    let text = mapping
        .get(key)
        .and_then(Value::as_str)
        .with_context(|| format!("no `{key}`"))?;
    target_of(text)
}

fn optional_target(mapping: &Value, key: &str) -> Result<TokenStream> {
    match mapping.get(key) {
        Some(_) => {
            let target = target(mapping, key)?;
            Ok(quote!(Some(#target)))
        }
        None => Ok(quote!(None)),
    }
}

/// `body:text` as `neutral::Target { place: neutral::Place::Body, name: "text" }`.
fn target_of(text: &str) -> Result<TokenStream> {
    let Some((place, name)) = text.split_once(':') else {
        bail!("`{text}` is not `<place>:<name>`");
    };
    let place = match place {
        "body" => quote!(Body),
        "query" => quote!(Query),
        "path" => quote!(Path),
        "file" => quote!(File),
        other => bail!("unknown place `{other}`"),
    };
    Ok(quote!(neutral::Target { place: neutral::Place::#place, name: #name }))
}

/// `audio`: a target, or `{upload, result, into}`.
fn audio(mapping: &Value) -> Result<TokenStream> {
    let audio = mapping.get("audio").context("no `audio`")?;
    if let Some(text) = audio.as_str() {
        let target = target_of(text)?;
        return Ok(quote!(neutral::AudioInput::Direct(#target)));
    }
    let [operation, result] = ["upload", "result"].map(|key| text_of(audio, key));
    let (operation, result) = (operation?, result?);
    let into = target(audio, "into")?;
    Ok(quote!(neutral::AudioInput::Upload { operation: #operation, result: #result, into: #into }))
}
