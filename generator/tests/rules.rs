//! The rule fixtures: one directory per case under `tests/rules/`, named after
//! the diagnostic it raises (or the rule it exercises, when it raises none),
//! holding the pages of the case (`api/*.md`, `resources/*.md`) and two insta
//! snapshots: `diagnostics.snap` (every diagnostic of a generation from those
//! pages alone) and `model.snap` (the model). Adding a rule means adding its
//! file under `src/resolve/rules/` and a directory here; `cargo insta review`
//! accepts its snapshots.
//!
//! Every diagnostic code is raised by some case (the test fails otherwise),
//! and one crate generated from all the cases together compiles without a
//! warning.

mod common;

use docgen::diagnostics::Code;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const RULES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules");

/// Codes no page can raise: they are about reading the files themselves
/// (each has a unit test in the file that raises it).
const RAISED_WITHOUT_PAGES: &[Code] = &[Code::UnreadableFile];

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(RULES).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    cases
}

fn generate(docs: &Path) -> docgen::Generation {
    let options = docgen::emit::CrateOptions { crate_name: "rule-fixtures".into() };
    docgen::generate(docs, &options).unwrap_or_else(|e| panic!("{}: {e}", docs.display()))
}

#[test]
fn every_case_gives_its_diagnostics_and_model() {
    insta::glob!("rules/*", |case| {
        if !case.is_dir() {
            return;
        }
        let generation = generate(case);
        let diagnostics: Vec<String> = generation.diagnostics.sorted().iter().map(|d| d.to_string()).collect();
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(case);
        settings.set_prepend_module_to_snapshot(false);
        settings.remove_snapshot_suffix();
        settings.set_omit_expression(true);
        settings.bind(|| {
            insta::assert_snapshot!("diagnostics", diagnostics.join("\n"));
            insta::assert_json_snapshot!("model", generation.model);
        });
    });
}

#[test]
fn every_code_is_raised_by_some_case() {
    let mut raised: BTreeSet<&str> = BTreeSet::new();
    let mut cases_without_pages = Vec::new();
    for case in cases() {
        let generation = generate(&case);
        if generation.model.operations.is_empty() && generation.model.types.is_empty() && generation.diagnostics.is_empty() {
            cases_without_pages.push(case.display().to_string());
        }
        raised.extend(generation.diagnostics.iter().map(|d| d.code.as_str()));
    }
    assert!(cases_without_pages.is_empty(), "cases that read nothing: {cases_without_pages:?}");
    let missing: Vec<&str> =
        Code::ALL.iter().filter(|code| !RAISED_WITHOUT_PAGES.contains(code)).map(|c| c.as_str()).filter(|c| !raised.contains(c)).collect();
    assert!(missing.is_empty(), "codes no case under tests/rules/ raises: {missing:?}");
    let unneeded: Vec<&str> = RAISED_WITHOUT_PAGES.iter().map(|c| c.as_str()).filter(|c| raised.contains(c)).collect();
    assert!(unneeded.is_empty(), "raised by a case after all, take them out of RAISED_WITHOUT_PAGES: {unneeded:?}");
}

/// All the cases side by side (each below a directory of its own, so their
/// relative links still resolve), generated into one crate that passes
/// `cargo check --all-targets` with `-D warnings`.
#[test]
fn the_crate_of_all_cases_compiles_without_warnings() {
    let docs = tempfile::tempdir().unwrap();
    for case in cases() {
        copy_pages(&case, &docs.path().join(case.file_name().unwrap()));
    }
    let generation = generate(docs.path());
    let out = tempfile::tempdir().unwrap();
    docgen::output::write(out.path(), &generation.files).unwrap();
    common::cargo(out.path(), &["check", "--all-targets", "--all-features"]);
}

fn copy_pages(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            copy_pages(&path, &to.join(path.file_name().unwrap()));
        } else if path.extension().is_some_and(|e| e == "md") {
            std::fs::create_dir_all(to).unwrap();
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
}
