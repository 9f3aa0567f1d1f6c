//! The examples that say where they were printed (`x-from`), and which recorded block each names.

use serde_json::Value;

/// One example (or bare request) with an `x-from`.
pub struct Embedding {
    pub seed: String,
    /// `x-from.fingerprint`, as written (lint reports one that is not a string).
    pub fingerprint: Option<Value>,
    /// `<operationId>.<example name>`, or the JSON Pointer where it is not under an operation.
    pub label: String,
}

impl Embedding {
    /// Whether this example embeds the block with `fingerprint` of `seed`.
    pub fn embeds(&self, seed: &str, fingerprint: &str) -> bool {
        self.seed == seed && self.fingerprint.as_ref().and_then(Value::as_str) == Some(fingerprint)
    }
}

/// Every `x-from` of the spec, outside the records themselves and the errata.
pub fn embeddings(doc: &Value) -> Vec<Embedding> {
    let mut found = Vec::new();
    if let Some(map) = doc.as_object() {
        for (key, child) in map {
            if !matches!(key.as_str(), "x-documents" | "x-errata") {
                visit(doc, child, &mut vec![key.clone()], &mut found);
            }
        }
    }
    found
}

/// The labels of the examples that embed a block, each once, in the spec's order.
pub fn labels(embeddings: &[Embedding], seed: &str, fingerprint: &str) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for embedding in embeddings.iter().filter(|e| e.embeds(seed, fingerprint)) {
        if !labels.contains(&embedding.label) {
            labels.push(embedding.label.clone());
        }
    }
    labels
}

fn visit(doc: &Value, node: &Value, path: &mut Vec<String>, found: &mut Vec<Embedding>) {
    match node {
        Value::Object(map) => {
            if let Some(x_from) = map.get("x-from") {
                found.push(Embedding {
                    seed: x_from
                        .get("seed")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    fingerprint: x_from.get("fingerprint").cloned(),
                    label: label(doc, path),
                });
            }
            for (key, child) in map {
                path.push(key.clone());
                visit(doc, child, path, found);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(index.to_string());
                visit(doc, item, path, found);
                path.pop();
            }
        }
        _ => {}
    }
}

fn label(doc: &Value, path: &[String]) -> String {
    let name = path
        .iter()
        .rposition(|key| key == "examples" || key == "x-bare-requests")
        .and_then(|index| path.get(index + 1));
    let operation = match path {
        [paths, route, method, ..] if paths == "paths" => doc
            .get("paths")
            .and_then(|paths| paths.get(route))
            .and_then(|item| item.get(method))
            .and_then(|operation| operation.get("operationId"))
            .and_then(Value::as_str),
        _ => None,
    };
    match (operation, name) {
        (Some(operation), Some(name)) => format!("{operation}.{name}"),
        _ => format!("/{}", path.join("/")),
    }
}
