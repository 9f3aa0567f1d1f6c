//! The consumer example of a generated crate's README (also its crate doc, so it is compiled as a
//! doctest): the API key wired into a `reqwest` client as the spec's security scheme says, then one
//! real call, the operation that synthesizes speech (`x-speech`) or else the first one, with the
//! required text fields of its first documented request.

use anyhow::{Context, Result};
use heck::ToUpperCamelCase;
use serde_json::Value;

use crate::spec::{self, Operation, Spec};

/// The `reqwest` a consumer adds to build the client: the major version the workspace's clients
/// are built with (checked against the workspace manifest by a test), so its `Client` is the type
/// `Client::new_with_client` takes.
pub const REQWEST: &str = "0.13";

/// The operation the README shows: the one that synthesizes speech (`x-speech`), else the first.
fn shown_operation(spec: &Spec) -> Result<Operation<'_>> {
    let synthesize = spec
        .doc
        .pointer("/x-speech/synthesize/operation")
        .and_then(Value::as_str);
    let operations = spec.operations();
    let found = operations
        .iter()
        .find(|operation| operation.id().is_some() && operation.id() == synthesize)
        .or_else(|| operations.iter().find(|operation| operation.id().is_some()))
        .copied();
    found.with_context(|| format!("{} has no operation to show", spec.path.display()))
}

/// The Rust block (without fences) for `krate`, the crate's identifier.
pub fn rust(spec: &Spec, krate: &str) -> Result<String> {
    let operation = &shown_operation(spec)?;
    let id = operation.id().unwrap_or_default();
    let base_url = spec
        .doc
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .unwrap_or("https://api.example.com");

    let mut out = format!("use {krate}::{{Client, types}};\n\n");
    out.push_str("# async fn example() -> Result<(), Box<dyn std::error::Error>> {\n");
    match spec::credential(&spec.doc, Some(operation))? {
        Some(credential) => out.push_str(&format!(
            "// Every request carries the API key in the `{header}` header.\n\
             let mut headers = reqwest::header::HeaderMap::new();\n\
             headers.insert(\"{header}\", \"{prefix}YOUR_API_KEY\".parse()?);\n\
             let http = reqwest::Client::builder().default_headers(headers).build()?;\n\
             let client = Client::new_with_client(\"{base_url}\", http);\n",
            header = credential.header,
            prefix = credential.prefix,
        )),
        None => out.push_str(&format!("let client = Client::new(\"{base_url}\");\n")),
    }
    out.push_str(&format!("\nlet response = client\n    .{id}()\n"));
    if let Some((body, fields)) = body_fields(spec, operation)? {
        out.push_str(&format!("    .body(types::{body}::builder()"));
        for (field, value, _) in fields {
            out.push_str(&format!(".{field}({value:?})"));
        }
        out.push_str(")\n");
    }
    out.push_str(
        "    .send()\n    .await?;\n\
         println!(\"{:?}\", response.into_inner());\n\
         # Ok(())\n# }\n",
    );
    Ok(out)
}

/// A runnable block that shows (and checks) how the shown operation's request type refuses what
/// the spec does not allow: a required field left unset, and an empty value for a required text
/// field that must not be empty. `None` when the body has no such field.
pub fn checked(spec: &Spec, krate: &str) -> Result<Option<String>> {
    let operation = shown_operation(spec)?;
    let Some((body, fields)) = body_fields(spec, &operation)? else {
        return Ok(None);
    };
    let Some((emptied, _, _)) = fields.iter().find(|(_, _, min_length)| *min_length > 0) else {
        return Ok(None);
    };
    let setters = |empty: &str| {
        fields
            .iter()
            .map(|(field, value, _)| {
                let value = if field == empty { "" } else { value };
                format!(".{field}({value:?})")
            })
            .collect::<String>()
    };
    Ok(Some(format!(
        "use {krate}::types;\n\n\
         // A required field left unset: the builder does not convert.\n\
         let unset = types::{body}::try_from(types::{body}::builder());\n\
         assert!(unset.is_err());\n\n\
         // A value outside the documented limits: the error names the field.\n\
         let empty = types::{body}::try_from(types::{body}::builder(){});\n\
         assert!(empty.unwrap_err().to_string().contains(\"{emptied}\"));\n\n\
         let valid = types::{body}::try_from(types::{body}::builder(){});\n\
         assert!(valid.is_ok());\n",
        setters(emptied),
        setters(""),
    )))
}

/// A request body to show: its Rust type and the `(setter, value, minLength)` of each required
/// text field that the first documented request sets.
type Body = (String, Vec<(String, String, u64)>);

/// The named body schema of a JSON or form request and its required text fields, with the values
/// of the operation's first documented request.
fn body_fields(spec: &Spec, operation: &Operation) -> Result<Option<Body>> {
    let Some((_, media)) = operation
        .request_content()
        .into_iter()
        .flatten()
        .find(|(media, _)| spec::is_json_media(media) || media.as_str() == "multipart/form-data")
    else {
        return Ok(None);
    };
    let Some(name) = media.get("schema").and_then(spec::schema_ref_name) else {
        return Ok(None);
    };
    let schema = spec.resolve_schema(media.get("schema").unwrap_or(&Value::Null))?;
    let example = media
        .get("examples")
        .and_then(Value::as_object)
        .and_then(|examples| examples.values().next())
        .and_then(|example| example.get("value"));
    let required = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str);
    let fields = required
        .filter(|field| {
            schema
                .pointer(&format!("/properties/{field}"))
                .is_some_and(|property| !spec::is_binary(property))
        })
        .filter_map(|field| {
            let value = example?.get(field)?.as_str()?;
            let min_length = schema
                .pointer(&format!("/properties/{field}/minLength"))
                .and_then(Value::as_u64)
                .unwrap_or(0);
            Some((
                heck::ToSnakeCase::to_snake_case(field),
                value.to_owned(),
                min_length,
            ))
        })
        .collect();
    Ok(Some((name.to_upper_camel_case(), fields)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reqwest_a_consumer_adds_is_the_workspace_one() {
        let manifest = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml"),
        )
        .unwrap();
        assert!(
            manifest.contains(&format!("reqwest = {{ version = \"{REQWEST}\"")),
            "the workspace's reqwest is not {REQWEST}"
        );
    }
}
