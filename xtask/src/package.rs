//! `cargo xtask package`: every crate a consumer uses packaged as a registry would receive it
//! (`cargo package`), then each packaged crate checked on its own, from its packaged files and
//! against the other packaged crates.
//!
//! That is what `cargo package`'s verification proves (a file the package leaves out, a
//! dependency or feature only the workspace supplies, fails), done more cheaply: cargo verifies
//! each package with a full build, one after the other, each asking the registry's index again;
//! here the packages are unpacked into one scratch workspace whose `[patch]` points every
//! packaged crate's requirement on another at that one's unpacked copy, with the workspace's
//! `Cargo.lock`, and `cargo check -p <package>` runs for each in turn, so each resolves its
//! dependencies' features alone, as a registry consumer's build would. What a check leaves out
//! is code generation and linking, which the workspace's build of the same sources does.
//!
//! The scratch workspace is made afresh in the target directory (`package-check/`) on every run,
//! with files dated when unpacked, so nothing checked in an earlier run of the same version is
//! taken as up to date.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use serde_json::Value;

/// The workspace's metadata (`cargo metadata --no-deps`).
fn metadata(root: &Path) -> Result<Value> {
    let output = cargo()
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

/// The scratch workspace's manifest: every unpacked package a member, and every requirement on
/// one of them patched to its unpacked copy (`<name>-<version>/`).
fn scratch_manifest(packages: &[(String, String)]) -> String {
    let dirs: Vec<String> = packages
        .iter()
        .map(|(name, version)| format!("{name}-{version}"))
        .collect();
    let members: Vec<String> = dirs.iter().map(|dir| format!("\"{dir}\"")).collect();
    let mut manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n[patch.crates-io]\n",
        members.join(", ")
    );
    for ((name, _), dir) in packages.iter().zip(&dirs) {
        manifest.push_str(&format!("{name} = {{ path = \"{dir}\" }}\n"));
    }
    manifest
}

/// Packages every publishable crate, then checks each packaged crate on its own.
pub fn run(root: &Path) -> Result<()> {
    let metadata = metadata(root)?;
    let packages = publishable(&metadata)?;
    let target = PathBuf::from(metadata["target_directory"].as_str().unwrap_or("target"));

    // Everything the lock file names is downloaded once, so that neither packaging (which asks
    // the registry's index again for every package) nor the checks need the network.
    crate::cargo(root, &["fetch", "--locked", "--quiet"])?;
    let mut arguments = vec!["package", "--no-verify", "--locked", "--offline"];
    for (name, _) in &packages {
        arguments.extend(["--package", name.as_str()]);
    }
    crate::cargo(root, &arguments)?;

    let scratch = target.join("package-check");
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch)
            .with_context(|| format!("removing {}", scratch.display()))?;
    }
    std::fs::create_dir_all(&scratch)?;
    for (name, version) in &packages {
        let archive = target.join(format!("package/{name}-{version}.crate"));
        // `-m`: the files get the time of unpacking, not the fixed time cargo writes into
        // every package, so cargo sees them as changed and checks them on every run.
        let status = Command::new("tar")
            .arg("-xzmf")
            .arg(&archive)
            .arg("-C")
            .arg(&scratch)
            .status()
            .context("running tar")?;
        anyhow::ensure!(status.success(), "unpacking {}", archive.display());
    }
    std::fs::write(scratch.join("Cargo.toml"), scratch_manifest(&packages))?;
    std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock"))?;

    // The workspace's build settings (its `.cargo/config.toml`), which the scratch workspace,
    // outside the source tree, would not find: the check then shares the build scripts and
    // procedural macros the workspace built.
    let config = root.join(".cargo/config.toml");
    for (name, version) in &packages {
        println!("   Checking packaged {name} v{version}");
        let mut command = cargo();
        if config.exists() {
            command.arg("--config").arg(&config);
        }
        let status = command
            .args(["check", "--quiet", "--offline", "--package", name])
            .current_dir(&scratch)
            .env("CARGO_TARGET_DIR", &target)
            .status()?;
        anyhow::ensure!(
            status.success(),
            "the packaged {name} v{version} does not compile on its own ({status})"
        );
    }
    Ok(())
}

/// The cargo that runs the xtask.
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
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
    fn the_scratch_workspace_patches_every_package_to_its_unpacked_copy() {
        let packages = [
            ("speech-spec".to_owned(), "0.1.0".to_owned()),
            ("acme-client".to_owned(), "0.2.1".to_owned()),
        ];
        assert_eq!(
            scratch_manifest(&packages),
            "[workspace]\nresolver = \"3\"\nmembers = [\"speech-spec-0.1.0\", \"acme-client-0.2.1\"]\n\n\
             [patch.crates-io]\nspeech-spec = { path = \"speech-spec-0.1.0\" }\n\
             acme-client = { path = \"acme-client-0.2.1\" }\n"
        );
    }
}
