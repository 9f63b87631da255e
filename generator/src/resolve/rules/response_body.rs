//! Rule: the response body, composed.
//!
//! The rules that can decide a response body without reading its type come
//! first, in `RESPONSE_BODY` order; the first that decides wins. Otherwise the
//! body is typed: one object or a collection ([`super::collection_mismatch`]),
//! the example unwrapped of any `value` ([`super::value_wrapper`]), of the type
//! [`super::response_type`] reads. A typed example of a documented type is
//! kept for [`super::example_member`].

use super::super::operations::OperationResolver;
use super::super::paths::{is_key, last_name};
use super::example_member::Observation;
use super::{collection_mismatch, no_body, primitive_result, raw_content, response_type, value_wrapper, ResponseEvidence};
use crate::diagnostics::Diagnostics;
use crate::model::{Source, TypeRef};

/// A rule that may decide the body (`Some(None)`: no body) before any type is read.
type Shortcut = fn(&ResponseEvidence<'_>) -> Option<Option<TypeRef>>;

/// The rules that decide a body without a type, first that decides wins.
const RESPONSE_BODY: &[(&str, Shortcut)] = &[
    ("raw content", raw_content::body),
    ("no body", no_body::body),
    ("an annotated primitive", primitive_result::annotated),
    ("a wrapped primitive", primitive_result::wrapped),
];

/// The body the first shortcut rule decides, if any does.
pub(in crate::resolve) fn decided(evidence: &ResponseEvidence<'_>) -> Option<Option<TypeRef>> {
    RESPONSE_BODY.iter().find_map(|(_, rule)| rule(evidence))
}

impl OperationResolver<'_> {
    /// The body typed from the page: its type, one object or a collection of it.
    pub(in crate::resolve) fn typed_response(&mut self, evidence: &ResponseEvidence<'_>, diags: &mut Diagnostics) -> Option<TypeRef> {
        let page = evidence.page;
        let collection = collection_mismatch::collection(evidence, diags);
        let sample = evidence.example_json().and_then(|(body, line)| value_wrapper::unwrap(page, body, line, collection, diags));
        let item = response_type::item(self, page, sample.as_ref(), diags);
        if let (Some(TypeRef::Named(type_name)), Some((object, line))) = (&item, sample) {
            let source = Source { file: page.file.clone(), line };
            self.observations.push(Observation { type_name: type_name.clone(), object, source });
        }
        item.map(|ty| if collection { TypeRef::collection(ty) } else { ty })
    }
}

/// A path's last segment, any key written `{}`: `/chats/{id}` and `/me/chats/{chat-id}` end alike.
pub(in crate::resolve) fn last_segment_shape(path: &str) -> String {
    let last = last_name(path);
    if is_key(last) {
        "{}".to_owned()
    } else {
        last.to_ascii_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{evidence, page_saying};
    use super::*;

    #[test]
    fn the_first_rule_that_decides_wins() {
        let names: Vec<&str> = RESPONSE_BODY.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, ["raw content", "no body", "an annotated primitive", "a wrapped primitive"]);
        // A `204` to a download redirect's sentence: raw content is asked first, and declines (not a 3xx).
        let page = page_saying("It returns a `204 No Content` response that redirects to a download URL.");
        assert_eq!(decided(&evidence(&page, 204, None)), Some(None));
    }

    #[test]
    fn keys_end_alike() {
        assert_eq!(last_segment_shape("/chats/{id}"), last_segment_shape("/me/chats/{chat-id}"));
        assert_eq!(last_segment_shape("/me/Chats"), "chats");
    }
}
