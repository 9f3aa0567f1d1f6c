//! `speech batch` against `speech mock`: a run killed (`kill -9`) while jobs are in flight, then
//! run again, synthesizes every text exactly once (counted in the mock's request lines), writes
//! every file whole, and leaves a journal that says done for all; a text sent without an answer
//! is not sent again unless asked.

use crate::common;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Mock, Synthesis, eventually, jobs, json, speech, syntheses};
use serde_json::Value;
use speech_facade::Service;
use speech_mock_support::audio_sample;

const TEXTS: usize = 5;

fn journal(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("journal.jsonl"))
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

fn events(dir: &Path, event: &str) -> usize {
    journal(dir)
        .iter()
        .filter(|record| record["event"] == event)
        .count()
}

/// The last record of each id.
fn last(dir: &Path) -> HashMap<String, Value> {
    journal(dir)
        .into_iter()
        .map(|record| (record["id"].as_str().unwrap().to_owned(), record))
        .collect()
}

#[test]
fn a_batch_killed_mid_flight_finishes_on_the_next_run_with_each_text_sent_once() {
    // Every provider at once, each against its own mock: each batch waits out its provider's
    // documented submit pace, so the test takes as long as the slowest, not their sum.
    std::thread::scope(|scope| {
        for (service, synthesis) in jobs() {
            scope.spawn(move || killed_batch_finishes_on_the_next_run(service, &synthesis));
        }
    });
}

fn killed_batch_finishes_on_the_next_run(service: &'static Service, synthesis: &Synthesis) {
    let name = service.name;
    let mock = Mock::start(service, 30, &[]);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("texts.jsonl");
    let lines: Vec<String> = (0..TEXTS)
        .map(|index| synthesis.line(&format!("t{index}")).to_string())
        .collect();
    std::fs::write(&input, lines.join("\n")).unwrap();
    let out = dir.path().join("out");
    let batch = |extra: &[&str]| {
        let mut command = Command::new(assert_cmd::cargo::cargo_bin!("speech"));
        command
            .env(service.key_variable, common::KEY)
            .arg("batch")
            .arg(&input)
            .args(common::at(&mock, service))
            .args(["--concurrency", "2", "--out"])
            .arg(&out)
            .args(extra);
        command
    };

    let mut first = batch(&[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let two_started = eventually(Duration::from_secs(30), || events(&out, "started") >= 2);
    // kill -9: no destructor, no flush, nothing the process could tidy.
    first.kill().unwrap();
    first.wait().unwrap();
    assert!(two_started, "{name}: {:?}", journal(&out));
    let done_before = events(&out, "done");
    assert!(
        done_before < TEXTS,
        "{name}: the first run was not cut short"
    );

    let second = speech(service)
        .arg("batch")
        .arg(&input)
        .args(common::at(&mock, service))
        .args(["--concurrency", "2", "--json", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(second.status.success(), "{name}: {second:?}");
    let summary = json(&second);
    assert_eq!(summary["total"], TEXTS, "{name}");
    let count = |key: &str| summary[key].as_array().unwrap().len();
    assert_eq!(count("skipped"), done_before, "{name}: {summary}");
    assert!(
        count("resumed") >= 1,
        "{name}: a started job was resumed: {summary}"
    );
    assert_eq!(
        count("done") + count("resumed") + count("skipped"),
        TEXTS,
        "{name}"
    );

    assert_eq!(
        mock.count(synthesis.operation),
        TEXTS,
        "{name}: each text sent once"
    );
    let states = last(&out);
    assert_eq!(states.len(), TEXTS, "{name}");
    for (id, record) in states {
        assert_eq!(record["event"], "done", "{name}: {id}");
        let file = out.join(record["file"].as_str().unwrap());
        let written = std::fs::read(&file).unwrap();
        let media = record["content_type"].as_str().unwrap_or_default();
        assert_eq!(written, audio_sample(media), "{name}: {id} is whole");
        assert_eq!(record["bytes"], written.len(), "{name}: {id}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{name}: {leftovers:?}");
}

#[test]
fn a_text_sent_without_an_answer_is_not_sent_again_unless_asked() {
    let (service, synthesis) = syntheses().remove(0);
    let mock = Mock::start(service, 1, &[]);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("texts.jsonl");
    let lines = [synthesis.line("sent"), synthesis.line("fresh")].map(|line| line.to_string());
    std::fs::write(&input, lines.join("\n")).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    // A run that died after recording "sending" and before hearing back.
    std::fs::write(
        out.join("journal.jsonl"),
        "{\"id\":\"sent\",\"event\":\"sending\"}\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        speech(service)
            .arg("batch")
            .arg(&input)
            .args(common::at(&mock, service))
            .args(["--json", "--out"])
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    let held = run(&[]);
    assert_eq!(held.status.code(), Some(8), "{held:?}");
    let summary = json(&held);
    assert_eq!(summary["unconfirmed"], serde_json::json!(["sent"]));
    assert_eq!(summary["done"], serde_json::json!(["fresh"]));
    assert_eq!(
        mock.count(synthesis.operation),
        1,
        "only the fresh text was sent"
    );
    assert_eq!(last(&out)["sent"]["event"], "sending");

    let resent = run(&["--resubmit-unconfirmed"]);
    assert!(resent.status.success(), "{resent:?}");
    let summary = json(&resent);
    assert_eq!(summary["done"], serde_json::json!(["sent"]));
    assert_eq!(summary["skipped"], serde_json::json!(["fresh"]));
    assert_eq!(mock.count(synthesis.operation), 2);
    assert_eq!(last(&out)["sent"]["event"], "done");
}

#[test]
fn a_bad_line_stops_the_batch_before_anything_is_sent() {
    let (service, synthesis) = syntheses().remove(0);
    let mock = Mock::start(service, 1, &[]);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("texts.jsonl");
    std::fs::write(
        &input,
        format!("{}\n{{\"text\": \"no voice\"}}\n", synthesis.line("ok")),
    )
    .unwrap();
    let refused = speech(service)
        .arg("batch")
        .arg(&input)
        .args(common::at(&mock, service))
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("line 2"));
    assert_eq!(mock.count(synthesis.operation), 0);
}
