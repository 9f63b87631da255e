//! The Graph scenario the generated crate's tests run against (a mailbox
//! and a drive), on the runtime's fake Graph (`runtime::test_server`, the one
//! users get with the `test-server` feature), shared by the integration tests
//! (`graph_server.rs`, `upload_protocols.rs`) and the examples test (`examples.rs`).
//!
//! - The API answers on `http://127.0.0.1:PORT/v1.0` (the fake's API host:
//!   bearer token required, a `request-id` on every answer, Graph's error
//!   body) like Graph does for message attachments: create (201 + body +
//!   `Location`), get, list (pages linked by an absolute `@odata.nextLink`),
//!   delete (204) and `createUploadSession` (201 + `uploadSession`), and
//!   `$value` content as a 302 to the other host, as large downloads are
//!   served. Throttling (429 + `Retry-After`) can be injected.
//!   It also keeps a drive: `POST /me/drive/root:/{item-path}:/createUploadSession`
//!   (200 + `uploadSession`) and `GET /me/drive/root:/{item-path}`, the path
//!   read segment by segment (a `%2F` inside a segment is a name with a `/`,
//!   which OneDrive refuses).
//! - Upload sessions answer on `http://localhost:PORT2` (the fake's second
//!   host): another host name than the API, still loopback, as real upload
//!   URLs live elsewhere. The host's faults cut a connection in the middle of
//!   a chunk or lose the answer after it; on top of them this scenario checks
//!   each chunk as the service would and speaks each service's own protocol
//!   ([`Flavour`]): attachment sessions answer as Outlook does, drive sessions
//!   as OneDrive does. After the last chunk it creates the attachment or the
//!   drive item (visible through the API). It also serves attachment content
//!   (`GET /content/...`) to redirected downloads.
//! - `protocols.rs`: `$batch`, delta queries (mail folders, drives) and drive
//!   copies with their monitor host, on top of the API above.
#![allow(dead_code)]

mod protocols;

use graph_client::runtime::test_server::{self, Answer, FakeGraph, Received};
use graph_client::runtime::RetryPolicy;
use graph_client::Client;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub const TOKEN: &str = test_server::FAKE_TOKEN;
/// The credential embedded in upload URLs, as real upload URLs do.
pub const UPLOAD_SECRET: &str = "UPLOAD-SECRET-42";
pub const KIB_320: usize = 320 * 1024;
pub const FILE_ATTACHMENT: &str = "#microsoft.graph.fileAttachment";

/// Runs a test body, failing it if it takes more than 20 seconds.
pub async fn bounded<F: Future>(test: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(20), test).await.expect("the test ran for more than 20 seconds")
}

/// Short backoff so that tests stay fast; `Retry-After` is still honoured up to 3 s.
pub fn fast_retry(max_attempts: u32) -> RetryPolicy {
    test_server::quick_retry(max_attempts)
}

pub fn client(base_url: &str) -> Client {
    Client::builder().base_url(base_url).token(TOKEN).timeout(Duration::from_secs(5)).retry(fast_retry(4)).build().unwrap()
}


/// A request the API received, with the status it answered.
#[derive(Debug, Clone)]
pub struct ApiSeen {
    pub method: String,
    /// Path and query as sent, e.g. `/v1.0/me/messages/m1/attachments?$skiptoken=2`.
    pub target: String,
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    /// Every header as sent (names in lower case).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub status: u16,
    pub request_id: String,
    pub at: Instant,
}

impl ApiSeen {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// A request the upload host received.
pub type Seen = Received;

/// How an upload session answers, by the service that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// `outlook-large-attachments.md` (graph-concepts): `200 OK` with
    /// `{"ExpirationDateTime", "NextExpectedRanges": ["N"]}` (PascalCase, a bare
    /// start) between chunks; `201 Created`, `Location` and an empty body after
    /// the last one. Bytes must come in order (`Content-Type:
    /// application/octet-stream` is required).
    Outlook,
    /// `driveitem-createuploadsession.md`: `202 Accepted` with
    /// `{"expirationDateTime", "nextExpectedRanges": ["N-"]}` between chunks;
    /// `201 Created` with the new driveItem after the last one; `416` for a
    /// fragment the session already has; `404` once the session is gone.
    OneDrive,
}

/// What the upload host does to a chunk instead of taking it: the network's
/// faults and 503/429 are the fake host's own (`test_server::Fault`), the
/// others this scenario's.
#[derive(Debug, Clone, Copy)]
pub enum Fault {
    /// Read half of the chunk, then close the connection.
    DropMidBody,
    /// Take the chunk, then close the connection before answering: the answer is lost.
    LoseAnswer,
    /// Take the chunk and never answer (until the client gives up or is killed).
    Stall,
    /// Take the chunk (it reached the session once already, say through a proxy
    /// that retried it) and answer `416 Requested Range Not Satisfiable`.
    AlreadyReceived,
    /// Read the chunk, discard it and answer 503 with this `Retry-After`.
    Unavailable { retry_after: &'static str },
    /// Read the chunk, discard it and answer 429 with this `Retry-After`.
    Throttled { retry_after: &'static str },
    /// Read the chunk, discard it, end the session and answer 404 (it expired).
    SessionGone,
    /// A broken server: take the chunk and answer as if the file were complete.
    CompleteEarly,
    /// A broken server: take the chunk and ask next for a byte past the end of the file.
    AskPastEnd,
}

/// An attachment as the server keeps it: its JSON (without `contentBytes`) and its bytes.
#[derive(Debug, Clone)]
pub struct Stored {
    pub meta: Value,
    pub bytes: Vec<u8>,
}

impl Stored {
    pub fn id(&self) -> &str {
        self.meta["id"].as_str().unwrap()
    }
}

/// What a completed session creates.
#[derive(Debug, Clone)]
enum Destination {
    Attachment { message_id: String, name: String, content_type: Option<String> },
    DriveItem { path: Vec<String> },
}

#[derive(Debug)]
struct Session {
    flavour: Flavour,
    destination: Destination,
    /// Known from createUploadSession (Outlook) or from the first chunk's Content-Range (OneDrive).
    size: Option<u64>,
    received: Vec<u8>,
    location: Option<String>,
    cancelled: bool,
}

/// A file in the fake drive.
#[derive(Debug, Clone)]
pub struct DriveFile {
    pub meta: Value,
    pub bytes: Vec<u8>,
}

#[derive(Debug)]
struct Throttle {
    method: &'static str,
    target_contains: String,
    times: u32,
    retry_after: &'static str,
}

#[derive(Debug, Default)]
pub struct State {
    messages: BTreeMap<String, Vec<Stored>>,
    /// Drive files by path segments below the root.
    drive: BTreeMap<Vec<String>, DriveFile>,
    sessions: BTreeMap<String, Session>,
    next_id: u64,
    page_size: usize,
    throttles: Vec<Throttle>,
    /// This scenario's faults: (chunk start, fault, times left).
    faults: Vec<(u64, Fault, u32)>,
    pub api_seen: Vec<ApiSeen>,
    pub upload_seen: Vec<Seen>,
    /// One line a request to the upload host: `PUT 0-9/10 -> 202`, `GET -> 200 [10-]`.
    pub upload_log: Vec<String>,
    /// `$batch`, delta and copy state (`protocols.rs`).
    pub protocols: protocols::Protocols,
}

/// Both hosts, sharing one mailbox.
pub struct Graph {
    /// `http://127.0.0.1:PORT/v1.0`
    pub base_url: String,
    /// `http://localhost:PORT2`
    pub upload_origin: String,
    fake: FakeGraph,
    state: Arc<Mutex<State>>,
}

impl Graph {
    pub async fn start() -> Graph {
        let fake = FakeGraph::start().await;
        let base_url = fake.base_url();
        let upload_origin = fake.files().origin().to_owned();
        let state = Arc::new(Mutex::new(State { page_size: 2, ..State::default() }));
        let shared = Shared { state: state.clone(), base_url: base_url.clone(), upload_origin: upload_origin.clone() };

        let api = shared.clone();
        fake.api().route(move |received| Some(api_route(&api, received)));
        let observed = state.clone();
        fake.api().observe(move |received| observed.lock().unwrap().api_seen.push(api_seen(received)));

        let upload = shared.clone();
        fake.files().route(move |received| Some(upload_route(&upload, received)));
        let observed = state.clone();
        fake.files().observe(move |received| observe_upload(&mut observed.lock().unwrap(), received));
        Graph { base_url, upload_origin, fake, state }
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    pub fn add_message(&self, message_id: &str) {
        self.state().messages.entry(message_id.to_owned()).or_default();
    }

    /// Adds an attachment of `odata_type` (e.g. `#microsoft.graph.referenceAttachment`) to a message; returns its id.
    pub fn add_attachment(&self, message_id: &str, name: &str, odata_type: &str) -> String {
        let mut state = self.state();
        let id = state.new_id("att");
        let meta = json!({"@odata.type": odata_type, "id": id, "name": name, "contentType": "application/octet-stream",
            "size": 0, "isInline": false, "lastModifiedDateTime": "2024-05-01T12:00:00Z"});
        state.messages.entry(message_id.to_owned()).or_default().push(Stored { meta, bytes: Vec::new() });
        id
    }

    /// Items per page when the client does not ask with `$top` (2 unless set).
    pub fn set_page_size(&self, page_size: usize) {
        self.state().page_size = page_size;
    }

    /// The next `times` API requests with this method whose path and query contain
    /// `target_contains` are answered 429 with this `Retry-After`.
    pub fn throttle(&self, method: &'static str, target_contains: &str, times: u32, retry_after: &'static str) {
        self.state().throttles.push(Throttle { method, target_contains: target_contains.to_owned(), times, retry_after });
    }

    /// The next `times` PUTs of the chunk starting at byte `start` meet `fault`.
    pub fn fail_chunk(&self, start: u64, fault: Fault, times: u32) {
        let host_fault = match fault {
            Fault::DropMidBody => test_server::Fault::DropMidBody,
            Fault::LoseAnswer => test_server::Fault::LoseAnswer,
            Fault::Stall => test_server::Fault::Stall,
            Fault::Unavailable { retry_after } => test_server::Fault::Unavailable { retry_after },
            Fault::Throttled { retry_after } => test_server::Fault::Throttled { retry_after },
            Fault::AlreadyReceived | Fault::SessionGone | Fault::CompleteEarly | Fault::AskPastEnd => {
                self.state().faults.push((start, fault, times));
                return;
            }
        };
        let chunk_at = move |seen: &Seen| seen.method == "PUT" && chunk_range(seen).is_some_and(|(s, _, _)| s == start);
        self.fake.files().fault_when(chunk_at, host_fault, times);
    }

    pub fn api_seen(&self) -> Vec<ApiSeen> {
        self.state().api_seen.clone()
    }

    pub fn upload_seen(&self) -> Vec<Seen> {
        self.state().upload_seen.clone()
    }

    pub fn upload_log(&self) -> Vec<String> {
        self.state().upload_log.clone()
    }

    /// Requests to the upload host that carried an `Authorization` header (there must be none).
    pub fn authorized_uploads(&self) -> Vec<Seen> {
        self.state().upload_seen.iter().filter(|s| s.header_count("authorization") > 0).cloned().collect()
    }

    pub fn attachments(&self, message_id: &str) -> Vec<Stored> {
        self.state().messages.get(message_id).cloned().unwrap_or_default()
    }

    /// The `Location` headers of the uploads that completed, in session order.
    pub fn upload_locations(&self) -> Vec<String> {
        self.state().sessions.values().filter_map(|s| s.location.clone()).collect()
    }

    /// The drive file at `path` (`Reports/big file.bin`), if any.
    pub fn drive_file(&self, path: &str) -> Option<DriveFile> {
        let key: Vec<String> = path.split('/').map(str::to_owned).collect();
        self.state().drive.get(&key).cloned()
    }

    /// How many bytes the only open session holds (0 when there is none).
    pub fn bytes_received(&self) -> usize {
        self.state().sessions.values().filter(|s| s.location.is_none()).map(|s| s.received.len()).max().unwrap_or(0)
    }
}

impl State {
    fn new_id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}-{}", self.next_id)
    }
}

#[derive(Clone)]
struct Shared {
    state: Arc<Mutex<State>>,
    base_url: String,
    upload_origin: String,
}

// ------------------------------------------------------------------- the API

struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn json(status: u16, body: Value) -> Reply {
        Reply { status, headers: vec![("Content-Type", "application/json".into())], body: body.to_string().into_bytes() }
    }

    fn empty(status: u16) -> Reply {
        Reply { status, headers: Vec::new(), body: Vec::new() }
    }

    fn error(status: u16, code: &str, message: &str, request_id: &str) -> Reply {
        Reply::json(
            status,
            json!({"error": {"code": code, "message": message,
                "innerError": {"date": "2024-05-01T12:00:00", "request-id": request_id, "client-request-id": request_id}}}),
        )
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }
}

impl From<Reply> for Answer {
    fn from(reply: Reply) -> Answer {
        let headers = reply.headers.into_iter().map(|(name, value)| (name.to_owned(), value)).collect();
        Answer { status: reply.status, headers, body: reply.body }
    }
}

/// What the API's route sees of a request; `status` is 0 until it is answered.
fn api_seen(received: &Received) -> ApiSeen {
    ApiSeen {
        method: received.method.clone(),
        target: received.target.clone(),
        authorization: received.header("authorization").map(str::to_owned),
        content_type: received.header("content-type").map(str::to_owned),
        headers: received.headers.iter().map(|(n, v)| (n.to_ascii_lowercase(), v.clone())).collect(),
        body: received.body.clone(),
        status: received.status,
        request_id: test_server::request_id(received.number),
        at: received.at,
    }
}

fn api_route(shared: &Shared, received: &Received) -> Answer {
    let seen = api_seen(received);
    let mut state = shared.state.lock().unwrap();
    let (path, query) = (received.path(), received.query());
    api_reply(&mut state, shared, &seen, path, query).into()
}

fn api_reply(state: &mut State, shared: &Shared, seen: &ApiSeen, path: &str, query: &str) -> Reply {
    let request_id = seen.request_id.as_str();
    if seen.authorization.as_deref() != Some(&format!("Bearer {TOKEN}")) {
        return Reply::error(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.", request_id);
    }
    let throttled = state.throttles.iter_mut().find(|t| t.method == seen.method && seen.target.contains(&t.target_contains) && t.times > 0);
    if let Some(throttle) = throttled {
        throttle.times -= 1;
        return Reply::error(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.", request_id)
            .header("Retry-After", throttle.retry_after);
    }
    if let Some(reply) = protocols::reply(state, shared, seen, path, query) {
        return reply;
    }
    if let Some(item_path) = path.strip_prefix("/v1.0/me/drive/root:/") {
        return drive_reply(state, shared, seen, item_path, request_id);
    }
    let segments: Vec<String> = path.strip_prefix("/v1.0/").unwrap_or("").split('/').map(percent_decode).collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let base = &shared.base_url;
    let not_found = || Reply::error(404, "ErrorItemNotFound", "The specified object was not found in the store.", request_id);
    match (seen.method.as_str(), segments.as_slice()) {
        ("GET", ["me", "messages", message, "attachments"]) => {
            let Some(attachments) = state.messages.get(*message) else { return not_found() };
            let params = query_params(query);
            let top = params.get("$top").and_then(|v| v.parse().ok()).unwrap_or(state.page_size).max(1);
            let skip: usize = params.get("$skiptoken").and_then(|v| v.parse().ok()).unwrap_or(0);
            let value: Vec<Value> = attachments.iter().skip(skip).take(top).map(|a| without_content(&a.meta)).collect();
            let mut page =
                json!({"@odata.context": format!("{base}/$metadata#users('me')/messages('{message}')/attachments"), "value": value});
            if skip + top < attachments.len() {
                let mut next = format!("{base}/me/messages/{}/attachments?", percent_encode(message));
                if params.contains_key("$top") {
                    next.push_str(&format!("$top={top}&"));
                }
                next.push_str(&format!("$skiptoken={}", skip + top));
                page["@odata.nextLink"] = next.into();
            }
            Reply::json(200, page)
        }
        ("POST", ["me", "messages", message, "attachments"]) => {
            let Ok(Value::Object(mut meta)) = serde_json::from_slice::<Value>(&seen.body) else {
                return Reply::error(400, "RequestBodyRead", "The request body is not a JSON object.", request_id);
            };
            if !meta.get("@odata.type").is_some_and(Value::is_string) || !meta.get("name").is_some_and(Value::is_string) {
                return Reply::error(400, "ErrorInvalidRequest", "An attachment needs an @odata.type and a name.", request_id);
            }
            let bytes = match meta.get("contentBytes") {
                Some(Value::String(text)) => match base64_decode(text) {
                    Some(bytes) => bytes,
                    None => return Reply::error(400, "ErrorInvalidRequest", "contentBytes is not base64.", request_id),
                },
                _ => Vec::new(),
            };
            if !state.messages.contains_key(*message) {
                return not_found();
            }
            let id = state.new_id("att");
            meta.insert("id".into(), id.clone().into());
            meta.insert("size".into(), bytes.len().into());
            meta.insert("lastModifiedDateTime".into(), "2024-05-01T12:00:00Z".into());
            meta.entry("isInline").or_insert(false.into());
            meta.entry("contentType").or_insert("application/octet-stream".into());
            let mut created = Value::Object(meta);
            state.messages.get_mut(*message).unwrap().push(Stored { meta: without_content(&created), bytes });
            created["@odata.context"] = format!("{base}/$metadata#users('me')/messages('{message}')/attachments/$entity").into();
            Reply::json(201, created).header("Location", attachment_url(base, message, &id))
        }
        ("POST", ["me", "messages", message, "attachments", "createUploadSession"]) => {
            let body: Value = serde_json::from_slice(&seen.body).unwrap_or(Value::Null);
            let item = &body["AttachmentItem"];
            let (Some("file"), Some(name), Some(size)) = (item["attachmentType"].as_str(), item["name"].as_str(), item["size"].as_u64())
            else {
                return Reply::error(
                    400,
                    "ErrorInvalidRequest",
                    "AttachmentItem needs attachmentType 'file', a name and a size.",
                    request_id,
                );
            };
            if size == 0 {
                return Reply::error(400, "ErrorInvalidRequest", "The attachment size must be positive.", request_id);
            }
            if !state.messages.contains_key(*message) {
                return not_found();
            }
            let session_id = state.new_id("session");
            let destination = Destination::Attachment {
                message_id: message.to_string(),
                name: name.to_owned(),
                content_type: item["contentType"].as_str().map(str::to_owned),
            };
            let session = Session {
                flavour: Flavour::Outlook,
                destination,
                size: Some(size),
                received: Vec::new(),
                location: None,
                cancelled: false,
            };
            state.sessions.insert(session_id.clone(), session);
            Reply::json(
                201,
                json!({"@odata.context": format!("{base}/$metadata#microsoft.graph.uploadSession"),
                    "uploadUrl": format!("{}/upload/{session_id}?tempauth={UPLOAD_SECRET}", shared.upload_origin),
                    "expirationDateTime": "2030-01-01T00:00:00Z", "nextExpectedRanges": ["0-"]}),
            )
        }
        // Content is served by the other host, as large downloads are: a 302 to a
        // URL that carries its own credential.
        ("GET", ["me", "messages", message, "attachments", id, "$value"]) => {
            match state.messages.get(*message).and_then(|list| list.iter().find(|a| a.id() == *id)) {
                Some(_) => Reply::empty(302).header(
                    "Location",
                    format!("{}/content/{}/{}?tempauth={UPLOAD_SECRET}", shared.upload_origin, percent_encode(message), percent_encode(id)),
                ),
                None => not_found(),
            }
        }
        ("GET", ["me", "messages", message, "attachments", id]) => {
            match state.messages.get(*message).and_then(|list| list.iter().find(|a| a.id() == *id)) {
                Some(found) => {
                    let mut meta = found.meta.clone();
                    meta["@odata.context"] = format!("{base}/$metadata#users('me')/messages('{message}')/attachments/$entity").into();
                    Reply::json(200, meta)
                }
                None => not_found(),
            }
        }
        ("DELETE", ["me", "messages", message, "attachments", id]) => {
            let Some(list) = state.messages.get_mut(*message) else { return not_found() };
            let before = list.len();
            list.retain(|a| a.id() != *id);
            if list.len() == before {
                return not_found();
            }
            Reply::empty(204)
        }
        _ => Reply::error(400, "BadRequest", &format!("Resource not found for the segment '{path}'."), request_id),
    }
}

/// Path-based drive addressing (`driveitem-createuploadsession.md`, `driveitem-get.md`):
/// `root:/{item-path}:/createUploadSession` and `root:/{item-path}`. Each
/// segment of the path is decoded on its own; a decoded `/` inside one means
/// the client encoded the separators, which makes a file name with a slash.
fn drive_reply(state: &mut State, shared: &Shared, seen: &ApiSeen, item_path: &str, request_id: &str) -> Reply {
    let (item_path, action) = match item_path.strip_suffix(":/createUploadSession") {
        Some(item_path) => (item_path, Some("createUploadSession")),
        None => (item_path.trim_end_matches(':'), None),
    };
    let segments: Vec<String> = item_path.split('/').map(percent_decode).collect();
    if segments.iter().any(|s| s.is_empty() || s.contains('/') || s.contains(':')) {
        return Reply::error(400, "invalidRequest", &format!("The name in the path '{item_path}' is not valid."), request_id);
    }
    match (seen.method.as_str(), action) {
        ("POST", Some(_)) => {
            let body: Value = serde_json::from_slice(&seen.body).unwrap_or(Value::Null);
            let behavior = body["item"]["@microsoft.graph.conflictBehavior"].as_str().unwrap_or("fail");
            if behavior == "fail" && state.drive.contains_key(&segments) {
                return Reply::error(409, "nameAlreadyExists", "The specified item name already exists.", request_id);
            }
            let session_id = state.new_id("session");
            let session = Session {
                flavour: Flavour::OneDrive,
                destination: Destination::DriveItem { path: segments },
                size: None,
                received: Vec::new(),
                location: None,
                cancelled: false,
            };
            state.sessions.insert(session_id.clone(), session);
            Reply::json(
                200,
                json!({"uploadUrl": format!("{}/up/{session_id}?tempauth={UPLOAD_SECRET}", shared.upload_origin),
                    "expirationDateTime": "2030-01-01T00:00:00Z"}),
            )
        }
        ("GET", None) => match state.drive.get(&segments) {
            Some(file) => Reply::json(200, file.meta.clone()),
            None => Reply::error(404, "itemNotFound", "The resource could not be found.", request_id),
        },
        _ => Reply::error(400, "BadRequest", "Unsupported drive request.", request_id),
    }
}

fn attachment_url(base: &str, message: &str, id: &str) -> String {
    format!("{base}/me/messages/{}/attachments/{}", percent_encode(message), percent_encode(id))
}

fn without_content(meta: &Value) -> Value {
    let mut meta = meta.clone();
    if let Some(object) = meta.as_object_mut() {
        object.remove("contentBytes");
    }
    meta
}

fn query_params(query: &str) -> BTreeMap<String, String> {
    query.split('&').filter_map(|pair| pair.split_once('=')).map(|(k, v)| (percent_decode(k), percent_decode(v))).collect()
}

/// Everything but RFC 3986 unreserved characters, independently of the client's encoder.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Standard base64 with padding.
pub fn base64_encode(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= chunk.len() { ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char } else { '=' });
        }
    }
    out
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u32> = text
        .trim_end_matches('=')
        .bytes()
        .map(|c| match c {
            b'A'..=b'Z' => Some((c - b'A') as u32),
            b'a'..=b'z' => Some((c - b'a' + 26) as u32),
            b'0'..=b'9' => Some((c - b'0' + 52) as u32),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let mut out = Vec::new();
    for chunk in digits.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &d)| n | d << (18 - 6 * i));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    Some(out)
}

// ----------------------------------------------------------- the upload host

/// A request to the upload host: the session's own checks, then this
/// scenario's faults. The host's faults already struck (a dropped chunk, a
/// 503 or 429 never reaches here); for a lost or stalled answer the chunk is
/// taken and logged as such.
fn upload_route(shared: &Shared, seen: &Seen) -> Answer {
    let mut state = shared.state.lock().unwrap();
    let range = chunk_range(seen);
    let fault = match (seen.method.as_str(), range) {
        ("PUT", Some((start, _, _))) => take_fault(&mut state.faults, start),
        _ => None,
    };
    let reply = match fault {
        Some(fault) => faulty_upload_reply(&mut state, &shared.base_url, seen, range, &seen.body, fault),
        None => upload_reply(&mut state, &shared.base_url, seen, range, &seen.body),
    };
    let lost = match seen.fault {
        Some(test_server::Fault::LoseAnswer) => Some("answer lost"),
        Some(test_server::Fault::Stall) => Some("stalled"),
        _ => None,
    };
    if let (Some(label), true) = (lost, (200..300).contains(&reply.status)) {
        let (start, end, total) = range.unwrap_or_default();
        state.upload_log.pop();
        state.upload_log.push(format!("PUT {start}-{end}/{total} -> {label}"));
    }
    reply.into()
}

/// Keeps every request to the upload host, and logs the host's own faults.
fn observe_upload(state: &mut State, seen: &Seen) {
    state.upload_seen.push(seen.clone());
    let (start, end, total) = chunk_range(seen).unwrap_or_default();
    let outcome = match seen.fault {
        Some(test_server::Fault::DropMidBody) => "dropped",
        Some(test_server::Fault::Unavailable { .. }) => "503",
        Some(test_server::Fault::Throttled { .. }) => "429",
        _ => return,
    };
    state.upload_log.push(format!("PUT {start}-{end}/{total} -> {outcome}"));
}

fn chunk_range(seen: &Seen) -> Option<(u64, u64, u64)> {
    seen.header("content-range").and_then(parse_content_range)
}

/// A chunk meeting a fault that lets it reach the session (or ends the session).
fn faulty_upload_reply(state: &mut State, base_url: &str, seen: &Seen, range: Option<(u64, u64, u64)>, body: &[u8], fault: Fault) -> Reply {
    let (start, end, total) = range.unwrap_or_default();
    let session_id = upload_session_id(seen).unwrap_or_default();
    match fault {
        // The chunk reaches the session; only the answer is broken.
        Fault::AlreadyReceived | Fault::CompleteEarly | Fault::AskPastEnd => {
            let taken = upload_reply(state, base_url, seen, range, body);
            state.upload_log.pop();
            if !(200..300).contains(&taken.status) {
                state.upload_log.push(format!("PUT {start}-{end}/{total} -> {}", taken.status));
                return taken;
            }
        }
        Fault::SessionGone => {
            state.sessions.remove(&session_id);
            state.upload_log.push(format!("PUT {start}-{end}/{total} -> 404"));
            return Reply::error(404, "itemNotFound", "The upload session does not exist or has expired.", "upload");
        }
        Fault::DropMidBody | Fault::LoseAnswer | Fault::Stall | Fault::Unavailable { .. } | Fault::Throttled { .. } => {
            unreachable!("the host's own faults")
        }
    }
    let flavour = state.sessions.get(&session_id).map_or(Flavour::OneDrive, |s| s.flavour);
    let (label, reply) = match fault {
        Fault::AlreadyReceived => ("416", Reply::error(416, "invalidRange", "The fragment was already received.", "upload")),
        Fault::CompleteEarly => {
            let reply = match flavour {
                Flavour::Outlook => Reply::empty(201).header("Location", format!("{base_url}/me/messages/early/attachments/early")),
                Flavour::OneDrive => Reply::json(201, json!({"id": "early", "name": "early.bin", "size": end + 1})),
            };
            ("201 early", reply)
        }
        Fault::AskPastEnd => ("past the end", session_reply(flavour, total + 10)),
        _ => unreachable!(),
    };
    state.upload_log.push(format!("PUT {start}-{end}/{total} -> {label}"));
    reply
}

/// `GET /content/{message}/{attachment}`: the attachment's bytes.
fn content_reply(state: &mut State, seen: &Seen, content: &str) -> Reply {
    let ids: Vec<String> = content.split('/').map(percent_decode).collect();
    let found = match (seen.method.as_str(), ids.as_slice()) {
        ("GET", [message, id]) => state.messages.get(message).and_then(|list| list.iter().find(|a| a.id() == id)),
        _ => None,
    };
    let Some(found) = found else { return Reply::error(404, "ErrorItemNotFound", "No such content.", "upload") };
    let reply = Reply { status: 200, headers: vec![("Content-Type", "application/octet-stream".to_owned())], body: found.bytes.clone() };
    state.upload_log.push(format!("GET content -> 200 ({} bytes)", reply.body.len()));
    reply
}

fn take_fault(faults: &mut [(u64, Fault, u32)], start: u64) -> Option<Fault> {
    let (_, fault, left) = faults.iter_mut().find(|(at, _, left)| *at == start && *left > 0)?;
    *left -= 1;
    Some(*fault)
}

/// `bytes START-END/TOTAL`
fn parse_content_range(value: &str) -> Option<(u64, u64, u64)> {
    let (range, total) = value.strip_prefix("bytes ")?.split_once('/')?;
    let (start, end) = range.split_once('-')?;
    Some((start.parse().ok()?, end.parse().ok()?, total.parse().ok()?))
}

fn upload_session_id(seen: &Seen) -> Option<String> {
    let path = seen.target.split('?').next().unwrap_or("");
    path.strip_prefix("/upload/").or_else(|| path.strip_prefix("/up/")).map(str::to_owned)
}

/// An intermediate answer or the status of a session, in the service's own spelling.
fn session_reply(flavour: Flavour, next: u64) -> Reply {
    match flavour {
        // `uploadsession.md`: for Outlook attachments the property "always indicates a single value {start}".
        Flavour::Outlook => Reply::json(
            200,
            json!({"@odata.context": "https://outlook.office.com/api/v2.0/$metadata#Users('u')/Messages('m')/AttachmentSessions/$entity",
                "ExpirationDateTime": "2030-01-01T00:00:00Z", "NextExpectedRanges": [next.to_string()]}),
        ),
        Flavour::OneDrive => {
            Reply::json(202, json!({"expirationDateTime": "2030-01-01T00:00:00Z", "nextExpectedRanges": [format!("{next}-")]}))
        }
    }
}

fn upload_reply(state: &mut State, base_url: &str, seen: &Seen, range: Option<(u64, u64, u64)>, body: &[u8]) -> Reply {
    let error = |status, code, message: &str| Reply::error(status, code, message, "upload");
    let (path, query) = seen.target.split_once('?').unwrap_or((&seen.target, ""));
    if query != format!("tempauth={UPLOAD_SECRET}") {
        return error(401, "InvalidAuthenticationToken", "The URL's credential is missing or wrong.");
    }
    if let Some(content) = path.strip_prefix("/content/") {
        return content_reply(state, seen, content);
    }
    let Some(session_id) = upload_session_id(seen) else { return error(404, "notFound", "no such route") };
    let Some(session) = state.sessions.get_mut(&session_id).filter(|s| !s.cancelled && s.location.is_none()) else {
        state.upload_log.push(format!("{} -> 404", seen.method));
        return error(404, "itemNotFound", "The upload session does not exist or has expired.");
    };
    match seen.method.as_str() {
        "GET" => {
            let received = session.received.len();
            let mut reply = session_reply(session.flavour, received as u64);
            reply.status = 200;
            let shown = if session.flavour == Flavour::Outlook { format!("[{received}]") } else { format!("[{received}-]") };
            state.upload_log.push(format!("GET -> 200 {shown}"));
            return reply;
        }
        "DELETE" => {
            session.cancelled = true;
            state.upload_log.push("DELETE -> 204".into());
            return Reply::empty(204);
        }
        "PUT" => {}
        _ => return error(405, "MethodNotAllowed", "GET, PUT or DELETE"),
    }
    let reply = put_chunk(session, seen, range, body);
    let (start, end, total) = range.unwrap_or_default();
    state.upload_log.push(format!("PUT {start}-{end}/{total} -> {}", reply.status));
    if reply.status != 201 {
        return reply;
    }
    complete(state, base_url, &session_id)
}

/// The last byte arrived: the attachment or drive item now exists.
fn complete(state: &mut State, base_url: &str, session_id: &str) -> Reply {
    let session = state.sessions.get(session_id).unwrap();
    let (destination, bytes) = (session.destination.clone(), session.received.clone());
    let id = state.new_id(match destination {
        Destination::Attachment { .. } => "att",
        Destination::DriveItem { .. } => "01ITEM",
    });
    let (location, reply) = match destination {
        Destination::Attachment { message_id, name, content_type } => {
            let meta = json!({"@odata.type": FILE_ATTACHMENT, "id": id, "name": name,
                "contentType": content_type.unwrap_or_else(|| "application/octet-stream".into()), "size": bytes.len(),
                "isInline": false, "lastModifiedDateTime": "2024-05-01T12:00:00Z"});
            state.messages.entry(message_id.clone()).or_default().push(Stored { meta, bytes });
            let location = attachment_url(base_url, &message_id, &id);
            (location.clone(), Reply::empty(201).header("Location", location))
        }
        Destination::DriveItem { path } => {
            let name = path.last().cloned().unwrap_or_default();
            let meta = json!({"id": id, "name": name, "size": bytes.len(), "eTag": format!("\"{{{id}}},1\""),
                "createdDateTime": "2024-05-01T12:00:00Z", "lastModifiedDateTime": "2024-05-01T12:00:00Z",
                "file": {"mimeType": "application/octet-stream"}});
            state.drive.insert(path, DriveFile { meta: meta.clone(), bytes });
            (format!("{base_url}/me/drive/items/{id}"), Reply::json(201, meta))
        }
    };
    state.sessions.get_mut(session_id).unwrap().location = Some(location);
    reply
}

/// Validates a chunk as the service would and appends it; 201 (to be completed by the caller) after the last byte.
fn put_chunk(session: &mut Session, seen: &Seen, range: Option<(u64, u64, u64)>, body: &[u8]) -> Reply {
    let bad = |message: &str| Reply::error(400, "ErrorInvalidRequest", message, "upload");
    let Some((start, end, total)) = range else { return bad("missing or malformed Content-Range") };
    if seen.header_count("content-length") != 1 || end < start || body.len() as u64 != end - start + 1 {
        return bad("Content-Length does not match Content-Range");
    }
    if session.flavour == Flavour::Outlook && seen.header("content-type") != Some("application/octet-stream") {
        return bad("Content-Type must be application/octet-stream");
    }
    // "Your app must ensure the total file size specified in the Content-Range header is the same for all requests."
    if *session.size.get_or_insert(total) != total || end >= total {
        return bad("the total size differs from the size of the upload");
    }
    if start != session.received.len() as u64 {
        return Reply::error(416, "ErrorInvalidRange", "not the expected range", "upload");
    }
    let last = end + 1 == total;
    if !last && body.len() / KIB_320 * KIB_320 != body.len() {
        return bad("chunks must be multiples of 320 KiB");
    }
    session.received.extend_from_slice(body);
    if last {
        Reply::empty(201)
    } else {
        session_reply(session.flavour, end + 1)
    }
}
