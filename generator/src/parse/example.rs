//! Example code blocks, parsed once: a request or response example's HTTP
//! message (its start line read as a request line or a status line, and its
//! headers) and its body, JSON read leniently, each located in the page.
//! Resolve, verify and the audit read these; none of them parses an example
//! again.

use super::annotation::Annotation;
use super::http::{parse_message, parse_request_line, parse_status_line, RequestLine, StatusLine};
use super::json::{parse_lenient, JsonError};
use super::Located;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleRole {
    Request,
    Response,
    Resource,
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub role: ExampleRole,
    pub annotation: Annotation,
    /// Line of the opening fence.
    pub line: u32,
    /// Line of the first line inside the block.
    pub body_line: u32,
    pub lang: String,
    /// The HTTP message of a request or response example; `None` for other
    /// roles and for blocks holding only blank lines.
    pub message: Option<ExampleMessage>,
    /// The message's body, or a JSON representation's whole text; `None` when
    /// the message has no body and for examples of other roles.
    pub body: Option<Located<Payload>>,
}

/// The start of an example message.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleMessage {
    /// `POST https://...` or `HTTP/1.1 200 OK`, trimmed.
    pub start_line: Located<String>,
    pub headers: Vec<(String, String)>,
    /// The start line read as a request line (`None` for a status line).
    pub request: Option<RequestLine>,
    /// The start line read as a status line (`None` for a request line).
    pub status: Option<StatusLine>,
}

/// What an example body holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    /// JSON, once comments, elisions and trailing commas are removed.
    Json(Value),
    /// Meant as JSON but not JSON even after those repairs; `line` is inside the body.
    BadJson(JsonError),
    /// Not JSON: binary, text, XML, multipart.
    Other,
}

impl Example {
    /// Parses a code block of `role` whose first inside line is `body_line`.
    pub fn parse(role: ExampleRole, annotation: Annotation, line: u32, body_line: u32, lang: &str, text: &str) -> Example {
        let (message, body) = match role {
            ExampleRole::Request | ExampleRole::Response => message_and_body(text, body_line),
            ExampleRole::Resource => (None, Some(Located { value: json_text(text), line: body_line })),
            ExampleRole::Other => (None, None),
        };
        Example { role, annotation, line, body_line, lang: lang.to_owned(), message, body }
    }

    /// The body's JSON and the line it starts on, when it is JSON.
    pub fn json(&self) -> Option<(&Value, u32)> {
        match &self.body {
            Some(Located { value: Payload::Json(value), line }) => Some((value, *line)),
            _ => None,
        }
    }
}

impl Payload {
    /// A message body: JSON when it opens like JSON (`{` or `[`), else other content.
    fn of_body(text: &str) -> Payload {
        if text.trim_start().starts_with(['{', '[']) {
            json_text(text)
        } else {
            Payload::Other
        }
    }
}

/// A block or body that is JSON by its place (a JSON representation, a
/// `Request body` sample): parsed whatever it opens with.
pub fn json_text(text: &str) -> Payload {
    match parse_lenient(text) {
        Ok((value, _)) => Payload::Json(value),
        Err(err) => Payload::BadJson(err),
    }
}

fn message_and_body(text: &str, body_line: u32) -> (Option<ExampleMessage>, Option<Located<Payload>>) {
    let Some(message) = parse_message(text) else { return (None, None) };
    let start_line = Located { line: body_line + message.start_offset, value: message.start_line };
    let body = message.body.map(|(text, offset)| Located { value: Payload::of_body(&text), line: body_line + offset });
    let request = parse_request_line(&start_line.value);
    let status = parse_status_line(&start_line.value);
    (Some(ExampleMessage { start_line, headers: message.headers, request, status }), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(role: ExampleRole, text: &str) -> Example {
        Example::parse(role, Annotation::default(), 10, 11, "http", text)
    }

    #[test]
    fn a_response_message_is_located_and_its_body_read_as_json() {
        let response = example(
            ExampleRole::Response,
            "\nHTTP/1.1 201 Created\nContent-type: application/json\n\n{\n  \"id\": \"1\", // a comment\n}\n",
        );
        let message = response.message.as_ref().unwrap();
        assert_eq!((message.start_line.value.as_str(), message.start_line.line), ("HTTP/1.1 201 Created", 12));
        assert_eq!(message.status.as_ref().map(|s| s.status), Some(201));
        assert_eq!(message.request, None);
        assert_eq!(message.headers, [("Content-type".to_owned(), "application/json".to_owned())]);
        assert_eq!(response.json(), Some((&serde_json::json!({"id": "1"}), 15)));
    }

    #[test]
    fn a_request_line_is_read_and_bodies_that_are_not_json_are_kept_apart() {
        let request =
            example(ExampleRole::Request, "POST https://graph.microsoft.com/v1.0/me/sendMail\nContent-type: text/plain\n\nHello\n");
        let line = request.message.as_ref().and_then(|m| m.request.as_ref()).unwrap();
        assert_eq!((line.method.as_str(), line.path.as_str()), ("POST", "/me/sendMail"));
        assert_eq!(request.body, Some(Located { value: Payload::Other, line: 14 }));
        let broken = example(ExampleRole::Request, "POST /me\n\n{\n  \"a\": 1\n  \"b\": 2\n}\n");
        let Some(Located { value: Payload::BadJson(err), line: 13 }) = &broken.body else { panic!("{:?}", broken.body) };
        assert_eq!(err.line, 3, "the error's line is inside the body");
        assert_eq!(example(ExampleRole::Response, "HTTP/1.1 204 No Content\n").body, None);
        assert_eq!(example(ExampleRole::Response, "\n \n").message, None);
    }

    #[test]
    fn a_json_representation_is_json_whatever_it_opens_with_and_other_blocks_are_not_read() {
        let resource = example(ExampleRole::Resource, "// the members\n{\"id\": \"String\"}\n");
        assert_eq!(resource.json(), Some((&serde_json::json!({"id": "String"}), 11)));
        assert_eq!(resource.message, None);
        let other = example(ExampleRole::Other, "{\"id\": 1}");
        assert_eq!((other.message, other.body), (None, None));
    }
}
