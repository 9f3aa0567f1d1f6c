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
mod recording;
mod report;
#[cfg(test)]
mod tests;

use std::fmt::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::spec::Spec;
pub use document::{Document, fingerprint};
pub use embeddings::embeddings;
pub use record::{Record, read as read_records};
pub use recording::record_documents;
use report::{describe, heading};

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
        let mut unaccounted_blocks = Vec::new();
        for (seed, _) in &texts {
            unaccounted_blocks.extend(unaccounted(&spec.doc, seed)?);
        }
        for problem in &unaccounted_blocks {
            println!("{problem}");
        }
        return Ok(unaccounted_blocks.is_empty());
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
