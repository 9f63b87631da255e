//! Rule: the request lines of an operation page.
//!
//! Pages list their requests in the `## HTTP request` block; a few leave it
//! empty or have none, but their request example shows one. The block is
//! trusted first (it lists every path, the example shows one); the example's
//! request line is the fallback, its keys (`AAMkAD...=`) made placeholders.
//! A line the parser had to repair (`GET/me`, `~/me`, `<name>`) is used as
//! repaired and reported. With neither, the page yields no operation (the only
//! error a page can cause). Ranks first: every other operation rule reads
//! these lines.

use super::super::paths::looks_like_key;
use super::super::Exchange;
use crate::diagnostics::{Code, Diagnostics};
use crate::parse::http::RequestLine;
use crate::parse::page::Page;

/// The request lines of the `## HTTP request` block, or of the example when the block is empty.
pub(in crate::resolve) fn request_lines(page: &Page, requests: &[Exchange<'_>], diags: &mut Diagnostics) -> Vec<(u32, RequestLine)> {
    let documented: Vec<(u32, RequestLine)> = page.http.iter().flat_map(|h| h.requests.iter().cloned()).collect();
    for (line, request) in &documented {
        if !request.repairs.is_empty() {
            diags.report(Code::IrregularRequestLine, (&page.file, *line), format!("request line repaired: {}", request.repairs.join(", ")));
        }
    }
    if !documented.is_empty() {
        return documented;
    }
    let from_example = requests.iter().find_map(|e| e.message.request.clone().map(|r| (e.message.start_line.line, r)));
    let at = page.http.as_ref().map(|h| h.line).unwrap_or(page.title_line);
    match from_example {
        Some((line, mut request)) => {
            request.path = generalize_keys(&request.path);
            let what = if page.http.is_some() { "the HTTP request block is empty" } else { "the page has no HTTP request block" };
            diags.report(
                Code::EmptyHttpRequest,
                (&page.file, at),
                format!("{what}; the path `{} {}` is taken from the request example at line {line}", request.method, request.path),
            );
            vec![(line, request)]
        }
        None => {
            diags.report(
                Code::NoEndpoint,
                (&page.file, at),
                "no request line in the HTTP request block nor in an example; the page yields no operation",
            );
            Vec::new()
        }
    }
}

/// Example URLs carry real keys (`/me/messages/AAMkAD...=/attachments`): they become `{id}`.
fn generalize_keys(path: &str) -> String {
    path.split('/').map(|s| if looks_like_key(s) { "{id}" } else { s }).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_keys_become_placeholders() {
        assert_eq!(generalize_keys("/me/messages/AAMkADA1MTAAAAqldOAAA=/attachments"), "/me/messages/{id}/attachments");
        assert_eq!(generalize_keys("/me/messages"), "/me/messages");
    }
}
