//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// `../shared` beside the checkout (CI lays it there). Tests that need it fail
/// loudly when it is missing rather than passing without checking anything.
pub fn shared() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    assert!(path.is_dir(), "{} is missing: the tests read the shared corpus and seed there", path.display());
    path
}

/// A docs tree holding only the user's seed page, as `api/fileattachment-createuploadsession.md`.
pub fn seed_docs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("api")).unwrap();
    let seed = shared().join("seeds/000_b4b5826c818a8b5c.txt");
    std::fs::copy(seed, dir.path().join("api/fileattachment-createuploadsession.md")).unwrap();
    dir
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Runs `cargo ARGS` in a generated crate with warnings as errors (code and
/// docs), in one target directory shared by the tests so dependencies build once.
pub fn cargo(dir: &Path, args: &[&str]) {
    let target = workspace_root().join("target/generated-crates");
    let output = std::process::Command::new(env!("CARGO"))
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
