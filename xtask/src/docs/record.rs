//! The record a spec keeps of its documents (`x-documents`), and the text-level edits that
//! rewrite it: only that top-level key and the `fingerprint` lines of `x-from` blocks change, so
//! comments and formatting elsewhere in the spec survive.

use anyhow::{Context, Result, ensure};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::document::{Document, fingerprint};

/// What the spec recorded of one document.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub sections: Vec<SectionRecord>,
    pub blocks: Vec<BlockRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionRecord {
    pub heading: String,
    pub fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockRecord {
    pub heading: String,
    pub fingerprint: String,
    /// Why the block is deliberately not an example; absent when an example embeds it.
    #[serde(
        rename = "not-embedded",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub not_embedded: Option<String>,
    /// The printed text, so a changed block can be shown as a diff.
    pub text: String,
}

impl Record {
    /// The record of a document as it is now, without reasons.
    pub fn of(document: &Document) -> Self {
        Self {
            sections: document
                .sections
                .iter()
                .map(|section| SectionRecord {
                    heading: section.heading.clone(),
                    fingerprint: fingerprint(&section.prose),
                })
                .collect(),
            blocks: document
                .blocks
                .iter()
                .map(|block| BlockRecord {
                    heading: block.heading.clone(),
                    fingerprint: fingerprint(&block.text),
                    not_embedded: None,
                    text: block.text.clone(),
                })
                .collect(),
        }
    }
}

/// The spec's records, in the spec's order of seeds.
pub fn read(doc: &Value) -> Result<Vec<(String, Record)>> {
    let Some(documents) = doc.get("x-documents") else {
        return Ok(Vec::new());
    };
    let documents = documents
        .as_object()
        .context("`x-documents` is not a map of documents")?;
    documents
        .iter()
        .map(|(seed, record)| {
            let record = serde_json::from_value(record.clone())
                .with_context(|| format!("`x-documents.{seed}`"))?;
            Ok((seed.clone(), record))
        })
        .collect()
}

/// The `x-documents` key as YAML text.
pub fn to_yaml(records: &[(String, Record)]) -> String {
    let mut out = String::from("x-documents:\n");
    for (seed, record) in records {
        out += &format!("  {}:\n    sections:\n", quote(seed));
        for section in &record.sections {
            out += &format!(
                "      - {{heading: {}, fingerprint: {}}}\n",
                quote(&section.heading),
                quote(&section.fingerprint)
            );
        }
        out += "    blocks:\n";
        for block in &record.blocks {
            out += &format!("      - heading: {}\n", quote(&block.heading));
            out += &format!("        fingerprint: {}\n", quote(&block.fingerprint));
            if let Some(reason) = &block.not_embedded {
                out += &format!("        not-embedded: {}\n", quote(reason));
            }
            out += &format!("        text: {}\n", scalar(&block.text, "          "));
        }
    }
    out
}

/// A YAML double-quoted string (JSON's escapes, plus the characters YAML reads as line breaks).
fn quote(text: &str) -> String {
    serde_json::to_string(text)
        .unwrap_or_default()
        .replace('\u{85}', "\\N")
        .replace('\u{2028}', "\\L")
        .replace('\u{2029}', "\\P")
}

/// A literal block scalar, readable and diffable, where YAML can hold the text as one; else a
/// quoted string.
fn scalar(text: &str, indent: &str) -> String {
    let literal = !text.is_empty()
        && !text.starts_with([' ', '\t'])
        && !text.chars().any(|c| {
            (c.is_control() && c != '\n' && c != '\t')
                || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
        });
    if !literal {
        return quote(text);
    }
    let mut out = String::from("|-");
    for line in text.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(indent);
            out.push_str(line);
        }
    }
    out
}

/// The lines `[start, end)` the top-level `x-documents` key takes in the spec's text.
fn span(lines: &[&str]) -> Option<(usize, usize)> {
    let start = lines
        .iter()
        .position(|line| line.trim_end() == "x-documents:")?;
    let mut end = lines[start + 1..]
        .iter()
        .position(|line| !line.is_empty() && !line.starts_with(' '))
        .map_or(lines.len(), |offset| start + 1 + offset);
    while end > start + 1 && lines[end - 1].trim().is_empty() {
        end -= 1;
    }
    Some((start, end))
}

/// The spec's text with its `x-documents` key replaced by `yaml` (appended when it has none), and
/// each `x-from` fingerprint that `retarget` maps to a new one rewritten. Checks that the result
/// reads back as the intended records.
pub fn rewrite(
    spec_text: &str,
    records: &[(String, Record)],
    retarget: impl Fn(&str, &str) -> Option<String>,
) -> Result<String> {
    let lines: Vec<&str> = spec_text.split('\n').collect();
    let yaml = to_yaml(records);
    let yaml = yaml.trim_end_matches('\n');
    let (before, after) = match span(&lines) {
        Some((start, end)) => (&lines[..start], &lines[end..]),
        None => {
            let end = lines.len() - usize::from(lines.last() == Some(&""));
            (&lines[..end], &[""][..])
        }
    };
    let mut out: Vec<String> = retarget_x_froms(before, &retarget);
    if span(&lines).is_none() && out.last().is_some_and(|line| !line.is_empty()) {
        out.push(String::new());
    }
    out.extend(yaml.split('\n').map(str::to_owned));
    out.extend(retarget_x_froms(after, &retarget));
    let text = out.join("\n");
    let doc: Value = serde_norway::from_str(&text).context("the rewritten spec does not parse")?;
    ensure!(
        read(&doc)?.as_slice() == records,
        "the rewritten spec does not read back as the record"
    );
    Ok(text)
}

/// Rewrites `fingerprint:` lines of `x-from` blocks (block or flow style): `retarget(seed, old)`
/// gives the new fingerprint, if it changes.
fn retarget_x_froms(
    lines: &[&str],
    retarget: &impl Fn(&str, &str) -> Option<String>,
) -> Vec<String> {
    let mut out: Vec<String> = lines.iter().map(|line| (*line).to_owned()).collect();
    for (index, line) in lines.iter().enumerate() {
        let Some(column) = line.find("x-from:") else {
            continue;
        };
        let rest = line[column + "x-from:".len()..].trim();
        if rest.starts_with('{') {
            let x_from: Value = serde_norway::from_str(rest).unwrap_or(Value::Null);
            if let Some(new) = new_fingerprint(&x_from, retarget) {
                out[index] = replace_value(line, &new);
            }
            continue;
        }
        if !rest.is_empty() {
            continue;
        }
        let body: Vec<usize> = (index + 1..lines.len())
            .take_while(|&i| lines[i].len() - lines[i].trim_start().len() > column)
            .collect();
        let text = body
            .iter()
            .map(|&i| lines[i])
            .collect::<Vec<_>>()
            .join("\n");
        let x_from: Value = serde_norway::from_str(&text).unwrap_or(Value::Null);
        if let Some(new) = new_fingerprint(&x_from, retarget) {
            for &i in &body {
                if lines[i].trim_start().starts_with("fingerprint:") {
                    out[i] = replace_value(lines[i], &new);
                }
            }
        }
    }
    out
}

fn new_fingerprint(
    x_from: &Value,
    retarget: &impl Fn(&str, &str) -> Option<String>,
) -> Option<String> {
    let seed = x_from.get("seed")?.as_str()?;
    let old = x_from.get("fingerprint")?.as_str()?;
    retarget(seed, old)
}

/// The line with the value after its `fingerprint: ` replaced.
fn replace_value(line: &str, new: &str) -> String {
    let key = "fingerprint:";
    let Some(start) = line.find(key) else {
        return line.to_owned();
    };
    let value_start = start + key.len();
    let rest = &line[value_start..];
    let value_end = rest.find([',', '}']).unwrap_or(rest.len());
    format!(
        "{} {}{}",
        &line[..value_start],
        quote(new),
        &rest[value_end..]
    )
}
