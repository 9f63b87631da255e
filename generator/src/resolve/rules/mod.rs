//! The rules: how the resolver reads what pages leave out, say twice or get
//! wrong. One file per rule, named after the diagnostic it raises (or after
//! what it decides, when it raises none). Each file opens with a `//! Rule:`
//! block (what the docs do, what the rule trusts, where it ranks), then holds
//! one small function from the evidence to a decision, then its tests; its
//! fixtures are `generator/tests/rules/<code>*/`. Where sources compete, their
//! order is one list, in the file of the rule that decides, and a
//! disagreement is reported there and nowhere else.
//!
//! Operations, in the order `OperationResolver::add_page` applies them:
//! - [`empty_http_request`]: the request lines (the block, else the example),
//!   less those that get the resource's parent and expand it
//!   ([`expand_of_parent`]), its literal keys made placeholders ([`literal_key`]), and
//!   [`example_only_request`]: the forms only an example shows.
//! - [`alternative_answers`]: which examples document the default answer,
//!   and which another answer (`$format`, `Prefer: return=`), each read by the
//!   rules below.
//! - [`status_mismatch`]: the status (`STATUS`: example, sentence, 200).
//! - [`response_body`]: the body (`RESPONSE_BODY`: [`raw_content`],
//!   [`no_body`], [`primitive_result`], else a typed body: one object or
//!   many ([`collection_mismatch`]), unwrapped ([`value_wrapper`]), of the
//!   type [`response_type`] reads (`RESPONSE_TYPE`: linked sentence,
//!   annotation, sentence word; else inferred from the example)); a `202`
//!   without a body is a monitored action when [`monitored_action`] says so.
//! - [`request_body`]: the body (`RESOURCE_BODY` when the page names none),
//!   with [`duplicate_parameter`], [`wrapped_parameters`],
//!   [`request_example_mismatch`], [`inferred_parameters`]
//!   (`SHOWN_PARAMETERS`), and for actions [`resource_body_parameters`] and
//!   [`parameter_in_prose`].
//! - [`adds_to_collection`]: a POST that sends a resource and gets it back
//!   creates, whatever verb its title uses.
//! - [`body_of_get`], [`overloads`], [`optional_arguments`]: function parameters.
//! - [`duplicate_placeholder`]: placeholder names.
//! - [`duplicate_operation`]: two pages, one request (`PREFERENCE`).
//!
//! Types, in the order `resolve` applies them:
//! - [`duplicate_type`]: which page defines a type (`PAGE_PREFERENCE`).
//! - [`type_name_mismatch`]: its name (`TYPE_NAME`: annotation, title, file).
//! - [`duplicate_property`], [`member_case`], [`undocumented_property`]: its
//!   members; [`open_type`]: whether it takes members beyond them.
//! - [`conflicting_duplicate`]: what other pages add.
//! - [`base_type_mismatch`]: its base (`BASE_TYPE`: annotation, prose), and
//!   [`derived_types`]: a base page's list of the types deriving from it.
//! - [`bad_base_type`]: bases that do not exist or loop.
//! - [`path_navigation`], [`example_member`]: members the paths and the
//!   response examples show; [`navigation_collection`]: relationships the
//!   operations show to be collections.

pub(super) mod adds_to_collection;
pub(super) mod alternative_answers;
pub(super) mod bad_base_type;
pub(super) mod base_type_mismatch;
pub(super) mod body_of_get;
pub(super) mod collection_mismatch;
pub(super) mod conflicting_duplicate;
pub(super) mod derived_types;
pub(super) mod duplicate_operation;
pub(super) mod duplicate_parameter;
pub(super) mod duplicate_placeholder;
pub(super) mod duplicate_property;
pub(super) mod duplicate_type;
pub(super) mod empty_http_request;
pub(super) mod example_member;
pub(super) mod example_only_request;
pub(super) mod expand_of_parent;
pub(super) mod inferred_parameters;
pub(super) mod literal_key;
pub(super) mod member_case;
pub(super) mod monitored_action;
pub(super) mod navigation_collection;
pub(super) mod no_body;
pub(super) mod open_type;
pub(super) mod optional_arguments;
pub(super) mod overloads;
pub(super) mod parameter_in_prose;
pub(super) mod path_navigation;
pub(super) mod primitive_result;
pub(super) mod raw_content;
pub(super) mod request_body;
pub(super) mod request_example_mismatch;
pub(super) mod resource_body_parameters;
pub(super) mod response_body;
pub(super) mod response_type;
pub(super) mod status_mismatch;
pub(super) mod type_name_mismatch;
pub(super) mod undocumented_property;
pub(super) mod value_wrapper;
pub(super) mod wrapped_parameters;

use super::types::TypeIndex;
use super::Exchange;
use crate::parse::page::{ExampleRole, Page, ResponseSentence};
use serde_json::Value;

/// What the response rules read: the page, the status already decided, the
/// page's first response example, and what its request lines have in common.
pub(super) struct ResponseEvidence<'p> {
    pub page: &'p Page,
    pub status: u16,
    pub example: Option<Exchange<'p>>,
    /// Every request line reads a raw value (`GET .../$value`), which is content, not JSON.
    pub media: bool,
    /// Every request line ends alike (all in a key, or all in the same name),
    /// so one example speaks for all of them.
    pub one_resource: bool,
    pub index: &'p TypeIndex,
}

impl<'p> ResponseEvidence<'p> {
    pub fn sentence(&self) -> Option<&'p ResponseSentence> {
        self.page.response.as_ref()
    }

    /// The example's JSON body and the line it starts on.
    pub fn example_json(&self) -> Option<(&'p Value, u32)> {
        self.example.and_then(|e| e.json)
    }

    /// Some response example's annotation says `"isCollection": true`, of
    /// the type the first one names: a page that also shows a list of
    /// messages expanded with an extension does not make the extension a list.
    pub fn annotation_says_collection(&self) -> bool {
        let mut responses = self.page.examples.iter().filter(|e| e.role == ExampleRole::Response);
        let first = responses.clone().next().and_then(|e| annotated_item_type(e.annotation.odata_type.as_deref()));
        responses.any(|e| {
            let about = annotated_item_type(e.annotation.odata_type.as_deref());
            let same = match (about, first) {
                (Some(about), Some(first)) => about.eq_ignore_ascii_case(first),
                _ => true,
            };
            e.annotation.is_collection && same
        })
    }
}

/// `#microsoft.graph.x` and `Collection(microsoft.graph.x)` are both about `microsoft.graph.x`.
fn annotated_item_type(odata_type: Option<&str>) -> Option<&str> {
    let bare = odata_type?.trim().trim_start_matches('#');
    Some(bare.strip_prefix("Collection(").and_then(|b| b.strip_suffix(')')).unwrap_or(bare))
}

/// Evidence for the rules' tests, built without pages in strings.
#[cfg(test)]
mod test_support {
    use super::super::operations::OperationResolver;
    use super::super::types::TypeIndex;
    use super::super::{Exchange, TypeDefs};
    use super::ResponseEvidence;
    use crate::model::{Source, TypeDef, TypeKind};
    use crate::parse::annotation::Annotation;
    use crate::parse::markdown::Inline;
    use crate::parse::page::{response_sentence, Example, ExampleRole, Page, PageKind};
    use std::sync::OnceLock;

    /// An operation page `api/x.md` whose `Response` section is `sentence` (line 5).
    pub fn page_saying(sentence: &str) -> Page {
        let inline = Inline { text: sentence.into(), ..Inline::default() };
        Page { file: "api/x.md".into(), kind: PageKind::Api, response: response_sentence(&inline, 5), ..Page::default() }
    }

    /// A response example block opening at line 20 (its first line is 21).
    pub fn response_example(text: &str) -> Example {
        Example::parse(ExampleRole::Response, Annotation::default(), 20, 21, "http", text)
    }

    /// A request example block opening at line 20 (its first line is 21).
    pub fn request_example(text: &str) -> Example {
        Example::parse(ExampleRole::Request, Annotation::default(), 20, 21, "http", text)
    }

    pub fn exchange(example: &Example) -> Option<Exchange<'_>> {
        Exchange::of(example)
    }

    /// Response evidence: one request line, no raw value, no documented types.
    pub fn evidence<'p>(page: &'p Page, status: u16, example: Option<Exchange<'p>>) -> ResponseEvidence<'p> {
        static INDEX: OnceLock<TypeIndex> = OnceLock::new();
        let index = INDEX.get_or_init(TypeIndex::default);
        ResponseEvidence { page, status, example, media: false, one_resource: true, index }
    }

    /// Runs `f` with a resolver that knows the object types `qualified` (documented, without members).
    pub fn resolving(qualified: &[&str], f: impl FnOnce(&mut OperationResolver<'_>)) {
        let mut index = TypeIndex::default();
        let mut types = TypeDefs::new();
        for name in qualified {
            let (namespace, short) = name.rsplit_once('.').unwrap_or(("microsoft.graph", name));
            index.add(&format!("resources/{}.md", short.to_ascii_lowercase()), name);
            let kind = TypeKind::Object { base: None, properties: Vec::new(), navigation: Vec::new() };
            let def = TypeDef {
                namespace: namespace.into(),
                name: short.into(),
                description: String::new(),
                inferred: false,
                open: false,
                kind,
                area: String::new(),
                source: Source::default(),
            };
            types.insert(name.to_string(), def);
        }
        f(&mut OperationResolver::new(&index, &mut types));
    }
}
