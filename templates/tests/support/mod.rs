//! Test servers for the runtime's tests, on the runtime's own fake Graph
//! (`runtime::test_server`, the one users get with the `test-server` feature):
//!
//! - [`Api`] plays the Graph API on `http://127.0.0.1:PORT/v1.0` with the
//!   test routes below (pages, throttling in every `Retry-After` form, errors,
//!   a redirect, a slow answer, `createUploadSession`).
//! - [`OtherHost`] plays another host (upload sessions, download redirects,
//!   next links) on `http://localhost:PORT2`: a different host name, still
//!   loopback, where a fault can drop the connection mid-body.
#![allow(dead_code)]

pub mod scripted;

pub use graph_runtime::runtime::test_server::Fault;
use graph_runtime::runtime::test_server::{quick_retry, request_id, Answer, FakeGraph, Host, HostName, Received, FAKE_TOKEN};
use graph_runtime::runtime::{Client, RetryPolicy};
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub const TOKEN: &str = FAKE_TOKEN;
/// The credential embedded in the upload URL, as real upload URLs do.
pub const UPLOAD_SECRET: &str = "UPLOAD-SECRET-42";
pub const KIB_320: usize = 320 * 1024;

/// Runs a test body, failing it if it takes more than 10 seconds.
pub async fn bounded<F: Future>(test: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(10), test).await.expect("the test ran for more than 10 seconds")
}

/// Short waits so that tests stay fast; `Retry-After` is still honoured up to 3 s.
pub fn fast_retry(max_attempts: u32) -> RetryPolicy {
    quick_retry(max_attempts)
}

pub fn client(base_url: &str) -> Client {
    Client::builder().base_url(base_url).token(TOKEN).timeout(Duration::from_secs(5)).retry(fast_retry(4)).build().unwrap()
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

pub struct Api {
    pub base_url: String,
    pub graph: FakeGraph,
}

impl Api {
    /// The fake Graph with the test routes; `other_origin` is where redirects
    /// and the cross-host next link point, `upload_url` what `createUploadSession` hands out.
    pub async fn start(other_origin: &str, upload_url: &str) -> Api {
        let graph = FakeGraph::start().await;
        let base = graph.base_url();
        let (other_origin, upload_url) = (other_origin.to_owned(), upload_url.to_owned());
        // How many requests each target had before.
        let counts = Mutex::new(std::collections::HashMap::<String, usize>::new());
        graph.api().route(move |received| {
            let earlier = {
                let mut counts = counts.lock().unwrap();
                let count = counts.entry(received.target.clone()).or_default();
                *count += 1;
                *count - 1
            };
            Some(test_route(received, earlier, &base, &other_origin, &upload_url))
        });
        // Taken, never answered: the client's timeout must end the wait.
        graph.api().fault_when(|received| received.path() == "/v1.0/slow", Fault::Stall, u32::MAX);
        Api { base_url: graph.base_url(), graph }
    }

    pub fn seen(&self) -> Vec<ApiSeen> {
        let seen = self.graph.received().into_iter();
        seen.map(|r| ApiSeen {
            method: r.method.clone(),
            target: r.target.clone(),
            authorization: r.header("authorization").map(str::to_owned),
            at: r.at,
        })
        .collect()
    }
}

fn test_route(received: &Received, earlier: usize, base: &str, other_origin: &str, upload_url: &str) -> Answer {
    let query = received.query();
    let json = |status, body: serde_json::Value| Answer::json(status, &body);
    match (received.method.as_str(), received.path()) {
        ("GET", "/v1.0/items") => {
            let body = if query.contains("$skiptoken=p2") {
                serde_json::json!({"value": [{"id": "4"}, {"id": "5"}], "@odata.nextLink": format!("{base}/items?$skiptoken=p3")})
            } else if query.contains("$skiptoken=p3") {
                serde_json::json!({"value": [{"id": "6"}, {"id": "7"}]})
            } else {
                serde_json::json!({"value": [{"id": "1"}, {"id": "2"}, {"id": "3"}], "@odata.nextLink": format!("{base}/items?$skiptoken=p2")})
            };
            json(200, body)
        }
        ("GET", "/v1.0/elsewhere") => {
            json(200, serde_json::json!({"value": [{"id": "a"}], "@odata.nextLink": format!("{other_origin}/page2?$skiptoken=x")}))
        }
        ("GET", "/v1.0/throttled") if earlier == 0 => Answer::graph_error(429, "TooManyRequests", "Slow down").header("retry-after", "1"),
        ("GET", "/v1.0/throttled-date") if earlier == 0 => {
            let at = jiff::fmt::rfc2822::DateTimePrinter::new()
                .timestamp_to_rfc9110_string(&(jiff::Timestamp::now() + jiff::SignedDuration::from_secs(2)))
                .unwrap();
            Answer::graph_error(503, "serviceNotAvailable", "Come back later").header("retry-after", at)
        }
        // Graph sends decimal seconds: `throttling.md` of the concept pages shows `Retry-After` in seconds,
        // and the service answers fractions such as 0.249.
        ("GET", "/v1.0/throttled-decimal") if earlier == 0 => {
            Answer::graph_error(429, "TooManyRequests", "Slow down").header("retry-after", "0.5")
        }
        ("GET", "/v1.0/throttled-long") => {
            Answer::graph_error(429, "TooManyRequests", "Come back in two minutes").header("retry-after", "120")
        }
        ("GET", "/v1.0/throttled" | "/v1.0/throttled-date" | "/v1.0/throttled-decimal") => json(200, serde_json::json!({"ok": true})),
        ("GET", "/v1.0/busy") => Answer::graph_error(503, "serviceNotAvailable", "Still busy").header("retry-after", "0"),
        ("GET", "/v1.0/missing") => json(
            404,
            serde_json::json!({"error": {"code": "itemNotFound", "message": "The resource could not be found.",
                "innerError": {"request-id": "req-42", "client-request-id": "client-7", "date": "2024-01-01T00:00:00"}}}),
        ),
        ("GET", "/v1.0/redirect") => Answer::empty(302).header("location", format!("{other_origin}/download/1")),
        ("POST", "/v1.0/me/drive/items/root/createUploadSession") => json(
            200,
            serde_json::json!({"uploadUrl": upload_url, "expirationDateTime": "2030-01-01T00:00:00Z", "nextExpectedRanges": ["0-"]}),
        ),
        _ => Answer::graph_error(404, "notFound", "no such test route"),
    }
}

pub fn graph_error(code: &str, message: &str) -> serde_json::Value {
    serde_json::json!({"error": {"code": code, "message": message}})
}

// ------------------------------------------------------------- the other host

/// A request the other host received.
pub type Seen = Received;

#[derive(Debug, Default)]
pub struct HostState {
    pub seen: Vec<Seen>,
    /// What happened, one line a request: `PUT 0-9/10 -> 202`, `GET -> 200 [10-]`.
    pub log: Vec<String>,
    /// The bytes the upload session has, in order.
    pub received: Vec<u8>,
    pub total: Option<u64>,
    pub cancelled: bool,
}

pub struct OtherHost {
    /// `http://localhost:PORT`
    pub origin: String,
    host: Host,
    state: Arc<Mutex<HostState>>,
}

impl OtherHost {
    pub async fn start() -> OtherHost {
        let host = Host::start(HostName::Localhost).await;
        let state = Arc::new(Mutex::new(HostState::default()));
        let origin = host.origin().to_owned();
        let (routes, location_origin) = (state.clone(), origin.clone());
        host.route(move |received| Some(handle(&mut routes.lock().unwrap(), received, &location_origin)));
        // Graph's hosts give every answer a request-id.
        host.decorate(|received, answer| answer.headers.push(("request-id".into(), request_id(received.number))));
        let observed = state.clone();
        host.observe(move |received| {
            let mut state = observed.lock().unwrap();
            state.seen.push(received.clone());
            let (start, end, total) = received.header("content-range").and_then(parse_content_range).unwrap_or_default();
            match received.fault {
                Some(Fault::DropMidBody) => state.log.push(format!("PUT {start}-{end}/{total} -> dropped")),
                Some(Fault::Unavailable { .. }) => state.log.push(format!("PUT {start}-{end}/{total} -> 503")),
                _ => {}
            }
        });
        OtherHost { origin, host, state }
    }

    pub fn upload_url(&self) -> String {
        format!("{}/upload/session-1?tempauth={UPLOAD_SECRET}", self.origin)
    }

    /// The next `times` PUTs of the chunk starting at `start` meet `fault`.
    pub fn fail_chunk(&self, start: u64, fault: Fault, times: u32) {
        let starts_at = move |received: &Received| {
            received.method == "PUT" && received.header("content-range").and_then(parse_content_range).is_some_and(|(s, _, _)| s == start)
        };
        self.host.fault_when(starts_at, fault, times);
    }

    pub fn state(&self) -> MutexGuard<'_, HostState> {
        self.state.lock().unwrap()
    }

    /// Requests that carried an `Authorization` header (there must be none).
    pub fn authorized_requests(&self) -> Vec<Seen> {
        self.host.authorized()
    }
}

/// `bytes START-END/TOTAL`
fn parse_content_range(value: &str) -> Option<(u64, u64, u64)> {
    let (range, total) = value.strip_prefix("bytes ")?.split_once('/')?;
    let (start, end) = range.split_once('-')?;
    Some((start.parse().ok()?, end.parse().ok()?, total.parse().ok()?))
}

/// The upload session (`driveitem-createuploadsession.md`: `202` and
/// `nextExpectedRanges: ["N-"]` between chunks, `201` with the item at the
/// end, `416` for a range it does not expect, `404` once cancelled), and the
/// download and next-link targets.
fn handle(state: &mut HostState, seen: &Seen, origin: &str) -> Answer {
    let path = seen.path();
    if !path.starts_with("/upload/") {
        return match (seen.method.as_str(), path) {
            ("GET", "/download/1") => Answer::json(200, &serde_json::json!({"downloaded": true})),
            ("GET", "/page2") => Answer::json(200, &serde_json::json!({"value": [{"id": "b"}]})),
            _ => Answer::graph_error(404, "notFound", "no such test route"),
        };
    }
    if seen.target != format!("/upload/session-1?tempauth={UPLOAD_SECRET}") {
        return Answer::graph_error(401, "unauthenticated", "bad upload URL");
    }
    if state.cancelled {
        state.log.push(format!("{} -> 404", seen.method));
        return Answer::graph_error(404, "itemNotFound", "The upload session was cancelled");
    }
    let session = |state: &HostState| serde_json::json!({"expirationDateTime": "2030-01-01T00:00:00Z", "nextExpectedRanges": [format!("{}-", state.received.len())]});
    match seen.method.as_str() {
        "GET" => {
            state.log.push(format!("GET -> 200 [{}-]", state.received.len()));
            Answer::json(200, &session(state))
        }
        "DELETE" => {
            state.cancelled = true;
            state.log.push("DELETE -> 204".into());
            Answer::empty(204)
        }
        "PUT" => {
            let range = seen.header("content-range").and_then(parse_content_range);
            let answer = put_chunk(state, seen, range, origin);
            let (start, end, total) = range.unwrap_or_default();
            state.log.push(format!("PUT {start}-{end}/{total} -> {}", answer.status));
            answer
        }
        _ => Answer::graph_error(405, "methodNotAllowed", ""),
    }
}

/// Validates a chunk as the service would and appends it.
fn put_chunk(state: &mut HostState, seen: &Seen, range: Option<(u64, u64, u64)>, origin: &str) -> Answer {
    let bad = |message: &str| Answer::graph_error(400, "invalidRequest", message);
    let Some((start, end, total)) = range else { return bad("missing or malformed Content-Range") };
    let body = &seen.body;
    if seen.header_count("content-length") != 1 || end < start || body.len() as u64 != end - start + 1 {
        return bad("Content-Length does not match Content-Range");
    }
    if *state.total.get_or_insert(total) != total || end >= total {
        return bad("inconsistent total size");
    }
    if start != state.received.len() as u64 {
        return Answer::graph_error(416, "invalidRange", "not the expected range");
    }
    let last = end + 1 == total;
    if !last && body.len() / KIB_320 * KIB_320 != body.len() {
        return bad("chunks must be multiples of 320 KiB");
    }
    state.received.extend_from_slice(body);
    if last {
        Answer::json(201, &serde_json::json!({"id": "new-item-id", "name": "big.bin", "size": total}))
            .header("Location", format!("{origin}/drive/items/new-item-id"))
    } else {
        Answer::json(
            202,
            &serde_json::json!({"expirationDateTime": "2030-01-01T00:00:00Z", "nextExpectedRanges": [format!("{}-", end + 1)]}),
        )
    }
}
