//! Rule: whether a type takes members beyond the ones its page documents.
//!
//! A page says its type is an OData open type in two places: in prose or
//! its title ("This is an open type", "... (Open Type)"; read by
//! `parse::wording`), or in the annotation of its JSON representation,
//! `<!-- { "blockType": "resource", "@odata.type": "microsoft.graph.user",
//! "openType": true } -->`, the flag the docs' own tooling checks examples
//! with. Either makes the type open: the export says `additionalProperties:
//! true`, and members its examples show beyond the tables are data, not
//! members (see [`super::undocumented_property`], [`super::example_member`]).
//! Only the annotation of the page's own representation counts: one
//! annotated as another type speaks of that type. `"openType": false`, or no
//! flag, leaves the prose to decide.

use super::type_name_mismatch;
use super::undocumented_property::about_own_type;
use crate::parse::page::{ExampleRole, Page};

/// The page's prose, title or own representation's annotation says its type is open.
pub(in crate::resolve) fn is_open(page: &Page) -> bool {
    page.open_type || annotated_open(page)
}

fn annotated_open(page: &Page) -> bool {
    let own = type_name_mismatch::type_name_of(page);
    page.examples
        .iter()
        .filter(|e| e.role == ExampleRole::Resource && e.annotation.open_type)
        .any(|e| about_own_type(e.annotation.odata_type.as_deref(), own.as_deref()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::annotation::Annotation;
    use crate::parse::page::Example;

    fn representation(annotation: &str) -> Example {
        let annotation = crate::parse::annotation::parse(annotation).unwrap().unwrap();
        Example::parse(ExampleRole::Resource, annotation, 10, 11, "json", "{\"id\": \"String\"}")
    }

    fn page(examples: Vec<Example>) -> Page {
        Page { file: "resources/badge.md".into(), title: "badge resource type".into(), examples, ..Page::default() }
    }

    #[test]
    fn the_own_representation_annotation_makes_the_type_open() {
        let open = r#"<!-- { "blockType": "resource", "@odata.type": "microsoft.graph.badge", "openType": true } -->"#;
        assert!(is_open(&page(vec![representation(open)])));
        let unnamed = r#"<!-- { "blockType": "resource", "openType": "true" } -->"#;
        assert!(is_open(&page(vec![representation(unnamed)])));
    }

    #[test]
    fn a_closed_flag_or_another_types_annotation_leaves_it_closed() {
        let closed = r#"<!-- { "blockType": "resource", "@odata.type": "microsoft.graph.badge", "openType": false } -->"#;
        assert!(!is_open(&page(vec![representation(closed)])));
        let other = r#"<!-- { "blockType": "resource", "@odata.type": "microsoft.graph.ribbon", "openType": true } -->"#;
        assert!(!is_open(&page(vec![representation(closed), representation(other)])));
        assert!(!is_open(&page(vec![Example { annotation: Annotation::default(), ..representation(closed) }])));
    }
}
