//! The generated operations end to end, against a fake Graph on loopback
//! (`fake_graph`): the API on `127.0.0.1`, upload sessions on `localhost`.
#![cfg(all(feature = "test-server", feature = "outlook"))]

mod fake_graph;

use fake_graph::{base64_encode, bounded, client, Fault, Graph, FILE_ATTACHMENT, KIB_320, TOKEN, UPLOAD_SECRET};
use graph_client::runtime::test_server::{assert_same_content, test_bytes};
use graph_client::runtime::{StreamExt, TryStreamExt};
use graph_client::types::{Attachment, AttachmentCreateUploadSessionRequest, AttachmentItem, AttachmentType};
use graph_client::{operations, Error, Page};
use std::time::{Duration, Instant};

fn bearer() -> Option<String> {
    Some(format!("Bearer {TOKEN}"))
}

/// `@odata.type` as the value serializes, whichever field holds it.
fn odata_type(attachment: &Attachment) -> Option<String> {
    serde_json::to_value(attachment).unwrap()["@odata.type"].as_str().map(str::to_owned)
}

fn names(attachments: &[Attachment]) -> Vec<&str> {
    attachments.iter().map(|a| a.name.as_deref().unwrap_or_default()).collect()
}

fn file_attachment(name: &str, content: &[u8]) -> Attachment {
    let extra = serde_json::json!({"@odata.type": FILE_ATTACHMENT, "contentBytes": base64_encode(content)});
    Attachment {
        name: Some(name.to_owned()),
        content_type: Some("text/plain".to_owned()),
        additional_properties: extra.as_object().unwrap().clone(),
        ..Default::default()
    }
}

fn session_request(name: &str, size: usize) -> AttachmentCreateUploadSessionRequest {
    AttachmentCreateUploadSessionRequest {
        attachment_item: Some(AttachmentItem {
            attachment_type: Some(AttachmentType::File),
            name: Some(name.to_owned()),
            size: Some(size as i64),
            content_type: Some("application/octet-stream".to_owned()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn attachments_crud_through_the_generated_operations() {
    bounded(async {
        let graph = Graph::start().await;
        // A Graph-like id with characters that must be percent-encoded in a path segment.
        let message = "AAMkAD+x/y=";
        graph.add_message(message);
        let client = client(&graph.base_url);

        // Create: POST -> 201 with the new attachment.
        let request = operations::me().messages().by_id(message).attachments().create(&file_attachment("notes.txt", b"hello, world"));
        assert_eq!(request.url(client.base_url()), format!("{}/me/messages/AAMkAD%2Bx%2Fy=/attachments", graph.base_url));
        let created = client.send(request).await.unwrap();
        let id = created.id.clone().expect("the created attachment has an id");
        assert_eq!(created.name.as_deref(), Some("notes.txt"));
        assert_eq!(created.size, Some(12), "the server counted the decoded contentBytes");
        assert_eq!(created.content_type.as_deref(), Some("text/plain"));
        assert_eq!(odata_type(&created).as_deref(), Some(FILE_ATTACHMENT));
        assert_eq!(created.additional_properties["contentBytes"], base64_encode(b"hello, world"), "unknown members are kept");
        let stored = graph.attachments(message);
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].bytes, b"hello, world", "the server decoded what the client encoded");
        let post = &graph.api_seen()[0];
        assert_eq!((post.method.as_str(), post.status), ("POST", 201));
        assert_eq!(post.content_type.as_deref(), Some("application/json"));
        assert_eq!(post.json()["name"], "notes.txt");
        assert_eq!(post.json()["@odata.type"], FILE_ATTACHMENT);

        // Get, through the Client method this time.
        let fetched = client.me().messages().by_id(message).attachments().by_id(&id).get().await.unwrap();
        assert_eq!((fetched.id.as_deref(), fetched.name.as_deref(), fetched.size), (Some(id.as_str()), Some("notes.txt"), Some(12)));
        assert_eq!(odata_type(&fetched).as_deref(), Some(FILE_ATTACHMENT));

        // List.
        let page = client.me().messages().by_id(message).attachments().list().await.unwrap();
        assert_eq!(names(&page.value), ["notes.txt"]);
        assert_eq!(page.next_link, None);

        // Delete: 204 and an empty body decode into ().
        client.me().messages().by_id(message).attachments().by_id(&id).delete().await.unwrap();
        assert!(graph.attachments(message).is_empty());
        let error = client.me().messages().by_id(message).attachments().by_id(&id).get().await.unwrap_err();
        assert_eq!(error.status(), Some(404), "{error:?}");
        let error = client.me().messages().by_id(message).attachments().by_id(&id).delete().await.unwrap_err();
        assert_eq!(error.status(), Some(404), "deleting twice is a 404: {error:?}");
        assert!(client.me().messages().by_id(message).attachments().list().await.unwrap().value.is_empty());

        let seen = graph.api_seen();
        let calls: Vec<String> = seen.iter().map(|s| format!("{} {} -> {}", s.method, s.target, s.status)).collect();
        let path = "/v1.0/me/messages/AAMkAD%2Bx%2Fy=/attachments";
        assert_eq!(
            calls,
            [
                format!("POST {path} -> 201"),
                format!("GET {path}/{id} -> 200"),
                format!("GET {path} -> 200"),
                format!("DELETE {path}/{id} -> 204"),
                format!("GET {path}/{id} -> 404"),
                format!("DELETE {path}/{id} -> 404"),
                format!("GET {path} -> 200"),
            ]
        );
        assert!(seen.iter().all(|s| s.authorization == bearer()), "every API call carries the token");
    })
    .await
}

#[tokio::test]
async fn a_collection_over_three_pages() {
    bounded(async {
        let graph = Graph::start().await;
        graph.add_message("m1");
        let expected = ["a.txt", "b.pdf", "c.docx", "d.png", "Résumé.pdf"];
        for (i, name) in expected.iter().enumerate() {
            let kind = if i == 3 { "#microsoft.graph.referenceAttachment" } else { FILE_ATTACHMENT };
            graph.add_attachment("m1", name, kind);
        }
        let client = client(&graph.base_url);

        // all_pages: 2 + 2 + 1 items, following the absolute @odata.nextLink.
        let all = client.all_pages(operations::me().messages().by_id("m1").attachments().list()).await.unwrap();
        assert_eq!(names(&all), expected);
        assert_eq!(odata_type(&all[3]).as_deref(), Some("#microsoft.graph.referenceAttachment"));
        let targets: Vec<String> = graph.api_seen().iter().map(|s| s.target.clone()).collect();
        assert_eq!(
            targets,
            [
                "/v1.0/me/messages/m1/attachments",
                "/v1.0/me/messages/m1/attachments?$skiptoken=2",
                "/v1.0/me/messages/m1/attachments?$skiptoken=4"
            ]
        );

        // stream_pages, with $top: the next links keep it.
        let pages: Vec<Page<Attachment>> =
            client.stream_pages(operations::me().messages().by_id("m1").attachments().list().top(2)).try_collect().await.unwrap();
        assert_eq!(pages.iter().map(|p| p.value.len()).collect::<Vec<_>>(), [2, 2, 1]);
        assert!(pages[0].next_link.as_deref().is_some_and(|l| l.starts_with(&graph.base_url) && l.contains("$top=2")));
        assert_eq!(pages[2].next_link, None);

        // stream_items is lazy: three items need two pages only.
        let before = graph.api_seen().len();
        let first_three: Vec<Result<Attachment, Error>> =
            client.stream_items(operations::me().messages().by_id("m1").attachments().list()).take(3).collect().await;
        let first_three: Vec<Attachment> = first_three.into_iter().collect::<Result<_, _>>().unwrap();
        assert_eq!(names(&first_three), ["a.txt", "b.pdf", "c.docx"]);
        assert_eq!(graph.api_seen().len(), before + 2);

        // One page through the Client method: the link to the rest is there.
        let page = client.me().messages().by_id("m1").attachments().list().await.unwrap();
        assert_eq!(names(&page.value), ["a.txt", "b.pdf"]);
        assert_eq!(page.next_link, Some(format!("{}/me/messages/m1/attachments?$skiptoken=2", graph.base_url)));

        assert!(graph.api_seen().iter().all(|s| s.authorization == bearer() && s.status == 200));
    })
    .await
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_then_the_request_succeeds() {
    bounded(async {
        let graph = Graph::start().await;
        graph.add_message("m1");
        graph.add_attachment("m1", "only.txt", FILE_ATTACHMENT);
        graph.throttle("GET", "/attachments", 1, "1");
        let started = Instant::now();
        let page = client(&graph.base_url).me().messages().by_id("m1").attachments().list().await.unwrap();
        assert_eq!(names(&page.value), ["only.txt"]);

        let seen = graph.api_seen();
        let answered: Vec<(u16, &str)> = seen.iter().map(|s| (s.status, s.target.as_str())).collect();
        assert_eq!(answered, [(429, "/v1.0/me/messages/m1/attachments"), (200, "/v1.0/me/messages/m1/attachments")]);
        let waited = seen[1].at - seen[0].at;
        assert!(waited >= Duration::from_millis(950), "Retry-After: 1 was not honoured: retried after {waited:?}");
        assert!(started.elapsed() < Duration::from_secs(4), "took {:?}", started.elapsed());
        assert!(seen.iter().all(|s| s.authorization == bearer()), "the retry carries the token too");
    })
    .await
}

#[tokio::test]
async fn an_error_body_surfaces_as_the_typed_error() {
    bounded(async {
        let graph = Graph::start().await;
        graph.add_message("m1");
        let client = client(&graph.base_url);

        let error = client.me().messages().by_id("m1").attachments().by_id("no-such-attachment").get().await.unwrap_err();
        let request_id = graph.api_seen()[0].request_id.clone();
        let Error::Api { status, error: graph_error } = &error else { panic!("expected Error::Api, got {error:?}") };
        assert_eq!(*status, 404);
        assert_eq!(error.status(), Some(404));
        assert_eq!(graph_error.code, "ErrorItemNotFound");
        assert_eq!(graph_error.message, "The specified object was not found in the store.");
        let inner = graph_error.inner_error.as_ref().expect("innerError is decoded");
        assert_eq!(inner.request_id.as_deref(), Some(request_id.as_str()));
        assert_eq!(inner.date.as_deref(), Some("2024-05-01T12:00:00"));
        assert_eq!(
            error.to_string(),
            format!("the API answered 404: The specified object was not found in the store. (ErrorItemNotFound) [request-id {request_id}]")
        );
        assert_eq!(graph.api_seen().len(), 1, "a 404 is not retried");

        // A request body the service rejects: 400, typed the same way.
        let error = client.me().messages().by_id("m1").attachments().create_upload_session(&session_request("empty.bin", 0)).await.unwrap_err();
        let Error::Api { status: 400, error: graph_error } = &error else { panic!("expected a 400, got {error:?}") };
        assert_eq!(graph_error.code, "ErrorInvalidRequest");

        // A wrong token: 401, and the token shows up nowhere.
        let wrong = graph_client::Client::builder().base_url(&graph.base_url).token("wrong-token").build().unwrap();
        let error = wrong.me().messages().by_id("m1").attachments().list().await.unwrap_err();
        let Error::Api { status: 401, error: graph_error } = &error else { panic!("expected a 401, got {error:?}") };
        assert_eq!(graph_error.code, "InvalidAuthenticationToken");
        let shown = format!("{error} {error:?} {wrong:?}");
        assert!(!shown.contains("wrong-token"), "{shown}");
    })
    .await
}

#[tokio::test]
async fn a_large_file_upload_survives_a_dropped_connection_and_a_503() {
    bounded(async {
        let graph = Graph::start().await;
        graph.add_message("m1");
        let client = client(&graph.base_url);
        let data = test_bytes(5 * 1024 * 1024 + 12_345);
        let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("graph-server-upload-{}.bin", std::process::id()));
        std::fs::write(&path, &data).unwrap();

        // The session, through the generated operation, with the token.
        let session = client.me().messages().by_id("m1").attachments().create_upload_session(&session_request("big.bin", data.len())).await.unwrap();
        let upload_url = session.upload_url.clone().expect("uploadUrl");
        assert!(upload_url.starts_with(&format!("{}/upload/", graph.upload_origin)), "{upload_url}");
        assert!(graph.base_url.starts_with("http://127.0.0.1:") && upload_url.starts_with("http://localhost:"), "two host names");
        assert_eq!(session.next_expected_ranges, Some(vec!["0-".to_owned()]));
        let create = &graph.api_seen()[0];
        assert_eq!(create.status, 201);
        assert_eq!(create.authorization, bearer());
        assert_eq!(
            create.json(),
            serde_json::json!({"AttachmentItem": {"attachmentType": "file", "name": "big.bin", "size": data.len(), "contentType": "application/octet-stream"}})
        );

        // Five chunks of 1.25 MiB: the second is cut off mid-body, the fourth gets a 503.
        let chunk = 4 * KIB_320 as u64;
        graph.fail_chunk(chunk, Fault::DropMidBody, 1);
        graph.fail_chunk(3 * chunk, Fault::Unavailable { retry_after: "1" }, 1);
        let upload = client.large_file_upload(upload_url).chunk_size(4 * KIB_320).unwrap().for_attachment();
        let file = tokio::fs::File::open(&path).await.unwrap();
        let done = upload.upload(file).await.unwrap();
        std::fs::remove_file(&path).unwrap();

        // Outlook's protocol: 200 and `NextExpectedRanges: ["N"]` between chunks, 201 and Location at the end.
        let locations = graph.upload_locations();
        assert_eq!(locations, std::slice::from_ref(&done.location));

        let total = data.len();
        let put = |start: u64, end: u64, outcome: &str| format!("PUT {start}-{end}/{total} -> {outcome}");
        assert_eq!(
            graph.upload_log(),
            [
                put(0, chunk - 1, "200"),
                put(chunk, 2 * chunk - 1, "dropped"),
                format!("GET -> 200 [{chunk}]"),
                put(chunk, 2 * chunk - 1, "200"),
                put(2 * chunk, 3 * chunk - 1, "200"),
                put(3 * chunk, 4 * chunk - 1, "503"),
                format!("GET -> 200 [{}]", 3 * chunk),
                put(3 * chunk, 4 * chunk - 1, "200"),
                put(4 * chunk, total as u64 - 1, "201"),
            ]
        );
        // Retry-After: 1 was honoured before asking the session where to resume.
        let seen = graph.upload_seen();
        let unavailable = seen.iter().position(|s| s.header("content-range") == Some(&format!("bytes {}-{}/{total}", 3 * chunk, 4 * chunk - 1))).unwrap();
        let waited = seen[unavailable + 1].at - seen[unavailable].at;
        assert!(waited >= Duration::from_millis(950), "resumed {waited:?} after a 503 with Retry-After: 1");

        // The server holds exactly the file, as an attachment of the message.
        let stored = graph.attachments("m1");
        assert_eq!(stored.len(), 1);
        assert_same_content(&stored[0].bytes, &data);
        assert_eq!(done.attachment_id().as_deref(), Some(stored[0].id()));
        let attachment = client.me().messages().by_id("m1").attachments().by_id(stored[0].id()).get().await.unwrap();
        assert_eq!((attachment.name.as_deref(), attachment.size), (Some("big.bin"), Some(total as i32)));
        assert_eq!(odata_type(&attachment).as_deref(), Some(FILE_ATTACHMENT));

        // The upload URL never saw the token; the API always did.
        assert!(graph.authorized_uploads().is_empty(), "the upload URL must never see a token: {:?}", graph.authorized_uploads());
        assert!(seen.iter().all(|s| s.target.ends_with(&format!("?tempauth={UPLOAD_SECRET}"))));
        assert!(graph.api_seen().iter().all(|s| s.authorization == bearer()));
    })
    .await
}

#[tokio::test]
async fn content_behind_a_cross_host_redirect_is_downloaded_without_the_token_and_bounded() {
    bounded(async {
        let graph = Graph::start().await;
        let message = "AAMkAD+content=";
        graph.add_message(message);
        let client = client(&graph.base_url);
        let content = test_bytes(KIB_320 + 17);
        let created =
            client.send(operations::me().messages().by_id(message).attachments().create(&file_attachment("data.bin", &content))).await.unwrap();
        let id = created.id.expect("the created attachment has an id");

        // The operation's page documents raw content (`$value`): the method returns bytes.
        let downloaded = client.me().messages().by_id(message).attachments().by_id(&id).get_value(1 << 20).await.unwrap();
        assert_same_content(&downloaded, &content);
        let api = graph.api_seen();
        let last = api.last().unwrap();
        assert_eq!((last.method.as_str(), last.status), ("GET", 302), "the API answered with a redirect");
        assert_eq!(last.authorization, bearer(), "the API call carries the token");
        assert_eq!(graph.upload_log(), ["GET content -> 200 (327697 bytes)"], "the redirect was followed to the content host");
        assert!(graph.authorized_uploads().is_empty(), "the content host must never see a token: {:?}", graph.authorized_uploads());

        // A limit below the content's size stops the download instead of reading it all.
        let error = client.me().messages().by_id(message).attachments().by_id(&id).get_value(1024).await.unwrap_err();
        assert!(matches!(error, Error::BodyTooLarge { limit: 1024 }), "{error:?}");

        // Raw-content requests are typed so that they cannot be JSON-decoded by mistake:
        // `client.send(operations::get_me_messages_attachments_value(..))` does not compile.
        let request: graph_client::Request<graph_client::runtime::Content> = operations::me().messages().by_id(message).attachments().by_id(&id).get_value();
        assert!(request.url(client.base_url()).ends_with(&format!("/attachments/{id}/$value")));
    })
    .await
}
