//! `cargo xtask docs` as a maintainer runs it: exit status 0 when the provider's documents are as
//! its spec records them, 1 (with the report) when a copy of a document changed.

use std::path::PathBuf;
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap()).join("..")
}

fn xtask(arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(arguments)
        .current_dir(workspace())
        .output()
        .unwrap()
}

#[test]
fn docs_exits_0_when_all_is_accounted_for_and_1_with_the_report_otherwise() {
    let output = xtask(&["docs", "miragic"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert_eq!(stdout.matches("as recorded").count(), 2, "{stdout}");

    let dir = tempfile::tempdir().unwrap();
    let changed = dir.path().join("miragic-speech-to-text.md");
    let text =
        std::fs::read_to_string(workspace().join("specs/documents/miragic-speech-to-text.md"))
            .unwrap()
            .replacen("'processingTimeMs': 9937", "'processingTimeMs': 9938", 1);
    std::fs::write(&changed, text).unwrap();
    let output = xtask(&["docs", "miragic", changed.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("changed block under \"Speech-To-Text API Reference > How To Get Task Status > Request: > Completed Status (200):\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("embedded by get_speech_to_text_job.completed"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("not all accounted for"));
}
