//! The async client: authentication, retries and paging on top of reqwest.
//! Only compiled with the `client` feature.
//!
//! Security defaults:
//! - the bearer token is only attached to URLs below the client's base URL
//!   (an `@odata.nextLink` or an upload URL on another host never gets it);
//! - redirects are followed (at most 10), but reqwest drops `Authorization`
//!   (and cookies) whenever a redirect changes host or port, no `Referer` is
//!   sent, and a redirect from `https` down to `http` is not followed;
//! - tokens never appear in `Debug` output or error messages: transport errors
//!   are reported without their URL (upload URLs carry their own credential),
//!   and a `Request`'s `Debug` redacts credential headers a caller set on it
//!   (`Authorization`, `Cookie`, `*-Key`, ...);
//! - every request has a total timeout (100 s) and a connect timeout (10 s);
//! - error bodies are read up to 1 MiB; streamed content (`$value`) is read
//!   with [`Client::download`] / [`Client::download_to`], which stop at a
//!   size limit instead of buffering whatever the server sends;
//! - the runtime does no logging at all (no `log`/`tracing`), so nothing it
//!   does can write a token or a pre-authenticated URL to a log.

use super::error::{Error, GraphError};
use super::paging::Page;
use super::request::{Body, Method, Request};
pub use super::retry::{parse_retry_after, RetryPolicy};
use futures_util::stream::{self, Stream, TryStreamExt};
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Supplies the bearer token for each request.
pub trait TokenProvider: Send + Sync {
    fn token(&self) -> Result<String, Error>;
}

/// A fixed token. Its `Debug` output never shows the token.
#[derive(Clone)]
pub struct StaticToken(String);

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken(<redacted>)")
    }
}

impl TokenProvider for StaticToken {
    fn token(&self) -> Result<String, Error> {
        Ok(self.0.clone())
    }
}

/// Any closure returning a token, e.g. one that refreshes from a cache.
impl<F> TokenProvider for F
where
    F: Fn() -> Result<String, String> + Send + Sync,
{
    fn token(&self) -> Result<String, Error> {
        self().map_err(Error::Token)
    }
}

/// Whole-request timeout of a client whose builder does not set one.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(100);
/// Connect timeout of a client whose builder does not set one.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How much of an error response's body is read (to decode the API's error).
pub(super) const ERROR_BODY_LIMIT: usize = 1024 * 1024;

pub struct ClientBuilder {
    base_url: String,
    token: Option<Arc<dyn TokenProvider>>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
}

impl ClientBuilder {
    /// Base URL for another cloud or a test server, e.g. `https://graph.microsoft.us/v1.0`.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into().trim_end_matches('/').to_owned();
        self
    }

    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Arc::new(StaticToken(token.into())));
        self
    }

    pub fn token_provider(mut self, provider: impl TokenProvider + 'static) -> Self {
        self.token = Some(Arc::new(provider));
        self
    }

    /// Whole-request timeout (default 100 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    pub fn build(self) -> Result<Client, Error> {
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                let previous = attempt.previous().last().cloned();
                match redirect_decision(previous.as_ref(), attempt.url(), attempt.previous().len()) {
                    Redirect::Follow => attempt.follow(),
                    Redirect::Stop => attempt.stop(),
                    Redirect::TooMany => attempt.error("too many redirects"),
                }
            }))
            .referer(false)
            .build()
            .map_err(transport_error)?;
        let token = self.token.ok_or_else(|| Error::Token("no token or token provider was configured".into()))?;
        Ok(Client { http, base_url: self.base_url, token, retry: self.retry })
    }
}

/// Sends requests built by the operation functions.
#[derive(Clone)]
pub struct Client {
    pub(super) http: reqwest::Client,
    base_url: String,
    token: Arc<dyn TokenProvider>,
    pub(super) retry: RetryPolicy,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client").field("base_url", &self.base_url).field("token", &"<redacted>").field("retry", &self.retry).finish()
    }
}

impl Client {
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            base_url: crate::DEFAULT_BASE_URL.to_owned(),
            token: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
        }
    }

    /// A client for the default base URL with a fixed token.
    pub fn new(token: impl Into<String>) -> Result<Client, Error> {
        Client::builder().token(token).build()
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends `request` and decodes the success body into `T`.
    pub async fn send<T: DeserializeOwned>(&self, request: Request<T>) -> Result<T, Error> {
        let url = request.url(&self.base_url);
        let (status, bytes) = self.execute(request.method(), &url, request.headers(), request.body()).await?;
        decode(status, &bytes)
    }

    /// The page after `page`, if any. `@odata.nextLink` is absolute; the token is
    /// only sent when it points below this client's base URL.
    pub async fn next_page<T: DeserializeOwned>(&self, page: &Page<T>) -> Result<Option<Page<T>>, Error> {
        let Some(next) = page.next_link.as_deref() else { return Ok(None) };
        self.get_link(next).await.map(Some)
    }

    async fn get_link<T: DeserializeOwned>(&self, url: &str) -> Result<Page<T>, Error> {
        let (status, bytes) = self.execute(Method::Get, url, &[], &Body::Empty).await?;
        decode(status, &bytes)
    }

    /// Each page of a collection in turn, following `@odata.nextLink`; the
    /// stream ends after the last page or after the first error.
    ///
    /// ```ignore
    /// use futures_util::StreamExt; // also re-exported as `runtime::StreamExt`
    /// let mut pages = std::pin::pin!(client.stream_pages(request));
    /// while let Some(page) = pages.next().await {
    ///     println!("{} items", page?.value.len());
    /// }
    /// ```
    pub fn stream_pages<T>(&self, first: Request<Page<T>>) -> impl Stream<Item = Result<Page<T>, Error>> + Send + 'static
    where
        T: DeserializeOwned + Send + 'static,
    {
        enum Next<T> {
            First(Request<Page<T>>),
            Link(String),
            Done,
        }
        stream::try_unfold((self.clone(), Next::First(first)), |(client, next)| async move {
            let page: Page<T> = match next {
                Next::First(request) => client.send(request).await?,
                Next::Link(url) => client.get_link(&url).await?,
                Next::Done => return Ok(None),
            };
            let next = match &page.next_link {
                Some(url) => Next::Link(url.clone()),
                None => Next::Done,
            };
            Ok(Some((page, (client, next))))
        })
    }

    /// Every item of a collection, one at a time, fetching pages as needed.
    ///
    /// ```ignore
    /// use futures_util::TryStreamExt;
    /// let mut items = std::pin::pin!(client.stream_items(request));
    /// while let Some(item) = items.try_next().await? {
    ///     println!("{item:?}");
    /// }
    /// ```
    pub fn stream_items<T>(&self, first: Request<Page<T>>) -> impl Stream<Item = Result<T, Error>> + Send + 'static
    where
        T: DeserializeOwned + Send + 'static,
    {
        self.stream_pages(first).map_ok(|page| stream::iter(page.value.into_iter().map(Ok))).try_flatten()
    }

    /// Every item of a collection, following `@odata.nextLink` to the end.
    pub async fn all_pages<T: DeserializeOwned>(&self, first: Request<Page<T>>) -> Result<Vec<T>, Error> {
        let mut page = self.send(first).await?;
        let mut items = std::mem::take(&mut page.value);
        while let Some(mut next) = self.next_page(&page).await? {
            items.append(&mut next.value);
            page = next;
        }
        Ok(items)
    }

    pub(super) fn is_own_url(&self, url: &str) -> bool {
        url.strip_prefix(&self.base_url).is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?']))
    }

    async fn execute(&self, method: Method, url: &str, headers: &[(String, String)], body: &Body) -> Result<(u16, Vec<u8>), Error> {
        let response = self.respond(method, url, headers, body).await?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(transport_error)?.to_vec();
        Ok((status, bytes))
    }

    /// Sends a request, retrying as the policy says, and returns the first
    /// success response with its body not yet read. Failures become
    /// `Error::Api` with the (bounded) error body decoded, or
    /// `Error::Throttled` when the server asked for a wait beyond the policy.
    pub(super) async fn respond(
        &self,
        method: Method,
        url: &str,
        headers: &[(String, String)],
        body: &Body,
    ) -> Result<reqwest::Response, Error> {
        let response = self.respond_any(method, url, headers, body).await?;
        let status = response.status().as_u16();
        if (200..300).contains(&status) {
            return Ok(response);
        }
        let retry_after = retry_after(&response);
        let error = GraphError::from_body(&read_prefix(response, ERROR_BODY_LIMIT).await?);
        match retry_after.filter(|wait| matches!(status, 429 | 503 | 504) && *wait > self.retry.max_delay) {
            Some(retry_after) => Err(Error::Throttled { status, retry_after, error: Box::new(error) }),
            None => Err(Error::Api { status, error }),
        }
    }

    /// Like [`Client::respond`] (same retries of 429, 503 and 504, never
    /// before the server's `Retry-After`), but the final response comes back
    /// whatever its status, body unread: for the protocols that read a
    /// failure's headers (a delta query's `410 Gone` and its `Location`) or
    /// whose failure status still carries an answer (a `$batch` answered `424`
    /// with every item's own response). A throttled answer whose wait is
    /// beyond the policy's cap comes back as it is.
    pub(super) async fn respond_any(
        &self,
        method: Method,
        url: &str,
        headers: &[(String, String)],
        body: &Body,
    ) -> Result<reqwest::Response, Error> {
        if let Body::Invalid(message) = body {
            return Err(Error::InvalidRequest(message.clone()));
        }
        if let Some(segment) = dot_segment(url) {
            return Err(Error::InvalidRequest(format!(
                "the path segment `{segment}` would be removed by URL normalization and reach another resource"
            )));
        }
        let mut attempt = 1;
        loop {
            let response = self.attempt(method, url, headers, body).await?;
            if !matches!(response.status().as_u16(), 429 | 503 | 504) || attempt >= self.retry.max_attempts {
                return Ok(response);
            }
            let Some(delay) = self.retry.wait(attempt, retry_after(&response)) else { return Ok(response) };
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    async fn attempt(&self, method: Method, url: &str, headers: &[(String, String)], body: &Body) -> Result<reqwest::Response, Error> {
        let method = reqwest::Method::from_bytes(method.as_str().as_bytes()).map_err(|e| Error::InvalidRequest(e.to_string()))?;
        let mut builder = self.http.request(method, url);
        if self.is_own_url(url) {
            builder = builder.bearer_auth(self.token.token()?);
        }
        for (name, value) in headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder = match body {
            Body::Empty | Body::Invalid(_) => builder,
            Body::Json(bytes) => builder.header("Content-Type", "application/json").body(bytes.clone()),
            Body::Bytes { content_type, data } => builder.header("Content-Type", content_type.as_str()).body(data.clone()),
        };
        builder.send().await.map_err(transport_error)
    }
}

/// The response's `Retry-After`, when it has one that parses.
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    response.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(parse_retry_after)
}

/// At most `limit` bytes of a response body; the rest is not read.
pub(super) async fn read_prefix(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
        bytes.extend_from_slice(&chunk[..chunk.len().min(limit - bytes.len())]);
        if bytes.len() == limit {
            break;
        }
    }
    Ok(bytes)
}

/// A transport error without its URL (which may carry a credential, as upload
/// URLs do), with the chain of causes that explains it.
pub(super) fn transport_error(error: reqwest::Error) -> Error {
    let error = error.without_url();
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !message.contains(&cause_text) {
            message.push_str(": ");
            message.push_str(&cause_text);
        }
        source = cause.source();
    }
    Error::Transport(message)
}

#[derive(Debug, PartialEq, Eq)]
enum Redirect {
    Follow,
    Stop,
    TooMany,
}

/// At most 10 redirects, and never from `https` down to `http`. (reqwest itself
/// removes `Authorization` when a redirect changes host or port.)
fn redirect_decision(previous: Option<&reqwest::Url>, next: &reqwest::Url, hops: usize) -> Redirect {
    if hops >= 10 {
        Redirect::TooMany
    } else if previous.is_some_and(|p| p.scheme() == "https") && next.scheme() != "https" {
        Redirect::Stop
    } else {
        Redirect::Follow
    }
}

/// The success body as `T`; an empty body reads as `null`. The docs contradict
/// themselves about some answers, and the service may send either form, so
/// neither is a failure of the request:
/// - a `T` that wants no content (`()`, an operation documented to return no
///   body) takes any body (pages say `204 No Content` and show a body);
/// - an answer that says it has no content (`201`, `202` or `204` without a
///   body: what `Prefer: return=minimal` asks for, and what some examples
///   show where the page declares the entity) reads as `{}`, a value with
///   nothing set. A `200` without the body it promises is still an error.
pub(super) fn decode<T: DeserializeOwned>(status: u16, bytes: &[u8]) -> Result<T, Error> {
    let empty = bytes.iter().all(u8::is_ascii_whitespace);
    let bytes = if empty { b"null".as_slice() } else { bytes };
    serde_json::from_slice(bytes)
        .or_else(|e| serde_json::from_slice(b"null").map_err(|_| e))
        .or_else(|e| match empty && matches!(status, 201 | 202 | 204) {
            true => serde_json::from_slice(b"{}").map_err(|_| e),
            false => Err(e),
        })
        .map_err(|e| Error::Decode { status, message: e.to_string() })
}

/// A `.` or `..` segment in the path of `url` (also percent-encoded): URL
/// parsers remove them, so `/me/drive/root:/../../users` would silently reach
/// another resource (with the token). Placeholder values are encoded but dots
/// are unreserved characters, so the check is made on the finished URL.
fn dot_segment(url: &str) -> Option<String> {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |slash| &after_scheme[slash..]);
    let path = path.split(['?', '#']).next().unwrap_or("");
    path.split('/').find(|segment| matches!(segment.to_ascii_lowercase().replace("%2e", ".").as_str(), "." | "..")).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_are_found_in_any_spelling() {
        assert_eq!(dot_segment("https://g.example/v1.0/me/drive/root:/../../users"), Some("..".to_owned()));
        assert_eq!(dot_segment("https://g.example/v1.0/me/drive/root:/a/%2E%2e/b"), Some("%2E%2e".to_owned()));
        assert_eq!(dot_segment("https://g.example/v1.0/me/./x"), Some(".".to_owned()));
        assert_eq!(dot_segment("https://g.example/v1.0/me/drive/root:/a..b/.x:/content?$x=../y"), None);
        assert_eq!(dot_segment("https://g.example"), None);
    }

    #[test]
    fn clients_time_out_by_default() {
        let builder = Client::builder();
        assert_eq!(builder.timeout, DEFAULT_TIMEOUT);
        assert_eq!(builder.connect_timeout, DEFAULT_CONNECT_TIMEOUT);
        assert!(DEFAULT_TIMEOUT <= Duration::from_secs(300) && DEFAULT_CONNECT_TIMEOUT <= Duration::from_secs(30));
        // Setting one timeout keeps the other's default.
        let builder = Client::builder().timeout(Duration::from_secs(5));
        assert_eq!((builder.timeout, builder.connect_timeout), (Duration::from_secs(5), DEFAULT_CONNECT_TIMEOUT));
    }

    #[test]
    fn debug_output_hides_the_token() {
        let client = Client::builder().token("secret-token").build().unwrap();
        let shown = format!("{client:?} {:?}", StaticToken("secret-token".into()));
        assert!(!shown.contains("secret-token"), "{shown}");
    }

    #[test]
    fn redirects_are_bounded_and_never_downgrade() {
        let url = |u: &str| reqwest::Url::parse(u).unwrap();
        let https = url("https://graph.example/v1.0/me/photo/$value");
        assert_eq!(redirect_decision(Some(&https), &url("https://cdn.example/photo"), 1), Redirect::Follow);
        assert_eq!(redirect_decision(Some(&https), &url("http://cdn.example/photo"), 1), Redirect::Stop);
        assert_eq!(redirect_decision(Some(&url("http://127.0.0.1/a")), &url("http://localhost/b"), 1), Redirect::Follow);
        assert_eq!(redirect_decision(Some(&https), &url("https://cdn.example/photo"), 9), Redirect::Follow);
        assert_eq!(redirect_decision(Some(&https), &url("https://cdn.example/photo"), 10), Redirect::TooMany);
    }

    #[test]
    fn tokens_only_go_to_the_base_url() {
        let client = Client::builder().token("t").base_url("https://graph.example/v1.0").build().unwrap();
        assert!(client.is_own_url("https://graph.example/v1.0/me?$skip=2"));
        assert!(!client.is_own_url("https://graph.example/v1.0.evil.example/me"));
        assert!(!client.is_own_url("https://upload.example/session"));
    }
}
