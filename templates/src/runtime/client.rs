//! The async client: authentication, clouds, retries, tracing and paging on
//! top of reqwest. Only compiled with the `client` feature.
//!
//! Security defaults:
//! - the bearer token is only attached to URLs below the client's base URL:
//!   same scheme, host and port, and a path below its path. With a [`Cloud`]
//!   that is the cloud's Graph host and nothing else (the allow-list Microsoft's
//!   own SDKs keep), so an `@odata.nextLink` to another cloud, an upload URL or
//!   a download location never gets it;
//! - redirects are followed (at most 10), but reqwest drops `Authorization`
//!   (and cookies) whenever a redirect changes scheme, host or port, no
//!   `Referer` is sent, and a redirect from `https` down to `http` is not followed;
//! - tokens never appear in `Debug` output, error messages or traces: transport
//!   errors are reported without their URL (upload URLs carry their own
//!   credential), a `Request`'s `Debug` redacts credential headers a caller set
//!   on it (`Authorization`, `Cookie`, `*-Key`, ...), and spans name a request by
//!   its operation's path template (or its path without the query) and other
//!   hosts by their origin only, so no query secret (`tempauth`, `sig`, ...)
//!   reaches a log;
//! - every request has a total timeout (100 s) and a connect timeout (10 s);
//! - error bodies are read up to 1 MiB; streamed content (`$value`) is read
//!   with [`Client::download`] / [`Client::download_to`], which stop at a
//!   size limit instead of buffering whatever the server sends.
//!
//! # Tracing
//!
//! Every request is a `tracing` span `graph.request` (fields
//! `http.request.method`, `graph.operation`, `url.template`,
//! `client_request_id`, and once answered `http.response.status_code`,
//! `request_id`, `attempts`) with one child span `graph.attempt` per try
//! (`attempt`, `http.response.status_code`, `request_id`) and an event
//! `graph.retry` for each wait before another try (`wait_ms`, `retry_after_ms`).
//! Uploads add `graph.upload` with a `graph.upload.chunk` span per chunk (see
//! `upload.rs`). As Graph's best practices (`best-practices-concept.md`) ask,
//! each request carries a new GUID in `client-request-id` (unless the caller
//! set one) and the client identifies itself in `User-Agent` and `SdkVersion`.

use super::error::{Error, GraphError};
use super::paging::Page;
use super::request::{Body, Method, Operation, Request};
pub use super::retry::{parse_retry_after, RetryPolicy};
use futures_util::stream::{self, Stream, TryStreamExt};
use serde::de::DeserializeOwned;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tracing::Instrument;

/// Supplies the bearer token for each request, synchronously (a fixed token,
/// or a closure reading a cache). For tokens fetched over the network (Entra
/// ID credentials) see [`TokenSource`].
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

/// A token a [`TokenSource`] fetched, and when it stops being valid.
#[derive(Clone)]
pub struct AccessToken {
    pub token: String,
    pub expires_at: SystemTime,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken").field("token", &"<redacted>").field("expires_at", &self.expires_at).finish()
    }
}

/// What [`TokenSource::fetch`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<AccessToken, Error>> + Send + 'a>>;

/// Fetches tokens asynchronously for the scopes of the client's cloud
/// (`https://graph.microsoft.com/.default`). The client keeps the token until
/// shortly before it expires and never runs two fetches at once: concurrent
/// requests wait for the one fetch under way. With the `azure-identity`
/// feature every `azure_core` `TokenCredential` is one
/// (`ClientBuilder::credential`).
pub trait TokenSource: Send + Sync {
    fn fetch<'a>(&'a self, scopes: &'a [String]) -> TokenFuture<'a>;

    /// Names the source in errors (`Error::Credential`), e.g. `ClientSecretCredential`.
    fn name(&self) -> String {
        "token source".to_owned()
    }
}

/// A Microsoft Graph deployment: it sets the base URL, the token scope, and the
/// one host the token is sent to. From the national cloud deployments page of
/// the Graph docs; the Entra ID authority of each is set on the credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Cloud {
    /// The global service, `graph.microsoft.com`.
    #[default]
    Global,
    /// Microsoft Graph for US Government L4, `graph.microsoft.us`.
    UsGovernment,
    /// Microsoft Graph for US Government L5 (DOD), `dod-graph.microsoft.us`.
    UsGovernmentDod,
    /// Microsoft Graph China operated by 21Vianet, `microsoftgraph.chinacloudapi.cn`.
    China,
}

impl Cloud {
    pub const ALL: [Cloud; 4] = [Cloud::Global, Cloud::UsGovernment, Cloud::UsGovernmentDod, Cloud::China];

    /// The cloud's Graph host: the only host its token goes to.
    pub fn graph_host(self) -> &'static str {
        match self {
            Cloud::Global => "graph.microsoft.com",
            Cloud::UsGovernment => "graph.microsoft.us",
            Cloud::UsGovernmentDod => "dod-graph.microsoft.us",
            Cloud::China => "microsoftgraph.chinacloudapi.cn",
        }
    }

    /// `https://{host}` and the API version of the crate's default base URL (`/v1.0`).
    pub fn base_url(self) -> String {
        format!("https://{}{}", self.graph_host(), api_version_path())
    }

    /// The scope a credential asks a token for: `https://{host}/.default`.
    pub fn scope(self) -> String {
        format!("https://{}/.default", self.graph_host())
    }
}

/// The path of the crate's default base URL (`/v1.0`), kept by every cloud.
fn api_version_path() -> &'static str {
    let default = crate::DEFAULT_BASE_URL;
    let after_scheme = default.split_once("://").map_or(default, |(_, rest)| rest);
    after_scheme.find('/').map_or("", |slash| after_scheme[slash..].trim_end_matches('/'))
}

/// Whole-request timeout of a client whose builder does not set one.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(100);
/// Connect timeout of a client whose builder does not set one.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How much of an error response's body is read (to decode the API's error).
pub(super) const ERROR_BODY_LIMIT: usize = 1024 * 1024;
/// A fetched token is renewed this long before it expires (or, for a token
/// that lives shorter than twice this, halfway through its life).
const TOKEN_REFRESH_MARGIN: Duration = Duration::from_secs(300);
/// The `User-Agent` of every request: the crate and its version.
pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"), " (docgen-rust)");
/// The `SdkVersion` header Graph reads to tell client libraries apart.
pub const SDK_VERSION: &str = concat!("docgen-rust/", env!("CARGO_PKG_VERSION"));

enum AuthSetting {
    Fixed(Arc<dyn TokenProvider>),
    Source(Arc<dyn TokenSource>),
}

pub struct ClientBuilder {
    base_url: Option<String>,
    cloud: Cloud,
    auth: Option<AuthSetting>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    proxy: Option<String>,
    root_certificates: Vec<Vec<u8>>,
}

impl ClientBuilder {
    /// Another base URL, e.g. a test server's. It replaces the cloud's as the
    /// place requests go to and the one place the token goes to; the token
    /// scope stays the cloud's.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into().trim_end_matches('/').to_owned());
        self
    }

    /// A national cloud: its base URL, its token scope, its host as the only
    /// one that gets the token.
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        self.cloud = cloud;
        self
    }

    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.auth = Some(AuthSetting::Fixed(Arc::new(StaticToken(token.into()))));
        self
    }

    pub fn token_provider(mut self, provider: impl TokenProvider + 'static) -> Self {
        self.auth = Some(AuthSetting::Fixed(Arc::new(provider)));
        self
    }

    /// Tokens fetched asynchronously, cached until shortly before they expire.
    pub fn token_source(mut self, source: impl TokenSource + 'static) -> Self {
        self.auth = Some(AuthSetting::Source(Arc::new(source)));
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

    /// Sends every request through this HTTP proxy (e.g. `http://proxy.corp:8080`).
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Also trusts this root certificate (PEM), e.g. a TLS-inspecting proxy's.
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(pem.into());
        self
    }

    pub fn build(self) -> Result<Client, Error> {
        let mut default_headers = reqwest::header::HeaderMap::new();
        default_headers.insert("SdkVersion", reqwest::header::HeaderValue::from_static(SDK_VERSION));
        let mut http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(USER_AGENT)
            .default_headers(default_headers)
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                let previous = attempt.previous().last().cloned();
                match redirect_decision(previous.as_ref(), attempt.url(), attempt.previous().len()) {
                    Redirect::Follow => attempt.follow(),
                    Redirect::Stop => attempt.stop(),
                    Redirect::TooMany => attempt.error("too many redirects"),
                }
            }))
            .referer(false);
        if let Some(proxy) = &self.proxy {
            http = http.proxy(reqwest::Proxy::all(proxy.as_str()).map_err(transport_error)?);
        }
        for pem in &self.root_certificates {
            http = http.add_root_certificate(reqwest::Certificate::from_pem(pem).map_err(transport_error)?);
        }
        let http = http.build().map_err(transport_error)?;
        let auth = match self.auth {
            Some(AuthSetting::Fixed(provider)) => Auth::Fixed(provider),
            Some(AuthSetting::Source(source)) => Auth::Fetched(Arc::new(TokenCache::new(source, vec![self.cloud.scope()]))),
            None => return Err(Error::Token("no token, token provider or credential was configured".into())),
        };
        let base_url = self.base_url.unwrap_or_else(|| self.cloud.base_url());
        Ok(Client { http, base_url, cloud: self.cloud, auth, retry: self.retry })
    }
}

/// Where the client's tokens come from.
#[derive(Clone)]
enum Auth {
    Fixed(Arc<dyn TokenProvider>),
    Fetched(Arc<TokenCache>),
}

impl Auth {
    async fn token(&self) -> Result<String, Error> {
        match self {
            Auth::Fixed(provider) => provider.token(),
            Auth::Fetched(cache) => cache.token().await,
        }
    }
}

/// The last token a [`TokenSource`] gave. The lock is held during a fetch, so
/// concurrent requests wait for that one fetch instead of starting their own.
struct TokenCache {
    source: Arc<dyn TokenSource>,
    scopes: Vec<String>,
    current: tokio::sync::Mutex<Option<CachedToken>>,
}

struct CachedToken {
    token: String,
    renew_at: SystemTime,
}

impl TokenCache {
    fn new(source: Arc<dyn TokenSource>, scopes: Vec<String>) -> TokenCache {
        TokenCache { source, scopes, current: tokio::sync::Mutex::new(None) }
    }

    async fn token(&self) -> Result<String, Error> {
        let mut current = self.current.lock().await;
        let now = SystemTime::now();
        if let Some(cached) = current.as_ref().filter(|cached| now < cached.renew_at) {
            return Ok(cached.token.clone());
        }
        let fetched = self.source.fetch(&self.scopes).instrument(tracing::debug_span!("graph.token", scopes = ?self.scopes)).await;
        let fetched = fetched.map_err(|error| match error {
            error @ Error::Credential { .. } => error,
            other => Error::Credential { credential: self.source.name(), message: other.to_string() },
        })?;
        let lifetime = fetched.expires_at.duration_since(now).unwrap_or(Duration::ZERO);
        let renew_at = now + lifetime.saturating_sub(TOKEN_REFRESH_MARGIN.min(lifetime / 2));
        tracing::debug!(valid_for_s = lifetime.as_secs(), "graph.token: fetched a token");
        let token = fetched.token.clone();
        *current = Some(CachedToken { token: fetched.token, renew_at });
        Ok(token)
    }
}

/// One request as the retry loop sends it.
pub(super) struct Outgoing<'a> {
    pub method: Method,
    pub url: &'a str,
    pub headers: &'a [(String, String)],
    pub body: &'a Body,
    pub operation: Option<Operation>,
}

impl<'a> Outgoing<'a> {
    pub fn of<T>(request: &'a Request<T>, url: &'a str) -> Outgoing<'a> {
        Outgoing { method: request.method(), url, headers: request.headers(), body: request.body(), operation: request.operation_info() }
    }

    fn link(url: &'a str) -> Outgoing<'a> {
        Outgoing::new(Method::Get, url, &[], &Body::Empty)
    }

    /// A request that no generated operation built (a `$batch`, a delta link, a monitor).
    pub fn new(method: Method, url: &'a str, headers: &'a [(String, String)], body: &'a Body) -> Outgoing<'a> {
        Outgoing { method, url, headers, body, operation: None }
    }

    /// The caller's `client-request-id`, or a new one.
    fn client_request_id(&self) -> String {
        self.headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("client-request-id"))
            .map_or_else(new_client_request_id, |(_, value)| value.clone())
    }
}

/// Sends requests built by the operation functions.
#[derive(Clone)]
pub struct Client {
    pub(super) http: reqwest::Client,
    base_url: String,
    cloud: Cloud,
    auth: Auth,
    pub(super) retry: RetryPolicy,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("cloud", &self.cloud)
            .field("token", &"<redacted>")
            .field("retry", &self.retry)
            .finish()
    }
}

impl Client {
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            base_url: None,
            cloud: Cloud::Global,
            auth: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            proxy: None,
            root_certificates: Vec::new(),
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
        let (status, bytes) = self.execute(&Outgoing::of(&request, &url)).await?;
        decode(status, &bytes)
    }

    /// The page after `page`, if any. `@odata.nextLink` is absolute; the token is
    /// only sent when it points below this client's base URL.
    pub async fn next_page<T: DeserializeOwned>(&self, page: &Page<T>) -> Result<Option<Page<T>>, Error> {
        let Some(next) = page.next_link.as_deref() else { return Ok(None) };
        self.get_link(next).await.map(Some)
    }

    async fn get_link<T: DeserializeOwned>(&self, url: &str) -> Result<Page<T>, Error> {
        let (status, bytes) = self.execute(&Outgoing::link(url)).await?;
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

    /// Whether `url` gets the token: same scheme, host and port as the base
    /// URL, and a path below its path (the allow-list of one Graph root).
    pub(super) fn is_own_url(&self, url: &str) -> bool {
        let (Ok(url), Ok(base)) = (reqwest::Url::parse(url), reqwest::Url::parse(&self.base_url)) else { return false };
        let base_path = base.path().trim_end_matches('/');
        url.origin() == base.origin() && url.path().strip_prefix(base_path).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }

    /// How a span names the request: its operation's path template, else its
    /// path without the query when it goes to the base URL, else only the
    /// origin of the other host (whose paths and queries may be credentials).
    fn traced_target(&self, outgoing: &Outgoing<'_>) -> String {
        if let Some(operation) = outgoing.operation {
            return operation.path_template.to_owned();
        }
        match reqwest::Url::parse(outgoing.url) {
            Ok(url) if self.is_own_url(outgoing.url) => url.path().to_owned(),
            Ok(url) => url.origin().ascii_serialization(),
            Err(_) => "<unparsable URL>".to_owned(),
        }
    }

    async fn execute(&self, outgoing: &Outgoing<'_>) -> Result<(u16, Vec<u8>), Error> {
        let response = self.respond(outgoing).await?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(transport_error)?.to_vec();
        Ok((status, bytes))
    }

    /// Sends a request, retrying as the policy says, and returns the first
    /// success response with its body not yet read. Failures become
    /// `Error::Api` with the (bounded) error body decoded, or
    /// `Error::Throttled` when the server asked for a wait beyond the policy.
    /// One `graph.request` span covers all attempts.
    pub(super) async fn respond(&self, outgoing: &Outgoing<'_>) -> Result<reqwest::Response, Error> {
        let span = self.request_span(outgoing);
        let result = async {
            let response = self.respond_with_retries(outgoing).await?;
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
        .instrument(span.clone())
        .await;
        if let Err(error) = &result {
            span.in_scope(|| tracing::warn!(error = %error, "graph.request failed"));
        }
        result
    }

    /// Like [`Client::respond`] (same retries of 429, 503 and 504, never
    /// before the server's `Retry-After`, the same spans), but the final
    /// response comes back whatever its status, body unread: for the
    /// protocols that read a failure's headers (a delta query's `410 Gone`
    /// and its `Location`) or whose failure status still carries an answer (a
    /// `$batch` answered `424` with every item's own response). A throttled
    /// answer whose wait is beyond the policy's cap comes back as it is.
    pub(super) async fn respond_any(&self, outgoing: &Outgoing<'_>) -> Result<reqwest::Response, Error> {
        self.respond_with_retries(outgoing).instrument(self.request_span(outgoing)).await
    }

    fn request_span(&self, outgoing: &Outgoing<'_>) -> tracing::Span {
        tracing::info_span!(
            "graph.request",
            http.request.method = outgoing.method.as_str(),
            graph.operation = outgoing.operation.map_or("", |o| o.name),
            url.template = %self.traced_target(outgoing),
            client_request_id = tracing::field::Empty,
            http.response.status_code = tracing::field::Empty,
            request_id = tracing::field::Empty,
            attempts = tracing::field::Empty,
        )
    }

    /// The retry loop, inside the request span: the first answer that is not
    /// retried (a success, a failure that is not throttling, the attempts
    /// spent, or a wait beyond the policy's cap).
    async fn respond_with_retries(&self, outgoing: &Outgoing<'_>) -> Result<reqwest::Response, Error> {
        if let Body::Invalid(message) = outgoing.body {
            return Err(Error::InvalidRequest(message.clone()));
        }
        if let Some(segment) = dot_segment(outgoing.url) {
            return Err(Error::InvalidRequest(format!(
                "the path segment `{segment}` would be removed by URL normalization and reach another resource"
            )));
        }
        let client_request_id = outgoing.client_request_id();
        let request_span = tracing::Span::current();
        request_span.record("client_request_id", tracing::field::display(&client_request_id));
        let mut attempt = 1;
        loop {
            let attempt_span = tracing::info_span!(
                "graph.attempt",
                attempt,
                http.response.status_code = tracing::field::Empty,
                request_id = tracing::field::Empty,
            );
            let response = self.attempt(outgoing, &client_request_id).instrument(attempt_span.clone()).await?;
            let status = response.status().as_u16();
            let request_id = response.headers().get("request-id").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            for span in [&attempt_span, &request_span] {
                span.record("http.response.status_code", status);
                span.record("request_id", request_id.as_str());
            }
            request_span.record("attempts", attempt);
            if !matches!(status, 429 | 503 | 504) || attempt >= self.retry.max_attempts {
                return Ok(response);
            }
            let retry_after = retry_after(&response);
            let Some(delay) = self.retry.wait(attempt, retry_after) else { return Ok(response) };
            tracing::info!(
                attempt,
                status,
                wait_ms = delay.as_millis() as u64,
                retry_after_ms = retry_after.map(|wait| wait.as_millis() as u64),
                "graph.retry: waiting before the next attempt"
            );
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    async fn attempt(&self, outgoing: &Outgoing<'_>, client_request_id: &str) -> Result<reqwest::Response, Error> {
        let method = reqwest::Method::from_bytes(outgoing.method.as_str().as_bytes()).map_err(|e| Error::InvalidRequest(e.to_string()))?;
        let mut builder = self.http.request(method, outgoing.url);
        if self.is_own_url(outgoing.url) {
            builder = builder.bearer_auth(self.auth.token().await?);
        }
        for (name, value) in outgoing.headers {
            if !name.eq_ignore_ascii_case("client-request-id") {
                builder = builder.header(name.as_str(), value.as_str());
            }
        }
        builder = builder.header("client-request-id", client_request_id);
        builder = match outgoing.body {
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

/// A random GUID (version 4 form) for `client-request-id`, from the standard
/// library's randomly seeded hasher (no RNG dependency for an identifier).
pub(super) fn new_client_request_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let random = |salt: u64| {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed) ^ salt);
        hasher.write_u128(SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
        hasher.finish()
    };
    let (high, low) = (random(0x5151), random(0xa3a3));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0x0fff,
        0x8000 | ((low >> 48) & 0x3fff),
        low & 0xffff_ffff_ffff
    )
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

/// The success body as `T` (see [`super::decode::json`] for the answers
/// the docs contradict themselves about).
pub(super) fn decode<T: DeserializeOwned>(status: u16, bytes: &[u8]) -> Result<T, Error> {
    super::decode::json(status, bytes)
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
    fn clouds_set_the_base_url_the_scope_and_the_token_host() {
        let expected = [
            (Cloud::Global, "https://graph.microsoft.com/v1.0", "https://graph.microsoft.com/.default"),
            (Cloud::UsGovernment, "https://graph.microsoft.us/v1.0", "https://graph.microsoft.us/.default"),
            (Cloud::UsGovernmentDod, "https://dod-graph.microsoft.us/v1.0", "https://dod-graph.microsoft.us/.default"),
            (Cloud::China, "https://microsoftgraph.chinacloudapi.cn/v1.0", "https://microsoftgraph.chinacloudapi.cn/.default"),
        ];
        for (cloud, base_url, scope) in expected {
            assert_eq!((cloud.base_url().as_str(), cloud.scope().as_str()), (base_url, scope));
            let client = Client::builder().cloud(cloud).token("t").build().unwrap();
            assert_eq!(client.base_url(), base_url);
            assert!(client.is_own_url(&format!("{base_url}/me/messages?$top=2")));
            for other in Cloud::ALL.into_iter().filter(|&other| other != cloud) {
                assert!(!client.is_own_url(&format!("{}/me", other.base_url())), "{cloud:?} sends no token to {other:?}");
            }
            assert!(!client.is_own_url(&format!("http://{}/v1.0/me", cloud.graph_host())), "not over plain http");
            assert!(!client.is_own_url(&format!("https://{}:8443/v1.0/me", cloud.graph_host())), "not to another port");
            assert!(!client.is_own_url(&format!("https://{}.evil.example/v1.0/me", cloud.graph_host())));
        }
    }

    #[test]
    fn client_request_ids_are_fresh_guids() {
        let ids: std::collections::BTreeSet<String> = (0..1000).map(|_| new_client_request_id()).collect();
        assert_eq!(ids.len(), 1000);
        for id in ids.iter().take(5) {
            let groups: Vec<usize> = id.split('-').map(str::len).collect();
            assert_eq!(groups, [8, 4, 4, 4, 12], "{id}");
            assert!(id.as_bytes()[14] == b'4' && matches!(id.as_bytes()[19], b'8' | b'9' | b'a' | b'b'), "{id}");
        }
    }

    #[test]
    fn tokens_only_go_to_the_base_url() {
        let client = Client::builder().token("t").base_url("https://graph.example/v1.0").build().unwrap();
        assert!(client.is_own_url("https://graph.example/v1.0/me?$skip=2"));
        assert!(!client.is_own_url("https://graph.example/v1.0.evil.example/me"));
        assert!(!client.is_own_url("https://upload.example/session"));
    }
}
