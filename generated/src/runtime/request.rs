//! A request is plain data: method, path, query, headers and body, plus the
//! type its response decodes into. Building one needs no network, so requests
//! can be inspected and tested; a `Client` sends them.

use super::encode::encode_query_component;
use serde::Serialize;
use std::fmt;
use std::marker::PhantomData;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, PartialEq, Eq)]
pub enum Body {
    Empty,
    Json(Vec<u8>),
    Bytes {
        content_type: String,
        data: Vec<u8>,
    },
    /// The body could not be serialized; sending reports this error.
    Invalid(String),
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Empty => f.write_str("Empty"),
            Body::Json(bytes) => write!(f, "Json({})", String::from_utf8_lossy(bytes)),
            Body::Bytes { content_type, data } => write!(f, "Bytes({content_type}, {} bytes)", data.len()),
            Body::Invalid(e) => write!(f, "Invalid({e})"),
        }
    }
}

/// The response of a request whose success body is raw content (a file, a
/// photo, a usage report behind a redirect) rather than JSON. It has no
/// `Deserialize`: such a request is sent with `Client::download` or
/// `Client::download_to`, which bound how much of it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Content;

/// A request whose successful response decodes into `T`.
pub struct Request<T> {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Body,
    operation: Option<Operation>,
    response: PhantomData<fn() -> T>,
}

/// Which documented operation a request was built by: its function name and
/// its path template (`/me/messages/{message_id}/attachments`), relative to
/// the base URL. Traces show the template instead of the path with ids in it,
/// and the test server matches canned answers on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operation {
    pub name: &'static str,
    pub path_template: &'static str,
}

// Manual impls: `T` is only a marker and needs none of these traits itself.
impl<T> Clone for Request<T> {
    fn clone(&self) -> Self {
        Request {
            method: self.method,
            path: self.path.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            operation: self.operation,
            response: PhantomData,
        }
    }
}

pub(crate) fn is_absolute_url(path: &str) -> bool {
    let lower = path.get(..8).unwrap_or(path).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// A link the service handed out (a `Location`, which may be relative to the
/// service root like `/teams('a')/operations('b')`), made absolute.
#[cfg_attr(not(feature = "client"), allow(dead_code))]
pub(crate) fn absolute_link(base_url: &str, link: &str) -> String {
    match is_absolute_url(link) {
        true => link.to_owned(),
        false => format!("{}/{}", base_url.trim_end_matches('/'), link.trim_start_matches('/')),
    }
}

/// Credentials a caller may put in a header themselves (another auth scheme, a
/// cookie, an API key): `Debug` shows `<redacted>` instead of their values.
fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(name.as_str(), "authorization" | "proxy-authorization" | "cookie" | "set-cookie")
        || ["token", "secret", "key", "password", "signature"].iter().any(|word| name.contains(word))
}

impl<T> fmt::Debug for Request<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), if is_secret_header(name) { "<redacted>" } else { value.as_str() }))
            .collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field("body", &self.body)
            .finish()
    }
}

impl<T> Request<T> {
    /// `path` is relative to the base URL and already has its parameters
    /// encoded, or it is an absolute URL that the service handed out (an
    /// `@odata.nextLink`, a delta query's `@odata.deltaLink`), used as it is.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::Empty,
            operation: None,
            response: PhantomData,
        }
    }

    /// Names the documented operation this request is built by (generated
    /// functions do this); see [`Operation`].
    pub fn operation(mut self, name: &'static str, path_template: &'static str) -> Self {
        self.operation = Some(Operation { name, path_template });
        self
    }

    /// The documented operation, when the request was built by a generated function.
    pub fn operation_info(&self) -> Option<Operation> {
        self.operation
    }

    pub fn method(&self) -> Method {
        self.method
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    pub fn body(&self) -> &Body {
        &self.body
    }

    /// Serializes `body` as the JSON request body.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        self.body = match serde_json::to_vec(body) {
            Ok(bytes) => Body::Json(bytes),
            Err(err) => Body::Invalid(err.to_string()),
        };
        self
    }

    pub fn bytes(mut self, content_type: impl Into<String>, data: Vec<u8>) -> Self {
        self.body = Body::Bytes { content_type: content_type.into(), data };
        self
    }

    /// Adds a query parameter (repeated names are kept in order).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Sets a header, replacing an earlier value of the same name.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        self.headers.push((name, value.into()));
        self
    }

    /// `$select`: only these properties are returned.
    pub fn select(self, properties: &[&str]) -> Self {
        self.query("$select", properties.join(","))
    }

    /// `$expand`: include these relationships.
    pub fn expand(self, relationships: &[&str]) -> Self {
        self.query("$expand", relationships.join(","))
    }

    /// `$filter`: an OData filter expression.
    pub fn filter(self, expression: impl Into<String>) -> Self {
        self.query("$filter", expression)
    }

    /// `$orderby`: e.g. `["name desc"]`.
    pub fn order_by(self, keys: &[&str]) -> Self {
        self.query("$orderby", keys.join(","))
    }

    /// `$search`: a search expression (quote phrases as the API requires).
    pub fn search(self, expression: impl Into<String>) -> Self {
        self.query("$search", expression)
    }

    /// `$top`: page size.
    pub fn top(self, count: u32) -> Self {
        self.query("$top", count.to_string())
    }

    /// `$skip`: items to skip.
    pub fn skip(self, count: u32) -> Self {
        self.query("$skip", count.to_string())
    }

    /// `$count`: ask for the total number of items.
    pub fn count(self, include: bool) -> Self {
        self.query("$count", include.to_string())
    }

    /// `If-Match`: only act when the resource still has this ETag.
    pub fn if_match(self, etag: impl Into<String>) -> Self {
        self.header("If-Match", etag)
    }

    /// `If-None-Match`: e.g. `*` to create only when absent.
    pub fn if_none_match(self, etag: impl Into<String>) -> Self {
        self.header("If-None-Match", etag)
    }

    /// `Prefer`: e.g. `return=minimal`, `outlook.timezone="Pacific Standard Time"`.
    pub fn prefer(self, preference: impl Into<String>) -> Self {
        self.header("Prefer", preference)
    }

    /// `ConsistencyLevel: eventual`, required by advanced directory queries (`$count`, `$search`).
    pub fn consistency_level_eventual(self) -> Self {
        self.header("ConsistencyLevel", "eventual")
    }

    /// The full URL against a base such as `https://graph.microsoft.com/v1.0`
    /// (an absolute path ignores the base; query parameters follow its own).
    pub fn url(&self, base_url: &str) -> String {
        let mut url = match is_absolute_url(&self.path) {
            true => self.path.clone(),
            false => format!("{}{}", base_url.trim_end_matches('/'), self.path),
        };
        let mut separator = if url.contains('?') { '&' } else { '?' };
        for (name, value) in &self.query {
            url.push(separator);
            separator = '&';
            url.push_str(&encode_query_component(name));
            url.push('=');
            url.push_str(&encode_query_component(value));
        }
        url
    }

    /// The same request decoding into another type (e.g. a narrower `$select` view).
    pub fn with_response<U>(self) -> Request<U> {
        Request {
            method: self.method,
            path: self.path,
            query: self.query,
            headers: self.headers,
            body: self.body,
            operation: self.operation,
            response: PhantomData,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_urls_with_odata_options() {
        let request: Request<()> = Request::new(Method::Get, "/me/messages").select(&["subject", "from"]).top(5).filter("isRead eq false");
        assert_eq!(
            request.url("https://graph.microsoft.com/v1.0/"),
            "https://graph.microsoft.com/v1.0/me/messages?$select=subject,from&$top=5&$filter=isRead%20eq%20false"
        );
    }

    #[test]
    fn absolute_links_keep_their_own_host_and_query() {
        let link = "https://graph.microsoft.com/v1.0/me/mailFolders('inbox')/messages/delta?$deltatoken=abc";
        let request: Request<()> = Request::new(Method::Get, link);
        assert_eq!(request.url("http://127.0.0.1:1/v1.0"), link);
        assert_eq!(request.query("$top", "2").url("http://x"), format!("{link}&$top=2"));
        let request: Request<()> = Request::new(Method::Get, "HTTP://other.example/page");
        assert_eq!(request.top(1).url("https://graph.microsoft.com/v1.0"), "HTTP://other.example/page?$top=1");
        assert_eq!(absolute_link("http://h/v1.0/", "/users/delta"), "http://h/v1.0/users/delta");
        assert_eq!(absolute_link("http://h/v1.0", "https://x/y"), "https://x/y");
    }

    #[test]
    fn json_bodies_and_headers() {
        let request: Request<()> =
            Request::new(Method::Post, "/x").json(&serde_json::json!({"a": 1})).header("Prefer", "a").header("prefer", "b");
        assert_eq!(request.body(), &Body::Json(br#"{"a":1}"#.to_vec()));
        assert_eq!(request.headers(), &[("prefer".to_owned(), "b".to_owned())]);
        assert_eq!(
            format!("{request:?}"),
            r#"Request { method: Post, path: "/x", query: [], headers: [("prefer", "b")], body: Json({"a":1}) }"#
        );
    }

    #[test]
    fn debug_output_hides_credentials_set_as_headers() {
        let request: Request<()> = Request::new(Method::Get, "/x")
            .header("Authorization", "Bearer secret-1")
            .header("Cookie", "session=secret-2")
            .header("X-Api-Key", "secret-3")
            .header("If-Match", "etag-1");
        let shown = format!("{request:?}");
        assert!(!shown.contains("secret-"), "{shown}");
        assert!(shown.contains(r#"("Authorization", "<redacted>")"#) && shown.contains(r#"("If-Match", "etag-1")"#), "{shown}");
        assert_eq!(request.headers()[0].1, "Bearer secret-1", "only Debug redacts; the header is still sent");
    }
}
