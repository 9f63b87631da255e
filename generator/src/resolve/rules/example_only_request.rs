//! Rule: request forms that only an example shows become operations.
//!
//! Some pages list in `## HTTP request` only part of the forms a method takes
//! and show another in their request example, written as a template: the
//! driveItem upload-session page lists the item-id forms, while a new file can
//! only be reached by path, `POST /me/drive/root:/{item-path}:/createUploadSession`,
//! which only its example shows. Such a line is trusted when
//! - the example writes it as a template: at least one `{placeholder}`, no
//!   literal keys (one sample object's URL), no type cast, nothing unreadable;
//! - it is not the request of an opaque URL (`"opaqueUrl": true`, an upload
//!   URL on another host);
//! - it reaches the same thing as a documented line, by another address: same
//!   method, same last named segment (`createUploadSession`, `drives`), as many
//!   keys after it. An example that ends elsewhere (`.../members/{id}` on a
//!   page documenting `.../members/{id}/$ref`, or another resource's URL) is
//!   the page's mistake, not a form of this method.
//!
//! It ranks after the HTTP section: it is added only when no documented line of
//! the same method has its shape (a version prefix such as `/v1.0` and call
//! arguments aside), and each one is reported (`example-only-request`).

use super::super::paths::is_key;
use super::super::Exchange;
use crate::diagnostics::{Code, Diagnostics};
use crate::parse::http::RequestLine;
use crate::parse::page::Page;

/// The request lines of the page's request examples that its `HTTP request`
/// block lacks (`documented`, the lines it lists), each reported. Nothing when
/// the block lists nothing: the example is then the fallback of
/// `empty_http_request`, not another form.
pub(in crate::resolve) fn forms(
    page: &Page,
    documented: &[(u32, RequestLine)],
    requests: &[Exchange<'_>],
    diags: &mut Diagnostics,
) -> Vec<(u32, RequestLine)> {
    let mut added: Vec<(u32, RequestLine)> = Vec::new();
    if page.http.as_ref().is_none_or(|h| h.requests.is_empty()) {
        return added;
    }
    for exchange in requests {
        let (Some(request), line, opaque) = (exchange.message.request.clone(), exchange.message.start_line.line, exchange.opaque_url)
        else {
            continue;
        };
        let mut request = request;
        request.path = without_version(&request.path).to_owned();
        let known = documented.iter().chain(&added).any(|(_, d)| d.method == request.method && same_shape(&d.path, &request.path));
        let another_address = documented.iter().any(|(_, d)| d.method == request.method && same_ending(&d.path, &request.path));
        if opaque || !is_template(&request.path) || known || !another_address {
            continue;
        }
        diags.report(
            Code::ExampleOnlyRequest,
            (&page.file, line),
            format!(
                "the request example uses `{} {}`, a form the HTTP request section does not list; it becomes an operation of its own",
                request.method, request.path
            ),
        );
        added.push((line, request));
    }
    added
}

/// `/v1.0/me` and `/V1.0/me` are `/me`: some examples repeat the version.
fn without_version(path: &str) -> &str {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    if first.eq_ignore_ascii_case("v1.0") || first.eq_ignore_ascii_case("beta") {
        &path[1 + first.len()..]
    } else {
        path
    }
}

fn is_template(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    path.contains('{')
        && segments.iter().all(|s| s.contains('{') || !is_key(s))
        && segments.iter().all(|s| !s.starts_with("microsoft.graph.") && !s.contains(['[', ']', ' ', '<', '>']))
}

/// A segment as shapes compare it: `*` for a placeholder or key, else its
/// name without call arguments, in lower case.
fn shape(segment: &str) -> String {
    if segment.starts_with('{') || (segment.contains('{') && !segment.contains('(')) || is_key(segment) {
        "*".to_owned()
    } else {
        segment.split('(').next().unwrap_or(segment).to_ascii_lowercase()
    }
}

fn shapes(path: &str) -> Vec<String> {
    path.trim_matches('/').split('/').map(shape).collect()
}

/// Same segments, where any placeholder or key matches any other.
fn same_shape(a: &str, b: &str) -> bool {
    shapes(a) == shapes(b)
}

/// The same last named segment with as many keys after it.
fn same_ending(a: &str, b: &str) -> bool {
    let ending = |path: &str| {
        let shapes = shapes(path);
        let keys = shapes.iter().rev().take_while(|s| *s == "*").count();
        (shapes.iter().rev().find(|s| *s != "*").cloned(), keys)
    };
    ending(a) == ending(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_match_across_placeholder_spellings() {
        assert!(same_shape("/me/drive/items/{itemId}/createUploadSession", "/me/drive/items/{item-id}/createUploadSession"));
        assert!(same_shape("/me/messages/{id}", "/me/messages/AAMkAGI2THVSAAA="));
        assert!(!same_shape("/me/drive/items/{itemId}/createUploadSession", "/me/drive/root:/{item-path}:/createUploadSession"));
        assert!(!same_shape("/me/messages", "/me/messages/{id}"));
        assert!(same_shape("/me/workbook/range(address='{address}')/format", "/me/workbook/range(address='$A$1')/format"));
    }

    #[test]
    fn another_address_of_the_same_thing() {
        assert!(same_ending("/me/drive/items/{itemId}/createUploadSession", "/me/drive/root:/{item-path}:/createUploadSession"));
        assert!(same_ending("/groups/{groupId}/drives", "/sites/{siteId}/drives"));
        assert!(!same_ending("/education/classes/{id}/members/{userId}/$ref", "/education/classes/{class-id}/members/{member-id}"));
        assert!(!same_ending("/print/shares/{printerShareId}", "/print/printers/{id}"));
    }

    #[test]
    fn only_templates_count() {
        assert!(is_template("/me/drive/root:/{item-path}:/createUploadSession"));
        assert!(!is_template("/me/drive/root:/FolderA/FileB.txt:/content"), "no placeholder");
        assert!(!is_template("/me/messages/AAMkAGI2THVSAAA=/attachments/{id}"), "a literal key");
        assert!(!is_template("/groups/{id}/transitiveMembers/microsoft.graph.user"), "a cast");
        assert!(!is_template("/me/onenote/pages/{id}/content["));
        assert_eq!(without_version("/V1.0/chats/{id}"), "/chats/{id}");
        assert_eq!(without_version("/me"), "/me");
    }
}
