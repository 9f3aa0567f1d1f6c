//! `cargo xtask diff` classifies as the generated Rust behaves: in a copy of the workspace, a
//! consumer written against the crate generated from `fixtures/diff/compile/base.yaml` is checked
//! against the crate generated from each changed spec. It compiles exactly when the xtask calls the
//! change not breaking (`diff --fail-on breaking` succeeds). The rule of the issue is among them: an
//! added optional request field keeps the consumer compiling, an added required one does not. A
//! field every response now has keeps it compiling too (response types have no `new` to change).
//!
//! The copy's git history holds the old specs, as `diff` expects; the test also checks that
//! `diff --markdown` writes the changelog entry `generate` then keeps, and that a spec added or
//! removed since the revision is reported as a new crate or a removed one. One copy serves every
//! case, building into the shared target directory with `cargo check` only.

use crate::common;

use std::path::Path;

use common::{cargo_command, copy_workspace, fixtures, manifest_dir, xtask, xtask_command};

/// `(fixture, the class the xtask reports, as `diff` prints it)`.
const CASES: [(&str, &str); 5] = [
    ("optional_field", "additive"),
    ("response_field_added", "additive"),
    ("response_value_added", "behaviour change"),
    ("required_field", "breaking"),
    ("operation_removed", "breaking"),
];

#[test]
fn a_consumer_of_the_old_crate_compiles_against_the_new_one_unless_the_change_is_breaking() {
    let copy = tempfile::tempdir().unwrap();
    let copy = copy.path();
    copy_workspace(&manifest_dir().join(".."), copy);
    let compile = fixtures().join("diff/compile");
    let spec = copy.join("specs/difftest.yaml");
    std::fs::copy(compile.join("base.yaml"), &spec).unwrap();
    generate(copy);
    write_consumer(copy, &compile);
    assert_eq!(
        check_consumer(copy),
        Ok(()),
        "the consumer must fit the old crate"
    );

    // The revision `diff` compares with: the specs as they are now.
    git(copy, &["init", "--quiet"]);
    git(copy, &["add", "specs"]);
    git(
        copy,
        &[
            "-c",
            "user.name=diff",
            "-c",
            "user.email=diff@example.com",
            "commit",
            "--quiet",
            "-m",
            "old specs",
        ],
    );

    for (case, class) in CASES {
        std::fs::copy(compile.join(format!("{case}.yaml")), &spec).unwrap();
        let diff = xtask_command(copy)
            .args(["diff", "--fail-on", "breaking"])
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&diff.stdout);
        assert!(
            report.starts_with(&format!("specs/difftest.yaml (difftest-client): {class}\n")),
            "{case}: {report}{}",
            String::from_utf8_lossy(&diff.stderr)
        );
        let breaking = class == "breaking";
        assert_eq!(diff.status.success(), !breaking, "{case}: {report}");

        if case == "required_field" {
            changelog_entry_survives_generate(copy);
        }
        generate(copy);
        let checked = check_consumer(copy);
        assert!(
            checked.is_ok() != breaking,
            "{case} is {class}, but the consumer {}:\n{}",
            if checked.is_ok() {
                "compiles"
            } else {
                "does not compile"
            },
            checked.err().unwrap_or_default()
        );
    }

    // A spec that the revision does not have, and one that the working tree no longer has.
    std::fs::copy(compile.join("base.yaml"), copy.join("specs/newapi.yaml")).unwrap();
    std::fs::remove_file(&spec).unwrap();
    let diff = xtask_command(copy)
        .args(["diff", "--fail-on", "breaking"])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&diff.stdout);
    for line in [
        "specs/difftest.yaml (difftest-client): breaking\n",
        "  difftest-client: removed\n",
        "specs/newapi.yaml (newapi-client): additive\n",
        "  newapi-client: new crate at 0.1.0\n",
    ] {
        assert!(report.contains(line), "{line}: {report}");
    }
    assert!(!diff.status.success(), "{report}");
}

/// `diff --markdown` puts the entry above the crate's first release in its changelog, and
/// `generate` (which created the changelog) leaves it as it is.
fn changelog_entry_survives_generate(copy: &Path) {
    let path = copy.join("crates/difftest/CHANGELOG.md");
    let initial = std::fs::read_to_string(&path).unwrap();
    assert!(
        initial.contains("\n## [0.1.0]\n\nInitial release"),
        "{initial}"
    );
    assert!(
        initial.contains("- `get_speech` (`GET /speech/{id}`): Get a speech.\n"),
        "{initial}"
    );
    xtask(copy, &["diff", "--markdown"]);
    let written = std::fs::read_to_string(&path).unwrap();
    let (entry, rest) = written.split_once("\n## [0.1.0]\n").unwrap();
    assert!(
        entry.ends_with("## [Unreleased]\n\n### Breaking\n\n- `speak` request body /language: required field added: calls without it are refused and `new` takes it\n"),
        "{written}"
    );
    assert!(initial.ends_with(rest), "{written}");
    generate(copy);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), written);
}

fn git(dir: &Path, arguments: &[&str]) {
    let status = std::process::Command::new("git")
        .args(arguments)
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(status.success(), "git {arguments:?} failed");
}

fn generate(copy: &Path) {
    xtask(copy, &["generate"]);
}

/// The consumer crate, a workspace member (`crates/*`) depending on the generated crate, with an
/// empty test target named after it (see [`check_consumer`]).
fn write_consumer(copy: &Path, compile: &Path) {
    let dir = copy.join("crates/diff-consumer");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"diff-consumer\"\nversion = \"0.0.0\"\nedition.workspace = true\n\
         publish = false\n\n[dependencies]\ndifftest-client = { path = \"../difftest\" }\n",
    )
    .unwrap();
    std::fs::copy(compile.join("consumer.rs"), dir.join("src/lib.rs")).unwrap();
    std::fs::write(dir.join("tests/diff_consumer.rs"), "").unwrap();
}

/// `cargo check` of the consumer: its errors when it does not compile. It checks the consumer's
/// test target across the workspace (`--workspace --test`, no `--package`), so cargo resolves the
/// dependencies' features as `cargo clippy --workspace --all-targets` does and reuses that check
/// of them; the test target checks the consumer's library first.
fn check_consumer(copy: &Path) -> Result<(), String> {
    let output = cargo_command(copy)
        .args(["check", "--quiet", "--workspace", "--test", "diff_consumer"])
        .output()
        .unwrap();
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}
