//! Stage 1: find the Markdown pages below a docs root and read them.

use crate::diagnostics::{Code, Diagnostics};
use std::path::{Path, PathBuf};

/// One page's text, with its path relative to the docs root (`/`-separated).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// Every `*.md` file below `root`, in path order. Unreadable files and invalid
/// UTF-8 are reported, not fatal: invalid bytes are replaced and the page kept.
pub fn load_docs(root: &Path, diags: &mut Diagnostics) -> std::io::Result<Vec<SourceFile>> {
    let mut paths = Vec::new();
    collect_markdown(root, &mut paths)?;
    paths.sort();
    Ok(read_pages(root, paths, |path| std::fs::read(path), diags))
}

/// Reads each page with `read`; a page that cannot be read is reported and skipped.
fn read_pages(
    root: &Path,
    paths: Vec<PathBuf>,
    read: impl Fn(&Path) -> std::io::Result<Vec<u8>>,
    diags: &mut Diagnostics,
) -> Vec<SourceFile> {
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let rel = relative_path(root, &path);
        match read(&path) {
            Ok(bytes) => files.push(SourceFile { text: decode(&rel, bytes, diags), path: rel }),
            Err(err) => diags.report(Code::UnreadableFile, (&rel, 1), format!("cannot read the page: {err}")),
        }
    }
    files
}

fn decode(rel: &str, bytes: Vec<u8>, diags: &mut Diagnostics) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text),
        Err(err) => {
            let bytes = err.into_bytes();
            let valid_up_to = std::str::from_utf8(&bytes).map_err(|e| e.valid_up_to()).err().unwrap_or(0);
            let line = 1 + bytes[..valid_up_to].iter().filter(|&&b| b == b'\n').count() as u32;
            diags.report(Code::InvalidUtf8, (rel, line), "the page is not valid UTF-8; invalid bytes were replaced with U+FFFD");
            String::from_utf8_lossy(&bytes).into_owned()
        }
    }
}

fn collect_markdown(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let file_type = entry.file_type()?;
        if file_type.is_dir() {
            collect_markdown(&path, out)?;
        } else if file_type.is_file() && path.extension().is_some_and(|e| e.eq_ignore_ascii_case("md")) {
            out.push(path);
        }
    }
    Ok(())
}

fn relative_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Permissions cannot make a file unreadable for every user (root reads
    /// anything), so the failure is the reader's.
    #[test]
    fn a_page_that_cannot_be_read_is_reported_and_the_others_are_kept() {
        let root = Path::new("/docs");
        let paths = vec![root.join("api/a.md"), root.join("api/b.md")];
        let read = |path: &Path| match path.ends_with("a.md") {
            true => Err(std::io::Error::new(std::io::ErrorKind::PermissionDenied, "permission denied")),
            false => Ok(b"# b".to_vec()),
        };
        let mut diags = Diagnostics::default();
        let files = read_pages(root, paths, read, &mut diags);
        assert_eq!(files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(), ["api/b.md"]);
        let reported: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        assert_eq!(reported, ["api/a.md:1: error[unreadable-file]: cannot read the page: permission denied"]);
    }
}
