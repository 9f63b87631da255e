//! Each construct of the Graph docs format the reader must handle, as a small
//! page written for the test, checked through the whole model.

use docgen::model::{ApiModel, OperationKind, RequestBody, TypeKind};
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
    format!("---\ntitle: \"{title}\"\ndoc_type: apiPageType\nms.prod: outlook\n---\n\n# {title}\n\nNamespace: microsoft.graph\n\nDoes something.\n\n{body}")
}

fn paths(model: &ApiModel) -> Vec<String> {
    model.operations.iter().map(|o| format!("{} {}", o.method, o.path)).collect()
}

const WIDGET: &str = "---\ndoc_type: resourcePageType\n---\n# widget resource type\n\nNamespace: microsoft.graph\n\nA widget.\n\n## Properties\n| Property | Type | Description |\n|:--|:--|:--|\n| id | String | Key. |\n| tags | String collection | Tags. |\n| color | [color](color.md) | Color. |\n| parts | Collection(microsoft.graph.part) | Parts. |\n| size | Int64 | Size. |\n\n## Relationships\n| Relationship | Type | Description |\n|:--|:--|:--|\n| owner | [user](user.md) | Owner. |\n\n## JSON representation\n<!-- { \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.widget\", \"baseType\": \"microsoft.graph.entity\" } -->\n```json\n{\n  \"id\": \"String (identifier)\",\n  \"tags\": [\"String\"],\n  \"weight\": 1.5\n}\n```\n";
const ENTITY: &str = "---\ndoc_type: resourcePageType\n---\n# entity resource type\n\n## Properties\n| Property | Type | Description |\n|--|--|--|\n| id | String | Key. |\n";
const COLOR: &str = "---\ndoc_type: enumPageType\n---\n# color enum type\n\nNamespace: microsoft.graph\n\n## Members\n| Member | Value | Description |\n|--|--|--|\n| red | 0 | Red. |\n| blue | 1 | Blue. |\n";
const PART: &str = "---\ndoc_type: resourcePageType\n---\n# part resource type\n\nNamespace: microsoft.graph\n\n## Properties\n| Name | Type | Description |\n|--|--|--|\n| label | string | Label. |\n\n### partKind values\n\n| Member\n|:--\n| small\n| large\n";
const USER: &str = "---\ndoc_type: resourcePageType\n---\n# user resource type\n\nInherits from [entity](entity.md).\n\n## Properties\n| Property | Type | Description |\n|--|--|--|\n| displayName | String | Name. |\n";

fn resources() -> Vec<(&'static str, String)> {
    vec![
        ("resources/widget.md", WIDGET.to_owned()),
        ("resources/entity.md", ENTITY.to_owned()),
        ("resources/color.md", COLOR.to_owned()),
        ("resources/part.md", PART.to_owned()),
        ("resources/user.md", USER.to_owned()),
    ]
}

fn with_resources(extra: Vec<(&'static str, String)>) -> (ApiModel, Vec<String>) {
    let mut pages = resources();
    pages.extend(extra);
    let borrowed: Vec<(&str, &str)> = pages.iter().map(|(p, t)| (*p, t.as_str())).collect();
    model(&borrowed)
}

#[test]
fn http_request_sections_in_their_many_forms() {
    let page = api(
        "List widgets",
        "## HTTP Requests\n\n# [HTTP](#tab/http)\n<!-- { \"blockType\": \"ignored\" } -->\n```http\nGET /me/widgets\nGET /users/{id | userPrincipalName}/widgets\nGET ~/groups/{id}/widgets?$top=5\nGET/sites/{site-id}/widgets\nGET drives/{drive-id}/items('{item-id}')/widgets\nGET /reports/getWidgetCounts(period='{period_value}')\nGET /me/widgets/{id}/$value\nGET /me/widgets/$count\n```\n\n## Response\nIf successful, this method returns a `200 OK` response code and a collection of [widget](../resources/widget.md) objects in the response body.\n",
    );
    let (model, diags) = with_resources(vec![("api/widget-list.md", page)]);
    let mut found = paths(&model);
    found.sort();
    assert_eq!(
        found,
        [
            "GET /drives/{drive_id}/items('{item_id}')/widgets",
            "GET /groups/{group_id}/widgets",
            "GET /me/widgets",
            "GET /me/widgets/$count",
            "GET /me/widgets/{widget_id}/$value",
            "GET /reports/getWidgetCounts(period='{period_value}')",
            "GET /sites/{site_id}/widgets",
            "GET /users/{user_id}/widgets",
        ]
    );
    assert!(diags.iter().any(|d| d.contains("irregular-request-line") && d.contains("missing space after the method")), "{diags:#?}");
    assert!(diags.iter().any(|d| d.contains("irregular-request-line") && d.contains("`~` prefix")), "{diags:#?}");
    assert!(model.operations.iter().all(|o| o.kind == OperationKind::List));
    let list = model.operations.iter().find(|o| o.path == "/me/widgets").unwrap();
    assert_eq!(list.responses[0].body.as_ref().unwrap().to_string(), "Collection(microsoft.graph.widget)");
}

#[test]
fn heading_suffixes_and_example_paths_with_real_keys() {
    let page = api(
        "Get widget",
        "## HTTP request (to read one widget)\n```http\n```\n\n## Example\n### Request\n<!-- { \"blockType\": \"request\", \"name\": \"get_widget\" } -->\n```http\nGET https://graph.microsoft.com/v1.0/me/widgets/AAMkAGI2THVSAAA=\n```\n### Response\n<!-- { \"blockType\": \"response\", \"truncated\": true, \"@odata.type\": \"microsoft.graph.widget\" } -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{\n  // a comment\n  \"id\": \"1\",\n  \"tags\": [\"a\", ...],\n}\n```\n",
    );
    let (model, diags) = with_resources(vec![("api/widget-get.md", page)]);
    assert_eq!(paths(&model), ["GET /me/widgets/{widget_id}"]);
    assert_eq!(model.base_url.as_deref(), Some("https://graph.microsoft.com/v1.0"));
    assert!(diags.iter().any(|d| d.contains("empty-http-request")), "{diags:#?}");
    assert_eq!(model.operations[0].responses[0].body.as_ref().unwrap().to_string(), "microsoft.graph.widget");
}

#[test]
fn type_cells_resource_tables_enums_and_inheritance() {
    let (model, diags) = with_resources(vec![]);
    let widget = model.find_type("microsoft.graph.widget").unwrap();
    let TypeKind::Object { base, properties, navigation } = &widget.kind else { panic!() };
    assert_eq!(base.as_deref(), Some("microsoft.graph.entity"), "baseType from the JSON annotation");
    let types: Vec<String> = properties.iter().map(|p| format!("{}: {}", p.json_name, p.ty)).collect();
    assert_eq!(
        types,
        [
            "id: Edm.String",
            "tags: Collection(Edm.String)",
            "color: microsoft.graph.color",
            "parts: Collection(microsoft.graph.part)",
            "size: Edm.Int64",
            "weight: Edm.Double",
        ]
    );
    assert!(diags.iter().any(|d| d.contains("undocumented-property") && d.contains("`weight`")), "{diags:#?}");
    assert_eq!(navigation[0].ty.to_string(), "microsoft.graph.user");
    let TypeKind::Enum { members } = &model.find_type("microsoft.graph.color").unwrap().kind else { panic!() };
    assert_eq!(members.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["red", "blue"]);
    let TypeKind::Enum { members } = &model.find_type("microsoft.graph.partKind").unwrap().kind else { panic!() };
    assert_eq!(members.len(), 2, "enum under a `### x values` heading");
    let TypeKind::Object { base, .. } = &model.find_type("microsoft.graph.user").unwrap().kind else { panic!() };
    assert_eq!(base.as_deref(), Some("microsoft.graph.entity"), "prose `Inherits from`");
}

#[test]
fn request_bodies_parameters_resources_and_updates() {
    let action = api(
        "widget: paint",
        "## HTTP request\n```http\nPOST /me/widgets/{id}/paint\n```\n\n## Request body\n| Name | Value | Description |\n|--|--|--|\n| color | [color](../resources/color.md) | New color. |\n| coats | Int32 | Coats. |\n\n## Response\nIf successful, this method returns a `204 No Content` response code.\n",
    );
    let create = api(
        "Create widget",
        "## HTTP request\n```http\nPOST /me/widgets\n```\n\n## Request body\nIn the request body, supply a JSON representation of a [widget](../resources/widget.md) object.\n\n## Response\nIf successful, this method returns a `201 Created` response code and a [widget](../resources/widget.md) object in the response body.\n",
    );
    let update = api(
        "Update widget",
        "## HTTP request\n```http\nPATCH /me/widgets/{id}\n```\n\n## Request body\nIn the request body, supply the values for relevant fields that should be updated.\n\n## Response\nIf successful, this method returns a `204 No Content` response code.\n",
    );
    let (model, _) =
        with_resources(vec![("api/widget-paint.md", action), ("api/widget-post.md", create), ("api/widget-update.md", update)]);
    let op = |method: &str, path: &str| model.operations.iter().find(|o| o.method == method && o.path == path).unwrap();
    let paint = op("POST", "/me/widgets/{widget_id}/paint");
    assert_eq!(paint.kind, OperationKind::Action);
    let Some(RequestBody::Parameters { parameters, .. }) = &paint.request_body else { panic!() };
    assert_eq!(
        parameters.iter().map(|p| format!("{}: {}", p.json_name, p.ty)).collect::<Vec<_>>(),
        ["color: microsoft.graph.color", "coats: Edm.Int32"]
    );
    assert_eq!((paint.responses[0].status, &paint.responses[0].body), (204, &None));
    let create = op("POST", "/me/widgets");
    assert_eq!(create.request_body, Some(RequestBody::Resource { ty: "microsoft.graph.widget".parse().unwrap() }));
    assert_eq!(create.responses[0].status, 201);
    let update = op("PATCH", "/me/widgets/{widget_id}");
    assert_eq!(update.kind, OperationKind::Update);
    assert_eq!(update.request_body, Some(RequestBody::Resource { ty: "microsoft.graph.widget".parse().unwrap() }));
}

#[test]
fn disagreements_are_resolved_by_rule_and_reported() {
    let page = api(
        "Get widget",
        "## HTTP request\n```http\nGET /me/widgets/{id}\n```\n\n## Response\nIf successful, this method returns a `200 OK` response code and a [widget](../resources/widget.md) object.\n\n## Example\n<!-- { \"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.widget\" } -->\n```http\nHTTP/1.1 201 Created\n\n{\"value\": {\"id\": \"1\"}}\n```\n",
    );
    let (model, diags) = with_resources(vec![("api/widget-get.md", page)]);
    assert_eq!(model.operations[0].responses[0].status, 201, "a well-formed example status line wins over the sentence");
    assert!(diags.iter().any(|d| d.contains("api/widget-get.md:24: warning[status-mismatch]")), "{diags:#?}");
    assert!(diags.iter().any(|d| d.contains("warning[unexpected-value-wrapper]")), "{diags:#?}");
}
