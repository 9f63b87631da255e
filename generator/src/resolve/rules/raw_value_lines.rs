//! Rule: a raw value among JSON request lines is typed on its own.
//!
//! Some pages document two answers at one address: the message page lists
//! `GET /me/messages/{id}` (a message, JSON) and `GET /me/messages/{id}/$value`
//! (its MIME content); the photo page the photo's metadata and, at `/$value`,
//! its bytes. The response sentence and the examples answering the JSON lines
//! speak for those lines only: a `GET .../$value` reads OData's raw value,
//! which is content. So on a page whose request lines mix the two, the
//! responses are split by the request they answer (the request example of the
//! same `name`, else the one before): the JSON lines are typed from the first
//! response answering one of them, and the `$value` lines on their own, from
//! the first response answering one of theirs, as [`super::raw_content`]
//! reads a page of raw values only (raw content unless that example shows
//! JSON, which is believed). It ranks before the response rules, which it
//! hands the split evidence; a page of one kind of line is left to them.
//! Nothing is reported: the page is not wrong, it documents two things.

use super::super::Exchange;
use super::raw_content::is_media_path;
use crate::model::HttpMethod;
use crate::parse::http::RequestLine;
use crate::parse::page::{Example, ExampleRole, Page};

/// Whether `line` reads a raw value (`GET .../$value`).
pub(in crate::resolve) fn is_raw_value(line: &RequestLine) -> bool {
    line.method == HttpMethod::Get && is_media_path(&line.path)
}

/// The page's lines are some raw values and some not.
pub(in crate::resolve) fn mixed(lines: &[(u32, RequestLine)]) -> bool {
    let raw = lines.iter().filter(|(_, line)| is_raw_value(line)).count();
    raw > 0 && raw < lines.len()
}

/// The first response example answering a line of each kind: (JSON lines, raw-value lines).
pub(in crate::resolve) fn first_responses(page: &Page) -> (Option<Exchange<'_>>, Option<Exchange<'_>>) {
    let mut json = None;
    let mut raw = None;
    for (index, example) in page.examples.iter().enumerate() {
        if example.role != ExampleRole::Response {
            continue;
        }
        let Some(exchange) = Exchange::of(example) else { continue };
        let slot = if answered_request(page, index).is_some_and(is_raw_value) { &mut raw } else { &mut json };
        slot.get_or_insert(exchange);
    }
    (json, raw)
}

/// The request line a response example (at `index` in the page's examples)
/// answers: the request example of the same `name`, else the nearest one before it.
fn answered_request(page: &Page, index: usize) -> Option<&RequestLine> {
    fn request_line(example: &Example) -> Option<&RequestLine> {
        example.message.as_ref().and_then(|m| m.request.as_ref())
    }
    let requests = || page.examples.iter().filter(|e| e.role == ExampleRole::Request);
    let by_name = page.examples[index].annotation.name.as_deref().and_then(|name| {
        requests().find(|e| e.annotation.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name))).and_then(request_line)
    });
    by_name.or_else(|| page.examples[..index].iter().rev().filter(|e| e.role == ExampleRole::Request).find_map(request_line))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{request_example, response_example};
    use super::*;
    use crate::parse::http::parse_request_line;

    fn lines(paths: &[&str]) -> Vec<(u32, RequestLine)> {
        paths.iter().map(|p| (1, parse_request_line(p).unwrap())).collect()
    }

    #[test]
    fn only_a_page_of_both_kinds_is_mixed() {
        assert!(mixed(&lines(&["GET /me/messages/{id}", "GET /me/messages/{id}/$value"])));
        assert!(!mixed(&lines(&["GET /me/photo/$value", "GET /users/{id}/photo/$value"])), "raw values only: raw_content's case");
        assert!(!mixed(&lines(&["GET /me/messages/{id}"])));
        assert!(!mixed(&lines(&["PUT /me/photo/$value", "GET /me/photo"])), "a PUT sends content, it reads none");
    }

    #[test]
    fn responses_are_split_by_the_request_they_answer() {
        let mut page = Page {
            examples: vec![
                request_example("GET https://graph.microsoft.com/v1.0/me/messages/AAMk=/$value\n"),
                response_example("HTTP/1.1 200 OK\nContent-type: text/plain\n\nMIME-Version: 1.0\n"),
                request_example("GET https://graph.microsoft.com/v1.0/me/messages/AAMk=\n"),
                response_example("HTTP/1.1 200 OK\n\n{\"id\": \"AAMk=\"}\n"),
            ],
            ..Page::default()
        };
        let (json, raw) = first_responses(&page);
        assert!(json.and_then(|e| e.json).is_some(), "the JSON lines take the second response");
        assert!(raw.is_some_and(|e| e.json.is_none()), "the raw value takes the first");
        // Named pairs win over order: the first response is named after the second request.
        page.examples[1].annotation.name = Some("get_message".into());
        page.examples[2].annotation.name = Some("get_message".into());
        page.examples[3].annotation.name = Some("get_mime".into());
        page.examples[0].annotation.name = Some("get_mime".into());
        let (json, raw) = first_responses(&page);
        assert!(json.is_some_and(|e| e.json.is_none()) && raw.and_then(|e| e.json).is_some());
    }
}
