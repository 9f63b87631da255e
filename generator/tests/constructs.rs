//! Each construct of the Graph docs format the reader must handle, as a small
//! page written for the test, checked through the whole model.

use docgen::model::{ApiModel, Operation, OperationKind, RequestBody, TypeKind};
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
    let op = |method: &str, path: &str| operation(&model, method, path);
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

fn operation<'m>(model: &'m ApiModel, method: &str, path: &str) -> &'m Operation {
    model
        .operations
        .iter()
        .find(|o| o.method.as_str() == method && o.path == path)
        .unwrap_or_else(|| panic!("{method} {path}: {:?}", paths(model)))
}

fn success(model: &ApiModel, method: &str, path: &str) -> String {
    operation(model, method, path).success_body().map_or_else(|| "none".to_owned(), ToString::to_string)
}
#[test]
fn response_sentences_and_examples_give_the_result_type() {
    let strings = api(
        "widget: listTags",
        "## HTTP request\n```http\nGET /me/widgets/{id}/listTags\n```\n\n## Response\nIf successful, this function returns a `200 OK` response code and a String collection in the response body.\n",
    );
    let flag = api(
        "widget: check",
        "## HTTP request\n```http\nPOST /me/widgets/{id}/check\n```\n\n## Response\nIf successful, this method returns `200 OK`. A `true` value in the body means the widget passed.\n\n## Example\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\n\n{\"@odata.context\": \"x\", \"value\": true}\n```\n",
    );
    let report = api(
        "widget: getUsageReport",
        "## HTTP request\n```http\nGET /reports/getWidgetUsage(period='{period_value}')\n```\n\n## Response\nIf successful, this method returns a `302 Found` response that redirects to a preauthenticated download URL for the report.\n\n## Example\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 302 Found\nLocation: https://reports.example/data.csv\n```\n",
    );
    let raw = api(
        "Get widget picture",
        "## HTTP request\n```http\nGET /me/widgets/{id}/picture/$value\n```\n\n## Response\nIf successful, this method returns a `200 OK` response code and the picture's bytes.\n\n## Example\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\nContent-type: image/png\n\n(binary)\n```\n",
    );
    let accepted = api(
        "widget: archive",
        "## HTTP request\n```http\nPOST /me/widgets/{id}/archive\n```\n\n## Response\nIf successful, this method returns `202 Accepted`; its `Location` header points to a [widget](../resources/widget.md) tracking the work.\n\n## Example\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 202 Accepted\nLocation: https://graph.microsoft.com/v1.0/me/widgets/1\n```\n",
    );
    let site_style = api(
        "widget: follow",
        "## HTTP request\n```http\nPOST /me/followedWidgets/add\n```\n\n## Response\nThe widgets now followed.\n\n## Example\n<!-- { \"blockType\": \"response\", \"@type\": \"microsoft.graph.widget\", \"isCollection\": true } -->\n```http\nHTTP/1.1 200 OK\n\n{\"value\": [{\"id\": \"1\"}]}\n```\n",
    );
    let (model, diags) = with_resources(vec![
        ("api/widget-listtags.md", strings),
        ("api/widget-check.md", flag),
        ("api/widget-report.md", report),
        ("api/widget-picture.md", raw),
        ("api/widget-archive.md", accepted),
        ("api/widget-follow.md", site_style),
    ]);
    assert_eq!(success(&model, "GET", "/me/widgets/{widget_id}/listTags"), "Collection(Edm.String)", "`a String collection`");
    assert_eq!(success(&model, "POST", "/me/widgets/{widget_id}/check"), "Edm.Boolean", "`{{\"value\": true}}` wraps a primitive");
    assert_eq!(success(&model, "GET", "/reports/getWidgetUsage(period='{period_value}')"), "Edm.Stream", "302 to a download URL");
    assert_eq!(success(&model, "GET", "/me/widgets/{widget_id}/picture/$value"), "Edm.Stream", "`$value` is raw content");
    assert_eq!(success(&model, "POST", "/me/widgets/{widget_id}/archive"), "none", "the 202's link is its Location, not its body");
    assert_eq!(success(&model, "POST", "/me/followedWidgets/add"), "Collection(microsoft.graph.widget)", "`@type` for `@odata.type`");
    assert!(!diags.iter().any(|d| d.contains("unknown-type")), "{diags:#?}");
}

#[test]
fn parameters_documented_in_unusual_places() {
    let get_with_body = api(
        "widget: offset",
        "## HTTP request\n```http\nGET /me/widgets/{id}/offset\n```\n\n## Request body\n| Parameter | Type | Description |\n|--|--|--|\n| rows | Int32 | Rows. |\n| columns | Int32 | Columns. |\n\n## Response\nIf successful, this method returns a `200 OK` response code and a [widget](../resources/widget.md) object.\n",
    );
    let intune_title = api(
        "getWidgetPermissions function",
        "## HTTP request\n```http\nGET /widgetManagement/getWidgetPermissions\n```\n\n## Request body\nIn the request URL, provide the following query parameters with values.\n\n|Property|Type|Description|\n|--|--|--|\n|scope|String|Scope.|\n\n## Response\nIf successful, this function returns a `200 OK` response code and a String collection in the response body.\n",
    );
    let wrapped = api(
        "widget: addSecret",
        "## HTTP request\n```http\nPOST /me/widgets/{id}/addSecret\n```\n\n## Request body\n| Property | Type | Description |\n|--|--|--|\n| displayName | String | Name. |\n| endDateTime | DateTimeOffset | Expiry. |\n\n## Response\nIf successful, this method returns a `200 OK` response code and a [widget](../resources/widget.md) object.\n\n## Example\n<!-- { \"blockType\": \"request\" } -->\n```http\nPOST https://graph.microsoft.com/v1.0/me/widgets/1/addSecret\n\n{\"widget\": {\"displayName\": \"x\"}}\n```\n",
    );
    let (model, diags) = with_resources(vec![
        ("api/widget-offset.md", get_with_body),
        ("api/intune-getwidgetpermissions.md", intune_title),
        ("api/widget-addsecret.md", wrapped),
    ]);
    let op = |method: &str, path: &str| operation(&model, method, path);
    let names = |props: &[docgen::model::Property]| props.iter().map(|p| format!("{}: {}", p.json_name, p.ty)).collect::<Vec<_>>();
    let offset = op("GET", "/me/widgets/{widget_id}/offset");
    assert_eq!((offset.kind, offset.request_body.is_none()), (OperationKind::Function, true));
    assert_eq!(names(&offset.function_parameters), ["rows: Edm.Int32", "columns: Edm.Int32"]);
    let permissions = op("GET", "/widgetManagement/getWidgetPermissions");
    assert_eq!(permissions.kind, OperationKind::Function, "`x function` titles name a function");
    assert_eq!(names(&permissions.function_parameters), ["scope: Edm.String"]);
    let Some(RequestBody::Parameters { parameters, .. }) = &op("POST", "/me/widgets/{widget_id}/addSecret").request_body else { panic!() };
    assert_eq!(names(parameters), ["widget: microsoft.graph.widget"], "the table lists the members of the one parameter the example sends");
    for code in ["body-of-get", "wrapped-parameters"] {
        assert!(diags.iter().any(|d| d.contains(&format!("warning[{code}]"))), "{code}: {diags:#?}");
    }
}

#[test]
fn members_only_examples_show_are_added_to_leaf_types_only() {
    let gadget = "---\ndoc_type: resourcePageType\n---\n# gadget resource type\n\nNamespace: microsoft.graph\n\n## Properties\n| Property | Type | Description |\n|--|--|--|\n| label | String | Label. |\n";
    let get = api(
        "Get gadget",
        "## HTTP request\n```http\nGET /me/gadgets/{id}\n```\n\n## Response\nIf successful, this method returns a `200 OK` response code and a [gadget](../resources/gadget.md) object.\n\n## Example\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\n\n{\"label\": \"a\", \"createdDateTime\": \"2024-01-01T00:00:00Z\", \"fbab97d0-4932\": {}, \"gone\": null}\n```\n",
    );
    // `entity` is a base (user derives from it): an example of it shows a derived object.
    let list = api(
        "List entities",
        "## HTTP request\n```http\nGET /entities\n```\n\n## Response\nIf successful, this method returns a `200 OK` response code and a collection of [entity](../resources/entity.md) objects.\n\n## Example\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\n\n{\"value\": [{\"id\": \"1\", \"displayName\": \"Ada\"}]}\n```\n",
    );
    // An open type's extra members are data (keys chosen by the client), not members to learn.
    let tally = "---\ndoc_type: resourcePageType\n---\n# tally resource type\n\nNamespace: microsoft.graph\n\nCounts keyed by user ID. This type is an open type.\n\n## Properties\n| Property | Type | Description |\n|--|--|--|\n| total | Int32 | Sum. |\n";
    let get_tally = api(
        "Get tally",
        "## HTTP request\n```http\nGET /me/tally\n```\n\n## Response\nIf successful, this method returns a `200 OK` response code and a [tally](../resources/tally.md) object.\n\n## Example\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\n\n{\"total\": 3, \"someUser\": 3}\n```\n",
    );
    let (model, diags) = with_resources(vec![
        ("resources/gadget.md", gadget.to_owned()),
        ("api/gadget-get.md", get),
        ("api/entity-list.md", list),
        ("resources/tally.md", tally.to_owned()),
        ("api/tally-get.md", get_tally),
    ]);
    let properties = |name: &str| match &model.find_type(name).unwrap().kind {
        TypeKind::Object { properties, .. } => properties.iter().map(|p| format!("{}: {}", p.json_name, p.ty)).collect::<Vec<_>>(),
        TypeKind::Enum { .. } => panic!(),
    };
    assert_eq!(properties("microsoft.graph.gadget"), ["label: Edm.String", "createdDateTime: Edm.DateTimeOffset"]);
    assert_eq!(properties("microsoft.graph.entity"), ["id: Edm.String"], "a base type learns nothing from examples");
    assert!(diags.iter().any(|d| d.contains("api/gadget-get.md") && d.contains("warning[example-member]")), "{diags:#?}");
    let tally = model.find_type("microsoft.graph.tally").unwrap();
    assert!(tally.open);
    assert_eq!(properties("microsoft.graph.tally"), ["total: Edm.Int32"]);
    let openapi = docgen::emit::openapi::openapi(&model, "t");
    assert_eq!(openapi["components"]["schemas"]["microsoft.graph.tally"]["additionalProperties"], true);
    assert_eq!(openapi["components"]["schemas"]["microsoft.graph.gadget"].get("additionalProperties"), None);
}

/// An API page body: the HTTP request block and the response sentence.
fn request_and_response(requests: &str, response: &str) -> String {
    format!("## HTTP request\n```http\n{requests}\n```\n\n## Response\n{response}\n")
}

fn navigation_of(model: &ApiModel, name: &str) -> Vec<String> {
    match &model.find_type(name).unwrap().kind {
        TypeKind::Object { navigation, .. } => navigation.iter().map(|p| format!("{}: {}", p.json_name, p.ty)).collect(),
        TypeKind::Enum { .. } => panic!("{name} is an enum"),
    }
}

#[test]
fn paths_reveal_navigation_properties_the_tables_omit() {
    let get_user = api(
        "Get user",
        &request_and_response(
            "GET /users/{id}\nGET /me",
            "If successful, this method returns a `200 OK` response code and a [user](../resources/user.md) object.",
        ),
    );
    let list_widgets = api(
        "List widgets",
        &request_and_response(
            "GET /me/pinnedWidgets\nGET /users/{id}/pinnedWidgets",
            "If successful, this method returns a `200 OK` response code and a collection of [widget](../resources/widget.md) objects.",
        ),
    );
    // A single object at the path, but the path is keyed elsewhere: a collection.
    let get_part = api(
        "Get part",
        &request_and_response(
            "GET /me/parts\nDELETE /me/parts/{id}",
            "If successful, this method returns a `200 OK` response code and a [part](../resources/part.md) object.",
        ),
    );
    // A function without parentheses is not a navigation property, and neither
    // is anything after `$value` or a cast.
    let function = api(
        "user: widgetize",
        &request_and_response(
            "GET /me/widgetize\nGET /me/photo/$value\nGET /users/microsoft.graph.user/manager",
            "If successful, this method returns a `200 OK` response code and a collection of [widget](../resources/widget.md) objects.",
        ),
    );
    let reach = api(
        "List widgetize",
        &request_and_response(
            "GET /users/{id}/widgetize",
            "If successful, this method returns a `200 OK` response code and a collection of [widget](../resources/widget.md) objects.",
        ),
    );
    // A page named after a subtype of the owner puts the property on that subtype.
    let special = "---\ndoc_type: resourcePageType\n---\n# specialPart resource type\n\nNamespace: microsoft.graph\n\nInherits from [part](part.md).\n\n## Properties\n| Property | Type | Description |\n|--|--|--|\n| grade | Int32 | Grade. |\n";
    let special_owner = api(
        "Get owner of a special part",
        &request_and_response(
            "GET /me/parts/{id}/owner",
            "If successful, this method returns a `200 OK` response code and a [user](../resources/user.md) object.",
        ),
    );
    let (model, diags) = with_resources(vec![
        ("resources/specialpart.md", special.to_owned()),
        ("api/specialpart-get-owner.md", special_owner),
        ("api/user-get.md", get_user),
        ("api/user-list-widgets.md", list_widgets),
        ("api/part-get.md", get_part),
        ("api/user-widgetize.md", function),
        ("api/user-list-widgetize.md", reach),
    ]);
    assert_eq!(
        navigation_of(&model, "microsoft.graph.user"),
        ["parts: Collection(microsoft.graph.part)", "pinnedWidgets: Collection(microsoft.graph.widget)"]
    );
    assert!(
        diags
            .iter()
            .any(|d| d.contains("api/user-list-widgets.md:15") && d.contains("warning[path-navigation]") && d.contains("`pinnedWidgets`")),
        "{diags:#?}"
    );
    assert_eq!(navigation_of(&model, "microsoft.graph.specialPart"), ["owner: microsoft.graph.user"]);
    assert_eq!(navigation_of(&model, "microsoft.graph.part"), Vec::<String>::new());
    // Documented members are not added twice; `owner` is the widget's own relationship.
    assert_eq!(navigation_of(&model, "microsoft.graph.widget"), ["owner: microsoft.graph.user"]);
}

#[test]
fn base_pages_naming_their_derived_types_and_subclass_wording() {
    let outcome = "---\ndoc_type: resourcePageType\n---\n# outcome resource type\n\nNamespace: microsoft.graph\n\nThis is a base class; the derived types are [pointsOutcome](pointsoutcome.md) and [rubricOutcome](rubricoutcome.md).\n\n## Properties\n| Property | Type | Description |\n|--|--|--|\n| id | String | Key. |\n";
    let points = "---\ndoc_type: resourcePageType\n---\n# pointsOutcome resource type\n\nNamespace: microsoft.graph\n\nPoints given.\n\n## Properties\n| Property | Type | Description |\n|--|--|--|\n| points | Double | Points. |\n";
    // A page that states its own base keeps it.
    let rubric = "---\ndoc_type: resourcePageType\n---\n# rubricOutcome resource type\n\nNamespace: microsoft.graph\n\nInherits from [entity](entity.md).\n\n## Properties\n| Property | Type | Description |\n|--|--|--|\n| rubric | String | Rubric. |\n";
    let grade = "---\ndoc_type: resourcePageType\n---\n# pointsGrade resource type\n\nNamespace: microsoft.graph\n\nThis creates a subclass from [outcome](outcome.md), which adds points.\n\n## Properties\n| Property | Type | Description |\n|--|--|--|\n| max | Double | Most points. |\n";
    // The annotation says `entity`, the text a type that derives from it: the text is more specific.
    let note = "---\ndoc_type: resourcePageType\n---\n# noteOutcome resource type\n\nNamespace: microsoft.graph\n\nA note on an [entity](entity.md). Inherits from [rubricOutcome](rubricoutcome.md).\n\n## Properties\n| Property | Type | Description |\n|--|--|--|\n| note | String | Note. |\n\n## JSON representation\n<!-- { \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.noteOutcome\", \"baseType\": \"microsoft.graph.entity\" } -->\n```json\n{\"note\": \"String\"}\n```\n";
    let (model, diags) = with_resources(vec![
        ("resources/outcome.md", outcome.to_owned()),
        ("resources/pointsoutcome.md", points.to_owned()),
        ("resources/rubricoutcome.md", rubric.to_owned()),
        ("resources/pointsgrade.md", grade.to_owned()),
        ("resources/noteoutcome.md", note.to_owned()),
    ]);
    let base = |name: &str| match &model.find_type(name).unwrap().kind {
        TypeKind::Object { base, .. } => base.clone(),
        TypeKind::Enum { .. } => panic!(),
    };
    assert_eq!(base("microsoft.graph.pointsOutcome").as_deref(), Some("microsoft.graph.outcome"), "{diags:#?}");
    assert_eq!(base("microsoft.graph.rubricOutcome").as_deref(), Some("microsoft.graph.entity"));
    assert_eq!(base("microsoft.graph.pointsGrade").as_deref(), Some("microsoft.graph.outcome"));
    assert_eq!(base("microsoft.graph.outcome"), None);
    assert_eq!(base("microsoft.graph.noteOutcome").as_deref(), Some("microsoft.graph.rubricOutcome"));
    assert!(diags.iter().any(|d| d.starts_with("resources/noteoutcome.md") && d.contains("warning[base-type-mismatch]")), "{diags:#?}");
}

#[test]
fn of_two_pages_listing_one_request_the_page_about_it_is_kept() {
    // A survey page lists many requests, among them the `reply` action that
    // `post: reply` documents; `Update widget` is the PATCH's own page.
    let survey = api(
        "Create extended property",
        "## HTTP request\n```http\nPOST /me/posts\nPOST /me/posts/{id}/reply\nPATCH /me/widgets/{id}\n```\n\n## Request body\n| Property | Type | Description |\n|:--|:--|:--|\n| value | String | The value. |\n\n## Response\nIf successful, this method returns a `201 Created` response code.\n",
    );
    let reply = api(
        "post: reply",
        "## HTTP request\n```http\nPOST /me/posts/{id}/reply\n```\n\n## Request body\n| Parameter | Type | Description |\n|:--|:--|:--|\n| post | String | The reply. |\n\n## Response\nIf successful, this method returns a `202 Accepted` response code.\n",
    );
    let update = api(
        "Update widget",
        "## HTTP request\n```http\nPATCH /me/widgets/{id}\n```\n\n## Request body\nIn the request body, supply the values for relevant fields that should be updated.\n\n## Response\nIf successful, this method returns a `200 OK` response code and an updated [widget](../resources/widget.md) object.\n",
    );
    let move_widget = api(
        "Move a widget",
        &request_and_response(
            "PATCH /me/widgets/{id}",
            "If successful, this method returns a `200 OK` response code and a [widget](../resources/widget.md) object.",
        ),
    );
    // A list page that also lists one item's path does not fit that keyed GET;
    // among pages that fit equally, the one listing fewer requests wins.
    let list = api(
        "List widgets",
        &request_and_response(
            "GET /me/widgets\nGET /me/widgets/{id}\nGET /me/gadgets",
            "If successful, this method returns a `200 OK` response code and a collection of [widget](../resources/widget.md) objects.",
        ),
    );
    let get = api(
        "Get widget",
        &request_and_response(
            "GET /me/widgets/{id}\nGET /users/{id}/widgets/{id}\nGET /groups/{id}/widgets/{id}\nGET /sites/{id}/widgets/{id}",
            "If successful, this method returns a `200 OK` response code and a [widget](../resources/widget.md) object.",
        ),
    );
    let list_gadgets = api(
        "List gadgets",
        &request_and_response(
            "GET /me/gadgets",
            "If successful, this method returns a `200 OK` response code and a collection of [part](../resources/part.md) objects.",
        ),
    );
    let (model, diags) = with_resources(vec![
        ("api/a-survey.md", survey),
        ("api/post-reply.md", reply),
        ("api/widget-update.md", update),
        ("api/widget-move.md", move_widget),
        ("api/a-widget-list.md", list),
        ("api/widget-get.md", get),
        ("api/z-gadget-list.md", list_gadgets),
    ]);
    assert_eq!(operation(&model, "POST", "/me/posts/{post_id}/reply").source.file, "api/post-reply.md");
    assert_eq!(operation(&model, "PATCH", "/me/widgets/{widget_id}").source.file, "api/widget-update.md");
    assert_eq!(operation(&model, "GET", "/me/widgets/{widget_id}").source.file, "api/widget-get.md");
    assert_eq!(operation(&model, "GET", "/me/gadgets").source.file, "api/z-gadget-list.md");
    assert!(
        diags.iter().any(|d| d.starts_with("api/a-survey.md:16") && d.contains("duplicate-operation") && d.contains("api/post-reply.md")),
        "{diags:#?}"
    );
    assert!(diags.iter().any(|d| d.starts_with("api/widget-move.md") && d.contains("duplicate-operation")), "{diags:#?}");
}

#[test]
fn the_example_decides_between_one_object_and_a_collection() {
    // The sentence says "collection", the example shows one chat: one object.
    let one = api(
        "Get widget",
        "## HTTP request\n```http\nGET /me/widgets/{id}\n```\n\n## Response\nIf successful, this method returns a `200 OK` response code and a collection of [widget](../resources/widget.md) objects.\n\n## Example\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\n\n{\"id\": \"1\", \"size\": 3}\n```\n",
    );
    // The sentence says one object, the example holds a `value` array: a collection.
    let many = api(
        "List parts",
        "## HTTP request\n```http\nGET /me/parts\n```\n\n## Response\nIf successful, this method returns a `200 OK` response code and a [part](../resources/part.md) object.\n\n## Example\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\n\n{\"value\": [{\"label\": \"a\"}]}\n```\n",
    );
    // One example cannot speak for requests of different kinds on the same page.
    let mixed = api(
        "Get gadget",
        "## HTTP request\n```http\nGET /me/gadgets/{id}\nGET /me/gadgets/{id}/children\n```\n\n## Response\nIf successful, this method returns a `200 OK` response code and a collection of [widget](../resources/widget.md) objects.\n\n## Example\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\n\n{\"id\": \"1\"}\n```\n",
    );
    let (model, diags) = with_resources(vec![("api/widget-get.md", one), ("api/part-list.md", many), ("api/gadget-get.md", mixed)]);
    assert_eq!(success(&model, "GET", "/me/gadgets/{gadget_id}/children"), "Collection(microsoft.graph.widget)");
    assert_eq!(success(&model, "GET", "/me/widgets/{widget_id}"), "microsoft.graph.widget");
    assert_eq!(success(&model, "GET", "/me/parts"), "Collection(microsoft.graph.part)");
    let mismatches: Vec<&String> = diags.iter().filter(|d| d.contains("warning[collection-mismatch]")).collect();
    assert_eq!(mismatches.len(), 2, "{diags:#?}");
    assert!(mismatches[1].starts_with("api/widget-get.md:26"), "{mismatches:#?}");
}

#[test]
fn open_types_are_named_in_prose_or_title_and_their_samples_are_not_members() {
    let tokens = "---\ndoc_type: resourcePageType\ndescription: \"The token set\"\n---\n# tokenSet resource type\n\nNamespace: microsoft.graph\n\nThis is an _open type_ holding one flag per feedback token.\n\n## JSON representation\n<!-- { \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.tokenSet\" } -->\n```json\n{\n  \"Echo\": true,\n  \"Noise\": false\n}\n```\n";
    let tab = "---\ndoc_type: resourcePageType\n---\n# tabSettings resource type (Open Type)\n\nNamespace: microsoft.graph\n\nSettings of a tab.\n\n## Properties\n| Property | Type | Description |\n|--|--|--|\n| url | String | Address. |\n";
    let (model, _) = with_resources(vec![("resources/tokenset.md", tokens.to_owned()), ("resources/tabsettings.md", tab.to_owned())]);
    let tokens = model.find_type("microsoft.graph.tokenSet").unwrap();
    assert!(tokens.open);
    assert!(matches!(&tokens.kind, TypeKind::Object { properties, .. } if properties.is_empty()), "{:?}", tokens.kind);
    let tab = model.find_type("microsoft.graph.tabSettings").unwrap();
    assert!(tab.open);
    assert!(!model.find_type("microsoft.graph.widget").unwrap().open);
}

#[test]
fn parameters_named_in_sentences_and_resource_bodies_of_actions() {
    let named_in_prose = api(
        "widget: forward",
        "Specify either the `tags` parameter or the **tags** property of the `widget` parameter. Send a **note** parameter too.\n\nThe **settings** parameter of [user](../resources/user.md) decides. Give the `id` parameters of the folder.\n\n## HTTP request\n```http\nPOST /me/widgets/{id}/forward\n```\n\n## Request body\nThis method does not require a request body.\n\n## Response\nIf successful, this method returns `202 Accepted` response code.\n",
    );
    let with_table = api(
        "widget: reply",
        "Specify either a comment or the **tags** property of the `widget` parameter.\n\n## HTTP request\n```http\nPOST /me/widgets/{id}/reply\n```\n\n## Request body\n| Parameter | Type | Description |\n|--|--|--|\n| Widget | [widget](../resources/widget.md) | The widget. |\n| comment | String | A comment. |\n\n## Response\nIf successful, this method returns `202 Accepted` response code.\n",
    );
    let resource_body = |action: &str, sent: &str| {
        api(
            &format!("widget: {action}"),
            &format!("## HTTP request\n```http\nPOST /me/widgets/{{id}}/{action}\n```\n\n## Request body\nIn the request body, supply a JSON representation of [user](../resources/user.md) object.\n\n## Response\nIf successful, this method returns `204 No Content` response code.\n\n## Example\n<!-- {{ \"blockType\": \"request\" }} -->\n```http\nPOST https://graph.microsoft.com/v1.0/me/widgets/1/{action}\nContent-type: application/json\n\n{sent}\n```\n"),
        )
    };
    let (model, diags) = with_resources(vec![
        ("api/widget-forward.md", named_in_prose),
        ("api/widget-reply.md", with_table),
        ("api/widget-open.md", resource_body("open", "{\"displayName\": \"x\", \"id\": \"1\"}")),
        ("api/widget-close.md", resource_body("close", "{\"displayName\": \"x\", \"reason\": \"done\"}")),
    ]);
    let parameters = |path: &str| match &operation(&model, "POST", path).request_body {
        Some(RequestBody::Parameters { parameters, .. }) => parameters.iter().map(|p| format!("{}: {}", p.json_name, p.ty)).collect(),
        other => vec![format!("{other:?}")],
    };
    assert_eq!(
        parameters("/me/widgets/{widget_id}/forward"),
        ["tags: Collection(Edm.String)", "widget: microsoft.graph.widget", "note: Json"],
        "typed as the bound type's member, else as the type of that name, else any JSON; not `settings` (another type's), not `id` (plural)"
    );
    assert_eq!(
        parameters("/me/widgets/{widget_id}/reply"),
        ["Widget: microsoft.graph.widget", "comment: Edm.String"],
        "a name the table lists, in any case, is not added twice"
    );
    assert_eq!(
        parameters("/me/widgets/{widget_id}/open"),
        ["displayName: Edm.String", "id: Edm.String"],
        "members of the named type, its bases' included"
    );
    assert_eq!(
        operation(&model, "POST", "/me/widgets/{widget_id}/close").request_body,
        Some(RequestBody::Resource { ty: docgen::model::TypeRef::Named("microsoft.graph.user".into()) }),
        "a member the type lacks: the example is not read as its parameters"
    );
    let count = |code: &str| diags.iter().filter(|d| d.contains(&format!("warning[{code}]"))).count();
    assert_eq!((count("parameter-in-prose"), count("resource-body-parameters")), (3, 1), "{diags:#?}");
}

#[test]
fn a_request_annotated_as_a_call_is_a_function_and_optional_arguments_are_marked() {
    let recent = api(
        "List recent widgets",
        "## HTTP request\n<!-- { \"blockType\": \"request\", \"name\": \"recent\", \"target\": \"action\" } -->\n```http\nGET /me/widgets/recent\n```\n\n## Function parameters\n| Parameter | Type | Description |\n|--|--|--|\n| token | String | Optional. Where to start. |\n| top | Int32 | How many. |\n\n## Response\nIf successful, this method returns a `200 OK` response code and a collection of [widget](../resources/widget.md) objects.\n",
    );
    let listed = api(
        "List widgets",
        "## HTTP request\n<!-- { \"blockType\": \"request\", \"name\": \"list\" } -->\n```http\nGET /me/widgets\n```\n\n## Response\nIf successful, this method returns a `200 OK` response code and a collection of [widget](../resources/widget.md) objects.\n",
    );
    let (model, _) = with_resources(vec![("api/widget-recent.md", recent), ("api/widget-list.md", listed)]);
    let recent = operation(&model, "GET", "/me/widgets/recent");
    assert_eq!(
        (recent.kind, recent.id.as_str()),
        (OperationKind::Function, "me_widgets_recent"),
        "the annotation's target says it is a call"
    );
    assert_eq!(recent.optional_arguments, ["token"], "`Optional.` in its row; `top` is not");
    assert!(recent.is_optional_argument("token") && !recent.is_optional_argument("top"));
    assert_eq!(operation(&model, "GET", "/me/widgets").kind, OperationKind::List);
}

#[test]
fn a_bare_path_beside_spelled_overloads_takes_no_arguments() {
    let image = api(
        "widget: image",
        "## HTTP request\n```http\nGET /me/widgets/{id}/image\nGET /me/widgets/{id}/image(width=640)\nGET /me/widgets/{id}/image(width=640,mode='fit')\n```\n\n## Path parameters\n| Parameter | Type | Description |\n|--|--|--|\n| width | Int32 | Optional. Width. |\n| mode | String | How to fit. |\n\n## Response\nIf successful, this method returns a `200 OK` response code and a String in the response body.\n",
    );
    let (model, _) = with_resources(vec![("api/widget-image.md", image)]);
    let arguments = |path: &str| operation(&model, "GET", path).function_parameters.iter().map(|p| p.json_name.clone()).collect::<Vec<_>>();
    assert!(arguments("/me/widgets/{widget_id}/image").is_empty(), "the overload without arguments");
    assert_eq!(arguments("/me/widgets/{widget_id}/image(width=640)"), ["width"]);
    assert_eq!(arguments("/me/widgets/{widget_id}/image(width=640,mode='fit')"), ["width", "mode"]);
}

#[test]
fn a_request_form_only_the_example_shows_becomes_an_operation() {
    let page = api(
        "driveItem: createUploadSession",
        "## HTTP request\n<!-- { \"blockType\": \"ignored\" } -->\n```http\nPOST /me/drive/items/{itemId}/createUploadSession\n```\n\n## Response\nIf successful, this method returns a `200 OK` response code and a [widget](../resources/widget.md) object in the response body.\n\n## Example\n<!-- { \"blockType\": \"request\", \"name\": \"by_path\" } -->\n```http\nPOST https://graph.microsoft.com/v1.0/me/drive/root:/{item-path}:/createUploadSession\n```\n\n<!-- { \"blockType\": \"request\", \"name\": \"one_sample\" } -->\n```http\nPOST https://graph.microsoft.com/v1.0/me/drive/root:/Reports/a.txt:/createUploadSession\n```\n\n<!-- { \"blockType\": \"request\", \"name\": \"elsewhere\" } -->\n```http\nPOST https://graph.microsoft.com/v1.0/me/drive/items/{itemId}/copy\n```\n",
    );
    let (model, diags) = with_resources(vec![("api/driveitem-createuploadsession.md", page)]);
    // The documented form, and the templated example at another address of the same action; not the
    // sample URL with literal names, nor the example of another action.
    assert_eq!(
        paths(&model),
        ["POST /me/drive/items/{item_id}/createUploadSession", "POST /me/drive/root:/{item_path}:/createUploadSession"]
    );
    let by_path = &model.operations[1];
    assert!(by_path.example_only && !model.operations[0].example_only);
    assert_eq!((by_path.path_params[0].name.as_str(), by_path.path_params[0].holds_path), ("item_path", true));
    assert_eq!(by_path.source.line, 25);
    let reported: Vec<&String> = diags.iter().filter(|d| d.contains("example-only-request")).collect();
    assert_eq!(reported.len(), 1, "{diags:?}");
    assert!(reported[0].starts_with("api/driveitem-createuploadsession.md:25: warning[example-only-request]"), "{}", reported[0]);
}
