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
