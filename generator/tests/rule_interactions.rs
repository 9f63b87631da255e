//! How the rules of `src/resolve/rules/` combine, on small pages written for
//! the test. One rule alone is a fixture directory under `tests/rules/`; the
//! cases here need two rules (or two pages) at once to show their order.

use docgen::model::{ApiModel, Operation, RequestBody};
use std::path::Path;

fn model(pages: &[(&str, &str)]) -> (ApiModel, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in pages {
        let file = dir.path().join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    let (model, diags) = docgen::build_model(Path::new(dir.path())).unwrap();
    (model, diags.sorted().iter().map(|d| d.to_string()).collect())
}

fn api(title: &str, body: &str) -> String {
    format!("---\ntitle: \"{title}\"\ndoc_type: apiPageType\nms.prod: dashboards\n---\n\n# {title}\n\nNamespace: microsoft.graph\n\nDoes something.\n\n{body}")
}

const USER: &str = "---\ndoc_type: resourcePageType\n---\n# user resource type\n\nNamespace: microsoft.graph\n\n## Properties\n| Property | Type | Description |\n|--|--|--|\n| id | String | Key. |\n| displayName | String | Name. |\n";

fn operation<'m>(model: &'m ApiModel, method: &str, path: &str) -> &'m Operation {
    model.operations.iter().find(|o| o.method.as_str() == method && o.path == path).unwrap_or_else(|| panic!("{method} {path}"))
}

fn codes(diags: &[String]) -> Vec<&str> {
    diags.iter().filter_map(|d| d.split_once('[').and_then(|(_, rest)| rest.split_once(']')).map(|(code, _)| code)).collect()
}

#[test]
fn the_example_status_decides_which_body_rules_apply() {
    // The sentence says `200` with a type; the example answers `204`: no body, whatever the sentence names.
    let page = api(
        "user: touch",
        "## HTTP request\n```http\nPOST /me/touch\n```\n\n## Response\nIf successful, this method returns a `200 OK` response code and a [user](../resources/user.md) object.\n\n## Example\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 204 No Content\n```\n",
    );
    let (model, diags) = model(&[("resources/user.md", USER), ("api/user-touch.md", &page)]);
    let response = &operation(&model, "POST", "/me/touch").responses[0];
    assert_eq!((response.status, &response.body), (204, &None));
    assert_eq!(codes(&diags), ["status-mismatch"]);
}

#[test]
fn a_value_array_makes_a_collection_of_the_type_inferred_from_its_first_item() {
    // One object per the sentence, of a type no page documents; the example holds a `value` array.
    let page = api(
        "List sessions",
        "## HTTP request\n```http\nGET /me/sessions\n```\n\n## Response\nIf successful, this method returns a `200 OK` response code and a signInSession object.\n\n## Example\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\n\n{\"value\": [{\"device\": \"laptop\", \"at\": \"2021-06-01T10:00:00Z\"}]}\n```\n",
    );
    let (model, diags) = model(&[("api/session-list.md", &page)]);
    let body = operation(&model, "GET", "/me/sessions").success_body().map(ToString::to_string);
    assert_eq!(body.as_deref(), Some("Collection(microsoft.graph.signInSession)"));
    assert!(model.find_type("microsoft.graph.signInSession").is_some_and(|t| t.inferred));
    assert_eq!(codes(&diags), ["collection-mismatch", "inferred-type"]);
}

#[test]
fn a_type_one_page_infers_is_known_to_the_pages_after_it() {
    let shown = api(
        "Get session",
        "## HTTP request\n```http\nGET /me/sessions/{id}\n```\n\n## Response\nIf successful, this method returns a `200 OK` response code and a signInSession object.\n\n## Example\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\n\n{\"device\": \"laptop\"}\n```\n",
    );
    let named = api(
        "session: renew",
        "## HTTP request\n```http\nPOST /me/sessions/{id}/renew\n```\n\n## Response\nIf successful, this method returns a `200 OK` response code and a signInSession object.\n",
    );
    let (model, diags) = model(&[("api/a-session-get.md", &shown), ("api/b-session-renew.md", &named)]);
    let body = operation(&model, "POST", "/me/sessions/{session_id}/renew").success_body().map(ToString::to_string);
    assert_eq!(body.as_deref(), Some("microsoft.graph.signInSession"), "not an unknown type: the first page inferred it");
    assert_eq!(codes(&diags), ["inferred-type"]);
}

#[test]
fn an_action_documented_as_a_resource_takes_the_members_its_example_sends_and_not_the_sentences_names() {
    // The resource-body rule decides the body; the prose rule applies only to parameter bodies.
    let page = api(
        "user: rename",
        "Give the **reason** parameter too.\n\n## HTTP request\n```http\nPOST /me/rename\n```\n\n## Request body\nIn the request body, supply a JSON representation of [user](../resources/user.md) object.\n\n## Response\nIf successful, this method returns `204 No Content` response code.\n\n## Example\n<!-- { \"blockType\": \"request\" } -->\n```http\nPOST https://graph.microsoft.com/v1.0/me/rename\n\n{\"displayName\": \"Ada\"}\n```\n",
    );
    let (model, diags) = model(&[("resources/user.md", USER), ("api/user-rename.md", &page)]);
    let Some(RequestBody::Parameters { parameters, .. }) = &operation(&model, "POST", "/me/rename").request_body else { panic!() };
    assert_eq!(parameters.iter().map(|p| p.json_name.as_str()).collect::<Vec<_>>(), ["displayName"]);
    assert_eq!(codes(&diags), ["resource-body-parameters"]);
}

#[test]
fn an_open_types_schema_accepts_members_it_does_not_declare() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules/open-types");
    let (model, _) = docgen::build_model(&fixture).unwrap();
    let openapi = docgen::emit::openapi::openapi(&model, "t");
    assert_eq!(openapi["components"]["schemas"]["microsoft.graph.tabSettings"]["additionalProperties"], true);
    assert_eq!(openapi["components"]["schemas"]["microsoft.graph.widget"].get("additionalProperties"), None);
}
