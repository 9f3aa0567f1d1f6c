//! What the tests that run the xtask in a copy of the workspace share.
#![allow(dead_code, reason = "each test binary uses a part of it")]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The xtask's directory, from where cargo runs the test (a test binary built from another
/// checkout into a shared target directory must copy this one).
pub fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
}

pub fn fixtures() -> PathBuf {
    manifest_dir().join("tests/fixtures")
}

/// Copies the files git tracks or would track (no `target/`) into `copy`, keeping their modified
/// times so that cargo finds the shared build of the unchanged crates fresh. Returns their paths.
pub fn copy_workspace(workspace: &Path, copy: &Path) -> BTreeSet<PathBuf> {
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

/// A cargo command in `dir` that builds into the shared target directory.
pub fn cargo_command(dir: &Path) -> Command {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join(".."));
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(dir).env("CARGO_TARGET_DIR", target);
    command
}

pub fn cargo(dir: &Path, arguments: &[&str]) {
    let output = cargo_command(dir).args(arguments).output().unwrap();
    assert!(
        output.status.success(),
        "`cargo {}` failed:\n{}\n{}",
        arguments.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The xtask this test was built with, run on the workspace copy `dir` as `cargo xtask` would run
/// it there (cargo sets `CARGO_MANIFEST_DIR` to the package it runs): the copy's sources of the
/// xtask are this checkout's, so nothing needs building again.
pub fn xtask_command(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .current_dir(dir)
        .env("CARGO_MANIFEST_DIR", dir.join("xtask"));
    command
}

/// Runs `cargo xtask <arguments>` in the workspace copy `dir`; fails the test if it fails.
pub fn xtask(dir: &Path, arguments: &[&str]) {
    let output = xtask_command(dir).args(arguments).output().unwrap();
    assert!(
        output.status.success(),
        "`cargo xtask {}` failed:\n{}\n{}",
        arguments.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
