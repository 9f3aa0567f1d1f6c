//! The record of the provider's documents (`x-documents`): each recorded block is embedded by an
//! example (`x-from.fingerprint`) or says why not, each `x-from.fingerprint` names a recorded
//! block, and each fingerprint is the one of the text it stands for.

use std::collections::BTreeSet;

use serde_json::Value;

use super::Findings;
use crate::docs;

pub fn check(doc: &Value, seeds: &BTreeSet<&str>, findings: &mut Findings) {
    let records = match docs::read_records(doc) {
        Ok(records) => records,
        Err(error) => {
            findings.add("x-documents", format!("{error:#}"));
            return;
        }
    };
    for (seed, record) in &records {
        let place = format!("x-documents.{seed}");
        if !seeds.contains(seed.as_str()) {
            findings.add(&place, "is not a document `info.x-seeds` lists".into());
        }
        for section in &record.sections {
            if !is_fingerprint(&section.fingerprint) {
                findings.add(
                    &place,
                    format!(
                        "section \"{}\": `{}` is not a fingerprint (12 lowercase hex digits)",
                        section.heading, section.fingerprint
                    ),
                );
            }
        }
        for block in &record.blocks {
            let expected = docs::fingerprint(&block.text);
            if block.fingerprint != expected {
                findings.add(
                    &place,
                    format!(
                        "block under \"{}\": fingerprint `{}` is not its text's (`{expected}`)",
                        block.heading, block.fingerprint
                    ),
                );
            }
            if block
                .not_embedded
                .as_deref()
                .is_some_and(|r| r.trim().is_empty())
            {
                findings.add(
                    &place,
                    format!(
                        "block under \"{}\": `not-embedded` gives no reason",
                        block.heading
                    ),
                );
            }
        }
        match docs::unaccounted(doc, seed) {
            Ok(problems) => {
                for problem in problems {
                    findings.add(&place, problem);
                }
            }
            Err(error) => findings.add(&place, format!("{error:#}")),
        }
    }
    for embedding in docs::embeddings(doc) {
        let Some(fingerprint) = &embedding.fingerprint else {
            continue;
        };
        let place = format!("{}: x-from.fingerprint", embedding.label);
        let Some(fingerprint) = fingerprint.as_str() else {
            findings.add(&place, format!("`{fingerprint}` is not a string"));
            continue;
        };
        let named = records
            .iter()
            .filter(|(seed, _)| *seed == embedding.seed)
            .flat_map(|(_, record)| &record.blocks)
            .any(|block| block.fingerprint == fingerprint);
        if !named {
            findings.add(
                &place,
                format!(
                    "`{fingerprint}` names no block recorded for {} in `x-documents`",
                    embedding.seed
                ),
            );
        }
    }
}

fn is_fingerprint(text: &str) -> bool {
    text.len() == 12
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}
