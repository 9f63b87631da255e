//! A fake Microsoft Graph on loopback, for testing code that uses this crate
//! (and for the crate's own tests). Only compiled with the `test-server`
//! feature; it binds `127.0.0.1` and `localhost` and nothing else.
//!
//! ```ignore
//! use graph_client::runtime::test_server::{FakeGraph, Fault};
//!
//! let graph = FakeGraph::start().await;
//! // A canned answer for an operation, typed by the operation's response type.
//! graph.on(&operations::me().messages().by_id("m1").attachments().by_id("a1").get()).reply(Attachment { name: Some("notes.txt".into()), ..Default::default() });
//! // The next request of that operation (any ids) is throttled once first.
//! graph.on(&operations::me().messages().by_id("").attachments().by_id("").get()).times(1).fail(Fault::Throttled { retry_after: "1" });
//! let client = graph.client(); // base URL, token and a quick retry policy for tests
//! my_code(&client).await?;
//! let sent = graph.received_by(&operations::me().messages().by_id("").attachments().by_id("").get());
//! assert_eq!(sent.len(), 2);
//! ```
//!
//! How the fake answers, by the Graph docs:
//! - every request must carry `Authorization: Bearer {token}`; otherwise
//!   `401` with code `InvalidAuthenticationToken` (`errors.md`: 401 means the
//!   authentication information is missing or not valid);
//! - every answer has a `request-id` (a GUID) and echoes the request's
//!   `client-request-id` (`best-practices-concept.md`, "log the request-id");
//! - errors have Graph's body, `{"error": {"code", "message", "innerError":
//!   {"date", "request-id", "client-request-id"}}}` (`errors.md`);
//! - a request no canned answer or route takes is `400 BadRequest`, "resource
//!   not found for the segment", as Graph answers an unknown path;
//! - [`Fault::Throttled`] is `429` with `Retry-After` and code
//!   `TooManyRequests` (`throttling.md`), [`Fault::Unavailable`] `503` with
//!   `Retry-After` and code `serviceNotAvailable` (`errors.md`); the other
//!   faults are the network's: a connection dropped mid-body, an answer lost
//!   after the request was taken, a server that never answers.
//!
//! Beside the API, [`FakeGraph::files`] is a second host, `localhost`, for
//! what Graph serves elsewhere (upload sessions, download locations): a
//! [`Host`] with routes of your own. Both are small hand-written HTTP/1.1
//! servers, so that a fault can cut a connection in the middle of a body,
//! which an HTTP framework does not let a handler do.

use super::client::{Client, ClientBuilder, RetryPolicy};
use super::request::{Content, Method, Request};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// The token [`FakeGraph`] accepts unless told others ([`FakeGraph::accept_token`]).
pub const FAKE_TOKEN: &str = "fake-graph-token";

/// A request a host received, with what it answered.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    /// Path and query as sent, e.g. `/v1.0/me/messages/m1/attachments?$top=2`.
    pub target: String,
    /// Every header line as sent, names as written.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// When the request head arrived.
    pub at: Instant,
    /// The answer's status; 0 when none was sent (a dropped or lost answer).
    pub status: u16,
    /// The answer's headers (also when the answer was lost).
    pub answer_headers: Vec<(String, String)>,
    /// The fault the request met, if any.
    pub fault: Option<Fault>,
    /// This request's number on its host, from 1.
    pub number: u64,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn header_count(&self, name: &str) -> usize {
        self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).count()
    }

    pub fn answer_header(&self, name: &str) -> Option<&str> {
        self.answer_headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The path, without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The query, without the `?` (empty when there is none).
    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, query)| query)
    }

    /// The body decoded as `T`, e.g. the generated request body type.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

/// An answer to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    /// `value` as JSON; a value that serializes to `null` (`()`) is `204 No Content`.
    pub fn json<T: Serialize + ?Sized>(status: u16, value: &T) -> Answer {
        match serde_json::to_vec(value) {
            Ok(body) if body == b"null" => Answer::empty(if status == 200 { 204 } else { status }),
            Ok(body) => Answer { status, headers: vec![("Content-Type".into(), "application/json".into())], body },
            Err(error) => Answer::graph_error(500, "generalException", &format!("the canned answer did not serialize: {error}")),
        }
    }

    pub fn empty(status: u16) -> Answer {
        Answer { status, headers: Vec::new(), body: Vec::new() }
    }

    pub fn bytes(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Answer {
        Answer { status, headers: vec![("Content-Type".into(), content_type.into())], body: body.into() }
    }

    /// Graph's error body (`errors.md`); the fake API fills in `innerError`'s ids.
    pub fn graph_error(status: u16, code: &str, message: &str) -> Answer {
        Answer::json(status, &serde_json::json!({"error": {"code": code, "message": message}}))
    }

    /// Adds a header (kept in order; names may repeat).
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Answer {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
    }
}

/// What a host does to a request instead of (or after) answering it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Read half of the body, then close the connection: nothing was taken.
    DropMidBody,
    /// Take the request (its handler runs), then close the connection before
    /// answering: the answer is lost.
    LoseAnswer,
    /// Take the request (its handler runs) and never answer.
    Stall,
    /// Read the request, discard it, answer `429` with this `Retry-After` (`throttling.md`).
    Throttled { retry_after: &'static str },
    /// Read the request, discard it, answer `503` with this `Retry-After` (`errors.md`).
    Unavailable { retry_after: &'static str },
}

/// Which loopback name a host is reached by: two hosts with different names
/// are different origins to a client (the token must not cross between them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostName {
    /// `http://127.0.0.1:PORT`
    Loopback,
    /// `http://localhost:PORT`
    Localhost,
}

type Matcher = Arc<dyn Fn(&Received) -> bool + Send + Sync>;
type Handler = Arc<dyn Fn(&Received) -> Option<Answer> + Send + Sync>;
type Decorator = Arc<dyn Fn(&Received, &mut Answer) + Send + Sync>;
type Observer = Arc<dyn Fn(&Received) + Send + Sync>;

struct Rule<T> {
    matcher: Matcher,
    /// `None`: every time.
    times_left: Option<u32>,
    then: T,
}

impl<T: Clone> Rule<T> {
    fn take(rules: &mut [Rule<T>], received: &Received) -> Option<T> {
        let rule = rules.iter_mut().find(|rule| rule.times_left != Some(0) && (rule.matcher)(received))?;
        if let Some(left) = &mut rule.times_left {
            *left -= 1;
        }
        Some(rule.then.clone())
    }
}

#[derive(Default)]
struct HostState {
    received: Vec<Received>,
    faults: Vec<Rule<Fault>>,
    /// Canned answers, checked before the routes, first registered first.
    canned: Vec<Rule<Handler>>,
    routes: Vec<Handler>,
    guard: Option<Handler>,
    decorate: Option<Decorator>,
    observe: Option<Observer>,
}

/// One loopback HTTP/1.1 server: canned answers and routes answer requests,
/// fault rules break them, and every request is kept for inspection.
/// Clones share the server.
#[derive(Clone)]
pub struct Host {
    origin: String,
    state: Arc<Mutex<HostState>>,
}

impl Host {
    pub async fn start(name: HostName) -> Host {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
        let port = listener.local_addr().expect("a bound port").port();
        let origin = match name {
            HostName::Loopback => format!("http://127.0.0.1:{port}"),
            HostName::Localhost => format!("http://localhost:{port}"),
        };
        let host = Host { origin, state: Arc::default() };
        let server = host.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(server.clone().serve_connection(stream));
            }
        });
        host
    }

    /// `http://127.0.0.1:PORT` or `http://localhost:PORT`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Answers what no canned answer took, in the order routes were added; a
    /// route returns `None` for requests it does not know.
    pub fn route(&self, route: impl Fn(&Received) -> Option<Answer> + Send + Sync + 'static) {
        self.lock().routes.push(Arc::new(route));
    }

    /// Answers the next `times` requests `when` matches (every one for `None`),
    /// before any route.
    pub fn answer_when(
        &self,
        when: impl Fn(&Received) -> bool + Send + Sync + 'static,
        times: Option<u32>,
        answer: impl Fn(&Received) -> Answer + Send + Sync + 'static,
    ) {
        let then: Handler = Arc::new(move |received| Some(answer(received)));
        self.lock().canned.push(Rule { matcher: Arc::new(when), times_left: times, then });
    }

    /// The next `times` requests `when` matches meet `fault`. `when` sees the
    /// request head only (its `body` is empty): a fault may strike before the
    /// body is read.
    pub fn fault_when(&self, when: impl Fn(&Received) -> bool + Send + Sync + 'static, fault: Fault, times: u32) {
        self.lock().faults.push(Rule { matcher: Arc::new(when), times_left: Some(times), then: fault });
    }

    /// Runs before the canned answers and routes; an answer it gives is final
    /// (e.g. a `401` for a missing token).
    pub fn guard(&self, guard: impl Fn(&Received) -> Option<Answer> + Send + Sync + 'static) {
        self.lock().guard = Some(Arc::new(guard));
    }

    /// Changes every answer before it is sent (e.g. adds `request-id`).
    pub fn decorate(&self, decorate: impl Fn(&Received, &mut Answer) + Send + Sync + 'static) {
        self.lock().decorate = Some(Arc::new(decorate));
    }

    /// Called once per request when its outcome is known (answered, faulted or lost).
    pub fn observe(&self, observe: impl Fn(&Received) + Send + Sync + 'static) {
        self.lock().observe = Some(Arc::new(observe));
    }

    /// Every request so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        self.lock().received.clone()
    }

    /// Requests that carried an `Authorization` header.
    pub fn authorized(&self) -> Vec<Received> {
        self.lock().received.iter().filter(|r| r.header_count("authorization") > 0).cloned().collect()
    }

    fn lock(&self) -> MutexGuard<'_, HostState> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Serves HTTP/1.1 requests on `stream` until it closes: the host's own
    /// listener does this for every connection, and a test can hand it
    /// another stream (one that went through TLS, say).
    pub async fn serve_connection<S: AsyncRead + AsyncWrite + Unpin>(self, stream: S) {
        let mut stream = BufReader::new(stream);
        while let Some(mut received) = read_head(&mut stream).await {
            let length: usize = received.header("content-length").and_then(|v| v.trim().parse().ok()).unwrap_or(0);
            let fault = {
                let mut state = self.lock();
                received.number = state.received.len() as u64 + 1;
                state.received.push(received.clone());
                Rule::take(&mut state.faults, &received)
            };
            received.fault = fault;
            if fault == Some(Fault::DropMidBody) {
                let mut half = vec![0; length / 2];
                let _ = stream.read_exact(&mut half).await;
                self.finish(&received);
                return; // closing with unread bytes: the client sees the connection reset
            }
            let mut body = vec![0; length];
            if stream.read_exact(&mut body).await.is_err() {
                return;
            }
            received.body = body;
            let mut answer = match fault {
                Some(Fault::Throttled { retry_after }) => {
                    Answer::graph_error(429, "TooManyRequests", "Too many requests; wait as Retry-After says.")
                        .header("Retry-After", retry_after)
                }
                Some(Fault::Unavailable { retry_after }) => {
                    Answer::graph_error(503, "serviceNotAvailable", "The service is temporarily unavailable.")
                        .header("Retry-After", retry_after)
                }
                _ => self.answer(&received),
            };
            let decorate = self.lock().decorate.clone();
            if let Some(decorate) = decorate {
                decorate(&received, &mut answer);
            }
            received.answer_headers = answer.headers.clone();
            match fault {
                Some(Fault::LoseAnswer) => {
                    self.finish(&received);
                    return;
                }
                Some(Fault::Stall) => {
                    self.finish(&received);
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    return;
                }
                _ => {}
            }
            received.status = answer.status;
            self.finish(&received);
            if write_answer(stream.get_mut(), &answer).await.is_err() {
                return;
            }
        }
    }

    /// The guard's, a canned or a route's answer, else Graph's answer to an unknown path.
    fn answer(&self, received: &Received) -> Answer {
        let (guard, canned, routes) = {
            let mut state = self.lock();
            (state.guard.clone(), Rule::take(&mut state.canned, received), state.routes.clone())
        };
        let handlers = guard.into_iter().chain(canned).chain(routes);
        for handler in handlers {
            if let Some(answer) = handler(received) {
                return answer;
            }
        }
        Answer::graph_error(400, "BadRequest", &format!("Resource not found for the segment '{}'.", received.path()))
    }

    /// Stores the request's outcome and tells the observer.
    fn finish(&self, received: &Received) {
        let observe = {
            let mut state = self.lock();
            if let Some(slot) = state.received.iter_mut().find(|r| r.number == received.number) {
                *slot = received.clone();
            }
            state.observe.clone()
        };
        if let Some(observe) = observe {
            observe(received);
        }
    }
}

async fn read_head<S: AsyncRead + Unpin>(stream: &mut BufReader<S>) -> Option<Received> {
    let mut line = String::new();
    if stream.read_line(&mut line).await.ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let mut headers = Vec::new();
    loop {
        line.clear();
        if stream.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.push((name.to_owned(), value.trim().to_owned()));
    }
    Some(Received {
        method,
        target,
        headers,
        body: Vec::new(),
        at: Instant::now(),
        status: 0,
        answer_headers: Vec::new(),
        fault: None,
        number: 0,
    })
}

/// Writes the answer in one write: a head and a body written apart wait for
/// the client's delayed ACK on a kept-alive connection (Nagle), some 40 ms
/// each. A `204` or `304` carries no body and no `Content-Length` (RFC 9110,
/// 6.4.1 and 8.6): bytes after its head would be read as the next answer.
async fn write_answer<S: AsyncWrite + Unpin>(out: &mut S, answer: &Answer) -> std::io::Result<()> {
    let bodiless = matches!(answer.status, 100..=199 | 204 | 304);
    let mut head = format!("HTTP/1.1 {} Fake\r\n", answer.status);
    if !bodiless {
        head.push_str(&format!("Content-Length: {}\r\n", answer.body.len()));
    }
    for (name, value) in &answer.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut message = head.into_bytes();
    if !bodiless {
        message.extend_from_slice(&answer.body);
    }
    out.write_all(&message).await?;
    out.flush().await
}

/// The `request-id` the fake API gives its request number `number`
/// ([`Received::number`]): GUID-shaped, and the same in every run.
pub fn request_id(number: u64) -> String {
    format!("00000000-0000-4000-8000-{number:012x}")
}

/// The fake Graph: the API on `http://127.0.0.1:PORT/v1.0` and a second host
/// on `localhost` ([`FakeGraph::files`]). See the [module docs](self).
pub struct FakeGraph {
    api: Host,
    files: Host,
    tokens: Arc<Mutex<Vec<String>>>,
}

impl FakeGraph {
    pub async fn start() -> FakeGraph {
        let api = Host::start(HostName::Loopback).await;
        let files = Host::start(HostName::Localhost).await;
        let tokens = Arc::new(Mutex::new(vec![FAKE_TOKEN.to_owned()]));
        let accepted = tokens.clone();
        api.guard(move |received| {
            let tokens = accepted.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let authorized = received
                .header("authorization")
                .and_then(|value| value.strip_prefix("Bearer "))
                .is_some_and(|token| tokens.iter().any(|t| t == token));
            (!authorized)
                .then(|| Answer::graph_error(401, "InvalidAuthenticationToken", "Access token is empty or not valid for this API."))
        });
        api.decorate(|received, answer| {
            let request_id = request_id(received.number);
            let client_request_id = received.header("client-request-id").unwrap_or_default().to_owned();
            fill_inner_error(answer, &request_id, &client_request_id);
            answer.headers.push(("request-id".into(), request_id));
            if !client_request_id.is_empty() && !answer.has_header("client-request-id") {
                answer.headers.push(("client-request-id".into(), client_request_id));
            }
        });
        FakeGraph { api, files, tokens }
    }

    /// `http://127.0.0.1:PORT/v1.0`
    pub fn base_url(&self) -> String {
        format!("{}/v1.0", self.api.origin())
    }

    /// The API host (routes of your own: [`Host::route`]).
    pub fn api(&self) -> &Host {
        &self.api
    }

    /// The second host, `http://localhost:PORT`, for upload URLs and download locations.
    pub fn files(&self) -> &Host {
        &self.files
    }

    /// Also accepts `token` as a bearer token (e.g. one a test credential hands out).
    pub fn accept_token(&self, token: &str) {
        self.tokens.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(token.to_owned());
    }

    /// A client builder for this fake: its base URL, [`FAKE_TOKEN`], a 5 s
    /// timeout and retries that wait 20 ms (a `Retry-After` up to 3 s is still
    /// honoured).
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder().base_url(self.base_url()).token(FAKE_TOKEN).timeout(Duration::from_secs(5)).retry(quick_retry(4))
    }

    pub fn client(&self) -> Client {
        self.client_builder().build().expect("a client for the fake Graph")
    }

    /// Canned answers and faults for the operation `request` was built by (its
    /// ids do not matter unless [`When::exactly`]); `T` types the answer.
    pub fn on<T>(&self, request: &Request<T>) -> When<'_, T> {
        When {
            graph: self,
            method: request.method(),
            template: request.operation_info().map(|operation| operation.path_template),
            path: request.path().to_owned(),
            query: request_query(request),
            exact: false,
            times: None,
            status: 200,
            headers: Vec::new(),
            response: PhantomData,
        }
    }

    /// Every request the API received, in order.
    pub fn received(&self) -> Vec<Received> {
        self.api.received()
    }

    /// The requests the API received for the operation `request` was built by.
    pub fn received_by<T>(&self, request: &Request<T>) -> Vec<Received> {
        let matcher = self.on(request).matcher();
        self.received().into_iter().filter(|received| matcher(received)).collect()
    }
}

/// Retries that wait 20 ms between attempts; a `Retry-After` up to 3 s is honoured.
pub fn quick_retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy { max_attempts, base_delay: Duration::from_millis(20), max_delay: Duration::from_secs(3) }
}

/// Deterministic pseudo-random bytes (xorshift64), for files to upload and download.
pub fn test_bytes(len: usize) -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// Length and FNV-1a hash, to name contents in assertion messages instead of dumping megabytes.
pub fn fingerprint(data: &[u8]) -> String {
    let hash = data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
    format!("{} bytes, fnv1a {hash:016x}", data.len())
}

/// Fails unless the server holds exactly the bytes that were sent, naming both by [`fingerprint`].
#[track_caller]
pub fn assert_same_content(stored: &[u8], sent: &[u8]) {
    assert!(stored == sent, "the server holds {} but {} was sent", fingerprint(stored), fingerprint(sent));
}

/// `innerError` with the answer's ids, as Graph's error bodies carry them.
fn fill_inner_error(answer: &mut Answer, request_id: &str, client_request_id: &str) {
    if answer.status < 400 {
        return;
    }
    let Ok(serde_json::Value::Object(mut body)) = serde_json::from_slice::<serde_json::Value>(&answer.body) else { return };
    let Some(serde_json::Value::Object(error)) = body.get_mut("error") else { return };
    if error.contains_key("innerError") {
        return;
    }
    error.insert(
        "innerError".into(),
        serde_json::json!({"date": "2024-05-01T12:00:00", "request-id": request_id, "client-request-id": client_request_id}),
    );
    if let Ok(bytes) = serde_json::to_vec(&body) {
        answer.body = bytes;
    }
}

fn request_query<T>(request: &Request<T>) -> String {
    let url = request.url("");
    url.split_once('?').map_or(String::new(), |(_, query)| query.to_owned())
}

/// Whether `path` (relative to the base URL, still encoded) fits `template`:
/// each `{placeholder}` stands for one or more characters without a `/`, except
/// one right after `:/` (a path inside a drive, `root:/{item_path}:`), which
/// may hold `/`.
pub fn path_fits_template(path: &str, template: &str) -> bool {
    fn fits(path: &str, template: &str, slash_allowed: bool) -> bool {
        let Some(open) = template.find('{') else { return path == template };
        let Some(close) = template[open..].find('}').map(|c| open + c) else { return path == template };
        let (literal, rest) = (&template[..open], &template[close + 1..]);
        let Some(after) = path.strip_prefix(literal) else { return false };
        let slash_allowed = slash_allowed || literal.ends_with(":/");
        (1..=after.len()).filter(|&n| after.is_char_boundary(n)).any(|n| {
            let value = &after[..n];
            (slash_allowed || !value.contains('/')) && fits(&after[n..], rest, false)
        })
    }
    fits(path, template, false)
}

/// Canned answers and faults for one operation, from [`FakeGraph::on`].
/// Set how it matches and answers, then finish with one of [`When::reply`],
/// [`When::reply_with`], [`When::content`], [`When::error`],
/// [`When::answer_with`] or [`When::fail`].
#[must_use = "a canned answer is registered by reply, reply_with, content, error, answer_with or fail"]
pub struct When<'a, T> {
    graph: &'a FakeGraph,
    method: Method,
    template: Option<&'static str>,
    path: String,
    query: String,
    exact: bool,
    times: Option<u32>,
    status: u16,
    headers: Vec<(String, String)>,
    response: PhantomData<fn() -> T>,
}

impl<T> When<'_, T> {
    /// Only this request's path and query, ids included (by default any
    /// request of the operation matches).
    pub fn exactly(mut self) -> Self {
        self.exact = true;
        self
    }

    /// Only the next `times` matching requests (by default every one).
    pub fn times(mut self, times: u32) -> Self {
        self.times = Some(times);
        self
    }

    /// The answer's status (200 unless set; `201` for a create).
    pub fn status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// The answer is Graph's error body with this status and code.
    pub fn error(self, status: u16, code: &str, message: &str) {
        let answer = Answer::graph_error(status, code, message);
        self.register(move |_| answer.clone());
    }

    /// Any answer, made from the request.
    pub fn answer_with(self, answer: impl Fn(&Received) -> Answer + Send + Sync + 'static) {
        self.register(answer);
    }

    /// The matching requests meet `fault` (once unless [`When::times`] says otherwise).
    pub fn fail(self, fault: Fault) {
        let times = self.times.unwrap_or(1);
        let matcher = self.matcher();
        self.graph.api.fault_when(move |received| matcher(received), fault, times);
    }

    fn register(self, answer: impl Fn(&Received) -> Answer + Send + Sync + 'static) {
        let headers = self.headers.clone();
        let matcher = self.matcher();
        self.graph.api.answer_when(
            move |received| matcher(received),
            self.times,
            move |received| {
                let mut out = answer(received);
                out.headers.extend(headers.iter().cloned());
                out
            },
        );
    }

    /// Whether a received request is one of this operation's (the API's `/v1.0` prefix removed).
    fn matcher(&self) -> impl Fn(&Received) -> bool + Send + Sync + 'static {
        let (method, template, path, query, exact) =
            (self.method.as_str(), self.template, self.path.clone(), self.query.clone(), self.exact);
        move |received: &Received| {
            let Some(relative) = received.path().strip_prefix("/v1.0") else { return false };
            received.method == method
                && match (exact, template) {
                    (false, Some(template)) => path_fits_template(relative, template),
                    _ => relative == path && (!exact || received.query() == query),
                }
        }
    }
}

impl<T: Serialize + Send + Sync + 'static> When<'_, T> {
    /// Answers with `value` as JSON (`()` is `204 No Content`).
    pub fn reply(self, value: T) {
        let status = self.status;
        let answer = Answer::json(status, &value);
        self.register(move |_| answer.clone());
    }

    /// Answers with the value `make` builds from each request.
    pub fn reply_with(self, make: impl Fn(&Received) -> T + Send + Sync + 'static) {
        let status = self.status;
        self.register(move |received| Answer::json(status, &make(received)));
    }
}

impl When<'_, Content> {
    /// Answers a raw-content operation (`$value`) with these bytes.
    pub fn content(self, content_type: &str, bytes: impl Into<Vec<u8>>) {
        let answer = Answer::bytes(self.status, content_type, bytes);
        self.register(move |_| answer.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fit_templates_one_segment_per_placeholder() {
        let template = "/me/messages/{message_id}/attachments/{attachment_id}";
        assert!(path_fits_template("/me/messages/AAMk%2Bx/attachments/att-1", template));
        assert!(!path_fits_template("/me/messages/m1/attachments", template));
        assert!(!path_fits_template("/me/messages/m1/x/attachments/a1", template), "a placeholder is one segment");
        assert!(!path_fits_template("/me/messages//attachments/a1", template), "a placeholder is never empty");
        assert!(path_fits_template("/me/messages", "/me/messages"));
        assert!(!path_fits_template("/me/messages/m1", "/me/messages"));
    }

    #[test]
    fn a_drive_path_placeholder_may_hold_slashes() {
        let template = "/me/drive/root:/{item_path}:/createUploadSession";
        assert!(path_fits_template("/me/drive/root:/Reports/Q1%20summary.pdf:/createUploadSession", template));
        assert!(path_fits_template("/me/drive/root:/a.txt:/createUploadSession", template));
        assert!(!path_fits_template("/me/drive/root:/a.txt:/content", template));
        assert!(path_fits_template("/me/drive/root:/a/b", "/me/drive/root:/{item_path}"));
    }

    #[test]
    fn error_answers_get_graphs_inner_error() {
        let mut answer = Answer::graph_error(404, "itemNotFound", "Not here.");
        fill_inner_error(&mut answer, "r-1", "c-1");
        let body: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
        assert_eq!(body["error"]["innerError"]["request-id"], "r-1");
        assert_eq!(body["error"]["innerError"]["client-request-id"], "c-1");
        let mut ok = Answer::json(200, &serde_json::json!({"a": 1}));
        fill_inner_error(&mut ok, "r-2", "c-2");
        assert_eq!(ok.body, br#"{"a":1}"#);
        assert_eq!(Answer::json(200, &()).status, 204, "() is No Content");
    }

    /// A canned `204` with a body (pages say `204 No Content` and show one)
    /// goes out without it, so the next answer on the kept-alive connection
    /// is read as itself.
    #[test]
    fn a_no_content_answer_sends_no_body() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let (mut client, server) = tokio::io::duplex(4096);
            write_answer(&mut client, &Answer { status: 204, headers: Vec::new(), body: b"{}".to_vec() }).await.unwrap();
            write_answer(&mut client, &Answer::bytes(200, "text/plain", "ok")).await.unwrap();
            drop(client);
            let mut written = String::new();
            tokio::io::BufReader::new(server).read_to_string(&mut written).await.unwrap();
            assert_eq!(written, "HTTP/1.1 204 Fake\r\n\r\nHTTP/1.1 200 Fake\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok");
        });
    }
}
