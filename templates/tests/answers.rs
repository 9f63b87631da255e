//! What the client gives back for each kind of documented answer: a `201
//! Created` with its `Location`, and a method documented without a response
//! body whose answer has one anyway.

mod support;

use graph_runtime::runtime::{Method, Request};
use serde::Deserialize;
use serde_json::json;
use support::scripted::{Answer, Scripted};
use support::{bounded, client};

#[derive(Debug, Deserialize, PartialEq)]
struct Event {
    id: String,
}

/// event-post-attachments.md and the create pages: `201 Created`, the new
/// entity in the body and its address in `Location`.
#[tokio::test]
async fn a_created_resource_comes_back_with_its_location() {
    bounded(async {
        let api = Scripted::start("127.0.0.1", |_, _| {
            Answer::json(201, json!({"id": "e1"})).header("Location", "https://graph.microsoft.com/v1.0/me/events('e1')")
        })
        .await;
        let client = client(&api.base_url);
        let created = client.send_with_response(Request::<Event>::new(Method::Post, "/me/events").json(&json!({}))).await.unwrap();
        assert_eq!((created.status, &created.body), (201, &Event { id: "e1".into() }));
        assert_eq!(created.location(), Some("https://graph.microsoft.com/v1.0/me/events('e1')"));
        assert_eq!(created.header("LOCATION"), created.location());
        assert_eq!(created.header("content-type"), Some("application/json"));
        // The generated method's path: the same body, without the headers.
        assert_eq!(client.send(Request::<Event>::new(Method::Post, "/me/events")).await.unwrap(), Event { id: "e1".into() });
    })
    .await
}

#[derive(Debug, Default, Deserialize, PartialEq)]
struct Draft {
    #[serde(default)]
    id: Option<String>,
}

/// An answer that says it has no content, where the page declares the entity:
/// best-practices-concept.md: with `Prefer: return=minimal`, and for some
/// services always, a PUT or PATCH answers `204 No Content`; and eventmessage-post-attachments.md shows a
/// `201 Created` without the attachment it declares. Both succeed, with a
/// value that has nothing set.
#[tokio::test]
async fn an_answer_without_content_reads_as_an_empty_value() {
    bounded(async {
        let api = Scripted::start("127.0.0.1", |request, _| match request.path.as_str() {
            "/v1.0/created" => Answer::empty(201).header("Location", "https://graph.microsoft.com/v1.0/me/messages('m1')"),
            _ => Answer::empty(204),
        })
        .await;
        let client = client(&api.base_url);
        let created = client.send_with_response(Request::<Draft>::new(Method::Post, "/created")).await.unwrap();
        assert_eq!((created.status, &created.body, created.location().is_some()), (201, &Draft::default(), true));
        let updated = client.send(Request::<Draft>::new(Method::Patch, "/updated").prefer("return=minimal")).await.unwrap();
        assert_eq!(updated, Draft::default());
        let page = client.send(Request::<graph_runtime::runtime::Page<Draft>>::new(Method::Post, "/listed")).await.unwrap();
        assert!(page.value.is_empty() && page.next_link.is_none());
    })
    .await
}

/// A method documented without a response body (`()`) may get one: pages say
/// `204 No Content` while their example shows a body, and
/// user-revokesigninsessions.md says `204` with a note that the service
/// answers with another code (a `200` with `{"value": true}`). The request
/// succeeded either way, so neither answer is an error; a body that does not
/// fit a type that wants one still is.
#[tokio::test]
async fn a_method_documented_without_a_body_accepts_one() {
    bounded(async {
        let api = Scripted::start("127.0.0.1", |request, _| match request.path.as_str() {
            "/v1.0/with-body" => Answer::json(200, json!({"value": true})),
            "/v1.0/not-json" => Answer { status: 200, headers: vec![("content-type".into(), "text/plain".into())], body: b"done".to_vec() },
            "/v1.0/empty-200" => Answer::empty(200),
            _ => Answer::empty(204),
        })
        .await;
        let client = client(&api.base_url);
        for path in ["/with-body", "/not-json", "/none"] {
            client.send(Request::<()>::new(Method::Post, path)).await.unwrap_or_else(|e| panic!("{path}: {e}"));
            let answer = client.send_with_response(Request::<()>::new(Method::Post, path)).await.unwrap();
            assert!(answer.status == 200 || answer.status == 204, "{path}: {}", answer.status);
        }
        let typed = client.send(Request::<Event>::new(Method::Get, "/with-body")).await;
        assert!(matches!(typed, Err(graph_runtime::runtime::Error::Decode { status: 200, .. })), "{typed:?}");
        let empty = client.send(Request::<Event>::new(Method::Get, "/empty-200")).await;
        assert!(matches!(empty, Err(graph_runtime::runtime::Error::Decode { status: 200, .. })), "a 200 promises a body: {empty:?}");
    })
    .await
}
