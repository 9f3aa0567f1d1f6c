//! The spec's prose as users read it: the source markers a maintainer needs are kept out of the
//! generated docs.

use serde_json::Value;

use crate::spec::Spec;

/// The spec as its generated docs show it: every `description` and `summary` with the source
/// markers a maintainer needs and a user does not (`(S1)`, `(N2)`, `(erratum tts-created-at-type)`,
/// `see errata …`) taken out. Examples, defaults and enums are values, not prose, and stay as they
/// are; nothing but prose changes, so the generated code is the same.
pub fn user_facing(spec: &Spec) -> Spec {
    fn walk(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    match (key.as_str(), child) {
                        ("description" | "summary", Value::String(text)) => {
                            *text = without_source_markers(text)
                        }
                        ("examples" | "example" | "default" | "enum" | "x-errata", _) => {}
                        (_, child) => walk(child),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let mut doc = spec.doc.clone();
    walk(&mut doc);
    Spec {
        provider: spec.provider.clone(),
        path: spec.path.clone(),
        doc,
    }
}

/// `text` without its source markers: a parenthesis that holds only source labels (`(S1)`,
/// `(S2, S3)`) or an erratum reference (`(erratum x)`, `(see errata x)`) is dropped with the space
/// before it, an erratum reference that ends a parenthesis (`(open list; erratum x)`,
/// `(differs, erratum x)`) is dropped from it, and a sentence that only refers to an erratum (`See errata x.`) is dropped.
pub fn without_source_markers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')').map(|close| open + close) else {
            break;
        };
        let inside = &rest[open + 1..close];
        out.push_str(&rest[..open]);
        if is_source_labels(inside) || is_erratum_reference(inside) {
            let trimmed = out.trim_end_matches(' ').len();
            out.truncate(trimmed);
        } else {
            let kept = inside
                .match_indices([';', ','])
                .find(|(at, _)| is_erratum_reference(inside[at + 1..].trim_start()))
                .map_or(inside, |(at, _)| &inside[..at]);
            out.push('(');
            out.push_str(kept);
            out.push(')');
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    let sentences: Vec<&str> = out
        .split_inclusive(". ")
        .filter(|sentence| {
            let sentence = sentence.trim().trim_end_matches('.');
            !sentence
                .strip_prefix("See ")
                .is_some_and(is_erratum_reference)
        })
        .collect();
    sentences.concat().trim_end().to_owned()
}

/// `S1`, `N2`, `S2, S3, S5`: the labels of the sources a fact was read from.
fn is_source_labels(text: &str) -> bool {
    text.split(", ").all(|label| {
        let mut chars = label.chars();
        matches!(chars.next(), Some('S' | 'N'))
            && chars.as_str().len() == 1
            && chars.all(|c| c.is_ascii_digit())
    })
}

/// `erratum some-id`, `see errata some-id`, `errata a-b, c-d`.
fn is_erratum_reference(text: &str) -> bool {
    let text = text.strip_prefix("see ").unwrap_or(text);
    let Some(ids) = text
        .strip_prefix("erratum ")
        .or_else(|| text.strip_prefix("errata "))
    else {
        return false;
    };
    ids.split(", ").all(|id| {
        !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_markers_leave_the_prose_and_other_parentheses_stay() {
        for (text, expected) in [
            ("Creation time (S1).", "Creation time."),
            (
                "Rate limit (S1): 20 per minute.",
                "Rate limit: 20 per minute.",
            ),
            (
                "Present when Completed (S2, S3, S5).",
                "Present when Completed.",
            ),
            ("Both are accepted (erratum a-b).", "Both are accepted."),
            (
                "An open list (not an enum; erratum a-b).",
                "An open list (not an enum).",
            ),
            (
                "Costs differ (between sources, erratum a-b).",
                "Costs differ (between sources).",
            ),
            (
                "May list system voices (see errata c-d). Free.",
                "May list system voices. Free.",
            ),
            ("Sent as JSON. See errata tags-json.", "Sent as JSON."),
            (
                "0-100 (percent), e.g. (Sx) or (see below)",
                "0-100 (percent), e.g. (Sx) or (see below)",
            ),
        ] {
            assert_eq!(without_source_markers(text), expected, "{text}");
        }
    }
}
