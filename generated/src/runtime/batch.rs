//! JSON batching: many requests in one `POST /$batch`, each answer typed.
//! Only compiled with the `client` feature.
//!
//! ```ignore
//! let mut batch = Batch::new();
//! let me = batch.add(operations::me().get());                         // BatchHandle<User>
//! let created = batch.add(operations::me().events().create(&event));    // BatchHandle<Event>
//! let view = batch.add_after(operations::me().calendar_view().list(), &created); // runs after it
//! let results = client.send_batch(&batch).await?;
//! let user = results.get(&me)?;                  // Result<User, Error>, this item's own
//! let status = results.response(&view).map(|r| r.status);
//! ```
//!
//! What the service documents (json-batching.md, throttling.md) and how this
//! module follows it:
//! - At most 20 requests go in one `$batch` ([`MAX_BATCH_SIZE`]); a larger
//!   [`Batch`] is sent as several, one after the other. Items tied by
//!   `dependsOn` always go in the same one.
//! - An item may depend on one other item ([`Batch::add_after`]). The service
//!   accepts a batch whose dependencies follow one of three shapes (the "known
//!   issues" of JSON batching): none at all, a chain (every item depends on the
//!   one before it), or every dependent item naming the same item. A batch that
//!   cannot be split into requests of those shapes is refused before anything
//!   is sent ([`Error::InvalidRequest`]).
//! - Each item's URL is relative to the service root (`/me/messages?$top=5`):
//!   an absolute URL below the client's base URL (a next link) and a leading
//!   version segment (`/v1.0/...`) are made relative; a URL on another host
//!   cannot be batched and is refused.
//! - A JSON body goes as JSON; a binary body goes base64-encoded with its
//!   `Content-Type` header, as the service requires of any body.
//! - Every item has its own status: an item answered 4xx/5xx is that item's
//!   [`Error::Api`], never the batch's. Items answered `429`, `503` or `504`
//!   are resent, keeping their ids, in a new batch of only those items once
//!   the longest of their `Retry-After` waits has passed (throttling.md: "You
//!   may retry all the failed requests in a new batch after the longest
//!   retry-after value"), up to the client's `RetryPolicy::max_attempts`. An
//!   item answered `424 Failed Dependency` because such an item failed did not
//!   run, so it is resent with it. Nothing else is ever resent.
//! - The `$batch` answer itself is usually `200`, but throttling.md says a
//!   batch with a throttled item "fails with a status code of 424": any answer
//!   whose body holds `responses` is read the same way.

use super::client::{read_prefix, transport_error, Client, Outgoing, ERROR_BODY_LIMIT};
use super::error::{Error, GraphError};
use super::request::{is_absolute_url, Body, Method, Operation, Request};
use super::retry::parse_retry_after;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The most requests the service takes in one `$batch`.
pub const MAX_BATCH_SIZE: usize = 20;

/// Tells the handles of one batch from another's, so that a handle is only
/// ever used with the batch that issued it.
static BATCH_SERIAL: AtomicU64 = AtomicU64::new(1);

/// Requests to send together; see the [module docs](self).
#[derive(Debug)]
pub struct Batch {
    serial: u64,
    items: Vec<Item>,
    /// A handle of another batch given to `add_after`: sending refuses.
    foreign_dependency: Option<String>,
}

#[derive(Debug, Clone)]
struct Item {
    id: String,
    method: Method,
    /// Path and query as `Request::url("")` gives them (or an absolute URL).
    target: String,
    headers: Vec<(String, String)>,
    body: Body,
    depends_on: Option<String>,
    /// The generated operation it came from (traced by name and path template, never by its URL).
    operation: Option<Operation>,
}

/// Names one request of a [`Batch`]; [`BatchResults::get`] decodes its answer into `T`.
pub struct BatchHandle<T> {
    serial: u64,
    id: String,
    response: PhantomData<fn() -> T>,
}

impl<T> BatchHandle<T> {
    /// The item's `id` in the `$batch` body ("1", "2", ... in the order added).
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl<T> Clone for BatchHandle<T> {
    fn clone(&self) -> Self {
        BatchHandle { serial: self.serial, id: self.id.clone(), response: PhantomData }
    }
}

impl<T> fmt::Debug for BatchHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BatchHandle").field(&self.id).finish()
    }
}

impl Default for Batch {
    fn default() -> Self {
        Batch::new()
    }
}

impl Batch {
    pub fn new() -> Batch {
        Batch { serial: BATCH_SERIAL.fetch_add(1, Ordering::Relaxed), items: Vec::new(), foreign_dependency: None }
    }

    /// Adds a request that may run in any order relative to the others.
    pub fn add<T>(&mut self, request: Request<T>) -> BatchHandle<T> {
        self.push(request, None)
    }

    /// Adds a request that runs only after `dependency` has succeeded (its
    /// `dependsOn`); if `dependency` fails, this one is answered `424`.
    pub fn add_after<T, D>(&mut self, request: Request<T>, dependency: &BatchHandle<D>) -> BatchHandle<T> {
        if dependency.serial != self.serial {
            self.foreign_dependency.get_or_insert_with(|| dependency.id.clone());
        }
        self.push(request, Some(dependency.id.clone()))
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The `$batch` bodies that [`Client::send_batch`] would post first, one
    /// per request of at most [`MAX_BATCH_SIZE`] items, for a client whose base
    /// URL is `base_url`: the checks and the split without any network.
    pub fn bodies(&self, base_url: &str) -> Result<Vec<Value>, Error> {
        let plan = self.plan(base_url)?;
        Ok(plan.iter().map(|group| envelope(&group.iter().collect::<Vec<_>>())).collect())
    }

    fn push<T>(&mut self, request: Request<T>, depends_on: Option<String>) -> BatchHandle<T> {
        let id = (self.items.len() + 1).to_string();
        self.items.push(Item {
            id: id.clone(),
            method: request.method(),
            target: request.url(""),
            headers: request.headers().to_vec(),
            body: request.body().clone(),
            depends_on,
            operation: request.operation_info(),
        });
        BatchHandle { serial: self.serial, id, response: PhantomData }
    }

    /// Checks every item and splits them into the requests to send, each
    /// item's URL made relative to `base_url`.
    fn plan(&self, base_url: &str) -> Result<Vec<Vec<Item>>, Error> {
        if let Some(id) = &self.foreign_dependency {
            return Err(Error::InvalidRequest(format!("a batch item depends on item {id} of another batch")));
        }
        let mut items = Vec::with_capacity(self.items.len());
        for item in &self.items {
            if let Body::Invalid(message) = &item.body {
                return Err(Error::InvalidRequest(format!("batch item {}: {message}", item.id)));
            }
            let target = relative_url(base_url, &item.target).map_err(|e| Error::InvalidRequest(format!("batch item {}: {e}", item.id)))?;
            items.push(Item { target, ..item.clone() });
        }
        let mut groups: Vec<Vec<Item>> = Vec::new();
        for component in components(&items) {
            if component.len() > MAX_BATCH_SIZE {
                return Err(Error::InvalidRequest(format!(
                    "{} batch items are tied by dependsOn (from item {}), more than the {MAX_BATCH_SIZE} one $batch can hold",
                    component.len(),
                    component[0].id
                )));
            }
            if !dependencies_accepted(&component.iter().collect::<Vec<_>>()) {
                return Err(Error::InvalidRequest(format!(
                    "the dependsOn of batch items {} are neither a chain (each item after the one before) nor all on the same item, \
                     which the service rejects",
                    component.iter().map(|i| i.id.as_str()).collect::<Vec<_>>().join(", ")
                )));
            }
            let fits = groups.last().is_some_and(|last| {
                let mut merged: Vec<&Item> = last.iter().chain(&component).collect();
                merged.sort_by_key(|item| position(&items, &item.id));
                merged.len() <= MAX_BATCH_SIZE && dependencies_accepted(&merged)
            });
            match (fits, groups.last_mut()) {
                (true, Some(last)) => {
                    last.extend(component);
                    last.sort_by_key(|item| position(&items, &item.id));
                }
                _ => groups.push(component),
            }
        }
        Ok(groups)
    }
}

fn position(items: &[Item], id: &str) -> usize {
    items.iter().position(|item| item.id == id).unwrap_or(usize::MAX)
}

/// The items in groups tied by `dependsOn`, each group in the order added,
/// groups in the order of their first item.
fn components(items: &[Item]) -> Vec<Vec<Item>> {
    // Dependencies always point at an earlier item, so one pass assigns groups.
    let mut group_of: BTreeMap<&str, usize> = BTreeMap::new();
    let mut groups: Vec<Vec<Item>> = Vec::new();
    for item in items {
        let group = match item.depends_on.as_deref().and_then(|d| group_of.get(d)) {
            Some(&group) => group,
            None => {
                groups.push(Vec::new());
                groups.len() - 1
            }
        };
        group_of.insert(&item.id, group);
        groups[group].push(item.clone());
    }
    groups
}

/// The dependency shapes the service accepts in one `$batch`: none, a chain,
/// or every dependent item on the same item.
fn dependencies_accepted(items: &[&Item]) -> bool {
    let stated: BTreeSet<&str> = items.iter().filter_map(|item| item.depends_on.as_deref()).collect();
    let chain = items.first().is_some_and(|first| first.depends_on.is_none())
        && items.windows(2).all(|pair| pair[1].depends_on.as_deref() == Some(pair[0].id.as_str()));
    stated.len() <= 1 || chain
}

/// An item URL as the service wants it: relative to the service root (the
/// base URL's path, `/v1.0`).
fn relative_url(base_url: &str, target: &str) -> Result<String, String> {
    let (base_origin, root) = split_origin(base_url.trim_end_matches('/'));
    let rest = if is_absolute_url(target) {
        let (origin, path) = split_origin(target);
        if !origin.eq_ignore_ascii_case(base_origin) {
            return Err(format!("{origin} is not the API's host ({base_origin}); a $batch can only address the API"));
        }
        below(path, root).ok_or_else(|| format!("{path} is not below the API's root {root}"))?
    } else {
        below(target, root).unwrap_or(target)
    };
    Ok(if rest.starts_with('/') { rest.to_owned() } else { format!("/{rest}") })
}

/// `path` without its leading `root` segments, if it starts with them.
fn below<'a>(path: &'a str, root: &str) -> Option<&'a str> {
    let rest = path.strip_prefix(root)?;
    (root.is_empty() || rest.is_empty() || rest.starts_with(['/', '?'])).then_some(rest)
}

/// `https://host:port` and the rest (`/v1.0/me?x=1`).
fn split_origin(url: &str) -> (&str, &str) {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find(['/', '?']) {
        Some(i) => url.split_at(after_scheme + i),
        None => (url, ""),
    }
}

fn envelope(items: &[&Item]) -> Value {
    let ids: BTreeSet<&str> = items.iter().map(|item| item.id.as_str()).collect();
    let requests: Vec<Value> = items.iter().map(|item| item_json(item, &ids)).collect();
    serde_json::json!({ "requests": requests })
}

/// One entry of `requests`. A `dependsOn` on an item that is not being sent
/// (it already succeeded, this is a resend) is left out.
fn item_json(item: &Item, sent: &BTreeSet<&str>) -> Value {
    let mut entry = Map::new();
    entry.insert("id".into(), item.id.clone().into());
    entry.insert("method".into(), item.method.as_str().into());
    entry.insert("url".into(), item.target.clone().into());
    if let Some(dependency) = item.depends_on.as_deref().filter(|d| sent.contains(d)) {
        entry.insert("dependsOn".into(), Value::Array(vec![dependency.into()]));
    }
    let mut headers: Map<String, Value> = item.headers.iter().map(|(n, v)| (n.clone(), Value::String(v.clone()))).collect();
    let has_content_type = item.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-type"));
    let body = match &item.body {
        Body::Empty | Body::Invalid(_) => None,
        // Built by `Request::json`, so it parses; the fallback keeps the text.
        Body::Json(bytes) => Some((
            "application/json",
            serde_json::from_slice(bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned())),
        )),
        Body::Bytes { content_type, data } => {
            Some((content_type.as_str(), Value::String(base64::engine::general_purpose::STANDARD.encode(data))))
        }
    };
    if let Some((content_type, body)) = body {
        if !has_content_type {
            headers.insert("Content-Type".into(), content_type.into());
        }
        entry.insert("body".into(), body);
    }
    if !headers.is_empty() {
        entry.insert("headers".into(), Value::Object(headers));
    }
    Value::Object(entry)
}

/// One item's answer as the service gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemResponse {
    pub status: u16,
    /// Header names as the service wrote them.
    pub headers: BTreeMap<String, String>,
    /// `Null` when the answer had no body.
    pub body: Value,
}

impl ItemResponse {
    /// A header by name, ignoring case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

#[derive(Debug, Clone)]
enum Outcome {
    Answered(ItemResponse),
    /// The item's `$batch` request got no usable answer at all.
    Failed(Error),
}

/// Every item's answer, read through the handles the [`Batch`] gave out.
#[derive(Debug, Clone)]
pub struct BatchResults {
    serial: u64,
    outcomes: BTreeMap<String, Outcome>,
    requests_sent: usize,
    /// The retry policy's `max_delay`: an item asked to wait longer was not resent.
    retry_cap: Duration,
}

impl BatchResults {
    /// The item's typed answer: its decoded body, or its own error
    /// ([`Error::Api`] with its status and the service's error body; an item
    /// not resent because its `Retry-After` is beyond the retry policy's
    /// `max_delay` is [`Error::Throttled`] with that wait). A
    /// redirect (a `302` to content) is not followed: its `Location` is in
    /// [`BatchResults::response`].
    pub fn get<T: DeserializeOwned>(&self, handle: &BatchHandle<T>) -> Result<T, Error> {
        match self.outcome(handle)? {
            Outcome::Failed(error) => Err(error.clone()),
            Outcome::Answered(response) if response.is_success() => super::decode::value(response.status, &response.body),
            Outcome::Answered(response) => {
                let error = graph_error(&response.body);
                let retry_after = response.header("retry-after").and_then(parse_retry_after);
                match retry_after.filter(|wait| matches!(response.status, 429 | 503 | 504) && *wait > self.retry_cap) {
                    Some(retry_after) => Err(Error::Throttled { status: response.status, retry_after, error: Box::new(error) }),
                    None => Err(Error::Api { status: response.status, error }),
                }
            }
        }
    }

    /// The item's answer as sent (status, headers, body), if it got one.
    pub fn response<T>(&self, handle: &BatchHandle<T>) -> Option<&ItemResponse> {
        match self.outcome(handle).ok()? {
            Outcome::Answered(response) => Some(response),
            Outcome::Failed(_) => None,
        }
    }

    /// How many `POST /$batch` requests it took, resends included.
    pub fn requests_sent(&self) -> usize {
        self.requests_sent
    }

    fn outcome<T>(&self, handle: &BatchHandle<T>) -> Result<&Outcome, Error> {
        if handle.serial != self.serial {
            return Err(Error::InvalidRequest(format!("batch handle {} belongs to another batch", handle.id)));
        }
        self.outcomes.get(&handle.id).ok_or_else(|| Error::Batch(format!("item {} was not sent", handle.id)))
    }
}

fn graph_error(body: &Value) -> GraphError {
    match body {
        Value::Null => GraphError::default(),
        body => GraphError::from_body(&serde_json::to_vec(body).unwrap_or_default()),
    }
}

impl Client {
    /// Sends every request of `batch` through `POST /$batch` (several when it
    /// holds more than [`MAX_BATCH_SIZE`]), resending throttled items as the
    /// [module docs](self) say. Fails only when the batch is refused before
    /// anything is sent; whatever happens to an item afterwards, the network
    /// included, is that item's result.
    pub async fn send_batch(&self, batch: &Batch) -> Result<BatchResults, Error> {
        let plan = batch.plan(self.base_url())?;
        let mut results =
            BatchResults { serial: batch.serial, outcomes: BTreeMap::new(), requests_sent: 0, retry_cap: self.retry.max_delay };
        for group in plan {
            send_group(self, group, &mut results).await;
        }
        Ok(results)
    }
}

/// Sends one group, then its throttled items again until none is left or
/// the retry policy's attempts are spent.
async fn send_group(client: &Client, group: Vec<Item>, results: &mut BatchResults) {
    let mut pending: Vec<&Item> = group.iter().collect();
    let mut attempt = 1;
    loop {
        results.requests_sent += 1;
        let answers = match post(client, &pending).await {
            Ok(answers) => answers,
            Err(error) => {
                for item in &pending {
                    results.outcomes.insert(item.id.clone(), Outcome::Failed(error.clone()));
                }
                return;
            }
        };
        let last_attempt = attempt >= client.retry.max_attempts;
        let mut resend: Vec<&Item> = Vec::new();
        let mut wait = Duration::ZERO;
        for item in &pending {
            let Some(answer) = answers.get(&item.id) else {
                let missing = Error::Batch(format!("the $batch response has no answer for item {}", item.id));
                results.outcomes.insert(item.id.clone(), Outcome::Failed(missing));
                continue;
            };
            let throttled = matches!(answer.status, 429 | 503 | 504);
            let blocked = answer.status == 424 && depends_on_any(item, &resend, &pending);
            if !last_attempt && (throttled || blocked) {
                // Never before the item's own Retry-After: one beyond the policy's cap is not resent.
                let delay = if throttled {
                    client.retry.wait(attempt, answer.header("retry-after").and_then(parse_retry_after))
                } else {
                    Some(Duration::ZERO)
                };
                if let Some(delay) = delay {
                    wait = wait.max(delay);
                    resend.push(item);
                }
            }
            trace_item(item, answer, attempt, resend.iter().any(|r| r.id == item.id));
            results.outcomes.insert(item.id.clone(), Outcome::Answered(answer.clone()));
        }
        if resend.is_empty() {
            return;
        }
        tokio::time::sleep(wait).await;
        pending = resend;
        attempt += 1;
    }
}

/// One `graph.batch.item` span per answered item, inside the `$batch`
/// request's span: its id, operation and path template (never its URL, which
/// holds ids), its own status and `request-id`, and whether it is resent.
fn trace_item(item: &Item, answer: &ItemResponse, attempt: u32, resent: bool) {
    let span = tracing::info_span!(
        "graph.batch.item",
        id = %item.id,
        http.request.method = item.method.as_str(),
        graph.operation = item.operation.map_or("", |o| o.name),
        url.template = item.operation.map_or("", |o| o.path_template),
        http.response.status_code = answer.status,
        request_id = answer.header("request-id").unwrap_or(""),
        attempt,
    );
    span.in_scope(|| tracing::debug!(resent, "graph.batch.item answered"));
}

/// True when `item` depends, directly or through other pending items, on one
/// of `resent` (items come in the order added, so dependencies come first).
fn depends_on_any(item: &Item, resent: &[&Item], pending: &[&Item]) -> bool {
    let mut next = item.depends_on.as_deref();
    while let Some(id) = next {
        if resent.iter().any(|r| r.id == id) {
            return true;
        }
        next = pending.iter().find(|p| p.id == id).and_then(|p| p.depends_on.as_deref());
    }
    false
}

/// One `POST /$batch`, its answers by item id.
async fn post(client: &Client, items: &[&Item]) -> Result<BTreeMap<String, ItemResponse>, Error> {
    let body = Body::Json(serde_json::to_vec(&envelope(items)).map_err(|e| Error::InvalidRequest(e.to_string()))?);
    let url = format!("{}/$batch", client.base_url());
    let response = client.respond_any(&Outgoing::new(Method::Post, &url, &[], &body)).await?;
    let status = response.status().as_u16();
    let bytes = match (200..300).contains(&status) {
        true => response.bytes().await.map_err(transport_error)?.to_vec(),
        false => read_prefix(response, ERROR_BODY_LIMIT).await?,
    };
    #[derive(serde::Deserialize)]
    struct Answers {
        responses: Vec<Answer>,
    }
    #[derive(serde::Deserialize)]
    struct Answer {
        id: String,
        status: u16,
        #[serde(default)]
        headers: BTreeMap<String, Value>,
        #[serde(default)]
        body: Value,
    }
    let answers = match serde_json::from_slice::<Answers>(&bytes) {
        Ok(answers) => answers.responses,
        Err(_) if !(200..300).contains(&status) => return Err(Error::Api { status, error: GraphError::from_body(&bytes) }),
        Err(e) => return Err(Error::Decode { status, path: None, message: format!("not a $batch response: {e}") }),
    };
    Ok(answers
        .into_iter()
        .map(|answer| {
            let headers = answer.headers.into_iter().map(|(name, value)| (name, header_text(value))).collect();
            (answer.id, ItemResponse { status: answer.status, headers, body: answer.body })
        })
        .collect())
}

/// Header values are strings; a number (`"Retry-After": 2`) is read as its text.
fn header_text(value: Value) -> String {
    match value {
        Value::String(text) => text,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://graph.microsoft.com/v1.0";

    fn get(path: &str) -> Request<Value> {
        Request::new(Method::Get, path)
    }

    fn ids(body: &Value) -> Vec<String> {
        body["requests"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect()
    }

    #[test]
    fn items_are_written_as_the_service_expects() {
        let mut batch = Batch::new();
        let first = batch.add(get("/me/messages").top(5).select(&["subject"]));
        batch.add_after(Request::<()>::new(Method::Patch, "/me").json(&serde_json::json!({"city": "Redmond"})), &first);
        batch.add(Request::<()>::new(Method::Put, "/me/photo/$value").bytes("image/png", vec![0x89, b'P', b'N', b'G']));
        batch.add(get(&format!("{BASE}/users?$skiptoken=X1")).header("ConsistencyLevel", "eventual"));
        batch.add(get("/v1.0/groups"));
        let bodies = batch.bodies(BASE).unwrap();
        assert_eq!(
            bodies,
            [serde_json::json!({"requests": [
                {"id": "1", "method": "GET", "url": "/me/messages?$top=5&$select=subject"},
                {"id": "2", "method": "PATCH", "url": "/me", "dependsOn": ["1"],
                    "body": {"city": "Redmond"}, "headers": {"Content-Type": "application/json"}},
                {"id": "3", "method": "PUT", "url": "/me/photo/$value", "body": "iVBORw==", "headers": {"Content-Type": "image/png"}},
                {"id": "4", "method": "GET", "url": "/users?$skiptoken=X1", "headers": {"ConsistencyLevel": "eventual"}},
                {"id": "5", "method": "GET", "url": "/groups"},
            ]})]
        );
    }

    #[test]
    fn urls_become_relative_to_the_service_root() {
        assert_eq!(relative_url(BASE, "/me").unwrap(), "/me");
        assert_eq!(relative_url(BASE, "/v1.0/me?$top=1").unwrap(), "/me?$top=1");
        assert_eq!(relative_url(BASE, "https://graph.microsoft.com/v1.0/me/events").unwrap(), "/me/events");
        assert_eq!(relative_url(BASE, "HTTPS://GRAPH.microsoft.com/v1.0?x=1").unwrap(), "/?x=1");
        assert_eq!(relative_url(BASE, "/v1.0something").unwrap(), "/v1.0something", "only a whole segment is the version");
        assert_eq!(relative_url("http://127.0.0.1:9/v1.0/", "http://127.0.0.1:9/v1.0/a").unwrap(), "/a");
        assert!(relative_url(BASE, "https://contoso.sharepoint.com/_api/x").unwrap_err().contains("contoso.sharepoint.com"));
        assert!(relative_url(BASE, "https://graph.microsoft.com/beta/me").unwrap_err().contains("not below the API's root /v1.0"));
        assert_eq!(relative_url("http://localhost:8080", "http://localhost:8080/me").unwrap(), "/me");
    }

    #[test]
    fn more_than_twenty_are_split_and_dependencies_stay_together() {
        let mut batch = Batch::new();
        let handles: Vec<_> = (0..19).map(|i| batch.add(get(&format!("/items/{i}")))).collect();
        // Item 20 would end the first request; the item after it depends on it.
        let twentieth = batch.add(get("/items/19"));
        batch.add_after(get("/items/20"), &twentieth);
        for i in 21..45 {
            batch.add(get(&format!("/items/{i}")));
        }
        let bodies = batch.bodies(BASE).unwrap();
        let sizes: Vec<usize> = bodies.iter().map(|b| ids(b).len()).collect();
        assert_eq!(sizes, [19, 20, 6], "the pair 20+21 moved to the second request together");
        assert!(ids(&bodies[1]).starts_with(&["20".to_owned(), "21".to_owned()]));
        assert_eq!(bodies[1]["requests"][1]["dependsOn"], serde_json::json!(["20"]));
        assert_eq!(handles[0].id(), "1");
        assert_eq!(bodies.iter().map(|b| ids(b).len()).sum::<usize>(), 45);
    }

    #[test]
    fn dependency_shapes_the_service_rejects_are_refused() {
        // A chain and, in the same request, an unrelated item: split in two.
        let mut batch = Batch::new();
        let a = batch.add(get("/a"));
        let b = batch.add_after(get("/b"), &a);
        batch.add_after(get("/c"), &b);
        batch.add(get("/d"));
        let bodies = batch.bodies(BASE).unwrap();
        assert_eq!(bodies.iter().map(ids).collect::<Vec<_>>(), [vec!["1", "2", "3"], vec!["4"]]);

        // Two items on the same one, and independent items beside them: one request.
        let mut batch = Batch::new();
        let a = batch.add(get("/a"));
        batch.add(get("/x"));
        batch.add_after(get("/b"), &a);
        batch.add_after(get("/c"), &a);
        assert_eq!(batch.bodies(BASE).unwrap().len(), 1);

        // A tree (b and d on a, c on b) is neither shape, and cannot be split.
        let mut batch = Batch::new();
        let a = batch.add(get("/a"));
        let b = batch.add_after(get("/b"), &a);
        batch.add_after(get("/c"), &b);
        batch.add_after(get("/d"), &a);
        let error = batch.bodies(BASE).unwrap_err().to_string();
        assert!(error.contains("items 1, 2, 3, 4") && error.contains("chain"), "{error}");

        // 21 items tied together cannot fit one request.
        let mut batch = Batch::new();
        let mut last = batch.add(get("/0"));
        for i in 1..21 {
            last = batch.add_after(get(&format!("/{i}")), &last);
        }
        assert!(batch.bodies(BASE).unwrap_err().to_string().contains("21 batch items are tied"));
    }

    #[test]
    fn handles_belong_to_their_batch() {
        let mut one = Batch::new();
        let mut two = Batch::new();
        let foreign = one.add(get("/a"));
        two.add(get("/b"));
        two.add_after(get("/c"), &foreign);
        assert!(two.bodies(BASE).unwrap_err().to_string().contains("another batch"));
        let results = BatchResults { serial: two.serial, outcomes: BTreeMap::new(), requests_sent: 0, retry_cap: Duration::ZERO };
        assert!(results.get(&foreign).unwrap_err().to_string().contains("another batch"));
    }

    #[test]
    fn bodies_that_did_not_serialize_refuse_the_batch() {
        let mut batch = Batch::new();
        let mut map = BTreeMap::new();
        map.insert(vec![1u8], 1); // a map with non-string keys is not JSON
        batch.add(Request::<()>::new(Method::Post, "/x").json(&map));
        assert!(matches!(batch.bodies(BASE), Err(Error::InvalidRequest(m)) if m.starts_with("batch item 1:")));
    }

    #[test]
    fn an_item_error_is_that_items_error() {
        let mut batch = Batch::new();
        let ok = batch.add(Request::<Vec<u32>>::new(Method::Get, "/ok"));
        let missing = batch.add(Request::<Vec<u32>>::new(Method::Get, "/missing"));
        let empty = batch.add(Request::<()>::new(Method::Delete, "/gone"));
        let mut outcomes = BTreeMap::new();
        let answer = |status, body| Outcome::Answered(ItemResponse { status, headers: BTreeMap::new(), body });
        outcomes.insert("1".into(), answer(200, serde_json::json!([1, 2])));
        outcomes.insert("2".into(), answer(404, serde_json::json!({"error": {"code": "itemNotFound", "message": "no"}})));
        outcomes.insert("3".into(), answer(204, Value::Null));
        let results = BatchResults { serial: batch.serial, outcomes, requests_sent: 1, retry_cap: Duration::from_secs(30) };
        assert_eq!(results.get(&ok).unwrap(), [1, 2]);
        assert!(matches!(results.get(&missing), Err(Error::Api { status: 404, error }) if error.code == "itemNotFound"));
        results.get(&empty).unwrap();
        assert_eq!(results.response(&missing).unwrap().status, 404);
    }
}
