//! The client against real HTTP servers on loopback: paging, retries,
//! typed errors, redirects and timeouts.

mod support;

use graph_runtime::runtime::{Error, Method, Page, Request, StreamExt, TryStreamExt};
use serde::Deserialize;
use std::time::{Duration, Instant};
use support::{bounded, client, Api, OtherHost, TOKEN};

#[derive(Debug, Deserialize)]
struct Item {
    id: String,
}

fn ids(items: &[Item]) -> Vec<&str> {
    items.iter().map(|i| i.id.as_str()).collect()
}

fn get<T>(path: &str) -> Request<T> {
    Request::new(Method::Get, path)
}

fn bearer() -> Option<String> {
    Some(format!("Bearer {TOKEN}"))
}

#[tokio::test]
async fn a_collection_over_three_pages() {
    bounded(async {
        let api = Api::start("http://localhost:9", "").await;
        let client = client(&api.base_url);

        let items = client.all_pages(get::<Page<Item>>("/items")).await.unwrap();
        assert_eq!(ids(&items), ["1", "2", "3", "4", "5", "6", "7"]);

        let pages: Vec<Page<Item>> = client.stream_pages(get("/items")).try_collect().await.unwrap();
        assert_eq!(pages.iter().map(|p| p.value.len()).collect::<Vec<_>>(), [3, 2, 2]);
        assert!(pages[2].next_link.is_none());

        let streamed: Vec<Item> = client.stream_items(get("/items")).try_collect().await.unwrap();
        assert_eq!(ids(&streamed), ["1", "2", "3", "4", "5", "6", "7"]);

        // The stream is lazy: taking two items fetches only the first page.
        let before = api.seen().len();
        let first_two: Vec<Result<Item, Error>> = client.stream_items(get("/items")).take(2).collect().await;
        assert_eq!(first_two.len(), 2);
        assert_eq!(api.seen().len(), before + 1);

        let seen = api.seen();
        let targets: Vec<&str> = seen.iter().take(3).map(|s| s.target.as_str()).collect();
        assert_eq!(targets, ["/v1.0/items", "/v1.0/items?$skiptoken=p2", "/v1.0/items?$skiptoken=p3"]);
        assert!(seen.iter().all(|s| s.authorization == bearer()), "every page below the base URL is sent with the token");
    })
    .await
}

#[tokio::test]
async fn a_next_link_to_another_host_is_followed_without_the_token() {
    bounded(async {
        let other = OtherHost::start().await;
        let api = Api::start(&other.origin, "").await;
        let items = client(&api.base_url).all_pages(get::<Page<Item>>("/elsewhere")).await.unwrap();
        assert_eq!(ids(&items), ["a", "b"]);
        assert_eq!(api.seen()[0].authorization, bearer());
        let seen = other.state().seen.clone();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].target, "/page2?$skiptoken=x");
        assert!(other.authorized_requests().is_empty(), "{seen:?}");
    })
    .await
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_after_the_delay() {
    bounded(async {
        let api = Api::start("http://localhost:9", "").await;
        let started = Instant::now();
        let value: serde_json::Value = client(&api.base_url).send(get("/throttled")).await.unwrap();
        assert_eq!(value, serde_json::json!({"ok": true}));
        let seen = api.seen();
        assert_eq!(seen.len(), 2, "one 429, then the retry");
        let waited = seen[1].at - seen[0].at;
        assert!(waited >= Duration::from_millis(950), "Retry-After: 1 was not honoured: retried after {waited:?}");
        assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
        assert!(seen.iter().all(|s| s.authorization == bearer()));
    })
    .await
}

#[tokio::test]
async fn a_503_with_an_http_date_retry_after_is_retried_after_that_date() {
    bounded(async {
        let api = Api::start("http://localhost:9", "").await;
        let value: serde_json::Value = client(&api.base_url).send(get("/throttled-date")).await.unwrap();
        assert_eq!(value, serde_json::json!({"ok": true}));
        let seen = api.seen();
        assert_eq!(seen.len(), 2);
        // The date is 2 s ahead, truncated to whole seconds: at least 1 s away.
        let waited = seen[1].at - seen[0].at;
        assert!(waited >= Duration::from_millis(950) && waited <= Duration::from_millis(3500), "retried after {waited:?}");
    })
    .await
}

#[tokio::test]
async fn a_429_with_decimal_retry_after_waits_that_long_and_no_less() {
    bounded(async {
        let api = Api::start("http://localhost:9", "").await;
        let value: serde_json::Value = client(&api.base_url).send(get("/throttled-decimal")).await.unwrap();
        assert_eq!(value, serde_json::json!({"ok": true}));
        let seen = api.seen();
        assert_eq!(seen.len(), 2);
        let waited = seen[1].at - seen[0].at;
        // `Retry-After: 0.5`; the backoff alone would have been 20 ms.
        assert!(waited >= Duration::from_millis(495) && waited < Duration::from_millis(1500), "retried after {waited:?}");
    })
    .await
}

#[tokio::test]
async fn a_retry_after_beyond_the_policy_fails_with_the_servers_wait() {
    bounded(async {
        let api = Api::start("http://localhost:9", "").await;
        // The test client's policy waits at most 3 s; the server asks for 120 s.
        let error = client(&api.base_url).send(get::<serde_json::Value>("/throttled-long")).await.unwrap_err();
        match &error {
            Error::Throttled { status: 429, retry_after, error } => {
                assert_eq!(*retry_after, Duration::from_secs(120));
                assert_eq!(error.code, "TooManyRequests");
            }
            other => panic!("expected a Throttled error, got {other:?}"),
        }
        assert_eq!(api.seen().len(), 1, "not retried before the server allows");
        assert!(error.to_string().contains("120.000 s"), "{error}");
    })
    .await
}

#[tokio::test]
async fn retries_are_bounded() {
    bounded(async {
        let api = Api::start("http://localhost:9", "").await;
        let error = client(&api.base_url).send(get::<serde_json::Value>("/busy")).await.unwrap_err();
        match &error {
            Error::Api { status: 503, error } => assert_eq!(error.code, "serviceNotAvailable"),
            other => panic!("expected a 503 API error, got {other:?}"),
        }
        assert_eq!(api.seen().len(), 4, "max_attempts is 4 in all");
    })
    .await
}

#[tokio::test]
async fn an_error_body_becomes_the_typed_error() {
    bounded(async {
        let api = Api::start("http://localhost:9", "").await;
        let error = client(&api.base_url).send(get::<serde_json::Value>("/missing")).await.unwrap_err();
        assert_eq!(error.status(), Some(404));
        let Error::Api { status, error: graph } = &error else { panic!("expected an API error, got {error:?}") };
        assert_eq!(*status, 404);
        assert_eq!(graph.code, "itemNotFound");
        assert_eq!(graph.message, "The resource could not be found.");
        let inner = graph.inner_error.as_ref().unwrap();
        assert_eq!(inner.request_id.as_deref(), Some("req-42"));
        assert_eq!(inner.client_request_id.as_deref(), Some("client-7"));
        assert_eq!(error.to_string(), "the API answered 404: The resource could not be found. (itemNotFound) [request-id req-42]");
        assert!(!format!("{error} {error:?}").contains(TOKEN));
        assert_eq!(api.seen().len(), 1, "a 404 is not retried");
    })
    .await
}

#[tokio::test]
async fn a_redirect_to_another_host_does_not_carry_the_token() {
    bounded(async {
        let other = OtherHost::start().await;
        let api = Api::start(&other.origin, "").await;
        let value: serde_json::Value = client(&api.base_url).send(get("/redirect")).await.unwrap();
        assert_eq!(value, serde_json::json!({"downloaded": true}));
        assert_eq!(api.seen()[0].authorization, bearer(), "the API itself gets the token");
        let seen = other.state().seen.clone();
        assert_eq!(seen.len(), 1, "the redirect was followed");
        assert_eq!(seen[0].target, "/download/1");
        assert_eq!(seen[0].header("authorization"), None);
        assert_eq!(seen[0].header("referer"), None, "no Referer either");
    })
    .await
}

#[tokio::test]
async fn requests_time_out_and_errors_hide_the_token() {
    bounded(async {
        let api = Api::start("http://localhost:9", "").await;
        let client = graph_runtime::runtime::Client::builder()
            .base_url(&api.base_url)
            .token(TOKEN)
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let started = Instant::now();
        let error = client.send(get::<serde_json::Value>("/slow")).await.unwrap_err();
        assert!(matches!(error, Error::Transport(_)), "{error:?}");
        assert!(started.elapsed() < Duration::from_secs(2));
        let shown = format!("{error} {error:?} {client:?}");
        assert!(!shown.contains(TOKEN) && !shown.contains("/slow"), "{shown}");
    })
    .await
}
