//! What the client writes to `tracing`, captured through a real
//! `tracing-subscriber` formatter: the spans of a retried request and of an
//! upload, their ids, and never a token or a URL's credential.

mod support;

use graph_runtime::runtime::test_server::{test_bytes, FakeGraph, Fault, FAKE_TOKEN};
use graph_runtime::runtime::{Batch, Method, Page, Request};
use std::io::Cursor;
use std::sync::{Arc, Mutex};
use support::scripted::{Answer, Scripted};
use support::{bounded, client, OtherHost, KIB_320, UPLOAD_SECRET};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::fmt::MakeWriter;

/// Everything the formatter writes, kept in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// The runtime's closed spans, innermost span of each close line: `(name, fields)`.
    fn closed(&self, name: &str) -> Vec<String> {
        let text = self.text();
        let spans = text.lines().filter_map(|line| {
            let (context, rest) = line.split_once(": graph_runtime::")?;
            rest.contains(": close ").then_some(())?;
            let innermost = context.rfind("}:graph.").map_or_else(|| context.find("graph.").unwrap_or(0), |at| at + 2);
            Some(context[innermost..].to_owned())
        });
        spans.filter(|span| span.starts_with(&format!("{name}{{"))).collect()
    }

    /// The runtime's events whose message starts with `message`.
    fn events(&self, message: &str) -> Vec<String> {
        let text = self.text();
        let events = text.lines().filter(|line| line.split_once(": graph_runtime::").is_some_and(|(_, rest)| rest.contains(message)));
        events.map(str::to_owned).collect()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// Every event and every closed span (with the fields recorded on it) at
/// every level, on this thread (the tests run on a current-thread runtime).
fn capture() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_span_events(FmtSpan::CLOSE)
        .with_max_level(tracing::Level::TRACE)
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

fn attachments(message_id: &str) -> Request<Page<serde_json::Value>> {
    Request::new(Method::Get, format!("/me/messages/{message_id}/attachments"))
        .operation("list_me_messages_attachments", "/me/messages/{message_id}/attachments")
}

/// Words that must never reach a log.
fn assert_no_secret(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "`{secret}` reached the trace:\n{text}");
    }
}

#[tokio::test]
async fn a_retried_request_is_one_span_with_a_span_per_attempt_and_the_ids_of_the_answers() {
    bounded(async {
        let graph = FakeGraph::start().await;
        let base = graph.base_url();
        graph.on(&attachments("")).times(1).fail(Fault::Throttled { retry_after: "0.2" });
        // The first page links to the next with a signed query, as some next links are.
        graph.on(&attachments("")).times(1).reply(Page {
            value: vec![serde_json::json!({"id": "a1"})],
            next_link: Some(format!("{base}/me/messages/AAMk-PRIVATE-ID/attachments?$skiptoken=2&sig=SIG-SECRET-1")),
            ..Page::default()
        });
        graph.api().route(|received| {
            (received.query().contains("sig=SIG-SECRET-1"))
                .then(|| graph_runtime::runtime::test_server::Answer::json(200, &serde_json::json!({"value": [{"id": "a2"}]})))
        });
        let (captured, _guard) = capture();

        let items = graph.client().all_pages(attachments("AAMk-PRIVATE-ID")).await.unwrap();
        assert_eq!(items.len(), 2);

        let received = graph.received();
        assert_eq!(received.iter().map(|r| r.status).collect::<Vec<_>>(), [429, 200, 200]);
        let client_request_ids: Vec<&str> = received.iter().map(|r| r.header("client-request-id").unwrap()).collect();
        assert_eq!(client_request_ids[0], client_request_ids[1], "a retry keeps the request's client-request-id");
        assert_ne!(client_request_ids[1], client_request_ids[2], "another request, another id");
        assert!(received.iter().all(|r| r.header("user-agent").is_some_and(|ua| ua.starts_with("graph-runtime/"))));
        assert!(received.iter().all(|r| r.header("sdkversion").is_some_and(|v| v.starts_with("docgen-rust/"))));

        let text = captured.text();
        let requests = captured.closed("graph.request");
        assert_eq!(requests.len(), 2, "one span per request, closed once:\n{text}");
        let first = &requests[0];
        for expected in [
            "http.request.method=\"GET\"",
            "graph.operation=\"list_me_messages_attachments\"",
            "url.template=/me/messages/{message_id}/attachments",
            &format!("client_request_id={}", client_request_ids[0]),
            "http.response.status_code=200",
            &format!("request_id=\"{}\"", received[1].answer_header("request-id").unwrap()),
            "attempts=2",
        ] {
            assert!(first.contains(expected), "`{expected}` missing from the request span: {first}");
        }
        // The next link has no operation: its path without the query.
        assert!(requests[1].contains("url.template=/v1.0/me/messages/AAMk-PRIVATE-ID/attachments "), "{}", requests[1]);
        let attempts = captured.closed("graph.attempt");
        assert!(attempts.iter().any(|l| l.contains("attempt=1") && l.contains("http.response.status_code=429")), "{text}");
        assert!(attempts.iter().any(|l| l.contains("attempt=2") && l.contains("http.response.status_code=200")), "{text}");
        let retries = captured.events("graph.retry");
        assert_eq!(retries.len(), 1, "{text}");
        assert!(retries[0].contains("wait_ms=200") && retries[0].contains("retry_after_ms=200"), "{}", retries[0]);
        // The ids of the operation's own request are in no field: the template stands for them.
        assert!(!first.contains("AAMk-PRIVATE-ID"), "{first}");
        assert_no_secret(&text, &[FAKE_TOKEN, "Bearer", "SIG-SECRET-1", "sig=", "skiptoken"]);
    })
    .await
}

#[tokio::test]
async fn an_upload_is_a_span_with_a_span_per_chunk_and_no_upload_url() {
    bounded(async {
        let host = OtherHost::start().await;
        let data = test_bytes(3 * KIB_320 + 100);
        host.fail_chunk(KIB_320 as u64, Fault::DropMidBody, 1);
        host.fail_chunk(2 * KIB_320 as u64, Fault::Unavailable { retry_after: "0.1" }, 1);
        let (captured, _guard) = capture();

        let upload = client("http://127.0.0.1:9/v1.0").large_file_upload(host.upload_url()).chunk_size(KIB_320).unwrap();
        let done = upload.upload(Cursor::new(&data)).await.unwrap();
        assert_eq!(done.status, 201);

        let text = captured.text();
        let total = data.len();
        let uploads = captured.closed("graph.upload");
        assert_eq!(uploads.len(), 1, "{text}");
        assert!(
            uploads.iter().any(|l| l.contains(&format!("upload.size={total}")) && l.contains(&format!("upload.origin={}", host.origin))),
            "{text}"
        );
        let chunks = captured.closed("graph.upload.chunk");
        for (range, status) in [
            (format!("0-327679/{total}"), "http.response.status_code=202"),
            (format!("655360-983039/{total}"), "http.response.status_code=503"),
            (format!("983040-{}/{total}", total - 1), "http.response.status_code=201"),
        ] {
            assert!(
                chunks.iter().any(|l| l.contains(&format!("range={range}")) && l.contains(status)),
                "no chunk span for {range} with {status}:\n{text}"
            );
        }
        let request_id = graph_runtime::runtime::test_server::request_id(1);
        assert!(chunks.iter().any(|l| l.contains(&format!("request_id=\"{request_id}\""))), "the upload host's request-id:\n{text}");
        assert!(chunks.iter().any(|l| l.contains("range=327680-655359") && l.contains("attempt=2")), "the resent chunk:\n{text}");
        assert_eq!(captured.closed("graph.upload.status").len(), 2, "{text}");
        assert_eq!(captured.events("graph.retry").len(), 2, "a wait after the drop and after the 503:\n{text}");
        assert_no_secret(&text, &[UPLOAD_SECRET, "tempauth", "/upload/session-1", FAKE_TOKEN]);
    })
    .await
}

/// A batch item is a span of its own inside the `$batch` request, with the
/// item's operation, template, status and request-id; a throttled item that
/// is resent has one span per attempt. The answers follow json-batching.md
/// (each item with its own `status`, `headers` and `body`) and throttling.md
/// ("Throttling and batching": the throttled item gets its own 429 and
/// `Retry-After`).
#[tokio::test]
async fn batch_items_are_child_spans_with_their_own_status_and_request_id() {
    bounded(async {
        let server = Scripted::start("127.0.0.1", |request, earlier| {
            let items = request.json()["requests"].as_array().cloned().unwrap_or_default();
            let throttle_first = earlier.is_empty();
            let responses: Vec<serde_json::Value> = items
                .iter()
                .map(|item| {
                    let id = item["id"].as_str().unwrap_or_default();
                    let request_id = format!("item-request-{id}-{}", earlier.len() + 1);
                    if throttle_first && id == "2" {
                        serde_json::json!({"id": id, "status": 429, "headers": {"Retry-After": "0", "request-id": request_id},
                            "body": {"error": {"code": "TooManyRequests", "message": "slow down"}}})
                    } else {
                        serde_json::json!({"id": id, "status": 200, "headers": {"request-id": request_id}, "body": {"id": id}})
                    }
                })
                .collect();
            Answer::json(200, serde_json::json!({"responses": responses}))
        })
        .await;
        let message = |id: &str| {
            Request::<serde_json::Value>::new(Method::Get, format!("/me/messages/{id}"))
                .operation("get_me_messages", "/me/messages/{message_id}")
        };
        let mut batch = Batch::new();
        let first = batch.add(message("AAMk-PRIVATE-1"));
        let second = batch.add(message("AAMk-PRIVATE-2"));
        let (captured, _guard) = capture();

        let results = client(&server.base_url).send_batch(&batch).await.unwrap();
        assert_eq!(results.get(&first).unwrap()["id"], "1");
        assert_eq!(results.get(&second).unwrap()["id"], "2");

        let text = captured.text();
        let items = captured.closed("graph.batch.item");
        assert_eq!(items.len(), 3, "two items, the throttled one twice:\n{text}");
        for (id, attempt, status, request_id) in
            [("1", 1, 200, "item-request-1-1"), ("2", 1, 429, "item-request-2-1"), ("2", 2, 200, "item-request-2-2")]
        {
            let span = items
                .iter()
                .find(|l| l.contains(&format!("id={id} ")) && l.contains(&format!("attempt={attempt}")))
                .unwrap_or_else(|| panic!("no span for item {id}, attempt {attempt}:\n{text}"));
            for expected in [
                "graph.operation=\"get_me_messages\"".to_owned(),
                "url.template=\"/me/messages/{message_id}\"".to_owned(),
                format!("http.response.status_code={status}"),
                format!("request_id=\"{request_id}\""),
            ] {
                assert!(span.contains(&expected), "`{expected}` missing from {span}");
            }
        }
        assert_no_secret(&text, &["AAMk-PRIVATE", FAKE_TOKEN]);
    })
    .await
}
