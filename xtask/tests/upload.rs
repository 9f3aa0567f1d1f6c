//! Adding a spec is enough: a copy of the workspace gets the fixture `fixtures/upload.yaml` (an
//! asynchronous transcription API whose job takes the URL a raw binary upload returns) as
//! `specs/upload.yaml`, and the xtask, the new client's tests and the conformance suite run there
//! with no Rust or manifest edit. The conformance case of the upload checks that the server
//! receives exactly the uploaded file's bytes with the declared content type; a typed-mock test
//! copied into the new crate checks the same through `upload_client::mock`.
//!
//! The copy builds into the shared target directory, so only what the new spec changes compiles.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

#[test]
fn a_new_spec_with_a_raw_binary_upload_needs_no_edit_and_sends_the_exact_bytes() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let copy = tempfile::tempdir().unwrap();
    let copy = copy.path();
    let before = copy_workspace(&workspace, copy);
    std::fs::copy(
        Path::new(FIXTURES).join("upload.yaml"),
        copy.join("specs/upload.yaml"),
    )
    .unwrap();

    cargo(
        copy,
        &["run", "--quiet", "--package", "xtask", "--", "generate"],
    );
    let changed = changed_files(&workspace, copy, &before);
    assert_eq!(
        changed,
        [
            "conformance/Cargo.toml",
            "conformance/src/adapters/mod.rs",
            "conformance/src/adapters/upload.rs",
            "crates/upload/Cargo.toml",
            "crates/upload/README.md",
            "crates/upload/src/generated.rs",
            "crates/upload/src/lib.rs",
            "crates/upload/src/mock.rs",
            "specs/upload.yaml",
        ]
        .map(PathBuf::from)
        .into_iter()
        .collect::<BTreeSet<_>>(),
        "the files a new spec adds or changes are the generated ones"
    );
    let manifest = std::fs::read_to_string(copy.join("conformance/Cargo.toml")).unwrap();
    let generated = manifest
        .split_once("# <generated clients>\n")
        .and_then(|(_, rest)| rest.split_once("# </generated clients>"))
        .map(|(section, _)| section)
        .unwrap_or_default();
    assert!(
        generated
            .contains("upload-client = { path = \"../crates/upload\", features = [\"mock\"] }\n"),
        "{manifest}"
    );
    cargo(
        copy,
        &["run", "--quiet", "--package", "xtask", "--", "lint"],
    );
    cargo(
        copy,
        &[
            "run",
            "--quiet",
            "--package",
            "xtask",
            "--",
            "generate",
            "--check",
        ],
    );

    // The harness's own test, not an edit the new spec needs.
    std::fs::create_dir_all(copy.join("crates/upload/tests")).unwrap();
    std::fs::copy(
        Path::new(FIXTURES).join("upload_typed_mock.rs"),
        copy.join("crates/upload/tests/typed_mock.rs"),
    )
    .unwrap();
    cargo(
        copy,
        &[
            "test",
            "--quiet",
            "--package",
            "upload-client",
            "--features",
            "mock",
        ],
    );

    // No snapshot exists yet for the new spec's cases: they are written in the copy, then read.
    let suite = cargo_command(copy)
        .args(["test", "--quiet", "--package", "speech-conformance"])
        .args(["--test", "conformance", "--", "upload::"])
        .env("INSTA_UPDATE", "always")
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&suite.stdout);
    assert!(
        suite.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&suite.stderr)
    );
    for case in [
        "upload::upload_audio::request::curl",
        "upload::create_transcription::request::curl",
        "upload::get_transcription::request::curl",
        "upload::upload_audio::tolerance::malformed::html_page",
    ] {
        assert!(
            report.contains(&format!("test {case} ")),
            "{case} did not run:\n{report}"
        );
    }
    let upload = std::fs::read_to_string(
        copy.join("conformance/snapshots/upload__upload_audio__request__curl.snap"),
    )
    .unwrap();
    assert!(
        upload.ends_with(
            "POST /v1/upload\ncredential in authorization\ncontent-type application/octet-stream\nbody: 2048 bytes\n"
        ),
        "{upload}"
    );
}

/// Copies the files git tracks or would track (no `target/`) into `copy`, keeping their modified
/// times so that cargo finds the shared build of the unchanged crates fresh. Returns their paths.
fn copy_workspace(workspace: &Path, copy: &Path) -> BTreeSet<PathBuf> {
    let listed = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(workspace)
        .output()
        .unwrap();
    assert!(listed.status.success(), "git ls-files failed");
    let mut files = BTreeSet::new();
    for path in listed
        .stdout
        .split(|byte| *byte == 0)
        .filter(|p| !p.is_empty())
    {
        let path = PathBuf::from(String::from_utf8(path.to_vec()).unwrap());
        let source = workspace.join(&path);
        let Ok(metadata) = std::fs::metadata(&source) else {
            continue; // deleted in the working tree
        };
        let target = copy.join(&path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&source, &target).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&target)
            .unwrap()
            .set_modified(metadata.modified().unwrap())
            .unwrap();
        files.insert(path);
    }
    files
}

/// The files of `copy` (outside `target/`) that are new or differ from the workspace's.
fn changed_files(workspace: &Path, copy: &Path, before: &BTreeSet<PathBuf>) -> BTreeSet<PathBuf> {
    let mut changed = BTreeSet::new();
    let mut pending = vec![copy.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(copy).unwrap().to_path_buf();
            if relative == Path::new("target") {
                continue;
            }
            if path.is_dir() {
                pending.push(path);
            } else if !before.contains(&relative)
                || std::fs::read(&path).unwrap()
                    != std::fs::read(workspace.join(&relative)).unwrap()
            {
                changed.insert(relative);
            }
        }
    }
    changed
}

/// A cargo command in `dir` that builds into the shared target directory.
fn cargo_command(dir: &Path) -> Command {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join(".."));
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(dir).env("CARGO_TARGET_DIR", target);
    command
}

fn cargo(dir: &Path, arguments: &[&str]) {
    let output = cargo_command(dir).args(arguments).output().unwrap();
    assert!(
        output.status.success(),
        "`cargo {}` failed:\n{}\n{}",
        arguments.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
