//! Writing the generated crate safely, and checking it is up to date.
//!
//! **Ownership.** The generator owns exactly the files listed in
//! `.docgen-manifest` inside the output directory (written with them). It
//! rewrites or deletes only those; every other file there (a user's
//! `src/ext.rs`, `examples/`, `tests/`) is never touched. A generated path
//! where a file the generator does not own already exists (a user's
//! `src/lib.rs` in a fresh `cargo new` directory, say) is a conflict: `write`
//! refuses, names the files and writes nothing, unless the file already has
//! exactly the generated contents (it is then adopted into the manifest).
//!
//! **Never half-written.** A write is a small transaction, so that a crash,
//! a full disk or a kill at any moment leaves either the previous output or
//! the new one, never a mix:
//!
//! 1. every changed file is written (and synced) under `.docgen-staging/` in
//!    the output directory;
//! 2. the commit marker `.docgen-commit` is written (to a temporary name,
//!    synced, then renamed): it lists each staged file to move into place and
//!    each previously owned file to remove;
//! 3. each staged file is renamed into place (same filesystem, so each rename
//!    is atomic) and the stale files are removed, the manifest last;
//! 4. the marker is removed, then the staging directory.
//!
//! Recovery runs at the start of every `write`: a marker means the transaction
//! was decided, so it is finished (roll forward: the moves that had not happened
//! are done, the removals repeated); a staging directory without a marker means
//! it was not, so the staging directory is deleted (roll back: the previous
//! output was never touched). `check` writes nothing: it reports an
//! unfinished transaction as drift, and the next `write` finishes it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::Path;

pub const MANIFEST: &str = ".docgen-manifest";
/// Where changed files are written before they are moved into place.
pub const STAGING: &str = ".docgen-staging";
/// Lists the moves and removals of a decided write; present only while one is being applied.
pub const COMMIT_MARKER: &str = ".docgen-commit";
const COMMIT_MARKER_TEMP: &str = ".docgen-commit.tmp";

/// Relative path -> contents of every file the generator owns.
pub type Files = BTreeMap<String, String>;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    pub written: Vec<String>,
    pub unchanged: usize,
    pub removed: Vec<String>,
    /// What recovery found of an earlier, interrupted write.
    pub recovered: Option<Recovery>,
}

/// How an interrupted write was dealt with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// The commit marker was there: the remaining moves were done.
    RolledForward { moved: usize },
    /// Only staged files: they were deleted, the previous output is untouched.
    RolledBack,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    Changed(String),
    Missing(String),
    /// Owned by a previous run but no longer generated.
    Stale(String),
    /// Exists with other contents but is not in the manifest: `write` will refuse to replace it.
    NotOwned(String),
    /// A write was interrupted (a commit marker or staging directory is left); the next `write` finishes or undoes it.
    Interrupted(String),
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Changed(p) => write!(f, "{p}: differs from what gen would write"),
            Drift::Missing(p) => write!(f, "{p}: missing"),
            Drift::Stale(p) => write!(f, "{p}: no longer generated"),
            Drift::NotOwned(p) => write!(f, "{p}: not written by docgen (not in {MANIFEST}); gen refuses to replace it"),
            Drift::Interrupted(p) => write!(f, "{p}: left by an interrupted gen; the next gen finishes or undoes it"),
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

/// The files a previous run owns: those its manifest lists, and the manifest
/// itself. `write` removes those of them it no longer generates.
pub fn owned_files(out: &Path) -> BTreeSet<String> {
    let mut owned: BTreeSet<String> = fs::read_to_string(out.join(MANIFEST))
        .map(|text| text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).map(str::to_owned).collect())
        .unwrap_or_default();
    owned.insert(MANIFEST.to_owned());
    owned
}

/// Where a test makes `write` stop, as a crash would.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Failpoint {
    #[default]
    Never,
    /// After this many files are staged (before the commit marker is written).
    AfterStaging(usize),
    /// After this many staged files are moved into place (the marker is written).
    AfterMoving(usize),
}

/// Writes changed files, removes files a previous run owned that are no longer
/// generated, as one transaction (see the module docs).
pub fn write(out: &Path, files: &Files) -> io::Result<WriteReport> {
    write_with_failpoint(out, files, Failpoint::Never)
}

#[doc(hidden)]
pub fn write_with_failpoint(out: &Path, files: &Files, failpoint: Failpoint) -> io::Result<WriteReport> {
    fs::create_dir_all(out)?;
    let mut report = WriteReport { recovered: recover(out)?, ..WriteReport::default() };
    let previously_owned = owned_files(out);
    let mut changed: Vec<&String> = Vec::new();
    let mut conflicts = Vec::new();
    for (path, contents) in files {
        let target = out.join(path);
        if fs::read(&target).is_ok_and(|existing| existing == contents.as_bytes()) {
            report.unchanged += 1;
            continue;
        }
        let exists = fs::symlink_metadata(&target).is_ok();
        if (exists && !previously_owned.contains(path)) || blocked_by_a_file(out, path) {
            conflicts.push(path.clone());
        }
        changed.push(path);
    }
    if !conflicts.is_empty() {
        let message = format!(
            "refusing to replace {} that docgen did not write (not in {MANIFEST}): {}; move or delete them, then run gen again",
            if conflicts.len() == 1 { "a file" } else { "files" },
            conflicts.join(", ")
        );
        return Err(io::Error::new(io::ErrorKind::AlreadyExists, message));
    }
    // The manifest moves last: until then the previous one still describes the directory.
    changed.sort_by_key(|p| p.as_str() == MANIFEST);
    let removals: Vec<String> = previously_owned
        .into_iter()
        .filter(|p| !files.contains_key(p) && is_safe_relative(p) && fs::symlink_metadata(out.join(p)).is_ok_and(|m| !m.is_dir()))
        .collect();
    if changed.is_empty() && removals.is_empty() {
        return Ok(report);
    }
    let interrupted = || io::Error::new(io::ErrorKind::Interrupted, "stopped at a failpoint");

    // 1. Stage.
    let staging = out.join(STAGING);
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    for (staged, path) in changed.iter().enumerate() {
        if failpoint == Failpoint::AfterStaging(staged) {
            return Err(interrupted());
        }
        write_synced(&staging.join(path), files[*path].as_bytes())?;
    }
    if failpoint == Failpoint::AfterStaging(changed.len()) {
        return Err(interrupted());
    }

    // 2. Decide: the marker, written whole or not at all.
    let mut marker = String::from("# docgen: a write in progress. The next gen finishes it; do not edit.\n");
    for path in &changed {
        marker.push_str(&format!("write {path}\n"));
    }
    for path in &removals {
        marker.push_str(&format!("remove {path}\n"));
    }
    write_synced(&out.join(COMMIT_MARKER_TEMP), marker.as_bytes())?;
    fs::rename(out.join(COMMIT_MARKER_TEMP), out.join(COMMIT_MARKER))?;
    sync_dir(out);

    // 3. Apply, 4. clean up.
    let stop_after = match failpoint {
        Failpoint::AfterMoving(n) => Some(n),
        _ => None,
    };
    if apply(out, &marker, stop_after)?.is_none() {
        return Err(interrupted());
    }
    report.written = changed.into_iter().cloned().collect();
    report.removed = removals;
    Ok(report)
}

/// Finishes (marker present) or undoes (staging only) an interrupted write.
pub fn recover(out: &Path) -> io::Result<Option<Recovery>> {
    let staging = out.join(STAGING);
    match fs::read_to_string(out.join(COMMIT_MARKER)) {
        Ok(marker) => {
            let moved = apply(out, &marker, None)?.unwrap_or_default();
            Ok(Some(Recovery::RolledForward { moved }))
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            let _ = fs::remove_file(out.join(COMMIT_MARKER_TEMP));
            if staging.exists() {
                fs::remove_dir_all(&staging)?;
                return Ok(Some(Recovery::RolledBack));
            }
            Ok(None)
        }
        Err(err) => Err(err),
    }
}

/// Carries out a commit marker: moves each staged file still in the staging
/// directory into place, removes the listed stale files, then the marker and
/// the staging directory. Idempotent, so recovery can repeat it. Returns how
/// many files it moved, or `None` when `stop_after` (a failpoint) stopped it
/// after that many moves, before any removal.
fn apply(out: &Path, marker: &str, stop_after: Option<usize>) -> io::Result<Option<usize>> {
    let staging = out.join(STAGING);
    let entries: Vec<(&str, &str)> = marker.lines().filter_map(|l| l.split_once(' ')).filter(|(_, p)| is_safe_relative(p)).collect();
    let mut moved = 0;
    for (_, path) in entries.iter().filter(|(action, _)| *action == "write") {
        let staged = staging.join(path);
        if !staged.exists() {
            continue; // moved before the interruption
        }
        if stop_after == Some(moved) {
            return Ok(None);
        }
        let target = out.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::rename(&staged, &target)?;
        moved += 1;
    }
    if stop_after == Some(moved) {
        return Ok(None);
    }
    for (_, path) in entries.iter().filter(|(action, _)| *action == "remove") {
        match fs::remove_file(out.join(path)) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => return Err(err),
            _ => remove_emptied_dirs(out, path),
        }
    }
    sync_dir(out);
    fs::remove_file(out.join(COMMIT_MARKER))?;
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    Ok(Some(moved))
}

/// Removes the directories of `path` (below `out`) that its removal left
/// empty, deepest first (a module of the resource tree that is gone leaves
/// no `src/operations/sites/`); a directory holding anything else stays.
fn remove_emptied_dirs(out: &Path, path: &str) {
    let mut dir = Path::new(path).parent();
    while let Some(relative) = dir.filter(|d| !d.as_os_str().is_empty()) {
        // `remove_dir` removes only an empty directory.
        if fs::remove_dir(out.join(relative)).is_err() {
            return;
        }
        dir = relative.parent();
    }
}

/// True when an interrupted write left its staging directory or commit
/// marker (a temporary one included): the next `write` has recovery to do.
pub fn interrupted_write_left(out: &Path) -> bool {
    [COMMIT_MARKER, COMMIT_MARKER_TEMP, STAGING].iter().any(|leftover| fs::symlink_metadata(out.join(leftover)).is_ok())
}

/// What `write` would change, without changing anything.
pub fn check(out: &Path, files: &Files) -> Vec<Drift> {
    let mut drift = Vec::new();
    for leftover in [COMMIT_MARKER, STAGING] {
        if out.join(leftover).exists() {
            drift.push(Drift::Interrupted(leftover.to_owned()));
        }
    }
    let owned = owned_files(out);
    for (path, contents) in files {
        match fs::read(out.join(path)) {
            Ok(existing) if existing == contents.as_bytes() => {}
            Ok(_) if !owned.contains(path) => drift.push(Drift::NotOwned(path.clone())),
            Ok(_) => drift.push(Drift::Changed(path.clone())),
            Err(_) => drift.push(Drift::Missing(path.clone())),
        }
    }
    for stale in owned.into_iter().filter(|p| !files.contains_key(p) && out.join(p).exists()) {
        drift.push(Drift::Stale(stale));
    }
    drift
}

fn write_synced(path: &Path, contents: &[u8]) -> io::Result<()> {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut file = fs::File::create(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// Makes renames in `dir` durable where the platform allows it (best effort).
fn sync_dir(dir: &Path) {
    if let Ok(handle) = fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}

/// True when some parent of `path` inside `out` exists but is not a directory.
fn blocked_by_a_file(out: &Path, path: &str) -> bool {
    let mut current = out.to_path_buf();
    let mut parts: Vec<&str> = path.split('/').collect();
    parts.pop();
    parts.into_iter().any(|part| {
        current.push(part);
        fs::symlink_metadata(&current).is_ok_and(|m| !m.is_dir())
    })
}

/// Manifest and marker entries come from disk: never follow one out of the output directory.
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
        let nested = files(&[("src/a.rs", "a"), ("src/b.rs", "b"), ("src/m/n/c.rs", "c"), ("src/k/d.rs", "d")]);
        write(out, &nested).unwrap();
        fs::write(out.join("src/k/mine.rs"), "mine").unwrap();
        let second = files(&[("src/a.rs", "a2")]);
        assert_eq!(
            check(out, &second),
            vec![
                Drift::Changed(".docgen-manifest".into()),
                Drift::Changed("src/a.rs".into()),
                Drift::Stale("src/b.rs".into()),
                Drift::Stale("src/k/d.rs".into()),
                Drift::Stale("src/m/n/c.rs".into())
            ]
        );
        let report = write(out, &second).unwrap();
        assert_eq!(report.removed, ["src/b.rs", "src/k/d.rs", "src/m/n/c.rs"]);
        assert_eq!(fs::read_to_string(out.join("src/user.rs")).unwrap(), "mine");
        assert!(!out.join("src/b.rs").exists());
        assert!(!out.join("src/m").exists(), "the directories its removed files emptied are gone");
        assert_eq!(fs::read_to_string(out.join("src/k/mine.rs")).unwrap(), "mine", "a directory holding a user's file stays");
        assert_eq!(write(out, &second).unwrap(), WriteReport { written: vec![], unchanged: 2, removed: vec![], recovered: None });
    }

    /// Every file below `dir`, relative path -> contents.
    fn tree(dir: &Path) -> BTreeMap<String, String> {
        fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(root, &path, out);
                } else {
                    let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                    out.insert(rel, fs::read_to_string(&path).unwrap());
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(dir, dir, &mut out);
        out
    }

    /// The user's own files beside the generated ones.
    const USER_FILES: [(&str, &str); 3] = [("src/ext.rs", "// mine"), ("examples/demo.rs", "fn main() {}"), ("tests/it.rs", "// my test")];

    fn with_user_files(files: &Files) -> BTreeMap<String, String> {
        let mut expected = files.clone();
        expected.extend(USER_FILES.iter().map(|(p, c)| (p.to_string(), c.to_string())));
        expected
    }

    /// A previous generation (`a`, `b`, `gone`) beside the user's files, and the next one:
    /// `a` changes, `b` stays, `gone` is no longer generated, `new` appears.
    fn previous_and_next() -> (tempfile::TempDir, Files, Files) {
        let dir = tempfile::tempdir().unwrap();
        let previous = files(&[("src/a.rs", "a1"), ("src/b.rs", "b"), ("src/gone.rs", "gone")]);
        write(dir.path(), &previous).unwrap();
        for (path, contents) in USER_FILES {
            fs::create_dir_all(dir.path().join(path).parent().unwrap()).unwrap();
            fs::write(dir.path().join(path), contents).unwrap();
        }
        let next = files(&[("src/a.rs", "a2"), ("src/b.rs", "b"), ("src/new/mod.rs", "new")]);
        (dir, previous, next)
    }

    #[test]
    fn a_write_stopped_while_staging_leaves_the_previous_output_and_is_rolled_back() {
        // `src/a.rs`, `src/new/mod.rs` and the manifest change: 3 files to stage.
        for staged in 0..=3 {
            let (dir, previous, next) = previous_and_next();
            let out = dir.path();
            let err = write_with_failpoint(out, &next, Failpoint::AfterStaging(staged)).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::Interrupted);
            assert!(!out.join(COMMIT_MARKER).exists());
            let mut visible = tree(out);
            visible.retain(|p, _| !p.starts_with(STAGING));
            assert_eq!(visible, with_user_files(&previous), "stopped after staging {staged}: the previous output is intact");
            if staged > 0 {
                assert_eq!(check(out, &previous), vec![Drift::Interrupted(STAGING.into())]);
            }
            assert_eq!(interrupted_write_left(out), staged > 0);

            let report = write(out, &next).unwrap();
            assert_eq!(report.recovered, (staged > 0).then_some(Recovery::RolledBack));
            assert!(!interrupted_write_left(out));
            assert_eq!(report.removed, ["src/gone.rs"]);
            assert_eq!(tree(out), with_user_files(&next), "the next gen completes");
            assert!(check(out, &next).is_empty());
        }
    }

    #[test]
    fn a_write_stopped_while_moving_is_finished_by_the_next_one() {
        for moved in 0..=3 {
            let (dir, previous, next) = previous_and_next();
            let out = dir.path();
            let err = write_with_failpoint(out, &next, Failpoint::AfterMoving(moved)).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::Interrupted);
            assert!(out.join(COMMIT_MARKER).exists());
            assert!(interrupted_write_left(out));
            assert!(check(out, &next).contains(&Drift::Interrupted(COMMIT_MARKER.into())));
            // Each file is whole, from one generation or the other; the user's are untouched.
            for (path, contents) in tree(out).iter().filter(|(p, _)| !p.starts_with(".docgen")) {
                let user = USER_FILES.iter().find(|(p, _)| p == path).map(|(_, c)| *c);
                let from = [previous.get(path).map(String::as_str), next.get(path).map(String::as_str), user];
                assert!(from.contains(&Some(contents.as_str())), "{path} holds {contents:?}");
            }

            let report = write(out, &next).unwrap();
            assert_eq!(report.recovered, Some(Recovery::RolledForward { moved: 3 - moved }));
            assert!(report.written.is_empty(), "recovery already wrote everything: {report:?}");
            assert_eq!(tree(out), with_user_files(&next), "stopped after moving {moved}: the next gen completes");
        }
    }

    #[test]
    fn a_stopped_write_is_finished_even_when_the_next_generation_differs() {
        let (dir, _, next) = previous_and_next();
        let out = dir.path();
        write_with_failpoint(out, &next, Failpoint::AfterMoving(1)).unwrap_err();
        let third = files(&[("src/a.rs", "a3")]);
        let report = write(out, &third).unwrap();
        assert!(matches!(report.recovered, Some(Recovery::RolledForward { .. })));
        assert_eq!(tree(out), with_user_files(&third));
    }

    #[test]
    fn files_the_generator_does_not_own_are_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        // A `cargo new` directory: its `src/lib.rs` and `Cargo.toml` are the user's.
        fs::create_dir_all(out.join("src")).unwrap();
        fs::write(out.join("src/lib.rs"), "// the user's lib").unwrap();
        fs::write(out.join("Cargo.toml"), "[package]").unwrap();
        let generated = files(&[("src/lib.rs", "// generated"), ("Cargo.toml", "[package]"), ("src/types.rs", "// types")]);
        assert!(check(out, &generated).contains(&Drift::NotOwned("src/lib.rs".into())));
        let err = write(out, &generated).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert!(err.to_string().contains("refusing to replace a file that docgen did not write"), "{err}");
        assert!(err.to_string().contains("src/lib.rs") && !err.to_string().contains("Cargo.toml"), "{err}");
        let before: BTreeMap<String, String> = [("src/lib.rs", "// the user's lib"), ("Cargo.toml", "[package]")]
            .iter()
            .map(|(p, c)| (p.to_string(), c.to_string()))
            .collect();
        assert_eq!(tree(out), before, "nothing was written");

        // Once the user moves it away, gen writes, and adopts the identical `Cargo.toml`.
        fs::rename(out.join("src/lib.rs"), out.join("src/mine.rs")).unwrap();
        write(out, &generated).unwrap();
        assert!(owned_files(out).contains("Cargo.toml"));
        assert_eq!(fs::read_to_string(out.join("src/mine.rs")).unwrap(), "// the user's lib");

        // A user's file where the generator needs a directory is a conflict too.
        fs::write(out.join("src/runtime"), "not a directory").unwrap();
        let err = write(out, &files(&[("src/runtime/mod.rs", "")])).unwrap_err();
        assert!(err.to_string().contains("src/runtime/mod.rs"), "{err}");
        assert_eq!(fs::read_to_string(out.join("src/runtime")).unwrap(), "not a directory");
    }

    #[test]
    fn manifest_entries_cannot_escape() {
        assert!(is_safe_relative("src/a.rs"));
        assert!(!is_safe_relative("../x"));
        assert!(!is_safe_relative("/etc/passwd"));
    }
}
