//! Delta queries: the changes to a collection since the last sync, as a
//! stream that ends with a cursor to resume from. Only compiled with the
//! `client` feature.
//!
//! ```ignore
//! use futures_util::TryStreamExt;
//! let start = match saved_cursor {                           // e.g. read from a file
//!     Some(cursor) => DeltaCursor::<Message>::request(&cursor), // the next round
//!     None => operations::me().mail_folders().by_id("inbox").messages().delta(), // a full sync
//! };
//! let mut changes = std::pin::pin!(client.delta_changes(start));
//! while let Some(change) = changes.try_next().await? {
//!     match change {
//!         Change::Updated(message) => store.upsert(message),
//!         Change::Removed(removed) => store.remove(&removed.id),
//!         Change::Synced(cursor) => save(serde_json::to_string(&cursor)?),
//!     }
//! }
//! ```
//!
//! What the service documents (delta-query-overview.md and the pages of each
//! resource's `delta` function) and how this module follows it:
//! - A round is a chain of pages: each has `@odata.nextLink` (more of this
//!   round follows) or `@odata.deltaLink` (the round is complete; keep it for
//!   the next one). A page may be empty and still have a nextLink; it is
//!   followed. A page with neither link is an error: no cursor is made up.
//! - The links are opaque and carry the query options of the first request;
//!   the first request's headers (`Prefer: odata.maxpagesize=...`) are sent
//!   again with every page below the client's base URL, as the examples do.
//! - New and updated items are [`Change::Updated`], typed. Removed items are
//!   their `id` and an `@removed` object whose `reason` is `changed`
//!   (restorable) or `deleted` (gone for good): [`Change::Removed`]. OneDrive
//!   marks removed items with a `deleted` facet instead (driveitem-delta.md):
//!   also [`Change::Removed`], reason `deleted`.
//! - [`Change::Synced`] comes last, only after the page with the deltaLink:
//!   a round cut short yields no cursor, so the saved one stays the last
//!   complete round. A [`DeltaCursor`] serializes (`{"deltaLink": "..."}`),
//!   so the next round may run in another process.
//! - A token the service can no longer use (`410 Gone`, or the codes
//!   `resyncRequired`, `syncStateNotFound`, `resyncChanges…`, errors.md and
//!   driveitem-delta.md) is [`Error::ResyncRequired`], with the answer's
//!   `Location` (a fresh full enumeration) when it has one.
//! - Directory resources start "from now" with `$deltatoken=latest`
//!   ([`latest`]); OneDrive's delta has a `token` argument for the same
//!   (`token: Some("latest")`).

use super::client::{decode, read_prefix, transport_error, Client, Outgoing, ERROR_BODY_LIMIT};
use super::error::{Error, GraphError};
use super::paging::Page;
use super::request::{absolute_link, Body, Method, Request};
use futures_util::stream::{self, Stream, TryStreamExt};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use std::marker::PhantomData;

/// One step of a delta round.
#[derive(Debug, Clone, PartialEq)]
pub enum Change<T> {
    /// A new or changed item. An update may carry only the properties that
    /// changed (and `id`), and the same item may come more than once: the
    /// last one wins.
    Updated(T),
    /// An item that left the collection.
    Removed(Removed),
    /// The round is complete (always the last step): resume from here.
    Synced(DeltaCursor<T>),
}

/// A removed item: its `id` and why it went.
#[derive(Debug, Clone, PartialEq)]
pub struct Removed {
    pub id: String,
    /// `None` when the service gave no reason.
    pub reason: Option<RemovalReason>,
    /// The entry as the service sent it (`@odata.type`, the facet, ...).
    pub entry: Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemovalReason {
    /// Deleted, and restorable (from `deletedItems` for directory objects).
    Changed,
    /// Deleted for good.
    Deleted,
    /// A reason this runtime does not know, as the service spelled it.
    Other(String),
}

impl RemovalReason {
    fn parse(reason: &str) -> RemovalReason {
        match reason {
            r if r.eq_ignore_ascii_case("changed") => RemovalReason::Changed,
            r if r.eq_ignore_ascii_case("deleted") => RemovalReason::Deleted,
            other => RemovalReason::Other(other.to_owned()),
        }
    }
}

/// Where the next delta round starts: the last round's `@odata.deltaLink`.
/// It serializes as `{"deltaLink": "..."}`; `T` is the item type, so a
/// cursor resumes the collection it came from.
#[derive(Serialize, serde::Deserialize)]
#[serde(bound = "")]
pub struct DeltaCursor<T> {
    #[serde(rename = "deltaLink")]
    delta_link: String,
    #[serde(skip)]
    item: PhantomData<fn() -> T>,
}

impl<T> DeltaCursor<T> {
    /// A cursor from a link the service gave out: a deltaLink, or the
    /// `restart_link` of [`Error::ResyncRequired`] (a full enumeration).
    pub fn from_link(link: impl Into<String>) -> Self {
        DeltaCursor { delta_link: link.into(), item: PhantomData }
    }

    pub fn delta_link(&self) -> &str {
        &self.delta_link
    }

    /// The request that starts the next round; add headers (`Prefer`) as for
    /// the first one.
    pub fn request(&self) -> Request<Page<T>> {
        Request::new(Method::Get, self.delta_link.clone())
    }
}

// Manual impls: `T` is only a marker.
impl<T> Clone for DeltaCursor<T> {
    fn clone(&self) -> Self {
        DeltaCursor::from_link(self.delta_link.clone())
    }
}

impl<T> PartialEq for DeltaCursor<T> {
    fn eq(&self, other: &Self) -> bool {
        self.delta_link == other.delta_link
    }
}

impl<T> fmt::Debug for DeltaCursor<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DeltaCursor").field(&self.delta_link).finish()
    }
}

/// A directory resource's delta request that skips the current state and
/// answers only a deltaLink: the next round then starts from now
/// (`$deltatoken=latest`). OneDrive spells it `token=latest` (its delta
/// operation's `token` argument).
pub fn latest<T>(request: Request<Page<T>>) -> Request<Page<T>> {
    request.query("$deltatoken", "latest")
}

/// The codes that say a delta token is no longer usable (errors.md,
/// driveitem-delta.md).
const RESYNC_CODES: &[&str] = &[
    "resyncRequired",
    "syncStateNotFound",
    "resyncChangesApplyDifferences",
    "resyncChangesUploadDifferences",
    "resyncApplyDifferences",
    "resyncUploadDifferences",
];

fn needs_resync(status: u16, error: &GraphError) -> bool {
    status == 410 || RESYNC_CODES.iter().any(|code| error.code.eq_ignore_ascii_case(code))
}

impl Client {
    /// The changes of one delta round, starting with `first` (a delta
    /// operation, or [`DeltaCursor::request`] to resume): see the
    /// [module docs](self). The stream ends after [`Change::Synced`] or after
    /// the first error.
    pub fn delta_changes<T>(&self, first: Request<Page<T>>) -> impl Stream<Item = Result<Change<T>, Error>> + Send + 'static
    where
        T: DeserializeOwned + Send + 'static,
    {
        let url = first.url(self.base_url());
        let headers = first.headers().to_vec();
        let start = Next::Page { method: first.method(), url };
        stream::try_unfold((self.clone(), headers, start), |(client, headers, next)| async move {
            let Next::Page { method, url } = next else { return Ok(None) };
            let sent = if client.is_own_url(&url) { &headers[..] } else { &[][..] };
            let page = fetch_page(&client, method, &url, sent).await?;
            let mut changes = page.value.into_iter().map(classify::<T>).collect::<Result<Vec<_>, _>>()?;
            let next = match (page.next_link, page.delta_link) {
                (Some(link), _) => Next::Page { method: Method::Get, url: link },
                (None, Some(link)) => {
                    changes.push(Change::Synced(DeltaCursor::from_link(link)));
                    Next::Done
                }
                (None, None) => {
                    return Err(Error::Decode {
                        status: 200,
                        path: None,
                        message: "a delta page has neither @odata.nextLink nor @odata.deltaLink; the round cannot be completed".into(),
                    })
                }
            };
            Ok(Some((stream::iter(changes.into_iter().map(Ok::<_, Error>)), (client, headers, next))))
        })
        .try_flatten()
    }
}

enum Next {
    Page { method: Method, url: String },
    Done,
}

async fn fetch_page(client: &Client, method: Method, url: &str, headers: &[(String, String)]) -> Result<Page<Value>, Error> {
    let response = client.respond_any(&Outgoing::new(method, url, headers, &Body::Empty)).await?;
    let status = response.status().as_u16();
    if (200..300).contains(&status) {
        let bytes = response.bytes().await.map_err(transport_error)?;
        return decode(status, &bytes);
    }
    let location = response.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let error = GraphError::from_body(&read_prefix(response, ERROR_BODY_LIMIT).await?);
    if needs_resync(status, &error) {
        let restart_link = location.map(|link| absolute_link(client.base_url(), &link));
        return Err(Error::ResyncRequired { status, error: Box::new(error), restart_link });
    }
    Err(Error::Api { status, error })
}

fn classify<T: DeserializeOwned>(entry: Value) -> Result<Change<T>, Error> {
    let removed_reason = match (entry.get("@removed"), entry.get("deleted")) {
        (Some(removed), _) => Some(removed.get("reason").and_then(Value::as_str).map(RemovalReason::parse)),
        // OneDrive's `deleted` facet is an object; a boolean property of that name is not it.
        (None, Some(Value::Object(_))) => Some(Some(RemovalReason::Deleted)),
        _ => None,
    };
    match removed_reason {
        Some(reason) => {
            let id = entry.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
            Ok(Change::Removed(Removed { id, reason, entry }))
        }
        None => super::decode::value(200, &entry).map(Change::Updated),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Item {
        id: String,
        name: Option<String>,
    }

    #[test]
    fn entries_become_typed_changes() {
        let updated: Change<Item> = classify(json!({"id": "1", "name": "a"})).unwrap();
        assert_eq!(updated, Change::Updated(Item { id: "1".into(), name: Some("a".into()) }));
        let entry = json!({"@odata.type": "#microsoft.graph.message", "id": "2", "@removed": {"reason": "deleted"}});
        let Change::Removed(removed) = classify::<Item>(entry.clone()).unwrap() else { panic!() };
        assert_eq!(removed, Removed { id: "2".into(), reason: Some(RemovalReason::Deleted), entry });
        let Change::Removed(removed) = classify::<Item>(json!({"id": "3", "@removed": {"reason": "changed"}})).unwrap() else { panic!() };
        assert_eq!(removed.reason, Some(RemovalReason::Changed));
        let Change::Removed(removed) = classify::<Item>(json!({"id": "4", "@removed": {}})).unwrap() else { panic!() };
        assert_eq!(removed.reason, None);
        let Change::Removed(removed) = classify::<Item>(json!({"id": "5", "@removed": {"reason": "Archived"}})).unwrap() else { panic!() };
        assert_eq!(removed.reason, Some(RemovalReason::Other("Archived".into())));
        // OneDrive: the `deleted` facet.
        let Change::Removed(removed) = classify::<Item>(json!({"id": "6", "name": "f", "deleted": {}})).unwrap() else { panic!() };
        assert_eq!((removed.id.as_str(), removed.reason), ("6", Some(RemovalReason::Deleted)));
        // A plain property named `deleted` is an update.
        assert!(matches!(classify::<Value>(json!({"id": "7", "deleted": false})).unwrap(), Change::Updated(_)));
        assert!(matches!(classify::<Item>(json!({"name": "no id"})), Err(Error::Decode { .. })));
    }

    #[test]
    fn cursors_serialize_as_their_link() {
        let cursor: DeltaCursor<Item> = DeltaCursor::from_link("https://graph.microsoft.com/v1.0/users/delta?$deltatoken=abc");
        let text = serde_json::to_string(&cursor).unwrap();
        assert_eq!(text, r#"{"deltaLink":"https://graph.microsoft.com/v1.0/users/delta?$deltatoken=abc"}"#);
        let back: DeltaCursor<Item> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, cursor);
        assert_eq!(back.request().url("http://127.0.0.1:1/v1.0"), cursor.delta_link());
    }

    #[test]
    fn resync_is_recognised_by_status_or_code() {
        let error = |code: &str| GraphError { code: code.into(), ..GraphError::default() };
        assert!(needs_resync(410, &error("")));
        assert!(needs_resync(400, &error("SyncStateNotFound")));
        assert!(needs_resync(400, &error("resyncRequired")));
        assert!(needs_resync(410, &error("resyncChangesApplyDifferences")));
        assert!(!needs_resync(404, &error("itemNotFound")));
    }

    #[test]
    fn latest_asks_for_a_delta_token_only() {
        let request: Request<Page<Item>> = Request::new(Method::Get, "/users/delta");
        assert_eq!(latest(request).url("https://g/v1.0"), "https://g/v1.0/users/delta?$deltatoken=latest");
    }
}
