//! Generated crates must compile cleanly: the seed's crate and the committed
//! `generated/` crate are checked with `-D warnings`, and the latter's own
//! tests (the runtime's unit tests and doctests) are run.

mod common;

#[test]
fn seed_crate_compiles_without_warnings() {
    let docs = common::seed_docs();
    let out = tempfile::tempdir().unwrap();
    let generation = docgen::generate(docs.path(), &docgen::emit::CrateOptions::default()).unwrap();
    docgen::output::write(out.path(), &generation.files).unwrap();
    common::cargo(out.path(), &["check", "--all-targets", "--all-features"]);
    common::cargo(out.path(), &["check", "--no-default-features"]);
}

/// Each product-area feature compiles on its own (with and without the client).
#[test]
fn every_area_feature_compiles_alone() {
    let generated = common::workspace_root().join("generated");
    let manifest = std::fs::read_to_string(generated.join("Cargo.toml")).unwrap();
    let full = manifest.lines().find_map(|l| l.strip_prefix("full = [")).expect("a `full` feature listing the areas");
    let areas: Vec<&str> = full.trim_end_matches(']').split(", ").map(|a| a.trim_matches('"')).collect();
    assert!(areas.len() >= 2, "{areas:?}");
    common::cargo(&generated, &["check", "--no-default-features"]);
    for area in areas {
        common::cargo(&generated, &["check", "--no-default-features", "--features", area]);
        common::cargo(&generated, &["check", "--no-default-features", "--features", &format!("client {area}")]);
    }
}

#[test]
fn committed_generated_crate_compiles_and_passes_its_tests() {
    let generated = common::workspace_root().join("generated");
    common::cargo(&generated, &["test", "--all-features"]);
    common::cargo(&generated, &["doc", "--no-deps"]);
}
