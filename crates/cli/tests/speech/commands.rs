//! Every command of `speech` against `speech mock` run as a process, for every provider whose
//! spec maps the operation: the result, the requests the mock counted, the exit code of each kind
//! of failure, `--json` documents, and progress as plain lines when stderr is no terminal.

use crate::common;

use common::{
    Mock, Synthesis, at, eventually, jobs, json, recording, speech, speech_with_key, syntheses,
};
use serde_json::Value;
use speech_facade::{Service, providers};
use speech_mock_support::audio_sample;

#[test]
fn synthesize_writes_the_served_audio_once_submitted_with_plain_progress_lines() {
    for (service, synthesis) in syntheses() {
        let name = service.name;
        let mock = Mock::start(service, 2, &[]);
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("speech.audio");
        let output = speech(service)
            .arg("synthesize")
            .args(at(&mock, service))
            .args(synthesis.args())
            .arg("-o")
            .arg(&out)
            .arg("--json")
            .output()
            .unwrap();
        assert!(output.status.success(), "{name}: {output:?}");
        let document = json(&output);
        let media = document["content_type"].as_str().unwrap_or_default();
        let written = std::fs::read(&out).unwrap();
        assert_eq!(written, audio_sample(media), "{name}: the served audio");
        assert_eq!(document["bytes"], written.len(), "{name}");
        assert_eq!(mock.count(synthesis.operation), 1, "{name}: submitted once");

        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(
            !stderr.contains('\x1b'),
            "{name}: escape codes in {stderr:?}"
        );
        if let Some(start) = service.job_start(synthesis.operation) {
            let polls = mock.count(start.poll);
            let lines = stderr
                .lines()
                .filter(|line| line.contains("(poll "))
                .count();
            assert!(
                lines >= 2 && lines < polls,
                "{name}: {lines} poll lines, {polls} polls: {stderr}"
            );
        }
        assert!(stderr.contains("downloading"), "{name}: {stderr}");
    }
}

#[test]
fn transcribe_prints_the_text_and_clone_voice_the_voice_id() {
    let dir = tempfile::tempdir().unwrap();
    let recording = recording(dir.path());
    let mut checked = 0;
    for service in providers() {
        let mock = Mock::start(service, 2, &[]);
        if let Some(mapping) = service.speech.transcribe {
            let output = speech(service)
                .arg("transcribe")
                .args(at(&mock, service))
                .arg(&recording)
                .output()
                .unwrap();
            assert!(output.status.success(), "{}: {output:?}", service.name);
            assert!(!String::from_utf8(output.stdout).unwrap().trim().is_empty());
            assert_eq!(mock.count(mapping.operation), 1, "{}", service.name);
            checked += 1;
        }
        if let Some(mapping) = service.speech.clone_voice {
            let output = speech(service)
                .arg("clone-voice")
                .args(at(&mock, service))
                .arg(&recording)
                .args(
                    mapping
                        .name
                        .map(|_| ["--name", "A voice"])
                        .into_iter()
                        .flatten(),
                )
                .arg("--json")
                .output()
                .unwrap();
            assert!(output.status.success(), "{}: {output:?}", service.name);
            let id = json(&output)["voice_id"].as_str().unwrap().to_owned();
            assert!(!id.is_empty(), "{}", service.name);
            assert_eq!(mock.count(mapping.operation), 1, "{}", service.name);
            checked += 1;
        }
    }
    assert!(checked > 0, "no provider maps transcription or cloning");
}

#[test]
fn voices_and_balance_print_what_the_spec_maps_and_refuse_what_it_does_not() {
    for service in providers() {
        let name = service.name;
        let mock = Mock::start(service, 2, &[]);
        let voices = speech(service)
            .arg("voices")
            .args(at(&mock, service))
            .arg("--json")
            .output()
            .unwrap();
        match service.speech.voices {
            Some(mapping) => {
                assert!(voices.status.success(), "{name}: {voices:?}");
                let list = json(&voices);
                let list = list.as_array().unwrap();
                assert!(!list.is_empty(), "{name}");
                assert!(
                    list.iter()
                        .all(|voice| voice["id"].as_str().is_some_and(|id| !id.is_empty()))
                );
                assert_eq!(mock.count(mapping.operation), 1, "{name}");
            }
            None => assert_eq!(voices.status.code(), Some(2), "{name}: {voices:?}"),
        }
        let balance = speech(service)
            .arg("balance")
            .args(at(&mock, service))
            .output()
            .unwrap();
        match service.speech.balance {
            Some(_) => {
                assert!(balance.status.success(), "{name}: {balance:?}");
                let printed = String::from_utf8(balance.stdout).unwrap();
                assert!(printed.trim().parse::<f64>().is_ok(), "{name}: {printed}");
            }
            None => assert_eq!(balance.status.code(), Some(2), "{name}: {balance:?}"),
        }
    }
}

#[test]
fn a_deadline_prints_a_handle_that_resume_finishes_without_a_second_submit() {
    // Every provider at once, each against its own mock: the test takes as long as the
    // slowest provider's waits, not their sum.
    std::thread::scope(|scope| {
        for (service, synthesis) in jobs() {
            scope.spawn(move || a_deadline_then_resume(service, &synthesis));
        }
    });
}

fn a_deadline_then_resume(service: &'static Service, synthesis: &Synthesis) {
    let name = service.name;
    let poll = service.job_start(synthesis.operation).unwrap().poll;
    let mock = Mock::start(service, 40, &[]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("late.audio");
    let cut = speech(service)
        .arg("synthesize")
        .args(at(&mock, service))
        .args(synthesis.args())
        .arg("-o")
        .arg(&out)
        .args(["--deadline", "300ms"])
        .output()
        .unwrap();
    assert_eq!(cut.status.code(), Some(7), "{name}: {cut:?}");
    assert!(!out.exists(), "{name}");
    let handle = String::from_utf8(cut.stdout).unwrap();
    let parsed: Value = serde_json::from_str(handle.trim()).unwrap();
    assert_eq!(parsed["provider"], name);
    assert_eq!(parsed["job"]["operation"], poll, "{name}");
    let polls_before = mock.count(poll);

    let resumed = speech(service)
        .args([
            "resume",
            handle.trim(),
            "--poll-interval",
            common::POLL,
            "--json",
        ])
        .output()
        .unwrap();
    assert!(resumed.status.success(), "{name}: {resumed:?}");
    assert_eq!(json(&resumed)["file"], Value::from(out.to_str().unwrap()));
    assert!(std::fs::metadata(&out).unwrap().len() > 0, "{name}");
    assert_eq!(mock.count(synthesis.operation), 1, "{name}: submitted once");
    assert!(
        mock.count(poll) > polls_before,
        "{name}: the resumed wait polled"
    );
}

#[test]
fn each_kind_of_failure_exits_with_its_code() {
    let (service, synthesis) = syntheses().remove(0);
    let mock = Mock::start(service, 2, &[]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.audio");
    let synthesize = |key: Option<&str>, extra: &[&str]| {
        speech_with_key(service, key)
            .arg("synthesize")
            .args(at(&mock, service))
            .args(synthesis.args())
            .arg("-o")
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    // Usage: a missing flag; an unknown provider; a text file that is not there.
    let usage = speech(service)
        .args(["synthesize", "--provider", service.name])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2), "{usage:?}");
    let unknown = speech(service)
        .args(["voices", "--provider", "no-such-provider"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2), "{unknown:?}");
    assert!(String::from_utf8_lossy(&unknown.stderr).contains(service.name));
    let missing_file = speech(service)
        .arg("synthesize")
        .args(at(&mock, service))
        .args(["--text-file", "/no/such/file", "--voice", "v", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(missing_file.status.code(), Some(2), "{missing_file:?}");

    let no_key = synthesize(None, &["--json"]);
    assert_eq!(no_key.status.code(), Some(3), "{no_key:?}");
    assert!(
        json(&no_key)["error"]["message"]
            .as_str()
            .unwrap()
            .contains(service.key_variable)
    );
    assert_eq!(json(&no_key)["error"]["kind"], "auth");
    let wrong_key = synthesize(Some("not-the-key"), &[]);
    assert_eq!(wrong_key.status.code(), Some(3), "{wrong_key:?}");
    assert_eq!(
        mock.count(synthesis.operation),
        1,
        "the wrong key was sent once and refused"
    );
    assert!(!out.exists());
}

#[test]
fn a_failed_job_exits_with_the_job_failure_code() {
    for (service, synthesis) in jobs() {
        let mock = Mock::start(service, 1, &["--fail"]);
        let dir = tempfile::tempdir().unwrap();
        let failed = speech(service)
            .arg("synthesize")
            .args(at(&mock, service))
            .args(synthesis.args())
            .arg("-o")
            .arg(dir.path().join("x.audio"))
            .arg("--json")
            .output()
            .unwrap();
        assert_eq!(
            failed.status.code(),
            Some(6),
            "{}: {failed:?}",
            service.name
        );
        assert_eq!(json(&failed)["error"]["kind"], "job-failed");
    }
}

#[test]
fn a_submit_that_spends_credits_and_gets_no_answer_exits_8_and_is_not_sent_again() {
    let spending: Vec<_> = syntheses()
        .into_iter()
        .filter(|(service, synthesis)| service.spends_credits(synthesis.operation))
        .collect();
    assert!(
        !spending.is_empty(),
        "no provider's synthesis spends credits"
    );
    for (service, synthesis) in spending {
        let (url, requests) = hang_up_after_each_request();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("x.audio");
        let unanswered = speech(service)
            .arg("synthesize")
            .args(["--provider", service.name, "--base-url", &url])
            .args(synthesis.args())
            .arg("-o")
            .arg(&out)
            .arg("--json")
            .output()
            .unwrap();
        assert_eq!(
            unanswered.status.code(),
            Some(8),
            "{}: {unanswered:?}",
            service.name
        );
        assert_eq!(json(&unanswered)["error"]["kind"], "unconfirmed");
        assert_eq!(
            requests.load(std::sync::atomic::Ordering::SeqCst),
            1,
            "{}: the submit reached the server once",
            service.name
        );
        assert!(!out.exists(), "{}", service.name);
    }
}

/// A server on loopback that reads each request whole (headers, then `Content-Length` bytes)
/// and closes the connection without answering; its URL and the count of requests it read.
fn hang_up_after_each_request() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{BufRead, BufReader, Read};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = requests.clone();
    std::thread::spawn(move || {
        for connection in listener.incoming() {
            let Ok(connection) = connection else { return };
            let mut reader = BufReader::new(connection);
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                if let Some((name, value)) = line.split_once(':')
                    && name.eq_ignore_ascii_case("content-length")
                {
                    length = value.trim().parse().unwrap_or(0);
                }
                if line == "\r\n" {
                    let mut body = vec![0; length];
                    if reader.read_exact(&mut body).is_ok() {
                        counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                    break;
                }
            }
        }
    });
    (url, requests)
}

#[test]
fn the_mock_prints_its_url_then_one_line_per_request() {
    use std::io::{Read, Write};
    let service = providers().next().unwrap();
    let mock = Mock::start(service, 2, &[]);
    let (address, base) = mock
        .url
        .trim_start_matches("http://")
        .split_once('/')
        .map(|(address, base)| (address.to_owned(), format!("/{base}")))
        .unwrap_or_else(|| {
            (
                mock.url.trim_start_matches("http://").to_owned(),
                String::new(),
            )
        });
    for _ in 0..2 {
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        write!(
            stream,
            "GET {base}/no/such/path HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    }
    let expected = format!("GET {base}/no/such/path 404 -");
    assert!(
        eventually(std::time::Duration::from_secs(5), || {
            mock.lines()
                .iter()
                .filter(|line| **line == expected)
                .count()
                == 2
        }),
        "{:?}",
        mock.lines()
    );
}

#[test]
fn help_documents_every_exit_code() {
    let service = providers().next().unwrap();
    let help = speech(service).arg("--help").output().unwrap();
    assert!(help.status.success());
    let help = String::from_utf8(help.stdout).unwrap();
    for code in 0..=8 {
        assert!(
            help.lines()
                .any(|line| line.trim_start().starts_with(&format!("{code}  "))),
            "exit code {code} is not in --help:\n{help}"
        );
    }
}

#[test]
fn a_placeholder_host_without_its_base_url_variable_is_bad_input_naming_it() {
    let required: Vec<_> = providers()
        .filter(|service| service.base_url_required)
        .collect();
    for service in &required {
        // `speech` unsets the base-URL variable; the key is set.
        let output = speech(service)
            .args(["voices", "--provider", service.name])
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{}: {output:?}",
            service.name
        );
        let variable = service.base_url_variable.unwrap();
        assert!(String::from_utf8_lossy(&output.stderr).contains(variable));
    }
}
