//! The two sides of a diff, from what a user types: a docs tree (directory), a
//! model snapshot (`api-model.json`), or a git revision of the docs (`REV`,
//! meaning `REV:docs-input`, or `REV:path`, the path relative to the
//! repository root). A revision is materialized with `git archive` into a
//! temporary directory, removed once its model is built.

use docgen::diff::model_from_snapshot;
use docgen::model::ApiModel;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

/// Where a git revision's docs are when no path is given.
pub const DEFAULT_DOCS_PATH: &str = "docs-input";

/// One side of a diff, loaded.
#[derive(Debug)]
pub struct Side {
    /// What the user typed, or `REV:path` for a revision.
    pub label: String,
    pub model: ApiModel,
    /// The diagnostics summary of building the model (`None` for a snapshot).
    pub diagnostics: Option<String>,
}

/// Why a side of a diff cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{spec}: {source}")]
    Unreadable { spec: String, source: std::io::Error },
    #[error("{spec}: not a model snapshot: {source}")]
    NotASnapshot { spec: String, source: serde_json::Error },
    #[error("`{spec}` is neither a directory, a file nor a git revision: {source}")]
    NotARevision { spec: String, source: RevisionError },
    /// The docs tree (a directory, or a revision once extracted) cannot be listed.
    #[error("{label}: {source}")]
    Docs { label: String, source: std::io::Error },
    #[error("building the old model panicked")]
    Panicked,
}

/// Why a git revision's tree cannot be extracted.
#[derive(Debug, thiserror::Error)]
pub enum RevisionError {
    #[error("cannot run git: {0}")]
    Git(std::io::Error),
    #[error("`{treeish}` is not a directory in the git repository at {}", repo.display())]
    NotATree { treeish: String, repo: PathBuf },
    #[error("cannot create a temporary directory: {0}")]
    TempDir(std::io::Error),
    #[error("cannot run git archive: {0}")]
    GitArchive(std::io::Error),
    #[error("git archive has no output")]
    NoArchiveOutput,
    #[error("git archive: {0}")]
    ArchiveWait(std::io::Error),
    #[error("cannot run tar: {0}")]
    Tar(std::io::Error),
    #[error("extracting `{treeish}` failed (git archive: {archived}, tar: {untar})")]
    Extract { treeish: String, archived: ExitStatus, untar: ExitStatus },
}

/// Loads one side: an existing directory is a docs tree, an existing file a
/// model snapshot, anything else a git revision of the repository at `repo`.
pub fn load(spec: &str, repo: &Path) -> Result<Side, InputError> {
    let path = Path::new(spec);
    if path.is_dir() {
        return from_docs(spec.to_owned(), path);
    }
    if path.is_file() {
        let text = std::fs::read_to_string(path).map_err(|source| InputError::Unreadable { spec: spec.to_owned(), source })?;
        let model = model_from_snapshot(&text).map_err(|source| InputError::NotASnapshot { spec: spec.to_owned(), source })?;
        return Ok(Side { label: spec.to_owned(), model, diagnostics: None });
    }
    let (rev, docs_path) = spec.split_once(':').unwrap_or((spec, DEFAULT_DOCS_PATH));
    let label = format!("{rev}:{docs_path}");
    let tree = materialize(repo, rev, docs_path).map_err(|source| InputError::NotARevision { spec: spec.to_owned(), source })?;
    from_docs(label, tree.path())
}

/// Loads both sides at once, each on its own thread.
pub fn load_pair(old: &str, new: &str, repo: &Path) -> Result<(Side, Side), InputError> {
    std::thread::scope(|scope| {
        let old = scope.spawn(|| load(old, repo));
        let new = load(new, repo);
        let old = old.join().map_err(|_| InputError::Panicked)?;
        Ok((old?, new?))
    })
}

fn from_docs(label: String, dir: &Path) -> Result<Side, InputError> {
    let (model, diags) = match docgen::build_model(dir) {
        Ok(built) => built,
        Err(source) => return Err(InputError::Docs { label, source }),
    };
    Ok(Side { label, model, diagnostics: Some(diags.summary()) })
}

/// A directory removed when dropped.
pub type TempTree = tempfile::TempDir;

/// Extracts the tree `rev:path` of the git repository at `repo` into a temporary directory.
pub fn materialize(repo: &Path, rev: &str, path: &str) -> Result<TempTree, RevisionError> {
    let treeish = format!("{rev}:{}", path.trim_matches('/'));
    let kind = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["cat-file", "-t", &treeish])
        .stderr(Stdio::null())
        .output()
        .map_err(RevisionError::Git)?;
    if !kind.status.success() || kind.stdout.trim_ascii() != b"tree" {
        return Err(RevisionError::NotATree { treeish, repo: repo.to_owned() });
    }
    let tree = tempfile::Builder::new().prefix("docgen-diff-").tempdir().map_err(RevisionError::TempDir)?;
    let mut archive = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["archive", "--format=tar", &treeish])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(RevisionError::GitArchive)?;
    let stdout = archive.stdout.take().ok_or(RevisionError::NoArchiveOutput)?;
    let untar = Command::new("tar").arg("-x").arg("-C").arg(tree.path()).stdin(stdout).status();
    let archived = archive.wait().map_err(RevisionError::ArchiveWait)?;
    let untar = untar.map_err(RevisionError::Tar)?;
    if !archived.success() || !untar.success() {
        return Err(RevisionError::Extract { treeish, archived, untar });
    }
    Ok(tree)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_revisions_are_materialized_into_a_temporary_tree() {
        let repo = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| {
            let status = std::process::Command::new("git")
                .arg("-C")
                .arg(repo.path())
                .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
                .args(args)
                .output()
                .expect("git runs");
            assert!(status.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&status.stderr));
        };
        git(&["init", "-q"]);
        let page =
            "---\ndoc_type: apiPageType\n---\n# Get widget\n\nNamespace: microsoft.graph\n\n## HTTP request\n```http\nGET /widgets/{id}\n```\n";
        std::fs::create_dir_all(repo.path().join("docs-input/api")).unwrap();
        std::fs::write(repo.path().join("docs-input/api/widget-get.md"), page).unwrap();
        git(&["add", "."]);
        git(&["commit", "-q", "-m", "one"]);
        std::fs::create_dir_all(repo.path().join("other/api")).unwrap();
        std::fs::write(repo.path().join("other/api/widget-list.md"), page.replace("Get widget", "List widgets").replace("/{id}", ""))
            .unwrap();
        git(&["add", "."]);
        git(&["commit", "-q", "-m", "two"]);

        let (old, new) = load_pair("HEAD", "HEAD:other", repo.path()).unwrap();
        assert_eq!((old.label.as_str(), new.label.as_str()), ("HEAD:docs-input", "HEAD:other"));
        assert_eq!(old.model.operations[0].documented_path, "/widgets/{id}");
        assert_eq!(new.model.operations[0].documented_path, "/widgets");
        let tree = materialize(repo.path(), "HEAD~1", "docs-input").unwrap();
        let kept = tree.path().to_path_buf();
        assert!(kept.join("api/widget-get.md").is_file());
        drop(tree);
        assert!(!kept.exists(), "the temporary tree is removed");
        let err = load("HEAD~1:other", repo.path()).unwrap_err().to_string();
        assert!(err.contains("`HEAD~1:other` is not a directory in the git repository"), "{err}");
    }
}
