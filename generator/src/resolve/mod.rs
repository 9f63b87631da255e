//! Stage 3: pages -> API model. Links pages together, reconciles the sources a
//! page offers for the same fact, and reports every disagreement. The order
//! in which things are read is here (types) and in `operations.rs`
//! (operations); each rule that reconciles or completes what pages say is a
//! file of its own under `rules/`, whose module doc lists them.

mod call_examples;
mod operations;
pub mod paths;
mod permissions;
mod rules;
pub mod types;

use crate::diagnostics::Diagnostics;
use crate::model::{ApiModel, EnumMember, Source, TypeDef, TypeKind};
use crate::parse::example::{Example, ExampleMessage};
use crate::parse::page::{ExampleRole, Page, PageKind};
use rules::{
    bad_base_type, base_type_mismatch, conflicting_duplicate, derived_types, duplicate_property, example_member, member_case,
    navigation_collection, open_type, path_navigation, type_name_mismatch, undocumented_property,
};
use std::collections::BTreeMap;
use types::{documented_types, page_namespace, Form, TypeIndex};

/// The model's types so far, by qualified name.
type TypeDefs = BTreeMap<String, TypeDef>;

pub fn resolve(pages: &[Page], diags: &mut Diagnostics) -> ApiModel {
    let index = TypeIndex::build(pages, diags);
    let mut types: TypeDefs = BTreeMap::new();
    let (origins, duplicates): (Vec<_>, Vec<_>) =
        pages.iter().flat_map(|page| type_defs(page, &index, diags)).partition(|(_, origin)| *origin);
    for (def, _) in origins {
        types.insert(def.qualified_name(), def);
    }
    for (def, _) in duplicates {
        if let Some(target) = index.merged_into(&def.qualified_name()).and_then(|q| types.get_mut(q)) {
            conflicting_duplicate::merge(target, def, diags);
        }
    }
    for page in pages.iter().filter(|p| !p.derived_types.is_empty()) {
        derived_types::adopt(page, &index, &mut types, diags);
    }
    for page in pages.iter().filter(|p| p.kind == PageKind::Resource && p.base_type.is_some()) {
        base_type_mismatch::reconcile(page, &index, &mut types, diags);
    }
    let mut resolver = operations::OperationResolver::new(&index, &mut types);
    for page in pages.iter().filter(|p| p.kind == PageKind::Api) {
        resolver.add_page(page, diags);
    }
    let (mut operations, base_url, observations) = resolver.finish(diags);
    bad_base_type::check(&mut types, diags);
    path_navigation::learn_from_paths(&mut types, &operations, diags);
    navigation_collection::from_operations(&mut types, &operations, diags);
    example_member::learn_members(&mut types, observations, &index, diags);
    permissions::attach(pages, &mut operations);
    call_examples::attach(pages, &mut operations);
    ApiModel { base_url, operations, types: types.into_values().collect() }
}

/// The types a page documents, each flagged true when it is the kept definition
/// of its name (false: a duplicate to merge into it).
fn type_defs(page: &Page, index: &TypeIndex, diags: &mut Diagnostics) -> Vec<(TypeDef, bool)> {
    let namespace = page_namespace(page).to_owned();
    let mut defs = Vec::new();
    for documented in documented_types(page) {
        let qualified = format!("{namespace}.{}", documented.name);
        let origin = index.is_origin(&qualified, &page.file, documented.line);
        if origin && documented.anchor.is_none() {
            type_name_mismatch::report(page, &documented.name, diags);
        }
        let source = Source { file: page.file.clone(), line: documented.line };
        let (kind, description, open) = match documented.form {
            Form::Enum(rows) => (TypeKind::Enum { members: enum_members(page, rows) }, page.description.clone(), false),
            Form::Object => (object_kind(page, index, diags), page.description.clone(), open_type::is_open(page)),
        };
        let description = if documented.anchor.is_some() { String::new() } else { description };
        defs.push((
            TypeDef {
                namespace: namespace.clone(),
                name: documented.name,
                description,
                inferred: false,
                open: open && documented.anchor.is_none(),
                kind,
                area: page.area.clone(),
                source,
            },
            origin,
        ));
    }
    defs
}

fn object_kind(page: &Page, index: &TypeIndex, diags: &mut Diagnostics) -> TypeKind {
    let mut properties = duplicate_property::properties(page, &page.properties, index, diags);
    let mut navigation = duplicate_property::properties(page, &page.relationships, index, diags);
    member_case::respell(page, [&mut properties, &mut navigation], diags);
    let shown = undocumented_property::shown_members(page, index, (&properties, &navigation), diags);
    properties.extend(shown);
    let base = base_type_mismatch::stated_base(page, index, diags);
    TypeKind::Object { base, properties, navigation }
}

fn enum_members(page: &Page, rows: &[crate::parse::page::Row]) -> Vec<EnumMember> {
    rows.iter()
        .map(|m| EnumMember {
            name: m.name.clone(),
            description: m.description.clone(),
            source: Source { file: page.file.clone(), line: m.line },
        })
        .collect()
}

/// `name` and its bases, nearest first (loops are cut by `bad_base_type`; until
/// then, and anyway, a repeated base ends the chain).
fn ancestry(types: &TypeDefs, name: &str) -> Vec<String> {
    let mut chain = vec![name.to_owned()];
    while let Some(base) = chain.last().and_then(|current| base_of(types, current)) {
        if chain.contains(&base) {
            break;
        }
        chain.push(base);
    }
    chain
}

fn base_of(types: &TypeDefs, name: &str) -> Option<String> {
    match &types.get(name)?.kind {
        TypeKind::Object { base, .. } => base.clone(),
        TypeKind::Enum { .. } => None,
    }
}

/// A request or response example that holds a message, as the rules read it.
#[derive(Clone, Copy)]
struct Exchange<'p> {
    message: &'p ExampleMessage,
    /// The body's JSON and the line it starts on.
    json: Option<(&'p serde_json::Value, u32)>,
    /// Annotated `"opaqueUrl": true`: a request to a URL the service handed out
    /// (an upload session on another host), not an address of the API.
    opaque_url: bool,
    /// The line of the example's opening fence.
    line: u32,
}

impl<'p> Exchange<'p> {
    /// The page's examples of `role` that hold a message, in page order.
    fn all(page: &'p Page, role: ExampleRole) -> Vec<Exchange<'p>> {
        page.examples.iter().filter(|e| e.role == role).filter_map(Exchange::of).collect()
    }

    /// The example's message and JSON, when it holds a message.
    fn of(example: &'p Example) -> Option<Exchange<'p>> {
        let opaque_url = example.annotation.raw.get("opaqueUrl").and_then(serde_json::Value::as_bool) == Some(true);
        Some(Exchange { message: example.message.as_ref()?, json: example.json(), opaque_url, line: example.line })
    }
}
