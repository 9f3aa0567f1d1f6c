//! The promises of `cargo xtask docs`, on the repository's copies of the providers' documents
//! (`specs/documents/`) and on copies edited the way a provider edits its page.

use super::*;
use crate::spec;

fn spec_of(provider: &str) -> Spec {
    spec::load_all(&crate::workspace_root())
        .unwrap()
        .into_iter()
        .find(|spec| spec.provider == provider)
        .unwrap()
}

fn copy(seed: &str) -> String {
    std::fs::read_to_string(crate::workspace_root().join(COPIES).join(seed)).unwrap()
}

/// Checks `seed` of `provider` after `edit` replaced `from` with `to` (each must occur).
fn check_edited(provider: &str, seed: &str, edits: &[(&str, &str)]) -> Outcome {
    let original = copy(seed);
    let mut text = original.clone();
    for (from, to) in edits {
        assert!(text.contains(from), "{seed} does not print {from:?}");
        text = text.replacen(from, to, 1);
    }
    check(&spec_of(provider), seed, &text, Some(&original)).unwrap()
}

#[test]
fn every_providers_current_documents_are_accounted_for() {
    let specs = spec::load_all(&crate::workspace_root()).unwrap();
    let mut documents = 0;
    for spec in &specs {
        for seed in seeds(spec) {
            let outcome = check(spec, &seed, &copy(&seed), None).unwrap();
            assert!(outcome.accounted, "{seed}:\n{}", outcome.report);
            assert!(outcome.report.contains("as recorded"), "{}", outcome.report);
            documents += 1;
        }
    }
    assert_eq!(documents, 5, "the five provider documents");
}

#[test]
fn a_changed_json_value_fails_naming_its_block_and_showing_the_diff() {
    // Plain text (a rendered page without fences).
    let outcome = check_edited(
        "nanogpt",
        "nanogpt-tts.md",
        &[("\"cost\": 0.0050388,", "\"cost\": 0.0061,")],
    );
    assert!(!outcome.accounted);
    let report = &outcome.report;
    assert!(
        report.contains("changed block under \"When you see status: “pending”\""),
        "{report}"
    );
    assert!(
        report.contains("embedded by submit_tts.pending"),
        "{report}"
    );
    assert!(report.contains("-  \"cost\": 0.0050388,"), "{report}");
    assert!(report.contains("+  \"cost\": 0.0061,"), "{report}");
    assert!(
        !report.contains("section"),
        "only the block changed:\n{report}"
    );
    assert!(
        !report.contains("new block") && !report.contains("vanished"),
        "a block edited in place is changed, not new and vanished:\n{report}"
    );

    // Markdown: the job created by the TTS call.
    let outcome = check_edited(
        "miragic",
        "miragic-text-to-speech.md",
        &[("\"status\":\"PENDING\"}", "\"status\":\"QUEUED\"}")],
    );
    assert!(!outcome.accounted);
    assert!(
        outcome.report.contains(
            "changed block under \"Text-To-Speech API Reference > How To Create Image Generation Task > Request\""
        ),
        "{}",
        outcome.report
    );
    assert!(
        outcome.report.contains("\"status\":\"QUEUED\""),
        "{}",
        outcome.report
    );
}

#[test]
fn a_changed_limit_in_prose_fails_naming_its_section() {
    let outcome = check_edited(
        "nanogpt",
        "nanogpt-tts.md",
        &[(
            "Required range: 0.1 <= x <= 5",
            "Required range: 0.25 <= x <= 4",
        )],
    );
    assert!(!outcome.accounted);
    let report = &outcome.report;
    assert!(
        report.contains(
            "changed section \"Speech speed multiplier (0.1-5, not supported for gpt-4o-mini-tts)\""
        ),
        "{report}"
    );
    assert!(
        report.contains("-Required range: 0.1 <= x <= 5"),
        "{report}"
    );
    assert!(
        report.contains("+Required range: 0.25 <= x <= 4"),
        "{report}"
    );
    assert!(
        !report.contains("block under"),
        "no block changed:\n{report}"
    );

    // A field table row in Markdown.
    let outcome = check_edited(
        "miragic",
        "miragic-speech-to-text.md",
        &[(
            "<td>jobId</td><td>String</td>",
            "<td>jobId</td><td>Number</td>",
        )],
    );
    assert!(!outcome.accounted);
    assert!(
        outcome
            .report
            .contains("changed section \"Speech-To-Text API Reference > How To Create Image Generation Task > Request\""),
        "{}",
        outcome.report
    );

    // A limit in a plain-text list.
    let outcome = check_edited(
        "voiceclone",
        "voice-clone-tts-api.txt",
        &[(
            "- Maximum text length: 5000 bytes",
            "- Maximum text length: 4000 bytes",
        )],
    );
    assert!(!outcome.accounted);
    assert!(
        outcome
            .report
            .contains("changed section \"Credits System\""),
        "{}",
        outcome.report
    );
}

#[test]
fn a_new_and_a_vanished_block_are_reported_as_such() {
    let unauthorized =
        "Unauthorized\n{\n\"code\": \"UNAUTHORIZED\",\n\"error\": \"Authentication required\"\n}\n";
    let outcome = check_edited(
        "voiceclone",
        "voice-clone-tts-api.txt",
        &[
            (unauthorized, ""),
            (
                "Support\n",
                "Forbidden\n{\n\"code\": \"FORBIDDEN\",\n\"error\": \"Not allowed\"\n}\nSupport\n",
            ),
        ],
    );
    assert!(!outcome.accounted);
    let report = &outcome.report;
    assert!(report.contains("new block under \"Forbidden\""), "{report}");
    assert!(report.contains("    \"code\": \"FORBIDDEN\","), "{report}");
    assert!(report.contains("new section \"Forbidden\""), "{report}");
    assert!(
        report.contains("vanished block under \"Unauthorized\", embedded by "),
        "{report}"
    );
    assert!(
        report.contains("vanished section \"Unauthorized\""),
        "{report}"
    );
    assert!(!report.contains("changed"), "{report}");

    // Markdown: a new fenced block in a new tab.
    let outcome = check_edited(
        "miragic",
        "miragic-text-to-speech.md",
        &[(
            "{% endtabs %}\n\n## How To Create Image Generation Task",
            "{% tab title=\"Go\" %}\n\n```go\nhttp.Post(url)\n```\n\n{% endtab %}\n{% endtabs %}\n\n## How To Create Image Generation Task",
        )],
    );
    assert!(
        outcome
            .report
            .contains("new block under \"Text-To-Speech API Reference > Authentication > Go\""),
        "{}",
        outcome.report
    );
}

#[test]
fn recording_rewrites_only_the_record_and_follows_a_changed_block() {
    let spec = spec_of("nanogpt");
    let spec_text = std::fs::read_to_string(crate::workspace_root().join(&spec.path)).unwrap();
    let changed = copy("nanogpt-tts.md").replacen("\"cost\": 0.0050388,", "\"cost\": 0.0061,", 1);
    let (new_text, report) = record_documents(
        &spec,
        &spec_text,
        &[("nanogpt-tts.md".into(), changed.clone())],
    )
    .unwrap();
    assert!(
        report.contains("x-from.fingerprint updated for submit_tts.pending"),
        "{report}"
    );

    let old_fingerprint = fingerprint(
        "{\n  \"status\": \"pending\",\n  \"runId\": \"98b0d593-fe8d-49b8-89c9-233022232297\",\n  \"model\": \"Elevenlabs-Turbo-V2.5\",\n  \"charged\": true,\n  \"cost\": 0.0050388,\n  \"paymentSource\": \"USD\",\n  \"isApiRequest\": true\n}",
    );
    assert!(
        spec_text.contains(&old_fingerprint),
        "the test's block is the recorded one"
    );
    assert!(!new_text.contains(&old_fingerprint));
    // Outside the record, only that fingerprint line changed.
    let outside = |text: &str| {
        let end = text.find("\nx-documents:\n").unwrap();
        text[..end].to_owned()
    };
    let (before, after) = (outside(&spec_text), outside(&new_text));
    let differing: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(before.lines().count(), after.lines().count());
    assert_eq!(differing.len(), 1, "{differing:?}");
    assert!(differing[0].0.trim_start().starts_with("fingerprint: "));

    let recorded = Spec::parse(&spec.path, &new_text).unwrap();
    assert!(
        check(&recorded, "nanogpt-tts.md", &changed, None)
            .unwrap()
            .accounted
    );
    assert!(
        !check(&recorded, "nanogpt-tts.md", &copy("nanogpt-tts.md"), None)
            .unwrap()
            .accounted
    );
    assert!(crate::lint::lint(&recorded).unwrap().is_empty());

    // Recording the same document again changes nothing.
    let (again, _) =
        record_documents(&recorded, &new_text, &[("nanogpt-tts.md".into(), changed)]).unwrap();
    assert_eq!(again, new_text);
}

#[test]
fn recording_keeps_a_reason_and_leaves_a_new_block_to_the_maintainer() {
    let spec = spec_of("miragic");
    let seed = "miragic-text-to-speech.md";
    let spec_text = std::fs::read_to_string(crate::workspace_root().join(&spec.path)).unwrap();
    let changed = copy(seed)
        .replacen("?ask=<question>", "?ask=<your question>", 1)
        .replacen(
            "## Full Code Example",
            "## Full Code Example\n\n```bash\ncurl https://backend.miragic.ai/api/v1/health\n```",
            1,
        );
    let (new_text, _) =
        record_documents(&spec, &spec_text, &[(seed.into(), changed.clone())]).unwrap();
    let recorded = Spec::parse(&spec.path, &new_text).unwrap();
    let records = record::read(&recorded.doc).unwrap();
    let record = record_of(&records, seed).unwrap();
    let agent = record
        .blocks
        .iter()
        .find(|block| block.text.contains("<your question>"))
        .unwrap();
    assert!(
        agent.not_embedded.is_some(),
        "the changed block keeps its reason"
    );
    let problems = unaccounted(&recorded.doc, seed).unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("Full Code Example"), "{problems:?}");
    // The other document's record is untouched.
    assert_eq!(
        record_of(&records, "miragic-speech-to-text.md"),
        record_of(
            &record::read(&spec.doc).unwrap(),
            "miragic-speech-to-text.md"
        )
    );
}

#[test]
fn publishing_changes_do_not_change_fingerprints_but_indentation_does() {
    let text = copy("nanogpt-tts.md");
    let republished = text.replace('\n', "  \r\n");
    let a = Record::of(&Document::parse("nanogpt-tts.md", &text));
    let b = Record::of(&Document::parse("nanogpt-tts.md", &republished));
    assert_eq!(a, b);
    let reindented = text.replacen("    headers = {", "  headers = {", 1);
    let c = Record::of(&Document::parse("nanogpt-tts.md", &reindented));
    assert_ne!(a.blocks, c.blocks);
}

#[test]
fn recording_onto_a_spec_without_a_record_appends_it() {
    let spec = spec_of("audixa");
    let seed = "audixa-api-introduction.txt";
    let spec_text = std::fs::read_to_string(crate::workspace_root().join(&spec.path)).unwrap();
    let (before, _) = spec_text.split_once("\nx-documents:\n").unwrap();
    let bare = format!("{before}\n");
    let unrecorded = Spec::parse(&spec.path, &bare).unwrap();
    assert!(
        !check(&unrecorded, seed, &copy(seed), None)
            .unwrap()
            .accounted
    );
    let (text, report) =
        record_documents(&unrecorded, &bare, &[(seed.into(), copy(seed))]).unwrap();
    assert!(
        report.contains("recorded 9 sections and 1 blocks"),
        "{report}"
    );
    assert!(text.starts_with(&bare));
    let recorded = Spec::parse(&spec.path, &text).unwrap();
    assert!(check(&recorded, seed, &copy(seed), None).unwrap().accounted);
}

#[test]
fn run_takes_only_the_specs_documents_and_says_whether_all_is_accounted_for() {
    let root = crate::workspace_root();
    let spec = spec_of("voiceclone");
    assert!(run(&root, &spec, &[], false).unwrap());

    let dir = tempfile::tempdir().unwrap();
    let changed = dir.path().join("voice-clone-tts-api.txt");
    let text =
        copy("voice-clone-tts-api.txt").replacen("\"credits\": 5000,", "\"credits\": 4000,", 1);
    std::fs::write(&changed, text).unwrap();
    assert!(!run(&root, &spec, &[changed], false).unwrap());

    let other = dir.path().join("nanogpt-tts.md");
    std::fs::write(&other, copy("nanogpt-tts.md")).unwrap();
    let error = run(&root, &spec, &[other], false).unwrap_err().to_string();
    assert!(
        error.contains("is not a document of specs/voiceclone.yaml"),
        "{error}"
    );
}
