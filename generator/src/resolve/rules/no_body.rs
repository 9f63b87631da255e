//! Rule: a response without a body.
//!
//! `204 No Content` has none. A `202 Accepted` whose example shows no body has
//! none either: the type its sentence links is the monitor resource its
//! `Location` header points to, not its body. A 2xx whose sentence names no
//! type and whose example shows no body has none. An example body overrides
//! the sentence in the last two cases. Ranks after [`super::raw_content`] in
//! `RESPONSE_BODY`.

use super::ResponseEvidence;
use crate::model::TypeRef;

/// `Some(None)` when the response has no body.
pub(super) fn body(evidence: &ResponseEvidence<'_>) -> Option<Option<TypeRef>> {
    let status = evidence.status;
    let example_has_body = evidence.example_json().is_some();
    let accepted_without_body = status == 202 && evidence.example.is_some() && !example_has_body;
    let untyped = (200..300).contains(&status) && evidence.sentence().is_some_and(|s| s.ty.is_none()) && !example_has_body;
    (status == 204 || accepted_without_body || untyped).then_some(None)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{evidence, exchange, page_saying, response_example};
    use super::*;

    #[test]
    fn no_content_an_accepted_monitor_and_an_untyped_success_have_no_body() {
        let linked = page_saying("It returns `202 Accepted`; its `Location` points to a [widget](../resources/widget.md).");
        let no_body = response_example("HTTP/1.1 202 Accepted\nLocation: https://x/widgets/1\n");
        let with_body = response_example("HTTP/1.1 202 Accepted\n\n{\"id\": \"1\"}\n");
        assert_eq!(body(&evidence(&linked, 202, exchange(&no_body))), Some(None));
        assert_eq!(body(&evidence(&linked, 202, exchange(&with_body))), None);
        assert_eq!(body(&evidence(&linked, 204, None)), Some(None));
        let untyped = page_saying("If successful, this method returns `200 OK`.");
        assert_eq!(body(&evidence(&untyped, 200, None)), Some(None));
        assert_eq!(body(&evidence(&untyped, 200, exchange(&with_body))), None);
    }
}
