//! Hostile input: pages written to break the generator (keywords and reserved
//! words as names, names that collide after case conversion, digits, non-ASCII,
//! empty names, prelude-like type names, recursive types and inheritance
//! loops, descriptions full of comment/HTML/rustdoc syntax, a table of
//! thousands of rows, deeply nested JSON, invalid UTF-8, the same operation and
//! type documented twice, links to pages that do not exist).
//!
//! For every case: no panic, a located diagnostic saying what was renamed,
//! merged or dropped, and one crate generated from all the pages together
//! that passes `cargo check --all-targets` with `-D warnings`.
//!
//! The pages are in `tests/fixtures/hostile/`; those that cannot be stored as
//! text are written by `hostile_docs` at run time.

mod common;

use docgen::Generation;
use std::path::Path;
use std::sync::OnceLock;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/hostile");
/// Rows of the generated huge table.
const HUGE_ROWS: usize = 3000;
/// Nesting depth of the generated JSON examples.
const DEPTH: usize = 20_000;

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The fixture pages plus the generated ones.
fn hostile_docs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["api", "resources"] {
        copy_tree(&Path::new(FIXTURES).join(sub), &dir.path().join(sub));
    }
    // Invalid UTF-8 on line 9 (a Latin-1 `é`), and a lone continuation byte later.
    let mut latin1 = b"---\ntitle: \"latin1 resource type\"\ndoc_type: resourcePageType\n---\n\n# latin1 resource type\n\nNamespace: microsoft.graph\n\nCaf\xe9 au lait.\n\n## Properties\n\n| Property | Type | Description |\n|:--|:--|:--|\n| caf\xe9 | String | \x80 |\n".to_vec();
    latin1.extend_from_slice(b"| name | String | The name. |\n");
    std::fs::write(dir.path().join("resources/latin1.md"), latin1).unwrap();

    let mut huge = String::from("---\ntitle: \"huge resource type\"\ndoc_type: resourcePageType\n---\n\n# huge resource type\n\nNamespace: microsoft.graph\n\nA type with thousands of properties.\n\n## Properties\n\n| Property | Type | Description |\n|:--|:--|:--|\n");
    for i in 0..HUGE_ROWS {
        huge.push_str(&format!("| property{i} | Int32 | Row {i}. |\n"));
    }
    // The last row repeats the first: reported, and dropped.
    huge.push_str("| property0 | String | Again. |\n");
    std::fs::write(dir.path().join("resources/huge.md"), huge).unwrap();

    let deep_array = format!("{}{}", "[".repeat(DEPTH), "]".repeat(DEPTH));
    let deep_object = format!("{}1{}", "{\"a\":".repeat(DEPTH), "}".repeat(DEPTH));
    let deep_quote = ">".repeat(DEPTH);
    let deep_list = "- ".repeat(DEPTH);
    let deep = format!(
        "---\ntitle: \"Get deep\"\ndoc_type: apiPageType\n---\n\n# Get deep\n\nNamespace: microsoft.graph\n\nDeeply nested JSON in the examples and the annotation.\n\n{deep_quote} deeply quoted\n\n{deep_list} deeply listed\n\n## HTTP request\n\n```http\nGET /deep\n```\n\n## Response\n\nIf successful, this method returns a `200 OK` response code and a deepThing object in the response body.\n\n## Example\n\n<!-- {{ \"blockType\": \"request\", \"name\": {deep_array} }} -->\n```http\nGET https://graph.microsoft.com/v1.0/deep\n```\n\n<!-- {{ \"blockType\": \"response\" }} -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{deep_object}\n```\n"
    );
    std::fs::write(dir.path().join("api/deep-get.md"), deep).unwrap();
    dir
}

/// The generation of all hostile pages, done once for every test here.
fn generation() -> &'static Generation {
    static GENERATION: OnceLock<Generation> = OnceLock::new();
    GENERATION.get_or_init(|| {
        let docs = hostile_docs();
        let options = docgen::emit::CrateOptions { crate_name: "hostile-client".into() };
        docgen::generate(docs.path(), &options).expect("hostile pages never stop generation")
    })
}

/// The `types` module, all its files.
fn types() -> &'static str {
    static TYPES: OnceLock<String> = OnceLock::new();
    TYPES.get_or_init(|| common::module_text(&generation().files, "types"))
}

/// The `operations` module, all its files, without whitespace (prettyplease
/// spaces and breaks macro arguments freely).
fn unspaced_operations() -> &'static str {
    static OPERATIONS: OnceLock<String> = OnceLock::new();
    OPERATIONS.get_or_init(|| common::module_text(&generation().files, "operations").split_whitespace().collect())
}

fn file(path: &str) -> &'static str {
    generation().files.get(path).unwrap_or_else(|| panic!("{path} is not generated"))
}

/// Asserts a diagnostic `file:line: warning[code]` whose message contains `text`.
#[track_caller]
fn expect(file: &str, line: u32, code: &str, text: &str) {
    let diagnostics = &generation().diagnostics;
    let found = diagnostics.iter().any(|d| d.file == file && d.line == line && d.code == code && d.message.contains(text));
    if !found {
        let near: Vec<String> = diagnostics.sorted().into_iter().filter(|d| d.file == file).map(|d| d.to_string()).collect();
        panic!("no {file}:{line}: [{code}] containing {text:?}; that page has:\n{}", near.join("\n"));
    }
}

#[track_caller]
fn renamed(file: &str, line: u32, what: &str, documented: &str, rust: &str) {
    expect(file, line, "renamed", &format!("{what} `{documented}` is emitted as `{rust}`"));
}

#[test]
fn keywords_as_property_names_become_raw_identifiers_or_take_a_suffix() {
    let page = "resources/type.md";
    for (line, documented, rust) in [
        (17, "type", "r#type"),
        (18, "self", "self_"),
        (20, "crate", "crate_"),
        (21, "super", "super_"),
        (22, "async", "r#async"),
        (23, "match", "r#match"),
        (24, "fn", "r#fn"),
        (25, "loop", "r#loop"),
    ] {
        renamed(page, line, "property", documented, rust);
    }
    // Action parameters go through the same rules.
    renamed("api/match.md", 22, "property", "type", "r#type");
    renamed("api/match.md", 23, "property", "self", "self_");
    renamed("api/match.md", 25, "property", "async", "r#async");
    let types = types();
    assert!(types.contains("pub r#type: Option<String>,") && common::maps_member(types, "type", "r#type"));
    assert!(types.contains("pub crate_: Option<String>,"));
}

#[test]
fn names_colliding_after_case_conversion_are_numbered_or_merged() {
    let page = "resources/type.md";
    renamed(page, 19, "property", "Self", "self_2");
    renamed(page, 27, "property", "odataType", "odata_type_2");
    renamed(page, 29, "property", "id", "id_2");
    renamed(page, 31, "property", "none", "none_2");
    renamed(page, 36, "property", "additionalProperties", "additional_properties_2");
    // `@odata.type` is the struct's own discriminator field: one field, not two.
    expect(page, 26, "merged", "property `@odata.type` is not emitted as a field of its own");
    let types = types();
    assert!(common::maps_member(types, "odataType", "odata_type_2"));
    assert!(common::maps_member(types, "ID", "id"));
    // Operations: `fooBar` and `foo_bar` collide, and the second takes `foo_bar_2`
    // from the operation documented with that very name.
    expect("api/foo-bar.md", 15, "renamed", "`POST /foo_bar` would be named `foo_bar` like `POST /fooBar`");
    expect("api/foo-bar-2.md", 15, "renamed", "it is named `foo_bar_2_2`");
    let ids: Vec<&str> = generation().model.operations.iter().map(|o| o.id.as_str()).collect();
    let unique: std::collections::BTreeSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "operation ids are unique in the model: {ids:?}");
}

#[test]
fn names_starting_with_digits_not_ascii_or_empty_are_made_identifiers() {
    renamed("resources/type.md", 32, "property", "2fa", "n2fa");
    renamed("resources/type.md", 33, "property", "été", "t");
    renamed("resources/type.md", 34, "property", "", "unnamed");
    expect("resources/type.md", 35, "empty-name", "this table row has no name; it is dropped");
    renamed("resources/3dmodel.md", 16, "property", "3d", "n3d");
    expect("resources/3dmodel.md", 6, "renamed", "type `microsoft.graph.3dmodel` is emitted as `T3dmodel`");
    renamed("api/2fa.md", 15, "root", "2fa", "n2fa");
    renamed("api/type-get-again.md", 15, "path parameter", "2fa", "n2fa");
    renamed("api/type-get-again.md", 15, "path parameter", "été", "t");
    assert!(common::maps_member(types(), "été", "t"));
}

#[test]
fn types_named_like_prelude_items_or_keywords_get_a_suffix() {
    for (page, name, rust) in [
        ("resources/result.md", "Result", "ResultType"),
        ("resources/option.md", "Option", "OptionType"),
        ("resources/string.md", "String", "StringType"),
        ("resources/box.md", "Box", "BoxType"),
        ("resources/vec.md", "Vec", "VecType"),
        ("resources/self.md", "Self", "SelfType"),
    ] {
        expect(page, 6, "renamed", &format!("type `microsoft.graph.{name}` is emitted as `{rust}`"));
        assert!(types().contains(&format!("pub struct {rust} {{")), "{rust}");
    }
    // Two types whose names collide after case conversion.
    expect("resources/type-foo-bar.md", 7, "renamed", "type `microsoft.graph.foo_bar` is emitted as `FooBar2`");
    assert!(types().contains("pub struct FooBar {") && types().contains("pub struct FooBar2 {"));
    // `type` is a keyword only in lower case: `Type` needs no rename.
    assert!(types().contains("pub struct Type {"));
}

#[test]
fn operations_named_like_keywords_or_client_methods_are_renamed() {
    // A path's first segment is a root function (and a `Client` method): a
    // keyword is raw or suffixed, a name the runtime's `Client` has is suffixed.
    renamed("api/match.md", 15, "root", "match", "r#match");
    renamed("api/self.md", 15, "root", "self", "self_");
    renamed("api/crate.md", 15, "root", "crate", "crate_");
    renamed("api/send.md", 16, "root", "send", "send_2");
    renamed("api/new.md", 15, "root", "new", "new_2");
    renamed("api/encode.md", 15, "root", "encodePathSegment", "encode_path_segment_2");
    let unspaced = unspaced_operations();
    for function in ["pubfnself_()->", "pubfnsend_2()->", "pubfnsend_2(&self)->", "pubfnr#match()->"] {
        assert!(unspaced.contains(function), "{function}");
    }
    assert!(unspaced.contains("pubfncreate(&self,body:&implcrate::runtime::BodyOf<crate::types::RootMatchRequest>,)"), "r#match");
    // Keyword placeholders: raw, suffixed, and still substituted into the path.
    for (documented, rust) in [("type", "r#type"), ("self", "self_"), ("crate", "crate_"), ("super", "super_")] {
        renamed("api/type-get-again.md", 15, "path parameter", documented, rust);
    }
    for segment in ["self", "crate", "super"] {
        renamed("api/type-get-again.md", 15, "path segment", segment, &format!("{segment}_"));
    }
    for key in ["self_", "crate_", "super_"] {
        assert!(unspaced.contains(&format!("self.0.then(&format!(\"/{{}}\",encode_path_segment({key})")), "{key}");
    }
}

#[test]
fn enum_members_named_like_keywords_colliding_or_invalid_are_renamed() {
    let page = "resources/keywordkind.md";
    renamed(page, 13, "enum member", "self", "SelfValue");
    renamed(page, 14, "enum member", "Self", "SelfValue2");
    renamed(page, 19, "enum member", "none", "None2");
    renamed(page, 20, "enum member", "Unknown", "Unknown2");
    renamed(page, 21, "enum member", "2fa", "V2fa");
    renamed(page, 22, "enum member", "été", "T");
    expect(page, 23, "duplicate-member", "enum member `match` is listed twice; the first is kept");
    let types = types();
    // The wire values are kept exactly.
    assert!(types.contains("\"Unknown\" => KeywordKind::Unknown2,"));
    assert!(types.contains("\"été\" => KeywordKind::T,"));
}

#[test]
fn recursive_types_are_boxed_and_inheritance_loops_are_cut() {
    let types = types();
    for field in [
        "pub self_ref: Option<Box<crate::types::Type>>,",
        "pub me: Option<Box<crate::types::SelfType>>,",
        "pub next: Option<Box<crate::types::OptionType>>,",
        "pub back: Option<Box<crate::types::ResultType>>,",
        "pub b: Option<Box<crate::types::LoopB>>,",
    ] {
        assert!(types.contains(field), "{field}");
    }
    expect(
        "resources/self.md",
        6,
        "bad-base-type",
        "`microsoft.graph.Self` inherits from `microsoft.graph.Self` but inheritance loops back",
    );
    expect(
        "resources/loopb.md",
        6,
        "bad-base-type",
        "`microsoft.graph.loopB` inherits from `microsoft.graph.loopA` but inheritance loops back",
    );
}

#[test]
fn descriptions_cannot_break_out_of_doc_comments() {
    let types = types();
    let doc: Vec<&str> = types.lines().filter(|l| l.trim_start().starts_with("///") && l.contains("Closes a comment")).collect();
    assert_eq!(doc.len(), 1, "{doc:?}");
    assert!(doc[0].contains(r"\*/ opens /\* a fence \`\`\` \<script\>alert(1)\</script\> \#\[allow(warnings)\] \[Vec\]"), "{}", doc[0]);
    for line in types.lines().filter(|l| l.trim_start().starts_with("///")) {
        assert!(!line.contains("```") && !line.contains("<script>") && !line.contains("#[derive"), "{line}");
    }
}

#[test]
fn a_table_of_thousands_of_rows() {
    let types = types();
    let start = types.find("pub struct Huge {").expect("the huge type is emitted");
    let body = &types[start..start + types[start..].find("\n}\n").unwrap()];
    assert_eq!(body.matches("pub property").count(), HUGE_ROWS);
    expect("resources/huge.md", 15 + HUGE_ROWS as u32 + 1, "duplicate-property", "property `property0` is listed twice");
}

#[test]
fn deeply_nested_json_and_markdown_are_reported_not_overflowed() {
    expect("api/deep-get.md", 28, "bad-annotation", "recursion limit exceeded");
    expect("api/deep-get.md", 38, "bad-example-json", "recursion limit exceeded");
    assert!(generation().model.operations.iter().any(|o| o.path == "/deep"));
}

#[test]
fn invalid_utf8_is_replaced_and_reported_at_its_line() {
    expect("resources/latin1.md", 10, "invalid-utf8", "invalid bytes were replaced with U+FFFD");
    assert!(generation().model.types.iter().any(|t| t.name == "latin1"));
}

#[test]
fn the_same_operation_or_type_documented_twice() {
    expect("api/type-get.md", 15, "duplicate-operation", "is also documented at api/type-get-again.md:15; this one is dropped");
    expect("resources/type-again.md", 6, "duplicate-type", "also documented at resources/type.md:7; what this page adds is merged into it");
    expect(
        "resources/type-again.md",
        16,
        "conflicting-duplicate",
        "property `type` is also documented at resources/type.md:17 as `Edm.String`; this page's `Edm.Int32` is dropped",
    );
    expect("resources/keywordkind-again.md", 6, "conflicting-duplicate", "documented at resources/keywordkind.md:6 as an enum");
    // Within one page: an action parameter listed twice (two fields renamed to
    // the same JSON member would not compile).
    expect("api/match.md", 26, "duplicate-parameter", "parameter `type` is listed twice; the first row is kept");
    // What only the second page has is merged in.
    assert!(common::maps_member(types(), "extra", "extra"));
}

#[test]
fn links_to_pages_that_do_not_exist_degrade_to_json() {
    expect(
        "resources/type.md",
        37,
        "unresolved-link",
        "link target `ghost.md` does not exist; type `ghost` degrades to an open JSON object",
    );
    expect("api/ghost-get.md", 24, "unresolved-link", "link target `../resources/ghost.md` does not exist");
    // `ghosts().by_id(ghost_id).get()`
    let unspaced = unspaced_operations();
    assert!(unspaced.contains("pubfnget(&self)->crate::runtime::Request<serde_json::Value>"), "get of a ghost");
}

#[test]
fn product_areas_named_like_dependencies_or_reserved_features_stay_valid_features() {
    // `ms.prod: serde`, `"Tokio!"` and `full`: features named like dependencies are
    // valid (dependencies are enabled with `dep:`), `full` is reserved and becomes `other`.
    let manifest = file("Cargo.toml");
    for feature in ["serde = []", "tokio = []", "other = []", "full = [\"other\", \"serde\", \"tokio\"]"] {
        assert!(manifest.contains(feature), "{feature}:\n{manifest}");
    }
}

#[test]
fn every_diagnostic_is_located_in_a_page() {
    for d in generation().diagnostics.iter() {
        assert!(d.line >= 1 && (d.file.starts_with("api/") || d.file.starts_with("resources/")), "{d}");
    }
}

#[test]
fn function_arguments_and_download_limits_never_collide_with_other_arguments() {
    renamed("api/measure.md", 23, "function parameter", "type", "r#type");
    renamed("api/measure.md", 24, "function parameter", "self", "self_2");
    renamed("api/measure.md", 27, "function parameter", "body", "body_2");
    renamed("api/raw-content.md", 15, "path parameter", "max_bytes", "max_bytes_2");
    let operations = unspaced_operations();
    for expected in [
        // `types().by_id(self_).measure(r#type, self_2, kind, since, body_2)`
        "\"/measure(type={},self={},kind={},since={},body={})\"",
        "odata::string_argument(r#type),self_2,odata::enum_argument(kind),encode_path_segment(&since.to_string()),body_2",
        // `types().by_id(max_bytes_2).content().get_value(max_bytes)`
        "pubfnby_id(&self,max_bytes_2:&str)",
        "pubfnget_value(&self,max_bytes:u64,)",
    ] {
        assert!(operations.contains(expected), "{expected}");
    }
    assert!(!operations.contains("shape:"), "an object parameter has no call literal");
}

#[test]
fn optional_function_arguments_are_left_out_of_the_call_when_not_given() {
    let operations = unspaced_operations();
    for expected in [
        "pubfnwindow(&self,rows:Option<i32>,label:Option<&str>,kind:Option<&crate::types::KeywordKind>,since:Option<crate::runtime::Timestamp>,anchor:&str,)",
        "format!(\"/window{}\",odata::call_arguments(&[(\"rows\",rows.map(|rows|rows.to_string())),(\"label\",label.map(odata::string_argument)),(\"kind\",kind.map(odata::enum_argument)),(\"since\",since.map(|since|encode_path_segment(&since.to_string()))),(\"anchor\",Some(odata::string_argument(anchor)))]))",
    ] {
        let emitted: String = operations[operations.find("fnwindow").unwrap_or(0)..].chars().take(1200).collect();
        assert!(operations.contains(expected), "{expected}\n{emitted}");
    }
}

/// One crate from all the hostile pages compiles without a warning (shared
/// target dir with `compile.rs`, so dependencies are built once).
#[test]
fn the_hostile_crate_compiles_without_warnings() {
    let out = tempfile::tempdir().unwrap();
    docgen::output::write(out.path(), &generation().files).unwrap();
    for args in [&["check", "--all-targets"][..], &["check", "--all-targets", "--all-features"]] {
        common::cargo(out.path(), args);
    }
}
