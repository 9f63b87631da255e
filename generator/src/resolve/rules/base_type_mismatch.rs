//! Rule: a type's base.
//!
//! A resource page states its base in its JSON representation's annotation
//! (`"baseType": "microsoft.graph.entity"`) and in prose ("Inherits from
//! [x]", "is derived from", "a subclass of": the link right after the
//! phrase). They are trusted in `BASE_TYPE` order: the annotation, when it
//! names a documented type, is machine-read; the prose comes second. When
//! both state one and they differ, the annotation is kept unless the prose
//! names a type that itself derives from the annotation's (`orgContact`:
//! `entity` in the annotation, `directoryObject`, an entity, in the text):
//! the more specific statement; that is reported. A base page's list of its
//! derived types ([`super::derived_types`]) comes last, for types whose own
//! page states none.

use super::super::types::TypeIndex;
use super::super::{ancestry, TypeDefs};
use crate::diagnostics::{Code, Diagnostics};
use crate::model::{TypeDef, TypeKind, TypeRef};
use crate::parse::page::{ExampleRole, Page};

type Source = fn(&Page, &TypeIndex, &mut Diagnostics) -> Option<String>;

/// The sources of a type's base on its own page, most trusted first.
const BASE_TYPE: &[(&str, Source)] =
    &[("the JSON representation's baseType", |page, index, _| annotated_base(page, index)), ("the prose", prose_base)];

/// The base the page states, from the first source that names a type.
pub(in crate::resolve) fn stated_base(page: &Page, index: &TypeIndex, diags: &mut Diagnostics) -> Option<String> {
    BASE_TYPE.iter().find_map(|(_, source)| source(page, index, diags))
}

/// The `baseType` of the JSON representation's annotation, when it names a known type.
fn annotated_base(page: &Page, index: &TypeIndex) -> Option<String> {
    let example = page.examples.iter().find(|e| e.role == ExampleRole::Resource)?;
    let base = example.annotation.raw.get("baseType")?.as_str()?;
    index.lookup(base).cloned()
}

fn prose_base(page: &Page, index: &TypeIndex, diags: &mut Diagnostics) -> Option<String> {
    page.base_type.as_ref().and_then(|cell| match index.resolve_cell(cell, &page.file, page.title_line, diags) {
        TypeRef::Named(base) => Some(base),
        _ => None,
    })
}

/// When the annotation and the prose disagree: keeps the more specific and reports it.
pub(in crate::resolve) fn reconcile(page: &Page, index: &TypeIndex, types: &mut TypeDefs, diags: &mut Diagnostics) {
    let (Some(annotated), Some(_)) = (annotated_base(page, index), page.base_type.as_ref()) else { return };
    // The prose was resolved (and any broken link reported) when the type was read.
    let Some(prose) = prose_base(page, index, &mut Diagnostics::default()) else { return };
    let Some(own) = index.page_type(page).cloned() else { return };
    if prose == annotated || prose == own {
        return;
    }
    let more_specific = ancestry(types, &prose).contains(&annotated);
    let kept = if more_specific { &prose } else { &annotated };
    let message =
        format!("the JSON representation's baseType is `{annotated}` but the text says `{own}` inherits from `{prose}`; `{kept}` is kept");
    diags.report(Code::BaseTypeMismatch, (&page.file, page.title_line), message);
    if let (true, Some(TypeDef { kind: TypeKind::Object { base, .. }, .. })) = (more_specific, types.get_mut(&own)) {
        *base = Some(prose);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::annotation::Annotation;
    use crate::parse::page::{Example, TypeCell};

    #[test]
    fn the_annotation_then_the_prose() {
        let mut index = TypeIndex::default();
        index.add("resources/entity.md", "microsoft.graph.entity");
        index.add("resources/outlookitem.md", "microsoft.graph.outlookItem");
        let mut annotation = Annotation::default();
        annotation.raw.insert("baseType".into(), "microsoft.graph.entity".into());
        let representation = Example::parse(ExampleRole::Resource, annotation, 9, 10, "json", "{}");
        let prose = TypeCell { text: "outlookItem".into(), link: Some("outlookitem.md".into()) };
        let mut page = Page { file: "resources/x.md".into(), base_type: Some(prose), examples: vec![representation], ..Page::default() };
        let mut diags = Diagnostics::default();
        assert_eq!(stated_base(&page, &index, &mut diags).as_deref(), Some("microsoft.graph.entity"));
        page.examples.clear();
        assert_eq!(stated_base(&page, &index, &mut diags).as_deref(), Some("microsoft.graph.outlookItem"));
        page.base_type = None;
        assert_eq!(stated_base(&page, &index, &mut diags), None);
        assert!(diags.is_empty());
    }
}
