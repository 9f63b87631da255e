//! Generated crates must compile cleanly: the seed's crate and the committed
//! `generated/` crate are checked with `-D warnings`, and the latter's own
//! tests (the runtime's unit tests and doctests) are run.

mod common;

use std::path::Path;
use std::process::Command;

fn cargo(dir: &Path, args: &[&str]) {
    let target = common::workspace_root().join("target/generated-crates");
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTFLAGS", "-D warnings")
        .env("RUSTDOCFLAGS", "-D warnings")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "`cargo {}` failed in {}:\n{}",
        args.join(" "),
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn seed_crate_compiles_without_warnings() {
    let docs = common::seed_docs();
    let out = tempfile::tempdir().unwrap();
    let generation = docgen::generate(docs.path(), &docgen::emit::CrateOptions::default()).unwrap();
    docgen::output::write(out.path(), &generation.files).unwrap();
    cargo(out.path(), &["check", "--all-targets", "--all-features"]);
    cargo(out.path(), &["check", "--no-default-features"]);
}

/// Each product-area feature compiles on its own (with and without the client).
#[test]
fn every_area_feature_compiles_alone() {
    let generated = common::workspace_root().join("generated");
    let manifest = std::fs::read_to_string(generated.join("Cargo.toml")).unwrap();
    let full = manifest.lines().find_map(|l| l.strip_prefix("full = [")).expect("a `full` feature listing the areas");
    let areas: Vec<&str> = full.trim_end_matches(']').split(", ").map(|a| a.trim_matches('"')).collect();
    assert!(areas.len() >= 2, "{areas:?}");
    cargo(&generated, &["check", "--no-default-features"]);
    for area in areas {
        cargo(&generated, &["check", "--no-default-features", "--features", area]);
        cargo(&generated, &["check", "--no-default-features", "--features", &format!("client {area}")]);
    }
}

#[test]
fn committed_generated_crate_compiles_and_passes_its_tests() {
    let generated = common::workspace_root().join("generated");
    cargo(&generated, &["test", "--all-features"]);
    cargo(&generated, &["doc", "--no-deps"]);
}
