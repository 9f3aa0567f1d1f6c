//! The changelog entry `cargo xtask diff --markdown` writes into `crates/<provider>/CHANGELOG.md`.
//!
//! The file follows Keep a Changelog: a title and preamble, then one `## [version]` section per
//! release, newest first, with `### Breaking`, `### Changed` (behaviour changes) and `### Added`
//! subsections. The entry is headed `## [<x-crate.version>]` when the spec's version already has
//! the bump the changes need, else `## [Unreleased]`. Writing it again replaces the top section
//! when that is the same heading or `Unreleased` (the entry is the diff since one revision), and
//! otherwise goes above it.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::Class;
use super::report::{Report, Versions};
use crate::files::Output;
use crate::spec::Spec;

const UNRELEASED: &str = "## [Unreleased]";

/// `existing` (a changelog, possibly empty) with the report's entry on top.
pub fn prepend(existing: &str, report: &Report) -> String {
    let heading = match (&report.versions, report.bumped()) {
        (
            Versions::Changed {
                old,
                declared: Some(declared),
            },
            true,
        ) if old.as_ref() != Some(declared) => {
            format!("## [{declared}]")
        }
        _ => UNRELEASED.to_owned(),
    };
    let (preamble, releases) = match existing.find("\n## ") {
        Some(start) => (existing[..start].to_owned(), &existing[start + 1..]),
        None if existing.trim().is_empty() => (preamble(&report.package), ""),
        None => (existing.to_owned(), ""),
    };
    let older = match releases.split_once('\n') {
        Some((top, _)) if top == heading || top == UNRELEASED => releases
            .find("\n## ")
            .map_or("", |end| &releases[end + 1..]),
        _ => releases,
    };
    let entry = format!(
        "{}\n\n{heading}\n\n{}{older}",
        preamble.trim_end(),
        sections(report)
    );
    format!("{}\n", entry.trim_end())
}

/// The preamble of a new changelog.
pub fn preamble(package: &str) -> String {
    format!(
        "# Changelog\n\n\
         All notable changes to `{package}` are listed here, newest first, in the format of\n\
         [Keep a Changelog](https://keepachangelog.com/en/1.1.0/). The crate follows\n\
         [Semantic Versioning](https://semver.org/) as Cargo reads it: while it is `0.x`, a breaking\n\
         change bumps the minor version and anything else the patch version. Sections list breaking\n\
         changes (code that compiled no longer compiles, or a call that was valid is refused),\n\
         behaviour changes and additions; `cargo xtask diff --markdown` writes them from the spec\n\
         change.\n"
    )
}

/// Where a crate's changelog is: `crates/<provider>/CHANGELOG.md`.
pub fn path(spec_provider: &str) -> PathBuf {
    Path::new("crates").join(spec_provider).join("CHANGELOG.md")
}

/// The changelog a new crate starts with; maintained from then on (`cargo xtask diff --markdown`
/// writes its entries), so `generate` creates it once if missing and never overwrites it.
pub fn initial(spec: &Spec) -> Output {
    Output {
        path: path(&spec.provider),
        contents: first_release(spec),
    }
}

/// The first release's entry, listing what the crate covers (every operation, the typed mocks,
/// and the calls the facade offers through it).
fn first_release(spec: &Spec) -> String {
    let text = |pointer: &str| {
        spec.doc
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    let mut out = preamble(&crate::crate_files::package_name(spec));
    out.push_str(&format!(
        "\n## [{}]\n\nInitial release: the typed client of the {}, generated from `{}`.\n\n### Added\n\n",
        text("/x-crate/version"),
        text("/info/title"),
        spec.path.display()
    ));
    for operation in spec.operations() {
        let summary = operation.value.get("summary").and_then(Value::as_str);
        out.push_str(&format!(
            "- `{}` (`{} {}`){}\n",
            operation.id().unwrap_or_default(),
            operation.method.to_uppercase(),
            operation.path,
            summary
                .map(|summary| format!(": {}.", summary.trim_end_matches('.')))
                .unwrap_or_default()
        ));
    }
    out.push_str(
        "- Request and response types that later additions do not break: they are \
         `#[non_exhaustive]`; a request type is built with `new` (its required fields) or \
         `builder()`.\n\
         - Typed mocks of every operation for consumers' tests (`mock` feature).\n",
    );
    let calls: Vec<String> = spec
        .doc
        .get("x-speech")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|calls| calls.keys())
        .map(|call| format!("`{call}`"))
        .collect();
    if !calls.is_empty() {
        out.push_str(&format!(
            "- The service table (`service::SERVICE`) through which `speech-facade` offers {}.\n",
            calls.join(", ")
        ));
    }
    out
}

fn sections(report: &Report) -> String {
    let mut out = String::new();
    for (class, title) in [
        (Class::Breaking, "Breaking"),
        (Class::Behaviour, "Changed"),
        (Class::Additive, "Added"),
    ] {
        let lines: Vec<String> = report
            .changes
            .iter()
            .filter(|change| change.class == class)
            .map(|change| format!("- `{}` {}: {}\n", change.scope, change.at, change.what))
            .collect();
        if !lines.is_empty() {
            out.push_str(&format!("### {title}\n\n{}\n", lines.concat()));
        }
    }
    if out.is_empty() {
        out.push_str("No API change (descriptions, examples or sources only).\n\n");
    }
    out
}
