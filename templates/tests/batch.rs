//! `$batch` against a loopback service that answers as json-batching.md and
//! throttling.md say the service does.

mod support;

use graph_runtime::runtime::{Batch, Error, Method, Request};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::scripted::{Answer, Received, Scripted};
use support::{bounded, client, fast_retry, TOKEN};

/// Throttled item URLs: (times left, Retry-After).
type Throttles = Arc<Mutex<BTreeMap<String, (u32, &'static str)>>>;

/// The `$batch` endpoint as json-batching.md describes it: `requests` of at
/// most 20 with unique ids, each answered with its own `status`, `headers` and
/// `body`; an item whose `dependsOn` item failed is answered `424`. Items are
/// throttled one by one (throttling.md, "Throttling and batching": the item
/// gets `429` with its `Retry-After`, and the batch itself is answered `424`).
fn batch_service(throttles: Throttles) -> impl Fn(&Received, &[Received]) -> Answer + Send + Sync + 'static {
    move |request, _| {
        if request.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
            return Answer::json(401, json!({"error": {"code": "InvalidAuthenticationToken", "message": "no token"}}));
        }
        if (request.method.as_str(), request.path.as_str()) != ("POST", "/v1.0/$batch") {
            return Answer::json(404, json!({"error": {"code": "notFound", "message": "no such route"}}));
        }
        let body = request.json();
        let Some(items) = body["requests"].as_array().filter(|items| !items.is_empty() && items.len() <= 20) else {
            return Answer::json(400, json!({"error": {"code": "BadRequest", "message": "Invalid batch payload."}}));
        };
        let mut status_of: BTreeMap<String, u16> = BTreeMap::new();
        let mut responses = Vec::new();
        for item in items {
            let id = item["id"].as_str().unwrap_or_default().to_owned();
            let failed_dependency = item["dependsOn"].as_array().into_iter().flatten().any(|d| {
                let status = d.as_str().and_then(|d| status_of.get(d)).copied();
                !status.is_some_and(|s| (200..300).contains(&s))
            });
            let (status, headers, body) = if failed_dependency {
                (424, json!({}), json!({"error": {"code": "FailedDependency", "message": "A dependency failed."}}))
            } else {
                execute(item, &throttles)
            };
            status_of.insert(id.clone(), status);
            responses.push(json!({"id": id, "status": status, "headers": headers, "body": body}));
        }
        let throttled = status_of.values().any(|&s| s == 429);
        // Responses "might appear in a different order": reversed here.
        responses.reverse();
        Answer::json(if throttled { 424 } else { 200 }, json!({"responses": responses}))
    }
}

/// One item against the routes of this test service.
fn execute(item: &Value, throttles: &Throttles) -> (u16, Value, Value) {
    let url = item["url"].as_str().unwrap_or_default();
    if let Some((left, retry_after)) = throttles.lock().unwrap().get_mut(url).filter(|(left, _)| *left > 0) {
        *left -= 1;
        let error = json!({"error": {"code": "TooManyRequests", "message": "Please retry again later."}});
        return (429, json!({"Retry-After": retry_after, "Content-Type": "application/json"}), error);
    }
    let json_headers = json!({"Content-Type": "application/json"});
    match (item["method"].as_str().unwrap_or_default(), url) {
        ("GET", url) if url.starts_with("/items/") => (200, json_headers, json!({"id": url.trim_start_matches("/items/")})),
        ("PUT", "/me/photo/$value") => {
            // A body that is not JSON arrives base64-encoded, with its Content-Type.
            let content_type = item["headers"]["Content-Type"].as_str().unwrap_or_default();
            let size = item["body"].as_str().map(base64_len).unwrap_or(0);
            (200, json_headers, json!({"contentType": content_type, "size": size}))
        }
        _ => (404, json_headers, json!({"error": {"code": "itemNotFound", "message": "The resource could not be found."}})),
    }
}

/// Decoded length of padded base64.
fn base64_len(text: &str) -> usize {
    text.len() / 4 * 3 - text.bytes().rev().take_while(|&b| b == b'=').count()
}

fn get(path: &str) -> Request<Value> {
    Request::new(Method::Get, path)
}

fn batch_posts(server: &Scripted) -> Vec<Received> {
    server.received().into_iter().filter(|r| r.path == "/v1.0/$batch").collect()
}

fn sent_ids(post: &Received) -> Vec<String> {
    post.json()["requests"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn only_throttled_items_are_resent_after_their_retry_after() {
    bounded(async {
        let throttles: Throttles = Arc::new(Mutex::new(BTreeMap::from([("/items/3".to_owned(), (1, "1"))])));
        let server = Scripted::start("127.0.0.1", batch_service(throttles)).await;
        let client = client(&server.base_url);

        let mut batch = Batch::new();
        let items: Vec<_> = (1..=5).map(|i| batch.add(get(&format!("/items/{i}")))).collect();
        let after_throttled = batch.add_after(get("/items/6"), &items[2]);
        let missing = batch.add(get("/missing"));
        let photo = batch.add(Request::<Value>::new(Method::Put, "/me/photo/$value").bytes("image/png", vec![7; 10]));
        let results = client.send_batch(&batch).await.unwrap();

        for (i, handle) in items.iter().enumerate() {
            assert_eq!(results.get(handle).unwrap(), json!({"id": (i + 1).to_string()}));
        }
        assert_eq!(results.get(&after_throttled).unwrap(), json!({"id": "6"}), "resent with the item it depends on");
        match results.get(&missing) {
            Err(Error::Api { status: 404, error }) => assert_eq!(error.code, "itemNotFound"),
            other => panic!("expected the item's own 404, got {other:?}"),
        }
        assert_eq!(results.response(&missing).unwrap().status, 404);
        assert_eq!(results.get(&photo).unwrap(), json!({"contentType": "image/png", "size": 10}));
        assert_eq!(results.response(&photo).unwrap().header("content-type"), Some("application/json"));

        let posts = batch_posts(&server);
        assert_eq!(posts.len(), 2);
        assert_eq!(results.requests_sent(), 2);
        assert_eq!(sent_ids(&posts[0]), ["1", "2", "3", "4", "5", "6", "7", "8"]);
        assert_eq!(sent_ids(&posts[1]), ["3", "6"], "only the throttled item and the one that waited for it");
        assert_eq!(posts[1].json()["requests"][1]["dependsOn"], json!(["3"]));
        let waited = posts[1].at - posts[0].at;
        assert!(waited >= Duration::from_millis(950), "resent {waited:?} after Retry-After: 1");
        assert!(posts.iter().all(|p| p.header("authorization") == Some(&format!("Bearer {TOKEN}"))));
    })
    .await
}

#[tokio::test]
async fn a_throttled_batch_request_is_retried_whole() {
    bounded(async {
        let service = batch_service(Arc::default());
        let server = Scripted::start("127.0.0.1", move |request, earlier| match earlier.len() {
            0 => Answer::json(503, json!({"error": {"code": "serviceNotAvailable", "message": "busy"}})).header("Retry-After", "1"),
            _ => service(request, earlier),
        })
        .await;
        let mut batch = Batch::new();
        let one = batch.add(get("/items/1"));
        let results = client(&server.base_url).send_batch(&batch).await.unwrap();
        assert_eq!(results.get(&one).unwrap(), json!({"id": "1"}));
        let posts = batch_posts(&server);
        assert_eq!(posts.len(), 2);
        assert_eq!(posts[0].body, posts[1].body);
        assert!(posts[1].at - posts[0].at >= Duration::from_millis(950));
    })
    .await
}

#[tokio::test]
async fn an_item_throttled_at_every_attempt_keeps_its_429() {
    bounded(async {
        let throttles: Throttles = Arc::new(Mutex::new(BTreeMap::from([("/items/2".to_owned(), (100, "0"))])));
        let server = Scripted::start("127.0.0.1", batch_service(throttles)).await;
        let client =
            graph_runtime::runtime::Client::builder().base_url(&server.base_url).token(TOKEN).retry(fast_retry(3)).build().unwrap();
        let mut batch = Batch::new();
        let fine = batch.add(get("/items/1"));
        let throttled = batch.add(get("/items/2"));
        let results = client.send_batch(&batch).await.unwrap();
        assert_eq!(results.get(&fine).unwrap(), json!({"id": "1"}));
        assert!(matches!(results.get(&throttled), Err(Error::Api { status: 429, .. })));
        assert_eq!(results.response(&throttled).unwrap().header("retry-after"), Some("0"));
        let posts = batch_posts(&server);
        let sent: Vec<Vec<String>> = posts.iter().map(sent_ids).collect();
        assert_eq!(sent, [vec!["1", "2"], vec!["2"], vec!["2"]], "three attempts in all, the fine item sent once");
    })
    .await
}

#[tokio::test]
async fn an_item_asked_to_wait_beyond_the_policy_is_not_resent_early() {
    bounded(async {
        // `Retry-After: 120` for item 2; the policy waits at most 3 s.
        let throttles: Throttles = Arc::new(Mutex::new(BTreeMap::from([("/items/2".to_owned(), (100, "120"))])));
        let server = Scripted::start("127.0.0.1", batch_service(throttles)).await;
        let client =
            graph_runtime::runtime::Client::builder().base_url(&server.base_url).token(TOKEN).retry(fast_retry(3)).build().unwrap();
        let mut batch = Batch::new();
        let fine = batch.add(get("/items/1"));
        let throttled = batch.add(get("/items/2"));
        let results = client.send_batch(&batch).await.unwrap();
        assert_eq!(results.get(&fine).unwrap(), json!({"id": "1"}));
        match results.get(&throttled) {
            Err(Error::Throttled { status: 429, retry_after, .. }) => assert_eq!(retry_after, Duration::from_secs(120)),
            other => panic!("expected the item's Throttled error, got {other:?}"),
        }
        assert_eq!(batch_posts(&server).len(), 1, "nothing resent before the server allows");
    })
    .await
}

#[tokio::test]
async fn a_rejected_batch_request_is_every_items_error() {
    bounded(async {
        let server = Scripted::start("127.0.0.1", |_, _| {
            Answer::json(400, json!({"error": {"code": "BadRequest", "message": "Invalid batch payload."}}))
        })
        .await;
        let mut batch = Batch::new();
        let handles: Vec<_> = (0..3).map(|i| batch.add(get(&format!("/items/{i}")))).collect();
        let results = client(&server.base_url).send_batch(&batch).await.unwrap();
        for handle in &handles {
            match results.get(handle) {
                Err(Error::Api { status: 400, error }) => assert_eq!(error.message, "Invalid batch payload."),
                other => panic!("{other:?}"),
            }
            assert!(results.response(handle).is_none(), "no item got an answer of its own");
        }
        assert_eq!(batch_posts(&server).len(), 1, "a 400 is not retried");
    })
    .await
}

#[tokio::test]
async fn a_batch_the_service_would_reject_is_not_sent() {
    bounded(async {
        let server = Scripted::start("127.0.0.1", batch_service(Arc::default())).await;
        let mut batch = Batch::new();
        let a = batch.add(get("/items/a"));
        let b = batch.add_after(get("/items/b"), &a);
        batch.add_after(get("/items/c"), &b);
        batch.add_after(get("/items/d"), &a);
        let error = client(&server.base_url).send_batch(&batch).await.unwrap_err();
        assert!(matches!(&error, Error::InvalidRequest(m) if m.contains("neither a chain")), "{error:?}");
        let mut batch = Batch::new();
        batch.add(get("https://elsewhere.example/v1.0/items/1"));
        let error = client(&server.base_url).send_batch(&batch).await.unwrap_err();
        assert!(matches!(&error, Error::InvalidRequest(m) if m.contains("elsewhere.example")), "{error:?}");
        assert!(server.received().is_empty(), "nothing was sent");
    })
    .await
}
