//! Rule: the type of a response body.
//!
//! Pages name it up to three times, and not always alike: a link in the
//! response sentence ("a collection of [message](message.md) objects"), the
//! response annotation's `@odata.type` (or `@type`), and the word the sentence
//! puts before "object" or "collection" ("an uploadSession object", "a String
//! collection"). They are trusted in that order (`RESPONSE_TYPE`): a link is
//! checked by the docs build, an annotation is machine-read, a word is prose.
//! The first that names a known type wins. A name no page documents is
//! inferred from the response example (`inferred-type`), the first name
//! given being the type's; without an example it degrades to open JSON
//! (`unknown-type`). An annotation in a namespace no page uses is read in the
//! page's own (`foreign-namespace`). Ranks last among the response rules.

use super::super::operations::OperationResolver;
use super::super::types::{infer_properties, page_namespace, split_qualified};
use crate::diagnostics::{Code, Diagnostics};
use crate::model::{Primitive, Source, TypeDef, TypeKind, TypeRef};
use crate::parse::page::{ExampleRole, Page};
use serde_json::{Map, Value};

/// What one source says the response type is.
#[derive(Debug, Clone, PartialEq)]
enum Said {
    /// A type the model knows.
    Type(TypeRef),
    /// A name no page documents.
    Name(String),
    /// A link to a page that does not exist, already reported as `unresolved-link`.
    BrokenLink,
    Nothing,
}

type Reader = fn(&OperationResolver<'_>, &Page, &mut Diagnostics) -> Said;

/// The sources of the response type, most trusted first.
const RESPONSE_TYPE: &[(&str, Reader)] = &[
    ("the type linked in the response sentence", linked_sentence),
    ("the response annotation's @odata.type", annotation),
    ("the word the response sentence puts before `object` or `collection`", sentence_word),
];

/// The item type of the response (`None`: the page names none and shows no
/// example); `sample` is the example's object, to infer an undocumented type from.
pub(super) fn item(
    resolver: &mut OperationResolver<'_>,
    page: &Page,
    sample: Option<&(Map<String, Value>, u32)>,
    diags: &mut Diagnostics,
) -> Option<TypeRef> {
    let mut name: Option<String> = None;
    let mut reported = false;
    for (_, read) in RESPONSE_TYPE {
        match read(resolver, page, diags) {
            Said::Type(ty) => return Some(ty),
            Said::Name(said) => {
                name.get_or_insert(said);
            }
            Said::BrokenLink => reported = true,
            Said::Nothing => {}
        }
    }
    match (name, sample) {
        (Some(name), Some((object, line))) => Some(infer(resolver, page, &name, object, *line, diags)),
        (None, Some(_)) => Some(TypeRef::Json),
        // A broken link was reported when resolving it; don't report the same type twice.
        (Some(_), None) if reported => Some(TypeRef::Json),
        (Some(name), None) => {
            let line = page.response.as_ref().map_or(page.title_line, |s| s.line);
            let message =
                format!("the response type `{name}` has no page and no example to infer it from; it degrades to an open JSON object");
            diags.report(Code::UnknownType, (&page.file, line), message);
            Some(TypeRef::Json)
        }
        (None, None) => None,
    }
}

fn linked_sentence(resolver: &OperationResolver<'_>, page: &Page, diags: &mut Diagnostics) -> Said {
    let sentence = page.response.as_ref();
    let Some(cell) = sentence.and_then(|s| s.ty.as_ref()).filter(|c| c.link.is_some()) else { return Said::Nothing };
    match resolver.index.resolve_cell(cell, &page.file, sentence.map_or(0, |s| s.line), diags) {
        TypeRef::Json => Said::BrokenLink,
        ty => Said::Type(ty.item().clone()),
    }
}

fn annotation(resolver: &OperationResolver<'_>, page: &Page, diags: &mut Diagnostics) -> Said {
    let annotated =
        page.examples.iter().find(|e| e.role == ExampleRole::Response).and_then(|e| e.annotation.odata_type.as_ref().map(|t| (t, e.line)));
    let Some((odata_type, line)) = annotated else { return Said::Nothing };
    let bare = odata_type.trim_start_matches('#');
    let bare = bare.strip_prefix("Collection(").and_then(|b| b.strip_suffix(')')).unwrap_or(bare);
    let (namespace, name) = split_qualified(bare);
    let page_ns = page_namespace(page);
    if bare.contains('.') && !namespace.eq_ignore_ascii_case(page_ns) && !resolver.index.knows_namespace(namespace) {
        let message = format!("the response annotation's @odata.type `{odata_type}` names namespace `{namespace}`, not the page's `{page_ns}`; read as `{page_ns}.{name}`");
        diags.report(Code::ForeignNamespace, (&page.file, line), message);
    }
    match resolver.known(bare).or_else(|| resolver.known(name)) {
        Some(q) => Said::Type(TypeRef::Named(q)),
        None => Said::Name(name.to_owned()),
    }
}

fn sentence_word(resolver: &OperationResolver<'_>, page: &Page, _: &mut Diagnostics) -> Said {
    let Some(word) = page.response.as_ref().and_then(|s| s.ty.as_ref()).map(|c| c.text.clone()) else { return Said::Nothing };
    if let Some(primitive) = Primitive::from_edm_name(&word) {
        return Said::Type(TypeRef::Primitive(primitive));
    }
    match resolver.known(&word) {
        Some(q) => Said::Type(TypeRef::Named(q)),
        None => Said::Name(word),
    }
}

/// A type no page documents, read from the example's members (the first
/// page that needs it defines it).
fn infer(
    resolver: &mut OperationResolver<'_>,
    page: &Page,
    name: &str,
    object: &Map<String, Value>,
    line: u32,
    diags: &mut Diagnostics,
) -> TypeRef {
    let namespace = page_namespace(page).to_owned();
    let qualified = format!("{namespace}.{name}");
    let source = Source { file: page.file.clone(), line };
    let properties = infer_properties(object, resolver.index, &source);
    diags.report(
        Code::InferredType,
        (&page.file, line),
        format!("no page documents `{qualified}`; its {} properties are inferred from the response example", properties.len()),
    );
    resolver.types.entry(qualified.clone()).or_insert_with(|| TypeDef {
        namespace,
        name: name.to_owned(),
        description: String::new(),
        inferred: true,
        open: false,
        kind: TypeKind::Object { base: None, properties, navigation: Vec::new() },
        area: page.area.clone(),
        source,
    });
    TypeRef::Named(qualified)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{page_saying, resolving};
    use super::*;

    #[test]
    fn a_link_then_the_annotation_then_the_word() {
        let names: Vec<&str> = RESPONSE_TYPE.iter().map(|(name, _)| *name).collect();
        assert_eq!(names.len(), 3);
        resolving(&["microsoft.graph.widget", "microsoft.graph.gadget"], |resolver| {
            let mut diags = Diagnostics::default();
            let page = page_saying("It returns a `200 OK` response code and a gadget object.");
            assert_eq!(item(resolver, &page, None, &mut diags), Some(TypeRef::Named("microsoft.graph.gadget".into())));
            let page = page_saying("It returns a `200 OK` response code and a String collection.");
            assert_eq!(item(resolver, &page, None, &mut diags), Some(TypeRef::Primitive(Primitive::String)));
            assert!(diags.is_empty());
        });
    }

    #[test]
    fn an_undocumented_name_is_inferred_from_the_example_or_degrades_to_json() {
        resolving(&[], |resolver| {
            let mut diags = Diagnostics::default();
            let page = page_saying("It returns a `200 OK` response code and a tally object.");
            let sample = (serde_json::json!({"total": 3}).as_object().unwrap().clone(), 30);
            assert_eq!(item(resolver, &page, Some(&sample), &mut diags), Some(TypeRef::Named("microsoft.graph.tally".into())));
            assert!(resolver.types.get("microsoft.graph.tally").is_some_and(|t| t.inferred));
            let page = page_saying("It returns a `200 OK` response code and a ghost object.");
            assert_eq!(item(resolver, &page, None, &mut diags), Some(TypeRef::Json));
            let codes: Vec<Code> = diags.iter().map(|d| d.code).collect();
            assert_eq!(codes, [Code::InferredType, Code::UnknownType]);
        });
    }
}
