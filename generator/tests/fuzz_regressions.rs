//! Every crash the fuzz targets (`fuzz/`) found, as a literal input, run the
//! way the target runs it. The fix is at the root; these keep it fixed.

use docgen::diagnostics::Diagnostics;
use docgen::load::SourceFile;

/// What the `parse_page` target checks: no panic, every diagnostic located in the page.
fn parse_page_target(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    for path in ["api/page.md", "resources/page.md"] {
        let mut diags = Diagnostics::default();
        docgen::parse::parse_page(&SourceFile { path: path.into(), text: text.clone() }, &mut diags);
        for d in diags.iter() {
            assert_eq!(d.file, path, "{d}");
            assert!(d.line >= 1, "{d}");
        }
    }
}

/// What the `pipeline` target checks: pages -> model -> crate, every `.rs` file parses.
fn pipeline_target(pages: &[(&str, &str)]) {
    let sources: Vec<SourceFile> = pages.iter().map(|(p, t)| SourceFile { path: p.to_string(), text: t.to_string() }).collect();
    let (model, mut diags) = docgen::build_model_from_sources(&sources);
    let files = docgen::emit::emit_crate(&model, &docgen::emit::CrateOptions::default(), &mut diags).expect("the emitted code parses");
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".rs")) {
        syn::parse_file(text).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    let openapi = serde_json::to_string(&docgen::emit::openapi::openapi(&model, "fuzz")).unwrap();
    serde_json::from_str::<serde_json::Value>(&openapi).unwrap();
}

/// parse_page, crash-da39a3ee (the empty input): a page without a title put its
/// `missing-http-request` diagnostic on line 0. Pages without a title now point at line 1.
#[test]
fn an_empty_page_is_reported_on_line_1() {
    parse_page_target(b"");
    parse_page_target(b"\n\n## HTTP request\n");
}

/// An action whose path starts with a digit (`POST /2fa`) made the operation id
/// `2fa`, and `Ident::new` panicked on it. Operation and parameter names now go
/// through `names::snake_name` and the function scope (`n2fa`).
#[test]
fn an_operation_named_with_a_leading_digit() {
    pipeline_target(&[(
        "api/x.md",
        "# root: 2fa\n\n## HTTP request\n```http\nPOST /2fa/{3d}/{self}/{crate}\n```\n## Response\nIf successful, this method returns a `204 No Content` response code.\n",
    )]);
}

/// pipeline, crash-e9969fd0 and crash-e1c94eb9 (real pages with the bytes of a
/// request line mutated): a run of carriage returns inside the path of the
/// `## HTTP request` block. The path went into the operation's doc comment,
/// and prettyplease printed it in a `///` line, where a bare CR does not lex:
/// the operations' source did not parse. Doc attributes now turn control
/// characters into spaces, and a request line whose target holds one is
/// reported as `bad-request-line` instead of becoming an operation.
#[test]
fn carriage_returns_inside_a_request_path() {
    let page = "# Get x\n\n## HTTP request\n```http\nGET /devices/{id}/statuses/{sta\r\r\r\rtusId} application/json\nPOST /a/{id}/upload\r\r\rCertificate\n```\n\n## Response\nIf successful, this method returns a `204 No Content` response code.\n";
    pipeline_target(&[("api/x.md", page)]);
    let (model, diags) = docgen::build_model_from_sources(&[SourceFile { path: "api/x.md".into(), text: page.into() }]);
    assert!(model.operations.is_empty(), "{:?}", model.operations);
    assert_eq!(diags.iter().filter(|d| d.code == "bad-request-line").map(|d| d.line).collect::<Vec<_>>(), [5, 6]);

    // The emitter alone never writes a control character into a doc comment,
    // whatever a model holds (a model read back from JSON, say).
    let mut model = docgen::model::ApiModel::default();
    let mut op: docgen::model::Operation = serde_json::from_value(serde_json::json!({
        "id": "get_x", "title": "t\r\u{0}", "kind": "get", "method": "GET", "path": "/x\r\r/y", "documented_path": "/x",
        "path_params": [], "query_options": [], "headers": [], "request_body": null, "responses": [], "description": "", "source": "api/x.md"
    }))
    .unwrap();
    op.description = "line\rbreak".into();
    model.operations.push(op);
    let files = docgen::emit::emit_crate(&model, &docgen::emit::CrateOptions::default(), &mut Diagnostics::default()).unwrap();
    for (path, text) in files.iter().filter(|(path, _)| path.ends_with(".rs")) {
        syn::parse_file(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(!text.contains('\r'), "{path}");
    }
}
