//! What the pages of 2023 on say, as the generated crate and the OpenAPI
//! export show it: deprecated names, nullability, alternative answers,
//! namespaces and areas. The pages are the rule fixtures of
//! `tests/rules/{deprecated-names,alternative-answers,namespaces,current-format,raw-content}`
//! (their models are snapshotted there); this checks what is emitted from them.

use docgen::emit::CrateOptions;
use serde_json::{json, Value};
use std::path::Path;

mod common;

fn generate(case: &str) -> docgen::Generation {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules").join(case);
    docgen::generate(&docs, &CrateOptions { crate_name: "current-docs".into() }).unwrap()
}

/// The text with every run of whitespace made one space, so assertions do not depend on line breaks.
fn compact(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn export(generation: &docgen::Generation) -> Value {
    docgen::emit::openapi::openapi(&generation.model, "current docs")
}

#[test]
fn a_deprecated_name_is_the_member_marked_deprecated_and_properties_may_be_null() {
    let generation = generate("deprecated-names");
    let types = compact(&common::module_text(&generation.files, "types"));
    assert!(
        types.contains("#[deprecated = \"the docs mark `backupReviewers` deprecated\"] pub backup_reviewers:")
            && common::maps_member(&types, "backupReviewers", "backup_reviewers"),
        "{types}"
    );
    assert!(types.contains("#[deprecated = \"the docs mark `owner` deprecated\"]"));
    let document = export(&generation);
    let schema = &document["components"]["schemas"]["microsoft.graph.accessReviewScheduleDefinition"]["properties"];
    assert_eq!(schema["backupReviewers"]["deprecated"], json!(true));
    assert_eq!(schema["backupReviewers"]["type"], json!(["array", "null"]));
    assert_eq!(schema["description"], json!({"type": ["string", "null"]}), "nullable unless the page says otherwise");
    assert_eq!(schema["displayName"], json!({"type": "string"}), "\"Not nullable.\"");
    assert_eq!(schema["id"], json!({"type": "string"}), "a key");
    assert_eq!(
        schema["owner"],
        json!({"anyOf": [{"$ref": "#/components/schemas/microsoft.graph.accessReviewReviewerScope"}, {"type": "null"}], "deprecated": true})
    );
}

#[test]
fn an_alternative_answer_has_a_function_of_its_own_and_both_answers_are_exported() {
    let generation = generate("alternative-answers");
    let compact = compact(&common::module_text(&generation.files, "operations"));
    assert!(
        compact.contains(
            "pub fn update( &self, body: &impl crate::runtime::BodyOf<crate::types::PlannerTask>, ) -> crate::runtime::Request<()> {"
        ),
        "the default answer is 204, no body: {compact}"
    );
    assert!(compact.contains(
        "pub fn update_with_representation( &self, body: &impl crate::runtime::BodyOf<crate::types::PlannerTask>, ) -> crate::runtime::Request<crate::types::PlannerTask> {"
    ));
    assert!(compact.contains(".header(\"Prefer\", \"return=representation\")"));
    assert!(compact.contains("pub fn get_teams_user_activity_user_detail_as_json("));
    assert!(compact.contains(".query(\"$format\", \"application/json\")"));
    let document = export(&generation);
    let patch = &document["paths"]["/planner/tasks/{task_id}"]["patch"]["responses"];
    assert_eq!(patch["204"]["description"], json!("204 response"), "{patch:#}");
    assert_eq!(patch["200"]["description"], json!("200 response when the request sets `Prefer: return=representation`"));
    assert_eq!(patch["200"]["content"]["application/json"]["schema"]["$ref"], json!("#/components/schemas/microsoft.graph.plannerTask"));
    let report = document["paths"].as_object().unwrap().iter().find(|(path, _)| path.contains("getTeamsUserActivityUserDetail")).unwrap().1;
    let responses = &report["get"]["responses"];
    assert!(responses["302"]["content"]["application/octet-stream"].is_object(), "{responses:#}");
    assert!(responses["200"]["content"]["application/json"].is_object());
}

#[test]
fn types_of_two_namespaces_with_one_name_stay_two_types() {
    let generation = generate("namespaces");
    let types = compact(&common::module_text(&generation.files, "types"));
    assert!(types.contains("pub struct Alert {"));
    assert!(types.contains("pub struct SecurityAlert {"));
    assert!(types.contains("pub status: Option<crate::types::SecurityAlertStatus>"), "the qualified cell names the security enum");
    let schemas = &export(&generation)["components"]["schemas"];
    assert!(
        schemas["microsoft.graph.alert"]["properties"].get("serviceSource").is_none(),
        "a Defender example adds nothing to the legacy alert"
    );
    assert!(schemas["microsoft.graph.security.alert"]["properties"]["detectorId"].is_object());
}

#[test]
fn either_front_matter_field_gives_the_workload_one_feature_and_includes_are_quiet() {
    let generation = generate("current-format");
    let areas: std::collections::BTreeSet<&str> = generation.model.operations.iter().map(|o| o.area.as_str()).collect();
    assert_eq!(areas, ["outlook", "sharepoint"].into(), "ms.subservice calendar and ms.prod outlook are one feature");
    let cargo = &generation.files["Cargo.toml"];
    assert!(cargo.contains("outlook = []") && !cargo.contains("calendar"), "{cargo}");
    let codes: Vec<&str> = generation.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["renamed"], "includes, permission annotations and tabs raise nothing");
}

#[test]
fn an_option_the_prose_says_is_unsupported_is_no_option() {
    let generation = generate("current-format");
    let get = generation
        .model
        .operations
        .iter()
        .find(|o| o.documented_path == "/me/events/{id}" && o.method == docgen::model::HttpMethod::Get)
        .expect("GET /me/events/{id}");
    assert_eq!(get.query_options, ["$select"], "`$skip` and `$count` aren't supported, the page says");
    let openapi = export(&generation);
    let parameters = openapi["paths"]["/me/events/{event_id}"]["get"]["parameters"].to_string();
    assert!(parameters.contains("$select") && !parameters.contains("$skip"), "{parameters}");
}

#[test]
fn a_raw_value_line_beside_a_json_line_downloads_bytes() {
    let generation = generate("raw-content");
    let operations = compact(&common::module_text(&generation.files, "operations"));
    // `me().widgets().by_id(w)`: the resource as JSON, its `$value` as bytes.
    assert!(operations.contains("pub fn get(&self) -> crate::runtime::Request<crate::types::Widget>"), "{operations}");
    assert!(operations.contains("pub fn get_value(&self) -> crate::runtime::Request<crate::runtime::Content>"), "{operations}");
}
