//! One spec's changes with the version its crate needs, as `cargo xtask diff` prints them.

use std::fmt;
use std::path::PathBuf;

use anyhow::Result;
use semver::Version;

use super::{Change, Class, SERVICE, version};
use crate::crate_files;
use crate::spec::Spec;

/// What changed in one spec since the revision.
pub struct Report {
    pub provider: String,
    /// The generated crate's package name.
    pub package: String,
    pub path: PathBuf,
    pub changes: Vec<Change>,
    pub versions: Versions,
}

/// The spec's `x-crate.version` at the revision and in the working tree.
#[derive(Clone, Debug, PartialEq)]
pub enum Versions {
    /// A new spec: its crate starts at the declared version.
    Added(Option<Version>),
    Removed,
    /// `old` is `None` when the spec at the revision has no `x-crate.version`.
    Changed {
        old: Option<Version>,
        declared: Option<Version>,
    },
}

impl Report {
    /// Compares a spec at the revision with the working tree's (either may be missing).
    pub fn new(old: Option<&Spec>, new: Option<&Spec>) -> Result<Self> {
        let spec = new.or(old).expect("a report compares at least one spec");
        let versions = match (old, new) {
            (Some(old), Some(new)) => Versions::Changed {
                old: version::of_spec(&old.doc)?,
                declared: version::of_spec(&new.doc)?,
            },
            (None, Some(new)) => Versions::Added(version::of_spec(&new.doc)?),
            _ => Versions::Removed,
        };
        let whole = |what: &str, class| Change {
            scope: SERVICE.into(),
            at: "spec".into(),
            what: what.into(),
            class,
            facade: Some(class),
        };
        let changes = match (old, new) {
            (Some(old), Some(new)) => super::changes(&old.doc, &new.doc)?,
            (None, _) => vec![whole(
                "new provider: a new crate, and a new provider for `connect`",
                Class::Additive,
            )],
            (_, None) => vec![whole(
                "provider removed: its crate is no longer generated and `connect` refuses its name",
                Class::Breaking,
            )],
        };
        Ok(Self {
            provider: spec.provider.clone(),
            package: crate_files::package_name(spec),
            path: spec.path.clone(),
            changes,
            versions,
        })
    }

    /// The most severe class for the generated crate's users (`None`: no API change).
    pub fn worst(&self) -> Option<Class> {
        self.changes.iter().map(|change| change.class).max()
    }

    /// The most severe class for the facade's users (`None`: the facade does not see it).
    pub fn facade_worst(&self) -> Option<Class> {
        self.changes.iter().filter_map(|change| change.facade).max()
    }

    /// The version the crate needs (`None`: unknown, or no crate any more); a new crate starts at
    /// its declared version.
    pub fn required(&self) -> Option<Version> {
        match &self.versions {
            Versions::Changed { old: Some(old), .. } => Some(version::required(old, self.worst())),
            Versions::Added(declared) => declared.clone(),
            _ => None,
        }
    }

    /// The version the working tree's spec declares.
    pub fn declared(&self) -> Option<&Version> {
        match &self.versions {
            Versions::Added(declared) | Versions::Changed { declared, .. } => declared.as_ref(),
            Versions::Removed => None,
        }
    }

    /// Whether the spec's `x-crate.version` is known to have the bump.
    pub fn bumped(&self) -> bool {
        match (self.required(), self.declared()) {
            (Some(required), Some(declared)) => *declared >= required,
            _ => false,
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let worst = self
            .worst()
            .map_or("no API change".into(), |class| class.to_string());
        writeln!(f, "{} ({}): {worst}", self.path.display(), self.package)?;
        for change in &self.changes {
            let facade = change
                .facade
                .map(|class| format!(" [facade: {class}]"))
                .unwrap_or_default();
            writeln!(
                f,
                "  {:<16} {} {}: {}{facade}",
                change.class.to_string(),
                change.scope,
                change.at,
                change.what
            )?;
        }
        let package = &self.package;
        let declared = self.declared().map_or("missing".into(), Version::to_string);
        match (&self.versions, self.required()) {
            (Versions::Removed, _) => writeln!(f, "  {package}: removed"),
            (Versions::Added(_), _) => writeln!(f, "  {package}: new crate at {declared}"),
            (_, None) => writeln!(
                f,
                "  {package}: no x-crate.version at the revision, so no bump to compute; \
                 x-crate.version is {declared}"
            ),
            (Versions::Changed { old, .. }, Some(required)) => {
                let old = old.as_ref().map(Version::to_string).unwrap_or_default();
                let verdict = if self.bumped() {
                    "has it".to_owned()
                } else {
                    format!("bump it to {required}")
                };
                writeln!(
                    f,
                    "  {package}: {old} needs {required}; x-crate.version is {declared}: {verdict}"
                )
            }
        }
    }
}

/// The facade's version check over every report: it needs a bump when what it exposes changes.
pub struct FacadeBump {
    pub worst: Option<Class>,
    pub old: Version,
    pub declared: Version,
}

impl FacadeBump {
    pub fn required(&self) -> Version {
        version::required(&self.old, self.worst)
    }
}

impl fmt::Display for FacadeBump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(worst) = self.worst else {
            return writeln!(f, "speech-facade: unaffected");
        };
        let required = self.required();
        let verdict = if self.declared >= required {
            "has it".to_owned()
        } else {
            format!("bump it to {required}")
        };
        writeln!(
            f,
            "speech-facade: {worst}; {} needs {required}; crates/facade/Cargo.toml has {}: {verdict}",
            self.old, self.declared
        )
    }
}
