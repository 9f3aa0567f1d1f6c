//! Recording the documents as they are now, after a maintainer reviewed them: what the record
//! keeps from before, and which examples follow a changed block.

use std::fmt::Write;

use anyhow::Result;

use super::document::Document;
use super::embeddings::{self, embeddings};
use super::record::{self, Record};
use super::report::heading;
use super::{compare, record_of, seeds};
use crate::spec::Spec;

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
