//! Vendor extensions: only those `specs/README.md` defines, so that every marker a spec carries has
//! one documented meaning that the generator, the conformance suite and a reader agree on.

use serde_json::Value;

use super::Findings;

/// The extensions `specs/README.md` defines.
const KNOWN: &[&str] = &[
    "x-seeds",
    "x-errata",
    "x-from",
    "x-converted",
    "x-verbatim",
    "x-source",
    "x-no-documented-example",
    "x-file-parts",
    "x-form-text",
    "x-variables",
    "x-bare-requests",
    "x-not-sent",
    "x-job-start",
    "x-job-status",
    "x-error-body",
    "x-max-bytes",
    "x-content-types",
    "x-max-length-by-model",
    "x-send-default",
    "x-crate",
    "x-environment",
    "x-spends-credits",
    "x-speech",
    "x-rate-limit",
    "x-documents",
];

/// Keys whose object is a map of names (a property called `x-foo` is a name, not an extension).
const NAME_MAPS: &[&str] = &[
    "paths",
    "properties",
    "headers",
    "examples",
    "schemas",
    "securitySchemes",
    "responses",
    "content",
    "parameters",
    "requestBodies",
    "encoding",
    "variables",
];

/// Keys whose value is data, never spec structure.
const DATA: &[&str] = &["value", "example", "enum", "default"];

/// Reports every `x-` key that `specs/README.md` does not define.
pub fn check(doc: &Value, findings: &mut Findings) {
    visit(doc, "", false, findings);
}

/// `x-source` is one `{research, confidence}` entry, or a list of them when a node relies on facts
/// known in different ways (a length limit from the provider's docs and a minimum inferred).
fn check_source(source: &Value, place: &str, findings: &mut Findings) {
    let entries = match source {
        Value::Array(entries) if !entries.is_empty() => entries.iter().collect(),
        Value::Object(_) => vec![source],
        _ => {
            findings.add(
                place,
                "`x-source` is neither an entry nor a list of entries".into(),
            );
            return;
        }
    };
    for entry in entries {
        let research = entry.get("research").and_then(Value::as_str);
        let confidence = entry.get("confidence").and_then(Value::as_str);
        if research.is_none_or(str::is_empty) || !matches!(confidence, Some("doc" | "sdk" | "3rd"))
        {
            findings.add(
                place,
                format!(
                    "`x-source` entry {entry} needs `research` text and `confidence` doc, sdk or 3rd"
                ),
            );
        }
    }
}

fn visit(node: &Value, path: &str, names: bool, findings: &mut Findings) {
    match node {
        Value::Object(map) => {
            for (key, child) in map {
                let place = format!("{path}/{key}");
                if !names && key.starts_with("x-") {
                    if !KNOWN.contains(&key.as_str()) {
                        findings.add(
                            &place,
                            format!("`{key}` is not an extension specs/README.md defines"),
                        );
                    } else if key == "x-source" {
                        check_source(child, &place, findings);
                    }
                } else if names || !DATA.contains(&key.as_str()) {
                    visit(
                        child,
                        &place,
                        !names && NAME_MAPS.contains(&key.as_str()),
                        findings,
                    );
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                visit(item, &format!("{path}/{index}"), false, findings);
            }
        }
        _ => {}
    }
}
