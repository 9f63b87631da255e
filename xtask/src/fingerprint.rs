//! `gen`'s record of its last run, so that a `gen` whose inputs did not
//! change costs about what loading the pages costs (issue 21: a regeneration
//! with no change within 1.5x of the pulldown-cmark pass over the same pages).
//!
//! As with cargo's fingerprints, a run's output is a function of its inputs:
//! the generator (the running executable's bytes, which hold all its code and
//! the embedded templates), the options that shape the output (crate name,
//! docs and output directory as given), and the pages the loader returned
//! (each path and text, in order, and what the loader reported): the
//! generator reads nothing else. The fingerprint is one BLAKE3 hash of them.
//! The pages hashed are the very `SourceFile`s handed to
//! `docgen::generate_loaded` on a miss, so an edit made while `gen` runs
//! cannot slip between what was fingerprinted and what was generated. Only
//! what the loader reads (`*.md` files) counts: an image, a `.git` directory
//! or notes beside the pages cannot change the output, so they do not force
//! a regeneration, and the loader's own listing decides which files count,
//! so the two cannot disagree.
//!
//! The record (one JSON file per output directory and crate name, in the
//! format cache's directory, 0.5 MB for v1.0; safe to delete) holds the fingerprint of the
//! last complete run, a hash of every file it generated, the diagnostics it
//! printed, its counts and its exit code. A run replays it instead of
//! generating only when all of these hold, which together mean that
//! `docgen::output::write` would change nothing and print what it printed:
//!
//! - the fingerprint is the recorded one (same generator, options and pages);
//! - no interrupted write is left in the output directory (its recovery must run);
//! - every recorded file is there with the recorded hash (a file edited by
//!   hand or deleted is regenerated);
//! - no other file the output's manifest lists is there (`write` would remove it).
//!
//! Anything else (no record, an unreadable one, another version) is a miss:
//! the full pipeline runs as if there were no record, then records itself.

use docgen::diagnostics::Diagnostics;
use docgen::load::SourceFile;
use docgen::output::Files;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// Changes whenever the record's layout or what the fingerprint covers does,
/// so that a record of another `xtask` is a miss, never misread.
const VERSION: &str = "docgen gen record 1";
/// Records kept in a cache directory (one per output directory and crate name).
const RECORDS_KEPT: usize = 8;
const EXTENSION: &str = "gen-record";
/// How a replayed run's note begins (`bench` looks for it in a child's log).
pub const REPLAYED: &str = "nothing to regenerate:";

/// What one `gen` run's output depends on, besides the generator itself.
pub struct Inputs<'a> {
    pub crate_name: &'a str,
    pub docs: &'a Path,
    pub out: &'a Path,
    pub pages: &'a [SourceFile],
    pub load_diagnostics: &'a Diagnostics,
}

/// The BLAKE3 hash (hex) of the generator and `inputs`. Fails only when the
/// running executable cannot be read: then there is no fingerprint, and so
/// no record.
pub fn fingerprint(inputs: &Inputs) -> io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    field(&mut hasher, VERSION.as_bytes());
    hasher.update(generator_hash()?.as_bytes());
    field(&mut hasher, inputs.crate_name.as_bytes());
    field(&mut hasher, inputs.docs.as_os_str().as_encoded_bytes());
    field(&mut hasher, inputs.out.as_os_str().as_encoded_bytes());
    // The count first, so that an added or deleted page changes the framing too.
    hasher.update(&(inputs.pages.len() as u64).to_le_bytes());
    for page in inputs.pages {
        field(&mut hasher, page.path.as_bytes());
        // Each text hashed whole: BLAKE3 then hashes its chunks side by side (SIMD).
        hasher.update(blake3::hash(page.text.as_bytes()).as_bytes());
    }
    // Invalid UTF-8 is replaced in the text; the loader's diagnostic says where.
    for diagnostic in inputs.load_diagnostics.iter() {
        field(&mut hasher, diagnostic.to_string().as_bytes());
    }
    Ok(hasher.finalize().to_hex().to_string())
}

/// A length before the bytes, so that no two different inputs hash the same stream.
fn field(hasher: &mut blake3::Hasher, bytes: &[u8]) {
    hasher.update(&(bytes.len() as u64).to_le_bytes());
    hasher.update(bytes);
}

/// The hash of the running executable. On Linux `/proc/self/exe` is the image
/// this process runs even after cargo has replaced the file at its path (a
/// rebuild while `gen` runs), so a record never pairs new code with old output.
fn generator_hash() -> io::Result<blake3::Hash> {
    let exe = if cfg!(target_os = "linux") { PathBuf::from("/proc/self/exe") } else { std::env::current_exe()? };
    file_hash(&exe)
}

/// Streamed through a small buffer: a generated file of tens of megabytes is never held whole.
fn file_hash(path: &Path) -> io::Result<blake3::Hash> {
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(std::fs::File::open(path)?)?;
    Ok(hasher.finalize())
}

/// What a run printed and returned, besides its file counts (which a replay
/// derives: every file unchanged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// `N operations, M types`, as the summary lines print it.
    pub counts: String,
    /// The diagnostics as `gen` printed them, summary line included.
    pub diagnostics: String,
    pub exit_code: u8,
}

/// The last complete run of one output directory and crate name.
#[derive(Serialize, Deserialize)]
pub struct Record {
    version: String,
    fingerprint: String,
    outcome: Outcome,
    /// Relative path -> BLAKE3 hash (hex) of every generated file, the manifest included.
    outputs: BTreeMap<String, String>,
}

/// The record of one output directory and crate name, or none (`--no-format-cache`).
pub struct GenRecord {
    path: Option<PathBuf>,
}

impl GenRecord {
    pub fn none() -> GenRecord {
        GenRecord { path: None }
    }

    /// The record for output `key` (output directory and crate name) in `dir`.
    /// The file is named by a hash of the key: two keys never share a record.
    pub fn open(dir: &Path, key: &str) -> GenRecord {
        let name = blake3::hash(key.as_bytes()).to_hex();
        GenRecord { path: Some(dir.join(format!("{}.{EXTENSION}", &name[..32]))) }
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The record of the last run, when there is one of this [`VERSION`].
    pub fn read(&self) -> Option<Record> {
        let text = std::fs::read(self.path.as_ref()?).ok()?;
        let record: Record = serde_json::from_slice(&text).ok()?;
        (record.version == VERSION).then_some(record)
    }

    /// Records a complete run: its fingerprint, the files it generated and
    /// what it printed. Written to a temporary file and renamed, so a reader
    /// sees the old record or the new one; keeps the newest [`RECORDS_KEPT`].
    pub fn save(&self, fingerprint: &str, files: &Files, outcome: &Outcome) -> io::Result<()> {
        let Some(path) = &self.path else { return Ok(()) };
        let record = Record {
            version: VERSION.to_owned(),
            fingerprint: fingerprint.to_owned(),
            outcome: outcome.clone(),
            outputs: files.iter().map(|(path, contents)| (path.clone(), blake3::hash(contents.as_bytes()).to_hex().to_string())).collect(),
        };
        let text = serde_json::to_vec(&record).map_err(io::Error::other)?;
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let staged = path.with_extension(format!("{EXTENSION}.tmp"));
        let written = std::fs::write(&staged, text).and_then(|()| std::fs::rename(&staged, path));
        if written.is_err() {
            let _ = std::fs::remove_file(&staged);
        }
        written?;
        prune(dir);
        Ok(())
    }
}

impl Record {
    /// True when `docgen::output::write` of the recorded files into `out`
    /// would find nothing to recover, write or remove.
    pub fn output_in_place(&self, out: &Path) -> bool {
        if docgen::output::interrupted_write_left(out) {
            return false;
        }
        let same = |path: &String, hash: &String| file_hash(&out.join(path)).is_ok_and(|actual| actual.to_hex().as_str() == hash);
        if !self.outputs.iter().all(|(path, hash)| same(path, hash)) {
            return false;
        }
        // The manifest is among the outputs, so this holds unless the record is
        // inconsistent; checked all the same, with `write`'s own idea of what it owns.
        let owned = docgen::output::owned_files(out);
        owned.iter().all(|owned| self.outputs.contains_key(owned) || std::fs::symlink_metadata(out.join(owned)).is_err())
    }

    /// What to replay, and how many files are unchanged, when the recorded
    /// run had this `fingerprint` and its output was found in place (see the module docs).
    pub fn replay(self, fingerprint: &str, output_in_place: bool) -> Option<(Outcome, usize)> {
        (output_in_place && self.fingerprint == fingerprint).then_some((self.outcome, self.outputs.len()))
    }
}

/// Keeps the [`RECORDS_KEPT`] most recently written records of `dir`.
fn prune(dir: &Path) {
    let Ok(listing) = std::fs::read_dir(dir) else { return };
    let mut records: Vec<(std::time::SystemTime, PathBuf)> = listing
        .flatten()
        .filter(|entry| entry.path().extension().is_some_and(|e| e == EXTENSION))
        .filter_map(|entry| Some((entry.metadata().ok()?.modified().ok()?, entry.path())))
        .collect();
    records.sort_by(|a, b| b.cmp(a));
    for (_, stale) in records.into_iter().skip(RECORDS_KEPT) {
        let _ = std::fs::remove_file(stale);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `gen` decides, on one thread.
    fn replay(record: &GenRecord, fingerprint: &str, out: &Path) -> Option<(Outcome, usize)> {
        let recorded = record.read()?;
        let in_place = recorded.output_in_place(out);
        recorded.replay(fingerprint, in_place)
    }

    fn page(path: &str, text: &str) -> SourceFile {
        SourceFile { path: path.to_owned(), text: text.to_owned() }
    }

    fn of(pages: &[SourceFile], crate_name: &str, out: &str) -> String {
        let diagnostics = Diagnostics::default();
        let inputs = Inputs { crate_name, docs: Path::new("docs"), out: Path::new(out), pages, load_diagnostics: &diagnostics };
        fingerprint(&inputs).unwrap()
    }

    #[test]
    fn every_input_changes_the_fingerprint() {
        let pages = [page("api/a.md", "# A"), page("api/b.md", "# B")];
        let base = of(&pages, "graph-client", "out");
        assert_eq!(of(&pages, "graph-client", "out"), base, "deterministic");
        assert_ne!(of(&[page("api/a.md", "# A!"), page("api/b.md", "# B")], "graph-client", "out"), base, "a page's text");
        assert_ne!(of(&[page("api/a.md", "# A"), page("api/c.md", "# B")], "graph-client", "out"), base, "a page's path");
        assert_ne!(of(&pages[..1], "graph-client", "out"), base, "a deleted page");
        // The same bytes framed differently: the text of one page moved into its path.
        assert_ne!(of(&[page("api/a.md# A", ""), page("api/b.md", "# B")], "graph-client", "out"), base, "framing");
        assert_ne!(of(&pages, "other-client", "out"), base, "the crate name");
        assert_ne!(of(&pages, "graph-client", "out2"), base, "the output directory");
    }

    #[test]
    fn a_record_replays_only_while_its_output_is_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let files = docgen::output::with_manifest(Files::from([("src/lib.rs".to_owned(), "// lib\n".to_owned())]));
        docgen::output::write(&out, &files).unwrap();
        let record = GenRecord::open(&dir.path().join("cache"), "key");
        let outcome = Outcome { counts: "1 operations, 1 types".into(), diagnostics: "diagnostics: none\n".into(), exit_code: 0 };
        record.save("f1", &files, &outcome).unwrap();
        assert_eq!(replay(&record, "f1", &out), Some((outcome.clone(), 2)));
        assert_eq!(replay(&record, "f2", &out), None, "another fingerprint");
        assert_eq!(replay(&GenRecord::open(&dir.path().join("cache"), "other key"), "f1", &out), None, "another output");
        assert_eq!(replay(&GenRecord::none(), "f1", &out), None);

        std::fs::create_dir(out.join(docgen::output::STAGING)).unwrap();
        assert_eq!(replay(&record, "f1", &out), None, "an interrupted write to recover");
        std::fs::remove_dir(out.join(docgen::output::STAGING)).unwrap();

        std::fs::write(out.join("src/lib.rs"), "// edited\n").unwrap();
        assert_eq!(replay(&record, "f1", &out), None, "an output edited by hand");
        std::fs::remove_file(out.join("src/lib.rs")).unwrap();
        assert_eq!(replay(&record, "f1", &out), None, "an output deleted");
        std::fs::write(out.join("src/lib.rs"), "// lib\n").unwrap();
        assert!(replay(&record, "f1", &out).is_some());

        std::fs::write(record.path().unwrap(), "{ not a record").unwrap();
        assert_eq!(replay(&record, "f1", &out), None, "an unreadable record");
    }

    #[test]
    fn a_file_the_manifest_lists_but_the_record_does_not_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let old = docgen::output::with_manifest(Files::from([("src/old.rs".to_owned(), String::new())]));
        docgen::output::write(&out, &old).unwrap();
        // A record that does not list `src/old.rs`, while the manifest on disk still does.
        let record = GenRecord::open(dir.path(), "key");
        let outcome = Outcome { counts: String::new(), diagnostics: String::new(), exit_code: 0 };
        let listed: Files =
            old.iter().filter(|(path, _)| path.as_str() == docgen::output::MANIFEST).map(|(p, c)| (p.clone(), c.clone())).collect();
        record.save("f", &listed, &outcome).unwrap();
        assert_eq!(replay(&record, "f", &out), None, "write would remove src/old.rs");
    }
}
