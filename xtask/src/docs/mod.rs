//! `cargo xtask docs`: accounts for every part of a provider's published documents against the
//! record its spec keeps (`x-documents`, see `specs/README.md`): each code block or JSON body is
//! embedded as an example or listed with a reason, and each section's prose is fingerprinted, so a
//! changed document is reported block by block and section by section.

mod code;
mod compare;
mod document;
mod embeddings;
mod markdown;
mod plain;
mod record;
#[cfg(test)]
mod tests;

use std::fmt::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value;
use similar::TextDiff;

use crate::spec::Spec;
use compare::Change;
pub use document::{Document, fingerprint};
pub use embeddings::{Embedding, embeddings};
pub use record::{Record, read as read_records};

/// Where the repository keeps a verbatim copy of each provider document.
pub const COPIES: &str = "specs/documents";

/// What a check found: the report to print, and whether everything is accounted for.
pub struct Outcome {
    pub report: String,
    pub accounted: bool,
}

/// Checks (or, with `record`, records) `documents` of the provider's spec; no documents means the
/// repository's copies of all its seeds. Prints the report; returns whether all is accounted for.
pub fn run(root: &Path, spec: &Spec, documents: &[PathBuf], record: bool) -> Result<bool> {
    let documents = if documents.is_empty() {
        seeds(spec)
            .iter()
            .map(|seed| root.join(COPIES).join(seed))
            .collect()
    } else {
        documents.to_vec()
    };
    let mut texts = Vec::new();
    for path in &documents {
        let seed = path
            .file_name()
            .and_then(|name| name.to_str())
            .context("a document path without a file name")?;
        if !seeds(spec).iter().any(|known| known == seed) {
            bail!(
                "{} is not a document of {} (its `info.x-seeds`: {})",
                path.display(),
                spec.path.display(),
                seeds(spec).join(", ")
            );
        }
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        texts.push((seed.to_owned(), text));
    }
    if record {
        let spec_path = root.join(&spec.path);
        let spec_text = std::fs::read_to_string(&spec_path)
            .with_context(|| format!("reading {}", spec_path.display()))?;
        let (new_text, report) = record_documents(spec, &spec_text, &texts)?;
        std::fs::write(&spec_path, &new_text)
            .with_context(|| format!("writing {}", spec_path.display()))?;
        print!("{report}");
        let spec = Spec::parse(&spec.path, &new_text)?;
        let unaccounted: Vec<String> = texts
            .iter()
            .flat_map(|(seed, _)| unaccounted(&spec.doc, seed).unwrap_or_default())
            .collect();
        for problem in &unaccounted {
            println!("{problem}");
        }
        return Ok(unaccounted.is_empty());
    }
    let mut accounted = true;
    for ((seed, text), path) in texts.iter().zip(&documents) {
        let copy = std::fs::read_to_string(root.join(COPIES).join(seed)).ok();
        let outcome = check(spec, seed, text, copy.as_deref())?;
        println!("{} ({}):", seed, path.display());
        print!("{}", outcome.report);
        accounted &= outcome.accounted;
    }
    Ok(accounted)
}

fn seeds(spec: &Spec) -> Vec<String> {
    spec.doc
        .pointer("/info/x-seeds")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

fn record_of<'a>(records: &'a [(String, Record)], seed: &str) -> Option<&'a Record> {
    records
        .iter()
        .find(|(name, _)| name == seed)
        .map(|(_, record)| record)
}

/// Compares the document `text` (seed `seed`) with the spec's record. `copy` is the repository's
/// copy of the document: a changed section is shown as a diff against it when it still holds the
/// recorded prose.
pub fn check(spec: &Spec, seed: &str, text: &str, copy: Option<&str>) -> Result<Outcome> {
    let records = record::read(&spec.doc)?;
    let Some(record) = record_of(&records, seed) else {
        return Ok(Outcome {
            report: format!(
                "  no record of {seed} in {}: run `cargo xtask docs {} --record <document>`\n",
                spec.path.display(),
                spec.provider
            ),
            accounted: false,
        });
    };
    let document = Document::parse(seed, text);
    let copy = copy.map(|copy| Document::parse(seed, copy));
    let embeddings = embeddings(&spec.doc);
    let changes = compare::changes(record, &document);
    let mut report = String::new();
    for change in &changes {
        describe(&mut report, change, seed, &embeddings, copy.as_ref())?;
    }
    let problems = unaccounted(&spec.doc, seed)?;
    for problem in &problems {
        writeln!(report, "  {problem}")?;
    }
    let accounted = changes.is_empty() && problems.is_empty();
    if accounted {
        writeln!(
            report,
            "  all {} sections and {} blocks as recorded, every block embedded or given a reason",
            record.sections.len(),
            record.blocks.len()
        )?;
    } else {
        writeln!(
            report,
            "  {} changes, {} unaccounted blocks",
            changes.len(),
            problems.len()
        )?;
    }
    Ok(Outcome { report, accounted })
}

fn heading(heading: &str) -> String {
    if heading.is_empty() {
        "(before the first heading)".to_owned()
    } else {
        format!("\"{heading}\"")
    }
}

fn embedded_by(embeddings: &[Embedding], seed: &str, block: &record::BlockRecord) -> String {
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

fn describe(
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

/// The recorded blocks of `seed` that are not accounted for: embedded by no example and given no
/// reason, or given a reason while an example embeds them.
pub fn unaccounted(doc: &Value, seed: &str) -> Result<Vec<String>> {
    let records = record::read(doc)?;
    let Some(record) = record_of(&records, seed) else {
        return Ok(Vec::new());
    };
    let embeddings = embeddings(doc);
    let mut problems = Vec::new();
    for block in &record.blocks {
        let labels = embeddings::labels(&embeddings, seed, &block.fingerprint);
        match (&block.not_embedded, labels.is_empty()) {
            (None, true) => problems.push(format!(
                "block under {} ({}) is embedded by no example and has no `not-embedded` reason: \
                 embed it (`x-from.fingerprint: \"{}\"`) or say why not",
                heading(&block.heading),
                block.fingerprint,
                block.fingerprint
            )),
            (Some(_), false) => problems.push(format!(
                "block under {} ({}) has a `not-embedded` reason but {} embed it",
                heading(&block.heading),
                block.fingerprint,
                labels.join(", ")
            )),
            _ => {}
        }
    }
    Ok(problems)
}

/// The spec's text with the records of `documents` (seed, text) replaced by what they are now,
/// and the report of what the maintainer still has to do. A block keeps its `not-embedded` reason
/// when it stays under the same heading at the same position (or its text is recorded
/// elsewhere); an example's `x-from.fingerprint` follows a changed block when no other block
/// still has the old text.
pub fn record_documents(
    spec: &Spec,
    spec_text: &str,
    documents: &[(String, String)],
) -> Result<(String, String)> {
    let mut records = record::read(&spec.doc)?;
    let embeddings = embeddings(&spec.doc);
    let mut report = String::new();
    let mut retargets: Vec<(String, String, String)> = Vec::new();
    for (seed, text) in documents {
        let document = Document::parse(seed, text);
        let old = record_of(&records, seed).cloned().unwrap_or_default();
        let mut new = Record::of(&document);
        let current = new.blocks.clone();
        let pairs = compare::pair(&old.blocks, &current, |b| &b.heading, |b| &b.heading);
        let mut moved = Vec::new();
        for (index, (before, _)) in pairs.iter().take(new.blocks.len()).enumerate() {
            let block = &mut new.blocks[index];
            let same_text = old
                .blocks
                .iter()
                .find(|old| old.fingerprint == block.fingerprint);
            block.not_embedded = before
                .or(same_text)
                .and_then(|before| before.not_embedded.clone());
            if let Some(before) = before.filter(|before| before.fingerprint != block.fingerprint) {
                moved.push((
                    before.fingerprint.clone(),
                    block.fingerprint.clone(),
                    block.heading.clone(),
                ));
            }
        }
        for (from, to, at) in moved {
            let labels = embeddings::labels(&embeddings, seed, &from);
            if labels.is_empty() {
                continue;
            }
            if new.blocks.iter().any(|block| block.fingerprint == from) {
                writeln!(
                    report,
                    "{seed}: the block under {} changed ({from} -> {to}); another block still has \
                     its old text, so set `x-from.fingerprint: \"{to}\"` by hand where {} embed the \
                     changed one",
                    heading(&at),
                    labels.join(", ")
                )?;
            } else {
                writeln!(
                    report,
                    "{seed}: the block under {} changed ({from} -> {to}); x-from.fingerprint updated \
                     for {} (check that they still hold what the document prints)",
                    heading(&at),
                    labels.join(", ")
                )?;
                retargets.push((seed.clone(), from, to));
            }
        }
        for (before, after) in &pairs {
            if let (Some(before), None) = (before, after) {
                let labels = embeddings::labels(&embeddings, seed, &before.fingerprint);
                if !labels.is_empty()
                    && !new
                        .blocks
                        .iter()
                        .any(|b| b.fingerprint == before.fingerprint)
                {
                    writeln!(
                        report,
                        "{seed}: the block under {} vanished; {} still name it in x-from.fingerprint",
                        heading(&before.heading),
                        labels.join(", ")
                    )?;
                }
            }
        }
        writeln!(
            report,
            "{seed}: recorded {} sections and {} blocks in {}",
            new.sections.len(),
            new.blocks.len(),
            spec.path.display()
        )?;
        match records.iter_mut().find(|(name, _)| name == seed) {
            Some((_, record)) => *record = new,
            None => records.push((seed.clone(), new)),
        }
    }
    let order = seeds(spec);
    records.sort_by_key(|(seed, _)| order.iter().position(|known| known == seed));
    let text = record::rewrite(spec_text, &records, |seed, old| {
        retargets
            .iter()
            .find(|(s, from, _)| s == seed && from == old)
            .map(|(_, _, to)| to.clone())
    })?;
    Ok((text, report))
}
