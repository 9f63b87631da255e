//! Rule: what a page documents: an operation, a type, an enum, or nothing the
//! model reads (conceptual pages).
//!
//! The front matter's `doc_type` is trusted first, then the title's ending
//! ("... enum type", "... resource type", "... complex type"), then the
//! folder (`api/`, `resources/`), by `KIND`. The page itself can contradict
//! its front matter: a "resource page" whose `HTTP request` block lists
//! requests and which has no properties table documents an operation; an
//! "operation page" with a properties table and no request anywhere (block
//! or example) documents a type (`fido2AuthenticationMethod`). The content
//! is trusted over the claim, and that is reported (`wrong-doc-type`).

use super::page::{ExampleRole, Page, PageKind};
use super::wording::{self, DocType};
use crate::diagnostics::{Code, Diagnostics};

/// Where a page's kind is read, first that says wins; else a conceptual page.
const KIND: &[(&str, Source)] = &[
    ("the front matter's doc_type", |evidence| evidence.doc_type.and_then(wording::doc_type).map(kind_of)),
    ("the title's ending", |evidence| wording::title_kind(evidence.title).map(kind_of)),
    ("the folder", |evidence| folder_kind(evidence.file)),
];

type Source = fn(&Stated<'_>) -> Option<PageKind>;

/// What a page says of itself before its sections are read.
pub(super) struct Stated<'a> {
    pub file: &'a str,
    pub doc_type: Option<&'a str>,
    pub title: &'a str,
}

/// The kind the page states.
pub(super) fn stated(evidence: &Stated<'_>) -> PageKind {
    KIND.iter().find_map(|(_, source)| source(evidence)).unwrap_or(PageKind::Conceptual)
}

fn kind_of(doc_type: DocType) -> PageKind {
    match doc_type {
        DocType::Api => PageKind::Api,
        DocType::Resource => PageKind::Resource,
        DocType::Enum => PageKind::Enum,
        DocType::Conceptual => PageKind::Conceptual,
    }
}

fn folder_kind(file: &str) -> Option<PageKind> {
    if file.starts_with("api/") || file.contains("/api/") {
        Some(PageKind::Api)
    } else if file.starts_with("resources/") || file.contains("/resources/") {
        Some(PageKind::Resource)
    } else {
        None
    }
}

/// What the page's sections show it documents.
#[derive(Debug, Clone, Copy)]
struct Content {
    lists_requests: bool,
    shows_request_example: bool,
    has_properties: bool,
}

/// Corrects the stated kind by what the sections show, reporting the correction.
pub(super) fn correct(page: &mut Page, diags: &mut Diagnostics) {
    let content = Content {
        lists_requests: page.http.as_ref().is_some_and(|h| !h.requests.is_empty()),
        shows_request_example: page.examples.iter().any(|e| e.role == ExampleRole::Request),
        has_properties: !page.properties.is_empty(),
    };
    if let Some((kind, message)) = correction(page.kind, content) {
        diags.report(Code::WrongDocType, (&page.file, 1), message);
        page.kind = kind;
    }
}

fn correction(stated: PageKind, content: Content) -> Option<(PageKind, &'static str)> {
    match stated {
        PageKind::Resource if content.lists_requests && !content.has_properties => Some((
            PageKind::Api,
            "the page documents an HTTP request but its front matter says it is a resource page; read as an operation page",
        )),
        PageKind::Api if !content.lists_requests && !content.shows_request_example && content.has_properties => Some((
            PageKind::Resource,
            "the page documents properties and no HTTP request but its front matter says it is an operation page; read as a resource page",
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_front_matter_then_the_title_then_the_folder() {
        let kind = |file, doc_type, title| stated(&Stated { file, doc_type, title });
        assert_eq!(kind("resources/x.md", Some("apiPageType"), "x resource type"), PageKind::Api);
        assert_eq!(kind("api/x.md", Some("reference"), "color enum type"), PageKind::Enum);
        assert_eq!(kind("api/x.md", None, "Get x"), PageKind::Api);
        assert_eq!(kind("docs/resources/x.md", None, "x"), PageKind::Resource);
        assert_eq!(kind("concepts/x.md", None, "Paging"), PageKind::Conceptual);
    }

    #[test]
    fn the_content_corrects_a_wrong_claim() {
        let content =
            |lists_requests, shows_request_example, has_properties| Content { lists_requests, shows_request_example, has_properties };
        assert_eq!(correction(PageKind::Resource, content(true, false, false)).map(|c| c.0), Some(PageKind::Api));
        assert_eq!(correction(PageKind::Resource, content(true, false, true)), None, "a type page that also lists requests");
        assert_eq!(correction(PageKind::Api, content(false, false, true)).map(|c| c.0), Some(PageKind::Resource));
        assert_eq!(correction(PageKind::Api, content(false, true, true)), None, "its example requests something");
        assert_eq!(correction(PageKind::Enum, content(true, true, true)), None);
    }
}
