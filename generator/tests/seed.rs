//! The user's seed page, end to end: every defect it has must be reported at
//! its line, and the model and code must come out as the issue describes.

mod common;

use docgen::emit::CrateOptions;
use docgen::model::{RequestBody, TypeKind};

#[test]
fn seed_model_has_the_operation_the_page_means() {
    let docs = common::seed_docs();
    let (model, _) = docgen::build_model(docs.path()).unwrap();

    assert_eq!(model.base_url.as_deref(), Some("https://graph.microsoft.com/beta"));
    assert_eq!(model.operations.len(), 1);
    let op = &model.operations[0];
    assert_eq!(op.method, docgen::model::HttpMethod::Post);
    assert_eq!(op.path, "/users/{user_id}/notes/{note_id}/attachments/{attachment_id}/createUploadSession");
    let params: Vec<&str> = op.path_params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(params, ["user_id", "note_id", "attachment_id"]);

    let Some(RequestBody::Parameters { parameters, .. }) = &op.request_body else { panic!("{:?}", op.request_body) };
    assert_eq!(parameters.len(), 1);
    assert_eq!(parameters[0].json_name, "AttachmentItem");
    assert_eq!(parameters[0].ty.to_string(), "Json", "the unresolved attachmentItem degrades to open JSON");

    assert_eq!(op.responses.len(), 1);
    assert_eq!(op.responses[0].status, 200);
    assert_eq!(op.responses[0].body.as_ref().map(ToString::to_string).as_deref(), Some("microsoft.graph.uploadSession"));

    let session = model.find_type("microsoft.graph.uploadSession").expect("uploadSession inferred");
    assert!(session.inferred);
    let TypeKind::Object { properties, base, .. } = &session.kind else { panic!() };
    assert_eq!(base, &None);
    let found: Vec<String> = properties.iter().map(|p| format!("{}: {}", p.json_name, p.ty)).collect();
    assert_eq!(found, ["expirationDateTime: Edm.DateTimeOffset", "nextExpectedRanges: Collection(Edm.String)", "uploadUrl: Edm.String"]);
    assert_eq!(model.types.len(), 1);

    insta::assert_json_snapshot!("seed_model", model);
}

#[test]
fn seed_defects_are_each_reported_at_their_line() {
    let docs = common::seed_docs();
    let (_, diags) = docgen::build_model(docs.path()).unwrap();
    let shown: Vec<String> = diags.sorted().iter().map(|d| d.to_string()).collect();
    let expect = |code: &str, line: u32, needle: &str| {
        let prefix = format!("api/fileattachment-createuploadsession.md:{line}: warning[{code}]: ");
        assert!(
            shown.iter().any(|d| d.starts_with(&prefix) && d.contains(needle)),
            "no `{prefix}...{needle}...` among:\n{}",
            shown.join("\n")
        );
    };
    expect("empty-http-request", 33, "HTTP request block is empty");
    expect("malformed-status-line", 101, "HTTP 1.1 200 Ok");
    expect("unexpected-value-wrapper", 104, "`value`");
    expect("request-example-mismatch", 78, "AttachmentItem");
    expect("foreign-namespace", 100, "Microsoft.OutlookServices");
    expect("duplicate-placeholder", 73, "{id}");
    expect("unresolved-link", 54, "../resources/attachmentitem.md");
    expect("unresolved-link", 54, "open JSON object");
    expect("inferred-type", 104, "uploadSession");
    assert_eq!(shown.len(), 8, "{}", shown.join("\n"));
}

#[test]
fn seed_code_snapshot() {
    let docs = common::seed_docs();
    let generation = docgen::generate(docs.path(), &CrateOptions::default()).unwrap();
    // Every file gen writes but the runtime (copied from templates/, tested there).
    let generated = generation.files.iter().filter(|(path, _)| path.ends_with(".rs") && !path.starts_with("src/runtime/"));
    for (file, text) in generated.chain(generation.files.get_key_value("Cargo.toml")) {
        let name = format!("seed_{}", file.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name, text);
    }
    let operations = &common::module_text(&generation.files, "operations");
    assert!(operations.contains("/// fileattachment : createUploadSession"), "the method carries rustdoc from the page");
    let types = &common::module_text(&generation.files, "types");
    assert!(common::maps_member(types, "AttachmentItem", "attachment_item"));
    assert!(types.contains("pub attachment_item: Option<serde_json::Value>"));
}

#[test]
fn seed_openapi_document() {
    let docs = common::seed_docs();
    let (model, _) = docgen::build_model(docs.path()).unwrap();
    let document = docgen::emit::openapi::openapi(&model, "seed");
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(document["servers"][0]["url"], "https://graph.microsoft.com/beta");
    let op = &document["paths"]["/users/{user_id}/notes/{note_id}/attachments/{attachment_id}/createUploadSession"]["post"];
    assert_eq!(
        op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/microsoft.graph.uploadSession"
    );
    let names: Vec<&str> = op["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["user_id", "note_id", "attachment_id"]);
    let schema = &document["components"]["schemas"]["microsoft.graph.uploadSession"];
    // Every property may be null unless its row says otherwise (issue 19).
    assert_eq!(schema["properties"]["expirationDateTime"], serde_json::json!({"type": ["string", "null"], "format": "date-time"}));
    assert_eq!(schema["properties"]["nextExpectedRanges"], serde_json::json!({"type": ["array", "null"], "items": {"type": "string"}}));
    insta::assert_json_snapshot!("seed_openapi", document);
}
