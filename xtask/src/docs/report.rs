//! How `cargo xtask docs` prints a change: headings quoted, blocks with the examples that embed
//! them, changed text as a unified diff against what the spec recorded.

use std::fmt::Write;

use anyhow::Result;
use similar::TextDiff;

use super::COPIES;
use super::compare::{self, Change};
use super::document::{Document, fingerprint};
use super::embeddings::{self, Embedding};
use super::record::BlockRecord;

/// A heading as printed: quoted, or where the text before the first heading is.
pub fn heading(heading: &str) -> String {
    if heading.is_empty() {
        "(before the first heading)".to_owned()
    } else {
        format!("\"{heading}\"")
    }
}

fn embedded_by(embeddings: &[Embedding], seed: &str, block: &BlockRecord) -> String {
    let labels = embeddings::labels(embeddings, seed, &block.fingerprint);
    match (&block.not_embedded, labels.is_empty()) {
        (_, false) => format!("embedded by {}", labels.join(", ")),
        (Some(reason), true) => format!("not embedded: {reason}"),
        (None, true) => "embedded by no example".to_owned(),
    }
}

fn diff(old: &str, new: &str) -> String {
    let old = format!("{old}\n");
    let new = format!("{new}\n");
    TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header("recorded", "document")
        .to_string()
}

fn indented(text: &str) -> String {
    text.trim_end_matches('\n')
        .split('\n')
        .map(|line| match line {
            "" => "\n".to_owned(),
            line => format!("    {line}\n"),
        })
        .collect()
}

pub fn describe(
    out: &mut String,
    change: &Change,
    seed: &str,
    embeddings: &[Embedding],
    copy: Option<&Document>,
) -> Result<()> {
    match change {
        Change::NewBlock(block) => {
            writeln!(
                out,
                "  new block under {} (line {}):",
                heading(&block.heading),
                block.line
            )?;
            out.push_str(&indented(&block.text));
        }
        Change::ChangedBlock(old, block) => {
            writeln!(
                out,
                "  changed block under {} (line {}), {}:",
                heading(&block.heading),
                block.line,
                embedded_by(embeddings, seed, old)
            )?;
            out.push_str(&indented(&diff(&old.text, &block.text)));
        }
        Change::VanishedBlock(old) => {
            writeln!(
                out,
                "  vanished block under {}, {}:",
                heading(&old.heading),
                embedded_by(embeddings, seed, old)
            )?;
            out.push_str(&indented(&old.text));
        }
        Change::NewSection(section) => {
            writeln!(
                out,
                "  new section {} (line {}):",
                heading(&section.heading),
                section.line
            )?;
            match section.prose.as_str() {
                "" => writeln!(out, "    (no prose)")?,
                prose => out.push_str(&indented(prose)),
            }
        }
        Change::ChangedSection(old, section) => {
            writeln!(
                out,
                "  changed section {} (line {}): its prose (the text outside its blocks) changed",
                heading(&section.heading),
                section.line
            )?;
            let recorded = copy.and_then(|copy| {
                let pairs = compare::pair(
                    std::slice::from_ref(*old),
                    &copy.sections,
                    |s| &s.heading,
                    |s| &s.heading,
                );
                pairs.into_iter().find_map(|pair| match pair {
                    (Some(_), Some(prose)) if fingerprint(&prose.prose) == old.fingerprint => {
                        Some(prose.prose.clone())
                    }
                    _ => None,
                })
            });
            match recorded {
                Some(recorded) => out.push_str(&indented(&diff(&recorded, &section.prose))),
                None => writeln!(
                    out,
                    "    (the repository's copy in {COPIES}/ does not hold the recorded prose to diff against)"
                )?,
            }
        }
        Change::VanishedSection(old) => {
            writeln!(out, "  vanished section {}", heading(&old.heading))?;
        }
    }
    Ok(())
}
