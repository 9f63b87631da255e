//! Writing the generated crate safely, and checking it is up to date.
//!
//! Ownership rule: the generator owns exactly the files listed in
//! `.docgen-manifest` inside the output directory (written with them). It
//! rewrites or deletes only those; every other file there (a user's
//! `src/ext.rs`, `examples/`, `tests/`) is never touched. Each file is written to
//! a temporary sibling and renamed into place, so a reader never sees half a file.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::Path;

pub const MANIFEST: &str = ".docgen-manifest";

/// Relative path -> contents of every file the generator owns.
pub type Files = BTreeMap<String, String>;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    pub written: Vec<String>,
    pub unchanged: usize,
    pub removed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    Changed(String),
    Missing(String),
    /// Owned by a previous run but no longer generated.
    Stale(String),
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Changed(p) => write!(f, "{p}: differs from what gen would write"),
            Drift::Missing(p) => write!(f, "{p}: missing"),
            Drift::Stale(p) => write!(f, "{p}: no longer generated"),
        }
    }
}

/// Adds the manifest itself to the set of files.
pub fn with_manifest(mut files: Files) -> Files {
    let mut listing = String::from("# Files written by docgen; it rewrites or removes only these.\n");
    for path in files.keys() {
        listing.push_str(path);
        listing.push('\n');
    }
    files.insert(MANIFEST.to_owned(), listing);
    files
}

fn previous_manifest(out: &Path) -> BTreeSet<String> {
    fs::read_to_string(out.join(MANIFEST))
        .map(|text| text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Writes changed files, removes files a previous run owned that are no longer generated.
pub fn write(out: &Path, files: &Files) -> io::Result<WriteReport> {
    let mut report = WriteReport::default();
    let previously_owned = previous_manifest(out);
    for (path, contents) in files {
        let target = out.join(path);
        if fs::read(&target).is_ok_and(|existing| existing == contents.as_bytes()) {
            report.unchanged += 1;
            continue;
        }
        write_atomically(&target, contents.as_bytes())?;
        report.written.push(path.clone());
    }
    for stale in previously_owned.into_iter().filter(|p| !files.contains_key(p) && is_safe_relative(p)) {
        match fs::remove_file(out.join(&stale)) {
            Ok(()) => report.removed.push(stale),
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(err) => return Err(err),
        }
    }
    Ok(report)
}

/// What `write` would change, without changing anything.
pub fn check(out: &Path, files: &Files) -> Vec<Drift> {
    let mut drift = Vec::new();
    for (path, contents) in files {
        match fs::read(out.join(path)) {
            Ok(existing) if existing == contents.as_bytes() => {}
            Ok(_) => drift.push(Drift::Changed(path.clone())),
            Err(_) => drift.push(Drift::Missing(path.clone())),
        }
    }
    for stale in previous_manifest(out).into_iter().filter(|p| !files.contains_key(p) && out.join(p).exists()) {
        drift.push(Drift::Stale(stale));
    }
    drift
}

fn write_atomically(target: &Path, contents: &[u8]) -> io::Result<()> {
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent)?;
    }
    let file_name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = target.with_file_name(format!(".{file_name}.docgen-tmp"));
    fs::write(&temp, contents)?;
    fs::rename(&temp, target)
}

/// Manifest entries come from disk: never follow one out of the output directory.
fn is_safe_relative(path: &str) -> bool {
    !path.starts_with('/') && !path.split('/').any(|s| s == ".." || s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> Files {
        with_manifest(entries.iter().map(|(p, c)| (p.to_string(), c.to_string())).collect())
    }

    #[test]
    fn writes_checks_and_removes_only_owned_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let first = files(&[("src/a.rs", "a"), ("src/b.rs", "b")]);
        assert_eq!(check(out, &first).len(), 3);
        let report = write(out, &first).unwrap();
        assert_eq!(report.written.len(), 3);
        assert!(check(out, &first).is_empty());

        fs::write(out.join("src/user.rs"), "mine").unwrap();
        let second = files(&[("src/a.rs", "a2")]);
        assert_eq!(
            check(out, &second),
            vec![Drift::Changed(".docgen-manifest".into()), Drift::Changed("src/a.rs".into()), Drift::Stale("src/b.rs".into())]
        );
        let report = write(out, &second).unwrap();
        assert_eq!(report.removed, ["src/b.rs"]);
        assert_eq!(fs::read_to_string(out.join("src/user.rs")).unwrap(), "mine");
        assert!(!out.join("src/b.rs").exists());
        assert_eq!(write(out, &second).unwrap(), WriteReport { written: vec![], unchanged: 2, removed: vec![] });
    }

    #[test]
    fn manifest_entries_cannot_escape() {
        assert!(is_safe_relative("src/a.rs"));
        assert!(!is_safe_relative("../x"));
        assert!(!is_safe_relative("/etc/passwd"));
    }
}
