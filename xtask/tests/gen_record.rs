//! `gen`'s record of its last run (xtask/src/fingerprint.rs): a `gen` with
//! nothing changed replays it and writes nothing; any change regenerates.

mod common;

use common::*;
use std::path::Path;
use std::process::Output;

/// A docs tree (one page with a located warning), an output directory and a format cache directory.
struct Setup {
    docs: tempfile::TempDir,
    out: tempfile::TempDir,
    cache: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let docs = tempfile::tempdir().unwrap();
        write_page(docs.path(), "api/widget-get.md", &PAGE.replace("GET /widgets/{id}", "GET /widgets/{id}\nnonsense line"));
        write_page(docs.path(), "resources/widget.md", RESOURCE);
        Setup { docs, out: tempfile::tempdir().unwrap(), cache: tempfile::tempdir().unwrap() }
    }

    /// `gen` with this setup's format cache (and so its record), plus `extra` arguments.
    fn gen(&self, extra: &[&str]) -> Output {
        let mut args = vec!["gen", "--docs", path(self.docs.path()), "--out", path(self.out.path())];
        args.extend(["--format-cache", path(self.cache.path())]);
        args.extend(extra);
        let output = xtask(&args);
        assert!(output.status.success() || extra.contains(&"--check"), "{}", stderr(&output));
        output
    }

    fn records(&self) -> Vec<std::path::PathBuf> {
        let listing = std::fs::read_dir(self.cache.path()).unwrap();
        listing.map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "gen-record")).collect()
    }
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn replayed(output: &Output) -> bool {
    stderr(output).lines().any(|l| l.starts_with("nothing to regenerate:"))
}

/// The diagnostics lines of a run, its counts by code included.
fn diagnostics(output: &Output) -> Vec<String> {
    let text = stderr(output);
    let lines = text.lines().filter(|l| l.contains(": warning[") || l.contains(": error[") || l.starts_with("diagnostics: "));
    lines.map(str::to_owned).collect()
}

#[test]
fn a_second_gen_with_nothing_changed_writes_nothing_and_prints_the_same_diagnostics() {
    let setup = Setup::new();
    let first = setup.gen(&[]);
    assert!(!replayed(&first), "{}", stderr(&first));
    assert!(diagnostics(&first).iter().any(|l| l.contains("warning[bad-request-line]")), "{}", stderr(&first));
    let before = files_below(setup.out.path());

    let second = setup.gen(&[]);
    let text = stderr(&second);
    assert!(replayed(&second), "{text}");
    assert_eq!(diagnostics(&second), diagnostics(&first));
    let summary = format!("(1 operations, 1 types): 0 written, {} unchanged, 0 removed", before.len());
    assert!(text.contains(&summary), "{summary} in {text}");
    assert!(text.contains("api changes: none"), "{text}");
    assert_eq!(files_below(setup.out.path()), before, "nothing was written: same bytes, same modification times");

    // A file the loader does not read changes nothing either.
    std::fs::write(setup.docs.path().join("notes.txt"), "not a page").unwrap();
    assert!(replayed(&setup.gen(&[])));

    // `--check` takes the same record.
    let check = setup.gen(&["--check"]);
    assert!(check.status.success() && replayed(&check), "{}", stderr(&check));
    assert!(stderr(&check).contains("is up to date (1 operations, 1 types)"), "{}", stderr(&check));
    assert_eq!(diagnostics(&check), diagnostics(&first));
}

#[test]
fn a_changed_added_or_deleted_page_is_regenerated() {
    let setup = Setup::new();
    setup.gen(&[]);
    write_page(setup.docs.path(), "resources/widget.md", &RESOURCE.replace("| size | Int32 | Size. |\n", ""));
    let changed = setup.gen(&[]);
    assert!(!replayed(&changed), "{}", stderr(&changed));
    let types = std::fs::read_to_string(setup.out.path().join("src/types/mod.rs")).unwrap();
    assert!(!types.contains("pub size"), "{types}");
    assert!(replayed(&setup.gen(&[])), "the new run is recorded");

    write_page(setup.docs.path(), "api/widget-delete.md", &PAGE.replace("# Get widget", "# Delete widget").replace("GET ", "DELETE "));
    let added = setup.gen(&[]);
    assert!(!replayed(&added) && stderr(&added).contains("2 operations"), "{}", stderr(&added));
    std::fs::remove_file(setup.docs.path().join("api/widget-delete.md")).unwrap();
    let deleted = setup.gen(&[]);
    assert!(!replayed(&deleted) && stderr(&deleted).contains("1 operations"), "{}", stderr(&deleted));
}

#[test]
fn an_output_file_edited_or_deleted_by_hand_is_restored() {
    let setup = Setup::new();
    setup.gen(&[]);
    let types = setup.out.path().join("src/types/mod.rs");
    let generated = std::fs::read(&types).unwrap();

    std::fs::write(&types, "// edited by hand\n").unwrap();
    let check = setup.gen(&["--check"]);
    assert!(!check.status.success() && !replayed(&check), "{}", stderr(&check));
    assert!(stderr(&check).contains("src/types/mod.rs"), "{}", stderr(&check));
    let restored = setup.gen(&[]);
    assert!(!replayed(&restored) && stderr(&restored).contains(": 1 written"), "{}", stderr(&restored));
    assert_eq!(std::fs::read(&types).unwrap(), generated);

    std::fs::remove_file(setup.out.path().join("src/lib.rs")).unwrap();
    assert!(!replayed(&setup.gen(&[])));
    assert!(setup.out.path().join("src/lib.rs").is_file());
    assert!(replayed(&setup.gen(&[])));
}

#[test]
fn an_interrupted_gen_is_recovered_not_replayed() {
    let setup = Setup::new();
    setup.gen(&[]);
    // A gen killed while staging: the output is intact, but the staging directory must be cleared.
    std::fs::create_dir_all(setup.out.path().join(".docgen-staging/src/types")).unwrap();
    std::fs::write(setup.out.path().join(".docgen-staging/src/types/mod.rs"), "// half written").unwrap();
    let output = setup.gen(&[]);
    assert!(!replayed(&output), "{}", stderr(&output));
    assert!(stderr(&output).contains("discarded the files staged by an interrupted gen"), "{}", stderr(&output));
    assert!(!setup.out.path().join(".docgen-staging").exists());
    assert!(replayed(&setup.gen(&[])));
}

#[test]
fn a_deleted_or_damaged_record_costs_one_regeneration() {
    let setup = Setup::new();
    setup.gen(&[]);
    let records = setup.records();
    assert_eq!(records.len(), 1, "one record per output directory and crate name");

    std::fs::remove_file(&records[0]).unwrap();
    let output = setup.gen(&[]);
    assert!(!replayed(&output) && stderr(&output).contains(": 0 written"), "{}", stderr(&output));
    assert!(replayed(&setup.gen(&[])), "recorded again");

    std::fs::write(&records[0], "{ not a record").unwrap();
    assert!(!replayed(&setup.gen(&[])));
    assert!(replayed(&setup.gen(&[])));

    // Another crate name is another record, not a replay of this one.
    let other = setup.gen(&["--crate-name", "other-client"]);
    assert!(!replayed(&other), "{}", stderr(&other));
    assert_eq!(setup.records().len(), 2);
}

#[test]
fn no_format_cache_reads_and_writes_no_record() {
    // The default cache directory (target/docgen-cache), as `--no-format-cache` leaves it.
    let setup = Setup::new();
    let args = ["gen", "--docs", path(setup.docs.path()), "--out", path(setup.out.path())];
    let uncached = xtask(&[&args[..], &["--no-format-cache"]].concat());
    assert!(uncached.status.success() && !replayed(&uncached), "{}", stderr(&uncached));
    let cached = xtask(&args);
    assert!(!replayed(&cached), "--no-format-cache wrote no record: {}", stderr(&cached));
    assert!(replayed(&xtask(&args)));
    let uncached = xtask(&[&args[..], &["--no-format-cache"]].concat());
    assert!(uncached.status.success() && !replayed(&uncached), "a record exists, and is not read: {}", stderr(&uncached));
    assert!(stderr(&uncached).contains(": 0 written"), "{}", stderr(&uncached));
}
