//! The semver bump a set of changes needs, and whether the declared version has it.

use std::path::Path;

use anyhow::{Context, Result};
use semver::Version;
use serde_json::Value;

use super::Class;

/// The version a crate at `current` needs after changes of class `worst` (`None`: no API change,
/// no bump needed). 0.x crates shift by one place: a break bumps the minor version, anything else
/// the patch version (Cargo treats `0.x.y` to `0.x.z` as compatible).
pub fn required(current: &Version, worst: Option<Class>) -> Version {
    let Some(worst) = worst else {
        return current.clone();
    };
    let (major, minor, patch) = (current.major, current.minor, current.patch);
    match (major, worst) {
        (0, Class::Breaking) => Version::new(0, minor + 1, 0),
        (0, _) | (_, Class::Behaviour) => Version::new(major, minor, patch + 1),
        (_, Class::Additive) => Version::new(major, minor + 1, 0),
        (_, Class::Breaking) => Version::new(major + 1, 0, 0),
    }
}

/// A spec's `x-crate.version` (`None` when it has none, as specs before it was introduced).
pub fn of_spec(doc: &Value) -> Result<Option<Version>> {
    let Some(text) = doc.pointer("/x-crate/version").and_then(Value::as_str) else {
        return Ok(None);
    };
    let version =
        Version::parse(text).with_context(|| format!("`x-crate.version` {text} is not semver"))?;
    Ok(Some(version))
}

/// The facade's version in its manifest: in the working tree (`rev` `None`) or at a revision.
pub fn facade_at(root: &Path, rev: Option<&str>) -> Result<Option<Version>> {
    let path = Path::new("crates/facade/Cargo.toml");
    let manifest = match rev {
        Some(rev) => super::git_show(root, rev, path)?,
        None => std::fs::read_to_string(root.join(path)).ok(),
    };
    let Some(manifest) = manifest else {
        return Ok(None);
    };
    let version = manifest
        .lines()
        .find_map(|line| line.strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .context("crates/facade/Cargo.toml has no package version")?;
    Ok(Some(Version::parse(version)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 0.x: a break is a minor bump, the rest a patch; 1.x and later: major, minor, patch.
    #[test]
    fn bumps_follow_semver_with_the_0_x_shift() {
        let bump =
            |version: &str, class| required(&Version::parse(version).unwrap(), class).to_string();
        assert_eq!(bump("0.1.3", Some(Class::Breaking)), "0.2.0");
        assert_eq!(bump("0.1.3", Some(Class::Additive)), "0.1.4");
        assert_eq!(bump("0.1.3", Some(Class::Behaviour)), "0.1.4");
        assert_eq!(bump("1.2.3", Some(Class::Breaking)), "2.0.0");
        assert_eq!(bump("1.2.3", Some(Class::Additive)), "1.3.0");
        assert_eq!(bump("1.2.3", Some(Class::Behaviour)), "1.2.4");
        assert_eq!(bump("1.2.3", None), "1.2.3");
    }
}
