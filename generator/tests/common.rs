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

/// A generated module split into files (`types`: `src/types/`, one file
/// per area for the types only that area needs; `operations`:
/// `src/operations/`, one file per root module), all of it in path order.
pub fn module_text(files: &std::collections::BTreeMap<String, String>, module: &str) -> String {
    let dir = format!("src/{module}/");
    files.iter().filter(|(path, _)| path.starts_with(&dir)).map(|(_, text)| text.as_str()).collect()
}

/// Whether the generated `types` read the JSON member `json` into `field`
/// and write it from there (the wire name of a Rust field), however the
/// lines are broken.
pub fn maps_member(types: &str, json: &str, field: &str) -> bool {
    let unspaced: String = types.split_whitespace().collect::<String>().replace(",)", ")");
    let read = format!("crate::runtime::object::read(&mutself.{field},map)");
    (unspaced.contains(&format!("\"{json}\"=>{read}")) || unspaced.contains(&format!("\"{json}\"=>{{{read}}}")))
        && unspaced.contains(&format!("members.write(\"{json}\",&self.{field});"))
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
