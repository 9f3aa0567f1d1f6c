//! `cargo xtask package`: `cargo package` (with verification) of every crate a consumer uses,
//! as one multi-package run, so each is verified against the others' packaged sources.
//!
//! cargo treats a registry package of a given name and version as immutable: it unpacks the
//! packages it verifies under `CARGO_HOME/registry/src/` once, and reuses what it compiled from
//! them in the target directory. An earlier run of the same version would then be verified instead
//! of this checkout (a crate that gained a field fails against the old build of the crate it uses),
//! so the unpacked copies and the build fingerprints of these packages are removed first.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;

/// The workspace's metadata (`cargo metadata --no-deps`).
fn metadata(root: &Path) -> Result<Value> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args(["metadata", "--no-deps", "--format-version", "1", "--locked"])
        .current_dir(root)
        .output()?;
    anyhow::ensure!(
        output.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(serde_json::from_slice(&output.stdout)?)
}

/// The publishable packages (name, version) of `metadata`: those whose `publish` is not `false`.
fn publishable(metadata: &Value) -> Result<Vec<(String, String)>> {
    let packages = metadata["packages"]
        .as_array()
        .context("cargo metadata lists no packages")?;
    Ok(packages
        .iter()
        .filter(|package| package["publish"] != Value::Array(Vec::new()))
        .map(|package| {
            let text = |key: &str| package[key].as_str().unwrap_or_default().to_owned();
            (text("name"), text("version"))
        })
        .collect())
}

/// The build fingerprints of `name` (from the workspace or a registry) in the target directory.
fn fingerprints(target: &Path, name: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(target.join("debug/.fingerprint")) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|entry| {
            let file_name = entry.file_name();
            let file_name = file_name.to_string_lossy();
            file_name
                .strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|hash| hash.chars().all(|c| c.is_ascii_hexdigit()))
        })
        .map(|entry| entry.path())
        .collect()
}

/// The directories cargo may have unpacked `name`-`version` into, in every registry source.
fn unpacked_copies(cargo_home: &Path, name: &str, version: &str) -> Vec<PathBuf> {
    let Ok(sources) = std::fs::read_dir(cargo_home.join("registry/src")) else {
        return Vec::new();
    };
    sources
        .filter_map(Result::ok)
        .map(|source| source.path().join(format!("{name}-{version}")))
        .filter(|copy| copy.is_dir())
        .collect()
}

fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
}

/// Removes stale unpacked copies, then packages and verifies every publishable crate.
pub fn run(root: &Path) -> Result<()> {
    let metadata = metadata(root)?;
    let packages = publishable(&metadata)?;
    let target = PathBuf::from(metadata["target_directory"].as_str().unwrap_or("target"));
    let home = cargo_home();
    for (name, version) in &packages {
        let copies = home
            .as_deref()
            .map(|home| unpacked_copies(home, name, version))
            .unwrap_or_default();
        for stale in copies.into_iter().chain(fingerprints(&target, name)) {
            std::fs::remove_dir_all(&stale)
                .with_context(|| format!("removing {}", stale.display()))?;
        }
    }
    let mut arguments = vec!["package", "--locked"];
    for (name, _) in &packages {
        arguments.extend(["--package", name.as_str()]);
    }
    crate::cargo(root, &arguments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_consumer_crates_are_publishable_and_the_internal_ones_are_not() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let names: Vec<String> = publishable(&metadata(&root).unwrap())
            .unwrap()
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        for name in [
            "speech-facade",
            "speech-client-runtime",
            "speech-cli",
            "speech-mock-support",
        ] {
            assert!(names.iter().any(|n| n == name), "{name}: {names:?}");
        }
        for internal in ["xtask", "speech-conformance", "speech-tests"] {
            assert!(
                !names.iter().any(|n| n == internal),
                "{internal}: {names:?}"
            );
        }
    }

    #[test]
    fn the_fingerprints_of_a_package_are_its_own_not_a_longer_names() {
        let target = tempfile::tempdir().unwrap();
        for dir in [
            "speech-spec-0a1b",
            "speech-spec-ffff",
            "speech-spec-cli-0a1b",
            "speech-0a1b",
        ] {
            std::fs::create_dir_all(target.path().join("debug/.fingerprint").join(dir)).unwrap();
        }
        let mut found = fingerprints(target.path(), "speech-spec");
        found.sort();
        let dir = target.path().join("debug/.fingerprint");
        assert_eq!(
            found,
            [dir.join("speech-spec-0a1b"), dir.join("speech-spec-ffff")]
        );
    }

    #[test]
    fn only_the_named_package_versions_are_found_as_unpacked_copies() {
        let home = tempfile::tempdir().unwrap();
        for dir in [
            "registry/src/a/pkg-0.1.0",
            "registry/src/b/pkg-0.1.0",
            "registry/src/b/pkg-0.2.0",
        ] {
            std::fs::create_dir_all(home.path().join(dir)).unwrap();
        }
        let mut copies = unpacked_copies(home.path(), "pkg", "0.1.0");
        copies.sort();
        assert_eq!(
            copies,
            [
                home.path().join("registry/src/a/pkg-0.1.0"),
                home.path().join("registry/src/b/pkg-0.1.0")
            ]
        );
    }
}
