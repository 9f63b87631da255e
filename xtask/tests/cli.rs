//! The commands as users type them.

mod common;

use common::*;

#[test]
fn gen_creates_the_crate_and_check_names_stale_files() {
    let docs = tempfile::tempdir().unwrap();
    write_page(docs.path(), "api/widget-get.md", PAGE);
    write_page(docs.path(), "resources/widget.md", RESOURCE);
    let out = tempfile::tempdir().unwrap();
    let crate_dir = out.path().join("new/crate");
    let (docs_arg, out_arg) = (docs.path().to_str().unwrap(), crate_dir.to_str().unwrap());

    let output = xtask(&["gen", "--docs", docs_arg, "--out", out_arg]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("1 operations, 1 types"), "{}", stderr(&output));
    assert!(crate_dir.join("src/types/mod.rs").is_file());
    let read = |file: &str| std::fs::read_to_string(crate_dir.join("src/operations").join(file)).unwrap();
    // The roots are in `mod.rs`, each root module in a file of its own.
    let operations = read("mod.rs") + &read("widgets.rs");
    // `GET /widgets/{id}` is `operations::widgets().by_id(widget_id).get()`.
    assert!(operations.contains("pub fn widgets() -> crate::operations::widgets::Widgets"), "{operations}");
    assert!(operations.contains("pub fn by_id(&self, widget_id: &str)"), "{operations}");
    assert!(operations.contains("pub fn get(&self)"), "{operations}");

    let check = xtask(&["gen", "--check", "--docs", docs_arg, "--out", out_arg]);
    assert!(check.status.success(), "{}", stderr(&check));

    write_page(docs.path(), "resources/widget.md", &RESOURCE.replace("| size | Int32 | Size. |\n", ""));
    let check = xtask(&["gen", "--check", "--docs", docs_arg, "--out", out_arg]);
    assert!(!check.status.success());
    let text = stderr(&check);
    assert!(text.contains("src/types/mod.rs"), "{text}");
    assert!(text.contains("api-model.json"), "{text}");
    assert!(!text.contains("src/operations/"), "unchanged files are not named: {text}");
}

#[test]
fn diagnostics_are_located_and_counted() {
    let docs = tempfile::tempdir().unwrap();
    write_page(docs.path(), "api/widget-get.md", &PAGE.replace("GET /widgets/{id}", "GET /widgets/{id}\nnonsense line"));
    let out = tempfile::tempdir().unwrap();
    let output = xtask(&["gen", "--docs", docs.path().to_str().unwrap(), "--out", out.path().to_str().unwrap()]);
    assert!(output.status.success());
    let text = stderr(&output);
    assert!(text.contains("api/widget-get.md:13: warning[bad-request-line]: `nonsense line`"), "{text}");
    assert!(text.contains("api/widget-get.md:17: warning[unresolved-link]"), "{text}");
    assert!(text.contains("diagnostics: 0 errors, 2 warnings (bad-request-line: 1, unresolved-link: 1)"), "{text}");
}

#[test]
fn openapi_writes_a_document() {
    let docs = tempfile::tempdir().unwrap();
    write_page(docs.path(), "api/widget-get.md", PAGE);
    write_page(docs.path(), "resources/widget.md", RESOURCE);
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("spec/openapi.json");
    let output = xtask(&["openapi", "--docs", docs.path().to_str().unwrap(), "--out", file.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let document: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(
        document["paths"]["/widgets/{widget_id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/microsoft.graph.widget"
    );
    assert_eq!(document["components"]["schemas"]["microsoft.graph.widget"]["properties"]["size"]["format"], "int32");
}

#[test]
fn a_missing_docs_directory_is_an_error_not_a_panic() {
    let output = xtask(&["gen", "--docs", "/nonexistent/docs", "--out", "/nonexistent/out"]);
    assert!(!output.status.success());
    assert!(stderr(&output).starts_with("error: /nonexistent/docs"), "{}", stderr(&output));
}
