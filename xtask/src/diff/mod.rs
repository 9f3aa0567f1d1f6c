//! `cargo xtask diff`: what a spec change does to the users of its generated crate and of the
//! facade.
//!
//! The old and the new document are compared as JSON (references followed with `speech-spec`),
//! operation by operation, and every difference is classified by what it does to code written
//! against the crate generated from the old spec (see [`Class`]). The classes follow the generated
//! Rust: schema structs and enums (open ones included) are `#[non_exhaustive]`, request structs
//! have a `new` taking their required fields, limits are checked by the client before sending.

mod changelog;
mod operations;
mod report;
mod schema;
mod service;
mod version;

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;

use crate::spec::Spec;

pub use changelog::initial as initial_changelog;
pub use report::{FacadeBump, Report, Versions};

/// What a change does to code written against the old crate (or to a facade user).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Class {
    /// Something new that existing code does not see: it compiles and behaves as before.
    Additive,
    /// Existing code compiles, but what a call does or returns changes (a value arrives as a new
    /// variant, an error is reported differently, a request goes elsewhere).
    Behaviour,
    /// Code that compiled no longer compiles, or a call that was valid is now refused.
    Breaking,
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Class::Additive => "additive",
            Class::Behaviour => "behaviour change",
            Class::Breaking => "breaking",
        })
    }
}

/// Which way a schema travels: limits bind requests only, responses are open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Request,
    Response,
}

/// One API difference between two versions of a spec.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// The operation id, or `service` for what is not an operation's (base URL, credentials,
    /// neutral mapping, ...).
    pub scope: String,
    /// Where in the scope: `request body /voice/settings/speed`, `parameter query:runId`,
    /// `response 200 application/json /status`, `x-speech synthesize`.
    pub at: String,
    /// What changed, and why it has its class.
    pub what: String,
    /// For users of the generated crate.
    pub class: Class,
    /// For users of the facade, when it sees the change at all.
    pub facade: Option<Class>,
}

/// The scope of changes that are not one operation's.
pub const SERVICE: &str = "service";

/// Every API difference between `old` and `new` (whole OpenAPI documents).
pub fn changes(old: &Value, new: &Value) -> Result<Vec<Change>> {
    let mut changes = service::changes(old, new);
    changes.extend(operations::changes(old, new)?);
    Ok(changes)
}

/// What the spec changes since a revision do: one report per changed spec, and the facade's
/// version check.
pub struct Diff {
    pub reports: Vec<Report>,
    pub facade: Option<FacadeBump>,
}

impl Diff {
    /// The most severe class of any change, for the crates' or the facade's users.
    pub fn worst(&self) -> Option<Class> {
        self.reports
            .iter()
            .flat_map(|report| [report.worst(), report.facade_worst()])
            .flatten()
            .max()
    }
}

impl fmt::Display for Diff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.reports.is_empty() {
            return writeln!(f, "no spec changed");
        }
        for report in &self.reports {
            writeln!(f, "{report}")?;
        }
        if let Some(facade) = &self.facade {
            write!(f, "{facade}")?;
        }
        Ok(())
    }
}

/// The specs changed, added or removed in the working tree of `root` since the git revision
/// `rev` (old text from `git show`), each with its report, and the facade's version check.
pub fn diff(root: &Path, rev: &str) -> Result<Diff> {
    let current = crate::spec::load_all(root)?;
    let mut paths: BTreeSet<PathBuf> = current.iter().map(|spec| spec.path.clone()).collect();
    paths.extend(specs_at(root, rev)?);
    let mut reports = Vec::new();
    for path in paths {
        let old = git_show(root, rev, &path)?;
        let new = current.iter().find(|spec| spec.path == path);
        let old = old.map(|text| Spec::parse(&path, &text)).transpose()?;
        if let (Some(old), Some(new)) = (&old, new)
            && old.doc == new.doc
        {
            continue;
        }
        reports.push(Report::new(old.as_ref(), new)?);
    }
    let facade = match (
        version::facade_at(root, Some(rev))?,
        version::facade_at(root, None)?,
    ) {
        (Some(old), Some(declared)) => Some(FacadeBump {
            worst: reports.iter().filter_map(Report::facade_worst).max(),
            old,
            declared,
        }),
        _ => None,
    };
    Ok(Diff { reports, facade })
}

/// The spec files (`specs/*.yaml`) in the tree of `rev`.
fn specs_at(root: &Path, rev: &str) -> Result<Vec<PathBuf>> {
    let listing = git(root, &["ls-tree", "--name-only", &format!("{rev}:specs")])?
        .with_context(|| format!("`{rev}` has no specs/ directory"))?;
    Ok(listing
        .lines()
        .filter(|name| name.ends_with(".yaml"))
        .map(|name| Path::new("specs").join(name))
        .collect())
}

/// A file's text at `rev` (`None` when the revision does not have it).
fn git_show(root: &Path, rev: &str, path: &Path) -> Result<Option<String>> {
    git(root, &["show", &format!("{rev}:{}", path.display())])
}

/// Runs git in `root`: its output, or `None` when it fails on a missing path. A revision git does
/// not know is an error.
fn git(root: &Path, arguments: &[&str]) -> Result<Option<String>> {
    let output = std::process::Command::new("git")
        .args(arguments)
        .current_dir(root)
        .output()
        .context("running git")?;
    if output.status.success() {
        return Ok(Some(String::from_utf8(output.stdout)?));
    }
    let error = String::from_utf8_lossy(&output.stderr);
    anyhow::ensure!(
        error.contains("does not exist") || error.contains("exists on disk, but not in"),
        "`git {}` failed: {error}",
        arguments.join(" ")
    );
    Ok(None)
}

/// Writes the changelog entry of every crate whose API changed (a new crate starts with the
/// changelog `generate` creates; a removed one has none), and says where.
pub fn write_changelogs(root: &Path, reports: &[Report]) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for report in reports.iter().filter(|report| {
        matches!(report.versions, Versions::Changed { .. }) && report.worst().is_some()
    }) {
        let path = changelog::path(&report.provider);
        let existing = std::fs::read_to_string(root.join(&path)).unwrap_or_default();
        std::fs::write(root.join(&path), changelog::prepend(&existing, report))
            .with_context(|| format!("writing {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests;
