//! Stage 3: pages -> API model. Links pages together, reconciles the sources a
//! page offers for the same fact, and reports every disagreement.
//!
//! Reconciliation rules (each disagreement also produces a diagnostic):
//! - path: the `## HTTP request` block; when it is empty, the example request.
//! - status: a well-formed example status line, else the response sentence,
//!   else the conventional status for the operation kind.
//! - response type: the type linked in the response sentence, else the
//!   annotation's `@odata.type`, else the word before "object" in the sentence;
//!   a type with no page is inferred from the response example.
//! - two pages listing one request: the page about it (`operations::Fit`).
//! - action parameters: the tables, plus the ones a sentence names ("the
//!   `message` parameter"); a resource body whose example sends that
//!   resource's members is those members.
//! - members: the tables, then what the JSON representation, the paths
//!   (`navigation`) and closed leaf types' examples (`observed`) add.

mod call_examples;
mod example_requests;
mod navigation;
mod observed;
mod operations;
pub mod paths;
mod permissions;
pub mod types;

use crate::diagnostics::Diagnostics;
use crate::model::{ApiModel, EnumMember, Property, Source, TypeDef, TypeKind, TypeRef};
use crate::parse::page::{ExampleRole, Page, PageKind};
use crate::parse::{http, json};
use std::collections::BTreeMap;
use types::{documented_types, infer_properties, page_namespace, Form, TypeIndex};

pub fn resolve(pages: &[Page], diags: &mut Diagnostics) -> ApiModel {
    let index = TypeIndex::build(pages, diags);
    let mut types: BTreeMap<String, TypeDef> = BTreeMap::new();
    let (origins, duplicates): (Vec<_>, Vec<_>) =
        pages.iter().flat_map(|page| type_defs(page, &index, diags)).partition(|(_, origin)| *origin);
    for (def, _) in origins {
        types.insert(def.qualified_name(), def);
    }
    for (def, _) in duplicates {
        if let Some(target) = index.merged_into(&def.qualified_name()).and_then(|q| types.get_mut(q)) {
            merge_type(target, def, diags);
        }
    }
    for page in pages.iter().filter(|p| !p.derived_types.is_empty()) {
        adopt_derived_types(page, &index, &mut types, diags);
    }
    for page in pages.iter().filter(|p| p.kind == PageKind::Resource && p.base_type.is_some()) {
        reconcile_stated_bases(page, &index, &mut types, diags);
    }
    let mut resolver = operations::OperationResolver::new(&index, &mut types);
    for page in pages.iter().filter(|p| p.kind == PageKind::Api) {
        resolver.add_page(page, diags);
    }
    let (mut operations, base_url, observations) = resolver.finish(diags);
    check_bases(&mut types, diags);
    navigation::learn_from_paths(&mut types, &operations, diags);
    observed::learn_members(&mut types, observations, &index, diags);
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
            report_title_mismatch(page, &documented.name, diags);
        }
        let source = Source { file: page.file.clone(), line: documented.line };
        let (kind, description, open) = match documented.form {
            Form::Enum(rows) => (TypeKind::Enum { members: enum_members(page, rows) }, page.description.clone(), false),
            Form::Object => (object_kind(page, index, diags), page.description.clone(), page.open_type),
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

fn report_title_mismatch(page: &Page, name: &str, diags: &mut Diagnostics) {
    if let Some(title_name) = types::title_type_name(page).filter(|t| !t.eq_ignore_ascii_case(name)) {
        if types::annotated_type_name(page).as_deref() == Some(name) {
            let message =
                format!("the title names the type `{title_name}` but its JSON representation is `{name}`; the type is named `{name}`");
            diags.warn(&page.file, page.title_line, "type-name-mismatch", message);
        }
    }
}

/// Adds what a second page documents about a type (members, properties) to the kept definition.
/// A property both pages document keeps the first page's definition; when
/// the second disagrees on its type, that is reported.
fn merge_type(target: &mut TypeDef, extra: TypeDef, diags: &mut Diagnostics) {
    let conflict = |kept: &Property, dropped: &Property, diags: &mut Diagnostics| {
        if kept.ty != dropped.ty {
            let message = format!(
                "property `{}` is also documented at {} as `{}`; this page's `{}` is dropped",
                dropped.json_name, kept.source, kept.ty, dropped.ty
            );
            diags.warn(&dropped.source.file, dropped.source.line, "conflicting-duplicate", message);
        }
    };
    target.open |= extra.open;
    let (qualified, kept_at) = (target.qualified_name(), target.source.clone());
    match (&mut target.kind, extra.kind) {
        (TypeKind::Object { base, properties, navigation }, TypeKind::Object { base: extra_base, properties: p, navigation: n }) => {
            if base.is_none() {
                *base = extra_base;
            }
            for (property, is_navigation) in p.into_iter().map(|p| (p, false)).chain(n.into_iter().map(|n| (n, true))) {
                match properties.iter().chain(navigation.iter()).find(|q| q.json_name.eq_ignore_ascii_case(&property.json_name)) {
                    Some(kept) => conflict(kept, &property, diags),
                    None if is_navigation => navigation.push(property),
                    None => properties.push(property),
                }
            }
        }
        (TypeKind::Enum { members }, TypeKind::Enum { members: extra_members }) => {
            for member in extra_members {
                if !members.iter().any(|m| m.name == member.name) {
                    members.push(member);
                }
            }
        }
        (kept, _) => {
            let form = |k: &TypeKind| if matches!(k, TypeKind::Enum { .. }) { "an enum" } else { "an object type" };
            let message = format!(
                "`{qualified}` is documented at {kept_at} as {}; this page, which documents it as the other form, is dropped",
                form(kept)
            );
            diags.warn(&extra.source.file, extra.source.line, "conflicting-duplicate", message);
        }
    }
}

fn object_kind(page: &Page, index: &TypeIndex, diags: &mut Diagnostics) -> TypeKind {
    let mut properties = properties(page, &page.properties, index, diags);
    let navigation = self::properties(page, &page.relationships, index, diags);
    // The JSON representation is documentation too: members it shows that the
    // tables omit are kept (and reported), so no documented member is lost.
    let documented = |name: &str| properties.iter().chain(&navigation).any(|p: &Property| p.json_name.eq_ignore_ascii_case(name));
    // An open type's representation shows sample dynamic members (user IDs,
    // feedback tokens): only its tables declare members.
    let shown = if page.open_type { Vec::new() } else { properties_from_json(page, index) };
    let missing: Vec<Property> = shown.into_iter().filter(|p| !documented(&p.json_name)).collect();
    let has_tables = !properties.is_empty() || !navigation.is_empty();
    if !missing.is_empty() && has_tables {
        let names = missing.iter().map(|p| format!("`{}`", p.json_name)).collect::<Vec<_>>().join(", ");
        let line = missing[0].source.line;
        diags.warn(
            &page.file,
            line,
            "undocumented-property",
            format!("the JSON representation shows {names}, which the property tables do not list; kept with types inferred from it"),
        );
    }
    properties.extend(missing);
    let base = annotated_base(page, index).or_else(|| {
        page.base_type.as_ref().and_then(|cell| match index.resolve_cell(cell, &page.file, page.title_line, diags) {
            TypeRef::Named(base) => Some(base),
            _ => None,
        })
    });
    TypeKind::Object { base, properties, navigation }
}

/// The `baseType` of the JSON representation's annotation: machine-readable, so
/// preferred over the prose "Inherits from" sentence when it names a known type.
fn annotated_base(page: &Page, index: &TypeIndex) -> Option<String> {
    let example = page.examples.iter().find(|e| e.role == ExampleRole::Resource)?;
    let base = example.annotation.raw.get("baseType")?.as_str()?;
    index.lookup(base).cloned()
}

fn properties(page: &Page, rows: &[crate::parse::page::Row], index: &TypeIndex, diags: &mut Diagnostics) -> Vec<Property> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for row in rows {
        let name = row.name.trim_end_matches('*').trim();
        if seen.contains(&name) {
            diags.warn(&page.file, row.line, "duplicate-property", format!("property `{name}` is listed twice; the first row is kept"));
            continue;
        }
        seen.push(name);
        let ty = index.resolve_cell(&row.ty, &page.file, row.line, diags);
        out.push(Property {
            json_name: name.to_owned(),
            ty,
            description: row.description.clone(),
            source: Source { file: page.file.clone(), line: row.line },
        });
    }
    out
}

/// Resource pages without a properties table still show a JSON representation.
fn properties_from_json(page: &Page, index: &TypeIndex) -> Vec<Property> {
    page.examples
        .iter()
        .filter(|e| e.role == ExampleRole::Resource)
        .find_map(|e| match json::parse_lenient(&e.text) {
            Ok((serde_json::Value::Object(map), _)) => {
                Some(infer_properties(&map, index, &Source { file: page.file.clone(), line: e.body_line }))
            }
            _ => None,
        })
        .unwrap_or_default()
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

/// A base type's page that names its derived types ("the derived types are
/// [x], [y]") states their base when their own pages do not.
fn adopt_derived_types(page: &Page, index: &TypeIndex, types: &mut BTreeMap<String, TypeDef>, diags: &mut Diagnostics) {
    let Some(own) = index.page_type(page).cloned() else { return };
    for cell in &page.derived_types {
        let TypeRef::Named(derived) = index.resolve_cell(cell, &page.file, page.title_line, diags) else { continue };
        if derived == own {
            continue;
        }
        if let Some(TypeDef { kind: TypeKind::Object { base: base @ None, .. }, .. }) = types.get_mut(&derived) {
            *base = Some(own.clone());
        }
    }
}

/// The JSON representation's `baseType` and the prose ("Inherits from [x]")
/// can disagree; the annotation is kept unless the prose names a type that
/// itself derives from it (`orgContact`: `entity` in the annotation,
/// `directoryObject`, an entity, in the text): the more specific statement.
fn reconcile_stated_bases(page: &Page, index: &TypeIndex, types: &mut BTreeMap<String, TypeDef>, diags: &mut Diagnostics) {
    let (Some(annotated), Some(cell)) = (annotated_base(page, index), page.base_type.as_ref()) else { return };
    let TypeRef::Named(prose) = index.resolve_cell(cell, &page.file, page.title_line, &mut Diagnostics::default()) else { return };
    let Some(own) = index.page_type(page).cloned() else { return };
    if prose == annotated || prose == own {
        return;
    }
    let more_specific = ancestry(types, &prose).contains(&annotated);
    let kept = if more_specific { &prose } else { &annotated };
    let message =
        format!("the JSON representation's baseType is `{annotated}` but the text says `{own}` inherits from `{prose}`; `{kept}` is kept");
    diags.warn(&page.file, page.title_line, "base-type-mismatch", message);
    if let (true, Some(TypeDef { kind: TypeKind::Object { base, .. }, .. })) = (more_specific, types.get_mut(&own)) {
        *base = Some(prose);
    }
}

/// Bases must exist and inheritance must not loop.
fn check_bases(types: &mut BTreeMap<String, TypeDef>, diags: &mut Diagnostics) {
    let names: Vec<String> = types.keys().cloned().collect();
    for name in names {
        let mut seen = vec![name.clone()];
        let mut current = name.clone();
        while let Some(base) = base_of(types, &current) {
            if seen.contains(&base) || !types.contains_key(&base) {
                // Reported where the dropped link is documented: on `current`, whose base it is.
                let def = &types[&current];
                let reason = if seen.contains(&base) { "inheritance loops back to it" } else { "the base type is not documented" };
                diags.warn(
                    &def.source.file,
                    def.source.line,
                    "bad-base-type",
                    format!("`{current}` inherits from `{base}` but {reason}; the base is dropped"),
                );
                if let Some(TypeDef { kind: TypeKind::Object { base, .. }, .. }) = types.get_mut(&current) {
                    *base = None;
                }
                break;
            }
            seen.push(base.clone());
            current = base;
        }
    }
}

/// `name` and its bases, nearest first (loops are cut by `check_bases`; until
/// then, and anyway, a repeated base ends the chain).
fn ancestry(types: &BTreeMap<String, TypeDef>, name: &str) -> Vec<String> {
    let mut chain = vec![name.to_owned()];
    while let Some(base) = chain.last().and_then(|current| base_of(types, current)) {
        if chain.contains(&base) {
            break;
        }
        chain.push(base);
    }
    chain
}

fn base_of(types: &BTreeMap<String, TypeDef>, name: &str) -> Option<String> {
    match &types.get(name)?.kind {
        TypeKind::Object { base, .. } => base.clone(),
        TypeKind::Enum { .. } => None,
    }
}

/// The status line and JSON body of an example message, parsed leniently.
struct ParsedExample {
    status: Option<http::StatusLine>,
    start_line: String,
    start_line_no: u32,
    body: Option<(serde_json::Value, u32)>,
}

fn parse_example(page: &Page, example: &crate::parse::page::Example, diags: &mut Diagnostics) -> Option<ParsedExample> {
    let message = http::parse_message(&example.text)?;
    let start_line_no = example.body_line + message.start_offset;
    let body = message.body.and_then(|(text, offset)| {
        let line = example.body_line + offset;
        if !text.trim_start().starts_with(['{', '[']) {
            return None;
        }
        match json::parse_lenient(&text) {
            Ok((value, _)) => Some((value, line)),
            Err(err) => {
                diags.warn(
                    &page.file,
                    line + err.line - 1,
                    "bad-example-json",
                    format!(
                        "the example body is not valid JSON even after removing comments and elisions ({}); it is ignored",
                        err.message
                    ),
                );
                None
            }
        }
    });
    Some(ParsedExample { status: http::parse_status_line(&message.start_line), start_line: message.start_line, start_line_no, body })
}
