//! Rule: raw content.
//!
//! Some operations answer with content, not JSON: OData's raw value of a
//! media entity or property (`GET .../$value`), and a `302 Found` that
//! "redirects to a preauthenticated download URL" (the usage reports; a
//! file's `/content`, whose example shows the `Location`). The first is
//! trusted when the example shows no JSON body (a page that shows JSON for
//! `$value` is believed); the second when the sentence says so or the
//! example shows a `3xx` with a `Location`, and the sentence names no type. The body is `Edm.Stream`: the client downloads it with a
//! size limit, following the redirect. Ranks first of `RESPONSE_BODY`.

use super::ResponseEvidence;
use crate::model::{Primitive, TypeRef};

/// `Some(Edm.Stream)` when the operation answers with raw content.
pub(super) fn body(evidence: &ResponseEvidence<'_>) -> Option<Option<TypeRef>> {
    let status = evidence.status;
    let example_has_body = evidence.example_json().is_some();
    let media = evidence.media && (200..300).contains(&status) && status != 204 && !example_has_body;
    (redirects_to_content(evidence, status) || media).then_some(Some(TypeRef::Primitive(Primitive::Stream)))
}

/// `302 Found` to "a preauthenticated download URL", or a `3xx` example with
/// a `Location` (a sentence that does not say "redirect", or none, as when the
/// response is a subheading of the examples): the result is the content
/// behind the redirect, which the client follows. A sentence naming a type wins.
fn redirects_to_content(evidence: &ResponseEvidence<'_>, status: u16) -> bool {
    let sentence = evidence.sentence();
    let said = sentence.is_some_and(|s| s.redirects_to_content);
    let shown = evidence.example.is_some_and(|e| e.message.headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("location")));
    (300..400).contains(&status) && sentence.is_none_or(|s| s.ty.is_none()) && (said || shown)
}

/// OData's raw value of a media entity or property: `GET .../$value` (request
/// lines keep their query apart).
pub(in crate::resolve) fn is_media_path(path: &str) -> bool {
    path.trim_end_matches('/').ends_with("/$value")
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{evidence, exchange, page_saying, response_example};
    use super::*;
    use crate::parse::page::Page;

    #[test]
    fn a_redirect_to_a_download_or_a_raw_value_without_json_is_content() {
        let stream = Some(Some(TypeRef::Primitive(Primitive::Stream)));
        let report = page_saying("It returns a `302 Found` response that redirects to a preauthenticated download URL.");
        assert_eq!(body(&evidence(&report, 302, None)), stream);
        let picture = page_saying("It returns a `200 OK` response code and the bytes.");
        let media = |e| ResponseEvidence { media: true, ..e };
        assert_eq!(body(&media(evidence(&picture, 200, None))), stream);
        let json = response_example("HTTP/1.1 200 OK\n\n{\"id\": \"1\"}\n");
        assert_eq!(body(&media(evidence(&picture, 200, exchange(&json)))), None, "a JSON example is believed");
        assert_eq!(body(&evidence(&picture, 200, None)), None);
        let redirect = response_example("HTTP/1.1 302 Found\nLocation: https://files.example/abc\n");
        let untold = page_saying("If successful, this method returns `302 Found` and the download URL in the Location header.");
        assert_eq!(body(&evidence(&untold, 302, exchange(&redirect))), stream, "the example shows the redirect");
        assert_eq!(body(&evidence(&Page::default(), 302, exchange(&redirect))), stream, "no response sentence at all");
        assert_eq!(body(&evidence(&untold, 302, None)), None, "neither says nor shows a redirect");
    }

    #[test]
    fn media_paths_end_in_value() {
        assert!(is_media_path("/me/photo/$value") && is_media_path("/me/photo/$value/"));
        assert!(!is_media_path("/me/photo"));
    }
}
