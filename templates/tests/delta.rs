//! Delta sync against a loopback directory that answers `GET /users/delta`
//! as delta-query-overview.md and delta-query-users.md say the service does.

mod support;

use graph_runtime::runtime::delta::latest;
use graph_runtime::runtime::{Change, DeltaCursor, Error, Method, Page, RemovalReason, Request, TryStreamExt};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use support::scripted::{Answer, Received, Scripted};
use support::{bounded, client, TOKEN};

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct User {
    id: String,
    #[serde(rename = "displayName")]
    display_name: Option<String>,
}

/// A directory's users and the history of their changes.
#[derive(Default)]
struct Directory {
    /// id -> the user, or `None` once removed.
    users: BTreeMap<String, Option<Value>>,
    /// (sequence number, id, removal reason) of every change, oldest first.
    log: Vec<(u64, String, Option<&'static str>)>,
    sequence: u64,
    /// Tokens at or below this sequence number are no longer usable.
    expired_up_to: u64,
    /// Answer the next round's first page without any link (a broken service).
    drop_links: bool,
    /// Where a page's nextLink points (default: the API itself).
    next_origin: Option<String>,
}

impl Directory {
    fn put(&mut self, id: &str, name: &str) {
        self.sequence += 1;
        self.users.insert(id.into(), Some(json!({"id": id, "displayName": name})));
        self.log.push((self.sequence, id.into(), None));
    }

    /// `changed`: deleted, restorable; `deleted`: gone for good (delta-query-users.md).
    fn remove(&mut self, id: &str, reason: &'static str) {
        self.sequence += 1;
        self.users.insert(id.into(), None);
        self.log.push((self.sequence, id.into(), Some(reason)));
    }
}

const PAGE_SIZE: usize = 2;

/// `GET /v1.0/users/delta`: no token enumerates the current users; `$skiptoken`
/// continues a round (here `{since}.{offset}`); `$deltatoken=latest` answers
/// only a deltaLink; `$deltatoken={since}` the changes after it, a removed user
/// as its id and `@removed` with the reason. Pages of two, then a deltaLink.
/// An expired token is `410 Gone` with a `Location` that starts over, "same as
/// the initial query" (delta-query-overview.md, Synchronization reset).
fn directory_service(directory: Arc<Mutex<Directory>>) -> impl Fn(&Received, &[Received]) -> Answer + Send + Sync + 'static {
    move |request, _| {
        let base = format!("http://{}/v1.0", request.header("host").unwrap_or_default());
        if request.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
            return Answer::json(401, json!({"error": {"code": "InvalidAuthenticationToken", "message": "no token"}}));
        }
        if (request.method.as_str(), request.path.as_str()) != ("GET", "/v1.0/users/delta") {
            return Answer::json(404, json!({"error": {"code": "notFound", "message": "no such route"}}));
        }
        let mut directory = directory.lock().unwrap();
        let params: BTreeMap<&str, &str> = request.query.split('&').filter_map(|p| p.split_once('=')).collect();
        let (since, offset) = match (params.get("$deltatoken"), params.get("$skiptoken")) {
            (Some(&"latest"), _) => {
                let link = format!("{base}/users/delta?$deltatoken={}", directory.sequence);
                return Answer::json(200, json!({"@odata.deltaLink": link, "value": []}));
            }
            (Some(token), _) => (token.parse::<u64>().unwrap_or(0), 0),
            (None, Some(skip)) => {
                let (since, offset) = skip.split_once('.').unwrap_or(("0", "0"));
                (since.parse().unwrap_or(0), offset.parse().unwrap_or(0))
            }
            (None, None) => (0, 0),
        };
        if since > 0 && since <= directory.expired_up_to {
            return Answer::json(410, json!({"error": {"code": "resyncRequired", "message": "Resync is required."}}))
                .header("Location", format!("{base}/users/delta"));
        }
        let entries: Vec<Value> = if since == 0 {
            directory.users.values().flatten().cloned().collect()
        } else {
            let mut latest: BTreeMap<&str, Option<&str>> = BTreeMap::new();
            for (_, id, reason) in directory.log.iter().filter(|(seq, _, _)| *seq > since) {
                latest.insert(id, *reason);
            }
            latest
                .into_iter()
                .map(|(id, reason)| match reason {
                    Some(reason) => json!({"id": id, "@removed": {"reason": reason}}),
                    None => directory.users[id].clone().unwrap_or_default(),
                })
                .collect()
        };
        let page: Vec<Value> = entries.iter().skip(offset).take(PAGE_SIZE).cloned().collect();
        let mut body = json!({"@odata.context": format!("{base}/$metadata#users"), "value": page});
        if std::mem::take(&mut directory.drop_links) {
            return Answer::json(200, body);
        }
        if offset + PAGE_SIZE < entries.len() {
            let origin = directory.next_origin.clone().unwrap_or(base);
            body["@odata.nextLink"] = format!("{origin}/users/delta?$skiptoken={since}.{}", offset + PAGE_SIZE).into();
        } else {
            body["@odata.deltaLink"] = format!("{base}/users/delta?$deltatoken={}", directory.sequence).into();
        }
        Answer::json(200, body)
    }
}

fn users_delta() -> Request<Page<User>> {
    Request::new(Method::Get, "/users/delta")
}

fn user(id: &str, name: &str) -> Change<User> {
    Change::Updated(User { id: id.into(), display_name: Some(name.into()) })
}

async fn round(client: &graph_runtime::runtime::Client, first: Request<Page<User>>) -> Result<Vec<Change<User>>, Error> {
    client.delta_changes(first).try_collect().await
}

fn removed(changes: &[Change<User>]) -> Vec<(String, Option<RemovalReason>)> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::Removed(r) => Some((r.id.clone(), r.reason.clone())),
            _ => None,
        })
        .collect()
}

fn cursor(changes: &[Change<User>]) -> DeltaCursor<User> {
    match changes.last() {
        Some(Change::Synced(cursor)) => cursor.clone(),
        other => panic!("a round ends with its cursor, not {other:?}"),
    }
}

#[tokio::test]
async fn a_sync_from_now_then_only_the_changes_with_their_removal_reasons() {
    bounded(async {
        let directory = Arc::new(Mutex::new(Directory::default()));
        for (id, name) in [("u1", "Ada"), ("u2", "Grace"), ("u3", "Edsger"), ("u4", "Barbara")] {
            directory.lock().unwrap().put(id, name);
        }
        let server = Scripted::start("127.0.0.1", directory_service(directory.clone())).await;
        let client = client(&server.base_url);

        let now = round(&client, latest(users_delta())).await.unwrap();
        assert_eq!(now.len(), 1, "no current state, only the cursor: {now:?}");
        assert_eq!(server.received()[0].query, "$deltatoken=latest");
        {
            let mut directory = directory.lock().unwrap();
            directory.put("u2", "Grace Hopper");
            directory.remove("u3", "changed");
            directory.remove("u4", "deleted");
        }
        let changes = round(&client, cursor(&now).request()).await.unwrap();
        assert_eq!(changes[0], user("u2", "Grace Hopper"));
        assert_eq!(removed(&changes), [("u3".into(), Some(RemovalReason::Changed)), ("u4".into(), Some(RemovalReason::Deleted))]);
        assert_eq!(changes.len(), 4, "two pages: the update and a removal, the other removal; then the cursor");
        let targets: Vec<String> = server.received().iter().map(|r| r.query.clone()).collect();
        assert_eq!(targets, ["$deltatoken=latest", "$deltatoken=4", "$skiptoken=4.2"]);
        // Nothing changed since: an empty round that still moves the cursor on.
        let again = round(&client, cursor(&changes).request()).await.unwrap();
        assert_eq!(again, [Change::Synced(DeltaCursor::from_link(format!("{}/users/delta?$deltatoken=7", server.base_url)))]);
    })
    .await
}

#[tokio::test]
async fn every_page_of_a_round_gets_the_first_requests_headers() {
    bounded(async {
        let directory = Arc::new(Mutex::new(Directory::default()));
        for i in 0..5 {
            directory.lock().unwrap().put(&format!("u{i}"), "someone");
        }
        let server = Scripted::start("127.0.0.1", directory_service(directory)).await;
        let changes = round(&client(&server.base_url), users_delta().prefer("return=minimal")).await.unwrap();
        assert_eq!(changes.iter().filter(|c| matches!(c, Change::Updated(_))).count(), 5);
        let received = server.received();
        assert_eq!(received.len(), 3);
        assert!(received.iter().all(|r| r.header("prefer") == Some("return=minimal")), "{received:?}");
    })
    .await
}

#[tokio::test]
async fn a_next_link_to_another_host_gets_neither_the_token_nor_the_headers() {
    bounded(async {
        let elsewhere =
            Scripted::start("localhost", |_, _| Answer::json(200, json!({"value": [{"id": "x"}], "@odata.deltaLink": "https://x/d"})))
                .await;
        let directory = Arc::new(Mutex::new(Directory { next_origin: Some(elsewhere.base_url.clone()), ..Directory::default() }));
        for i in 0..3 {
            directory.lock().unwrap().put(&format!("u{i}"), "someone");
        }
        let server = Scripted::start("127.0.0.1", directory_service(directory)).await;
        let changes = round(&client(&server.base_url), users_delta().header("X-Tenant-Hint", "contoso")).await.unwrap();
        assert_eq!(changes.len(), 4);
        let there = elsewhere.received();
        assert_eq!(there.len(), 1);
        assert_eq!((there[0].header("authorization"), there[0].header("x-tenant-hint")), (None, None));
        assert_eq!(server.received()[0].header("x-tenant-hint"), Some("contoso"));
    })
    .await
}

#[tokio::test]
async fn an_expired_token_is_a_resync_error_that_says_where_to_start_over() {
    bounded(async {
        let directory = Arc::new(Mutex::new(Directory::default()));
        directory.lock().unwrap().put("u1", "Ada");
        directory.lock().unwrap().put("u2", "Grace");
        let server = Scripted::start("127.0.0.1", directory_service(directory.clone())).await;
        let client = client(&server.base_url);
        let first = round(&client, users_delta()).await.unwrap();
        let saved = serde_json::to_string(&cursor(&first)).unwrap();
        directory.lock().unwrap().expired_up_to = 2;

        let resumed: DeltaCursor<User> = serde_json::from_str(&saved).unwrap();
        let error = round(&client, resumed.request()).await.unwrap_err();
        let Error::ResyncRequired { status, error: graph, restart_link } = &error else { panic!("expected a resync error, got {error:?}") };
        assert_eq!((*status, graph.code.as_str()), (410, "resyncRequired"));
        assert_eq!(restart_link.as_deref(), Some(format!("{}/users/delta", server.base_url).as_str()));
        assert!(error.to_string().contains("a full resync is needed"), "{error}");
        assert_eq!(error.status(), Some(410));

        let full = round(&client, DeltaCursor::from_link(restart_link.clone().unwrap()).request()).await.unwrap();
        assert_eq!(&full[..2], [user("u1", "Ada"), user("u2", "Grace")]);
    })
    .await
}

#[tokio::test]
async fn a_page_without_links_ends_the_round_without_a_cursor() {
    bounded(async {
        let directory = Arc::new(Mutex::new(Directory { drop_links: true, ..Directory::default() }));
        directory.lock().unwrap().put("u1", "Ada");
        let server = Scripted::start("127.0.0.1", directory_service(directory)).await;
        let mut changes = std::pin::pin!(client(&server.base_url).delta_changes(users_delta()));
        let mut seen = Vec::new();
        let error = loop {
            match changes.try_next().await {
                Ok(Some(change)) => seen.push(change),
                Ok(None) => panic!("the round ended as if complete: {seen:?}"),
                Err(error) => break error,
            }
        };
        assert!(matches!(&error, Error::Decode { message, .. } if message.contains("neither @odata.nextLink nor @odata.deltaLink")));
        assert!(seen.iter().all(|c| !matches!(c, Change::Synced(_))), "no cursor was made up: {seen:?}");
    })
    .await
}
