//! Rule: the example an operation's rustdoc shows is its page's request
//! example that exercises it: the same method, and a path its template
//! matches (each `{placeholder}` takes the example's text, call arguments the
//! path does not spell are read from the example's call). When no example
//! matches (a page whose example uses `/me` for `/users/{id}`), the page's
//! first request example of the same method still gives the query, headers
//! and body, and the path arguments are left to the placeholder names.

use crate::model::{CallExample, Operation, Source};
use crate::parse::example::{ExampleRole, Payload};
use crate::parse::http::RequestLine;
use crate::parse::page::Page;
use std::collections::BTreeMap;

/// Headers an example shows that the client sets itself.
const CLIENT_HEADERS: &[&str] = &["authorization", "content-type", "content-length", "host", "accept"];

pub fn attach(pages: &[Page], operations: &mut [Operation]) {
    let by_file: BTreeMap<&str, Vec<Request>> = pages.iter().map(|page| (page.file.as_str(), requests(page))).collect();
    for operation in operations {
        let Some(examples) = by_file.get(operation.source.file.as_str()) else { continue };
        let same_method = || examples.iter().filter(|e| e.line.method == operation.method);
        let matched = same_method().find_map(|e| path_args(operation, &e.line.path).map(|args| (e, args)));
        operation.example = match matched {
            Some((example, (path_args, call_args))) => Some(example.call(path_args, call_args)),
            None => same_method().next().map(|e| e.call(vec![None; operation.path_params.len()], Vec::new())),
        };
    }
}

/// A request example of a page, read.
struct Request {
    source: Source,
    line: RequestLine,
    headers: Vec<(String, String)>,
    body: Option<serde_json::Value>,
}

impl Request {
    fn call(&self, path_args: Vec<Option<String>>, call_args: Vec<(String, String)>) -> CallExample {
        let query = self.line.query.as_deref().map(query_pairs).unwrap_or_default();
        CallExample { path_args, call_args, query, headers: self.headers.clone(), body: self.body.clone(), source: self.source.clone() }
    }
}

fn requests(page: &Page) -> Vec<Request> {
    page.examples
        .iter()
        .filter(|e| e.role == ExampleRole::Request)
        .filter_map(|example| {
            let message = example.message.as_ref()?;
            let line = message.request.clone()?;
            let headers = message.headers.iter().filter(|(name, _)| !CLIENT_HEADERS.contains(&name.to_ascii_lowercase().as_str()));
            let body = example.body.as_ref().and_then(|body| match &body.value {
                Payload::Json(value) if value.is_object() || value.is_array() => Some(value.clone()),
                _ => None,
            });
            let source = Source { file: page.file.clone(), line: message.start_line.line };
            Some(Request { source, line, headers: headers.cloned().collect(), body })
        })
        .collect()
}

/// The path parameters' values (in `path_params` order) and the unspelled
/// call arguments when `path` is an instance of the operation's template.
type Arguments = (Vec<Option<String>>, Vec<(String, String)>);

fn path_args(operation: &Operation, path: &str) -> Option<Arguments> {
    let template: Vec<&str> = operation.path.trim_matches('/').split('/').collect();
    let mut example: Vec<String> = without_version(path).trim_matches('/').split('/').map(str::to_owned).collect();
    // A placeholder that holds a path (`root:/{item_path}:`) takes as many segments as it needs.
    let spanning = operation.path_params.iter().filter(|p| p.holds_path).find_map(|p| {
        let placeholder = format!("{{{}}}", p.name);
        template.iter().position(|t| t.contains(&placeholder))
    });
    if let Some(at) = spanning.filter(|_| example.len() > template.len()) {
        let extra = example.len() - template.len();
        let joined = example.drain(at..=at + extra).collect::<Vec<_>>().join("/");
        example.insert(at, joined);
    }
    if template.len() != example.len() {
        return None;
    }
    // A call the template does not spell: `usedRange` documented, `usedRange(valuesOnly=true)` shown.
    let mut call_args = Vec::new();
    if let (Some(last), Some(shown)) = (template.last(), example.last_mut()) {
        if !last.contains('(') {
            if let Some((name, arguments)) = shown.clone().split_once('(') {
                call_args = call_arguments(arguments.trim_end_matches(')'));
                *shown = name.to_owned();
            }
        }
    }
    let mut values: BTreeMap<&str, String> = BTreeMap::new();
    for (t, e) in template.iter().zip(example.iter().map(String::as_str)) {
        capture(t, e, &mut values)?;
    }
    // An example written as a template (`/users/{id}`) gives no value.
    let given = |value: &&String| !(value.starts_with('{') && value.ends_with('}'));
    let path_args = operation.path_params.iter().map(|p| values.get(p.name.as_str()).filter(given).cloned()).collect();
    Some((path_args, call_args))
}

/// Matches one segment against its template, collecting each `{name}`'s text
/// (percent-decoded); literal text compares without case.
fn capture<'t>(template: &'t str, text: &str, values: &mut BTreeMap<&'t str, String>) -> Option<()> {
    let mut pieces = template.split('{');
    let mut rest = strip_prefix_ignore_case(text, pieces.next().unwrap_or(""))?;
    let placeholders: Vec<(&'t str, &'t str)> = pieces.map(|piece| piece.split_once('}')).collect::<Option<_>>()?;
    for (i, (name, literal)) in placeholders.iter().enumerate() {
        let end = if literal.is_empty() && i + 1 == placeholders.len() {
            rest.len()
        } else {
            rest.to_ascii_lowercase().find(&literal.to_ascii_lowercase())?
        };
        values.insert(name, percent_decoded(&rest[..end]));
        rest = &rest[end + literal.len()..];
    }
    rest.is_empty().then_some(())
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    (text.len() >= prefix.len() && text.is_char_boundary(prefix.len()) && text[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &text[prefix.len()..])
}

/// `a=1,b='x'` -> (`a`, `1`), (`b`, `'x'`).
fn call_arguments(text: &str) -> Vec<(String, String)> {
    text.split(',')
        .filter_map(|argument| argument.split_once('='))
        .map(|(name, value)| (name.trim().to_owned(), percent_decoded(value.trim())))
        .collect()
}

/// `$select=a,b&$top=5` -> the pairs, percent-decoded.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decoded(name.trim()), percent_decoded(value.trim()))
        })
        .collect()
}

fn without_version(path: &str) -> &str {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    if first.eq_ignore_ascii_case("v1.0") || first.eq_ignore_ascii_case("beta") {
        &path.trim_start_matches('/')[first.len()..]
    } else {
        path
    }
}

/// `%20` -> ` `; anything that is not a valid escape stays as written, and so
/// does the whole text when its escapes do not make UTF-8.
fn percent_decoded(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8().map_or_else(|_| text.to_owned(), |decoded| decoded.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_capture_their_placeholders() {
        let mut values = BTreeMap::new();
        assert_eq!(capture("{user_id}", "48d3-1887", &mut values), Some(()));
        assert_eq!(capture("range(address='{address}')", "Range(address='A1%3AB2')", &mut values), Some(()));
        assert_eq!(capture("users", "groups", &mut values), None);
        assert_eq!(values.get("user_id").map(String::as_str), Some("48d3-1887"));
        assert_eq!(values.get("address").map(String::as_str), Some("A1:B2"));
    }

    #[test]
    fn queries_and_calls_are_read_as_pairs() {
        assert_eq!(
            query_pairs("$select=displayName,mail&$filter=startswith(displayName,%20'a')"),
            [("$select".to_owned(), "displayName,mail".to_owned()), ("$filter".to_owned(), "startswith(displayName, 'a')".to_owned())]
        );
        assert_eq!(call_arguments("valuesOnly=true,name='x'"), [("valuesOnly".into(), "true".into()), ("name".into(), "'x'".into())]);
        assert_eq!(without_version("/v1.0/me/events"), "/me/events");
        assert_eq!(percent_decoded("a%2"), "a%2");
    }

    #[test]
    fn a_placeholder_that_holds_a_path_takes_several_segments() {
        use crate::emit::rust::test_model::operation;
        use crate::model::{HttpMethod, PathParam};
        let operation = Operation {
            id: "get_content".into(),
            documented_path: "/me/drive/root:/{item-path}:/content".into(),
            path_params: vec![PathParam { name: "item_path".into(), documented: "item-path".into(), holds_path: true }],
            ..operation(HttpMethod::Get, "/me/drive/root:/{item_path}:/content")
        };
        let (args, _) = path_args(&operation, "/me/drive/root:/Reports/Q1%20summary.pdf:/content").unwrap();
        assert_eq!(args, [Some("Reports/Q1 summary.pdf".to_owned())]);
        assert_eq!(path_args(&operation, "/me/drive/items/x/content"), None);
    }
}
