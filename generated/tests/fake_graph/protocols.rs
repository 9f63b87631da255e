//! The fake Graph's protocol routes. They are reached through `api_reply`, so
//! they need the token and can be throttled like every other route.
//!
//! - `POST /$batch` answers as json-batching.md says: at most 20 `requests`
//!   with unique ids, each with `id`, `method` and `url` (relative to the
//!   service root, as every example there is), a `Content-Type` header
//!   whenever a `body` is given (a JSON body as JSON, any other base64), and
//!   `dependsOn` ids of the same batch. Each item goes through the same routes
//!   as a request of its own (`api_reply`) and is answered with its own
//!   `status`, `headers` and `body`; an item whose dependency failed gets
//!   `424`; the responses come in another order than the requests. A
//!   throttled item gets `429` with its `Retry-After`, and the batch itself is
//!   answered `424` (throttling.md, "Throttling and batching").
//! - `GET /me/mailFolders/{id}/messages/delta` answers as delta-query-messages.md
//!   and message-delta.md say: without a token the folder's messages, with
//!   `$skiptoken` the rest of a round, with `$deltatoken` the changes since it,
//!   a removed message being its id and `@removed` with the reason `changed` or
//!   `deleted` (delta-query-overview.md); `Prefer: odata.maxpagesize` sets the
//!   page size; every page has a nextLink or, the last one, a deltaLink; a page
//!   may be empty and still have a nextLink (delta-query-users.md: "even if
//!   the value is an empty array"). An expired token is `410 Gone` with a
//!   `Location` that starts over (delta-query-overview.md, Synchronization
//!   reset) and the code `syncStateNotFound` (errors.md).
//! - `GET /me/drive/root/delta` answers as driveitem-delta.md says: `token`
//!   (`delta(token='...')` or `?token=`) absent lists every item, `latest`
//!   answers no item and a deltaLink, an earlier token the items changed since,
//!   a removed item with the `deleted` facet.
//! - `POST /me/drive/items/{id}/copy` answers as driveitem-copy.md says:
//!   `202 Accepted`, no body, a `Location` on the monitor host. That host
//!   (`localhost:PORT3`, another host, started by `start_monitor_host`) needs
//!   no token (long-running-actions-overview.md) and answers `asyncJobStatus`
//!   with `202`: `inProgress` with a `percentageComplete` at the first poll,
//!   then `completed` with the new item's `resourceId`, as the page's example
//!   does. The copy then exists in the drive.

use super::{api_reply, base64_decode, base64_encode, percent_decode, percent_encode, query_params, ApiSeen, Graph, Reply, Shared, State};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use graph_client::runtime::test_server::{Answer, Host, HostName, Received};

/// The most requests one `$batch` may hold (json-batching.md).
const BATCH_LIMIT: usize = 20;
/// Messages per delta page without `Prefer: odata.maxpagesize`.
const DEFAULT_DELTA_PAGE: usize = 10;

#[derive(Debug, Default)]
pub struct Protocols {
    /// Every `POST /$batch`, in order.
    pub batches: Vec<BatchSeen>,
    /// Every request to the monitor host.
    pub monitor_seen: Vec<MonitorSeen>,
    folders: BTreeMap<String, Folder>,
    drive: BTreeMap<String, Value>,
    /// (sequence number, item id) of every drive change.
    drive_log: Vec<(u64, String)>,
    sequence: u64,
    /// Delta tokens at or below this sequence number have expired.
    expired_up_to: u64,
    /// Empty pages (with a nextLink) to slip into the next mail delta rounds.
    empty_pages: u32,
    monitor_origin: Option<String>,
    jobs: BTreeMap<String, CopyJob>,
}

#[derive(Debug, Default)]
struct Folder {
    messages: BTreeMap<String, Value>,
    /// (sequence number, message id, removal reason) of every change.
    log: Vec<(u64, String, Option<&'static str>)>,
}

/// One `POST /$batch` as the fake received and answered it.
#[derive(Debug, Clone)]
pub struct BatchSeen {
    pub at: Instant,
    pub status: u16,
    /// The items in the order they were sent.
    pub items: Vec<ItemSeen>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemSeen {
    pub id: String,
    pub method: String,
    pub url: String,
    pub depends_on: Vec<String>,
    pub status: u16,
}

#[derive(Debug, Clone)]
pub struct MonitorSeen {
    pub target: String,
    pub authorization: Option<String>,
    pub status: u16,
    pub at: Instant,
}

#[derive(Debug)]
struct CopyJob {
    source: String,
    name: Option<String>,
    parent: Value,
    polls: u32,
}

impl ApiSeen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl Graph {
    /// Starts the monitor host that drive copies point to.
    pub async fn start_monitor_host(&self) -> String {
        let host = Host::start(HostName::Localhost).await;
        let origin = host.origin().to_owned();
        self.state().protocols.monitor_origin = Some(origin.clone());
        let state = self.state.clone();
        host.route(move |received| Some(monitor_reply(&state, received)));
        origin
    }

    pub fn batches(&self) -> Vec<BatchSeen> {
        self.state().protocols.batches.clone()
    }

    pub fn monitor_seen(&self) -> Vec<MonitorSeen> {
        self.state().protocols.monitor_seen.clone()
    }

    /// Adds or replaces a message of a mail folder (a change its delta reports).
    pub fn put_message(&self, folder: &str, id: &str, subject: &str, is_read: bool) {
        let message = json!({"@odata.type": "#microsoft.graph.message", "@odata.etag": format!("W/\"{id}-{subject}\""),
            "id": id, "subject": subject, "isRead": is_read, "receivedDateTime": "2024-05-01T12:00:00Z", "parentFolderId": folder});
        let mut state = self.state();
        let protocols = &mut state.protocols;
        protocols.sequence += 1;
        let sequence = protocols.sequence;
        let folder = protocols.folders.entry(folder.to_owned()).or_default();
        folder.messages.insert(id.to_owned(), message);
        folder.log.push((sequence, id.to_owned(), None));
    }

    /// Removes a message: `changed` (restorable) or `deleted` (gone for good).
    pub fn remove_message(&self, folder: &str, id: &str, reason: &'static str) {
        let mut state = self.state();
        let protocols = &mut state.protocols;
        protocols.sequence += 1;
        let sequence = protocols.sequence;
        let folder = protocols.folders.entry(folder.to_owned()).or_default();
        folder.messages.remove(id);
        folder.log.push((sequence, id.to_owned(), Some(reason)));
    }

    /// Every delta token handed out so far stops working.
    pub fn expire_delta_tokens(&self) {
        let mut state = self.state();
        state.protocols.expired_up_to = state.protocols.sequence;
    }

    /// The next mail delta page that has a nextLink is followed by an empty page.
    pub fn slip_in_empty_delta_page(&self) {
        self.state().protocols.empty_pages += 1;
    }

    pub fn put_drive_item(&self, id: &str, item: Value) {
        let mut state = self.state();
        let protocols = &mut state.protocols;
        protocols.sequence += 1;
        let sequence = protocols.sequence;
        let mut item = item;
        item["id"] = id.into();
        protocols.drive.insert(id.to_owned(), item);
        protocols.drive_log.push((sequence, id.to_owned()));
    }

    pub fn remove_drive_item(&self, id: &str) {
        let mut state = self.state();
        let protocols = &mut state.protocols;
        protocols.sequence += 1;
        let sequence = protocols.sequence;
        protocols.drive.remove(id);
        protocols.drive_log.push((sequence, id.to_owned()));
    }

    pub fn drive_item(&self, id: &str) -> Option<Value> {
        self.state().protocols.drive.get(id).cloned()
    }
}

/// The protocol routes; `None` for every other request.
pub(super) fn reply(state: &mut State, shared: &Shared, seen: &ApiSeen, path: &str, query: &str) -> Option<Reply> {
    let segments: Vec<String> = path.strip_prefix("/v1.0/").unwrap_or("").split('/').map(percent_decode).collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (seen.method.as_str(), segments.as_slice()) {
        ("POST", ["$batch"]) => Some(batch(state, shared, seen)),
        ("GET", ["me", "mailFolders", folder, "messages", "delta"]) => Some(mail_delta(state, shared, seen, folder, query)),
        ("GET", ["me", "drive", "root", delta]) if delta.starts_with("delta") => Some(drive_delta(state, shared, seen, delta, query)),
        ("POST", ["me", "drive", "items", item, "copy"]) => Some(copy(state, seen, item)),
        _ => None,
    }
}

// ------------------------------------------------------------------ $batch

fn batch(state: &mut State, shared: &Shared, seen: &ApiSeen) -> Reply {
    let bad = |message: &str| Reply::error(400, "BadRequest", message, &seen.request_id);
    let body: Value = serde_json::from_slice(&seen.body).unwrap_or(Value::Null);
    let Some(requests) = body["requests"].as_array() else { return bad("The batch body needs a requests array.") };
    if requests.is_empty() || requests.len() > BATCH_LIMIT {
        return bad(&format!("A batch holds 1 to {BATCH_LIMIT} requests, not {}.", requests.len()));
    }
    let mut ids = BTreeSet::new();
    for request in requests {
        let (Some(id), Some(_), Some(_)) = (request["id"].as_str(), request["method"].as_str(), request["url"].as_str()) else {
            return bad("Every request needs an id, a method and a url.");
        };
        if !ids.insert(id) {
            return bad(&format!("The id {id} is used twice."));
        }
        if !request["body"].is_null() && content_type(request).is_none() {
            return bad(&format!("Request {id} has a body but no Content-Type header."));
        }
    }
    for request in requests {
        if dependencies(request).iter().any(|d| !ids.contains(d.as_str())) {
            return bad("A dependsOn names a request that is not in the batch.");
        }
    }

    let mut statuses: BTreeMap<String, u16> = BTreeMap::new();
    let mut responses = Vec::new();
    let mut items = Vec::new();
    // Dependencies first, whatever their order in the array.
    while statuses.len() < requests.len() {
        let ready = requests.iter().find(|r| {
            let id = r["id"].as_str().unwrap_or_default();
            !statuses.contains_key(id) && dependencies(r).iter().all(|d| statuses.contains_key(d))
        });
        let Some(request) = ready else { return bad("The dependsOn of the requests form a cycle.") };
        let id = request["id"].as_str().unwrap_or_default().to_owned();
        let failed_dependency = dependencies(request).iter().any(|d| !(200..300).contains(&statuses[d]));
        let reply = if failed_dependency {
            Reply::error(424, "FailedDependency", "A request this one depends on failed.", &seen.request_id)
        } else {
            execute(state, shared, seen, request, &id)
        };
        statuses.insert(id.clone(), reply.status);
        items.push(ItemSeen {
            id: id.clone(),
            method: request["method"].as_str().unwrap_or_default().to_owned(),
            url: request["url"].as_str().unwrap_or_default().to_owned(),
            depends_on: dependencies(request),
            status: reply.status,
        });
        responses.push(item_response(&id, reply));
    }
    // "Individual responses might appear in a different order than the requests."
    responses.reverse();
    let items_in_sent_order: Vec<ItemSeen> =
        requests.iter().filter_map(|r| items.iter().find(|i| Some(i.id.as_str()) == r["id"].as_str()).cloned()).collect();
    let status = if statuses.values().any(|&s| s == 429) { 424 } else { 200 };
    state.protocols.batches.push(BatchSeen { at: seen.at, status, items: items_in_sent_order });
    Reply::json(status, json!({"responses": responses}))
}

fn dependencies(request: &Value) -> Vec<String> {
    request["dependsOn"].as_array().into_iter().flatten().filter_map(|d| d.as_str().map(str::to_owned)).collect()
}

fn content_type(request: &Value) -> Option<&str> {
    request["headers"].as_object()?.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-type")).and_then(|(_, v)| v.as_str())
}

/// One item through the API's routes, as if it had been sent alone.
fn execute(state: &mut State, shared: &Shared, outer: &ApiSeen, request: &Value, id: &str) -> Reply {
    let url = request["url"].as_str().unwrap_or_default();
    let request_id = format!("{}.{id}", outer.request_id);
    if !url.starts_with('/') || url.starts_with("/v1.0/") || url == "/v1.0" {
        return Reply::error(400, "BadRequest", "The url must be relative to the service root, like /me/messages.", &request_id);
    }
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    if path == "/$batch" {
        return Reply::error(400, "BadRequest", "A batch cannot hold another batch.", &request_id);
    }
    let content_type = content_type(request).map(str::to_owned);
    let body = match (&request["body"], content_type.as_deref()) {
        (Value::Null, _) => Vec::new(),
        (body, Some(ct)) if ct.starts_with("application/json") => body.to_string().into_bytes(),
        // Any other body is base64 (either alphabet: the page says "base64 URL-encoded").
        (Value::String(text), _) => match base64_decode(&text.replace('-', "+").replace('_', "/")) {
            Some(bytes) => bytes,
            None => return Reply::error(400, "BadRequest", "The body is not base64.", &request_id),
        },
        _ => return Reply::error(400, "BadRequest", "A body that is not JSON must be a base64 string.", &request_id),
    };
    let headers = request["headers"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.as_str().unwrap_or_default().to_owned()))
        .collect();
    let item = ApiSeen {
        method: request["method"].as_str().unwrap_or_default().to_owned(),
        target: format!("/v1.0{url}"),
        authorization: outer.authorization.clone(),
        content_type,
        headers,
        body,
        status: 0,
        request_id,
        at: outer.at,
    };
    api_reply(state, shared, &item, &format!("/v1.0{path}"), query)
}

/// An item's answer: JSON bodies as JSON, others base64, none as `null`.
fn item_response(id: &str, reply: Reply) -> Value {
    let headers: Map<String, Value> = reply.headers.iter().map(|(n, v)| (n.to_string(), Value::String(v.clone()))).collect();
    let is_json = reply.headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("content-type") && v.starts_with("application/json"));
    let body = match (reply.body.is_empty(), is_json) {
        (true, _) => Value::Null,
        (false, true) => serde_json::from_slice(&reply.body).unwrap_or(Value::Null),
        (false, false) => Value::String(base64_encode(&reply.body)),
    };
    json!({"id": id, "status": reply.status, "headers": headers, "body": body})
}

// ------------------------------------------------------------- mail delta

/// `s{since}.{upto}.{offset}`: a round of the changes after `since` up to
/// `upto` (the sequence number when the round began), from `offset`; a
/// trailing `.e` asks for the empty page slipped in before it.
fn parse_skip_token(token: &str) -> Option<(u64, u64, usize, bool)> {
    let (token, empty) = match token.strip_suffix(".e") {
        Some(token) => (token, true),
        None => (token, false),
    };
    let mut parts = token.strip_prefix('s')?.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?, parts.next()?.parse().ok()?, empty))
}

fn mail_delta(state: &mut State, shared: &Shared, seen: &ApiSeen, folder: &str, query: &str) -> Reply {
    let request_id = seen.request_id.as_str();
    let params = query_params(query);
    let round_url = format!("{}/me/mailFolders/{}/messages/delta", shared.base_url, percent_encode(folder));
    let page_size = seen
        .header("prefer")
        .and_then(|p| p.split(',').find_map(|p| p.trim().strip_prefix("odata.maxpagesize=")))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(DEFAULT_DELTA_PAGE)
        .max(1);
    let protocols = &mut state.protocols;
    let Some(messages) = protocols.folders.get(folder) else {
        return Reply::error(404, "ErrorItemNotFound", "The specified folder could not be found in the store.", request_id);
    };
    let (since, upto, offset, empty) = match (params.get("$deltatoken"), params.get("$skiptoken")) {
        (Some(token), _) => match token.strip_prefix('d').and_then(|n| n.parse().ok()) {
            Some(since) => (since, protocols.sequence, 0, false),
            None => return Reply::error(400, "ErrorInvalidSyncStateData", "The delta token is not valid.", request_id),
        },
        (None, Some(token)) => match parse_skip_token(token) {
            Some(parsed) => parsed,
            None => return Reply::error(400, "ErrorInvalidSyncStateData", "The skip token is not valid.", request_id),
        },
        (None, None) => (0, protocols.sequence, 0, false),
    };
    if since > 0 && since <= protocols.expired_up_to {
        return Reply::error(410, "syncStateNotFound", "The sync state generation is not found.", request_id).header("Location", round_url);
    }
    let page_link =
        |offset: usize, empty: bool| format!("{round_url}?$skiptoken=s{since}.{upto}.{offset}{}", if empty { ".e" } else { "" });
    if empty {
        return Reply::json(200, json!({"@odata.nextLink": page_link(offset, false), "value": []}));
    }
    let entries: Vec<Value> = if since == 0 {
        messages.messages.values().cloned().collect()
    } else {
        let mut latest: BTreeMap<&str, Option<&str>> = BTreeMap::new();
        for (_, id, reason) in messages.log.iter().filter(|(seq, _, _)| *seq > since && *seq <= upto) {
            latest.insert(id, *reason);
        }
        latest
            .into_iter()
            .map(|(id, reason)| match (reason, messages.messages.get(id)) {
                (None, Some(message)) => message.clone(),
                (reason, _) => json!({"@odata.type": "#microsoft.graph.message", "id": id,
                    "@removed": {"reason": reason.unwrap_or("deleted")}}),
            })
            .collect()
    };
    let value: Vec<Value> = entries.iter().skip(offset).take(page_size).cloned().collect();
    let mut page = json!({"@odata.context": format!("{}/$metadata#Collection(message)", shared.base_url), "value": value});
    if offset + page_size < entries.len() {
        let slip = protocols.empty_pages > 0;
        protocols.empty_pages = protocols.empty_pages.saturating_sub(1);
        page["@odata.nextLink"] = page_link(offset + page_size, slip).into();
    } else {
        page["@odata.deltaLink"] = format!("{round_url}?$deltatoken=d{upto}").into();
    }
    Reply::json(200, page)
}

// ------------------------------------------------------------ drive delta

fn drive_delta(state: &mut State, shared: &Shared, seen: &ApiSeen, segment: &str, query: &str) -> Reply {
    let request_id = seen.request_id.as_str();
    let round_url = format!("{}/me/drive/root/delta", shared.base_url);
    let from_call = segment.strip_prefix("delta(token=").and_then(|t| t.strip_suffix(')')).map(|t| t.trim_matches('\'').to_owned());
    let token = from_call.or_else(|| query_params(query).get("token").cloned());
    let protocols = &mut state.protocols;
    let link = format!("{round_url}(token='{}')", protocols.sequence);
    let since = match token.as_deref() {
        None => 0,
        Some("latest") => return Reply::json(200, json!({"value": [], "@odata.deltaLink": link})),
        Some(token) => match token.parse::<u64>() {
            Ok(since) => since,
            Err(_) => return Reply::error(400, "invalidRequest", "The delta token is not valid.", request_id),
        },
    };
    if since > 0 && since <= protocols.expired_up_to {
        return Reply::error(410, "resyncChangesApplyDifferences", "The token has expired; enumerate the drive again.", request_id)
            .header("Location", round_url);
    }
    let value: Vec<Value> = if since == 0 {
        protocols.drive.values().cloned().collect()
    } else {
        let changed: BTreeSet<&str> = protocols.drive_log.iter().filter(|(seq, _)| *seq > since).map(|(_, id)| id.as_str()).collect();
        changed
            .into_iter()
            .map(|id| protocols.drive.get(id).cloned().unwrap_or_else(|| json!({"id": id, "deleted": {"state": "deleted"}})))
            .collect()
    };
    Reply::json(200, json!({"value": value, "@odata.deltaLink": link}))
}

// ------------------------------------------------------------------- copy

fn copy(state: &mut State, seen: &ApiSeen, item: &str) -> Reply {
    let request_id = seen.request_id.as_str();
    if !state.protocols.drive.contains_key(item) {
        return Reply::error(404, "itemNotFound", "The resource could not be found.", request_id);
    }
    let Some(origin) = state.protocols.monitor_origin.clone() else {
        return Reply::error(500, "generalException", "the test did not start the monitor host", request_id);
    };
    let body: Value = serde_json::from_slice(&seen.body).unwrap_or(Value::Null);
    let job_id = state.new_id("job");
    let job = CopyJob {
        source: item.to_owned(),
        name: body["name"].as_str().map(str::to_owned),
        parent: body["parentReference"].clone(),
        polls: 0,
    };
    state.protocols.jobs.insert(job_id.clone(), job);
    Reply::empty(202).header("Location", format!("{origin}/monitor/{job_id}"))
}

/// A drive copy's monitor (`driveitem-copy.md`): `202` with the progress, then `completed` and the new item's id.
fn monitor_reply(state: &Arc<Mutex<State>>, received: &Received) -> Answer {
    let mut guard = state.lock().unwrap();
    let state = &mut *guard;
    let job_id = received.path().strip_prefix("/monitor/").unwrap_or("").to_owned();
    let (status, body) = match state.protocols.jobs.get_mut(&job_id) {
        None => (404, json!({"error": {"code": "itemNotFound", "message": "No such job."}})),
        Some(job) => {
            job.polls += 1;
            if job.polls < 2 {
                (202, json!({"operation": "ItemCopy", "percentageComplete": 27.8, "status": "inProgress"}))
            } else {
                let (source, name, parent) = (job.source.clone(), job.name.clone(), job.parent.clone());
                let copy_id = format!("{job_id}-copy");
                if !state.protocols.drive.contains_key(&copy_id) {
                    let mut copy = state.protocols.drive.get(&source).cloned().unwrap_or_default();
                    if let Some(name) = name {
                        copy["name"] = name.into();
                    }
                    copy["parentReference"] = parent;
                    copy["id"] = copy_id.clone().into();
                    state.protocols.sequence += 1;
                    let sequence = state.protocols.sequence;
                    state.protocols.drive.insert(copy_id.clone(), copy);
                    state.protocols.drive_log.push((sequence, copy_id.clone()));
                }
                (202, json!({"percentageComplete": 100.0, "resourceId": copy_id, "status": "completed"}))
            }
        }
    };
    let authorization = received.header("authorization").map(str::to_owned);
    state.protocols.monitor_seen.push(MonitorSeen { target: received.target.clone(), authorization, status, at: Instant::now() });
    Answer::json(status, &body)
}
