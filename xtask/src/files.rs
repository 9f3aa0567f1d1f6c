//! Writing generated files, or checking that the committed ones are current.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use similar::TextDiff;

/// One generated file: its path relative to the workspace root and its full contents.
pub struct Output {
    pub path: PathBuf,
    pub contents: String,
}

/// Writes every output whose contents changed. Returns the paths written.
pub fn write(root: &Path, outputs: &[Output]) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for output in outputs {
        let path = root.join(&output.path);
        if read(&path)?.as_deref() == Some(output.contents.as_str()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, &output.contents)
            .with_context(|| format!("writing {}", path.display()))?;
        written.push(output.path.clone());
    }
    Ok(written)
}

/// Fails with a unified diff of every output that differs from the file on disk.
pub fn check(root: &Path, outputs: &[Output]) -> Result<()> {
    let mut stale = Vec::new();
    for output in outputs {
        let current = read(&root.join(&output.path))?.unwrap_or_default();
        if current != output.contents {
            let name = output.path.display().to_string();
            let diff = TextDiff::from_lines(&current, &output.contents);
            print!(
                "{}",
                diff.unified_diff().context_radius(3).header(&name, &name)
            );
            stale.push(name);
        }
    }
    if !stale.is_empty() {
        bail!(
            "generated files are out of date: {}\nrun `cargo xtask generate` and commit the result",
            stale.join(", ")
        );
    }
    Ok(())
}

fn read(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_fails_on_drift_and_passes_after_write() {
        let root = std::env::temp_dir().join(format!("xtask-files-{}", std::process::id()));
        let outputs = [Output {
            path: "a/b.rs".into(),
            contents: "one\n".into(),
        }];
        assert!(check(&root, &outputs).is_err(), "a missing file is drift");
        assert_eq!(write(&root, &outputs).unwrap(), [PathBuf::from("a/b.rs")]);
        check(&root, &outputs).unwrap();
        assert!(
            write(&root, &outputs).unwrap().is_empty(),
            "unchanged files are not rewritten"
        );
        std::fs::write(root.join("a/b.rs"), "two\n").unwrap();
        let error = check(&root, &outputs).unwrap_err().to_string();
        assert!(error.contains("a/b.rs"), "{error}");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
