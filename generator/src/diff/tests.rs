use super::*;
use crate::model::{
    EnumMember, HeaderParam, Operation, OperationKind, PathParam, Property, RequestBody, ResponseSpec, TypeDef, TypeKind, TypeRef,
};
use std::collections::BTreeSet;

fn src(file: &str, line: u32) -> Source {
    Source { file: file.into(), line }
}

fn ty(text: &str) -> TypeRef {
    text.parse().unwrap()
}

fn op(method: &str, documented_path: &str, id: &str) -> Operation {
    let method = crate::model::HttpMethod::from_name(method).expect("an HTTP method");
    let params = documented_path
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}'))
        .map(|(p, _)| PathParam { name: p.replace('-', "_"), documented: p.into(), holds_path: false })
        .collect();
    Operation {
        id: id.into(),
        title: format!("{id} title"),
        path_params: params,
        responses: vec![ResponseSpec { status: 200, body: Some(ty("microsoft.graph.widget")), when: None, monitored: false }],
        area: "other".into(),
        source: src(&format!("api/{id}.md"), 10),
        ..crate::emit::rust::test_model::operation(method, documented_path)
    }
}

fn prop(name: &str, type_text: &str, line: u32) -> Property {
    Property {
        json_name: name.into(),
        ty: ty(type_text),
        description: format!("The {name}."),
        source: src("resources/widget.md", line),
        deprecated: false,
        non_null: false,
    }
}

fn object(name: &str, base: Option<&str>, properties: Vec<Property>) -> TypeDef {
    TypeDef {
        namespace: "microsoft.graph".into(),
        name: name.into(),
        description: String::new(),
        inferred: false,
        open: false,
        kind: TypeKind::Object { base: base.map(str::to_owned), properties, navigation: Vec::new() },
        area: "other".into(),
        source: src(&format!("resources/{}.md", name.to_lowercase()), 1),
    }
}

fn enumeration(name: &str, members: &[&str]) -> TypeDef {
    TypeDef {
        namespace: "microsoft.graph".into(),
        name: name.into(),
        description: String::new(),
        inferred: false,
        open: false,
        kind: TypeKind::Enum {
            members: members
                .iter()
                .enumerate()
                .map(|(i, m)| EnumMember {
                    name: (*m).into(),
                    description: String::new(),
                    source: src("resources/color.md", 20 + i as u32),
                })
                .collect(),
        },
        area: "other".into(),
        source: src("resources/color.md", 1),
    }
}

fn model(operations: Vec<Operation>, mut types: Vec<TypeDef>) -> ApiModel {
    types.sort_by_key(TypeDef::qualified_name);
    ApiModel { base_url: None, operations, types }
}

fn widget() -> TypeDef {
    object("widget", None, vec![prop("id", "Edm.String", 10), prop("size", "Edm.Int32", 11)])
}

/// `(kind, change, name, breaking)` of each change, for compact assertions.
fn brief(changes: &[Change]) -> Vec<(&'static str, &'static str, &str, bool)> {
    changes.iter().map(|c| (c.element.as_str(), c.delta.as_str(), c.name.as_str(), c.breaking)).collect()
}

#[test]
fn identical_models_have_no_changes() {
    let m = model(vec![op("GET", "/widgets/{id}", "get_widget")], vec![widget(), enumeration("color", &["red"])]);
    assert!(diff(&m, &m).is_empty());
    assert_eq!(Counts::of(&diff(&m, &m)).to_string(), "none");
}

#[test]
fn descriptions_titles_and_locations_are_not_changes() {
    let old = model(vec![op("GET", "/widgets/{id}", "get_widget")], vec![widget()]);
    let mut new = old.clone();
    new.operations[0].title = "Read a widget".into();
    new.operations[0].description = "Reads one.".into();
    new.operations[0].source = src("api/other.md", 99);
    new.types[0].description = "A widget.".into();
    if let TypeKind::Object { properties, .. } = &mut new.types[0].kind {
        properties[0].description = "Key.".into();
        properties[0].source.line = 50;
    }
    assert!(diff(&old, &new).is_empty());
}

#[test]
fn operations_are_identified_by_method_and_path_structure() {
    let old = model(
        vec![
            op("GET", "/widgets/{id}", "get_widget"),
            op("GET", "/me/contactfolders/{id}", "get_folder"),
            op("DELETE", "/widgets/{id}", "delete_widget"),
        ],
        vec![],
    );
    let new = model(
        vec![
            op("GET", "/widgets/{widget-id}", "get_widget"),
            op("GET", "/me/contactFolders/{contactFolderId}", "get_folder"),
            op("POST", "/widgets", "create_widget"),
        ],
        vec![],
    );
    let changes = diff(&old, &new);
    assert_eq!(
        brief(&changes),
        // `contactfolders` -> `contactFolders` moves it: `.contactfolders()` becomes `.contact_folders()`.
        vec![
            ("operation", "removed", "DELETE /widgets/{id}", true),
            ("operation", "changed", "GET /me/contactFolders/{contactFolderId}", true),
            ("operation", "added", "POST /widgets", false)
        ]
    );
    let added = &changes[2];
    assert_eq!((added.old.as_ref(), added.new.as_ref()), (None, Some(&src("api/create_widget.md", 10))));
    assert_eq!(added.detail, "new function `widgets().get`, returns `microsoft.graph.widget`");
    assert_eq!(operations::operation_key("get", "/Me/contactFolders/{id}/x(a='{b}')"), "GET /me/contactfolders/{}/x(a='{}')");
}

#[test]
fn a_new_path_parameter_is_another_operation_so_the_old_one_is_removed() {
    let old = model(vec![op("GET", "/widgets/{id}/parts", "list_parts")], vec![]);
    let new = model(vec![op("GET", "/widgets/{id}/parts/{part-id}", "list_parts")], vec![]);
    assert_eq!(
        brief(&diff(&old, &new)),
        vec![("operation", "removed", "GET /widgets/{id}/parts", true), ("operation", "added", "GET /widgets/{id}/parts/{part-id}", false)]
    );
}

#[test]
fn renamed_changes_report_the_new_documented_path() {
    let old = model(vec![op("GET", "/widgets/{id}", "get_widget")], vec![]);
    let mut new = model(vec![op("GET", "/Widgets/{widgetId}", "get_widgets")], vec![]);
    new.operations[0].responses[0].body = Some(ty("Collection(microsoft.graph.widget)"));
    new.operations[0].kind = OperationKind::List;
    let changes = diff(&old, &new);
    assert_eq!(
        brief(&changes),
        vec![("operation", "changed", "GET /Widgets/{widgetId}", true), ("response", "changed", "GET /Widgets/{widgetId}", true)]
    );
    assert_eq!(changes[0].detail, "moved `widgets().by_id().get` -> `widgets().by_id().list`");
    assert_eq!(Counts::of(&changes).moved, 1);
    assert_eq!(changes[1].detail, "200 `microsoft.graph.widget` -> 200 `Collection(microsoft.graph.widget)`");
    assert_eq!(changes[1].old, Some(src("api/get_widget.md", 10)));
    assert_eq!(changes[1].new, Some(src("api/get_widgets.md", 10)));
}

#[test]
fn a_status_change_alone_is_not_breaking() {
    let old = model(vec![op("POST", "/widgets", "create_widget")], vec![]);
    let mut new = old.clone();
    new.operations[0].responses[0].status = 201;
    let changes = diff(&old, &new);
    assert_eq!(brief(&changes), vec![("response", "changed", "POST /widgets", false)]);
    assert_eq!(changes[0].detail, "200 `microsoft.graph.widget` -> 201 `microsoft.graph.widget`");
}

#[test]
fn operations_sharing_a_key_are_paired_by_path_then_page() {
    let mut a = op("GET", "/sites/{site-id}/lists/{list-id}", "get_list");
    let mut b = op("GET", "/sites/{site-id}/lists/{list-title}", "get_list_2");
    let old = model(vec![a.clone(), b.clone()], vec![]);
    // Same two endpoints, one placeholder renamed: nothing changed.
    b.documented_path = "/sites/{site-id}/lists/{title}".into();
    let new = model(vec![b.clone(), a.clone()], vec![]);
    assert!(diff(&old, &new).is_empty());
    // One of them gone: the one left is the same page, so only the other is removed.
    a.documented_path = "/sites/{id}/lists/{id}".into();
    let new = model(vec![a], vec![]);
    assert_eq!(brief(&diff(&old, &new)), vec![("operation", "removed", "GET /sites/{site-id}/lists/{list-title}", true)]);
}

#[test]
fn action_parameters_added_are_optional_removed_or_retyped_break() {
    let mut old_op = op("POST", "/widgets/{id}/paint", "paint");
    old_op.request_body = Some(RequestBody::Parameters {
        type_name: "PaintRequest".into(),
        parameters: vec![prop("color", "microsoft.graph.color", 30), prop("coats", "Edm.Int32", 31)],
    });
    let mut new_op = old_op.clone();
    new_op.documented_path = "/widgets/{widget-id}/paint".into();
    new_op.request_body = Some(RequestBody::Parameters {
        type_name: "PaintRequest".into(),
        parameters: vec![prop("color", "Edm.String", 30), prop("finish", "Edm.String", 32)],
    });
    let changes = diff(&model(vec![old_op], vec![]), &model(vec![new_op], vec![]));
    assert_eq!(
        brief(&changes),
        vec![
            ("parameter", "removed", "POST /widgets/{widget-id}/paint/coats", true),
            ("parameter", "changed", "POST /widgets/{widget-id}/paint/color", true),
            ("parameter", "added", "POST /widgets/{widget-id}/paint/finish", false),
        ]
    );
    assert_eq!(changes[1].detail, "action parameter type `microsoft.graph.color` -> `Edm.String`");
    // Located at the parameter rows, not at the request line.
    assert_eq!((changes[0].old.clone(), changes[0].new.clone()), (Some(src("resources/widget.md", 31)), None));
    assert_eq!((changes[2].old.clone(), changes[2].new.clone()), (None, Some(src("resources/widget.md", 32))));
}

#[test]
fn request_body_shape_changes_break_the_signature() {
    let old_op = op("PATCH", "/widgets/{id}", "update_widget");
    let mut new_op = old_op.clone();
    new_op.request_body = Some(RequestBody::Resource { ty: ty("microsoft.graph.widget") });
    let changes = diff(&model(vec![old_op], vec![]), &model(vec![new_op.clone()], vec![]));
    assert_eq!(brief(&changes), vec![("operation", "changed", "PATCH /widgets/{id}", true)]);
    assert_eq!(changes[0].detail, "now takes a request body: `microsoft.graph.widget`");
    let mut newer = new_op.clone();
    newer.request_body = Some(RequestBody::Resource { ty: ty("microsoft.graph.gadget") });
    let changes = diff(&model(vec![new_op], vec![]), &model(vec![newer], vec![]));
    assert_eq!(changes[0].detail, "request body `microsoft.graph.widget` -> `microsoft.graph.gadget`");
}

#[test]
fn query_options_never_break_required_headers_do() {
    let mut old_op = op("GET", "/widgets", "list_widgets");
    old_op.query_options = vec!["$select".into(), "$top".into()];
    old_op.headers = vec![HeaderParam { name: "Prefer".into(), required: false, description: String::new() }];
    let mut new_op = old_op.clone();
    new_op.query_options = vec!["$select".into(), "$filter".into()];
    new_op.headers = vec![
        HeaderParam { name: "prefer".into(), required: false, description: "Changed text.".into() },
        HeaderParam { name: "ConsistencyLevel".into(), required: true, description: String::new() },
    ];
    assert_eq!(
        brief(&diff(&model(vec![old_op], vec![]), &model(vec![new_op], vec![]))),
        vec![
            ("parameter", "added", "GET /widgets/$filter", false),
            ("parameter", "removed", "GET /widgets/$top", false),
            ("parameter", "added", "GET /widgets/ConsistencyLevel", true),
        ]
    );
}

#[test]
fn properties_added_are_safe_removed_or_retyped_break() {
    let old = model(vec![], vec![widget()]);
    let new_widget =
        object("widget", None, vec![prop("id", "Edm.String", 10), prop("size", "Edm.Int64", 12), prop("label", "Edm.String", 13)]);
    let changes = diff(&old, &model(vec![], vec![new_widget.clone()]));
    assert_eq!(
        brief(&changes),
        vec![("property", "added", "microsoft.graph.widget/label", false), ("property", "changed", "microsoft.graph.widget/size", true)]
    );
    assert_eq!(changes[1].detail, "type `Edm.Int32` -> `Edm.Int64`");
    assert_eq!(
        (changes[1].old.clone(), changes[1].new.clone()),
        (Some(src("resources/widget.md", 11)), Some(src("resources/widget.md", 12)))
    );
    let changes = diff(&model(vec![], vec![new_widget]), &old);
    assert_eq!(
        brief(&changes),
        vec![("property", "removed", "microsoft.graph.widget/label", true), ("property", "changed", "microsoft.graph.widget/size", true)]
    );
    assert_eq!(changes[0].new, None);
}

#[test]
fn a_deprecation_is_a_changelog_note_that_breaks_nothing() {
    let old = model(vec![], vec![widget()]);
    let mut deprecated = widget();
    if let TypeKind::Object { properties, .. } = &mut deprecated.kind {
        properties[0].deprecated = true;
    }
    let changes = diff(&old, &model(vec![], vec![deprecated]));
    assert_eq!(brief(&changes), vec![("property", "changed", "microsoft.graph.widget/id", false)]);
    assert_eq!(changes[0].detail, "now deprecated");
}

#[test]
fn a_property_moved_to_the_relationships_is_the_same_field() {
    let old = model(vec![], vec![widget()]);
    let mut moved = widget();
    if let TypeKind::Object { properties, navigation, .. } = &mut moved.kind {
        navigation.push(properties.pop().unwrap());
    }
    assert!(diff(&old, &model(vec![], vec![moved])).is_empty());
}

#[test]
fn types_and_enum_members() {
    let old = model(vec![], vec![widget(), enumeration("color", &["red", "green"]), object("gadget", None, vec![])]);
    let new = model(vec![], vec![widget(), enumeration("color", &["red", "blue"]), enumeration("shape", &["round"])]);
    let changes = diff(&old, &new);
    assert_eq!(
        brief(&changes),
        vec![
            ("type", "removed", "microsoft.graph.gadget", true),
            ("type", "added", "microsoft.graph.shape", false),
            ("enum_member", "added", "microsoft.graph.color/blue", false),
            ("enum_member", "removed", "microsoft.graph.color/green", true),
        ]
    );
    assert_eq!(changes[1].detail, "new enum (1 member)");
    let to_enum = model(vec![], vec![enumeration("widget", &["a"])]);
    let changes = diff(&model(vec![], vec![widget()]), &to_enum);
    assert_eq!(brief(&changes), vec![("type", "changed", "microsoft.graph.widget", true)]);
    assert_eq!(changes[0].detail, "was an object type, now an enum");
    let mut open = widget();
    open.open = true;
    let changes = diff(&model(vec![], vec![widget()]), &model(vec![], vec![open]));
    assert_eq!(brief(&changes), vec![("type", "changed", "microsoft.graph.widget", false)]);
    assert_eq!(changes[0].detail, "now an open type (members beyond the documented ones)");
}

#[test]
fn a_base_type_change_breaks_only_when_an_ancestor_is_lost() {
    let entity = object("entity", None, vec![prop("id", "Edm.String", 5)]);
    let item = object("item", Some("microsoft.graph.entity"), vec![]);
    let old = model(vec![], vec![entity.clone(), item.clone(), object("widget", Some("microsoft.graph.entity"), vec![])]);
    // entity -> item -> entity: entity is still an ancestor.
    let inserted = model(vec![], vec![entity.clone(), item.clone(), object("widget", Some("microsoft.graph.item"), vec![])]);
    let changes = diff(&old, &inserted);
    assert_eq!(brief(&changes), vec![("type", "changed", "microsoft.graph.widget", false)]);
    assert_eq!(changes[0].detail, "base type `microsoft.graph.entity` -> `microsoft.graph.item`");
    let dropped = model(vec![], vec![entity, item, object("widget", None, vec![])]);
    let changes = diff(&old, &dropped);
    assert_eq!(brief(&changes), vec![("type", "changed", "microsoft.graph.widget", true)]);
    assert_eq!(changes[0].detail, "base type `microsoft.graph.entity` -> none; no longer inherits from `microsoft.graph.entity`");
}

#[test]
fn changes_are_sorted_by_kind_then_name_then_change() {
    let old = model(vec![op("GET", "/b", "b"), op("GET", "/z", "z")], vec![object("zeta", None, vec![])]);
    let mut new = model(vec![op("GET", "/a", "a"), op("GET", "/z", "z2")], vec![object("alpha", None, vec![])]);
    new.operations[1].kind = OperationKind::List;
    let changes = diff(&old, &new);
    let names: Vec<(&str, &str)> = changes.iter().map(|c| (c.element.as_str(), c.name.as_str())).collect();
    assert_eq!(
        names,
        vec![
            ("operation", "GET /a"),
            ("operation", "GET /b"),
            ("operation", "GET /z"),
            ("type", "microsoft.graph.alpha"),
            ("type", "microsoft.graph.zeta")
        ]
    );
}

#[test]
fn counts_read_as_one_line() {
    let old = model(vec![], vec![widget()]);
    let mut new = model(vec![op("GET", "/a", "a"), op("GET", "/b", "b")], vec![widget()]);
    if let TypeKind::Object { properties, .. } = &mut new.types[0].kind {
        properties[1].ty = ty("Edm.String");
    }
    assert_eq!(Counts::of(&diff(&old, &new)).to_string(), "2 operations added, 1 property changed (1 breaking)");
}

#[test]
fn json_has_the_documented_shape() {
    let old = model(vec![], vec![widget()]);
    let new = model(vec![], vec![object("widget", None, vec![prop("id", "Edm.String", 10)])]);
    let text = json::render(&diff(&old, &new));
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        value,
        serde_json::json!({"changes": [{
            "kind": "property",
            "change": "removed",
            "name": "microsoft.graph.widget/size",
            "breaking": true,
            "detail": "property `Edm.Int32` removed",
            "old": "resources/widget.md:11",
            "new": null
        }]})
    );
    let keys: Vec<&String> = value["changes"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["kind", "change", "name", "breaking", "detail", "old", "new"]);
    assert_eq!(json::render(&[]), "{\n  \"changes\": []\n}\n");
}

#[test]
fn markdown_puts_the_table_first_and_breaking_changes_before_the_others() {
    let old = model(vec![op("GET", "/widgets/{id}", "widget-get")], vec![widget()]);
    let mut new = model(vec![op("GET", "/widgets/{id}", "widget-get"), op("POST", "/widgets", "widget-post")], vec![]);
    new.types.push(object("widget", None, vec![prop("id", "Edm.String", 10)]));
    let text = markdown::render(&diff(&old, &new), "v1", "v2");
    let table = text.find("| kind | added | removed | changed | breaking |").unwrap();
    let breaking = text.find("## Breaking changes (1)").unwrap();
    let other = text.find("## Other changes (1)").unwrap();
    assert!(table < breaking && breaking < other, "{text}");
    assert!(text.contains("| operations | 1 | 0 | 0 | 0 |"), "{text}");
    assert!(text.contains("| properties | 0 | 1 | 0 | 1 |"), "{text}");
    assert!(text.contains("| **total** | **1** | **1** | **0** | **1** |"), "{text}");
    // Grouped by resource: the operation's page is `widget-post.md`, so it belongs to `widget`.
    assert!(text.contains(
        "### `microsoft.graph.widget`\n\n- **added** operation `POST /widgets`: new function `widgets().get`, returns `microsoft.graph.widget` (`api/widget-post.md:10`)"
    ), "{text}");
    assert!(
        text.contains("- **removed** property `microsoft.graph.widget/size`: property `Edm.Int32` removed (was `resources/widget.md:11`)"),
        "{text}"
    );
    assert_eq!(markdown::render(&[], "a", "b"), "# API changes\n\n`a` -> `b`\n\nNo API changes.\n");
}

#[test]
fn the_snapshot_reads_back_and_diffs_clean_against_its_model() {
    let mut m = model(vec![op("POST", "/widgets/{id}/paint", "paint")], vec![widget(), enumeration("color", &["red"])]);
    m.operations[0].request_body =
        Some(RequestBody::Parameters { type_name: "PaintRequest".into(), parameters: vec![prop("color", "microsoft.graph.color", 3)] });
    let snapshot = crate::emit::model_snapshot(&m);
    let back = model_from_snapshot(&snapshot).unwrap();
    assert_eq!(back.types[1].source, src("resources/widget.md", 0), "lines are dropped, pages kept");
    assert!(diff(&back, &m).is_empty());
    assert_eq!(snapshot_summary(Some(&snapshot), &m), "api changes: none");
    let mut grown = m.clone();
    grown.operations.push(op("GET", "/widgets", "list_widgets"));
    assert_eq!(snapshot_summary(Some(&snapshot), &grown), "api changes: 1 operation added");
    assert_eq!(snapshot_summary(None, &m), "api changes: no previous api-model.json to compare with");
    assert!(snapshot_summary(Some("{"), &m).starts_with("api changes: unknown, the previous api-model.json cannot be read"));
}

#[test]
fn a_removed_operation_names_what_its_page_documents_now() {
    let old = model(vec![op("GET", "/workbook/names", "names"), op("GET", "/workbook/tables", "tables")], vec![]);
    let mut moved = op("GET", "/me/drive/items/{id}/workbook/names", "names");
    moved.id = "list_me_drive_items_workbook_names".into();
    let new = model(vec![moved], vec![]);
    let changes = diff(&old, &new);
    assert_eq!(
        brief(&changes),
        vec![
            ("operation", "added", "GET /me/drive/items/{id}/workbook/names", false),
            ("operation", "removed", "GET /workbook/names", true),
            ("operation", "removed", "GET /workbook/tables", true),
        ]
    );
    assert_eq!(
        changes[1].detail,
        "function `workbook().names().get` removed; its page now documents `GET /me/drive/items/{id}/workbook/names`"
    );
    assert_eq!(changes[2].detail, "function `workbook().tables().get` removed");
}

#[test]
fn function_parameters_break_only_where_they_are_arguments_of_the_generated_function() {
    // `period` is spelled in the path (a `&str` path argument whatever its row
    // says); `date` and `top` are not: they are typed arguments.
    let mut old_op = op("GET", "/reports/getUsage(period='{period}')", "get_usage");
    old_op.function_parameters = vec![prop("period", "Edm.String", 40), prop("top", "Edm.Int32", 42)];
    let mut new_op = old_op.clone();
    new_op.function_parameters = vec![prop("period", "Edm.Int32", 40), prop("date", "Edm.Date", 41), prop("top", "Edm.Int32", 42)];
    new_op.optional_arguments = vec!["top".into()];
    let changes = diff(&model(vec![old_op], vec![]), &model(vec![new_op], vec![]));
    assert_eq!(
        brief(&changes),
        vec![
            ("parameter", "added", "GET /reports/getUsage(period='{period}')/date", true),
            ("parameter", "changed", "GET /reports/getUsage(period='{period}')/period", false),
            ("parameter", "changed", "GET /reports/getUsage(period='{period}')/top", true),
        ]
    );
    assert_eq!(changes[1].detail, "function parameter type `Edm.String` -> `Edm.Int32`");
    assert_eq!(changes[2].detail, "function parameter now optional");
}

#[test]
fn reordered_function_arguments_break_callers() {
    let mut old_op = op("GET", "/charts/{id}/image", "image");
    old_op.function_parameters = vec![prop("height", "Edm.Int32", 40), prop("width", "Edm.Int32", 41)];
    let mut new_op = old_op.clone();
    new_op.function_parameters.reverse();
    let changes = diff(&model(vec![old_op], vec![]), &model(vec![new_op], vec![]));
    assert_eq!(brief(&changes), vec![("operation", "changed", "GET /charts/{id}/image", true)]);
    assert_eq!(changes[0].detail, "function arguments reordered: height, width -> width, height");
}

#[test]
fn operations_are_grouped_under_the_type_of_their_resource_page() {
    let mut chart = object("workbookChart", None, vec![]);
    chart.source = src("resources/chart.md", 1);
    let mut fill = object("workbookChartFill", None, vec![]);
    fill.source = src("resources/chartfill.md", 1);
    let old = model(vec![], vec![chart.clone(), fill.clone(), widget()]);
    let mut binding = op("POST", "/widgets/{id}/spin", "spin");
    binding.title = "widget: spin".into();
    binding.source = src("api/misc-spin.md", 3);
    let mut delete = op("POST", "/charts/{id}/delete", "chart-delete");
    delete.responses[0].body = None;
    let clear = op("POST", "/charts/{id}/fill/clear", "chartfill-clear");
    let mut orphan = op("GET", "/things", "thing-list");
    orphan.responses[0].body = None;
    let new = model(vec![binding, delete, clear, orphan], vec![chart, fill, widget()]);
    let changes = diff(&old, &new);
    let groups: Vec<(&str, &str)> = changes.iter().map(|c| (c.name.as_str(), c.resource.as_str())).collect();
    assert_eq!(
        groups,
        vec![
            ("GET /things", "thing"),
            ("POST /charts/{id}/delete", "microsoft.graph.workbookChart"),
            ("POST /charts/{id}/fill/clear", "microsoft.graph.workbookChartFill"),
            ("POST /widgets/{id}/spin", "microsoft.graph.widget"),
        ]
    );
}

#[test]
fn an_operation_moved_to_another_cargo_feature_is_reported_but_not_breaking() {
    let old = model(vec![op("GET", "/widgets", "list_widgets")], vec![]);
    let mut new = old.clone();
    new.operations[0].area = "widgets".into();
    let changes = diff(&old, &new);
    assert_eq!(brief(&changes), vec![("operation", "changed", "GET /widgets", false)]);
    assert_eq!(changes[0].detail, "moved from Cargo feature `other` to `widgets`");
    // A snapshot from before areas existed has none: no change.
    let mut unknown = old.clone();
    unknown.operations[0].area = String::new();
    assert!(diff(&unknown, &new).is_empty());
}

/// Everything users of the generated crate name, one line each: functions
/// with their arguments and types, struct fields (with the JSON member they
/// hold) and their member constants, enum variants.
fn signatures(model: &ApiModel) -> BTreeSet<String> {
    use crate::emit::rust::surface::Shape;
    let surface = crate::emit::rust::Surface::new(model, &mut crate::diagnostics::Diagnostics::default());
    let mut out = BTreeSet::new();
    for (_, item) in surface.type_items() {
        out.insert(format!("type {}", item.name));
        match &item.shape {
            Shape::Struct { fields, .. } => {
                out.extend(fields.iter().map(|f| format!("{}.{} ({}): {}", item.name, f.name, f.property.json_name, f.ty)));
                out.extend(fields.iter().map(|f| format!("{}::{} = {:?}", item.name, f.constant, f.property.json_name)));
            }
            Shape::Enum { variants } => out.extend(variants.iter().map(|v| format!("{}::{}", item.name, v.name))),
        }
    }
    for (name, parameters) in surface.parameter_structs() {
        out.extend(parameters.fields.iter().map(|f| format!("{name}.{} ({}): {}", f.name, f.property.json_name, f.ty)));
    }
    for op in surface.operations() {
        let args: Vec<String> = op.call_args.iter().map(|a| format!("{}: {}", a.name, a.ty)).collect();
        let body = op.request_body.as_ref().map(|b| format!(", body: &{b}")).unwrap_or_default();
        out.insert(format!("fn {}({}; {}{body}) -> {}", op.function, op.path_params.join(", "), args.join(", "), op.response));
        // The `Client` method returns what the operation's answer is read as.
        let client = if op.monitored {
            "LongRunning"
        } else if op.content {
            "bytes"
        } else {
            "response"
        };
        out.insert(format!("Client::{} -> {client}", op.function));
    }
    out
}

/// The breaking table of `diff/mod.rs`, row by row, against the surface: a
/// change is breaking exactly when something users name is gone or changed
/// (an old signature line is missing in the new crate), except a newly
/// required header, which changes no signature but makes the service refuse the call.
#[test]
fn the_breaking_table_holds_against_the_surface() {
    let weighed = || {
        let mut widget = widget();
        if let TypeKind::Object { properties, .. } = &mut widget.kind {
            properties.push(prop("weight", "Edm.Double", 12));
        }
        widget
    };
    let base = || model(vec![op("GET", "/widgets/{id}", "get_widget")], vec![weighed(), enumeration("color", &["red", "blue"])]);
    let with = |change: &dyn Fn(&mut ApiModel)| {
        let mut m = base();
        change(&mut m);
        m
    };
    fn property(m: &mut ApiModel) -> &mut Vec<Property> {
        match &mut m.types[1].kind {
            TypeKind::Object { properties, .. } => properties,
            TypeKind::Enum { .. } => unreachable!(),
        }
    }
    let rows: Vec<(&str, ApiModel, bool)> = vec![
        ("operation removed", with(&|m| m.operations.clear()), true),
        ("operation added", with(&|m| m.operations.push(op("GET", "/widgets", "list_widgets"))), false),
        ("moved: named after another kind", with(&|m| m.operations[0].kind = OperationKind::Update), true),
        ("moved: named after another kind (create)", with(&|m| m.operations[0].kind = OperationKind::Create), true),
        (
            "request body added",
            with(&|m| m.operations[0].request_body = Some(RequestBody::Resource { ty: ty("microsoft.graph.widget") })),
            true,
        ),
        ("moved to another product area", with(&|m| m.operations[0].area = "files".into()), false),
        ("type removed", with(&|m| m.types.retain(|t| t.name != "color")), true),
        ("type added", with(&|m| m.types.insert(0, object("gadget", None, vec![]))), false),
        ("property removed", with(&|m| property(m).retain(|p| p.json_name != "size")), true),
        ("property retyped", with(&|m| property(m)[1].ty = ty("Edm.Int64")), true),
        ("property retyped to a typed scalar", with(&|m| property(m)[0].ty = ty("Edm.Guid")), true),
        ("property retyped, same Rust type", with(&|m| property(m)[2].ty = ty("Edm.Decimal")), false),
        ("property added", with(&|m| property(m).push(prop("height", "Edm.Double", 13))), false),
        ("field renamed by a new colliding property", with(&|m| property(m).insert(0, prop("Size", "Edm.Int32", 9))), true),
        ("enum member removed", with(&|m| m.types[0].kind = enumeration("color", &["red"]).kind), true),
        ("enum member added", with(&|m| m.types[0].kind = enumeration("color", &["red", "blue", "green"]).kind), false),
        ("response changed", with(&|m| m.operations[0].responses[0].body = Some(ty("Collection(microsoft.graph.widget)"))), true),
        (
            // Only the flag changes: the `Client` method now returns `LongRunning`.
            "response becomes a monitored action",
            with(&|m| m.operations[0].responses[0].monitored = true),
            true,
        ),
        ("query option added", with(&|m| m.operations[0].query_options.push("$top".into())), false),
        (
            "required header added",
            with(&|m| m.operations[0].headers.push(HeaderParam { name: "If-Match".into(), required: true, description: String::new() })),
            true,
        ),
        (
            "optional header added",
            with(&|m| m.operations[0].headers.push(HeaderParam { name: "Prefer".into(), required: false, description: String::new() })),
            false,
        ),
    ];
    let old = base();
    let before = signatures(&old);
    for (row, new, breaking) in rows {
        let changes = diff(&old, &new);
        assert!(!changes.is_empty(), "{row}: no change reported");
        assert_eq!(changes.iter().any(|c| c.breaking), breaking, "{row}: {changes:#?}");
        let after = signatures(&new);
        let gone: Vec<&String> = before.difference(&after).collect();
        let refused = row == "required header added";
        assert_eq!(!gone.is_empty() || refused, breaking, "{row}: signatures gone {gone:?}");
    }
}
