//! How to test your own code against the fake Graph the crate ships
//! (feature `test-server`): canned answers typed by the operations' own
//! response types, what your code sent read back as the request body type,
//! and faults (a 429 with `Retry-After`) your code must ride out.
//!
//! A user file: `cargo xtask gen` never touches it.
#![cfg(all(feature = "test-server", feature = "outlook"))]

use graph_client::runtime::test_server::{FakeGraph, Fault};
use graph_client::types::Attachment;
use graph_client::{operations, Client, Error, Page};
use std::time::Duration;

// ---------------------------------------------------------------- your code

/// The names of a message's PDF attachments, across all pages.
async fn pdf_attachments(client: &Client, message_id: &str) -> Result<Vec<String>, Error> {
    let attachments = client.all_pages(operations::me().messages().by_id(message_id).attachments().list()).await?;
    Ok(attachments.into_iter().filter_map(|a| a.name).filter(|name| name.ends_with(".pdf")).collect())
}

/// Attaches a short text note to a message; returns the new attachment's id.
async fn attach_note(client: &Client, message_id: &str, text: &str) -> Result<String, Error> {
    let extra = serde_json::json!({"@odata.type": "#microsoft.graph.fileAttachment", "contentBytes": base64(text.as_bytes())});
    let note = Attachment {
        name: Some("note.txt".into()),
        content_type: Some("text/plain".into()),
        additional_properties: extra.as_object().cloned().unwrap_or_default(),
        ..Default::default()
    };
    let created = client.send(operations::me().messages().by_id(message_id).attachments().create(&note)).await?;
    created.id.ok_or_else(|| Error::InvalidRequest("the created attachment has no id".into()))
}

fn base64(data: &[u8]) -> String {
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

// --------------------------------------------------------------- its tests

fn named(name: &str) -> Attachment {
    Attachment { name: Some(name.into()), ..Default::default() }
}

#[tokio::test]
async fn pdf_attachments_reads_every_page_and_rides_out_throttling() {
    let graph = FakeGraph::start().await;
    let first_page = operations::me().messages().by_id("m1").attachments().list();
    let second_page = operations::me().messages().by_id("m1").attachments().list().query("$skiptoken", "2");
    // Throttled once (any message), then two pages linked by @odata.nextLink.
    graph.on(&first_page).times(1).fail(Fault::Throttled { retry_after: "0.1" });
    graph.on(&first_page).exactly().reply(Page {
        value: vec![named("report.pdf"), named("photo.jpg")],
        next_link: Some(format!("{}/me/messages/m1/attachments?$skiptoken=2", graph.base_url())),
        ..Page::default()
    });
    graph.on(&second_page).exactly().reply(Page { value: vec![named("minutes.pdf")], ..Page::default() });

    let names = tokio::time::timeout(Duration::from_secs(10), pdf_attachments(&graph.client(), "m1")).await.unwrap().unwrap();

    assert_eq!(names, ["report.pdf", "minutes.pdf"]);
    let sent = graph.received_by(&first_page);
    let answered: Vec<(u16, &str)> = sent.iter().map(|r| (r.status, r.target.as_str())).collect();
    assert_eq!(
        answered,
        [
            (429, "/v1.0/me/messages/m1/attachments"),
            (200, "/v1.0/me/messages/m1/attachments"),
            (200, "/v1.0/me/messages/m1/attachments?$skiptoken=2")
        ]
    );
    assert!(sent[1].at - sent[0].at >= Duration::from_millis(100), "Retry-After was honoured");
}

#[tokio::test]
async fn attach_note_sends_a_file_attachment_and_returns_its_id() {
    let graph = FakeGraph::start().await;
    let create = operations::me().messages().by_id("m1").attachments().create(&Attachment::default());
    // Created (201): the attachment as sent, with an id.
    graph
        .on(&create)
        .status(201)
        .reply_with(|received| Attachment { id: Some("att-1".into()), ..received.json::<Attachment>().expect("an attachment body") });

    let id = attach_note(&graph.client(), "m1", "call me").await.unwrap();

    assert_eq!(id, "att-1");
    // What your code sent, read back as the operation's body type (or as JSON).
    let sent = &graph.received_by(&create)[0];
    let attachment: Attachment = sent.json().unwrap();
    assert_eq!(attachment.name.as_deref(), Some("note.txt"));
    let json: serde_json::Value = sent.json().unwrap();
    assert_eq!(json["@odata.type"], "#microsoft.graph.fileAttachment");
    assert_eq!(json["contentBytes"], base64(b"call me"));
}

#[tokio::test]
async fn attach_note_reports_a_missing_message() {
    let graph = FakeGraph::start().await;
    let create = operations::me().messages().by_id("gone").attachments().create(&Attachment::default());
    graph.on(&create).error(404, "ErrorItemNotFound", "The specified object was not found in the store.");

    let error = attach_note(&graph.client(), "gone", "hello").await.unwrap_err();

    let Error::Api { status: 404, error } = &error else { panic!("expected a 404, got {error:?}") };
    assert_eq!(error.code, "ErrorItemNotFound");
    let request_id = graph.received()[0].answer_header("request-id").unwrap().to_owned();
    assert_eq!(error.inner_error.as_ref().and_then(|inner| inner.request_id.as_deref()), Some(request_id.as_str()));
}
