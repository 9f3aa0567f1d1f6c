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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::json;

    use crate::docs::fingerprint;
    use crate::spec::Spec;

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: T, version: "1", x-seeds: [doc.md]}
x-errata: []
x-crate: {version: 0.1.0}
x-environment: {key: TEST_API_KEY}
paths:
  /jobs/{id}:
    get:
      operationId: get_job
      parameters:
        - name: id
          in: path
          required: true
          schema: {type: string}
          examples:
            curl: {value: abc, x-from: {seed: doc.md, section: S, snippet: curl, fingerprint: CURL}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object}
              examples:
                done: {value: {status: DONE}, x-from: {seed: doc.md, section: S, snippet: response}}
"##;

    const CURL: &str = "curl https://x/jobs/abc";

    /// The lint findings about the record, for a spec whose `curl` example names `named` and
    /// whose record is `documents`.
    fn findings(named: &str, documents: serde_json::Value) -> Vec<String> {
        let text = SPEC.replace("fingerprint: CURL", &format!("fingerprint: \"{named}\""))
            + &format!("x-documents: {documents}\n");
        let spec = Spec::parse(Path::new("specs/test.yaml"), &text).unwrap();
        crate::lint::lint(&spec).unwrap()
    }

    fn block(text: &str) -> serde_json::Value {
        json!({"heading": "S", "fingerprint": fingerprint(text), "text": text})
    }

    fn record(blocks: serde_json::Value) -> serde_json::Value {
        json!({"doc.md": {"sections": [{"heading": "S", "fingerprint": fingerprint("")}], "blocks": blocks}})
    }

    #[test]
    fn every_block_is_embedded_or_says_why_not() {
        let curl = fingerprint(CURL);
        assert_eq!(
            findings(&curl, record(json!([block(CURL)]))),
            Vec::<String>::new()
        );

        let unexplained = findings(&curl, record(json!([block(CURL), block("print(1)")])));
        assert_eq!(unexplained.len(), 1, "{unexplained:?}");
        assert!(unexplained[0].contains("embedded by no example and has no `not-embedded` reason"));

        let mut explained = block("print(1)");
        explained["not-embedded"] = json!("a helper that calls no operation");
        assert_eq!(
            findings(&curl, record(json!([block(CURL), explained]))),
            Vec::<String>::new()
        );

        let mut contradicted = block(CURL);
        contradicted["not-embedded"] = json!("never mind");
        let found = findings(&curl, record(json!([contradicted])));
        assert!(
            found[0].contains("has a `not-embedded` reason but get_job.curl embed it"),
            "{found:?}"
        );

        let mut empty = block("print(1)");
        empty["not-embedded"] = json!(" ");
        let found = findings(&curl, record(json!([block(CURL), empty])));
        assert!(
            found[0].contains("`not-embedded` gives no reason"),
            "{found:?}"
        );
    }

    #[test]
    fn fingerprints_name_recorded_blocks_of_their_text() {
        let found = findings("0123456789ab", record(json!([block(CURL)])));
        assert!(
            found.iter().any(|f| f.contains("get_job.curl: x-from.fingerprint: `0123456789ab` names no block recorded for doc.md")),
            "{found:?}"
        );

        let mut edited = block(CURL);
        edited["text"] = json!("curl https://x/jobs/abd");
        let found = findings(&fingerprint(CURL), record(json!([edited])));
        assert!(found[0].contains("is not its text's"), "{found:?}");

        let mut section = record(json!([block(CURL)]));
        section["doc.md"]["sections"][0]["fingerprint"] = json!("XYZ");
        let found = findings(&fingerprint(CURL), section);
        assert!(found[0].contains("`XYZ` is not a fingerprint"), "{found:?}");
    }

    #[test]
    fn the_record_names_seeds_and_known_fields_only() {
        let curl = fingerprint(CURL);
        let mut other = record(json!([block(CURL)]));
        other["other.md"] = other["doc.md"].clone();
        let found = findings(&curl, other);
        assert!(found.iter().any(|f| f.contains("x-documents.other.md: is not a document `info.x-seeds` lists")), "{found:?}");

        let mut unknown = block(CURL);
        unknown["embedded"] = json!(true);
        let found = findings(&curl, record(json!([unknown])));
        assert!(
            found.iter().any(|f| f.contains("unknown field `embedded`")),
            "{found:?}"
        );
    }
}
