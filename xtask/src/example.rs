//! The consumer example of a generated crate's README (also its crate doc, so it is compiled as a
//! doctest): the API key wired into a `reqwest` client as the spec's security scheme says, then one
//! real call, the operation that synthesizes speech (`x-speech`) or else the first one, with the
//! required text fields of its first documented request.

use anyhow::Result;
use heck::ToUpperCamelCase;
use serde_json::Value;

use crate::spec::{self, Operation, Spec};

/// The `reqwest` a consumer adds to build the client: the major version the workspace's clients
/// are built with (checked against the workspace manifest by a test), so its `Client` is the type
/// `Client::new_with_client` takes.
pub const REQWEST: &str = "0.13";

/// The Rust block (without fences) for `krate`, the crate's identifier.
pub fn rust(spec: &Spec, krate: &str) -> Result<String> {
    let operations = spec.operations();
    let synthesize = spec
        .doc
        .pointer("/x-speech/synthesize/operation")
        .and_then(Value::as_str);
    let Some(operation) = operations
        .iter()
        .find(|operation| operation.id().is_some() && operation.id() == synthesize)
        .or_else(|| operations.iter().find(|operation| operation.id().is_some()))
    else {
        anyhow::bail!("{} has no operation to show", spec.path.display());
    };
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
        for (field, value) in fields {
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

/// A request body to show: its Rust type and the `(setter, value)` pairs that build it.
type Body = (String, Vec<(String, String)>);

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
            Some((heck::ToSnakeCase::to_snake_case(field), value.to_owned()))
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
