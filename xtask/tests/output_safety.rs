//! `gen` and the files it does not own, and an interrupted `gen`, as a user meets them.

mod common;

use common::*;

fn docs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("api")).unwrap();
    let page = "# Get widget\n\n## HTTP request\n```http\nGET /widgets/{id}\n```\n\n## Response\nIf successful, this method returns a `204 No Content` response code.\n";
    std::fs::write(dir.path().join("api/widget-get.md"), page).unwrap();
    dir
}

#[test]
fn gen_refuses_to_replace_a_users_file_and_writes_nothing() {
    let docs = docs();
    let out = tempfile::tempdir().unwrap();
    // What `cargo new --lib` leaves: the user's Cargo.toml and src/lib.rs.
    std::fs::create_dir_all(out.path().join("src")).unwrap();
    std::fs::write(out.path().join("Cargo.toml"), "[package]\nname = \"mine\"\n").unwrap();
    std::fs::write(out.path().join("src/lib.rs"), "pub fn mine() {}\n").unwrap();
    let before = files_below(out.path());

    let args = ["gen", "--docs", docs.path().to_str().unwrap(), "--out", out.path().to_str().unwrap()];
    let output = xtask(&args);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("refusing to replace files that docgen did not write"), "{message}");
    assert!(message.contains("Cargo.toml") && message.contains("src/lib.rs"), "{message}");
    assert_eq!(files_below(out.path()), before, "nothing was written or removed");

    let check = xtask(&["gen", "--check", "--docs", docs.path().to_str().unwrap(), "--out", out.path().to_str().unwrap()]);
    assert!(!check.status.success());
    assert!(stderr(&check).contains("src/lib.rs: not written by docgen"), "{}", stderr(&check));
}

#[test]
fn gen_finishes_an_interrupted_gen_and_check_reports_it() {
    let docs = docs();
    let out = tempfile::tempdir().unwrap();
    let (docs_arg, out_arg) = (docs.path().to_str().unwrap(), out.path().to_str().unwrap());
    assert!(xtask(&["gen", "--docs", docs_arg, "--out", out_arg]).status.success());
    std::fs::write(out.path().join("src/ext.rs"), "// mine\n").unwrap();
    let generated = std::fs::read(out.path().join("src/operations/mod.rs")).unwrap();

    // A gen killed after writing its commit marker, before moving `src/operations/mod.rs`.
    std::fs::write(out.path().join("src/operations/mod.rs"), "// half of an older version").unwrap();
    std::fs::create_dir_all(out.path().join(".docgen-staging/src/operations")).unwrap();
    std::fs::write(out.path().join(".docgen-staging/src/operations/mod.rs"), &generated).unwrap();
    std::fs::write(out.path().join(".docgen-commit"), "# docgen\nwrite src/operations/mod.rs\n").unwrap();

    let check = xtask(&["gen", "--check", "--docs", docs_arg, "--out", out_arg]);
    assert!(!check.status.success());
    assert!(stderr(&check).contains(".docgen-commit: left by an interrupted gen"), "{}", stderr(&check));
    assert!(out.path().join(".docgen-commit").exists(), "check writes nothing");

    let output = xtask(&["gen", "--docs", docs_arg, "--out", out_arg]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("finished an interrupted gen"), "{}", stderr(&output));
    assert_eq!(std::fs::read(out.path().join("src/operations/mod.rs")).unwrap(), generated);
    assert!(!out.path().join(".docgen-commit").exists() && !out.path().join(".docgen-staging").exists());
    assert_eq!(std::fs::read_to_string(out.path().join("src/ext.rs")).unwrap(), "// mine\n");
    assert!(xtask(&["gen", "--check", "--docs", docs_arg, "--out", out_arg]).status.success());
}
