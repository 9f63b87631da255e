//! `cargo xtask diff` and the change summary of `cargo xtask gen`, as users type them.

mod common;

use common::*;
use std::process::Output;

fn docs(page: &str, resource: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_page(dir.path(), "api/widget-get.md", page);
    write_page(dir.path(), "resources/widget.md", resource);
    dir
}

fn summary_line(output: &Output) -> String {
    stderr(output).lines().find(|l| l.starts_with("api changes:")).unwrap_or_else(|| panic!("no summary: {}", stderr(output))).to_owned()
}

#[test]
fn gen_summarizes_the_api_changes_against_the_previous_snapshot() {
    let docs = docs(PAGE, RESOURCE);
    let out = tempfile::tempdir().unwrap();
    let (docs_arg, out_arg) = (docs.path().to_str().unwrap(), out.path().to_str().unwrap());

    let first = xtask(&["gen", "--docs", docs_arg, "--out", out_arg]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(summary_line(&first), "api changes: no previous api-model.json to compare with");

    write_page(docs.path(), "resources/widget.md", &RESOURCE.replace("| size | Int32 |", "| weight | Double |"));
    write_page(docs.path(), "api/widget-delete.md", &PAGE.replace("Get widget", "Delete widget").replace("GET /", "DELETE /"));
    let second = xtask(&["gen", "--docs", docs_arg, "--out", out_arg]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(summary_line(&second), "api changes: 1 operation added, 1 property added, 1 property removed (1 breaking)");

    let again = xtask(&["gen", "--docs", docs_arg, "--out", out_arg]);
    assert_eq!(summary_line(&again), "api changes: none");
    let check = xtask(&["gen", "--check", "--docs", docs_arg, "--out", out_arg]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(!stderr(&check).contains("api changes:"), "--check compares nothing: {}", stderr(&check));
}

#[test]
fn diff_of_two_trees_as_json_and_markdown() {
    let old = docs(PAGE, RESOURCE);
    let new =
        docs(&PAGE.replace("GET /widgets/{id}", "GET /Widgets/{widget-id}"), &RESOURCE.replace("| size | Int32 |", "| size | Int64 |"));
    let (old_arg, new_arg) = (old.path().to_str().unwrap(), new.path().to_str().unwrap());

    let output = xtask(&["diff", old_arg, new_arg, "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        value,
        serde_json::json!({"changes": [{
            "kind": "property",
            "change": "changed",
            "name": "microsoft.graph.widget/size",
            "breaking": true,
            "detail": "type `Edm.Int32` -> `Edm.Int64`",
            "old": "resources/widget.md:14",
            "new": "resources/widget.md:14"
        }]}),
        "a renamed placeholder and a case change are not changes"
    );
    assert!(stderr(&output).contains("api changes: 1 property changed (1 breaking)"), "{}", stderr(&output));

    let output = xtask(&["diff", old_arg, new_arg]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("# API changes\n"), "{text}");
    assert!(text.contains("| properties | 0 | 0 | 1 | 1 |"), "{text}");
    assert!(text.contains("## Breaking changes (1)\n\n### `microsoft.graph.widget`\n"), "{text}");

    let bad = xtask(&["diff", old_arg, new_arg, "--format", "yaml"]);
    assert!(!bad.status.success());
}

#[test]
fn diff_reads_git_revisions_of_docs_input() {
    let output = xtask(&["diff", "HEAD", "HEAD:docs-input", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "{\n  \"changes\": []\n}\n");
    assert!(stderr(&output).contains("HEAD:docs-input: "), "{}", stderr(&output));

    let output = xtask(&["diff", "no-such-revision", "HEAD"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("`no-such-revision` is neither a directory, a file nor a git revision"), "{}", stderr(&output));
}
