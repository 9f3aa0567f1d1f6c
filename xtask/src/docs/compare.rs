//! What changed between a document's record and the document as published now. Items pair by
//! heading and position under it (the n-th block under a heading), so a block edited in place is
//! "changed", not "vanished" and "new".

use std::collections::HashMap;

use super::document::{Block, Document, Section, fingerprint};
use super::record::{BlockRecord, Record, SectionRecord};

pub enum Change<'a> {
    NewBlock(&'a Block),
    ChangedBlock(&'a BlockRecord, &'a Block),
    VanishedBlock(&'a BlockRecord),
    NewSection(&'a Section),
    ChangedSection(&'a SectionRecord, &'a Section),
    VanishedSection(&'a SectionRecord),
}

/// Pairs recorded items with current ones by heading and position under that heading: current
/// ones in document order (with their record, if any), then the recorded ones left over.
pub fn pair<'a, R, C>(
    recorded: &'a [R],
    current: &'a [C],
    recorded_heading: impl Fn(&R) -> &str,
    current_heading: impl Fn(&C) -> &str,
) -> Vec<(Option<&'a R>, Option<&'a C>)> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut by_key: HashMap<(&str, usize), usize> = HashMap::new();
    for (index, item) in recorded.iter().enumerate() {
        let heading = recorded_heading(item);
        let count = counts.entry(heading).or_default();
        by_key.insert((heading, *count), index);
        *count += 1;
    }
    let mut used = vec![false; recorded.len()];
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut pairs = Vec::new();
    for item in current {
        let heading = current_heading(item);
        let count = counts.entry(heading).or_default();
        let index = by_key.get(&(heading, *count)).copied();
        *count += 1;
        if let Some(index) = index {
            used[index] = true;
        }
        pairs.push((index.map(|index| &recorded[index]), Some(item)));
    }
    for (index, item) in recorded.iter().enumerate() {
        if !used[index] {
            pairs.push((Some(item), None));
        }
    }
    pairs
}

/// Every difference between the record and the document, blocks first.
pub fn changes<'a>(record: &'a Record, document: &'a Document) -> Vec<Change<'a>> {
    let mut changes = Vec::new();
    let blocks = pair(
        &record.blocks,
        &document.blocks,
        |b| &b.heading,
        |b| &b.heading,
    );
    for pair in blocks {
        match pair {
            (None, Some(block)) => changes.push(Change::NewBlock(block)),
            (Some(old), Some(block)) if old.fingerprint != fingerprint(&block.text) => {
                changes.push(Change::ChangedBlock(old, block))
            }
            (Some(old), None) => changes.push(Change::VanishedBlock(old)),
            _ => {}
        }
    }
    let sections = pair(
        &record.sections,
        &document.sections,
        |s| &s.heading,
        |s| &s.heading,
    );
    for pair in sections {
        match pair {
            (None, Some(section)) => changes.push(Change::NewSection(section)),
            (Some(old), Some(section)) if old.fingerprint != fingerprint(&section.prose) => {
                changes.push(Change::ChangedSection(old, section))
            }
            (Some(old), None) => changes.push(Change::VanishedSection(old)),
            _ => {}
        }
    }
    changes
}
