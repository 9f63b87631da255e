//! Test servers, on loopback addresses only.
//!
//! - [`Api`] (axum) plays the Graph API on `http://127.0.0.1:PORT/v1.0`.
//! - [`OtherHost`] plays another host (upload sessions, download redirects,
//!   next links) on `http://localhost:PORT2`: a different host name, still
//!   loopback. It is a small hand-written HTTP/1.1 server so that a test can
//!   drop the connection in the middle of a request body, which a framework
//!   does not let a handler do.
#![allow(dead_code)]

pub mod scripted;

use graph_runtime::runtime::{Client, RetryPolicy};
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

pub const TOKEN: &str = "secret-token";
/// The credential embedded in the upload URL, as real upload URLs do.
pub const UPLOAD_SECRET: &str = "UPLOAD-SECRET-42";
pub const KIB_320: usize = 320 * 1024;

/// Runs a test body, failing it if it takes more than 10 seconds.
pub async fn bounded<F: Future>(test: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(10), test).await.expect("the test ran for more than 10 seconds")
}

/// Short waits so that tests stay fast; `Retry-After` is still honoured up to 3 s.
pub fn fast_retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy { max_attempts, base_delay: Duration::from_millis(20), max_delay: Duration::from_secs(3) }
}

pub fn client(base_url: &str) -> Client {
    Client::builder().base_url(base_url).token(TOKEN).timeout(Duration::from_secs(5)).retry(fast_retry(4)).build().unwrap()
}

/// Deterministic pseudo-random bytes (xorshift64).
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

/// FNV-1a, to name contents in assertion messages instead of dumping megabytes.
pub fn fingerprint(data: &[u8]) -> String {
    let hash = data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
    format!("{} bytes, fnv1a {hash:016x}", data.len())
}

// ---------------------------------------------------------------- the API host

#[derive(Debug, Clone)]
pub struct ApiSeen {
    pub method: String,
    /// Path and query, e.g. `/v1.0/items?$skiptoken=p2`.
    pub target: String,
    pub authorization: Option<String>,
    pub at: Instant,
}

#[derive(Debug, Default)]
pub struct ApiState {
    pub seen: Vec<ApiSeen>,
    /// Handed out by `createUploadSession`.
    pub upload_url: String,
    /// Where `/v1.0/redirect` and `/v1.0/elsewhere`'s next link point.
    pub other_origin: String,
}

pub struct Api {
    pub base_url: String,
    pub state: Arc<Mutex<ApiState>>,
}

impl Api {
    pub async fn start(other_origin: &str, upload_url: &str) -> Api {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(ApiState {
            upload_url: upload_url.to_owned(),
            other_origin: other_origin.to_owned(),
            ..ApiState::default()
        }));
        let shared = (state.clone(), origin.clone());
        let app = axum::Router::new().fallback(api_handler).with_state(shared);
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Api { base_url: format!("{origin}/v1.0"), state }
    }

    pub fn seen(&self) -> Vec<ApiSeen> {
        self.state.lock().unwrap().seen.clone()
    }
}

type ApiShared = (Arc<Mutex<ApiState>>, String);

async fn api_handler(
    axum::extract::State((state, origin)): axum::extract::State<ApiShared>,
    method: axum::http::Method,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    let target = uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
    let authorization = headers.get("authorization").map(|v| v.to_str().unwrap().to_owned());
    let (earlier, other_origin, upload_url) = {
        let mut state = state.lock().unwrap();
        let earlier = state.seen.iter().filter(|s| s.target == target).count();
        state.seen.push(ApiSeen { method: method.to_string(), target: target.clone(), authorization, at: Instant::now() });
        (earlier, state.other_origin.clone(), state.upload_url.clone())
    };
    let base = format!("{origin}/v1.0");
    let query = uri.query().unwrap_or("");
    match (method.as_str(), uri.path()) {
        ("GET", "/v1.0/items") => {
            let body = if query.contains("$skiptoken=p2") {
                serde_json::json!({"value": [{"id": "4"}, {"id": "5"}], "@odata.nextLink": format!("{base}/items?$skiptoken=p3")})
            } else if query.contains("$skiptoken=p3") {
                serde_json::json!({"value": [{"id": "6"}, {"id": "7"}]})
            } else {
                serde_json::json!({"value": [{"id": "1"}, {"id": "2"}, {"id": "3"}], "@odata.nextLink": format!("{base}/items?$skiptoken=p2")})
            };
            json(200, &[], body)
        }
        ("GET", "/v1.0/elsewhere") => {
            json(200, &[], serde_json::json!({"value": [{"id": "a"}], "@odata.nextLink": format!("{other_origin}/page2?$skiptoken=x")}))
        }
        ("GET", "/v1.0/throttled") if earlier == 0 => {
            json(429, &[("retry-after", "1".into())], graph_error("TooManyRequests", "Slow down"))
        }
        ("GET", "/v1.0/throttled-date") if earlier == 0 => {
            let at = jiff::fmt::rfc2822::DateTimePrinter::new()
                .timestamp_to_rfc9110_string(&(jiff::Timestamp::now() + jiff::SignedDuration::from_secs(2)))
                .unwrap();
            json(503, &[("retry-after", at)], graph_error("serviceNotAvailable", "Come back later"))
        }
        // Graph sends decimal seconds: `throttling.md` of the concept pages shows `Retry-After` in seconds,
        // and the service answers fractions such as 0.249.
        ("GET", "/v1.0/throttled-decimal") if earlier == 0 => {
            json(429, &[("retry-after", "0.5".into())], graph_error("TooManyRequests", "Slow down"))
        }
        ("GET", "/v1.0/throttled-long") => {
            json(429, &[("retry-after", "120".into())], graph_error("TooManyRequests", "Come back in two minutes"))
        }
        ("GET", "/v1.0/throttled" | "/v1.0/throttled-date" | "/v1.0/throttled-decimal") => json(200, &[], serde_json::json!({"ok": true})),
        ("GET", "/v1.0/busy") => json(503, &[("retry-after", "0".into())], graph_error("serviceNotAvailable", "Still busy")),
        ("GET", "/v1.0/missing") => json(
            404,
            &[],
            serde_json::json!({"error": {"code": "itemNotFound", "message": "The resource could not be found.",
                "innerError": {"request-id": "req-42", "client-request-id": "client-7", "date": "2024-01-01T00:00:00"}}}),
        ),
        ("GET", "/v1.0/redirect") => json(302, &[("location", format!("{other_origin}/download/1"))], serde_json::Value::Null),
        ("GET", "/v1.0/slow") => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            json(200, &[], serde_json::json!({}))
        }
        ("POST", "/v1.0/me/drive/items/root/createUploadSession") => json(
            200,
            &[],
            serde_json::json!({"uploadUrl": upload_url, "expirationDateTime": "2030-01-01T00:00:00Z", "nextExpectedRanges": ["0-"]}),
        ),
        _ => json(404, &[], graph_error("notFound", "no such test route")),
    }
}

pub fn graph_error(code: &str, message: &str) -> serde_json::Value {
    serde_json::json!({"error": {"code": code, "message": message}})
}

fn json(status: u16, headers: &[(&str, String)], body: serde_json::Value) -> axum::response::Response {
    let mut response = axum::response::Response::builder().status(status).header("content-type", "application/json");
    for (name, value) in headers {
        response = response.header(*name, value);
    }
    let body = if body.is_null() { String::new() } else { body.to_string() };
    response.body(axum::body::Body::from(body)).unwrap()
}

// ------------------------------------------------------------- the other host

#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub target: String,
    /// Every header line as sent, names as written.
    pub headers: Vec<(String, String)>,
    pub at: Instant,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn header_count(&self, name: &str) -> usize {
        self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).count()
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Fault {
    /// Read half of the chunk, then close the connection.
    DropMidBody,
    /// Read the chunk, discard it and answer 503 with this `Retry-After`.
    Unavailable { retry_after: &'static str },
}

#[derive(Debug, Default)]
pub struct HostState {
    pub seen: Vec<Seen>,
    /// What happened, one line a request: `PUT 0-9/10 -> 202`, `GET -> 200 [10-]`.
    pub log: Vec<String>,
    /// The bytes the upload session has, in order.
    pub received: Vec<u8>,
    pub total: Option<u64>,
    pub cancelled: bool,
    /// (chunk start, fault, times left)
    faults: Vec<(u64, Fault, u32)>,
}

pub struct OtherHost {
    /// `http://localhost:PORT`
    pub origin: String,
    pub state: Arc<Mutex<HostState>>,
}

impl OtherHost {
    pub async fn start() -> OtherHost {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://localhost:{}", listener.local_addr().unwrap().port());
        let state = Arc::new(Mutex::new(HostState::default()));
        let shared = state.clone();
        let location_origin = origin.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                tokio::spawn(serve_connection(stream, shared.clone(), location_origin.clone()));
            }
        });
        OtherHost { origin, state }
    }

    pub fn upload_url(&self) -> String {
        format!("{}/upload/session-1?tempauth={UPLOAD_SECRET}", self.origin)
    }

    /// The next `times` PUTs of the chunk starting at `start` meet `fault`.
    pub fn fail_chunk(&self, start: u64, fault: Fault, times: u32) {
        self.state.lock().unwrap().faults.push((start, fault, times));
    }

    pub fn state(&self) -> MutexGuard<'_, HostState> {
        self.state.lock().unwrap()
    }

    /// Requests that carried an `Authorization` header (there must be none).
    pub fn authorized_requests(&self) -> Vec<Seen> {
        self.state().seen.iter().filter(|s| s.header_count("authorization") > 0).cloned().collect()
    }
}

struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn json(status: u16, body: serde_json::Value) -> Reply {
        Reply { status, headers: vec![("Content-Type", "application/json".into())], body: body.to_string().into_bytes() }
    }
}

async fn serve_connection(stream: TcpStream, state: Arc<Mutex<HostState>>, origin: String) {
    let mut stream = BufReader::new(stream);
    loop {
        let Some(seen) = read_head(&mut stream).await else { return };
        let length: usize = seen.header("content-length").and_then(|v| v.trim().parse().ok()).unwrap_or(0);
        let range = seen.header("content-range").and_then(parse_content_range);
        let fault = {
            let mut state = state.lock().unwrap();
            state.seen.push(seen.clone());
            match (seen.method.as_str(), range) {
                ("PUT", Some((start, _, _))) => take_fault(&mut state.faults, start),
                _ => None,
            }
        };
        if let Some(Fault::DropMidBody) = fault {
            let mut half = vec![0; length / 2];
            let _ = stream.read_exact(&mut half).await;
            let (start, end, total) = range.unwrap();
            state.lock().unwrap().log.push(format!("PUT {start}-{end}/{total} -> dropped"));
            return; // closing with unread bytes: the client sees the connection reset
        }
        let mut body = vec![0; length];
        if stream.read_exact(&mut body).await.is_err() {
            return;
        }
        let reply = match fault {
            Some(Fault::Unavailable { retry_after }) => {
                let (start, end, total) = range.unwrap();
                state.lock().unwrap().log.push(format!("PUT {start}-{end}/{total} -> 503"));
                let mut reply = Reply::json(503, graph_error("serviceNotAvailable", "Try again"));
                reply.headers.push(("Retry-After", retry_after.into()));
                reply
            }
            _ => handle(&mut state.lock().unwrap(), &seen, range, body, &origin),
        };
        let mut head = format!("HTTP/1.1 {} Test\r\nContent-Length: {}\r\n", reply.status, reply.body.len());
        for (name, value) in &reply.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let out = stream.get_mut();
        if out.write_all(head.as_bytes()).await.is_err() || out.write_all(&reply.body).await.is_err() {
            return;
        }
    }
}

fn take_fault(faults: &mut [(u64, Fault, u32)], start: u64) -> Option<Fault> {
    let (_, fault, left) = faults.iter_mut().find(|(at, _, left)| *at == start && *left > 0)?;
    *left -= 1;
    Some(*fault)
}

async fn read_head(stream: &mut BufReader<TcpStream>) -> Option<Seen> {
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
    Some(Seen { method, target, headers, at: Instant::now() })
}

/// `bytes START-END/TOTAL`
fn parse_content_range(value: &str) -> Option<(u64, u64, u64)> {
    let (range, total) = value.strip_prefix("bytes ")?.split_once('/')?;
    let (start, end) = range.split_once('-')?;
    Some((start.parse().ok()?, end.parse().ok()?, total.parse().ok()?))
}

fn handle(state: &mut HostState, seen: &Seen, range: Option<(u64, u64, u64)>, body: Vec<u8>, origin: &str) -> Reply {
    let path = seen.target.split('?').next().unwrap_or("");
    if !path.starts_with("/upload/") {
        return match (seen.method.as_str(), path) {
            ("GET", "/download/1") => Reply::json(200, serde_json::json!({"downloaded": true})),
            ("GET", "/page2") => Reply::json(200, serde_json::json!({"value": [{"id": "b"}]})),
            _ => Reply::json(404, graph_error("notFound", "no such test route")),
        };
    }
    if seen.target != format!("/upload/session-1?tempauth={UPLOAD_SECRET}") {
        return Reply::json(401, graph_error("unauthenticated", "bad upload URL"));
    }
    if state.cancelled {
        state.log.push(format!("{} -> 404", seen.method));
        return Reply::json(404, graph_error("itemNotFound", "The upload session was cancelled"));
    }
    let session = |state: &HostState| serde_json::json!({"expirationDateTime": "2030-01-01T00:00:00Z", "nextExpectedRanges": [format!("{}-", state.received.len())]});
    match seen.method.as_str() {
        "GET" => {
            state.log.push(format!("GET -> 200 [{}-]", state.received.len()));
            Reply::json(200, session(state))
        }
        "DELETE" => {
            state.cancelled = true;
            state.log.push("DELETE -> 204".into());
            Reply { status: 204, headers: Vec::new(), body: Vec::new() }
        }
        "PUT" => {
            let reply = put_chunk(state, seen, range, &body, origin);
            let (start, end, total) = range.unwrap_or_default();
            state.log.push(format!("PUT {start}-{end}/{total} -> {}", reply.status));
            reply
        }
        _ => Reply::json(405, graph_error("methodNotAllowed", "")),
    }
}

/// Validates a chunk as the service would and appends it.
fn put_chunk(state: &mut HostState, seen: &Seen, range: Option<(u64, u64, u64)>, body: &[u8], origin: &str) -> Reply {
    let bad = |message: &str| Reply::json(400, graph_error("invalidRequest", message));
    let Some((start, end, total)) = range else { return bad("missing or malformed Content-Range") };
    if seen.header_count("content-length") != 1 || end < start || body.len() as u64 != end - start + 1 {
        return bad("Content-Length does not match Content-Range");
    }
    if *state.total.get_or_insert(total) != total || end >= total {
        return bad("inconsistent total size");
    }
    if start != state.received.len() as u64 {
        return Reply::json(416, graph_error("invalidRange", "not the expected range"));
    }
    let last = end + 1 == total;
    if !last && body.len() / KIB_320 * KIB_320 != body.len() {
        return bad("chunks must be multiples of 320 KiB");
    }
    state.received.extend_from_slice(body);
    if last {
        let mut reply = Reply::json(201, serde_json::json!({"id": "new-item-id", "name": "big.bin", "size": total}));
        reply.headers.push(("Location", format!("{origin}/drive/items/new-item-id")));
        reply
    } else {
        Reply::json(202, serde_json::json!({"expirationDateTime": "2030-01-01T00:00:00Z", "nextExpectedRanges": [format!("{}-", end + 1)]}))
    }
}
