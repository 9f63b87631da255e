//! Rule: members the JSON representation shows and the tables omit.
//!
//! A resource page's JSON representation is documentation too. Members it
//! shows that no property or relationship table lists are kept, typed as
//! the representation's values suggest (`"String (identifier)"` is a
//! string), so no documented member is lost; when the page has tables, that
//! is reported (a page without tables documents its members by the
//! representation alone). Tables are trusted first: a member they list (any
//! case) keeps their type. An open type's representation shows sample
//! dynamic members (user IDs, feedback tokens): only its tables declare members.
//! A representation annotated as another type is about that type and adds
//! nothing here.

use super::super::types::{infer_properties, TypeIndex};
use super::{open_type, type_name_mismatch};
use crate::diagnostics::{Code, Diagnostics};
use crate::model::{Property, Source};
use crate::parse::page::{ExampleRole, Page};
use serde_json::Value;

/// The members the representation adds to the tables' `properties` and `navigation`.
pub(in crate::resolve) fn shown_members(
    page: &Page,
    index: &TypeIndex,
    documented: (&[Property], &[Property]),
    diags: &mut Diagnostics,
) -> Vec<Property> {
    let (properties, navigation) = documented;
    let listed = |name: &str| properties.iter().chain(navigation).any(|p| p.json_name.eq_ignore_ascii_case(name));
    let shown = if open_type::is_open(page) { Vec::new() } else { properties_from_json(page, index) };
    let missing: Vec<Property> = shown.into_iter().filter(|p| !listed(&p.json_name)).collect();
    let has_tables = !properties.is_empty() || !navigation.is_empty();
    if !missing.is_empty() && has_tables {
        let names = missing.iter().map(|p| format!("`{}`", p.json_name)).collect::<Vec<_>>().join(", ");
        let line = missing[0].source.line;
        diags.report(
            Code::UndocumentedProperty,
            (&page.file, line),
            format!("the JSON representation shows {names}, which the property tables do not list; kept with types inferred from it"),
        );
    }
    missing
}

/// The members of the page's first JSON representation that is an object
/// of the page's own type: one annotated as another type (a facet shown
/// beside it) speaks of that type, not of this one.
fn properties_from_json(page: &Page, index: &TypeIndex) -> Vec<Property> {
    own_representation(page).map(|(map, line)| infer_properties(map, index, &Source { file: page.file.clone(), line })).unwrap_or_default()
}

/// The member names of the page's own JSON representation (see [`properties_from_json`]).
pub(super) fn representation_members(page: &Page) -> Vec<String> {
    own_representation(page).map(|(map, _)| map.keys().cloned().collect()).unwrap_or_default()
}

fn own_representation(page: &Page) -> Option<(&serde_json::Map<String, Value>, u32)> {
    let own = type_name_mismatch::type_name_of(page);
    page.examples
        .iter()
        .filter(|e| e.role == ExampleRole::Resource)
        .filter(|e| about_own_type(e.annotation.odata_type.as_deref(), own.as_deref()))
        .find_map(|e| match e.json() {
            Some((Value::Object(map), line)) => Some((map, line)),
            _ => None,
        })
}

/// An annotation that names no type, or names the page's own (by its last segment).
pub(super) fn about_own_type(annotated: Option<&str>, own: Option<&str>) -> bool {
    match (annotated, own) {
        (Some(annotated), Some(own)) => {
            annotated.trim_start_matches('#').rsplit('.').next().is_some_and(|last| last.eq_ignore_ascii_case(own))
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TypeRef;
    use crate::parse::annotation::Annotation;
    use crate::parse::page::Example;

    #[test]
    fn members_the_tables_omit_are_kept_unless_the_type_is_open() {
        let representation =
            Example::parse(ExampleRole::Resource, Annotation::default(), 20, 21, "json", "{\"id\": \"String\", \"weight\": 1.5}");
        let mut page = Page { file: "resources/widget.md".into(), examples: vec![representation], ..Page::default() };
        let id = Property {
            json_name: "ID".into(),
            ty: TypeRef::Json,
            description: String::new(),
            source: Source::default(),
            deprecated: false,
            non_null: false,
        };
        let mut diags = Diagnostics::default();
        let added = shown_members(&page, &TypeIndex::default(), (&[id], &[]), &mut diags);
        assert_eq!(added.iter().map(|p| format!("{}: {}", p.json_name, p.ty)).collect::<Vec<_>>(), ["weight: Edm.Double"]);
        assert_eq!(diags.iter().map(|d| (d.code, d.line)).collect::<Vec<_>>(), [(Code::UndocumentedProperty, 21)]);
        page.open_type = true;
        assert!(shown_members(&page, &TypeIndex::default(), (&[], &[]), &mut diags).is_empty());
    }
}
