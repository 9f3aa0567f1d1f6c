//! Maintainer tasks for the workspace: `cargo xtask <task>`.
//!
//! - `generate [--check]`: regenerate every provider crate from `specs/*.yaml`, or check that the
//!   committed crates are what the specs generate (prints a unified diff and fails if not).
//! - `lint`: check the specs against the rules in `specs/README.md`.
//! - `docs <provider> [--record] [<document>...]`: account for a provider's published documents
//!   against the record its spec keeps (`x-documents`), or record them after review.
//! - `package`: `cargo package` of every publishable crate, then a check of each packaged crate
//!   on its own, from its packaged files.
//! - `diff [REV]`: what the spec changes since a git revision do to the users of the generated
//!   crates and of the facade, with the semver bump each needs (`--markdown` writes changelog
//!   entries, `--fail-on breaking` fails on a breaking change).
//! - `bench [--only <bench>]`: the benchmark tables and the performance targets they report.

mod bench;
mod crate_files;
mod diff;
mod docs;
mod emit;
mod example;
mod files;
mod lint;
mod package;
mod plan;
use speech_spec as spec;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use spec::Spec;

#[derive(Parser)]
#[command(
    about = "Maintainer tasks: generate the provider crates from their specs, lint the specs, run the conformance suite"
)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Generate every provider crate from its spec (lints the specs first).
    Generate {
        /// Write nothing; fail with a diff if any generated file is out of date.
        #[arg(long)]
        check: bool,
    },
    /// Check the specs: operation ids, examples present and valid, one error schema per operation.
    Lint,
    /// Account for a provider's published documents against its spec: every code block and JSON
    /// body embedded as an example or listed with a reason, every section's prose as recorded.
    /// Prints the new, changed and vanished blocks and sections; fails unless all is accounted for.
    Docs {
        /// The provider (its spec is `specs/<provider>.yaml`).
        provider: String,
        /// Rewrite the spec's record (`x-documents`) from the documents, after reviewing them.
        #[arg(long)]
        record: bool,
        /// The documents as published, each named as in the spec's `info.x-seeds`; none means
        /// the repository's copies in `specs/documents/`.
        documents: Vec<PathBuf>,
    },
    /// List the API changes of every spec changed since a git revision, classified for users of
    /// the generated crate and of the facade (breaking, behaviour change, additive), with the
    /// version bump each crate needs.
    Diff {
        /// The revision to compare the working tree's specs with.
        #[arg(default_value = "HEAD")]
        rev: String,
        /// Also write each changed crate's entry into its `CHANGELOG.md`.
        #[arg(long)]
        markdown: bool,
        /// Exit with status 1 when a change is of this class or more severe.
        #[arg(long, value_name = "CLASS")]
        fail_on: Option<diff::Class>,
    },
    /// Package every crate a consumer uses (`cargo package`), as a registry would receive them,
    /// and check that each compiles on its own from its packaged files.
    Package,
    /// Run the conformance suite (every documented example against the generated clients), then
    /// print its coverage and errata reports.
    Conformance,
    /// Print the benchmark tables (the maintainer loop; the facade's waiting, per-request overhead
    /// and memory benchmarks; a consumer's cold build against async-openai's; CI from cold in a
    /// fresh clone, which takes minutes), ending with the count of performance targets met.
    Bench {
        /// Run only this benchmark (repeatable).
        #[arg(long, value_enum, value_name = "BENCH")]
        only: Vec<bench::Bench>,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs a task: `Ok(false)` when it completed but its check failed (`diff --fail-on`).
fn run(cli: Cli) -> Result<bool> {
    let root = workspace_root();
    match cli.task {
        Task::Generate { check } => {
            let specs = spec::load_all(&root)?;
            lint_all(&specs)?;
            generate(&root, &specs, check)?;
        }
        Task::Lint => {
            let specs = spec::load_all(&root)?;
            lint_all(&specs)?;
            println!("{} specs follow the rules", specs.len());
        }
        Task::Diff {
            rev,
            markdown,
            fail_on,
        } => {
            let diff = diff::diff(&root, &rev)?;
            print!("{diff}");
            if markdown {
                for path in diff::write_changelogs(&root, &diff.reports)? {
                    println!("wrote {}", path.display());
                }
            }
            return Ok(fail_on.is_none_or(|threshold| diff.worst() < Some(threshold)));
        }
        Task::Docs {
            provider,
            record,
            documents,
        } => {
            let specs = spec::load_all(&root)?;
            let spec = specs
                .iter()
                .find(|spec| spec.provider == provider)
                .with_context(|| format!("no spec for provider `{provider}` in specs/"))?;
            if !docs::run(&root, spec, &documents, record)? {
                eprintln!(
                    "error: the documents are not all accounted for in {}",
                    spec.path.display()
                );
                return Ok(false);
            }
        }
        Task::Package => package::run(&root)?,
        Task::Bench { only } => bench::run(&root, &only)?,
        Task::Conformance => {
            cargo(&root, &["test", "--package", "speech-conformance"])?;
            cargo(
                &root,
                &[
                    "run",
                    "--quiet",
                    "--package",
                    "speech-conformance",
                    "--bin",
                    "conformance-report",
                ],
            )?;
        }
    }
    Ok(true)
}

/// Runs the cargo that runs the xtask, in the workspace root; fails if it fails.
fn cargo(root: &Path, arguments: &[&str]) -> Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args(arguments)
        .current_dir(root)
        .status()?;
    anyhow::ensure!(
        status.success(),
        "`cargo {}` failed ({status})",
        arguments.join(" ")
    );
    Ok(())
}

fn lint_all(specs: &[Spec]) -> Result<()> {
    let mut findings = Vec::new();
    for spec in specs {
        findings.extend(lint::lint(spec)?);
    }
    for finding in &findings {
        eprintln!("{finding}");
    }
    anyhow::ensure!(findings.is_empty(), "{} spec findings", findings.len());
    Ok(())
}

fn generate(root: &Path, specs: &[Spec], check: bool) -> Result<()> {
    let mut outputs = Vec::new();
    for spec in specs {
        outputs.extend(crate_files::outputs(spec)?);
        outputs.push(crate_files::spec_copy(root, spec)?);
    }
    outputs.push(crate_files::adapter_index(specs)?);
    outputs.push(crate_files::facade_registry(specs)?);
    outputs.push(crate_files::facade_manifest(root, specs)?);
    // The other manifests that list the clients: the conformance adapters (which use the typed
    // mocks and check the JSON Schemas) and the workspace tests (the README's examples).
    for (manifest, attributes) in [
        (
            "conformance/Cargo.toml",
            "features = [\"mock\", \"schemars\"]",
        ),
        ("tests/Cargo.toml", ""),
    ] {
        outputs.push(crate_files::manifest_with_clients(
            root,
            Path::new(manifest),
            specs,
            attributes,
        )?);
    }
    if check {
        files::check(root, &outputs)?;
        println!("generated files are up to date ({} specs)", specs.len());
        return Ok(());
    }
    let new_changelogs: Vec<_> = specs
        .iter()
        .map(diff::initial_changelog)
        .filter(|changelog| !root.join(&changelog.path).exists())
        .collect();
    for path in files::write(root, &new_changelogs)?
        .into_iter()
        .chain(files::write(root, &outputs)?)
    {
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// The workspace the xtask was run in: the parent of `xtask/`, as `cargo run` reports it when it
/// starts the binary, else as it was when the binary was built. cargo does not rebuild a binary
/// whose package merely moved, so a copy of the workspace that builds into the same target
/// directory would otherwise run a binary that generates into the original.
fn workspace_root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A form field that a spec's `encoding` sends as JSON text (voice-clone `tags`) is planned and
    /// emitted as JSON; without the entry it falls back to the OpenAPI default, one part per item.
    #[test]
    fn a_spec_encoding_decides_how_its_form_field_is_sent() {
        let specs = spec::load_all(&workspace_root()).unwrap();
        let spec = specs
            .iter()
            .find(|spec| spec.doc.to_string().contains("\"encoding\""))
            .expect("a spec with a multipart `encoding`");
        let encodings = |spec: &Spec| {
            plan::Plan::new(spec)
                .unwrap()
                .operations
                .into_iter()
                .filter_map(|operation| match operation.body {
                    Some(plan::Body::Multipart { encodings, .. }) => Some(encodings),
                    _ => None,
                })
                .flatten()
                .collect::<Vec<_>>()
        };
        let declared = encodings(spec);
        assert!(declared.contains(&("tags".to_owned(), spec::FieldEncoding::Json)));
        let module = &crate_files::outputs(spec).unwrap()[0].contents;
        assert!(module.contains("speech_client_runtime::multipart::FieldEncoding::Json"));

        let mut doc = spec.doc.clone();
        for operation in doc["paths"].as_object_mut().unwrap().values_mut() {
            for media in operation
                .as_object_mut()
                .unwrap()
                .values_mut()
                .filter_map(|o| o.pointer_mut("/requestBody/content"))
                .filter_map(serde_json::Value::as_object_mut)
                .flat_map(|content| content.values_mut())
            {
                media.as_object_mut().unwrap().remove("encoding");
            }
        }
        let without = Spec {
            provider: spec.provider.clone(),
            path: spec.path.clone(),
            doc,
        };
        assert!(encodings(&without).contains(&("tags".to_owned(), spec::FieldEncoding::EachItem)));
    }

    /// The committed specs, generated twice: the output is byte-identical, and every operation of
    /// every spec is a method on its generated client.
    #[test]
    fn every_spec_generates_deterministically_with_a_method_per_operation() {
        let root = workspace_root();
        let specs = spec::load_all(&root).unwrap();
        assert!(specs.len() >= 4, "specs found: {}", specs.len());
        for spec in &specs {
            let first = crate_files::outputs(spec).unwrap();
            let second = crate_files::outputs(spec).unwrap();
            for (a, b) in first.iter().zip(&second) {
                assert!(
                    a.contents == b.contents,
                    "{} differs between two runs",
                    a.path.display()
                );
            }
            let module = &first[0].contents;
            for operation in spec.operations() {
                let id = operation.id().unwrap();
                assert!(
                    module.contains(&format!("pub fn {id}(&self)")),
                    "{}: no method for {}",
                    spec.path.display(),
                    operation.label()
                );
            }
        }
    }
}
