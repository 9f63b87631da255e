//! Rule: a request line that reaches the page's resource by `$expand` of its parent.
//!
//! A page about a navigation (an extension, a manager) may list, beside the
//! lines that address it (`GET /users/{id}/todo/lists/{id}/extensions/{id}`,
//! `GET /me/manager`), lines that get its parent and expand the navigation
//! into it (`GET /users/{id}/todo/lists/{id}?$expand=extensions($filter=...)`,
//! `GET /me?$expand=manager`). Such a line is the parent's GET with an
//! `$expand` option: the service answers with the parent (a `todoTaskList`,
//! a `user`) carrying the navigation inside, not with the page's resource. So
//! it is not one of this page's operations: the parent's own page documents
//! that GET and its answer, and `$expand` is one of its query options. Giving
//! the page's type to the parent's path would be wrong twice over: the
//! operation would decode a `todoTaskList` as an `openTypeExtension`, and the
//! path would make the list's navigations (`tasks`) members of the extension
//! ([`super::path_navigation`]).
//!
//! The navigation a page is about is the last named segment of the lines that
//! expand nothing (`extensions`, `manager`; keys and call arguments aside). A
//! line is read as its parent's GET when its `$expand` names one of them (any
//! case, `Extensions($filter=...)` included) and its own path does not end in
//! it. Everything else stays: an `$expand` of another navigation
//! (`GET /me/messages/{id}?$expand=attachments` on the message's page is the
//! message's own GET), and a page whose every line expands (a page that
//! documents reading a property only through its parent) has no address of
//! its own to learn the navigation from. Ranks right after
//! [`super::empty_http_request`], before any rule reads the lines; each line
//! left out is reported (`expand-of-parent`).

use super::super::paths::is_key;
use crate::diagnostics::{Code, Diagnostics};
use crate::parse::http::RequestLine;
use crate::parse::page::Page;
use std::collections::BTreeSet;

/// Leaves out, each reported, the lines that reach the page's navigation
/// through `$expand` of its parent.
pub(in crate::resolve) fn leave_out(page: &Page, lines: &mut Vec<(u32, RequestLine)>, diags: &mut Diagnostics) {
    let about: BTreeSet<String> = lines
        .iter()
        .filter(|(_, request)| expanded(request).is_empty())
        .filter_map(|(_, request)| navigation_name(&request.path))
        .map(|name| name.to_ascii_lowercase())
        .collect();
    lines.retain(|(line, request)| {
        let Some(navigation) = expanded(request).into_iter().find(|name| about.contains(&name.to_ascii_lowercase())) else {
            return true;
        };
        if navigation_name(&request.path).is_some_and(|own| own.eq_ignore_ascii_case(&navigation)) {
            return true;
        }
        let message = format!(
            "`{} {}?{}` reaches `{navigation}` through `$expand` of its parent: the service answers with the parent, not with this page's resource; the line is left to the parent's own page (its GET with an `$expand` option)",
            request.method,
            request.path,
            request.query.as_deref().unwrap_or_default(),
        );
        diags.report(Code::ExpandOfParent, (&page.file, *line), message);
        false
    });
}

/// The last named segment of a path: `extensions` for `.../extensions/{id}`,
/// `manager` for `/me/manager`, without call arguments.
fn navigation_name(path: &str) -> Option<&str> {
    let segment = path.split('/').rev().find(|s| !s.is_empty() && !is_key(s))?;
    let name = segment.split('(').next().unwrap_or(segment).trim();
    name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_').then_some(name).filter(|n| !n.is_empty())
}

/// The navigations a line's `$expand` names, top level only:
/// `extensions($filter=id eq 'x'),manager($levels=2)` -> `extensions`, `manager`.
fn expanded(request: &RequestLine) -> Vec<String> {
    let Some(query) = request.query.as_deref() else { return Vec::new() };
    let Some(value) = top_level(query, '&').into_iter().find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        key.trim().trim_start_matches('$').eq_ignore_ascii_case("expand").then_some(value)
    }) else {
        return Vec::new();
    };
    top_level(value, ',')
        .into_iter()
        .filter_map(|item| item.split(['(', '/', ';']).next().map(str::trim).filter(|name| !name.is_empty()))
        .map(str::to_owned)
        .collect()
}

/// `text` split at each `separator` outside parentheses.
fn top_level(text: &str, separator: char) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0usize, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if c == separator && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::http::parse_request_line;

    fn lines(texts: &[&str]) -> Vec<(u32, RequestLine)> {
        texts.iter().enumerate().map(|(i, t)| (i as u32 + 10, parse_request_line(t).unwrap())).collect()
    }

    fn kept(texts: &[&str]) -> (Vec<String>, Vec<u32>) {
        let page = Page { file: "api/x.md".into(), ..Page::default() };
        let mut lines = lines(texts);
        let mut diags = Diagnostics::default();
        leave_out(&page, &mut lines, &mut diags);
        let paths = lines.iter().map(|(_, r)| r.path.clone()).collect();
        (paths, diags.iter().map(|d| d.line).collect())
    }

    #[test]
    fn reads_the_expanded_navigations() {
        let line = parse_request_line("GET /me?$select=id&$expand=Extensions($filter=id eq 'a,b'),manager($levels=2)").unwrap();
        assert_eq!(expanded(&line), ["Extensions", "manager"]);
        assert!(expanded(&parse_request_line("GET /me/messages?$top=2").unwrap()).is_empty());
        assert_eq!(navigation_name("/users/{id}/todo/lists/{id}/extensions/{extensionId}"), Some("extensions"));
        assert_eq!(navigation_name("/users/{id | userPrincipalName}/"), Some("users"));
    }

    #[test]
    fn a_parent_expanding_the_pages_navigation_is_left_out() {
        let (paths, reported) = kept(&[
            "GET /me/todo/lists/{listId}/extensions/{extensionId}",
            "GET /me/todo/lists/{listId}?$expand=extensions($filter=id eq '{extensionId}')",
            "GET /me/events?$filter=Extensions/any(f:f/id eq '{extensionId}')&$expand=Extensions($filter=id eq '{extensionId}')",
        ]);
        assert_eq!(paths, ["/me/todo/lists/{listId}/extensions/{extensionId}"]);
        assert_eq!(reported, [11, 12]);
    }

    #[test]
    fn other_expansions_and_all_expanding_pages_stay() {
        let (paths, reported) = kept(&["GET /me/messages/{id}", "GET /me/messages/{id}?$expand=attachments"]);
        assert_eq!((paths.len(), reported.len()), (2, 0));
        let (paths, reported) = kept(&["GET /me/manager", "GET /me/manager?$expand=manager"]);
        assert_eq!((paths.len(), reported.len()), (2, 0));
        let (paths, _) = kept(&["GET /me/events/{id}?$expand=singleValueExtendedProperties($filter=id eq '{x}')"]);
        assert_eq!(paths.len(), 1);
    }
}
