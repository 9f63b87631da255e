//! Rule: the name of a documented type.
//!
//! A resource page names its type in its title (`Range resource type`) and,
//! machine-readably, in its JSON representation's `@odata.type`
//! (`microsoft.graph.workbookRange`). They are trusted in `TYPE_NAME` order:
//! the annotation, which is the name on the wire, then the title's first
//! word, then the file name. When the title names another type than the
//! annotation, the type takes the annotation's name and that is reported.
//! Enum pages and named enums (`### x values`) have no JSON representation.

use crate::diagnostics::{Code, Diagnostics};
use crate::parse::page::{ExampleRole, Page, PageKind};

type Source = fn(&Page) -> Option<String>;

/// The sources of a type's name, most trusted first.
const TYPE_NAME: &[(&str, Source)] = &[
    ("the JSON representation's @odata.type (resource pages)", resource_annotation),
    ("the title's first word, else the file name", title_type_name),
];

/// The name a resource or enum page gives its own type.
pub(in crate::resolve) fn type_name_of(page: &Page) -> Option<String> {
    TYPE_NAME.iter().find_map(|(_, source)| source(page))
}

fn resource_annotation(page: &Page) -> Option<String> {
    if page.kind == PageKind::Resource {
        annotated_type_name(page)
    } else {
        None
    }
}

/// The last segment of the JSON representation's `@odata.type`, when it is a name.
fn annotated_type_name(page: &Page) -> Option<String> {
    let example = page.examples.iter().find(|e| e.role == ExampleRole::Resource)?;
    let odata_type = example.annotation.odata_type.as_deref()?.trim_start_matches('#');
    let name = odata_type.rsplit('.').next()?;
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    (valid && !odata_type.starts_with("Edm.")).then(|| name.to_owned())
}

/// `uploadSession resource type` -> `uploadSession`; a title that starts with no name: the file name.
fn title_type_name(page: &Page) -> Option<String> {
    let title = page.title.trim();
    let first = title.split_whitespace().next().unwrap_or("");
    let from_title = first.rsplit('.').next().unwrap_or("").trim_matches(|c: char| !c.is_alphanumeric() && c != '_');
    if !from_title.is_empty() && from_title.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return Some(from_title.to_owned());
    }
    let stem = super::super::types::link_stem(&page.file);
    (!stem.is_empty()).then_some(stem)
}

/// Reports a page whose title names another type than the one `name`d by its annotation.
pub(in crate::resolve) fn report(page: &Page, name: &str, diags: &mut Diagnostics) {
    if let Some(title_name) = title_type_name(page).filter(|t| !t.eq_ignore_ascii_case(name)) {
        if annotated_type_name(page).as_deref() == Some(name) {
            let message =
                format!("the title names the type `{title_name}` but its JSON representation is `{name}`; the type is named `{name}`");
            diags.report(Code::TypeNameMismatch, (&page.file, page.title_line), message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::annotation::Annotation;
    use crate::parse::page::Example;

    fn page(title: &str, odata_type: Option<&str>) -> Page {
        let annotation = Annotation { odata_type: odata_type.map(Into::into), ..Annotation::default() };
        let representation = Example::parse(ExampleRole::Resource, annotation, 9, 10, "json", "{}");
        Page {
            file: "resources/range.md".into(),
            kind: PageKind::Resource,
            title: title.into(),
            examples: vec![representation],
            ..Page::default()
        }
    }

    #[test]
    fn the_annotation_then_the_title_then_the_file() {
        assert_eq!(type_name_of(&page("Range resource type", Some("microsoft.graph.workbookRange"))).as_deref(), Some("workbookRange"));
        assert_eq!(type_name_of(&page("Range resource type", None)).as_deref(), Some("Range"));
        assert_eq!(type_name_of(&page("Range resource type", Some("Edm.String"))).as_deref(), Some("Range"));
        assert_eq!(type_name_of(&page("", None)).as_deref(), Some("range"));
        let mut diags = Diagnostics::default();
        report(&page("Range resource type", Some("microsoft.graph.workbookRange")), "workbookRange", &mut diags);
        report(&page("workbookRange resource type", Some("microsoft.graph.workbookRange")), "workbookRange", &mut diags);
        assert_eq!(diags.iter().map(|d| d.code).collect::<Vec<_>>(), [Code::TypeNameMismatch]);
    }
}
