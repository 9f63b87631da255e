//! Rule: the status an operation answers.
//!
//! Pages state it twice: in the response sentence ("returns a `201 Created`
//! response code") and in the response example's status line. The example is
//! trusted first: it shows what the service sent, sentences are copied from
//! page to page. A malformed status line (`HTTP 1.1 200 Ok`) still gives its
//! code, and is reported. When neither states one, 200. When both do and
//! differ, that is reported here. Ranks first among the response rules: they
//! all read the status.

use super::super::Exchange;
use crate::diagnostics::{Code, Diagnostics};
use crate::parse::http::canonical_reason;
use crate::parse::page::Page;

/// The sources of the status, most trusted first.
const STATUS: &[Source] = &[Source::ExampleStatusLine, Source::ResponseSentence];

/// Without any statement, a success.
const DEFAULT_STATUS: u16 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    ExampleStatusLine,
    ResponseSentence,
}

/// The status, from the first source that states one.
pub(in crate::resolve) fn status(page: &Page, example: Option<Exchange<'_>>, diags: &mut Diagnostics) -> u16 {
    let stated: Vec<(Source, u16)> =
        STATUS.iter().filter_map(|&source| stated(source, page, example, diags).map(|status| (source, status))).collect();
    let Some(&(_, status)) = stated.first() else { return DEFAULT_STATUS };
    if let (Some(e), [(Source::ExampleStatusLine, shown), (Source::ResponseSentence, said)]) = (example, stated.as_slice()) {
        if shown != said {
            diags.report(
                Code::StatusMismatch,
                (&page.file, e.message.start_line.line),
                format!("the example answers {shown} but the response section says {said}; the example's status is used"),
            );
        }
    }
    status
}

fn stated(source: Source, page: &Page, example: Option<Exchange<'_>>, diags: &mut Diagnostics) -> Option<u16> {
    match source {
        Source::ExampleStatusLine => {
            let e = example?;
            let status = e.message.status.as_ref()?;
            if !status.well_formed {
                let canonical = canonical_status_line(status.status);
                let message = format!(
                    "status line `{}` is malformed (expected `{canonical}`); status {} is used",
                    e.message.start_line.value, status.status
                );
                diags.report(Code::MalformedStatusLine, (&page.file, e.message.start_line.line), message);
            }
            Some(status.status)
        }
        Source::ResponseSentence => page.response.as_ref().and_then(|s| s.status),
    }
}

fn canonical_status_line(status: u16) -> String {
    canonical_reason(status).map(|r| format!("HTTP/1.1 {status} {r}")).unwrap_or_else(|| format!("HTTP/1.1 {status}"))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{exchange, page_saying, response_example};
    use super::*;

    #[test]
    fn the_example_is_trusted_before_the_sentence_and_a_disagreement_reported() {
        let page = page_saying("If successful, this method returns a `200 OK` response code.");
        let example = response_example("HTTP/1.1 201 Created\n");
        let mut diags = Diagnostics::default();
        assert_eq!(status(&page, exchange(&example), &mut diags), 201);
        let reported: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        assert_eq!(reported, ["api/x.md:21: warning[status-mismatch]: the example answers 201 but the response section says 200; the example's status is used"]);
    }

    #[test]
    fn a_malformed_status_line_gives_its_code_and_the_sentence_or_200_stand_in_for_a_missing_one() {
        let mut diags = Diagnostics::default();
        let example = response_example("HTTP 1.1 204 No content\n");
        assert_eq!(status(&page_saying("It returns a `204 No Content` response code."), exchange(&example), &mut diags), 204);
        assert_eq!(diags.iter().map(|d| d.code).collect::<Vec<_>>(), [Code::MalformedStatusLine]);
        assert_eq!(status(&page_saying("It returns `202 Accepted`."), None, &mut diags), 202);
        assert_eq!(status(&page_saying("It returns the widget."), None, &mut diags), DEFAULT_STATUS);
        assert_eq!(canonical_status_line(299), "HTTP/1.1 299");
    }
}
